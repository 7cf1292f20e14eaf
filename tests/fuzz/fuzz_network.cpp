// Fuzz target: the network description reader (sim/deploy/network.cpp). A
// description it accepts must stay within the documented limits, since every
// later stage (weights, float reference, planner, kernels) trusts its sizes.
#include <cstdint>
#include <string>

#include "deploy/network.h"
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        check_within_limits(parse_network(text, "fuzz.json").graph);
    } catch (...) {
        vitsim::fuzz::judge_current_exception();
    }
    return 0;
}
