#include "arm/arm_hart.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "arm/arm_alu.h"

namespace vitsim {

using namespace arm;

namespace {

constexpr unsigned kPageShift = 8;    // decode-cache bookkeeping granule: 256 bytes of code
constexpr unsigned kBlockShift = 24;  // fast data lookup: one entry per 16 MiB
constexpr uint32_t kPpbBase = 0xe0000000, kPpbEnd = 0xe0100000;  // private peripheral bus
constexpr int kNoPriority = 256;      // execution priority of Thread mode, nothing masked

template <typename T> constexpr int width_index() { return sizeof(T) == 1 ? 0 : sizeof(T) == 2 ? 1 : 2; }

void* lazy_zeroed(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

// CFSR bits (B3.2.15): MemManage [7:0], BusFault [15:8], UsageFault [31:16].
enum : uint32_t {
    kIaccViol = 1u << 0, kMmarValid = 1u << 7,
    kIbusErr = 1u << 8, kPreciseErr = 1u << 9, kStkErr = 1u << 12, kBfarValid = 1u << 15,
    kUndefInstr = 1u << 16, kInvState = 1u << 17, kInvPc = 1u << 18, kNoCp = 1u << 19,
    kUnaligned = 1u << 24, kDivByZero = 1u << 25,
};
enum : uint32_t { kHfsrVectTbl = 1u << 1, kHfsrForced = 1u << 30 };

const char* fault_name(unsigned exception) {
    switch (exception) {
    case kArmHardFault: return "HardFault";
    case kArmMemManage: return "MemManage";
    case kArmBusFault: return "BusFault";
    case kArmUsageFault: return "UsageFault";
    case kArmSvc: return "SVCall";
    default: return "exception";
    }
}

std::string cfsr_names(uint32_t bits) {
    static const struct { uint32_t bit; const char* name; } kNames[] = {
        {kIaccViol, "IACCVIOL"}, {kIbusErr, "IBUSERR"}, {kPreciseErr, "PRECISERR"}, {kStkErr, "STKERR"},
        {kUndefInstr, "UNDEFINSTR"}, {kInvState, "INVSTATE"}, {kInvPc, "INVPC"}, {kNoCp, "NOCP"},
        {kUnaligned, "UNALIGNED"}, {kDivByZero, "DIVBYZERO"},
    };
    std::string s;
    for (const auto& n : kNames)
        if (bits & n.bit) s += (s.empty() ? "" : ", ") + std::string(n.name);
    return s;
}

}  // namespace

// A fault raised inside an instruction: which exception, the CFSR bits, the address.
struct ArmHart::Fault {
    unsigned exception;
    uint32_t cfsr;
    uint32_t address = 0;
    bool has_address = false;
};

struct ArmHart::Region {
    MemoryTiming t;
    uint8_t* host = nullptr;
    AccessCounters* counters = nullptr;
    uint64_t read_limit = 0, write_limit = 0;
    ArmDecoded* cache = nullptr;
    size_t cache_bytes = 0;
    std::vector<uint8_t> code_page;
    std::vector<uint32_t> decoded_pages;
    // Memory structures (configure_memory_system): the D-cache serves its loads and stores
    // (write-back or write-through by the default memory map), the I-cache or the flash
    // accelerator its fetches, looked up per line of fetch_mask (0: the static fetch model).
    // Without a D-cache, data reads may go through the accelerator's data lines instead.
    // dynamic_reads: either, decided here so that a plain load tests one flag.
    bool cached_data = false, write_back = false, cached_code = false, dynamic_reads = false;
    std::unique_ptr<FlashAccelerator> accelerator;
    uint32_t fetch_mask = 0;

