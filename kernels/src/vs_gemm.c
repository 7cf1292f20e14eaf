/*
 * GEMM core: C = A B^T over int8 rows with int32 accumulation.
 *
 * Register blocking: 2 rows of A x 4 rows of B (4 output columns) = 8 int32
 * accumulators. SIMD path: per 4 depth elements it loads 2 + 4 words and issues
 * 8 vs_sdotp4 (4-lane int8 dot product), two such steps per loop iteration.
 * Remainder rows/columns use 1x4, 2x1 and 1x1 blocks. When every row start and
 * the depth are multiples of 4 the words are loaded with lw.pi (post-increment:
 * no pointer addi per word); otherwise they are assembled from bytes and the
 * depth tail is zero-padded (slower, same result).
 * The portable path uses the same blocking with scalar multiply-accumulate.
 * Integer sums modulo 2^32 (vs__mac: they wrap as on the target) do not depend
 * on their order, so every blocking and both paths give identical accumulators.
 * Measured MAC/cycle: docs/kernels.md.
 */
#include "vs_internal.h"

#define VS_ALWAYS_INLINE inline __attribute__((always_inline))

/*
 * Output modes, compile-time constants after inlining so that each variant of
 * the GEMM has a branch-free epilogue:
 *   VS_OUT_ACC   int32 accumulators in and out (acc != NULL)
 *   VS_OUT_RQ    requantize with shift >= 33: (mulh(s, mul) + rnd) >> (shift - 32)
 *   VS_OUT_RQ64  requantize with the full 64-bit formula (shift <= 32)
 */
enum { VS_OUT_ACC = 0, VS_OUT_RQ = 1, VS_OUT_RQ64 = 2 };
/* Or-ed into the mode: the K dimension is one chunk (fewer live registers). */
#define VS_ONE_CHUNK 16
#define VS_OUT(mode) ((mode) & ~VS_ONE_CHUNK)
#define VS_CHUNKS(x, mode) (((mode) & VS_ONE_CHUNK) ? 1 : (x)->g.chunks)

/* The GEMM description plus the loop-invariant parts of the requantization. */
typedef struct {
    vs__gemm_t g;
    int32_t rq_rnd, rq_shift; /* VS_OUT_RQ: 2^(shift-33) and shift - 32 */
} vs__ctx_t;

static VS_ALWAYS_INLINE int32_t vs__init(const vs__ctx_t *x, int32_t r, int32_t c,
                                         const int mode) {
    if (VS_OUT(mode) == VS_OUT_ACC) return x->g.acc[r * x->g.ld_acc + c];
    return x->g.bias ? x->g.bias[x->g.bias_per_row ? r : c] : 0;
}

static VS_ALWAYS_INLINE void vs__store(const vs__ctx_t *x, int32_t r, int32_t c, int32_t s,
                                       const int mode) {
    if (VS_OUT(mode) == VS_OUT_ACC) {
        x->g.acc[r * x->g.ld_acc + c] = s;
    } else if (VS_OUT(mode) == VS_OUT_RQ) {
        const int32_t hi = (int32_t)(((int64_t)s * x->g.q.mul) >> 32);
        x->g.c[r * x->g.ldc + c] = (int8_t)vs__sat8((hi + x->rq_rnd) >> x->rq_shift);
    } else {
        x->g.c[r * x->g.ldc + c] = (int8_t)vs__requant(s, x->g.q.mul, x->g.q.shift);
    }
}

static VS_ALWAYS_INLINE const int8_t *vs__arow(const vs__ctx_t *x, int32_t r, int32_t j) {
    return x->g.a + r * x->g.lda + j * x->g.a_chunk;
}
static VS_ALWAYS_INLINE const int8_t *vs__brow(const vs__ctx_t *x, int32_t c, int32_t j) {
    return x->g.b + c * x->g.ldb + j * x->g.b_chunk;
}

#if VS_SIMD
/* The next word of a row, advancing its pointer: one lw.pi when `aligned` (a
 * compile-time constant after inlining), so the loops need no pointer addi. */
