#include "sim/options.h"

#include <cmath>
#include <cctype>
#include <cstdlib>

namespace vitsim {

std::vector<std::string> OptionParser::parse(const std::vector<std::string>& args) const { return parse(args, false); }

std::vector<std::string> OptionParser::parse_known(const std::vector<std::string>& args) const {
    return parse(args, true);
}

std::vector<std::string> OptionParser::parse(const std::vector<std::string>& args, bool keep_unknown) const {
    std::vector<std::string> positional;
    for (size_t i = 0; i < args.size(); i++) {
        const std::string& arg = args[i];
        if (arg == "--") {
            positional.insert(positional.end(), args.begin() + i + 1, args.end());
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            positional.push_back(arg);
            continue;
        }
        const auto eq = arg.find('=');
        const std::string name = arg.substr(0, eq);
        if (auto f = flags_.find(name); f != flags_.end()) {
            if (eq != std::string::npos) throw UsageError("option " + name + " takes no value");
            *f->second = true;
            continue;
        }
        auto v = values_.find(name);
        auto l = lists_.find(name);
        if (v == values_.end() && l == lists_.end()) {
            if (!keep_unknown) throw UsageError("unknown option '" + name + "' for 'vitsim " + command_ + "'");
            positional.push_back(arg);
            continue;
        }
        std::string value;
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
        } else {
            if (i + 1 >= args.size()) throw UsageError("option " + name + " needs a value");
            value = args[++i];
        }
        if (v != values_.end())
            *v->second = value;
        else
            l->second->push_back(value);
    }
    return positional;
}

