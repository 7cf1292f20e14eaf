/*
 * Depth-first attention building blocks: panel packing, the 4x4 panel GEMM and
 * the table-driven softmax (layouts and contracts in vs_attention.h).
 *
 * Panel GEMM: 4 rows of A x 4 rows of B = 16 int32 accumulators. SIMD path: per
 * depth word 4 + 4 word loads (all from two pointers, immediate offsets) and 16
 * vs_sdotp4, unrolled 8 words deep (straight-line code for a depth of 8 words);
 * the rare 64-bit variant loops one word at a time with post-increment loads.
 * Arm DSP path: four 2x2 passes with SXTB16/SMLAD (vs__dot2x2_dsp).
 * Portable path: the same blocking with scalar multiply-accumulate over bytes.
 * Integer sums modulo 2^32 (wrapping as on the target) do not depend on their
 * order: outputs equal those of the row-major GEMM core. Measurements: docs/kernels.md.
 */
#include "vs_attention.h"

#define VS_ALWAYS_INLINE inline __attribute__((always_inline))
/* Loops over the 4 rows / 4 columns of a block are unrolled completely so that
 * the 16 accumulators live in registers. */
#define VS_UNROLL4 _Pragma("GCC unroll 4")

/*
 * m = max(m, v) for a running maximum that rarely changes (the maximum of a row
 * of scores). GCC lays `if (v > m) m = v` out as a branch over the move, taken in
 * the common case (3 cycles on the modelled core); on the target the test is an
 * asm goto to a cold block, so the common case is a branch not taken (1 cycle).
 */
#if defined(__riscv)
#define VS_MAX_RARE(m, v)                                                                  \
    do {                                                                                   \
        __label__ vs_upd_, vs_done_;                                                       \
        __asm__ goto("blt %0, %1, %l[vs_upd_]" : : "r"(m), "r"(v) : : vs_upd_);            \
        goto vs_done_;                                                                     \
    vs_upd_:                                                                               \
        __attribute__((cold));                                                             \
        (m) = (v);                                                                         \
    vs_done_:;                                                                             \
    } while (0)
#else
#define VS_MAX_RARE(m, v)                                                                  \
    do {                                                                                   \
        if ((v) > (m)) (m) = (v);                                                          \
    } while (0)
#endif

/* ---- packing ---------------------------------------------------------------------- */

void vs__pack_panel(const int8_t *src, int32_t rows, int32_t depth, int32_t ld, int8_t *dst) {
    const int32_t words = vs__align4(depth) >> 2, full = depth >> 2, tail = depth & 3;
    const int aligned = (((uint32_t)(uintptr_t)src | (uint32_t)ld) & 3u) == 0;
    vs__word_t *out = (vs__word_t *)dst;
    for (int32_t r0 = 0; r0 < rows; r0 += 4, out += 4 * words) {
        for (int32_t i = 0; i < 4; i++) {
            vs__word_t *o = out + i;
            if (r0 + i >= rows) {
                for (int32_t k = 0; k < words; k++) o[4 * k] = 0;
                continue;
            }
            const int8_t *s = src + (r0 + i) * ld;
            if (aligned)
                for (int32_t k = 0; k < full; k++) o[4 * k] = ((const vs__word_t *)s)[k];
            else
                for (int32_t k = 0; k < full; k++) o[4 * k] = vs__load4_any(s + 4 * k);
            if (tail) o[4 * full] = vs__load_tail(s + 4 * full, tail);
        }
    }
}

void vs__unpack_panel(const int8_t *panel, int32_t rows, int32_t depth, int8_t *dst,
                      int32_t ld) {
    const int32_t words = vs__align4(depth) >> 2;
    const int aligned = (((uint32_t)(uintptr_t)dst | (uint32_t)ld | (uint32_t)depth) & 3u) == 0;
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *src = panel + (r >> 2) * 16 * words + (r & 3) * 4;
        int8_t *d = dst + r * ld;
        if (aligned)
            for (int32_t k = 0; k < words; k++)
                ((vs__word_t *)d)[k] = *(const vs__word_t *)(src + 16 * k);
        else
            for (int32_t i = 0; i < depth; i++) d[i] = src[16 * (i >> 2) + (i & 3)];
    }
}

