/*
 * Patch embedding (convolution with kernel = stride = patch) on an HWC image.
 *
 * Direct: two patches at a time are copied into a row of scratch each (im2col)
 * and multiplied with the [embed][patch*patch*channels] weights by the GEMM core.
 * Decomposed: the same sums split by sub x sub sub-kernel; only a sub-patch is
 * ever copied and partial sums live in an int32 [2][embed] buffer until a single
 * requantization, so both variants produce the same bytes.
 */
#include "vs_internal.h"

/* Tokens handled together: the GEMM core's 2-row blocking. */
#define VS_PATCH_ROWS 2

static int vs__patch_dims_ok(const vs_patch_dims_t *d) {
    if (!d || d->height <= 0 || d->width <= 0 || d->channels <= 0 || d->patch <= 0 ||
        d->embed <= 0 || d->patch > d->height || d->patch > d->width)
        return 0;
    const int64_t kernel = (int64_t)d->patch * d->patch * d->channels;
    return vs__fits((int64_t)d->height * d->width * d->channels) &&
           vs__fits(kernel * d->embed) && vs__fits(kernel * 2 + 8) &&
           vs__fits((int64_t)d->height * d->width * d->embed);
}

int32_t vs_patch_embed_tokens(const vs_patch_dims_t *dims) {
    if (!vs__patch_dims_ok(dims)) return VS_ERR_ARG;
    return (dims->height / dims->patch) * (dims->width / dims->patch);
}

/* Copies the size x size window at pixel (y0, x0) into dst (rows of size*C). */
static void vs__gather(const vs_patch_dims_t *d, const int8_t *x, int32_t y0, int32_t x0,
                       int32_t size, int8_t *dst) {
    const int32_t c = d->channels, run = size * c;
    for (int32_t ky = 0; ky < size; ky++)
        memcpy(dst + ky * run, x + ((y0 + ky) * d->width + x0) * c, (size_t)run);
}

int32_t vs_patch_embed_direct_s8_scratch_bytes(const vs_patch_dims_t *dims) {
    if (!vs__patch_dims_ok(dims)) return VS_ERR_ARG;
    const int32_t pp = vs__mul_sat(dims->patch, dims->patch);
    const int32_t col = vs__mul_sat(pp, dims->channels);
    if (col < 0 || col > INT32_MAX / VS_PATCH_ROWS - 4) return VS_ERR_ARG;
    return VS_PATCH_ROWS * vs__align4(col);
}

/* [begin, end) is a range of the layer's tokens (empty is fine). */
static int vs__range_ok(const vs_patch_dims_t *d, int32_t begin, int32_t end) {
    return begin >= 0 && begin <= end && end <= vs_patch_embed_tokens(d);
}

/* Inlined into both entry points: the whole-layer kernel keeps its stack (no extra
 * frame in front of the range's 9 or 10 arguments). */
#define VS_PATCH_BODY static inline __attribute__((always_inline)) vs_status_t

VS_PATCH_BODY vs__direct(const vs_patch_dims_t *dims, int32_t begin, int32_t end, const vs_quant_t *q,
                         const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                         void *scratch) {
    if (vs_patch_embed_direct_s8_scratch_bytes(dims) < 0 || !vs__range_ok(dims, begin, end) ||
        !vs__quant_ok(q) || !x || !w || !y || !scratch)
        return VS_ERR_ARG;
    const int32_t p = dims->patch, grid_w = dims->width / p;
    const int32_t depth = p * p * dims->channels, ld = vs__align4(depth);
    int8_t *cols = (int8_t *)scratch;
    for (int32_t t = begin; t < end; t += VS_PATCH_ROWS) {
        const int32_t n = end - t < VS_PATCH_ROWS ? end - t : VS_PATCH_ROWS;
        for (int32_t i = 0; i < n; i++)
            vs__gather(dims, x, (t + i) / grid_w * p, (t + i) % grid_w * p, p, cols + i * ld);
        vs__gemm_t g = {
            .rows = n, .cols = dims->embed, .depth = depth, .chunks = 1,
            .a = cols, .lda = ld, .a_chunk = 0,
            .b = w, .ldb = depth, .b_chunk = 0,
            .bias = bias, .acc = NULL, .ld_acc = 0,
            .q = *q, .c = y + t * dims->embed, .ldc = dims->embed,
        };
        vs__gemm_nt(&g);
    }
    return VS_OK;
}

vs_status_t vs_patch_embed_direct_range_s8(const vs_patch_dims_t *dims, int32_t begin, int32_t end,
                                           const vs_quant_t *q, const int8_t *x, const int8_t *w,
                                           const int32_t *bias, int8_t *y, void *scratch) {
    return vs__direct(dims, begin, end, q, x, w, bias, y, scratch);
}

vs_status_t vs_patch_embed_direct_s8(const vs_patch_dims_t *dims, const vs_quant_t *q,
                                     const int8_t *x, const int8_t *w,
                                     const int32_t *bias, int8_t *y, void *scratch) {
    return vs__direct(dims, 0, vs_patch_embed_tokens(dims), q, x, w, bias, y, scratch);
}

