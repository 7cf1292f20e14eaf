/*
 * Linear layers: out-of-place, token overwriting, low-rank chains, classifier.
 * All of them run the GEMM core (vs_gemm.c) with A = token rows and B = weight
 * rows, so they share its 4x2 register blocking and requantization.
 */
#include "vs_internal.h"

static int vs__linear_dims_ok(const vs_linear_dims_t *d) {
    if (!d || d->tokens <= 0 || d->in_features <= 0 || d->out_features <= 0) return 0;
    const int64_t widest = d->in_features > d->out_features ? d->in_features : d->out_features;
    return vs__fits((int64_t)d->tokens * widest) &&
           vs__fits((int64_t)d->in_features * d->out_features);
}

vs_status_t vs_linear_s8(const vs_linear_dims_t *dims, const vs_quant_t *q,
                         const int8_t *x, const int8_t *w, const int32_t *bias,
                         int8_t *y) {
    if (!vs__linear_dims_ok(dims) || !vs__quant_ok(q) || !x || !w || !y) return VS_ERR_ARG;
    vs__linear_rows(dims->tokens, dims->in_features, dims->out_features, x,
                    dims->in_features, w, bias, q, y, dims->out_features);
    return VS_OK;
}

/* Rows per block of the overwrite kernel: the GEMM core's 2-row blocking. */
#define VS_OVERWRITE_ROWS 2

int32_t vs_linear_overwrite_s8_scratch_bytes(const vs_linear_dims_t *dims) {
    if (!vs__linear_dims_ok(dims)) return VS_ERR_ARG;
    return vs__align4(vs__mul_sat(VS_OVERWRITE_ROWS, dims->out_features));
}

/*
 * Block [t0, t0+n) reads input rows t0.. at stride in_f and its output goes to
 * [t0*out_f, (t0+n)*out_f). Going forward when out <= in, that range lies below
 * the end of input row t0+n-1; going backward when out > in, it lies above the
 * start of input row t0. Either way it only covers rows of this block or rows
 * already consumed, so staging the block's output is enough.
 */
static void vs__overwrite_block(const vs_linear_dims_t *d, const vs_quant_t *q, int8_t *buf,
                                const int8_t *w, const int32_t *bias, int8_t *stage,
                                int32_t t0, int32_t n) {
    const int32_t in_f = d->in_features, out_f = d->out_features;
    vs__linear_rows(n, in_f, out_f, buf + t0 * in_f, in_f, w, bias, q, stage, out_f);
    memcpy(buf + t0 * out_f, stage, (size_t)(n * out_f));
}

vs_status_t vs_linear_overwrite_s8(const vs_linear_dims_t *dims, const vs_quant_t *q,
                                   int8_t *buf, const int8_t *w, const int32_t *bias,
                                   void *scratch) {
    if (!vs__linear_dims_ok(dims) || !vs__quant_ok(q) || !buf || !w || !scratch)
        return VS_ERR_ARG;
    const int32_t tokens = dims->tokens;
    int8_t *stage = (int8_t *)scratch;
    if (dims->out_features <= dims->in_features) {
        for (int32_t t = 0; t < tokens; t += VS_OVERWRITE_ROWS) {
            const int32_t n = tokens - t < VS_OVERWRITE_ROWS ? tokens - t : VS_OVERWRITE_ROWS;
            vs__overwrite_block(dims, q, buf, w, bias, stage, t, n);
        }
    } else {
        for (int32_t end = tokens; end > 0; end -= VS_OVERWRITE_ROWS) {
            const int32_t n = end < VS_OVERWRITE_ROWS ? end : VS_OVERWRITE_ROWS;
            vs__overwrite_block(dims, q, buf, w, bias, stage, end - n, n);
        }
    }
    return VS_OK;
}

static int vs__lowrank_dims_ok(const vs_lowrank_dims_t *d, int32_t tile) {
    if (!d || d->tokens <= 0 || d->in_features <= 0 || d->rank <= 0 ||
        d->out_features <= 0 || tile <= 0)
        return 0;
    const int64_t widest = d->in_features > d->out_features ? d->in_features : d->out_features;
    return vs__fits((int64_t)d->tokens * widest) && vs__fits((int64_t)d->tokens * d->rank) &&
           vs__fits((int64_t)d->rank * widest) && vs__fits((int64_t)d->rank * d->rank);
}

