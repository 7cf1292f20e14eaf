/* The parallel-work hooks of the interpreter (interp_platform.h) on a profile
 * with a cluster (gap9): the fabric controller forks each parallel step onto the
 * worker cores and sleeps until they are all done (firmware/cluster/vs_cluster.h). */
#include "interp_platform.h"
#include "vitsim/platform.h"
#include "vitsim/runtime.h"
#include "vs_cluster.h"

typedef struct {
    vs_interp_task_t task;
    void *arg;
    int32_t items;
} vs__job_t;

static void vs__run_share(void *p) {
    const vs__job_t *job = (const vs__job_t *)p;
    const unsigned core = vs_core_id();
    unsigned begin, end;
    vs_split((unsigned)job->items, core, vs_core_count(), &begin, &end);
    job->task(job->arg, core, (int32_t)begin, (int32_t)end);
}

uint32_t vs_interp_cores(void) { return vs_cluster_cores(); }

void vs_interp_barrier(void) { vs_barrier(); }

void vs_interp_parallel(vs_interp_task_t task, void *arg, int32_t items) {
    vs__job_t job = {task, arg, items};
    vs_cluster_fork(vs__run_share, &job);
}

void *vs_interp_fast_alloc(uint32_t bytes) { return vs_l1_alloc(bytes); }

void vs_interp_fast_free(void) { vs_l1_free_all(); }

/* ---- linear layers on the matrix engine (engine=on; docs/engine.md) ---------------
 * The engine reaches the L1 only: the FC moves blocks of weight rows (with their
 * biases) and of token rows into the L1 with the cluster DMA, the engine computes
 * the block's outputs there, and a 2D transfer puts them into their columns of y.
 * The FC sleeps in DMA_WAIT and in the engine's WAIT. The top of the L1 stays free
 * for the cluster's worker stacks. */
#define VS_ENGINE_L1_RESERVED 8192u

static uint32_t vs__cluster_reg(uint32_t r) { return VS_CLUSTER_REG(r); }
static void vs__engine_set(uint32_t r, uint32_t v) { vs_mmio_write(VITSIM_ENGINE_BASE + r, v); }

/* rows x row_bytes between the L1 and another memory (dir: VITSIM_CLUSTER_DMA_TO_*),
 * through the cluster runtime's DMA; the FC sleeps until it is done. */
static void vs__cluster_dma(void *l1, const void *far, uint32_t row_bytes, uint32_t rows, uint32_t l1_stride,
                            uint32_t far_stride, uint32_t dir) {
    vs_dma_wait(vs_dma_2d(l1, far, row_bytes, rows, l1_stride, far_stride, dir));
}

/* One block on the engine: y_l1[m][n] from x_l1 (m x k) and w_l1 (n x k); 0 = ok. */
static int vs__engine_block(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, uint32_t m, uint32_t n,
                            uint32_t k, int32_t mul, int32_t shift) {
    vs__engine_set(VITSIM_ENGINE_A, (uint32_t)(uintptr_t)x);
    vs__engine_set(VITSIM_ENGINE_B, (uint32_t)(uintptr_t)w);
    vs__engine_set(VITSIM_ENGINE_BIAS, (uint32_t)(uintptr_t)bias);
    vs__engine_set(VITSIM_ENGINE_C, (uint32_t)(uintptr_t)y);
    vs__engine_set(VITSIM_ENGINE_M, m);
    vs__engine_set(VITSIM_ENGINE_N, n);
    vs__engine_set(VITSIM_ENGINE_K, k);
    vs__engine_set(VITSIM_ENGINE_LDA, k);
    vs__engine_set(VITSIM_ENGINE_LDB, k);
    vs__engine_set(VITSIM_ENGINE_LDC, n);
    vs__engine_set(VITSIM_ENGINE_QMUL, (uint32_t)mul);
    vs__engine_set(VITSIM_ENGINE_QSHIFT, (uint32_t)shift);
    vs__engine_set(VITSIM_ENGINE_QZERO, 0);
    vs__engine_set(VITSIM_ENGINE_CTRL, bias ? VITSIM_ENGINE_CTRL_BIAS : 0u);
    vs__engine_set(VITSIM_ENGINE_START, 1);
    vs__engine_set(VITSIM_ENGINE_WAIT, 1);
    return (vs_mmio_read(VITSIM_ENGINE_BASE + VITSIM_ENGINE_STATUS) & VITSIM_ENGINE_ERROR) ? -1 : 0;
}

