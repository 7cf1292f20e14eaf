/*
 * Internal helpers shared by the kernel sources: path selection, requantization,
 * saturation, word loads, scratch carving and the GEMM core.
 */
#ifndef VS_INTERNAL_H
#define VS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vitsim/custom.h"
#include "vitsim/kernels.h"

/* VS_SIMD=1 selects the SIMD path; default is the portable path. The SIMD path
 * is the custom instructions on RISC-V (Xvitsim), the DSP extension on a
 * Cortex-M4/M7 (VS_ARM_DSP below), and their plain C models on the host. */
#ifndef VS_SIMD
#define VS_SIMD 0
#endif
/* The Arm variant of the SIMD path: blocks sized for 13 registers (2x2, as
 * CMSIS-NN), operands widened once per word with SXTB16 (vitsim/custom.h). */
#if VS_SIMD && defined(__ARM_FEATURE_DSP)
#define VS_ARM_DSP 1
#else
#define VS_ARM_DSP 0
#endif

/* ---- saturation --------------------------------------------------------------- */
static inline int32_t vs__sat8(int32_t x) {
#if VS_SIMD
    return vs_clip(x, 8);
#else
    return x < -128 ? -128 : (x > 127 ? 127 : x);
#endif
}

/* ---- wrap-around accumulation ----------------------------------------------------- */
/*
 * The int32 accumulators (bias + products) of the kernels wrap modulo 2^32, as the
 * RV32 add does: with valid weights whose biases are near the int32 limits, the
 * firmware's sums leave the range and wrap. The host build is the golden model of
 * the firmware, so it must compute the same bits, without the signed overflow C
 * leaves undefined: these add in unsigned arithmetic (same instructions on RV32).
 */
static inline int32_t vs__add_wrap(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a + (uint32_t)b);
}
/* acc + a * b for int8 (or int16) a and b: the product itself fits int32. */
static inline int32_t vs__mac(int32_t acc, int32_t a, int32_t b) {
    return vs__add_wrap(acc, a * b);
}

/* ---- requantization ------------------------------------------------------------ */
/*
 * 64-bit form: sat8(((int64)acc * mul + 2^(shift-1)) >> shift).
 * For shift >= 33 the rounding term lies entirely in the high word, so the result
 * equals (mulh(acc, mul) + 2^(shift-33)) >> (shift-32): one mulh instead of a
 * 64-bit multiply, add and shift (identical result, see docs/kernels.md).
 */
static inline int32_t vs__requant(int32_t acc, int32_t mul, int32_t shift) {
    if (shift >= 33) {
        int32_t hi = (int32_t)(((int64_t)acc * mul) >> 32);
        return vs__sat8((hi + (1 << (shift - 33))) >> (shift - 32));
    }
    int64_t r = ((int64_t)acc * mul + ((int64_t)1 << (shift - 1))) >> shift;
    return r < -128 ? -128 : (r > 127 ? 127 : (int32_t)r);
}

/* 32-bit form, valid for |x| <= 255, |mul| < 2^22, shift in [1, 30]; no saturation. */
static inline int32_t vs__requant32(int32_t x, int32_t mul, int32_t shift) {
    return (x * mul + (1 << (shift - 1))) >> shift;
}

static inline int vs__quant_ok(const vs_quant_t *q) {
    return q && q->shift >= VS_QUANT_SHIFT_MIN && q->shift <= VS_QUANT_SHIFT_MAX;
}
static inline int vs__mul32_ok(int32_t mul) {
    return mul > -VS_QUANT32_MUL_LIMIT && mul < VS_QUANT32_MUL_LIMIT;
}
static inline int vs__quant32_ok(const vs_quant_t *q) {
    return q && vs__mul32_ok(q->mul) && q->shift >= 1 && q->shift <= VS_QUANT32_SHIFT_MAX;
}

/* ---- word loads ---------------------------------------------------------------- */
/* A 32-bit view of int8 data that the compiler may not assume is type-punned away. */
typedef uint32_t __attribute__((may_alias)) vs__word_t;

/* 4 bytes from any address (byte loads; the core need not support misaligned lw).
 * Armv7-M loads unaligned words itself: one LDR (GCC's memcpy of 4 bytes). */
