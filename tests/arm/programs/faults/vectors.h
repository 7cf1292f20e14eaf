/* Vector table of a fault program: SP, then the reset handler `reset`; every other
 * entry 0 (no handler), so the fault stops the simulator with its own message. */
	.syntax unified
	.thumb
	.section .vectors, "a"
	.word 0x20040000
	.word reset + 1
	.fill 14, 4, 0
	.text
	.thumb_func
	.globl reset
reset:
