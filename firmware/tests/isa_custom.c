/*
 * Xvitsim arithmetic (custom-0): sdotp4, sdotp2, clip, clipu against their C
 * semantics (the host fallback of vitsim/custom.h, restated here with
 * wrapping 32-bit accumulation) on edge and pseudo-random operands.
 */
#include "check.h"
#include "vitsim/custom.h"
#include "vitsim/xorshift.h"

static uint32_t ref_sdotp4(uint32_t acc, uint32_t a, uint32_t b) {
    for (int i = 0; i < 4; i++)
        acc += (uint32_t)((int32_t)(int8_t)(a >> (8 * i)) * (int32_t)(int8_t)(b >> (8 * i)));
    return acc;
}
static uint32_t ref_sdotp2(uint32_t acc, uint32_t a, uint32_t b) {
    for (int i = 0; i < 2; i++)
        acc += (uint32_t)((int32_t)(int16_t)(a >> (16 * i)) * (int32_t)(int16_t)(b >> (16 * i)));
    return acc;
}
static int32_t ref_clip(int32_t x, int bits) {
    if (bits >= 32) return x;
    int32_t hi = (int32_t)((1u << (bits - 1)) - 1), lo = -hi - 1;
    return x < lo ? lo : x > hi ? hi : x;
}
static int32_t ref_clipu(int32_t x, int bits) {
    int32_t hi = (int32_t)((1u << bits) - 1);
    return x < 0 ? 0 : x > hi ? hi : x;
}

static uint32_t rng = 0x9e3779b9u;
static uint32_t next_random(void) { return vs_xorshift32(&rng); }

/* Lanes at their extremes, and values around them. */
static const uint32_t kEdgeOperands[] = {
    0x00000000u, 0x01010101u, 0xffffffffu, 0x7f7f7f7fu, 0x80808080u, 0x807f807fu,
    0x7f80ff01u, 0x00008000u, 0x80000000u, 0x7fff8000u, 0x80007fffu, 0x12345678u,
};
static const uint32_t kEdgeAccumulators[] = {0x00000000u, 0x00000001u, 0xffffffffu,
                                             0x12345678u, 0xfffe0000u};
/* Accumulators where the sum wraps around 32 bits. */
static const uint32_t kWrappingAccumulators[] = {0x7fffffffu, 0x80000000u, 0x7fff0000u};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static void test_dotp(const char* name, int lanes16, const uint32_t* accs, unsigned n_accs) {
    for (unsigned k = 0; k < n_accs; k++)
        for (unsigned i = 0; i < COUNT_OF(kEdgeOperands); i++)
            for (unsigned j = 0; j < COUNT_OF(kEdgeOperands); j++) {
                uint32_t acc = accs[k], a = kEdgeOperands[i], b = kEdgeOperands[j];
                uint32_t got = lanes16 ? (uint32_t)vs_sdotp2((int32_t)acc, a, b)
                                       : (uint32_t)vs_sdotp4((int32_t)acc, a, b);
                uint32_t want = lanes16 ? ref_sdotp2(acc, a, b) : ref_sdotp4(acc, a, b);
                check_op3(__LINE__, name, acc, a, b, got, want);
            }
}

static void test_dotp_random(void) {
    check_begin("sdotp4 / sdotp2 on random operands");
    for (int n = 0; n < 2000; n++) {
        uint32_t acc = next_random(), a = next_random(), b = next_random();
        check_op3(__LINE__, "sdotp4", acc, a, b, (uint32_t)vs_sdotp4((int32_t)acc, a, b),
                  ref_sdotp4(acc, a, b));
        check_op3(__LINE__, "sdotp2", acc, a, b, (uint32_t)vs_sdotp2((int32_t)acc, a, b),
                  ref_sdotp2(acc, a, b));
    }
    /* a chained accumulation, as in a kernel's inner loop */
    uint32_t acc4 = 0, ref4 = 0;
    for (int n = 0; n < 256; n++) {
        uint32_t a = next_random(), b = next_random();
        acc4 = (uint32_t)vs_sdotp4((int32_t)acc4, a, b);
        ref4 = ref_sdotp4(ref4, a, b);
    }
    CHECK_EQ(acc4, ref4);
}

