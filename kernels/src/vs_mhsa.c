/*
 * Multi-head self-attention in three schedules (math in kernels.h and
 * docs/kernels.md):
 *   - layer-wise baseline: Q, K, V per token with the linear kernel into a
 *     token-major buffer, explicit transposes to head-major, full H x S x S map;
 *   - depth-first: per head K and V^T resident, query rows in tiles, the map
 *     never exists beyond one tile of rows;
 *   - fused-weight (FWSA): X Wf[h] replaces Q and X replaces K, in both schedules.
 * Every schedule ends with the same output projection over the head-major
 * context O [H][S][P]. The schedules compute the same integer values in a
 * different order, hence layer-wise == depth-first bit for bit.
 *
 * Rows of length S (score/probability rows, rows of V^T) are stored with a
 * stride of S rounded up to 4 and zero padding, so that the A x V product runs
 * on the word-load path whatever S is (zero lanes add nothing).
 */
#include "vs_internal.h"

/* ---- shared pieces --------------------------------------------------------------- */

static int vs__mhsa_dims_ok(const vs_mhsa_dims_t *d) {
    if (!d || d->seq_len <= 0 || d->seq_len > VS_SOFTMAX_MAX_COLS || d->embed <= 0 ||
        d->proj <= 0 || d->heads <= 0)
        return 0;
    const int64_t s = d->seq_len, e = d->embed, hp = (int64_t)d->heads * d->proj;
    /* every offset into weights, activations and scratch stays a valid int32 */
    return vs__fits(hp * e) && vs__fits(e * e * d->heads) && vs__fits(s * e * d->heads) &&
           vs__fits(s * hp * 4) && vs__fits(s * ((s + 3) & ~3) * d->heads);
}

static int vs__mhsa_params_ok(const vs_mhsa_params_t *p, int fused) {
    return p && (fused ? vs__quant_ok(&p->fused) : vs__quant_ok(&p->q) && vs__quant_ok(&p->k)) &&
           vs__quant_ok(&p->v) && vs__quant_ok(&p->scores) &&
           vs__quant32_ok(&p->softmax.in) && p->softmax.in.mul > 0 &&
           vs__quant_ok(&p->context) && vs__quant_ok(&p->out);
}

/* Row stride of S-long rows: S rounded up to a multiple of 4. */
static int32_t vs__s4(const vs_mhsa_dims_t *d) { return vs__align4(d->seq_len); }

/* Zeroes columns [n, ld) of `rows` rows of stride ld. */
static void vs__zero_pad(int8_t *m, int32_t rows, int32_t n, int32_t ld) {
    if (ld == n) return;
    for (int32_t r = 0; r < rows; r++) memset(m + r * ld + n, 0, (size_t)(ld - n));
}

static int32_t vs__clamp_tile(const vs_mhsa_dims_t *d, int32_t tile) {
    return tile > d->seq_len ? d->seq_len : tile;
}

/* Sum of scratch parts, each rounded up to 4; VS_ERR_ARG if it exceeds int32. */
static int32_t vs__scratch_sum(const int64_t *parts, int32_t n) {
    int64_t total = 0;
    for (int32_t i = 0; i < n; i++) total += (parts[i] + 3) & ~(int64_t)3;
    return total > INT32_MAX ? VS_ERR_ARG : (int32_t)total;
}

/* V^T[h] [P][S4] = Wv[h] X^T + bv[h] (bias per row), requantized by v, zero padded. */
static void vs__v_transposed(const vs_mhsa_dims_t *d, const vs_quant_t *q, const int8_t *x,
                             const int8_t *wv, const int32_t *bv, int32_t h, int8_t *vt) {
    const int32_t e = d->embed, p = d->proj;
    vs__gemm_t g = {
        .rows = p, .cols = d->seq_len, .depth = e, .chunks = 1,
        .a = wv + h * p * e, .lda = e, .a_chunk = 0,
        .b = x, .ldb = e, .b_chunk = 0,
        .bias = bv ? bv + h * p : NULL, .bias_per_row = 1, .acc = NULL, .ld_acc = 0,
        .q = *q, .c = vt, .ldc = vs__s4(d),
    };
    vs__gemm_nt(&g);
    vs__zero_pad(vt, p, d->seq_len, vs__s4(d));
}

