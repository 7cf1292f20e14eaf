// The instruction cache of a cluster core (Hart::set_instruction_cache, docs/cluster.md):
// one lookup per fetched line, an L0 miss refilled from the shared cache, a shared miss
// from L2; loops that fit stay, loops that do not refill every iteration; the cores
// share the second level; without it nothing changes.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "iss/hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCode = 0x1C000000, kData = 0x10000000;
constexpr unsigned kL0Refill = 2, kRefill = 10;  // gap9's figures (docs/profiles.md)
enum : uint32_t { a0 = 10, a7 = 17, t0 = 5 };

struct Program {
    std::vector<uint8_t> bytes;
    uint32_t here() const { return uint32_t(bytes.size()); }
    void w32(uint32_t w) { for (int i = 0; i < 4; i++) bytes.push_back(uint8_t(w >> 8 * i)); }
    void addi(uint32_t rd, uint32_t rs1, int32_t imm) { w32(uint32_t(imm) << 20 | rs1 << 15 | rd << 7 | 0x13); }
    void nops(unsigned n) { for (unsigned i = 0; i < n; i++) addi(a0, a0, 1); }
    // lp.setup 0, rs1, last: loop 0 over the next instruction up to `last`, rs1 times.
    void lp_setup(uint32_t rs1, uint32_t last) { w32(((last - here()) / 2) << 20 | rs1 << 15 | 4u << 12 | 0x7b); }
    void exit_with_a0() { addi(a7, 0, 93); w32(0x00000073); }
    void align(unsigned n) { while (here() % n) nops(1); }
};

// gap9's geometry: L0 8 sets x 4 ways x 16 B, shared 32 sets x 4 ways x 16 B.
const CacheGeometry kL0{512, 4, 16}, kShared{2048, 4, 16};

struct Machine {
    test::TwoMemoryBus bus{kCode, kData, 16384};
    AccessCounters code_counters, data_counters;
    Hart hart;
    Machine(const Program& p, Cache* shared, bool icache = true) : hart(1, CoreTiming{}, IsaExtensions{}, bus) {
        std::memcpy(bus.code.data(), p.bytes.data(), p.bytes.size());
        // fetch_wait 2 without prefetch: what the icache replaces (it must not count too)
        hart.add_memory({"l2", kCode, 16384, false, true, 0, 0, 2, 16, false, 0}, bus.code.data(), &code_counters);
        hart.add_memory({"l1", kData, 16384, true, false, 0, 0, 0, 4, false, 0}, bus.data.data(), &data_counters);
        if (icache) hart.set_instruction_cache(kL0, shared, kL0Refill, kRefill);
        hart.reset(kCode);
    }
    HartCounters run() {
        EXPECT_EQ(hart.run(10000000), StopReason::kExit) << hart.describe_trap();
        return hart.counters();
    }
};

// A loop of `body_bytes` of addi (16-byte aligned), `count` times.
Program loop_program(unsigned body_bytes, unsigned count) {
    Program p;
    p.addi(t0, 0, int32_t(count));
    p.align(16);
    p.nops(3);
    const uint32_t last = p.here() + 4 + body_bytes - 4;
    p.lp_setup(t0, last);  // at 12: the body starts on a line
    p.nops(body_bytes / 4);
    p.exit_with_a0();
    return p;
}

}  // namespace

TEST(InstructionCache, StraightLineCodeMissesOncePerLineInBothLevels) {
    Program p;
    p.nops(63);
    p.exit_with_a0();  // 65 instructions, 260 bytes: 17 lines
    Cache shared(kShared);
    Machine m(p, &shared);
    const HartCounters c = m.run();
    EXPECT_EQ(c.instructions, 65u);
    EXPECT_EQ(c.caches.icache.misses, 17u);
    EXPECT_EQ(c.caches.icache.hits, 0u);  // one lookup per line, not per instruction
    EXPECT_EQ(shared.stats().misses, 17u);
    EXPECT_EQ(c.stalls.icache, 17u * (kL0Refill + kRefill));
    EXPECT_EQ(c.stalls.fetch, 0u);  // the memory's fetch rule is replaced
    EXPECT_EQ(c.cycles, 65u + 17u * (kL0Refill + kRefill));
}