    ~Region() { if (cache) munmap(cache, cache_bytes); }
    bool contains(uint32_t addr) const { return addr - t.base < t.size; }
};

struct ArmHart::Fast {
    Region none;
    Region* block[1u << (32 - kBlockShift)];
};

std::string describe(const ArmStop& s) {
    char buf[256];
    int n = snprintf(buf, sizeof buf, "%s at pc 0x%08x", s.what.c_str(), s.pc);
    if (s.insn) n += snprintf(buf + n, sizeof buf - n, " (instruction 0x%0*x)", s.insn > 0xffff ? 8 : 4, s.insn);
    if (s.has_address) snprintf(buf + n, sizeof buf - n, ", address 0x%08x", s.address);
    return buf;
}

ArmHart::ArmHart(uint32_t hartid, const ArmTiming& timing, const ArmOptions& options, IssBus& bus)
    : hartid_(hartid), timing_(timing), options_(options), bus_(bus), fast_(std::make_unique<Fast>()) {
    options_.irq_count = std::min(options_.irq_count, 64u);
    irq_priority_.assign(options_.irq_count, 0);
    std::fill(std::begin(fast_->block), std::end(fast_->block), &fast_->none);
    detailed_ = timing_.dual_issue;
    unsigned entries = 1;  // direct mapped: a power of two
    while (entries * 2 <= timing_.btac_entries) entries *= 2;
    if (timing_.dual_issue && timing_.btac_entries) btac_.assign(2 * size_t(entries), 1);  // odd pc: no entry
}

void ArmHart::configure_memory_system(const MemorySystem& system) {
    memory_system_ = system;
    icache_.configure(system.icache);
    dcache_.configure(system.dcache);
    detailed_ = timing_.dual_issue || system.any();
    for (auto& r : regions_) attach_memory_structures(*r);
    flush_decode_cache();  // entries hold the static fetch costs of the old configuration
}

// ARMv7-M default memory map (ARM ARM B3.1, Table B3-1): the SRAM (0x20000000) and RAM
// (0x60000000) regions are write-back write-allocate; code (0x00000000) and the other RAM
// region (0x80000000, QSPI on STM32) write-through. No MPU, so these attributes hold.
static bool default_write_back(uint32_t base) {
    return (base >= 0x20000000u && base < 0x40000000u) || (base >= 0x60000000u && base < 0x80000000u);
}

void ArmHart::attach_memory_structures(Region& r) {
    const auto& names = memory_system_.cacheable;
    const bool cacheable = std::find(names.begin(), names.end(), r.t.name) != names.end();
    r.cached_data = cacheable && dcache_.enabled();
    r.write_back = default_write_back(r.t.base);
    r.cached_code = cacheable && icache_.enabled() && r.t.executable;
    r.accelerator.reset();
    for (const AcceleratorConfig& a : memory_system_.accelerators)
        if (a.memory == r.t.name && a.line_bytes) {
            r.accelerator = std::make_unique<FlashAccelerator>();
            r.accelerator->configure(a);
        }
    r.dynamic_reads = r.cached_data || (r.accelerator && r.accelerator->caches_data());
    r.fetch_mask = r.cached_code ? ~(icache_.line_bytes() - 1) : r.accelerator ? ~(r.accelerator->line_bytes() - 1) : 0;
}

ArmHart::~ArmHart() = default;

void ArmHart::add_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters) {
    auto r = std::make_unique<Region>();
    r->t = mem;
    r->host = host;
    r->counters = counters;
    r->read_limit = host ? mem.size : 0;
    r->write_limit = host && mem.writable ? mem.size : 0;
    if (mem.executable) {
        r->cache_bytes = size_t(mem.size / 2 + 2) * sizeof(ArmDecoded);
        r->cache = static_cast<ArmDecoded*>(lazy_zeroed(r->cache_bytes));
        r->code_page.assign((mem.size >> kPageShift) + 1, 0);
    }
    const uint32_t first = mem.base >> kBlockShift, last = (mem.base + mem.size - 1) >> kBlockShift;
    for (uint32_t b = first; b <= last; b++)
        fast_->block[b] = fast_->block[b] == &fast_->none ? r.get() : &fast_->none;
    for (const auto& other : regions_)
        for (uint32_t b = first; b <= last; b++)
            if (b >= (other->t.base >> kBlockShift) && b <= ((other->t.base + other->t.size - 1) >> kBlockShift))
                fast_->block[b] = &fast_->none;
    attach_memory_structures(*r);
    regions_.push_back(std::move(r));
}

void ArmHart::revoke_direct_access(uint64_t start, uint64_t end) {
    for (auto& r : regions_) {
        if (end < r->t.base || start > uint64_t(r->t.base) + r->t.size - 1) continue;
        r->host = nullptr;
        r->read_limit = r->write_limit = 0;
    }
}

ArmHart::Region* ArmHart::region_of(uint32_t addr) {
    for (auto& r : regions_)
        if (r->contains(addr)) return r.get();
    return nullptr;
}

void ArmHart::reset(uint32_t vector_table) {
    std::memset(x_, 0, sizeof x_);
    n_ = v_ = c_ = q_ = ge_ = 0;
    z_ = 0;  // APSR is UNKNOWN at reset; Z set, as qemu has it (traces compare equal)
    control_ = primask_ = faultmask_ = basepri_ = ipsr_ = 0;
    ccr_ = 0x200;  // STKALIGN
    scr_ = prigroup_ = shcsr_enables_ = cfsr_ = hfsr_ = mmfar_ = bfar_ = demcr_ = dwt_ctrl_ = 0;
    std::fill(std::begin(shpr_), std::end(shpr_), 0);
    std::fill(irq_priority_.begin(), irq_priority_.end(), 0);
    pending_.reset();
    active_.reset();
    irq_enabled_.reset();
    syst_csr_ = syst_rvr_ = syst_cvr_ = 0;
    monitor_ = kNoMonitor;
    exit_requested_ = false;
    exit_status_ = 0;
    stop_ = {};
    trap_ = {};
    semihost_files_.clear();
    vtor_ = vector_table & ~0x7fu;
    // The reset reads of the vector table happen before the first cycle: untimed and
    // uncounted, so they cost the same with and without DMI.
    uint32_t sp = 0, entry = 0;
    if (!read_vector_word(vtor_, sp) || !read_vector_word(vtor_ + 4, entry)) {
        stop_ = {"reset: vector table not readable", vtor_, 0, vtor_, true};
        trap_ = {kArmHardFault, vtor_, 0, vtor_};
    }
    x_[13] = sp & ~3u;
    banked_sp_ = 0;
    x_[14] = 0xffffffff;
    pc_ = entry & ~1u;
}

void ArmHart::reset(uint32_t entry, uint32_t stack_top) {
    reset(options_.vector_table);
    if (stop_.what.empty() && pc_ != 0) return;
    stop_ = {};  // no vector table: start at the ELF entry, on the given stack
    trap_ = {};
    pc_ = entry & ~1u;
    x_[13] = stack_top & ~7u;
}

void ArmHart::request_exit(int status) {
    exit_requested_ = true;
    exit_status_ = status;
    limit_ = 0;
}

uint32_t ArmHart::msp() const { return using_psp() ? banked_sp_ : x_[13]; }
uint32_t ArmHart::psp() const { return using_psp() ? x_[13] : banked_sp_; }

uint32_t ArmHart::xpsr() const {
    return (n_ & 0x80000000u) | (z_ == 0 ? 1u << 30 : 0) | (c_ << 29) | (v_ << 28) | (q_ << 27) |
           (1u << 24) | (ge_ << 16) | ipsr_;
}

uint32_t ArmHart::debug_read_register(unsigned i) const {
    if (i == 15) return pc_;
    return i < 15 ? x_[i] : xpsr();
}

void ArmHart::debug_write_register(unsigned i, uint32_t value) {
    if (i == 15) pc_ = value & ~1u;  // the Thumb bit is not part of the address
    else if (i < 15) x_[i] = i == 13 ? value & ~3u : value;
    else move_to_special(0, 3, value);  // the APSR flags; IPSR and EPSR stay the core's
}

// An instruction in slot 1 of a pair costs only its stalls, maybe no cycle, so a run
// to cycles() + 1 could execute its successor too. The step issues it alone, then
// charges it as in the pair: the cycle counts stay those of a run without a debugger.
StopReason ArmHart::debug_step() {
    if (!slot1_) return run(cycles_ + 1);
    Region* code = region_of(pc_);
    ArmDecoded* d = code && code->cache ? code->cache + ((pc_ - code->t.base) >> 1) : nullptr;
    const uint64_t count_before = d ? d->count : 0;  // 0 when not decoded yet
    slot1_ = false;
    const StopReason reason = run(cycles_ + 1);
    if (d && d->count == count_before + 1) {
        const unsigned paired = unsigned(d->stall & 15) + unsigned(d->stall >> 4);
        if (d->cycles > paired) cycles_ -= d->cycles - paired;
        slot1_ = false;  // the pair is complete: the next instruction starts a new one
    }
    return reason;
}

void ArmHart::sp_select(bool psp_before) {
    if (using_psp() != psp_before) std::swap(x_[13], banked_sp_);
}

// ---------------------------------------------------------------------------------------------
// Decode cache

// The energy model's class of an Arm timing class (core/iss.h).
static InsnClass insn_class(ArmClass c) {
    switch (c) {
    case ArmClass::ALU: case ArmClass::ALU_PC: return InsnClass::kAlu;
    case ArmClass::DSP: return InsnClass::kSimd;
    case ArmClass::MUL: case ArmClass::MUL_LONG: return InsnClass::kMul;
    case ArmClass::DIV: return InsnClass::kDiv;
    case ArmClass::LOAD: case ArmClass::LOAD_PC: case ArmClass::LOAD_DUAL: case ArmClass::LOAD_MULTI:
    case ArmClass::EXCLUSIVE: return InsnClass::kLoad;
    case ArmClass::STORE: case ArmClass::STORE_DUAL: case ArmClass::STORE_MULTI: return InsnClass::kStore;
    case ArmClass::BRANCH: case ArmClass::BRANCH_COND: case ArmClass::BRANCH_REG: case ArmClass::TABLE_BRANCH:
        return InsnClass::kBranch;
    case ArmClass::SYSTEM: case ArmClass::IT: break;
    }
    return InsnClass::kSystem;
}

static void add_executions(HartCounters& c, const ArmDecoded& d) {
    if (!d.count) return;
    c.instructions += d.count;
    c.stalls.fetch += d.count * (d.stall & 15);
    const ArmOp op = d.op == ArmOp::kPrologue ? d.real_op : d.op;
    c.classes[size_t(insn_class(arm_op_class(op)))] += d.count;
    const unsigned other = d.stall >> 4;
    if (!other) return;
    switch (arm_op_class(op)) {
    case ArmClass::MUL: case ArmClass::MUL_LONG: case ArmClass::DIV: c.stalls.muldiv += d.count * other; break;
    default: c.stalls.load_use += d.count * other; break;  // address-generation dependency
    }
}

void ArmHart::invalidate_code(Region& r, uint32_t offset) {
    const uint32_t page = offset >> kPageShift;
    if (!r.code_page[page]) return;
    r.code_page[page] = 0;
    r.decoded_pages.erase(std::find(r.decoded_pages.begin(), r.decoded_pages.end(), page));
    ArmDecoded* first = r.cache + (size_t(page) << (kPageShift - 1));
    for (unsigned i = 0; i < (1u << (kPageShift - 1)); i++) {
        add_executions(retired_, first[i]);
        first[i].count = 0;
        first[i].op = ArmOp::kUndecoded;
        first[i].cycles = first[i].stall = first[i].flags = 0;  // dispatch charges nothing before decoding
    }
}

void ArmHart::flush_decode_cache() {
    for (auto& r : regions_)
        while (!r->decoded_pages.empty()) invalidate_code(*r, r->decoded_pages.back() << kPageShift);
}

void ArmHart::invalidate_code_range(uint32_t addr, uint32_t len) {
    if (!len) return;
    for (auto& r : regions_) {
        if (!r->cache) continue;
        const uint64_t base = r->t.base, end = base + r->t.size;
        // From 2 bytes before: a 32-bit instruction may start there and end in the range.
        const uint64_t lo = std::max<uint64_t>(uint64_t(addr) >= 2 ? addr - 2 : 0, base);
        const uint64_t hi = std::min<uint64_t>(uint64_t(addr) + len, end);
        if (lo >= hi) continue;
        for (uint64_t page = (lo - base) >> kPageShift; page <= (hi - 1 - base) >> kPageShift; page++)
            invalidate_code(*r, uint32_t(page << kPageShift));
    }
}

std::vector<std::pair<uint32_t, uint64_t>> ArmHart::pc_histogram() const {
    std::vector<std::pair<uint32_t, uint64_t>> out;
    for (const auto& r : regions_)
        for (uint32_t page : r->decoded_pages) {
            const ArmDecoded* d = r->cache + (size_t(page) << (kPageShift - 1));
            for (unsigned i = 0; i < (1u << (kPageShift - 1)); i++)
                if (d[i].count) out.emplace_back(r->t.base + (page << kPageShift) + 2 * i, d[i].count);
        }
    std::sort(out.begin(), out.end());
    return out;
}

bool ArmHart::read_vector_word(uint32_t addr, uint32_t& out) {
    Region* r = region_of(addr);
    uint16_t low = 0, high = 0;
    if (!r || !fetch_halfword(*r, addr, low) || !fetch_halfword(*r, addr + 2, high)) return false;
    out = uint32_t(high) << 16 | low;
    return true;
}

bool ArmHart::fetch_halfword(Region& r, uint32_t addr, uint16_t& out) {
    if (!r.contains(addr) || !r.contains(addr + 1)) return false;
    if (r.host) {
        std::memcpy(&out, r.host + (addr - r.t.base), 2);
        return true;
    }
    return bus_.bus_fetch(addr, &out, 2);
}

bool ArmHart::decode_at(Region& r, uint32_t pc, bool in_it, ArmDecoded& d) {
    uint16_t hw1 = 0, hw2 = 0;
    if (!fetch_halfword(r, pc, hw1)) return false;
    const bool is32 = arm_insn_length(hw1) == 4;
    if (is32 && !fetch_halfword(r, pc + 2, hw2)) return false;
    arm_decode(is32 ? uint32_t(hw1) << 16 | hw2 : hw1, is32, pc, in_it, d);
    return true;
}

unsigned ArmHart::refetch_cycles(uint32_t pc, uint32_t target) {
    Region* r = region_of(target);
    if (!r || r->fetch_mask) return 0;  // fetched through a cache or accelerator: dynamic
    if (r->contains(pc) && target <= pc && pc - target < r->t.cache_bytes) return 0;
    return r->t.fetch_wait;
}

void ArmHart::note_decoded(Region& r, uint32_t pc) {
    const uint32_t page = (pc - r.t.base) >> kPageShift;
    if (!r.code_page[page]) {
        r.code_page[page] = 1;
        r.decoded_pages.push_back(page);
    }
}

// ---------------------------------------------------------------------------------------------
// Cortex-M7 dual issue (cortex-m.md section 2), decided at decode time against the next two
// instructions in program order. The executor keeps one bit of state: whether the
// instruction it dispatches goes into slot 1 of a pair (then it costs only its stalls).

namespace {

// The issue resource an instruction needs.
enum class M7Unit : uint8_t { kAlu, kDsp, kMac, kLoad, kStore, kBranch, kAlone };

struct M7Issue {
    M7Unit unit = M7Unit::kAlone;
    bool shifted = false;
    uint32_t reads = 0, writes = 0;
    uint32_t address_reads = 0;  // registers that form a load/store address
    uint32_t accumulators = 0;   // MAC accumulators (read one stage late: forwarded)
    unsigned latency = 1;        // cycles from issue until a dependent instruction can issue
};

bool is_narrow_load(ArmOp op) {
    const char* n = arm_op_name(op);
    return std::strncmp(n, "LDRB", 4) == 0 || std::strncmp(n, "LDRH", 4) == 0 || std::strncmp(n, "LDRSB", 5) == 0 ||
           std::strncmp(n, "LDRSH", 5) == 0;
}

M7Issue m7_issue(const ArmDecoded& d, const ArmTiming& t) {
    M7Issue m;
    const ArmOp op = d.op == ArmOp::kPrologue ? d.real_op : d.op;
    const ArmOperands o = arm_operands(d);
    m.shifted = o.shifted;
    m.reads = o.reads;
    m.writes = o.writes;
    m.address_reads = arm_address_registers(d) & 0x7fff;
    switch (arm_op_class(op)) {
    case ArmClass::ALU: case ArmClass::IT:
        // Byte reversal is SIMD work on the M7 (the DSP pipe): cortex-m.md section 2.
        m.unit = op == ArmOp::REV || op == ArmOp::REV16 || op == ArmOp::REVSH || op == ArmOp::RBIT ? M7Unit::kDsp : M7Unit::kAlu;
        break;
    case ArmClass::DSP: m.unit = M7Unit::kDsp; break;
    case ArmClass::MUL:
        m.unit = M7Unit::kMac;
        m.latency = t.mul_latency;
        if (d.ra < 15) m.accumulators = 1u << d.ra;
        break;
    case ArmClass::MUL_LONG:
        m.unit = M7Unit::kMac;
        m.latency = t.mul_latency;
        m.accumulators = m.reads & m.writes;  // SMLAL & co. read RdLo/RdHi as the accumulator
        break;
    case ArmClass::LOAD: m.unit = M7Unit::kLoad; m.latency = is_narrow_load(op) ? t.load_latency_byte : t.load_latency_word; break;
    case ArmClass::STORE: m.unit = M7Unit::kStore; break;
    case ArmClass::BRANCH: case ArmClass::BRANCH_COND: case ArmClass::BRANCH_REG: case ArmClass::ALU_PC:
        m.unit = M7Unit::kBranch;
        break;
    case ArmClass::LOAD_DUAL: case ArmClass::LOAD_MULTI: case ArmClass::LOAD_PC: case ArmClass::EXCLUSIVE:
        m.latency = t.load_latency_word;  // issue alone (SDIV/UDIV, LDM/STM, LDRD/STRD, exclusives,
        break;                            // TBB/TBH, MRS/MSR, barriers, SVC: cortex-m.md section 2)
    default: break;
    }
    return m;
}

// Whether `younger` can issue in the same cycle as `older` (older in slot 0).
bool m7_pairs(const M7Issue& older, const M7Issue& younger) {
    if (older.unit == M7Unit::kAlone || younger.unit == M7Unit::kAlone) return false;
    if (older.unit == M7Unit::kBranch) return false;       // the fall-through is not known yet (assumed)
    if (younger.unit == M7Unit::kDsp) return false;        // DSP/SIMD only in the older slot
    if (older.unit == M7Unit::kMac && younger.unit == M7Unit::kMac) return false;      // one MAC
    if (older.unit == M7Unit::kStore && younger.unit == M7Unit::kStore) return false;  // one store port
    if (older.shifted && younger.shifted) return false;    // one shifter slot
    if (older.writes & (younger.reads | younger.writes)) return false;  // no forwarding within a cycle
    return true;
}

// Cycles `consumer` waits for `producer`'s result when it would issue `gap` cycles after it.
unsigned m7_stall(const M7Issue& producer, const M7Issue& consumer, unsigned gap, const ArmTiming& t) {
    const uint32_t dependence = producer.writes & consumer.reads;
    if (!dependence) return 0;
    unsigned latency = producer.latency;
    if (producer.unit == M7Unit::kMac && consumer.unit == M7Unit::kMac && !(dependence & ~consumer.accumulators))
        latency = 1;                                  // accumulator forwarding: back-to-back MACs
    else if (dependence & consumer.address_reads)
        latency += t.agu_stall;                       // addresses are needed a stage earlier
    else if (consumer.shifted)
        latency += 1;                                 // so are shifted operands
    return latency > gap ? latency - gap : 0;
}

}  // namespace

// Sets kPairsWithNext and returns the stall this instruction's result causes to the next two
// (assuming it issues in slot 0 or alone: the one approximation of doing this statically).
unsigned ArmHart::dual_issue_hazard(ArmDecoded& d, Region& r, uint32_t pc) {
    const M7Issue self = m7_issue(d, timing_);
    ArmDecoded next1, next2;
    if (!decode_at(r, pc + d.len, false, next1)) return 0;
    const M7Issue first = m7_issue(next1, timing_);
    const bool pairs = m7_pairs(self, first);
    if (pairs) d.flags |= kPairsWithNext;
    if (self.unit == M7Unit::kBranch) return 0;
    unsigned stall = m7_stall(self, first, 1, timing_);
    if (stall || first.unit == M7Unit::kBranch || first.unit == M7Unit::kAlone ||
        !decode_at(r, pc + d.len + next1.len, false, next2))
        return stall;
    // The second one issues one cycle after this one if the first paired with this one or
    // pairs with it, else two.
    const M7Issue second = m7_issue(next2, timing_);
    const unsigned gap = pairs || m7_pairs(first, second) ? 1 : 2;
    return std::max(stall, m7_stall(self, second, gap, timing_));
}

// ---------------------------------------------------------------------------------------------
// Dynamic costs of the detailed executor: fetch through the I-cache or flash accelerator,
// the D-cache, the branch target address cache.

// The fetch unit moves to the line holding addr: nothing if it holds it already.
unsigned ArmHart::fetch_line(Region& r, uint32_t addr) {
    const uint32_t line = addr & r.fetch_mask;
    if (line == last_fetch_line_) return 0;
    last_fetch_line_ = line;
    unsigned c = 0;
    if (r.cached_code) {
        if (icache_.access(addr) != Cache::kHit) c = instruction_refill(r, addr);
    } else if (!r.accelerator->fetch(addr)) {
        c = line_fill_cycles(r.accelerator->line_bytes(), r.t.line_bytes, r.t.fetch_wait);
    }
    fetch_stalls_ += c;
    return c;
}

// After a taken branch: the fetch unit goes to the target's line (a loop within the line it
// holds costs nothing more).
unsigned ArmHart::fetch_at(uint32_t addr) {
    Region* r = fast_->block[addr >> kBlockShift];
    if (!r->contains(addr)) r = region_of(addr);
    return r && r->fetch_mask ? fetch_line(*r, addr) : 0;
}

// An I-cache line refill: from the flash accelerator when the memory has one (a line it
// holds costs one transfer cycle), else the memory's wait states per beat.
unsigned ArmHart::instruction_refill(Region& r, uint32_t addr) {
    const unsigned line = icache_.line_bytes();
    if (!r.accelerator) return line_fill_cycles(line, r.t.line_bytes, r.t.fetch_wait);
    const unsigned step = r.accelerator->line_bytes();
    const uint32_t base = addr & ~(line - 1);
    unsigned c = 0;
    for (uint32_t a = base; a < base + line; a += step)
        c += r.accelerator->fetch(a) ? 1 : line_fill_cycles(step, r.t.line_bytes, r.t.fetch_wait) + 1;
    return c - 1;
}

// A data read through the flash accelerator's data lines: a line it holds costs nothing
// beyond the load, a miss reads the line with the memory's read wait states.
unsigned ArmHart::accelerated_read_cost(Region& r, uint32_t addr) {
    if (r.accelerator->read(addr)) return 0;
    const unsigned c = line_fill_cycles(r.accelerator->line_bytes(), r.t.line_bytes, r.t.read_wait);
    stalls_.memory += c;
    return c;
}

// Cycles a load or store to a cacheable memory costs beyond its issue cycles.
unsigned ArmHart::data_cache_cost(Region& r, uint32_t addr, bool write) {
    unsigned c = 0;
    if (write && !r.write_back) {  // write-through: no allocation; the store goes to memory
        dcache_.access(addr, false, false);
        c = r.t.write_wait;
    } else {
        const Cache::Result res = dcache_.access(addr, write, true);
        if (res != Cache::kHit) c = line_fill_cycles(dcache_.line_bytes(), r.t.line_bytes, r.t.read_wait);
        if (res == Cache::kMissDirtyEvict) {
            const Region* victim = region_of(dcache_.evicted_address());
            if (victim) c += line_fill_cycles(dcache_.line_bytes(), victim->t.line_bytes, victim->t.write_wait) + 1;
        }
    }
    stalls_.memory += c;
    return c;
}

// A taken branch: the static part (M4 refill, or the target's fetch wait states), the
// M7's BTAC (a hit with the same target: no refill; else the mispredict penalty), and
// the fetch of the target line.
unsigned ArmHart::taken_branch(uint32_t pc, uint32_t target, const ArmDecoded& d) {
    unsigned c = d.taken;
    if (timing_.dual_issue) {
        if (btac_.empty()) {
            c += timing_.branch_refill;
        } else {
            const size_t slot = 2 * ((pc >> 1) & (btac_.size() / 2 - 1));
            if (btac_[slot] != pc || btac_[slot + 1] != target) {
                c += timing_.branch_refill;
                btac_[slot] = pc;
                btac_[slot + 1] = target;
            }
        }
    }
    stalls_.branch += c;
    return c + fetch_at(target);
}

// A conditional branch not taken: a BTAC entry predicted it taken (mispredict, the entry
// goes); without one the sequential fetch was right.
unsigned ArmHart::not_taken_branch(uint32_t pc) {
    if (btac_.empty()) return 0;
    const size_t slot = 2 * ((pc >> 1) & (btac_.size() / 2 - 1));
    if (btac_[slot] != pc) return 0;
    btac_[slot] = 1;
    stalls_.branch += timing_.branch_refill;
    return timing_.branch_refill;
}

// Decodes the instruction at pc into its cache entry, with its static cycles: the class
// cost, the fetch wait states, and the Cortex-M4 neighbour rules (pipelined loads, the
// address-generation stall) against the instruction that follows.
void ArmHart::decode_into(ArmDecoded& d, Region& r, uint32_t pc, bool in_it, unsigned cond) {
    if (!decode_at(r, pc, in_it, d)) {  // second half beyond the memory's end
        std::memset(&d, 0, sizeof d);
        d.op = ArmOp::kUndefined;
        d.len = 2;
        d.cond = 14;
    }
    const ArmClass cls = arm_op_class(d.op);
    unsigned cycles = 1, other_stall = 0;
    switch (cls) {
    case ArmClass::MUL: cycles = timing_.mul; other_stall = cycles - std::min(cycles, 1u); break;
    case ArmClass::MUL_LONG: cycles = timing_.mul_long; other_stall = cycles - std::min(cycles, 1u); break;
    case ArmClass::DIV: cycles = timing_.div_min; other_stall = cycles - std::min(cycles, 1u); break;
    case ArmClass::LOAD: case ArmClass::LOAD_PC: cycles = timing_.load; break;
    case ArmClass::STORE: cycles = timing_.store; break;
    case ArmClass::LOAD_DUAL: case ArmClass::STORE_DUAL: cycles = timing_.dual; break;
    case ArmClass::LOAD_MULTI: case ArmClass::STORE_MULTI:
        cycles = timing_.multiple_base + unsigned(__builtin_popcount(uint32_t(d.imm)));
        break;
    case ArmClass::TABLE_BRANCH: cycles = timing_.table_branch; break;
    case ArmClass::EXCLUSIVE: cycles = timing_.exclusive; break;
    case ArmClass::SYSTEM: cycles = timing_.system; break;
    case ArmClass::IT: cycles = timing_.it; break;
    default: break;
    }
    // Taken branches: refill, plus the target's fetch wait states (direct targets known now).
    // With dual issue the refill is the BTAC's business (taken_branch): only fetch waits here.
    const unsigned refill = timing_.dual_issue ? 0 : timing_.branch_refill;
    switch (cls) {
    case ArmClass::BRANCH: case ArmClass::BRANCH_COND:
        d.taken = uint8_t(std::min(255u, refill + refetch_cycles(pc, uint32_t(d.imm))));
        break;
    case ArmClass::BRANCH_REG: case ArmClass::ALU_PC: case ArmClass::LOAD_PC: case ArmClass::TABLE_BRANCH:
    case ArmClass::LOAD_MULTI:
        d.taken = uint8_t(std::min(255u, refill + (r.t.cache_bytes || r.fetch_mask ? 0 : r.t.fetch_wait)));
        break;
    default: break;
    }
    // Neighbour rules, from the instruction that follows (always executed next unless this
    // one branches).
    ArmDecoded next;
    if (timing_.dual_issue) {
        const unsigned hazard = dual_issue_hazard(d, r, pc);
        cycles += hazard;
        other_stall += hazard;
    } else if ((cls == ArmClass::LOAD || cls == ArmClass::STORE || cls == ArmClass::ALU || cls == ArmClass::DSP ||
         cls == ArmClass::MUL || cls == ArmClass::MUL_LONG) &&
        decode_at(r, pc + d.len, false, next)) {
        const ArmClass next_cls = arm_op_class(next.op);
        const uint32_t next_addr = arm_address_registers(next);
        const int result = arm_result_register(d);
        const bool dependent = result >= 0 && (next_addr >> result & 1);
        if (cls == ArmClass::LOAD && timing_.pipelined_loads && cycles > 1 && !dependent &&
            (next_cls == ArmClass::LOAD || next_cls == ArmClass::STORE))
            cycles -= 1;
        if (cls != ArmClass::LOAD && cls != ArmClass::STORE && dependent) {
            cycles += timing_.agu_stall;
            other_stall += timing_.agu_stall;
        }
    }
    // Fetch: without a prefetch buffer every new line costs the memory's wait states.
    const uint32_t line = std::max(1u, r.t.line_bytes);
    unsigned fetch = 0;
    if (!r.fetch_mask && !r.t.prefetch && r.t.fetch_wait && ((pc % line) == 0 || (pc % line) + d.len > line))
        fetch = std::min(15u, r.t.fetch_wait);
    // Through a cache or accelerator: the instruction that starts a line (or ends in the
    // next one) makes the fetch unit look that line up (fetch_line).
    if (r.fetch_mask && ((pc & ~r.fetch_mask) == 0 || ((pc + d.len - 1) & r.fetch_mask) != (pc & r.fetch_mask)))
        d.flags |= kNewFetchLine;
    cycles += fetch;
    d.cycles = uint8_t(std::min(cycles, 255u));
    d.stall = uint8_t(fetch | std::min(15u, other_stall) << 4);
    if (cond != 14) d.cond = uint8_t(cond);  // IT condition (B<c> carries its own, and is never in IT)
    // Reading PC as an operand, or conditional execution in an IT block: run the prologue.
    const bool reads_pc = d.rn == 15 || d.rm == 15 || d.ra == 15 ||
                          ((cls == ArmClass::STORE || cls == ArmClass::STORE_DUAL) && d.rd == 15);
    if (d.op != ArmOp::kUndefined && d.op != ArmOp::kNoCoprocessor && (reads_pc || cond != 14)) {
        d.real_op = d.op;
        d.op = ArmOp::kPrologue;
    }
    note_decoded(r, pc);
    if (d.op == ArmOp::IT) decode_it_block(r, pc, uint32_t(d.imm));
}

// IT: the next one to four instructions get their condition at decode time (ITSTATE
// advances as in ITAdvance, A7.3.2). Their entries run through the prologue, which
// checks the condition: the executor keeps no ITSTATE.
void ArmHart::decode_it_block(Region& r, uint32_t it_pc, uint32_t it_bits) {
    uint32_t state = it_bits & 0xff, pc = it_pc + 2;
    while (state && r.contains(pc)) {
        ArmDecoded& e = r.cache[(pc - r.t.base) >> 1];
        const uint64_t count = e.count;
        decode_into(e, r, pc, true, state >> 4);
        e.count = count;
        pc += e.len;
        state = (state & 7) == 0 ? 0 : (state & 0xe0) | ((state << 1) & 0x1f);
    }
}

// Whether the instruction at pc belongs to the block of a decoded IT up to 14 bytes before
// it (four 32-bit instructions at most), and with which condition. Normally the IT decodes
// its block; this covers a block entry decoded again after its page was invalidated.
bool ArmHart::enclosing_it_condition(Region& r, uint32_t pc, unsigned& cond) {
    for (uint32_t back = 2; back <= 14; back += 2) {
        if (pc - r.t.base < back) break;
        const ArmDecoded& e = r.cache[(pc - back - r.t.base) >> 1];
        if (e.op != ArmOp::IT) continue;
        uint32_t state = uint32_t(e.imm) & 0xff, at = pc - back + 2;
        while (state && at < pc) {
            uint16_t hw = 0;
            if (!fetch_halfword(r, at, hw)) return false;
            at += arm_insn_length(hw);
            state = (state & 7) == 0 ? 0 : (state & 0xe0) | ((state << 1) & 0x1f);
        }
        if (state && at == pc) {
            cond = state >> 4;
            return true;
        }
        return false;
    }
    return false;
}

bool ArmHart::in_it_block(uint32_t pc) {
    Region* r = region_of(pc);
    if (!r || !r->cache) return false;
    const ArmDecoded& e = r->cache[(pc - r->t.base) >> 1];
    return e.op != ArmOp::kUndecoded && (e.flags & kInIt);
}

ArmHart::Region* ArmHart::select_code_region(uint32_t pc) {
    Region* r = region_of(pc);
    if (pc >= kPpbBase) throw Fault{kArmMemManage, kIaccViol};  // system space is execute-never
    if (!r || !r->cache) throw Fault{kArmBusFault, kIbusErr};
    code_ = r;
    return r;
}

HartCounters ArmHart::counters() const {
    HartCounters c = retired_;
    c.cycles = cycles_;
    c.sleep_cycles = sleep_cycles_;
    c.stalls.memory += stalls_.memory;
    c.stalls.branch += stalls_.branch;
    c.stalls.muldiv += stalls_.muldiv;
    c.stalls.fetch += fetch_stalls_;
    c.caches.icache = {icache_.stats().hits, icache_.stats().misses};
    c.caches.dcache = {dcache_.stats().hits, dcache_.stats().misses};
    c.caches.dcache_writebacks = dcache_.stats().writebacks;
    for (const auto& r : regions_)
        if (r->accelerator) {
            c.caches.flash_accelerator.hits += r->accelerator->stats().hits;
            c.caches.flash_accelerator.misses += r->accelerator->stats().misses;
            c.caches.flash_accelerator_data.hits += r->accelerator->data_stats().hits;
            c.caches.flash_accelerator_data.misses += r->accelerator->data_stats().misses;
        }
    for (const auto& r : regions_)
        for (uint32_t page : r->decoded_pages) {
            const ArmDecoded* d = r->cache + (size_t(page) << (kPageShift - 1));
            for (unsigned i = 0; i < (1u << (kPageShift - 1)); i++) add_executions(c, d[i]);
        }
    return c;
}

// ---------------------------------------------------------------------------------------------
// Loads and stores: direct to host memory when the memory granted DMI, else the PPB or the bus.

template <typename T, bool kTrackTouched> inline T ArmHart::load(uint32_t addr) {
    Region* r = fast_->block[addr >> kBlockShift];
    const uint32_t off = addr - r->t.base;
    if (__builtin_expect(uint64_t(off) + sizeof(T) <= r->read_limit, 1)) {
        if (__builtin_expect(r->dynamic_reads, 0)) {
            if (r->cached_data) {
                if (!dcache_.hit_mru(addr)) cycles_ += data_cache_cost(*r, addr, false);
            } else {
                cycles_ += accelerated_read_cost(*r, addr);
            }
        } else {
            cycles_ += r->t.read_wait;
            stalls_.memory += r->t.read_wait;
        }
        r->counters->reads[width_index<T>()]++;
        if (kTrackTouched && r->counters->touched) mark_touched(r->counters->touched, r->t.offset_in_memory + off, sizeof(T));
        T v;
        std::memcpy(&v, r->host + off, sizeof(T));
        return v;
    }
    return T(load_slow(addr, sizeof(T)));
}

template <typename T, bool kTrackTouched> inline void ArmHart::store(uint32_t addr, T value) {
    Region* r = fast_->block[addr >> kBlockShift];
    const uint32_t off = addr - r->t.base;
    if (__builtin_expect(uint64_t(off) + sizeof(T) <= r->write_limit, 1)) {
        if (__builtin_expect(r->cached_data, 0)) {
            if (!(r->write_back && dcache_.hit_mru(addr, true))) cycles_ += data_cache_cost(*r, addr, true);
        } else {
            cycles_ += r->t.write_wait;
            stalls_.memory += r->t.write_wait;
        }
        r->counters->writes[width_index<T>()]++;
        if (kTrackTouched && r->counters->touched) mark_touched(r->counters->touched, r->t.offset_in_memory + off, sizeof(T));
        std::memcpy(r->host + off, &value, sizeof(T));
        if (__builtin_expect(r->cache && r->code_page[off >> kPageShift], 0)) invalidate_code(*r, off);
        return;
    }
    store_slow(addr, uint32_t(value), sizeof(T));
}

// A 16 MiB block of the fast lookup may hold several regions (memory parts, the ITCM
// beside the ITCM flash path): it then points at the one used last, and an access to
// another of them comes here and re-points it, so parts keep the direct path. Returns
// the region when addr..addr+len can be accessed directly, else nullptr (the bus).
ArmHart::Region* ArmHart::repoint_block(uint32_t addr, unsigned len, bool write) {
    Region* r = region_of(addr);
    if (!r || uint64_t(addr - r->t.base) + len > (write ? r->write_limit : r->read_limit)) return nullptr;
    fast_->block[addr >> kBlockShift] = r;
    return r;
}

uint32_t ArmHart::load_slow(uint32_t addr, unsigned len) {
    if (addr >= kPpbBase && addr < kPpbEnd) {
        const uint32_t word = ppb_read(addr & ~3u);
        const uint32_t v = word >> (8 * (addr & 3));
        return len == 4 ? v : v & ((1u << (8 * len)) - 1);
    }
    if (repoint_block(addr, len, false)) {
        if (track_touched_) return len == 1 ? load<uint8_t, true>(addr) : len == 2 ? load<uint16_t, true>(addr) : load<uint32_t, true>(addr);
        return len == 1 ? load<uint8_t, false>(addr) : len == 2 ? load<uint16_t, false>(addr) : load<uint32_t, false>(addr);
    }
    uint32_t v = 0;
    const BusResult res = bus_.bus_read(addr, &v, len);
    if (!res.ok) throw Fault{kArmBusFault, kPreciseErr | kBfarValid, addr, true};
    Region* r = region_of(addr);
    if (r && r->cached_data) {  // the cache answers, as on the direct path: same cycles
        cycles_ += data_cache_cost(*r, addr, false);
    } else if (r && r->dynamic_reads) {  // the accelerator's data lines
        cycles_ += accelerated_read_cost(*r, addr);
    } else {
        cycles_ += res.latency_cycles;
        stalls_.memory += res.latency_cycles;
    }
    if (track_touched_ && r && r->counters && r->counters->touched) mark_touched(r->counters->touched, r->t.offset_in_memory + (addr - r->t.base), len);
    return v;
}

void ArmHart::store_slow(uint32_t addr, uint32_t value, unsigned len) {
    if (addr >= kPpbBase && addr < kPpbEnd) {
        ppb_write(addr, value, len);
        return;
    }
    if (repoint_block(addr, len, true)) {
        if (len == 1) track_touched_ ? store<uint8_t, true>(addr, uint8_t(value)) : store<uint8_t, false>(addr, uint8_t(value));
        else if (len == 2) track_touched_ ? store<uint16_t, true>(addr, uint16_t(value)) : store<uint16_t, false>(addr, uint16_t(value));
        else track_touched_ ? store<uint32_t, true>(addr, value) : store<uint32_t, false>(addr, value);
        return;
    }
    const BusResult res = bus_.bus_write(addr, &value, len);
    if (!res.ok) throw Fault{kArmBusFault, kPreciseErr | kBfarValid, addr, true};
    Region* r = region_of(addr);  // memory without DMI may hold code too
    if (r && r->cached_data) {
        cycles_ += data_cache_cost(*r, addr, true);
    } else {
        cycles_ += res.latency_cycles;
        stalls_.memory += res.latency_cycles;
    }
    if (r && r->cache) invalidate_code(*r, addr - r->t.base);
    if (track_touched_ && r && r->counters && r->counters->touched) mark_touched(r->counters->touched, r->t.offset_in_memory + (addr - r->t.base), len);
}

// ---------------------------------------------------------------------------------------------
// Operations the table calls

// ConditionPassed as one table lookup: for each condition, bit nzcv of its entry says
// whether the condition holds for those flags (no branches on the host).
namespace {
constexpr uint16_t condition_mask(unsigned cond) {
    uint16_t m = 0;
    for (unsigned f = 0; f < 16; f++) {
        const bool n = f & 8, z = f & 4, c = f & 2, v = f & 1;
        bool r = true;
        switch (cond >> 1) {
        case 0: r = z; break;
        case 1: r = c; break;
        case 2: r = n; break;
        case 3: r = v; break;
        case 4: r = c && !z; break;
        case 5: r = n == v; break;
        case 6: r = !z && n == v; break;
        default: r = true; break;
        }
        if ((cond & 1) && cond != 15) r = !r;
        if (cond == 14 || cond == 15) r = true;
        if (r) m = uint16_t(m | (1u << f));
    }
    return m;
}
constexpr uint16_t kConditionTable[16] = {
    condition_mask(0), condition_mask(1), condition_mask(2), condition_mask(3), condition_mask(4),
    condition_mask(5), condition_mask(6), condition_mask(7), condition_mask(8), condition_mask(9),
    condition_mask(10), condition_mask(11), condition_mask(12), condition_mask(13), condition_mask(14),
    condition_mask(15)};
}  // namespace

bool ArmHart::cond_passed(unsigned cond) const {
    const unsigned nzcv = (n_ >> 31) << 3 | unsigned(z_ == 0) << 2 | c_ << 1 | v_;
    return kConditionTable[cond & 15] >> nzcv & 1;
}

uint32_t ArmHart::q_add(int64_t r) {
    if (r != int64_t(int32_t(r))) q_ = 1;
    return uint32_t(r);
}

// SMUAD/SMUSD and friends: the bottom and top halfword products, Rm swapped if X.
int64_t ArmHart::dual_products(uint32_t rn, uint32_t rm, unsigned x, int sign) {
    if (x & 1) rm = ror32(rm, 16);
    return int64_t(lo16(rn) * lo16(rm)) + sign * int64_t(hi16(rn) * hi16(rm));
}

// SDIV/UDIV: early termination, so the cost grows with the number of quotient bits
// (an assumption within the TRM's 2..12 cycles: div_min + quotient bits / 4).
uint32_t ArmHart::divide(uint32_t n, uint32_t m, bool is_signed) {
    if (m == 0) {
        if (ccr_ & (1u << 4)) throw Fault{kArmUsageFault, kDivByZero};
        return 0;
    }
    const uint32_t un = is_signed && int32_t(n) < 0 ? 0u - n : n, um = is_signed && int32_t(m) < 0 ? 0u - m : m;
    const int quotient_bits = un >= um ? int(clz32(um)) - int(clz32(un)) + 1 : 0;
    const unsigned extra = std::min(timing_.div_max - std::min(timing_.div_max, timing_.div_min), unsigned(quotient_bits + 3) / 4);
    cycles_ += extra;
    stalls_.muldiv += extra;
    if (!is_signed) return n / m;
    if (int32_t(n) == INT32_MIN && int32_t(m) == -1) return n;
    return uint32_t(int32_t(n) / int32_t(m));
}

void ArmHart::check_aligned(uint32_t addr, unsigned size) {
    if (addr & (size - 1)) throw Fault{kArmUsageFault, kUnaligned};
}

template <typename T> uint32_t ArmHart::load_exclusive(uint32_t addr) {
    check_aligned(addr, sizeof(T));
    const uint32_t v = program_load<T>(addr);
    monitor_ = addr;
    return v;
}

// Single core: the local monitor is the only one. A store-exclusive succeeds (returns 0)
// if the last load-exclusive was to the same address and nothing cleared the monitor
// since (CLREX, an exception entry or return).
template <typename T> uint32_t ArmHart::store_exclusive(uint32_t addr, uint32_t value) {
    check_aligned(addr, sizeof(T));
    const bool ok = monitor_ == addr;
    monitor_ = kNoMonitor;
    if (!ok) return 1;
    program_store<T>(addr, T(value));
    return 0;
}

uint32_t ArmHart::load_multiple(const ArmDecoded& d, uint32_t npc, bool decrement_before) {
    const uint32_t list = uint32_t(d.imm), count = uint32_t(__builtin_popcount(list));
    const uint32_t base = x_[d.rn];
    uint32_t addr = decrement_before ? base - 4 * count : base;
    check_aligned(addr, 4);
    uint32_t values[16];
    for (unsigned i = 0; i < 16; i++)
        if (list >> i & 1) { values[i] = program_load<uint32_t>(addr); addr += 4; }
    if (d.flags & kWriteback) x_[d.rn] = decrement_before ? base - 4 * count : base + 4 * count;
    for (unsigned i = 0; i < 15; i++)
        if (list >> i & 1) x_[i] = values[i];
    if (list & 0x8000) {
        if (detailed_) {
            cycles_ += taken_branch(npc - d.len, values[15] & ~1u, d);
        } else {
            cycles_ += d.taken;
            stalls_.branch += d.taken;
        }
        return bx_write_pc(values[15]);
    }
    return npc;
}

void ArmHart::store_multiple(const ArmDecoded& d, bool decrement_before) {
    const uint32_t list = uint32_t(d.imm), count = uint32_t(__builtin_popcount(list));
    const uint32_t base = x_[d.rn];
    uint32_t addr = decrement_before ? base - 4 * count : base;
    check_aligned(addr, 4);
    for (unsigned i = 0; i < 16; i++)
        if (list >> i & 1) { program_store<uint32_t>(addr, x_[i]); addr += 4; }
    if (d.flags & kWriteback) x_[d.rn] = decrement_before ? base - 4 * count : base + 4 * count;
}

// BXWritePC (B1.4.7 / B1.5.8): EXC_RETURN in Handler mode returns from the exception;
// a target without the Thumb bit faults (INVSTATE) when it executes.
uint32_t ArmHart::bx_write_pc(uint32_t target) {
    if (ipsr_ != 0 && (target >> 28) == 0xf) return exception_return(target);
    if (!(target & 1)) throw Fault{kArmUsageFault, kInvState};
    return target & ~1u;
}

// MRS/MSR SYSm (B5.2.2).
uint32_t ArmHart::read_special(unsigned sysm) {
    const uint32_t apsr = xpsr() & 0xf80f0000u;
    switch (sysm) {
    case 0: return apsr;                      // APSR
    case 1: return ipsr_;                     // IAPSR
    case 2: return apsr;                      // EAPSR (EPSR reads as zero)
    case 3: return apsr | ipsr_;              // xPSR
    case 5: return ipsr_;                     // IPSR
    case 6: return 0;                         // EPSR
    case 7: return ipsr_;                     // IEPSR
    case 8: return msp();
    case 9: return psp();
    case 16: return primask_;
    case 17: case 18: return basepri_;
    case 19: return faultmask_;
    case 20: return control_;
    default: return 0;
    }
}

void ArmHart::move_to_special(unsigned sysm, unsigned mask, uint32_t value) {
    switch (sysm) {
    case 0: case 1: case 2: case 3:  // APSR forms: mask bit 1 = NZCVQ, bit 0 = GE
        if (mask & 2) {
            n_ = value & 0x80000000u;
            z_ = (value >> 30 & 1) ? 0 : 1;
            c_ = value >> 29 & 1;
            v_ = value >> 28 & 1;
            q_ = value >> 27 & 1;
        }
        if (mask & 1) ge_ = value >> 16 & 0xf;
        return;
    case 8: if (using_psp()) banked_sp_ = value & ~3u; else x_[13] = value & ~3u; return;
    case 9: if (using_psp()) x_[13] = value & ~3u; else banked_sp_ = value & ~3u; return;
    case 16: primask_ = value & 1; break;
    case 17: basepri_ = value & 0xff & (0xff00u >> options_.priority_bits); break;
    case 18: {  // BASEPRI_MAX: only raises the priority
        const uint32_t v = value & 0xff & (0xff00u >> options_.priority_bits);
        if (v && (basepri_ == 0 || v < basepri_)) basepri_ = v;
        break;
    }
    case 19: if (execution_priority() > -1) faultmask_ = value & 1; break;
    case 20: {
        const bool psp_before = using_psp();
        if (ipsr_ == 0) control_ = (control_ & ~2u) | (value & 2);  // SPSEL: Thread mode only
        control_ = (control_ & ~1u) | (value & 1);
        sp_select(psp_before);
        return;
    }
    default: return;
    }
    recheck_exceptions();  // a mask changed: a pending exception may now be taken
}

// CPS: imm bit 4 = disable (ID), bit 1 = PRIMASK, bit 0 = FAULTMASK.
void ArmHart::cps(uint32_t bits) {
    const uint32_t disable = bits >> 4 & 1;
    if (bits & 2) primask_ = disable;
    if ((bits & 1) && (!disable || execution_priority() > -1)) faultmask_ = disable;
    recheck_exceptions();
}

uint32_t ArmHart::supervisor_call(uint32_t return_address) {
    // SVC must be able to preempt; otherwise it escalates to HardFault (B1.5.15).
    if (group_priority(priority(kArmSvc)) >= execution_priority()) {
        hfsr_ |= kHfsrForced;
        if (execution_priority() <= -1) stop_run("lockup: SVC with HardFault priority or higher", return_address - 2, 0, 0, false);
        return enter_exception(kArmHardFault, return_address - 2);
    }
    return enter_exception(kArmSvc, return_address);
}

uint32_t ArmHart::breakpoint(uint32_t imm, uint32_t pc, uint32_t npc) {
    if (imm == 0xab && options_.semihosting) {
        x_[0] = semihosting_call(x_[0], x_[1]);
        return npc;
    }
    stop_run("breakpoint (BKPT #" + std::to_string(imm) + ", no debugger)", pc, 0xbe00 | imm, 0, false, kArmDebugMonitor);
}

// WFI: sleep until an exception is pending (even one masked by PRIMASK: WFI wakes up
// anyway). The only wake-up source a run can have by itself is SysTick: skip to its tick.
void ArmHart::wait_for_interrupt() {
    for (unsigned e = 1; e < kArmIrq0 + options_.irq_count; e++)
        if (pending_[e] && (e < kArmIrq0 || irq_enabled_[e])) return;
    if ((syst_csr_ & 3) == 3 && syst_zero_at_ > cycles_) {
        sleep_cycles_ += syst_zero_at_ - cycles_;
        cycles_ = syst_zero_at_;
    }
}

// ---------------------------------------------------------------------------------------------
// Semihosting (Arm semihosting 2.0: the calls newlib/picolibc and qemu use)

uint32_t ArmHart::semihosting_call(uint32_t op, uint32_t arg) {
    auto word = [&](uint32_t i) { return load<uint32_t>(arg + 4 * i); };
    auto text = [&](uint32_t addr, uint32_t len) {
        std::string s(len, '\0');
        for (uint32_t i = 0; i < len; i++) s[i] = char(load<uint8_t>(addr + i));
        return s;
    };
    // Handles as qemu hands them out: the lowest free number from 1. Handles 1 and 2 that
    // were never opened are the console too (programs that write to stdout/stderr directly).
    auto handle = [&](uint32_t h) -> SemihostFile {
        if (h < semihost_files_.size() && semihost_files_[h] != SemihostFile::kFree) return semihost_files_[h];
        return h == 1 || h == 2 ? SemihostFile::kConsole : SemihostFile::kFree;
    };
    static const char kFeatures[] = {'S', 'H', 'F', 'B', 0x03};  // EXIT_EXTENDED, STDOUT_STDERR
    constexpr uint32_t kApplicationExit = 0x20026;
    // Calls that return nothing leave r0 "corrupted"; qemu writes 0xdeadbeef, and so do we,
    // so that register traces of both compare equal (tests/arm/trace_diff.py).
    constexpr uint32_t kCorrupted = 0xdeadbeef;
    switch (op) {
    case 0x01: {  // SYS_OPEN {name, mode, length}: ":tt" is the console, ":semihosting-features"
        const std::string name = text(word(0), word(2));
        SemihostFile kind = SemihostFile::kFree;
        if (name == ":tt") kind = SemihostFile::kConsole;
        if (name == ":semihosting-features") kind = SemihostFile::kFeatures;
        if (kind == SemihostFile::kFree) return uint32_t(-1);
        uint32_t h = 1;
        while (h < semihost_files_.size() && semihost_files_[h] != SemihostFile::kFree) h++;
        if (h >= semihost_files_.size()) semihost_files_.resize(h + 1, SemihostFile::kFree);
        semihost_files_[h] = kind;
        if (kind == SemihostFile::kFeatures) semihost_features_pos_ = 0;
        return h;
    }
    case 0x02: {  // SYS_CLOSE
        const uint32_t h = word(0);
        if (h >= semihost_files_.size() || semihost_files_[h] == SemihostFile::kFree) return uint32_t(-1);
        semihost_files_[h] = SemihostFile::kFree;
        return 0;
    }
    case 0x03:    // SYS_WRITEC
        if (console_) console_(std::string(1, char(load<uint8_t>(arg))));
        return kCorrupted;
    case 0x04: {  // SYS_WRITE0
        std::string s;
        for (uint32_t a = arg; char c = char(load<uint8_t>(a)); a++) s += c;
        if (console_) console_(s);
        return kCorrupted;
    }
    case 0x05: {  // SYS_WRITE {handle, buffer, length}: returns bytes not written
        if (handle(word(0)) != SemihostFile::kConsole) return word(2);
        if (console_) console_(text(word(1), word(2)));
        return 0;
    }
    case 0x06: {  // SYS_READ {handle, buffer, length}: returns bytes not read (console: EOF)
        const uint32_t buf = word(1), len = word(2);
        if (handle(word(0)) != SemihostFile::kFeatures) return len;
        uint32_t n = 0;
        while (n < len && semihost_features_pos_ < sizeof kFeatures)
            store<uint8_t>(buf + n++, uint8_t(kFeatures[semihost_features_pos_++]));
        return len - n;
    }
    case 0x09: return handle(word(0)) == SemihostFile::kConsole ? 1 : 0;  // SYS_ISTTY
    case 0x0a: semihost_features_pos_ = word(1); return 0;                  // SYS_SEEK
    case 0x0c:    // SYS_FLEN
        return handle(word(0)) == SemihostFile::kFeatures ? uint32_t(sizeof kFeatures) : uint32_t(-1);
    case 0x10: return uint32_t(cycles_ / 10000);  // SYS_CLOCK (centiseconds at 1 MHz)
    case 0x13: return 0;                          // SYS_ERRNO
    case 0x15: {  // SYS_GET_CMDLINE {buffer, length}
        const uint32_t buf = word(0), size = word(1);
        if (command_line_.size() + 1 > size) return uint32_t(-1);
        for (size_t i = 0; i <= command_line_.size(); i++) store<uint8_t>(buf + uint32_t(i), uint8_t(command_line_.c_str()[i]));
        store<uint32_t>(arg + 4, uint32_t(command_line_.size()));
        return 0;
    }
    case 0x18:    // SYS_EXIT: reason in r1 (32-bit)
        request_exit(arg == kApplicationExit ? 0 : 1);
        return 0;
    case 0x20:    // SYS_EXIT_EXTENDED {reason, subcode}
        request_exit(word(0) == kApplicationExit ? int(word(1)) : 1);
        return 0;
    default: return uint32_t(-1);
    }
}

// ---------------------------------------------------------------------------------------------
// Exceptions (B1.5): priorities, entry with 8-word stacking, EXC_RETURN, escalation.

int ArmHart::priority(unsigned e) const {
    if (e == kArmReset) return -3;
    if (e == kArmNmi) return -2;
    if (e == kArmHardFault) return -1;
    const uint8_t mask = uint8_t(0xff00u >> options_.priority_bits);
    if (e < kArmIrq0) return shpr_[e - 4] & mask;
    return irq_priority_[e - kArmIrq0] & mask;
}

int ArmHart::group_priority(int p) const {
    if (p < 0) return p;
    const int sub_bits = int(prigroup_) + 1;  // PRIGROUP n: bits [n:0] are subpriority
    return (p >> sub_bits) << sub_bits;
}

int ArmHart::execution_priority() const {
    int p = kNoPriority;
    for (unsigned e = 1; e < 16 + options_.irq_count; e++)
        if (active_[e]) p = std::min(p, group_priority(priority(e)));
    if (basepri_) p = std::min(p, group_priority(int(basepri_)));
    if (primask_) p = std::min(p, 0);
    if (faultmask_) p = std::min(p, -1);
    return p;
}

// The pending exception that would preempt now, or -1.
int ArmHart::pending_to_take() const {
    if (pending_.none()) return -1;
    int best = -1, best_priority = kNoPriority;
    for (unsigned e = 1; e < 16 + options_.irq_count; e++) {
        if (!pending_[e] || (e >= kArmIrq0 && !irq_enabled_[e])) continue;
        const int p = group_priority(priority(e));
        if (p < best_priority) { best = int(e); best_priority = p; }
    }
    return best >= 0 && best_priority < execution_priority() ? best : -1;
}

void ArmHart::pend(unsigned e) {
    pending_[e] = true;
    recheck_exceptions();
}

void ArmHart::set_irq_pending(unsigned irq) {
    if (irq < options_.irq_count) pend(kArmIrq0 + irq);
}

void ArmHart::stop_run(std::string what, uint32_t pc, uint32_t insn, uint32_t address, bool has_address,
                       unsigned exception) {
    stop_ = {std::move(what), pc, insn, address, has_address};
    trap_ = {exception, pc, insn, has_address ? address : insn};
    throw Stopped{};
}

// PushStack + ExceptionTaken: returns the handler's address.
uint32_t ArmHart::vector(unsigned e, uint32_t pc) {
    uint32_t handler = 0;
    try {
        handler = load<uint32_t>(vtor_ + 4 * e);
    } catch (const Fault&) {
        stop_run(std::string("vector table read failed for ") + fault_name(e), pc, 0, vtor_ + 4 * e, true);
    }
    if (handler == 0)
        stop_run(std::string(fault_name(e)) + " with no handler (vector " + std::to_string(e) + " is 0)", pc, 0, 0, false);
    return handler;
}

uint32_t ArmHart::enter_exception(unsigned e, uint32_t return_address) {
    const uint32_t handler = vector(e, return_address);
    slot1_ = false;  // the pipeline drains: the handler's first instruction issues alone
    if (detailed_) cycles_ += fetch_at(handler);
    const bool psp_before = using_psp();
    const uint32_t sp = x_[13];
    const bool realign = (sp & 4) != 0;  // CCR.STKALIGN: the frame is 8-byte aligned
    const uint32_t frame = (sp - 32) & ~7u;
    const uint32_t xpsr_saved = (xpsr() & ~(1u << 9)) | (realign ? 1u << 9 : 0);
    const uint32_t words[8] = {x_[0], x_[1], x_[2], x_[3], x_[12], x_[14], return_address & ~1u, xpsr_saved};
    try {
        for (unsigned i = 0; i < 8; i++) program_store<uint32_t>(frame + 4 * i, words[i]);
    } catch (const Fault& f) {
        stop_run("lockup: stacking failed on entry to " + std::string(fault_name(e)), return_address, 0, f.address, true);
    }
    x_[13] = frame;
    x_[14] = ipsr_ != 0 ? 0xfffffff1u : psp_before ? 0xfffffffdu : 0xfffffff9u;
    ipsr_ = e;
    control_ &= ~2u;           // handlers run on the main stack
    sp_select(psp_before);     // a frame on PSP: PSP is banked, MSP becomes current
    pending_[e] = false;
    active_[e] = true;
    monitor_ = kNoMonitor;
    cycles_ += timing_.exception_entry;
    stalls_.branch += timing_.exception_entry;
    recheck_exceptions();
    return handler & ~1u;
}

// ExceptionReturn + PopStack (B1.5.8).
uint32_t ArmHart::exception_return(uint32_t exc_return) {
    const uint32_t kind = exc_return & 0xf;
    const unsigned returning = ipsr_;
    if ((exc_return & 0x0ffffff0u) != 0x0ffffff0u || (kind != 1 && kind != 9 && kind != 0xd) || !active_[returning])
        throw Fault{kArmUsageFault, kInvPc};
    active_[returning] = false;
    if (returning != kArmNmi) faultmask_ = 0;
    // Tail-chaining: an exception pending that may preempt the context being returned to
    // is entered at once, on the same frame (no unstacking and stacking again).
    const int next = pending_to_take();
    if (next >= 0) {
        const uint32_t handler = vector(unsigned(next), 0);
        ipsr_ = unsigned(next);
        pending_[next] = false;
        active_[next] = true;
        x_[14] = exc_return;
        monitor_ = kNoMonitor;
        cycles_ += timing_.tail_chain;
        stalls_.branch += timing_.tail_chain;
        if (detailed_) cycles_ += fetch_at(handler & ~1u);
        return handler & ~1u;
    }
    // Handler mode always runs on MSP; pick the stack the frame is on.
    const bool to_psp = kind == 0xd;
    uint32_t& frame_sp = to_psp ? banked_sp_ : x_[13];
    const uint32_t frame = frame_sp;
    uint32_t w[8];
    try {
        for (unsigned i = 0; i < 8; i++) w[i] = program_load<uint32_t>(frame + 4 * i);
    } catch (const Fault& f) {
        stop_run("lockup: unstacking failed on exception return", 0, 0, f.address, true);
    }
    frame_sp = frame + 32 + ((w[7] >> 9 & 1) ? 4 : 0);
    x_[0] = w[0]; x_[1] = w[1]; x_[2] = w[2]; x_[3] = w[3]; x_[12] = w[4]; x_[14] = w[5];
    n_ = w[7] & 0x80000000u;
    z_ = (w[7] >> 30 & 1) ? 0 : 1;
    c_ = w[7] >> 29 & 1;
    v_ = w[7] >> 28 & 1;
    q_ = w[7] >> 27 & 1;
    ge_ = w[7] >> 16 & 0xf;
    ipsr_ = kind == 1 ? (w[7] & 0x1ff) : 0;
    if (kind == 1 && ipsr_ == 0) ipsr_ = returning;  // (a frame without IPSR: stay in Handler mode)
    // Back to Thread mode on PSP: bank the MSP, make PSP current.
    if (to_psp) {
        control_ |= 2u;
        std::swap(x_[13], banked_sp_);
    } else if (kind == 9) {
        control_ &= ~2u;
    }
    monitor_ = kNoMonitor;
    cycles_ += timing_.exception_return;
    stalls_.branch += timing_.exception_return;
    if (detailed_) cycles_ += fetch_at(w[6] & ~1u);  // the fetch unit resumes at the return address
    recheck_exceptions();
    return w[6] & ~1u;
}

// A fault raised by the instruction at pc: record it in the SCB, then enter its handler,
// or HardFault when it is disabled or cannot preempt; a fault at HardFault priority or
// higher is a lockup, which stops the run.
uint32_t ArmHart::take_fault(const Fault& f, uint32_t pc, uint32_t insn) {
    unsigned e = f.exception;
    cfsr_ |= f.cfsr;
    if (f.has_address && e == kArmBusFault) bfar_ = f.address;
    if (f.has_address && e == kArmMemManage) mmfar_ = f.address;
    std::string what = std::string(fault_name(e)) + " (" + cfsr_names(f.cfsr) + ")";
    if (f.cfsr & kNoCp) what += ": a floating-point or coprocessor instruction, and the core has no FPU (build soft-float)";
    const int current = execution_priority();
    const bool enabled = e == kArmHardFault ||
                         (shcsr_enables_ >> (e == kArmMemManage ? 16 : e == kArmBusFault ? 17 : 18) & 1);
    if (e != kArmHardFault && (!enabled || group_priority(priority(e)) >= current)) {
        hfsr_ |= kHfsrForced;
        e = kArmHardFault;
        what += ", escalated to HardFault";
    }
    if (current <= -1)
        stop_run("lockup: " + what + " in HardFault or with FAULTMASK set", pc, insn, f.address, f.has_address, f.exception);
    uint32_t handler = 0;
    try {
        handler = load<uint32_t>(vtor_ + 4 * e);
    } catch (const Fault&) {
    }
    if (handler == 0) stop_run(what + ", no handler", pc, insn, f.address, f.has_address, f.exception);
    return enter_exception(e, pc);
}

// ---------------------------------------------------------------------------------------------
// SysTick: counts core cycles; the counter reaches 0 every RVR + 1 cycles.

uint32_t ArmHart::systick_current() const {
    if (!(syst_csr_ & 1)) return syst_cvr_;
    return syst_zero_at_ >= cycles_ ? uint32_t(syst_zero_at_ - cycles_) : 0;
}

uint64_t ArmHart::systick_next_event() const {
    return (syst_csr_ & 1) && syst_rvr_ ? syst_zero_at_ : UINT64_MAX;
}

void ArmHart::systick_update() {
    if (!(syst_csr_ & 1) || !syst_rvr_) return;
    while (cycles_ >= syst_zero_at_) {
        syst_csr_ |= 1u << 16;  // COUNTFLAG
        if (syst_csr_ & 2) pend(kArmSysTick);
        syst_zero_at_ += uint64_t(syst_rvr_) + 1;
    }
}

// ---------------------------------------------------------------------------------------------
// System control space (PPB, 0xE000E000..): SCB, SysTick, NVIC; DWT cycle counter.

uint32_t ArmHart::ppb_read(uint32_t addr) {
    addr &= ~3u;
    if (addr >= 0xe000e100 && addr < 0xe000e100 + 0x280 + 0x40) {  // ISER ICER ISPR ICPR IABR
        const unsigned group = (addr - 0xe000e100) >> 7, index = (addr >> 2) & 31;
        uint32_t v = 0;
        for (unsigned b = 0; b < 32; b++) {
            const unsigned irq = index * 32 + b;
            if (irq >= options_.irq_count) break;
            const bool bit = group <= 1 ? irq_enabled_[kArmIrq0 + irq]
                           : group <= 3 ? pending_[kArmIrq0 + irq] : active_[kArmIrq0 + irq];
            v |= uint32_t(bit) << b;
        }
        return v;
    }
    if (addr >= 0xe000e400 && addr < 0xe000e400 + options_.irq_count) {  // IPR
        uint32_t v = 0;
        for (unsigned b = 0; b < 4; b++)
            if (addr - 0xe000e400 + b < options_.irq_count) v |= uint32_t(irq_priority_[addr - 0xe000e400 + b]) << (8 * b);
        return v;
    }
    if (addr >= 0xe000ed18 && addr < 0xe000ed24) {  // SHPR1-3
        uint32_t v;
        std::memcpy(&v, &shpr_[addr - 0xe000ed18], 4);
        return v;
    }
    switch (addr) {
    case 0xe000e004: return (options_.irq_count + 31) / 32 - 1;  // ICTR
    case 0xe000e010: { const uint32_t v = syst_csr_; syst_csr_ &= ~(1u << 16); return v; }
    case 0xe000e014: return syst_rvr_;
    case 0xe000e018: return systick_current();
    case 0xe000e01c: return 0xc0000000u;  // CALIB: no reference clock, TENMS unknown
    case 0xe000ed00: return options_.cpuid;
    case 0xe000ed04: {  // ICSR
        int vectpending = -1, best = kNoPriority;
        for (unsigned e = 1; e < 16 + options_.irq_count; e++)
            if (pending_[e] && (e < kArmIrq0 || irq_enabled_[e]) && group_priority(priority(e)) < best) {
                best = group_priority(priority(e));
                vectpending = int(e);
            }
        const bool rettobase = active_.count() <= 1;
        return ipsr_ | (rettobase ? 1u << 11 : 0) | (vectpending > 0 ? uint32_t(vectpending) << 12 : 0) |
               (pending_[kArmSysTick] ? 1u << 26 : 0) | (pending_[kArmPendSv] ? 1u << 28 : 0) |
               (pending_[kArmNmi] ? 1u << 31 : 0);
    }
    case 0xe000ed08: return vtor_;
    case 0xe000ed0c: return 0xfa050000u | prigroup_ << 8;
    case 0xe000ed10: return scr_;
    case 0xe000ed14: return ccr_;
    case 0xe000ed24:  // SHCSR: enables, active and pending bits
        return shcsr_enables_ | uint32_t(active_[kArmMemManage]) | uint32_t(active_[kArmBusFault]) << 1 |
               uint32_t(active_[kArmUsageFault]) << 3 | uint32_t(active_[kArmSvc]) << 7 |
               uint32_t(active_[kArmDebugMonitor]) << 8 | uint32_t(active_[kArmPendSv]) << 10 |
               uint32_t(active_[kArmSysTick]) << 11 | uint32_t(pending_[kArmUsageFault]) << 12 |
               uint32_t(pending_[kArmMemManage]) << 13 | uint32_t(pending_[kArmBusFault]) << 14 |
               uint32_t(pending_[kArmSvc]) << 15;
    case 0xe000ed28: return cfsr_;
    case 0xe000ed2c: return hfsr_;
    case 0xe000ed34: return mmfar_;
    case 0xe000ed38: return bfar_;
    case 0xe000edfc: return demcr_;
    case 0xe0001000: return dwt_ctrl_;
    case 0xe0001004: return uint32_t(cycles_ - cyccnt_base_);
    default: return 0;  // other PPB registers: read as zero, writes ignored
    }
}

void ArmHart::ppb_write(uint32_t addr, uint32_t value, unsigned len) {
    // Byte-addressable priority registers first; everything else is a word register.
    if ((addr >= 0xe000ed18 && addr < 0xe000ed24) || (addr >= 0xe000e400 && addr < 0xe000e400 + options_.irq_count)) {
        for (unsigned b = 0; b < len; b++) {
            const uint32_t a = addr + b;
            const uint8_t v = uint8_t(value >> (8 * b)) & uint8_t(0xff00u >> options_.priority_bits);
            if (a >= 0xe000ed18 && a < 0xe000ed24) shpr_[a - 0xe000ed18] = v;
            else if (a - 0xe000e400 < options_.irq_count) irq_priority_[a - 0xe000e400] = v;
        }
        recheck_exceptions();
        return;
    }
    value <<= 8 * (addr & 3);
    addr &= ~3u;
    if (addr >= 0xe000e100 && addr < 0xe000e100 + 0x200) {  // ISER ICER ISPR ICPR
        const unsigned group = (addr - 0xe000e100) >> 7, index = (addr >> 2) & 31;
        for (unsigned b = 0; b < 32; b++) {
            const unsigned irq = index * 32 + b;
            if (irq >= options_.irq_count || !(value >> b & 1)) continue;
            if (group == 0) irq_enabled_[kArmIrq0 + irq] = true;
            if (group == 1) irq_enabled_[kArmIrq0 + irq] = false;
            if (group == 2) pending_[kArmIrq0 + irq] = true;
            if (group == 3) pending_[kArmIrq0 + irq] = false;
        }
        recheck_exceptions();
        return;
    }
    switch (addr) {
    case 0xe000e010: {  // SYST_CSR: ENABLE, TICKINT, CLKSOURCE (both count core cycles here)
        const bool was_on = syst_csr_ & 1;
        syst_csr_ = (syst_csr_ & (1u << 16)) | (value & 7);
        if (!was_on && (value & 1))  // starts from the current value; 0 reloads first
            syst_zero_at_ = cycles_ + (syst_cvr_ ? syst_cvr_ : uint64_t(syst_rvr_) + 1);
        if (was_on && !(value & 1)) syst_cvr_ = systick_current();
        recheck_exceptions();
        return;
    }
    case 0xe000e014: syst_rvr_ = value & 0x00ffffffu; return;
    case 0xe000e018:  // any write clears the counter and COUNTFLAG; the next cycle reloads
        syst_cvr_ = 0;
        syst_csr_ &= ~(1u << 16);
        syst_zero_at_ = cycles_ + uint64_t(syst_rvr_) + 1;
        recheck_exceptions();
        return;
    case 0xe000ed04:  // ICSR: set/clear pending of NMI, PendSV, SysTick
        if (value & (1u << 31)) pending_[kArmNmi] = true;
        if (value & (1u << 28)) pending_[kArmPendSv] = true;
        if (value & (1u << 27)) pending_[kArmPendSv] = false;
        if (value & (1u << 26)) pending_[kArmSysTick] = true;
        if (value & (1u << 25)) pending_[kArmSysTick] = false;
        recheck_exceptions();
        return;
    case 0xe000ed08: vtor_ = value & 0xffffff80u; return;
    case 0xe000ed0c:
        if ((value >> 16) == 0x05fa) prigroup_ = value >> 8 & 7;
        recheck_exceptions();
        return;
    case 0xe000ed10: scr_ = value & 0x16; return;
    case 0xe000ed14: ccr_ = (value & 0x31b) | 0x200; return;
    case 0xe000ed24: shcsr_enables_ = value & (7u << 16); recheck_exceptions(); return;
    case 0xe000ed28: cfsr_ &= ~value; return;   // write one to clear
    case 0xe000ed2c: hfsr_ &= ~value; return;
    case 0xe000ed34: mmfar_ = value; return;
    case 0xe000ed38: bfar_ = value; return;
    case 0xe000edfc: demcr_ = value; return;
    case 0xe000ef00: set_irq_pending(value & 0x1ff); return;  // STIR
    case 0xe0001000: dwt_ctrl_ = value; return;
    case 0xe0001004: cyccnt_base_ = cycles_ - value; return;
    default: return;
    }
}

// ---------------------------------------------------------------------------------------------
// The run loop: exceptions and SysTick between bursts of execution.

StopReason ArmHart::run(uint64_t cycle_limit) {
    if (!stop_.what.empty()) return StopReason::kTrap;
    uint32_t pc = pc_;
    ArmDecoded* d = nullptr;
    for (;;) {
        if (exit_requested_) { pc_ = pc; return StopReason::kExit; }
        try {
            systick_update();
            uint64_t limit = std::min(cycle_limit, systick_next_event());
            if (pending_to_take() >= 0) {
                if (in_it_block(pc)) {
                    limit = std::min(limit, cycles_ + 1);  // finish the IT block first
                } else {
                    pc = enter_exception(unsigned(pending_to_take()), pc);
                    continue;
                }
            }
            if (cycles_ >= cycle_limit) { pc_ = pc; return StopReason::kLimit; }
            limit_ = std::max(limit, cycles_ + 1);
            d = nullptr;
            if (detailed_) {
                if (track_touched_) execute<true, true>(pc, d);
                else execute<false, true>(pc, d);
            } else {
                if (track_touched_) execute<true, false>(pc, d);
                else execute<false, false>(pc, d);
            }
        } catch (const Fault& f) {
            try {
                pc = take_fault(f, pc, d ? d->raw : 0);
            } catch (const Stopped&) {
                pc_ = pc;
                return StopReason::kTrap;
            }
        } catch (const Stopped&) {
            pc_ = pc;
            return StopReason::kTrap;
        }
    }
}

template <bool kTrackTouched, bool kDetailed> void ArmHart::execute(uint32_t& pc_ref, ArmDecoded*& d_ref) {
    uint32_t pc = pc_ref;
    ArmDecoded* d = nullptr;
    bool slot1 = slot1_;  // Cortex-M7: this instruction issues in slot 1 of a pair
    bool slot1_before = slot1;  // for an entry decoded on the spot, whose first ISSUE was empty
    Region* code = (code_ && code_->contains(pc)) ? code_ : select_code_region(pc);
    uint32_t code_base = code->t.base, code_size = code->t.size;
    ArmDecoded* cache = code->cache;

#define RD x_[d->rd]
#define RN x_[d->rn]
#define RM x_[d->rm]
#define RA x_[d->ra]
#define SRN int32_t(x_[d->rn])
#define SRM int32_t(x_[d->rm])
#define SRA int32_t(x_[d->ra])
#define IMM uint32_t(d->imm)
#define SH_TYPE d->shift_type
#define SH_N d->shift_n
#define S (d->flags & kSetFlags)
#define P_INDEX (d->flags & kIndex)
#define WBACK (d->flags & kWriteback)
#define COND d->cond
#define PC pc
#define NPC npc
#define LR x_[14]
#define SP x_[13]
#define BRANCH_TO(target) do { npc = (target); \
    if (kDetailed) cycles_ += taken_branch(pc, npc, *d); else { cycles_ += d->taken; stalls_.branch += d->taken; } } while (0)
#define BRANCH_IF(c, target) do { if (c) BRANCH_TO(target); else if (kDetailed) cycles_ += not_taken_branch(pc); } while (0)
#define BX_TO(value) do { const uint32_t t_ = (value); \
    if (kDetailed) cycles_ += taken_branch(pc, t_ & ~1u, *d); else { cycles_ += d->taken; stalls_.branch += d->taken; } \
    npc = bx_write_pc(t_); } while (0)
