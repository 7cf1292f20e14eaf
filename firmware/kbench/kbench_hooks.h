/* kbench's per-phase cycle counters, filled by the phase hooks (kbench_hooks.c). */
#ifndef KBENCH_HOOKS_H
#define KBENCH_HOOKS_H
#include <stdint.h>

#include "vs_phase.h"

extern uint32_t kbench_phase_cycles[VS_PHASE_COUNT];

#endif
