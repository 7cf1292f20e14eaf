// Shared L1 banks (BankedMemory, Hart::add_banked_memory): two harts that load from
// one bank in one cycle collide (the second waits a cycle); different banks or
// different cycles do not. This is what the cluster's lock-step relies on: claims
// are by absolute cycle, so the harts may run one after the other in host time.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "iss/hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCode = 0x08000000, kL1 = 0x10000000;

// lw a0, 0(a1); li a7, 93; ecall
const uint32_t kLoadAndExit[] = {0x0005a503, 0x05d00893, 0x00000073};

struct Core {
    test::TwoMemoryBus bus{kCode, 0x20000000, 4096};
    AccessCounters code_counters;
    Hart hart;
    Core(BankedMemory& banks, std::vector<uint8_t>& l1, AccessCounters& l1_counters, uint32_t address)
        : hart(0, CoreTiming{}, IsaExtensions{}, bus) {
        std::memcpy(bus.code.data(), kLoadAndExit, sizeof kLoadAndExit);
        hart.add_memory({"flash", kCode, 4096, false, true, 0, 0, 0, 16, true, 0}, bus.code.data(), &code_counters);
        hart.add_banked_memory({"l1", kL1, uint32_t(l1.size()), true, false, 0, 0, 0, 4, false, 0}, l1.data(),
                               &l1_counters, &banks);
        hart.reset(kCode);
        hart.set_reg(11, address);
    }
};

struct Banks {
    std::vector<uint64_t> claims = std::vector<uint64_t>(16 * BankedMemory::kRing, 0);
    std::vector<uint8_t> l1 = std::vector<uint8_t>(1024, 0);
    AccessCounters counters;
    BankedMemory banks{kL1, 15, claims.data()};
};

uint64_t cycles_of_two(uint32_t first_address, uint32_t second_address, uint64_t second_delay, uint64_t* second) {
    Banks b;
    Core a(b.banks, b.l1, b.counters, first_address), c(b.banks, b.l1, b.counters, second_address);
    c.hart.add_cycles(second_delay);
    EXPECT_EQ(a.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(c.hart.run(1000), StopReason::kExit);
    EXPECT_EQ(b.counters.reads[2], 2u);
    *second = c.hart.cycles() - second_delay;
    EXPECT_EQ(c.hart.bank_conflict_cycles(), *second - a.hart.cycles());
    return a.hart.cycles();
}

}  // namespace

TEST(Banks, TwoCoresOneBankOneCycleOneWaits) {
    uint64_t second = 0;
    const uint64_t first = cycles_of_two(kL1, kL1 + 16 * 4, 0, &second);  // 16 words apart: bank 0 twice
    EXPECT_EQ(second, first + 1);
}

TEST(Banks, DifferentBanksDoNotWait) {
    uint64_t second = 0;
    const uint64_t first = cycles_of_two(kL1, kL1 + 4, 0, &second);
    EXPECT_EQ(second, first);
}

TEST(Banks, OneBankDifferentCyclesDoNotWait) {
    uint64_t second = 0;
    const uint64_t first = cycles_of_two(kL1, kL1, 1, &second);
    EXPECT_EQ(second, first);
}

TEST(Banks, ClaimsQueueUpInOrder) {
    Banks b;
    EXPECT_EQ(b.banks.claim(kL1, 10), 10u);
    EXPECT_EQ(b.banks.claim(kL1 + 64, 10), 11u);  // same bank
    EXPECT_EQ(b.banks.claim(kL1 + 128, 10), 12u);
    EXPECT_TRUE(b.banks.try_claim(kL1 + 4, 10));   // another bank
    EXPECT_FALSE(b.banks.try_claim(kL1, 11));
}
