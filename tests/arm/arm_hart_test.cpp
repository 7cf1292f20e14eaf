// The Arm hart alone (no SystemC): flags, IT blocks, saturation and Q, GE and SEL, the
// exception model (SVC stacking and EXC_RETURN, a fault with and without a handler,
// lockup), SysTick, semihosting, the Cortex-M4 timing rules, DMI and bus giving the same
// cycles, self-modifying code. The programs are Thumb machine code made by
// arm-none-eabi-as from the assembly shown above each.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "arm/arm_hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCode = 0x00000000, kData = 0x20000000, kSize = 0x10000;
constexpr uint32_t kMain = 0x100, kHandler = 0x800, kHandler2 = 0xa00;

//     movs r0, #1
//     lsls r0, r0, #31        @ r0 = 0x80000000
//     subs r1, r0, #1         @ 0x7fffffff: C (no borrow), V (signed overflow)
//     mrs r2, apsr
//     adds r3, r0, r0         @ 0: Z, C, V
//     mrs r4, apsr
//     movs r5, #5
//     rsbs r5, r5, #0         @ -5: N
//     mrs r6, apsr
//     bkpt 0
const std::vector<uint16_t> kFlags = {0x2001, 0x07c0, 0x1e41, 0xf3ef, 0x8200, 0x1803, 0xf3ef, 0x8400, 0x2505, 0x426d, 0xf3ef, 0x8600, 0xbe00};

//     movs r0, #3
//     cmp r0, #3
//     ite ne
//     movne r1, #1
//     moveq r1, #2
//     itt eq
//     addeq r2, r0, r0        @ 16-bit add inside IT: no flags
//     cmpeq r0, #4            @ compare inside IT: flags change (NE now)
//     it eq
//     moveq r3, #9            @ skipped: the CMP made NE
//     mrs r4, apsr
//     bkpt 0
const std::vector<uint16_t> kIt = {0x2003, 0x2803, 0xbf14, 0x2101, 0x2102, 0xbf04, 0x1802, 0x2804, 0xbf08, 0x2309, 0xf3ef, 0x8400, 0xbe00};

//     movw r0, #300
//     ssat r1, #8, r0         @ 127, Q set
//     mrs r2, apsr
//     movs r3, #0
//     msr apsr_nzcvq, r3      @ Q cleared
//     mrs r4, apsr
//     mvn r5, #0x80000000     @ 0x7fffffff
//     movs r6, #1
//     qadd r7, r5, r6         @ saturates: 0x7fffffff, Q
//     mrs r8, apsr
//     usat r9, #4, r0         @ 15
//     bkpt 0
const std::vector<uint16_t> kSaturation = {0xf240, 0x102c, 0xf300, 0x0107, 0xf3ef, 0x8200, 0x2300, 0xf383, 0x8800, 0xf3ef, 0x8400, 0xf06f, 0x4500, 0x2601, 0xfa86, 0xf785, 0xf3ef, 0x8800, 0xf380, 0x0904, 0xbe00};

//     ldr r0, =0x7f80ff01
//     ldr r1, =0x01800101
//     sadd8 r2, r0, r1        @ lanes 0x02, 0x00, 0x00(-256), 0x80: GE = 1011
//     mrs r3, apsr
//     ldr r4, =0x11223344
//     ldr r5, =0xaabbccdd
//     sel r6, r4, r5          @ bytes from r4 where GE: 0x11bb3344
//     usub16 r7, r1, r0       @ unsigned: 0x0180-0x7f80 < 0, 0x0101-0xff01 < 0: GE 0000
//     mrs r8, apsr
//     bkpt 0
const std::vector<uint16_t> kGeSel = {0x4807, 0x4908, 0xfa80, 0xf201, 0xf3ef, 0x8300, 0x4c06, 0x4d07, 0xfaa4, 0xf685, 0xfad1, 0xf740, 0xf3ef, 0x8800, 0xbe00, 0x0000, 0xff01, 0x7f80, 0x0101, 0x0180, 0x3344, 0x1122, 0xccdd, 0xaabb};

//     movs r0, #5
//     mov r7, sp
//     svc #42
//     mov r8, sp              @ same as before the call
//     bkpt 0
const std::vector<uint16_t> kSvcMain = {0x2005, 0x466f, 0xdf2a, 0x46e8, 0xbe00};

