/*
 * Cluster runtime (profiles with a "cluster", e.g. gap9; docs/cluster.md): the
 * fabric controller (FC) forks a function onto the worker cores and sleeps until
 * they are all done; workers know their id, meet at barriers and move data
 * between L2 and their shared L1 with the cluster DMA.
 *
 *   FC:      vs_cluster_fork(kernel, &args);         // returns when every core is done
 *   worker:  unsigned id = vs_core_id(), n = vs_core_count();
 *            ... vs_barrier(); ...
 */
#ifndef VS_CLUSTER_H
#define VS_CLUSTER_H
#include <stddef.h>
#include <stdint.h>

#include "vitsim/platform.h"

#define VS_CLUSTER_REG(offset) (*(volatile uint32_t*)(VITSIM_CLUSTER_BASE + (offset)))

/* Bytes of stack per worker, at the top of L1 (vs_l1_alloc stops below them). */
#ifndef VS_CLUSTER_STACK_BYTES
#define VS_CLUSTER_STACK_BYTES 1024u
#endif

/* ---- FC side --------------------------------------------------------------- */
unsigned vs_cluster_cores(void);  /* worker cores of this run (vitsim --cores) */
/* Runs fn(arg) on workers 0..n-1 (n = 1..vs_cluster_cores()) and waits, asleep,
 * until all have returned. */
void vs_cluster_fork_n(unsigned n, void (*fn)(void*), void* arg);
static inline void vs_cluster_fork(void (*fn)(void*), void* arg) { vs_cluster_fork_n(vs_cluster_cores(), fn, arg); }
/* The fork in two halves, so that the FC works meanwhile (drives the matrix engine):
 * start returns at once, join sleeps until every started worker has returned. */
void vs_cluster_start_n(unsigned n, void (*fn)(void*), void* arg);
void vs_cluster_join(void);

/* L1 (TCDM) memory: a bump allocator below the worker stacks; NULL when full. */
void* vs_l1_alloc(size_t bytes);   /* 4-byte aligned */
void vs_l1_free_all(void);

/* ---- worker side ----------------------------------------------------------- */
static inline unsigned vs_core_id(void) {  /* 0..vs_core_count()-1 (mhartid - 1) */
    unsigned h;
    __asm__ volatile("csrr %0, mhartid" : "=r"(h));
    return h - 1;
}
extern volatile unsigned vs_cluster_forked; /* cores of the current fork */
static inline unsigned vs_core_count(void) { return vs_cluster_forked; }
/* Sleeps until every forked core arrived (event unit; ~11 cycles after the last). */
static inline void vs_barrier(void) { VS_CLUSTER_REG(VITSIM_CLUSTER_BARRIER) = 0; }
/* The [begin, end) share of `total` items for core `id` of `n`: sizes differ by at most 1. */
static inline void vs_split(unsigned total, unsigned id, unsigned n, unsigned* begin, unsigned* end) {
    const unsigned base = total / n, extra = total % n;
    *begin = id * base + (id < extra ? id : extra);
    *end = *begin + base + (id < extra ? 1u : 0u);
}

/* ---- cluster DMA (workers and FC) --------------------------------------------
 * Transfers run in the background, in order; each call returns a transfer id.
 * vs_dma_wait(id) sleeps until that transfer (and every earlier one) is done. */
unsigned vs_dma_2d(void* l1, const void* l2, uint32_t row_bytes, uint32_t rows, uint32_t l1_stride,
                   uint32_t l2_stride, unsigned direction /* VITSIM_CLUSTER_DMA_TO_L1 / _TO_L2 */);
static inline unsigned vs_dma_to_l1(void* l1, const void* l2, uint32_t bytes) {
    return vs_dma_2d(l1, l2, bytes, 1, 0, 0, VITSIM_CLUSTER_DMA_TO_L1);
}
static inline unsigned vs_dma_to_l2(void* l2, const void* l1, uint32_t bytes) {
    return vs_dma_2d((void*)l1, l2, bytes, 1, 0, 0, VITSIM_CLUSTER_DMA_TO_L2);
}
static inline void vs_dma_wait(unsigned id) { VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_WAIT) = id; }
static inline int vs_dma_done(unsigned id) { return VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_DONE) >= id; }

/* Double buffering: tile t lives in buf[t & 1]. Start tile t+1's transfer, compute
 * on tile t, then wait for t+1:
 *   vs_dbuf db = {{a, b}, {0, 0}};
 *   vs_dbuf_fetch(&db, 0, src0, n);
 *   for (t = 0; t < tiles; t++) {
 *       if (t + 1 < tiles) vs_dbuf_fetch(&db, t + 1, src(t + 1), n);
 *       vs_dbuf_wait(&db, t); compute(db.buf[t & 1]);
 *   } */
typedef struct {
    void* buf[2];
    unsigned id[2];
} vs_dbuf;
static inline void vs_dbuf_fetch(vs_dbuf* db, unsigned tile, const void* l2, uint32_t bytes) {
    db->id[tile & 1] = vs_dma_to_l1(db->buf[tile & 1], l2, bytes);
}
static inline void* vs_dbuf_wait(vs_dbuf* db, unsigned tile) {
    vs_dma_wait(db->id[tile & 1]);
    return db->buf[tile & 1];
}

#endif /* VS_CLUSTER_H */
