#include "sim/options.h"

#include <cmath>
#include <cstdlib>

namespace vitsim {

std::vector<std::string> OptionParser::parse(const std::vector<std::string>& args) const {
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
        if (v == values_.end() && l == lists_.end())
            throw UsageError("unknown option '" + name + "' for 'vitsim " + command_ + "'");
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

uint64_t parse_count(const std::string& option, const std::string& text) {
    const std::string problem = option + ": expected a whole number like 1000000 or 50e9, got '" + text + "'";
    if (text.empty() || text[0] == '-' || text[0] == '+') throw UsageError(problem);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    // Plain digits are parsed exactly; the double only accepts the "5e9" form.
    if (text.find_first_not_of("0123456789") == std::string::npos) {
        if (text.size() > 19) throw UsageError(problem);
        return std::stoull(text);
    }
    if (*end != '\0' || !std::isfinite(value) || value != std::floor(value) || value >= 9.2e18)
        throw UsageError(problem);
    return static_cast<uint64_t>(value);
}

double parse_positive(const std::string& option, const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value) || value <= 0)
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
    "  --stats, -v           one-line summary (instructions, cycles, time, MIPS) on stderr\n";

void SimulatorOptions::add_to(OptionParser& parser) {
    parser.add_value("--soc", &soc);
    parser.add_value("--json", &json);
    parser.add_value("--max-cycles", &max_cycles_text_);
    parser.add_value("--quantum-us", &quantum_text_);
    parser.add_value("--dmi", &dmi_text_);
    parser.add_flag("--stats", &stats);
    parser.add_flag("-v", &verbose_);
}

void SimulatorOptions::finish() {
    if (!max_cycles_text_.empty()) max_cycles = parse_count("--max-cycles", max_cycles_text_);
    if (!quantum_text_.empty()) quantum_us = parse_positive("--quantum-us", quantum_text_);
    if (!dmi_text_.empty()) dmi = parse_on_off("--dmi", dmi_text_);
    if (soc.empty()) throw UsageError("--soc: empty profile name");
    stats = stats || verbose_;
}

}  // namespace vitsim