void vs__copy_panel(const int8_t *src, int32_t rows, int32_t depth, int8_t *dst,
                    int32_t dst_words, int32_t row0, int32_t col0) {
    const int32_t words = vs__align4(depth) >> 2;
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *s = src + (r >> 2) * 16 * words + (r & 3) * 4;
        const int32_t dr = row0 + r;
        int8_t *d = dst + (dr >> 2) * 16 * dst_words + (dr & 3) * 4;
        if (((depth | col0) & 3) == 0) {
            d += (col0 >> 2) * 16;
            for (int32_t k = 0; k < words; k++)
                *(vs__word_t *)(d + 16 * k) = *(const vs__word_t *)(s + 16 * k);
        } else {
            for (int32_t i = 0; i < depth; i++) {
                const int32_t c = col0 + i;
                d[16 * (c >> 2) + (c & 3)] = s[16 * (i >> 2) + (i & 3)];
            }
        }
    }
}

void vs__pack_bias(const int32_t *bias, int32_t n, int32_t *dst) {
    const int32_t n4 = vs__align4(n);
    for (int32_t i = 0; i < n4; i++) dst[i] = bias && i < n ? bias[i] : 0;
}

/* ---- panel GEMM -------------------------------------------------------------------- */

/* 16 accumulators of one 4x4 block; s[i][j] = row i of A . row j of B. */
typedef struct {
    int32_t s[4][4];
} vs__blk_t;

/* The description plus loop-invariant requantization constants; a local copy
 * whose address never escapes, so its fields stay in registers. */
typedef struct {
    vs__pg_t g;
    int32_t rq_rnd, rq_shift; /* fast form (shift >= 33): 2^(shift-33), shift - 32 */
} vs__pgx_t;

/* The requantization constants, as fresh values for one epilogue (see vs__pg_store). */
typedef struct {
    int32_t mul, rnd, shift;
} vs__rq_t;

/* The 64-bit requantization as a call: the variant using it is rare, and keeps
 * its code small. */
static __attribute__((noinline)) int32_t vs__requant_slow(int32_t acc, const vs_quant_t *q) {
    return vs__requant(acc, q->mul, q->shift);
}

static VS_ALWAYS_INLINE int32_t vs__pg_rq(const vs__pgx_t *x, const vs__rq_t *k, int32_t acc,
                                          const int fast) {
    int32_t v;
    if (fast) {
        const int32_t hi = (int32_t)(((int64_t)acc * k->mul) >> 32);
        v = vs__sat8((hi + k->rnd) >> k->shift);
    } else {
        v = vs__requant_slow(acc, &x->g.q);
    }
    /* tell the compiler: no sign extension needed to store or compare as int8 */
    if (v < -128 || v > 127) __builtin_unreachable();
    return v;
}

#if VS_ARM_DSP
/* Cortex-M: the 16 accumulators of a 4x4 block do not fit its 13 registers; the
 * block is four 2x2 passes over the depth (vs__dot2x2_dsp). In a panel group,
 * word k of row i is at 16k + 4i: rows 4 bytes apart, words 16 apart. */
static VS_ALWAYS_INLINE void vs__pg_dot(const int8_t *pa, const int8_t *pb, int32_t words,
                                        vs__blk_t *acc, const int compact) {
    (void)compact;
    VS_UNROLL4 for (int32_t i = 0; i < 4; i += 2) {
        VS_UNROLL4 for (int32_t j = 0; j < 4; j += 2) {
            vs__acc2x2_t s = {acc->s[i][j], acc->s[i][j + 1], acc->s[i + 1][j],
                              acc->s[i + 1][j + 1]};
            vs__dot2x2_dsp(&s, pa + 4 * i, 4, pb + 4 * j, 4, words, 16);
            acc->s[i][j] = s.s00, acc->s[i][j + 1] = s.s01;
            acc->s[i + 1][j] = s.s10, acc->s[i + 1][j + 1] = s.s11;
        }
    }
}
#elif VS_SIMD
/* The 4x4 block: `words` (>= 1) words of depth from panel groups pa and pb.
 * `compact`: one word per loop iteration (the rare 64-bit variant: small code);
 * its loads are post-increment lw.pi through qa/qb, so the loop adds to no
 * pointer. The unrolled form loads at immediate offsets from pa/pb and moves
 * them once per 8 words; lw.pi there saves those 2 adds but costs pointer
 * copies and spills per block (measured: depth-first 0.2% faster on radar, 1%
 * slower on ECGFormer), so it keeps the offsets. */
