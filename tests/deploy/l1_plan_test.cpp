// The L1 plan of cluster profiles (docs/deploy.md, "L1 plan"): every layer a
// cluster tiles keeps its buffers apart and inside the L1 budget, the image
// carries the plan the firmware follows, and a layer that cannot tile is refused.
#include <gtest/gtest.h>

#include <cstring>

#include "deploy/l1_plan.h"
#include "soc/profile.h"
#include "test_support.h"
#include "vs_model.h"

namespace vitsim::deploy {
namespace {

using test::error_of;

DeployTarget gap9_target() { return target_for_profile(load_profile("gap9"), 64 * 1024, 4096, 2048); }

bool tiled_op(const std::string& op) { return op == "linear" || op == "layernorm" || op == "add"; }

// Every built-in network under a few option sets: each linear, layernorm and add
// layer is tiled, its buffers never overlap (all are live during the whole layer)
// and stay below the budget, and its tiles cover the layer.
TEST(L1Plan, NeverOverlapsLiveTilesInAnyBuiltInNetwork) {
    const DeployTarget t = gap9_target();
    ASSERT_EQ(t.l1_budget, 128u * 1024 - 16384);
    for (const std::string& name : network_names())
        for (const auto& settings : std::vector<std::vector<std::string>>{{}, {"linear=out-of-place"}, {"fwsa=on"}}) {
            const Graph g = load_network(name).graph;
            const Plan p = plan_network(g, test::cached_weights(g), test::options(settings), t);
            SCOPED_TRACE(name + " " + p.options);
            EXPECT_EQ(p.l1_budget, static_cast<int64_t>(t.l1_budget));
            int64_t peak = 0;
            for (const LayerPlan& lp : p.layers) {
                SCOPED_TRACE(lp.name);
                const L1Plan& l1 = lp.l1;
                EXPECT_EQ(l1.tile_rows > 0, tiled_op(lp.op));
                if (l1.tile_rows == 0) continue;
                EXPECT_EQ(l1_plan_violation(l1, p.l1_budget), "");
                EXPECT_LE(l1.peak_bytes, p.l1_budget);
                EXPECT_GT(l1.dma_bytes, 0);
                EXPECT_GE(l1.row_tiles, 1);
                EXPECT_GE(l1.col_tiles, 1);
                for (const L1Buffer& b : l1.buffers) {
                    if (b.slots == 2) EXPECT_NE(b.offset[0], b.offset[1]) << b.name;
                }
                peak = std::max(peak, l1.peak_bytes);
            }
            EXPECT_EQ(p.l1_peak_bytes, peak);
        }
}

// The violation check itself sees an overlap and a buffer past the budget.
TEST(L1Plan, ViolationCheckSeesOverlapsAndOverflow) {
    L1Plan p;
    p.tile_rows = 1;
    p.peak_bytes = 100;
    p.buffers[0] = {"x", {0, 40}, 40, 2};
    p.buffers[3] = {"y", {80, 80}, 20, 1};
    EXPECT_EQ(l1_plan_violation(p, 100), "");
    p.buffers[3].offset[0] = p.buffers[3].offset[1] = 70;
    EXPECT_EQ(l1_plan_violation(p, 100), "x[1] overlaps y[0]");
    p.buffers[3].offset[0] = p.buffers[3].offset[1] = 90;
    EXPECT_NE(l1_plan_violation(p, 100).find("outside the L1 plan"), std::string::npos);
}

// The image carries one vs_l1_plan_t per layer, as planned; single-core targets none.
TEST(L1Plan, ImageCarriesThePlanPerLayer) {
    const Graph g = load_network("eegformer").graph;
    const DeployResult r = deploy(g, test::cached_weights(g), DeployOptions(), gap9_target());
    vs_model_header_t h;
    std::memcpy(&h, r.image.data(), sizeof h);
    ASSERT_NE(h.l1_plans_offset, 0u);
    ASSERT_EQ(h.l1_plan_bytes, sizeof(vs_l1_plan_t));
    ASSERT_LE(h.l1_plans_offset + h.layer_count * sizeof(vs_l1_plan_t), h.model_bytes);
    for (uint32_t i = 0; i < h.layer_count; i++) {
        vs_l1_plan_t f;
        std::memcpy(&f, r.image.data() + h.l1_plans_offset + i * sizeof f, sizeof f);
        const L1Plan& l1 = r.plan.layers[i].l1;
        EXPECT_EQ(f.tile_rows, uint32_t(l1.tile_rows));
        EXPECT_EQ(f.tile_cols, uint32_t(l1.tile_cols));
        EXPECT_EQ(f.peak_bytes, uint32_t(l1.peak_bytes));
        EXPECT_EQ(f.order & VS_L1_COLS_OUTER, l1.cols_outer ? VS_L1_COLS_OUTER : 0u);
        for (int b = 0; b < VS_L1_BUFFERS; b++) {
            EXPECT_EQ(f.buffer[b].bytes, uint32_t(l1.buffers[b].bytes));
            EXPECT_EQ(f.buffer[b].offset[1], uint32_t(l1.buffers[b].offset[1]));
        }
    }
    const DeployResult single = deploy(g, test::cached_weights(g), DeployOptions(), test::f746_target());
    std::memcpy(&h, single.image.data(), sizeof h);
    EXPECT_EQ(h.l1_plans_offset, 0u);
    EXPECT_EQ(h.l1_plan_bytes, 0u);
}

// A layer whose smallest tile (one row, one output column, double-buffered) is
// larger than the L1 is refused, naming the layer and the memory (exit 115).
TEST(L1Plan, RefusesALayerThatCannotTile) {
    const Graph g = load_network("tiny").graph;
    DeployTarget t = gap9_target();
    t.l1_budget = 64;
    const std::string message =
        error_of<NoFitError>([&] { deploy(g, test::cached_weights(g), DeployOptions(), t); });
    EXPECT_NE(message.find("network 'tiny' does not fit: layer '"), std::string::npos) << message;
    EXPECT_NE(message.find("cannot be tiled for the L1: its smallest tile (1 row"), std::string::npos) << message;
    EXPECT_NE(message.find("bytes of L1 with double buffering, 64 available on gap9"), std::string::npos) << message;
    EXPECT_EQ(NoFitError("x").code(), kExitNoFit);
    EXPECT_FALSE(plan_network(g, test::cached_weights(g), DeployOptions(), t).fits);
}

}  // namespace
}  // namespace vitsim::deploy
