// Turns the SIMCTRL markers the firmware writes around each layer into per-layer
// counter deltas: cycles, instructions, stall breakdown, memory accesses.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "periph/simctrl.h"

namespace vitsim {

struct LayerRecord {
    uint32_t id = 0;
    uint32_t hartid = 0;
    HartCounters counters;                 // end - begin
    std::vector<AccessCounters> memories;  // end - begin, in profile order
    double begin_s = 0, end_s = 0;         // simulated time of the two markers
};

struct Snapshot {
    uint32_t tag = 0;
    uint32_t hartid = 0;
    HartCounters counters;
    double time_s = 0;
};

struct LayerProfile {
    std::vector<LayerRecord> layers;       // one per BEGIN/END pair, in order of BEGIN
    std::vector<Snapshot> snapshots;
    std::vector<std::string> problems;     // unmatched markers, one line each
};

// A LAYER_END closes the most recent open LAYER_BEGIN with the same id on the same
// hart, so layers may nest (a block around its sub-layers) and repeat.
LayerProfile profile_layers(const std::vector<SimCtrlEvent>& events);

HartCounters operator-(const HartCounters& end, const HartCounters& begin);
AccessCounters operator-(const AccessCounters& end, const AccessCounters& begin);

}  // namespace vitsim