/* Clip values: both sides of every power of two, extremes, random. */
static int32_t clip_operand(unsigned n) {
    if (n < 32) return (int32_t)(1u << n);
    if (n < 64) return (int32_t)(1u << (n - 32)) - 1;
    if (n < 96) return -(int32_t)(1u << (n - 64));
    if (n < 128) return -(int32_t)(1u << (n - 96)) - 1;
    if (n == 128) return 0;
    if (n == 129) return 0x7fffffff;
    return (int32_t)next_random();
}
#define CLIP_OPERANDS 192

#define TEST_CLIP_BITS(bits)                                                            \
    for (unsigned n = 0; n < CLIP_OPERANDS; n++) {                                      \
        int32_t x = clip_operand(n);                                                    \
        check_op(__LINE__, "clip", (uint32_t)x, bits, (uint32_t)vs_clip(x, bits),       \
                 (uint32_t)ref_clip(x, bits));                                          \
    }
#define TEST_CLIPU_BITS(bits)                                                           \
    for (unsigned n = 0; n < CLIP_OPERANDS; n++) {                                      \
        int32_t x = clip_operand(n);                                                    \
        check_op(__LINE__, "clipu", (uint32_t)x, bits, (uint32_t)vs_clipu(x, bits),     \
                 (uint32_t)ref_clipu(x, bits));                                         \
    }

#define BITS_1_TO_31(X)                                                                  \
    X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)     \
    X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) \
    X(30) X(31)

int main(void) {
    check_begin("sdotp4 edge operands");
    test_dotp("sdotp4", 0, kEdgeAccumulators, COUNT_OF(kEdgeAccumulators));
    check_begin("sdotp4 accumulator wraps around 32 bits");
    test_dotp("sdotp4", 0, kWrappingAccumulators, COUNT_OF(kWrappingAccumulators));
    check_begin("sdotp2 edge operands");
    test_dotp("sdotp2", 1, kEdgeAccumulators, COUNT_OF(kEdgeAccumulators));
    check_begin("sdotp2 accumulator wraps around 32 bits");
    test_dotp("sdotp2", 1, kWrappingAccumulators, COUNT_OF(kWrappingAccumulators));
    test_dotp_random();

    check_begin("clip, bits 1..32");
    BITS_1_TO_31(TEST_CLIP_BITS)
    TEST_CLIP_BITS(32)
    check_begin("clipu, bits 0..31");
    TEST_CLIPU_BITS(0)
    BITS_1_TO_31(TEST_CLIPU_BITS)

    check_begin("clip imm 0 and clipu imm 32: no clamping (clipu still clamps negatives)");
    for (unsigned n = 0; n < CLIP_OPERANDS; n++) {
        int32_t x = clip_operand(n);
        check_op(__LINE__, "clip", (uint32_t)x, 0, (uint32_t)vs_clip(x, 0), (uint32_t)x);
        check_op(__LINE__, "clipu", (uint32_t)x, 32, (uint32_t)vs_clipu(x, 32),
                 x < 0 ? 0u : (uint32_t)x);
    }

    check_begin("clip to int8 after a dot product (kernel idiom)");
    int32_t acc = vs_sdotp4(0, 0x7f7f7f7fu, 0x7f7f7f7fu); /* 4 * 127 * 127 */
    CHECK_EQ(acc, 64516);
    CHECK_EQ(vs_clip(acc, 8), 127);
    CHECK_EQ(vs_clip(-acc, 8), (uint32_t)-128);
    CHECK_EQ(vs_clipu(acc, 8), 255);
    CHECK_EQ(vs_clipu(-acc, 8), 0);
    return check_finish("isa_custom");
}