#define LOAD(T, addr) uint32_t(int32_t(load<T, kTrackTouched>(addr)))
#define STORE(T, addr, v) store<T, kTrackTouched>(addr, T(v))
#define LOAD_X_VALUE(T) \
    const uint32_t a_ = RN + IMM, ea_ = P_INDEX ? a_ : RN; const uint32_t v_ = LOAD(T, ea_); if (WBACK) RN = a_;
#define LOAD_X(T) { LOAD_X_VALUE(T); RD = v_; }
#define STORE_X(T) { const uint32_t a_ = RN + IMM, ea_ = P_INDEX ? a_ : RN; STORE(T, ea_, RD); if (WBACK) RN = a_; }
#define LOGIC_I(expr) \
    { const uint32_t op2 = IMM; const uint32_t r_ = (expr); \
      if (S) { set_nz(r_); if (d->flags & kImmCarry) c_ = op2 >> 31; } RD = r_; }
#define LOGIC_R(expr) \
    { uint32_t sc_ = c_; const uint32_t op2 = shift_c(RM, SH_TYPE, SH_N, sc_); const uint32_t r_ = (expr); \
      if (S) { set_nz(r_); c_ = sc_; } RD = r_; }
#define ARITH(x, y, cin) \
    { uint32_t co_, vo_; const uint32_t r_ = add_with_carry(x, y, cin, co_, vo_); \
      if (S) { set_nz(r_); c_ = co_; v_ = vo_; } RD = r_; }