namespace {

bool all_digits(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

uint64_t parse_count(const std::string& option, const std::string& text) {
    const UsageError problem(option + ": expected a whole number like 1000000 or 50e9, got '" + text + "'");
    // DIGITS or DIGITSeDIGITS, computed exactly in integers: no sign, space, hex or fraction.
    const auto e = text.find_first_of("eE");
    const std::string mantissa = text.substr(0, e), exponent = e == std::string::npos ? "0" : text.substr(e + 1);
    if (!all_digits(mantissa) || !all_digits(exponent) || mantissa.size() > 19 || exponent.size() > 2) throw problem;
    constexpr uint64_t kMax = 9'200'000'000'000'000'000ull;
    uint64_t value = std::stoull(mantissa);
    for (int i = std::stoi(exponent); i > 0 && value != 0; i--) {
        if (value > kMax / 10) throw problem;
        value *= 10;
    }
    if (value > kMax) throw problem;
    return value;
}

double parse_positive(const std::string& option, const std::string& text) {
    // A plain decimal ("10", "0.5", "1e-3"): strtod alone would also take " 5", "0x10" and "inf".
    const bool plain = !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos &&
                       std::isdigit(static_cast<unsigned char>(text[0]));
    char* end = nullptr;
    const double value = plain ? std::strtod(text.c_str(), &end) : 0;
    if (!plain || *end != '\0' || !std::isfinite(value) || value <= 0)
        throw UsageError(option + ": expected a positive number, got '" + text + "'");
    return value;
}

bool parse_on_off(const std::string& option, const std::string& text) {
    if (text == "on") return true;
    if (text == "off") return false;
    throw UsageError(option + ": expected on or off, got '" + text + "'");
}

const char* const SimulatorOptions::kHelp =
    "  --soc NAME|PATH.json  SoC profile (default stm32f746; see 'vitsim profiles')\n"
    "  --max-cycles N        stop with exit 114 after N core cycles (default 50e9; 0 = no limit)\n"
    "  --json OUT            write the run report to OUT\n"
    "  --quantum-us N        temporal-decoupling quantum in microseconds (default 10)\n"
    "  --dmi on|off          direct memory access for the core (default on)\n"
    "  --cores N             cluster worker cores, 1..8 (profiles with a cluster; default: the profile's)\n"
    "  --stats, -v           one-line summary (instructions, cycles, time, MIPS) on stderr\n"
    "  --vcd OUT             waveforms: cores, layers, phases, DMA, SRAM, memories (gtkwave OUT traces/<family>.gtkw)\n"
    "  --fst OUT             the same waveforms as FST (converted by GTKWave's vcd2fst)\n"
    "  --timeline OUT        Trace Event JSON for Perfetto UI / chrome://tracing\n"
    "  --trace-from X        traces start at cycle X or at layer:NAME's begin\n"
    "  --trace-to Y          traces end at cycle Y or at layer:NAME's end\n"
    "  --gdb PORT            wait for gdb on localhost:PORT (0: a free port, printed) before the first instruction\n";

void SimulatorOptions::add_to(OptionParser& parser) {
    parser.add_value("--soc", &soc);
    parser.add_value("--json", &json);
    parser.add_value("--max-cycles", &max_cycles_text_);
    parser.add_value("--quantum-us", &quantum_text_);
    parser.add_value("--dmi", &dmi_text_);
    parser.add_value("--gdb", &gdb_text_);
    parser.add_value("--cores", &cores_text_);
    parser.add_flag("--stats", &stats);
    parser.add_flag("-v", &verbose_);
    parser.add_value("--vcd", &trace.vcd);
    parser.add_value("--fst", &trace.fst);
    parser.add_value("--timeline", &trace.timeline);
    parser.add_value("--trace-from", &trace_from_text_);
    parser.add_value("--trace-to", &trace_to_text_);
}

TraceBound parse_trace_bound(const std::string& option, const std::string& text) {
    TraceBound b;
    b.text = text;
    if (text.rfind("layer:", 0) == 0) {
        b.kind = TraceBound::Kind::kLayer;
        b.layer = text.substr(6);
        if (b.layer.empty()) throw UsageError(option + ": 'layer:' needs a layer name, e.g. layer:block0.attn");
        return b;
    }
    try {
        b.cycle = parse_count(option, text);
    } catch (const UsageError&) {
        throw UsageError(option + ": expected a cycle count (like 2000000 or 2e6) or layer:NAME, got '" + text + "'");
    }
    b.kind = TraceBound::Kind::kCycle;
    return b;
}

namespace {

// A window needs a trace, and cycle bounds in order.
void finish_trace_options(TraceOptions& trace, const std::string& from_text, const std::string& to_text) {
    if (!from_text.empty()) trace.from = parse_trace_bound("--trace-from", from_text);
    if (!to_text.empty()) trace.to = parse_trace_bound("--trace-to", to_text);
    const bool windowed = !from_text.empty() || !to_text.empty();
    if (windowed && !trace.any_output())
        throw UsageError(std::string(from_text.empty() ? "--trace-to" : "--trace-from") +
                         " needs a trace: --vcd, --fst or --timeline");
    if (trace.from.kind == TraceBound::Kind::kCycle && trace.to.kind == TraceBound::Kind::kCycle &&
        trace.from.cycle >= trace.to.cycle)
        throw UsageError("--trace-from " + from_text + " is not before --trace-to " + to_text);
}

}  // namespace


void SimulatorOptions::finish() {
    if (!max_cycles_text_.empty()) max_cycles = parse_count("--max-cycles", max_cycles_text_);
    if (!quantum_text_.empty()) quantum_us = parse_positive("--quantum-us", quantum_text_);
    // Below a nanosecond the quantum keeper would synchronise more often than any core
    // executes an instruction; above 1 s a device could wait a long time for its answer.
    if (quantum_us < 1e-3 || quantum_us > 1e6)
        throw UsageError("--quantum-us: expected 0.001 to 1000000 microseconds, got '" + quantum_text_ + "'");
    if (!dmi_text_.empty()) dmi = parse_on_off("--dmi", dmi_text_);
    if (soc.empty()) throw UsageError("--soc: empty profile name");
    if (!gdb_text_.empty()) {
        if (gdb_text_.size() > 5 || gdb_text_.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(gdb_text_) > 65535)
            throw UsageError("--gdb: expected a TCP port 0 to 65535, got '" + gdb_text_ + "'");
        gdb_port = int(std::stoul(gdb_text_));
    }
    if (!cores_text_.empty()) {
        const uint64_t n = parse_count("--cores", cores_text_);
        if (n < 1 || n > 8) throw UsageError("--cores: expected 1 to 8, got '" + cores_text_ + "'");
        cores = unsigned(n);
    }
    stats = stats || verbose_;
    finish_trace_options(trace, trace_from_text_, trace_to_text_);
}

}  // namespace vitsim