static VS_ALWAYS_INLINE void vs__pg_dot(const int8_t *pa_, const int8_t *pb_, int32_t words,
                                        vs__blk_t *acc, const int compact) {
    const vs__word_t *pa = (const vs__word_t *)pa_, *pb = (const vs__word_t *)pb_;
    const int8_t *qa = pa_, *qb = pb_;
    int32_t s00 = acc->s[0][0], s01 = acc->s[0][1], s02 = acc->s[0][2], s03 = acc->s[0][3];
    int32_t s10 = acc->s[1][0], s11 = acc->s[1][1], s12 = acc->s[1][2], s13 = acc->s[1][3];
    int32_t s20 = acc->s[2][0], s21 = acc->s[2][1], s22 = acc->s[2][2], s23 = acc->s[2][3];
    int32_t s30 = acc->s[3][0], s31 = acc->s[3][1], s32 = acc->s[3][2], s33 = acc->s[3][3];
    /* One depth word: the 4 A words and 2 B words, then each B word against the A
     * words; every B load sits 4 dot products ahead of its first use, so no
     * instruction waits on a load. */
#define VS_PG_LDA(o) (compact ? vs__lw_pi4(&qa) : pa[o])
#define VS_PG_LDB(o) (compact ? vs__lw_pi4(&qb) : pb[o])
#define VS_PG_STEP(o)                                                                      \
    do {                                                                                   \
        const uint32_t a0 = VS_PG_LDA((o) + 0), a1 = VS_PG_LDA((o) + 1);                   \
        const uint32_t a2 = VS_PG_LDA((o) + 2), a3 = VS_PG_LDA((o) + 3);                   \
        uint32_t b0 = VS_PG_LDB((o) + 0), b1 = VS_PG_LDB((o) + 1);                         \
        s00 = vs_sdotp4(s00, a0, b0);                                                      \
        s10 = vs_sdotp4(s10, a1, b0);                                                      \
        s20 = vs_sdotp4(s20, a2, b0);                                                      \
        s30 = vs_sdotp4(s30, a3, b0);                                                      \
        b0 = VS_PG_LDB((o) + 2);                                                           \
        s01 = vs_sdotp4(s01, a0, b1);                                                      \
        s11 = vs_sdotp4(s11, a1, b1);                                                      \
        s21 = vs_sdotp4(s21, a2, b1);                                                      \
        s31 = vs_sdotp4(s31, a3, b1);                                                      \
        b1 = VS_PG_LDB((o) + 3);                                                           \
        s02 = vs_sdotp4(s02, a0, b0);                                                      \
        s12 = vs_sdotp4(s12, a1, b0);                                                      \
        s22 = vs_sdotp4(s22, a2, b0);                                                      \
        s32 = vs_sdotp4(s32, a3, b0);                                                      \
        s03 = vs_sdotp4(s03, a0, b1);                                                      \
        s13 = vs_sdotp4(s13, a1, b1);                                                      \
        s23 = vs_sdotp4(s23, a2, b1);                                                      \
        s33 = vs_sdotp4(s33, a3, b1);                                                      \
    } while (0)
    if (compact) {
        for (const int8_t *qend = qa + 16 * words; qa != qend;) VS_PG_STEP(0);
    } else {
        /* Unrolled 8 words deep, entered Duff's-device style: `words` <= 8 (most
         * projections and scores) runs without a loop branch. The pointers start
         * `skip` steps early so that the step offsets stay the same in every pass. */
        const int32_t skip = (8 - (words & 7)) & 7;
        int32_t passes = (words + 7) >> 3;
        pa -= 4 * skip;
        pb -= 4 * skip;
        switch (skip) {
        case 0:
            do {
                VS_PG_STEP(0);
                /* fall through */
            case 1:
                VS_PG_STEP(4);
                /* fall through */
            case 2:
                VS_PG_STEP(8);
                /* fall through */
            case 3:
                VS_PG_STEP(12);
                /* fall through */
            case 4:
                VS_PG_STEP(16);
                /* fall through */
            case 5:
                VS_PG_STEP(20);
                /* fall through */
            case 6:
                VS_PG_STEP(24);
                /* fall through */
            case 7:
                VS_PG_STEP(28);
                pa += 32;
                pb += 32;
            } while (--passes > 0);
        }
    }
#undef VS_PG_STEP
#undef VS_PG_LDA
#undef VS_PG_LDB
    acc->s[0][0] = s00, acc->s[0][1] = s01, acc->s[0][2] = s02, acc->s[0][3] = s03;
    acc->s[1][0] = s10, acc->s[1][1] = s11, acc->s[1][2] = s12, acc->s[1][3] = s13;
    acc->s[2][0] = s20, acc->s[2][1] = s21, acc->s[2][2] = s22, acc->s[2][3] = s23;
    acc->s[3][0] = s30, acc->s[3][1] = s31, acc->s[3][2] = s32, acc->s[3][3] = s33;
}
#else
static VS_ALWAYS_INLINE void vs__pg_dot(const int8_t *pa, const int8_t *pb, int32_t words,
                                        vs__blk_t *acc, const int compact) {
    (void)compact;
    for (int32_t k = 0; k < words; k++, pa += 16, pb += 16)
        for (int32_t byte = 0; byte < 4; byte++) {
            const int32_t a0 = pa[byte], a1 = pa[4 + byte], a2 = pa[8 + byte];
            const int32_t a3 = pa[12 + byte];
            VS_UNROLL4 for (int32_t j = 0; j < 4; j++) {
                const int32_t b = pb[4 * j + byte];
                acc->s[0][j] = vs__mac(acc->s[0][j], a0, b);
                acc->s[1][j] = vs__mac(acc->s[1][j], a1, b);
                acc->s[2][j] = vs__mac(acc->s[2][j], a2, b);
                acc->s[3][j] = vs__mac(acc->s[3][j], a3, b);
            }
        }
}
#endif

