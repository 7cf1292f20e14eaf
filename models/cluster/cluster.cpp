#include "cluster/cluster.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "bus/payload.h"
#include "periph/hart_id_extension.h"
#include "vitsim/platform.h"

namespace vitsim {

namespace {
constexpr uint64_t kNever = UINT64_MAX;
// Registers are word-wide: a byte or halfword access must start at a register.
bool register_access_ok(uint32_t offset, unsigned len) { return (offset & 3) == 0 && (len == 1 || len == 2 || len == 4); }
int width_index(unsigned len) { return len == 1 ? 0 : len == 2 ? 1 : 2; }
}  // namespace

// What a worker's hart reaches without a host pointer: the L1 (arbitrated), the
// cluster registers and the devices.
struct Cluster::WorkerBus final : IssBus {
    Cluster& cluster;
    unsigned index;
    WorkerBus(Cluster& c, unsigned i) : cluster(c), index(i) {}
    BusResult bus_read(uint32_t addr, void* data, unsigned len) override {
        return cluster.worker_access(index, false, addr, data, len);
    }
    BusResult bus_write(uint32_t addr, const void* data, unsigned len) override {
        return cluster.worker_access(index, true, addr, const_cast<void*>(data), len);
    }
    bool bus_fetch(uint32_t, void*, unsigned) override { return false; }  // code runs from L2 (host pointer)
    void watched_access(uint32_t addr, const void* data, unsigned len, bool write) override {
        if (cluster.debugger_) cluster.debugger_->worker_access(index, addr, data, len, write);
    }
};

struct Cluster::Worker {
    std::unique_ptr<WorkerBus> bus;
    std::unique_ptr<Hart> hart;
    bool running = false;   // forked, awake
    Wait wait = Wait::kDone;
    uint32_t wait_arg = 0;
    uint64_t asleep_since = 0;
    uint64_t wake_at = kNever;  // barrier release cycle
    uint32_t events = 0;
    uint64_t event_cycle = 0;   // when the newest pending event arrived
    DmaSetup dma;
    ClusterStalls stalls;
};

struct Cluster::DmaJob {
    uint32_t id;
    unsigned owner;  // worker index or kFc
    bool to_l2;
    DmaSetup s;
    const ClusterMemory* far;  // the non-L1 side
    uint64_t ready;            // first cycle it may move data (setup done)
    uint32_t row = 0, pos = 0;
};

Cluster::Cluster(sc_core::sc_module_name name, const Config& config, const std::vector<ClusterMemory>& memories,
                 std::function<void(std::string_view)> console)
    : sc_module(name), regs("regs"), socket("socket"), tcdm("tcdm"), config_(config), period_ps_(config.period.value()),
      memories_(memories), bank_claims_(size_t(config.params.l1_banks) * BankedMemory::kRing, 0), dma_done_cycle_(1, 0) {
    for (const ClusterMemory& m : memories_)
        if (m.timing.name == config_.params.l1_memory) l1_ = m;
    if (!l1_.host) throw std::invalid_argument("cluster: no L1 memory '" + config_.params.l1_memory + "'");
    banks_.base = l1_.timing.base;
    banks_.bank_mask = config_.params.l1_banks - 1;
    banks_.claims = bank_claims_.data();
    l1_touched_.assign(l1_.timing.size / 4 + 1, 0);
    banks_.touched = l1_touched_.data();
    shared_icache_.configure(config_.params.icache.shared);
    for (unsigned i = 0; i < config_.cores; i++) {
        auto w = std::make_unique<Worker>();
        w->bus = std::make_unique<WorkerBus>(*this, i);
        w->hart = std::make_unique<Hart>(config_.first_hartid + i, config_.timing, config_.isa, *w->bus);
        for (const ClusterMemory& m : memories_) {
            MemoryTiming t = m.timing;
            if (m.timing.name == l1_.timing.name) {
                t.read_wait = t.write_wait = 0;  // the bank arbitration adds the stalls
                w->hart->add_banked_memory(t, m.host, m.counters, &banks_);
                continue;
            }
            // Any other memory is across the cluster's bus: its latency, at least.
            t.read_wait = std::max(t.read_wait, config_.params.l2_latency - 1);
            t.write_wait = std::max(t.write_wait, config_.params.l2_latency - 1);
            w->hart->add_memory(t, m.host, m.counters);
        }
        w->hart->reset(0);
        if (config_.params.icache.l0.size_bytes)
            w->hart->set_instruction_cache(config_.params.icache.l0, &shared_icache_,
                                           config_.params.icache.l0_refill_cycles, config_.params.icache.refill_cycles);
        w->hart->set_console(console);
        workers_.push_back(std::move(w));
    }
    regs.register_b_transport(this, &Cluster::b_transport);
    tcdm.register_b_transport(this, &Cluster::tcdm_transport);
    SC_HAS_PROCESS(Cluster);
    SC_THREAD(run_thread);
}

Cluster::~Cluster() = default;

const Hart& Cluster::hart(unsigned i) const { return *workers_.at(i)->hart; }
Hart& Cluster::hart(unsigned i) { return *workers_.at(i)->hart; }
ClusterStalls Cluster::stalls(unsigned i) const {
    ClusterStalls s = workers_.at(i)->stalls;
    s.bank_conflict = workers_[i]->hart->bank_conflict_cycles();
    return s;
}

ClusterCounters Cluster::counters() const {
    ClusterCounters c;
    for (unsigned i = 0; i < cores(); i++) c.cores.push_back({hart(i).counters(), stalls(i)});
    c.dma = dma_stats_;
    c.l1_touched_bytes = 4 * uint64_t(std::count(l1_touched_.begin(), l1_touched_.end(), uint8_t{1}));
    return c;
}

const char* Cluster::activity(unsigned i) const {
    const Worker& w = *workers_.at(i);
    if (w.running) return "running";
    switch (w.wait) {
        case Wait::kBarrier: return "barrier";
        case Wait::kDma:
        case Wait::kEvent: return "dma_wait";  // the stall counters' names: events are DMA completions
        default: return "idle";
    }
}

void Cluster::clear_l1_touched() { std::fill(l1_touched_.begin(), l1_touched_.end(), uint8_t{0}); }

uint64_t Cluster::stamp_cycles() const { return sc_core::sc_time_stamp().value() / period_ps_; }

void Cluster::fail(const std::string& what) {
    if (failure_.empty()) failure_ = what;
    sc_core::sc_stop();
}

// ---------------------------------------------------------------------------------------------
// The thread: idle (no host time) until there is work, then windows, one quantum at a time.

bool Cluster::has_work() const {
    if (busy_ || !dma_queue_.empty()) return true;
    for (const ClusterMaster* m : masters_)
        if (m->next_cycle() != kNever) return true;
    return false;
}

void Cluster::run_thread() {
    const uint64_t quantum_cycles = std::max<uint64_t>(1, config_.quantum.value() / period_ps_);
    const uint64_t w = config_.params.lockstep_cycles;
    for (;;) {
        while (!has_work()) sc_core::wait(work_event_);
        synced_cycle_ = stamp_cycles();
        // Skip windows where nothing can happen (everyone asleep, DMA in setup).
        const uint64_t next = next_activity();
        if (next == kNever) {
            fail("cluster: every forked core is asleep and nothing can wake one (deadlock)");
            return;
        }
        window_ = std::max(window_, next / w * w);
        const uint64_t quantum_end = std::max(window_, synced_cycle_) + quantum_cycles;
        while (has_work() && window_ < quantum_end && failure_.empty()) {
            step_window();
            if (next_activity() >= window_ + w) break;  // skip ahead from the top
        }
        if (!failure_.empty()) return;
        if (quantum_observer_) quantum_observer_(window_ * period_ps_);
        if (window_ > synced_cycle_) sc_core::wait(sc_core::sc_time::from_value((window_ - synced_cycle_) * period_ps_));
    }
}

// The first cycle anything in the cluster can act: a running core, a core whose
// wake-up is known, the DMA.
uint64_t Cluster::next_activity() const {
    uint64_t next = kNever;
    for (const auto& w : workers_) {
        next = std::min(next, w->running ? w->hart->cycles() : wake_cycle(*w));
    }
    if (!dma_queue_.empty()) next = std::min(next, std::max(dma_cycle_, dma_queue_.front().ready));
    for (const ClusterMaster* m : masters_) next = std::min(next, m->next_cycle());
    return next;
}

void Cluster::step_window() {
    const uint64_t end = window_ + config_.params.lockstep_cycles;
    const unsigned masters = cores() + 1;  // the cores and the DMA
    const unsigned first = unsigned((window_ / config_.params.lockstep_cycles) % masters);
    for (unsigned k = 0; k < masters && failure_.empty(); k++) {
        const unsigned m = (first + k) % masters;
        if (m == cores()) dma_advance(end);
        else run_worker(m, end);
    }
    // Added masters (the engine) run last: they lose every tie with a core or the
    // DMA (the lowest priority on the banks), and the others' order is unchanged.
    for (ClusterMaster* m : masters_)
        if (failure_.empty()) m->advance(end);
    window_ = end;
}

// When a sleeping worker wakes up, if that is known yet.
uint64_t Cluster::wake_cycle(const Worker& w) const {
    uint64_t at = kNever;
    if (w.running || w.wait == Wait::kDone) return at;
    if (w.wait == Wait::kBarrier) at = w.wake_at;
    if (w.wait == Wait::kDma && dma_done_ >= w.wait_arg) at = dma_done_cycle_[w.wait_arg];
    if (w.wait == Wait::kEvent && (w.events & w.wait_arg)) at = w.event_cycle;
    return at == kNever ? at : std::max(at, w.asleep_since);
}

void Cluster::wake_if_ready(Worker& w, uint64_t end) {
    const uint64_t at = wake_cycle(w);
    if (at >= end) return;
    (w.wait == Wait::kBarrier ? w.stalls.barrier : w.stalls.dma_wait) += at - w.asleep_since;
    if (w.wait == Wait::kEvent) w.events &= ~w.wait_arg;
    w.hart->add_cycles(at - w.hart->cycles());
    w.running = true;
    w.wait = Wait::kNone;
    w.wake_at = kNever;
}

void Cluster::run_worker(unsigned i, uint64_t end) {
    Worker& w = *workers_[i];
    wake_if_ready(w, end);
    if (!w.running || w.hart->cycles() >= end) return;
    const StopReason r = __builtin_expect(debugger_ != nullptr, 0) ? run_debugged(i, end) : w.hart->run(end);
    if (r == StopReason::kTrap) fail("cluster core " + std::to_string(i) + ": " + w.hart->describe_trap());
    if (r == StopReason::kExit) fail("cluster core " + std::to_string(i) + " exited (status " +
                                     std::to_string(w.hart->exit_status()) + "); only the FC may end the program");
}

// Out of line: the common path of run_worker (no debugger) stays as short as it was.
__attribute__((noinline)) StopReason Cluster::run_debugged(unsigned i, uint64_t end) {
    Worker& w = *workers_[i];
    return debugger_->run_worker(i, *w.hart, end, w.running);
}

// ---------------------------------------------------------------------------------------------
// Worker accesses

BusResult Cluster::worker_access(unsigned i, bool write, uint32_t addr, void* data, unsigned len) {
    const BusResult result = register_or_device_access(i, write, addr, data, len);
    if (debugger_) debugger_->worker_access(i, addr, data, len, write);
    return result;
}

BusResult Cluster::register_or_device_access(unsigned i, bool write, uint32_t addr, void* data, unsigned len) {
    Worker& w = *workers_[i];
    // (The L1 never comes here: the hart arbitrates its banks itself, Hart::banked_access.)
    const uint32_t offset = addr - VITSIM_CLUSTER_BASE;
    if (offset < VITSIM_CLUSTER_SIZE) {
        if (!register_access_ok(offset, len)) return {false, 0};
        if (write) {
            uint32_t v = 0;
            std::memcpy(&v, data, len);
            return {write_register(i, offset, v, w.hart->cycles()), 0};
        }
        uint32_t v = 0;
        const bool ok = read_register(i, offset, v);
        std::memcpy(data, &v, len);
        return {ok, 0};
    }
    return device_access(i, write, addr, data, len);
}

// Peripherals (UART, TIMER, SIMCTRL) through the SoC bus, at the worker's time.
BusResult Cluster::device_access(unsigned i, bool write, uint32_t addr, void* data, unsigned len) {
    Worker& w = *workers_[i];
    tlm::tlm_generic_payload tx;
    prepare_payload(tx, write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, addr, data, len);
    HartIdExtension who(w.hart->hartid());
    const ScopedExtension<HartIdExtension> tagged(tx, who);
    const uint64_t offset_cycles = w.hart->cycles() > synced_cycle_ ? w.hart->cycles() - synced_cycle_ : 0;
    const sc_core::sc_time before = sc_core::sc_time::from_value(offset_cycles * period_ps_);
    sc_core::sc_time delay = before;
    socket->b_transport(tx, delay);
    if (!tx.is_response_ok()) return {false, 0};
    return {true, uint32_t((delay - before).value() / period_ps_)};
}

// ---------------------------------------------------------------------------------------------
// Event unit and dispatch

bool Cluster::read_register(unsigned who, uint32_t offset, uint32_t& v) {
    DmaSetup& dma = who == kFc ? fc_dma_ : workers_[who]->dma;
    switch (offset) {
    case VITSIM_CLUSTER_CORES: v = cores(); return true;
    case VITSIM_CLUSTER_L1_BASE: v = l1_.timing.base; return true;
    case VITSIM_CLUSTER_L1_SIZE: v = l1_.timing.size; return true;
    case VITSIM_CLUSTER_ENTRY: v = entry_; return true;
    case VITSIM_CLUSTER_FN: v = fn_; return true;
    case VITSIM_CLUSTER_ARG: v = arg_; return true;
    case VITSIM_CLUSTER_STACK_TOP: v = stack_top_; return true;
    case VITSIM_CLUSTER_STACK_SIZE: v = stack_size_; return true;
    case VITSIM_CLUSTER_BUSY: v = busy_ ? forked_ - done_count_ : 0; return true;
    case VITSIM_CLUSTER_EVT_STATUS: v = who == kFc ? 0 : workers_[who]->events; return true;
    case VITSIM_CLUSTER_DMA_L2: v = dma.l2; return true;
    case VITSIM_CLUSTER_DMA_L1: v = dma.l1; return true;
    case VITSIM_CLUSTER_DMA_LEN: v = dma.len; return true;
    case VITSIM_CLUSTER_DMA_ROWS: v = dma.rows; return true;
    case VITSIM_CLUSTER_DMA_L2_STRIDE: v = dma.l2_stride; return true;
    case VITSIM_CLUSTER_DMA_L1_STRIDE: v = dma.l1_stride; return true;
    case VITSIM_CLUSTER_DMA_ID: v = dma.last_id; return true;
    case VITSIM_CLUSTER_DMA_DONE: v = dma_done_; return true;
    }
    return false;
}

// Writes that put a worker to sleep yield its hart: run() returns after the store.
bool Cluster::write_register(unsigned who, uint32_t offset, uint32_t v, uint64_t cycle) {
    DmaSetup& dma = who == kFc ? fc_dma_ : workers_[who]->dma;
    switch (offset) {
    case VITSIM_CLUSTER_ENTRY: entry_ = v; return true;
    case VITSIM_CLUSTER_FN: fn_ = v; return true;
    case VITSIM_CLUSTER_ARG: arg_ = v; return true;
    case VITSIM_CLUSTER_STACK_TOP: stack_top_ = v; return true;
    case VITSIM_CLUSTER_STACK_SIZE: stack_size_ = v; return true;
    case VITSIM_CLUSTER_FORK:
        if (who != kFc || busy_ || v == 0 || v > cores()) return false;
        fork(v, cycle);
        return true;
    case VITSIM_CLUSTER_DONE:
        if (who == kFc) return false;
        worker_done(who);
        return true;
    case VITSIM_CLUSTER_BARRIER:
        if (who == kFc) return false;
        arrive_at_barrier(who);
        return true;
    case VITSIM_CLUSTER_EVT_WAIT:
        if (who == kFc) return false;
        if (!(workers_[who]->events & v)) sleep(*workers_[who], Wait::kEvent, v);
        else workers_[who]->events &= ~v;
        return true;
    case VITSIM_CLUSTER_EVT_CLEAR:
        if (who != kFc) workers_[who]->events &= ~v;
        return true;
    case VITSIM_CLUSTER_DMA_L2: dma.l2 = v; return true;
    case VITSIM_CLUSTER_DMA_L1: dma.l1 = v; return true;
    case VITSIM_CLUSTER_DMA_LEN: dma.len = v; return true;
    case VITSIM_CLUSTER_DMA_ROWS: dma.rows = v; return true;
    case VITSIM_CLUSTER_DMA_L2_STRIDE: dma.l2_stride = v; return true;
    case VITSIM_CLUSTER_DMA_L1_STRIDE: dma.l1_stride = v; return true;
    case VITSIM_CLUSTER_DMA_START:
        if (v > 1) return false;
        dma_start(who, v == VITSIM_CLUSTER_DMA_TO_L2, cycle);
        return failure_.empty();
    case VITSIM_CLUSTER_DMA_WAIT:
        if (who == kFc) return false;  // the FC's wait is in b_transport (it blocks there)
        if (v > dma_issued_) return false;
        if (dma_done_ < v) sleep(*workers_[who], Wait::kDma, v);
        return true;
    }
    return false;
}

void Cluster::sleep(Worker& w, Wait why, uint32_t arg) {
    w.running = false;
    w.wait = why;
    w.wait_arg = arg;
    w.asleep_since = w.hart->cycles();
    w.hart->yield();
}

// Workers 0..count-1 start at ENTRY after the dispatch latency (a0 = ARG, a1 = FN,
// sp = their stack); their clocks jump to that cycle (idle until then).
void Cluster::fork(unsigned count, uint64_t cycle) {
    const uint64_t start = cycle + config_.params.fork_cycles;
    forked_ = count;
    done_count_ = arrived_ = 0;
    busy_ = true;
    for (unsigned i = 0; i < count; i++) {
        Worker& w = *workers_[i];
        Hart& h = *w.hart;
        if (h.cycles() < start) {
            w.stalls.idle += start - h.cycles();
            h.add_cycles(start - h.cycles());
        }
        h.set_pc(entry_);
        h.set_reg(10, arg_);
        h.set_reg(11, fn_);
        h.set_reg(2, stack_top_ - i * stack_size_);
        w.running = true;
        w.wait = Wait::kNone;
        w.events = 0;
    }
    work_event_.notify(sc_core::SC_ZERO_TIME);
}

// Every forked core arrived: all resume `barrier_cycles` after the last arrival.
void Cluster::arrive_at_barrier(unsigned i) {
    Worker& w = *workers_[i];
    last_arrival_ = arrived_ == 0 ? w.hart->cycles() : std::max(last_arrival_, w.hart->cycles());
    sleep(w, Wait::kBarrier, 0);
    if (++arrived_ < forked_) return;
    arrived_ = 0;
    for (unsigned k = 0; k < forked_; k++) workers_[k]->wake_at = last_arrival_ + config_.params.barrier_cycles;
}

void Cluster::worker_done(unsigned i) {
    Worker& w = *workers_[i];
    sleep(w, Wait::kDone, 0);
    end_cycle_ = done_count_ == 0 ? w.hart->cycles() : std::max(end_cycle_, w.hart->cycles());
    if (++done_count_ < forked_) return;
    busy_ = false;
    join_event_.notify(sc_core::SC_ZERO_TIME);
}

// ---------------------------------------------------------------------------------------------
// The FC's side: registers through the SoC bus; JOIN and DMA_WAIT block its thread.

// Blocks the calling (FC) thread, first up to its own local time, then until
// `done()`; the time it waited is the access's latency (Core accounts for it).
void Cluster::fc_block_until(const std::function<bool()>& done, sc_core::sc_time& delay) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    while (!done()) sc_core::wait(join_event_ | dma_event_);
}

