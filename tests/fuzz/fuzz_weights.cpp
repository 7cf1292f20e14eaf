// Fuzz target: the weights-file reader (sim/deploy/weights.cpp), then the checks
// against a network (validate_weights) and the dequantization the float
// reference uses. The checksum is fixed up first, so that mutations reach the
// entries instead of stopping at the checksum comparison.
#include <cmath>
#include <cstdint>
#include <vector>

#include "deploy/bytes.h"
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