/* scores [n][S] (row stride S4) = requant(A [n][depth] . B [S][depth]) */
static void vs__scores(const vs_mhsa_dims_t *d, int32_t n, int32_t depth, const int8_t *a,
                       const int8_t *b, const vs_quant_t *q, int8_t *scores) {
    vs__gemm_t g = {
        .rows = n, .cols = d->seq_len, .depth = depth, .chunks = 1,
        .a = a, .lda = depth, .a_chunk = 0,
        .b = b, .ldb = depth, .b_chunk = 0,
        .bias = NULL, .acc = NULL, .ld_acc = 0,
        .q = *q, .c = scores, .ldc = vs__s4(d),
    };
    vs__gemm_nt(&g);
}

/* Softmax of n score rows in place, then zero padding up to S4. */
static void vs__softmax_rows(const vs_mhsa_dims_t *d, int32_t n, int8_t *rows,
                             const vs_softmax_params_t *sp, uint32_t *exps) {
    const int32_t s = d->seq_len, ld = vs__s4(d);
    for (int32_t i = 0; i < n; i++)
        vs__softmax_row(rows + i * ld, rows + i * ld, s, sp->in.mul, sp->in.shift, exps);
    vs__zero_pad(rows, n, s, ld);
}

/* O rows [n][P] = requant(probs [n][S4] . V^T [P][S4]) */
static void vs__context(const vs_mhsa_dims_t *d, int32_t n, const int8_t *probs,
                        const int8_t *vt, const vs_quant_t *q, int8_t *o) {
    const int32_t ld = vs__s4(d), p = d->proj;
    vs__gemm_t g = {
        .rows = n, .cols = p, .depth = ld, .chunks = 1,
        .a = probs, .lda = ld, .a_chunk = 0,
        .b = vt, .ldb = ld, .b_chunk = 0,
        .bias = NULL, .acc = NULL, .ld_acc = 0,
        .q = *q, .c = o, .ldc = p,
    };
    vs__gemm_nt(&g);
}

/* y [S][E] = requant(sum_h O[h] [S][P] . Wo[:, hP:(h+1)P] + bo): K split per head. */
static void vs__out_projection(const vs_mhsa_dims_t *d, const vs_quant_t *q, const int8_t *o,
                               const int8_t *wo, const int32_t *bo, int8_t *y) {
    const int32_t s = d->seq_len, p = d->proj;
    vs__gemm_t g = {
        .rows = s, .cols = d->embed, .depth = p, .chunks = d->heads,
        .a = o, .lda = p, .a_chunk = s * p,
        .b = wo, .ldb = d->heads * p, .b_chunk = p,
        .bias = bo, .acc = NULL, .ld_acc = 0,
        .q = *q, .c = y, .ldc = d->embed,
    };
    vs__gemm_nt(&g);
}

/* ---- layer-wise baseline ----------------------------------------------------------- */

int32_t vs_mhsa_layerwise_s8_scratch_bytes(const vs_mhsa_dims_t *dims) {
    if (!vs__mhsa_dims_ok(dims)) return VS_ERR_ARG;
    const int64_t s = dims->seq_len, s4 = vs__s4(dims), hp = (int64_t)dims->heads * dims->proj;
    const int64_t parts[] = {s * hp, s * hp, s * hp, hp * s4, dims->heads * s * s4, 4 * s};
    return vs__scratch_sum(parts, 6);
}

/* One projection, per token with the linear kernel, token-major [S][H*P]. */
static void vs__project_per_token(const vs_mhsa_dims_t *d, const vs_quant_t *q,
                                  const int8_t *x, const int8_t *w, const int32_t *b,
                                  int8_t *tok) {
    const int32_t e = d->embed, hp = d->heads * d->proj;
    for (int32_t t = 0; t < d->seq_len; t++)
        vs__linear_rows(1, e, hp, x + t * e, e, w, b, q, tok + t * hp, hp);
}

