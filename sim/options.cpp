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
        if (v == values_.end()) throw UsageError("unknown option '" + name + "' for 'vitsim " + command_ + "'");
        if (eq != std::string::npos) {
            *v->second = arg.substr(eq + 1);
        } else {
            if (i + 1 >= args.size()) throw UsageError("option " + name + " needs a value");
            *v->second = args[++i];
        }
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

}  // namespace vitsim
