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
};

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
};
// Boolean keys of "core_timing".
struct ArmTimingFlag {
    const char* key;
    bool ArmTiming::*member;
};
inline constexpr ArmTimingFlag kArmTimingFlags[] = {
    {"pipelined_loads", &ArmTiming::pipelined_loads},
};

struct ArmOptions {
    uint32_t vector_table = 0;      // VTOR at reset: 0, or the profile's flash base
    uint32_t cpuid = 0x410fc241;    // SCB CPUID (Cortex-M4 r0p1; Cortex-M7 r1p2: 0x411fc272)
    unsigned priority_bits = 4;     // implemented priority bits (STM32: 4)
    unsigned irq_count = 64;        // external interrupts the NVIC has (at most 64 here)
    bool semihosting = true;        // BKPT 0xAB is a semihosting call (as qemu -semihosting)
};

}  // namespace vitsim
