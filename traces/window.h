// Which part of a run the traces keep (--trace-from / --trace-to, docs/cli.md
// "Traces"): from a cycle count or a layer's first begin, to a cycle count or the
// first end of a layer after the window opened. Header only: the option parser
// (sim/options.cpp) reads bounds, the recorder (traces/recorder.cpp) resolves them.
#pragma once
#include <cstdint>
#include <string>

namespace vitsim {

struct TraceBound {
    enum class Kind { kNone, kCycle, kLayer };
    Kind kind = Kind::kNone;
    uint64_t cycle = 0;  // kCycle: core cycles since reset
    std::string layer;   // kLayer: the layer's name ("block0.attn"; in `vitsim elf` its index)
    std::string text;    // as given on the command line, for messages
};

// The trace outputs and their window, as given on the command line.
struct TraceOptions {
    std::string vcd, fst, timeline;  // output paths, "" = not wanted
    TraceBound from, to;
    bool any_output() const { return !vcd.empty() || !fst.empty() || !timeline.empty(); }
};

}  // namespace vitsim
