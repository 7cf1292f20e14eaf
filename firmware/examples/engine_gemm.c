/*
 * The matrix engine (gap9, docs/engine.md) from the FC: an int8 GEMM with bias,
 * requantization and ReLU offloaded to the Verilated RTL, checked bit for bit
 * against the same GEMM computed on the FC with the kernels' requantization
 * (vs_requantize_s8). Then the same tile while the 8 cluster cores load from the
 * L1 (the engine's accesses lose banks: its STALLS counter), and refused settings
 * (zero dimension, a tile outside the L1) that raise the error status.
 * Exits 1 on any mismatch or unexpected status.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vitsim/kernels.h"
#include "vitsim/platform.h"
#include "vitsim/runtime.h"
#include "vitsim/xorshift.h"
#include "vitsim_profile.h" /* VITSIM_ENGINE_BASE: where the profile puts the engine */
#include "vs_cluster.h"

enum { M = 32, K = 128, N = 44 };

static int8_t a_l2[M][K];
static int8_t b_l2[N][K]; /* weights: one row per output column */
static int32_t bias_l2[N];
static int8_t c_ref[M][N];
static const vs_quant_t kQuant = {1073741824, 42}; /* the mulh form (shift >= 33); saturates */

static uint32_t rng_state = 0x13572468u;

#define ENGINE(reg) (*(volatile uint32_t*)(VITSIM_ENGINE_BASE + (reg)))

static void reference(int relu) {
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            int32_t acc = bias_l2[n];
            for (int k = 0; k < K; k++) acc += (int32_t)a_l2[m][k] * b_l2[n][k];
            int8_t y = vs_requantize_s8(acc, &kQuant);
            c_ref[m][n] = relu && y < 0 ? 0 : y;
        }
}

/* Programs one tile and waits for the done event; returns STATUS. */
static uint32_t engine_run(const int8_t* a, const int8_t* b, const int32_t* bias, int8_t* c, uint32_t m,
                           uint32_t n, uint32_t ctrl) {
    ENGINE(VITSIM_ENGINE_A) = (uint32_t)a;
    ENGINE(VITSIM_ENGINE_B) = (uint32_t)b;
    ENGINE(VITSIM_ENGINE_BIAS) = (uint32_t)bias;
    ENGINE(VITSIM_ENGINE_C) = (uint32_t)c;
    ENGINE(VITSIM_ENGINE_M) = m;
    ENGINE(VITSIM_ENGINE_N) = n;
    ENGINE(VITSIM_ENGINE_K) = K;
    ENGINE(VITSIM_ENGINE_LDA) = K;
    ENGINE(VITSIM_ENGINE_LDB) = K;
    ENGINE(VITSIM_ENGINE_LDC) = N;
    ENGINE(VITSIM_ENGINE_QMUL) = (uint32_t)kQuant.mul;
    ENGINE(VITSIM_ENGINE_QSHIFT) = (uint32_t)kQuant.shift;
    ENGINE(VITSIM_ENGINE_QZERO) = 0;
    ENGINE(VITSIM_ENGINE_CTRL) = ctrl;
    ENGINE(VITSIM_ENGINE_START) = 1;
    ENGINE(VITSIM_ENGINE_WAIT) = 1;
    return ENGINE(VITSIM_ENGINE_STATUS);
}

/* Workers: word loads sweeping the L1 operands (every bank), while the engine runs. */
struct sweep { const volatile uint32_t* words; unsigned count; };
static void sweep_l1(void* p) {
    const struct sweep* s = (const struct sweep*)p;
    uint32_t sum = 0;
    for (unsigned r = 0; r < 40; r++)
        for (unsigned i = vs_core_id(); i < s->count; i += 2) sum += s->words[i];
    (void)sum;
}