/* What a variant of the panel GEMM does with its outputs (a compile-time constant). */
enum { VS_PGM_PANEL = 0, VS_PGM_SCORES = 1, VS_PGM_ACC = 2 };

static VS_ALWAYS_INLINE int32_t *vs__pg_acc_row(const vs__pgx_t *x, int32_t ga, int32_t gb,
                                                int32_t i) {
    return x->g.acc + (4 * ga + i) * x->g.ld_acc + 4 * gb;
}

static VS_ALWAYS_INLINE void vs__pg_init(const vs__pgx_t *x, int32_t ga, int32_t gb,
                                         vs__blk_t *acc, const int mode) {
    VS_UNROLL4 for (int32_t i = 0; i < 4; i++)
        VS_UNROLL4 for (int32_t j = 0; j < 4; j++)
            acc->s[i][j] = mode == VS_PGM_ACC     ? vs__pg_acc_row(x, ga, gb, i)[j]
                           : !x->g.bias           ? 0
                           : x->g.bias_per_row    ? x->g.bias[4 * ga + i]
                                                  : x->g.bias[4 * gb + j];
}

/* The 16 outputs of a block: requantized, 16 contiguous bytes of the output
 * panel (panel, scores), or int32 back where they came from (acc). */
static VS_ALWAYS_INLINE void vs__pg_store(const vs__pgx_t *x, int32_t ga, int32_t gb,
                                          const vs__blk_t *acc, const int mode,
                                          const int with_max, const int fast) {
    if (mode == VS_PGM_ACC) {
        VS_UNROLL4 for (int32_t i = 0; i < 4; i++)
            VS_UNROLL4 for (int32_t j = 0; j < 4; j++)
                vs__pg_acc_row(x, ga, gb, i)[j] = acc->s[i][j];
        return;
    }
    /* The output pointer and the constants are made fresh values here (the empty
     * asm hides where they come from): their live ranges then start after the
     * dot product, in registers its loop has freed. Otherwise GCC keeps them
     * live across the loop, spills them, and reloads them at every output. */
    int8_t *c = x->g.c + (ga * x->g.c_groups + gb) * 16;
    vs__rq_t k = {x->g.q.mul, x->rq_rnd, x->rq_shift};
    __asm__("" : "+r"(c), "+r"(k.mul), "+r"(k.rnd), "+r"(k.shift));
    VS_UNROLL4 for (int32_t i = 0; i < 4; i++) {
        /* the row maximum goes through memory, one row at a time (all 16
         * accumulators are live here; 4 more registers would spill) */
        int32_t m = with_max ? x->g.row_max[4 * ga + i] : 0;
        VS_UNROLL4 for (int32_t j = 0; j < 4; j++) {
            const int32_t v = vs__pg_rq(x, &k, acc->s[i][j], fast);
            c[4 * i + j] = (int8_t)v;
            if (with_max) VS_MAX_RARE(m, v);
        }
        if (with_max) x->g.row_max[4 * ga + i] = m;
    }
}

