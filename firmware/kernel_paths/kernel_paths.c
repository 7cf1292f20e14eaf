/*
 * Every kernel's SIMD path (VS_SIMD=1: Xvitsim on RISC-V, SXTB16/SMLAD/SSAT on
 * a Cortex-M) against its portable path (VS_SIMD=0, the symbols prefixed
 * "portable_"), run on the target on pseudo-random inputs: several shapes,
 * odd sizes, rows at unaligned addresses, both requantization forms. The two
 * must agree byte for byte (the host golden model is the portable C of the
 * same sources, so this is what makes the target bit-exact with it).
 * Prints one MISMATCH line per differing case; exits 0 when all agree, 1 if not.
 */
#include <stdio.h>
#include <string.h>

#include "vitsim/kernels.h"
#include "vitsim/xorshift.h"

/* The portable kernels, same signatures. */
#define PORTABLE(fn) extern __typeof__(fn) portable_##fn
PORTABLE(vs_linear_s8);
PORTABLE(vs_linear_overwrite_s8);
PORTABLE(vs_linear_lowrank_s8);
PORTABLE(vs_classifier_s8);
PORTABLE(vs_patch_embed_direct_s8);
PORTABLE(vs_patch_embed_decomposed_s8);
PORTABLE(vs_layernorm_s8);
PORTABLE(vs_softmax_s8);
PORTABLE(vs_gelu_s8);
PORTABLE(vs_add_s8);
PORTABLE(vs_mean_pool_s8);
PORTABLE(vs_mhsa_layerwise_s8);
PORTABLE(vs_mhsa_depthfirst_s8);
PORTABLE(vs_mhsa_fused_layerwise_s8);
PORTABLE(vs_mhsa_fused_depthfirst_s8);
PORTABLE(vs_kernels_simd);

/* ---- inputs ---------------------------------------------------------------------- */
static uint32_t rng_state = 0x2545f491u;
static uint32_t next_random(void) { return vs_xorshift32(&rng_state); }
static int32_t random_in(int32_t lo, int32_t hi) {
    return lo + (int32_t)(next_random() % (uint32_t)(hi - lo + 1));
}

/* One bump allocator for a case's inputs, outputs and scratch; word aligned. */
#define POOL_BYTES (44 * 1024)
static uint32_t pool[POOL_BYTES / 4];
static uint32_t pool_used;
static void *take(int32_t bytes) {
    const uint32_t words = ((uint32_t)bytes + 3) / 4;
    if (bytes < 0 || pool_used + words > POOL_BYTES / 4) {
        printf("FAILED: test pool too small (%ld more bytes)\n", (long)bytes);
        _Exit(2);
    }
    void *p = &pool[pool_used];
    pool_used += words;
    return p;
}
static int8_t *random_bytes(int32_t n) {
    int8_t *p = take(n + 4);
    for (int32_t i = 0; i < n + 4; i++) p[i] = (int8_t)next_random();
    return p;
}
static int32_t *random_ints(int32_t n, int32_t lo, int32_t hi) {
    int32_t *p = take(4 * n);
    for (int32_t i = 0; i < n; i++) p[i] = random_in(lo, hi);
    return p;
}
/* An output pair, the same bytes before the call so untouched bytes agree. */
static int8_t *out_simd, *out_port;
static void outputs(int32_t n) {
    out_simd = take(n + 4);
    out_port = take(n + 4);
    memset(out_simd, 0x5a, (size_t)n + 4);
    memset(out_port, 0x5a, (size_t)n + 4);
}

/* 0.6 * 2^-k: the fast (shift >= 33) form for k >= 2, the 64-bit form below. */
static vs_quant_t q_pow2(int32_t k) {
    vs_quant_t q = {0x4CCCCCCC, 31 + k};
    return q;
}
static int32_t log2_floor(int32_t n) { return 31 - __builtin_clz((uint32_t)n); }
/* Outputs of a few units for int8 inputs over `depth` terms. */
static vs_quant_t q_for_depth(int32_t depth) { return q_pow2(9 + log2_floor(depth) / 2); }

