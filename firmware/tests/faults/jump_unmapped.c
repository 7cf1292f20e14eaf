/* Calls a function pointer into unmapped memory: instruction access fault,
 * no handler, exit code 113 naming the pc. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    void (*volatile nowhere)(void) = (void (*)(void))0x60000000u;
    printf("jumping to 0x60000000\n");
    nowhere();
    printf("FAIL: returned from unmapped memory\n");
    return 1;
}
