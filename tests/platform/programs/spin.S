# Never ends: used for the cycle limit (exit 114) and, linked outside every memory,
# for the load error (exit 112).
    .section .text
    .globl _start
_start:
    j       _start
