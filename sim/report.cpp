#include "sim/report.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace vitsim {

using json = nlohmann::ordered_json;

namespace {

json stalls_json(const StallCounters& s) {
    return {{"load_use", s.load_use}, {"branch", s.branch}, {"muldiv", s.muldiv},
            {"memory", s.memory}, {"fetch", s.fetch}};
}

json width_json(const uint64_t (&by_width)[3]) { return json::array({by_width[0], by_width[1], by_width[2]}); }

json memory_json(const std::string& name, const AccessCounters& c) {
    return {{"name", name},
            {"reads_by_width", width_json(c.reads)},
            {"writes_by_width", width_json(c.writes)},
            {"read_bytes", c.read_bytes()},
            {"write_bytes", c.write_bytes()}};
}

json layer_json(const LayerRecord& l, const std::vector<MemoryStats>& memories) {
    json mems = json::array();
    for (size_t m = 0; m < l.memories.size(); m++)
        mems.push_back(memory_json(m < memories.size() ? memories[m].name : "?", l.memories[m]));
    return {{"id", l.id},
            {"hartid", l.hartid},
            {"cycles", l.counters.cycles},
            {"instructions", l.counters.instructions},
            {"stalls", stalls_json(l.counters.stalls)},
            {"begin_s", l.begin_s},
            {"end_s", l.end_s},
            {"memories", mems}};
}

}  // namespace

json to_json(const RunReport& r) {
    const double mips = r.host_seconds > 0 ? r.totals.instructions / r.host_seconds / 1e6 : 0.0;
    json doc = {
        {"schema", "vitsim-report/1"},
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
          {"stalls", stalls_json(r.totals.stalls)}}},
    };
    if (r.trap)
        doc["trap"] = {{"cause", r.trap->cause}, {"pc", r.trap->pc},       {"insn", r.trap->insn},
                       {"tval", r.trap->tval},   {"description", describe(*r.trap)}};
    json memories = json::array();
    for (const MemoryStats& m : r.memories) memories.push_back(memory_json(m.name, m.counters));
    doc["memories"] = memories;
    doc["dma"] = {{"transfers", r.dma.transfers}, {"bytes", r.dma.bytes}, {"errors", r.dma.errors},
                  {"busy_s", r.dma.busy_s}};
    json layers = json::array();
    for (const LayerRecord& l : r.layers.layers) layers.push_back(layer_json(l, r.memories));
    doc["layers"] = layers;
    json snapshots = json::array();
    for (const Snapshot& s : r.layers.snapshots)
        snapshots.push_back({{"tag", s.tag}, {"hartid", s.hartid}, {"cycles", s.counters.cycles},
                             {"instructions", s.counters.instructions}, {"time_s", s.time_s}});
    doc["snapshots"] = snapshots;
    doc["marker_problems"] = r.layers.problems;
    return doc;
}

void write_json_file(const std::string& path, const json& doc) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(path + ": cannot write report: " + std::strerror(errno));
        out << doc.dump(2) << '\n';
        out.close();
        if (!out) {
            std::remove(tmp.c_str());
            throw std::runtime_error(path + ": cannot write report: " + std::strerror(errno));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        std::remove(tmp.c_str());
        throw std::runtime_error(path + ": cannot write report: " + reason);
    }
}

}  // namespace vitsim