void Cluster::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const uint32_t offset = uint32_t(tx.get_address());
    const unsigned len = tx.get_data_length();
    delay += sc_core::sc_time::from_value(config_.register_latency * period_ps_);
    if (!register_access_ok(offset, len) || tx.get_byte_enable_ptr()) {
        tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const uint64_t cycle = (sc_core::sc_time_stamp() + delay).value() / period_ps_;
    uint32_t v = 0;
    bool ok = true;
    if (tx.is_read()) {
        ok = read_register(kFc, offset, v);
        std::memcpy(tx.get_data_ptr(), &v, len);
    } else {
        std::memcpy(&v, tx.get_data_ptr(), len);
        if (offset == VITSIM_CLUSTER_JOIN) {
            fc_block_until([this] { return !busy_; }, delay);
            // The cluster thread may have finished ahead of simulated time.
            const uint64_t now = stamp_cycles();
            if (end_cycle_ > now) sc_core::wait(sc_core::sc_time::from_value((end_cycle_ - now) * period_ps_));
        } else if (offset == VITSIM_CLUSTER_DMA_WAIT) {
            ok = v <= dma_issued_;
            if (ok) {
                fc_block_until([this, v] { return dma_done_ >= v; }, delay);
                const uint64_t now = stamp_cycles(), at = dma_done_cycle_[v];
                if (at > now) sc_core::wait(sc_core::sc_time::from_value((at - now) * period_ps_));
            }
        } else {
            ok = write_register(kFc, offset, v, cycle);
        }
    }
    tx.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_COMMAND_ERROR_RESPONSE);
}

