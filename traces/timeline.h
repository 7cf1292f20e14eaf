// The run as a Trace Event Format file (JSON) that Perfetto UI and chrome://tracing
// open: a track per core (layer spans with their figures, kernel-phase spans nested
// inside), a track for the DMA channel (a span per transfer), and counter tracks (the
// plan's live SRAM bytes, each core's stall cycles per quantum). Timestamps are
// microseconds of simulated time. docs/cli.md, "Traces", lists the tracks.
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "sim/profiler.h"
#include "soc/soc.h"
#include "traces/recorder.h"
#include "traces/trace_layers.h"

namespace vitsim {

nlohmann::ordered_json timeline_json(Soc& soc, const TraceRecorder& recorder, const LayerProfile& profile,
                                     const std::vector<TraceLayer>& layers);

}  // namespace vitsim
