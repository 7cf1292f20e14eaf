// vitsim compare: run reports side by side, layer by layer: time, RAM and (when the
// reports have it) energy of each against the first.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/failure.h"
#include "sim/options.h"
#include "sim/report.h"

namespace vitsim {

const char* const kCompareUsage = "vitsim compare A.json B.json [C.json ...]";

namespace {

using json = nlohmann::ordered_json;

// What compare reads of one layer.
struct LayerFigures {
    std::string name;
    double time_s = 0;
    uint64_t cycles = 0;
    uint64_t ram = 0;
    double energy_uj = -1;  // -1: the report has no energy
};

struct RunFigures {
    std::string path, network, soc, options;
    double clock_hz = 0;
    LayerFigures total;
    std::vector<LayerFigures> layers;
};

// Reads the fields of a run report, each checked for its type; a problem is exit 111
// naming the file and the key ("b.json: layers[3].cycles: expected a number").
class ReportReader {
public:
    explicit ReportReader(std::string path) : path_(std::move(path)) {}
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
        throw CommandError(kExitBadInput, path_ + ": " + (key.empty() ? "" : key + ": ") + problem);
    }
    const json& member(const json& object, const std::string& key, const std::string& where) const {
        if (!object.is_object() || !object.contains(key)) fail(where + key, "missing");
        return object[key];
    }
    std::string text(const json& object, const std::string& key, const std::string& where) const {
        const json& v = member(object, key, where);
        if (!v.is_string()) fail(where + key, "expected a string");
        return v.get<std::string>();
    }
    double number(const json& object, const std::string& key, const std::string& where) const {
        const json& v = member(object, key, where);
        if (!v.is_number() || v.get<double>() < 0) fail(where + key, "expected a number >= 0");
        return v.get<double>();
    }
    uint64_t count(const json& object, const std::string& key, const std::string& where) const {
        const json& v = member(object, key, where);
        if (!v.is_number_unsigned()) fail(where + key, "expected a whole number >= 0");
        return v.get<uint64_t>();
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

json parse_file(const ReportReader& r) {
    std::ifstream in(r.path());
    if (!in) r.fail("", "cannot open report");
    try {
        return json::parse(in);
    } catch (const json::exception&) {
        r.fail("", "not a JSON file");
    }
}

std::string options_text(const ReportReader& r, const json& doc) {
    const json& options = r.member(doc, "options", "");
    if (!options.is_object()) r.fail("options", "expected an object");
    std::string s;
    for (const auto& [key, value] : options.items())
        s += (s.empty() ? "" : " ") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return s;
}

LayerFigures layer_figures(const ReportReader& r, const json& l, const std::string& where, double clock_hz) {
    LayerFigures f;
    f.name = r.text(l, "name", where);
    f.cycles = r.count(l, "cycles", where);
    f.time_s = double(f.cycles) / clock_hz;
    f.ram = r.count(l, "sram_peak_bytes", where);
    if (l.contains("energy_uj")) f.energy_uj = r.number(l, "energy_uj", where);
    return f;
}

RunFigures read_run_report(const std::string& path) {
    const ReportReader r(path);
    const json doc = parse_file(r);
    if (doc.is_object() && doc.contains("schema") && doc["schema"] == "vitsim-run/1")
        r.fail("schema", "a report of an older vitsim (vitsim-run/1); run it again to get " +
                             std::string(kRunReportSchema));
    if (!doc.is_object() || !doc.contains("schema") || doc["schema"] != kRunReportSchema)
        r.fail("", "not a 'vitsim run' report (schema " + std::string(kRunReportSchema) +
                       "; write one with vitsim run --json)");
    if (r.text(doc, "status", "") != "ok") r.fail("status", "the run failed; there is nothing to compare");
    RunFigures run;
    run.path = path;
    run.network = r.text(doc, "network", "");
    run.soc = r.text(doc, "soc", "");
    run.clock_hz = r.number(doc, "clock_hz", "");
    if (run.clock_hz <= 0) r.fail("clock_hz", "expected a positive number");
    run.options = options_text(r, doc);
    const json& totals = r.member(doc, "totals", "");
    run.total.name = "total";
    run.total.cycles = r.count(totals, "cycles", "totals.");
    run.total.time_s = double(run.total.cycles) / run.clock_hz;
    run.total.ram = r.count(totals, "sram_peak_bytes", "totals.");
    if (totals.contains("energy_uj")) run.total.energy_uj = r.number(totals, "energy_uj", "totals.");
    const json& layers = r.member(doc, "layers", "");
    if (!layers.is_array()) r.fail("layers", "expected an array");
    for (size_t i = 0; i < layers.size(); i++)
        run.layers.push_back(layer_figures(r, layers[i], "layers[" + std::to_string(i) + "].", run.clock_hz));
    return run;
}

const LayerFigures* find_layer(const RunFigures& run, const std::string& name) {
    for (const LayerFigures& l : run.layers)
        if (l.name == name) return &l;
    return nullptr;
}

std::string ratio(double a, double b) {
    if (a <= 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", b / a);
    return buf;
}

// One row: the layer's time (ms), RAM and energy in each run, each against the first.
void print_row(const std::string& name, const std::vector<const LayerFigures*>& figures, bool energy) {
    std::printf("%-24.24s", name.c_str());
    const LayerFigures* a = figures[0];
    for (size_t i = 0; i < figures.size(); i++) {
        const LayerFigures* f = figures[i];
        if (!f) {
            std::printf(" %11s %9s %10s %7s", "-", "", "-", "");
            if (energy) std::printf(" %9s %7s", "-", "");
            continue;
        }
        std::printf(" %11.4f %9s %10" PRIu64 " %7s", f->time_s * 1e3, i && a ? ratio(a->time_s, f->time_s).c_str() : "",
                    f->ram, i && a ? ratio(double(a->ram), double(f->ram)).c_str() : "");
        if (energy) {
            if (f->energy_uj < 0)
                std::printf(" %9s %7s", "-", "");
            else
                std::printf(" %9.3f %7s", f->energy_uj,
                            i && a && a->energy_uj >= 0 ? ratio(a->energy_uj, f->energy_uj).c_str() : "");
        }
    }
    std::printf("\n");
}

}  // namespace

int run_compare_command(const std::vector<std::string>& args) {
    OptionParser parser("compare");
    const std::vector<std::string> paths = parser.parse(args);
    if (paths.size() < 2) throw UsageError("'vitsim compare' takes two or more run reports: " + std::string(kCompareUsage));
    std::vector<RunFigures> runs;
    for (const std::string& p : paths) runs.push_back(read_run_report(p));

    // Layers correspond by name; runs of different networks share few or none.
    const RunFigures& first = runs[0];
    for (size_t i = 1; i < runs.size(); i++) {
        size_t shared = 0;
        for (const LayerFigures& l : runs[i].layers) shared += find_layer(first, l.name) != nullptr;
        if (shared == 0)
            throw CommandError(kExitBadInput, runs[i].path + ": no layer corresponds to a layer of " + first.path +
                                                  " (networks '" + runs[i].network + "' and '" + first.network +
                                                  "'): nothing to compare");
    }
    bool energy = false;
    for (const RunFigures& r : runs) energy = energy || r.total.energy_uj >= 0;

    for (size_t i = 0; i < runs.size(); i++)
        std::printf("%c: %s on %s (%g MHz), %s  [%s]\n", char('A' + i), one_line(runs[i].network).c_str(),
                    one_line(runs[i].soc).c_str(), runs[i].clock_hz / 1e6, one_line(runs[i].options).c_str(),
                    one_line(runs[i].path).c_str());
    for (size_t i = 1; i < runs.size(); i++)
        if (runs[i].network != first.network)
            std::printf("note: %c ran '%s', A ran '%s': layers are matched by name\n", char('A' + i),
                        one_line(runs[i].network).c_str(), one_line(first.network).c_str());
    std::printf("%-24s", "layer");
    for (size_t i = 0; i < runs.size(); i++) {
        const std::string c(1, char('A' + i));
        std::printf(" %11s %9s %10s %7s", ("ms " + c).c_str(), i ? "x A" : "", ("RAM " + c).c_str(), i ? "x A" : "");
        if (energy) std::printf(" %9s %7s", ("uJ " + c).c_str(), i ? "x A" : "");
    }
    std::printf("\n");

    std::vector<std::string> order;  // A's layers, then those only later runs have
    for (const LayerFigures& l : first.layers) order.push_back(l.name);
    for (const RunFigures& r : runs)
        for (const LayerFigures& l : r.layers)
            if (std::find(order.begin(), order.end(), l.name) == order.end()) order.push_back(l.name);
    for (const std::string& name : order) {
        std::vector<const LayerFigures*> row;
        for (const RunFigures& r : runs) row.push_back(find_layer(r, name));
        print_row(name, row, energy);
    }
    std::vector<const LayerFigures*> totals;
    for (const RunFigures& r : runs) totals.push_back(&r.total);
    print_row("total", totals, energy);
    return 0;
}

}  // namespace vitsim
