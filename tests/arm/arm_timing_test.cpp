// Cortex-M7 dual issue and the memory structures (L1 caches, the ST ART accelerator, the
// BTAC): exact cycle counts, each derived in the comment from the rule the test names
// (docs/arm.md, "Cortex-M7 timing" and "Caches and accelerators"). The programs are
// Thumb machine code made by arm-none-eabi-as from the assembly in their names' comments.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "arm/arm_hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCode = 0x00000000, kData = 0x20000000, kSize = 0x10000, kMain = 0x100;

const std::vector<uint16_t> kPairAlu = {0x2001, 0x2102, 0x1842, 0x2304, 0xbe00};
const std::vector<uint16_t> kDspThenAlu = {0xfa2f, 0xf182, 0x2001, 0xbe00};
const std::vector<uint16_t> kAluThenDsp = {0x2001, 0xfa2f, 0xf182, 0xbe00};
const std::vector<uint16_t> kTwoMuls = {0xfb01, 0xf002, 0xfb04, 0xf305, 0xbe00};
const std::vector<uint16_t> kMulAlu = {0xfb01, 0xf002, 0x1963, 0xbe00};
const std::vector<uint16_t> kTwoStores = {0x6008, 0x604a, 0xbe00};
const std::vector<uint16_t> kStoreLoad = {0x6008, 0x688b, 0xbe00};
const std::vector<uint16_t> kThreeLoads = {0x680a, 0x684b, 0x688c, 0xbe00};
const std::vector<uint16_t> kLdrdAlu = {0xe9d1, 0x2300, 0x2001, 0xbe00};
const std::vector<uint16_t> kLdrAlu = {0x680a, 0x2001, 0xbe00};
const std::vector<uint16_t> kDivAlu = {0xfbb1, 0xf0f2, 0x2301, 0xbe00};
const std::vector<uint16_t> kTwoShifts = {0x0088, 0x009a, 0xbe00};
const std::vector<uint16_t> kShiftAlu = {0x0088, 0x191a, 0xbe00};
const std::vector<uint16_t> kLoadUseWord = {0x680a, 0x1c53, 0xbe00};
const std::vector<uint16_t> kLoadUseByte = {0x780a, 0x1c53, 0xbe00};
const std::vector<uint16_t> kAddressDependent = {0x3104, 0x680a, 0xbe00};
const std::vector<uint16_t> kAddressIndependent = {0x3304, 0x680a, 0xbe00};
const std::vector<uint16_t> kMacAccumulate = {0xfb22, 0x0003, 0xfb24, 0x0005, 0xbe00};
const std::vector<uint16_t> kMacOperand = {0xfb22, 0x0003, 0xfb20, 0x1105, 0xbe00};
const std::vector<uint16_t> kMulUse = {0xfb02, 0xf003, 0x1c41, 0xbe00};
const std::vector<uint16_t> kStraight20 = {0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0x2001, 0xbe00};
const std::vector<uint16_t> kDataCache = {0x680a, 0x684b, 0x640a, 0x680c, 0xbe00};
const std::vector<uint16_t> kFarJump = {0xe01e, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x2001, 0xbe00};
//     movs r0, #10
// loop:
//     subs r0, #1
//     bne loop
//     bkpt 0
const std::vector<uint16_t> kLoop10 = {0x200a, 0x3801, 0xd1fd, 0xbe00};

// A core with a code memory ("flash", at 0) and a data memory ("sram", at 0x20000000),
// zero wait states unless a test says otherwise, and the memory system under test.
struct Rig {
    test::TwoMemoryBus bus{kCode, kData, kSize};
    AccessCounters code_counters, data_counters;
    ArmHart hart;
    uint64_t start = 0;

