// Weights: deterministic generation, the weights file (round trip, corruption),
// validation against the network.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "deploy/bytes.h"
#include "deploy/golden.h"
#include "deploy/prng.h"
#include "test_support.h"

namespace vitsim::deploy {
namespace {

using test::error_of;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            (name + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             std::to_string(static_cast<long>(::getpid()))))
        .string();
}

TEST(Prng, SplitMix64MatchesTheReferenceSequence) {
    // Steele et al.'s splitmix64 from state 0 (any correct implementation).
    SplitMix64 rng(0);
    EXPECT_EQ(rng.next(), 0xE220A8397B1DCDAFull);
    EXPECT_EQ(rng.next(), 0x6E789E6AA1B965F4ull);
    EXPECT_EQ(rng.next(), 0x06C45D188009454Full);
}

TEST(Prng, UniformAndIntegerStayInRange) {
    SplitMix64 rng(42);
    for (int i = 0; i < 10000; i++) {
        const double u = rng.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        const int32_t v = rng.integer(-127, 127);
        ASSERT_GE(v, -127);
        ASSERT_LE(v, 127);
    }
}

TEST(Weights, SameSeedGivesTheSameBytes) {
    const Graph g = load_network("tiny").graph;
    EXPECT_EQ(serialize_weights(generate_weights(g, 7)), serialize_weights(generate_weights(g, 7)));
}

TEST(Weights, DifferentSeedsGiveDifferentWeights) {
    const Graph g = load_network("tiny").graph;
    const Weights a = generate_weights(g, 7), b = generate_weights(g, 8);
    EXPECT_NE(a.param("block0.attn.wq").i8, b.param("block0.attn.wq").i8);
    EXPECT_NE(a.input, b.input);
}

TEST(Weights, GeneratedBytesArePinned) {
    // The generator is deterministic across platforms: integer PRNG, exact
    // conversions, scales rounded to 12 bits. A change here must be deliberate
    // (it changes every generated model); update the constant then.
    const std::vector<uint8_t> bytes = serialize_weights(generate_weights(load_network("tiny").graph, 1));
    EXPECT_EQ(fnv1a32(bytes.data(), bytes.size()), 0xF624D7FAu) << std::hex << fnv1a32(bytes.data(), bytes.size());
}

TEST(Weights, GeneratedWeightsMatchTheNetwork) {
    const Graph g = load_network("eegformer").graph;
    const Weights w = generate_weights(g, 3);
    EXPECT_NO_THROW(validate_weights(g, w, "gen"));
    EXPECT_EQ(w.param("block0.attn.wq").shape, (std::vector<int>{256, 32}));
    EXPECT_EQ(w.param("block0.attn.bq").dtype, DType::I32);
    // Biases are at the accumulator scale of their GEMM.
    EXPECT_DOUBLE_EQ(w.param("embed.bias").scale, w.scale("input") * w.param("embed.weight").scale);
    for (const auto& [name, s] : w.act_scales) EXPECT_GT(s, 0) << name;
}

TEST(Weights, FileRoundTripGivesTheSameModel) {
    const Graph g = load_network("tiny").graph;
    const Weights w = generate_weights(g, 5);
    const std::string path = temp_path("vitsim-weights");
    save_weights(w, path);
    const Weights back = load_weights(path);
    std::filesystem::remove(path);
    EXPECT_EQ(serialize_weights(back), serialize_weights(w));
    EXPECT_EQ(back.network, "tiny");
    EXPECT_EQ(back.seed, 5u);
    const DeployOptions o;
    EXPECT_EQ(golden_run(deploy(g, back, o, test::f746_target()).image).output,
              golden_run(deploy(g, w, o, test::f746_target()).image).output);
}

TEST(Weights, TruncatedFileIsReported) {
    const std::vector<uint8_t> bytes = serialize_weights(generate_weights(load_network("tiny").graph, 1));
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + bytes.size() / 2);
    const std::string message = error_of<InputError>([&] { parse_weights(cut, "w.vswt"); });
    EXPECT_EQ(message.rfind("w.vswt: truncated: ", 0), 0u) << message;
    EXPECT_NE(message.find("the file has " + std::to_string(cut.size())), std::string::npos) << message;
    EXPECT_EQ(error_of<InputError>([] { parse_weights({}, "w.vswt"); }), "w.vswt: not a vitsim weights file (bad magic)");
}

TEST(Weights, CorruptByteFailsTheChecksum) {
    std::vector<uint8_t> bytes = serialize_weights(generate_weights(load_network("tiny").graph, 1));
    bytes[bytes.size() - 40] ^= 0x10;  // inside the sample input data
    EXPECT_EQ(error_of<InputError>([&] { parse_weights(bytes, "w.vswt"); }),
              "w.vswt: checksum mismatch (the file is corrupt)");
}

TEST(Weights, BadMagicAndVersion) {
    std::vector<uint8_t> bytes = serialize_weights(generate_weights(load_network("tiny").graph, 1));
    std::vector<uint8_t> other = bytes;
    other[0] = 'X';
    EXPECT_EQ(error_of<InputError>([&] { parse_weights(other, "w.vswt"); }),
              "w.vswt: not a vitsim weights file (bad magic)");
    write_le32(bytes.data() + 4, 9);
    EXPECT_EQ(error_of<InputError>([&] { parse_weights(bytes, "w.vswt"); }),
              "w.vswt: weights file version 9 is not supported (this vitsim reads version 1)");
}