//     ldr r1, [sp]            @ stacked r0
//     adds r1, #100
//     str r1, [sp]            @ the caller sees r0 + 100
//     mov r9, lr              @ EXC_RETURN
//     mrs r10, ipsr
//     ldr r11, [sp, #28]      @ stacked xPSR
//     bx lr
const std::vector<uint16_t> kSvcHandler = {0x9900, 0x3164, 0x9100, 0x46f1, 0xf3ef, 0x8a05, 0xf8dd, 0xb01c, 0x4770};

//     ldr r0, =0xe000ed24     @ SHCSR
//     mov r1, #0x40000        @ USGFAULTENA
//     str r1, [r0]
//     udf #3
//     movs r5, #55            @ the handler returns here
//     bkpt 0
const std::vector<uint16_t> kUdfMain = {0x4803, 0xf44f, 0x2180, 0x6001, 0xde03, 0x2537, 0xbe00, 0x0000, 0xed24, 0xe000};

//     ldr r0, =0xe000ed28     @ CFSR
//     ldr r6, [r0]
//     str r6, [r0]            @ write one to clear
//     ldr r1, [sp, #24]       @ stacked PC
//     adds r1, #2             @ skip the 16-bit UDF
//     str r1, [sp, #24]
//     bx lr
const std::vector<uint16_t> kUsageHandler = {0x4803, 0x6806, 0x6006, 0x9906, 0x3102, 0x9106, 0x4770, 0x0000, 0xed28, 0xe000};

//     movs r0, #1
//     udf #9
const std::vector<uint16_t> kUdf = {0x2001, 0xde09};

//     udf #1
const std::vector<uint16_t> kHardFaultUdf = {0xde01};

//     ldr r0, =0x50000000
//     ldr r1, [r0, #8]
//     bkpt 0
const std::vector<uint16_t> kBadLoad = {0xf04f, 0x40a0, 0x6881, 0xbe00};

//     movs r0, #4             @ SYS_WRITE0
//     adr r1, text
//     bkpt 0xab
//     movs r0, #3             @ SYS_WRITEC
//     adr r1, char
//     bkpt 0xab
//     movs r0, #0x20          @ SYS_EXIT_EXTENDED {ADP_Stopped_ApplicationExit, 7}
//     adr r1, block
//     bkpt 0xab
//     b .
//     .align 2
// block: .word 0x20026, 7
// char: .word 0x21
// text: .asciz "hello from thumb"
const std::vector<uint16_t> kSemihosting = {0x2004, 0xa107, 0xbeab, 0x2003, 0xa104, 0xbeab, 0x2020, 0xa101, 0xbeab, 0xe7fe, 0x0026, 0x0002, 0x0007, 0x0000, 0x0021, 0x0000, 0x6568, 0x6c6c, 0x206f, 0x7266, 0x6d6f, 0x7420, 0x7568, 0x626d, 0x0000, 0xbf00};

//     ldr r0, =0xe000e010
//     movs r1, #99
//     str r1, [r0, #4]        @ RVR: every 100 cycles
//     movs r1, #0
//     str r1, [r0, #8]        @ CVR
//     movs r1, #7
//     str r1, [r0]            @ enable, interrupt, processor clock
//     movs r4, #0
// loop:
//     cmp r4, #5
//     bne loop
//     movs r1, #0
//     str r1, [r0]
//     bkpt 0
const std::vector<uint16_t> kSysTickMain = {0x4806, 0x2163, 0x6041, 0x2100, 0x6081, 0x2107, 0x6001, 0x2400, 0x2c05, 0xd1fd, 0x2100, 0x6001, 0xbe00, 0x0000, 0xe010, 0xe000};

//     adds r4, #1
//     bx lr
const std::vector<uint16_t> kSysTickHandler = {0x3401, 0x4770};

//     ldr r0, =0x20000000
//     ldr r1, [r0]
//     ldr r2, [r0, #4]
//     ldr r3, [r0, #8]
//     adds r4, r1, r2
//     bkpt 0
const std::vector<uint16_t> kTimingLoads = {0xf04f, 0x5000, 0x6801, 0x6842, 0x6883, 0x188c, 0xbe00};

//     movs r0, #10
// loop:
//     subs r0, #1
//     bne loop
//     bkpt 0
const std::vector<uint16_t> kTimingBranch = {0x200a, 0x3801, 0xd1fd, 0xbe00};

