/* The parallel-work hooks of the interpreter (interp_platform.h) on a profile
 * with a cluster (gap9): the fabric controller forks each parallel step onto the
 * worker cores and sleeps until they are all done (firmware/cluster/vs_cluster.h). */
#include "interp_platform.h"
#include "vitsim/platform.h"
#include "vitsim/runtime.h"
#include "vs_cluster.h"
#include "vitsim_profile.h" /* VITSIM_ENGINE_BASE on profiles with a matrix engine */

typedef struct {
    vs_interp_task_t task;
    void *arg;
    int32_t items;
} vs__job_t;

static void vs__run_share(void *p) {
    const vs__job_t *job = (const vs__job_t *)p;
    const unsigned core = vs_core_id();
    unsigned begin, end;
    vs_split((unsigned)job->items, core, vs_core_count(), &begin, &end);
    job->task(job->arg, core, (int32_t)begin, (int32_t)end);
}

uint32_t vs_interp_cores(void) { return vs_cluster_cores(); }

void vs_interp_barrier(void) { vs_barrier(); }

void vs_interp_parallel(vs_interp_task_t task, void *arg, int32_t items) {
    vs__job_t job = {task, arg, items};
    vs_cluster_fork(vs__run_share, &job);
}

static vs__job_t vs__started; /* the job of vs_interp_parallel_begin, until its end */

void vs_interp_parallel_begin(vs_interp_task_t task, void *arg, int32_t items) {
    vs__started.task = task;
    vs__started.arg = arg;
    vs__started.items = items;
    vs_cluster_start_n(vs_cluster_cores(), vs__run_share, &vs__started);
}

void vs_interp_parallel_end(void) { vs_cluster_join(); }

void *vs_interp_fast_alloc(uint32_t bytes) { return vs_l1_alloc(bytes); }

void vs_interp_fast_free(void) { vs_l1_free_all(); }

/* Profiles without an engine (no VITSIM_ENGINE_BASE; deploy refuses engine=on there):
 * vs_interp_gemm_fits says no before any engine register would be touched. */
#ifdef VITSIM_ENGINE_BASE
#define VS_ENGINE_PRESENT 1
#else
#define VS_ENGINE_PRESENT 0
#define VITSIM_ENGINE_BASE 0u
#endif

/* ---- GEMMs on the matrix engine (engine=on; docs/engine.md) -----------------------
 * The engine reaches the L1 only: the FC moves blocks of B's rows (with their
 * biases) and of A's rows into the L1 with the cluster DMA, the engine computes the
 * block's outputs there, and a 2D transfer puts them into their place in C. The FC
 * sleeps in DMA_WAIT and in the engine's WAIT. The top of the L1 stays free for the
 * cluster's worker stacks. */
#define VS_ENGINE_L1_RESERVED 8192u

static uint32_t vs__cluster_reg(uint32_t r) { return VS_CLUSTER_REG(r); }
static void vs__engine_set(uint32_t r, uint32_t v) { vs_mmio_write(VITSIM_ENGINE_BASE + r, v); }

/* rows x row_bytes between the L1 and another memory (dir: VITSIM_CLUSTER_DMA_TO_*),
 * through the cluster runtime's DMA (one 1D transfer when both sides are contiguous);
 * the FC sleeps until it is done. */
static void vs__cluster_dma(void *l1, const void *far, uint32_t row_bytes, uint32_t rows, uint32_t l1_stride,
                            uint32_t far_stride, uint32_t dir) {
    if (rows > 1 && l1_stride == row_bytes && far_stride == row_bytes) {
        row_bytes *= rows;
        rows = 1;
    }
    vs_dma_wait(vs_dma_2d(l1, far, row_bytes, rows, l1_stride, far_stride, dir));
}

