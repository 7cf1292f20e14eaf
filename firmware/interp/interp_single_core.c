/* The parallel-work hooks of the interpreter (interp_platform.h) where there is
 * no cluster (the host golden model, single-core profiles): the kernels run on
 * this core, as one share over every item. */
#include <string.h>

#include "interp_platform.h"

uint32_t vs_interp_cores(void) { return 0; }

void vs_interp_barrier(void) {}

void vs_interp_parallel(vs_interp_task_t task, void *arg, int32_t items) { task(arg, 0, 0, items); }

void *vs_interp_fast_alloc(uint32_t bytes) {
    (void)bytes;
    return (void *)0;
}

void vs_interp_fast_free(void) {}

uint32_t vs_interp_copy_in(void *fast, const void *slow, uint32_t bytes) {
    memcpy(fast, slow, bytes);
    return 0;
}

uint32_t vs_interp_copy_out(void *slow, const void *fast, uint32_t bytes) {
    memcpy(slow, fast, bytes);
    return 0;
}

void vs_interp_copy_wait(uint32_t id) { (void)id; }
