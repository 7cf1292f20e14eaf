/*
 * Integer softmax with the I-BERT exponential (Kim et al., 2021), evaluated at a
 * fixed working scale of 2^-10 (Q10) after rescaling the max-subtracted input.
 * Constants (Q10 unless noted):
 *   ln2  = round(0.693147 * 2^10)           = 710
 *   b    = round(1.353 * 2^10)              = 1385
 *   c    = round(0.344 / 0.3585 * 2^20)     = 1006165   (Q20, divided by a)
 * exp(p) ~ 0.3585 (p + 1.353)^2 + 0.344 on p in (-ln2, 0], so with the scale
 * a * 2^-20 folded out, e = ((p + b)^2 + c) >> z and exp(0) = 2924385.
 * The constants and vs__iexp are in vs_internal.h (shared with vs_attention.c).
 */
#include "vs_internal.h"

static inline int32_t vs__row_max(const int8_t *in, int32_t cols) {
    int32_t m = in[0];
    for (int32_t j = 1; j < cols; j++)
        if (in[j] > m) m = in[j];
    return m;
}

/* The probabilities of a row's exponentials: one division per row; e <= sum keeps
 * e * factor within 32 bits. */
static inline void vs__softmax_probs(const uint32_t *exps, int32_t cols, uint32_t sum, int8_t *out) {
    const uint32_t factor = 0xFFFFFFFFu / sum;
    for (int32_t j = 0; j < cols; j++) out[j] = (int8_t)vs__softmax_prob(exps[j], factor);
}

void vs__softmax_row(const int8_t *in, int8_t *out, int32_t cols, int32_t in_mul,
                     int32_t in_shift, uint32_t *exps) {
    const int32_t m = vs__row_max(in, cols);
    uint32_t sum = 0;
    for (int32_t j = 0; j < cols; j++) {
        const uint32_t e = vs__iexp(-vs__requant32(in[j] - m, in_mul, in_shift));
        exps[j] = e;
        sum += e;
    }
    vs__softmax_probs(exps, cols, sum, out);
}

void vs__softmax_row_table(const int8_t *in, int8_t *out, int32_t cols, const uint32_t *table,
                           uint32_t *exps) {
    const uint32_t *tm = table + vs__row_max(in, cols); /* e = table[max - x] = tm[-x] */
    uint32_t sum = 0;
    for (int32_t j = 0; j < cols; j++) {
        const uint32_t e = tm[-in[j]];
        exps[j] = e;
        sum += e;
    }
    vs__softmax_probs(exps, cols, sum, out);
}

int32_t vs_softmax_s8_scratch_bytes(const vs_mat_dims_t *dims) {
    if (!vs__mat_ok(dims) || dims->cols > VS_SOFTMAX_MAX_COLS)
        return VS_ERR_ARG;
    return dims->cols * 4;
}

vs_status_t vs_softmax_s8(const vs_mat_dims_t *dims, const vs_softmax_params_t *params,
                          const int8_t *x, int8_t *y, void *scratch) {
    if (vs_softmax_s8_scratch_bytes(dims) < 0 || !params || !vs__quant32_ok(&params->in) ||
        params->in.mul <= 0 || !x || !y || !scratch)
        return VS_ERR_ARG;
    const int32_t cols = dims->cols;
    for (int32_t r = 0; r < dims->rows; r++)
        vs__softmax_row(x + r * cols, y + r * cols, cols, params->in.mul, params->in.shift,
                        (uint32_t *)scratch);
    return VS_OK;
}