/* tok [S][H*P] -> head-major [H][S][P] (transpose_v = 0) or [H][P][S4] (= 1). */
static void vs__transpose_heads(const vs_mhsa_dims_t *d, const int8_t *tok, int8_t *dst,
                                int transpose_v) {
    const int32_t s = d->seq_len, s4 = vs__s4(d), p = d->proj, hp = d->heads * p;
    for (int32_t h = 0; h < d->heads; h++)
        for (int32_t t = 0; t < s; t++)
            for (int32_t i = 0; i < p; i++) {
                const int32_t at = transpose_v ? (h * p + i) * s4 + t : (h * s + t) * p + i;
                dst[at] = tok[t * hp + h * p + i];
            }
    if (transpose_v) vs__zero_pad(dst, d->heads * p, s, s4);
}

vs_status_t vs_mhsa_layerwise_s8(const vs_mhsa_dims_t *dims, const vs_mhsa_params_t *params,
                                 const int8_t *x, const vs_mhsa_weights_t *weights,
                                 int8_t *y, void *scratch) {
    if (vs_mhsa_layerwise_s8_scratch_bytes(dims) < 0 || !vs__mhsa_params_ok(params, 0) ||
        !x || !weights || !weights->wq || !weights->wk || !weights->wv || !weights->wo || !y ||
        !scratch)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, s4 = vs__s4(dims), p = dims->proj, hp = dims->heads * p;
    uint8_t *pos = (uint8_t *)scratch;
    int8_t *tok = (int8_t *)vs__carve(&pos, s * hp); /* later reused for O */
    int8_t *qh = (int8_t *)vs__carve(&pos, s * hp);
    int8_t *kh = (int8_t *)vs__carve(&pos, s * hp);
    int8_t *vt = (int8_t *)vs__carve(&pos, hp * s4);
    int8_t *map = (int8_t *)vs__carve(&pos, dims->heads * s * s4);
    uint32_t *exps = (uint32_t *)vs__carve(&pos, 4 * s);

    vs__project_per_token(dims, &params->q, x, weights->wq, weights->bq, tok);
    vs__transpose_heads(dims, tok, qh, 0);
    vs__project_per_token(dims, &params->k, x, weights->wk, weights->bk, tok);
    vs__transpose_heads(dims, tok, kh, 0);
    vs__project_per_token(dims, &params->v, x, weights->wv, weights->bv, tok);
    vs__transpose_heads(dims, tok, vt, 1);

    for (int32_t h = 0; h < dims->heads; h++)
        vs__scores(dims, s, p, qh + h * s * p, kh + h * s * p, &params->scores,
                   map + h * s * s4);
    vs__softmax_rows(dims, dims->heads * s, map, &params->softmax, exps);
    int8_t *o = tok;
    for (int32_t h = 0; h < dims->heads; h++)
        vs__context(dims, s, map + h * s * s4, vt + h * p * s4, &params->context, o + h * s * p);
    vs__out_projection(dims, &params->out, o, weights->wo, weights->bo, y);
    return VS_OK;
}

/* ---- depth-first ------------------------------------------------------------------- */

int32_t vs_mhsa_depthfirst_s8_scratch_bytes(const vs_mhsa_dims_t *dims, int32_t tile) {
    if (!vs__mhsa_dims_ok(dims) || tile < 1) return VS_ERR_ARG;
    const int64_t s = dims->seq_len, s4 = vs__s4(dims), p = dims->proj;
    const int64_t t = vs__clamp_tile(dims, tile);
    const int64_t parts[] = {s * p, p * s4, t * p, t * s4, dims->heads * s * p, 4 * s};
    return vs__scratch_sum(parts, 6);
}

