#include "iss/hart.h"

#include <sys/mman.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

namespace vitsim {

namespace {

constexpr unsigned kPageShift = 8;  // decode-cache bookkeeping granule: 256 bytes of code
constexpr unsigned kBlockShift = 24;  // fast data lookup: one entry per 16 MiB of address space

// A trap raised inside an instruction; caught by the executor loop.
struct TrapException {
    uint32_t cause, tval;
};

// The dot products sum in a 32-bit register: modulo 2^32. Each lane product fits
// int32 (|int16 * int16| <= 2^30), but two int16 products can sum to 2^31, so the
// sums are unsigned (signed overflow is undefined in C++).
inline uint32_t dot4_s8(uint32_t a, uint32_t b) {
    uint32_t s = 0;
    for (int i = 0; i < 32; i += 8) s += uint32_t(int32_t(int8_t(a >> i)) * int32_t(int8_t(b >> i)));
    return s;
}
inline uint32_t dot2_s16(uint32_t a, uint32_t b) {
    return uint32_t(int32_t(int16_t(a)) * int32_t(int16_t(b))) +
           uint32_t(int32_t(int16_t(a >> 16)) * int32_t(int16_t(b >> 16)));
}
// Saturate to `bits` signed bits (1..31; 0 or >= 32 leaves x unchanged).
inline uint32_t clip_signed(int32_t x, int32_t bits) {
    if (bits <= 0 || bits >= 32) return uint32_t(x);
    const int32_t hi = int32_t((1u << (bits - 1)) - 1), lo = -hi - 1;
    return uint32_t(std::clamp(x, lo, hi));
}
// Saturate to [0, 2^bits - 1] (bits 0..31; >= 32 only clamps negatives to 0).
inline uint32_t clip_unsigned(int32_t x, int32_t bits) {
    if (x < 0) return 0;
    if (bits < 0 || bits >= 32) return uint32_t(x);
    return std::min(uint32_t(x), (1u << bits) - 1);
}

constexpr int width_index(unsigned len) { return len == 1 ? 0 : len == 2 ? 1 : 2; }
template <typename T> constexpr int width_index() { return width_index(sizeof(T)); }

// Zeroed memory mapped lazily by the OS: a decode cache for a 16 MiB flash costs
// nothing until code runs there.
void* lazy_zeroed(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

// CSR numbers (privileged spec); mhpmcounter3..7 expose the stall counters.
enum Csr : uint32_t {
    kMstatus = 0x300, kMisa = 0x301, kMie = 0x304, kMtvec = 0x305, kMcountinhibit = 0x320,
    kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343, kMip = 0x344,
    kMcycle = 0xb00, kMinstret = 0xb02, kMhpm3 = 0xb03, kMhpm7 = 0xb07,
    kMcycleh = 0xb80, kMinstreth = 0xb82, kMhpm3h = 0xb83, kMhpm7h = 0xb87,
    kCycle = 0xc00, kTime = 0xc01, kInstret = 0xc02, kHpm3 = 0xc03, kHpm7 = 0xc07,
    kCycleh = 0xc80, kTimeh = 0xc81, kInstreth = 0xc82, kHpm3h = 0xc83, kHpm7h = 0xc87,
    kMvendorid = 0xf11, kMarchid = 0xf12, kMimpid = 0xf13, kMhartid = 0xf14,
};

// mstatus fields this M-mode-only hart has. MPP is WARL with M the only legal
// value: it always reads 3.
constexpr uint32_t kMstatusMie = 1u << 3, kMstatusMpie = 1u << 7, kMstatusMppMachine = 3u << 11;
// mtvec: direct mode only (docs/isa.md); the MODE field (bits 1..0) is WARL and reads 0.
constexpr uint32_t kMtvecModeMask = 3u;

// The counter a counter CSR number (machine or user alias, low or high half) names:
// kCycleCounter, kInstretCounter or kHpm3Counter + i; false for other CSRs. `time`
// is not one of them: it is simulated time, read-only.
bool counter_of(uint32_t csr, unsigned& counter, bool& high) {
    const uint32_t base = csr & ~0x80u;  // 0xb80 / 0xc80: the high halves
    high = (csr & 0x80u) != 0;
    if ((base >= kMcycle && base <= kMhpm7) || (base >= kCycle && base <= kHpm7)) {
        const uint32_t index = base & 0x1f;  // 0 cycle, 1 time, 2 instret, 3..7 hpm
        if (index == 1) return false;
        counter = index == 0 ? 0 : index - 1;
        return true;
    }
    return false;
}

}  // namespace

struct Hart::Region {
    MemoryTiming t;
    uint8_t* host = nullptr;             // DMI pointer, or nullptr: through the bus
    AccessCounters* counters = nullptr;
    uint64_t read_limit = 0, write_limit = 0;  // fast path if offset + size <= limit
    BankedMemory* banks = nullptr;       // shared banks: slow path, arbitrated
    // A debugger sees every access (Hart::watch_accesses): the fast path's limits and
    // the banks move here, so that neither the fast nor the banked path tests it.
    bool watched = false;
    uint64_t read_size = 0, write_size = 0;
    BankedMemory* watched_banks = nullptr;
    DecodedInsn* cache = nullptr;        // one entry per halfword (executable memories)
    size_t cache_bytes = 0;
    std::vector<uint8_t> code_page;      // page holds decoded instructions
    std::vector<uint32_t> decoded_pages; // indices of pages with code_page set

