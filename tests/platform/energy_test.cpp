// The energy model (soc/energy.h) and its profile data: the parts add up, each event
// costs its profile energy, a sleeping core costs less than a spinning one, and broken
// "energy" sections give one error naming the file and the field.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "soc/energy.h"
#include "soc/profile.h"
#include "profile_json.h"

namespace vitsim {
namespace {

using nlohmann::json;

using test::error_of;
using test::shipped;

// A core that ran `cycles`, `asleep` of them asleep, executing one ALU instruction per
// awake cycle.
HartCounters core_running(uint64_t cycles, uint64_t asleep) {
    HartCounters c;
    c.cycles = cycles;
    c.sleep_cycles = asleep;
    c.instructions = cycles - asleep;
    c.classes[size_t(InsnClass::kAlu)] = cycles - asleep;
    return c;
}

TEST(Energy, EveryCalibratedProfileHasTheModel) {
    for (const char* name : {"gap9", "stm32f746", "stm32h743", "stm32l476", "stm32f427"}) {
        SCOPED_TRACE(name);
        const Profile p = load_profile(name);
        EXPECT_TRUE(p.energy.present);
        EXPECT_EQ(p.energy.memories.size(), p.memories.size());
        EXPECT_GT(p.energy.core.active_mw, p.energy.core.sleep_mw);
        EXPECT_FALSE(p.energy.domains.empty());
    }
    const std::vector<DomainEnergy>& gap9 = load_profile("gap9").energy.domains;
    ASSERT_EQ(gap9.size(), 2u);
    EXPECT_EQ(gap9[0].name, "cluster");
    EXPECT_EQ(gap9[1].name, "soc");
}

TEST(Energy, PartsAddUpAndEachEventCostsItsProfileEnergy) {
    const Profile p = load_profile("gap9");
    SocActivity a;
    a.cores = {core_running(1000, 0), core_running(1000, 400)};
    a.cores[0].classes[size_t(InsnClass::kLoad)] = 10;  // 10 loads more on the FC
    a.cluster_dma_bytes = 256;
    std::vector<AccessCounters> accesses(p.memories.size());
    accesses[0].reads[2] = 100;  // 100 word reads of l2
    const EnergyBreakdown e = estimate_energy(p.energy, p.clock_hz, a, accesses, 1000);
    int64_t sum = e.core + e.cluster + e.caches + e.dma + e.background + e.leakage;
    for (int64_t m : e.memories) sum += m;
    EXPECT_EQ(sum, e.total());
    const EnergyParams& q = p.energy;
    EXPECT_EQ(e.core, std::llround((1000 * q.core.insn_pj[0] + 10 * q.core.insn_pj[size_t(InsnClass::kLoad)]) * 1000));
    EXPECT_EQ(e.cluster, std::llround(600 * q.cluster_core.insn_pj[0] * 1000));
    EXPECT_EQ(e.memories[0], std::llround(100 * q.memories[0].read_pj[2] * 1000));
    EXPECT_EQ(e.dma, std::llround(256 * q.cluster_dma_pj_per_byte * 1000));
    double leakage_mw = 0;
    for (const DomainEnergy& d : q.domains) leakage_mw += d.leakage_mw;
    EXPECT_EQ(e.leakage, std::llround(leakage_mw * 1000 / double(p.clock_hz) * 1e12));
    int64_t by_domain = 0;
    for (int64_t d : e.domains) by_domain += d;
    EXPECT_NEAR(double(by_domain), double(e.total()), 4.0);  // each domain rounded on its own
    // gap9's domains by name: "cluster" holds the worker's instructions, "soc" the FC's.
    const EnergyBreakdown fc_only = estimate_energy(q, p.clock_hz, SocActivity{{a.cores[0]}, 0, 0}, accesses, 1000);
    EXPECT_GT(e.domains[0], fc_only.domains[0]);
    EXPECT_EQ(e.domains[1], fc_only.domains[1]);
}

TEST(Energy, ASleepingCoreCostsLessThanASpinningOne) {
    for (const char* name : {"gap9", "stm32h743", "stm32l476"}) {
        SCOPED_TRACE(name);
        const Profile p = load_profile(name);
        SocActivity spinning, sleeping;
        spinning.cores = {core_running(100000, 0)};
        sleeping.cores = {core_running(100000, 99000)};  // a WFI: asleep after 1000 cycles
        const std::vector<AccessCounters> none(p.memories.size());
        const EnergyBreakdown spin = estimate_energy(p.energy, p.clock_hz, spinning, none, 100000);
        const EnergyBreakdown sleep = estimate_energy(p.energy, p.clock_hz, sleeping, none, 100000);
        EXPECT_LT(sleep.background, spin.background);
        EXPECT_LT(sleep.total(), spin.total());
        EXPECT_EQ(sleep.leakage, spin.leakage) << "leakage does not depend on activity";
    }
}

TEST(Energy, AWorkerThatWasNotForkedIsGatedForTheWholeStretch) {
    const Profile p = load_profile("gap9");
    SocActivity idle, busy;
    idle.cores = {core_running(1000, 0), HartCounters{}};  // the worker's counters did not move
    busy.cores = {core_running(1000, 0), core_running(1000, 0)};
    const std::vector<AccessCounters> none(p.memories.size());
    const double gated = double(estimate_energy(p.energy, p.clock_hz, idle, none, 1000).background);
    const double clocked = double(estimate_energy(p.energy, p.clock_hz, busy, none, 1000).background);
    const double cycle_fj = 1e12 / double(p.clock_hz);  // fJ per mW-cycle
    EXPECT_NEAR(clocked - gated, 1000 * cycle_fj * (p.energy.cluster_core.active_mw - p.energy.cluster_core.sleep_mw), 2.0);
}

// The matrix engine's part (gap9): each event at its table's energy, clocked only
// while busy, nothing but the domain's leakage while gated; it belongs to the cluster.
TEST(Energy, TheEnginePartIsItsEventsAndItsBusyTime) {
    const Profile p = load_profile("gap9");
    const EngineEnergy& t = p.energy.engine;
    ASSERT_TRUE(t.present);
    EXPECT_EQ(t.gated_mw, 0.0) << "an idle engine is clock-gated: only the cluster domain's leakage";
    SocActivity a;
    a.cores = {core_running(1000, 0)};
    a.engine = {400, 32 * 128 * 44, 32 * 44, 9000, 17};  // busy cycles, MACs, outputs, port bytes, registers
    const std::vector<AccessCounters> none(p.memories.size());
    const EnergyBreakdown e = estimate_energy(p.energy, p.clock_hz, a, none, 1000);
    EXPECT_TRUE(e.has_engine);
    const double events_pj = t.mac_pj * 32 * 128 * 44 + t.output_pj * 32 * 44 + t.port_byte_pj * 9000 + t.register_pj * 17;
    const double busy_fj = t.active_mw * 400 / double(p.clock_hz) * 1e12;
    EXPECT_EQ(e.engine, std::llround(events_pj * 1000 + busy_fj));
    int64_t sum = e.core + e.cluster + e.caches + e.dma + e.background + e.leakage + e.engine;
    for (int64_t m : e.memories) sum += m;
    EXPECT_EQ(sum, e.total());
    SocActivity idle;
    idle.cores = a.cores;
    const EnergyBreakdown gated = estimate_energy(p.energy, p.clock_hz, idle, none, 1000);
    EXPECT_EQ(gated.engine, 0);
    EXPECT_EQ(gated.leakage, e.leakage);
    EXPECT_NEAR(double(e.domains[0] - gated.domains[0]), double(e.engine), 2.0);  // "cluster"
    EXPECT_EQ(e.domains[1], gated.domains[1]);
}

TEST(Energy, ProfileErrorsNameTheField) {
    json doc = shipped("gap9");
    doc["energy"].erase("engine");
    EXPECT_EQ(error_of(doc), "bad.json: energy.engine: missing required field");
    doc = shipped("gap9");
    doc["energy"]["engine"].erase("mac_pj");
    EXPECT_EQ(error_of(doc), "bad.json: energy.engine.mac_pj: missing required field");
    doc = shipped("gap9");
    doc["cluster"].erase("engine");
    EXPECT_EQ(error_of(doc), "bad.json: energy.engine: unknown field");
    doc = shipped("stm32f746");
    doc["energy"]["memories"].erase("qspi");
    EXPECT_EQ(error_of(doc), "bad.json: energy.memories.qspi: missing: every memory needs its energies");
    doc = shipped("stm32f746");
    doc["energy"]["memories"]["sdram"] = doc["energy"]["memories"]["sram"];
    EXPECT_EQ(error_of(doc), "bad.json: energy.memories.sdram: unknown field");
    doc = shipped("stm32f746");
    doc["energy"]["core"]["insn_pj"]["alu"] = -1;
    EXPECT_EQ(error_of(doc), "bad.json: energy.core.insn_pj.alu: expected a number from 0 to 1000000.0, got -1");
    doc = shipped("stm32f746");
    doc["energy"]["core"]["insn_pj"].erase("simd");
    EXPECT_EQ(error_of(doc), "bad.json: energy.core.insn_pj.simd: missing required field");
    doc = shipped("stm32f746");
    doc["energy"]["memories"]["sram"]["read_pj"] = json::array({1, 2});
    EXPECT_EQ(error_of(doc), "bad.json: energy.memories.sram.read_pj: expected [byte, halfword, word] energies in pJ");
    doc = shipped("gap9");
    doc["energy"].erase("cluster_core");
    EXPECT_EQ(error_of(doc), "bad.json: energy.cluster_core: missing required field");
    doc = shipped("gap9");
    doc["energy"]["domains"] = json::object();
    EXPECT_EQ(error_of(doc), "bad.json: energy.domains: expected at least one power domain");
}

TEST(Energy, AProfileWithoutTheSectionHasNoModel) {
    json doc = shipped("stm32f746");
    doc.erase("energy");
    const Profile p = parse_profile(doc.dump(), "plain.json");
    EXPECT_FALSE(p.energy.present);
    const EnergyBreakdown e = estimate_energy(p.energy, p.clock_hz, SocActivity{}, {}, 1000);
    EXPECT_EQ(e.total(), 0);
}

}  // namespace
}  // namespace vitsim
