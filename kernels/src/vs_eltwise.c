/* Residual add, class token concat and mean pooling. */
#include "vs_internal.h"

vs_status_t vs_add_s8(const vs_mat_dims_t *dims, const vs_add_params_t *params,
                      const int8_t *a, const int8_t *b, int8_t *y) {
    if (!vs__mat_ok(dims) || !params || !vs__mul32_ok(params->a_mul) ||
        !vs__mul32_ok(params->b_mul) || params->shift < 1 ||
        params->shift > VS_QUANT32_SHIFT_MAX || !a || !b || !y)
        return VS_ERR_ARG;
    const int32_t n = dims->rows * dims->cols;
    const int32_t am = params->a_mul, bm = params->b_mul, sh = params->shift;
    const int32_t rnd = 1 << (sh - 1);
    for (int32_t i = 0; i < n; i++)
        y[i] = (int8_t)vs__sat8((a[i] * am + b[i] * bm + rnd) >> sh);
    return VS_OK;
}

vs_status_t vs_cls_concat_s8(const vs_mat_dims_t *dims, const int8_t *cls,
                             const int8_t *x, int8_t *y) {
    if (!vs__mat_ok(dims) || !vs__fits((int64_t)(dims->rows + 1) * dims->cols) || !cls ||
        !x || !y)
        return VS_ERR_ARG;
    const int32_t cols = dims->cols;
    /* Last row first: row r moves to r + 1, which only overwrites a row already moved.
       memmove: y may be x itself (the deployed in-place form) or overlap it anyhow. */
    for (int32_t r = dims->rows - 1; r >= 0; r--)
        memmove(y + (r + 1) * cols, x + r * cols, (size_t)cols);
    memmove(y, cls, (size_t)cols);
    return VS_OK;
}

/* Inlined into both entry points: the whole-layer kernel keeps its stack. */
static inline __attribute__((always_inline)) vs_status_t
vs__mean_pool(const vs_mat_dims_t *dims, int32_t begin, int32_t end, const vs_quant_t *q,
              const int8_t *x, int8_t *y) {
    if (!vs__mat_ok(dims) || dims->rows > (1 << 23) || begin < 0 || begin > end ||
        end > dims->cols || !vs__quant_ok(q) || !x || !y)
        return VS_ERR_ARG;
    const int32_t rows = dims->rows, cols = dims->cols;
    for (int32_t c = begin; c < end; c++) {
        int32_t s = 0;
        for (int32_t r = 0; r < rows; r++) s += x[r * cols + c];
        y[c] = (int8_t)vs__requant(s, q->mul, q->shift);
    }
    return VS_OK;
}

vs_status_t vs_mean_pool_range_s8(const vs_mat_dims_t *dims, int32_t begin, int32_t end,
                                  const vs_quant_t *q, const int8_t *x, int8_t *y) {
    return vs__mean_pool(dims, begin, end, q, x, y);
}

vs_status_t vs_mean_pool_s8(const vs_mat_dims_t *dims, const vs_quant_t *q,
                            const int8_t *x, int8_t *y) {
    if (!dims) return VS_ERR_ARG;
    return vs__mean_pool(dims, 0, dims->cols, q, x, y);
}