#define ARITH_I(x, y, cin) { const uint32_t op2 = IMM; ARITH(x, y, cin) }
#define ARITH_R(x, y, cin) { const uint32_t op2 = shift(RM, SH_TYPE, SH_N, c_); ARITH(x, y, cin) }
#define Q_IF(sat) do { if (sat) q_ = 1; } while (0)
#define ACC64 (uint64_t(RD) << 32 | RA)
#define WRITE64(value) do { const uint64_t r64_ = (value); RA = uint32_t(r64_); RD = uint32_t(r64_ >> 32); } while (0)

    struct Publish {
        uint32_t& pc_out; ArmDecoded*& d_out; bool& slot1_out; uint32_t& pc; ArmDecoded*& d; bool& slot1;
        ~Publish() { pc_out = pc; d_out = d; slot1_out = slot1; }
    } publish{pc_ref, d_ref, slot1_, pc, d, slot1};

    static const void* const kHandlers[] = {
        &&op_kUndecoded, &&op_kUndefined, &&op_kNoCoprocessor, &&op_kPrologue,
#define OP16(name, ...) &&op_##name,
#define OP32(name, ...) &&op_##name,
#define OP(name, ...) &&op_##name,
#define ALIAS16(...)
#define ALIAS32(...)
#include "arm/arm.def"
#undef OP16
#undef OP32
#undef OP
    };
    static_assert(sizeof kHandlers / sizeof *kHandlers == size_t(ArmOp::kCount), "a handler per ArmOp");
    uint32_t npc = pc, off = 0;
    // The static cost; with dual issue an instruction in slot 1 pays only its stalls (its
    // issue cycle is its partner's). Then the fetch of a new line, if it starts one.
