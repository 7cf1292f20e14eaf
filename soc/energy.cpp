#include "soc/energy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace vitsim {

namespace {

constexpr double kFjPerPj = 1000.0;

// Energy of `power_mw` for `cycles` of a `clock_hz` clock, in fJ: mW x s = mJ = 1e12 fJ.
double power_fj(double power_mw, uint64_t cycles, uint64_t clock_hz) {
    return power_mw * double(cycles) / double(clock_hz) * 1e12;
}

int64_t round_fj(double fj) { return int64_t(std::llround(fj)); }

double instructions_fj(const CoreEnergy& e, const HartCounters& c) {
    double pj = 0;
    for (unsigned k = 0; k < kInsnClassCount; k++) pj += e.insn_pj[k] * double(c.classes[k]);
    return pj * kFjPerPj;
}

// A core is clocked for the cycles it ran (or stalled) and gated for the rest of the
// stretch: asleep, or a worker that was not forked (its cycle count lags behind).
double core_background_fj(const CoreEnergy& e, const HartCounters& c, uint64_t cycles, uint64_t clock_hz) {
    const uint64_t awake = std::min(c.cycles - std::min(c.sleep_cycles, c.cycles), cycles);
    return power_fj(e.active_mw, awake, clock_hz) + power_fj(e.sleep_mw, cycles - awake, clock_hz);
}

double cache_fj(const CacheEnergy& e, const CacheCounters::HitMiss& c) {
    return (e.hit_pj * double(c.hits) + e.miss_pj * double(c.misses)) * kFjPerPj;
}

double memory_fj(const MemoryEnergy& e, const AccessCounters& c) {
    double pj = 0;
    for (int w = 0; w < 3; w++) pj += e.read_pj[w] * double(c.reads[w]) + e.write_pj[w] * double(c.writes[w]);
    return pj * kFjPerPj;
}

// The engine's events, and its power: clocked while busy, gated for the rest.
double engine_fj(const EngineEnergy& e, const EngineActivity& a, uint64_t cycles, uint64_t clock_hz) {
    const double events_pj = e.mac_pj * double(a.macs) + e.output_pj * double(a.outputs) +
                             e.port_byte_pj * double(a.port_bytes) + e.register_pj * double(a.register_accesses);
    const uint64_t busy = std::min(a.busy_cycles, cycles);
    return events_pj * kFjPerPj + power_fj(e.active_mw, busy, clock_hz) + power_fj(e.gated_mw, cycles - busy, clock_hz);
}

}  // namespace

int64_t EnergyBreakdown::total() const {
    int64_t sum = core + cluster + caches + dma + background + leakage + engine;
    for (int64_t m : memories) sum += m;
    return sum;
}

SocActivity operator-(const SocActivity& end, const SocActivity& begin) {
    SocActivity d;
    for (size_t i = 0; i < end.cores.size(); i++)
        d.cores.push_back(i < begin.cores.size() ? end.cores[i] - begin.cores[i] : end.cores[i]);
    d.dma_bytes = end.dma_bytes - begin.dma_bytes;
    d.cluster_dma_bytes = end.cluster_dma_bytes - begin.cluster_dma_bytes;
    const EngineActivity &e = end.engine, &b = begin.engine;
    d.engine = {e.busy_cycles - b.busy_cycles, e.macs - b.macs, e.outputs - b.outputs, e.port_bytes - b.port_bytes,
                e.register_accesses - b.register_accesses};
    return d;
}

EnergyBreakdown estimate_energy(const EnergyParams& p, uint64_t clock_hz, const SocActivity& activity,
                                const std::vector<AccessCounters>& accesses, uint64_t cycles) {
    EnergyBreakdown e;
    if (!p.present || clock_hz == 0) return e;
    // The cluster's parts go to the domain "cluster", the rest to the first other one.
    size_t soc_domain = SIZE_MAX, cluster_domain = SIZE_MAX;
    for (size_t d = 0; d < p.domains.size(); d++) {
        if (p.domains[d].name == "cluster") cluster_domain = d;
        else if (soc_domain == SIZE_MAX) soc_domain = d;
    }
    if (soc_domain == SIZE_MAX) soc_domain = 0;
    if (cluster_domain == SIZE_MAX) cluster_domain = soc_domain;
    std::vector<double> domains(std::max<size_t>(p.domains.size(), 1), 0.0);
    double cluster = 0, caches = 0, background = 0, leakage = 0;
    for (size_t i = 0; i < activity.cores.size(); i++) {
        const HartCounters& c = activity.cores[i];
        const CoreEnergy& kind = i == 0 ? p.core : p.cluster_core;
        const double insns = instructions_fj(kind, c), clocked = core_background_fj(kind, c, cycles, clock_hz);
        const double cached = cache_fj(p.icache, c.caches.icache) + cache_fj(p.dcache, c.caches.dcache) +
                              cache_fj(p.flash_accelerator, c.caches.flash_accelerator) +
                              cache_fj(p.flash_accelerator, c.caches.flash_accelerator_data);  // its data lines: same cells
        if (i == 0) e.core = round_fj(insns);
        else cluster += insns;
        background += clocked;
        caches += cached;
        domains[i == 0 ? soc_domain : cluster_domain] += insns + clocked + cached;
    }
    for (size_t m = 0; m < p.memories.size(); m++) {
        const double fj = m < accesses.size() ? memory_fj(p.memories[m], accesses[m]) : 0.0;
        e.memories.push_back(round_fj(fj));
        domains[m == p.cluster_memory ? cluster_domain : soc_domain] += fj;
    }
    for (size_t d = 0; d < p.domains.size(); d++) {
        const double clocked = power_fj(p.domains[d].background_mw, cycles, clock_hz);
        const double leaking = power_fj(p.domains[d].leakage_mw, cycles, clock_hz);
        background += clocked;
        leakage += leaking;
        domains[d] += clocked + leaking;
    }
    const double dma = p.dma_pj_per_byte * double(activity.dma_bytes) * kFjPerPj;
    const double cluster_dma = p.cluster_dma_pj_per_byte * double(activity.cluster_dma_bytes) * kFjPerPj;
    domains[soc_domain] += dma;
    domains[cluster_domain] += cluster_dma;
    if (p.engine.present) {
        const double engine = engine_fj(p.engine, activity.engine, cycles, clock_hz);
        domains[cluster_domain] += engine;
        e.engine = round_fj(engine);
        e.has_engine = true;
    }
    e.cluster = round_fj(cluster);
    e.caches = round_fj(caches);
    e.dma = round_fj(dma + cluster_dma);
    e.background = round_fj(background);
    e.leakage = round_fj(leakage);
    for (double fj : domains) e.domains.push_back(round_fj(fj));
    return e;
}

}  // namespace vitsim
