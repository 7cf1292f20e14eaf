/*
 * vitsim start-up: the ELF entry point of every firmware program.
 *
 * Sets sp (top of the data memory), gp (small-data base) and tp (TLS block,
 * where picolibc keeps errno), copies .data/.tdata from their load image,
 * zeroes .tbss/.bss, tells SIMCTRL the lowest legal stack address, runs C
 * constructors, calls main(0, 0) and passes its return value to exit().
 * mtvec is left 0: a trap with no handler ends the simulation with a message.
 * Only hart 0 runs this: any other hart that starts here goes to
 * vs_secondary_start (weak; parks the hart) before touching memory, so a
 * multi-core runtime can give worker cores their own entry and stacks.
 */
#include "vitsim/platform.h"

	.section .text.init.enter, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	csrr	t0, mhartid
	bnez	t0, vs_secondary_start
	.option push
	.option norelax          /* gp is not set yet: no gp-relative relaxation */
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack
	la	tp, __tls_base

	/* .data and .tdata: one word copy (skipped when they run where they load) */
	la	a0, __data_start
	la	a1, __data_source
	la	a2, __data_end
	beq	a0, a1, 2f
1:	bgeu	a0, a2, 2f
	lw	t0, 0(a1)
	sw	t0, 0(a0)
	addi	a0, a0, 4
	addi	a1, a1, 4
	j	1b
2:
	/* .tbss and .bss */
	la	a0, __bss_start
	la	a2, __bss_end
3:	bgeu	a0, a2, 4f
	sw	zero, 0(a0)
	addi	a0, a0, 4
	j	3b
4:
	/* stack high-water accounting: below this address the stack has overflowed */
	li	t0, VITSIM_SIMCTRL_BASE
	la	t1, __stack_limit
	sw	t1, VITSIM_SIMCTRL_STACK_LIMIT(t0)

	call	__libc_init_array
	li	a0, 0
	li	a1, 0
	call	main
	tail	exit
	.size _start, . - _start

	.section .text.vs_secondary_start, "ax", @progbits
	.weak vs_secondary_start
	.type vs_secondary_start, @function
vs_secondary_start:
1:	wfi
	j	1b
	.size vs_secondary_start, . - vs_secondary_start
