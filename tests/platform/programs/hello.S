# Smallest useful firmware for the platform tests: prints through the UART and the
# ecall write proxy, brackets a loop with SIMCTRL layer markers, exits with 7.
# Addresses are those of firmware/include/vitsim/platform.h (whose constants carry a
# C 'u' suffix the assembler does not accept).
    .equ UART_TXDATA,        0x40000000
    .equ SIMCTRL_EXIT,       0x40001000
    .equ SIMCTRL_LAYER_BEGIN, 0x40001004
    .equ SIMCTRL_LAYER_END,  0x40001008

    .section .text
    .globl _start
_start:
    # UART: one byte per store.
    la      a0, greeting
    li      t0, UART_TXDATA
1:  lbu     t1, 0(a0)
    beqz    t1, 2f
    sw      t1, 0(t0)
    addi    a0, a0, 1
    j       1b

    # Layer 5: 100 iterations of a 2-instruction loop.
2:  li      t2, SIMCTRL_LAYER_BEGIN
    li      t3, 5
    sw      t3, 0(t2)
    li      t4, 100
3:  addi    t4, t4, -1
    bnez    t4, 3b
    li      t2, SIMCTRL_LAYER_END
    sw      t3, 0(t2)

    # ecall write(1, proxy, proxy_len)
    li      a0, 1
    la      a1, proxy
    li      a2, 17              # strlen("hello from ecall\n")
    li      a7, 64
    ecall

    # SIMCTRL exit(7)
    li      t0, SIMCTRL_EXIT
    li      t1, 7
    sw      t1, 0(t0)
4:  j       4b

    .section .rodata
greeting:
    .asciz  "hello from the UART\n"
proxy:
    .ascii  "hello from ecall\n"
