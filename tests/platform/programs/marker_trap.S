# Opens a layer marker that it never closes, then executes an illegal instruction
# with no trap handler: vitsim exits 113 with one line, the trap's (no line about
# the open marker before it).
    .section .text
    .globl _start
_start:
    li t0, 0x40001000
    li t1, 7
    sw t1, 4(t0)        # SIMCTRL LAYER_BEGIN 7
    unimp
