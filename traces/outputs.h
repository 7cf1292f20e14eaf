// The trace outputs of a simulating command (vitsim run, vitsim elf), following the
// output-file contract (sim/files.h): checked before any work, written whole after a
// successful run only.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/profiler.h"
#include "soc/soc.h"
#include "traces/recorder.h"
#include "traces/trace_layers.h"
#include "traces/window.h"

namespace vitsim {

// Every trace path is writable, and vcd2fst is there for --fst; else exit 111.
void check_trace_outputs(const TraceOptions& trace);

// A recorder hooked into `soc` when a trace is wanted, nullptr (nothing hooked, full
// speed) when not. Throws UsageError for a layer:NAME bound that names no layer.
std::unique_ptr<TraceRecorder> start_traces(Soc& soc, const TraceOptions& trace, const std::vector<TraceLayer>& layers);

// Writes every trace asked for.
void write_traces(const TraceOptions& trace, Soc& soc, const TraceRecorder& recorder, const LayerProfile& profile,
                  const std::vector<TraceLayer>& layers);

}  // namespace vitsim