static VS_ALWAYS_INLINE uint32_t vs__next(const int8_t **p, const int aligned) {
    if (aligned) return vs__lw_pi4(p);
    const uint32_t w = vs__load4_any(*p);
    *p += 4;
    return w;
}

#if VS_ARM_DSP
/* Cortex-M: a 2x4 block is two 2x2 passes over the depth (vs__dot2x2_dsp): the
 * 8 accumulators of one pass would not fit the registers. */
static VS_ALWAYS_INLINE void vs__blk2x2(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    vs__acc2x2_t s = {vs__init(x, r, c, mode), vs__init(x, r, c + 1, mode),
                      vs__init(x, r + 1, c, mode), vs__init(x, r + 1, c + 1, mode)};
    const int32_t words = x->g.depth >> 2, tail = x->g.depth & 3;
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j), *b0 = vs__brow(x, c, j);
        vs__dot2x2_dsp(&s, a0, x->g.lda, b0, x->g.ldb, words, 4);
        if (!aligned && tail) { /* zero-padded last word */
            const int8_t *a1 = a0 + x->g.lda, *b1 = b0 + x->g.ldb;
            const uint32_t x0 = vs__load_tail(a0 + 4 * words, tail);
            const uint32_t x1 = vs__load_tail(a1 + 4 * words, tail);
            uint32_t w = vs__load_tail(b0 + 4 * words, tail);
            s.s00 = vs_sdotp4(s.s00, x0, w);
            s.s10 = vs_sdotp4(s.s10, x1, w);
            w = vs__load_tail(b1 + 4 * words, tail);
            s.s01 = vs_sdotp4(s.s01, x0, w);
            s.s11 = vs_sdotp4(s.s11, x1, w);
        }
    }
    vs__store(x, r, c, s.s00, mode);
    vs__store(x, r, c + 1, s.s01, mode);
    vs__store(x, r + 1, c, s.s10, mode);
    vs__store(x, r + 1, c + 1, s.s11, mode);
}

