/*
 * Tiled layers on the cluster (interp_tiling.h): linear (with its GELU),
 * layernorm and add, following the L1 plan the deploy tool wrote for the layer.
 * Inputs come into L1 by the cluster DMA, the cores compute every tile from L1
 * (no worker load pays the L2 latency) and send their outputs back by DMA.
 */
#include "interp_tiling.h"

#include <string.h>

#include "vs_cluster.h"

static uint8_t *vs__l1_base(void) { return (uint8_t *)(uintptr_t)VS_CLUSTER_REG(VITSIM_CLUSTER_L1_BASE); }

int vs_tiled_plan_fits(const vs_l1_plan_t *plan) {
    const uint32_t size = VS_CLUSTER_REG(VITSIM_CLUSTER_L1_SIZE);
    const uint32_t stacks = VS_CLUSTER_STACK_BYTES * vs_cluster_cores();
    if (plan->tile_rows == 0 || plan->tile_cols == 0 || size < stacks || plan->peak_bytes > size - stacks) return 0;
    for (uint32_t b = 0; b < VS_L1_BUFFERS; b++)
        for (uint32_t s = 0; s < 2; s++)
            if (plan->buffer[b].offset[s] > plan->peak_bytes ||
                plan->buffer[b].bytes > plan->peak_bytes - plan->buffer[b].offset[s])
                return 0;
    return 1;
}

static uint32_t vs__min(uint32_t a, uint32_t b) { return a < b ? a : b; }
static uint32_t vs__tiles(uint32_t n, uint32_t per) { return (n + per - 1u) / per; }

/* ---- linear ------------------------------------------------------------------ */

typedef struct {
    const vs_l1_plan_t *plan;
    vs_linear_dims_t dims;
    const vs_quant_t *q;
    const int8_t *x, *w;
    const int32_t *bias;
    int8_t *y;
    const vs_gelu_params_t *gelu;
    uint32_t row_tiles, col_tiles;
    vs_tile_ring_t x_ring, w_ring, b_ring;
    const int8_t *x_at[2], *w_at[2]; /* L1 operands of tile t (index t & 1) */
    const int32_t *b_at[2];
    int8_t *y_at[2];
    volatile int32_t failed;
} vs__linear_tiles_t;

/* Tile t's row tile m and column tile n, in the plan's order. */
static void vs__linear_tile(const vs__linear_tiles_t *j, uint32_t t, uint32_t *m, uint32_t *n) {
    if (j->plan->order & VS_L1_COLS_OUTER) {
        *n = t / j->row_tiles;
        *m = t % j->row_tiles;
    } else {
        *m = t / j->col_tiles;
        *n = t % j->col_tiles;
    }
    if (j->plan->order & VS_L1_BACKWARD) *m = j->row_tiles - 1u - *m;
}

static void vs__linear_fetch(void *p, uint32_t t) {
    vs__linear_tiles_t *j = (vs__linear_tiles_t *)p;
    uint32_t m, n;
    vs__linear_tile(j, t, &m, &n);
    const uint32_t in_f = (uint32_t)j->dims.in_features, tr = j->plan->tile_rows, tc = j->plan->tile_cols;
    const uint32_t m0 = m * tr, rows = vs__min(tr, (uint32_t)j->dims.tokens - m0);
    const uint32_t n0 = n * tc, cols = vs__min(tc, (uint32_t)j->dims.out_features - n0);
    j->x_at[t & 1u] = (const int8_t *)vs_tile_ring_fetch(&j->x_ring, (int32_t)m, j->x + m0 * in_f, rows * in_f, 1, 0);
    j->w_at[t & 1u] = (const int8_t *)vs_tile_ring_fetch(&j->w_ring, (int32_t)n, j->w + n0 * in_f, cols * in_f, 1, 0);
    if (j->bias)
        j->b_at[t & 1u] = (const int32_t *)vs_tile_ring_fetch(&j->b_ring, (int32_t)n, j->bias + n0, 4u * cols, 1, 0);
}