#define ISSUE()                                                                                   \
    do {                                                                                          \
        if (kDetailed) {                                                                          \
            slot1_before = slot1;                                                                 \
            cycles_ += slot1 ? unsigned(d->stall & 15) + unsigned(d->stall >> 4) : d->cycles;     \
            slot1 = !slot1 && (d->flags & kPairsWithNext);                                        \
            if (__builtin_expect(d->flags & kNewFetchLine, 0) &&                                  \
                ((pc + d->len - 1) & code->fetch_mask) != last_fetch_line_)                       \
                cycles_ += fetch_line(*code, pc + d->len - 1);                                    \
        } else {                                                                                  \
            cycles_ += d->cycles;                                                                 \
        }                                                                                         \
    } while (0)
#define DISPATCH()                                                        \
    do {                                                                  \
        pc = npc;                                                         \
        if (__builtin_expect(cycles_ >= limit_, 0)) return;               \
        off = pc - code_base;                                             \
        if (__builtin_expect(off >= code_size, 0)) goto change_region;    \
        d = cache + (off >> 1);                                           \
        ISSUE();                                                          \
        ++d->count;                                                       \
        npc = pc + d->len;                                                \
        goto* kHandlers[size_t(d->op)];                                   \
    } while (0)

    DISPATCH();