/* `words8`: the depth is 8 words (E or P = 32, the most common case), a constant
 * that turns the dot product into straight-line code. */
static VS_ALWAYS_INLINE void vs__pg_block(const vs__pgx_t *x, int32_t ga, int32_t gb,
                                          const int mode, const int with_max, const int fast,
                                          const int words8) {
    const int32_t words = words8 ? 8 : x->g.words, group_bytes = 16 * words;
    vs__blk_t acc;
    vs__pg_init(x, ga, gb, &acc, mode);
    vs__pg_dot(x->g.a + ga * group_bytes, x->g.b + gb * group_bytes, words, &acc, !fast);
    vs__pg_store(x, ga, gb, &acc, mode, with_max, fast);
}

static VS_ALWAYS_INLINE void vs__pg_all(const vs__pgx_t *xp, const int mode, const int fast,
                                        const int words8) {
    const vs__pgx_t local = *xp, *x = &local;
    for (int32_t ga = 0; ga < x->g.a_groups; ga++) {
        if (mode == VS_PGM_SCORES)
            VS_UNROLL4 for (int32_t i = 0; i < 4; i++) x->g.row_max[4 * ga + i] = -128;
        for (int32_t gb = 0; gb < x->g.b_groups; gb++)
            vs__pg_block(x, ga, gb, mode, mode == VS_PGM_SCORES, fast, words8);
    }
}

/* One copy per output kind (with the fast requantization), for any depth and for
 * 8 words; the 64-bit requantization (real multipliers >= 1/4) is rare and
 * shares one copy for both requantized kinds. */
#define VS_PG_VARIANT static __attribute__((noinline)) void
VS_PG_VARIANT vs__pg_panel(const vs__pgx_t *x) { vs__pg_all(x, VS_PGM_PANEL, 1, 0); }
VS_PG_VARIANT vs__pg_scores(const vs__pgx_t *x) { vs__pg_all(x, VS_PGM_SCORES, 1, 0); }
VS_PG_VARIANT vs__pg_acc(const vs__pgx_t *x) { vs__pg_all(x, VS_PGM_ACC, 1, 0); }
#if VS_SIMD
VS_PG_VARIANT vs__pg_panel8(const vs__pgx_t *x) { vs__pg_all(x, VS_PGM_PANEL, 1, 1); }
VS_PG_VARIANT vs__pg_scores8(const vs__pgx_t *x) { vs__pg_all(x, VS_PGM_SCORES, 1, 1); }
VS_PG_VARIANT vs__pg_acc8(const vs__pgx_t *x) { vs__pg_all(x, VS_PGM_ACC, 1, 1); }
#else /* the portable loops gain nothing from a constant depth */
#define vs__pg_panel8 vs__pg_panel
#define vs__pg_scores8 vs__pg_scores
#define vs__pg_acc8 vs__pg_acc
#endif
VS_PG_VARIANT vs__pg_any64(const vs__pgx_t *x) {
    vs__pg_all(x, x->g.row_max ? VS_PGM_SCORES : VS_PGM_PANEL, 0, 0);
}