// An added master's L1 access (word-wide at most, byte enables allowed): it claims its
// bank at its cycle or stalls to the bank's next free cycle, like a core's.
void Cluster::tcdm_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const uint32_t addr = uint32_t(tx.get_address());
    const unsigned len = tx.get_data_length();
    if (tx.get_address() > UINT32_MAX || len == 0 || len > 4 || ((addr & 3) + len) > 4 || !in_l1(addr, len)) {
        tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const uint64_t cycle = (sc_core::sc_time_stamp() + delay).value() / period_ps_;
    const uint64_t granted = banks_.claim(addr, cycle);
    delay += sc_core::sc_time::from_value((granted - cycle) * period_ps_);
    uint8_t* host = l1_.host + (addr - l1_.timing.base);
    const unsigned char* enable = tx.get_byte_enable_ptr();
    const unsigned enable_len = tx.get_byte_enable_length();
    unsigned bytes = 0;
    for (unsigned i = 0; i < len; i++) {
        if (enable && enable_len && enable[i % enable_len] != TLM_BYTE_ENABLED) continue;
        if (tx.is_write()) host[i] = tx.get_data_ptr()[i];
        else tx.get_data_ptr()[i] = host[i];
        bytes++;
    }
    if (bytes) (tx.is_write() ? l1_.counters->writes : l1_.counters->reads)[width_index(bytes == 3 ? 1 : bytes)]++;
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

// ---------------------------------------------------------------------------------------------
// Cluster DMA: FIFO of transfers, in-order completion. Per cycle it moves up to
// l2_bytes_per_cycle through at most l1_ports TCDM words, each claiming its bank.

const ClusterMemory* Cluster::memory_holding(uint32_t addr, uint32_t len) const {
    for (const ClusterMemory& m : memories_)
        if (addr - m.timing.base < m.timing.size && len <= m.timing.base + m.timing.size - addr) return &m;
    return nullptr;
}

void Cluster::dma_start(unsigned who, bool to_l2, uint64_t cycle) {
    DmaSetup& s = who == kFc ? fc_dma_ : workers_[who]->dma;
    const uint32_t rows = std::max(1u, s.rows);
    const uint64_t l1_span = uint64_t(rows - 1) * s.l1_stride + s.len, far_span = uint64_t(rows - 1) * s.l2_stride + s.len;
    const ClusterMemory* far = memory_holding(s.l2, uint32_t(std::min<uint64_t>(far_span, UINT32_MAX)));
    if (!in_l1(s.l1, uint32_t(std::min<uint64_t>(l1_span, UINT32_MAX))) || !far || far == memory_holding(l1_.timing.base, 1) ||
        (to_l2 && !far->timing.writable)) {
        fail("cluster DMA: transfer outside L1 or outside one memory (l1 0x" + std::to_string(s.l1) + ", l2 " +
             std::to_string(s.l2) + ", " + std::to_string(rows) + " x " + std::to_string(s.len) + " bytes)");
        return;
    }
    DmaJob job{++dma_issued_, who, to_l2, s, far, cycle + config_.params.dma.setup_cycles};
    job.s.rows = rows;
    // More than queue_depth outstanding: its setup starts when one completes.
    if (dma_queue_.size() >= config_.params.dma.queue_depth) job.ready = kNever;
    s.last_id = job.id;
    dma_done_cycle_.push_back(kNever);
    dma_queue_.push_back(job);
    work_event_.notify(sc_core::SC_ZERO_TIME);
}

void Cluster::dma_advance(uint64_t end) {
    uint64_t c = std::max(dma_cycle_, window_);
    while (c < end && !dma_queue_.empty()) {
        DmaJob& job = dma_queue_.front();
        if (job.ready > c) {
            c = job.ready;
            continue;
        }
        if (dma_move(job, c)) dma_complete(c + 1);
        c++;
    }
    dma_cycle_ = dma_queue_.empty() ? std::max(c, end) : c;
}

// One cycle of the front transfer; true when it is complete.
bool Cluster::dma_move(DmaJob& job, uint64_t cycle) {
    unsigned budget = config_.params.dma.l2_bytes_per_cycle, ports = config_.params.dma.l1_ports;
    while (job.row < job.s.rows && budget && ports) {
        if (job.pos == job.s.len) {
            job.row++;
            job.pos = 0;
            continue;
        }
        const uint32_t l1 = job.s.l1 + job.row * job.s.l1_stride + job.pos;
        const uint32_t far = job.s.l2 + job.row * job.s.l2_stride + job.pos;
        const unsigned chunk = std::min({4u - (l1 & 3), job.s.len - job.pos, budget});
        if (!banks_.try_claim(l1, cycle)) {
            dma_stats_.bank_conflicts++;
            break;  // this word waits for the next cycle
        }
        uint8_t* l1p = l1_.host + (l1 - l1_.timing.base);
        uint8_t* farp = job.far->host + (far - job.far->timing.base);
        if (job.to_l2) std::memcpy(farp, l1p, chunk);
        else std::memcpy(l1p, farp, chunk);
        (job.to_l2 ? l1_.counters->reads : l1_.counters->writes)[width_index(chunk == 3 ? 1 : chunk)]++;
        (job.to_l2 ? job.far->counters->writes : job.far->counters->reads)[width_index(chunk == 3 ? 1 : chunk)]++;
        dma_stats_.bytes += chunk;
        budget -= chunk;
        ports--;
        job.pos += chunk;
    }
    while (job.row < job.s.rows && job.pos == job.s.len) {
        job.row++;
        job.pos = 0;
    }
    return job.row >= job.s.rows;
}

void Cluster::dma_complete(uint64_t cycle) {
    const DmaJob job = dma_queue_.front();
    dma_queue_.pop_front();
    dma_done_ = job.id;
    dma_done_cycle_[job.id] = cycle;
    dma_stats_.transfers++;
    const unsigned depth = config_.params.dma.queue_depth;
    if (dma_queue_.size() >= depth && dma_queue_[depth - 1].ready == kNever)
        dma_queue_[depth - 1].ready = cycle + config_.params.dma.setup_cycles;
    if (job.owner != kFc) {
        Worker& w = *workers_[job.owner];
        w.events |= VITSIM_CLUSTER_EVT_DMA;
        w.event_cycle = cycle;
    }
    dma_event_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace vitsim
