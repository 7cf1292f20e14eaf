#include "sim/profiler.h"

#include <algorithm>
#include <map>
#include <utility>

#include "vs_phase.h"

namespace vitsim {

std::string phase_name(uint32_t phase) {
#define VS_PHASE_NAME_(name, text) text,
    static const char* const kNames[] = {VS_PHASES(VS_PHASE_NAME_)};
#undef VS_PHASE_NAME_
    return phase < VS_PHASE_COUNT ? kNames[phase] : "phase " + std::to_string(phase);
}

ClusterCounters operator-(const ClusterCounters& end, const ClusterCounters& begin) {
    ClusterCounters d;
    for (size_t i = 0; i < end.cores.size(); i++) {
        const ClusterCounters::Core from = i < begin.cores.size() ? begin.cores[i] : ClusterCounters::Core{};
        const ClusterCounters::Core& to = end.cores[i];
        d.cores.push_back({to.hart - from.hart,
                           {to.stalls.bank_conflict - from.stalls.bank_conflict, to.stalls.barrier - from.stalls.barrier,
                            to.stalls.dma_wait - from.stalls.dma_wait, to.stalls.idle - from.stalls.idle}});
    }
    d.dma = {end.dma.transfers - begin.dma.transfers, end.dma.bytes - begin.dma.bytes,
             end.dma.bank_conflicts - begin.dma.bank_conflicts};
    d.l1_touched_bytes = end.l1_touched_bytes;  // counted from the begin marker on
    return d;
}

namespace {

std::string marker_name(const SimCtrlEvent& e) {
    return "layer " + std::to_string(e.id) + " on hart " + std::to_string(e.hartid);
}

std::string phase_marker_name(const SimCtrlEvent& e) {
    return "phase " + phase_name(e.id) + " on hart " + std::to_string(e.hartid);
}

void add_to_layer(LayerRecord& layer, const PhaseSpan& span) {
    auto it = std::find_if(layer.phases.begin(), layer.phases.end(),
                           [&](const PhaseTotal& t) { return t.phase == span.phase; });
    if (it == layer.phases.end()) {
        it = layer.phases.insert(std::upper_bound(layer.phases.begin(), layer.phases.end(), span.phase,
                                                  [](uint32_t p, const PhaseTotal& t) { return p < t.phase; }),
                                 PhaseTotal{span.phase, 0, {}});
    }
    it->spans++;
    it->counters += span.counters;
}

}  // namespace

LayerProfile profile_layers(const std::vector<SimCtrlEvent>& events) {
    LayerProfile out;
    // Open layers per (hart, id): indices into out.layers plus the BEGIN event.
    std::map<std::pair<uint32_t, uint32_t>, std::vector<std::pair<size_t, const SimCtrlEvent*>>> open;
    std::map<uint32_t, std::vector<size_t>> open_on_hart;  // layers open on each hart, innermost last
    std::map<uint32_t, const SimCtrlEvent*> open_phase;     // the phase running on each hart
    std::map<std::pair<uint32_t, uint32_t>, std::vector<const SimCtrlEvent*>> open_energy;  // per (hart, id)
    std::vector<std::pair<const SimCtrlEvent*, EnergyWindow>> closed_energy;               // with their BEGIN
    for (const SimCtrlEvent& e : events) {
        const auto key = std::make_pair(e.hartid, e.id);
        switch (e.kind) {
            case SimCtrlEvent::Kind::kLayerBegin: {
                LayerRecord r;
                r.id = e.id;
                r.hartid = e.hartid;
                r.begin_s = e.time.to_seconds();
                open[key].emplace_back(out.layers.size(), &e);
                open_on_hart[e.hartid].push_back(out.layers.size());
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
                std::vector<size_t>& on_hart = open_on_hart[e.hartid];
                on_hart.erase(std::find(on_hart.begin(), on_hart.end(), index));
                LayerRecord& r = out.layers[index];
                r.counters = e.counters - begin->counters;
                r.end_s = e.time.to_seconds();
                r.activity = e.activity - begin->activity;
                for (size_t m = 0; m < e.memories.size() && m < begin->memories.size(); m++)
                    r.memories.push_back(e.memories[m] - begin->memories[m]);
                r.cluster = e.cluster - begin->cluster;
                break;
            }
            case SimCtrlEvent::Kind::kPhaseBegin:
                if (open_phase[e.hartid])
                    out.problems.push_back(phase_marker_name(e) + " begins at cycle " + std::to_string(e.counters.cycles) +
                                           " inside " + phase_marker_name(*open_phase[e.hartid]));
                open_phase[e.hartid] = &e;
                break;
            case SimCtrlEvent::Kind::kPhaseEnd: {
                const SimCtrlEvent* begin = open_phase[e.hartid];
                open_phase[e.hartid] = nullptr;
                if (!begin || begin->id != e.id) {
                    out.problems.push_back(phase_marker_name(e) + " ends at cycle " + std::to_string(e.counters.cycles) +
                                           " without a begin");
                    break;
                }
                const PhaseSpan span{e.id, e.hartid, e.counters - begin->counters, begin->time.to_seconds(),
                                     e.time.to_seconds()};
                out.phases.push_back(span);
                const std::vector<size_t>& on_hart = open_on_hart[e.hartid];
                if (!on_hart.empty()) add_to_layer(out.layers[on_hart.back()], span);
                break;
            }
            case SimCtrlEvent::Kind::kEnergyBegin:
                open_energy[key].push_back(&e);
                break;
            case SimCtrlEvent::Kind::kEnergyEnd: {
                auto it = open_energy.find(key);
                if (it == open_energy.end() || it->second.empty()) {
                    out.problems.push_back("energy window " + std::to_string(e.id) + " on hart " + std::to_string(e.hartid) +
                                           " ends at cycle " + std::to_string(e.counters.cycles) + " without a begin");
                    break;
                }
                const SimCtrlEvent* begin = it->second.back();
                it->second.pop_back();
                EnergyWindow w;
                w.id = e.id;
                w.hartid = e.hartid;
                w.cycles = e.counters.cycles - begin->counters.cycles;
                for (size_t m = 0; m < e.memories.size() && m < begin->memories.size(); m++)
                    w.memories.push_back(e.memories[m] - begin->memories[m]);
                w.activity = e.activity - begin->activity;
                w.begin_s = begin->time.to_seconds();
                w.end_s = e.time.to_seconds();
                closed_energy.emplace_back(begin, std::move(w));
                break;
            }
            case SimCtrlEvent::Kind::kSnapshot:
                out.snapshots.push_back({e.id, e.hartid, e.counters, e.time.to_seconds()});
                break;
        }
    }
    // Energy windows in order of BEGIN (the events are in time order).
    std::stable_sort(closed_energy.begin(), closed_energy.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [begin, window] : closed_energy) out.energy_windows.push_back(std::move(window));
    for (const auto& [key, stack] : open_energy)
        for (const SimCtrlEvent* begin : stack)
            out.problems.push_back("energy window " + std::to_string(begin->id) + " on hart " +
                                   std::to_string(begin->hartid) + " begins at cycle " +
                                   std::to_string(begin->counters.cycles) + " and never ends");
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