/* ---- checking -------------------------------------------------------------------- */
static int cases, failures;
static void compare(const char *kernel, int shape, int status_simd, int status_port, int32_t n) {
    cases++;
    if (status_simd != VS_OK || status_port != VS_OK) {
        failures++;
        printf("MISMATCH %s shape %d: status simd %d, portable %d\n", kernel, shape, status_simd,
               status_port);
        return;
    }
    for (int32_t i = 0; i < n + 4; i++)
        if (out_simd[i] != out_port[i]) {
            failures++;
            printf("MISMATCH %s shape %d: byte %ld of %ld: simd %d, portable %d\n", kernel, shape,
                   (long)i, (long)n, out_simd[i], out_port[i]);
            return;
        }
}
/* Scratch for each path, filled with garbage. */
static void *scratch(int32_t bytes) {
    void *p = take(bytes > 0 ? bytes : 4);
    memset(p, 0xa5, bytes > 0 ? (size_t)bytes : 4);
    return p;
}

/* ---- cases ----------------------------------------------------------------------- */
static void check_linear(void) {
    static const int32_t shapes[][3] = {{1, 1, 1},  {3, 5, 7},   {8, 16, 32}, {9, 217, 11},
                                        {2, 64, 6}, {33, 48, 20}, {5, 33, 9},  {4, 96, 40}};
    for (int s = 0; s < (int)(sizeof shapes / sizeof shapes[0]); s++)
        for (int variant = 0; variant < 3; variant++) {
            pool_used = 0;
            const int32_t t = shapes[s][0], in = shapes[s][1], out = shapes[s][2];
            const int offset = variant == 1; /* rows at odd addresses: the byte path */
            const vs_linear_dims_t d = {t, in, out};
            /* variant 2: the 64-bit requantization (shift <= 32) */
            vs_quant_t q = q_for_depth(in);
            if (variant == 2) q.mul >>= 40 - q.shift, q.shift = 24;
            const int8_t *x = random_bytes(t * in) + offset, *w = random_bytes(in * out);
            const int32_t *b = random_ints(out, -20000, 20000);
            outputs(t * out);
            int ss = vs_linear_s8(&d, &q, x, w, b, out_simd);
            int sp = portable_vs_linear_s8(&d, &q, x, w, b, out_port);
            compare("linear", s * 3 + variant, ss, sp, t * out);

            const int32_t big = t * (in > out ? in : out);
            outputs(big);
            memcpy(out_simd, x, (size_t)(t * in));
            memcpy(out_port, x, (size_t)(t * in));
            ss = vs_linear_overwrite_s8(&d, &q, out_simd, w, b,
                                        scratch(vs_linear_overwrite_s8_scratch_bytes(&d)));
            sp = portable_vs_linear_overwrite_s8(&d, &q, out_port, w, b,
                                                 scratch(vs_linear_overwrite_s8_scratch_bytes(&d)));
            compare("linear_overwrite", s * 3 + variant, ss, sp, big);

            outputs(out);
            ss = vs_classifier_s8(&d, t - 1, &q, x, w, b, out_simd);
            sp = portable_vs_classifier_s8(&d, t - 1, &q, x, w, b, out_port);
            compare("classifier", s * 3 + variant, ss, sp, out);
        }
    const vs_lowrank_dims_t lr = {33, 48, 19, 40};
    static const int32_t tiles[] = {1, 4, 33};
    for (int i = 0; i < 3; i++) {
        pool_used = 0;
        const int8_t *x = random_bytes(33 * 48);
        const vs_lowrank_weights_t wt = {random_bytes(19 * 48), random_ints(19, -5000, 5000),
                                         random_bytes(19 * 19), NULL,
                                         random_bytes(40 * 19), random_ints(40, -5000, 5000)};
        const vs_lowrank_params_t lp = {q_for_depth(48), q_for_depth(19), q_for_depth(19)};
        const int32_t sb = vs_linear_lowrank_s8_scratch_bytes(&lr, tiles[i]);
        outputs(33 * 40);
        int ss = vs_linear_lowrank_s8(&lr, tiles[i], &lp, x, &wt, out_simd, scratch(sb));
        int sp = portable_vs_linear_lowrank_s8(&lr, tiles[i], &lp, x, &wt, out_port, scratch(sb));
        compare("lowrank", i, ss, sp, 33 * 40);
    }
}