static int vs__sub_ok(const vs_patch_dims_t *d, int32_t sub) {
    return vs__patch_dims_ok(d) && sub > 0 && sub <= d->patch && d->patch % sub == 0;
}

int32_t vs_patch_embed_decomposed_s8_scratch_bytes(const vs_patch_dims_t *dims,
                                                   int32_t sub) {
    if (!vs__sub_ok(dims, sub)) return VS_ERR_ARG;
    const int32_t col = vs__mul_sat(vs__mul_sat(sub, sub), dims->channels);
    const int32_t acc = vs__mul_sat(dims->embed, 4);
    if (col < 0 || acc < 0 || col > (1 << 28) || acc > (1 << 28)) return VS_ERR_ARG;
    return VS_PATCH_ROWS * vs__align4(col) + VS_PATCH_ROWS * acc;
}

VS_PATCH_BODY vs__decomposed(const vs_patch_dims_t *dims, int32_t sub, int32_t begin, int32_t end,
                             const vs_quant_t *q, const int8_t *x, const int8_t *w_sub,
                             const int32_t *bias, int8_t *y, void *scratch) {
    if (vs_patch_embed_decomposed_s8_scratch_bytes(dims, sub) < 0 ||
        !vs__range_ok(dims, begin, end) || !vs__quant_ok(q) || !x || !w_sub || !y || !scratch)
        return VS_ERR_ARG;
    const int32_t p = dims->patch, e = dims->embed, grid_w = dims->width / p;
    const int32_t side = p / sub;
    const int32_t depth = sub * sub * dims->channels, ld = vs__align4(depth);
    uint8_t *pos = (uint8_t *)scratch;
    int32_t *acc = (int32_t *)vs__carve(&pos, VS_PATCH_ROWS * e * 4);
    int8_t *cols = (int8_t *)vs__carve(&pos, VS_PATCH_ROWS * ld);
    for (int32_t t = begin; t < end; t += VS_PATCH_ROWS) {
        const int32_t n = end - t < VS_PATCH_ROWS ? end - t : VS_PATCH_ROWS;
        for (int32_t i = 0; i < n * e; i++) acc[i] = bias ? bias[i % e] : 0;
        for (int32_t s = 0; s < side * side; s++) {
            const int32_t dy = s / side * sub, dx = s % side * sub;
            for (int32_t i = 0; i < n; i++)
                vs__gather(dims, x, (t + i) / grid_w * p + dy, (t + i) % grid_w * p + dx, sub,
                           cols + i * ld);
            vs__gemm_t g = {
                .rows = n, .cols = e, .depth = depth, .chunks = 1,
                .a = cols, .lda = ld, .a_chunk = 0,
                .b = w_sub + s * e * depth, .ldb = depth, .b_chunk = 0,
                .bias = NULL, .acc = acc, .ld_acc = e,
                .q = *q, .c = NULL, .ldc = 0,
            };
            vs__gemm_nt(&g);
        }
        int8_t *out = y + t * e;
        for (int32_t i = 0; i < n * e; i++)
            out[i] = (int8_t)vs__requant(acc[i], q->mul, q->shift);
    }
    return VS_OK;
}

vs_status_t vs_patch_embed_decomposed_range_s8(const vs_patch_dims_t *dims, int32_t sub,
                                               int32_t begin, int32_t end, const vs_quant_t *q,
                                               const int8_t *x, const int8_t *w_sub,
                                               const int32_t *bias, int8_t *y, void *scratch) {
    return vs__decomposed(dims, sub, begin, end, q, x, w_sub, bias, y, scratch);
}

vs_status_t vs_patch_embed_decomposed_s8(const vs_patch_dims_t *dims, int32_t sub,
                                         const vs_quant_t *q, const int8_t *x,
                                         const int8_t *w_sub, const int32_t *bias,
                                         int8_t *y, void *scratch) {
    return vs__decomposed(dims, sub, 0, vs_patch_embed_tokens(dims), q, x, w_sub, bias, y,
                          scratch);
}

vs_status_t vs_patch_embed_decompose_weights(const vs_patch_dims_t *dims, int32_t sub,
                                             const int8_t *w, int8_t *w_sub) {
    if (!vs__sub_ok(dims, sub) || !w || !w_sub) return VS_ERR_ARG;
    const int32_t p = dims->patch, c = dims->channels, side = p / sub;
    const int32_t run = sub * c;
    int8_t *dst = w_sub;
    for (int32_t s = 0; s < side * side; s++) {
        const int32_t dy = s / side * sub, dx = s % side * sub;
        for (int32_t e = 0; e < dims->embed; e++)
            for (int32_t ky = 0; ky < sub; ky++, dst += run)
                memcpy(dst, w + ((e * p + dy + ky) * p + dx) * c, (size_t)run);
    }
    return VS_OK;
}