//     ldr r0, =target
//     ldr r1, =0x47702007       @ movs r0, #7; bx lr
//     movs r2, #0
// again:
//     bl target
//     cmp r2, #1
//     beq done
//     movs r2, #1
//     ldr r0, =target
//     str r1, [r0]
//     b again
// done:
//     bkpt 0
//     .align 2
// target:
//     movs r0, #1
//     bx lr
const std::vector<uint16_t> kSelfModify = {0x4806, 0x4907, 0x2200, 0xf000, 0xf807, 0x2a01, 0xd003, 0x2201, 0x4802, 0x6001, 0xe7f7, 0xbe00, 0x2001, 0x4770, 0x0118, 0x0000, 0x2007, 0x4770};


// Code memory writable through the bus too: the self-modifying-code test stores to it.
struct TestBus : test::TwoMemoryBus {
    TestBus() : TwoMemoryBus(kCode, kData, kSize) {}
};

struct Machine {
    TestBus bus;
    AccessCounters code_counters, data_counters;
    ArmHart hart;
    std::string console;

    explicit Machine(bool dmi = true, const ArmTiming& timing = {}, unsigned flash_wait = 0) : hart(0, timing, ArmOptions{}, bus) {
        hart.add_memory(MemoryTiming{"flash", kCode, kSize, true, true, 0, 0, flash_wait, 16, false, 0},
                        dmi ? bus.code.data() : nullptr, &code_counters);
        hart.add_memory(MemoryTiming{"sram", kData, kSize, true, true, 0, 0, 0, 16, true, 0},
                        dmi ? bus.data.data() : nullptr, &data_counters);
        hart.set_console([this](std::string_view s) { console += s; });
        word(0, kData + kSize);  // initial SP
        vector(1, kMain);        // reset
    }
    void word(uint32_t addr, uint32_t v) { std::memcpy(bus.at(addr, 4), &v, 4); }
    uint32_t read(uint32_t addr) { uint32_t v; std::memcpy(&v, bus.at(addr, 4), 4); return v; }
    void vector(unsigned n, uint32_t handler) { word(4 * n, handler | 1); }
    void put(uint32_t addr, const std::vector<uint16_t>& code) {
        std::memcpy(bus.at(addr, unsigned(2 * code.size())), code.data(), 2 * code.size());
    }
    StopReason run(const std::vector<uint16_t>& main, uint64_t limit = 100000) {
        put(kMain, main);
        hart.reset(kCode);
        return hart.run(limit);
    }
    // The programs end with BKPT #0: outside semihosting it stops the run.
    bool stopped_at_breakpoint() const { return hart.stop().what.find("BKPT #0") != std::string::npos; }
};

constexpr uint32_t N = 1u << 31, Z = 1u << 30, C = 1u << 29, V = 1u << 28, Q = 1u << 27;

}  // namespace

TEST(ArmHart, ResetReadsStackPointerAndEntryFromTheVectorTable) {
    Machine m;
    m.put(kMain, {0xbe00});
    m.hart.reset(kCode);
    EXPECT_EQ(m.hart.pc(), kMain);
    EXPECT_EQ(m.hart.reg(13), kData + kSize);
    EXPECT_EQ(m.hart.msp(), kData + kSize);
    EXPECT_EQ(m.hart.read_system_register(0xe000ed08), kCode);  // VTOR
}

TEST(ArmHart, Flags) {
    Machine m;
    EXPECT_EQ(m.run(kFlags), StopReason::kTrap);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(1), 0x7fffffffu);
    EXPECT_EQ(m.hart.reg(2) & 0xf0000000u, C | V);
    EXPECT_EQ(m.hart.reg(3), 0u);
    EXPECT_EQ(m.hart.reg(4) & 0xf0000000u, Z | C | V);
    EXPECT_EQ(m.hart.reg(5), uint32_t(-5));
    EXPECT_EQ(m.hart.reg(6) & 0xf0000000u, N);
}

TEST(ArmHart, ItBlocks) {
    Machine m;
    m.run(kIt);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(1), 2u) << "ITE: the else instruction ran";
    EXPECT_EQ(m.hart.reg(2), 6u);
    EXPECT_EQ(m.hart.reg(3), 0u) << "the CMP inside the block changed the condition";
    EXPECT_EQ(m.hart.reg(4) & Z, 0u);
}

