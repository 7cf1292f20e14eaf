/*
 * int8 GEMM C = requant(A * B) on the cluster: the FC moves A and B^T into L1
 * with the cluster DMA, forks the kernel onto 1, 2, 4 and 8 worker cores (those
 * this run has: vitsim --cores N), checks every result against a plain C version
 * computed on the FC and prints MAC/cycle of the whole cluster. Each fork is an
 * energy window (id = its core count) for the report's energy_windows.
 * Kernel: a 4x4 output block (16 accumulators, 8 loads and 16 four-lane dot
 * products per step = 64 MACs; the published PULP kernels' 4x2 block does 32 MACs
 * in 14) in a zero-overhead hardware loop over K; groups of 4 output rows are
 * split evenly over the cores.
 * Exits 1 when a result differs from the reference.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vitsim/custom.h"
#include "vitsim/runtime.h"
#include "vitsim/xorshift.h"
#include "vs_cluster.h"

enum { M = 64, K = 256, N = 32, KW = K / 4 };
/* The simulator-speed benchmark (matmul_cluster_speed) repeats the kernel and
 * prints every worker's retired instructions. */
#ifndef VS_MATMUL_REPEAT
#define VS_MATMUL_REPEAT 1
#endif
static uint32_t worker_instructions[8];

static uint32_t a_l2[M][KW];   /* A, 4 int8 lanes per word */
static uint32_t bt_l2[N][KW];  /* B transposed: both operands walk K contiguously */
static int8_t c_ref[M][N];

/* Requantisation as in the PULP kernels: clip8((acc * mul) >> shift), 32-bit
 * (|acc| <= 256 * 128 * 128, times 181 stays below 2^31). */
static const int32_t kMultiplier = 181;
static const int kShift = 17;

static uint32_t rng_state = 0x2468ace1u;
static int8_t next_int8(void) { return (int8_t)vs_xorshift32(&rng_state); }

static int8_t requantize(int32_t acc) {
    const int32_t scaled = (acc * kMultiplier) >> kShift;
    return (int8_t)(scaled < -128 ? -128 : scaled > 127 ? 127 : scaled);
}

static void matmul_ref(void) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = 0;
            const int8_t* ra = (const int8_t*)a_l2[i];
            const int8_t* rb = (const int8_t*)bt_l2[j];
            for (int k = 0; k < K; k++) acc += (int32_t)ra[k] * rb[k];
            c_ref[i][j] = requantize(acc);
        }
}

struct gemm_args {
    const uint32_t* a;   /* L1 */
    const uint32_t* bt;  /* L1 */
    int8_t* c;           /* L1 */
};

/* C[4][4] at c (row stride N) = requant(rows a .. a + 3 (x) columns b .. b + 3)
 * over KW words: rows and columns are KW words apart, so one post-incremented
 * pointer each reaches the others by offset. Per step 8 loads (4 of B, 2 + 2 of A
 * through two registers) and 16 four-lane dot products: 64 MACs in 24
 * instructions, in a zero-overhead hardware loop; the 16 accumulators stay in
 * registers and are requantised straight into C. */
