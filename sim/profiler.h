// Turns the SIMCTRL markers the firmware writes around each layer into per-layer
// counter deltas: cycles, instructions, stall breakdown, memory accesses.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "periph/simctrl.h"
#include "soc/energy.h"

namespace vitsim {

// One kernel phase (kernels/src/vs_phase.h) between its PHASE_BEGIN and PHASE_END.
struct PhaseSpan {
    uint32_t phase = 0;
    uint32_t hartid = 0;
    HartCounters counters;                 // end - begin
    double begin_s = 0, end_s = 0;
};

// A phase's share of one layer: every span of it, summed.
struct PhaseTotal {
    uint32_t phase = 0;
    uint64_t spans = 0;                    // how often the kernel entered it
    HartCounters counters;
};

struct LayerRecord {
    uint32_t id = 0;
    uint32_t hartid = 0;
    HartCounters counters;                 // end - begin
    std::vector<AccessCounters> memories;  // end - begin, in profile order
    double begin_s = 0, end_s = 0;         // simulated time of the two markers
    std::vector<PhaseTotal> phases;        // the kernel phases inside, in phase order
    ClusterCounters cluster;               // end - begin of the cluster's workers and DMA (empty: none)
    SocActivity activity;                  // end - begin: every core and DMA
    EnergyBreakdown energy;                // of `activity` (collect_report, sim/report.h)
};

// One SIMCTRL ENERGY_BEGIN/ENERGY_END pair (firmware/include/vitsim/runtime.h:
// vs_energy_begin/end): the whole SoC's activity between them.
struct EnergyWindow {
    uint32_t id = 0;
    uint32_t hartid = 0;
    uint64_t cycles = 0;                   // of the core that wrote the markers
    std::vector<AccessCounters> memories;  // end - begin, in profile order
    SocActivity activity;                  // end - begin
    double begin_s = 0, end_s = 0;
    EnergyBreakdown energy;                // collect_report
};

struct Snapshot {
    uint32_t tag = 0;
    uint32_t hartid = 0;
    HartCounters counters;
    double time_s = 0;
};

struct LayerProfile {
    std::vector<LayerRecord> layers;       // one per BEGIN/END pair, in order of BEGIN
    std::vector<PhaseSpan> phases;         // every phase span, in order of BEGIN
    std::vector<Snapshot> snapshots;
    std::vector<EnergyWindow> energy_windows;  // closed ones, in order of BEGIN
    std::vector<std::string> problems;     // unmatched markers, one line each
};

// A LAYER_END closes the most recent open LAYER_BEGIN with the same id on the same
// hart, so layers may nest (a block around its sub-layers) and repeat; so do energy windows. A phase span
// counts in the innermost layer open on its hart; phases do not nest.
LayerProfile profile_layers(const std::vector<SimCtrlEvent>& events);

// "proj", "scores", ... (the names of kernels/src/vs_phase.h); "phase N" for an id
// the kernels do not define.
std::string phase_name(uint32_t phase);


}  // namespace vitsim
