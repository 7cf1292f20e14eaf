// Arithmetic on the counters of core/iss.h: deltas between two snapshots and sums.
#include "core/iss.h"

namespace vitsim {

namespace {

CacheCounters::HitMiss operator-(const CacheCounters::HitMiss& end, const CacheCounters::HitMiss& begin) {
    return {end.hits - begin.hits, end.misses - begin.misses};
}

CacheCounters::HitMiss& operator+=(CacheCounters::HitMiss& sum, const CacheCounters::HitMiss& more) {
    sum.hits += more.hits;
    sum.misses += more.misses;
    return sum;
}

CacheCounters operator-(const CacheCounters& end, const CacheCounters& begin) {
    CacheCounters d;
    d.icache = end.icache - begin.icache;
    d.dcache = end.dcache - begin.dcache;
    d.flash_accelerator = end.flash_accelerator - begin.flash_accelerator;
    d.flash_accelerator_data = end.flash_accelerator_data - begin.flash_accelerator_data;
    d.dcache_writebacks = end.dcache_writebacks - begin.dcache_writebacks;
    return d;
}

CacheCounters& operator+=(CacheCounters& sum, const CacheCounters& more) {
    sum.icache += more.icache;
    sum.dcache += more.dcache;
    sum.flash_accelerator += more.flash_accelerator;
    sum.flash_accelerator_data += more.flash_accelerator_data;
    sum.dcache_writebacks += more.dcache_writebacks;
    return sum;
}

}  // namespace

HartCounters operator-(const HartCounters& end, const HartCounters& begin) {
    HartCounters d;
    d.caches = end.caches - begin.caches;
    d.cycles = end.cycles - begin.cycles;
    d.instructions = end.instructions - begin.instructions;
    d.stalls.load_use = end.stalls.load_use - begin.stalls.load_use;
    d.stalls.branch = end.stalls.branch - begin.stalls.branch;
    d.stalls.muldiv = end.stalls.muldiv - begin.stalls.muldiv;
    d.stalls.memory = end.stalls.memory - begin.stalls.memory;
    d.stalls.fetch = end.stalls.fetch - begin.stalls.fetch;
    d.stalls.icache = end.stalls.icache - begin.stalls.icache;
    for (unsigned k = 0; k < kInsnClassCount; k++) d.classes[k] = end.classes[k] - begin.classes[k];
    d.sleep_cycles = end.sleep_cycles - begin.sleep_cycles;
    return d;
}

HartCounters& operator+=(HartCounters& sum, const HartCounters& more) {
    sum.cycles += more.cycles;
    sum.instructions += more.instructions;
    sum.stalls.load_use += more.stalls.load_use;
    sum.stalls.branch += more.stalls.branch;
    sum.stalls.muldiv += more.stalls.muldiv;
    sum.stalls.memory += more.stalls.memory;
    sum.stalls.fetch += more.stalls.fetch;
    sum.stalls.icache += more.stalls.icache;
    sum.caches += more.caches;
    for (unsigned k = 0; k < kInsnClassCount; k++) sum.classes[k] += more.classes[k];
    sum.sleep_cycles += more.sleep_cycles;
    return sum;
}

AccessCounters operator-(const AccessCounters& end, const AccessCounters& begin) {
    AccessCounters d;
    for (int w = 0; w < 3; w++) {
        d.reads[w] = end.reads[w] - begin.reads[w];
        d.writes[w] = end.writes[w] - begin.writes[w];
    }
    return d;
}

}  // namespace vitsim
