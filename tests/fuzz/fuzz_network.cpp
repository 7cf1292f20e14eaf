// Fuzz target: the network description reader (sim/deploy/network.cpp). A
// description it accepts must stay within the documented limits, since every
// later stage (weights, float reference, planner, kernels) trusts its sizes; and
// a small accepted network must go through the whole pipeline (generated weights
// with their float calibration pass, lowering, planning, the image, the golden
// run) without anything but "does not fit" (115).
#include <cstdint>
#include <string>
#include <vector>

#include "deploy/deploy.h"
#include "deploy/golden.h"
#include "deploy/network.h"
#include "deploy/weights.h"
#include "fuzz_support.h"

namespace {

using namespace vitsim::deploy;

void check_within_limits(const Graph& g) {
    if (g.nodes.size() > static_cast<size_t>(kMaxNetworkLayers)) vitsim::fuzz::finding("too many layers accepted", g.name);
    for (const auto& [name, shape] : g.tensors)
        if (shape.rows <= 0 || shape.cols <= 0 || shape.bytes() > kMaxTensorBytes)
            vitsim::fuzz::finding("activation tensor outside the limits accepted", name);
    for (const Node& n : g.nodes) {
        for (const ParamSpec& p : n.params)
            if (p.elements() <= 0 || p.elements() * (p.dtype == DType::I32 ? 4 : 1) > kMaxTensorBytes)
                vitsim::fuzz::finding("parameter tensor outside the limits accepted", p.name);
        if (n.macs() < 0) vitsim::fuzz::finding("negative MAC count", n.name);
    }
}

// Networks this small deploy and run in milliseconds.
bool small_enough_to_deploy(const Graph& g) {
    int64_t macs = 0, bytes = g.input_shape.bytes();
    for (const Node& n : g.nodes) {
        macs += n.macs();
        bytes += n.out_shape.bytes();
        for (const ParamSpec& p : n.params) bytes += p.elements();
    }
    return macs <= 1'000'000 && bytes <= 256 * 1024;
}

// stm32f746-like, with 16 MiB of SRAM: deploy refuses only what no MCU could run.
DeployTarget roomy_target() {
    DeployTarget t;
    t.profile = "fuzz";
    t.code = {"flash", 0x08000000, 1u << 20};
    t.image_address = 0x08010000;
    t.code_budget = (1u << 20) - 0x10000;
    t.weight_memories = {{"qspi", 0x90000000, 16u << 20}};
    t.data = {"sram", 0x20000000, 16u << 20};
    t.sram_budget = 16u << 20;
    return t;
}

void deploy_and_run(const Graph& g) {
    const Weights w = generate_weights(g, 1);
    static const std::vector<std::vector<std::string>> option_sets = {
        {}, {"mhsa=depth-first", "linear=token-overwrite", "patch-embed=decomposed", "weights=staged"}, {"fwsa=on"}};
    for (const auto& settings : option_sets) {
        try {
            golden_run(deploy(g, w, parse_options(settings), roomy_target()).image);
        } catch (const vitsim::CommandError& e) {
            if (e.code() != vitsim::kExitNoFit) throw;
            vitsim::fuzz::check_one_line(e.what());
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const Graph g = parse_network(text, "fuzz.json").graph;
        check_within_limits(g);
        if (small_enough_to_deploy(g)) deploy_and_run(g);
    } catch (...) {
        vitsim::fuzz::judge_current_exception();
    }
    return 0;
}