    explicit Rig(const ArmTiming& timing, const MemorySystem& system = {}, bool dmi = true,
                 MemoryTiming flash = {"flash", kCode, kSize, true, true, 0, 0, 0, 16, true, 0},
                 MemoryTiming sram = {"sram", kData, kSize, true, true, 0, 0, 0, 16, true, 0})
        : hart(0, timing, ArmOptions{}, bus) {
        hart.configure_memory_system(system);
        hart.add_memory(flash, dmi ? bus.code.data() : nullptr, &code_counters);
        hart.add_memory(sram, dmi ? bus.data.data() : nullptr, &data_counters);
        const uint32_t vectors[2] = {kData + kSize, kMain | 1};
        std::memcpy(bus.at(0, 8), vectors, 8);
    }
    // Runs `code` from kMain with r1 = the data memory (r0, r2.. = 0) until its BKPT and
    // returns the cycles it took (the reset's vector reads excluded).
    uint64_t run(const std::vector<uint16_t>& code, uint32_t r1 = kData) {
        std::memcpy(bus.at(kMain, unsigned(2 * code.size())), code.data(), 2 * code.size());
        hart.reset(kCode);
        hart.set_reg(1, r1);
        start = hart.cycles();
        hart.run(100000);
        EXPECT_NE(hart.stop().what.find("BKPT #0"), std::string::npos) << describe(hart.stop());
        return hart.cycles() - start;
    }
};

uint64_t m7_cycles(const std::vector<uint16_t>& code) {
    Rig rig(cortex_m7_timing());
    return rig.run(code);
}

}  // namespace

// ---- Dual issue (cortex-m.md section 2). BKPT issues alone: 1 cycle at the end of each.

TEST(CortexM7, IndependentAluInstructionsPair) {
    // [movs r0 | movs r1] [adds r2, r0, r1 | movs r3] [bkpt]: the adds waits for the next
    // cycle (no forwarding within a pair) and takes movs r3 with it.
    EXPECT_EQ(m7_cycles(kPairAlu), 3u);
}

TEST(CortexM7, DspOnlyInTheOlderSlot) {
    EXPECT_EQ(m7_cycles(kDspThenAlu), 2u);  // [sxtb16 | movs] [bkpt]
    EXPECT_EQ(m7_cycles(kAluThenDsp), 3u);  // [movs] [sxtb16] [bkpt]: DSP cannot be slot 1
}

TEST(CortexM7, OneMacUnit) {
    EXPECT_EQ(m7_cycles(kTwoMuls), 3u);  // [mul] [mul] [bkpt]
    EXPECT_EQ(m7_cycles(kMulAlu), 2u);   // [mul | adds] [bkpt]
}

TEST(CortexM7, OneStorePortTwoLoadPorts) {
    EXPECT_EQ(m7_cycles(kTwoStores), 3u);   // [str] [str] [bkpt]
    EXPECT_EQ(m7_cycles(kStoreLoad), 2u);   // [str | ldr] [bkpt]
    EXPECT_EQ(m7_cycles(kThreeLoads), 3u);  // [ldr | ldr] [ldr] [bkpt]: loads pipeline in pairs
}

TEST(CortexM7, OneShifterSlot) {
    EXPECT_EQ(m7_cycles(kTwoShifts), 3u);  // [lsls] [lsls] [bkpt]
    EXPECT_EQ(m7_cycles(kShiftAlu), 2u);   // [lsls | adds] [bkpt]
}

TEST(CortexM7, LdrdAndDivideIssueAlone) {
    EXPECT_EQ(m7_cycles(kLdrAlu), 2u);   // [ldr | movs] [bkpt]
    EXPECT_EQ(m7_cycles(kLdrdAlu), 4u);  // [ldrd: 2 cycles] [movs] [bkpt]
    // udiv 0 / 1: div_min (2), no quotient bits; then [movs] [bkpt]
    Rig rig(cortex_m7_timing());
    std::memcpy(rig.bus.at(kMain, 8), kDivAlu.data(), 8);
    EXPECT_EQ(rig.run(kDivAlu, 0), 4u);
}

TEST(CortexM7, LoadUseLatencyWordTwoByteThree) {
    EXPECT_EQ(m7_cycles(kLoadUseWord), 4u);  // [ldr] +1 (latency 2) [adds] [bkpt]
    EXPECT_EQ(m7_cycles(kLoadUseByte), 5u);  // [ldrb] +2 (latency 3) [adds] [bkpt]
}

