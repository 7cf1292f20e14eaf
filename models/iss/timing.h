// Timing and memory descriptions the ISS needs. Values come from the SoC profile
// (soc/profiles/*.json); nothing here is specific to one chip.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vitsim {

// In-order single-issue pipeline parameters, in core clock cycles.
struct CoreTiming {
    unsigned base_cpi = 1;              // every instruction
    unsigned load_use_stall = 1;        // load followed by a consumer of its result
    unsigned branch_taken_penalty = 2;  // taken conditional branch (pipeline refill)
    unsigned jump_penalty = 2;          // jal / jalr
    unsigned mul_latency = 1;           // total cycles of mul/mulh*
    unsigned div_latency = 32;          // total cycles of div/rem
    unsigned dotp_latency = 1;          // total cycles of the custom SIMD dot products
    unsigned csr_latency = 1;           // total cycles of csr* instructions
};

// Which optional ISA parts a core has.
struct IsaExtensions {
    bool m = true;         // multiply/divide
    bool c = true;         // compressed
    bool xvitsim = true;   // custom SIMD dot products, clip, post-increment load/store
};

// Reads and writes of one memory, by access width (1, 2, 4 bytes), all initiators;
// and, while touch tracking is on, one bit per byte that any access touched.
struct AccessCounters {
    uint64_t reads[3] = {0, 0, 0};
    uint64_t writes[3] = {0, 0, 0};
    uint8_t* touched = nullptr;  // owned by the memory; nullptr when not tracking
    uint64_t read_bytes() const { return reads[0] + 2 * reads[1] + 4 * reads[2]; }
    uint64_t write_bytes() const { return writes[0] + 2 * writes[1] + 4 * writes[2]; }
};

inline void mark_touched(uint8_t* bits, uint64_t offset, uint64_t len) {
    if ((offset & 7) + len <= 8) {  // a core's access: one byte of the map
        bits[offset >> 3] |= uint8_t(((1u << len) - 1) << (offset & 7));
        return;
    }
    for (uint64_t a = offset; a < offset + len; a++) bits[a >> 3] |= uint8_t(1u << (a & 7));
}

// Word-interleaved banks shared by several harts and a DMA (a cluster's L1 TCDM,
// models/cluster): one access per bank per cycle. A claim is stored in a ring of
// cycles per bank, so masters that run one after the other in host time (the
// cluster's lock-step windows) still collide exactly when their cycles match.
struct BankedMemory {
    static constexpr unsigned kRing = 256;  // > the cycles masters can be apart
    uint32_t base = 0;
    uint32_t bank_mask = 0;       // banks - 1 (a power of two)
    uint64_t* claims = nullptr;   // [bank * kRing + cycle % kRing] = cycle + 1 when taken
    uint8_t* touched = nullptr;   // [word] = 1 once accessed (the L1 a layer uses); may be null

    bool try_claim(uint32_t addr, uint64_t cycle) {
        uint64_t& slot = claims[size_t((addr - base) >> 2 & bank_mask) * kRing + (cycle & (kRing - 1))];
        if (slot == cycle + 1) return false;
        slot = cycle + 1;
        if (touched) touched[(addr - base) >> 2] = 1;
        return true;
    }
    // The first cycle >= `cycle` the bank of `addr` is free; it is claimed.
    uint64_t claim(uint32_t addr, uint64_t cycle) {
        while (!try_claim(addr, cycle)) cycle++;
        return cycle;
    }
};

// A memory as the core sees it: where it is and what an access costs.
struct MemoryTiming {
    std::string name;
    uint32_t base = 0;
    uint32_t size = 0;
    bool writable = true;          // flash/MRAM: false (only the loader writes them)
    bool executable = true;        // may hold code (gets a decode cache)
    unsigned read_wait = 0;        // extra cycles per data read
    unsigned write_wait = 0;       // extra cycles per data write
    unsigned fetch_wait = 0;       // extra cycles to fetch a line that is not buffered
    unsigned line_bytes = 16;      // fetch line (flash prefetch buffer / ART line)
    bool prefetch = false;         // sequential next line is fetched ahead: no wait
    unsigned cache_bytes = 0;      // instruction cache / ART: a taken backward jump of at
                                   // most this many bytes refetches without wait states
    // Stretches of this memory with their own timing, in address order and covering it
    // (the F746's DTCM, SRAM1 and SRAM2 are one 320 KiB range on three paths). Each is
    // a whole description (name, base, size, waits); empty: one timing for the memory.
    std::vector<MemoryTiming> parts = {};
    uint32_t offset_in_memory = 0;  // of a part: where it starts in its memory (touch map)

    // The timing of the byte at addr (an address inside this memory).
    const MemoryTiming& at(uint32_t addr) const {
        for (const MemoryTiming& p : parts)
            if (addr - p.base < p.size) return p;
        return *this;
    }
};

}  // namespace vitsim
