/*
 * Cluster model checks (tests/firmware: firmware.cluster_*): bank conflicts,
 * barrier with uneven work, DMA 2D correctness, completion event, overlap of DMA
 * and compute, DMA against cores on the banks. Prints what it measured; exits
 * with the number of failed checks. Needs at least 2 cores (vitsim --cores).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vitsim/runtime.h"
#include "vs_cluster.h"

static int failures;
static void check(int ok, const char* what) {
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    failures += !ok;
}

/* ---- bank conflicts: cores 0 and 1 load in the same cycle (right after a barrier,
 * which releases every core in the same cycle) --------------------------------- */
struct bank_args {
    volatile uint32_t* addr[2];
    uint32_t delta[2];
};
static void bank_kernel(void* p) {
    struct bank_args* b = (struct bank_args*)p;
    const unsigned id = vs_core_id();
    if (id > 1) {
        vs_barrier();
        vs_barrier();
        return;
    }
    volatile uint32_t* a = b->addr[id];
    uint32_t t0, t1, v;
    vs_barrier();
    __asm__ volatile("csrr %0, mcycle\n lw %1, 0(%3)\n csrr %2, mcycle" : "=&r"(t0), "=&r"(v), "=&r"(t1) : "r"(a));
    b->delta[id] = t1 - t0;
    vs_barrier();
}
static void check_bank_conflicts(volatile uint32_t* l1) {
    struct bank_args b = {{l1, l1 + 16}, {0, 0}}; /* 16 words apart: the same bank of 16 */
    vs_cluster_fork(bank_kernel, &b); /* warms the cores' instruction caches: cold, the */
    vs_cluster_fork(bank_kernel, &b); /* core that refills from L2 first would lag */
    printf("same bank: core 0 %lu cycles, core 1 %lu cycles\n", (unsigned long)b.delta[0], (unsigned long)b.delta[1]);
    check(b.delta[1] == b.delta[0] + 1 || b.delta[0] == b.delta[1] + 1, "two cores, one bank, one cycle: one waits a cycle");
    b.addr[1] = l1 + 17; /* the next bank */
    vs_cluster_fork(bank_kernel, &b);
    printf("other bank: core 0 %lu cycles, core 1 %lu cycles\n", (unsigned long)b.delta[0], (unsigned long)b.delta[1]);
    check(b.delta[0] == b.delta[1], "two cores, two banks, one cycle: nobody waits");
}

/* ---- barrier with uneven work ------------------------------------------------- */
struct barrier_args {
    uint32_t arrive[8], leave[8];
};
static void barrier_kernel(void* p) {
    struct barrier_args* b = (struct barrier_args*)p;
    const unsigned id = vs_core_id();
    for (volatile unsigned i = 0; i < 20 + 37 * id; i++) {
    }
    uint32_t arrive, leave;
    __asm__ volatile("csrr %0, mcycle\n sw zero, 0(%2)\n csrr %1, mcycle"
                     : "=&r"(arrive), "=&r"(leave)
                     : "r"(VITSIM_CLUSTER_BASE + VITSIM_CLUSTER_BARRIER)
                     : "memory");
    b->arrive[id] = arrive;
    b->leave[id] = leave;
}
static void check_barrier(void) {
    struct barrier_args b;
    const unsigned n = vs_cluster_cores();
    vs_cluster_fork(barrier_kernel, &b); /* warm instruction caches: no refill after the release */
    vs_cluster_fork(barrier_kernel, &b);
    uint32_t last = 0, first = b.arrive[0];
    int same = 1;
    for (unsigned i = 0; i < n; i++) {
        last = b.arrive[i] > last ? b.arrive[i] : last;
        first = b.arrive[i] < first ? b.arrive[i] : first;
        same &= b.leave[i] == b.leave[0];
    }
    printf("barrier: arrivals spread over %lu cycles, all leave %lu cycles after the last arrival\n",
           (unsigned long)(last - first), (unsigned long)(b.leave[0] - last));
    check(same, "barrier: every core leaves in the same cycle");
    check(b.leave[0] - last >= 11 && b.leave[0] - last <= 13, "barrier: about 11 cycles after the last arrival");
}

/* ---- DMA --------------------------------------------------------------------- */
enum { SRC_ROWS = 20, SRC_COLS = 24, ROWS = 10, COLS = 13, DST_STRIDE = 32 };
static uint8_t src[SRC_ROWS][SRC_COLS];
static uint8_t dst[ROWS][DST_STRIDE];

struct dma_args {
    uint8_t* l1;
    uint32_t event_ok, t_dma, t_compute, t_both, t_contended, hammer;
};

