#include "deploy/engine_split.h"

#include <algorithm>

namespace vitsim::deploy {
namespace {

constexpr int64_t kEngineMaxDepth = 1024;   // the RTL's KMAX (rtl/matrix_engine, docs/engine.md)
constexpr int64_t kEngineTransfers = 4;     // per block: weights, biases, token rows, outputs

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

int64_t engine_linear_cycles(const DeployTarget& t, int64_t rows, int64_t k, int64_t n, bool bias) {
    if (rows <= 0) return 0;
    const int64_t lanes = t.engine_lanes;
    const int64_t passes = ceil_div(n, lanes);
    const int64_t per_row = k / 4 + 1 + ceil_div(lanes, 4);                 // ROW, QUANT, WRITE
    const int64_t per_pass = 1 + (bias ? lanes : 0) + lanes * k / 4 + rows * per_row;  // CHECK, BIAS, LOADW
    const int64_t bytes = n * k + (bias ? 4 * n : 0) + rows * k + rows * n;
    const int64_t dma = kEngineTransfers * t.l1_dma_setup_cycles + ceil_div(bytes, t.l1_dma_bytes_per_cycle);
    return passes * per_pass + dma;
}

int32_t linear_core_rows(const DeployTarget& t, int64_t tokens, int64_t k, int64_t n, bool bias) {
    if (t.engine_lanes == 0 || t.engine_core_macs_per_cycle <= 0 || t.cluster_cores == 0 || tokens <= 0 ||
        k % 4 != 0 || k > kEngineMaxDepth)
        return 0;
    const double cores_rate = t.engine_core_macs_per_cycle * t.cluster_cores;  // MACs a cycle
    int64_t best_rows = 0;
    double best = -1;
    for (int64_t core_rows = 0; core_rows <= tokens; core_rows++) {
        const double cores =
            core_rows ? t.engine_core_setup_cycles + static_cast<double>(core_rows * k * n) / cores_rate : 0.0;
        // beside busy cores the engine loses bank cycles to them
        const double engine = static_cast<double>(engine_linear_cycles(t, tokens - core_rows, k, n, bias)) *
                              (core_rows ? 1.0 + t.engine_shared_stall_share : 1.0);
        const double both = std::max(cores, engine);
        if (best < 0 || both < best) {
            best = both;
            best_rows = core_rows;
        }
    }
    return static_cast<int32_t>(best_rows);
}

}  // namespace vitsim::deploy
