// The assembled SoC: memory map on the bus, and small hand-encoded RV32I programs
// that exercise the core with every peripheral (exit, markers, UART, timer, DMA,
// trap, cycle limit).
#include <gtest/gtest.h>

#include "sim/profiler.h"
#include "iss/hart.h"
#include "soc/soc.h"
#include "vitsim/platform.h"

namespace vitsim {
namespace {

// ---- RV32I encoders (enough for the programs below) -------------------------
enum Reg : uint32_t { zero = 0, sp = 2, t0 = 5, t1 = 6, t2 = 7, a0 = 10, a1 = 11, a2 = 12, t3 = 28, t4 = 29, t5 = 30 };
uint32_t itype(uint32_t op, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) {
    return (uint32_t(imm & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
uint32_t lui(uint32_t rd, uint32_t upper) { return (upper << 12) | (rd << 7) | 0x37; }
uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return itype(0x13, 0, rd, rs1, imm); }
uint32_t andi(uint32_t rd, uint32_t rs1, int32_t imm) { return itype(0x13, 7, rd, rs1, imm); }
uint32_t lw(uint32_t rd, uint32_t rs1, int32_t imm) { return itype(0x03, 2, rd, rs1, imm); }
uint32_t sw(uint32_t rs2, uint32_t rs1, int32_t imm) {
    return (uint32_t((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (2 << 12) | (uint32_t(imm & 0x1F) << 7) | 0x23;
}
uint32_t bne(uint32_t rs1, uint32_t rs2, int32_t off) {
    return (uint32_t((off >> 12) & 1) << 31) | (uint32_t((off >> 5) & 0x3F) << 25) | (rs2 << 20) | (rs1 << 15) |
           (1 << 12) | (uint32_t((off >> 1) & 0xF) << 8) | (uint32_t((off >> 11) & 1) << 7) | 0x63;
}
uint32_t jal(uint32_t rd, int32_t off) {
    return (uint32_t((off >> 20) & 1) << 31) | (uint32_t((off >> 1) & 0x3FF) << 21) | (uint32_t((off >> 11) & 1) << 20) |
           (uint32_t((off >> 12) & 0xFF) << 12) | (rd << 7) | 0x6F;
}
std::vector<uint32_t> exit_with(uint32_t status) {
    return {lui(t0, VITSIM_SIMCTRL_BASE >> 12), addi(a0, zero, int32_t(status)), sw(a0, t0, VITSIM_SIMCTRL_EXIT),
            jal(zero, 0)};
}

constexpr uint32_t kFlash = 0x08000000, kSram = 0x20000000;

// Loads `program` at the start of flash of an stm32f746-rv32 (RV32 core) and runs it.
struct Board {
    std::string console;
    Soc soc;
    explicit Board(const std::vector<uint32_t>& program, RunOptions options = {})
        : soc("soc", load_profile("stm32f746-rv32"), options, [this](std::string_view s) { console += s; }) {
        EXPECT_TRUE(soc.write_memory(kFlash, program.data(), program.size() * 4));
        soc.reset(kFlash);
    }
};

// Core 0's RISC-V hart, for its registers.
const Hart& hart0(Board& b) { return dynamic_cast<const Hart&>(b.soc.core(0).iss()); }

TEST(Soc, MapsMemoriesAndPeripheralsOnTheBus) {
    Soc soc("soc", load_profile("stm32f746-rv32"), RunOptions{});
    std::vector<std::string> names;
    for (const Bus::Range& r : soc.bus().ranges()) names.push_back(r.name);
    EXPECT_EQ(names, (std::vector<std::string>{"flash", "sram", "qspi", "uart", "simctrl", "timer", "dma"}));
    EXPECT_EQ(soc.bus().find(VITSIM_DMA_BASE + 0x10)->name, "dma");
    EXPECT_EQ(soc.bus().find(0x9000FFFF)->name, "qspi");
    EXPECT_EQ(soc.memory_at(0x2004FFFC, 4), &soc.memory(1));
    EXPECT_EQ(soc.memory_at(0x2004FFFC, 8), nullptr);  // runs past the end of sram
    EXPECT_FALSE(soc.write_memory(0x40000000, "x", 1));
    EXPECT_EQ(soc.core_count(), 1u);
    EXPECT_EQ(clock_period(216000000), sc_core::sc_time(4630, sc_core::SC_PS));
}

TEST(Soc, ProgramExitsThroughSimctrl) {
    Board b(exit_with(42));
    const RunResult r = b.soc.run();
    EXPECT_EQ(r.stop, StopReason::kExit);
    EXPECT_EQ(hart0(b).exit_status(), 42);
    EXPECT_EQ(b.soc.simctrl().exit_status(), 42);
    EXPECT_EQ(hart0(b).reg(sp), kSram + 320 * 1024);  // reset put sp at the top of sram
    EXPECT_GE(r.host_seconds, 0.0);
}

TEST(Soc, MarkersUartAndTimer) {
    std::vector<uint32_t> p = {
        lui(t0, VITSIM_SIMCTRL_BASE >> 12),
        addi(t1, zero, 3),
        sw(t1, t0, VITSIM_SIMCTRL_LAYER_BEGIN),
        addi(t2, zero, 10),
        addi(t2, t2, -1),  // loop: 10 times
        bne(t2, zero, -4),
        sw(t1, t0, VITSIM_SIMCTRL_LAYER_END),
        lui(t3, VITSIM_UART_BASE >> 12),
        addi(t4, zero, 'K'),
        sw(t4, t3, VITSIM_UART_TXDATA),
        lui(t5, VITSIM_TIMER_BASE >> 12),
        lw(a1, t5, VITSIM_TIMER_MTIME_LO),
        lw(a2, t0, VITSIM_SIMCTRL_HARTS),
    };
    for (uint32_t insn : exit_with(9)) p.push_back(insn);
    Board b(p);
    EXPECT_EQ(b.soc.run().stop, StopReason::kExit);
    EXPECT_EQ(hart0(b).exit_status(), 9);
    EXPECT_EQ(b.console, "K");
    EXPECT_EQ(hart0(b).reg(a2), 1u);  // HARTS

    const LayerProfile layers = profile_layers(b.soc.simctrl().events());
    ASSERT_EQ(layers.layers.size(), 1u);
    EXPECT_TRUE(layers.problems.empty());
    const LayerRecord& l = layers.layers[0];
    EXPECT_EQ(l.id, 3u);
    EXPECT_EQ(l.counters.instructions, 22u);  // addi + 10 x (addi, bne) + the END store
    EXPECT_GE(l.counters.cycles, 22u);
    EXPECT_GT(l.counters.stalls.branch, 0u);  // 9 taken branches
    EXPECT_GT(l.end_s, l.begin_s);
    // The timer, read after the layer, counts the reading core's cycles.
    const uint32_t mtime = hart0(b).reg(a1);
    EXPECT_GT(mtime, b.soc.simctrl().events()[1].counters.cycles);
    EXPECT_LE(mtime, hart0(b).cycles());
}

TEST(Soc, FirmwareWaitsForTheDma) {
    std::vector<uint32_t> p = {
        lui(t0, VITSIM_DMA_BASE >> 12),
        lui(t1, kFlash >> 12),
        sw(t1, t0, VITSIM_DMA_SRC),
        lui(t2, kSram >> 12),
        sw(t2, t0, VITSIM_DMA_DST),
        addi(t3, zero, 64),
        sw(t3, t0, VITSIM_DMA_LEN),
        addi(t4, zero, 1),
        sw(t4, t0, VITSIM_DMA_CTRL),
        lw(t5, t0, VITSIM_DMA_STATUS),  // poll: while (STATUS & 1)
        andi(t5, t5, 1),
        bne(t5, zero, -8),
        lw(a2, t0, VITSIM_DMA_STATUS),
    };
    for (uint32_t insn : exit_with(0)) p.push_back(insn);
    Board b(p);
    EXPECT_EQ(b.soc.run().stop, StopReason::kExit);
    uint8_t copied[64], original[64];
    ASSERT_TRUE(b.soc.read_memory(kSram, copied, 64));
    ASSERT_TRUE(b.soc.read_memory(kFlash, original, 64));
    EXPECT_EQ(std::memcmp(copied, original, 64), 0);
    EXPECT_EQ(hart0(b).reg(a2), 0u);  // neither busy nor error
    // The core cannot have finished before the transfer: 16 setup + 64 / 4 cycles, plus flash waits.
    const sc_core::sc_time period = clock_period(216000000);
    EXPECT_GE(hart0(b).cycles() * period.value(), b.soc.dma().done_time().value());
    EXPECT_EQ(b.soc.dma().stats().bytes, 64u);
    EXPECT_EQ(b.soc.memory(1).counters().writes[2], 16u);  // sram: 16 words by the DMA
}

TEST(Soc, IllegalInstructionTraps) {
    Board b({addi(zero, zero, 0), 0x00000000});
    EXPECT_EQ(b.soc.run().stop, StopReason::kTrap);
    EXPECT_EQ(hart0(b).trap().cause, uint32_t{kIllegalInsn});
    EXPECT_EQ(hart0(b).trap().pc, kFlash + 4);
}

TEST(Soc, AccessToAHoleTraps) {
    Board b({lui(t0, 0x30000), lw(t1, t0, 0)});
    EXPECT_EQ(b.soc.run().stop, StopReason::kTrap);
    EXPECT_EQ(hart0(b).trap().cause, uint32_t{kLoadAccessFault});
    EXPECT_EQ(hart0(b).trap().tval, 0x30000000u);
}

TEST(Soc, UnknownPeripheralRegisterTraps) {
    Board b({lui(t0, VITSIM_UART_BASE >> 12), lw(t1, t0, 0x08)});
    EXPECT_EQ(b.soc.run().stop, StopReason::kTrap);
    EXPECT_EQ(hart0(b).trap().cause, uint32_t{kLoadAccessFault});
    EXPECT_EQ(hart0(b).trap().tval, VITSIM_UART_BASE + 0x08);
}

TEST(Soc, StoreToFlashTraps) {
    Board b({lui(t0, kFlash >> 12), sw(t0, t0, 0x100)});
    EXPECT_EQ(b.soc.run().stop, StopReason::kTrap);
    EXPECT_EQ(hart0(b).trap().cause, uint32_t{kStoreAccessFault});
    EXPECT_EQ(b.soc.memory(0).counters().write_bytes(), 0u);
}

TEST(Soc, StopsAtTheCycleLimit) {
    RunOptions options;
    options.max_cycles = 5000;
    options.quantum_us = 1;
    Board b({jal(zero, 0)}, options);
    EXPECT_EQ(b.soc.run().stop, StopReason::kLimit);
    EXPECT_GE(hart0(b).cycles(), 5000u);
    EXPECT_LT(hart0(b).cycles(), 5100u);
}

}  // namespace
}  // namespace vitsim
