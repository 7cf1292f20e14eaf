/* Executes a permanently undefined instruction (UDF) with no UsageFault or
 * HardFault handler: the vector entry is 0, so the simulator stops with its own
 * message (exit code 113) instead of running a default handler. */
#include <stdio.h>

int main(void) {
    printf("about to execute UDF\n");
    __asm__ volatile("udf #9");
    printf("FAIL: UDF returned\n");
    return 1;
}
