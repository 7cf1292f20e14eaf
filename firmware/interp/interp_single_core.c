/* The parallel-work hooks of the interpreter (interp_platform.h) where there is
 * no cluster (the host golden model, single-core profiles): the kernels run on
 * this core, as one share over every item. */
#include <string.h>

#include "interp_platform.h"

uint32_t vs_interp_cores(void) { return 0; }

void vs_interp_barrier(void) {}

void vs_interp_parallel(vs_interp_task_t task, void *arg, int32_t items) { task(arg, 0, 0, items); }

void vs_interp_parallel_begin(vs_interp_task_t task, void *arg, int32_t items) { task(arg, 0, 0, items); }

void vs_interp_parallel_end(void) {}

void *vs_interp_fast_alloc(uint32_t bytes) {
    (void)bytes;
    return (void *)0;
}

void vs_interp_fast_free(void) {}

/* The matrix engine works on the cluster's L1 (interp_cluster.c): without the
 * cluster runtime the layer runs on this core. The host golden model never
 * offloads either: its kernels are what the engine must equal bit for bit. */
int vs_interp_linear_offload(int32_t tokens, int32_t in_f, int32_t out_f, int32_t mul, int32_t shift,
                             const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y) {
    (void)tokens, (void)in_f, (void)out_f, (void)mul, (void)shift, (void)x, (void)w, (void)bias, (void)y;
    return 0;
}

int vs_interp_gemm_fits(uint32_t k, int32_t shift) {
    (void)k, (void)shift;
    return 0;
}

int vs_interp_gemm_offload(const vs_interp_gemm_t *g) {
    (void)g;
    return 0;
}
uint32_t vs_interp_copy_in(void *fast, const void *slow, uint32_t bytes) {
    memcpy(fast, slow, bytes);
    return 0;
}

uint32_t vs_interp_copy_out(void *slow, const void *fast, uint32_t bytes) {
    memcpy(slow, fast, bytes);
    return 0;
}

uint32_t vs_interp_copy_out_rows(void *slow, uint32_t slow_stride, const void *fast, uint32_t row_bytes,
                                 uint32_t rows) {
    for (uint32_t r = 0; r < rows; r++)
        memcpy((uint8_t *)slow + r * slow_stride, (const uint8_t *)fast + r * row_bytes, row_bytes);
    return 0;
}

void vs_interp_copy_wait(uint32_t id) { (void)id; }
