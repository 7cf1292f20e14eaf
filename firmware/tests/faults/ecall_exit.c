/* Ends through the proxy ecall exit (a7 = 93, status in a0) with status 42,
 * without returning from main. */
#include <stdio.h>

int main(void) {
    printf("exiting with ecall 93\n");
    register long a0 __asm__("a0") = 42;
    register long a7 __asm__("a7") = 93;
    __asm__ volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
    printf("FAIL: still running after ecall exit\n");
    return 1;
}