change_region:
    code = select_code_region(pc);
    code_base = code->t.base;
    code_size = code->t.size;
    cache = code->cache;
    npc = pc;
    DISPATCH();
op_kUndecoded: {
    unsigned it_cond = 14;  // first execution at this address; in an IT block if an IT says so
    const bool in_it = enclosing_it_condition(*code, pc, it_cond);
    decode_into(*d, *code, pc, in_it, it_cond);
}
    slot1 = slot1_before;
    ISSUE();
    d->count = 1;
    npc = pc + d->len;
    goto* kHandlers[size_t(d->op)];
op_kUndefined:
    throw Fault{kArmUsageFault, kUndefInstr};
op_kNoCoprocessor:
    throw Fault{kArmUsageFault, kNoCp};
op_kPrologue:
    if (!cond_passed(d->cond)) DISPATCH();
    x_[15] = pc + 4;
    goto* kHandlers[size_t(d->real_op)];
#define OP16(name, mask, match, fmt, timing, ...) op_##name: { __VA_ARGS__; } DISPATCH();
#define OP32(name, mask, match, fmt, timing, ...) op_##name: { __VA_ARGS__; } DISPATCH();
#define OP(name, timing, ...) op_##name: { __VA_ARGS__; } DISPATCH();
#include "arm/arm.def"
#undef OP16
#undef OP32
#undef OP
#undef ALIAS16
#undef ALIAS32
#undef DISPATCH
#undef ISSUE
}

}  // namespace vitsim