static void check_patch_embed(void) {
    static const vs_patch_dims_t dims[] = {{16, 16, 3, 8, 24}, {20, 20, 3, 5, 7}, {18, 14, 3, 4, 9}};
    static const int32_t subs[] = {4, 5, 2};
    for (int i = 0; i < 3; i++) {
        pool_used = 0;
        const vs_patch_dims_t *d = &dims[i];
        const int32_t tokens = vs_patch_embed_tokens(d), depth = d->patch * d->patch * d->channels;
        const int8_t *x = random_bytes(d->height * d->width * d->channels);
        const int8_t *w = random_bytes(d->embed * depth);
        const int32_t *b = random_ints(d->embed, -30000, 30000);
        const vs_quant_t q = q_for_depth(depth);
        const int32_t sb = vs_patch_embed_direct_s8_scratch_bytes(d);
        outputs(tokens * d->embed);
        int ss = vs_patch_embed_direct_s8(d, &q, x, w, b, out_simd, scratch(sb));
        int sp = portable_vs_patch_embed_direct_s8(d, &q, x, w, b, out_port, scratch(sb));
        compare("patch_embed_direct", i, ss, sp, tokens * d->embed);

        int8_t *wsub = take(d->embed * depth);
        if (vs_patch_embed_decompose_weights(d, subs[i], w, wsub) != VS_OK) {
            printf("MISMATCH patch_embed_decompose_weights shape %d failed\n", i);
            failures++;
            continue;
        }
        const int32_t sd = vs_patch_embed_decomposed_s8_scratch_bytes(d, subs[i]);
        outputs(tokens * d->embed);
        ss = vs_patch_embed_decomposed_s8(d, subs[i], &q, x, wsub, b, out_simd, scratch(sd));
        sp = portable_vs_patch_embed_decomposed_s8(d, subs[i], &q, x, wsub, b, out_port,
                                                   scratch(sd));
        compare("patch_embed_decomposed", i, ss, sp, tokens * d->embed);
    }
}

static void check_norm_and_activations(void) {
    static const int32_t widths[] = {3, 16, 33, 216, 512};
    for (int i = 0; i < 5; i++) {
        const int32_t rows = 5, cols = widths[i], n = rows * cols;
        const vs_mat_dims_t d = {rows, cols};
        for (int offset = 0; offset < 2; offset++) {
            pool_used = 0;
            const int8_t *x = random_bytes(n) + offset, *gamma = random_bytes(cols);
            const int32_t *beta = random_ints(cols, -50000, 50000);
            const vs_layernorm_params_t lp = {offset ? VS_SQRT_BISECT : VS_SQRT_NEWTON, 3, 1 + offset,
                                              q_pow2(12)};
            outputs(n);
            int ss = vs_layernorm_s8(&d, &lp, x, gamma, beta, out_simd);
            int sp = portable_vs_layernorm_s8(&d, &lp, x, gamma, beta, out_port);
            compare("layernorm", i * 2 + offset, ss, sp, n);
        }
        /* softmax input scale 0.1, 0.01, 1.0 (times 2^10, 32-bit form) */
        static const vs_softmax_params_t softmax[] = {{{3355443, 15}}, {{671089, 16}}, {{2048, 1}}};
        static const vs_gelu_params_t gelu[] = {{{47453, 16}, {0x4CCCCCCC, 35}},
                                                {{474530, 16}, {0x4CCCCCCC, 39}},
                                                {{3000, 10}, {0x12345, 22}}};
        for (int p = 0; p < 3; p++) {
            pool_used = 0;
            const int8_t *x = random_bytes(n);
            const int32_t sb = vs_softmax_s8_scratch_bytes(&d);
            outputs(n);
            int ss = vs_softmax_s8(&d, &softmax[p], x, out_simd, scratch(sb));
            int sp = portable_vs_softmax_s8(&d, &softmax[p], x, out_port, scratch(sb));
            compare("softmax", i * 3 + p, ss, sp, n);
            outputs(n);
            ss = vs_gelu_s8(&d, &gelu[p], x, out_simd);
            sp = portable_vs_gelu_s8(&d, &gelu[p], x, out_port);
            compare("gelu", i * 3 + p, ss, sp, n);
        }
        pool_used = 0;
        const int8_t *a = random_bytes(n), *b = random_bytes(n);
        const vs_add_params_t ap = {3 << 13, 5 << 12, 15};
        outputs(n);
        int ss = vs_add_s8(&d, &ap, a, b, out_simd);
        int sp = portable_vs_add_s8(&d, &ap, a, b, out_port);
        compare("add", i, ss, sp, n);
        const vs_quant_t mq = q_pow2(3);
        outputs(cols);
        ss = vs_mean_pool_s8(&d, &mq, a, out_simd);
        sp = portable_vs_mean_pool_s8(&d, &mq, a, out_port);
        compare("mean_pool", i, ss, sp, cols);
    }
}