TEST(CortexM7, AddressOperandsAreNeededOneStageEarlier) {
    EXPECT_EQ(m7_cycles(kAddressIndependent), 2u);  // [adds r3 | ldr [r1]] [bkpt]
    EXPECT_EQ(m7_cycles(kAddressDependent), 4u);    // [adds r1] +1 (latency 1 + agu 1) [ldr [r1]] [bkpt]
}

TEST(CortexM7, MacAccumulatorIsForwarded) {
    EXPECT_EQ(m7_cycles(kMacAccumulate), 3u);  // [smlad r0] [smlad r0 (accumulator r0): no stall] [bkpt]
    EXPECT_EQ(m7_cycles(kMacOperand), 4u);     // [smlad r0] +1 (latency 2) [smlad r1, r0 ...] [bkpt]
    EXPECT_EQ(m7_cycles(kMulUse), 4u);         // [mul r0] +1 [adds r1, r0] [bkpt]
}

TEST(CortexM7, BtacHitMakesTakenBranchesSingleCycle) {
    // [movs] then 10 x [subs | bne]; the first taken bne misses the BTAC (+4, the
    // mispredict penalty), the 8 others hit; the final not-taken bne was predicted taken
    // by its entry (+4); [bkpt].
    Rig with(cortex_m7_timing());
    EXPECT_EQ(with.run(kLoop10), 1u + 10 + 4 + 4 + 1);
    // Without a BTAC every taken branch pays the penalty, a not-taken one nothing.
    ArmTiming no_btac = cortex_m7_timing();
    no_btac.btac_entries = 0;
    Rig without(no_btac);
    EXPECT_EQ(without.run(kLoop10), 1u + 10 + 9 * 4 + 1);
}

// ---- Caches and the flash accelerator. M4 timing (1 cycle per movs) keeps the sums short.

MemorySystem icache_only() {
    MemorySystem s;
    s.icache = {1024, 2, 32};
    s.cacheable = {"flash"};
    return s;
}

TEST(Caches, InstructionCacheMissesThenHits) {
    // Flash with 7 wait states, 32-byte accesses: a line refill costs 1 x (7 + 1) - 1 = 7.
    const MemoryTiming flash{"flash", kCode, kSize, false, true, 0, 0, 7, 32, false, 0};
    for (bool dmi : {true, false}) {
        Rig rig(ArmTiming{}, icache_only(), dmi, flash);
        // 20 movs + bkpt (0x100..0x129): two lines, both missed the first time ...
        EXPECT_EQ(rig.run(kStraight20), 21u + 2 * 7) << "dmi " << dmi;
        EXPECT_EQ(rig.hart.counters().caches.icache.misses, 2u);
        // ... and both hit the second time.
        EXPECT_EQ(rig.run(kStraight20), 21u) << "dmi " << dmi;
        EXPECT_EQ(rig.hart.counters().caches.icache.hits, 2u);
        EXPECT_EQ(rig.hart.counters().caches.icache.misses, 2u);
    }
}

TEST(Caches, DataCacheHitMissAndWriteBack) {
    // SRAM at 0x20000000 is write-back write-allocate (default memory map). 64-byte direct
    // mapped cache of 32-byte lines: [r1] and [r1 + 64] share a set. SRAM: read 2, write 3
    // wait states, 8 bytes per access: a fill is 4 x (2 + 1) - 1 = 11, a write-back
    // 4 x (3 + 1) - 1 + 1 = 16.
    MemorySystem s;
    s.dcache = {64, 1, 32};
    s.cacheable = {"sram"};
    const MemoryTiming flash{"flash", kCode, kSize, true, true, 0, 0, 0, 16, true, 0};
    const MemoryTiming sram{"sram", kData, kSize, true, true, 2, 3, 0, 8, false, 0};
    for (bool dmi : {true, false}) {
        Rig rig(ArmTiming{}, s, dmi, flash, sram);
        // M4 costs: ldr 1 (pipelined), ldr 1 (pipelined), str 1, ldr 2, bkpt 1 = 6;
        // ldr [r1] misses (11), ldr [r1+4] hits, str [r1+64] misses and allocates (11),
        // ldr [r1] misses and writes the dirty line back (11 + 16).
        EXPECT_EQ(rig.run(kDataCache), 6u + 11 + 11 + 11 + 16) << "dmi " << dmi;
        const CacheCounters c = rig.hart.counters().caches;
        EXPECT_EQ(c.dcache.hits, 1u);
        EXPECT_EQ(c.dcache.misses, 3u);
        EXPECT_EQ(c.dcache_writebacks, 1u);
    }
}

