// Memory planner: placement properties on random buffers and random networks,
// per-layer figures, and the math-preserving options giving identical outputs.
#include <gtest/gtest.h>

#include "deploy/golden.h"
#include "deploy/planner.h"
#include "deploy/prng.h"
#include "test_support.h"

namespace vitsim::deploy {
namespace {

bool overlap(int64_t a, int64_t a_size, int64_t b, int64_t b_size) { return a < b + b_size && b < a + a_size; }
bool same_time(int f1, int l1, int f2, int l2) { return f1 <= l2 && f2 <= l1; }

TEST(Planner, RandomIntervalsNeverCollide) {
    SplitMix64 rng(11);
    for (int round = 0; round < 200; round++) {
        std::vector<Interval> iv(static_cast<size_t>(rng.integer(1, 40)));
        for (auto& i : iv) {
            i.first = rng.integer(0, 30);
            i.last = i.first + rng.integer(0, 10);
            i.size = rng.integer(1, 5000);
        }
        const Placement p = place_intervals(iv, 4);
        int64_t top = 0;
        for (size_t a = 0; a < iv.size(); a++) {
            ASSERT_EQ(p.offsets[a] % 4, 0);
            top = std::max(top, p.offsets[a] + iv[a].size);
            for (size_t b = a + 1; b < iv.size(); b++) {
                if (same_time(iv[a].first, iv[a].last, iv[b].first, iv[b].last)) {
                    ASSERT_FALSE(overlap(p.offsets[a], iv[a].size, p.offsets[b], iv[b].size))
                        << "round " << round << " intervals " << a << " and " << b;
                }
            }
        }
        EXPECT_LE(top, p.arena_bytes);
        std::vector<std::vector<Part>> shapes;
        for (const auto& i : iv) shapes.push_back({Part{0, (i.size + 3) / 4 * 4, i.first, i.last}});
        EXPECT_GE(p.arena_bytes, live_lower_bound(shapes));
    }
}

TEST(Planner, ChainOfBuffersPacksToTheLowerBound) {
    // a -> b -> c -> d, each live for two consecutive layers: two at a time.
    const std::vector<Interval> iv = {{100, 0, 1}, {200, 1, 2}, {100, 2, 3}, {200, 3, 4}};
    EXPECT_EQ(place_intervals(iv, 4).arena_bytes, 300);
}

TEST(Planner, ProfilesBecomeStaircases) {
    // 64 bytes at layers 3..4, then 16 until layer 7: two bands.
    const std::vector<Part> parts = parts_of_profile({64, 64, 16, 16, 16}, 3);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].offset, 0);
    EXPECT_EQ(parts[0].size, 16);
    EXPECT_EQ(parts[0].first, 3);
    EXPECT_EQ(parts[0].last, 7);
    EXPECT_EQ(parts[1].offset, 16);
    EXPECT_EQ(parts[1].size, 48);
    EXPECT_EQ(parts[1].last, 4);
    // A buffer that shrinks frees its tail for a later one.
    const Placement p = place_buffers({parts, {Part{0, 48, 5, 6}}}, 4);
    EXPECT_EQ(p.arena_bytes, 64);
}

