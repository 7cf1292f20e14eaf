/*
 * Integer GELU, I-BERT i-GELU: GELU(x) = x/2 (1 + erf(x/sqrt 2)) with
 * erf(u) ~ sgn(u) [1 - 0.2888 (min(|u|, 1.769) - 1.769)^2], evaluated with u in
 * Q10 and the result at scale 0.2888 * 2^-20:
 *   B = round(1.769 * 2^10) = 1811,  C = round(2^20 / 0.2888) = 3630803.
 */
#include "vs_internal.h"

#define VS_GELU_B 1811
#define VS_GELU_C 3630803

vs_status_t vs_gelu_s8(const vs_mat_dims_t *dims, const vs_gelu_params_t *params,
                       const int8_t *x, int8_t *y) {
    if (!vs__mat_ok(dims) || !params ||
        !vs__quant32_ok(&params->in) || params->in.mul <= 0 || !vs__quant_ok(&params->out) ||
        !x || !y)
        return VS_ERR_ARG;
    const int32_t n = dims->rows * dims->cols;
    const int32_t in_mul = params->in.mul, in_shift = params->in.shift;
    const int32_t out_mul = params->out.mul, out_shift = params->out.shift;
    for (int32_t i = 0; i < n; i++) {
        const int32_t v = x[i];
        const int32_t u = vs__requant32(v, in_mul, in_shift);
        const int32_t a = u < 0 ? -u : u;
        const int32_t t = (a < VS_GELU_B ? a : VS_GELU_B) - VS_GELU_B;
        const int32_t poly = VS_GELU_C - t * t;
        const int32_t erf = u > 0 ? poly : (u < 0 ? -poly : 0);
        y[i] = (int8_t)vs__requant(v * (VS_GELU_C + erf), out_mul, out_shift);
    }
    return VS_OK;
}