static inline uint32_t vs__load4_any(const int8_t *p) {
#if VS_ARM_DSP
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
#endif
    const uint8_t *u = (const uint8_t *)p;
    return (uint32_t)u[0] | ((uint32_t)u[1] << 8) | ((uint32_t)u[2] << 16) |
           ((uint32_t)u[3] << 24);
}
/* n (0..3) bytes, zero-padded to a word: zero lanes add nothing to a dot product. */
static inline uint32_t vs__load_tail(const int8_t *p, int32_t n) {
    const uint8_t *u = (const uint8_t *)p;
    uint32_t w = 0;
    for (int32_t i = 0; i < n; i++) w |= (uint32_t)u[i] << (8 * i);
    return w;
}

/* ---- post-increment loads ------------------------------------------------------ */
/*
 * The word at *p, then *p += 4. On RISC-V with the SIMD path this is one lw.pi
 * (Xvitsim custom-1, docs/isa.md), so a loop walking a row needs no addi for its
 * pointer; the host golden model does the same load and advance in C. *p must be
 * 4-byte aligned, as for lw. Not volatile: the "m" input orders it against stores.
 */
static inline uint32_t vs__lw_pi4(const int8_t **p) {
    uint32_t w;
#if VS_SIMD && defined(__riscv)
    __asm__(".insn i 0x2b, 2, %0, %1, 4" : "=r"(w), "+r"(*p) : "m"(*(const vs__word_t *)*p));
#else
    memcpy(&w, *p, sizeof w);
    *p += 4;
#endif
    return w;
}

/* ---- Arm DSP 2x2 block --------------------------------------------------------- */
#if VS_ARM_DSP
/* Four dot products of a 2x2 block of int8 rows, s[i][j] += a_i . b_j over
 * `words` words: a_0 at a, a_1 at a + a_row (bytes), b_j likewise; consecutive
 * words of a row are `step` bytes apart (4 in a plain row, 16 in a packed panel).
 * CMSIS-NN's inner loop: per word each of the 4 operands is widened once
 * (SXTB16 even/odd lanes) and feeds 2 SMLADs per product, 8 per word; with 4
 * accumulators, 2 row pointers and 6 widened words it fits the 13 registers of
 * a Cortex-M, where 2x4 or 4x4 blocks would spill. Rows need not be aligned
 * (LDR loads unaligned words); zero-padded tails are the caller's. */
typedef struct {
    int32_t s00, s01, s10, s11;
} vs__acc2x2_t;

static inline __attribute__((always_inline)) void vs__dot2x2_dsp(vs__acc2x2_t *acc,
        const int8_t *a, int32_t a_row, const int8_t *b, int32_t b_row, int32_t words,
        const int32_t step) {
    int32_t s00 = acc->s00, s01 = acc->s01, s10 = acc->s10, s11 = acc->s11;
    for (const int8_t *a_end = a + words * step; a != a_end; a += step, b += step) {
        const uint32_t wa0 = vs__load4_any(a), wa1 = vs__load4_any(a + a_row);
        const int16x2_t a0e = vs_widen_even(wa0), a0o = vs_widen_odd(wa0);
        const int16x2_t a1e = vs_widen_even(wa1), a1o = vs_widen_odd(wa1);
        uint32_t wb = vs__load4_any(b);
        int16x2_t be = vs_widen_even(wb), bo = vs_widen_odd(wb);
        s00 = vs_dot2x16(vs_dot2x16(s00, a0e, be), a0o, bo);
        s10 = vs_dot2x16(vs_dot2x16(s10, a1e, be), a1o, bo);
        wb = vs__load4_any(b + b_row);
        be = vs_widen_even(wb);
        bo = vs_widen_odd(wb);
        s01 = vs_dot2x16(vs_dot2x16(s01, a0e, be), a0o, bo);
        s11 = vs_dot2x16(vs_dot2x16(s11, a1e, be), a1o, bo);
    }
    acc->s00 = s00, acc->s01 = s01, acc->s10 = s10, acc->s11 = s11;
}
#endif

/* ---- scratch carving ----------------------------------------------------------- */
static inline int32_t vs__align4(int32_t bytes) { return (bytes + 3) & ~3; }

/* Returns the current position and advances it by `bytes` rounded up to 4. */
static inline void *vs__carve(uint8_t **pos, int32_t bytes) {
    void *p = *pos;
    *pos += vs__align4(bytes);
    return p;
}

/* Whether a product of non-negative sizes stays a valid int32 offset. */
static inline int vs__fits(int64_t v) { return v >= 0 && v <= INT32_MAX; }

