// Checks the traces of one `vitsim run` against its JSON report:
//   check_traces REPORT.json TIMELINE.json TRACE.vcd [LAYER]
// Without LAYER the run was traced whole: every layer of the report has a timeline
// span and a VCD layer change at exactly its begin_s and end_s. With LAYER the
// traces were windowed to that layer (--trace-from layer:L --trace-to layer:L): the
// window is that layer's span and nothing lies outside it. Always: the documented
// tracks and signals are there, and every kernel phase lies inside a layer of its core.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "vcd_reader.h"

using nlohmann::json;

namespace {

int failures = 0;

void fail(const std::string& what) {
    std::fprintf(stderr, "check_traces: %s\n", what.c_str());
    failures++;
}

json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return json::parse(in);  // throws on invalid JSON
}

bool near_us(double a, double b) { return std::fabs(a - b) <= 1e-6; }  // 1 ps
uint64_t ps_of_s(double s) { return uint64_t(std::llround(s * 1e12)); }

struct Span {
    int tid;
    double begin, end;
};

void check_timeline(const json& report, const json& timeline, const std::string& window_layer) {
    const json& events = timeline.at("traceEvents");
    const double from = timeline.at("otherData").at("from_us"), to = timeline.at("otherData").at("to_us");
    std::map<std::string, int> tracks;  // thread name -> tid
    std::map<std::string, int> counters;
    std::vector<Span> layers;
    std::vector<const json*> phases;
    for (const json& e : events) {
        const std::string ph = e.at("ph");
        if (ph == "M" && e.at("name") == "thread_name") tracks[e.at("args").at("name")] = e.at("tid");
        if (ph == "C") counters[e.at("name")]++;
        if (ph != "X") continue;
        const double b = e.at("ts"), d = e.at("dur");
        if (b < from - 1e-6 || b + d > to + 1e-6) fail("span '" + std::string(e.at("name")) + "' outside the window");
        if (e.at("cat") == "layer") layers.push_back({e.at("tid"), b, b + d});
        if (e.at("cat") == "phase") phases.push_back(&e);
    }
    for (const char* track : {"core0", "dma0"})
        if (!tracks.count(track)) fail(std::string("no track ") + track);
    // A cluster: a track per worker with its states, and one for the cluster DMA.
    if (report.contains("cluster")) {
        const size_t cores = report.at("cluster").at("cores").size();
        std::map<int, std::set<std::string>> states;  // tid -> span names
        for (const json& e : events)
            if (e.at("ph") == "X" && e.at("cat") == "core") states[e.at("tid")].insert(e.at("name"));
        for (size_t i = 0; i < cores; i++) {
            const std::string track = "cluster core" + std::to_string(i);
            if (!tracks.count(track)) fail("no track " + track);
            if (!window_layer.empty()) continue;
            const std::set<std::string>& seen = states[tracks[track]];
            const bool executed = std::any_of(seen.begin(), seen.end(), [](const std::string& state) {
                return state == "running" || state.rfind("stalled:", 0) == 0;
            });
            if (!executed || !seen.count("idle"))
                fail(track + ": no executing ('running', 'stalled:...') and 'idle' state spans over a whole run");
        }
        if (!tracks.count("cluster dma")) fail("no track cluster dma");
    }
    for (const char* counter : {"live SRAM bytes (plan)", "core0 stall cycles"})
        if (!counters.count(counter)) fail(std::string("no counter track ") + counter);

    for (const json& layer : report.at("layers")) {
        const std::string name = layer.at("name");
        if (!window_layer.empty() && name != window_layer) continue;
        const double b = double(layer.at("begin_s")) * 1e6, e = double(layer.at("end_s")) * 1e6;
        bool found = false;
        for (const json& ev : events)
            if (ev.at("ph") == "X" && ev.at("cat") == "layer" && ev.at("name") == name)
                found = found || (near_us(ev.at("ts"), b) && near_us(double(ev.at("ts")) + double(ev.at("dur")), e));
        if (!found) fail("no timeline span of layer '" + name + "' at its report's begin_s..end_s");
        if (!window_layer.empty() && (!near_us(from, b) || !near_us(to, e)))
            fail("window " + std::to_string(from) + ".." + std::to_string(to) + " us is not layer '" + name + "'");
    }
    for (const json* p : phases) {
        const double b = (*p)["ts"], e = b + double((*p)["dur"]);
        bool inside = false;
        for (const Span& l : layers) inside = inside || (l.tid == (*p)["tid"] && b >= l.begin - 1e-6 && e <= l.end + 1e-6);
        if (!inside) fail("phase span '" + std::string((*p)["name"]) + "' at " + std::to_string(b) + " us is in no layer");
    }
    if (phases.empty()) fail("no kernel phase span");
}