static void block_4x4(const uint32_t* a, const uint32_t* b, int8_t* c) {
    int32_t c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
    uint32_t x0, x1, y0, y1, y2, y3;
    /* The accumulators start at 0 inside the asm: as in-out operands they would
     * count twice, past GCC's 30 operands. */
    __asm__ volatile(
        "li %[c00], 0\nli %[c01], 0\nli %[c02], 0\nli %[c03], 0\n"
        "li %[c10], 0\nli %[c11], 0\nli %[c12], 0\nli %[c13], 0\n"
        "li %[c20], 0\nli %[c21], 0\nli %[c22], 0\nli %[c23], 0\n"
        "li %[c30], 0\nli %[c31], 0\nli %[c32], 0\nli %[c33], 0\n"
        VS_LP_NORELAX VS_LP_COUNT(0, "%[kw]") VS_LP_START(0, ".Ls%=") VS_LP_END(0, ".Le%=")
        ".Ls%=: .insn i 0x2b, 2, %[y0], %[b], 4\n" /* lw.pi y0, 4(b!) */
        "lw %[y1], %[row1](%[b])\n"
        "lw %[y2], %[row2](%[b])\n"
        "lw %[y3], %[row3](%[b])\n"
        ".insn i 0x2b, 2, %[x0], %[a], 4\n"
        "lw %[x1], %[row1](%[a])\n"
        ".insn r CUSTOM_0, 0, 0, %[c00], %[x0], %[y0]\n" /* sdotp4 */
        ".insn r CUSTOM_0, 0, 0, %[c01], %[x0], %[y1]\n"
        ".insn r CUSTOM_0, 0, 0, %[c02], %[x0], %[y2]\n"
        ".insn r CUSTOM_0, 0, 0, %[c03], %[x0], %[y3]\n"
        "lw %[x0], %[row2](%[a])\n"
        ".insn r CUSTOM_0, 0, 0, %[c10], %[x1], %[y0]\n"
        ".insn r CUSTOM_0, 0, 0, %[c11], %[x1], %[y1]\n"
        ".insn r CUSTOM_0, 0, 0, %[c12], %[x1], %[y2]\n"
        ".insn r CUSTOM_0, 0, 0, %[c13], %[x1], %[y3]\n"
        "lw %[x1], %[row3](%[a])\n"
        ".insn r CUSTOM_0, 0, 0, %[c20], %[x0], %[y0]\n"
        ".insn r CUSTOM_0, 0, 0, %[c21], %[x0], %[y1]\n"
        ".insn r CUSTOM_0, 0, 0, %[c22], %[x0], %[y2]\n"
        ".insn r CUSTOM_0, 0, 0, %[c23], %[x0], %[y3]\n"
        ".insn r CUSTOM_0, 0, 0, %[c30], %[x1], %[y0]\n"
        ".insn r CUSTOM_0, 0, 0, %[c31], %[x1], %[y1]\n"
        ".insn r CUSTOM_0, 0, 0, %[c32], %[x1], %[y2]\n"
        ".Le%=: .insn r CUSTOM_0, 0, 0, %[c33], %[x1], %[y3]\n" VS_LP_RELAX
        : [c00] "=&r"(c00), [c01] "=&r"(c01), [c02] "=&r"(c02), [c03] "=&r"(c03), [c10] "=&r"(c10),
          [c11] "=&r"(c11), [c12] "=&r"(c12), [c13] "=&r"(c13), [c20] "=&r"(c20), [c21] "=&r"(c21),
          [c22] "=&r"(c22), [c23] "=&r"(c23), [c30] "=&r"(c30), [c31] "=&r"(c31), [c32] "=&r"(c32),
          [c33] "=&r"(c33), [x0] "=&r"(x0), [x1] "=&r"(x1),
          [y0] "=&r"(y0), [y1] "=&r"(y1), [y2] "=&r"(y2), [y3] "=&r"(y3), [a] "+r"(a), [b] "+r"(b)
        : [kw] "r"(KW), [row1] "i"(KW * 4 - 4), [row2] "i"(2 * KW * 4 - 4), [row3] "i"(3 * KW * 4 - 4)
        : "memory");
#define VS_Q(acc) ((int8_t)vs_clip(((acc) * kMultiplier) >> kShift, 8))
    c[0] = VS_Q(c00), c[1] = VS_Q(c01), c[2] = VS_Q(c02), c[3] = VS_Q(c03);
    c += N;
    c[0] = VS_Q(c10), c[1] = VS_Q(c11), c[2] = VS_Q(c12), c[3] = VS_Q(c13);
    c += N;
    c[0] = VS_Q(c20), c[1] = VS_Q(c21), c[2] = VS_Q(c22), c[3] = VS_Q(c23);
    c += N;
    c[0] = VS_Q(c30), c[1] = VS_Q(c31), c[2] = VS_Q(c32), c[3] = VS_Q(c33);
#undef VS_Q
}

