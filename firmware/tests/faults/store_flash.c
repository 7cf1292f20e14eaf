/* Stores into the code memory (read-only flash on the STM32 profiles): store
 * access fault, no handler, exit code 113 naming the address. */
#include <stdint.h>
#include <stdio.h>

/* Not volatile itself: GCC would place a const volatile in writable .sdata. */
static const uint32_t constant_in_flash = 0xc0ffee00u;

int main(void) {
    printf("storing to 0x%08lx\n", (unsigned long)(uintptr_t)&constant_in_flash);
    *(volatile uint32_t*)(uintptr_t)&constant_in_flash = 1;
    printf("FAIL: store to flash did not fault\n");
    return 1;
}