/* One block on the engine: y_l1[m][n] from x_l1 (m x k) and w_l1 (n x k); 0 = ok. */
static int vs__engine_block(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, uint32_t m, uint32_t n,
                            uint32_t k, int32_t mul, int32_t shift) {
    vs__engine_set(VITSIM_ENGINE_A, (uint32_t)(uintptr_t)x);
    vs__engine_set(VITSIM_ENGINE_B, (uint32_t)(uintptr_t)w);
    vs__engine_set(VITSIM_ENGINE_BIAS, (uint32_t)(uintptr_t)bias);
    vs__engine_set(VITSIM_ENGINE_C, (uint32_t)(uintptr_t)y);
    vs__engine_set(VITSIM_ENGINE_M, m);
    vs__engine_set(VITSIM_ENGINE_N, n);
    vs__engine_set(VITSIM_ENGINE_K, k);
    vs__engine_set(VITSIM_ENGINE_LDA, k);
    vs__engine_set(VITSIM_ENGINE_LDB, k);
    vs__engine_set(VITSIM_ENGINE_LDC, n);
    vs__engine_set(VITSIM_ENGINE_QMUL, (uint32_t)mul);
    vs__engine_set(VITSIM_ENGINE_QSHIFT, (uint32_t)shift);
    vs__engine_set(VITSIM_ENGINE_QZERO, 0);
    vs__engine_set(VITSIM_ENGINE_CTRL, bias ? VITSIM_ENGINE_CTRL_BIAS : 0u);
    vs__engine_set(VITSIM_ENGINE_START, 1);
    vs__engine_set(VITSIM_ENGINE_WAIT, 1);
    return (vs_mmio_read(VITSIM_ENGINE_BASE + VITSIM_ENGINE_STATUS) & VITSIM_ENGINE_ERROR) ? -1 : 0;
}

/* Blocks of a GEMM in the L1 above its first `skip` bytes (the cores' tiles when they
 * share the layer, docs/engine.md): nb rows of B (a multiple of the lanes, at most
 * half the room) with their biases, mb rows of A and of C. */
typedef struct {
    uint32_t nb, mb, w_bytes;
} vs__engine_blocks_t;

static int vs__engine_blocks(uint32_t m, uint32_t n, uint32_t k, uint32_t skip, vs__engine_blocks_t *b) {
    const uint32_t config = vs_mmio_read(VITSIM_ENGINE_BASE + VITSIM_ENGINE_CONFIG);
    const uint32_t size = vs__cluster_reg(VITSIM_CLUSTER_L1_SIZE);
    if (size < VS_ENGINE_L1_RESERVED + skip) return 0;
    const uint32_t lanes = config & 0xFFFFu, room = size - VS_ENGINE_L1_RESERVED - skip;
    b->nb = n;
    if (b->nb * (k + 4u) > room / 2u) b->nb = (room / 2u) / (k + 4u) / lanes * lanes;
    if (b->nb == 0) return 0;
    b->w_bytes = (b->nb * k + 3u) & ~3u;
    b->mb = (room - b->w_bytes - 4u * b->nb) / (k + b->nb + 1u);
    if (b->mb > m) b->mb = m;
    return b->mb > 0;
}

int vs_interp_gemm_fits(uint32_t k, int32_t shift) {
    if (!VS_ENGINE_PRESENT) return 0;
    const uint32_t kmax = vs_mmio_read(VITSIM_ENGINE_BASE + VITSIM_ENGINE_CONFIG) >> 16;
    vs__engine_blocks_t b;
    return k > 0 && !(k & 3u) && k <= kmax && shift >= 1 && shift <= 62 && vs__engine_blocks(1, 1, k, 0, &b);
}

/* A's rows [m0, m0 + m) into x_l1 (k bytes apart): one 2D transfer per piece. */
static void vs__engine_load_a(const vs_interp_gemm_t *g, int8_t *x_l1, uint32_t m0, uint32_t m) {
    const uint32_t piece = g->k / g->chunks;
    for (uint32_t i = 0; i < g->chunks; i++)
        vs__cluster_dma(x_l1 + i * piece, g->a + i * g->a_chunk + m0 * g->lda, piece, m, g->k, g->lda,
                        VITSIM_CLUSTER_DMA_TO_L1);
}

