#include "traces/outputs.h"


#include "sim/files.h"
#include "sim/report.h"
#include "traces/timeline.h"
#include "traces/waves.h"

namespace vitsim {

void check_trace_outputs(const TraceOptions& trace) {
    if (!trace.vcd.empty()) check_output_path("--vcd", trace.vcd);
    if (!trace.fst.empty()) {
        check_output_path("--fst", trace.fst);
        check_vcd2fst("--fst");
    }
    if (!trace.timeline.empty()) check_output_path("--timeline", trace.timeline);
}

std::unique_ptr<TraceRecorder> start_traces(Soc& soc, const TraceOptions& trace, const std::vector<TraceLayer>& layers) {
    if (!trace.any_output()) return nullptr;
    // The matrix engine's RTL signals go into the waveforms (soc.cluster.engine).
    if ((!trace.vcd.empty() || !trace.fst.empty()) && soc.engine()) soc.engine()->record_waves();
    std::vector<std::string> names;
    for (const TraceLayer& l : layers) names.push_back(l.name);
    return std::make_unique<TraceRecorder>(soc, trace.from, trace.to, names);
}

void write_traces(const TraceOptions& trace, Soc& soc, const TraceRecorder& recorder, const LayerProfile& profile,
                  const std::vector<TraceLayer>& layers) {
    if (!trace.vcd.empty() || !trace.fst.empty()) {
        const std::string vcd = waveform_vcd(soc, recorder, layers);
        if (!trace.vcd.empty()) write_text_file(trace.vcd, vcd);
        if (!trace.fst.empty()) write_text_file(trace.fst, vcd_to_fst(vcd));
    }
    if (!trace.timeline.empty()) write_text_file(trace.timeline, timeline_json(soc, recorder, profile, layers).dump() + "\n");
}

}  // namespace vitsim