TEST(Weights, UnreadableFile) {
    EXPECT_EQ(error_of<InputError>([] { load_weights("/nonexistent/w.vswt"); }),
              "/nonexistent/w.vswt: cannot open weights file");
}

TEST(Weights, ValidationNamesTheTensorAndShapes) {
    const Graph g = load_network("tiny").graph;
    Weights w = generate_weights(g, 1);
    Weights wrong_shape = w;
    wrong_shape.params["block0.attn.wq"].shape = {16, 8};
    EXPECT_EQ(error_of<InputError>([&] { validate_weights(g, wrong_shape, "w.vswt"); }),
              "w.vswt: tensor 'block0.attn.wq' has shape [16 x 8], network 'tiny' needs [16 x 16]");
    Weights missing = w;
    missing.params.erase("head.bias");
    EXPECT_EQ(error_of<InputError>([&] { validate_weights(g, missing, "w.vswt"); }),
              "w.vswt: missing tensor 'head.bias' needed by network 'tiny'");
    Weights no_scale = w;
    no_scale.act_scales.erase("block0.attn:scores");
    EXPECT_EQ(error_of<InputError>([&] { validate_weights(g, no_scale, "w.vswt"); }),
              "w.vswt: missing activation scale 'block0.attn:scores' needed by network 'tiny'");
    Weights other_net = w;
    other_net.network = "eegformer";
    EXPECT_EQ(error_of<InputError>([&] { validate_weights(g, other_net, "w.vswt"); }),
              "w.vswt: weights are for network 'eegformer', not 'tiny'");
}

TEST(Weights, DeployValidatesWeights) {
    const Graph g = load_network("tiny").graph;
    Weights w = generate_weights(g, 1);
    w.input.pop_back();
    EXPECT_EQ(error_of<InputError>([&] { deploy(g, w, DeployOptions(), test::f746_target()); }),
              "weights for network 'tiny': sample input has 767 bytes, network 'tiny' needs 768");
}

// An absurd scale used to pass loading and validation, then fail in the golden
// run (exit 119). It is refused when the file is read, naming the entry.
TEST(Weights, AbsurdScalesAreRefusedAtLoadNamingTheTensor) {
    const Graph g = load_network("tiny").graph;
    const Weights good = generate_weights(g, 1);
    for (double scale : {1e-300, 0.0, -0.5, std::nan(""), HUGE_VAL, 1e30}) {
        Weights bad = good;
        bad.params.at("head.weight").scale = scale;
        const std::string message = error_of<InputError>([&] { parse_weights(serialize_weights(bad), "w.vswt"); });
        EXPECT_PRED2(contains, message, "w.vswt: entry ");
        EXPECT_PRED2(contains, message, " 'head.weight' has scale ");
        EXPECT_PRED2(contains, message, " (must be a number from 2^-40 to 2^24)");
        bad = good;
        bad.act_scales.at("block0.attn:scores") = scale;
        EXPECT_PRED2(contains, error_of<InputError>([&] { parse_weights(serialize_weights(bad), "w.vswt"); }),
                     " 'block0.attn:scores' has scale ");
        bad = good;
        bad.params.at("head.weight").scale = scale;  // weights built in memory: deploy validates them too
        EXPECT_PRED2(contains, error_of<InputError>([&] { validate_weights(g, bad, "w.vswt"); }),
                     "w.vswt: tensor 'head.weight' has scale ");
    }
}

// Found by fuzz_weights: a bias near 2^31 made the kernels' int32 accumulator
// overflow (undefined behaviour in the host golden model then). The kernels now
// wrap as the target does, so every int32 value is valid and read as it is.
TEST(Weights, Int32ValuesAtTheLimitsAreValid) {
    const Graph g = load_network("tiny").graph;
    Weights w = generate_weights(g, 1);
    w.params.at("block0.attn.bq").i32[3] = 2147483647;
    w.params.at("block0.attn.bq").i32[4] = -2147483647 - 1;
    const Weights read = parse_weights(serialize_weights(w), "w.vswt");
    EXPECT_NO_THROW(validate_weights(g, read, "w.vswt"));
    EXPECT_EQ(read.params.at("block0.attn.bq").i32[3], 2147483647);
    EXPECT_EQ(read.params.at("block0.attn.bq").i32[4], -2147483647 - 1);
}

TEST(Weights, DirectoryIsNotAWeightsFile) {
    const std::string dir = temp_path("weights-dir");
    std::filesystem::create_directories(dir);
    EXPECT_EQ(error_of<InputError>([&] { load_weights(dir); }), dir + ": is a directory, not a weights file");
    std::filesystem::remove(dir);
}

TEST(Weights, NamesFromTheFileAreEscapedInMessages) {
    const Graph g = load_network("tiny").graph;
    Weights w = generate_weights(g, 1);
    w.network = "two\nlines";
    EXPECT_EQ(error_of<InputError>([&] { validate_weights(g, parse_weights(serialize_weights(w), "w.vswt"), "w.vswt"); }),
              "w.vswt: weights are for network 'two\\nlines', not 'tiny'");
}

TEST(Weights, ScaleForMaxRoundsUpTo12Bits) {
    const double s = scale_for_max(1.0);
    EXPECT_GE(s * 127, 1.0);
    EXPECT_LT(s * 127, 1.0 + 1.0 / 2048);
    int e;
    const double f = std::frexp(s, &e);
    EXPECT_EQ(std::ldexp(f, 12), std::floor(std::ldexp(f, 12)));
}

}  // namespace
}  // namespace vitsim::deploy