    ~Region() { if (cache) munmap(cache, cache_bytes); }
    bool contains(uint32_t addr) const { return addr - t.base < t.size; }
};

// Address block -> region, for loads and stores. Blocks shared by two memories,
// and blocks with none, point at an empty region (always the slow path).
struct Hart::Fast {
    Region none;
    Region* block[1u << (32 - kBlockShift)];
};

std::string describe(const TrapInfo& t) {
    char buf[160];
    switch (t.cause) {
    case kIllegalInsn:
        snprintf(buf, sizeof buf, "illegal instruction 0x%08x at pc 0x%08x", t.insn, t.pc);
        break;
    case kLoadAccessFault: case kStoreAccessFault:
        snprintf(buf, sizeof buf, "%s access fault at address 0x%08x (pc 0x%08x, instruction 0x%08x)",
                 t.cause == kLoadAccessFault ? "load" : "store", t.tval, t.pc, t.insn);
        break;
    case kInsnAccessFault:
        snprintf(buf, sizeof buf, "instruction access fault at pc 0x%08x (no executable memory there)", t.pc);
        break;
    case kBreakpoint:
        snprintf(buf, sizeof buf, "breakpoint (ebreak) at pc 0x%08x", t.pc);
        break;
    case kEcallM:
        snprintf(buf, sizeof buf, "unsupported environment call a7=%u at pc 0x%08x (no trap handler)", t.tval, t.pc);
        break;
    default:
        snprintf(buf, sizeof buf, "exception cause %u at pc 0x%08x (tval 0x%08x)", t.cause, t.pc, t.tval);
    }
    return buf;
}

Hart::Hart(uint32_t hartid, const CoreTiming& timing, const IsaExtensions& isa, IssBus& bus)
    : hartid_(hartid), timing_(timing), isa_(isa), bus_(bus), fast_(std::make_unique<Fast>()) {
    std::fill(std::begin(fast_->block), std::end(fast_->block), &fast_->none);
}

Hart::~Hart() = default;

void Hart::add_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters) {
    auto r = std::make_unique<Region>();
    r->t = mem;
    r->host = host;
    r->counters = counters;
    r->read_limit = host ? mem.size : 0;
    r->write_limit = host && mem.writable ? mem.size : 0;
    if (mem.executable) {
        r->cache_bytes = size_t(mem.size / 2 + 2) * sizeof(DecodedInsn);
        r->cache = static_cast<DecodedInsn*>(lazy_zeroed(r->cache_bytes));
        r->code_page.assign((mem.size >> kPageShift) + 1, 0);
    }
    const uint32_t first = mem.base >> kBlockShift, last = (mem.base + mem.size - 1) >> kBlockShift;
    for (uint32_t b = first; b <= last; b++)
        fast_->block[b] = fast_->block[b] == &fast_->none ? r.get() : &fast_->none;
    // A block claimed twice stays slow; re-check blocks that this memory shares.
    for (const auto& other : regions_)
        for (uint32_t b = first; b <= last; b++)
            if (b >= (other->t.base >> kBlockShift) && b <= ((other->t.base + other->t.size - 1) >> kBlockShift))
                fast_->block[b] = &fast_->none;
    regions_.push_back(std::move(r));
}

void Hart::add_banked_memory(const MemoryTiming& mem, uint8_t* host, AccessCounters* counters, BankedMemory* banks) {
    MemoryTiming t = mem;
    t.executable = false;
    add_memory(t, host, counters);
    Region& r = *regions_.back();
    r.read_limit = r.write_limit = 0;  // never the fast path: every access is arbitrated
    r.banks = banks;
}

// An access to shared banks happens in the cycle its instruction completes; a
// lost arbitration moves it (and the hart) to the bank's next free cycle.
inline void Hart::bank_stall(BankedMemory& banks, uint32_t addr, unsigned wait) {
    const uint64_t conflict = banks.claim(addr, cycles_) - cycles_;
    cycles_ += conflict + wait;
    stalls_.memory += conflict + wait;
    bank_stalls_ += conflict;
}

void Hart::watch_accesses(uint64_t start, uint64_t end) {
    for (auto& r : regions_) {
        if (end < r->t.base || start > uint64_t(r->t.base) + r->t.size - 1 || !r->host || r->watched) continue;
        r->watched = true;
        r->read_size = r->banks ? r->t.size : r->read_limit;
        r->write_size = r->banks ? r->t.size : r->write_limit;
        r->read_limit = r->write_limit = 0;  // off the fast and the banked path
        r->watched_banks = r->banks;
        r->banks = nullptr;
    }
}

void Hart::revoke_direct_access(uint64_t start, uint64_t end) {
    for (auto& r : regions_) {
        if (end < r->t.base || start > uint64_t(r->t.base) + r->t.size - 1) continue;
        r->host = nullptr;
        r->read_limit = r->write_limit = 0;
        r->watched = false;
        r->read_size = r->write_size = 0;
        r->watched_banks = nullptr;
    }
}

void Hart::reset(uint32_t pc) {
    std::fill(std::begin(x_), std::end(x_), 0);
    pc_ = pc;
    cycles_ = 0;
    stalls_ = {};
    bank_stalls_ = 0;
    retired_ = {};
    exit_requested_ = false;
    exit_status_ = 0;
    trap_ = {};
    mtvec_ = mepc_ = mcause_ = mtval_ = mscratch_ = 0;
    mstatus_ = kMstatusMppMachine;
    std::fill(std::begin(counter_offset_), std::end(counter_offset_), 0);
    for (unsigned l = 0; l < 2; l++) loop_start_[l] = loop_end_[l] = loop_count_[l] = 0, loop_end_set_[l] = false;
    flush_decode_cache();
    retired_ = {};
    if (icache_on_) icache_.configure(icache_geometry_);  // cold, counters zero
    fetch_line_ = ~0u;
}

void Hart::request_exit(int status) {
    exit_requested_ = true;
    exit_status_ = status;
    limit_ = 0;  // the executor stops after the current instruction
}

Hart::Region* Hart::region_of(uint32_t addr) {
    for (auto& r : regions_)
        if (r->contains(addr)) return r.get();
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Decode cache

void Hart::flush_decode_cache() {
    for (auto& r : regions_)
        while (!r->decoded_pages.empty()) invalidate_code(*r, r->decoded_pages.back() << kPageShift);
}

void Hart::invalidate_code_range(uint32_t addr, uint32_t len) {
    Region* r = region_of(addr);
    if (!r || !r->cache || len == 0) return;
    const uint32_t first = addr - r->t.base;
    const uint32_t last = std::min<uint64_t>(uint64_t(first) + len, r->t.size) - 1;
    for (uint32_t page = first >> kPageShift; page <= last >> kPageShift; page++)
        invalidate_code(*r, page << kPageShift);
}

// The energy model's class of a timing class (core/iss.h).
static InsnClass insn_class(Timing t) {
    switch (t) {
    case Timing::ALU: return InsnClass::kAlu;
    case Timing::LOAD: return InsnClass::kLoad;
    case Timing::STORE: return InsnClass::kStore;
    case Timing::BRANCH: case Timing::JAL: case Timing::JALR: return InsnClass::kBranch;
    case Timing::MUL: return InsnClass::kMul;
    case Timing::DIV: return InsnClass::kDiv;
    case Timing::DOTP: return InsnClass::kSimd;
    case Timing::CSR: case Timing::SYSTEM: break;
    }
    return InsnClass::kSystem;
}

// What the executions of one cache entry contributed: instructions by class and static stalls.
static void add_executions(HartCounters& c, const DecodedInsn& d) {
    if (!d.count) return;
    c.instructions += d.count;
    c.classes[size_t(insn_class(op_timing(d.op == Op::kLoopEnd ? d.loop_op : d.op)))] += d.count;
    c.stalls.load_use += d.count * d.stall_load_use;
    c.stalls.fetch += d.count * d.stall_fetch;
    c.stalls.branch += d.count * d.stall_branch;
    c.stalls.muldiv += d.count * d.stall_muldiv;
}

// Marks a page's instructions undecoded, keeping what they counted. Only `op` and
// `count` change: an instruction that is executing while it invalidates its own page
// keeps its operands.
void Hart::invalidate_code(Region& r, uint32_t offset) {
    const uint32_t page = offset >> kPageShift;
    if (!r.code_page[page]) return;
    r.code_page[page] = 0;
    r.decoded_pages.erase(std::find(r.decoded_pages.begin(), r.decoded_pages.end(), page));
    DecodedInsn* first = r.cache + (size_t(page) << (kPageShift - 1));
    for (unsigned i = 0; i < (1u << (kPageShift - 1)); i++) {
        add_executions(retired_, first[i]);
        first[i].count = 0;
        first[i].op = Op::kUndecoded;
    }
}

bool Hart::fetch_halfword(Region& r, uint32_t addr, uint16_t& out) {
    if (!r.contains(addr) || !r.contains(addr + 1)) return false;
    if (r.host) {
        std::memcpy(&out, r.host + (addr - r.t.base), 2);
        return true;
    }
    return bus_.bus_fetch(addr, &out, 2);
}

// Reads and decodes the instruction at pc; false if its bytes are not in region r.
bool Hart::decode_at(Region& r, uint32_t pc, DecodedInsn& d) {
    uint16_t lo = 0, hi = 0;
    if (!fetch_halfword(r, pc, lo)) return false;
    if ((lo & 3) == 3 && !fetch_halfword(r, pc + 2, hi)) return false;
    decode(uint32_t(hi) << 16 | lo, isa_, d);
    return true;
}

// Extra cycles to fetch from `target` after a jump from `pc` (the prefetch buffer
// does not help; a backward jump within the instruction cache/ART hits).
unsigned Hart::refetch_cycles(uint32_t pc, uint32_t target) {
    Region* r = region_of(target);
    if (!r || icache_on_) return 0;  // an instruction cache: fetch_line() costs it
    if (r->contains(pc) && target <= pc && pc - target < r->t.cache_bytes) return 0;
    return r->t.fetch_wait;
}

void Hart::decode_into(DecodedInsn& d, Region& r, uint32_t pc) {
    if (!decode_at(r, pc, d)) {  // second half beyond the memory's end
        std::memset(&d, 0, sizeof d);
        d.op = Op::kIllegal;
        d.len = 2;
    }
    const Timing timing = op_timing(d.op);
    const unsigned base = timing_.base_cpi;
    unsigned cycles = std::max(class_cycles(timing, timing_), base);
    if (timing == Timing::MUL || timing == Timing::DIV || timing == Timing::DOTP || timing == Timing::CSR)
        d.stall_muldiv = uint8_t(cycles - base);
    if (timing == Timing::JAL || timing == Timing::JALR)
        d.stall_branch = uint8_t(cycles - base);
    const unsigned target_refetch = refetch_cycles(pc, pc + d.imm);  // direct jumps and branches
    if (timing == Timing::JAL) {
        d.stall_branch += target_refetch;
        cycles += target_refetch;
    }
    if (timing == Timing::BRANCH) d.taken = uint8_t(timing_.branch_taken_penalty + target_refetch);
    // Fetch: without a prefetch buffer every new line costs the memory's wait states.
    const uint32_t line = std::max(1u, r.t.line_bytes);
    if (!icache_on_ && !r.t.prefetch && r.t.fetch_wait && ((pc % line) == 0 || (pc % line) + d.len > line))
        d.stall_fetch = uint8_t(r.t.fetch_wait);
    cycles += d.stall_fetch;
    // Load-use: a load is always followed by the instruction after it.
    if (timing == Timing::LOAD && timing_.load_use_stall && d.rd != 0) {
        DecodedInsn next;
        if (decode_at(r, pc + d.len, next) && (source_registers(next) >> d.rd & 1))
            d.stall_load_use = uint8_t(timing_.load_use_stall);
        cycles += d.stall_load_use;
    }
    d.cycles = uint8_t(std::min(cycles, 255u));
    if (d.rd == 0) d.rd = 32;  // writes to x0 land in a sink register
    mark_if_loop_end(d, pc);

    const uint32_t page = (pc - r.t.base) >> kPageShift;
    if (!r.code_page[page]) {
        r.code_page[page] = 1;
        r.decoded_pages.push_back(page);
    }
}

void Hart::select_code_region(uint32_t pc) {
    Region* r = region_of(pc);
    if (!r || !r->cache) throw TrapException{kInsnAccessFault, pc};
    code_ = r;
}

// ---------------------------------------------------------------------------------------------
// Loads and stores: direct to host memory when the memory granted DMI, else the bus.

template <typename T, bool kTrackTouched> inline T Hart::load(uint32_t addr) {
    Region* r = fast_->block[addr >> kBlockShift];
    const uint32_t off = addr - r->t.base;
    if (__builtin_expect(uint64_t(off) + sizeof(T) <= r->read_limit, 1)) {
        cycles_ += r->t.read_wait;
        stalls_.memory += r->t.read_wait;
        r->counters->reads[width_index<T>()]++;
        if (kTrackTouched && r->counters->touched) mark_touched(r->counters->touched, r->t.offset_in_memory + off, sizeof(T));
        T v;
        std::memcpy(&v, r->host + off, sizeof(T));
        return v;
    }
    if (r->banks && uint64_t(off) + sizeof(T) <= r->t.size) {  // shared banks (cluster L1)
        bank_stall(*r->banks, addr, r->t.read_wait);
        r->counters->reads[width_index<T>()]++;
        T v;
        std::memcpy(&v, r->host + off, sizeof(T));
        return v;
    }
    if (r->watched && uint64_t(off) + sizeof(T) <= r->read_size) return T(load_watched(*r, addr, sizeof(T)));
    return T(load_slow(addr, sizeof(T)));
}

template <typename T, bool kTrackTouched> inline void Hart::store(uint32_t addr, T value) {
    Region* r = fast_->block[addr >> kBlockShift];
    const uint32_t off = addr - r->t.base;
    if (__builtin_expect(uint64_t(off) + sizeof(T) <= r->write_limit, 1)) {
        cycles_ += r->t.write_wait;
        stalls_.memory += r->t.write_wait;
        r->counters->writes[width_index<T>()]++;
        if (kTrackTouched && r->counters->touched) mark_touched(r->counters->touched, r->t.offset_in_memory + off, sizeof(T));
        std::memcpy(r->host + off, &value, sizeof(T));
        if (__builtin_expect(r->cache && r->code_page[off >> kPageShift], 0)) invalidate_code(*r, off);
        return;
    }
    if (r->banks && uint64_t(off) + sizeof(T) <= r->t.size) {  // shared banks (cluster L1)
        bank_stall(*r->banks, addr, r->t.write_wait);
        r->counters->writes[width_index<T>()]++;
        std::memcpy(r->host + off, &value, sizeof(T));
        return;
    }
    if (r->watched && uint64_t(off) + sizeof(T) <= r->write_size) return store_watched(*r, addr, value, sizeof(T));
    store_slow(addr, value, sizeof(T));
}

// A watched memory (watch_accesses): the cycles, counters and touch marks of the fast
// or the banked path, then the access is reported to the debugger.
void Hart::charge_watched(Region& r, uint32_t addr, unsigned len, unsigned wait) {
    if (r.watched_banks) {
        bank_stall(*r.watched_banks, addr, wait);
        return;
    }
    cycles_ += wait;
    stalls_.memory += wait;
    if (track_touched_ && r.counters->touched) mark_touched(r.counters->touched, r.t.offset_in_memory + (addr - r.t.base), len);
}

uint32_t Hart::load_watched(Region& r, uint32_t addr, unsigned len) {
    const uint32_t off = addr - r.t.base;
    charge_watched(r, addr, len, r.t.read_wait);
    r.counters->reads[width_index(len)]++;
    uint32_t v = 0;
    std::memcpy(&v, r.host + off, len);
    bus_.watched_access(addr, &v, len, false);
    return v;
}

void Hart::store_watched(Region& r, uint32_t addr, uint32_t value, unsigned len) {
    const uint32_t off = addr - r.t.base;
    charge_watched(r, addr, len, r.t.write_wait);
    r.counters->writes[width_index(len)]++;
    std::memcpy(r.host + off, &value, len);
    if (r.cache && r.code_page[off >> kPageShift]) invalidate_code(r, off);
    bus_.watched_access(addr, &value, len, true);
}

uint32_t Hart::load_slow(uint32_t addr, unsigned len) {
    uint32_t v = 0;
    const BusResult res = bus_.bus_read(addr, &v, len);
    if (!res.ok) throw TrapException{kLoadAccessFault, addr};
    cycles_ += res.latency_cycles;
    stalls_.memory += res.latency_cycles;
    return v;
}

void Hart::store_slow(uint32_t addr, uint32_t value, unsigned len) {
    const BusResult res = bus_.bus_write(addr, &value, len);
    if (!res.ok) throw TrapException{kStoreAccessFault, addr};
    cycles_ += res.latency_cycles;
    stalls_.memory += res.latency_cycles;
    Region* r = region_of(addr);  // memory without DMI may hold code too
    if (r && r->cache) invalidate_code(*r, addr - r->t.base);
}

// ---------------------------------------------------------------------------------------------
// CSRs, traps, environment calls

// Instructions and static stalls are counted per cache entry (one increment per
// executed instruction); the totals are summed here, on demand.
HartCounters Hart::counters() const {
    HartCounters c = retired_;
    c.cycles = cycles_;
    c.stalls.memory += stalls_.memory;
    c.stalls.branch += stalls_.branch;
    c.stalls.icache += stalls_.icache;
    c.caches.icache.hits += icache_.stats().hits;
    c.caches.icache.misses += icache_.stats().misses;
    for (const auto& r : regions_)
        for (uint32_t page : r->decoded_pages) {
            const DecodedInsn* d = r->cache + (size_t(page) << (kPageShift - 1));
            for (unsigned i = 0; i < (1u << (kPageShift - 1)); i++) add_executions(c, d[i]);
        }
    return c;
}

std::vector<std::pair<uint32_t, uint64_t>> Hart::pc_histogram() const {
    std::vector<std::pair<uint32_t, uint64_t>> out;
    for (const auto& r : regions_)
        for (uint32_t page : r->decoded_pages) {
            const DecodedInsn* d = r->cache + (size_t(page) << (kPageShift - 1));
            for (unsigned i = 0; i < (1u << (kPageShift - 1)); i++)
                if (d[i].count) out.emplace_back(r->t.base + (page << kPageShift) + 2 * i, d[i].count);
        }
    std::sort(out.begin(), out.end());
    return out;
}

uint64_t Hart::measured_counter(unsigned counter) const {
    if (counter == kCycleCounter) return cycles_;
    const HartCounters c = counters();
    // CSR instructions run after their own dispatch counted them, but an
    // instruction reads instret before it retires (unprivileged spec, Zicsr).
    if (counter == kInstretCounter) return c.instructions - 1;
    const uint64_t hpm[] = {c.stalls.load_use, c.stalls.branch, c.stalls.muldiv, c.stalls.memory, c.stalls.fetch};
    return hpm[counter - kHpm3Counter];
}

uint64_t Hart::architectural_counter(unsigned counter) const {
    return measured_counter(counter) + counter_offset_[counter];  // modulo 2^64
}

// A write replaces one 32-bit half. It applies to the instruction's own increment
// too ("the write is done instead of the increment"): the next instruction reads
// the value written. Only the offset changes: the simulator's measurements (the
// report, simulated time) never see the firmware's writes.
void Hart::write_counter_half(unsigned counter, bool high, uint32_t value) {
    const uint64_t old = architectural_counter(counter);
    const uint64_t now = high ? (old & 0xffffffffu) | uint64_t(value) << 32 : (old & ~uint64_t(0xffffffffu)) | value;
    const uint64_t after_this_instruction = counter == kInstretCounter ? measured_counter(counter) + 1
                                                                       : measured_counter(counter);
    counter_offset_[counter] = now - after_this_instruction;
}

// Reads a CSR; false if it does not exist.
bool Hart::csr_read(uint32_t csr, uint32_t& v) const {
    unsigned counter = 0;
    bool high = false;
    if (counter_of(csr, counter, high)) {
        const uint64_t value = architectural_counter(counter);
        v = uint32_t(high ? value >> 32 : value);
        return true;
    }
    switch (csr) {
    case kMstatus: v = mstatus_; return true;
    case kMisa:
        v = (1u << 30) | (1u << 8) | (isa_.m ? 1u << 12 : 0) | (isa_.c ? 1u << 2 : 0) | (isa_.xvitsim ? 1u << 23 : 0);
        return true;
    case kMie: case kMip: case kMcountinhibit: case kMvendorid: case kMarchid: case kMimpid: v = 0; return true;
    case kMtvec: v = mtvec_; return true;
    case kMscratch: v = mscratch_; return true;
    case kMepc: v = mepc_; return true;
    case kMcause: v = mcause_; return true;
    case kMtval: v = mtval_; return true;
    case kMhartid: v = hartid_; return true;
    case kTime: v = uint32_t(cycles_); return true;  // simulated time, in core cycles
    case kTimeh: v = uint32_t(cycles_ >> 32); return true;
    }
    return false;
}

// Writes a CSR; false if it is read-only.
bool Hart::csr_write(uint32_t csr, uint32_t v) {
    if ((csr >> 10) == 3) return false;  // read-only range (the user counter aliases among them)
    unsigned counter = 0;
    bool high = false;
    if (counter_of(csr, counter, high)) {
        write_counter_half(counter, high, v);
        return true;
    }
    switch (csr) {
    case kMstatus: mstatus_ = (v & (kMstatusMie | kMstatusMpie)) | kMstatusMppMachine; return true;
    case kMtvec: mtvec_ = v & ~kMtvecModeMask; return true;
    case kMscratch: mscratch_ = v; return true;
    case kMepc: mepc_ = v & ~1u; return true;
    case kMcause: mcause_ = v; return true;
    case kMtval: mtval_ = v; return true;
    case kMisa: case kMie: case kMip: case kMcountinhibit: return true;  // WARL, fixed
    }
    return false;
}

template <typename F>
void Hart::csr_op(const DecodedInsn& d, uint32_t operand, bool write, F combine) {
    const uint32_t csr = uint32_t(d.imm) & 0xfff;
    uint32_t old = 0;
    if (!csr_read(csr, old)) throw TrapException{kIllegalInsn, d.raw};
    if (write && !csr_write(csr, combine(old, operand))) throw TrapException{kIllegalInsn, d.raw};
    x_[d.rd] = old;
}

// Enters the trap handler, or stops the run if the program has none (mtvec == 0).
uint32_t Hart::take_trap(uint32_t cause, uint32_t pc, uint32_t insn, uint32_t tval) {
    // No handler, or the handler itself cannot be fetched (it would trap forever).
    if (mtvec_ == 0 || (cause == kInsnAccessFault && pc == mtvec_)) {
        trap_ = {cause, pc, insn, tval};
        throw FatalTrap{};
    }
    mepc_ = pc;
    mcause_ = cause;
    mtval_ = tval;
    const bool mie = mstatus_ & kMstatusMie;
    mstatus_ = (mie ? kMstatusMpie : 0) | kMstatusMppMachine;  // MPIE = MIE, MIE = 0, MPP = M
    const unsigned entry = std::max(1u, timing_.jump_penalty);  // a trap always takes time
    cycles_ += entry;
    stalls_.branch += entry;
    return mtvec_;
}

// MIE = MPIE, MPIE = 1, MPP = the least-privileged mode there is: M.
uint32_t Hart::mret() {
    const bool mpie = mstatus_ & kMstatusMpie;
    mstatus_ = (mpie ? kMstatusMie : 0) | kMstatusMpie | kMstatusMppMachine;
    return mepc_;
}

// The proxy calls of other RISC-V simulators, when the program has no trap handler:
// a7 = 93 exit(a0), a7 = 64 write(a0 = fd, a1 = buffer, a2 = length).
uint32_t Hart::ecall(uint32_t pc, const DecodedInsn& d) {
    if (mtvec_ != 0) return take_trap(kEcallM, pc, d.raw, 0);
    const uint32_t a0 = x_[10], a1 = x_[11], a2 = x_[12], a7 = x_[17];
    if (a7 == 93) {
        request_exit(int(a0));
        return pc + d.len;
    }
    if (a7 == 64 && (a0 == 1 || a0 == 2)) {
        // In pieces: the length is the program's (up to 4 GiB), and a buffer that
        // runs off the end of memory faults at its first unmapped byte.
        constexpr size_t kPiece = 4096;
        std::string text;
        for (uint32_t i = 0; i < a2; i++) {
            text.push_back(char(load<uint8_t>(a1 + i)));
            if (text.size() == kPiece || i + 1 == a2) {
                if (console_) console_(text);
                text.clear();
            }
        }
        x_[10] = a2;
        return pc + d.len;
    }
    trap_ = {kEcallM, pc, d.raw, a7};
    throw FatalTrap{};
}

// ---------------------------------------------------------------------------------------------
// Hardware loops

// The entry at `addr` (if decoded) becomes or stops being the end of `loop`. An
// entry not decoded yet is marked when it is decoded (mark_if_loop_end).
void Hart::mark_loop_end(uint32_t addr, unsigned loop, bool on) {
    Region* r = region_of(addr);
    if (!r || !r->cache || (addr & 1)) return;
    DecodedInsn& d = r->cache[(addr - r->t.base) >> 1];
    if (d.op == Op::kUndecoded || d.op == Op::kIllegal) return;
    const uint8_t bit = uint8_t(1u << loop);
    if (on && !d.loop_ends) {
        d.loop_op = d.op;
        d.op = Op::kLoopEnd;
    }
    d.loop_ends = on ? uint8_t(d.loop_ends | bit) : uint8_t(d.loop_ends & ~bit);
    if (!d.loop_ends && d.op == Op::kLoopEnd) d.op = d.loop_op;
}

void Hart::mark_if_loop_end(DecodedInsn& d, uint32_t pc) {
    if (d.op == Op::kIllegal) return;
    for (unsigned l = 0; l < 2; l++)
        if (loop_end_set_[l] && loop_end_[l] == pc) {
            if (!d.loop_ends) d.loop_op = d.op;
            d.loop_ends = uint8_t(d.loop_ends | 1u << l);
            d.op = Op::kLoopEnd;
        }
}

void Hart::loop_end(unsigned loop, uint32_t addr) {
    if (loop_end_set_[loop]) mark_loop_end(loop_end_[loop], loop, false);
    loop_end_[loop] = addr;
    loop_end_set_[loop] = true;
    mark_loop_end(addr, loop, true);
}

void Hart::loop_setup(unsigned loop, uint32_t start, uint32_t end, uint32_t count) {
    loop_start(loop, start);
    loop_end(loop, end);
    loop_count(loop, count);
}

// At the last instruction of loop 0 and/or 1: where execution continues. The inner
// loop (0) goes first; the outer one is checked only when the inner one falls
// through. A count of 0 or 1 falls through (the body has run once).
uint32_t Hart::loop_next_pc(const DecodedInsn& d, uint32_t npc) {
    for (unsigned l = 0; l < 2; l++) {
        if (!(d.loop_ends >> l & 1)) continue;
        if (loop_count_[l] > 1) {
            loop_count_[l]--;
            return loop_start_[l];
        }
        loop_count_[l] = 0;
    }
    return npc;
}

// ---------------------------------------------------------------------------------------------
// The executor

StopReason Hart::run(uint64_t cycle_limit) {
    limit_ = exit_requested_ ? 0 : cycle_limit;
    uint32_t pc = pc_;
    DecodedInsn* d = nullptr;
    for (;;) {
        try {
            if (track_touched_)
                icache_on_ ? execute<true, true>(pc, d) : execute<true, false>(pc, d);
            else
                icache_on_ ? execute<false, true>(pc, d) : execute<false, false>(pc, d);
            pc_ = pc;
            return exit_requested_ ? StopReason::kExit : StopReason::kLimit;
        } catch (const TrapException& t) {
            const uint32_t insn = (d && t.cause != kInsnAccessFault) ? d->raw : 0;
            try {
                pc = take_trap(t.cause, pc, insn, t.cause == kIllegalInsn ? insn : t.tval);
            } catch (const FatalTrap&) {
                pc_ = pc;
                return StopReason::kTrap;
            }
        } catch (const FatalTrap&) {
            pc_ = pc;
            return StopReason::kTrap;
        }
    }
}

void Hart::set_instruction_cache(const CacheGeometry& l0, Cache* shared, unsigned l0_refill, unsigned refill) {
    icache_geometry_ = l0;
    icache_.configure(l0);
    icache_on_ = icache_.enabled();
    shared_icache_ = shared;
    icache_l0_refill_ = l0_refill;
    icache_refill_ = refill;
    fetch_shift_ = icache_.line_shift();
    fetch_line_ = ~0u;
    flush_decode_cache();  // static fetch costs were decided without it
}

// The executor moved to another line: L0, then the shared cache, then L2.
unsigned Hart::fetch_line(uint32_t pc) {
    fetch_line_ = pc >> fetch_shift_;
    if (icache_.access(pc) == Cache::kHit) return 0;
    unsigned cycles = icache_l0_refill_;
    if (shared_icache_ && shared_icache_->access(pc) != Cache::kHit) cycles += icache_refill_;
    stalls_.icache += cycles;
    return cycles;
}

template <bool kTrackTouched, bool kICache> void Hart::execute(uint32_t& pc_ref, DecodedInsn*& d_ref) {
    uint32_t pc = pc_ref;
    DecodedInsn* d = nullptr;
    if (!code_ || !code_->contains(pc)) select_code_region(pc);
    Region* code = code_;
    uint32_t code_base = code->t.base, code_size = code->t.size;
    DecodedInsn* cache = code->cache;

#define RS1 x_[d->rs1]
#define RS2 x_[d->rs2]
#define SRS1 int32_t(x_[d->rs1])
#define SRS2 int32_t(x_[d->rs2])
#define RD x_[d->rd]
#define IMM d->imm
#define PC pc
#define NPC npc
#define BRANCH(cond) \
    if (cond) { npc = pc + d->imm; cycles_ += d->taken; stalls_.branch += d->taken; }
#define LOAD(T, addr) uint32_t(int32_t(load<T, kTrackTouched>(addr)))
#define STORE(T, addr, v) store<T, kTrackTouched>(addr, T(v))
#define POSTINC x_[d->rs1] += d->imm

    // On a trap, pc_ref/d_ref tell the caller which instruction it was.
    struct Publish {
        uint32_t& pc_out; DecodedInsn*& d_out; uint32_t& pc; DecodedInsn*& d;
        ~Publish() { pc_out = pc; d_out = d; }
    } publish{pc_ref, d_ref, pc, d};

    // Threaded dispatch: every handler ends with its own copy of DISPATCH, so the host
    // predicts each guest instruction's successor separately (GCC labels as values).
    static const void* const kHandlers[] = {
        &&op_kUndecoded, &&op_kIllegal, &&op_kLoopEnd,
#define INSN(name, ...) &&op_##name,
#include "iss/isa.def"
#undef INSN
    };
    static_assert(sizeof kHandlers / sizeof *kHandlers == size_t(Op::kCount), "a handler per Op");
    uint32_t npc = pc, off = 0;
#define DISPATCH()                                                        \
    do {                                                                  \
        pc = npc;                                                         \
        if (__builtin_expect(cycles_ >= limit_, 0)) return;               \
        if constexpr (kICache)                                            \
            if (__builtin_expect((pc >> fetch_shift_) != fetch_line_, 0)) \
                cycles_ += fetch_line(pc);                                \
        off = pc - code_base;                                             \
        if (__builtin_expect(off >= code_size, 0)) goto change_region;    \
        d = cache + (off >> 1);                                           \
        cycles_ += d->cycles;                                             \
        ++d->count;                                                       \
        npc = pc + d->len;                                                \
        goto* kHandlers[size_t(d->op)];                                   \
    } while (0)

    DISPATCH();
change_region:
    select_code_region(pc);
    code = code_;
    code_base = code->t.base;
    code_size = code->t.size;
    cache = code->cache;
    npc = pc;
    DISPATCH();
op_kUndecoded:
    decode_into(*d, *code, pc);  // first execution at this address
    cycles_ += d->cycles;
    d->count = 1;  // decode cleared the entry
    npc = pc + d->len;
    goto* kHandlers[size_t(d->op)];
op_kIllegal:
    throw TrapException{kIllegalInsn, d->raw};
op_kLoopEnd:
    // The loop jumps back without a penalty (zero overhead); the instruction itself
    // then runs as usual (a taken branch there would win: docs/isa.md).
    npc = loop_next_pc(*d, npc);
    goto* kHandlers[size_t(d->loop_op)];
#define INSN(name, ext, mask, match, fmt, timing, ...) \
op_##name: { __VA_ARGS__; } DISPATCH();
#include "iss/isa.def"
#undef INSN
#undef DISPATCH
#undef RS1
#undef RS2
#undef SRS1
#undef SRS2
#undef RD
#undef IMM
#undef PC
#undef NPC
#undef BRANCH
#undef LOAD
#undef STORE
#undef POSTINC
}

}  // namespace vitsim
