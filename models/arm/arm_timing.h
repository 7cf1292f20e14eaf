// Cycle costs of the Arm ISS's timing classes, and the core's options. Values come from
// the SoC profile; the defaults are the Cortex-M4 single-issue rules of
// /work/shared/reference/cortex-m.md section 1 (Arm Cortex-M4 TRM instruction timing),
// with zero-wait-state memory: wait states come from each memory's MemoryTiming.
#pragma once
#include <cstdint>

namespace vitsim {

struct ArmTiming {
    unsigned branch_refill = 2;     // P: taken branch, BL, BX, any write to PC (1 + P)
    unsigned load = 2;              // LDR/LDRB/LDRH/LDRSB/LDRSH
    unsigned store = 1;             // STR (write buffer: the data phase overlaps)
    unsigned dual = 3;              // LDRD/STRD
    unsigned multiple_base = 1;     // LDM/STM/PUSH/POP: base + number of registers
    unsigned mul = 1;               // MUL, MLA, MLS, SMULxy, SMLAD ... (DSP multiplies)
    unsigned mul_long = 1;          // SMULL, UMULL, SMLAL, UMLAL, UMAAL, SMLALD ...
    unsigned div_min = 2;           // SDIV/UDIV: early termination, div_min..div_max by the
    unsigned div_max = 12;          //   number of quotient bits (see divide_cycles)
    unsigned table_branch = 4;      // TBB/TBH before the refill (about 6 with P = 2)
    unsigned exclusive = 2;         // LDREX/STREX
    unsigned system = 1;            // MRS, MSR, CPS, barriers, hints, SVC, BKPT
    unsigned it = 1;                // IT (the M4 can fold it; not modelled)
    bool pipelined_loads = true;    // a load followed by an independent load/store: 1 cycle
    unsigned agu_stall = 1;         // load/store address from the previous instruction's result
    unsigned exception_entry = 12;  // stacking and vector fetch (M4 interrupt latency)
    unsigned exception_return = 10; // unstacking
    unsigned tail_chain = 6;        // return straight into a pending exception (M4 TRM: 6)

    // Cortex-M7 (cortex-m.md section 2): in-order dual issue instead of the M4 rules above
    // (pipelined_loads and agu_stall as the M4 has them do not apply; agu_stall is then the
    // extra latency of a result used as an address). Class costs above are issue cycles.
    bool dual_issue = false;
    unsigned load_latency_word = 2;  // LDR result to a dependent instruction
    unsigned load_latency_byte = 3;  // LDRB/LDRH/LDRSB/LDRSH
    unsigned mul_latency = 2;        // MUL/MLA/SMLAD...; the accumulator is forwarded (no stall)
    unsigned btac_entries = 0;       // branch target address cache (0: every taken branch
                                     //   pays branch_refill, the mispredict penalty)
};

// Cortex-M7 issue costs and latencies (cortex-m.md section 2: LLVM ARMScheduleM7.td, GCC
// cortex-m7.md); what the sources do not give is marked assumed (docs/arm.md).
inline ArmTiming cortex_m7_timing() {
    ArmTiming t;
    t.dual_issue = true;
    t.branch_refill = 4;     // mispredict / BTAC miss (LLVM: MispredictPenalty 4)
    t.load = 1;              // issue cycles; the result latency is load_latency_*
    t.store = 1;
    t.dual = 2;              // LDRD/STRD issue alone: 2 cycles (assumed)
    t.multiple_base = 1;     // LDM/STM: 1 + N (assumed, as the M4)
    t.mul = 1;
    t.mul_long = 1;
    t.table_branch = 2;      // TBB/TBH: two issue cycles, then the branch
    t.pipelined_loads = false;
    t.agu_stall = 1;         // address operands are needed one stage earlier
    t.btac_entries = 64;     // assumed: the size is not published
    return t;
}

// The profile's "core_timing" keys of an Arm core, one per ArmTiming field (soc/profile.cpp
// reads them all; a profile must give every one, so the numbers live in the profile's data).
struct ArmTimingField {
    const char* key;
    unsigned ArmTiming::*member;
};
inline constexpr ArmTimingField kArmTimingFields[] = {
    {"branch_refill", &ArmTiming::branch_refill},
    {"load", &ArmTiming::load},
    {"store", &ArmTiming::store},
    {"dual", &ArmTiming::dual},
    {"multiple_base", &ArmTiming::multiple_base},
    {"mul", &ArmTiming::mul},
    {"mul_long", &ArmTiming::mul_long},
    {"div_min", &ArmTiming::div_min},
    {"div_max", &ArmTiming::div_max},
    {"table_branch", &ArmTiming::table_branch},
    {"exclusive", &ArmTiming::exclusive},
    {"system", &ArmTiming::system},
    {"it", &ArmTiming::it},
    {"agu_stall", &ArmTiming::agu_stall},
    {"exception_entry", &ArmTiming::exception_entry},
    {"exception_return", &ArmTiming::exception_return},
    {"tail_chain", &ArmTiming::tail_chain},
    {"load_latency_word", &ArmTiming::load_latency_word},
    {"load_latency_byte", &ArmTiming::load_latency_byte},
    {"mul_latency", &ArmTiming::mul_latency},
    {"btac_entries", &ArmTiming::btac_entries},
};
// Boolean keys of "core_timing".
struct ArmTimingFlag {
    const char* key;
    bool ArmTiming::*member;
};
inline constexpr ArmTimingFlag kArmTimingFlags[] = {
    {"pipelined_loads", &ArmTiming::pipelined_loads},
    {"dual_issue", &ArmTiming::dual_issue},
};

struct ArmOptions {
    uint32_t vector_table = 0;      // VTOR at reset: 0, or the profile's flash base
    uint32_t cpuid = 0x410fc241;    // SCB CPUID (Cortex-M4 r0p1; Cortex-M7 r1p2: 0x411fc272)
    unsigned priority_bits = 4;     // implemented priority bits (STM32: 4)
    unsigned irq_count = 64;        // external interrupts the NVIC has (at most 64 here)
    bool semihosting = true;        // BKPT 0xAB is a semihosting call (as qemu -semihosting)
};

}  // namespace vitsim