TEST(ArmHart, SaturationSetsStickyQ) {
    Machine m;
    m.run(kSaturation);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(1), 127u);
    EXPECT_EQ(m.hart.reg(2) & Q, Q);
    EXPECT_EQ(m.hart.reg(4) & Q, 0u);
    EXPECT_EQ(m.hart.reg(7), 0x7fffffffu);
    EXPECT_EQ(m.hart.reg(8) & Q, Q);
    EXPECT_EQ(m.hart.reg(9), 15u);
    EXPECT_TRUE(m.hart.q_flag());
}

TEST(ArmHart, GeFlagsAndSel) {
    Machine m;
    m.run(kGeSel);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(2), 0x80000002u);
    EXPECT_EQ((m.hart.reg(3) >> 16) & 0xf, 0xbu);
    EXPECT_EQ(m.hart.reg(6), 0x11bb3344u);
    EXPECT_EQ((m.hart.reg(8) >> 16) & 0xf, 0x0u);
}

TEST(ArmHart, SupervisorCallStacksEightWordsAndReturns) {
    Machine m;
    m.put(kHandler, kSvcHandler);
    m.vector(kArmSvc, kHandler);
    m.run(kSvcMain);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(0), 105u) << "the handler changed the stacked r0";
    EXPECT_EQ(m.hart.reg(9), 0xfffffff9u) << "EXC_RETURN: Thread mode, main stack";
    EXPECT_EQ(m.hart.reg(10), 11u) << "IPSR in the handler";
    EXPECT_EQ(m.hart.reg(11) & (1u << 24), 1u << 24) << "stacked xPSR has the T bit";
    EXPECT_EQ(m.hart.reg(8), m.hart.reg(7)) << "SP is back where it was";
    const uint32_t frame = m.hart.reg(7) - 32;
    EXPECT_EQ(m.read(frame + 24), kMain + 6) << "stacked return address: after the SVC";
    EXPECT_EQ(m.hart.xpsr() & 0x1ff, 0u) << "back in Thread mode";
}

TEST(ArmHart, StackingRealignsToEightBytes) {
    Machine m;
    m.word(0, kData + kSize - 4);  // SP 4 bytes off 8-byte alignment
    m.put(kHandler, kSvcHandler);
    m.vector(kArmSvc, kHandler);
    m.run(kSvcMain);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(11) & (1u << 9), 1u << 9) << "xPSR bit 9 records the realignment";
    EXPECT_EQ(m.hart.reg(8), m.hart.reg(7));
    EXPECT_EQ(m.read(m.hart.reg(7) - 36), 105u) << "the frame starts at SP - 36 (r0, as the handler left it)";
}

TEST(ArmHart, FaultWithHandler) {
    Machine m;
    m.put(kHandler, kUsageHandler);
    m.vector(kArmUsageFault, kHandler);
    m.run(kUdfMain);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(6), 1u << 16) << "CFSR.UNDEFINSTR";
    EXPECT_EQ(m.hart.reg(5), 55u) << "the handler skipped the UDF";
    EXPECT_EQ(m.hart.read_system_register(0xe000ed28), 0u) << "cleared by writing one";
}

TEST(ArmHart, FaultWithoutHandlerStopsWithADescription) {
    Machine m;
    EXPECT_EQ(m.run(kUdf), StopReason::kTrap);
    const std::string what = describe(m.hart.stop());
    EXPECT_NE(what.find("UsageFault (UNDEFINSTR)"), std::string::npos) << what;
    EXPECT_NE(what.find("no handler"), std::string::npos) << what;
    EXPECT_NE(what.find("pc 0x00000102"), std::string::npos) << what;
    EXPECT_EQ(m.hart.pc(), kMain + 2);
    EXPECT_EQ(m.hart.read_system_register(0xe000ed2c), 1u << 30) << "escalated: HFSR.FORCED";
}

TEST(ArmHart, BusFaultDescriptionNamesTheAddress) {
    Machine m;
    EXPECT_EQ(m.run(kBadLoad), StopReason::kTrap);
    const std::string what = describe(m.hart.stop());
    EXPECT_NE(what.find("BusFault (PRECISERR)"), std::string::npos) << what;
    EXPECT_NE(what.find("address 0x50000008"), std::string::npos) << what;
    EXPECT_EQ(m.hart.read_system_register(0xe000ed38), 0x50000008u) << "BFAR";
}

