/*
 * vitsim firmware runtime: performance counters, SIMCTRL markers and (RISC-V)
 * a small trap-handler helper. On Arm, exception handlers are the weak vector
 * table entries of firmware/runtime/arm/startup.S (HardFault_Handler, ...). Start-up, exit() and stdio on the UART are in
 * firmware/runtime/ and need no header (use <stdio.h>/<stdlib.h>).
 */
#ifndef VITSIM_RUNTIME_H
#define VITSIM_RUNTIME_H
#include <stdint.h>

#include "vitsim/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- memory-mapped I/O ---------------------------------------------------- */
static inline void vs_mmio_write(uint32_t addr, uint32_t value) {
    *(volatile uint32_t*)(uintptr_t)addr = value;
}
static inline uint32_t vs_mmio_read(uint32_t addr) {
    return *(volatile uint32_t*)(uintptr_t)addr;
}

#if defined(__riscv)
/* ---- counters (Zicsr) ----------------------------------------------------- */
static inline uint32_t vs_mcycle(void) {
    uint32_t v;
    __asm__ volatile("csrr %0, mcycle" : "=r"(v));
    return v;
}
static inline uint32_t vs_minstret(void) {
    uint32_t v;
    __asm__ volatile("csrr %0, minstret" : "=r"(v));
    return v;
}
/* 64-bit reads: retry when the low word wrapped between the two halves. */
static inline uint64_t vs_mcycle64(void) {
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile("csrr %0, mcycleh" : "=r"(hi));
        __asm__ volatile("csrr %0, mcycle" : "=r"(lo));
        __asm__ volatile("csrr %0, mcycleh" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t vs_minstret64(void) {
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile("csrr %0, minstreth" : "=r"(hi));
        __asm__ volatile("csrr %0, minstret" : "=r"(lo));
        __asm__ volatile("csrr %0, minstreth" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

#elif defined(__arm__)
/* ---- counters (Armv7-M) ----------------------------------------------------- */
/* Core cycles: the DWT cycle counter (started by the start-up code). Armv7-M has
 * no retired-instruction counter the program can read: there is no vs_minstret
 * on Arm (the simulator's report counts instructions). */
#define VS_DWT_CYCCNT 0xE0001004u
static inline uint32_t vs_mcycle(void) { return vs_mmio_read(VS_DWT_CYCCNT); }
/* 64 bits from the platform TIMER (core clock cycles since reset); retry when
 * the low word wrapped between the two halves. */
static inline uint64_t vs_mcycle64(void) {
    uint32_t hi, lo, hi2;
    do {
        hi = vs_mmio_read(VITSIM_TIMER_BASE + VITSIM_TIMER_MTIME_HI);
        lo = vs_mmio_read(VITSIM_TIMER_BASE + VITSIM_TIMER_MTIME_LO);
        hi2 = vs_mmio_read(VITSIM_TIMER_BASE + VITSIM_TIMER_MTIME_HI);
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

#endif

/* ---- SIMCTRL -------------------------------------------------------------- */
/* Per-layer profiling window in the simulator's report: cycles, energy, memory
 * between begin and end with the same id. */
static inline void vs_layer_begin(uint32_t id) {
    vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_LAYER_BEGIN, id);
}
static inline void vs_layer_end(uint32_t id) {
    vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_LAYER_END, id);
}
/* Energy window: the report's energy_windows gives the energy of the whole SoC
 * (every core, memory and DMA) between begin and end with the same id, e.g.
 * around one kernel call or phase. Windows may nest and repeat. */
static inline void vs_energy_begin(uint32_t id) {
    vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_ENERGY_BEGIN, id);
}
static inline void vs_energy_end(uint32_t id) {
    vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_ENERGY_END, id);
}
/* Records every counter of the simulator under `tag`. */
static inline void vs_snapshot(uint32_t tag) {
    vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_SNAPSHOT, tag);
}
static inline uint32_t vs_num_harts(void) {
    return vs_mmio_read(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_HARTS);
}

#if defined(__riscv)
/* ---- traps ---------------------------------------------------------------- */
/* Registers of the trapped code (regs[0] is 0, regs[2] its sp) and the trap
 * CSRs. A handler may change regs[] and mepc; they are restored on return. */
typedef struct vs_trap_frame {
    uint32_t regs[32];
    uint32_t mcause;
    uint32_t mepc;
    uint32_t mtval;
    uint32_t pad;
} vs_trap_frame;

typedef void (*vs_trap_handler_t)(vs_trap_frame* frame);

/* Points mtvec at the runtime's vector, which calls `handler`. */
void vs_trap_install(vs_trap_handler_t handler);
/* mtvec = 0 again: later traps end the simulation (simulator exit code 113). */
void vs_trap_uninstall(void);
/* Length in bytes (2 or 4) of the instruction at `pc`. */
uint32_t vs_insn_length(uint32_t pc);
/* Resume after the trapping instruction (ecall, ebreak, illegal, faults). */
static inline void vs_trap_skip(vs_trap_frame* frame) {
    frame->mepc += vs_insn_length(frame->mepc);
}

enum {
    VS_CAUSE_INSN_MISALIGNED = 0,
    VS_CAUSE_INSN_ACCESS_FAULT = 1,
    VS_CAUSE_ILLEGAL_INSN = 2,
    VS_CAUSE_BREAKPOINT = 3,
    VS_CAUSE_LOAD_ACCESS_FAULT = 5,
    VS_CAUSE_STORE_ACCESS_FAULT = 7,
    VS_CAUSE_ECALL_M = 11,
};
#endif /* __riscv */

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_RUNTIME_H */
