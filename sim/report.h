// The JSON run report (schema "vitsim-report/1", documented in docs/cli.md).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iss/hart.h"
#include "sim/profiler.h"

namespace vitsim {

struct MemoryStats {
    std::string name;
    AccessCounters counters;
};

struct DmaStats {
    uint64_t transfers = 0, bytes = 0, errors = 0;
    double busy_s = 0;
};

struct RunReport {
    std::string soc;
    uint64_t clock_hz = 0;
    std::string program;
    std::string stop;                  // "exit", "trap" or "cycle-limit"
    int exit_status = 0;
    std::optional<TrapInfo> trap;      // when stop == "trap"
    HartCounters totals;               // core0
    double sim_time_s = 0;             // cycles / clock_hz
    double host_seconds = 0;           // inside sc_start() only
    std::vector<MemoryStats> memories;
    DmaStats dma;
    LayerProfile layers;
};

nlohmann::ordered_json to_json(const RunReport& report);

// Writes `doc` to a temporary file next to `path` and renames it over `path`, so a
// failure never leaves a partial report. Throws std::runtime_error naming the path.
void write_json_file(const std::string& path, const nlohmann::ordered_json& doc);

}  // namespace vitsim
