// vitsim compare: run reports side by side, layer by layer: time, RAM and (when the
// reports have it) energy of each against the first.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/failure.h"
#include "sim/options.h"
#include "sim/plot.h"
#include "sim/report.h"
#include "sim/report_reader.h"

namespace vitsim {

const char* const kCompareUsage = "vitsim compare A.json B.json [C.json ...] [--plot OUT.svg|OUT.png]";

namespace {

using json = nlohmann::ordered_json;

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

void add_compare_options(OptionParser& parser, std::string& plot) {
    parser.add_value("plot", &plot, "OUT", "the runs' layers side by side (time, energy, peak SRAM), OUT.svg or OUT.png");
}

}  // namespace

std::string compare_options_help() {
    std::string plot;
    OptionParser parser("compare");
    add_compare_options(parser, plot);
    return parser.help();
}

int run_compare_command(const std::vector<std::string>& args) {
    std::string plot;
    OptionParser parser("compare");
    add_compare_options(parser, plot);
    const std::vector<std::string> paths = parser.parse(args);
    if (!plot.empty()) check_plot_path("--plot", plot);
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
    std::fflush(stdout);
    if (!plot.empty()) plot_runs(runs, plot);
    return 0;
}

}  // namespace vitsim
