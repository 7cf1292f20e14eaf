/* A worker that traps stops the simulation with one line naming the core
 * (exit 113; tests/firmware: firmware.cluster_trap). */
#include <stdio.h>

#include "vs_cluster.h"

static void bad_kernel(void* arg) {
    (void)arg;
    if (vs_core_id() == 1) __asm__ volatile(".insn 4, 0x0000707b"); /* custom-3 funct3 7: illegal */
    vs_barrier();
}

int main(void) {
    vs_cluster_fork(bad_kernel, 0);
    printf("not reached\n");
    return 0;
}