void vs__panel_gemm(const vs__pg_t *g) {
    if (g->a_groups <= 0 || g->b_groups <= 0 || g->words <= 0) return;
    vs__pgx_t x = {*g, 0, 0};
    if (!x.g.c_groups) x.g.c_groups = g->b_groups;
    const int words8 = g->words == 8;
    if (g->acc) {
        (words8 ? vs__pg_acc8 : vs__pg_acc)(&x);
        return;
    }
    if (g->q.shift >= 33) {
        x.rq_rnd = 1 << (g->q.shift - 33);
        x.rq_shift = g->q.shift - 32;
    }
    void (*const panel)(const vs__pgx_t *) =
        g->q.shift < 33 ? vs__pg_any64 : words8 ? vs__pg_panel8 : vs__pg_panel;
    if (!g->row_max) {
        panel(&x);
        return;
    }
    /* Scores: the column groups of valid columns with row maxima, then the one
     * holding padding columns (if any) as plain outputs. */
    const int32_t with_max = g->cols >> 2;
    x.g.b_groups = with_max;
    if (g->q.shift < 33)
        vs__pg_any64(&x);
    else
        (words8 ? vs__pg_scores8 : vs__pg_scores)(&x);
    if (with_max < g->b_groups) {
        x.g.b = g->b + with_max * 16 * g->words;
        x.g.c = g->c + with_max * 16;
        x.g.b_groups = g->b_groups - with_max;
        x.g.row_max = NULL;
        panel(&x);
    }
}

void vs__requant_row(const int32_t *acc, int32_t n, const vs_quant_t *q, int8_t *y) {
    if (q->shift < 33) {
        for (int32_t i = 0; i < n; i++) y[i] = (int8_t)vs__requant(acc[i], q->mul, q->shift);
        return;
    }
    const int32_t mul = q->mul, rnd = 1 << (q->shift - 33), shift = q->shift - 32;
    for (int32_t i = 0; i < n; i++) {
        const int32_t hi = (int32_t)(((int64_t)acc[i] * mul) >> 32);
        y[i] = (int8_t)vs__sat8((hi + rnd) >> shift);
    }
}

/* ---- softmax ------------------------------------------------------------------------ */

vs__exp_t vs__exp_table(uint32_t *table, int32_t in_mul, int32_t in_shift) {
    vs__exp_t exp = {table, 0, in_mul, in_shift};
    for (int32_t k = 0; table && k < VS_EXP_TABLE_SIZE; k++) {
        table[k] = vs__iexp(-vs__requant32(-k, in_mul, in_shift));
        if (table[k] > exp.largest) exp.largest = table[k];
    }
    return exp;
}

/* Exponentials of the 4 scores of one panel word (e = tm[-x]); returns their sum. */
static VS_ALWAYS_INLINE uint32_t vs__exp_word(const int8_t *in, const uint32_t *tm, uint32_t *e) {
    const int32_t x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3];
    const uint32_t e0 = tm[-x0], e1 = tm[-x1], e2 = tm[-x2], e3 = tm[-x3];
    e[0] = e0;
    e[1] = e1;
    e[2] = e2;
    e[3] = e3;
    return e0 + e1 + e2 + e3;
}

/* Probabilities of one panel word; `clip`: saturate 128 to 127. */
static VS_ALWAYS_INLINE void vs__prob_word(int8_t *out, const uint32_t *e, uint32_t factor,
                                           const int clip) {
    /* all loads first: no multiply waits on its load */
    const uint32_t e0 = e[0], e1 = e[1], e2 = e[2], e3 = e[3];
    if (clip) {
        out[0] = (int8_t)vs__softmax_prob(e0, factor);
        out[1] = (int8_t)vs__softmax_prob(e1, factor);
        out[2] = (int8_t)vs__softmax_prob(e2, factor);
        out[3] = (int8_t)vs__softmax_prob(e3, factor);
    } else {
        /* ((p >> 24) + 1) >> 1 == (p + 2^24) >> 25, which cannot overflow here */
        out[0] = (int8_t)((e0 * factor + (1u << 24)) >> 25);
        out[1] = (int8_t)((e1 * factor + (1u << 24)) >> 25);
        out[2] = (int8_t)((e2 * factor + (1u << 24)) >> 25);
        out[3] = (int8_t)((e3 * factor + (1u << 24)) >> 25);
    }
}