vs_status_t vs_mhsa_depthfirst_s8(const vs_mhsa_dims_t *dims, int32_t tile,
                                  const vs_mhsa_params_t *params, const int8_t *x,
                                  const vs_mhsa_weights_t *weights, int8_t *y,
                                  void *scratch) {
    if (vs_mhsa_depthfirst_s8_scratch_bytes(dims, tile) < 0 ||
        !vs__mhsa_params_ok(params, 0) || !x || !weights || !weights->wq || !weights->wk ||
        !weights->wv || !weights->wo || !y || !scratch)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, s4 = vs__s4(dims), e = dims->embed, p = dims->proj;
    tile = vs__clamp_tile(dims, tile);
    uint8_t *pos = (uint8_t *)scratch;
    int8_t *k = (int8_t *)vs__carve(&pos, s * p);
    int8_t *vt = (int8_t *)vs__carve(&pos, p * s4);
    int8_t *qt = (int8_t *)vs__carve(&pos, tile * p);
    int8_t *st = (int8_t *)vs__carve(&pos, tile * s4);
    int8_t *o = (int8_t *)vs__carve(&pos, dims->heads * s * p);
    uint32_t *exps = (uint32_t *)vs__carve(&pos, 4 * s);

    for (int32_t h = 0; h < dims->heads; h++) {
        const int32_t *bq = weights->bq ? weights->bq + h * p : NULL;
        const int32_t *bk = weights->bk ? weights->bk + h * p : NULL;
        vs__linear_rows(s, e, p, x, e, weights->wk + h * p * e, bk, &params->k, k, p);
        vs__v_transposed(dims, &params->v, x, weights->wv, weights->bv, h, vt);
        for (int32_t t0 = 0; t0 < s; t0 += tile) {
            const int32_t n = s - t0 < tile ? s - t0 : tile;
            vs__linear_rows(n, e, p, x + t0 * e, e, weights->wq + h * p * e, bq, &params->q,
                            qt, p);
            vs__scores(dims, n, p, qt, k, &params->scores, st);
            vs__softmax_rows(dims, n, st, &params->softmax, exps);
            vs__context(dims, n, st, vt, &params->context, o + (h * s + t0) * p);
        }
    }
    vs__out_projection(dims, &params->out, o, weights->wo, weights->bo, y);
    return VS_OK;
}

/* ---- fused-weight self-attention --------------------------------------------------- */

static int vs__fused_weights_ok(const vs_mhsa_fused_weights_t *w) {
    return w && w->wf && w->wv && w->wo;
}

/* T rows [n][E] = requant(X rows . Wf[h]^T + bf[h], fused) */
static void vs__fused_rows(const vs_mhsa_dims_t *d, const vs_mhsa_params_t *pr,
                           const vs_mhsa_fused_weights_t *w, int32_t h, const int8_t *x_rows,
                           int32_t n, int8_t *t) {
    const int32_t e = d->embed;
    vs__linear_rows(n, e, e, x_rows, e, w->wf + h * e * e, w->bf ? w->bf + h * e : NULL,
                    &pr->fused, t, e);
}

int32_t vs_mhsa_fused_layerwise_s8_scratch_bytes(const vs_mhsa_dims_t *dims) {
    if (!vs__mhsa_dims_ok(dims)) return VS_ERR_ARG;
    const int64_t s = dims->seq_len, s4 = vs__s4(dims), h = dims->heads, p = dims->proj;
    const int64_t parts[] = {h * s * dims->embed, h * p * s4, h * s * s4, h * s * p, 4 * s};
    return vs__scratch_sum(parts, 5);
}

