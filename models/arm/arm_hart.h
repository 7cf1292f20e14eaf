// One Armv7E-M core (Thumb-2 + DSP, no FPU) with the M-profile exception model: decode
// once, execute from a decoded-instruction cache, count cycles with a static timing
// model (ArmTiming). The sibling of Hart (models/iss/hart.h): it implements the same
// core interface, Iss (models/core/iss.h). No SystemC here.
#pragma once
#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "arm/arm_decode.h"
#include "arm/arm_timing.h"
#include "core/cache.h"
#include "core/iss.h"

namespace vitsim {

// Exception numbers (ARMv7-M B1.5.2).
enum ArmException : unsigned {
    kArmReset = 1, kArmNmi = 2, kArmHardFault = 3, kArmMemManage = 4, kArmBusFault = 5,
    kArmUsageFault = 6, kArmSvc = 11, kArmDebugMonitor = 12, kArmPendSv = 14, kArmSysTick = 15,
    kArmIrq0 = 16,
};

// Why a run stopped with StopReason::kTrap: a fault no handler could take (vector 0,
// lockup), or a breakpoint outside semihosting.
struct ArmStop {
    std::string what;        // "UsageFault (UNDEFINSTR)", "lockup: HardFault in HardFault" ...
    uint32_t pc = 0;
    uint32_t insn = 0;
    uint32_t address = 0;    // faulting data address, when there is one
    bool has_address = false;
};
std::string describe(const ArmStop& s);  // one line: what, pc, instruction, address

class ArmHart final : public Iss {
public:
    ArmHart(uint32_t hartid, const ArmTiming& timing, const ArmOptions& options, IssBus& bus);
    ~ArmHart() override;

    // The core interface (core/iss.h).
    void add_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters) override;
    void revoke_direct_access(uint64_t start, uint64_t end) override;
    void invalidate_code_range(uint32_t addr, uint32_t len) override;
    // Reset from the vector table at ArmOptions::vector_table; an image without one there
    // (word 1 zero or unreadable) starts at `entry` with SP = `stack_top`.
    void reset(uint32_t entry, uint32_t stack_top) override;
    // Executes until cycles() >= cycle_limit, an exit, or an unrecoverable fault.
    StopReason run(uint64_t cycle_limit) override;
    void request_exit(int status) override;
    void set_touch_tracking(bool on) override { track_touched_ = on; }
    // Semihosting console output.
    void set_console(std::function<void(std::string_view)> sink) override { console_ = std::move(sink); }
    uint32_t hartid() const override { return hartid_; }
    uint32_t pc() const override { return pc_; }
    uint64_t cycles() const override { return cycles_; }
    HartCounters counters() const override;
    int exit_status() const override { return exit_status_; }
    // cause = the exception number (3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault,
    // 12 for a breakpoint), tval = the faulting address.
    const TrapInfo& trap() const override { return trap_; }
    std::string describe_trap() const override { return describe(stop_); }
    // Debugger access (core/iss.h): r0..r15 (r15 = pc), then xpsr as register 16.
    unsigned debug_register_count() const override { return 17; }
    uint32_t debug_read_register(unsigned i) const override;
    void debug_write_register(unsigned i, uint32_t value) override;
    // One instruction even on a dual-issue core (see arm_hart.cpp).
    StopReason debug_step() override;

    // Arm specifics, for tests and a loader.
    // The L1 caches, which memories they serve, and the flash accelerators (the profile's
    // "caches"). Call before add_memory or after: memories added earlier are attached too.
    void configure_memory_system(const MemorySystem& system);
    // Power-on reset: VTOR = vector_table, SP = word 0, PC = word 1 of the table.
    void reset(uint32_t vector_table);
    // What semihosting SYS_GET_CMDLINE returns (qemu: the kernel's file name and -append).
    void set_command_line(std::string line) { command_line_ = std::move(line); }
    void flush_decode_cache();
    // An external interrupt line (NVIC input irq) became pending.
    void set_irq_pending(unsigned irq);

