/*
 * Layers on a cluster (interp_platform.h, vs_interp_cores() > 0): each kernel's
 * work split over the cores in balanced shares, every share through the
 * single-core kernel's own loops on its rows (tokens, query rows, heads), so the
 * output is the single-core kernel's bit for bit. Each returns VS_OK, or
 * VS_ERR_ARG when a share's kernel call rejected its arguments.
 */
#ifndef VITSIM_INTERP_PARALLEL_H
#define VITSIM_INTERP_PARALLEL_H

#include "vitsim/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Linear over token rows, then GELU on the same rows when gelu is not NULL. */
vs_status_t vs_par_linear(const vs_linear_dims_t *dims, const vs_quant_t *q, const int8_t *x,
                          const int8_t *w, const int32_t *bias, int8_t *y,
                          const vs_gelu_params_t *gelu);
/*
 * Token overwriting (vs_linear_overwrite_s8's buffer rules) on the cores: rows go
 * in rounds of 2 rows per core, first to last when out <= in, last to first when
 * out > in; each core computes its 2 rows into its own stage (2*out_features bytes
 * of fast memory per core), and after a barrier (every input row of the round
 * read) copies them into place; then GELU on them when gelu is not NULL.
 * When the stages do not fit the fast memory (very wide layers), this core runs
 * vs_linear_overwrite_s8 itself with `scratch` (its vs_linear_overwrite_s8_scratch_bytes).
 */
vs_status_t vs_par_linear_overwrite(const vs_linear_dims_t *dims, const vs_quant_t *q, int8_t *buf,
                                    const int8_t *w, const int32_t *bias,
                                    const vs_gelu_params_t *gelu, void *scratch);
vs_status_t vs_par_layernorm(const vs_mat_dims_t *dims, const vs_layernorm_params_t *params,
                             const int8_t *x, const int8_t *gamma, const int32_t *beta, int8_t *y);
vs_status_t vs_par_add(const vs_mat_dims_t *dims, const vs_add_params_t *params, const int8_t *a,
                       const int8_t *b, int8_t *y);
/* GELU over the rows of y, in place (after a GEMM the matrix engine did). */
vs_status_t vs_par_gelu_in_place(const vs_mat_dims_t *dims, const vs_gelu_params_t *params, int8_t *y);
/*
 * Patch embedding over output tokens (sub 0: direct, else decomposed in sub x sub
 * sub-kernels): each core runs the kernel's token-range form on its share with its
 * own kernel scratch in fast memory. out: [tokens][dims->embed]. cols not NULL
 * (one weight group of a wider embedding): each core also copies its rows of out
 * into cols, rows ld_cols bytes apart. When the cores' scratch does not fit the
 * fast memory, this core does all of it with `scratch` (the kernel's size).
 */
vs_status_t vs_par_patch_embed(const vs_patch_dims_t *dims, int32_t sub, const vs_quant_t *q,
                               const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *out,
                               int8_t *cols, int32_t ld_cols, void *scratch);
/*
 * Low-rank chain (vs_linear_lowrank_s8) over token rows, then GELU on them when gelu
 * is not NULL; each core's two intermediates (tile_tokens x rank each) in fast memory.
 * Out of place: each core runs the chain on its share of the rows. In place
 * (y == x): staged rounds, as vs_par_linear_overwrite does: the rows go in rounds of
 * at most tile_tokens rows per core (the rounds and each round's shares balanced),
 * first to last when out <= in, last to first when out > in; each core runs the
 * first two factors of its rows into its intermediates, a barrier (every input row
 * of the round is read), then the last factor from its second intermediate straight
 * into place: the round's outputs only cover input rows of this round or earlier
 * ones (vs_linear_overwrite_s8's rule), so no core overwrites a row another has yet
 * to read. One token (a classifier's chain): each factor's output features split
 * over the cores instead, a barrier between the factors. When the intermediates do
 * not fit the fast memory, this core runs
 * vs_linear_lowrank_s8 with `scratch` (its vs_linear_lowrank_s8_scratch_bytes).
 */
vs_status_t vs_par_lowrank(const vs_lowrank_dims_t *dims, int32_t tile_tokens,
                           const vs_lowrank_params_t *params, const int8_t *x,
                           const vs_lowrank_weights_t *weights, int8_t *y,
                           const vs_gelu_params_t *gelu, void *scratch);
/* Mean pooling over the columns (each core its share of y's entries). */
vs_status_t vs_par_mean_pool(const vs_mat_dims_t *dims, const vs_quant_t *q, const int8_t *x, int8_t *y);
/*
 * MHSA in the three steps of vs_mhsa_part_* (kernels.h), one fork each: the
 * projections over (head, token) items, attention over (head, query row) items
 * (or over whole heads when split_heads: the published kernels' split), the
 * output projection over tokens. scratch: the layer-wise kernel's (fused or not);
 * each core's row of exponentials comes from fast memory (VS_ERR_ARG
 * when it does not fit).
 * Steps 1 and 3 run from fast memory whenever their staging fits it (tiles of up to
 * 32 tokens, halved until it does): step 1 stages a head's weights per core and
 * streams the head's token rows through them; step 3 stages Wo once for all cores
 * and streams each core's tokens' context through it. Otherwise they read their
 * operands where they are.
 * stream_tile > 0: depth-first, the attention step streamed (kernels.h,
 * vs_mhsa_part_l1_bytes): each core copies the keys and V^T of the head its items
 * belong to into its part of fast memory and streams the query rows through it in
 * tiles of stream_tile rows, the next tile's copy in flight while one is computed;
 * scratch: vs_mhsa_part_streamed_scratch_bytes (no map).
 */
vs_status_t vs_par_mhsa(const vs_mhsa_dims_t *dims, const vs_mhsa_params_t *params,
                        const int8_t *x, const vs_mhsa_weights_t *weights,
                        const vs_mhsa_fused_weights_t *fused_weights, int8_t *y, void *scratch,
                        int split_heads, int32_t stream_tile);

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_INTERP_PARALLEL_H */
