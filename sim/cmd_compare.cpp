// vitsim compare: per-layer deltas of run reports.
#include <cstdio>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/options.h"

namespace vitsim {

const char* const kCompareUsage = "vitsim compare A.json B.json";

namespace {

using json = nlohmann::ordered_json;

json read_report(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw CommandError(kExitBadInput, path + ": cannot open report");
    try {
        return json::parse(in);
    } catch (const std::exception& e) {
        throw CommandError(kExitBadInput, path + ": not a JSON report: " + e.what());
    }
}

}  // namespace

int run_compare_command(const std::vector<std::string>& args) {
    if (args.size() != 2) throw UsageError("'vitsim compare' takes two run reports: " + std::string(kCompareUsage));
    const json a = read_report(args[0]), b = read_report(args[1]);
    if (!a.contains("layers") || !b.contains("layers") || !a.contains("totals") || !b.contains("totals"))
        throw CommandError(kExitBadInput, "compare needs two 'vitsim run' reports (--json)");
    std::map<std::string, const json*> b_layers;
    for (const json& l : b["layers"]) b_layers[l.value("name", "")] = &l;
    std::printf("A: %s  %s\nB: %s  %s\n", args[0].c_str(), a.value("options", json::object()).dump().c_str(),
                args[1].c_str(), b.value("options", json::object()).dump().c_str());
    std::printf("%-24s %12s %12s %8s %10s %10s %8s\n", "layer", "cycles A", "cycles B", "B/A", "SRAM A", "SRAM B",
                "B/A");
    auto row = [](const std::string& name, double ca, double cb, double sa, double sb) {
        std::printf("%-24.24s %12.0f %12.0f %8.3f %10.0f %10.0f %8.3f\n", name.c_str(), ca, cb, ca ? cb / ca : 0.0, sa,
                    sb, sa ? sb / sa : 0.0);
    };
    for (const json& l : a["layers"]) {
        const std::string name = l.value("name", "");
        auto it = b_layers.find(name);
        if (it == b_layers.end()) {
            std::printf("%-24.24s only in A\n", name.c_str());
            continue;
        }
        row(name, l.value("cycles", 0.0), it->second->value("cycles", 0.0), l.value("sram_peak_bytes", 0.0),
            it->second->value("sram_peak_bytes", 0.0));
        b_layers.erase(it);
    }
    for (const auto& [name, l] : b_layers) std::printf("%-24.24s only in B\n", name.c_str());
    row("total", a["totals"].value("cycles", 0.0), b["totals"].value("cycles", 0.0),
        a["totals"].value("sram_peak_bytes", 0.0), b["totals"].value("sram_peak_bytes", 0.0));
    return 0;
}

}  // namespace vitsim
