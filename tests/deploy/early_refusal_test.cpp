// Refusals that must come before any weight is generated (check_shapes_fit), and a
// weights cache that is keyed by content, not by the network's name.
#include <gtest/gtest.h>

#include "test_support.h"

namespace vitsim::deploy {
namespace {

// tiny with every `from` in its description replaced by `to`.
Graph tiny_with(const std::string& from, const std::string& to, const std::string& name = "tiny") {
    std::string text = R"({"format": "vitsim-network", "version": 1, "name": "NAME",
      "input": {"kind": "image", "height": 16, "width": 16, "channels": 3},
      "layers": [
        {"op": "patch_embed", "name": "patch_embed", "patch": 8, "embed": 16},
        {"op": "class_token", "name": "cls"}, {"op": "pos_embed", "name": "pos"},
        {"op": "encoder", "name": "block", "repeat": 1, "embed": 16, "heads": 2, "head_dim": 8, "mlp_hidden": 32},
        {"op": "layernorm", "name": "norm"}, {"op": "pool", "name": "pool", "mode": "class_token"},
        {"op": "classifier", "name": "head", "classes": 4}]})";
    text.replace(text.find("NAME"), 4, name);
    for (size_t at = from.empty() ? std::string::npos : text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return parse_network(text, "test.json").graph;
}

TEST(EarlyRefusal, TinyPasses) { EXPECT_NO_THROW(check_shapes_fit(tiny_with("", ""), test::f746_target())); }

TEST(EarlyRefusal, ParametersLargerThanEveryMemoryAreRefusedFromTheShapes) {
    // Embed 512 and an MLP of 60000: 5 tokens keep every activation under 300 KB, but
    // fc1 and fc2 hold 2 x 512 x 60000 bytes = 61 MB of weights, at least 30 MB with
    // any option, and the largest read-only memory is the 16 MiB qspi.
    const Graph wide = parse_network(R"({"format": "vitsim-network", "version": 1, "name": "w",
      "input": {"kind": "sequence", "tokens": 5, "features": 512},
      "layers": [{"op": "encoder", "name": "block", "repeat": 1, "embed": 512, "heads": 2, "head_dim": 8,
                  "mlp_hidden": 60000}]})", "wide.json").graph;
    const std::string why = test::error_of<NoFitError>([&] { check_shapes_fit(wide, test::f746_target()); });
    EXPECT_NE(why.find("its parameters ("), std::string::npos) << why;
}

TEST(EarlyRefusal, AnActivationLargerThanTheSramIsRefusedNamingTheLayer) {
    // 100 bytes left after the stack and static data: the 16 x 48 input image (768 bytes)
    // of the first layer cannot fit.
    DeployTarget t = test::f746_target();
    t.data.size = t.sram_budget = t.stack_reserve + t.static_bytes + 100;
    const std::string why = test::error_of<NoFitError>([&] { check_shapes_fit(tiny_with("", ""), t); });
    EXPECT_NE(why.find("layer 'patch_embed' needs at least 768 bytes"), std::string::npos) << why;
}

TEST(WeightsCache, FileIsKeyedByContentNotByName) {
    const std::string dir = "/cache";
    const Graph plain = tiny_with("", ""), escaping = tiny_with("", "", "../../escaped");
    const std::string a = weights_cache_file(plain, 1, dir), b = weights_cache_file(escaping, 1, dir);
    EXPECT_EQ(a.rfind(dir + "/net-", 0), 0u) << a;
    EXPECT_EQ(b.rfind(dir + "/net-", 0), 0u) << b;
    EXPECT_EQ(b.find(".."), std::string::npos) << b;
    EXPECT_NE(a, b);  // the name is part of the content
    EXPECT_NE(weights_cache_file(tiny_with("\"mlp_hidden\": 32", "\"mlp_hidden\": 48"), 1, dir), a);
    EXPECT_NE(weights_cache_file(plain, 2, dir), a);
    EXPECT_EQ(weights_cache_file(tiny_with("", ""), 1, dir), a);
}

}  // namespace
}  // namespace vitsim::deploy
