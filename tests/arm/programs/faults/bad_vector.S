/* A vector table whose reset entry points outside every memory (0x30000000): the
 * first fetch faults, and no HardFault handler takes it. */
	.syntax unified
	.thumb
	.section .vectors, "a"
	.word 0x20040000
	.word 0x30000001
	.fill 14, 4, 0
	.text
	.thumb_func
	.globl reset
reset:
	b	reset
