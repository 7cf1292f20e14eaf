// What the traces say about each layer beyond its markers: its name, and for
// `vitsim run` the plan's figures (live SRAM bytes, MACs, peak SRAM need).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vitsim {

struct TraceLayer {
    std::string name;
    bool planned = false;  // the figures below are known (vitsim run)
    uint64_t live_bytes = 0, planned_bytes = 0, macs = 0, sram_peak_bytes = 0;
};

// The layer with id `id`, or one named "layer <id>" when the list has none.
inline TraceLayer trace_layer(const std::vector<TraceLayer>& layers, uint32_t id) {
    if (id < layers.size()) return layers[id];
    return TraceLayer{"layer " + std::to_string(id)};
}

}  // namespace vitsim
