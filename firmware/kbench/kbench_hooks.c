/*
 * Phase hooks of kbench (kernels/src/vs_phase.h): the kernels built with
 * VS_PHASE_HOOKS=1 call them around each phase; cycles accumulate per phase.
 * In their own file so that they sit with the kernel code (same memory).
 */
#include "kbench_hooks.h"

#include "vitsim/runtime.h"

uint32_t kbench_phase_cycles[VS_PHASE_COUNT];

#if defined(VS_PHASE_HOOKS) && VS_PHASE_HOOKS
static uint32_t phase_start;

void vs_phase_begin(vs_phase_t phase) {
    (void)phase;
    phase_start = vs_mcycle();
}

void vs_phase_end(vs_phase_t phase) { kbench_phase_cycles[phase] += vs_mcycle() - phase_start; }
#endif
