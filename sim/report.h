// The JSON reports (schemas documented in docs/cli.md).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/iss.h"
#include "sim/failure.h"
#include "sim/profiler.h"
#include "soc/soc.h"

namespace vitsim {

// Schema names of the reports; the number changes when a key changes meaning or shape.
inline constexpr const char* kElfReportSchema = "vitsim-report/2";  // vitsim elf
inline constexpr const char* kRunReportSchema = "vitsim-run/2";     // vitsim run
inline constexpr const char* kSweepReportSchema = "vitsim-sweep/2";  // vitsim sweep

struct MemoryStats {
    std::string name;
    AccessCounters counters;
};

struct DmaStats {
    uint64_t transfers = 0, bytes = 0, errors = 0;
    double busy_s = 0;
};

// One cluster worker (profiles with a "cluster", docs/cluster.md).
struct ClusterCoreStats {
    HartCounters counters;
    ClusterStalls stalls;
};

struct RunReport {
    std::string soc;
    uint64_t clock_hz = 0;
    std::string program;
    std::string stop;                  // "exit", "trap" or "cycle-limit"
    int exit_status = 0;
    std::optional<TrapInfo> trap;      // when stop == "trap"
    std::string trap_description;      // the ISS's words for it
    HartCounters totals;               // core0
    double sim_time_s = 0;             // cycles / clock_hz
    double host_seconds = 0;           // inside sc_start() only
    std::vector<MemoryStats> memories;
    DmaStats dma;
    LayerProfile layers;
    std::vector<ClusterCoreStats> cluster;  // empty: no cluster
    ClusterDmaStats cluster_dma;
    bool has_energy = false;           // the profile has an "energy" section
    EnergyBreakdown energy;            // the whole run (layers: LayerRecord::energy)
    // Instructions of every core (core0 and the cluster's workers).
    uint64_t all_instructions() const;
};

nlohmann::ordered_json to_json(const RunReport& report);

// A layer's cluster counters summed over the cores (docs/cli.md, layers[].cluster).
struct ClusterLayerSummary {
    std::vector<uint64_t> busy_cycles;  // per core: cycles while forked (not idle)
    uint64_t busy_max = 0, busy_sum = 0, instructions = 0;
    uint64_t bank_conflict = 0, barrier = 0, dma_wait = 0;
    uint64_t l2_latency = 0;            // data wait states other than bank conflicts (L2, MRAM)
    StallCounters pipeline;             // load_use, branch, muldiv, fetch, icache (memory: the two above)
    // Mean busy cycles over the busiest core's: 1 = perfectly even shares.
    double balance() const {
        return busy_max ? double(busy_sum) / double(busy_max) / double(busy_cycles.size()) : 0.0;
    }
};
ClusterLayerSummary summarize(const ClusterCounters& counters);
// {"cores": [{"cycles", "instructions"}], "instructions", "balance", "stalls": {...},
//  "dma_transfers", "dma_bytes", "l1_peak_bytes"}
nlohmann::ordered_json cluster_layer_json(const ClusterCounters& counters);
// Hits, misses and hit rate of the L1 caches and the flash accelerator (zeros when
// the core has none).
nlohmann::ordered_json caches_json(const CacheCounters& caches);
// The parts of an energy in uJ: core, cluster (with one), memory by name, caches,
// dma, background, leakage, engine (with the engine's table). They add up to
// fj_to_uj(e.total()).
nlohmann::ordered_json energy_json(const EnergyBreakdown& e, const std::vector<MemoryStats>& memories,
                                   bool cluster);

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

// Writes `text` to `path` whole (sim/files.h: write_file_atomically). Throws
// CommandError (exit 111) naming the path; the file is then unchanged.
void write_text_file(const std::string& path, const std::string& text);
void write_json_file(const std::string& path, const nlohmann::ordered_json& doc);

// The JSON report a command was asked for (--json). Its path is checked when the
// report is created, before any work; the command fills `doc` as it goes; the file
// is written once, at the end: with "status": "ok", or, when the command fails,
// with "status": "failed", "error": {"exit_code", "message"} and whatever the run
// had measured by then. No other output file is written by a failed command.
class JsonReport {
public:
    // `path` "" = no report wanted, "-" = standard output. Throws CommandError (111)
    // for a path that cannot be written.
    JsonReport(std::string path, std::string schema);
    nlohmann::ordered_json doc;
    bool to_stdout() const { return path_ == "-"; }

    void write_ok() const { write("ok", nullptr); }
    void write_failed(const Failure& failure) const { write("failed", &failure); }

private:
    void write(const char* status, const Failure* failure) const;
    std::string path_, schema_;
};

// Runs `body` (which returns the exit status); if it throws, writes `report` as
// failed and rethrows.
template <typename Body>
int run_with_report(const JsonReport& report, Body body) {
    try {
        return body();
    } catch (...) {
        try {
            report.write_failed(failure_of(std::current_exception()));
        } catch (...) {
            // the report cannot be written either: the first failure is the one to tell
        }
        throw;
    }
}

}  // namespace vitsim
