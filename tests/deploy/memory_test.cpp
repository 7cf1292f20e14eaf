// Memory figures the tool exists to show: depth-first attention, token
// overwriting and patch-embedding decomposition against the SRAM of an MCU.
#include <gtest/gtest.h>

#include "test_support.h"

namespace vitsim::deploy {
namespace {

const LayerPlan& layer(const Plan& p, const std::string& name) {
    for (const auto& l : p.layers)
        if (l.name == name) return l;
    throw std::runtime_error("no layer " + name);
}

Plan plan(const std::string& net, const std::vector<std::string>& settings, DeployTarget t = test::f746_target()) {
    const Graph g = load_network(net).graph;
    return plan_network(g, test::cached_weights(g), test::options(settings), t);
}

TEST(Memory, EegformerDepthFirstAttentionNeedsAtLeastFourTimesLess) {
    const Plan layer_wise = plan("eegformer", {"mhsa=layer-wise"});
    const Plan depth_first = plan("eegformer", {"mhsa=depth-first"});
    const LayerPlan& a = layer(layer_wise, "block0.attn");
    const LayerPlan& b = layer(depth_first, "block0.attn");
    EXPECT_GE(static_cast<double>(a.planned_bytes), 4.0 * b.planned_bytes)
        << a.planned_bytes << " vs " << b.planned_bytes;
    // The attention is the peak of both plans, so the network peak drops too.
    EXPECT_EQ(layer_wise.arena_bytes, a.arena_high_water);
    EXPECT_GE(static_cast<double>(layer_wise.arena_bytes), 4.0 * depth_first.arena_bytes);
}

TEST(Memory, DepthFirstLowersThePeakOfEveryTransformer) {
    for (const char* net : {"eegformer", "ecgformer", "radar", "mcuformer-320k"})
        EXPECT_LT(plan(net, {"mhsa=depth-first"}).peak_sram_bytes, plan(net, {}).peak_sram_bytes) << net;
}

TEST(Memory, TokenOverwritingNeverRaisesThePeak) {
    for (const char* net : {"tiny", "tiny-lowrank", "eegformer", "ecgformer", "radar"})
        for (const char* weights : {"weights=in-place", "weights=staged"})
            EXPECT_LE(plan(net, {"mhsa=depth-first", "linear=token-overwrite", weights}).peak_sram_bytes,
                      plan(net, {"mhsa=depth-first", weights}).peak_sram_bytes)
                << net << " " << weights;
}

TEST(Memory, TokenOverwritingLowersTheMcuformerMlp) {
    const Plan out_of_place = plan("mcuformer-320k", {"weights=staged", "mhsa=depth-first"});
    const Plan overwrite = plan("mcuformer-320k", {"weights=staged", "mhsa=depth-first", "linear=token-overwrite"});
    const std::string fc1 = "block0.mlp.fc1.c";
    // The 183 -> 864 factor writes over its own input rows: no separate input
    // (145 x 183 bytes, rounded up to 4).
    EXPECT_EQ(layer(out_of_place, fc1).live_bytes - layer(overwrite, fc1).live_bytes, (145 * 183 + 3) / 4 * 4);
    EXPECT_LT(overwrite.peak_sram_bytes, out_of_place.peak_sram_bytes);
}

// MCUFormer's claim: 320 KB of SRAM on the STM32F746 with weights staged per
// layer from (quad-SPI) flash, given its memory techniques.
TEST(Memory, Mcuformer320kFitsWithItsMemoryTechniques) {
    const Plan p = plan("mcuformer-320k", {"weights=staged", "mhsa=depth-first", "linear=token-overwrite",
                                           "patch-embed=decomposed"});
    EXPECT_TRUE(p.fits) << p.misfit;
    EXPECT_LE(p.peak_sram_bytes, 327680);
    EXPECT_EQ(p.sram_budget, 327680);
    EXPECT_GT(p.patch_groups, 1);  // the patch embedding's weights are staged in groups
}

TEST(Memory, Mcuformer320kDoesNotFitWithoutDecompositionAndTokenOverwriting) {
    const Plan p = plan("mcuformer-320k", {"weights=staged", "mhsa=depth-first", "linear=out-of-place",
                                           "patch-embed=direct"});
    EXPECT_FALSE(p.fits);
    EXPECT_GT(p.peak_sram_bytes, 327680);
    EXPECT_EQ(p.misfit.rfind("network 'mcuformer-320k' does not fit: layer 'block0.mlp.fc1.c' (index 13) needs ", 0), 0u)
        << p.misfit;
    // Decomposition alone does not rescue it: the MLP is the bottleneck.
    EXPECT_FALSE(plan("mcuformer-320k", {"weights=staged", "mhsa=depth-first", "patch-embed=decomposed"}).fits);
    // Nor does token overwriting with the layer-wise attention.
    EXPECT_FALSE(plan("mcuformer-320k", {"weights=staged", "linear=token-overwrite", "patch-embed=decomposed"}).fits);
}

TEST(Memory, McuformerReadingWeightsInPlaceFitsWithoutTechniques) {
    // Weights read straight from qspi need no staging area.
    const Plan p = plan("mcuformer-320k", {});
    EXPECT_TRUE(p.fits) << p.misfit;
    EXPECT_EQ(p.staging_bytes, 0);
}

TEST(Memory, StackAndStaticDataCount) {
    DeployTarget t = test::f746_target();
    const Plan base = plan("tiny", {}, t);
    t.stack_reserve += 1000;
    t.static_bytes += 24;
    const Plan more = plan("tiny", {}, t);
    EXPECT_EQ(more.peak_sram_bytes, base.peak_sram_bytes + 1024);
    EXPECT_EQ(more.arena_bytes, base.arena_bytes);
}

}  // namespace
}  // namespace vitsim::deploy
