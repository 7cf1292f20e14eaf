/* Stores to an address no memory or device answers: store access fault,
 * no handler, exit code 113 naming the address. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    volatile uint32_t* nowhere = (volatile uint32_t*)0x60000020u;
    *nowhere = 0x12345678u;
    printf("FAIL: store to 0x60000020 did not fault\n");
    return 1;
}
