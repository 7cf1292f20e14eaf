/*
 * A linear layer shared by the matrix engine and the cluster's cores (interp_engine.h,
 * docs/engine.md "Linear layers: engine and cores at once"). Built for profiles with a
 * cluster only (firmware/interp/CMakeLists.txt).
 *
 * The cores' rows are the layer's last ones: they run the tiled linear (its L1 plan,
 * which deploy made for these rows in its share of the L1) forked without waiting,
 * the FC drives the engine over the first rows in the L1 above the plan's buffers
 * meanwhile, then joins; GELU on the engine's rows follows on the cores. Every row is
 * the single-core kernel's or the engine's, each bit-exact with the golden model.
 */
#include "interp_engine.h"

#include "interp_parallel.h"
#include "interp_platform.h"
#include "interp_tiling.h"

int vs_engine_linear_split(const vs_l1_plan_t *plan, const vs_linear_dims_t *dims, const vs_quant_t *q,
                           const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                           const vs_gelu_params_t *gelu, int32_t core_rows) {
    if (core_rows <= 0 || core_rows > dims->tokens || !vs_tiled_plan_fits(plan)) return 0;
    const int32_t engine_rows = dims->tokens - core_rows;
    if (engine_rows == 0) return vs_tiled_linear(plan, dims, q, x, w, bias, y, gelu) == VS_OK ? 1 : -1;
    const uint32_t k = (uint32_t)dims->in_features, n = (uint32_t)dims->out_features;
    const vs_interp_gemm_t g = {(uint32_t)engine_rows, n, k, x, k, 1, 0, w, k, bias, y, n, q->mul, q->shift,
                                (plan->peak_bytes + 3u) & ~3u};
    if (!vs_interp_gemm_takes(&g)) return 0;
    const vs_linear_dims_t cores = {core_rows, dims->in_features, dims->out_features};
    if (vs_tiled_linear_begin(plan, &cores, q, x + engine_rows * (int32_t)k, w, bias, y + engine_rows * (int32_t)n,
                              gelu) != VS_OK)
        return -1;
    const int engine = vs_interp_gemm_offload(&g);
    const vs_status_t st = vs_tiled_linear_end();
    if (engine != 1 || st != VS_OK) return -1;
    if (!gelu) return 1;
    const vs_mat_dims_t rows = {engine_rows, dims->out_features};
    return vs_par_gelu_in_place(&rows, gelu, y) == VS_OK ? 1 : -1;
}