/* A rows x cols matrix whose element count is a valid int32. */
static inline int vs__mat_ok(const vs_mat_dims_t *d) {
    return d && d->rows > 0 && d->cols > 0 && vs__fits((int64_t)d->rows * d->cols);
}

/* a * b as int32 if it stays below 2^31, else -1 (for scratch sizes). */
static inline int32_t vs__mul_sat(int32_t a, int32_t b) {
    if (a < 0 || b < 0) return -1;
    if (a != 0 && b > INT32_MAX / a) return -1;
    return a * b;
}

/* ---- GEMM core ------------------------------------------------------------------ */
/*
 * C[r][c] = sum over chunks j and k < depth of A_j[r][k] * B_j[c][k] (the "NT" form:
 * both operands are read along rows), with A_j[r] at a + r*lda + j*a_chunk and
 * B_j[c] at b + c*ldb + j*b_chunk. Then either
 *   - acc == NULL: C starts at bias[c] (bias[r] if bias_per_row; or 0), is
 *     requantized by q and stored as
 *     int8 at c + r*ldc, or
 *   - acc != NULL: C starts at acc[r*ld_acc + c] and is stored back there (int32).
 * Chunks let one accumulator run over a K dimension split in pieces (the output
 * projection over head-major heads).
 */
typedef struct {
    int32_t rows, cols, depth, chunks;
    const int8_t *a;
    int32_t lda, a_chunk;
    const int8_t *b;
    int32_t ldb, b_chunk;
    const int32_t *bias;
    int32_t bias_per_row; /* 1: bias[r] (a bias per row of A), 0: bias[c] */
    int32_t *acc;
    int32_t ld_acc;
    vs_quant_t q;
    int8_t *c;
    int32_t ldc;
} vs__gemm_t;

void vs__gemm_nt(const vs__gemm_t *g);

/* Plain linear over `rows` rows: y[r] = requant(bias + x[r] . w[o]), strides given. */
void vs__linear_rows(int32_t rows, int32_t in_f, int32_t out_f, const int8_t *x,
                     int32_t ldx, const int8_t *w, const int32_t *bias, const vs_quant_t *q,
                     int8_t *y, int32_t ldy);

/* ---- I-BERT exponential (vs_softmax.c, vs_attention.c) ---------------------------- */
#define VS_EXP_LN2 710
#define VS_EXP_B 1385
#define VS_EXP_C 1006165
/* Beyond 31 halvings every exponential is 0 (exp(0) < 2^22). */
#define VS_EXP_U_MAX (31 * VS_EXP_LN2)
/* floor(u / 710) == (u * 23630) >> 24 for every u in [0, VS_EXP_U_MAX]. */
#define VS_EXP_INV_LN2 23630
#define VS_EXP_INV_SHIFT 24

/* e^(-u * 2^-10) at scale 0.3585 * 2^-20, for u >= 0. */
static inline uint32_t vs__iexp(int32_t u) {
    if (u > VS_EXP_U_MAX) u = VS_EXP_U_MAX;
    const int32_t z = (int32_t)(((uint32_t)u * VS_EXP_INV_LN2) >> VS_EXP_INV_SHIFT);
    const int32_t t = z * VS_EXP_LN2 - u + VS_EXP_B; /* p + b, p in (-ln2, 0] */
    return ((uint32_t)(t * t) + VS_EXP_C) >> z;
}

/* Softmax output of one exponential: round(128 e / sum) at scale 2^-7, computed as
 * ((e * factor >> 24) + 1) >> 1 with factor = floor((2^32 - 1) / sum) (one division
 * per row; e <= sum keeps e * factor within 32 bits), saturated to 127. */
static inline int32_t vs__softmax_prob(uint32_t e, uint32_t factor) {
    return vs__sat8((int32_t)((((e * factor) >> 24) + 1) >> 1));
}

/* Softmax of one row into `out` (may equal `in`), exps = cols int32 of scratch. */
void vs__softmax_row(const int8_t *in, int8_t *out, int32_t cols, int32_t in_mul,
                     int32_t in_shift, uint32_t *exps);
/* The same with the exponentials of vs__exp_table (vs_attention.h): table[k] is the
 * exponential of x - max = -k (k < 256, which int8 scores never exceed). */
void vs__softmax_row_table(const int8_t *in, int8_t *out, int32_t cols, const uint32_t *table,
                           uint32_t *exps);

#endif /* VS_INTERNAL_H */
