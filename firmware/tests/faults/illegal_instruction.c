/* Executes an illegal instruction with no trap handler (mtvec = 0): the
 * simulator stops with exit code 113 and names the instruction and pc. */
#include <stdio.h>

int main(void) {
    printf("about to execute an illegal instruction\n");
    __asm__ volatile(".option push\n\t.option norvc\n\t.word 0x00000057\n\t.option pop");
    printf("FAIL: still running after an illegal instruction\n");
    return 1;
}
