/* C side of the trap helper; the vector itself is trap_vector.S. */
#include "vitsim/runtime.h"

void vs_trap_entry(void);
/* Read by trap_vector.S. */
vs_trap_handler_t vs_trap_handler;

void vs_trap_install(vs_trap_handler_t handler) {
    vs_trap_handler = handler;
    __asm__ volatile("csrw mtvec, %0" : : "r"(&vs_trap_entry));
}

void vs_trap_uninstall(void) {
    __asm__ volatile("csrw mtvec, zero");
    vs_trap_handler = 0;
}

uint32_t vs_insn_length(uint32_t pc) {
    /* Compressed instructions have low bits != 0b11; read 16 bits so that a
     * compressed instruction at the end of a memory is not over-read. */
    uint16_t low = *(const volatile uint16_t*)(uintptr_t)pc;
    return (low & 3u) == 3u ? 4u : 2u;
}