static uint32_t compute(unsigned n) { /* register-only work */
    uint32_t x = 1;
    for (unsigned i = 0; i < n; i++) __asm__ volatile("addi %0, %0, 3" : "+r"(x));
    return x;
}

static void dma_kernel(void* p) {
    struct dma_args* d = (struct dma_args*)p;
    if (vs_core_id() != 0) return;
    /* 2D: rows 3..12, columns 5..17 of src into L1 packed, then back to dst (stride 32) */
    const unsigned in = vs_dma_2d(d->l1, &src[3][5], COLS, ROWS, COLS, SRC_COLS, VITSIM_CLUSTER_DMA_TO_L1);
    VS_CLUSTER_REG(VITSIM_CLUSTER_EVT_WAIT) = VITSIM_CLUSTER_EVT_DMA; /* completion event */
    d->event_ok = vs_dma_done(in);
    vs_dma_wait(vs_dma_2d(d->l1, dst, COLS, ROWS, COLS, DST_STRIDE, VITSIM_CLUSTER_DMA_TO_L2));
    /* overlap: DMA alone, compute alone, both */
    uint32_t t = vs_mcycle();
    vs_dma_wait(vs_dma_to_l1(d->l1 + 4096, src, 4096 > sizeof src ? sizeof src : 4096));
    d->t_dma = vs_mcycle() - t;
    t = vs_mcycle();
    compute(200);
    d->t_compute = vs_mcycle() - t;
    t = vs_mcycle();
    const unsigned id = vs_dma_to_l1(d->l1 + 4096, src, sizeof src);
    compute(200);
    vs_dma_wait(id);
    d->t_both = vs_mcycle() - t;
}

/* Core 0 moves data into L1 while the others load from every bank. */
static void contention_kernel(void* p) {
    struct dma_args* d = (struct dma_args*)p;
    vs_barrier();
    if (vs_core_id() == 0) {
        const uint32_t t = vs_mcycle();
        vs_dma_wait(vs_dma_to_l1(d->l1 + 4096, src, sizeof src));
        d->t_contended = vs_mcycle() - t;
    } else if (d->hammer) {
        volatile uint32_t* w = (volatile uint32_t*)d->l1;
        for (unsigned i = 0; i < 100; i++)
            for (unsigned b = 0; b < 16; b++) (void)w[b];
    }
    vs_barrier();
}

static void check_dma(uint8_t* l1) {
    for (unsigned r = 0; r < SRC_ROWS; r++)
        for (unsigned c = 0; c < SRC_COLS; c++) src[r][c] = (uint8_t)(r * 31 + c * 7 + 1);
    memset(dst, 0, sizeof dst);
    struct dma_args d = {l1, 0, 0, 0, 0, 0, 0};
    vs_cluster_fork(dma_kernel, &d);
    int same = 1;
    for (unsigned r = 0; r < ROWS; r++)
        for (unsigned c = 0; c < DST_STRIDE; c++) same &= dst[r][c] == (c < COLS ? src[r + 3][c + 5] : 0);
    check(same, "DMA 2D: L2 -> L1 -> L2 with strides, odd row length");
    check(d.event_ok, "DMA completion event wakes the core after the transfer");
    printf("DMA %u bytes: %lu cycles; compute %lu; both %lu\n", (unsigned)sizeof src, (unsigned long)d.t_dma,
           (unsigned long)d.t_compute, (unsigned long)d.t_both);
    const uint32_t shorter = d.t_dma < d.t_compute ? d.t_dma : d.t_compute;
    check(d.t_both + shorter / 2 < d.t_dma + d.t_compute, "DMA runs while the core computes");
    d.hammer = 1;
    vs_cluster_fork(contention_kernel, &d); /* warms the instruction caches on both paths */
    d.hammer = 0;
    vs_cluster_fork(contention_kernel, &d); /* the same code, nobody loading */
    const uint32_t alone = d.t_contended;
    d.hammer = 1;
    vs_cluster_fork(contention_kernel, &d);
    printf("DMA with %u cores loading from L1: %lu cycles (alone %lu)\n", vs_cluster_cores() - 1,
           (unsigned long)d.t_contended, (unsigned long)alone);
    /* One loading core may never meet the DMA on a bank (both walk the banks in
     * order): checked from 4 cores on. */
    if (vs_cluster_cores() >= 4) check(d.t_contended > alone, "DMA competes with the cores for the banks");
}

int main(void) {
    if (vs_cluster_cores() < 2) {
        printf("FAIL: needs at least 2 cluster cores\n");
        return 1;
    }
    uint8_t* l1 = vs_l1_alloc(16384);
    check_bank_conflicts((volatile uint32_t*)l1);
    check_barrier();
    check_dma(l1);
    printf(failures ? "FAIL\n" : "PASS\n");
    return failures;
}