static int vs__gemm_blocks(const vs_interp_gemm_t *g, vs__engine_blocks_t *blk) {
    return g->m > 0 && g->n > 0 && g->m <= 65535u && g->n <= 65535u && g->chunks > 0 && g->k % g->chunks == 0 &&
           !(g->l1_skip & 3u) && vs_interp_gemm_fits(g->k, g->shift) && vs__engine_blocks(g->m, g->n, g->k, g->l1_skip, blk);
}

int vs_interp_gemm_takes(const vs_interp_gemm_t *g) {
    vs__engine_blocks_t blk;
    return vs__gemm_blocks(g, &blk);
}

int vs_interp_gemm_offload(const vs_interp_gemm_t *g) {
    vs__engine_blocks_t blk;
    if (!vs__gemm_blocks(g, &blk)) return 0;
    uint8_t *l1 = (uint8_t *)(uintptr_t)vs__cluster_reg(VITSIM_CLUSTER_L1_BASE) + g->l1_skip;
    int8_t *w_l1 = (int8_t *)l1;
    int32_t *b_l1 = (int32_t *)(l1 + blk.w_bytes);
    int8_t *x_l1 = (int8_t *)(b_l1 + blk.nb);
    int8_t *y_l1 = x_l1 + blk.mb * g->k;
    for (uint32_t n0 = 0; n0 < g->n; n0 += blk.nb) {
        const uint32_t n = g->n - n0 < blk.nb ? g->n - n0 : blk.nb;
        vs__cluster_dma(w_l1, g->b + n0 * g->ldb, g->k, n, g->k, g->ldb, VITSIM_CLUSTER_DMA_TO_L1);
        if (g->bias) vs__cluster_dma(b_l1, g->bias + n0, 4u * n, 1, 0, 0, VITSIM_CLUSTER_DMA_TO_L1);
        for (uint32_t m0 = 0; m0 < g->m; m0 += blk.mb) {
            const uint32_t m = g->m - m0 < blk.mb ? g->m - m0 : blk.mb;
            vs__engine_load_a(g, x_l1, m0, m);
            if (vs__engine_block(x_l1, w_l1, g->bias ? b_l1 : 0, y_l1, m, n, g->k, g->mul, g->shift) != 0) return -1;
            vs__cluster_dma(y_l1, g->c + m0 * g->ldc + n0, n, m, n, g->ldc, VITSIM_CLUSTER_DMA_TO_L2);
        }
    }
    return 1;
}

int vs_interp_linear_offload(int32_t tokens, int32_t in_f, int32_t out_f, int32_t mul, int32_t shift,
                             const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y) {
    const vs_interp_gemm_t g = {(uint32_t)tokens, (uint32_t)out_f, (uint32_t)in_f, x, (uint32_t)in_f, 1, 0,
                                w, (uint32_t)in_f, bias, y, (uint32_t)out_f, mul, shift, 0};
    vs__engine_blocks_t blk;
    if (tokens <= 0 || out_f <= 0 || in_f <= 0 || !vs_interp_gemm_fits(g.k, shift) ||
        !vs__engine_blocks(g.m, g.n, g.k, 0, &blk))
        return 0;
    /* Over its own input (token-overwrite): a block's outputs may only land on rows
     * already read, so one pass over the columns, forward when rows shrink. */
    if ((const int8_t *)y == x && (blk.nb != g.n || (out_f > in_f && blk.mb != g.m))) return 0;
    return vs_interp_gemm_offload(&g);
}
uint32_t vs_interp_copy_in(void *fast, const void *slow, uint32_t bytes) { return vs_dma_to_l1(fast, slow, bytes); }

uint32_t vs_interp_copy_out(void *slow, const void *fast, uint32_t bytes) { return vs_dma_to_l2(slow, fast, bytes); }

uint32_t vs_interp_copy_out_rows(void *slow, uint32_t slow_stride, const void *fast, uint32_t row_bytes,
                                 uint32_t rows) {
    return vs_dma_2d((void *)fast, slow, row_bytes, rows, row_bytes, slow_stride, VITSIM_CLUSTER_DMA_TO_L2);
}

void vs_interp_copy_wait(uint32_t id) { vs_dma_wait(id); }