/* The core's share of the tile: its output columns (at least one each), else its
 * rows; computed into its own packed block of the y buffer and sent to L2. */
static void vs__linear_compute(void *p, uint32_t t, uint32_t core, uint32_t cores, uint32_t out) {
    vs__linear_tiles_t *j = (vs__linear_tiles_t *)p;
    uint32_t m, n;
    vs__linear_tile(j, t, &m, &n);
    const uint32_t in_f = (uint32_t)j->dims.in_features, out_f = (uint32_t)j->dims.out_features;
    const uint32_t tr = j->plan->tile_rows, tc = j->plan->tile_cols;
    const uint32_t m0 = m * tr, rows = vs__min(tr, (uint32_t)j->dims.tokens - m0);
    const uint32_t n0 = n * tc, cols = vs__min(tc, out_f - n0);
    const int by_cols = cols >= cores;
    unsigned begin, end;
    vs_split(by_cols ? cols : rows, core, cores, &begin, &end);
    if (begin >= end) return;
    const uint32_t my_rows = by_cols ? rows : end - begin, my_cols = by_cols ? end - begin : cols;
    const uint32_t c0 = by_cols ? begin : 0u, r0 = by_cols ? 0u : begin;
    int8_t *block = j->y_at[out] + (by_cols ? rows * c0 : r0 * cols);
    const vs_linear_dims_t part = {(int32_t)my_rows, (int32_t)in_f, (int32_t)my_cols};
    const int32_t *bias = j->bias ? j->b_at[t & 1u] + c0 : (const int32_t *)0;
    const vs_quant_t q = *j->q; /* on this core's stack in L1: the kernel reads it per output */
    vs_status_t st = vs_linear_s8(&part, &q, j->x_at[t & 1u] + r0 * in_f, j->w_at[t & 1u] + c0 * in_f, bias, block);
    if (st == VS_OK && j->gelu) {
        const vs_mat_dims_t d = {(int32_t)my_rows, (int32_t)my_cols};
        const vs_gelu_params_t gelu = *j->gelu;
        st = vs_gelu_s8(&d, &gelu, block, block);
    }
    if (st != VS_OK) j->failed = 1;
    vs_tile_to_l2(j->y + (m0 + r0) * out_f + n0 + c0, block, my_cols, my_rows, out_f);
}

/* The linear layer vs_tiled_linear_begin started, until its end (one at a time). */
static vs__linear_tiles_t vs__started;
static vs_tile_loop_t vs__started_loop;

vs_status_t vs_tiled_linear_begin(const vs_l1_plan_t *plan, const vs_linear_dims_t *dims, const vs_quant_t *q,
                                  const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                                  const vs_gelu_params_t *gelu) {
    if (!vs_tiled_plan_fits(plan) || dims->tokens <= 0 || dims->out_features <= 0 || dims->in_features <= 0)
        return VS_ERR_ARG;
    uint8_t *l1 = vs__l1_base();
    vs__linear_tiles_t *j = &vs__started;
    j->plan = plan;
    j->dims = *dims;
    j->q = q;
    j->x = x;
    j->w = w;
    j->bias = bias;
    j->y = y;
    j->gelu = gelu;
    j->row_tiles = vs__tiles((uint32_t)dims->tokens, plan->tile_rows);
    j->col_tiles = vs__tiles((uint32_t)dims->out_features, plan->tile_cols);
    j->failed = 0;
    vs_tile_ring_init(&j->x_ring, l1, &plan->buffer[VS_L1_X]);
    vs_tile_ring_init(&j->w_ring, l1, &plan->buffer[VS_L1_W]);
    vs_tile_ring_init(&j->b_ring, l1, &plan->buffer[VS_L1_BIAS]);
    j->y_at[0] = (int8_t *)(l1 + plan->buffer[VS_L1_Y].offset[0]);
    j->y_at[1] = (int8_t *)(l1 + plan->buffer[VS_L1_Y].offset[1]);
    vs__started_loop.tiles = j->row_tiles * j->col_tiles;
    vs__started_loop.job = j;
    vs__started_loop.fetch = vs__linear_fetch;
    vs__started_loop.compute = vs__linear_compute;
    vs__started_loop.ready[0] = vs__started_loop.ready[1] = 0;
    vs_tile_loop_start(&vs__started_loop);
    return VS_OK;
}

