/*
 * vitsim start-up for Cortex-M4/M7 (Armv7E-M, Thumb-2): the vector table and
 * _start, the reset handler and ELF entry. The same contract as the RISC-V
 * crt0.S: copy .data/.tdata from their load image, zero .tbss/.bss, tell
 * SIMCTRL the lowest legal stack address, run C constructors, main(0, 0), exit().
 *
 * The vector table is placed first in the code memory by the generated linker
 * script (section .vectors): the core reads SP (word 0) and the reset handler
 * (word 1) from there at reset, VTOR being the code memory base.
 *
 * Every other entry is a weak symbol: a program that defines e.g.
 * HardFault_Handler or SysTick_Handler gets it; one that does not leaves the
 * entry 0, and the simulator stops at such an exception with its own message
 * (what fault, pc, address) instead of running an anonymous default handler.
 */
#include "vitsim/platform.h"

	.syntax unified
	.thumb

/* Number of external interrupt lines with a vector; all go to vs_irq_handler,
 * which reads IPSR to tell them apart. */
#define VS_IRQ_VECTORS 32

	.section .vectors, "a", %progbits
	.align 2
	.globl vs_vector_table
	.type vs_vector_table, %object
vs_vector_table:
	.word __stack              /*  0 initial SP: top of the data memory */
	.word _start               /*  1 reset */
	.word NMI_Handler          /*  2 */
	.word HardFault_Handler    /*  3 */
	.word MemManage_Handler    /*  4 */
	.word BusFault_Handler     /*  5 */
	.word UsageFault_Handler   /*  6 */
	.word 0, 0, 0, 0           /*  7-10 reserved */
	.word SVC_Handler          /* 11 */
	.word DebugMon_Handler     /* 12 */
	.word 0                    /* 13 reserved */
	.word PendSV_Handler       /* 14 */
	.word SysTick_Handler      /* 15 */
	.rept VS_IRQ_VECTORS
	.word vs_irq_handler       /* 16.. external interrupts */
	.endr
	.size vs_vector_table, . - vs_vector_table

	.weak NMI_Handler, HardFault_Handler, MemManage_Handler, BusFault_Handler
	.weak UsageFault_Handler, SVC_Handler, DebugMon_Handler, PendSV_Handler
	.weak SysTick_Handler, vs_irq_handler

/* Armv7-M debug registers: DEMCR.TRCENA powers the DWT, DWT_CTRL.CYCCNTENA
 * starts its cycle counter (vs_mcycle reads DWT_CYCCNT). */
#define VS_DEMCR        0xE000EDFC
#define VS_DEMCR_TRCENA (1 << 24)
#define VS_DWT_CTRL     0xE0001000

	.section .text.init.enter, "ax", %progbits
	.align 1
	.globl _start
	.type _start, %function
	.thumb_func
_start:
	/* Reset already loaded SP from the table; set it again for a start at the
	 * ELF entry without a reset (a debugger, another loader). */
	ldr	r0, =__stack
	mov	sp, r0

	/* .data and .tdata: one word copy (skipped when they run where they load) */
	ldr	r0, =__data_start
	ldr	r1, =__data_source
	ldr	r2, =__data_end
	cmp	r0, r1
	beq	2f
1:	cmp	r0, r2
	bhs	2f
	ldr	r3, [r1], #4
	str	r3, [r0], #4
	b	1b
2:
	/* .tbss and .bss */
	ldr	r0, =__bss_start
	ldr	r2, =__bss_end
	movs	r3, #0
3:	cmp	r0, r2
	bhs	4f
	str	r3, [r0], #4
	b	3b
4:
	/* stack high-water accounting: below this address the stack has overflowed */
	ldr	r0, =VITSIM_SIMCTRL_BASE
	ldr	r1, =__stack_limit
	str	r1, [r0, #VITSIM_SIMCTRL_STACK_LIMIT]

	/* cycle counter on, as on a real part (the simulator counts either way) */
	ldr	r0, =VS_DEMCR
	ldr	r1, [r0]
	orr	r1, r1, #VS_DEMCR_TRCENA
	str	r1, [r0]
	ldr	r0, =VS_DWT_CTRL
	ldr	r1, [r0]
	orr	r1, r1, #1
	str	r1, [r0]

	/* picolibc's thread pointer (errno lives in .tdata/.tbss): after .bss is
	 * zeroed, since the pointer itself is a .bss variable */
	ldr	r0, =__tls_base
	bl	_set_tls

	bl	__libc_init_array
	movs	r0, #0
	movs	r1, #0
	bl	main
	bl	exit
	.size _start, . - _start
	.pool
