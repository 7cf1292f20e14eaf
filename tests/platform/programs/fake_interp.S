# Not an interpreter: it has the linker symbols `vitsim run` reads, but its
# vs_model_image_address lies outside every loaded segment (and every memory).
    .globl _start, __data_start, __bss_end, __heap_start, __stack_limit, __stack, vs_model_image_address
    .set __data_start, 0x20000000
    .set __bss_end, 0x20000010
    .set __heap_start, 0x20000010
    .set __stack_limit, 0x2004f000
    .set __stack, 0x20050000
    .set vs_model_image_address, 0x30000000
    .text
_start:
    j _start
