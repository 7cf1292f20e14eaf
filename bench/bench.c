/*
 * vitsim host-speed benchmark: a compute-heavy RV32IMC program.
 *
 * Sections (each bracketed by SIMCTRL layer markers, ids below):
 *   1 matmul_c        int8 matrix multiply + requantization, portable C
 *   2 matmul_xvitsim  the same with sdotp4/clip (profiles with Xvitsim)
 *   3 crc32           table-driven CRC-32 of the matrices, checked bitwise
 *   4 sort            heap sort of pseudo-random words, checked ordered
 * Every section is repeated BENCH_REPEAT times (default: >= 200 million
 * instructions in total). Prints per-section cycles and MAC/cycle for the
 * matrix multiplies; exits non-zero when a self-check fails:
 *   1 the two matmul versions differ, 2 CRC mismatch, 3 sort wrong.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vitsim/custom.h"
#include "vitsim/runtime.h"
#include "vitsim/xorshift.h"

#ifndef BENCH_REPEAT
#define BENCH_REPEAT 36 /* about 230 million instructions */
#endif

enum { M = 32, K = 256, N = 64, SORT_WORDS = 2048 };
enum { SECTION_MATMUL_C = 1, SECTION_MATMUL_X = 2, SECTION_CRC = 3, SECTION_SORT = 4 };

/* int8 operands packed 4 per word (lane 0 = low byte) so the SIMD path loads
 * words; the C path reads the same bytes through int8_t pointers. */
static uint32_t act[M][K / 4];
static uint32_t weights_t[N][K / 4]; /* weights transposed: rows walk K */
static int32_t bias[N];
static int32_t multiplier[N]; /* per-output-channel requantization, Q31 */
static int8_t shift[N];
static int8_t out_c[M][N];
static int8_t out_x[M][N];
static uint32_t sort_words[SORT_WORDS];

static uint32_t rng_state = 0x2545f491u;
static uint32_t next_random(void) { return vs_xorshift32(&rng_state); }

static void init_data(void) {
    int8_t* bytes = (int8_t*)act;
    for (unsigned i = 0; i < sizeof act; i++) bytes[i] = (int8_t)next_random();
    bytes = (int8_t*)weights_t;
    for (unsigned i = 0; i < sizeof weights_t; i++) bytes[i] = (int8_t)next_random();
    for (int j = 0; j < N; j++) {
        bias[j] = (int32_t)(next_random() % 4096u) - 2048;
        multiplier[j] = (int32_t)(0x40000000u + next_random() % 0x3fffffffu);
        shift[j] = (int8_t)(6 + next_random() % 4u);
    }
}

/* round(acc * multiplier / 2^31 / 2^shift) with round-half-up, no saturation */
static int32_t requantize(int32_t acc, int32_t mult, int sh) {
    int64_t scaled = ((int64_t)acc * mult + (1ll << 30)) >> 31;
    return (int32_t)((scaled + (1 << (sh - 1))) >> sh);
}

static int8_t saturate_int8(int32_t v) { return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v); }

static void matmul_c(void) {
    for (int i = 0; i < M; i++) {
        const int8_t* a = (const int8_t*)act[i];
        for (int j = 0; j < N; j++) {
            const int8_t* w = (const int8_t*)weights_t[j];
            int32_t acc = bias[j];
            for (int k = 0; k < K; k++) acc += (int32_t)a[k] * w[k];
            out_c[i][j] = saturate_int8(requantize(acc, multiplier[j], shift[j]));
        }
    }
}

#if VITSIM_HAS_XVITSIM
static void matmul_xvitsim(void) {
    for (int i = 0; i < M; i++) {
        const uint32_t* a = act[i];
        for (int j = 0; j < N; j++) {
            const uint32_t* w = weights_t[j];
            int32_t acc0 = bias[j], acc1 = 0;
            /* two accumulators hide the dot-product latency */
            for (int k = 0; k < K / 4; k += 2) {
                acc0 = vs_sdotp4(acc0, a[k], w[k]);
                acc1 = vs_sdotp4(acc1, a[k + 1], w[k + 1]);
            }
            out_x[i][j] = (int8_t)vs_clip(requantize(acc0 + acc1, multiplier[j], shift[j]), 8);
        }
    }
}
#endif

static uint32_t crc_table[256];

static void crc32_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int b = 0; b < 8; b++) c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* CRC-32 (IEEE) continuing from `crc` (0 for a fresh CRC). */
static uint32_t crc32_table(uint32_t crc, const uint8_t* data, unsigned length) {
    crc = ~crc;
    for (unsigned i = 0; i < length; i++) crc = crc_table[(crc ^ data[i]) & 0xffu] ^ (crc >> 8);
    return ~crc;
}