vs_status_t vs_tiled_linear_end(void) {
    vs_tile_loop_join();
    return vs__started.failed ? VS_ERR_ARG : VS_OK;
}

vs_status_t vs_tiled_linear(const vs_l1_plan_t *plan, const vs_linear_dims_t *dims, const vs_quant_t *q,
                            const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                            const vs_gelu_params_t *gelu) {
    const vs_status_t st = vs_tiled_linear_begin(plan, dims, q, x, w, bias, y, gelu);
    return st == VS_OK ? vs_tiled_linear_end() : st;
}

/* ---- row-wise layers: layernorm, add ---------------------------------------- */

typedef struct vs__rows_tiles vs__rows_tiles_t;
/* One core's rows, all in L1: y = f(a, b). */
typedef vs_status_t (*vs__rows_kernel_t)(const vs__rows_tiles_t *j, int32_t rows, const int8_t *a, const int8_t *b,
                                         int8_t *y);
struct vs__rows_tiles {
    const vs_l1_plan_t *plan;
    uint32_t rows, cols;
    const int8_t *a, *b; /* b: add's second operand (rows x cols), or NULL */
    const void *param_l2[2]; /* layernorm's gamma (cols) and beta (4 cols): fetched once */
    const void *param_l1[2];
    int8_t *y;
    vs__rows_kernel_t kernel;
    const void *params;
    vs_tile_ring_t a_ring, b_ring;
    const int8_t *a_at[2], *b_at[2];
    int8_t *y_at[2];
    volatile int32_t failed;
};

static void vs__rows_fetch(void *p, uint32_t t) {
    vs__rows_tiles_t *j = (vs__rows_tiles_t *)p;
    const uint32_t r0 = t * j->plan->tile_rows, rows = vs__min(j->plan->tile_rows, j->rows - r0);
    if (t == 0) {
        uint8_t *l1 = vs__l1_base();
        if (j->param_l2[0]) {
            j->param_l1[0] = l1 + j->plan->buffer[VS_L1_W].offset[0];
            vs_dma_to_l1((void *)j->param_l1[0], j->param_l2[0], j->cols);
        }
        if (j->param_l2[1]) {
            j->param_l1[1] = l1 + j->plan->buffer[VS_L1_BIAS].offset[0];
            vs_dma_to_l1((void *)j->param_l1[1], j->param_l2[1], 4u * j->cols);
        }
    }
    j->a_at[t & 1u] = (const int8_t *)vs_tile_ring_fetch(&j->a_ring, (int32_t)t, j->a + r0 * j->cols, rows * j->cols, 1, 0);
    if (j->b)
        j->b_at[t & 1u] = (const int8_t *)vs_tile_ring_fetch(&j->b_ring, (int32_t)t, j->b + r0 * j->cols, rows * j->cols, 1, 0);
}

static void vs__rows_compute(void *p, uint32_t t, uint32_t core, uint32_t cores, uint32_t out) {
    vs__rows_tiles_t *j = (vs__rows_tiles_t *)p;
    const uint32_t r0 = t * j->plan->tile_rows, rows = vs__min(j->plan->tile_rows, j->rows - r0);
    unsigned begin, end;
    vs_split(rows, core, cores, &begin, &end);
    if (begin >= end) return;
    const uint32_t at = begin * j->cols;
    int8_t *y = j->y_at[out] + at;
    if (j->kernel(j, (int32_t)(end - begin), j->a_at[t & 1u] + at, j->b ? j->b_at[t & 1u] + at : (const int8_t *)0, y) !=
        VS_OK)
        j->failed = 1;
    vs_tile_to_l2(j->y + (r0 + begin) * j->cols, y, (end - begin) * j->cols, 1, 0);
}