static VS_ALWAYS_INLINE void vs__blk2x4(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    vs__blk2x2(x, r, c, aligned, mode);
    vs__blk2x2(x, r, c + 2, aligned, mode);
}
#else
static VS_ALWAYS_INLINE void vs__blk2x4(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    int32_t s00 = vs__init(x, r, c, mode), s01 = vs__init(x, r, c + 1, mode);
    int32_t s02 = vs__init(x, r, c + 2, mode), s03 = vs__init(x, r, c + 3, mode);
    int32_t s10 = vs__init(x, r + 1, c, mode), s11 = vs__init(x, r + 1, c + 1, mode);
    int32_t s12 = vs__init(x, r + 1, c + 2, mode), s13 = vs__init(x, r + 1, c + 3, mode);
    const int32_t words = x->g.depth >> 2, tail = x->g.depth & 3;
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j), *a1 = a0 + x->g.lda;
        const int8_t *b0 = vs__brow(x, c, j), *b1 = b0 + x->g.ldb;
        const int8_t *b2 = b1 + x->g.ldb, *b3 = b2 + x->g.ldb;
        /* Two words per iteration (64 MACs per 12 loads): fewer branches per dot
         * product; an odd word count leaves one step. The loads advance the row
         * pointers, and a0 reaching its end ends the loop (no counter). */
        for (const int8_t *a0_end = a0 + 4 * (words & ~1); a0 != a0_end;) {
            /* All loads of a step first: the dot products never wait on a load. */
            uint32_t x0 = vs__next(&a0, aligned), x1 = vs__next(&a1, aligned);
            uint32_t w0 = vs__next(&b0, aligned), w1 = vs__next(&b1, aligned);
            uint32_t w2 = vs__next(&b2, aligned), w3 = vs__next(&b3, aligned);
            s00 = vs_sdotp4(s00, x0, w0);
            s10 = vs_sdotp4(s10, x1, w0);
            s01 = vs_sdotp4(s01, x0, w1);
            s11 = vs_sdotp4(s11, x1, w1);
            s02 = vs_sdotp4(s02, x0, w2);
            s12 = vs_sdotp4(s12, x1, w2);
            s03 = vs_sdotp4(s03, x0, w3);
            s13 = vs_sdotp4(s13, x1, w3);
            x0 = vs__next(&a0, aligned);
            x1 = vs__next(&a1, aligned);
            w0 = vs__next(&b0, aligned);
            w1 = vs__next(&b1, aligned);
            w2 = vs__next(&b2, aligned);
            w3 = vs__next(&b3, aligned);
            s00 = vs_sdotp4(s00, x0, w0);
            s10 = vs_sdotp4(s10, x1, w0);
            s01 = vs_sdotp4(s01, x0, w1);
            s11 = vs_sdotp4(s11, x1, w1);
            s02 = vs_sdotp4(s02, x0, w2);
            s12 = vs_sdotp4(s12, x1, w2);
            s03 = vs_sdotp4(s03, x0, w3);
            s13 = vs_sdotp4(s13, x1, w3);
        }
        if (words & 1) {
            const uint32_t x0 = vs__next(&a0, aligned), x1 = vs__next(&a1, aligned);
            const uint32_t w0 = vs__next(&b0, aligned), w1 = vs__next(&b1, aligned);
            const uint32_t w2 = vs__next(&b2, aligned), w3 = vs__next(&b3, aligned);
            s00 = vs_sdotp4(s00, x0, w0);
            s10 = vs_sdotp4(s10, x1, w0);
            s01 = vs_sdotp4(s01, x0, w1);
            s11 = vs_sdotp4(s11, x1, w1);
            s02 = vs_sdotp4(s02, x0, w2);
            s12 = vs_sdotp4(s12, x1, w2);
            s03 = vs_sdotp4(s03, x0, w3);
            s13 = vs_sdotp4(s13, x1, w3);
        }
        if (!aligned && tail) { /* the row pointers are now at the tail */
            uint32_t x0 = vs__load_tail(a0, tail), x1 = vs__load_tail(a1, tail);
            uint32_t w = vs__load_tail(b0, tail);
            s00 = vs_sdotp4(s00, x0, w);
            s10 = vs_sdotp4(s10, x1, w);
            w = vs__load_tail(b1, tail);
            s01 = vs_sdotp4(s01, x0, w);
            s11 = vs_sdotp4(s11, x1, w);
            w = vs__load_tail(b2, tail);
            s02 = vs_sdotp4(s02, x0, w);
            s12 = vs_sdotp4(s12, x1, w);
            w = vs__load_tail(b3, tail);
            s03 = vs_sdotp4(s03, x0, w);
            s13 = vs_sdotp4(s13, x1, w);
        }
    }
    vs__store(x, r, c, s00, mode);
    vs__store(x, r, c + 1, s01, mode);
    vs__store(x, r, c + 2, s02, mode);
    vs__store(x, r, c + 3, s03, mode);
    vs__store(x, r + 1, c, s10, mode);
    vs__store(x, r + 1, c + 1, s11, mode);
    vs__store(x, r + 1, c + 2, s12, mode);
    vs__store(x, r + 1, c + 3, s13, mode);
}
#endif /* VS_ARM_DSP */

