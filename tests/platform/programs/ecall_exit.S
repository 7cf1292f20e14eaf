# Exits through the ecall proxy (a7 = 93) with status 42, reading the timer first.
    .section .text
    .globl _start
_start:
    li      t0, 0x40002000      # TIMER_MTIME_LO
    lw      t1, 0(t0)
    li      a0, 42
    li      a7, 93
    ecall