/* Probabilities of `words` whole words of a row, two words per iteration. */
static VS_ALWAYS_INLINE void vs__prob_words(int8_t *out, const uint32_t *e, int32_t words,
                                            uint32_t factor, const int clip) {
    for (const uint32_t *end = e + 8 * (words >> 1); e != end; out += 32, e += 8) {
        vs__prob_word(out, e, factor, clip);
        vs__prob_word(out + 16, e + 4, factor, clip);
    }
    if (words & 1) vs__prob_word(out, e, factor, clip);
}

/* One row: `row` points at its first word in the panel (next word 16 bytes on);
 * max covers its whole words of valid columns. */
static void vs__softmax_panel_row(int8_t *row, int32_t cols, int32_t max,
                                  const uint32_t *table, uint32_t largest, uint32_t *exps) {
    const int32_t words = cols >> 2, tail = cols & 3;
    int8_t *const last = row + 16 * words; /* the word holding the tail columns */
    for (int32_t b = 0; b < tail; b++)
        if (last[b] > max) max = last[b];
    /* e = table[max - x]: with the table based at max, index by -x */
    const uint32_t *tm = table + max;
    uint32_t sum = 0, *e = exps;
    const int8_t *in = row;
    for (const int8_t *end = row + 32 * (words >> 1); in != end; in += 32, e += 8)
        sum += vs__exp_word(in, tm, e) + vs__exp_word(in + 16, tm, e + 4);
    if (words & 1) {
        sum += vs__exp_word(in, tm, e);
        e += 4;
    }
    for (int32_t b = 0; b < tail; b++) {
        e[b] = tm[-last[b]];
        sum += e[b];
    }
    const uint32_t factor = 0xFFFFFFFFu / sum;
    /* ((e * factor >> 24) + 1) >> 1 reaches 128 only if e * factor >= 255 * 2^24,
     * i.e. one exponential is nearly the whole sum. Below that, no clip is needed
     * and e * factor + 2^24 stays below 2^32. */
    if ((((uint64_t)largest * factor) >> 24) < 255)
        vs__prob_words(row, exps, words, factor, 0);
    else
        vs__prob_words(row, exps, words, factor, 1);
    if (tail) {
        for (int32_t b = 0; b < tail; b++) last[b] = (int8_t)vs__softmax_prob(e[b], factor);
        for (int32_t b = tail; b < 4; b++) last[b] = 0;
    }
}

/* A row without the table (few exponentials per call): each computed as
 * vs__softmax_row does, the row maximum taken again over every valid column. */
static void vs__softmax_panel_row_direct(int8_t *row, int32_t cols, int32_t in_mul,
                                         int32_t in_shift, uint32_t *exps) {
#define VS_AT(j) row[16 * ((j) >> 2) + ((j) & 3)]
    int32_t max = VS_AT(0);
    for (int32_t j = 1; j < cols; j++)
        if (VS_AT(j) > max) max = VS_AT(j);
    uint32_t sum = 0;
    for (int32_t j = 0; j < cols; j++) {
        exps[j] = vs__iexp(-vs__requant32(VS_AT(j) - max, in_mul, in_shift));
        sum += exps[j];
    }
    const uint32_t factor = 0xFFFFFFFFu / sum;
    for (int32_t j = 0; j < cols; j++) VS_AT(j) = (int8_t)vs__softmax_prob(exps[j], factor);
    for (int32_t j = cols; j & 3; j++) VS_AT(j) = 0;
#undef VS_AT
}

void vs__softmax_panel(int8_t *panel, int32_t rows, int32_t cols, int32_t words,
                       const int32_t *row_max, const vs__exp_t *exp, uint32_t *exps) {
    for (int32_t r = 0; r < rows; r++) {
        int8_t *row = panel + (r >> 2) * 16 * words + (r & 3) * 4;
        if (exp->table)
            vs__softmax_panel_row(row, cols, row_max[r], exp->table, exp->largest, exps);
        else
            vs__softmax_panel_row_direct(row, cols, exp->in_mul, exp->in_shift, exps);
    }
}