TEST(InstructionCache, ALoopThatFitsTheL0MissesOnlyOnItsFirstIteration) {
    // 64-byte body: 4 lines, in the L0 after the first iteration
    Cache shared1(kShared), shared2(kShared);
    Machine once(loop_program(64, 1), &shared1), many(loop_program(64, 50), &shared2);
    const HartCounters a = once.run(), b = many.run();
    EXPECT_EQ(b.stalls.icache, a.stalls.icache);
    EXPECT_EQ(b.caches.icache.misses, a.caches.icache.misses);
    EXPECT_EQ(b.caches.icache.hits - a.caches.icache.hits, 49u * 4u);  // each line once per iteration
    EXPECT_EQ(b.cycles - a.cycles, 49u * 16u);  // zero-overhead loop, no stall
}

TEST(InstructionCache, ALoopLargerThanTheL0RefillsFromTheSharedCacheEveryIteration) {
    // 768 bytes: 48 lines over 8 sets of 4 ways (LRU, swept in order: every line misses)
    Cache shared2(kShared), shared3(kShared);
    Machine two(loop_program(768, 2), &shared2), three(loop_program(768, 3), &shared3);
    const HartCounters a = two.run(), b = three.run();
    EXPECT_EQ(b.stalls.icache - a.stalls.icache, 48u * kL0Refill);
    EXPECT_EQ(shared3.stats().misses, shared2.stats().misses);  // the shared cache holds it
}

TEST(InstructionCache, ALoopLargerThanTheSharedCacheRefillsFromL2EveryIteration) {
    // 3 KiB: 192 lines, more than the shared cache's 128
    Cache shared2(kShared), shared3(kShared);
    Machine two(loop_program(3072, 2), &shared2), three(loop_program(3072, 3), &shared3);
    const HartCounters a = two.run(), b = three.run();
    EXPECT_EQ(b.stalls.icache - a.stalls.icache, 192u * (kL0Refill + kRefill));
}

TEST(InstructionCache, TheSecondLevelIsSharedBetweenCores) {
    const Program p = loop_program(64, 1);
    Cache shared(kShared);
    Machine first(p, &shared), second(p, &shared);
    const HartCounters a = first.run(), b = second.run();
    EXPECT_EQ(b.caches.icache.misses, a.caches.icache.misses);  // its own L0 is cold
    EXPECT_EQ(b.stalls.icache, b.caches.icache.misses * kL0Refill);  // every line from the shared cache
    EXPECT_EQ(a.stalls.icache, a.caches.icache.misses * (kL0Refill + kRefill));
}

TEST(InstructionCache, ResetMakesItColdAgainAndRunsRepeatExactly) {
    const Program p = loop_program(768, 4);
    Cache shared1(kShared), shared2(kShared);
    Machine m(p, &shared1);
    const HartCounters a = m.run();
    Machine again(p, &shared2);
    const HartCounters b = again.run();
    EXPECT_EQ(a.cycles, b.cycles);
    EXPECT_EQ(a.stalls.icache, b.stalls.icache);
    m.hart.reset(kCode);
    EXPECT_EQ(m.hart.counters().caches.icache.misses, 0u);
}

TEST(InstructionCache, WithoutItTheCodeMemorysFetchRulesApply) {
    Program p;
    p.nops(63);
    p.exit_with_a0();
    Machine m(p, nullptr, false);
    const HartCounters c = m.run();
    EXPECT_EQ(c.stalls.icache, 0u);
    EXPECT_EQ(c.caches.icache.misses + c.caches.icache.hits, 0u);
    EXPECT_EQ(c.stalls.fetch, 17u * 2u);  // fetch_wait 2 per new line, no prefetch
}
