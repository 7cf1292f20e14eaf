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
#include "vs_attention.h"
#include "vs_internal.h"
#include "vs_phase.h"

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

/* n columns of V^T [P][ldvt] = Wv[h] X^T + bv[h] (bias per row) from n rows of X,
 * requantized by v: wv_h and bv_h are head h's rows of Wv and bv. */
static void vs__v_block(const vs_mhsa_dims_t *d, const vs_quant_t *q, const int8_t *x_rows,
                        int32_t n, const int8_t *wv_h, const int32_t *bv_h, int8_t *vt,
                        int32_t ldvt) {
    const int32_t e = d->embed;
    vs__gemm_t g = {
        .rows = d->proj, .cols = n, .depth = e, .chunks = 1,
        .a = wv_h, .lda = e, .a_chunk = 0,
        .b = x_rows, .ldb = e, .b_chunk = 0,
        .bias = bv_h, .bias_per_row = 1, .acc = NULL, .ld_acc = 0,
        .q = *q, .c = vt, .ldc = ldvt,
    };
    vs__gemm_nt(&g);
}

/* Columns t0 .. t0+n of V^T[h] [P][S4]; the run that ends at S zero pads. */
static void vs__v_columns(const vs_mhsa_dims_t *d, const vs_quant_t *q, const int8_t *x,
                          const int8_t *wv, const int32_t *bv, int32_t h, int8_t *vt,
                          int32_t t0, int32_t n) {
    const int32_t e = d->embed, p = d->proj;
    vs__v_block(d, q, x + t0 * e, n, wv + h * p * e, bv ? bv + h * p : NULL, vt + t0, vs__s4(d));
    if (t0 + n == d->seq_len) vs__zero_pad(vt, p, d->seq_len, vs__s4(d));
}

