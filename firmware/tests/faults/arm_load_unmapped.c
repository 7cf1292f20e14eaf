/* Loads from an address no memory or device answers, with no fault handler:
 * a BusFault that stops the simulator (exit code 113) naming the address. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    volatile uint32_t* nowhere = (volatile uint32_t*)0x60000010u;
    uint32_t value = *nowhere;
    printf("FAIL: load from 0x60000010 returned 0x%08lx\n", (unsigned long)value);
    return 1;
}