static VS_ALWAYS_INLINE void vs__blk1x4(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    int32_t s0 = vs__init(x, r, c, mode), s1 = vs__init(x, r, c + 1, mode);
    int32_t s2 = vs__init(x, r, c + 2, mode), s3 = vs__init(x, r, c + 3, mode);
    const int32_t words = x->g.depth >> 2, tail = x->g.depth & 3;
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j);
        const int8_t *b0 = vs__brow(x, c, j), *b1 = b0 + x->g.ldb;
        const int8_t *b2 = b1 + x->g.ldb, *b3 = b2 + x->g.ldb;
        for (const int8_t *a0_end = a0 + 4 * words; a0 != a0_end;) {
            uint32_t x0 = vs__next(&a0, aligned);
            s0 = vs_sdotp4(s0, x0, vs__next(&b0, aligned));
            s1 = vs_sdotp4(s1, x0, vs__next(&b1, aligned));
            s2 = vs_sdotp4(s2, x0, vs__next(&b2, aligned));
            s3 = vs_sdotp4(s3, x0, vs__next(&b3, aligned));
        }
        if (!aligned && tail) {
            uint32_t x0 = vs__load_tail(a0, tail);
            s0 = vs_sdotp4(s0, x0, vs__load_tail(b0, tail));
            s1 = vs_sdotp4(s1, x0, vs__load_tail(b1, tail));
            s2 = vs_sdotp4(s2, x0, vs__load_tail(b2, tail));
            s3 = vs_sdotp4(s3, x0, vs__load_tail(b3, tail));
        }
    }
    vs__store(x, r, c, s0, mode);
    vs__store(x, r, c + 1, s1, mode);
    vs__store(x, r, c + 2, s2, mode);
    vs__store(x, r, c + 3, s3, mode);
}

static VS_ALWAYS_INLINE void vs__blk2x1(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    int32_t s0 = vs__init(x, r, c, mode), s1 = vs__init(x, r + 1, c, mode);
    const int32_t words = x->g.depth >> 2, tail = x->g.depth & 3;
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j), *a1 = a0 + x->g.lda;
        const int8_t *b0 = vs__brow(x, c, j);
        for (const int8_t *b0_end = b0 + 4 * words; b0 != b0_end;) {
            uint32_t w = vs__next(&b0, aligned);
            s0 = vs_sdotp4(s0, vs__next(&a0, aligned), w);
            s1 = vs_sdotp4(s1, vs__next(&a1, aligned), w);
        }
        if (!aligned && tail) {
            uint32_t w = vs__load_tail(b0, tail);
            s0 = vs_sdotp4(s0, vs__load_tail(a0, tail), w);
            s1 = vs_sdotp4(s1, vs__load_tail(a1, tail), w);
        }
    }
    vs__store(x, r, c, s0, mode);
    vs__store(x, r + 1, c, s1, mode);
}

static VS_ALWAYS_INLINE void vs__blk1x1(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    int32_t s = vs__init(x, r, c, mode);
    const int32_t words = x->g.depth >> 2, tail = x->g.depth & 3;
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j), *b0 = vs__brow(x, c, j);
        for (const int8_t *a0_end = a0 + 4 * words; a0 != a0_end;) {
            const uint32_t x0 = vs__next(&a0, aligned);
            s = vs_sdotp4(s, x0, vs__next(&b0, aligned));
        }
        if (!aligned && tail) s = vs_sdotp4(s, vs__load_tail(a0, tail), vs__load_tail(b0, tail));
    }
    vs__store(x, r, c, s, mode);
}

#else /* portable */

static VS_ALWAYS_INLINE void vs__blk2x4(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    (void)aligned;
    int32_t s00 = vs__init(x, r, c, mode), s01 = vs__init(x, r, c + 1, mode);
    int32_t s02 = vs__init(x, r, c + 2, mode), s03 = vs__init(x, r, c + 3, mode);
    int32_t s10 = vs__init(x, r + 1, c, mode), s11 = vs__init(x, r + 1, c + 1, mode);
    int32_t s12 = vs__init(x, r + 1, c + 2, mode), s13 = vs__init(x, r + 1, c + 3, mode);
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j), *a1 = a0 + x->g.lda;
        const int8_t *b0 = vs__brow(x, c, j), *b1 = b0 + x->g.ldb;
        const int8_t *b2 = b1 + x->g.ldb, *b3 = b2 + x->g.ldb;
        for (int32_t k = x->g.depth; k > 0; k--) {
            /* pointer increments: an indexed loop needs more registers than RV32 has */
            int32_t x0 = *a0++, x1 = *a1++, w;
            w = *b0++;
            s00 = vs__mac(s00, x0, w);
            s10 = vs__mac(s10, x1, w);
            w = *b1++;
            s01 = vs__mac(s01, x0, w);
            s11 = vs__mac(s11, x1, w);
            w = *b2++;
            s02 = vs__mac(s02, x0, w);
            s12 = vs__mac(s12, x1, w);
            w = *b3++;
            s03 = vs__mac(s03, x0, w);
            s13 = vs__mac(s13, x1, w);
        }
    }
    vs__store(x, r, c, s00, mode);
    vs__store(x, r, c + 1, s01, mode);
    vs__store(x, r, c + 2, s02, mode);
    vs__store(x, r, c + 3, s03, mode);
    vs__store(x, r + 1, c, s10, mode);
    vs__store(x, r + 1, c + 1, s11, mode);
    vs__store(x, r + 1, c + 2, s12, mode);
    vs__store(x, r + 1, c + 3, s13, mode);
}

