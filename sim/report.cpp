#include "sim/report.h"

#include <algorithm>

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "sim/exit_codes.h"
#include "sim/files.h"

namespace vitsim {

using json = nlohmann::ordered_json;

namespace {

json stalls_json(const StallCounters& s) {
    return {{"load_use", s.load_use}, {"branch", s.branch}, {"muldiv", s.muldiv},
            {"memory", s.memory}, {"fetch", s.fetch}};
}

json width_json(const uint64_t (&by_width)[3]) { return json::array({by_width[0], by_width[1], by_width[2]}); }

json memory_json(const AccessCounters& c) {
    return {{"reads_by_width", width_json(c.reads)},
            {"writes_by_width", width_json(c.writes)},
            {"read_bytes", c.read_bytes()},
            {"write_bytes", c.write_bytes()}};
}

json hit_miss_json(const CacheCounters::HitMiss& c) {
    const uint64_t accesses = c.hits + c.misses;
    return {{"hits", c.hits}, {"misses", c.misses}, {"hit_rate", accesses ? double(c.hits) / double(accesses) : 0.0}};
}

}  // namespace

json caches_json(const CacheCounters& c) {
    json d = hit_miss_json(c.dcache);
    d["writebacks"] = c.dcache_writebacks;
    return {{"icache", hit_miss_json(c.icache)},
            {"dcache", d},
            {"flash_accelerator", hit_miss_json(c.flash_accelerator)},
            {"flash_accelerator_data", hit_miss_json(c.flash_accelerator_data)}};
}

json energy_json(const EnergyBreakdown& e, const std::vector<MemoryStats>& memories, bool cluster) {
    json mems = json::object();
    for (size_t m = 0; m < e.memories.size() && m < memories.size(); m++) mems[memories[m].name] = fj_to_uj(e.memories[m]);
    json j = {{"core", fj_to_uj(e.core)}};
    if (cluster) j["cluster"] = fj_to_uj(e.cluster);
    j["memory"] = mems;
    j["caches"] = fj_to_uj(e.caches);
    j["dma"] = fj_to_uj(e.dma);
    j["background"] = fj_to_uj(e.background);
    j["leakage"] = fj_to_uj(e.leakage);
    if (e.has_engine) j["engine"] = fj_to_uj(e.engine);
    return j;
}

ClusterLayerSummary summarize(const ClusterCounters& c) {
    ClusterLayerSummary s;
    for (const ClusterCounters::Core& core : c.cores) {
        const uint64_t busy = core.hart.cycles - std::min(core.hart.cycles, core.stalls.idle);
        s.busy_cycles.push_back(busy);
        s.busy_max = std::max(s.busy_max, busy);
        s.busy_sum += busy;
        s.instructions += core.hart.instructions;
        s.bank_conflict += core.stalls.bank_conflict;
        s.barrier += core.stalls.barrier;
        s.dma_wait += core.stalls.dma_wait;
        // the hart's data wait states: bank conflicts and the L2/MRAM latency
        s.l2_latency += core.hart.stalls.memory - std::min(core.hart.stalls.memory, core.stalls.bank_conflict);
        s.pipeline.load_use += core.hart.stalls.load_use;
        s.pipeline.branch += core.hart.stalls.branch;
        s.pipeline.muldiv += core.hart.stalls.muldiv;
        s.pipeline.fetch += core.hart.stalls.fetch;
        s.pipeline.icache += core.hart.stalls.icache;
    }
    return s;
}

json cluster_layer_json(const ClusterCounters& c) {
    const ClusterLayerSummary s = summarize(c);
    json cores = json::array();
    for (size_t i = 0; i < c.cores.size(); i++)
        cores.push_back({{"cycles", s.busy_cycles[i]}, {"instructions", c.cores[i].hart.instructions}});
    return {{"cores", cores},
            {"instructions", s.instructions},
            {"balance", s.balance()},
            {"stalls",
             {{"bank_conflict", s.bank_conflict},
              {"barrier", s.barrier},
              {"dma_wait", s.dma_wait},
              {"l2_latency", s.l2_latency},
              {"load_use", s.pipeline.load_use},
              {"branch", s.pipeline.branch},
              {"muldiv", s.pipeline.muldiv},
              {"fetch", s.pipeline.fetch},
              {"icache", s.pipeline.icache}}},
            {"dma_transfers", c.dma.transfers},
            {"dma_bytes", c.dma.bytes},
            {"l1_peak_bytes", c.l1_touched_bytes}};
}

namespace {

json layer_json(const LayerRecord& l, const RunReport& r) {
    const std::vector<MemoryStats>& memories = r.memories;
    json mems = json::object();  // by name, in the profile's order
    for (size_t m = 0; m < l.memories.size() && m < memories.size(); m++)
        mems[memories[m].name] = memory_json(l.memories[m]);
    json phases = json::array();
    for (const PhaseTotal& p : l.phases)
        phases.push_back({{"name", phase_name(p.phase)},
                          {"spans", p.spans},
                          {"cycles", p.counters.cycles},
                          {"instructions", p.counters.instructions}});
    json j = {{"id", l.id},
              {"hartid", l.hartid},
              {"cycles", l.counters.cycles},
              {"instructions", l.counters.instructions},
              {"stalls", stalls_json(l.counters.stalls)},
              {"caches", caches_json(l.counters.caches)},
              {"begin_s", l.begin_s},
              {"end_s", l.end_s},
              {"memories", mems},
              {"phases", phases}};
    if (r.has_energy) {
        j["energy_uj"] = fj_to_uj(l.energy.total());
        j["avg_power_mw"] = average_power_mw(l.energy.total(), double(l.counters.cycles) / double(r.clock_hz));
        j["energy"] = energy_json(l.energy, memories, !r.cluster.empty());
    }
    if (!l.cluster.cores.empty()) j["cluster"] = cluster_layer_json(l.cluster);
    return j;
}

const char* stop_name(StopReason reason) {
    switch (reason) {
        case StopReason::kExit: return "exit";
        case StopReason::kTrap: return "trap";
        case StopReason::kLimit: return "cycle-limit";
    }
    return "?";
}

std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

constexpr size_t kMaxProblemLines = 10;

}  // namespace

namespace {

// The energy of the run and of each layer, when the profile has the model's data.
void add_energy(RunReport& r, Soc& soc) {
    const EnergyParams& params = soc.profile().energy;
    r.has_energy = params.present;
    if (!r.has_energy) return;
    std::vector<AccessCounters> accesses;
    for (const MemoryStats& m : r.memories) accesses.push_back(m.counters);
    r.energy = estimate_energy(params, r.clock_hz, soc.activity(), accesses, r.totals.cycles);
    for (LayerRecord& l : r.layers.layers)
        l.energy = estimate_energy(params, r.clock_hz, l.activity, l.memories, l.counters.cycles);
    for (EnergyWindow& w : r.layers.energy_windows)
        w.energy = estimate_energy(params, r.clock_hz, w.activity, w.memories, w.cycles);
}

}  // namespace

RunReport collect_report(Soc& soc, const std::string& program, const RunResult& result) {
    const Iss& core = soc.core(0).iss();
    RunReport r;
    r.soc = soc.profile().name;
    r.clock_hz = soc.profile().clock_hz;
    r.program = program;
    r.stop = stop_name(result.stop);
    r.exit_status = result.stop == StopReason::kExit ? core.exit_status() : 0;
    if (result.stop == StopReason::kTrap) {
        r.trap = core.trap();
        r.trap_description = core.describe_trap();
    }
    r.totals = core.counters();
    r.sim_time_s = static_cast<double>(r.totals.cycles) / static_cast<double>(r.clock_hz);
    r.host_seconds = result.host_seconds;
    for (size_t i = 0; i < soc.memory_count(); i++)
        r.memories.push_back({soc.memory(i).timing().name, soc.memory(i).counters()});
    const Dma::Stats& dma = soc.dma().stats();
    r.dma = {dma.transfers, dma.bytes, dma.errors, dma.busy.to_seconds()};
    r.layers = profile_layers(soc.simctrl().events());
    if (Cluster* cluster = soc.cluster()) {
        for (unsigned i = 0; i < cluster->cores(); i++) r.cluster.push_back({cluster->hart(i).counters(), cluster->stalls(i)});
        r.cluster_dma = cluster->dma_stats();
    }
    add_energy(r, soc);
    return r;
}

uint64_t RunReport::all_instructions() const {
    uint64_t n = totals.instructions;
    for (const ClusterCoreStats& c : cluster) n += c.counters.instructions;
    return n;
}

void check_stop(Soc& soc, const RunResult& result, uint64_t max_cycles) {
    const Iss& core = soc.core(0).iss();
    if (result.stop == StopReason::kTrap) throw CommandError(kExitTrap, "trap: " + core.describe_trap());
    if (result.stop == StopReason::kLimit)
        throw CommandError(kExitCycleLimit,
                           "cycle limit of " + std::to_string(max_cycles) + " reached at pc " + hex(core.pc()));
}

void print_stats(const RunReport& r) {
    const double mips = r.host_seconds > 0 ? r.totals.instructions / r.host_seconds / 1e6 : 0.0;
    std::fprintf(stderr,
                 "vitsim: %" PRIu64 " instructions, %" PRIu64 " cycles, %.6g s simulated at %g MHz, "
                 "%.3f s host, %.1f MIPS\n",
                 r.totals.instructions, r.totals.cycles, r.sim_time_s, r.clock_hz / 1e6, r.host_seconds, mips);
    if (r.cluster.empty()) return;
    const uint64_t all = r.all_instructions();
    std::fprintf(stderr, "vitsim: cluster: %zu cores, %" PRIu64 " instructions; all cores %" PRIu64
                 " instructions, %.1f MIPS\n", r.cluster.size(), all - r.totals.instructions, all,
                 r.host_seconds > 0 ? all / r.host_seconds / 1e6 : 0.0);
}

void print_marker_problems(const LayerProfile& layers) {
    for (size_t i = 0; i < layers.problems.size() && i < kMaxProblemLines; i++)
        std::cerr << "vitsim: warning: " << layers.problems[i] << '\n';
    if (layers.problems.size() > kMaxProblemLines)
        std::cerr << "vitsim: warning: " << layers.problems.size() - kMaxProblemLines << " more marker problems\n";
}

json to_json(const RunReport& r) {
    const double mips = r.host_seconds > 0 ? r.totals.instructions / r.host_seconds / 1e6 : 0.0;
    json doc = {
        {"schema", kElfReportSchema},
        {"soc", r.soc},
        {"clock_hz", r.clock_hz},
        {"program", r.program},
        {"stop", r.stop},
        {"exit_status", r.exit_status},
        {"totals",
         {{"instructions", r.totals.instructions},
          {"cycles", r.totals.cycles},
          {"sim_time_s", r.sim_time_s},
          {"host_seconds", r.host_seconds},
          {"mips", mips},
          {"stalls", stalls_json(r.totals.stalls)},
          {"caches", caches_json(r.totals.caches)}}},
    };
    if (r.has_energy) {
        doc["totals"]["energy_uj"] = fj_to_uj(r.energy.total());
        doc["totals"]["avg_power_mw"] = average_power_mw(r.energy.total(), r.sim_time_s);
        doc["totals"]["energy"] = energy_json(r.energy, r.memories, !r.cluster.empty());
    }
    if (r.trap)
        doc["trap"] = {{"cause", r.trap->cause}, {"pc", r.trap->pc},       {"insn", r.trap->insn},
                       {"tval", r.trap->tval},   {"description", r.trap_description}};
    json memories = json::object();  // by name, in the profile's order
    for (const MemoryStats& m : r.memories) memories[m.name] = memory_json(m.counters);
    doc["memories"] = memories;
    doc["dma"] = {{"transfers", r.dma.transfers}, {"bytes", r.dma.bytes}, {"errors", r.dma.errors},
                  {"busy_s", r.dma.busy_s}};
    json layers = json::array();
    for (const LayerRecord& l : r.layers.layers) layers.push_back(layer_json(l, r));
    doc["layers"] = layers;
    json snapshots = json::array();
    for (const Snapshot& s : r.layers.snapshots)
        snapshots.push_back({{"tag", s.tag}, {"hartid", s.hartid}, {"cycles", s.counters.cycles},
                             {"instructions", s.counters.instructions}, {"time_s", s.time_s}});
    doc["snapshots"] = snapshots;
    if (r.has_energy) {
        json windows = json::array();
        for (const EnergyWindow& w : r.layers.energy_windows)
            windows.push_back({{"id", w.id},
                               {"hartid", w.hartid},
                               {"cycles", w.cycles},
                               {"begin_s", w.begin_s},
                               {"end_s", w.end_s},
                               {"energy_uj", fj_to_uj(w.energy.total())},
                               {"avg_power_mw", average_power_mw(w.energy.total(), double(w.cycles) / double(r.clock_hz))},
                               {"energy", energy_json(w.energy, r.memories, !r.cluster.empty())}});
        doc["energy_windows"] = windows;
    }
    doc["marker_problems"] = r.layers.problems;
    if (!r.cluster.empty()) {
        json cores = json::array();
        for (const ClusterCoreStats& c : r.cluster)
            cores.push_back({{"instructions", c.counters.instructions},
                             {"cycles", c.counters.cycles},
                             {"stalls", stalls_json(c.counters.stalls)},
                             {"bank_conflict", c.stalls.bank_conflict},
                             {"barrier", c.stalls.barrier},
                             {"dma_wait", c.stalls.dma_wait},
                             {"idle", c.stalls.idle}});
        const uint64_t all = r.all_instructions();
        doc["cluster"] = {{"cores", cores},
                          {"dma", {{"transfers", r.cluster_dma.transfers}, {"bytes", r.cluster_dma.bytes},
                                   {"bank_conflicts", r.cluster_dma.bank_conflicts}}},
                          {"all_instructions", all},
                          {"all_mips", r.host_seconds > 0 ? all / r.host_seconds / 1e6 : 0.0}};
    }
    return doc;
}

void write_text_file(const std::string& path, const std::string& text) {
    write_file_atomically(path, text.data(), text.size());
}

void write_json_file(const std::string& path, const json& doc) { write_text_file(path, doc.dump(2) + "\n"); }

JsonReport::JsonReport(std::string path, std::string schema) : path_(std::move(path)), schema_(std::move(schema)) {
    if (!path_.empty() && !to_stdout()) check_output_path("--json", path_);
}

void JsonReport::write(const char* status, const Failure* failure) const {
    if (path_.empty()) return;
    json out = {{"schema", schema_}, {"status", status}};
    if (failure) out["error"] = {{"exit_code", failure->exit_code}, {"message", failure->message}};
    for (const auto& [key, value] : doc.items())
        if (!out.contains(key)) out[key] = value;
    if (to_stdout()) {
        std::cout << out.dump(2) << std::endl;
        return;
    }
    write_json_file(path_, out);
}

}  // namespace vitsim
