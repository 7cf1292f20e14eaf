// One RV32IMC + Zicsr + Xvitsim hart: decode once, execute from a decoded-instruction
// cache, count cycles with a static in-order pipeline model.
// No SystemC here: the hart reaches memories through host pointers (DMI) and
// everything else through HartBus, so it can be tested and reused alone.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "iss/decode.h"
#include "iss/timing.h"

namespace vitsim {

// Result of an access that went through the bus (peripherals, or memories without DMI).
struct BusResult {
    bool ok = true;
    uint32_t latency_cycles = 0;
};

class HartBus {
public:
    virtual ~HartBus() = default;
    virtual BusResult bus_read(uint32_t addr, void* data, unsigned len) = 0;
    virtual BusResult bus_write(uint32_t addr, const void* data, unsigned len) = 0;
    // Untimed read of instruction bytes (decode when the memory has no DMI pointer).
    virtual bool bus_fetch(uint32_t addr, void* data, unsigned len) = 0;
};

enum class StopReason {
    kLimit,  // reached the cycle limit given to run() (quantum end or --max-cycles)
    kExit,   // program exited (SIMCTRL or ecall); see exit_status()
    kTrap,   // trap with no handler (mtvec == 0); see trap()
};

// Exception causes (privileged spec, mcause values).
enum TrapCause : uint32_t {
    kInsnMisaligned = 0,
    kInsnAccessFault = 1,
    kIllegalInsn = 2,
    kBreakpoint = 3,
    kLoadAccessFault = 5,
    kStoreAccessFault = 7,
    kEcallM = 11,
};

struct TrapInfo {
    uint32_t cause = 0;
    uint32_t pc = 0;
    uint32_t insn = 0;  // instruction word (16-bit for compressed)
    uint32_t tval = 0;  // faulting address, or instruction word
};
std::string describe(const TrapInfo& t);  // "illegal instruction 0x0000 at pc 0x..."

// Cycles lost to each hazard, for the report's stall breakdown.
struct StallCounters {
    uint64_t load_use = 0;  // consumer right after a load
    uint64_t branch = 0;    // taken branches and jumps (incl. refetch wait states)
    uint64_t muldiv = 0;    // multi-cycle mul/div/dotp beyond base CPI
    uint64_t memory = 0;    // data wait states (flash, QSPI, peripherals)
    uint64_t fetch = 0;     // instruction fetch wait states (sequential, no prefetch)
};

struct HartCounters {
    uint64_t cycles = 0;
    uint64_t instructions = 0;
    StallCounters stalls;
};

class Hart {
public:
    Hart(uint32_t hartid, const CoreTiming& timing, const IsaExtensions& isa, HartBus& bus);
    ~Hart();

    // A memory the hart may access directly (`host` = nullptr: through the bus).
    void add_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters);
    // The memories overlapping [start, end] withdrew their host pointers (TLM DMI
    // invalidation): from now on the hart reaches them through the bus.
    void revoke_direct_access(uint64_t start, uint64_t end);

    void reset(uint32_t pc);
    // Executes until cycles() >= cycle_limit, an exit, or an unhandled trap.
    StopReason run(uint64_t cycle_limit);

    void request_exit(int status);
    // Marks every byte loads and stores touch in the memories' touch maps (see
    // AccessCounters::touched). Off by default: the executor then has no such code.
    void set_touch_tracking(bool on) { track_touched_ = on; }
    void set_console(std::function<void(std::string_view)> sink) { console_ = std::move(sink); }
    void flush_decode_cache();  // fence.i, loader
    // Another initiator (DMA) wrote [addr, addr + len): forget code decoded there.
    void invalidate_code_range(uint32_t addr, uint32_t len);

    uint32_t pc() const { return pc_; }
    uint32_t reg(unsigned i) const { return x_[i]; }
    void set_reg(unsigned i, uint32_t v) { if (i) x_[i] = v; }
    uint64_t cycles() const { return cycles_; }
    void add_cycles(uint64_t n) { cycles_ += n; }
    HartCounters counters() const;
    int exit_status() const { return exit_status_; }
    const TrapInfo& trap() const { return trap_; }
    uint32_t hartid() const { return hartid_; }

    // Per-PC execution counts of every decoded instruction (hot-spot profile).
    std::vector<std::pair<uint32_t, uint64_t>> pc_histogram() const;

private:
    struct Region;
    struct Fast;
    struct FatalTrap {};  // a trap the program has no handler for: the run stops

    template <bool kTrackTouched> void execute(uint32_t& pc, DecodedInsn*& d);
    Region* region_of(uint32_t addr);
    void select_code_region(uint32_t pc);
    bool fetch_halfword(Region& r, uint32_t addr, uint16_t& out);
    bool decode_at(Region& r, uint32_t pc, DecodedInsn& d);
    void decode_into(DecodedInsn& d, Region& r, uint32_t pc);
    unsigned refetch_cycles(uint32_t pc, uint32_t target);
    void invalidate_code(Region& r, uint32_t offset);

    template <typename T, bool kTrackTouched = false> T load(uint32_t addr);
    template <typename T, bool kTrackTouched = false> void store(uint32_t addr, T value);
    uint32_t load_slow(uint32_t addr, unsigned len);
    void store_slow(uint32_t addr, uint32_t value, unsigned len);

    bool csr_read(uint32_t csr, uint32_t& value) const;
    bool csr_write(uint32_t csr, uint32_t value);
    template <typename F> void csr_op(const DecodedInsn& d, uint32_t operand, bool write, F combine);
    // Architectural counters: the measurement plus an offset that CSR writes set.
    enum Counter : unsigned { kCycleCounter, kInstretCounter, kHpm3Counter, kCounterCount = kHpm3Counter + 5 };
    uint64_t measured_counter(unsigned counter) const;
    uint64_t architectural_counter(unsigned counter) const;
    void write_counter_half(unsigned counter, bool high, uint32_t value);
    uint32_t take_trap(uint32_t cause, uint32_t pc, uint32_t insn, uint32_t tval);
    uint32_t ecall(uint32_t pc, const DecodedInsn& d);
    uint32_t mret();

    // Register file; x_[32] is where writes to x0 land (decode maps rd 0 to 32).
    uint32_t x_[33] = {};
    uint32_t pc_ = 0;
    uint64_t cycles_ = 0;
    uint64_t limit_ = 0;
    StallCounters stalls_;   // dynamic stalls (memory, taken branches, traps)
    HartCounters retired_;   // instructions and static stalls of invalidated cache entries
    bool exit_requested_ = false;
    bool track_touched_ = false;
    int exit_status_ = 0;
    TrapInfo trap_;

    // Machine-mode CSRs.
    uint32_t hartid_;
    uint32_t mstatus_ = 0, mtvec_ = 0, mepc_ = 0, mcause_ = 0, mtval_ = 0, mscratch_ = 0;
    // mcycle, minstret, mhpmcounter3..7 as the firmware sees them: the simulator's
    // measurement plus this offset (modulo 2^64), which writes to the CSRs set. The
    // measurements themselves (counters(), cycles(), simulated time) never change.
    uint64_t counter_offset_[kCounterCount] = {};

    CoreTiming timing_;
    IsaExtensions isa_;
    HartBus& bus_;
    std::function<void(std::string_view)> console_;

    std::vector<std::unique_ptr<Region>> regions_;
    std::unique_ptr<Fast> fast_;   // address-block lookup table for loads and stores
    Region* code_ = nullptr;       // region the pc is in
};

}  // namespace vitsim
