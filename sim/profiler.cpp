#include "sim/profiler.h"

#include <map>
#include <utility>

namespace vitsim {

HartCounters operator-(const HartCounters& end, const HartCounters& begin) {
    HartCounters d;
    d.cycles = end.cycles - begin.cycles;
    d.instructions = end.instructions - begin.instructions;
    d.stalls.load_use = end.stalls.load_use - begin.stalls.load_use;
    d.stalls.branch = end.stalls.branch - begin.stalls.branch;
    d.stalls.muldiv = end.stalls.muldiv - begin.stalls.muldiv;
    d.stalls.memory = end.stalls.memory - begin.stalls.memory;
    d.stalls.fetch = end.stalls.fetch - begin.stalls.fetch;
    return d;
}

AccessCounters operator-(const AccessCounters& end, const AccessCounters& begin) {
    AccessCounters d;
    for (int w = 0; w < 3; w++) {
        d.reads[w] = end.reads[w] - begin.reads[w];
        d.writes[w] = end.writes[w] - begin.writes[w];
    }
    return d;
}

namespace {

std::string marker_name(const SimCtrlEvent& e) {
    return "layer " + std::to_string(e.id) + " on hart " + std::to_string(e.hartid);
}

}  // namespace

LayerProfile profile_layers(const std::vector<SimCtrlEvent>& events) {
    LayerProfile out;
    // Open layers per (hart, id): indices into out.layers plus the BEGIN event.
    std::map<std::pair<uint32_t, uint32_t>, std::vector<std::pair<size_t, const SimCtrlEvent*>>> open;
    for (const SimCtrlEvent& e : events) {
        const auto key = std::make_pair(e.hartid, e.id);
        switch (e.kind) {
            case SimCtrlEvent::Kind::kLayerBegin: {
                LayerRecord r;
                r.id = e.id;
                r.hartid = e.hartid;
                r.begin_s = e.time.to_seconds();
                open[key].emplace_back(out.layers.size(), &e);
                out.layers.push_back(r);
                break;
            }
            case SimCtrlEvent::Kind::kLayerEnd: {
                auto it = open.find(key);
                if (it == open.end() || it->second.empty()) {
                    out.problems.push_back(marker_name(e) + " ends at cycle " + std::to_string(e.counters.cycles) +
                                           " without a begin");
                    break;
                }
                const auto [index, begin] = it->second.back();
                it->second.pop_back();
                LayerRecord& r = out.layers[index];
                r.counters = e.counters - begin->counters;
                r.end_s = e.time.to_seconds();
                for (size_t m = 0; m < e.memories.size() && m < begin->memories.size(); m++)
                    r.memories.push_back(e.memories[m] - begin->memories[m]);
                break;
            }
            case SimCtrlEvent::Kind::kSnapshot:
                out.snapshots.push_back({e.id, e.hartid, e.counters, e.time.to_seconds()});
                break;
        }
    }
    // Layers still open when the program stopped have no meaningful delta: drop them.
    std::vector<bool> unclosed(out.layers.size(), false);
    for (const auto& [key, stack] : open)
        for (const auto& [index, begin] : stack) {
            unclosed[index] = true;
            out.problems.push_back(marker_name(*begin) + " begins at cycle " + std::to_string(begin->counters.cycles) +
                                   " and never ends");
        }
    std::vector<LayerRecord> closed;
    for (size_t i = 0; i < out.layers.size(); i++)
        if (!unclosed[i]) closed.push_back(std::move(out.layers[i]));
    out.layers = std::move(closed);
    return out;
}

}  // namespace vitsim
