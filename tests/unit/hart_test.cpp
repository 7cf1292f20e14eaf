// The hart alone (no SystemC): executes a program from host memory, counts cycles
// with the pipeline model, traps, and runs identically with and without DMI.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "iss/hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCode = 0x08000000, kData = 0x20000000;

// A bus with the two memories behind it (used when the hart has no DMI pointer).
struct TestBus : test::TwoMemoryBus {
    TestBus() : TwoMemoryBus(kCode, kData, 4096, /*code_writable=*/false) {}
};

struct Machine {
    TestBus bus;
    AccessCounters code_counters, data_counters;
    Hart hart;
    explicit Machine(const std::vector<uint32_t>& program, bool dmi = true, CoreTiming timing = {})
        : hart(0, timing, IsaExtensions{}, bus) {
        std::memcpy(bus.code.data(), program.data(), program.size() * 4);
        MemoryTiming flash{"flash", kCode, 4096, false, true, 0, 0, 0, 16, true, 0};
        MemoryTiming sram{"sram", kData, 4096, true, true, bus.data_read_wait, 0, 0, 4, true, 0};
        hart.add_memory(flash, dmi ? bus.code.data() : nullptr, &code_counters);
        hart.add_memory(sram, dmi ? bus.data.data() : nullptr, &data_counters);
        hart.reset(kCode);
    }
};

// li a0,10; li a1,0; loop: addi a1,a1,3; addi a0,a0,-1; bnez a0,loop; lui t0,0x20000;
// sw a1,0(t0); lw t1,0(t0); addi t1,t1,1; lw t2,0(t0); nop; addi t2,t2,1;
// li a7,93; mv a0,t1; ecall
const std::vector<uint32_t> kLoopProgram = {
    0x00a00513, 0x00000593, 0x00358593, 0xfff50513, 0xfe051ce3, 0x200002b7, 0x00b2a023, 0x0002a303,
    0x00130313, 0x0002a383, 0x00000013, 0x00138393, 0x05d00893, 0x00030513, 0x00000073};

}  // namespace

TEST(Hart, RunsAProgramToItsExitCall) {
    Machine m(kLoopProgram);
    EXPECT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.exit_status(), 31);
    EXPECT_EQ(m.hart.reg(7), 31u);  // t2
    const HartCounters c = m.hart.counters();
    EXPECT_EQ(c.instructions, 42u);
    // 42 instructions + 9 taken branches x 2 + one load-use stall (lw t1; addi t1).
    EXPECT_EQ(c.cycles, 42u + 18u + 1u);
    EXPECT_EQ(c.stalls.branch, 18u);
    EXPECT_EQ(c.stalls.load_use, 1u);
    // By class, for the energy model: 28 ALU (li, addi, lui, nop, mv), 10 bnez, sw, 2 lw, ecall.
    EXPECT_EQ(c.classes[size_t(InsnClass::kAlu)], 28u);
    EXPECT_EQ(c.classes[size_t(InsnClass::kBranch)], 10u);
    EXPECT_EQ(c.classes[size_t(InsnClass::kStore)], 1u);
    EXPECT_EQ(c.classes[size_t(InsnClass::kLoad)], 2u);
    EXPECT_EQ(c.classes[size_t(InsnClass::kSystem)], 1u);
    EXPECT_EQ(c.sleep_cycles, 0u);
    EXPECT_EQ(m.data_counters.reads[2], 2u);
    EXPECT_EQ(m.data_counters.writes[2], 1u);
}

TEST(Hart, CyclesDoNotDependOnDmi) {
    Machine with(kLoopProgram, true), without(kLoopProgram, false);
    with.hart.run(1000);
    without.hart.run(1000);
    EXPECT_EQ(with.hart.counters().cycles, without.hart.counters().cycles);
    EXPECT_EQ(with.hart.counters().instructions, without.hart.counters().instructions);
    EXPECT_EQ(without.hart.exit_status(), 31);
}

TEST(Hart, StopsAtTheCycleLimitAndResumes) {
    Machine m(kLoopProgram);
    EXPECT_EQ(m.hart.run(10), StopReason::kLimit);
    EXPECT_GE(m.hart.cycles(), 10u);
    EXPECT_LT(m.hart.cycles(), 14u);
    EXPECT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.counters().cycles, 61u);
}

TEST(Hart, TimingParametersComeFromTheProfile) {
    CoreTiming slow;
    slow.branch_taken_penalty = 5;
    slow.load_use_stall = 3;
    Machine m(kLoopProgram, true, slow);
    m.hart.run(1000);
    EXPECT_EQ(m.hart.counters().cycles, 42u + 9u * 5u + 3u);
}