    uint32_t reg(unsigned i) const { return x_[i]; }
    void set_reg(unsigned i, uint32_t v) { x_[i] = v; }
    uint32_t xpsr() const;     // N Z C V Q, GE, exception number (the T bit set)
    uint32_t apsr_ge() const { return ge_; }
    bool q_flag() const { return q_ != 0; }
    uint32_t control() const { return control_; }
    uint32_t msp() const;
    uint32_t psp() const;
    void add_cycles(uint64_t n) { cycles_ += n; }
    const ArmStop& stop() const { return stop_; }
    // Per-PC execution counts of every decoded instruction (hot-spot profile).
    std::vector<std::pair<uint32_t, uint64_t>> pc_histogram() const;
    // System register at a PPB address (0xE000E000..), as the program would read it.
    uint32_t read_system_register(uint32_t addr) { return ppb_read(addr); }

private:
    struct Region;
    struct Fast;
    struct Fault;         // a fault raised inside an instruction (thrown)
    struct Stopped {};    // the run stops (lockup, no handler): stop_ says why

    template <bool kTrackTouched, bool kDetailed> void execute(uint32_t& pc, ArmDecoded*& d);
    void attach_memory_structures(Region& r);
    unsigned dual_issue_hazard(ArmDecoded& d, Region& r, uint32_t pc);
    unsigned fetch_line(Region& r, uint32_t addr);
    unsigned fetch_at(uint32_t addr);
    unsigned instruction_refill(Region& r, uint32_t addr);
    unsigned data_cache_cost(Region& r, uint32_t addr, bool write);
    unsigned accelerated_read_cost(Region& r, uint32_t addr);
    unsigned taken_branch(uint32_t pc, uint32_t target, const ArmDecoded& d);
    unsigned not_taken_branch(uint32_t pc);
    Region* region_of(uint32_t addr);
    Region* repoint_block(uint32_t addr, unsigned len, bool write);
    Region* select_code_region(uint32_t pc);
    bool fetch_halfword(Region& r, uint32_t addr, uint16_t& out);
    bool read_vector_word(uint32_t addr, uint32_t& out);  // untimed, from a memory
    bool decode_at(Region& r, uint32_t pc, bool in_it, ArmDecoded& d);
    void decode_into(ArmDecoded& d, Region& r, uint32_t pc, bool in_it, unsigned cond);
    void decode_it_block(Region& r, uint32_t it_pc, uint32_t it_bits);
    bool enclosing_it_condition(Region& r, uint32_t pc, unsigned& cond);
    unsigned refetch_cycles(uint32_t pc, uint32_t target);
    void invalidate_code(Region& r, uint32_t offset);
    void note_decoded(Region& r, uint32_t pc);

    template <typename T, bool kTrackTouched = false> T load(uint32_t addr);
    template <typename T, bool kTrackTouched = false> void store(uint32_t addr, T value);
    // An access of the program outside the executor's own LOAD/STORE (LDM/STM, the
    // exclusives, exception stacking): it marks touched bytes whenever tracking is on.
    template <typename T> T program_load(uint32_t addr) {
        return track_touched_ ? load<T, true>(addr) : load<T, false>(addr);
    }
    template <typename T> void program_store(uint32_t addr, T value) {
        track_touched_ ? store<T, true>(addr, value) : store<T, false>(addr, value);
    }
    uint32_t load_slow(uint32_t addr, unsigned len);
    void store_slow(uint32_t addr, uint32_t value, unsigned len);
    uint32_t ppb_read(uint32_t addr);
    void ppb_write(uint32_t addr, uint32_t value, unsigned len);

    // Flags and operations the table's semantics call.
    void set_nz(uint32_t r) { n_ = z_ = r; }
    inline bool cond_passed(unsigned cond) const;
    uint32_t q_add(int64_t r);  // to int32, setting Q on overflow
    static int32_t half(uint32_t v, unsigned top) { return top ? int16_t(v >> 16) : int16_t(v); }
    static int64_t dual_products(uint32_t rn, uint32_t rm, unsigned x, int sign);
    uint32_t divide(uint32_t n, uint32_t m, bool is_signed);
    void check_aligned(uint32_t addr, unsigned size);
    template <typename T> uint32_t load_exclusive(uint32_t addr);
    template <typename T> uint32_t store_exclusive(uint32_t addr, uint32_t value);
    uint32_t load_multiple(const ArmDecoded& d, uint32_t npc, bool decrement_before);
    void store_multiple(const ArmDecoded& d, bool decrement_before);
    uint32_t bx_write_pc(uint32_t target);
    uint32_t read_special(unsigned sysm);
    void move_to_special(unsigned sysm, unsigned mask, uint32_t value);
    void cps(uint32_t bits);
    uint32_t supervisor_call(uint32_t return_address);
    uint32_t breakpoint(uint32_t imm, uint32_t pc, uint32_t npc);
    void wait_for_interrupt();
    uint32_t semihosting_call(uint32_t op, uint32_t arg);