static void vs__rows_init(vs__rows_tiles_t *j, const vs_l1_plan_t *plan, const vs_mat_dims_t *dims, const int8_t *a,
                          const int8_t *b, int8_t *y, vs__rows_kernel_t kernel, const void *params) {
    memset(j, 0, sizeof *j);
    j->plan = plan;
    j->rows = (uint32_t)dims->rows;
    j->cols = (uint32_t)dims->cols;
    j->a = a;
    j->b = b;
    j->y = y;
    j->kernel = kernel;
    j->params = params;
}

static vs_status_t vs__rows_run(vs__rows_tiles_t *j) {
    if (!vs_tiled_plan_fits(j->plan) || j->rows == 0 || j->cols == 0) return VS_ERR_ARG;
    uint8_t *l1 = vs__l1_base();
    j->failed = 0;
    vs_tile_ring_init(&j->a_ring, l1, &j->plan->buffer[VS_L1_X]);
    vs_tile_ring_init(&j->b_ring, l1, &j->plan->buffer[VS_L1_W]);
    j->y_at[0] = (int8_t *)(l1 + j->plan->buffer[VS_L1_Y].offset[0]);
    j->y_at[1] = (int8_t *)(l1 + j->plan->buffer[VS_L1_Y].offset[1]);
    vs_tile_loop_t loop = {vs__tiles(j->rows, j->plan->tile_rows), j, vs__rows_fetch, vs__rows_compute, {0, 0}};
    vs_tile_loop_fork(&loop);
    return j->failed ? VS_ERR_ARG : VS_OK;
}

static vs_status_t vs__layernorm_rows(const vs__rows_tiles_t *j, int32_t rows, const int8_t *a, const int8_t *b,
                                      int8_t *y) {
    const vs_mat_dims_t d = {rows, (int32_t)j->cols};
    const vs_layernorm_params_t p = *(const vs_layernorm_params_t *)j->params; /* L1 (stack): read per element */
    (void)b;
    return vs_layernorm_s8(&d, &p, a, (const int8_t *)j->param_l1[0], (const int32_t *)j->param_l1[1], y);
}

vs_status_t vs_tiled_layernorm(const vs_l1_plan_t *plan, const vs_mat_dims_t *dims,
                               const vs_layernorm_params_t *params, const int8_t *x, const int8_t *gamma,
                               const int32_t *beta, int8_t *y) {
    if (dims->rows <= 0 || dims->cols <= 0 || !gamma || !beta) return VS_ERR_ARG;
    vs__rows_tiles_t j;
    vs__rows_init(&j, plan, dims, x, (const int8_t *)0, y, vs__layernorm_rows, params);
    j.param_l2[0] = gamma;
    j.param_l2[1] = beta;
    return vs__rows_run(&j);
}

static vs_status_t vs__add_rows(const vs__rows_tiles_t *j, int32_t rows, const int8_t *a, const int8_t *b, int8_t *y) {
    const vs_mat_dims_t d = {rows, (int32_t)j->cols};
    const vs_add_params_t p = *(const vs_add_params_t *)j->params; /* L1 (stack): read per element */
    return vs_add_s8(&d, &p, a, b, y);
}

vs_status_t vs_tiled_add(const vs_l1_plan_t *plan, const vs_mat_dims_t *dims, const vs_add_params_t *params,
                         const int8_t *a, const int8_t *b, int8_t *y) {
    if (dims->rows <= 0 || dims->cols <= 0 || !a || !b) return VS_ERR_ARG;
    vs__rows_tiles_t j;
    vs__rows_init(&j, plan, dims, a, b, y, vs__add_rows, params);
    return vs__rows_run(&j);
}
