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