    // Exceptions.
    int priority(unsigned exception) const;
    int group_priority(int p) const;
    int execution_priority() const;
    int pending_to_take() const;
    uint32_t vector(unsigned exception, uint32_t pc);  // handler address; stops the run if 0
    uint32_t enter_exception(unsigned exception, uint32_t return_address);
    uint32_t exception_return(uint32_t exc_return);
    uint32_t take_fault(const Fault& f, uint32_t pc, uint32_t insn);
    [[noreturn]] void stop_run(std::string what, uint32_t pc, uint32_t insn, uint32_t address, bool has_address,
                               unsigned exception = kArmHardFault);
    void pend(unsigned exception);
    void recheck_exceptions() { limit_ = 0; }
    bool using_psp() const { return ipsr_ == 0 && (control_ & 2); }
    void sp_select(bool psp_before);  // after a change of mode or SPSEL: bank SP
    void systick_update();
    uint64_t systick_next_event() const;
    uint32_t systick_current() const;
    bool in_it_block(uint32_t pc);

    // r0..r15, the zero register (16: literal base), the sink (17: compare results).
    // r15 holds PC + 4 only while an instruction that reads PC runs (kPrologue).
    uint32_t x_[18] = {};
    uint32_t n_ = 0, z_ = 1, c_ = 0, v_ = 0, q_ = 0, ge_ = 0;
    uint32_t pc_ = 0;
    uint64_t cycles_ = 0;
    uint64_t limit_ = 0;
    StallCounters stalls_;
    HartCounters retired_;
    bool exit_requested_ = false;
    bool track_touched_ = false;
    int exit_status_ = 0;
    ArmStop stop_;
    TrapInfo trap_;
    uint32_t hartid_;
    static constexpr uint32_t kNoMonitor = 1;  // odd: no word-aligned LDREX address
    uint32_t monitor_ = kNoMonitor;

    // M-profile state: the SP not in use, special registers, SCB, NVIC, SysTick, DWT.
    uint32_t banked_sp_ = 0;
    uint32_t control_ = 0, primask_ = 0, faultmask_ = 0, basepri_ = 0, ipsr_ = 0;
    uint32_t vtor_ = 0, ccr_ = 0x200, scr_ = 0, prigroup_ = 0, shcsr_enables_ = 0;
    uint32_t cfsr_ = 0, hfsr_ = 0, mmfar_ = 0, bfar_ = 0, demcr_ = 0, dwt_ctrl_ = 0;
    uint64_t cyccnt_base_ = 0;
    uint8_t shpr_[12] = {};                     // priorities of exceptions 4..15
    std::vector<uint8_t> irq_priority_;
    std::bitset<80> pending_, active_, irq_enabled_;
    uint32_t syst_csr_ = 0, syst_rvr_ = 0, syst_cvr_ = 0;
    uint64_t sleep_cycles_ = 0;                 // cycles skipped asleep in WFI
    uint64_t syst_zero_at_ = 0;                 // cycle at which the running counter reaches 0

    ArmTiming timing_;
    ArmOptions options_;
    IssBus& bus_;
    std::function<void(std::string_view)> console_;
    enum class SemihostFile : uint8_t { kFree, kConsole, kFeatures };
    std::vector<SemihostFile> semihost_files_;  // by handle
    uint32_t semihost_features_pos_ = 0;
    std::string command_line_;

    // Memory structures and the Cortex-M7 issue state. `detailed_` selects the executor
    // that models them (dual issue, caches, accelerators); without them the plain one runs.
    MemorySystem memory_system_;
    Cache icache_, dcache_;
    bool detailed_ = false;
    bool slot1_ = false;                 // the next instruction issues in slot 1 of a pair
    uint32_t last_fetch_line_ = ~0u;     // line the fetch unit holds (address >> shift)
    std::vector<uint32_t> btac_;         // pc, target pairs; direct mapped by pc
    uint64_t fetch_stalls_ = 0;

    std::vector<std::unique_ptr<Region>> regions_;
    std::unique_ptr<Fast> fast_;
    Region* code_ = nullptr;
};

}  // namespace vitsim