// A random valid network description (image or sequence input, dense or
// low-rank, class token or mean pooling).
std::string random_network(SplitMix64& rng, int id) {
    const bool image = rng.integer(0, 1) == 1;
    const int embed = 4 * rng.integer(2, 6), heads = rng.integer(1, 3), head_dim = 2 * rng.integer(1, 4);
    const bool low_rank = rng.integer(0, 2) == 0;
    const bool class_token = image && rng.integer(0, 1) == 1;
    std::string input, layers;
    if (image) {
        const int patch = 4 * rng.integer(1, 2), grid_h = rng.integer(1, 3), grid_w = rng.integer(1, 3);
        input = R"({"kind": "image", "height": )" + std::to_string(patch * grid_h) + R"(, "width": )" +
                std::to_string(patch * grid_w) + R"(, "channels": )" + std::to_string(rng.integer(1, 3)) + "}";
        layers = R"({"op": "patch_embed", "name": "patch", "patch": )" + std::to_string(patch) + R"(, "embed": )" +
                 std::to_string(embed) + R"(, "sub_patch": )" + std::to_string(rng.integer(0, 1) ? 2 : 4) + "}";
    } else {
        input = R"({"kind": "sequence", "tokens": )" + std::to_string(rng.integer(2, 12)) + R"(, "features": )" +
                std::to_string(rng.integer(3, 20)) + "}";
        layers = R"({"op": "linear_embed", "name": "embed", "out_features": )" + std::to_string(embed) + "}";
    }
    if (class_token) layers += R"(, {"op": "class_token", "name": "cls"})";
    if (rng.integer(0, 1)) layers += R"(, {"op": "pos_embed", "name": "pos"})";
    layers += R"(, {"op": "encoder", "name": "block", "repeat": )" + std::to_string(rng.integer(1, 2)) +
              R"(, "embed": )" + std::to_string(embed) + R"(, "heads": )" + std::to_string(heads) +
              R"(, "head_dim": )" + std::to_string(head_dim) + R"(, "mlp_hidden": )" +
              std::to_string(embed * rng.integer(1, 3)) + "}";
    if (rng.integer(0, 1)) layers += R"(, {"op": "layernorm", "name": "norm"})";
    layers += std::string(R"(, {"op": "pool", "name": "pool", "mode": ")") + (class_token ? "class_token" : "mean") + "\"}";
    layers += R"(, {"op": "classifier", "name": "head", "classes": )" + std::to_string(rng.integer(2, 10)) + "}";
    return R"({"format": "vitsim-network", "version": 1, "name": "random)" + std::to_string(id) + R"(", "input": )" +
           input + (low_rank ? R"(, "low_rank_ratio": 0.75)" : "") + R"(, "layers": [)" + layers + "]}";
}

// Options that must not change a single output bit.
DeployOptions random_exact_options(SplitMix64& rng) {
    DeployOptions o;
    o.mhsa = rng.integer(0, 1) ? MhsaSchedule::DepthFirst : MhsaSchedule::LayerWise;
    o.tile = rng.integer(1, 12);
    o.patch_embed = rng.integer(0, 1) ? PatchEmbedMode::Decomposed : PatchEmbedMode::Direct;
    o.linear = rng.integer(0, 1) ? LinearMode::TokenOverwrite : LinearMode::OutOfPlace;
    o.weights = rng.integer(0, 1) ? WeightMode::Staged : WeightMode::InPlace;
    o.sqrt = rng.integer(0, 1) ? SqrtMethod::Bisect : SqrtMethod::Newton;
    o.newton_steps = rng.integer(6, 12);  // >= 6: the exact integer square root
    return o;
}

void expect_valid_plan(const Plan& p, const std::string& what) {
    // Parts of different buffers never overlap while both are in use.
    for (size_t a = 0; a < p.buffers.size(); a++)
        for (size_t b = a + 1; b < p.buffers.size(); b++) {
            const auto &x = p.buffers[a], &y = p.buffers[b];
            if (x.name == y.name && x.kind == y.kind) continue;
            if (same_time(x.first, x.last, y.first, y.last)) {
                ASSERT_FALSE(overlap(x.offset, x.bytes, y.offset, y.bytes))
                    << what << ": " << x.name << " [" << x.offset << "+" << x.bytes << "] and " << y.name << " ["
                    << y.offset << "+" << y.bytes << "]";
            }
        }
    // Every tensor lies inside its buffer's parts at every layer it is in use.
    for (const auto& t : p.tensors)
        for (int layer = t.first; layer <= t.last; layer++) {
            std::vector<std::pair<int64_t, int64_t>> active;  // parts of its buffer in use now
            for (const auto& part : p.buffers)
                if (part.name == t.buffer && part.kind == "activation" && part.first <= layer && layer <= part.last)
                    active.emplace_back(part.offset, part.offset + part.bytes);
            std::sort(active.begin(), active.end());
            int64_t covered_to = t.offset;
            for (const auto& [start, end] : active)
                if (start <= covered_to) covered_to = std::max(covered_to, end);
            ASSERT_GE(covered_to, t.offset + t.bytes) << what << ": tensor " << t.name << " at layer " << layer;
        }
    // Peak = max over layers; every layer within the arena.
    int64_t max_sram = 0;
    for (const auto& l : p.layers) {
        max_sram = std::max(max_sram, l.sram_bytes);
        ASSERT_LE(l.arena_high_water, p.arena_bytes) << what;
        ASSERT_LE(l.planned_bytes, l.arena_high_water) << what << ": layer " << l.name;
        ASSERT_EQ(l.planned_bytes, l.live_bytes + l.scratch_bytes + l.staging_bytes);
        ASSERT_LE(l.output_offset + l.output_bytes, p.arena_bytes) << what;
    }
    EXPECT_EQ(p.peak_sram_bytes, max_sram) << what;
    EXPECT_EQ(p.peak_sram_bytes, p.arena_bytes + p.stack_reserve + p.static_bytes) << what;
}