int main(void) {
    int8_t* bytes = &a_l2[0][0];
    for (unsigned i = 0; i < sizeof a_l2; i++) bytes[i] = (int8_t)vs_xorshift32(&rng_state);
    bytes = &b_l2[0][0];
    for (unsigned i = 0; i < sizeof b_l2; i++) bytes[i] = (int8_t)vs_xorshift32(&rng_state);
    for (unsigned i = 0; i < N; i++) bias_l2[i] = (int32_t)(vs_xorshift32(&rng_state) % 200001u) - 100000;

    int8_t* a = vs_l1_alloc(sizeof a_l2);
    int8_t* b = vs_l1_alloc(sizeof b_l2);
    int32_t* bias = vs_l1_alloc(sizeof bias_l2);
    int8_t* c = vs_l1_alloc(sizeof c_ref);
    vs_dma_to_l1(a, a_l2, sizeof a_l2);
    vs_dma_to_l1(b, b_l2, sizeof b_l2);
    vs_dma_wait(vs_dma_to_l1(bias, bias_l2, sizeof bias_l2));
    const uint32_t config = ENGINE(VITSIM_ENGINE_CONFIG);
#ifdef VS_ENGINE_REPEAT
    /* engine_gemm_speed: the simulator's speed with the RTL busy (bench/, docs/engine.md). */
    uint64_t engine_cycles = 0;
    for (unsigned r = 0; r < VS_ENGINE_REPEAT; r++) {
        engine_run(a, b, bias, c, M, N, VITSIM_ENGINE_CTRL_BIAS);
        engine_cycles += ENGINE(VITSIM_ENGINE_CYCLES);
    }
    printf("%u tiles, %lu engine cycles\n", (unsigned)VS_ENGINE_REPEAT, (unsigned long)engine_cycles);
    return 0;
#endif
    printf("engine: %lu lanes, K up to %lu\n", (unsigned long)(config & 0xFFFF), (unsigned long)(config >> 16));

    int failed = 0;
    for (int relu = 0; relu <= 1; relu++) {
        reference(relu);
        memset(c, 0x55, sizeof c_ref);
        const uint32_t start = vs_mcycle();
        const uint32_t status = engine_run(a, b, bias, c, M, N, VITSIM_ENGINE_CTRL_BIAS | (relu ? VITSIM_ENGINE_CTRL_RELU : 0));
        const uint32_t cycles = vs_mcycle() - start;
        const int ok = status == VITSIM_ENGINE_DONE && memcmp(c, c_ref, sizeof c_ref) == 0;
        failed |= !ok;
        const uint32_t busy = ENGINE(VITSIM_ENGINE_CYCLES), macs = (uint32_t)M * N * K;
        const uint32_t milli = (uint32_t)((uint64_t)macs * 1000u / busy);
        printf("gemm %dx%dx%d relu %d: status 0x%lx, engine %lu cycles (%lu.%03lu MAC/cycle, array active %lu, stalls %lu), FC %lu cycles %s\n",
               M, K, N, relu, (unsigned long)status, (unsigned long)busy, (unsigned long)(milli / 1000),
               (unsigned long)(milli % 1000), (unsigned long)ENGINE(VITSIM_ENGINE_ACTIVE),
               (unsigned long)ENGINE(VITSIM_ENGINE_STALLS), (unsigned long)cycles, ok ? "ok" : "MISMATCH");
    }

    /* The same tile with the cores loading from the L1 meanwhile: same result, stalls. */
    memset(c, 0x55, sizeof c_ref);
    struct sweep s = {(const volatile uint32_t*)a, (unsigned)(sizeof a_l2 + sizeof b_l2) / 4};
    ENGINE(VITSIM_ENGINE_START) = 1; /* same registers as the last run */
    vs_cluster_fork(sweep_l1, &s);
    ENGINE(VITSIM_ENGINE_WAIT) = 1;
    const uint32_t stalls = ENGINE(VITSIM_ENGINE_STALLS);
    const int shared_ok = ENGINE(VITSIM_ENGINE_STATUS) == VITSIM_ENGINE_DONE && memcmp(c, c_ref, sizeof c_ref) == 0 && stalls > 0;
    failed |= !shared_ok;
    printf("with %u cores on the L1: engine %lu cycles, %lu stalls %s\n", vs_cluster_cores(),
           (unsigned long)ENGINE(VITSIM_ENGINE_CYCLES), (unsigned long)stalls, shared_ok ? "ok" : "MISMATCH");

    /* Refused settings: the error status, nothing written. */
    memset(c, 0x55, sizeof c_ref);
    const uint32_t zero = engine_run(a, b, bias, c, 0, N, VITSIM_ENGINE_CTRL_BIAS);
    const uint32_t l1_end = *(volatile uint32_t*)(VITSIM_CLUSTER_BASE + VITSIM_CLUSTER_L1_BASE) +
                            *(volatile uint32_t*)(VITSIM_CLUSTER_BASE + VITSIM_CLUSTER_L1_SIZE);
    const uint32_t outside = engine_run(a, b, bias, (int8_t*)(l1_end - 16), M, N, VITSIM_ENGINE_CTRL_BIAS);
    const int errors_ok = zero == (VITSIM_ENGINE_DONE | VITSIM_ENGINE_ERROR | VITSIM_ENGINE_ERR_DIM << 8) &&
                          outside == (VITSIM_ENGINE_DONE | VITSIM_ENGINE_ERROR | VITSIM_ENGINE_ERR_RANGE << 8) &&
                          c[0] == 0x55;
    failed |= !errors_ok;
    printf("error status: zero M 0x%lx, tile outside the L1 0x%lx %s\n", (unsigned long)zero, (unsigned long)outside,
           errors_ok ? "ok" : "MISMATCH");
    printf(failed ? "FAIL\n" : "PASS\n");
    return failed;
}