TEST(ArmHart, FaultInHardFaultIsALockup) {
    Machine m;
    m.put(kHandler, kHardFaultUdf);
    m.vector(kArmHardFault, kHandler);
    EXPECT_EQ(m.run(kUdf), StopReason::kTrap);
    const std::string what = describe(m.hart.stop());
    EXPECT_NE(what.find("lockup"), std::string::npos) << what;
    EXPECT_NE(what.find("pc 0x00000800"), std::string::npos) << what;
}

TEST(ArmHart, SemihostingConsoleAndExit) {
    Machine m;
    EXPECT_EQ(m.run(kSemihosting), StopReason::kExit);
    EXPECT_EQ(m.hart.exit_status(), 7);
    EXPECT_EQ(m.console, "hello from thumb!");
}

TEST(ArmHart, SysTickInterruptsEveryReloadPlusOneCycles) {
    Machine m;
    m.put(kHandler, kSysTickHandler);
    m.vector(kArmSysTick, kHandler);
    m.run(kSysTickMain);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(4), 5u);
    EXPECT_GE(m.hart.cycles(), 500u);
    EXPECT_LT(m.hart.cycles(), 700u);
}

TEST(ArmHart, CortexM4LoadsPipelineAndBranchesPayTheRefill) {
    Machine m;
    m.run(kTimingLoads);
    ASSERT_TRUE(m.stopped_at_breakpoint());
    // ldr literal (2: followed by a dependent load), then three loads: 1 + 1 + 2 (the last
    // is followed by an ALU op), adds 1, bkpt 1.
    EXPECT_EQ(m.hart.counters().cycles, 2u + 1 + 1 + 2 + 1 + 1);
    EXPECT_EQ(m.hart.counters().instructions, 6u);

    Machine b;
    b.run(kTimingBranch);
    // movs 1; 10 x (subs 1 + bne 1) + 9 taken x P (2); bkpt 1
    EXPECT_EQ(b.hart.counters().cycles, 1u + 20 + 9 * 2 + 1);
    EXPECT_EQ(b.hart.counters().stalls.branch, 18u);
}

TEST(ArmHart, DirectAccessAndBusGiveTheSameResultsAndCycles) {
    Machine dmi(true), bus(false);
    dmi.put(kHandler, kSysTickHandler);
    dmi.vector(kArmSysTick, kHandler);
    bus.put(kHandler, kSysTickHandler);
    bus.vector(kArmSysTick, kHandler);
    dmi.run(kSysTickMain);
    bus.run(kSysTickMain);
    EXPECT_EQ(dmi.hart.cycles(), bus.hart.cycles());
    EXPECT_EQ(dmi.hart.counters().instructions, bus.hart.counters().instructions);
    EXPECT_EQ(dmi.hart.reg(4), bus.hart.reg(4));
}

TEST(ArmHart, FetchWaitStatesWithoutPrefetch) {
    Machine fast(true, ArmTiming{}, 0), slow(true, ArmTiming{}, 3);
    fast.run(kTimingBranch);
    slow.run(kTimingBranch);
    EXPECT_GT(slow.hart.counters().stalls.fetch, 0u);
    EXPECT_EQ(slow.hart.cycles() - fast.hart.cycles(),
              slow.hart.counters().stalls.fetch + (slow.hart.counters().stalls.branch - fast.hart.counters().stalls.branch));
}

TEST(ArmHart, StoresIntoCodeAreSeen) {
    Machine m;
    m.run(kSelfModify);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(0), 7u) << "the second call ran the rewritten instruction";
}

TEST(ArmHart, TouchTrackingMarksLoadsAndStores) {
    Machine m;
    std::vector<uint8_t> touched(kSize / 8);
    m.data_counters.touched = touched.data();
    m.hart.set_touch_tracking(true);
    m.run(kTimingLoads);
    EXPECT_EQ(touched[0], 0xff);  // 0x20000000..7
    EXPECT_EQ(touched[1], 0x0f);  // 0x20000008..b
}

