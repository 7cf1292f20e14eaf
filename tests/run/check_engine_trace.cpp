// Checks the matrix engine's signals in the main VCD of one `vitsim run --set engine=on`
// (docs/engine.md, "Traces"):
//   check_engine_trace REPORT.json TRACE.vcd
// The VCD has soc.cluster.engine.{state,busy,array_active,mem_req,mem_we,mem_stall,
// mem_addr} beside the cores' signals; in every layer, the time busy is high is the
// report's engine_cycles clocks and the time mem_stall is high its engine_stall_cycles
// (one clock period for all, within 1 ps of 1 / clock); the state machine passes
// through its states; the array computes where the engine ran.
// Exit 0 when all holds; else one line per problem on stderr and exit 1.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "vcd_reader.h"

using nlohmann::json;

namespace {

int failures = 0;

void fail(const std::string& what) {
    std::fprintf(stderr, "check_engine_trace: %s\n", what.c_str());
    failures++;
}

const std::string kScope = "soc.cluster.engine.";

// The VCD's bits as (time, value) and the strings a text signal took.
struct Signals {
    std::map<std::string, std::string> codes;                            // full name -> code
    std::map<std::string, std::vector<std::pair<uint64_t, bool>>> bits;  // code -> (time, value)
    std::map<std::string, std::set<std::string>> texts;                  // code -> values seen
};

Signals read_vcd(const std::string& path) {
    const VcdFile f = read_vcd_file(path);
    Signals v;
    v.codes = f.codes;
    for (const auto& [code, changes] : f.changes)
        for (const auto& [t, value] : changes) {
            if (value == "0" || value == "1") v.bits[code].push_back({t, value == "1"});
            if (value[0] == 's') v.texts[code].insert(value.substr(1));
        }
    return v;
}

// Picoseconds the signal was high inside [from, to].
uint64_t high_ps(const std::vector<std::pair<uint64_t, bool>>& changes, uint64_t from, uint64_t to) {
    uint64_t total = 0;
    for (size_t i = 0; i < changes.size(); i++) {
        if (!changes[i].second) continue;
        const uint64_t b = std::max(changes[i].first, from);
        const uint64_t e = std::min(i + 1 < changes.size() ? changes[i + 1].first : to, to);
        if (e > b) total += e - b;
    }
    return total;
}

uint64_t ps_of_s(double s) { return uint64_t(std::llround(s * 1e12)); }

void check(const json& report, const Signals& vcd) {
    for (const char* name : {"state", "busy", "array_active", "mem_req", "mem_we", "mem_stall", "mem_addr"})
        if (!vcd.codes.count(kScope + name)) fail("VCD has no signal " + kScope + name);
    if (!vcd.codes.count("soc.core0.state")) fail("the engine's signals are not in the cores' VCD (no soc.core0.state)");
    if (failures) return;
    const auto& busy = vcd.bits.at(vcd.codes.at(kScope + "busy"));
    const auto& stall = vcd.bits.at(vcd.codes.at(kScope + "mem_stall"));
    const auto& array = vcd.bits.at(vcd.codes.at(kScope + "array_active"));
    const json& totals = report.at("totals");
    const double period_expected = totals.at("sim_time_s").get<double>() * 1e12 / totals.at("cycles").get<double>();
    uint64_t engine_cycles = 0, busy_total = 0;
    for (const json& layer : report.at("layers")) {
        const uint64_t b = ps_of_s(layer.at("begin_s")), e = ps_of_s(layer.at("end_s"));
        engine_cycles += layer.at("engine_cycles").get<uint64_t>();
        busy_total += high_ps(busy, b, e);
    }
    if (engine_cycles == 0) return fail("the report has no engine cycles: nothing ran on the engine");
    if (busy_total % engine_cycles) return fail("busy is high " + std::to_string(busy_total) + " ps, not a whole number of clocks of " + std::to_string(engine_cycles));
    const uint64_t period = busy_total / engine_cycles;
    if (std::fabs(double(period) - period_expected) > 1.0)
        fail("busy clocks of " + std::to_string(period) + " ps, the SoC clock is " + std::to_string(period_expected) + " ps");
    for (const json& layer : report.at("layers")) {
        const std::string name = layer.at("name");
        const uint64_t b = ps_of_s(layer.at("begin_s")), e = ps_of_s(layer.at("end_s"));
        const uint64_t cycles = layer.at("engine_cycles"), stalls = layer.at("engine_stall_cycles");
        if (high_ps(busy, b, e) != cycles * period)
            fail(name + ": busy high for " + std::to_string(high_ps(busy, b, e)) + " ps, the report says " + std::to_string(cycles) + " engine cycles");
        if (high_ps(stall, b, e) != stalls * period)
            fail(name + ": mem_stall high for " + std::to_string(high_ps(stall, b, e)) + " ps, the report says " + std::to_string(stalls) + " stall cycles");
        if (cycles > 0 && layer.at("engine_macs").get<uint64_t>() > 0 && high_ps(array, b, e) == 0)
            fail(name + ": the engine ran, yet array_active never rose");
        if (cycles > 0 && high_ps(array, b, e) > cycles * period) fail(name + ": the array is active longer than the engine is busy");
    }
    const std::set<std::string>& states = vcd.texts.count(vcd.codes.at(kScope + "state")) ? vcd.texts.at(vcd.codes.at(kScope + "state")) : std::set<std::string>{};
    for (const char* s : {"idle", "check", "loadw", "row", "quant", "write"})
        if (!states.count(s)) fail(std::string("the state machine never shows '") + s + "'");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: check_engine_trace REPORT.json TRACE.vcd\n");
        return 2;
    }
    try {
        std::ifstream in(argv[1]);
        if (!in) throw std::runtime_error(std::string("cannot open ") + argv[1]);
        check(json::parse(in), read_vcd(argv[2]));
    } catch (const std::exception& e) {
        fail(e.what());
    }
    return failures ? 1 : 0;
}
