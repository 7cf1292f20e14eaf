// Waveforms of a run: a VCD (IEEE 1364, with GTKWave's string signals) of the
// cores, the DMA channel, the plan's live SRAM and the memories' activity, over the
// trace window (docs/cli.md, "Traces"). FST is the same VCD converted by GTKWave's
// vcd2fst.
//
// Written by hand rather than with sc_trace: SystemC 2.3's VCD writer has no string
// signals (the layer and phase names), writes to its file while the simulation runs
// (the output contract wants a whole file, and none after a failed run) and cannot
// start or stop at a window; the signals here are sampled per quantum anyway, not
// driven by SystemC processes.
#pragma once
#include <string>
#include <vector>

#include "soc/soc.h"
#include "traces/recorder.h"
#include "traces/trace_layers.h"

namespace vitsim {

std::string waveform_vcd(Soc& soc, const TraceRecorder& recorder, const std::vector<TraceLayer>& layers);

// Converts `vcd_text` with GTKWave's vcd2fst and returns the FST file's bytes.
// Throws CommandError (111) when vcd2fst is missing or fails.
std::string vcd_to_fst(const std::string& vcd_text);
// Throws CommandError (111) naming `option` when vcd2fst is not on the PATH.
void check_vcd2fst(const std::string& option);

}  // namespace vitsim