static uint32_t crc32_bitwise(uint32_t crc, const uint8_t* data, unsigned length) {
    crc = ~crc;
    for (unsigned i = 0; i < length; i++) {
        crc ^= data[i];
        for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void sift_down(uint32_t* a, unsigned root, unsigned end) {
    while (2 * root + 1 < end) {
        unsigned child = 2 * root + 1;
        if (child + 1 < end && a[child] < a[child + 1]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(uint32_t* a, unsigned n) {
    for (unsigned start = n / 2; start-- > 0;) sift_down(a, start, n);
    for (unsigned end = n; end-- > 1;) {
        uint32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

/* cycles/MAC as "x.yyy" (no floating point on the target) */
static void print_mac_rate(const char* name, uint64_t cycles, uint64_t macs) {
    uint64_t milli_macs_per_cycle = cycles ? macs * 1000u / cycles : 0;
    printf("%s: %llu cycles, %llu MACs, MAC/cycle %llu.%03llu\n", name,
           (unsigned long long)cycles, (unsigned long long)macs,
           (unsigned long long)(milli_macs_per_cycle / 1000),
           (unsigned long long)(milli_macs_per_cycle % 1000));
}

int main(void) {
    int status = 0;
    init_data();
    crc32_init();
    const uint64_t macs = (uint64_t)M * N * K * BENCH_REPEAT;

    vs_layer_begin(SECTION_MATMUL_C);
    uint64_t t0 = vs_mcycle64();
    for (int r = 0; r < BENCH_REPEAT; r++) matmul_c();
    uint64_t cycles_c = vs_mcycle64() - t0;
    vs_layer_end(SECTION_MATMUL_C);
    print_mac_rate("matmul_c", cycles_c, macs);

#if VITSIM_HAS_XVITSIM
    vs_layer_begin(SECTION_MATMUL_X);
    t0 = vs_mcycle64();
    for (int r = 0; r < BENCH_REPEAT; r++) matmul_xvitsim();
    uint64_t cycles_x = vs_mcycle64() - t0;
    vs_layer_end(SECTION_MATMUL_X);
    print_mac_rate("matmul_xvitsim", cycles_x, macs);
    if (memcmp(out_c, out_x, sizeof out_c) != 0) {
        printf("FAIL: matmul_xvitsim differs from matmul_c\n");
        status = 1;
    }
#endif

    vs_layer_begin(SECTION_CRC);
    t0 = vs_mcycle64();
    /* one CRC over the weights repeated 4 * BENCH_REPEAT times */
    uint32_t crc = 0;
    for (int r = 0; r < BENCH_REPEAT * 4; r++)
        crc = crc32_table(crc, (const uint8_t*)weights_t, sizeof weights_t);
    uint64_t cycles_crc = vs_mcycle64() - t0;
    vs_layer_end(SECTION_CRC);
    printf("crc32: 0x%08lx over %d x %u bytes, %llu cycles\n", (unsigned long)crc,
           BENCH_REPEAT * 4, (unsigned)sizeof weights_t, (unsigned long long)cycles_crc);
    /* the table-driven CRC agrees with the bitwise definition and the
     * standard check value of "123456789" */
    uint32_t two_table = crc32_table(crc32_table(0, (const uint8_t*)weights_t, sizeof weights_t),
                                     (const uint8_t*)weights_t, sizeof weights_t);
    uint32_t two_bitwise = crc32_bitwise(
        crc32_bitwise(0, (const uint8_t*)weights_t, sizeof weights_t), (const uint8_t*)weights_t,
        sizeof weights_t);
    if (two_table != two_bitwise || crc32_table(0, (const uint8_t*)"123456789", 9) != 0xcbf43926u) {
        printf("FAIL: crc32 table and bitwise versions disagree\n");
        if (!status) status = 2;
    }

    vs_layer_begin(SECTION_SORT);
    t0 = vs_mcycle64();
    uint32_t unsorted = 0, sum_before = 0, sum_after = 0;
    for (int r = 0; r < BENCH_REPEAT * 2; r++) {
        for (unsigned i = 0; i < SORT_WORDS; i++) sum_before += sort_words[i] = next_random();
        heap_sort(sort_words, SORT_WORDS);
        for (unsigned i = 0; i < SORT_WORDS; i++) {
            sum_after += sort_words[i];
            unsorted += i > 0 && sort_words[i - 1] > sort_words[i];
        }
    }
    uint64_t cycles_sort = vs_mcycle64() - t0;
    vs_layer_end(SECTION_SORT);
    printf("sort: %d x %d words, %llu cycles\n", BENCH_REPEAT * 2, SORT_WORDS,
           (unsigned long long)cycles_sort);
    if (unsorted != 0 || sum_before != sum_after) {
        printf("FAIL: heap sort output is not an ordered permutation\n");
        if (!status) status = 3;
    }

    uint32_t checksum = crc32_table(0, (const uint8_t*)out_c, sizeof out_c);
    printf("bench checksum 0x%08lx, instructions %llu, cycles %llu\n", (unsigned long)checksum,
           (unsigned long long)vs_minstret64(), (unsigned long long)vs_mcycle64());
    return status;
}
