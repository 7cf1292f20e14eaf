/* L1 tiling helpers: double-buffer rings, tile transfers, the tile pipeline
 * (interp_tiling.h). */
#include "interp_tiling.h"

#include "vs_cluster.h"

void vs_tile_ring_init(vs_tile_ring_t *ring, uint8_t *l1_base, const vs_l1_buffer_t *buffer) {
    ring->slot[0] = l1_base + buffer->offset[0];
    ring->slot[1] = l1_base + buffer->offset[1];
    ring->key[0] = ring->key[1] = -1;
    ring->last = 1; /* the first tile goes into buffer 0 */
}

uint8_t *vs_tile_ring_fetch(vs_tile_ring_t *ring, int32_t key, const void *l2, uint32_t row_bytes, uint32_t rows,
                            uint32_t l2_stride) {
    for (uint32_t s = 0; s < 2; s++)
        if (ring->key[s] == key) {
            ring->last = s;
            return ring->slot[s];
        }
    /* One buffer (a single-tile operand): both slots are the same memory. */
    const uint32_t s = ring->slot[0] == ring->slot[1] ? 0u : 1u - ring->last;
    ring->key[s] = key;
    ring->key[1u - s] = ring->slot[0] == ring->slot[1] ? key : ring->key[1u - s];
    ring->last = s;
    vs_tile_to_l1(ring->slot[s], l2, row_bytes, rows, l2_stride);
    return ring->slot[s];
}

unsigned vs_tile_to_l1(void *l1, const void *l2, uint32_t row_bytes, uint32_t rows, uint32_t l2_stride) {
    if (rows == 1) return vs_dma_to_l1(l1, l2, row_bytes);
    return vs_dma_2d(l1, l2, row_bytes, rows, row_bytes, l2_stride, VITSIM_CLUSTER_DMA_TO_L1);
}

unsigned vs_tile_to_l2(void *l2, const void *l1, uint32_t row_bytes, uint32_t rows, uint32_t l2_stride) {
    if (rows == 1) return vs_dma_to_l2(l2, l1, row_bytes);
    return vs_dma_2d((void *)l1, l2, row_bytes, rows, row_bytes, l2_stride, VITSIM_CLUSTER_DMA_TO_L2);
}

/* This core's last transfer (0: none yet); transfers complete in order. */
static uint32_t vs__last_transfer(void) { return VS_CLUSTER_REG(VITSIM_CLUSTER_DMA_ID); }

static void vs__wait(uint32_t id) {
    if (id) vs_dma_wait(id);
}

void vs_tile_loop_run(vs_tile_loop_t *loop, uint32_t core, uint32_t cores) {
    uint32_t sent[2] = {0, 0}; /* this core's last transfer out of y buffer 0 / 1 */
    if (core == 0) {
        for (uint32_t t = 0; t < 2 && t < loop->tiles; t++) {
            loop->fetch(loop->job, t);
            loop->ready[t] = vs__last_transfer();
        }
    }
    vs_barrier(); /* tiles 0 and 1 requested */
    for (uint32_t t = 0; t < loop->tiles; t++) {
        const uint32_t out = t & 1u;
        vs__wait(loop->ready[out]);
        vs__wait(sent[out]); /* tile t - 2's outputs have left this buffer */
        loop->compute(loop->job, t, core, cores, out);
        sent[out] = vs__last_transfer();
        vs_barrier(); /* every core is done with tile t's inputs */
        if (core == 0 && t + 2 < loop->tiles) {
            loop->fetch(loop->job, t + 2);
            loop->ready[out] = vs__last_transfer();
        }
    }
    vs__wait(vs__last_transfer()); /* this core's outputs are in L2 */
}

static void vs__tile_loop_entry(void *arg) { vs_tile_loop_run((vs_tile_loop_t *)arg, vs_core_id(), vs_core_count()); }

void vs_tile_loop_fork(vs_tile_loop_t *loop) { vs_cluster_fork(vs__tile_loop_entry, loop); }

void vs_tile_loop_start(vs_tile_loop_t *loop) { vs_cluster_start_n(vs_cluster_cores(), vs__tile_loop_entry, loop); }

void vs_tile_loop_join(void) { vs_cluster_join(); }
