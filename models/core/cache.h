// Memory structures in front of a core, whatever its ISA: a set-associative cache with
// LRU replacement (L1 I/D caches) and a flash accelerator (ST's ART: an instruction cache
// of flash lines plus a prefetch of the next line). Only tags are kept: the data stays in
// the memories, so a cache changes timing, never values. Header-only (no SystemC, used by
// the ISS libraries); profile data in MemorySystem, parsed by soc/profile.cpp.
//
// Costs are not decided here: a lookup says hit, miss, and whether a dirty line was
// evicted; the core turns that into cycles with the memory's wait states
// (line_fill_cycles). Every lookup is deterministic (LRU, no randomness).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vitsim {

// Geometry of one cache; size_bytes = 0: no cache.
struct CacheGeometry {
    uint32_t size_bytes = 0;
    unsigned ways = 1;
    unsigned line_bytes = 32;
};

// A flash accelerator on one memory: `lines` instruction lines of `line_bytes` (fully
// associative, LRU), a one-line prefetch buffer filled with the line after the last one
// fetched, and `data_lines` lines of the same size for data reads (the F4/L4 ART's data
// cache; 0: data reads pay the memory's wait states).
struct AcceleratorConfig {
    std::string memory;   // the memory (MemoryTiming::name) it sits in front of
    std::string kind;     // "art" (ST ART accelerator); the only kind today
    unsigned lines = 0;
    unsigned line_bytes = 16;
    bool prefetch = true;
    unsigned data_lines = 0;
};

// The profile's memory structures of one core: L1 caches, which memories they cache,
// accelerators. Empty: no caches (every access costs the memory's wait states).
struct MemorySystem {
    CacheGeometry icache, dcache;
    std::vector<std::string> cacheable;         // memory names the L1 caches serve
    std::vector<AcceleratorConfig> accelerators;
    bool any() const { return icache.size_bytes || dcache.size_bytes || !accelerators.empty(); }
};

// Hits and misses of one structure, for the profiler.
struct CacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t writebacks = 0;  // dirty lines written back (data cache)
};

// Cycles to fill one line of `line_bytes` from a memory that moves `width_bytes` per
// access with `wait` wait states: one access per beat, each its wait states plus one
// transfer cycle, minus the one cycle the core's own access takes anyway (no
// critical-word-first, no overlap of beats: an assumption, docs/arm.md).
inline unsigned line_fill_cycles(unsigned line_bytes, unsigned width_bytes, unsigned wait) {
    const unsigned width = width_bytes ? width_bytes : 4;
    const unsigned beats = (line_bytes + width - 1) / width;
    return beats * (wait + 1) - 1;
}

class Cache {
public:
    enum Result : uint8_t { kHit, kMiss, kMissDirtyEvict };

    Cache() = default;
    explicit Cache(const CacheGeometry& g) { configure(g); }

    // Geometry must be powers of two; ways is clamped to the number of lines.
    void configure(const CacheGeometry& g) {
        line_shift_ = 0;
        while ((1u << line_shift_) < g.line_bytes) line_shift_++;
        const uint32_t lines = g.size_bytes >> line_shift_;
        ways_ = g.ways == 0 ? 1 : (g.ways > lines ? lines : g.ways);
        sets_ = ways_ ? lines / ways_ : 0;
        set_mask_ = sets_ ? sets_ - 1 : 0;  // sets is a power of two (the profile checks it)
        lines_.assign(size_t(sets_) * ways_, Line{});
        mru_ = kNone;
        stats_ = {};
    }
    bool enabled() const { return sets_ != 0; }
    unsigned line_bytes() const { return 1u << line_shift_; }
    unsigned line_shift() const { return line_shift_; }

    // Looks up the line holding addr; on a miss allocates it (LRU victim). `write` marks
    // the line dirty; `allocate` = false (write-through stores) leaves a miss unallocated.
    Result access(uint32_t addr, bool write = false, bool allocate = true) {
        const uint32_t line = addr >> line_shift_;
        if (line == mru_) {  // the common case: the same line as the last access
            stats_.hits++;
            if (write) mru_line_->dirty = true;
            return kHit;
        }
        Line* set = &lines_[size_t(line & set_mask_) * ways_];
        if (set[0].valid && set[0].line == line) {  // the most recent line of its set
            stats_.hits++;
            if (write) set[0].dirty = true;
            mru_ = line;
            mru_line_ = set;
            return kHit;
        }
        return lookup(line, write, allocate);
    }