MemorySystem art_on_flash() {
    MemorySystem s;
    s.accelerators.push_back(AcceleratorConfig{"flash", "art", 8, 16, true});
    return s;
}

TEST(Caches, ArtPrefetchHitsOnSequentialCode) {
    // Flash with 5 wait states, 16-byte lines (ART line = flash access): a miss costs 5.
    // 0x100..0x129 spans three lines: the first misses, the prefetcher has the next two.
    const MemoryTiming flash{"flash", kCode, kSize, false, true, 0, 0, 5, 16, false, 0};
    Rig rig(ArmTiming{}, art_on_flash(), true, flash);
    EXPECT_EQ(rig.run(kStraight20), 21u + 5);
    EXPECT_EQ(rig.hart.counters().caches.flash_accelerator.misses, 1u);
    EXPECT_EQ(rig.hart.counters().caches.flash_accelerator.hits, 2u);
}

TEST(Caches, ArtMissesOnAJump) {
    // b 0x140 (1 + refill 2): the line at 0x100 misses (5), the target line was neither
    // cached nor prefetched (0x110 was): another miss (5); movs 1, bkpt 1.
    const MemoryTiming flash{"flash", kCode, kSize, false, true, 0, 0, 5, 16, false, 0};
    for (bool dmi : {true, false}) {
        Rig rig(ArmTiming{}, art_on_flash(), dmi, flash);
        EXPECT_EQ(rig.run(kFarJump), 1u + 2 + 5 + 5 + 1 + 1) << "dmi " << dmi;
        EXPECT_EQ(rig.hart.counters().caches.flash_accelerator.misses, 2u);
        EXPECT_EQ(rig.hart.counters().caches.flash_accelerator.hits, 0u);
    }
}

// ldr r2, [r1]; ldr r3, [r1, #4]; ldr r4, [r1, #16]; ldr r4, [r1]; bkpt 0: four loads of
// flash data, in two 16-byte lines.
const std::vector<uint16_t> kFlashLoads = {0x680a, 0x684b, 0x690c, 0x680c, 0xbe00};

TEST(Caches, ArtDataLinesServeRepeatedFlashReads) {
    // Flash: 5 read wait states, 16-byte accesses. Without data lines every load pays 5;
    // with them the first load of each line misses (5) and the other two hit (0).
    const MemoryTiming flash{"flash", kCode, kSize, false, true, 5, 0, 5, 16, false, 0};
    MemorySystem with_data = art_on_flash();
    with_data.accelerators[0].data_lines = 8;
    Rig plain(ArmTiming{}, art_on_flash(), true, flash), lines(ArmTiming{}, with_data, true, flash);
    const uint64_t with_lines = lines.run(kFlashLoads, kCode + 0x400);
    EXPECT_EQ(plain.run(kFlashLoads, kCode + 0x400) - with_lines, 2u * 5);
    EXPECT_EQ(lines.hart.counters().caches.flash_accelerator_data.misses, 2u);
    EXPECT_EQ(lines.hart.counters().caches.flash_accelerator_data.hits, 2u);
    const CacheCounters::HitMiss none = plain.hart.counters().caches.flash_accelerator_data;
    EXPECT_EQ(none.hits + none.misses, 0u);
    // Through the bus (no direct access) the data lines answer the same way.
    Rig bus(ArmTiming{}, with_data, false, flash);
    EXPECT_EQ(bus.run(kFlashLoads, kCode + 0x400), with_lines);
}

