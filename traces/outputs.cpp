#include "traces/outputs.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

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

namespace {
// The matrix engine's RTL waves (every signal, every clock) beside --vcd FILE, as
// FILE.engine.vcd: Verilator's own VCD, written to a temporary file while the
// simulation runs and moved into place whole with the other outputs.
std::string engine_vcd_scratch() {
    return (std::filesystem::temp_directory_path() / ("vitsim-engine-" + std::to_string(::getpid()) + ".vcd")).string();
}
}  // namespace

std::string engine_vcd_path(const std::string& vcd) { return vcd + ".engine.vcd"; }

std::unique_ptr<TraceRecorder> start_traces(Soc& soc, const TraceOptions& trace, const std::vector<TraceLayer>& layers) {
    if (!trace.any_output()) return nullptr;
    if (!trace.vcd.empty() && soc.engine()) soc.engine()->trace_to(engine_vcd_scratch());
    std::vector<std::string> names;
    for (const TraceLayer& l : layers) names.push_back(l.name);
    return std::make_unique<TraceRecorder>(soc, trace.from, trace.to, names);
}

void write_traces(const TraceOptions& trace, Soc& soc, const TraceRecorder& recorder, const LayerProfile& profile,
                  const std::vector<TraceLayer>& layers) {
    if (!trace.vcd.empty() || !trace.fst.empty()) {
        const std::string vcd = waveform_vcd(soc, recorder, layers);
        if (!trace.vcd.empty()) write_text_file(trace.vcd, vcd);
        if (!trace.vcd.empty() && soc.engine()) {
            soc.engine()->close_trace();
            std::ifstream in(engine_vcd_scratch(), std::ios::binary);
            if (in) {  // the engine was clocked at least once
                const std::string waves((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                std::remove(engine_vcd_scratch().c_str());
                write_text_file(engine_vcd_path(trace.vcd), waves);
            }
        }
        if (!trace.fst.empty()) write_text_file(trace.fst, vcd_to_fst(vcd));
    }
    if (!trace.timeline.empty()) write_text_file(trace.timeline, timeline_json(soc, recorder, profile, layers).dump() + "\n");
}

}  // namespace vitsim
