#include "sim/options.h"

#include <cmath>
#include <cctype>
#include <cstdlib>
#include <map>
#include <sstream>

#include <boost/program_options.hpp>

namespace vitsim {

namespace po = boost::program_options;

struct OptionParser::Impl {
    po::options_description description{"", 100, 30};
    // Where each option's text goes, by Program_options' key: the long name ("soc"),
    // or "-j" for a one-letter option (added as ",j").
    std::map<std::string, std::string*> values;
    std::map<std::string, bool*> flags;
    std::map<std::string, std::vector<std::string>*> lists;

    std::string add(const std::string& name, const po::value_semantic* semantic, const char* help) {
        description.add_options()(name.c_str(), semantic, help);
        return description.options().back()->key("");
    }
};

OptionParser::OptionParser(std::string command) : command_(std::move(command)), impl_(std::make_unique<Impl>()) {}
OptionParser::~OptionParser() = default;
OptionParser::OptionParser(OptionParser&&) noexcept = default;
OptionParser& OptionParser::operator=(OptionParser&&) noexcept = default;

void OptionParser::add_value(const std::string& name, std::string* out, const char* value_name, const char* help) {
    impl_->values[impl_->add(name, po::value<std::string>()->value_name(value_name), help)] = out;
}

void OptionParser::add_flag(const std::string& name, bool* out, const char* help) {
    impl_->flags[impl_->add(name, po::bool_switch(), help)] = out;
}

void OptionParser::add_list(const std::string& name, std::vector<std::string>* out, const char* value_name,
                            const char* help) {
    impl_->lists[impl_->add(name, po::value<std::string>()->value_name(value_name), help)] = out;
}

std::string OptionParser::help() const {
    std::ostringstream out;
    out << impl_->description;
    std::string text;  // without the spaces Program_options leaves before its line breaks
    for (char c : out.str()) {
        if (c == '\n')
            while (!text.empty() && text.back() == ' ') text.pop_back();
        text += c;
    }
    return text;
}

std::vector<std::string> OptionParser::parse(const std::vector<std::string>& args) const { return parse(args, false); }

std::vector<std::string> OptionParser::parse_known(const std::vector<std::string>& args) const {
    return parse(args, true);
}

namespace {

// GNU-style long options with "=VALUE" or the next argument, and one-letter options;
// no abbreviations (--so for --soc) and no bundling (-vj).
constexpr int kStyle = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                       po::command_line_style::long_allow_next | po::command_line_style::allow_short |
                       po::command_line_style::allow_dash_for_short | po::command_line_style::short_allow_adjacent |
                       po::command_line_style::short_allow_next;

// Program_options' own words replaced by vitsim's (tests and scripts match them).
[[noreturn]] void throw_usage(const po::error& e, const std::string& command) {
    if (const auto* unknown = dynamic_cast<const po::unknown_option*>(&e))
        throw UsageError("unknown option '" + unknown->get_option_name() + "' for 'vitsim " + command + "'");
    if (const auto* syntax = dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
        const std::string name = syntax->get_option_name();
        switch (syntax->kind()) {
            case po::invalid_syntax::missing_parameter:
            case po::invalid_syntax::empty_adjacent_parameter:
                throw UsageError("option " + name + " needs a value");
            case po::invalid_syntax::extra_parameter:
                throw UsageError("option " + name + " takes no value");
            default:
                break;
        }
    }
    throw UsageError(std::string(e.what()) + " (vitsim " + command + ")");
}

}  // namespace

std::vector<std::string> OptionParser::parse(const std::vector<std::string>& args, bool keep_unknown) const {
    po::parsed_options parsed(nullptr);
    try {
        po::command_line_parser parser(args);
        parser.options(impl_->description).style(kStyle);
        if (keep_unknown) parser.allow_unregistered();
        parsed = parser.run();
    } catch (const po::error& e) {
        throw_usage(e, command_);
    }
    // The options in the order given: a later value wins, lists keep every value.
    std::vector<std::string> rest;
    for (const po::option& o : parsed.options) {
        if (o.unregistered || o.string_key.empty()) {  // unknown (parse_known) or positional
            rest.insert(rest.end(), o.original_tokens.begin(), o.original_tokens.end());
            continue;
        }
        if (auto f = impl_->flags.find(o.string_key); f != impl_->flags.end())
            *f->second = true;
        else if (auto v = impl_->values.find(o.string_key); v != impl_->values.end())
            *v->second = o.value.at(0);
        else
            impl_->lists.at(o.string_key)->push_back(o.value.at(0));
    }
    return rest;
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

void SimulatorOptions::add_to(OptionParser& parser) {
    parser.add_value("soc", &soc, "NAME|PATH.json", "SoC profile (default stm32f746; see 'vitsim profiles')");
    parser.add_value("max-cycles", &max_cycles_text_, "N",
                     "stop with exit 114 after N core cycles (default 50e9; 0 = no limit)");
    parser.add_value("json", &json, "OUT", "write the report to OUT ('-': standard output)");
    parser.add_value("quantum-us", &quantum_text_, "N", "temporal-decoupling quantum in microseconds (default 10)");
    parser.add_value("dmi", &dmi_text_, "on|off", "direct memory access for the core (default on)");
    parser.add_value("cores", &cores_text_, "N",
                     "cluster worker cores, 1..8 (profiles with a cluster; default: the profile's)");
    parser.add_flag("stats,v", &stats, "one-line summary (instructions, cycles, time, MIPS) on stderr");
    parser.add_value("vcd", &trace.vcd, "OUT",
                     "waveforms: cores, layers, phases, DMA, SRAM, memories (gtkwave OUT traces/<family>.gtkw)");
    parser.add_value("fst", &trace.fst, "OUT", "the same waveforms as FST (converted by GTKWave's vcd2fst)");
    parser.add_value("timeline", &trace.timeline, "OUT", "Trace Event JSON for Perfetto UI / chrome://tracing");
    parser.add_value("trace-from", &trace_from_text_, "X", "traces start at cycle X or at layer:NAME's begin");
    parser.add_value("trace-to", &trace_to_text_, "Y", "traces end at cycle Y or at layer:NAME's end");
    parser.add_value("gdb", &gdb_text_, "PORT",
                     "wait for gdb on localhost:PORT (0: a free port, printed) before the first instruction");
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
    finish_trace_options(trace, trace_from_text_, trace_to_text_);
}

}  // namespace vitsim