static VS_ALWAYS_INLINE void vs__blk1x4(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    (void)aligned;
    int32_t s0 = vs__init(x, r, c, mode), s1 = vs__init(x, r, c + 1, mode);
    int32_t s2 = vs__init(x, r, c + 2, mode), s3 = vs__init(x, r, c + 3, mode);
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j);
        const int8_t *b0 = vs__brow(x, c, j), *b1 = b0 + x->g.ldb;
        const int8_t *b2 = b1 + x->g.ldb, *b3 = b2 + x->g.ldb;
        for (int32_t k = x->g.depth; k > 0; k--) {
            int32_t x0 = *a0++;
            s0 = vs__mac(s0, x0, *b0++);
            s1 = vs__mac(s1, x0, *b1++);
            s2 = vs__mac(s2, x0, *b2++);
            s3 = vs__mac(s3, x0, *b3++);
        }
    }
    vs__store(x, r, c, s0, mode);
    vs__store(x, r, c + 1, s1, mode);
    vs__store(x, r, c + 2, s2, mode);
    vs__store(x, r, c + 3, s3, mode);
}

static VS_ALWAYS_INLINE void vs__blk2x1(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    (void)aligned;
    int32_t s0 = vs__init(x, r, c, mode), s1 = vs__init(x, r + 1, c, mode);
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j), *a1 = a0 + x->g.lda;
        const int8_t *b0 = vs__brow(x, c, j);
        for (int32_t k = 0; k < x->g.depth; k++) {
            int32_t w = b0[k];
            s0 = vs__mac(s0, a0[k], w);
            s1 = vs__mac(s1, a1[k], w);
        }
    }
    vs__store(x, r, c, s0, mode);
    vs__store(x, r + 1, c, s1, mode);
}

static VS_ALWAYS_INLINE void vs__blk1x1(const vs__ctx_t *x, int32_t r, int32_t c,
                                        const int aligned, const int mode) {
    (void)aligned;
    int32_t s = vs__init(x, r, c, mode);
    for (int32_t j = 0; j < VS_CHUNKS(x, mode); j++) {
        const int8_t *a0 = vs__arow(x, r, j), *b0 = vs__brow(x, c, j);
        for (int32_t k = 0; k < x->g.depth; k++) s = vs__mac(s, a0[k], b0[k]);
    }
    vs__store(x, r, c, s, mode);
}
#endif

/* The whole C matrix, specialised on word loads and on the output mode. */
static VS_ALWAYS_INLINE void vs__gemm_all(const vs__ctx_t *xp, const int aligned,
                                          const int mode) {
    /* A local copy whose address never escapes: stores through int8_t* cannot
     * alias it, so its fields stay in registers across the output stores. */
    const vs__ctx_t local = *xp, *x = &local;
    const int32_t rows = x->g.rows, cols = x->g.cols;
    const int32_t rows2 = rows & ~1, cols4 = cols & ~3;
    for (int32_t r = 0; r < rows2; r += 2) {
        for (int32_t c = 0; c < cols4; c += 4) vs__blk2x4(x, r, c, aligned, mode);
        for (int32_t c = cols4; c < cols; c++) vs__blk2x1(x, r, c, aligned, mode);
    }
    if (rows & 1) {
        const int32_t r = rows - 1;
        for (int32_t c = 0; c < cols4; c += 4) vs__blk1x4(x, r, c, aligned, mode);
        for (int32_t c = cols4; c < cols; c++) vs__blk1x1(x, r, c, aligned, mode);
    }
}

