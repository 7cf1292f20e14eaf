/*
 * Attention with its GEMMs on the matrix engine (gap9, docs/engine.md), the rest on
 * the cluster's cores: the engine does Q and K per head, the scores QK^T per head
 * (K read along its rows: the engine's "NT" form), the context softmax(QK^T).V per
 * head (V^T along its rows) and the output projection (the head-major context as H
 * pieces per row); the cores compute V^T (its bias is per row of the engine's
 * output, not a form the engine has) while the engine does Q and K, and the softmax. The steps and buffers are
 * vs_mhsa_part_*'s (kernels.h), so the output equals the single-core kernels' bit
 * for bit.
 */
#ifndef VITSIM_INTERP_ENGINE_H
#define VITSIM_INTERP_ENGINE_H

#include "vitsim/kernels.h"
#include "vs_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 done, 0 not taken (a GEMM's depth or shift the engine cannot do, FWSA weights,
 * no engine: nothing written; the caller runs vs_par_mhsa), -1 an engine error or
 * arguments the kernels refuse. scratch: vs_mhsa_layerwise_s8_scratch_bytes. */
int vs_engine_mhsa(const vs_mhsa_dims_t *dims, const vs_mhsa_params_t *params, const int8_t *x,
                   const vs_mhsa_weights_t *weights, int8_t *y, void *scratch);

/*
 * Profiles with a cluster (interp_engine_linear.c): an out-of-place linear layer (with
 * its GELU when gelu is not NULL) split by rows: the last core_rows on the cores,
 * tiled by `plan` (deploy planned it for those rows), the others on the engine in the
 * L1 above the plan's buffers, both at once. 1 done, 0 not taken (nothing written:
 * the engine or the plan cannot take it), -1 an engine or kernel error.
 */
int vs_engine_linear_split(const vs_l1_plan_t *plan, const vs_linear_dims_t *dims, const vs_quant_t *q,
                           const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                           const vs_gelu_params_t *gelu, int32_t core_rows);

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_INTERP_ENGINE_H */
