/*
 * int8 matrix multiply C = requant(A * B) with the 4-lane dot-product custom
 * instruction, checked against a plain C version on the target.
 * Prints the checksum of C and the cycles per multiply-accumulate of the
 * custom-instruction kernel; exits 1 when the two versions disagree.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vitsim/custom.h"
#include "vitsim/runtime.h"

enum { M = 16, K = 64, N = 16 };

/* Operands are stored as packed words (4 int8 lanes each, lane 0 in the low
 * byte) so that the kernel loads them with lw; the plain C version reads the
 * same bytes through int8_t pointers, which may alias anything. */
static uint32_t a[M][K / 4];
static uint32_t bt[N][K / 4]; /* B transposed: both operands walk K contiguously */
static int8_t c_simd[M][N];
static int8_t c_ref[M][N];

static const int32_t kMultiplier = 1518500250; /* ~0.707 in Q31 */
static const int kShift = 9;

/* Deterministic pseudo-random bytes (xorshift32). */
static uint32_t rng_state = 0x12345678u;
static int8_t next_int8(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return (int8_t)rng_state;
}

/* round(acc * multiplier / 2^31 / 2^shift), saturated to int8. */
static int8_t requantize(int32_t acc) {
    int64_t scaled = ((int64_t)acc * kMultiplier + (1ll << 30)) >> 31;
    int32_t rounded = (int32_t)((scaled + (1 << (kShift - 1))) >> kShift);
    return (int8_t)(rounded < -128 ? -128 : rounded > 127 ? 127 : rounded);
}

static void matmul_ref(void) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = 0;
            const int8_t* ra = (const int8_t*)a[i];
            const int8_t* rb = (const int8_t*)bt[j];
            for (int k = 0; k < K; k++) acc += (int32_t)ra[k] * rb[k];
            c_ref[i][j] = requantize(acc);
        }
}

static void matmul_simd(void) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = 0;
            for (int k = 0; k < K / 4; k++) acc = vs_sdotp4(acc, a[i][k], bt[j][k]);
            c_simd[i][j] = (int8_t)vs_clip(requantize(acc), 8);
        }
}

int main(void) {
    int8_t* bytes = (int8_t*)a;
    for (unsigned n = 0; n < sizeof a; n++) bytes[n] = next_int8();
    bytes = (int8_t*)bt;
    for (unsigned n = 0; n < sizeof bt; n++) bytes[n] = next_int8();

    matmul_ref();
    vs_layer_begin(1);
    uint32_t start = vs_mcycle();
    matmul_simd();
    uint32_t cycles = vs_mcycle() - start;
    vs_layer_end(1);

    uint32_t checksum = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) checksum = checksum * 31u + (uint8_t)c_simd[i][j];
    uint32_t macs = (uint32_t)M * N * K;
    uint32_t milli = (uint32_t)((uint64_t)cycles * 1000u / macs);
    printf("matmul_int8 %dx%dx%d checksum 0x%08lx\n", M, K, N, (unsigned long)checksum);
    printf("cycles %lu for %lu MACs: %lu.%03lu cycles/MAC\n", (unsigned long)cycles,
           (unsigned long)macs, (unsigned long)(milli / 1000), (unsigned long)(milli % 1000));
    if (memcmp(c_simd, c_ref, sizeof c_ref) != 0) {
        printf("FAIL: custom-instruction result differs from plain C\n");
        return 1;
    }
    printf("PASS\n");
    return 0;
}
