// Hardware loops (custom-3, docs/isa.md): nesting, counts 0 and 1, a loop whose
// last instruction is compressed, zero overhead, and the decoder's encodings.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "iss/decode.h"
#include "iss/hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCode = 0x08000000, kData = 0x20000000;
enum : uint32_t { a0 = 10, a1 = 11, a7 = 17, t0 = 5 };

// A program as a byte stream: 32-bit and 16-bit instructions mixed.
struct Program {
    std::vector<uint8_t> bytes;
    uint32_t here() const { return uint32_t(bytes.size()); }
    void w32(uint32_t w) { for (int i = 0; i < 4; i++) bytes.push_back(uint8_t(w >> 8 * i)); }
    void w16(uint16_t w) { bytes.push_back(uint8_t(w)); bytes.push_back(uint8_t(w >> 8)); }
    void addi(uint32_t rd, uint32_t rs1, int32_t imm) { w32(uint32_t(imm) << 20 | rs1 << 15 | rd << 7 | 0x13); }
    void c_addi(uint32_t rd, int32_t imm) { w16(uint16_t(0x0001 | (imm & 0x1f) << 2 | rd << 7 | ((imm >> 5) & 1) << 12)); }
    // lp.setup L, rs1, last: loop L from the next instruction to `last`, count = rs1.
    void lp_setup(uint32_t loop, uint32_t rs1, uint32_t last) {
        w32(((last - here()) / 2) << 20 | rs1 << 15 | 4u << 12 | loop << 7 | 0x7b);
    }
    // lp.setupi L, count, last (last within 62 bytes).
    void lp_setupi(uint32_t loop, uint32_t count, uint32_t last) {
        w32(count << 20 | ((last - here()) / 2) << 15 | 5u << 12 | loop << 7 | 0x7b);
    }
    void exit_with_a0() { addi(a7, 0, 93); w32(0x00000073); }
};

struct Machine {
    test::TwoMemoryBus bus{kCode, kData, 4096};
    AccessCounters code_counters, data_counters;
    Hart hart;
    explicit Machine(const Program& p) : hart(0, CoreTiming{}, IsaExtensions{}, bus) {
        std::memcpy(bus.code.data(), p.bytes.data(), p.bytes.size());
        hart.add_memory({"flash", kCode, 4096, false, true, 0, 0, 0, 16, true, 0}, bus.code.data(), &code_counters);
        hart.add_memory({"sram", kData, 4096, true, true, 0, 0, 0, 4, true, 0}, bus.data.data(), &data_counters);
        hart.reset(kCode);
    }
    void run() { ASSERT_EQ(hart.run(100000), StopReason::kExit) << hart.describe_trap(); }
};

}  // namespace

TEST(HardwareLoop, NestedLoopsRunCountTimesCountWithoutOverhead) {
    Program p;
    p.addi(t0, 0, 3);
    p.lp_setup(1, t0, 16);        // 4: outer loop, body 8..16
    p.lp_setupi(0, 4, 12);        // 8: inner loop, body 12..12
    p.addi(a0, a0, 1);            // 12: last of the inner loop
    p.addi(a1, a1, 1);            // 16: last of the outer loop
    p.exit_with_a0();
    Machine m(p);
    m.run();
    EXPECT_EQ(m.hart.reg(a0), 12u);
    EXPECT_EQ(m.hart.reg(a1), 3u);
    const HartCounters c = m.hart.counters();
    EXPECT_EQ(c.instructions, 2u + 3u * (1 + 4 + 1) + 2u);
    EXPECT_EQ(c.cycles, c.instructions);  // no jump penalty: zero overhead
}

TEST(HardwareLoop, BothLoopsMayEndAtTheSameInstructionInnerFirst) {
    Program p;
    p.lp_setupi(1, 3, 8);         // 0: outer body 4..8
    p.lp_setupi(0, 4, 8);         // 4: inner body 8..8
    p.addi(a0, a0, 1);            // 8: last of both
    p.exit_with_a0();
    Machine m(p);
    m.run();
    EXPECT_EQ(m.hart.reg(a0), 12u);
}

TEST(HardwareLoop, CountsZeroAndOneRunTheBodyOnce) {
    for (uint32_t count : {0u, 1u}) {
        Program p;
        p.lp_setupi(0, count, 8);   // 0: body 4..8
        p.addi(a0, a0, 1);
        p.addi(a1, a1, 2);          // 8
        p.addi(a0, a0, 100);        // after the loop
        p.exit_with_a0();
        Machine m(p);
        m.run();
        EXPECT_EQ(m.hart.reg(a0), 101u) << "count " << count;
        EXPECT_EQ(m.hart.reg(a1), 2u) << "count " << count;
    }
    Program p;  // count from a register holding 0
    p.lp_setup(0, 0, 4);
    p.addi(a0, a0, 1);
    p.exit_with_a0();
    Machine m(p);
    m.run();
    EXPECT_EQ(m.hart.reg(a0), 1u);
}

TEST(HardwareLoop, LastInstructionMayBeCompressed) {
    Program p;
    p.lp_setupi(0, 5, 8);         // 0: body 4..8
    p.addi(a0, a0, 1);            // 4
    p.c_addi(a1, 2);              // 8: compressed, last
    p.c_addi(a1, 1);              // 10: after the loop, at a halfword
    p.exit_with_a0();
    Machine m(p);
    m.run();
    EXPECT_EQ(m.hart.reg(a0), 5u);
    EXPECT_EQ(m.hart.reg(a1), 11u);
}

TEST(HardwareLoop, EndMovedAwayUnmarksTheOldLastInstruction) {
    Program p;
    p.lp_setupi(0, 3, 4);         // 0: body 4..4
    p.addi(a0, a0, 1);            // 4
    p.lp_setupi(0, 2, 12);        // 8: body 12..12; 4 is no loop end any more
    p.addi(a1, a1, 1);            // 12
    p.lp_setupi(0, 0, 20);        // 16: leave 4 unmarked, jump back to it once
    p.addi(a0, a0, 10);           // 20
    p.exit_with_a0();
    Machine m(p);
    m.run();
    EXPECT_EQ(m.hart.reg(a0), 13u);
    EXPECT_EQ(m.hart.reg(a1), 2u);
}

TEST(HardwareLoop, DecoderEncodings) {
    DecodedInsn d;
    ASSERT_TRUE(decode(0x0040007b | 1u << 7, IsaExtensions{}, d));  // lp.starti 1, 4
    EXPECT_EQ(d.op, Op::LP_STARTI);
    EXPECT_EQ(d.rs2, 1);
    EXPECT_EQ(d.imm, 4);
    ASSERT_TRUE(decode(0xfff0307b, IsaExtensions{}, d));  // lp.counti 0, 4095: unsigned
    EXPECT_EQ(d.imm, 4095);
    EXPECT_FALSE(decode(0x0040007b | 2u << 7, IsaExtensions{}, d));  // loop 2 does not exist
    EXPECT_FALSE(decode(0x0000607b, IsaExtensions{}, d));            // funct3 6 reserved
    IsaExtensions plain;
    plain.xvitsim = false;
    EXPECT_FALSE(decode(0x0040007b, plain, d));
    ASSERT_TRUE(decode(0x0002a07b, IsaExtensions{}, d));  // lp.count 0, t0: reads t0
    EXPECT_EQ(source_registers(d), 1u << t0);
}
