# Executes an illegal instruction with no trap handler (mtvec = 0): vitsim exits 113.
    .section .text
    .globl _start
_start:
    nop
    unimp
