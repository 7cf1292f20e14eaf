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
    "  --stats, -v           one-line summary (instructions, cycles, time, MIPS) on stderr\n";

void SimulatorOptions::add_to(OptionParser& parser) {
    parser.add_value("--soc", &soc);
    parser.add_value("--json", &json);
    parser.add_value("--max-cycles", &max_cycles_text_);
    parser.add_value("--quantum-us", &quantum_text_);
    parser.add_value("--dmi", &dmi_text_);
    parser.add_value("--cores", &cores_text_);
    parser.add_flag("--stats", &stats);
    parser.add_flag("-v", &verbose_);
}

void SimulatorOptions::finish() {
    if (!max_cycles_text_.empty()) max_cycles = parse_count("--max-cycles", max_cycles_text_);
    if (!quantum_text_.empty()) quantum_us = parse_positive("--quantum-us", quantum_text_);
    // Below a nanosecond the quantum keeper would synchronise more often than any core
    // executes an instruction; above 1 s a device could wait a long time for its answer.
    if (quantum_us < 1e-3 || quantum_us > 1e6)
        throw UsageError("--quantum-us: expected 0.001 to 1000000 microseconds, got '" + quantum_text_ + "'");
    if (!dmi_text_.empty()) dmi = parse_on_off("--dmi", dmi_text_);
    if (soc.empty()) throw UsageError("--soc: empty profile name");
    if (!cores_text_.empty()) {
        const uint64_t n = parse_count("--cores", cores_text_);
        if (n < 1 || n > 8) throw UsageError("--cores: expected 1 to 8, got '" + cores_text_ + "'");
        cores = unsigned(n);
    }
    stats = stats || verbose_;
}

}  // namespace vitsim