/* One copy per (load kind, output mode, single chunk or not). The 64-bit
 * requantization is rare (real multipliers >= 1/4) and the int32 output is only
 * used with one chunk, so those take fewer copies. */
#define VS_VARIANT static __attribute__((noinline)) void
VS_VARIANT vs__gemm_words_acc1(const vs__ctx_t *x) {
    vs__gemm_all(x, 1, VS_OUT_ACC | VS_ONE_CHUNK);
}
VS_VARIANT vs__gemm_words_rq(const vs__ctx_t *x) { vs__gemm_all(x, 1, VS_OUT_RQ); }
VS_VARIANT vs__gemm_words_rq1(const vs__ctx_t *x) {
    vs__gemm_all(x, 1, VS_OUT_RQ | VS_ONE_CHUNK);
}
VS_VARIANT vs__gemm_bytes_acc(const vs__ctx_t *x) { vs__gemm_all(x, 0, VS_OUT_ACC); }
VS_VARIANT vs__gemm_bytes_rq(const vs__ctx_t *x) { vs__gemm_all(x, 0, VS_OUT_RQ); }
VS_VARIANT vs__gemm_bytes_rq1(const vs__ctx_t *x) {
    vs__gemm_all(x, 0, VS_OUT_RQ | VS_ONE_CHUNK);
}
VS_VARIANT vs__gemm_bytes_rq64(const vs__ctx_t *x) { vs__gemm_all(x, 0, VS_OUT_RQ64); }

void vs__gemm_nt(const vs__gemm_t *g) {
    if (g->rows <= 0 || g->cols <= 0) return;
    vs__ctx_t x = {*g, 0, 0};
    const int mode = g->acc ? VS_OUT_ACC : (g->q.shift >= 33 ? VS_OUT_RQ : VS_OUT_RQ64);
    if (mode == VS_OUT_RQ) {
        x.rq_rnd = 1 << (g->q.shift - 33);
        x.rq_shift = g->q.shift - 32;
    }
    const uint32_t bits = (uint32_t)(uintptr_t)g->a | (uint32_t)(uintptr_t)g->b |
                          (uint32_t)g->lda | (uint32_t)g->ldb | (uint32_t)g->a_chunk |
                          (uint32_t)g->b_chunk | (uint32_t)g->depth;
    const int words = VS_SIMD && (bits & 3u) == 0, one = g->chunks == 1;
    if (mode == VS_OUT_ACC)
        (words && one ? vs__gemm_words_acc1 : vs__gemm_bytes_acc)(&x);
    else if (mode == VS_OUT_RQ && words)
        (one ? vs__gemm_words_rq1 : vs__gemm_words_rq)(&x);
    else if (mode == VS_OUT_RQ)
        (one ? vs__gemm_bytes_rq1 : vs__gemm_bytes_rq)(&x);
    else
        vs__gemm_bytes_rq64(&x);
}

void vs__linear_rows(int32_t rows, int32_t in_f, int32_t out_f, const int8_t *x,
                     int32_t ldx, const int8_t *w, const int32_t *bias, const vs_quant_t *q,
                     int8_t *y, int32_t ldy) {
    vs__gemm_t g = {
        .rows = rows, .cols = out_f, .depth = in_f, .chunks = 1,
        .a = x, .lda = ldx, .a_chunk = 0,
        .b = w, .ldb = in_f, .b_chunk = 0,
        .bias = bias, .acc = NULL, .ld_acc = 0,
        .q = *q, .c = y, .ldc = ldy,
    };
    vs__gemm_nt(&g);
}
