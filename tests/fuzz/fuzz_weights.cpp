// Fuzz target: the weights-file reader (sim/deploy/weights.cpp), then the checks
// against a network (validate_weights), the dequantization the float reference
// uses, and weights that pass go through deploy and the golden run of `tiny`
// (what `vitsim run --weights` does). The checksum is fixed up first, so that
// mutations reach the entries instead of stopping at the checksum comparison.
#include <cmath>
#include <cstdint>
#include <vector>

#include "deploy/bytes.h"
#include "deploy/deploy.h"
#include "deploy/golden.h"
#include "deploy/network.h"
#include "deploy/weights.h"
#include "fuzz_support.h"

namespace {

using namespace vitsim::deploy;

void read_weights(const std::vector<uint8_t>& bytes) {
    static const Graph tiny = load_network("tiny").graph;
    try {
        const Weights w = parse_weights(bytes, "fuzz.vswt");
        for (const auto& [name, t] : w.params)
            if (!(t.scale >= kMinScale && t.scale <= kMaxScale)) vitsim::fuzz::finding("absurd scale accepted", name);
        for (const auto& [name, s] : w.act_scales)
            if (!(s >= kMinScale && s <= kMaxScale)) vitsim::fuzz::finding("absurd scale accepted", name);
        dequantize(w);
        validate_weights(tiny, w, "fuzz.vswt");
        dequantize_input(w);
        DeployTarget target;  // stm32f746-like with room to spare
        target.code = {"flash", 0x08000000, 1u << 20};
        target.image_address = 0x08010000;
        target.code_budget = (1u << 20) - 0x10000;
        target.data = {"sram", 0x20000000, 1u << 20};
        for (const char* mhsa : {"mhsa=layer-wise", "mhsa=depth-first"})
            golden_run(deploy(tiny, w, parse_options({mhsa, "fwsa=on"}), target).image);
    } catch (...) {
        vitsim::fuzz::judge_current_exception();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
    read_weights(bytes);
    if (bytes.size() >= 8) {
        write_le32(bytes.data() + bytes.size() - 4, fnv1a32(bytes.data(), bytes.size() - 4));
        read_weights(bytes);
    }
    return 0;
}