    // The host-cheap check the core inlines: a hit on the most recently used line (counted),
    // else false and the caller goes through access().
    bool hit_mru(uint32_t addr, bool write = false) {
        if ((addr >> line_shift_) != mru_) return false;
        stats_.hits++;
        if (write) mru_line_->dirty = true;
        return true;
    }

    // Whether the line holding addr is present, without touching LRU order or counters.
    bool contains(uint32_t addr) const {
        const uint32_t line = addr >> line_shift_;
        const Line* set = &lines_[size_t(line & set_mask_) * ways_];
        for (unsigned w = 0; w < ways_; w++)
            if (set[w].valid && set[w].line == line) return true;
        return false;
    }

    // Address of the dirty line the last kMissDirtyEvict wrote back.
    uint32_t evicted_address() const { return evicted_; }
    const CacheStats& stats() const { return stats_; }

private:
    struct Line {
        uint32_t line = 0;  // address >> line_shift
        bool valid = false;
        bool dirty = false;
    };
    static constexpr uint32_t kNone = 0xffffffffu;  // no line number reaches it (line_shift >= 1)

    // Each set keeps its ways in recency order, most recent first: a hit moves its way to
    // the front, a miss replaces the last (least recently used).
    __attribute__((noinline)) Result lookup(uint32_t line, bool write, bool allocate) {
        Line* set = &lines_[size_t(line & set_mask_) * ways_];
        unsigned w = 0;
        while (w < ways_ && !(set[w].valid && set[w].line == line)) w++;
        Result result = kHit;
        if (w == ways_) {
            stats_.misses++;
            if (!allocate) return kMiss;
            w = ways_ - 1;
            result = kMiss;
            if (set[w].valid && set[w].dirty) {
                stats_.writebacks++;
                evicted_ = set[w].line << line_shift_;
                result = kMissDirtyEvict;
            }
            set[w] = Line{line, true, false};
        } else {
            stats_.hits++;
        }
        const Line found = set[w];
        for (; w > 0; w--) set[w] = set[w - 1];
        set[0] = found;
        if (write) set[0].dirty = true;
        mru_ = line;
        mru_line_ = &set[0];
        return result;
    }

    std::vector<Line> lines_;
    unsigned line_shift_ = 5, ways_ = 0;
    uint32_t sets_ = 0, set_mask_ = 0;
    uint32_t mru_ = kNone;
    uint32_t evicted_ = 0;
    Line* mru_line_ = nullptr;
    CacheStats stats_;
};

// ST's ART accelerator (and any flash accelerator of the same shape): an instruction
// cache of flash lines and a prefetch buffer holding the line after the last one read.
// A fetch served by either is a hit; a miss reads the flash. Data reads have their own
// small cache of lines (no prefetch).
class FlashAccelerator {
public:
    void configure(const AcceleratorConfig& c) {
        config_ = c;
        lines_.configure(CacheGeometry{c.lines * c.line_bytes, c.lines, c.line_bytes});
        data_lines_.configure(CacheGeometry{c.data_lines * c.line_bytes, c.data_lines, c.line_bytes});
        prefetched_ = kNone;
        stats_ = {};
    }
    unsigned line_bytes() const { return config_.line_bytes; }
    bool caches_data() const { return data_lines_.enabled(); }

    // A data read: true when its line is in the data cache (else the line is read and
    // enters it).
    bool read(uint32_t addr) { return data_lines_.access(addr) == Cache::kHit; }
    const CacheStats& data_stats() const { return data_lines_.stats(); }

    // True on a hit (ART cache or prefetch buffer). Either way the prefetcher then reads
    // the next line; it is assumed to complete before sequential code reaches it.
    bool fetch(uint32_t addr) {
        const uint32_t line = addr / config_.line_bytes;
        const bool hit = (lines_.enabled() && lines_.contains(addr)) || line == prefetched_;
        if (lines_.enabled()) lines_.access(addr);  // LRU update, or the line (fetched or prefetched) enters
        if (config_.prefetch) prefetched_ = line + 1;
        (hit ? stats_.hits : stats_.misses)++;
        return hit;
    }
    const CacheStats& stats() const { return stats_; }

private:
    static constexpr uint32_t kNone = 0xffffffffu;
    AcceleratorConfig config_;
    Cache lines_;
    Cache data_lines_;
    uint32_t prefetched_ = kNone;
    CacheStats stats_;
};

}  // namespace vitsim
