// Internal to sim/deploy: how many rows (tokens) of an out-of-place linear layer the
// cluster's cores take while the matrix engine computes the others (docs/engine.md,
// "Linear layers: engine and cores at once"). The engine's time comes from its RTL
// schedule and the cluster DMA that feeds it, the cores' from the profile's measured
// fixed cycles and MACs per cycle and core, and the engine beside busy cores is slowed
// by the profile's measured share of bank stalls; the split that finishes both soonest.
#pragma once
#include <cstdint>

#include "deploy/deploy.h"

namespace vitsim::deploy {

// The engine's cycles for `rows` rows of a (k -> n) linear layer: its schedule per
// pass of `lanes` columns (check, biases, the weight load, per row the K/4 words, the
// requantization and the write) and the FC's DMA transfers of its blocks.
int64_t engine_linear_cycles(const DeployTarget& t, int64_t rows, int64_t k, int64_t n, bool bias);

// The cores' rows of a tokens x (k -> n) linear layer, the last ones: 0 when the target
// has no split (no engine, no measured core rate) or the engine cannot take the depth;
// `tokens` when the cores alone finish first.
int32_t linear_core_rows(const DeployTarget& t, int64_t tokens, int64_t k, int64_t n, bool bias);

}  // namespace vitsim::deploy
