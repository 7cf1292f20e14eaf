// Internal to sim/deploy: the L1 tiling of each layer a cluster runs
// (docs/deploy.md, "L1 plan"). DORY-like: the tile sizes that fit the L1 budget
// with two buffers per operand (double buffering) and cost the least by a simple
// model (DMA time, compute time spread over the cores, the transfers that cannot
// overlap: the first tile's inputs and the last tile's outputs).
#pragma once
#include <cstdint>
#include <string>

#include "deploy/deploy.h"
#include "deploy/lower.h"

namespace vitsim::deploy {

// The tiling of `layer` (linear, layernorm, add; other ops are not tiled:
// tile_rows 0). Throws NoFitError naming the layer and the L1 when even its
// smallest tile (one row, one output column) does not fit `target.l1_budget`.
L1Plan plan_l1(const LoweredLayer& layer, uint32_t index, const DeployTarget& target);

// The layer's buffers overlap, or one leaves the budget: the broken rule, else "".
std::string l1_plan_violation(const L1Plan& plan, int64_t budget);

}  // namespace vitsim::deploy
