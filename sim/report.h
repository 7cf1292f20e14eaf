// The JSON run report (schema "vitsim-report/1", documented in docs/cli.md).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iss/hart.h"
#include "sim/profiler.h"
#include "soc/soc.h"

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

// The report of a finished run of `soc` (core 0's counters, every memory, DMA,
// the layers of the SIMCTRL markers). `program` names what ran.
RunReport collect_report(Soc& soc, const std::string& program, const RunResult& result);

// Throws CommandError for a run that did not end by exiting: a trap (113, with the
// trap's description) or the cycle limit (114, with the pc).
void check_stop(Soc& soc, const RunResult& result, uint64_t max_cycles);

// One line on stderr per unmatched layer marker (at most 10, then a count).
void print_marker_problems(const LayerProfile& layers);
// "vitsim: N instructions, N cycles, ... MIPS" on stderr.
void print_stats(const RunReport& report);

// Writes `text` to a temporary file next to `path` and renames it over `path`, so a
// failure never leaves a partial report. Throws CommandError (exit 111) naming the path.
void write_text_file(const std::string& path, const std::string& text);
void write_json_file(const std::string& path, const nlohmann::ordered_json& doc);

}  // namespace vitsim
