// Golden model (host interpreter + kernels on the image): close to the float
// reference, bit-identical across the options that must not change the math,
// different where the math changes (FWSA, approximate square root).
#include <gtest/gtest.h>

#include <cmath>

#include "deploy/golden.h"
#include "deploy/reference.h"
#include "test_support.h"

namespace vitsim::deploy {
namespace {

struct Case {
    const char* network;
    double tolerance;  // relative RMS error of the logits against the float reference
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.network; }

class BuiltIn : public ::testing::TestWithParam<Case> {
protected:
    Graph g = load_network(GetParam().network).graph;
    Weights w = test::cached_weights(g);
    DeployTarget target = test::roomy_target();

    std::vector<int8_t> run(const std::vector<std::string>& settings) {
        return golden_run(deploy(g, w, test::options(settings), target).image).output;
    }
};

TEST_P(BuiltIn, DefaultOptionsTrackTheFloatReference) {
    const DeployResult r = deploy(g, w, DeployOptions(), target);
    const std::vector<int8_t> out = golden_run(r.image).output;
    ASSERT_EQ(static_cast<int64_t>(out.size()), g.tensors.at(g.output).bytes());
    const ReferenceResult ref = float_forward(g, dequantize(w), dequantize_input(w), false);
    const QuantError e = quantization_error(out, r.output_scale, ref.output);
    EXPECT_LT(e.relative_rms, GetParam().tolerance) << "max abs " << e.max_abs;
    EXPECT_TRUE(e.argmax_equal);
}

TEST_P(BuiltIn, MemoryAndScheduleOptionsAreBitIdentical) {
    const std::vector<int8_t> reference = run({});
    const std::vector<std::vector<std::string>> variants = {
        {"mhsa=depth-first"},
        {"mhsa=depth-first", "tile=1"},
        {"mhsa=depth-first", "tile=5"},
        {"linear=token-overwrite"},
        {"patch-embed=decomposed"},
        {"weights=staged"},
        {"sqrt=bisect"},
        {"simd=off"},
        {"mhsa=depth-first", "linear=token-overwrite", "patch-embed=decomposed", "weights=staged"},
    };
    for (const auto& v : variants) {
        std::string text;
        for (const auto& s : v) text += s + " ";
        EXPECT_EQ(run(v), reference) << text;
    }
}

TEST_P(BuiltIn, FusedAttentionSchedulesAgreeAndStayClose) {
    const std::vector<int8_t> fused = run({"fwsa=on"});
    EXPECT_EQ(run({"fwsa=on", "mhsa=depth-first", "tile=3"}), fused);
    EXPECT_EQ(run({"fwsa=on", "weights=staged", "linear=token-overwrite"}), fused);
    const DeployResult r = deploy(g, w, test::options({"fwsa=on"}), target);
    const ReferenceResult ref = float_forward(g, dequantize(w), dequantize_input(w), false);
    EXPECT_LT(quantization_error(fused, r.output_scale, ref.output).relative_rms, 2 * GetParam().tolerance);
}

INSTANTIATE_TEST_SUITE_P(Networks, BuiltIn,
                         ::testing::Values(Case{"tiny", 0.05}, Case{"tiny-lowrank", 0.05}, Case{"eegformer", 0.05},
                                           Case{"ecgformer", 0.05}, Case{"radar", 0.05}),
                         [](const auto& info) {
                             std::string n = info.param.network;
                             for (char& c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

// The output bytes of layer `name` after a run of `image`.
std::vector<int8_t> layer_output(const DeployResult& r, const std::string& name) {
    std::vector<int8_t> bytes;
    for (const auto& l : r.plan.layers)
        if (l.name == name) {
            golden_run(r.image, [&](uint32_t index, const uint8_t* arena) {
                if (index == l.index)
                    bytes.assign(reinterpret_cast<const int8_t*>(arena + l.output_offset),
                                 reinterpret_cast<const int8_t*>(arena + l.output_offset + l.output_bytes));
            });
            return bytes;
        }
    ADD_FAILURE() << "no layer " << name;
    return bytes;
}

TEST(Golden, FwsaChangesTheAttentionMath) {
    const Graph g = load_network("eegformer").graph;
    const Weights w = test::cached_weights(g);
    const auto plain = layer_output(deploy(g, w, DeployOptions(), test::f746_target()), "block0.attn");
    const auto fused = layer_output(deploy(g, w, test::options({"fwsa=on"}), test::f746_target()), "block0.attn");
    ASSERT_EQ(plain.size(), fused.size());
    EXPECT_NE(plain, fused);
}

TEST(Golden, FewNewtonStepsChangeLayerNorm) {
    const Graph g = load_network("eegformer").graph;
    const Weights w = test::cached_weights(g);
    const auto exact = layer_output(deploy(g, w, DeployOptions(), test::f746_target()), "block0.ln1");
    const auto rough = layer_output(deploy(g, w, test::options({"sqrt=newton:1"}), test::f746_target()), "block0.ln1");
    EXPECT_NE(exact, rough);
}

TEST(Golden, EveryEegformerLayerTracksTheFloatReference) {
    const Graph g = load_network("eegformer").graph;
    const Weights w = test::cached_weights(g);
    const DeployResult r = deploy(g, w, DeployOptions(), test::f746_target());
    const ReferenceResult ref = float_forward(g, dequantize(w), dequantize_input(w), true);
    int checked = 0;
    golden_run(r.image, [&](uint32_t index, const uint8_t* arena) {
        const LayerPlan& l = r.plan.layers[index];
        const std::vector<double>& expect = ref.tensors.at(l.output);
        ASSERT_EQ(static_cast<int64_t>(expect.size()), l.output_bytes) << l.name;
        double err = 0, norm = 0;
        for (int64_t i = 0; i < l.output_bytes; i++) {
            const double got = static_cast<int8_t>(arena[l.output_offset + i]) * l.output_scale;
            err += (got - expect[i]) * (got - expect[i]);
            norm += expect[i] * expect[i];
        }
        EXPECT_LT(std::sqrt(err / norm), 0.1) << l.name;
        checked++;
    });
    EXPECT_EQ(checked, static_cast<int>(r.plan.layers.size()));
}

TEST(Golden, MarkersBracketEveryLayerInOrder) {
    const Graph g = load_network("tiny").graph;
    const DeployResult r = deploy(g, test::cached_weights(g), DeployOptions(), test::f746_target());
    const GoldenResult run = golden_run(r.image);
    ASSERT_EQ(run.markers.size(), 2 * r.plan.layers.size());
    for (size_t i = 0; i < r.plan.layers.size(); i++) {
        EXPECT_EQ(run.markers[2 * i], i);
        EXPECT_EQ(run.markers[2 * i + 1], i);
    }
}

TEST(Golden, StagingCopiesEveryWeightOnce) {
    const Graph g = load_network("tiny").graph;
    const Weights w = test::cached_weights(g);
    const DeployResult in_place = deploy(g, w, DeployOptions(), test::f746_target());
    const DeployResult staged = deploy(g, w, test::options({"weights=staged"}), test::f746_target());
    const uint64_t input = static_cast<uint64_t>(g.input_shape.bytes());
    EXPECT_EQ(golden_run(in_place.image).copied_bytes, input);
    int64_t weights = 0;
    for (const auto& l : staged.plan.layers) weights += l.weight_bytes;
    EXPECT_EQ(golden_run(staged.image).copied_bytes, input + static_cast<uint64_t>(weights));
}

TEST(Golden, McuformerMemoryTechniquesAreBitIdentical) {
    const Graph g = load_network("mcuformer-320k").graph;
    const Weights w = test::cached_weights(g);
    const DeployResult plain = deploy(g, w, DeployOptions(), test::f746_target());
    const std::vector<int8_t> out = golden_run(plain.image).output;
    ASSERT_EQ(out.size(), 1000u);
    const DeployOptions techniques =
        test::options({"weights=staged", "mhsa=depth-first", "linear=token-overwrite", "patch-embed=decomposed"});
    EXPECT_EQ(golden_run(deploy(g, w, techniques, test::f746_target()).image).output, out);
    const ReferenceResult ref = float_forward(g, dequantize(w), dequantize_input(w), false);
    const QuantError e = quantization_error(out, plain.output_scale, ref.output);
    EXPECT_LT(e.relative_rms, 0.2);  // 12 blocks of int8 with random weights
}

TEST(Golden, McuformerFwsaTracksTheFloatReference) {
    const Graph g = load_network("mcuformer-320k").graph;
    const Weights w = test::cached_weights(g);
    const DeployResult r = deploy(g, w, test::options({"fwsa=on", "mhsa=depth-first"}), test::f746_target());
    const std::vector<int8_t> out = golden_run(r.image).output;
    const ReferenceResult ref = float_forward(g, dequantize(w), dequantize_input(w), false);
    EXPECT_LT(quantization_error(out, r.output_scale, ref.output).relative_rms, 0.2);
}

}  // namespace
}  // namespace vitsim::deploy
