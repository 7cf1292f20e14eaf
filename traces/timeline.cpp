#include "traces/timeline.h"

#include <algorithm>
#include <cstdio>

namespace vitsim {

namespace {

using Json = nlohmann::ordered_json;

constexpr int kPid = 1;
constexpr int kDmaTid = 1000;         // after every core's track (core i is tid i + 1)
constexpr int kWorkerTid = 2000;      // cluster core i is tid kWorkerTid + i
constexpr int kClusterDmaTid = 3000;

double us_of_ps(uint64_t ps) { return double(ps) * 1e-6; }
uint64_t ps_of_s(double s) { return uint64_t(s * 1e12 + 0.5); }

std::string hex(uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

Json track_name(int tid, const std::string& name) {
    return {{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}};
}

Json track_order(int tid) {
    return {{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_sort_index"}, {"args", {{"sort_index", tid}}}};
}

// A complete event ("X") over [begin, end], cut to the window; null when outside it.
Json span_event(const TraceSpan& window, int tid, const std::string& category, const std::string& name,
                uint64_t begin_ps, uint64_t end_ps, Json args) {
    if (!window.contains(begin_ps, end_ps)) return nullptr;
    const uint64_t b = std::max(begin_ps, window.from_ps), e = std::min(end_ps, window.to_ps);
    return {{"ph", "X"},          {"pid", kPid}, {"tid", tid}, {"cat", category}, {"name", name}, {"ts", us_of_ps(b)},
            {"dur", us_of_ps(e - b)}, {"args", std::move(args)}};
}

Json counter_event(const std::string& name, uint64_t t_ps, Json values) {
    return {{"ph", "C"}, {"pid", kPid}, {"name", name}, {"ts", us_of_ps(t_ps)}, {"args", std::move(values)}};
}

void push(Json& events, Json event) {
    if (!event.is_null()) events.push_back(std::move(event));
}

void add_layers(Json& events, const TraceSpan& window, const LayerProfile& profile, const std::vector<TraceLayer>& layers) {
    for (const LayerRecord& r : profile.layers) {
        const TraceLayer layer = trace_layer(layers, r.id);
        Json args = {{"index", r.id}, {"cycles", r.counters.cycles}, {"instructions", r.counters.instructions}};
        if (layer.planned) {
            args["macs"] = layer.macs;
            args["mac_per_cycle"] = r.counters.cycles ? double(layer.macs) / double(r.counters.cycles) : 0.0;
            args["sram_peak_bytes"] = layer.sram_peak_bytes;
            args["live_bytes"] = layer.live_bytes;
        }
        args["begin_s"] = r.begin_s;
        args["end_s"] = r.end_s;
        push(events, span_event(window, int(r.hartid) + 1, "layer", layer.name, ps_of_s(r.begin_s), ps_of_s(r.end_s),
                                std::move(args)));
    }
    for (const PhaseSpan& p : profile.phases)
        push(events, span_event(window, int(p.hartid) + 1, "phase", phase_name(p.phase), ps_of_s(p.begin_s),
                                ps_of_s(p.end_s),
                                {{"cycles", p.counters.cycles}, {"instructions", p.counters.instructions}}));
}

// The plan's live bytes of the layer that began last (the counter holds until the next).
void add_live_sram(Json& events, const TraceSpan& window, const LayerProfile& profile,
                   const std::vector<TraceLayer>& layers) {
    if (layers.empty() || !layers.front().planned) return;
    const char* name = "live SRAM bytes (plan)";
    bool first = true;
    for (size_t i = 0; i < profile.layers.size(); i++) {
        const LayerRecord& r = profile.layers[i];
        const uint64_t begin = ps_of_s(r.begin_s);
        const uint64_t next = i + 1 < profile.layers.size() ? ps_of_s(profile.layers[i + 1].begin_s) : window.to_ps;
        if (!window.contains(begin, next)) continue;
        const TraceLayer layer = trace_layer(layers, r.id);
        events.push_back(counter_event(name, first ? std::max(begin, window.from_ps) : begin,
                                       {{"live", layer.live_bytes}, {"planned", layer.planned_bytes}}));
        first = false;
    }
}

void add_stalls(Json& events, const TraceRecorder& recorder) {
    for (size_t c = 0; c < recorder.core_samples().size(); c++)
        for (const CoreSample& s : recorder.core_samples()[c])
            events.push_back(counter_event("core" + std::to_string(c) + " stall cycles", s.begin_ps,
                                           {{"load_use", s.stalls.load_use}, {"branch", s.stalls.branch},
                                            {"muldiv", s.stalls.muldiv}, {"memory", s.stalls.memory},
                                            {"fetch", s.stalls.fetch}}));
}

void add_dma(Json& events, const TraceSpan& window, Soc& soc) {
    for (const Dma::Transfer& x : soc.dma().transfers())
        push(events, span_event(window, kDmaTid, "dma", "copy " + std::to_string(x.bytes) + " B", x.begin.value(),
                                x.done.value(),
                                {{"bytes", x.bytes}, {"src", hex(x.src)}, {"dst", hex(x.dst)},
                                 {"queued_us", us_of_ps(x.begin.value() - x.requested.value())}}));
}

// Consecutive samples in the same state become one span ("running", "asleep:barrier"...).
void add_worker_states(Json& events, const TraceSpan& window, int tid, const std::vector<CoreSample>& samples) {
    for (size_t i = 0; i < samples.size();) {
        const std::string state = core_state(samples[i]);
        uint64_t instructions = 0;
        size_t j = i;
        for (; j < samples.size() && core_state(samples[j]) == state; j++) instructions += samples[j].instructions;
        push(events, span_event(window, tid, "core", state, samples[i].begin_ps, samples[j - 1].end_ps,
                                {{"instructions", instructions}}));
        i = j;
    }
}

// The cluster DMA's busy stretches, with the bytes moved in each.
void add_cluster_dma(Json& events, const TraceSpan& window, const std::vector<ClusterDmaSample>& samples) {
    for (size_t i = 0; i < samples.size();) {
        if (!samples[i].busy) {
            i++;
            continue;
        }
        uint64_t bytes = 0;
        size_t j = i;
        for (; j < samples.size() && samples[j].busy; j++) bytes += samples[j].bytes;
        push(events, span_event(window, kClusterDmaTid, "dma", "transfers " + std::to_string(bytes) + " B",
                                samples[i].begin_ps, samples[j - 1].end_ps, {{"bytes", bytes}}));
        i = j;
    }
}

// Counter tracks "power mW" (the total) and "power mW DOMAIN" per power domain, a value
// per quantum of core 0 (separate tracks: Perfetto stacks the values of one counter).
void add_power(Json& events, Soc& soc, const TraceRecorder& recorder) {
    const std::vector<DomainEnergy>& domains = soc.profile().energy.domains;
    for (const PowerSample& s : recorder.power_samples()) {
        events.push_back(counter_event("power mW", s.begin_ps, {{"total", s.total_mw}}));
        for (size_t d = 0; d < domains.size() && d < s.domain_mw.size(); d++)
            events.push_back(counter_event("power mW " + domains[d].name, s.begin_ps, {{domains[d].name, s.domain_mw[d]}}));
    }
}

}  // namespace

Json timeline_json(Soc& soc, const TraceRecorder& recorder, const LayerProfile& profile,
                   const std::vector<TraceLayer>& layers) {
    const TraceSpan window = recorder.span();
    Json events = Json::array();
    events.push_back({{"ph", "M"}, {"pid", kPid}, {"name", "process_name"},
                      {"args", {{"name", "soc " + soc.profile().name}}}});
    for (size_t c = 0; c < soc.core_count(); c++) {
        events.push_back(track_name(int(c) + 1, "core" + std::to_string(c)));
        events.push_back(track_order(int(c) + 1));
    }
    events.push_back(track_name(kDmaTid, "dma0"));
    events.push_back(track_order(kDmaTid));
    const auto& workers = recorder.worker_samples();
    for (size_t i = 0; i < workers.size(); i++) {
        events.push_back(track_name(kWorkerTid + int(i), "cluster core" + std::to_string(i)));
        events.push_back(track_order(kWorkerTid + int(i)));
        add_worker_states(events, window, kWorkerTid + int(i), workers[i]);
    }
    if (!workers.empty()) {
        events.push_back(track_name(kClusterDmaTid, "cluster dma"));
        events.push_back(track_order(kClusterDmaTid));
        add_cluster_dma(events, window, recorder.cluster_dma_samples());
    }
    add_layers(events, window, profile, layers);
    add_dma(events, window, soc);
    add_live_sram(events, window, profile, layers);
    add_stalls(events, recorder);
    add_power(events, soc, recorder);
    return {{"traceEvents", std::move(events)},
            {"displayTimeUnit", "ns"},
            {"otherData",
             {{"schema", "vitsim-timeline/1"},
              {"soc", soc.profile().name},
              {"clock_hz", soc.profile().clock_hz},
              {"from_us", us_of_ps(window.from_ps)},
              {"to_us", us_of_ps(window.to_ps)}}}};
}

}  // namespace vitsim