int32_t vs_linear_lowrank_s8_scratch_bytes(const vs_lowrank_dims_t *dims,
                                           int32_t tile_tokens) {
    if (!vs__lowrank_dims_ok(dims, tile_tokens)) return VS_ERR_ARG;
    const int32_t tile = tile_tokens < dims->tokens ? tile_tokens : dims->tokens;
    const int32_t one = vs__mul_sat(tile, dims->rank);
    if (one < 0 || one > INT32_MAX / 2 - 4) return VS_ERR_ARG;
    return 2 * vs__align4(one);
}

/*
 * One tile of rows through the chain. The last layer reads only the second
 * intermediate, so when y is x its output may land on the tile's own input rows
 * (all consumed by then); the tile order is chosen as in vs_linear_overwrite_s8.
 */
static void vs__lowrank_tile(const vs_lowrank_dims_t *d, const vs_lowrank_params_t *p,
                             const int8_t *x, const vs_lowrank_weights_t *wt, int8_t *y,
                             int8_t *h1, int8_t *h2, int32_t t0, int32_t n) {
    const int32_t in_f = d->in_features, r = d->rank, out_f = d->out_features;
    vs__linear_rows(n, in_f, r, x + t0 * in_f, in_f, wt->w1, wt->b1, &p->q1, h1, r);
    vs__linear_rows(n, r, r, h1, r, wt->w2, wt->b2, &p->q2, h2, r);
    vs__linear_rows(n, r, out_f, h2, r, wt->w3, wt->b3, &p->q3, y + t0 * out_f, out_f);
}

vs_status_t vs_linear_lowrank_s8(const vs_lowrank_dims_t *dims, int32_t tile_tokens,
                                 const vs_lowrank_params_t *params, const int8_t *x,
                                 const vs_lowrank_weights_t *weights, int8_t *y,
                                 void *scratch) {
    if (!vs__lowrank_dims_ok(dims, tile_tokens) || !params || !vs__quant_ok(&params->q1) ||
        !vs__quant_ok(&params->q2) || !vs__quant_ok(&params->q3) || !x || !y || !weights ||
        !weights->w1 || !weights->w2 || !weights->w3 || !scratch)
        return VS_ERR_ARG;
    const int32_t tokens = dims->tokens;
    const int32_t tile = tile_tokens < tokens ? tile_tokens : tokens;
    uint8_t *pos = (uint8_t *)scratch;
    int8_t *h1 = (int8_t *)vs__carve(&pos, tile * dims->rank);
    int8_t *h2 = (int8_t *)vs__carve(&pos, tile * dims->rank);
    if (y != x || dims->out_features <= dims->in_features) {
        for (int32_t t = 0; t < tokens; t += tile) {
            const int32_t n = tokens - t < tile ? tokens - t : tile;
            vs__lowrank_tile(dims, params, x, weights, y, h1, h2, t, n);
        }
    } else {
        for (int32_t end = tokens; end > 0; end -= tile) {
            const int32_t n = end < tile ? end : tile;
            vs__lowrank_tile(dims, params, x, weights, y, h1, h2, end - n, n);
        }
    }
    return VS_OK;
}

vs_status_t vs_classifier_s8(const vs_linear_dims_t *dims, int32_t token,
                             const vs_quant_t *q, const int8_t *x, const int8_t *w,
                             const int32_t *bias, int8_t *y) {
    if (!vs__linear_dims_ok(dims) || token < 0 || token >= dims->tokens ||
        !vs__quant_ok(q) || !x || !w || !y)
        return VS_ERR_ARG;
    const int8_t *row = x + token * dims->in_features;
    vs__linear_rows(1, dims->in_features, dims->out_features, row, dims->in_features, w,
                    bias, q, y, dims->out_features);
    return VS_OK;
}

int32_t vs_argmax_s8(const int8_t *x, int32_t n) {
    if (!x || n < 1) return VS_ERR_ARG;
    int32_t best = 0;
    for (int32_t i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}