// The VCD's declared signals ("soc.core0.layer" -> code), the changes of the layer
// signal ("name@ps"), and its first and last time stamps.
struct Vcd {
    std::map<std::string, std::string> codes;
    std::vector<std::pair<uint64_t, std::string>> layer_changes;
    std::set<std::string> core0_states;  // the values soc.core0.state takes
    uint64_t first = UINT64_MAX, last = 0;
};

Vcd read_vcd(const std::string& path) {
    const VcdFile f = read_vcd_file(path);
    Vcd v{f.codes, {}, {}, f.first, f.last};
    const auto layer = f.codes.find("soc.core0.layer");
    if (layer != f.codes.end() && f.changes.count(layer->second))
        for (const auto& [t, value] : f.changes.at(layer->second)) v.layer_changes.push_back({t, value.substr(1)});
    const auto state = f.codes.find("soc.core0.state");
    if (state != f.codes.end() && f.changes.count(state->second))
        for (const auto& change : f.changes.at(state->second)) v.core0_states.insert(change.second.substr(1));
    return v;
}

void check_vcd(const json& report, const Vcd& vcd, const std::string& window_layer) {
    for (const char* signal : {"soc.core0.state", "soc.core0.pc", "soc.core0.layer", "soc.core0.layer_index",
                               "soc.core0.phase", "soc.core0.instructions", "soc.core0.stall_cycles", "soc.dma0.busy",
                               "soc.dma0.bytes_in_flight", "soc.plan.live_bytes", "soc.plan.planned_bytes"})
        if (!vcd.codes.count(signal)) fail(std::string("VCD has no signal ") + signal);
    for (const auto& [memory, counters] : report.at("memories").items())
        if (!vcd.codes.count("soc." + memory + ".accesses")) fail("VCD has no signal soc." + memory + ".accesses");
    if (report.at("totals").contains("energy_uj") && !vcd.codes.count("soc.power.total_uw"))
        fail("VCD has no signal soc.power.total_uw");
    if (report.contains("cluster")) {
        const size_t cores = report.at("cluster").at("cores").size();
        for (size_t i = 0; i < cores; i++)
            for (const char* signal : {"state", "pc", "instructions", "stall_cycles"})
                if (!vcd.codes.count("soc.cluster.core" + std::to_string(i) + "." + signal))
                    fail("VCD has no signal soc.cluster.core" + std::to_string(i) + "." + signal);
        for (const char* signal : {"soc.cluster.dma.busy", "soc.cluster.dma.bytes"})
            if (!vcd.codes.count(signal)) fail(std::string("VCD has no signal ") + signal);
        // The FC sleeps in JOIN while the workers run a layer.
        if (window_layer.empty() && !vcd.core0_states.count("asleep")) fail("VCD: soc.core0.state is never 'asleep'");
    }
    auto changed = [&](uint64_t t, const std::string& value) {
        for (const auto& c : vcd.layer_changes)
            if (c.first == t && c.second == value) return true;
        return false;
    };
    for (const json& layer : report.at("layers")) {
        const std::string name = layer.at("name");
        if (!window_layer.empty() && name != window_layer) continue;
        const uint64_t b = ps_of_s(layer.at("begin_s")), e = ps_of_s(layer.at("end_s"));
        if (!changed(b, name)) fail("VCD: soc.core0.layer does not become '" + name + "' at " + std::to_string(b) + " ps");
        if (window_layer.empty() && !changed(e, "-")) fail("VCD: layer '" + name + "' does not end at " + std::to_string(e) + " ps");
        if (!window_layer.empty() && (vcd.first != b || vcd.last != e))
            fail("VCD window " + std::to_string(vcd.first) + ".." + std::to_string(vcd.last) + " ps is not layer '" +
                 name + "' (" + std::to_string(b) + ".." + std::to_string(e) + ")");
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: check_traces REPORT.json TIMELINE.json TRACE.vcd [LAYER]\n");
        return 2;
    }
    try {
        const json report = read_json(argv[1]);
        const std::string window_layer = argc > 4 ? argv[4] : "";
        if (report.at("status") != "ok") fail("the run failed");
        check_timeline(report, read_json(argv[2]), window_layer);
        check_vcd(report, read_vcd(argv[3]), window_layer);
    } catch (const std::exception& e) {
        fail(e.what());
    }
    return failures ? 1 : 0;
}