/* V^T[h] [P][S4], every column. */
static void vs__v_transposed(const vs_mhsa_dims_t *d, const vs_quant_t *q, const int8_t *x,
                             const int8_t *wv, const int32_t *bv, int32_t h, int8_t *vt) {
    vs__v_columns(d, q, x, wv, bv, h, vt, 0, d->seq_len);
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

/* The same with the exponentials of vs__exp_table. */
static void vs__softmax_rows_table(const vs_mhsa_dims_t *d, int32_t n, int8_t *rows,
                                   const uint32_t *table, uint32_t *exps) {
    const int32_t s = d->seq_len, ld = vs__s4(d);
    for (int32_t i = 0; i < n; i++) vs__softmax_row_table(rows + i * ld, rows + i * ld, s, table, exps);
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

/* n rows of y [n][E] = requant(sum_h O[h] rows . Wo[:, hP:(h+1)P] + bo): K split per
 * head, head h's n rows of P at o + h * o_chunk. */
static void vs__out_projection_block(const vs_mhsa_dims_t *d, const vs_quant_t *q, int32_t n,
                                     const int8_t *o, int32_t o_chunk, const int8_t *wo,
                                     const int32_t *bo, int8_t *y) {
    const int32_t p = d->proj;
    vs__gemm_t g = {
        .rows = n, .cols = d->embed, .depth = p, .chunks = d->heads,
        .a = o, .lda = p, .a_chunk = o_chunk,
        .b = wo, .ldb = d->heads * p, .b_chunk = p,
        .bias = bo, .acc = NULL, .ld_acc = 0,
        .q = *q, .c = y, .ldc = d->embed,
    };
    vs__gemm_nt(&g);
}

/* y rows [t0, t1) of y [S][E] from the head-major context O [H][S][P]. */
static void vs__out_projection_rows(const vs_mhsa_dims_t *d, const vs_quant_t *q, const int8_t *o,
                                    const int8_t *wo, const int32_t *bo, int8_t *y, int32_t t0,
                                    int32_t t1) {
    const int32_t p = d->proj;
    vs__out_projection_block(d, q, t1 - t0, o + t0 * p, d->seq_len * p, wo, bo, y + t0 * d->embed);
}

static void vs__out_projection(const vs_mhsa_dims_t *d, const vs_quant_t *q, const int8_t *o,
                               const int8_t *wo, const int32_t *bo, int8_t *y) {
    vs__out_projection_rows(d, q, o, wo, bo, y, 0, d->seq_len);
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

    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs__project_per_token(dims, &params->q, x, weights->wq, weights->bq, tok);
    VS_PHASE_END(VS_PHASE_PROJ);
    VS_PHASE_BEGIN(VS_PHASE_TRANSPOSE);
    vs__transpose_heads(dims, tok, qh, 0);
    VS_PHASE_END(VS_PHASE_TRANSPOSE);
    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs__project_per_token(dims, &params->k, x, weights->wk, weights->bk, tok);
    VS_PHASE_END(VS_PHASE_PROJ);
    VS_PHASE_BEGIN(VS_PHASE_TRANSPOSE);
    vs__transpose_heads(dims, tok, kh, 0);
    VS_PHASE_END(VS_PHASE_TRANSPOSE);
    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs__project_per_token(dims, &params->v, x, weights->wv, weights->bv, tok);
    VS_PHASE_END(VS_PHASE_PROJ);
    VS_PHASE_BEGIN(VS_PHASE_TRANSPOSE);
    vs__transpose_heads(dims, tok, vt, 1);
    VS_PHASE_END(VS_PHASE_TRANSPOSE);

    VS_PHASE_BEGIN(VS_PHASE_SCORES);
    for (int32_t h = 0; h < dims->heads; h++)
        vs__scores(dims, s, p, qh + h * s * p, kh + h * s * p, &params->scores,
                   map + h * s * s4);
    VS_PHASE_END(VS_PHASE_SCORES);
    VS_PHASE_BEGIN(VS_PHASE_SOFTMAX);
    vs__softmax_rows(dims, dims->heads * s, map, &params->softmax, exps);
    VS_PHASE_END(VS_PHASE_SOFTMAX);
    int8_t *o = tok;
    VS_PHASE_BEGIN(VS_PHASE_CONTEXT);
    for (int32_t h = 0; h < dims->heads; h++)
        vs__context(dims, s, map + h * s * s4, vt + h * p * s4, &params->context, o + h * s * p);
    VS_PHASE_END(VS_PHASE_CONTEXT);
    VS_PHASE_BEGIN(VS_PHASE_OUT);
    vs__out_projection(dims, &params->out, o, weights->wo, weights->bo, y);
    VS_PHASE_END(VS_PHASE_OUT);
    return VS_OK;
}

/* ---- depth-first ------------------------------------------------------------------- */
/*
 * Both depth-first schedules work on panels (vs_attention.h): X is packed once,
 * each weight matrix once per head, K and V^T are produced as panels, and every
 * product is a 4x4-blocked panel GEMM. Per tile of query rows: Q (or T) panel,
 * scores with their row maxima, softmax from a table of the 256 possible
 * exponentials (built once per call, unless the call has under
 * VS_EXP_TABLE_MIN_EXPS of them), context rows. The output projection takes
 * whichever of two forms needs less scratch:
 *   - context panel: the context of every head goes into O [S][H*P] (a panel,
 *     column h*P + p); after the heads, y = O Wo^T four output features at a
 *     time (Wo packed 4 rows at a time);
 *   - accumulators: per tile and head, the context rows times Wo[:, hP:(h+1)P]
 *     are added to int32 accumulators Y [S][E] (initialised with bo); after the
 *     heads, y = requant(Y). Smaller when 4*E < H*P (EEGFormer, radar).
 * Integer sums are exact in any order: both forms give the same bytes.
 */

/* The depth-first scratch, carved in the order of vs__df_parts. */
typedef struct {
    uint32_t *exp_table;  /* VS_EXP_TABLE_SIZE exponentials (NULL: few exponentials) */
    vs__exp_t exp;        /* the exponentials of this call */
    uint32_t *exps;       /* one row of exponentials: S */
    int32_t *row_max;     /* per tile row: align4(tile) */
    int8_t *xp;           /* X: panel S x E (context form: the output panel after the heads) */
    int8_t *wp;           /* the weights in use: panel P x E (E x E: Wf), or 4 rows of Wo */
    int32_t *bp;          /* their bias, padded */
    int8_t *kp;           /* K: panel S x P (standard attention only) */
    int8_t *vt;           /* V^T: panel P x S */
    int8_t *qp;           /* Q (T when fused) of a tile: panel tile x P (tile x E) */
    int8_t *sp;           /* scores, then probabilities, of a tile: panel tile x S */
    int8_t *op;           /* context of a tile (when it cannot go straight into O): tile x P */
    int8_t *xt;           /* X rows of a tile that starts off a multiple of 4: panel tile x E */
    int8_t *o;            /* context form: O, panel S x H*P */
    int32_t *y_acc;       /* accumulator form: Y [S+3][align4(E)] */
    int8_t *wo;           /* accumulator form: Wo[:, hP:(h+1)P] of one head, panel E x P */
} vs__df_t;

enum { VS_DF_PARTS = 15 };

/* Tiles start at multiples of `tile`; off a multiple of 4 their rows are not a
 * group of the S-row panels (X, O) and go through small panels of their own. */
static int vs__df_misaligned(const vs_mhsa_dims_t *d, int32_t tile) {
    return (tile & 3) != 0 && tile < d->seq_len;
}

/* Byte sizes of the parts of vs__df_t (before rounding up to 4), for the
 * context form (acc = 0) or the accumulator form (acc = 1). */
static void vs__df_parts(const vs_mhsa_dims_t *d, int32_t tile, int fused, int acc,
                         int64_t *parts) {
    const int64_t s = d->seq_len, s4 = vs__s4(d), e4 = vs__align4(d->embed);
    const int64_t p4 = vs__align4(d->proj), t4 = vs__align4(tile);
    const int64_t hp4 = vs__align4(d->heads * d->proj);
    const int64_t w_rows = fused && e4 > p4 ? e4 : p4;
    const int misaligned = vs__df_misaligned(d, tile);
    parts[0] = d->heads * s * s >= VS_EXP_TABLE_MIN_EXPS ? 4 * VS_EXP_TABLE_SIZE : 0;
    parts[1] = 4 * s;
    parts[2] = 4 * t4;
    parts[3] = s4 * e4;
    parts[4] = !acc && 4 * hp4 > w_rows * e4 ? 4 * hp4 : w_rows * e4;
    parts[5] = 4 * w_rows;
    parts[6] = fused ? 0 : s4 * p4;
    parts[7] = p4 * s4;
    parts[8] = t4 * (fused ? e4 : p4);
    parts[9] = t4 * s4;
    parts[10] = acc || misaligned || (d->proj & 3) ? t4 * p4 : 0;
    parts[11] = misaligned ? t4 * e4 : 0;
    parts[12] = acc ? 0 : s4 * hp4;
    /* a tile's last row group may reach 3 rows past S */
    parts[13] = acc ? 4 * (s + 3) * e4 : 0;
    parts[14] = acc ? e4 * p4 : 0;
}

/* Scratch bytes of a depth-first schedule, and which form it uses (the smaller;
 * the context form on a tie, being a little faster). */
static int32_t vs__df_scratch(const vs_mhsa_dims_t *d, int32_t tile, int fused, int *acc) {
    int64_t parts[VS_DF_PARTS];
    vs__df_parts(d, tile, fused, 0, parts);
    const int32_t context_form = vs__scratch_sum(parts, VS_DF_PARTS);
    vs__df_parts(d, tile, fused, 1, parts);
    const int32_t acc_form = vs__scratch_sum(parts, VS_DF_PARTS);
    *acc = acc_form >= 0 && (context_form < 0 || acc_form < context_form);
    return *acc ? acc_form : context_form;
}

static int32_t vs__df_scratch_bytes(const vs_mhsa_dims_t *d, int32_t tile, int fused) {
    if (!vs__mhsa_dims_ok(d) || tile < 1) return VS_ERR_ARG;
    int acc;
    return vs__df_scratch(d, vs__clamp_tile(d, tile), fused, &acc);
}

static vs__df_t vs__df_carve(const vs_mhsa_dims_t *d, int32_t tile, int fused, void *scratch) {
    int acc;
    vs__df_scratch(d, tile, fused, &acc);
    int64_t parts[VS_DF_PARTS];
    vs__df_parts(d, tile, fused, acc, parts);
    void *at[VS_DF_PARTS];
    uint8_t *pos = (uint8_t *)scratch;
    for (int32_t i = 0; i < VS_DF_PARTS; i++)
        at[i] = parts[i] ? vs__carve(&pos, (int32_t)parts[i]) : NULL;
    const vs__df_t m = {(uint32_t *)at[0], {0}, (uint32_t *)at[1], (int32_t *)at[2],
                        (int8_t *)at[3],   (int8_t *)at[4], (int32_t *)at[5], (int8_t *)at[6],
                        (int8_t *)at[7],   (int8_t *)at[8], (int8_t *)at[9],  (int8_t *)at[10],
                        (int8_t *)at[11],  (int8_t *)at[12], (int32_t *)at[13],
                        (int8_t *)at[14]};
    return m;
}

/* Packs weight rows [rows][E] (and their bias) of one head into m->wp, m->bp. */
static void vs__df_pack_weights(const vs_mhsa_dims_t *d, const vs__df_t *m, const int8_t *w,
                                const int32_t *bias, int32_t rows) {
    vs__pack_panel(w, rows, d->embed, d->embed, m->wp);
    vs__pack_bias(bias, rows, m->bp);
}

/* out = requant(A . B^T + bias) for A, B panels of depth `depth`, into a panel
 * whose rows are out_words words (0: as many as B has row groups). */
static void vs__df_product(const int8_t *a, int32_t a_rows, const int8_t *b, int32_t b_rows,
                           int32_t depth, const int32_t *bias, int32_t bias_per_row,
                           const vs_quant_t *q, int8_t *out, int32_t out_words) {
    const vs__pg_t g = {
        .a = a, .b = b, .a_groups = vs__align4(a_rows) >> 2, .b_groups = vs__align4(b_rows) >> 2,
        .words = vs__align4(depth) >> 2, .bias = bias, .bias_per_row = bias_per_row, .q = *q,
        .c = out, .c_groups = out_words,
    };
    vs__panel_gemm(&g);
}

/* V^T [P][S] of head h = requant(Wv[h] X^T + bv[h]), as a panel (bias per row);
 * in the accumulator form also Wo[:, hP:(h+1)P] as a panel. */
static void vs__df_head_values(const vs_mhsa_dims_t *d, const vs__df_t *m, const vs_quant_t *q,
                               const int8_t *wv, const int32_t *bv, const int8_t *wo,
                               int32_t h) {
    const int32_t e = d->embed, p = d->proj;
    vs__df_pack_weights(d, m, wv + h * p * e, bv ? bv + h * p : NULL, p);
    vs__df_product(m->wp, p, m->xp, d->seq_len, e, m->bp, 1, q, m->vt, 0);
    if (m->wo) vs__pack_panel(wo + h * p, e, p, d->heads * p, m->wo);
}

/* The X rows of the tile starting at t0 (n rows), as a panel. */
static const int8_t *vs__df_tile_rows(const vs_mhsa_dims_t *d, const vs__df_t *m,
                                      const int8_t *x, int32_t t0, int32_t n) {
    const int32_t e = d->embed;
    if ((t0 & 3) == 0) return m->xp + t0 * vs__align4(e);
    vs__pack_panel(x + t0 * e, n, e, e, m->xt);
    return m->xt;
}

/* Zeroes rows n .. align4(n)-1 of a panel of `words` words per row. */
static void vs__df_zero_pad_rows(int8_t *panel, int32_t n, int32_t words) {
    if (!(n & 3)) return;
    int8_t *group = panel + (n >> 2) * 16 * words;
    for (int32_t k = 0; k < words; k++)
        for (int32_t r = n & 3; r < 4; r++) *(vs__word_t *)(group + 16 * k + 4 * r) = 0;
}

/* The context of tile rows t0 .. t0+n of head h (probabilities in m->sp): into
 * O (context form) or into m->op (accumulator form, see vs__df_accumulate). */
static void vs__df_context(const vs_mhsa_dims_t *d, const vs_mhsa_params_t *pr,
                           const vs__df_t *m, int32_t h, int32_t t0, int32_t n) {
    const int32_t p = d->proj, s4 = vs__s4(d), o_words = vs__align4(d->heads * p) >> 2;
    if (!m->y_acc && ((t0 | p) & 3) == 0) {
        /* whole groups of O: straight into place. Rows t0+n .. of the last group
         * get padding rows' values: rows of later tiles (rewritten by them) or
         * O's own padding rows. */
        vs__df_product(m->sp, n, m->vt, p, s4, NULL, 0, &pr->context,
                       m->o + t0 * 4 * o_words + h * p * 4, o_words);
        return;
    }
    vs__df_product(m->sp, n, m->vt, p, s4, NULL, 0, &pr->context, m->op, 0);
    if (!m->y_acc) vs__copy_panel(m->op, n, p, m->o, o_words, t0, h * p);
}

/* Accumulator form: Y rows t0 .. t0+n += context rows (m->op) . Wo[:, hP:(h+1)P]^T. */
static void vs__df_accumulate(const vs_mhsa_dims_t *d, const vs__df_t *m, int32_t t0,
                              int32_t n) {
    const int32_t p4 = vs__align4(d->proj), e4 = vs__align4(d->embed);
    /* padding rows would add to the accumulators of the next rows */
    vs__df_zero_pad_rows(m->op, n, p4 >> 2);
    const vs__pg_t out = {
        .a = m->op, .b = m->wo, .a_groups = vs__align4(n) >> 2, .b_groups = e4 >> 2,
        .words = p4 >> 2, .acc = m->y_acc + t0 * e4, .ld_acc = e4,
    };
    vs__panel_gemm(&out);
}

/* Scores of the n query rows t0.. (panel qp of depth `depth`) of head h against
 * the keys (panel kp, S rows), softmax, and their context. */
static void vs__df_attend(const vs_mhsa_dims_t *d, const vs_mhsa_params_t *pr, const vs__df_t *m,
                          int32_t h, int32_t t0, int32_t n, int32_t depth, const int8_t *kp) {
    const int32_t s = d->seq_len, s4 = vs__s4(d);
    VS_PHASE_BEGIN(VS_PHASE_SCORES);
    const vs__pg_t scores = {
        .a = m->qp, .b = kp, .a_groups = vs__align4(n) >> 2, .b_groups = s4 >> 2,
        .words = vs__align4(depth) >> 2, .q = pr->scores, .c = m->sp, .cols = s,
        .row_max = m->row_max,
    };
    vs__panel_gemm(&scores);
    VS_PHASE_END(VS_PHASE_SCORES);
    VS_PHASE_BEGIN(VS_PHASE_SOFTMAX);
    vs__softmax_panel(m->sp, n, s, s4 >> 2, m->row_max, &m->exp, m->exps);
    VS_PHASE_END(VS_PHASE_SOFTMAX);
    VS_PHASE_BEGIN(VS_PHASE_CONTEXT);
    vs__df_context(d, pr, m, h, t0, n);
    VS_PHASE_END(VS_PHASE_CONTEXT);
    if (m->y_acc) {
        VS_PHASE_BEGIN(VS_PHASE_OUT);
        vs__df_accumulate(d, m, t0, n);
        VS_PHASE_END(VS_PHASE_OUT);
    }
}

/* y [S][E] = requant(O . Wo^T + bo), four output features (rows of Wo) at a
 * time into the output panel (the X panel's space, free by now), then into y;
 * or y = requant(Y) in the accumulator form. */
static void vs__df_out_projection(const vs_mhsa_dims_t *d, const vs_quant_t *q, const vs__df_t *m,
                                  const int8_t *wo, const int32_t *bo, int8_t *y) {
    const int32_t s = d->seq_len, e = d->embed, hp = d->heads * d->proj;
    const int32_t e_words = vs__align4(e) >> 2;
    if (m->y_acc) {
        for (int32_t r = 0; r < s; r++)
            vs__requant_row(m->y_acc + r * 4 * e_words, e, q, y + r * e);
        return;
    }
    for (int32_t g = 0; g < e_words; g++) {
        const int32_t rows = e - 4 * g < 4 ? e - 4 * g : 4;
        vs__pack_panel(wo + 4 * g * hp, rows, hp, hp, m->wp);
        vs__pack_bias(bo ? bo + 4 * g : NULL, rows, m->bp);
        vs__df_product(m->o, s, m->wp, 4, hp, m->bp, 0, q, m->xp + 16 * g, e_words);
    }
    vs__unpack_panel(m->xp, s, e, y, e);
}

/* The start of every depth-first call: table of exponentials, X panel, and the
 * accumulators (bo in every row) in the accumulator form. */
static void vs__df_prepare(const vs_mhsa_dims_t *d, const vs_mhsa_params_t *pr, vs__df_t *m,
                           const int8_t *x, const int32_t *bo) {
    m->exp = vs__exp_table(m->exp_table, pr->softmax.in.mul, pr->softmax.in.shift);
    vs__pack_panel(x, d->seq_len, d->embed, d->embed, m->xp);
    if (m->y_acc) {
        const int32_t e4 = vs__align4(d->embed);
        vs__pack_bias(bo, d->embed, m->y_acc);
        for (int32_t *row = m->y_acc + e4, *end = m->y_acc + (d->seq_len + 3) * e4; row != end;
             row += e4)
            for (int32_t c = 0; c < e4; c++) row[c] = m->y_acc[c];
    }
}

int32_t vs_mhsa_depthfirst_s8_scratch_bytes(const vs_mhsa_dims_t *dims, int32_t tile) {
    return vs__df_scratch_bytes(dims, tile, 0);
}

vs_status_t vs_mhsa_depthfirst_s8(const vs_mhsa_dims_t *dims, int32_t tile,
                                  const vs_mhsa_params_t *params, const int8_t *x,
                                  const vs_mhsa_weights_t *weights, int8_t *y,
                                  void *scratch) {
    if (vs_mhsa_depthfirst_s8_scratch_bytes(dims, tile) < 0 ||
        !vs__mhsa_params_ok(params, 0) || !x || !weights || !weights->wq || !weights->wk ||
        !weights->wv || !weights->wo || !y || !scratch)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, e = dims->embed, p = dims->proj;
    tile = vs__clamp_tile(dims, tile);
    vs__df_t m = vs__df_carve(dims, tile, 0, scratch);
    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs__df_prepare(dims, params, &m, x, weights->bo);
    VS_PHASE_END(VS_PHASE_PROJ);
    for (int32_t h = 0; h < dims->heads; h++) {
        VS_PHASE_BEGIN(VS_PHASE_PROJ);
        vs__df_pack_weights(dims, &m, weights->wk + h * p * e,
                            weights->bk ? weights->bk + h * p : NULL, p);
        vs__df_product(m.xp, s, m.wp, p, e, m.bp, 0, &params->k, m.kp, 0);
        vs__df_head_values(dims, &m, &params->v, weights->wv, weights->bv, weights->wo, h);
        vs__df_pack_weights(dims, &m, weights->wq + h * p * e,
                            weights->bq ? weights->bq + h * p : NULL, p);
        VS_PHASE_END(VS_PHASE_PROJ);
        for (int32_t t0 = 0; t0 < s; t0 += tile) {
            const int32_t n = s - t0 < tile ? s - t0 : tile;
            VS_PHASE_BEGIN(VS_PHASE_PROJ);
            vs__df_product(vs__df_tile_rows(dims, &m, x, t0, n), n, m.wp, p, e, m.bp, 0,
                           &params->q, m.qp, 0);
            VS_PHASE_END(VS_PHASE_PROJ);
            vs__df_attend(dims, params, &m, h, t0, n, p, m.kp);
        }
    }
    VS_PHASE_BEGIN(VS_PHASE_OUT);
    vs__df_out_projection(dims, &params->out, &m, weights->wo, weights->bo, y);
    VS_PHASE_END(VS_PHASE_OUT);
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

    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    for (int32_t h = 0; h < heads; h++) {
        vs__fused_rows(dims, params, weights, h, x, s, t + h * s * e);
        vs__v_transposed(dims, &params->v, x, weights->wv, weights->bv, h, vt + h * p * s4);
    }
    VS_PHASE_END(VS_PHASE_PROJ);
    VS_PHASE_BEGIN(VS_PHASE_SCORES);
    for (int32_t h = 0; h < heads; h++)
        vs__scores(dims, s, e, t + h * s * e, x, &params->scores, map + h * s * s4);
    VS_PHASE_END(VS_PHASE_SCORES);
    VS_PHASE_BEGIN(VS_PHASE_SOFTMAX);
    vs__softmax_rows(dims, heads * s, map, &params->softmax, exps);
    VS_PHASE_END(VS_PHASE_SOFTMAX);
    VS_PHASE_BEGIN(VS_PHASE_CONTEXT);
    for (int32_t h = 0; h < heads; h++)
        vs__context(dims, s, map + h * s * s4, vt + h * p * s4, &params->context, o + h * s * p);
    VS_PHASE_END(VS_PHASE_CONTEXT);
    VS_PHASE_BEGIN(VS_PHASE_OUT);
    vs__out_projection(dims, &params->out, o, weights->wo, weights->bo, y);
    VS_PHASE_END(VS_PHASE_OUT);
    return VS_OK;
}

int32_t vs_mhsa_fused_depthfirst_s8_scratch_bytes(const vs_mhsa_dims_t *dims, int32_t tile) {
    return vs__df_scratch_bytes(dims, tile, 1);
}

vs_status_t vs_mhsa_fused_depthfirst_s8(const vs_mhsa_dims_t *dims, int32_t tile,
                                        const vs_mhsa_params_t *params, const int8_t *x,
                                        const vs_mhsa_fused_weights_t *weights, int8_t *y,
                                        void *scratch) {
    if (vs_mhsa_fused_depthfirst_s8_scratch_bytes(dims, tile) < 0 ||
        !vs__mhsa_params_ok(params, 1) || !x || !vs__fused_weights_ok(weights) || !y ||
        !scratch)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, e = dims->embed;
    tile = vs__clamp_tile(dims, tile);
    vs__df_t m = vs__df_carve(dims, tile, 1, scratch);
    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs__df_prepare(dims, params, &m, x, weights->bo);
    VS_PHASE_END(VS_PHASE_PROJ);
    for (int32_t h = 0; h < dims->heads; h++) {
        VS_PHASE_BEGIN(VS_PHASE_PROJ);
        vs__df_head_values(dims, &m, &params->v, weights->wv, weights->bv, weights->wo, h);
        vs__df_pack_weights(dims, &m, weights->wf + h * e * e,
                            weights->bf ? weights->bf + h * e : NULL, e);
        VS_PHASE_END(VS_PHASE_PROJ);
        for (int32_t t0 = 0; t0 < s; t0 += tile) {
            const int32_t n = s - t0 < tile ? s - t0 : tile;
            VS_PHASE_BEGIN(VS_PHASE_PROJ);
            vs__df_product(vs__df_tile_rows(dims, &m, x, t0, n), n, m.wp, e, e, m.bp, 0,
                           &params->fused, m.qp, 0);
            VS_PHASE_END(VS_PHASE_PROJ);
            /* X itself plays K */
            vs__df_attend(dims, params, &m, h, t0, n, e, m.xp);
        }
    }
    VS_PHASE_BEGIN(VS_PHASE_OUT);
    vs__df_out_projection(dims, &params->out, &m, weights->wo, weights->bo, y);
    VS_PHASE_END(VS_PHASE_OUT);
    return VS_OK;
}

/* ---- cluster-parallel steps (kernels.h, "cluster-parallel self-attention") -------- */
/*
 * Items h*S + t of a range come as runs of one head: [t0, t1) of head h. Each run
 * goes through the same building blocks as the layer-wise kernels, restricted to
 * its rows (or, for V^T, its columns).
 */
typedef void (*vs__head_run_t)(const vs_mhsa_part_t *m, int32_t h, int32_t t0, int32_t n,
                               uint32_t *exps);

static void vs__for_head_runs(const vs_mhsa_part_t *m, int32_t begin, int32_t end,
                              vs__head_run_t run, uint32_t *exps) {
    const int32_t s = m->dims.seq_len;
    while (begin < end) {
        const int32_t h = begin / s, t0 = begin - h * s;
        const int32_t n = end - begin < s - t0 ? end - begin : s - t0;
        run(m, h, t0, n, exps);
        begin += n;
    }
}

vs_status_t vs_mhsa_part_init(vs_mhsa_part_t *m, const vs_mhsa_dims_t *dims,
                              const vs_mhsa_params_t *params, const int8_t *x,
                              const vs_mhsa_weights_t *weights,
                              const vs_mhsa_fused_weights_t *fused_weights, int8_t *y,
                              void *scratch) {
    const int fused = fused_weights != NULL;
    if (!m || !vs__mhsa_dims_ok(dims) || !vs__mhsa_params_ok(params, fused) || !x || !y ||
        !scratch)
        return VS_ERR_ARG;
    if (fused ? !vs__fused_weights_ok(fused_weights)
              : !weights || !weights->wq || !weights->wk || !weights->wv || !weights->wo)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, s4 = vs__s4(dims), hp = dims->heads * dims->proj;
    uint8_t *pos = (uint8_t *)scratch;
    m->dims = *dims;
    m->params = params;
    m->fused = fused;
    m->weights = weights;
    m->fused_weights = fused_weights;
    m->x = x;
    m->y = y;
    /* the carving of the layer-wise kernels, so that their scratch is enough */
    if (fused) {
        m->qt = (int8_t *)vs__carve(&pos, dims->heads * s * dims->embed);
        m->k = NULL;
        m->vt = (int8_t *)vs__carve(&pos, hp * s4);
        m->o = (int8_t *)vs__carve(&pos, s * hp);
    } else {
        m->o = (int8_t *)vs__carve(&pos, s * hp);
        m->qt = (int8_t *)vs__carve(&pos, s * hp);
        m->k = (int8_t *)vs__carve(&pos, s * hp);
        m->vt = (int8_t *)vs__carve(&pos, hp * s4);
    }
    /* last: the streamed step 2 never touches it (vs_mhsa_part_streamed_scratch_bytes) */
    m->map = (int8_t *)vs__carve(&pos, dims->heads * s * s4);
    return VS_OK;
}

int32_t vs_mhsa_part_streamed_scratch_bytes(const vs_mhsa_dims_t *dims, int fused) {
    if (!vs__mhsa_dims_ok(dims)) return VS_ERR_ARG;
    const int64_t s = dims->seq_len, s4 = vs__s4(dims), hp = (int64_t)dims->heads * dims->proj;
    const int64_t queries = fused ? (int64_t)dims->heads * s * dims->embed : s * hp;
    const int64_t parts[] = {queries, fused ? 0 : s * hp, hp * s4, s * hp};
    return vs__scratch_sum(parts, 4);
}

/* Bytes of a core's streamed buffers, in the order vs_mhsa_part_l1_carve lays them out. */
#define VS__L1_PARTS 9
static void vs__l1_parts(const vs_mhsa_dims_t *d, int fused, int32_t tile, int64_t parts[VS__L1_PARTS]) {
    const int64_t s = d->seq_len, s4 = vs__s4(d), p = d->proj;
    const int64_t depth = fused ? d->embed : p;
    tile = vs__clamp_tile(d, tile);
    parts[0] = s * depth;            /* the keys: K[h], or X when fused */
    parts[1] = p * s4;               /* V^T[h] */
    parts[2] = parts[3] = tile * depth; /* two query tiles */
    parts[4] = tile * s4;            /* score/probability rows of one tile */
    parts[5] = parts[6] = tile * p;  /* two context tiles */
    parts[7] = 4 * s;                /* softmax exponentials */
    parts[8] = 4 * VS_EXP_TABLE_SIZE; /* their table (vs_mhsa_part_exp_table) */
}

int32_t vs_mhsa_part_l1_bytes(const vs_mhsa_dims_t *dims, int fused, int32_t tile) {
    if (!vs__mhsa_dims_ok(dims) || tile <= 0) return VS_ERR_ARG;
    int64_t parts[VS__L1_PARTS];
    vs__l1_parts(dims, fused, tile, parts);
    return vs__scratch_sum(parts, VS__L1_PARTS);
}

int32_t vs_mhsa_part_head_keys_bytes(const vs_mhsa_dims_t *dims, int fused) {
    if (!vs__mhsa_dims_ok(dims)) return VS_ERR_ARG;
    int64_t parts[VS__L1_PARTS];
    vs__l1_parts(dims, fused, 1, parts);
    return vs__scratch_sum(parts, 2);
}

void vs_mhsa_part_l1_carve(const vs_mhsa_part_t *m, int32_t tile, void *l1, vs_mhsa_l1_t *out) {
    int64_t parts[VS__L1_PARTS];
    vs__l1_parts(&m->dims, m->fused, tile, parts);
    uint8_t *pos = (uint8_t *)l1;
    int8_t *at[VS__L1_PARTS];
    for (int32_t i = 0; i < VS__L1_PARTS; i++) at[i] = (int8_t *)vs__carve(&pos, (int32_t)parts[i]);
    out->tile = vs__clamp_tile(&m->dims, tile);
    out->keys = at[0];
    out->vt = at[1];
    out->q[0] = at[2];
    out->q[1] = at[3];
    out->rows = at[4];
    out->o[0] = at[5];
    out->o[1] = at[6];
    out->exps = (uint32_t *)(void *)at[7];
    out->exp_table = (uint32_t *)(void *)at[8];
}

void vs_mhsa_part_head(const vs_mhsa_part_t *m, int32_t h, vs_mhsa_head_t *out) {
    const vs_mhsa_dims_t *d = &m->dims;
    const int32_t s = d->seq_len, p = d->proj, depth = m->fused ? d->embed : p;
    out->query_bytes = depth;
    out->queries = m->qt + h * s * depth;
    out->keys = m->fused ? m->x : m->k + h * s * p;
    out->keys_bytes = s * depth;
    out->vt = m->vt + h * p * vs__s4(d);
    out->vt_bytes = p * vs__s4(d);
    out->context = m->o + h * s * p;
    out->context_bytes = p;
}

const uint32_t *vs_mhsa_part_exp_table(const vs_mhsa_part_t *m, int32_t rows, uint32_t *table) {
    if ((int64_t)rows * m->dims.seq_len < VS_EXP_TABLE_MIN_EXPS) return NULL;
    vs__exp_table(table, m->params->softmax.in.mul, m->params->softmax.in.shift);
    return table;
}

void vs_mhsa_part_attend_rows(const vs_mhsa_part_t *m, int32_t n, const int8_t *queries,
                              const int8_t *keys, const int8_t *vt, int8_t *rows,
                              const uint32_t *exp_table, uint32_t *exps, int8_t *context) {
    const vs_mhsa_dims_t *d = &m->dims;
    vs__scores(d, n, m->fused ? d->embed : d->proj, queries, keys, &m->params->scores, rows);
    if (exp_table)
        vs__softmax_rows_table(d, n, rows, exp_table, exps);
    else
        vs__softmax_rows(d, n, rows, &m->params->softmax, exps);
    vs__context(d, n, rows, vt, &m->params->context, context);
}

static void vs__part_values(const vs_mhsa_part_t *m, const int8_t *wv, const int32_t *bv,
                            int32_t h, int32_t t0, int32_t n) {
    const vs_mhsa_dims_t *d = &m->dims;
    vs__v_columns(d, &m->params->v, m->x, wv, bv, h, m->vt + h * d->proj * vs__s4(d), t0, n);
}

void vs_mhsa_part_head_weights(const vs_mhsa_part_t *m, int32_t h, vs_mhsa_head_weights_t *out) {
    const vs_mhsa_dims_t *d = &m->dims;
    const int32_t e = d->embed, p = d->proj;
    const int8_t *wv = m->fused ? m->fused_weights->wv : m->weights->wv;
    const int32_t *bv = m->fused ? m->fused_weights->bv : m->weights->bv;
    if (m->fused) {
        const vs_mhsa_fused_weights_t *w = m->fused_weights;
        out->w[0] = w->wf + h * e * e;
        out->b[0] = w->bf ? w->bf + h * e : NULL;
        out->rows[0] = e;
        out->w[1] = NULL;
        out->b[1] = NULL;
        out->rows[1] = 0;
    } else {
        const vs_mhsa_weights_t *w = m->weights;
        out->w[0] = w->wq + h * p * e;
        out->b[0] = w->bq ? w->bq + h * p : NULL;
        out->w[1] = w->wk + h * p * e;
        out->b[1] = w->bk ? w->bk + h * p : NULL;
        out->rows[0] = out->rows[1] = p;
    }
    out->w[2] = wv + h * p * e;
    out->b[2] = bv ? bv + h * p : NULL;
    out->rows[2] = p;
}

void vs_mhsa_part_project_rows(const vs_mhsa_part_t *m, int32_t n, const int8_t *x,
                               const vs_mhsa_head_weights_t *w, int8_t *queries, int8_t *keys,
                               int8_t *vt, int32_t vt_stride) {
    const vs_mhsa_dims_t *d = &m->dims;
    const int32_t e = d->embed;
    const int32_t depth = w->rows[0];
    vs__linear_rows(n, e, depth, x, e, w->w[0], w->b[0], m->fused ? &m->params->fused : &m->params->q,
                    queries, depth);
    if (!m->fused) vs__linear_rows(n, e, d->proj, x, e, w->w[1], w->b[1], &m->params->k, keys, d->proj);
    vs__v_block(d, &m->params->v, x, n, w->w[2], w->b[2], vt, vt_stride);
}

static void vs__part_project_run(const vs_mhsa_part_t *m, int32_t h, int32_t t0, int32_t n,
                                 uint32_t *exps) {
    (void)exps;
    const vs_mhsa_dims_t *d = &m->dims;
    const int32_t s = d->seq_len, p = d->proj, s4 = vs__s4(d), depth = m->fused ? d->embed : p;
    vs_mhsa_head_weights_t w;
    vs_mhsa_part_head_weights(m, h, &w);
    int8_t *vt = m->vt + h * p * s4;
    vs_mhsa_part_project_rows(m, n, m->x + t0 * d->embed, &w, m->qt + (h * s + t0) * depth,
                              m->fused ? NULL : m->k + (h * s + t0) * p, vt + t0, s4);
    if (t0 + n == s) vs__zero_pad(vt, p, s, s4);
}

static void vs__part_attend_run(const vs_mhsa_part_t *m, int32_t h, int32_t t0, int32_t n,
                                uint32_t *exps) {
    vs_mhsa_head_t head;
    vs_mhsa_part_head(m, h, &head);
    vs_mhsa_part_attend_rows(m, n, head.queries + t0 * head.query_bytes, head.keys, head.vt,
                             m->map + (h * m->dims.seq_len + t0) * vs__s4(&m->dims), NULL, exps,
                             head.context + t0 * head.context_bytes);
}

void vs_mhsa_part_project(const vs_mhsa_part_t *m, int32_t begin, int32_t end) {
    vs__for_head_runs(m, begin, end, vs__part_project_run, NULL);
}

void vs_mhsa_part_attend(const vs_mhsa_part_t *m, int32_t begin, int32_t end, uint32_t *exps) {
    vs__for_head_runs(m, begin, end, vs__part_attend_run, exps);
}

/* The pieces of steps 1 and 2 an accelerator does not take (the matrix engine does
 * Q, K, the scores and the context: interp_engine.c): V^T columns, softmax rows. */
static void vs__part_values_run(const vs_mhsa_part_t *m, int32_t h, int32_t t0, int32_t n, uint32_t *exps) {
    (void)exps;
    const vs_mhsa_weights_t *w = m->weights;
    vs__part_values(m, w->wv, w->bv, h, t0, n);
}

static void vs__part_softmax_run(const vs_mhsa_part_t *m, int32_t h, int32_t t0, int32_t n, uint32_t *exps) {
    vs__softmax_rows(&m->dims, n, m->map + (h * m->dims.seq_len + t0) * vs__s4(&m->dims), &m->params->softmax, exps);
}

void vs_mhsa_part_values(const vs_mhsa_part_t *m, int32_t begin, int32_t end) {
    vs__for_head_runs(m, begin, end, vs__part_values_run, NULL);
}

void vs_mhsa_part_softmax(const vs_mhsa_part_t *m, int32_t begin, int32_t end, uint32_t *exps) {
    vs__for_head_runs(m, begin, end, vs__part_softmax_run, exps);
}

void vs_mhsa_part_output_weights(const vs_mhsa_part_t *m, const int8_t **wo, const int32_t **bo) {
    *wo = m->fused ? m->fused_weights->wo : m->weights->wo;
    *bo = m->fused ? m->fused_weights->bo : m->weights->bo;
}

void vs_mhsa_part_output_rows(const vs_mhsa_part_t *m, int32_t n, const int8_t *o, int32_t o_chunk,
                              const int8_t *wo, const int32_t *bo, int8_t *y) {
    vs__out_projection_block(&m->dims, &m->params->out, n, o, o_chunk, wo, bo, y);
}

void vs_mhsa_part_output(const vs_mhsa_part_t *m, int32_t begin, int32_t end) {
    if (begin >= end) return;
    const int8_t *wo;
    const int32_t *bo;
    vs_mhsa_part_output_weights(m, &wo, &bo);
    vs__out_projection_rows(&m->dims, &m->params->out, m->o, wo, bo, m->y, begin, end);
}
