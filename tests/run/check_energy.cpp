// Checks the energy figures of vitsim reports (docs/energy.md):
//   check_energy parts REPORT          every energy's parts add up to it (totals, layers,
//                                      energy windows), energies > 0, power = energy / time
//   check_energy doubled A B PART      B ran with one per-event energy doubled: PART
//                                      ("memory.sram", "core", ...) doubled, every other part
//                                      and every cycle count unchanged
//   check_energy same A B              the same energies (determinism)
//   check_energy timeline TRACE        the timeline has the "power mW" counter, positive
//   check_energy engine REPORT on|off  the matrix engine's part: positive in the totals and
//                                      in every layer that ran on it (on), 0 everywhere (off)
//   check_energy per_mac A B PJ        B ran with the engine's mac_pj raised by PJ: in every
//                                      layer only the engine part moved, by PJ x engine_macs
// Exit 0 when the check holds; otherwise one line on stderr and exit 1.
#include <cmath>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

using json = nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::cerr << "check_energy: " << what << "\n";
    std::exit(1);
}

json load(const std::string& path) {
    std::ifstream in(path);
    if (!in) fail("cannot read " + path);
    try {
        return json::parse(in);
    } catch (const std::exception& e) {
        fail(path + ": " + e.what());
    }
}

// uJ values are fJ integers / 1e9: sums of a handful agree to within a few ulps.
bool close(double a, double b) { return std::fabs(a - b) <= 1e-12 + 1e-12 * std::fabs(b); }

// Every part of a breakdown, by path ("core", "memory.sram"), in uJ.
std::vector<std::pair<std::string, double>> parts(const json& energy) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& [key, value] : energy.items()) {
        if (value.is_object())
            for (const auto& [name, uj] : value.items()) out.emplace_back(key + "." + name, uj.get<double>());
        else
            out.emplace_back(key, value.get<double>());
    }
    return out;
}

// The energies of a report: totals, each layer, each energy window, with their names.
std::vector<std::pair<std::string, const json*>> energies(const json& report) {
    std::vector<std::pair<std::string, const json*>> out;
    const json& totals = report.at("totals");
    if (!totals.contains("energy_uj")) fail("the report has no totals.energy_uj");
    out.emplace_back("totals", &totals);
    for (size_t i = 0; i < report.at("layers").size(); i++) out.emplace_back("layers[" + std::to_string(i) + "]", &report["layers"][i]);
    if (report.contains("energy_windows"))
        for (size_t i = 0; i < report["energy_windows"].size(); i++)
            out.emplace_back("energy_windows[" + std::to_string(i) + "]", &report["energy_windows"][i]);
    return out;
}

void check_parts(const json& report) {
    for (const auto& [where, e] : energies(report)) {
        if (!e->contains("energy")) fail(where + ": no energy breakdown");
        double sum = 0;
        for (const auto& [name, uj] : parts(e->at("energy"))) {
            if (uj < 0) fail(where + ".energy." + name + " is negative");
            sum += uj;
        }
        const double total = e->at("energy_uj").get<double>();
        if (!(total > 0)) fail(where + ": energy_uj " + std::to_string(total) + " is not positive");
        if (!close(sum, total)) fail(where + ": the parts add up to " + std::to_string(sum) + " uJ, not " + std::to_string(total));
    }
    const json& t = report["totals"];
    const double power = t.at("energy_uj").get<double>() * 1e-3 / t.at("sim_time_s").get<double>();
    if (std::fabs(power - t.at("avg_power_mw").get<double>()) > 1e-9 * power) fail("totals.avg_power_mw is not energy / time");
}

double part(const json& energy, const std::string& path) {
    for (const auto& [name, uj] : parts(energy))
        if (name == path) return uj;
    fail("no energy part " + path);
}

