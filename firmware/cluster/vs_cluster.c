/* Cluster runtime: fork/join, L1 allocation, DMA (vs_cluster.h, docs/cluster.md). */
#include "vs_cluster.h"

volatile unsigned vs_cluster_forked;
static uint32_t fc_tp;    /* the FC's thread pointer, shared with the workers (picolibc TLS) */
static uint32_t l1_next;  /* vs_l1_alloc's next free byte (0: not initialised) */

unsigned vs_cluster_cores(void) { return VS_CLUSTER_REG(VITSIM_CLUSTER_CORES); }

/* Where every forked worker starts: a0 = arg, a1 = fn, sp = its stack. It needs
 * the program's gp (and tp) before any C code touches a global, then runs fn and
 * tells the event unit it is done; DONE puts it to sleep (the next fork restarts
 * it here), so it never returns. */
__attribute__((noreturn, used)) static void vs_cluster_entry(void* arg, void (*fn)(void*)) {
    __asm__ volatile(".option push\n.option norelax\nla gp, __global_pointer$\n.option pop\n" ::: "memory");
    __asm__ volatile("mv tp, %0" ::"r"(fc_tp));
    fn(arg);
    VS_CLUSTER_REG(VITSIM_CLUSTER_DONE) = 0;
    for (;;) {
    }
}

void vs_cluster_fork_n(unsigned n, void (*fn)(void*), void* arg) {
    vs_cluster_start_n(n, fn, arg);
    vs_cluster_join();
}

void vs_cluster_start_n(unsigned n, void (*fn)(void*), void* arg) {
    const uint32_t l1_end = VS_CLUSTER_REG(VITSIM_CLUSTER_L1_BASE) + VS_CLUSTER_REG(VITSIM_CLUSTER_L1_SIZE);
    __asm__ volatile("mv %0, tp" : "=r"(fc_tp));
    vs_cluster_forked = n;
    VS_CLUSTER_REG(VITSIM_CLUSTER_ENTRY) = (uint32_t)(uintptr_t)&vs_cluster_entry;
    VS_CLUSTER_REG(VITSIM_CLUSTER_FN) = (uint32_t)(uintptr_t)fn;
    VS_CLUSTER_REG(VITSIM_CLUSTER_ARG) = (uint32_t)(uintptr_t)arg;
    VS_CLUSTER_REG(VITSIM_CLUSTER_STACK_TOP) = l1_end;
    VS_CLUSTER_REG(VITSIM_CLUSTER_STACK_SIZE) = VS_CLUSTER_STACK_BYTES;
    VS_CLUSTER_REG(VITSIM_CLUSTER_FORK) = n;
}

void vs_cluster_join(void) { VS_CLUSTER_REG(VITSIM_CLUSTER_JOIN) = 0; /* the FC sleeps here until the end event */ }

void* vs_l1_alloc(size_t bytes) {
    const uint32_t base = VS_CLUSTER_REG(VITSIM_CLUSTER_L1_BASE);
    const uint32_t limit = base + VS_CLUSTER_REG(VITSIM_CLUSTER_L1_SIZE) - 8u * VS_CLUSTER_STACK_BYTES;
    if (l1_next == 0) l1_next = base;
    bytes = (bytes + 3u) & ~(size_t)3u;
    if (bytes > limit - l1_next) return NULL;
    void* p = (void*)(uintptr_t)l1_next;
    l1_next += (uint32_t)bytes;
    return p;
}

void vs_l1_free_all(void) { l1_next = 0; }

unsigned vs_dma_2d(void* l1, const void* l2, uint32_t row_bytes, uint32_t rows, uint32_t l1_stride,
                   uint32_t l2_stride, unsigned direction) {
    VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_L1) = (uint32_t)(uintptr_t)l1;
    VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_L2) = (uint32_t)(uintptr_t)l2;
    VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_LEN) = row_bytes;
    VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_ROWS) = rows;
    VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_L1_STRIDE) = l1_stride;
    VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_L2_STRIDE) = l2_stride;
    VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_START) = direction;
    return VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_ID);
}
