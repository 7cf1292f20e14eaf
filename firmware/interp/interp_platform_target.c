/* Target platform of the interpreter: SIMCTRL layer and kernel-phase markers and
 * the platform DMA (vitsim/platform.h) for weight staging. */
#include "interp_platform.h"
#include "vs_phase.h"
#include "vitsim/platform.h"
#include "vitsim/runtime.h"

void vs_interp_layer_begin(uint32_t index) { vs_layer_begin(index); }

void vs_interp_layer_end(uint32_t index) { vs_layer_end(index); }

/* The kernels are built with VS_PHASE_HOOKS=1: each phase is bracketed by a SIMCTRL
 * write (a few cycles per phase entry; the simulator reports the phases per layer). */
void vs_phase_begin(vs_phase_t phase) { vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_PHASE_BEGIN, (uint32_t)phase); }

void vs_phase_end(vs_phase_t phase) { vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_PHASE_END, (uint32_t)phase); }

int vs_interp_copy(void *dst, const void *src, uint32_t bytes) {
    if (bytes == 0) return 0;
    vs_mmio_write(VITSIM_DMA_BASE + VITSIM_DMA_SRC, (uint32_t)(uintptr_t)src);
    vs_mmio_write(VITSIM_DMA_BASE + VITSIM_DMA_DST, (uint32_t)(uintptr_t)dst);
    vs_mmio_write(VITSIM_DMA_BASE + VITSIM_DMA_LEN, bytes);
    vs_mmio_write(VITSIM_DMA_BASE + VITSIM_DMA_CTRL, 1u);
    uint32_t status;
    /* The core waits for the copy: the layer's cycles include the transfer. */
    do {
        status = vs_mmio_read(VITSIM_DMA_BASE + VITSIM_DMA_STATUS);
    } while (status & 1u);
    return (status & 2u) ? -1 : 0;
}

void vs_interp_host_set_hooks(vs_interp_layer_hook_t layer_hook, vs_interp_copy_hook_t copy_hook, void *user) {
    (void)layer_hook;
    (void)copy_hook;
    (void)user;
}

/* ---- linear layers on the matrix engine (engine=on; docs/engine.md) ---------------
 * The engine reaches the L1 only: the FC moves blocks of weight rows (with their
 * biases) and of token rows into the L1 with the cluster DMA, the engine computes
 * the block's outputs there, and a 2D transfer puts them into their columns of y.
 * The FC sleeps in DMA_WAIT and in the engine's WAIT. The top of the L1 stays free
 * for the cluster's worker stacks. */
#define VS_ENGINE_L1_RESERVED 8192u

static uint32_t vs__cluster_reg(uint32_t r) { return vs_mmio_read(VITSIM_CLUSTER_BASE + r); }
static void vs__cluster_set(uint32_t r, uint32_t v) { vs_mmio_write(VITSIM_CLUSTER_BASE + r, v); }
static void vs__engine_set(uint32_t r, uint32_t v) { vs_mmio_write(VITSIM_ENGINE_BASE + r, v); }

/* rows x row_bytes between the L1 and another memory (dir: VITSIM_CLUSTER_DMA_TO_*); waits. */
static void vs__cluster_dma(void *l1, const void *far, uint32_t row_bytes, uint32_t rows, uint32_t l1_stride,
                            uint32_t far_stride, uint32_t dir) {
    vs__cluster_set(VITSIM_CLUSTER_DMA_L2, (uint32_t)(uintptr_t)far);
    vs__cluster_set(VITSIM_CLUSTER_DMA_L1, (uint32_t)(uintptr_t)l1);
    vs__cluster_set(VITSIM_CLUSTER_DMA_LEN, row_bytes);
    vs__cluster_set(VITSIM_CLUSTER_DMA_ROWS, rows);
    vs__cluster_set(VITSIM_CLUSTER_DMA_L2_STRIDE, far_stride);
    vs__cluster_set(VITSIM_CLUSTER_DMA_L1_STRIDE, l1_stride);
    vs__cluster_set(VITSIM_CLUSTER_DMA_START, dir);
    vs__cluster_set(VITSIM_CLUSTER_DMA_WAIT, vs__cluster_reg(VITSIM_CLUSTER_DMA_ID));
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