void check_random_network(SplitMix64& rng, const std::string& text, uint64_t seed) {
    const Graph g = parse_network(text, "random.json").graph;
    const Weights w = generate_weights(g, seed);
    const std::vector<int8_t> reference = golden_run(deploy(g, w, DeployOptions(), test::f746_target()).image).output;
    for (int variant = 0; variant < 3; variant++) {
        const DeployOptions o = random_exact_options(rng);
        const DeployResult r = deploy(g, w, o, test::f746_target());
        expect_valid_plan(r.plan, g.name + " " + o.text());
        EXPECT_EQ(golden_run(r.image).output, reference) << o.text();
    }
}

TEST(Planner, RandomNetworksHaveValidPlansAndExactOptionsKeepTheOutput) {
    SplitMix64 rng(2024);
    for (int id = 0; id < 24; id++) {
        const std::string text = random_network(rng, id);
        SCOPED_TRACE(text);
        try {
            check_random_network(rng, text, static_cast<uint64_t>(id) + 1);
        } catch (const std::exception& e) {
            ADD_FAILURE() << e.what();
        }
    }
}

TEST(Planner, BuiltInNetworkPlansAreValid) {
    for (const char* net : {"tiny", "tiny-lowrank", "eegformer", "ecgformer", "radar"}) {
        const Graph g = load_network(net).graph;
        const Weights w = test::cached_weights(g);
        for (const auto& settings : std::vector<std::vector<std::string>>{
                 {}, {"mhsa=depth-first", "linear=token-overwrite"}, {"weights=staged", "fwsa=on"}}) {
            const DeployOptions o = test::options(settings);
            expect_valid_plan(plan_network(g, w, o, test::f746_target()), std::string(net) + " " + o.text());
        }
    }
}

TEST(Planner, InputImageCountsInTheFirstLayer) {
    const Graph g = load_network("tiny").graph;
    const Plan p = plan_network(g, test::cached_weights(g), DeployOptions(), test::f746_target());
    EXPECT_GE(p.layers[0].live_bytes, g.input_shape.bytes() + g.tensors.at("patch_embed").bytes());
}

TEST(Planner, PlanDoesNotFitNamesTheLayer) {
    const Graph g = load_network("eegformer").graph;
    const Weights w = test::cached_weights(g);
    DeployTarget t = test::f746_target();
    t.sram_budget = 100000;
    const Plan p = plan_network(g, w, DeployOptions(), t);
    ASSERT_FALSE(p.fits);
    const LayerPlan& attn = p.layers[3];
    ASSERT_EQ(attn.name, "block0.attn");
    const std::string expected =
        "network 'eegformer' does not fit: layer 'block0.attn' (index 3) needs " +
        std::to_string(attn.planned_bytes + 4096 + 2048) + " bytes of SRAM (activations " +
        std::to_string(attn.live_bytes) + " + scratch " + std::to_string(attn.scratch_bytes) +
        " + staged weights 0 + stack 4096 + static 2048), 100000 available";
    EXPECT_EQ(p.misfit, expected);
    try {
        deploy(g, w, DeployOptions(), t);
        FAIL() << "deploy accepted a plan that does not fit";
    } catch (const NoFitError& e) {
        EXPECT_EQ(e.what(), expected);
        EXPECT_EQ(e.code(), kExitNoFit);
    }
    // The depth-first schedule fits the same budget.
    EXPECT_TRUE(plan_network(g, w, test::options({"mhsa=depth-first"}), t).fits);
}

}  // namespace
}  // namespace vitsim::deploy