static void gemm_kernel(void* p) {
    const struct gemm_args* g = (const struct gemm_args*)p;
    unsigned begin, end;
    const uint32_t instret = vs_minstret();
    vs_split(M / 4, vs_core_id(), vs_core_count(), &begin, &end);
    for (unsigned r = 0; r < VS_MATMUL_REPEAT; r++)
    for (unsigned iq = begin; iq < end; iq++) {
        const unsigned i = 4 * iq;
        for (unsigned j = 0; j < N; j += 4) block_4x4(g->a + i * KW, g->bt + j * KW, g->c + i * N + j);
    }
    worker_instructions[vs_core_id()] = vs_minstret() - instret;
    vs_barrier(); /* every row written before anyone returns (and the FC reads C) */
}

int main(void) {
    int8_t* bytes = (int8_t*)a_l2;
    for (unsigned n = 0; n < sizeof a_l2; n++) bytes[n] = next_int8();
    bytes = (int8_t*)bt_l2;
    for (unsigned n = 0; n < sizeof bt_l2; n++) bytes[n] = next_int8();
    matmul_ref();

    struct gemm_args g;
    g.a = vs_l1_alloc(sizeof a_l2);
    g.bt = vs_l1_alloc(sizeof bt_l2);
    g.c = vs_l1_alloc(M * N);
    const unsigned cores = vs_cluster_cores();
    vs_dma_to_l1((void*)g.a, a_l2, sizeof a_l2);
    /* B^T with a 2D transfer (row by row: the same bytes, it exercises strides) */
    const unsigned last = vs_dma_2d((void*)g.bt, bt_l2, KW * 4, N, KW * 4, KW * 4, VITSIM_CLUSTER_DMA_TO_L1);
    vs_dma_wait(last);

    const unsigned counts[] = {1, 2, 4, 8, 3, 5, 6, 7};
    int failed = 0;
    uint32_t checksum = 0;
    for (unsigned t = 0; t < sizeof counts / sizeof *counts; t++) {
        const unsigned n = counts[t];
        if (n > cores || (t >= 4 && n != cores)) continue; /* 1, 2, 4, 8 and the run's own count */
        if (VS_MATMUL_REPEAT > 1 && n != cores) continue;  /* speed: the run's own count only */
        memset(g.c, 0, M * N);
        const uint32_t start = vs_mcycle();
        vs_energy_begin(n); /* the report's energy_windows: the SoC's energy on n cores */
        vs_cluster_fork_n(n, gemm_kernel, &g);
        vs_energy_end(n);
        const uint32_t cycles = vs_mcycle() - start;
        checksum = 0;
        for (int i = 0; i < M * N; i++) checksum = checksum * 31u + (uint8_t)g.c[i];
        const int ok = memcmp(g.c, c_ref, sizeof c_ref) == 0;
        failed |= !ok;
        const uint32_t macs = (uint32_t)M * N * K * VS_MATMUL_REPEAT;
        const uint32_t milli = (uint32_t)((uint64_t)macs * 1000u / cycles);
        printf("cores %u: %lu cycles, %lu.%03lu MAC/cycle, checksum 0x%08lx %s\n", n, (unsigned long)cycles,
               (unsigned long)(milli / 1000), (unsigned long)(milli % 1000), (unsigned long)checksum,
               ok ? "ok" : "MISMATCH");
        if (VS_MATMUL_REPEAT > 1) {
            uint32_t sum = 0;
            for (unsigned i = 0; i < n; i++) sum += worker_instructions[i];
            printf("cores %u: %lu worker instructions\n", n, (unsigned long)sum);
        }
    }
    printf("matmul_cluster %dx%dx%d checksum 0x%08lx\n", M, K, N, (unsigned long)checksum);
    printf(failed ? "FAIL\n" : "PASS\n");
    return failed;
}
