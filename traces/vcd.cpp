#include "traces/vcd.h"

#include <algorithm>
#include <map>
#include <sstream>


namespace vitsim {

namespace {

std::string binary(uint32_t v, unsigned width) {
    std::string s;
    for (int b = int(width) - 1; b >= 0; b--) s += char('0' + ((v >> b) & 1));
    return s;
}

// VCD identifiers: short printable codes, one per signal.
std::string code_of(unsigned index) { return std::string(1, char('!' + index)); }

}  // namespace

std::string layer_vcd(const std::vector<SimCtrlEvent>& events, unsigned harts, const std::vector<std::string>& names) {
    std::ostringstream out;
    out << "$version vitsim $end\n$timescale 1ps $end\n";
    for (size_t i = 0; i < names.size(); i++) out << "$comment layer " << i << " = " << names[i] << " $end\n";
    out << "$scope module soc $end\n";
    for (unsigned h = 0; h < harts; h++) {
        out << "$scope module hart" << h << " $end\n";
        out << "$var wire 16 " << code_of(2 * h) << " layer $end\n";
        out << "$var wire 1 " << code_of(2 * h + 1) << " in_layer $end\n";
        out << "$upscope $end\n";
    }
    out << "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n";
    for (unsigned h = 0; h < harts; h++) out << "bx " << code_of(2 * h) << "\n0" << code_of(2 * h + 1) << "\n";
    out << "$end\n";

    // Changes in time order (markers of several harts interleave); the latest value at
    // one instant wins, as a waveform viewer would show it.
    std::map<uint64_t, std::map<std::string, std::string>> changes;
    for (const SimCtrlEvent& e : events) {
        if (e.hartid >= harts || (e.kind != SimCtrlEvent::Kind::kLayerBegin && e.kind != SimCtrlEvent::Kind::kLayerEnd)) continue;
        auto& at = changes[e.time.value()];
        const bool begin = e.kind == SimCtrlEvent::Kind::kLayerBegin;
        at[code_of(2 * e.hartid)] = begin ? "b" + binary(e.id, 16) + " " : "bx ";
        at[code_of(2 * e.hartid + 1)] = begin ? "1" : "0";
    }
    for (const auto& [time, values] : changes) {
        out << '#' << time << '\n';
        for (const auto& [code, value] : values) out << value << code << '\n';
    }
    return out.str();
}

}  // namespace vitsim