vs_status_t vs_mhsa_fused_layerwise_s8(const vs_mhsa_dims_t *dims,
                                       const vs_mhsa_params_t *params, const int8_t *x,
                                       const vs_mhsa_fused_weights_t *weights, int8_t *y,
                                       void *scratch) {
    if (vs_mhsa_fused_layerwise_s8_scratch_bytes(dims) < 0 || !vs__mhsa_params_ok(params, 1) ||
        !x || !vs__fused_weights_ok(weights) || !y || !scratch)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, s4 = vs__s4(dims), e = dims->embed, p = dims->proj;
    const int32_t heads = dims->heads;
    uint8_t *pos = (uint8_t *)scratch;
    int8_t *t = (int8_t *)vs__carve(&pos, heads * s * e);
    int8_t *vt = (int8_t *)vs__carve(&pos, heads * p * s4);
    int8_t *map = (int8_t *)vs__carve(&pos, heads * s * s4);
    int8_t *o = (int8_t *)vs__carve(&pos, heads * s * p);
    uint32_t *exps = (uint32_t *)vs__carve(&pos, 4 * s);

    for (int32_t h = 0; h < heads; h++) {
        vs__fused_rows(dims, params, weights, h, x, s, t + h * s * e);
        vs__v_transposed(dims, &params->v, x, weights->wv, weights->bv, h, vt + h * p * s4);
    }
    for (int32_t h = 0; h < heads; h++)
        vs__scores(dims, s, e, t + h * s * e, x, &params->scores, map + h * s * s4);
    vs__softmax_rows(dims, heads * s, map, &params->softmax, exps);
    for (int32_t h = 0; h < heads; h++)
        vs__context(dims, s, map + h * s * s4, vt + h * p * s4, &params->context, o + h * s * p);
    vs__out_projection(dims, &params->out, o, weights->wo, weights->bo, y);
    return VS_OK;
}

int32_t vs_mhsa_fused_depthfirst_s8_scratch_bytes(const vs_mhsa_dims_t *dims, int32_t tile) {
    if (!vs__mhsa_dims_ok(dims) || tile < 1) return VS_ERR_ARG;
    const int64_t s = dims->seq_len, s4 = vs__s4(dims), p = dims->proj;
    const int64_t t = vs__clamp_tile(dims, tile);
    const int64_t parts[] = {p * s4, t * dims->embed, t * s4, dims->heads * s * p, 4 * s};
    return vs__scratch_sum(parts, 5);
}

vs_status_t vs_mhsa_fused_depthfirst_s8(const vs_mhsa_dims_t *dims, int32_t tile,
                                        const vs_mhsa_params_t *params, const int8_t *x,
                                        const vs_mhsa_fused_weights_t *weights, int8_t *y,
                                        void *scratch) {
    if (vs_mhsa_fused_depthfirst_s8_scratch_bytes(dims, tile) < 0 ||
        !vs__mhsa_params_ok(params, 1) || !x || !vs__fused_weights_ok(weights) || !y ||
        !scratch)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, s4 = vs__s4(dims), e = dims->embed, p = dims->proj;
    tile = vs__clamp_tile(dims, tile);
    uint8_t *pos = (uint8_t *)scratch;
    int8_t *vt = (int8_t *)vs__carve(&pos, p * s4);
    int8_t *tt = (int8_t *)vs__carve(&pos, tile * e);
    int8_t *st = (int8_t *)vs__carve(&pos, tile * s4);
    int8_t *o = (int8_t *)vs__carve(&pos, dims->heads * s * p);
    uint32_t *exps = (uint32_t *)vs__carve(&pos, 4 * s);

    for (int32_t h = 0; h < dims->heads; h++) {
        vs__v_transposed(dims, &params->v, x, weights->wv, weights->bv, h, vt);
        for (int32_t t0 = 0; t0 < s; t0 += tile) {
            const int32_t n = s - t0 < tile ? s - t0 : tile;
            vs__fused_rows(dims, params, weights, h, x + t0 * e, n, tt);
            vs__scores(dims, n, e, tt, x, &params->scores, st);
            vs__softmax_rows(dims, n, st, &params->softmax, exps);
            vs__context(dims, n, st, vt, &params->context, o + (h * s + t0) * p);
        }
    }
    vs__out_projection(dims, &params->out, o, weights->wo, weights->bo, y);
    return VS_OK;
}
