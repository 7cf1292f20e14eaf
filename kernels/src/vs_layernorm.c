/*
 * Integer LayerNorm and the two integer square roots it can use.
 *
 * Per row of n values (n <= 512):
 *   sum = sum x, sumsq = sum x^2 (exact int32; SIMD: vs_sdotp4 against 1s and x)
 *   ve  = n * sumsq - sum^2 = n^2 * var   (< 2^14 n^2 <= 2^32: exact in uint32)
 *   v   = (ve + eps) << 2k, the largest k that keeps v < 2^32, so isqrt has 16
 *         significant bits whatever the variance
 *   sig = isqrt(v) in [2^15, 2^16)         (~ n * std * 2^k)
 *   inv = floor((2^32 - 1) / sig)          (one division per row)
 *   nrm = round((n x - sum) * inv / 2^(21 - k)) = (x - mean) / std in Q11
 *   y   = sat8(requant(nrm * gamma + beta))
 */
#include "vs_internal.h"

uint32_t vs_isqrt_bisect_u32(uint32_t n) {
    uint32_t r = 0;
    for (int32_t bit = 15; bit >= 0; bit--) {
        const uint32_t t = r | (1u << bit);
        if (t * t <= n) r = t; /* t < 2^16: t * t fits in 32 bits */
    }
    return r;
}

/* Number of significant bits of n (0 for 0), by halving the search range. */
static int32_t vs__bit_length(uint32_t n) {
    int32_t bits = 0;
    for (int32_t step = 16; step > 0; step >>= 1)
        if (n >> step) {
            n >>= step;
            bits += step;
        }
    return bits + (int32_t)n;
}

uint32_t vs_isqrt_newton_u32(uint32_t n, int32_t steps) {
    if (n == 0) return 0;
    /* n < 2^bits, so 2^ceil(bits/2) >= sqrt(n): the iteration decreases from above. */
    uint32_t x = 1u << ((vs__bit_length(n) + 1) / 2);
    for (int32_t i = 0; i < steps; i++) {
        const uint32_t next = (x + n / x) >> 1;
        if (next >= x) break; /* converged: x == floor(sqrt(n)) */
        x = next;
    }
    return x;
}

/* Exact row sums: sum of x and of x^2. */
static void vs__row_sums(const int8_t *x, int32_t n, int32_t *sum, int32_t *sumsq) {
    int32_t s = 0, s2 = 0, i = 0;
#if VS_SIMD
    if (((uintptr_t)x & 3u) == 0) {
        const vs__word_t *w = (const vs__word_t *)x;
        for (; i + 4 <= n; i += 4) {
            const uint32_t v = w[i >> 2];
            s = vs_sdotp4(s, v, 0x01010101u);
            s2 = vs_sdotp4(s2, v, v);
        }
    }
#endif
    for (; i < n; i++) {
        s += x[i];
        s2 += x[i] * x[i];
    }
    *sum = s;
    *sumsq = s2;
}

static void vs__layernorm_row(const int8_t *x, int32_t n, const vs_layernorm_params_t *p,
                              const int8_t *gamma, const int32_t *beta, int8_t *y) {
    int32_t sum, sumsq;
    vs__row_sums(x, n, &sum, &sumsq);
    /* Modular uint32 arithmetic is exact here because the true result is < 2^32. */
    const uint32_t ve = (uint32_t)n * (uint32_t)sumsq - (uint32_t)sum * (uint32_t)sum;
    uint32_t v = ve + p->eps;
    if (v < ve) v = 0xFFFFFFFFu; /* saturate */
    int32_t k = 0;
    while (v < (1u << 30)) {
        v <<= 2;
        k++;
    }
    const uint32_t sig = p->sqrt_method == VS_SQRT_NEWTON
                             ? vs_isqrt_newton_u32(v, p->newton_steps)
                             : vs_isqrt_bisect_u32(v);
    const uint32_t inv = 0xFFFFFFFFu / sig;
    const int32_t shift = 32 - VS_LAYERNORM_FRAC_BITS - k; /* 21 - k, in [6, 21] */
    const int64_t rnd = (int64_t)1 << (shift - 1);
    for (int32_t i = 0; i < n; i++) {
        const int32_t d = n * x[i] - sum;
        const int32_t nrm = (int32_t)(((int64_t)d * inv + rnd) >> shift);
        /* |nrm| <= sqrt(n - 1) * 2^11 keeps nrm * gamma within int32; beta may be
         * near the int32 limits, so the sum wraps as on the target. */
        const int32_t acc = vs__add_wrap(nrm * gamma[i], beta ? beta[i] : 0);
        y[i] = (int8_t)vs__requant(acc, p->out.mul, p->out.shift);
    }
}

vs_status_t vs_layernorm_s8(const vs_mat_dims_t *dims, const vs_layernorm_params_t *params,
                            const int8_t *x, const int8_t *gamma, const int32_t *beta,
                            int8_t *y) {
    if (!vs__mat_ok(dims) || dims->cols > VS_LAYERNORM_MAX_COLS ||
        !params || params->eps < 1 || !vs__quant_ok(&params->out) ||
        (params->sqrt_method != VS_SQRT_BISECT && params->sqrt_method != VS_SQRT_NEWTON) ||
        (params->sqrt_method == VS_SQRT_NEWTON &&
         (params->newton_steps < 1 || params->newton_steps > 32)) ||
        !x || !gamma || !y)
        return VS_ERR_ARG;
    for (int32_t r = 0; r < dims->rows; r++)
        vs__layernorm_row(x + r * dims->cols, dims->cols, params, gamma, beta,
                          y + r * dims->cols);
    return VS_OK;
}