int vs_interp_linear_offload(int32_t tokens, int32_t in_f, int32_t out_f, int32_t mul, int32_t shift,
                             const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y) {
    const uint32_t config = vs_mmio_read(VITSIM_ENGINE_BASE + VITSIM_ENGINE_CONFIG);
    const uint32_t lanes = config & 0xFFFFu, kmax = config >> 16, k = (uint32_t)in_f;
    if ((k & 3u) || k > kmax || tokens > 65535 || out_f > 65535 || shift < 1 || shift > 62 ||
        (((uintptr_t)x | (uintptr_t)w | (uintptr_t)bias) & 3u))
        return 0;
    uint8_t *l1 = (uint8_t *)(uintptr_t)vs__cluster_reg(VITSIM_CLUSTER_L1_BASE);
    const uint32_t room = vs__cluster_reg(VITSIM_CLUSTER_L1_SIZE) - VS_ENGINE_L1_RESERVED;
    /* Weight rows (and biases) in at most half the room, a multiple of the lanes. */
    uint32_t nb = (uint32_t)out_f;
    if (nb * (k + 4u) > room / 2u) nb = (room / 2u) / (k + 4u) / lanes * lanes;
    if (nb == 0) return 0;
    const uint32_t w_bytes = (nb * k + 3u) & ~3u;
    uint32_t mb = (room - w_bytes - 4u * nb) / (k + nb + 1u);
    if (mb > (uint32_t)tokens) mb = (uint32_t)tokens;
    if (mb == 0) return 0;
    /* Over its own input (token-overwrite): a block's outputs may only land on rows
     * already read, so one pass over the columns, forward when rows shrink. */
    if ((const int8_t *)y == x && (nb != (uint32_t)out_f || (out_f > in_f && mb != (uint32_t)tokens))) return 0;
    int8_t *w_l1 = (int8_t *)l1;
    int32_t *b_l1 = (int32_t *)(l1 + w_bytes);
    int8_t *x_l1 = (int8_t *)(b_l1 + nb);
    int8_t *y_l1 = x_l1 + mb * k;
    for (uint32_t n0 = 0; n0 < (uint32_t)out_f; n0 += nb) {
        const uint32_t n = (uint32_t)out_f - n0 < nb ? (uint32_t)out_f - n0 : nb;
        vs__cluster_dma(w_l1, w + n0 * k, n * k, 1, 0, 0, VITSIM_CLUSTER_DMA_TO_L1);
        if (bias) vs__cluster_dma(b_l1, bias + n0, 4u * n, 1, 0, 0, VITSIM_CLUSTER_DMA_TO_L1);
        for (uint32_t m0 = 0; m0 < (uint32_t)tokens; m0 += mb) {
            const uint32_t m = (uint32_t)tokens - m0 < mb ? (uint32_t)tokens - m0 : mb;
            vs__cluster_dma(x_l1, x + m0 * k, m * k, 1, 0, 0, VITSIM_CLUSTER_DMA_TO_L1);
            if (vs__engine_block(x_l1, w_l1, bias ? b_l1 : 0, y_l1, m, n, k, mul, shift) != 0) return -1;
            vs__cluster_dma(y_l1, y + m0 * (uint32_t)out_f + n0, n, m, n, (uint32_t)out_f, VITSIM_CLUSTER_DMA_TO_L2);
        }
    }
    return 1;
}
