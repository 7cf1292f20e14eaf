// Hart::watch_accesses (the gdb server's watchpoints on cluster workers): every load
// and store to a watched memory reaches IssBus::watched_access with its address,
// width and value, and the run is otherwise the same: cycles, access counters and
// memory contents equal those of an unwatched run, for a memory with a host pointer
// and for shared L1 banks alike.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "iss/hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCode = 0x08000000, kData = 0x20000000, kL1 = 0x10000000;

// lw a0, 0(a1); sw a0, 4(a1); li a7, 93; ecall
const uint32_t kCopyAndExit[] = {0x0005a503, 0x00a5a223, 0x05d00893, 0x00000073};

struct Access {
    uint32_t addr, value;
    unsigned len;
    bool write;
    bool operator==(const Access& o) const { return addr == o.addr && value == o.value && len == o.len && write == o.write; }
};

struct WatchingBus : test::TwoMemoryBus {
    WatchingBus() : TwoMemoryBus(kCode, 0x30000000, 4096) {}
    std::vector<Access> seen;
    void watched_access(uint32_t addr, const void* data, unsigned len, bool write) override {
        uint32_t value = 0;
        std::memcpy(&value, data, len);
        seen.push_back({addr, value, len, write});
    }
};

struct Run {
    uint64_t cycles;
    AccessCounters counters;
    std::vector<uint8_t> memory;
    std::vector<Access> seen;
};

// Copies the word at `base` to `base + 4` in a data memory (2 read and 1 write wait
// states) or in L1 banks, watched or not.
Run copy_word(bool banked, bool watched) {
    WatchingBus bus;
    std::memcpy(bus.code.data(), kCopyAndExit, sizeof kCopyAndExit);
    std::vector<uint8_t> memory(1024, 0);
    const uint32_t word = 0xc0ffee42, base = banked ? kL1 : kData;
    std::memcpy(memory.data(), &word, 4);
    std::vector<uint64_t> claims(16 * BankedMemory::kRing, 0);
    BankedMemory banks{kL1, 15, claims.data()};
    AccessCounters code_counters, counters;
    Hart hart(1, CoreTiming{}, IsaExtensions{}, bus);
    hart.add_memory({"flash", kCode, 4096, false, true, 0, 0, 0, 16, true, 0}, bus.code.data(), &code_counters);
    const MemoryTiming data{banked ? "l1" : "l2", base, 1024, true, false, 2, 1, 0, 4, false, 0};
    if (banked) hart.add_banked_memory(data, memory.data(), &counters, &banks);
    else hart.add_memory(data, memory.data(), &counters);
    hart.reset(kCode);
    hart.set_reg(11, base);
    if (watched) hart.watch_accesses(base + 4, base + 4);  // the whole memory is watched
    EXPECT_EQ(hart.run(1000), StopReason::kExit);
    return {hart.cycles(), counters, memory, bus.seen};
}

void expect_same_run(bool banked) {
    const Run plain = copy_word(banked, false), watched = copy_word(banked, true);
    EXPECT_EQ(watched.cycles, plain.cycles);
    EXPECT_EQ(std::memcmp(watched.counters.reads, plain.counters.reads, sizeof plain.counters.reads), 0);
    EXPECT_EQ(std::memcmp(watched.counters.writes, plain.counters.writes, sizeof plain.counters.writes), 0);
    EXPECT_EQ(watched.memory, plain.memory);
    EXPECT_TRUE(plain.seen.empty());
    const uint32_t base = banked ? kL1 : kData;
    const std::vector<Access> expected = {{base, 0xc0ffee42, 4, false}, {base + 4, 0xc0ffee42, 4, true}};
    EXPECT_EQ(watched.seen, expected);
}

}  // namespace

TEST(Watch, MemoryWithHostPointerReportsEveryAccessSameCycles) { expect_same_run(false); }

TEST(Watch, SharedBanksReportEveryAccessSameCycles) { expect_same_run(true); }
