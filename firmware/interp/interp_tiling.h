/*
 * L1 tiling on a cluster (docs/cluster.md, "L1 tiling"): the reusable pieces
 * every tiled layer is built from, and the tiled layers themselves.
 *
 *   vs_tile_ring_t   the two L1 buffers of one operand (double buffering); a
 *                    buffer remembers which tile it holds, so a tile the next
 *                    tile needs again (the weights of the same columns, the
 *                    rows of the same tokens) is not fetched twice
 *   vs_tile_to_l1/_to_l2
 *                    a tile as one 2D cluster-DMA transfer: rows packed in L1,
 *                    a stride apart in L2
 *   vs_tile_loop_run the pipeline: core 0 starts the transfers of tile t+2 while
 *                    every core computes its share of tile t+1 from L1; each
 *                    core sends its own outputs back (L1 -> L2) as soon as it has
 *                    them; cores wait for transfers asleep (DMA_WAIT), never spin
 *
 * Built for profiles with a cluster only (VS_CLUSTER=1: firmware/interp/CMakeLists.txt).
 */
#ifndef VITSIM_INTERP_TILING_H
#define VITSIM_INTERP_TILING_H

#include <stdint.h>

#include "vitsim/kernels.h"
#include "vs_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- reusable helpers ------------------------------------------------------ */

typedef struct {
    uint8_t *slot[2];
    int32_t key[2]; /* tile held by each buffer, -1: none */
    uint32_t last;  /* buffer of the last tile fetched (the next tile's: still in use) */
} vs_tile_ring_t;

/* An operand's ring on the L1 plan's buffer (both buffers at one offset: one tile). */
void vs_tile_ring_init(vs_tile_ring_t *ring, uint8_t *l1_base, const vs_l1_buffer_t *buffer);
/* The buffer that holds tile `key`: when no buffer holds it, `rows` rows of
 * `row_bytes`, `l2_stride` apart from `l2`, are transferred (packed) into the
 * buffer the previously fetched tile does not use. Returns that buffer. */
uint8_t *vs_tile_ring_fetch(vs_tile_ring_t *ring, int32_t key, const void *l2, uint32_t row_bytes, uint32_t rows,
                            uint32_t l2_stride);

/* One tile between L2 (rows `l2_stride` apart) and L1 (rows packed); returns the DMA id. */
unsigned vs_tile_to_l1(void *l1, const void *l2, uint32_t row_bytes, uint32_t rows, uint32_t l2_stride);
unsigned vs_tile_to_l2(void *l2, const void *l1, uint32_t row_bytes, uint32_t rows, uint32_t l2_stride);

/*
 * The double-buffered tile pipeline, run by every core of a fork:
 *   fetch(job, t)                      core 0: start tile t's input transfers
 *                                      (vs_tile_ring_fetch), remember where they go
 *   compute(job, t, core, cores, out)  every core: its share of tile t from L1 into
 *                                      y buffer `out` (t & 1), then its transfer to L2
 * A core waits (asleep) for tile t's inputs, and for its own transfer of tile t - 2
 * out of the same y buffer, before computing tile t.
 */
typedef struct {
    uint32_t tiles;
    void *job;
    void (*fetch)(void *job, uint32_t tile);
    void (*compute)(void *job, uint32_t tile, uint32_t core, uint32_t cores, uint32_t out);
    volatile uint32_t ready[2]; /* DMA id after which tile t's inputs are in L1 (index t & 1) */
} vs_tile_loop_t;
void vs_tile_loop_run(vs_tile_loop_t *loop, uint32_t core, uint32_t cores);
/* Forks the loop onto every cluster core and returns when all are done. */
void vs_tile_loop_fork(vs_tile_loop_t *loop);
/* vs_tile_loop_fork in two halves: start returns while the cores run the loop (the
 * FC drives the matrix engine meanwhile), join waits for them. */
void vs_tile_loop_start(vs_tile_loop_t *loop);
void vs_tile_loop_join(void);

/* ---- tiled layers (interp_tiled.c) -----------------------------------------
 * Each follows the layer's L1 plan (plan->tile_rows > 0), computes every share
 * with the single-core kernel on L1 data (bit for bit the single-core result),
 * and returns VS_OK or VS_ERR_ARG. */
vs_status_t vs_tiled_linear(const vs_l1_plan_t *plan, const vs_linear_dims_t *dims, const vs_quant_t *q,
                            const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                            const vs_gelu_params_t *gelu);
/* vs_tiled_linear in two halves (the engine's row split, docs/engine.md): begin forks
 * the cores without waiting (VS_ERR_ARG: nothing started), end waits for them and
 * returns the layer's status. One at a time; the job lives in static storage. */
vs_status_t vs_tiled_linear_begin(const vs_l1_plan_t *plan, const vs_linear_dims_t *dims, const vs_quant_t *q,
                                  const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                                  const vs_gelu_params_t *gelu);
vs_status_t vs_tiled_linear_end(void);
vs_status_t vs_tiled_layernorm(const vs_l1_plan_t *plan, const vs_mat_dims_t *dims,
                               const vs_layernorm_params_t *params, const int8_t *x, const int8_t *gamma,
                               const int32_t *beta, int8_t *y);
vs_status_t vs_tiled_add(const vs_l1_plan_t *plan, const vs_mat_dims_t *dims, const vs_add_params_t *params,
                         const int8_t *a, const int8_t *b, int8_t *y);
/* 1 when the plan's buffers fit the L1 the cores leave free (below their stacks). */
int vs_tiled_plan_fits(const vs_l1_plan_t *plan);

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_INTERP_TILING_H */