void check_doubled(const json& a, const json& b, const std::string& moved) {
    const auto ea = energies(a), eb = energies(b);
    if (ea.size() != eb.size()) fail("the reports have different layers");
    bool moved_somewhere = false;
    for (size_t i = 0; i < ea.size(); i++) {
        const std::string& where = ea[i].first;
        if (ea[i].second->at("cycles") != eb[i].second->at("cycles")) fail(where + ": the cycles differ");
        for (const auto& [name, uj] : parts(ea[i].second->at("energy"))) {
            const double other = part(eb[i].second->at("energy"), name);
            const double want = name == moved ? 2 * uj : uj;
            // Each part is rounded to 1 fJ = 1e-9 uJ on its own.
            if (std::fabs(other - want) > 1.5e-9) fail(where + ".energy." + name + ": " + std::to_string(other) + " uJ, expected " + std::to_string(want));
            moved_somewhere = moved_somewhere || (name == moved && uj > 0);
        }
    }
    if (!moved_somewhere) fail(moved + " is zero everywhere: doubling it shows nothing");
}

void check_same(const json& a, const json& b) {
    const auto ea = energies(a), eb = energies(b);
    if (ea.size() != eb.size()) fail("the reports have different layers");
    for (size_t i = 0; i < ea.size(); i++)
        if (ea[i].second->at("energy") != eb[i].second->at("energy") ||
            ea[i].second->at("energy_uj") != eb[i].second->at("energy_uj"))
            fail(ea[i].first + ": the energies differ");
}

void check_timeline(const json& trace) {
    size_t samples = 0;
    double peak = 0;
    for (const json& e : trace.at("traceEvents"))
        if (e.value("ph", "") == "C" && e.value("name", "") == "power mW") {
            samples++;
            peak = std::max(peak, e.at("args").at("total").get<double>());
        }
    if (samples == 0) fail("no \"power mW\" counter in the timeline");
    if (!(peak > 0)) fail("the \"power mW\" counter is never positive");
}

void check_engine(const json& report, bool on) {
    check_parts(report);
    for (const auto& [where, e] : energies(report)) {
        const double uj = part(e->at("energy"), "engine");
        const bool ran = where == "totals" || e->value("engine_macs", uint64_t{0}) > 0;
        if (!on && uj != 0) fail(where + ": engine off, yet its energy part is " + std::to_string(uj) + " uJ");
        if (on && ran && !(uj > 0)) fail(where + ": the engine ran, yet its energy part is 0");
    }
}

void check_per_mac(const json& a, const json& b, double pj) {
    const auto ea = energies(a), eb = energies(b);
    if (ea.size() != eb.size()) fail("the reports have different layers");
    bool moved = false;
    for (size_t i = 0; i < ea.size(); i++) {
        const std::string& where = ea[i].first;
        if (ea[i].second->at("cycles") != eb[i].second->at("cycles")) fail(where + ": the cycles differ");
        for (const auto& [name, uj] : parts(ea[i].second->at("energy"))) {
            const double other = part(eb[i].second->at("energy"), name);
            if (name != "engine") {
                if (std::fabs(other - uj) > 1.5e-9) fail(where + ".energy." + name + " moved: " + std::to_string(uj) + " -> " + std::to_string(other));
                continue;
            }
            moved = moved || other > uj;
            if (!ea[i].second->contains("engine_macs")) continue;  // totals: checked by the sum of the parts
            const double want = uj + pj * ea[i].second->at("engine_macs").get<double>() * 1e-6;  // pJ -> uJ
            if (std::fabs(other - want) > 1.5e-9) fail(where + ".energy.engine: " + std::to_string(other) + " uJ, expected " + std::to_string(want));
        }
    }
    if (!moved) fail("the engine part moved nowhere: no MACs on the engine");
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "parts") check_parts(load(args[1]));
    else if (args.size() == 4 && args[0] == "doubled") check_doubled(load(args[1]), load(args[2]), args[3]);
    else if (args.size() == 3 && args[0] == "same") check_same(load(args[1]), load(args[2]));
    else if (args.size() == 2 && args[0] == "timeline") check_timeline(load(args[1]));
    else if (args.size() == 3 && args[0] == "engine") check_engine(load(args[1]), args[2] == "on");
    else if (args.size() == 4 && args[0] == "per_mac") check_per_mac(load(args[1]), load(args[2]), std::stod(args[3]));
    else fail("usage: check_energy parts R | doubled A B PART | same A B | timeline T | engine R on|off | per_mac A B PJ");
    return 0;
}
