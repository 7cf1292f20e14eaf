// Network descriptions: the built-in networks expand to the documented shapes;
// bad descriptions fail with one line naming the file, the layer and the shapes.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace vitsim::deploy {
namespace {

using test::error_of;

const Node& first(const Graph& g, NodeKind kind) {
    for (const auto& n : g.nodes)
        if (n.kind == kind) return n;
    throw std::runtime_error("no such node");
}

int count(const Graph& g, NodeKind kind) {
    int n = 0;
    for (const auto& node : g.nodes) n += node.kind == kind;
    return n;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A minimal valid description with `layers` as its layer list.
std::string description(const std::string& layers, const std::string& input = R"({"kind": "sequence", "tokens": 8, "features": 4})") {
    return R"({"format": "vitsim-network", "version": 1, "name": "t", "input": )" + input + R"(, "layers": [)" + layers +
           "]}";
}

TEST(Network, BuiltInNetworksAreListed) {
    const auto names = network_names();
    for (const char* n : {"ecgformer", "eegformer", "mcuformer-320k", "radar", "tiny", "tiny-lowrank"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(Network, EegformerHasThePaperAttentionShape) {
    const Graph g = load_network("eegformer").graph;
    const Node& attn = first(g, NodeKind::Mhsa);
    EXPECT_EQ(attn.seq, 81);
    EXPECT_EQ(attn.in_shape.cols, 32);
    EXPECT_EQ(attn.head_dim, 32);
    EXPECT_EQ(attn.heads, 8);
    EXPECT_EQ(g.tensors.at(g.output).cols, 2);
}

TEST(Network, EcgformerAndRadarHaveThePaperAttentionShapes) {
    // The graphs outlive the references into them (a temporary would not).
    const Graph ecg_graph = load_network("ecgformer").graph, radar_graph = load_network("radar").graph;
    const Node& ecg = first(ecg_graph, NodeKind::Mhsa);
    EXPECT_EQ(ecg.seq, 66);
    EXPECT_EQ(ecg.in_shape.cols, 16);
    EXPECT_EQ(ecg.head_dim, 2);
    EXPECT_EQ(ecg.heads, 8);
    const Node& radar = first(radar_graph, NodeKind::Mhsa);
    EXPECT_EQ(radar.seq, 32);
    EXPECT_EQ(radar.in_shape.cols, 64);
    EXPECT_EQ(radar.head_dim, 64);
    EXPECT_EQ(radar.heads, 16);
}

TEST(Network, EcgformerHasAboutSixThousandParameters) {
    int64_t params = 0;
    for (const auto& p : load_network("ecgformer").graph.param_specs()) params += p.elements();
    EXPECT_GT(params, 5000);
    EXPECT_LT(params, 7000);
}

TEST(Network, McuformerIsLowRankWithRank183) {
    const Graph g = load_network("mcuformer-320k").graph;
    EXPECT_EQ(g.input_shape.rows, 240);
    EXPECT_EQ(g.input_shape.cols, 240 * 3);
    const Node& patch = first(g, NodeKind::PatchEmbed);
    EXPECT_EQ(patch.tokens, 144);
    EXPECT_EQ(patch.out_features, 216);
    EXPECT_EQ(count(g, NodeKind::Mhsa), 12);
    const Node& attn = first(g, NodeKind::Mhsa);
    EXPECT_EQ(attn.seq, 145);  // 144 patches + class token
    EXPECT_EQ(attn.heads, 4);
    EXPECT_EQ(attn.head_dim, 54);
    EXPECT_EQ(attn.in_shape.cols, 183);  // int(216 * 0.85)
    const Node& fc1c = g.node("block0.mlp.fc1.c");
    EXPECT_EQ(fc1c.in_features, 183);
    EXPECT_EQ(fc1c.out_features, 864);
    EXPECT_TRUE(fc1c.gelu);
    EXPECT_FALSE(g.node("block0.mlp.fc1.a").has_bias);
    EXPECT_EQ(g.node("head.c").out_features, 1000);
    // Class-token pooling after the final LayerNorm normalises row 0 only.
    EXPECT_EQ(g.node("norm").ln_rows, 1);
}

TEST(Network, TinyRunsEveryOperation) {
    const Graph g = load_network("tiny").graph;
    for (NodeKind k : {NodeKind::PatchEmbed, NodeKind::ClassToken, NodeKind::PosAdd, NodeKind::LayerNorm,
                       NodeKind::Mhsa, NodeKind::Add, NodeKind::Linear})
        EXPECT_GE(count(g, k), 1) << node_kind_name(k);
    EXPECT_EQ(count(load_network("tiny-lowrank").graph, NodeKind::MeanPool), 1);
}

TEST(Network, UnknownNetworkListsTheBuiltInOnes) {
    EXPECT_EQ(error_of<InputError>([] { load_network("resnet"); }),
              "unknown network 'resnet' (built-in: ecgformer, eegformer, mcuformer-320k, radar, tiny, tiny-lowrank; "
              "or give a path ending in .json)");
}

TEST(Network, MissingFileIsNamed) {
    EXPECT_EQ(error_of<InputError>([] { load_network("/nonexistent/x.json"); }),
              "/nonexistent/x.json: cannot open network description");
}

TEST(Network, MalformedJsonNamesLineAndColumn) {
    EXPECT_EQ(error_of<InputError>([] { parse_network("{\n  \"format\": ,\n}", "bad.json"); }),
              "bad.json: malformed JSON at line 2, column 13");
}

TEST(Network, WrongFormatAndVersionAreRejected) {
    EXPECT_EQ(error_of<InputError>([] { parse_network(R"({"format": "onnx", "version": 1})", "f.json"); }),
              "f.json: \"format\" must be \"vitsim-network\"");
    EXPECT_EQ(error_of<InputError>([] { parse_network(R"({"format": "vitsim-network", "version": 2})", "f.json"); }),
              "f.json: version 2 is not supported (this vitsim reads version 1)");
}

TEST(Network, ShapeMismatchNamesLayerAndShapes) {
    const std::string text = description(
        R"({"op": "linear_embed", "name": "embed", "out_features": 32},
           {"op": "encoder", "name": "block", "repeat": 2, "embed": 16, "heads": 2, "head_dim": 8, "mlp_hidden": 32})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "m.json"); }),
              "m.json: layer 'block0' (encoder): input is [8 x 32] but the layer expects embed 16");
}

TEST(Network, DeclaredInFeaturesAreChecked) {
    const std::string text = description(R"({"op": "linear_embed", "name": "embed", "in_features": 5, "out_features": 8})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "m.json"); }),
              "m.json: layer 'embed' (linear_embed): input is [8 x 4] but the layer expects in_features 5");
}

TEST(Network, ClassifierNeedsOneRow) {
    const std::string text = description(R"({"op": "classifier", "name": "head", "classes": 3})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "c.json"); }),
              "c.json: layer 'head' (classifier): input is [8 x 4] but a classifier needs one row (add a pool layer)");
}

TEST(Network, PatchMustDivideTheImage) {
    const std::string text = description(R"({"op": "patch_embed", "name": "p", "patch": 5, "embed": 8})",
                                         R"({"kind": "image", "height": 16, "width": 16, "channels": 3})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "p.json"); }),
              "p.json: layer 'p' (patch_embed): image 16x16 is not a multiple of patch 5");
}

TEST(Network, ImageNeedsPatchEmbeddingFirst) {
    const std::string text = description(R"({"op": "layernorm", "name": "n"})",
                                         R"({"kind": "image", "height": 16, "width": 16, "channels": 3})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "p.json"); }),
              "p.json: layer 'n' (layernorm): input is the image 16x16x3; the first layer must be patch_embed");
}

TEST(Network, ClassTokenPoolingNeedsAClassToken) {
    const std::string text = description(R"({"op": "pool", "name": "pool", "mode": "class_token"})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "p.json"); }),
              "p.json: layer 'pool' (pool): mode class_token needs a class_token layer before it");
}

TEST(Network, UnknownKeysAndOpsAreNamed) {
    EXPECT_EQ(error_of<InputError>([] {
                  parse_network(description(R"({"op": "layernorm", "name": "n", "eps": 1})"), "k.json");
              }),
              "k.json: layers[0] (layernorm 'n'): unknown key \"eps\" (allowed: name, op)");
    EXPECT_EQ(error_of<InputError>([] { parse_network(description(R"({"op": "conv", "name": "c"})"), "k.json"); }),
              "k.json: layers[0]: unknown op \"conv\" (allowed: class_token, classifier, encoder, layernorm, "
              "linear_embed, patch_embed, pool, pos_embed)");
    EXPECT_EQ(error_of<InputError>([] {
                  parse_network(description(R"({"op": "linear_embed", "name": "e", "out_features": -3})"), "k.json");
              }),
              "k.json: layers[0] (linear_embed 'e'): \"out_features\" must be an integer from 1 to 16777216, not -3");
    EXPECT_EQ(error_of<InputError>([] { parse_network(description(R"({"op": "layernorm"})"), "k.json"); }),
              "k.json: layers[0] (layernorm): missing \"name\"");
}

TEST(Network, DuplicateLayerNamesAreRejected) {
    const std::string text = description(R"({"op": "layernorm", "name": "n"}, {"op": "layernorm", "name": "n"})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "d.json"); }), "d.json: layer name 'n' is used twice");
}


// Size products (heads x head_dim, patch x patch x channels, ...) used to
// overflow int; heads x head_dim = 2^32 then crashed the float reference.
TEST(Network, SizeProductsBeyondTheLimitAreRefusedNamingLayerAndKeys) {
    const std::string encoder =
        R"({"op": "encoder", "name": "enc", "embed": 4, "heads": 65536, "head_dim": 65536, "mlp_hidden": 8})";
    EXPECT_EQ(error_of<InputError>([&] { parse_network(description(encoder), "o.json"); }),
              "o.json: layer 'enc.attn' (encoder): heads x head_dim is larger than 268435456 "
              "(the limit of any tensor, docs/networks.md)");
    const std::string image = R"({"kind": "image", "height": 16777216, "width": 16777216, "channels": 3})";
    EXPECT_EQ(error_of<InputError>([&] { parse_network(description(R"({"op": "layernorm", "name": "n"})", image), "i.json"); }),
              "i.json: input: the image height x width x channels is larger than 268435456 bytes "
              "(the limit of any tensor, docs/networks.md)");
    EXPECT_PRED2(contains,
                 error_of<InputError>([&] {
                     parse_network(description(R"({"op": "patch_embed", "name": "p", "patch": 1, "embed": 8})",
                                               R"({"kind": "image", "height": 8192, "width": 8192, "channels": 1})"),
                                   "p.json");
                 }),
                 "p.json: layer 'p' (patch_embed): output [67108864 x 8] is larger than 268435456");
    const std::string hidden = R"({"op": "encoder", "name": "enc", "embed": 4, "heads": 1, "head_dim": 4, "mlp_hidden": 16777216})";
    EXPECT_EQ(error_of<InputError>([&] {
                  parse_network(description(hidden, R"({"kind": "sequence", "tokens": 64, "features": 4})"), "h.json");
              }),
              "h.json: layer 'enc.mlp.fc1' (linear): output [64 x 16777216] is larger than 268435456 "
              "(the limit of any tensor, docs/networks.md)");
    const std::string sequence = R"({"kind": "sequence", "tokens": 16777216, "features": 16777216})";
    EXPECT_EQ(error_of<InputError>([&] { parse_network(description(R"({"op": "layernorm", "name": "n"})", sequence), "s.json"); }),
              "s.json: input: tokens x features is larger than 268435456 bytes (the limit of any tensor, docs/networks.md)");
}

TEST(Network, TooManyLayersAreRefused) {
    const std::string text =
        description(R"({"op": "encoder", "name": "b", "repeat": 16777216, "embed": 4, "heads": 1, "head_dim": 4, "mlp_hidden": 8})");
    EXPECT_PRED2(contains, error_of<InputError>([&] { parse_network(text, "r.json"); }),
                 "the network expands to more than 4096 layers");
}

// Numbers of the wrong kind used to escape as exit 119 (1e400) or be read
// modulo 2^32 (version 4294967297 was version 1).
TEST(Network, NumbersOutOfRangeOrOfTheWrongTypeAreRefusedNamingTheKey) {
    auto layer_error = [](const std::string& value) {
        return error_of<InputError>([&] {
            parse_network(description(R"({"op": "linear_embed", "name": "e", "out_features": )" + value + "}"), "n.json");
        });
    };
    EXPECT_EQ(layer_error("1e400"), "n.json: malformed JSON: a number is out of range (number overflow parsing '1e400')");
    for (const char* value : {"18446744073709551616", "18446744073709551615", "4294967297", "-1", "2.5", "1e3", "\"8\"", "0"})
        EXPECT_PRED2(contains, layer_error(value),
                     "n.json: layers[0] (linear_embed 'e'): \"out_features\" must be an integer from 1 to 16777216, not ")
            << value;
    const std::string version = description(R"({"op": "layernorm", "name": "n"})");
    for (const char* bad : {"4294967297", "-4294967295", "1.0", "18446744073709551617"}) {
        std::string text = version;
        text.replace(text.find("\"version\": 1"), 12, std::string("\"version\": ") + bad);
        EXPECT_PRED2(contains, error_of<InputError>([&] { parse_network(text, "v.json"); }),
                     "v.json: version " + std::string(bad == std::string("18446744073709551617") ? "1.8446744073709552e+19" : bad) +
                         " is not supported")
            << bad;
    }
}

TEST(Network, RealNumbersAreRangeChecked) {
    auto top_error = [](const std::string& key, const std::string& value) {
        std::string text = description(R"({"op": "layernorm", "name": "n"})");
        text.insert(1, "\"" + key + "\": " + value + ", ");
        return error_of<InputError>([&] { parse_network(text, "r.json"); });
    };
    EXPECT_EQ(top_error("layernorm_eps", "1e300"), "r.json: \"layernorm_eps\" must be in (0, 1]");
    EXPECT_EQ(top_error("layernorm_eps", "-1"), "r.json: \"layernorm_eps\" must be in (0, 1]");
    EXPECT_EQ(top_error("layernorm_eps", "\"small\""), "r.json: \"layernorm_eps\" must be a number, not \"small\"");
    EXPECT_EQ(top_error("low_rank_ratio", "1"), "r.json: \"low_rank_ratio\" must be in [0, 1) (0: dense layers)");
}

// Per-layer ranks: an encoder's MLP or attention, a tokenizer or the classifier
// factorised on its own, each layer's ratio overriding the network's.
TEST(Network, PerLayerLowRankRatios) {
    const std::string encoder = R"({"op": "encoder", "name": "b", "embed": 4, "heads": 1, "head_dim": 4, "mlp_hidden": 8)";
    const Graph mlp_only = parse_network(description(encoder + R"(, "mlp_low_rank_ratio": 0.5})"), "m.json").graph;
    EXPECT_EQ(count(mlp_only, NodeKind::Mhsa), 1);
    EXPECT_TRUE(first(mlp_only, NodeKind::Mhsa).has_out_bias);  // the attention stays dense
    EXPECT_EQ(mlp_only.node("b.attn").out_shape.cols, 4);
    EXPECT_EQ(mlp_only.node("b.mlp.fc1.a").out_features, 2);  // int(min(4, 8) x 0.5)
    EXPECT_EQ(mlp_only.node("b.mlp.fc2.c").out_features, 4);
    EXPECT_EQ(mlp_only.node("b.mlp.fc1.c").chain, "b.mlp.fc1");

    const Graph attn_only = parse_network(description(encoder + R"(, "attn_low_rank_ratio": 0.5})"), "a.json").graph;
    EXPECT_EQ(attn_only.node("b.attn").out_shape.cols, 2);
    EXPECT_EQ(attn_only.node("b.mlp.fc1").out_features, 8);  // dense

    // The network's ratio is the default; a layer's 0 makes it dense.
    std::string text = description(encoder + R"(, "mlp_low_rank_ratio": 0}, )" +
                                   R"({"op": "pool", "name": "p", "mode": "mean"}, )" +
                                   R"({"op": "classifier", "name": "head", "classes": 3, "low_rank_ratio": 0.75})");
    text.insert(1, R"("low_rank_ratio": 0.5, )");
    const Graph mixed = parse_network(text, "x.json").graph;
    EXPECT_EQ(mixed.node("b.attn.qkv.a").out_features, 2);
    EXPECT_EQ(mixed.node("b.mlp.fc1").out_features, 8);
    EXPECT_EQ(mixed.node("head.a").out_features, 2);  // int(min(4, 3) x 0.75)
}

TEST(Network, PerLayerLowRankRatiosAreChecked) {
    auto encoder_error = [](const std::string& key, const std::string& value) {
        return error_of<InputError>([&] {
            parse_network(description(R"({"op": "encoder", "name": "b", "embed": 4, "heads": 1, "head_dim": 4, )"
                                      R"("mlp_hidden": 8, ")" + key + "\": " + value + "}"),
                          "r.json");
        });
    };
    EXPECT_EQ(encoder_error("mlp_low_rank_ratio", "1"),
              "r.json: layers[0] (encoder 'b'): \"mlp_low_rank_ratio\" must be in [0, 1) (0: dense layers)");
    EXPECT_EQ(encoder_error("attn_low_rank_ratio", "-0.5"),
              "r.json: layers[0] (encoder 'b'): \"attn_low_rank_ratio\" must be in [0, 1) (0: dense layers)");
    EXPECT_EQ(encoder_error("low_rank_ratio", "\"half\""),
              "r.json: layers[0] (encoder 'b'): \"low_rank_ratio\" must be a number, not \"half\"");
    EXPECT_EQ(encoder_error("mlp_low_rank_ratio", "0.1"),
              "r.json: layer 'b.mlp.fc1' (encoder): low-rank ratio 0.100000 gives rank 0 for 4 -> 8");
    EXPECT_PRED2(contains,
                 error_of<InputError>([] {
                     parse_network(description(R"({"op": "layernorm", "name": "n", "low_rank_ratio": 0.5})"), "l.json");
                 }),
                 "l.json: layers[0] (layernorm 'n'): unknown key \"low_rank_ratio\"");
}

TEST(Network, NamesFromTheFileAreEscapedInMessages) {
    const std::string text = description(R"({"op": "pool", "name": "line\nbreak\u0007", "mode": "class_token"})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(text, "e.json"); }),
              "e.json: layer 'line\\nbreak\\x07' (pool): mode class_token needs a class_token layer before it");
    const std::string key = description(R"({"op": "layernorm", "name": "n", "e\rps": 1})");
    EXPECT_EQ(error_of<InputError>([&] { parse_network(key, "e.json"); }),
              "e.json: layers[0] (layernorm 'n'): unknown key \"e\\rps\" (allowed: name, op)");
}

TEST(Network, DirectoryIsNotADescription) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "vitsim-network-test-dir.json";
    std::filesystem::create_directories(dir);
    EXPECT_EQ(error_of<InputError>([&] { load_network(dir.string()); }),
              dir.string() + ": is a directory, not a network description");
}

}  // namespace
}  // namespace vitsim::deploy
