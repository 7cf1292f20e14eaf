/*
 * C wrappers for vitsim's custom RISC-V instructions (custom-0 opcode space).
 * Encodings and semantics: docs/isa.md. Each wrapper is one instruction.
 *
 * On Armv7E-M (Cortex-M4/M7, __ARM_FEATURE_DSP) the same names are short DSP
 * sequences with the same results (bit for bit: sums wrap modulo 2^32).
 * On a host build (neither) the same names are plain C with the same
 * semantics, so kernels compile unchanged for the golden model.
 */
#ifndef VITSIM_CUSTOM_H
#define VITSIM_CUSTOM_H
#include <stdint.h>

#if defined(__riscv)
/* acc + sum over 4 lanes of int8(a[i]) * int8(b[i]) */
static inline int32_t vs_sdotp4(int32_t acc, uint32_t a, uint32_t b) {
    __asm__ volatile(".insn r CUSTOM_0, 0, 0, %0, %1, %2" : "+r"(acc) : "r"(a), "r"(b));
    return acc;
}
/* acc + sum over 2 lanes of int16(a[i]) * int16(b[i]) */
static inline int32_t vs_sdotp2(int32_t acc, uint32_t a, uint32_t b) {
    __asm__ volatile(".insn r CUSTOM_0, 0, 1, %0, %1, %2" : "+r"(acc) : "r"(a), "r"(b));
    return acc;
}
/* saturate x to the signed range of `bits` bits (1..32); bits is a constant */
#define vs_clip(x, bits) __extension__({                                        \
    int32_t vs_r_;                                                              \
    __asm__(".insn i CUSTOM_0, 1, %0, %1, %2" : "=r"(vs_r_) : "r"((int32_t)(x)), "i"(bits)); \
    vs_r_; })
/* saturate x to the unsigned range of `bits` bits (0..31); bits is a constant */
#define vs_clipu(x, bits) __extension__({                                       \
    int32_t vs_r_;                                                              \
    __asm__(".insn i CUSTOM_0, 2, %0, %1, %2" : "=r"(vs_r_) : "r"((int32_t)(x)), "i"(bits)); \
    vs_r_; })
/*
 * Zero-overhead hardware loops (custom-3, docs/isa.md), as assembler strings for
 * inline asm: loop L (0 inner, 1 outer) repeats the instructions from label
 * `first` through label `last` (inclusive) `count` times. Loop starts and ends are
 * .4byte words because .insn takes no label expressions; put the whole loop
 * between VS_LP_NORELAX and VS_LP_RELAX so the label distances are constants.
 *   __asm__(VS_LP_NORELAX VS_LP_COUNT(0, "%[n]") VS_LP_START(0, ".Ls%=") VS_LP_END(0, ".Le%=")
 *           ".Ls%=: ...\n" ".Le%=: ...\n" VS_LP_RELAX : ... : [n] "r"(n));
 * Counts 0 and 1 both run the body once (the loop only decides whether to go back).
 */
#define VS_LP_NORELAX ".option push\n.option norelax\n"
#define VS_LP_RELAX ".option pop\n"
#define VS_LP_COUNT(L, reg) ".insn i 0x7b, 2, x" #L ", " reg ", 0\n"
#define VS_LP_COUNTI(L, n) ".insn i 0x7b, 3, x" #L ", x0, " #n "\n"
#define VS_LP_START(L, first) ".4byte 0x7b | (" #L " << 7) | (((" first " - .) >> 1) << 20)\n"
#define VS_LP_END(L, last) ".4byte 0x107b | (" #L " << 7) | (((" last " - .) >> 1) << 20)\n"
#elif defined(__ARM_FEATURE_DSP)
/*
 * A Cortex-M has no 4-lane int8 dot product; this is CMSIS-NN's way (ACLE
 * intrinsics). SXTB16 widens bytes 0 and 2 of a word into two int16 lanes,
 * SXTB16 of the word rotated by 8 widens bytes 1 and 3; SMLAD adds both lane
 * products of two such registers to the accumulator. SMLAD's 32-bit sum wraps
 * as the RISC-V add does (overflow only sets the sticky Q flag), so results
 * equal the host golden model's. Kernels that reuse an operand against several
 * others widen it once (vs_widen_even/odd + vs_dot2x16) instead of per call.
 */
#include <arm_acle.h>
/* int8 lanes 0 and 2 of w as int16 lanes 0 and 1 */
static inline int16x2_t vs_widen_even(uint32_t w) { return __sxtb16((int8x4_t)w); }
/* int8 lanes 1 and 3 of w as int16 lanes 0 and 1 (GCC 12's ACLE has no __ror:
 * the rotation is SXTB16's own operand, one instruction) */
static inline int16x2_t vs_widen_odd(uint32_t w) {
    int16x2_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(w));
    return r;
}
/* acc + a[0] * b[0] + a[1] * b[1] for int16 lanes: one SMLAD */
static inline int32_t vs_dot2x16(int32_t acc, int16x2_t a, int16x2_t b) {
    return __smlad(a, b, acc);
}
static inline int32_t vs_sdotp4(int32_t acc, uint32_t a, uint32_t b) {
    acc = vs_dot2x16(acc, vs_widen_even(a), vs_widen_even(b));
    return vs_dot2x16(acc, vs_widen_odd(a), vs_widen_odd(b));
}
static inline int32_t vs_sdotp2(int32_t acc, uint32_t a, uint32_t b) {
    return vs_dot2x16(acc, (int16x2_t)a, (int16x2_t)b);
}
/* SSAT / USAT: `bits` must be a constant (1..32, 0..31) */
#define vs_clip(x, bits) ((int32_t)__ssat((int32_t)(x), (bits)))
#define vs_clipu(x, bits) ((int32_t)__usat((int32_t)(x), (bits)))
#else
/* The instructions add in a 32-bit register, which wraps modulo 2^32: so do these,
 * in unsigned arithmetic (a signed overflow would be undefined behaviour in C).
 * Each lane product fits int32 (|int16 * int16| <= 2^30); their sum may not. */
static inline int32_t vs_sdotp4(int32_t acc, uint32_t a, uint32_t b) {
    uint32_t sum = (uint32_t)acc;
    for (int i = 0; i < 4; i++)
        sum += (uint32_t)((int32_t)(int8_t)(a >> (8 * i)) * (int32_t)(int8_t)(b >> (8 * i)));
    return (int32_t)sum;
}
static inline int32_t vs_sdotp2(int32_t acc, uint32_t a, uint32_t b) {
    uint32_t sum = (uint32_t)acc;
    for (int i = 0; i < 2; i++)
        sum += (uint32_t)((int32_t)(int16_t)(a >> (16 * i)) * (int32_t)(int16_t)(b >> (16 * i)));
    return (int32_t)sum;
}
static inline int32_t vs_clip_c(int32_t x, int bits) {
    if (bits >= 32) return x;
    int32_t hi = (int32_t)((1u << (bits - 1)) - 1), lo = -hi - 1;
    return x < lo ? lo : x > hi ? hi : x;
}
static inline int32_t vs_clipu_c(int32_t x, int bits) {
    int32_t hi = (int32_t)((1u << bits) - 1);
    return x < 0 ? 0 : x > hi ? hi : x;
}
#define vs_clip(x, bits) vs_clip_c((int32_t)(x), (bits))
#define vs_clipu(x, bits) vs_clipu_c((int32_t)(x), (bits))
#endif
#endif /* VITSIM_CUSTOM_H */