TEST(Hart, IllegalInstructionWithoutHandlerStops) {
    Machine m({0x00100513, 0xffffffff});  // li a0, 1; .word -1
    EXPECT_EQ(m.hart.run(1000), StopReason::kTrap);
    EXPECT_EQ(m.hart.trap().cause, uint32_t(kIllegalInsn));
    EXPECT_EQ(m.hart.trap().pc, kCode + 4);
    EXPECT_EQ(m.hart.trap().insn, 0xffffffffu);
    EXPECT_EQ(describe(m.hart.trap()), "illegal instruction 0xffffffff at pc 0x08000004");
}

TEST(Hart, UnmappedLoadFaultsWithItsAddress) {
    Machine m({0x300002b7, 0x0042a303});  // lui t0, 0x30000; lw t1, 4(t0)
    EXPECT_EQ(m.hart.run(1000), StopReason::kTrap);
    EXPECT_EQ(m.hart.trap().cause, uint32_t(kLoadAccessFault));
    EXPECT_EQ(m.hart.trap().tval, 0x30000004u);
    EXPECT_EQ(m.hart.trap().pc, kCode + 4);
}

TEST(Hart, StoreToFlashFaults) {
    Machine m({0x080002b7, 0x0062a023});  // lui t0, 0x08000; sw t1, 0(t0)
    EXPECT_EQ(m.hart.run(1000), StopReason::kTrap);
    EXPECT_EQ(m.hart.trap().cause, uint32_t(kStoreAccessFault));
}

TEST(Hart, TrapGoesToTheHandlerWhenMtvecIsSet) {
    // auipc t0, 0; addi t0, t0, 20; csrw mtvec, t0; .word -1; li a0, 7;
    // handler (+20): csrr a0, mcause; csrr a2, mepc; csrw mtvec, zero (so that ecall is
    // the exit proxy again); li a7, 93; ecall
    Machine m({0x00000297, 0x01428293, 0x30529073, 0xffffffff, 0x00700513,
               0x34202573, 0x34102673, 0x30501073, 0x05d00893, 0x00000073});
    EXPECT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.exit_status(), int(kIllegalInsn));  // a0 = mcause
    EXPECT_EQ(m.hart.reg(12), kCode + 12);               // a2 = mepc
}

TEST(Hart, TouchTrackingMarksTheBytesLoadsAndStoresReach) {
    Machine m(kLoopProgram);
    std::vector<uint8_t> bits(4096 / 8);
    m.data_counters.touched = bits.data();
    m.hart.set_touch_tracking(true);
    m.hart.run(1000);
    EXPECT_EQ(bits[0], 0x0f);  // sw/lw at 0x20000000: bytes 0..3
    for (size_t i = 1; i < bits.size(); i++) EXPECT_EQ(bits[i], 0) << i;
}

TEST(Hart, TouchTrackingOffLeavesTheMapAlone) {
    Machine m(kLoopProgram);
    std::vector<uint8_t> bits(4096 / 8);
    m.data_counters.touched = bits.data();
    m.hart.run(1000);
    EXPECT_EQ(bits[0], 0);
}

TEST(Hart, AHandlerThatCannotBeFetchedStopsTheRun) {
    // lui t0, 0x30000; csrw mtvec, t0; .word -1  (the handler is in unmapped memory)
    Machine m({0x300002b7, 0x30529073, 0xffffffff});
    EXPECT_EQ(m.hart.run(1000), StopReason::kTrap);
    EXPECT_EQ(m.hart.trap().cause, uint32_t(kInsnAccessFault));
    EXPECT_EQ(m.hart.trap().pc, 0x30000000u);
}

TEST(Hart, RevokedDirectAccessGoesThroughTheBusWithTheSameCycles) {
    Machine m(kLoopProgram);
    m.hart.revoke_direct_access(kData, kData + 4095);
    EXPECT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.exit_status(), 31);
    EXPECT_EQ(m.hart.counters().cycles, 61u);
    EXPECT_EQ(m.data_counters.writes[2], 0u);  // the bus (the test's memory) counted them, not the hart
}

TEST(Hart, CodeWrittenByAnotherInitiatorIsDecodedAgain) {
    // li a7, 93; loop: addi a0, a0, 1; j loop. Stopped in the loop, the addi is
    // overwritten with ecall as a DMA would: after the invalidation the loop exits.
    Machine m({0x05d00893, 0x00150513, 0xffdff06f});
    EXPECT_EQ(m.hart.run(100), StopReason::kLimit);
    const uint32_t ecall = 0x00000073;
    std::memcpy(&m.bus.code[4], &ecall, 4);
    m.hart.invalidate_code_range(kCode + 4, 4);
    EXPECT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_GT(m.hart.exit_status(), 10);  // a0 counted the loop's iterations
}

// ---- ISA conformance: Xvitsim arithmetic and the M-mode CSRs (docs/isa.md) ----