/* Attention: the layer-wise baseline and the depth-first schedules, each path. */
static void check_mhsa(void) {
    static const vs_mhsa_dims_t shapes[] = {
        {17, 12, 5, 2}, {5, 7, 3, 3}, {24, 32, 16, 2}, {13, 16, 8, 4}, {9, 20, 4, 1}};
    for (int s = 0; s < (int)(sizeof shapes / sizeof shapes[0]); s++) {
        pool_used = 0;
        const vs_mhsa_dims_t *d = &shapes[s];
        const int32_t S = d->seq_len, E = d->embed, P = d->proj, H = d->heads, n = S * E;
        const int8_t *x = random_bytes(n);
        const vs_mhsa_weights_t w = {random_bytes(H * P * E), random_bytes(H * P * E),
                                     random_bytes(H * P * E), random_ints(H * P, -9000, 9000),
                                     random_ints(H * P, -9000, 9000), random_ints(H * P, -9000, 9000),
                                     random_bytes(E * H * P), random_ints(E, -9000, 9000)};
        const vs_mhsa_fused_weights_t fw = {random_bytes(H * E * E), random_ints(H * E, -9000, 9000),
                                            w.wv, w.bv, w.wo, w.bo};
        vs_mhsa_params_t p;
        p.q = p.k = p.v = p.fused = q_for_depth(E);
        p.scores = q_pow2(7 + log2_floor(P) / 2);
        p.softmax.in.mul = 4024770; /* 0.06 * 2^10 at shift 16 */
        p.softmax.in.shift = 16;
        p.context = q_pow2(6);
        p.out = q_for_depth(H * P);
        const uint32_t mark = pool_used;

        outputs(n);
        int32_t sb = vs_mhsa_layerwise_s8_scratch_bytes(d);
        int ss = vs_mhsa_layerwise_s8(d, &p, x, &w, out_simd, scratch(sb));
        int sp = portable_vs_mhsa_layerwise_s8(d, &p, x, &w, out_port, scratch(sb));
        compare("mhsa_layerwise", s, ss, sp, n);
        pool_used = mark;
        outputs(n);
        sb = vs_mhsa_fused_layerwise_s8_scratch_bytes(d);
        ss = vs_mhsa_fused_layerwise_s8(d, &p, x, &fw, out_simd, scratch(sb));
        sp = portable_vs_mhsa_fused_layerwise_s8(d, &p, x, &fw, out_port, scratch(sb));
        compare("mhsa_fused_layerwise", s, ss, sp, n);
        const int32_t tiles[] = {1, 3, 8, S};
        for (int t = 0; t < 4; t++) {
            pool_used = mark;
            outputs(n);
            sb = vs_mhsa_depthfirst_s8_scratch_bytes(d, tiles[t]);
            ss = vs_mhsa_depthfirst_s8(d, tiles[t], &p, x, &w, out_simd, scratch(sb));
            sp = portable_vs_mhsa_depthfirst_s8(d, tiles[t], &p, x, &w, out_port, scratch(sb));
            compare("mhsa_depthfirst", s * 4 + t, ss, sp, n);
            pool_used = mark;
            outputs(n);
            sb = vs_mhsa_fused_depthfirst_s8_scratch_bytes(d, tiles[t]);
            ss = vs_mhsa_fused_depthfirst_s8(d, tiles[t], &p, x, &fw, out_simd, scratch(sb));
            sp = portable_vs_mhsa_fused_depthfirst_s8(d, tiles[t], &p, x, &fw, out_port,
                                                      scratch(sb));
            compare("mhsa_fused_depthfirst", s * 4 + t, ss, sp, n);
        }
    }
}

int main(void) {
    if (vs_kernels_simd() != 1 || portable_vs_kernels_simd() != 0) {
        printf("FAILED: the two kernel builds are not SIMD and portable\n");
        return 2;
    }
    check_linear();
    check_patch_embed();
    check_norm_and_activations();
    check_mhsa();
    printf("kernel_paths on %s: %d cases, %d mismatches\n", VITSIM_PROFILE_NAME, cases, failures);
    return failures ? 1 : 0;
}
