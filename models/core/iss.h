// What the SystemC core wrapper (core/core.h) needs from an instruction-set
// simulator, whatever its instruction set: the RISC-V hart (iss/hart.h) implements
// it, and so does every other ISA's. No SystemC here: an ISS reaches memories
// through host pointers and everything else through the IssBus its wrapper gives it.
// The wrapper calls across this interface once per quantum, never per instruction,
// so the virtual calls cost nothing measurable.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "iss/timing.h"

namespace vitsim {

// Result of an access that went through the bus (peripherals, or memories without DMI).
struct BusResult {
    bool ok = true;
    uint32_t latency_cycles = 0;
};

// The wrapper's side: accesses that do not go through a host pointer.
class IssBus {
public:
    virtual ~IssBus() = default;
    virtual BusResult bus_read(uint32_t addr, void* data, unsigned len) = 0;
    virtual BusResult bus_write(uint32_t addr, const void* data, unsigned len) = 0;
    // Untimed read of instruction bytes (decode when the memory has no DMI pointer).
    virtual bool bus_fetch(uint32_t addr, void* data, unsigned len) = 0;
    // A load or store to a memory a debugger watches (Hart::watch_accesses), done.
    virtual void watched_access(uint32_t /*addr*/, const void* /*data*/, unsigned /*len*/, bool /*write*/) {}
};

enum class StopReason {
    kLimit,  // reached the cycle limit given to run() (quantum end or --max-cycles)
    kExit,   // program exited (SIMCTRL, or the ISA's exit convention); see exit_status()
    kTrap,   // a fault the program has no handler for; see trap()
};

// The fault that stopped a run. `cause` is the ISA's own code (RISC-V mcause, an
// M-profile exception number); describe_trap() says it in words.
struct TrapInfo {
    uint32_t cause = 0;
    uint32_t pc = 0;
    uint32_t insn = 0;  // instruction word (16-bit for compressed forms)
    uint32_t tval = 0;  // faulting address, or instruction word
};

// Cycles lost to each hazard, for the report's stall breakdown.
struct StallCounters {
    uint64_t load_use = 0;  // consumer right after a load
    uint64_t branch = 0;    // taken branches and jumps (incl. refetch wait states)
    uint64_t muldiv = 0;    // multi-cycle mul/div/dotp beyond base CPI
    uint64_t memory = 0;    // data wait states (flash, QSPI, peripherals)
    uint64_t fetch = 0;     // instruction fetch wait states (sequential, no prefetch)
    uint64_t icache = 0;    // instruction cache refills (cluster cores, Hart::set_instruction_cache)
};

// Hits and misses of the memory structures in front of a core (models/core/cache.h):
// the L1 caches and the flash accelerator (ST ART). All zero for a core without them.
struct CacheCounters {
    struct HitMiss {
        uint64_t hits = 0;
        uint64_t misses = 0;
    };
    HitMiss icache, dcache, flash_accelerator;
    HitMiss flash_accelerator_data;  // data reads served by the accelerator's data lines
    uint64_t dcache_writebacks = 0;  // dirty lines written back
};

// Instruction classes the energy model charges (sim/energy.h), common to every ISA:
// each ISS maps its own timing classes onto these.
enum class InsnClass : uint8_t { kAlu, kMul, kSimd, kDiv, kLoad, kStore, kBranch, kSystem };
inline constexpr unsigned kInsnClassCount = 8;
// The profile's names of the classes ("energy" section), in enum order.
inline constexpr const char* kInsnClassNames[kInsnClassCount] = {"alu", "mul", "simd", "div",
                                                                 "load", "store", "branch", "system"};

struct HartCounters {
    uint64_t cycles = 0;
    uint64_t instructions = 0;
    StallCounters stalls;
    CacheCounters caches;
    // Instructions by class, summed from the decode caches' per-entry execution counts
    // when the counters are read (nothing is added to the executors).
    uint64_t classes[kInsnClassCount] = {};
    // Cycles inside `cycles` the core spent asleep (clock-gated): a WFI, a cluster
    // worker waiting on the event unit or not forked.
    uint64_t sleep_cycles = 0;
};

// Deltas between two snapshots and sums (models/iss/counters.cpp).
HartCounters operator-(const HartCounters& end, const HartCounters& begin);
HartCounters& operator+=(HartCounters& sum, const HartCounters& more);
AccessCounters operator-(const AccessCounters& end, const AccessCounters& begin);

class Iss {
public:
    virtual ~Iss() = default;

    // A memory the core may access directly (`host` = nullptr: through the bus).
    virtual void add_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters) = 0;
    // The memories overlapping [start, end] withdrew their host pointers (TLM DMI
    // invalidation): from now on the core reaches them through the bus.
    virtual void revoke_direct_access(uint64_t start, uint64_t end) = 0;
    // Another initiator (DMA) wrote [addr, addr + len): forget code decoded there.
    virtual void invalidate_code_range(uint32_t addr, uint32_t len) = 0;

    // Reset as the architecture defines it, for a program whose ELF entry is `entry`;
    // `stack_top` (the top of the data memory) is for programs without a start-up
    // that sets the stack pointer.
    virtual void reset(uint32_t entry, uint32_t stack_top) = 0;
    // Executes until cycles() >= cycle_limit, an exit, or an unhandled fault.
    virtual StopReason run(uint64_t cycle_limit) = 0;
    virtual void request_exit(int status) = 0;

    // Marks every byte loads and stores touch in the memories' touch maps.
    virtual void set_touch_tracking(bool on) = 0;
    // Console output of the ISA's host-call convention (ecall write, semihosting).
    virtual void set_console(std::function<void(std::string_view)> sink) = 0;

    virtual uint32_t hartid() const = 0;
    virtual uint32_t pc() const = 0;
    virtual uint64_t cycles() const = 0;
    virtual HartCounters counters() const = 0;
    virtual int exit_status() const = 0;
    virtual const TrapInfo& trap() const = 0;
    virtual std::string describe_trap() const = 0;  // "illegal instruction 0x... at pc 0x..."

    // Debugger access (the gdb server, sim/gdb_server.h), between runs only. Registers
    // are numbered as in the ISA's gdb target description: RISC-V x0..x31, pc (32);
    // Arm r0..r12, sp, lr, pc (15), xpsr (16).
    virtual unsigned debug_register_count() const = 0;
    virtual uint32_t debug_read_register(unsigned i) const = 0;
    virtual void debug_write_register(unsigned i, uint32_t value) = 0;
    // Executes one instruction (or enters an exception handler): what single-step and
    // breakpoints use, so that the executors themselves have no debug checks.
    virtual StopReason debug_step() { return run(cycles() + 1); }
};

}  // namespace vitsim
