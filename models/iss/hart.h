// One RV32IMC + Zicsr + Xvitsim hart: decode once, execute from a decoded-instruction
// cache, count cycles with a static in-order pipeline model.
// No SystemC here: the hart reaches memories through host pointers (DMI) and
// everything else through IssBus, so it can be tested and reused alone. It is the
// RISC-V implementation of the core interface (core/iss.h).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/cache.h"
#include "core/iss.h"
#include "iss/decode.h"
#include "iss/timing.h"

namespace vitsim {

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

std::string describe(const TrapInfo& t);  // "illegal instruction 0x0000 at pc 0x..."

class Hart final : public Iss {
public:
    Hart(uint32_t hartid, const CoreTiming& timing, const IsaExtensions& isa, IssBus& bus);
    ~Hart() override;

    // The core interface (core/iss.h).
    void add_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters) override;
    void revoke_direct_access(uint64_t start, uint64_t end) override;
    // A debugger watches [start, end]: every load and store to the memories holding it
    // is reported to IssBus::watched_access, with the cycles and counters of a direct
    // access (cluster workers' watchpoints; a core wrapper revokes DMI instead).
    void watch_accesses(uint64_t start, uint64_t end);
    void invalidate_code_range(uint32_t addr, uint32_t len) override;
    // pc = entry, sp (x2) = stack_top: crt0 sets its own sp, bare programs get one.
    void reset(uint32_t entry, uint32_t stack_top) override {
        reset(entry);
        set_reg(2, stack_top);
    }
    StopReason run(uint64_t cycle_limit) override;
    void request_exit(int status) override;
    // Off by default: the executor then has no touch-tracking code at all.
    void set_touch_tracking(bool on) override { track_touched_ = on; }
    // Output of the ecall write proxy (fd 1 and 2).
    void set_console(std::function<void(std::string_view)> sink) override { console_ = std::move(sink); }
    uint32_t hartid() const override { return hartid_; }
    uint32_t pc() const override { return pc_; }
    uint64_t cycles() const override { return cycles_; }
    HartCounters counters() const override;
    int exit_status() const override { return exit_status_; }
    const TrapInfo& trap() const override { return trap_; }
    std::string describe_trap() const override { return describe(trap_); }
    // Debugger access (core/iss.h): x0..x31, then pc as register 32.
    unsigned debug_register_count() const override { return 33; }
    uint32_t debug_read_register(unsigned i) const override { return i < 32 ? x_[i] : pc_; }
    void debug_write_register(unsigned i, uint32_t value) override {
        if (i < 32) set_reg(i, value);
        else pc_ = value & ~1u;
    }

    // A memory behind shared banks (a cluster's L1): loads and stores take the slow
    // path, claim their bank in the cycle they complete and stall while it is taken.
    void add_banked_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters, BankedMemory* banks);
    uint64_t bank_conflict_cycles() const { return bank_stalls_; }

    // An instruction cache in front of every fetch (a cluster core's; docs/cluster.md):
    // its own `l0`, backed by `shared` (the cluster's, may be null). A fetch from a line
    // other than the previous instruction's looks the line up (one tag check per line,
    // not per instruction): an L0 miss costs `l0_refill` cycles, a miss in the shared
    // cache `refill` more (from L2), counted as the `icache` stall. It replaces the code
    // memory's fetch rules (fetch_wait, prefetch, cache_bytes). Call before running.
    void set_instruction_cache(const CacheGeometry& l0, Cache* shared, unsigned l0_refill, unsigned refill);

    // RISC-V specifics, for tests and the loader.
    void reset(uint32_t pc);  // registers, CSRs and counters zero, pc set, decode cache flushed
    void flush_decode_cache();  // fence.i, loader
    uint32_t reg(unsigned i) const { return x_[i]; }
    void set_reg(unsigned i, uint32_t v) { if (i) x_[i] = v; }
    void add_cycles(uint64_t n) { cycles_ += n; }
    void set_pc(uint32_t pc) { pc_ = pc; }
    // Ends run() after the current instruction, without an exit: a cluster core that
    // went to sleep inside a bus access (models/cluster) stops there.
    void yield() { limit_ = 0; }

    // Per-PC execution counts of every decoded instruction (hot-spot profile).
    std::vector<std::pair<uint32_t, uint64_t>> pc_histogram() const;