TEST(ArmHart, InvalidatedCodeIsDecodedAgainAndCountsAreKept) {
    Machine m;
    m.run(kTimingBranch);
    const uint64_t before = m.hart.counters().instructions;
    m.put(kMain + 2, {0x3802});  // subs r0, #2 instead of subs r0, #1
    m.hart.invalidate_code_range(kMain + 2, 2);
    EXPECT_EQ(m.hart.counters().instructions, before) << "retired counts survive invalidation";
    m.hart.reset(kCode);
    m.hart.run(100000);
    EXPECT_EQ(m.hart.counters().instructions, before + 1 + 5 * 2 + 1);
    const auto hist = m.hart.pc_histogram();
    ASSERT_FALSE(hist.empty());
    EXPECT_EQ(hist.front().first, kMain);
}

// An IT block that crosses into the next 256-byte page; that page alone is invalidated:
// its instructions are decoded again with the condition of the IT on the page before.
//   0x100: movs r0, #0; movs r1, #0; cmp r0, #0; b 0x2fa
//   0x2fa: itete eq; addeq r1, #1; addne r1, #2; addeq r1, #4 (0x300); addne r1, #8; bkpt 0
TEST(ArmHart, ItBlockEntriesDecodedAgainKeepTheirCondition) {
    Machine m;
    m.put(0x2fa, {0xbf0b, 0x3101, 0x3102, 0x3104, 0x3108, 0xbe00});
    m.run({0x2000, 0x2100, 0x2800, 0xe0f8});
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_EQ(m.hart.reg(1), 5u);
    m.hart.invalidate_code_range(0x302, 2);  // page 0x300 only (from 2 bytes before)
    m.hart.reset(kCode);
    m.hart.run(100000);
    EXPECT_EQ(m.hart.reg(1), 5u) << "the then/else instructions on the invalidated page are still conditional";
}

// WFI with SysTick running sleeps until the tick: the cycles jump to it.
//   ldr r0, =0xe000e010; movs r1, #199; str r1, [r0, #4]; movs r1, #0; str r1, [r0, #8]
//   movs r1, #3; str r1, [r0]; cpsid i; wfi; bkpt 0   (PRIMASK: the tick wakes, is not taken)
TEST(ArmHart, WaitForInterruptSleepsUntilTheSysTick) {
    Machine m;
    EXPECT_EQ(m.run({0x4804, 0x21c7, 0x6041, 0x2100, 0x6081, 0x2103, 0x6001, 0xb672, 0xbf30, 0xbe00, 0xe010, 0xe000}),
              StopReason::kTrap);
    ASSERT_TRUE(m.stopped_at_breakpoint()) << describe(m.hart.stop());
    EXPECT_GE(m.hart.cycles(), 200u);
    EXPECT_LT(m.hart.cycles(), 215u);
    EXPECT_GT(m.hart.counters().sleep_cycles, 180u) << "the energy model charges these at the sleep power";
    EXPECT_LT(m.hart.counters().sleep_cycles, m.hart.cycles());
    EXPECT_EQ(m.hart.read_system_register(0xe000ed04) >> 26 & 1, 1u) << "SysTick pending, masked";
}

TEST(ArmHart, CoreInterfaceResetAndTrap) {
    Machine m;
    Iss& iss = m.hart;
    m.put(kMain, kUdf);
    iss.reset(0x1234, 0x20000100);  // the vector table wins when there is one
    EXPECT_EQ(iss.pc(), kMain);
    EXPECT_EQ(m.hart.reg(13), kData + kSize);
    EXPECT_EQ(iss.run(1000), StopReason::kTrap);
    EXPECT_EQ(iss.trap().cause, unsigned(kArmUsageFault));
    EXPECT_EQ(iss.trap().pc, kMain + 2);
    EXPECT_EQ(iss.trap().insn, 0xde09u);
    EXPECT_NE(iss.describe_trap().find("UsageFault (UNDEFINSTR)"), std::string::npos);

    Machine bare;
    bare.word(4, 0);  // no reset vector: start at the ELF entry on the given stack
    bare.put(0x300, {0xbe00});
    Iss& b = bare.hart;
    b.reset(0x301, 0x20000104);
    EXPECT_EQ(b.pc(), 0x300u);
    EXPECT_EQ(bare.hart.reg(13), 0x20000100u);
    EXPECT_EQ(b.run(1000), StopReason::kTrap);
    EXPECT_EQ(b.trap().cause, unsigned(kArmDebugMonitor));
    EXPECT_EQ(b.hartid(), 0u);
}
