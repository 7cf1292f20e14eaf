#include "deploy/l1_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "deploy/errors.h"
#include "vs_model.h"

namespace vitsim::deploy {
namespace {

constexpr int64_t kAlign = 4;
int64_t align(int64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Cycles per element of a core's share, for comparing tilings only (the
// simulation measures the real ones): a MAC of the GEMM kernel, a layernorm or add
// element (own measurements on gap9, rounded).
constexpr double kCyclesPerMac = 0.6;
constexpr double kCyclesPerRowElement = 6.0;
constexpr double kCyclesPerTile = 60;  // barrier, transfer programming, wake-up

struct Operand {
    const char* name;
    int64_t tile_bytes;  // one tile
    bool single;         // one tile for the whole layer: one buffer
};

// Buffers one after the other, 4-byte aligned; returns the peak.
int64_t lay_out(L1Plan& p, const Operand (&ops)[4]) {
    int64_t at = 0;
    for (int k = 0; k < 4; k++) {
        L1Buffer& b = p.buffers[k];
        b = L1Buffer{};
        if (!ops[k].name || ops[k].tile_bytes == 0) continue;
        b.name = ops[k].name;
        b.bytes = ops[k].tile_bytes;
        b.slots = ops[k].single ? 1 : 2;
        for (int s = 0; s < 2; s++) {
            b.offset[s] = at;
            if (s + 1 < b.slots) at += align(b.bytes);
        }
        at += align(b.bytes);
    }
    return at;
}

struct Costs {
    const DeployTarget& t;
    double dma(int64_t bytes, int64_t transfers) const {
        return double(bytes) / std::max(1u, t.l1_dma_bytes_per_cycle) + double(transfers) * t.l1_dma_setup_cycles;
    }
    unsigned cores() const { return std::max(1u, t.cluster_cores); }
};

struct LinearShape {
    int64_t tokens, in, out;
    bool bias, overwrite;
};

// Bytes of L1 and the estimated cycles of one (tile_rows, tile_cols) choice.
struct Candidate {
    L1Plan plan;
    double cost = std::numeric_limits<double>::infinity();
};

Candidate linear_candidate(const LinearShape& s, int64_t r, int64_t c, const Costs& k) {
    Candidate cand;
    L1Plan& p = cand.plan;
    p.tile_rows = r;
    p.tile_cols = c;
    p.row_tiles = ceil_div(s.tokens, r);
    p.col_tiles = ceil_div(s.out, c);
    const int64_t tiles = p.row_tiles * p.col_tiles;
    const Operand ops[4] = {{"x", r * s.in, p.row_tiles == 1},
                            {"w", c * s.in, p.col_tiles == 1},
                            {s.bias ? "bias" : nullptr, 4 * c, p.col_tiles == 1},
                            {"y", r * c, tiles == 1}};
    p.peak_bytes = lay_out(p, ops);
    const int64_t w = s.out * s.in + (s.bias ? 4 * s.out : 0);
    const int64_t x = s.tokens * s.in, y = s.tokens * s.out;
    // Rows outer: the weights again for every row tile, unless both buffers hold
    // all of them (at most 2 column tiles: the firmware's ring finds them there);
    // columns outer: the same for the input rows.
    const int64_t rows_outer = (p.col_tiles <= 2 ? w : p.row_tiles * w) + x + y;
    const int64_t cols_outer = w + (p.row_tiles <= 2 ? x : p.col_tiles * x) + y;
    p.cols_outer = !s.overwrite && cols_outer < rows_outer;
    p.backward = s.overwrite && s.out > s.in;
    p.dma_bytes = p.cols_outer ? cols_outer : rows_outer;
    const unsigned n = k.cores();
    const int64_t share = c >= n ? ceil_div(c, n) * r : ceil_div(r, n) * c;  // outputs of the busiest core
    const double compute = double(tiles) * double(share) * double(s.in) * kCyclesPerMac;
    const double dma = k.dma(p.dma_bytes, tiles * (3 + n));
    const double exposed = k.dma(r * s.in + c * s.in + (s.bias ? 4 * c : 0), 3) + k.dma(r * c, 1);
    cand.cost = std::max(compute, dma) + exposed + double(tiles) * kCyclesPerTile;
    return cand;
}

// Distinct tile sizes for n items: ceil(n / k) for k = 1.. (each gives a different tile count).
std::vector<int64_t> tile_sizes(int64_t n) {
    std::vector<int64_t> sizes;
    for (int64_t k = 1; k <= n; k++) {
        const int64_t size = ceil_div(n, k);
        if (sizes.empty() || size != sizes.back()) sizes.push_back(size);
    }
    return sizes;
}

Candidate best_linear(const LinearShape& s, int64_t budget, const Costs& k) {
    Candidate best;
    for (int64_t c : tile_sizes(s.out))
        for (int64_t r : tile_sizes(s.tokens)) {
            Candidate cand = linear_candidate(s, r, c, k);
            if (cand.plan.peak_bytes > budget) continue;
            if (cand.cost < best.cost) best = cand;
        }
    return best;
}

struct RowShape {
    int64_t rows, cols;
    bool two_inputs;      // add: a and b
    bool params;          // layernorm: gamma, beta (fetched once)
};

Candidate rows_candidate(const RowShape& s, int64_t r, const Costs& k) {
    Candidate cand;
    L1Plan& p = cand.plan;
    p.tile_rows = r;
    p.tile_cols = s.cols;
    p.row_tiles = ceil_div(s.rows, r);
    p.col_tiles = 1;
    const bool one = p.row_tiles == 1;
    const Operand ops[4] = {{s.params ? "x" : "a", r * s.cols, one},
                            {s.params ? "gamma" : s.two_inputs ? "b" : nullptr, s.params ? s.cols : r * s.cols,
                             s.params || one},
                            {s.params ? "beta" : nullptr, 4 * s.cols, true},
                            {"y", r * s.cols, one}};
    p.peak_bytes = lay_out(p, ops);
    const int64_t in = s.rows * s.cols * (s.two_inputs ? 2 : 1) + (s.params ? 5 * s.cols : 0);
    p.dma_bytes = in + s.rows * s.cols;
    const unsigned n = k.cores();
    const double compute = double(p.row_tiles) * double(ceil_div(r, n) * s.cols) * kCyclesPerRowElement;
    const double dma = k.dma(p.dma_bytes, p.row_tiles * (2 + n));
    const double exposed = k.dma(r * s.cols * (s.two_inputs ? 2 : 1), 2) + k.dma(r * s.cols, 1);
    cand.cost = std::max(compute, dma) + exposed + double(p.row_tiles) * kCyclesPerTile;
    return cand;
}

Candidate best_rows(const RowShape& s, int64_t budget, const Costs& k) {
    Candidate best;
    for (int64_t r : tile_sizes(s.rows)) {
        Candidate cand = rows_candidate(s, r, k);
        if (cand.plan.peak_bytes <= budget && cand.cost < best.cost) best = cand;
    }
    return best;
}

[[noreturn]] void refuse(const LoweredLayer& layer, uint32_t index, const L1Plan& smallest, const DeployTarget& t) {
    throw NoFitError("layer '" + layer.name + "' (index " + std::to_string(index) + ") cannot be tiled for the L1: its smallest tile (1 row" +
                     (layer.op == VS_OP_LINEAR ? std::string(", 1 output column") : std::string()) + ") needs " +
                     std::to_string(smallest.peak_bytes) + " bytes of L1 with double buffering, " +
                     std::to_string(t.l1_budget) + " available on " + t.profile + " (cluster.l1_reserved kept)");
}

}  // namespace

L1Plan plan_l1(const LoweredLayer& layer, uint32_t index, const DeployTarget& target) {
    const int64_t budget = static_cast<int64_t>(target.l1_budget);
    const Costs costs{target};
    if (target.cluster_cores == 0 || budget == 0) return {};
    if (layer.op == VS_OP_LINEAR) {
        const LinearShape s{layer.dim[0], layer.dim[1], layer.dim[2], layer.tensor[1] != VS_NO_TENSOR, layer.variant == 1};
        Candidate best = best_linear(s, budget, costs);
        if (!std::isfinite(best.cost)) refuse(layer, index, linear_candidate(s, 1, 1, costs).plan, target);
        return best.plan;
    }
    if (layer.op == VS_OP_LAYERNORM || layer.op == VS_OP_ADD) {
        const bool norm = layer.op == VS_OP_LAYERNORM;
        if (norm && (layer.tensor[0] == VS_NO_TENSOR || layer.tensor[1] == VS_NO_TENSOR)) return {};
        const RowShape s{layer.dim[0], layer.dim[1], !norm, norm};
        Candidate best = best_rows(s, budget, costs);
        if (!std::isfinite(best.cost)) refuse(layer, index, rows_candidate(s, 1, costs).plan, target);
        return best.plan;
    }
    return {};
}

std::string l1_plan_violation(const L1Plan& p, int64_t budget) {
    struct Range {
        std::string name;
        int64_t begin, end;
    };
    std::vector<Range> ranges;
    for (const L1Buffer& b : p.buffers)
        for (int s = 0; s < b.slots; s++) ranges.push_back({b.name + "[" + std::to_string(s) + "]", b.offset[s], b.offset[s] + b.bytes});
    for (size_t i = 0; i < ranges.size(); i++) {
        if (ranges[i].begin < 0 || ranges[i].end > p.peak_bytes || p.peak_bytes > budget)
            return ranges[i].name + " [" + std::to_string(ranges[i].begin) + ", " + std::to_string(ranges[i].end) +
                   ") outside the L1 plan's " + std::to_string(std::min(p.peak_bytes, budget)) + " bytes";
        for (size_t j = i + 1; j < ranges.size(); j++)
            if (ranges[i].begin < ranges[j].end && ranges[j].begin < ranges[i].end)
                return ranges[i].name + " overlaps " + ranges[j].name;
    }
    return "";
}

}  // namespace vitsim::deploy