private:
    struct Region;
    struct Fast;
    struct FatalTrap {};  // a trap the program has no handler for: the run stops

    template <bool kTrackTouched, bool kICache> void execute(uint32_t& pc, DecodedInsn*& d);
    unsigned fetch_line(uint32_t pc);
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
    uint32_t load_watched(Region& r, uint32_t addr, unsigned len);
    void charge_watched(Region& r, uint32_t addr, unsigned len, unsigned wait);
    void store_watched(Region& r, uint32_t addr, uint32_t value, unsigned len);
    void bank_stall(BankedMemory& banks, uint32_t addr, unsigned wait);
    void store_slow(uint32_t addr, uint32_t value, unsigned len);

    bool csr_read(uint32_t csr, uint32_t& value) const;
    bool csr_write(uint32_t csr, uint32_t value);
    template <typename F> void csr_op(const DecodedInsn& d, uint32_t operand, bool write, F combine);
    // Architectural counters: the measurement plus an offset that CSR writes set.
    enum Counter : unsigned { kCycleCounter, kInstretCounter, kHpm3Counter, kCounterCount = kHpm3Counter + 5 };
    uint64_t measured_counter(unsigned counter) const;
    uint64_t architectural_counter(unsigned counter) const;
    void write_counter_half(unsigned counter, bool high, uint32_t value);
    // Hardware loops (docs/isa.md, custom-3). The last instruction of an active loop
    // is marked in its decoded entry (Op::kLoopEnd), so only it pays for the check.
    void loop_start(unsigned loop, uint32_t addr) { loop_start_[loop] = addr; }
    void loop_end(unsigned loop, uint32_t addr);
    void loop_count(unsigned loop, uint32_t count) { loop_count_[loop] = count; }
    void loop_setup(unsigned loop, uint32_t start, uint32_t end, uint32_t count);
    void mark_loop_end(uint32_t addr, unsigned loop, bool on);
    void mark_if_loop_end(DecodedInsn& d, uint32_t pc);
    uint32_t loop_next_pc(const DecodedInsn& d, uint32_t npc);
    uint32_t take_trap(uint32_t cause, uint32_t pc, uint32_t insn, uint32_t tval);
    uint32_t ecall(uint32_t pc, const DecodedInsn& d);
    uint32_t mret();

    // Register file; x_[32] is where writes to x0 land (decode maps rd 0 to 32).
    uint32_t x_[33] = {};
    uint32_t pc_ = 0;
    uint64_t cycles_ = 0;
    uint64_t limit_ = 0;
    StallCounters stalls_;   // dynamic stalls (memory, taken branches, traps)
    uint64_t bank_stalls_ = 0;  // part of stalls_.memory: lost bank arbitrations
    HartCounters retired_;   // instructions and static stalls of invalidated cache entries
    bool exit_requested_ = false;
    bool track_touched_ = false;
    int exit_status_ = 0;
    // Instruction cache (set_instruction_cache); off: no executor code for it.
    bool icache_on_ = false;
    CacheGeometry icache_geometry_;
    Cache icache_;
    Cache* shared_icache_ = nullptr;
    unsigned icache_l0_refill_ = 0, icache_refill_ = 0, fetch_shift_ = 4;
    uint32_t fetch_line_ = ~0u;  // the line the last instruction came from (pc >> fetch_shift_)
    TrapInfo trap_;
    // Hardware loops 0 (inner) and 1: start, last instruction, remaining iterations.
    uint32_t loop_start_[2] = {}, loop_end_[2] = {}, loop_count_[2] = {};
    bool loop_end_set_[2] = {};

    // Machine-mode CSRs.
    uint32_t hartid_;
    uint32_t mstatus_ = 0, mtvec_ = 0, mepc_ = 0, mcause_ = 0, mtval_ = 0, mscratch_ = 0;
    // mcycle, minstret, mhpmcounter3..7 as the firmware sees them: the simulator's
    // measurement plus this offset (modulo 2^64), which writes to the CSRs set. The
    // measurements themselves (counters(), cycles(), simulated time) never change.
    uint64_t counter_offset_[kCounterCount] = {};

    CoreTiming timing_;
    IsaExtensions isa_;
    IssBus& bus_;
    std::function<void(std::string_view)> console_;

    std::vector<std::unique_ptr<Region>> regions_;
    std::unique_ptr<Fast> fast_;   // address-block lookup table for loads and stores
    Region* code_ = nullptr;       // region the pc is in
};

}  // namespace vitsim