TEST(Caches, ArtDataLinesAreLeastRecentlyUsed) {
    FlashAccelerator art;
    art.configure(AcceleratorConfig{"flash", "art", 4, 16, true, 2});
    EXPECT_FALSE(art.read(0x00));
    EXPECT_TRUE(art.read(0x0c));   // same 16-byte line
    EXPECT_FALSE(art.read(0x10));
    EXPECT_TRUE(art.read(0x00));   // 0x00 is now the most recent
    EXPECT_FALSE(art.read(0x20));  // evicts 0x10
    EXPECT_TRUE(art.read(0x00));
    EXPECT_FALSE(art.read(0x10));
    EXPECT_FALSE(art.fetch(0x00)) << "instruction lines are separate from data lines";
}

TEST(Caches, InstructionCacheRefillsThroughTheArt) {
    // L1 lines of 32 bytes over ART lines of 16 (flash: 5 wait states, 16-byte accesses).
    // A refill reads its ART lines: a miss costs 5 + 1, a hit 1 transfer cycle; less 1.
    // L1 0x100: ART 0x100 misses (6), 0x110 was prefetched (1): 6. L1 0x120: ART 0x120
    // and 0x130 both prefetched (1 + 1): 1. 20 movs + bkpt: 21.
    MemorySystem s = icache_only();
    s.accelerators.push_back(AcceleratorConfig{"flash", "art", 8, 16, true});
    const MemoryTiming flash{"flash", kCode, kSize, false, true, 0, 0, 5, 16, false, 0};
    Rig rig(ArmTiming{}, s, true, flash);
    EXPECT_EQ(rig.run(kStraight20), 21u + 6 + 1);
    EXPECT_EQ(rig.hart.counters().caches.icache.misses, 2u);
    EXPECT_EQ(rig.hart.counters().caches.flash_accelerator.misses, 1u);
    EXPECT_EQ(rig.hart.counters().caches.flash_accelerator.hits, 3u);
}

TEST(Caches, CortexM7WithCachesGivesTheSameCyclesWithAndWithoutDirectAccess) {
    MemorySystem s;
    s.icache = {1024, 2, 32};
    s.dcache = {64, 1, 32};
    s.cacheable = {"flash", "sram"};
    const MemoryTiming flash{"flash", kCode, kSize, true, true, 1, 0, 7, 32, false, 0};
    const MemoryTiming sram{"sram", kData, kSize, true, true, 2, 3, 0, 8, false, 0};
    Rig dmi(cortex_m7_timing(), s, true, flash, sram), bus(cortex_m7_timing(), s, false, flash, sram);
    for (const auto* program : {&kDataCache, &kLoop10, &kMacOperand}) {
        EXPECT_EQ(dmi.run(*program), bus.run(*program));
        EXPECT_EQ(dmi.hart.counters().caches.dcache.misses, bus.hart.counters().caches.dcache.misses);
        EXPECT_EQ(dmi.hart.counters().caches.icache.misses, bus.hart.counters().caches.icache.misses);
    }
}

TEST(Caches, LruReplacementAndCounters) {
    Cache c(CacheGeometry{128, 2, 32});  // 2 sets of 2 ways
    EXPECT_EQ(c.access(0x000), Cache::kMiss);
    EXPECT_EQ(c.access(0x040), Cache::kMiss);  // same set, second way
    EXPECT_EQ(c.access(0x000), Cache::kHit);   // 0x000 most recent
    EXPECT_EQ(c.access(0x080), Cache::kMiss);  // evicts 0x040, the least recent
    EXPECT_TRUE(c.contains(0x000));
    EXPECT_FALSE(c.contains(0x040));
    EXPECT_EQ(c.access(0x0a0, true), Cache::kMiss);  // set 1
    EXPECT_EQ(c.access(0x0e0), Cache::kMiss);
    EXPECT_EQ(c.access(0x120), Cache::kMissDirtyEvict);  // 0x0a0 was dirty
    EXPECT_EQ(c.evicted_address(), 0x0a0u);
    EXPECT_EQ(c.stats().hits, 1u);
    EXPECT_EQ(c.stats().misses, 6u);
}