TEST(Hart, Sdotp2WrapsModulo2To32) {
    // lui a1, 0x80008 (both int16 lanes -32768); li a0, 5; sdotp2 a0, a1, a1;
    // li a7, 93; ecall. 2 x 2^30 = 2^31 does not fit int32: the adder wraps.
    Machine m({0x800085b7, 0x00500513, 0x02b5850b, 0x05d00893, 0x00000073});
    ASSERT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.reg(10), 0x80000005u);
}

namespace {
constexpr uint32_t kMppMask = 3u << 11, kMppMachine = 3u << 11, kMpie = 1u << 7;
}

TEST(Hart, MstatusMppAlwaysReadsMachineMode) {
    // csrr a0, mstatus; csrw mstatus, zero; csrr a1, mstatus; auipc t0, 0;
    // addi t0, t0, 16; csrw mepc, t0; mret; csrr a2, mstatus; li a7, 93; ecall
    Machine m({0x30002573, 0x30001073, 0x300025f3, 0x00000297, 0x01028293, 0x34129073, 0x30200073,
               0x30002673, 0x05d00893, 0x00000073});
    ASSERT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.reg(10) & kMppMask, kMppMachine) << "after reset";
    EXPECT_EQ(m.hart.reg(11) & kMppMask, kMppMachine) << "after writing 0 (WARL: only M exists)";
    EXPECT_EQ(m.hart.reg(12) & kMppMask, kMppMachine) << "after mret (least-privileged mode is M)";
    EXPECT_EQ(m.hart.reg(12) & kMpie, kMpie) << "mret sets MPIE";
}

TEST(Hart, MtvecIsDirectModeOnly) {
    // auipc t0, 0; addi t0, t0, 1 (mode bits 01: vectored); csrw mtvec, t0;
    // csrr a3, mtvec; csrw mtvec, zero; li a7, 93; ecall
    Machine m({0x00000297, 0x00128293, 0x30529073, 0x305026f3, 0x30501073, 0x05d00893, 0x00000073});
    ASSERT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.reg(13), kCode) << "the mode field is WARL: it reads 0 (direct)";
}

namespace {
// li t0, 1000; csrw mcycle, t0; csrr a0, mcycle; csrw mcycleh, t0; csrr a1, mcycleh;
// csrw minstret, t0; csrr a2, minstret; csrw minstreth, t0; csrr a3, minstreth;
// rdcycle a4; rdinstret a5; csrw mhpmcounter3, t0; csrr a6, mhpmcounter3;
// li a7, 93; ecall
const std::vector<uint32_t> kCounterWrites = {
    0x3e800293, 0xb0029073, 0xb0002573, 0xb8029073, 0xb80025f3, 0xb0229073, 0xb0202673, 0xb8229073,
    0xb82026f3, 0xc0002773, 0xc02027f3, 0xb0329073, 0xb0302873, 0x05d00893, 0x00000073};
}  // namespace

TEST(Hart, CounterCsrsAreWritable) {
    Machine m(kCounterWrites);
    ASSERT_EQ(m.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(m.hart.reg(10), 1001u) << "mcycle: 1000, then the 1 cycle of the csrr that reads it";
    EXPECT_EQ(m.hart.reg(11), 1000u) << "mcycleh";
    EXPECT_EQ(m.hart.reg(12), 1000u) << "minstret: the instruction after the write reads the value written";
    EXPECT_EQ(m.hart.reg(13), 1000u) << "minstreth";
    EXPECT_EQ(m.hart.reg(14), 1008u) << "cycle (alias of mcycle): 8 one-cycle instructions after the write";
    EXPECT_EQ(m.hart.reg(15), 1003u) << "instret (alias of minstret): 3 instructions retired after the write";
    EXPECT_EQ(m.hart.reg(16), 1000u) << "mhpmcounter3 (load-use stalls): none since the write";
}

TEST(Hart, CounterWritesDoNotChangeTheSimulatorsMeasurements) {
    // The same program with every counter write aimed at mscratch instead (same
    // instruction count and timing class): the reported counts must be equal.
    std::vector<uint32_t> scratch_writes = kCounterWrites;
    for (uint32_t& w : scratch_writes)
        if ((w & 0x707f) == 0x1073 && (w >> 20) != 0x340) w = (w & 0xfffff) | (0x340u << 20);
    Machine writes(kCounterWrites), reference(scratch_writes);
    ASSERT_EQ(writes.hart.run(1000), StopReason::kExit);
    ASSERT_EQ(reference.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(writes.hart.counters().cycles, reference.hart.counters().cycles);
    EXPECT_EQ(writes.hart.counters().instructions, reference.hart.counters().instructions);
    EXPECT_EQ(writes.hart.counters().instructions, 15u);
    EXPECT_EQ(writes.hart.cycles(), reference.hart.cycles());
}
