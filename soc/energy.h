// The energy model (GVSoC-style, all data): per component an energy per event
// (instruction classes, memory accesses by width, cache hits and misses, DMA bytes),
// a background power while clocked and a lower one while clock-gated, and leakage
// per power domain. The numbers come from the profile's "energy" section
// (docs/energy.md, sources in docs/profiles.md); this file only multiplies. A new
// core or memory adds data, not code. No SystemC here.
#pragma once
#include <cstdint>
#include <cstddef>
#include <string>
#include <vector>

#include "core/activity.h"
#include "core/iss.h"
#include "iss/timing.h"

namespace vitsim {

// One core type: pJ per instruction of each class, mW while clocked or gated.
struct CoreEnergy {
    double insn_pj[kInsnClassCount] = {};
    double active_mw = 0;  // clocked: running or stalled
    double sleep_mw = 0;   // clock-gated: WFI, waiting on the event unit, not forked
};

// One memory: pJ per read and per write of 1, 2 and 4 bytes.
struct MemoryEnergy {
    double read_pj[3] = {};
    double write_pj[3] = {};
};

// A cache or flash accelerator: pJ per hit and per miss (the line refill).
struct CacheEnergy {
    double hit_pj = 0;
    double miss_pj = 0;
};

// The matrix engine (profiles whose cluster has one): pJ per event, mW while a job
// runs (clocked) and while idle (clock-gated; its leakage is the cluster domain's).
struct EngineEnergy {
    bool present = false;           // the profile's energy section has "engine"
    double mac_pj = 0;              // per multiply-accumulate of the array
    double output_pj = 0;           // per requantised output (multiply, shift, clamp)
    double port_byte_pj = 0;        // per byte read or written through its L1 port
    double register_pj = 0;         // per register read or write
    double active_mw = 0;           // clocked (busy cycles)
    double gated_mw = 0;            // clock-gated (every other cycle)
};

// A power domain: background power while the SoC runs, and leakage.
struct DomainEnergy {
    std::string name;
    double background_mw = 0;
    double leakage_mw = 0;
};

struct EnergyParams {
    bool present = false;            // the profile has an "energy" section
    double voltage_v = 0;            // the operating point the numbers are for
    CoreEnergy core;                 // core0
    CoreEnergy cluster_core;         // each cluster worker
    std::vector<MemoryEnergy> memories;  // in the profile's memory order
    CacheEnergy icache, dcache, flash_accelerator;
    double dma_pj_per_byte = 0;
    double cluster_dma_pj_per_byte = 0;
    EngineEnergy engine;
    std::vector<DomainEnergy> domains;  // by name (the profile's JSON object is read sorted)
    size_t cluster_memory = SIZE_MAX;  // the cluster's L1 (index into memories), if any
};

// Energy of one stretch of a run, in femtojoules (integers: the parts add up to the
// total exactly).
struct EnergyBreakdown {
    int64_t core = 0;                 // core0's instructions
    int64_t cluster = 0;              // the cluster workers' instructions
    std::vector<int64_t> memories;    // accesses, per memory in profile order
    int64_t caches = 0;               // cache and flash-accelerator hits and misses
    int64_t dma = 0;                  // bytes moved by the DMAs
    int64_t background = 0;           // cores clocked or gated, domains' background
    int64_t leakage = 0;
    int64_t engine = 0;               // the matrix engine: its events, clocked and gated power
    bool has_engine = false;          // the profile has the engine's table (report: the "engine" part)
    // The same energy by power domain (EnergyParams::domains' order: by name): the
    // cluster's workers, DMA and L1 in the domain "cluster", everything else in the
    // first other one.
    // For the traces' power signals; rounded on their own, so they may differ from
    // total() by a few fJ.
    std::vector<int64_t> domains;
    int64_t total() const;
};

// SocActivity `end` minus `begin` (counters of every core, DMA bytes).
SocActivity operator-(const SocActivity& end, const SocActivity& begin);

// The energy of `activity` (deltas) with the memories' `accesses` (deltas, profile
// order) over `cycles` of the main clock at `clock_hz`.
EnergyBreakdown estimate_energy(const EnergyParams& params, uint64_t clock_hz, const SocActivity& activity,
                                const std::vector<AccessCounters>& accesses, uint64_t cycles);

inline double fj_to_uj(int64_t fj) { return double(fj) * 1e-9; }
// Average power in mW of `fj` over `seconds` (0 for no time): fJ / s = 1e-12 mW.
inline double average_power_mw(int64_t fj, double seconds) { return seconds > 0 ? double(fj) * 1e-12 / seconds : 0.0; }

}  // namespace vitsim
