// The cluster of worker cores beside the fabric controller (gap9; docs/cluster.md):
// RV32 harts on a word-interleaved, banked L1 (TCDM), an event unit (fork/join,
// barrier, sleep, events) and a cluster DMA, all advanced by ONE SystemC thread.
//
// Lock-step: the thread advances the cluster in windows of `lockstep_cycles` (16)
// aligned on absolute cycles. In each window every master (each core, then the
// DMA, the order rotating by one master per window) runs until the window's end.
// An L1 access claims its bank for its cycle in a table indexed by absolute cycle,
// so two masters on one bank in one cycle collide exactly, whatever order they ran
// in: the later one stalls to the next free cycle. Nothing depends on SystemC's
// quantum, so runs are deterministic and quantum-independent. A core that sleeps
// (barrier, join, DMA or event wait) is not run at all until its wake-up cycle.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "cluster/cluster_counters.h"
#include "cluster/cluster_params.h"
#include "core/core_debugger.h"
#include "iss/hart.h"

namespace vitsim {

// A bus master on the L1 beside the cores and the DMA (the matrix engine,
// models/engine): the cluster steps it in its windows, after the cores and the DMA, and
// its accesses reach the L1 through `Cluster::tcdm`, claiming banks like a core's.
class ClusterMaster {
public:
    virtual ~ClusterMaster() = default;
    // The first cycle it has work in, or UINT64_MAX when idle (no host time then).
    virtual uint64_t next_cycle() const = 0;
    // Runs until cycle `end` (absolute cycles of the SoC clock).
    virtual void advance(uint64_t end) = 0;
};

// One memory as the workers see it (host storage of the SoC's Memory).
struct ClusterMemory {
    MemoryTiming timing;
    uint8_t* host = nullptr;
    AccessCounters* counters = nullptr;
};

class Cluster : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Cluster> regs;       // the FC's view of VITSIM_CLUSTER_BASE
    tlm_utils::simple_initiator_socket<Cluster> socket;  // workers' accesses to the devices
    // L1 port of the added masters: the access's cycle is sc_time_stamp() + delay; it
    // claims its bank then or at the bank's next free cycle (the wait is added to delay).
    tlm_utils::simple_target_socket_optional<Cluster> tcdm;  // unbound without such a master

    struct Config {
        ClusterParams params;
        unsigned cores = 8;
        CoreTiming timing;
        IsaExtensions isa;
        sc_core::sc_time period;
        sc_core::sc_time quantum;
        unsigned register_latency = 2;  // FC cycles per register access
        uint32_t first_hartid = 1;      // worker i is hart first_hartid + i (mhartid)
    };
    Cluster(sc_core::sc_module_name name, const Config& config, const std::vector<ClusterMemory>& memories,
            std::function<void(std::string_view)> console);
    ~Cluster() override;

    unsigned cores() const { return unsigned(workers_.size()); }
    const Hart& hart(unsigned i) const;
    Hart& hart(unsigned i);  // the gdb server's register writes (sim/gdb_server.h)
    ClusterStalls stalls(unsigned i) const;
    const ClusterDmaStats& dma_stats() const { return dma_stats_; }
    ClusterCounters counters() const;  // every worker's and the DMA's, now
    void clear_l1_touched();           // l1_touched_bytes counts from here
    // Steps `master` in the windows from now on (its L1 accesses go to `tcdm`).
    void add_master(ClusterMaster& master) { masters_.push_back(&master); }
    // An added master got work (its next_cycle() changed from idle): run the windows.
    void wake() { work_event_.notify(sc_core::SC_ZERO_TIME); }
    // A worker trapped or exited: the simulation was stopped; this says why.
    const std::string& failure() const { return failure_; }
    // A debugger to run the workers (nullptr: none). Not owned.
    void set_debugger(WorkerDebugger* debugger) { debugger_ = debugger; }

    // What worker i is doing now, for the traces: "running", or asleep waiting on
    // "barrier", "dma_wait" (a transfer or an event), or "idle" (not forked).
    const char* activity(unsigned i) const;
    bool dma_busy() const { return !dma_queue_.empty(); }
    // Called after each of the cluster's quanta with the time (ps) the workers reached
    // (the traces sample the workers here: the FC may sleep through a whole fork).
    void on_quantum(std::function<void(uint64_t end_ps)> observer) { quantum_observer_ = std::move(observer); }

private:
    struct Worker;
    struct WorkerBus;
    struct DmaJob;
    struct DmaSetup {  // per-initiator parameter registers
        uint32_t l2 = 0, l1 = 0, len = 0, rows = 0, l2_stride = 0, l1_stride = 0, last_id = 0;
    };
    enum class Wait { kNone, kBarrier, kDma, kEvent, kDone };
    static constexpr unsigned kFc = ~0u;  // the initiator id of the fabric controller

    // SystemC side.
    void run_thread();
    void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
    void tcdm_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
    void fc_block_until(const std::function<bool()>& done, sc_core::sc_time& delay);
    uint64_t stamp_cycles() const;

    // Lock-step.
    bool has_work() const;
    void step_window();
    void run_worker(unsigned i, uint64_t end);
    StopReason run_debugged(unsigned i, uint64_t end);
    uint64_t wake_cycle(const Worker& w) const;
    void wake_if_ready(Worker& w, uint64_t end);
    uint64_t next_activity() const;
    void fail(const std::string& what);

    // Worker accesses (WorkerBus).
    BusResult worker_access(unsigned i, bool write, uint32_t addr, void* data, unsigned len);
    BusResult register_or_device_access(unsigned i, bool write, uint32_t addr, void* data, unsigned len);
    BusResult device_access(unsigned i, bool write, uint32_t addr, void* data, unsigned len);
    bool in_l1(uint32_t addr, unsigned len) const { return addr - l1_.timing.base < l1_.timing.size && len <= l1_.timing.base + l1_.timing.size - addr; }

    // Registers (shared by workers and FC); `who` is a worker index or kFc.
    bool read_register(unsigned who, uint32_t offset, uint32_t& value);
    bool write_register(unsigned who, uint32_t offset, uint32_t value, uint64_t cycle);
    void fork(unsigned count, uint64_t cycle);
    void sleep(Worker& w, Wait why, uint32_t arg);
    void arrive_at_barrier(unsigned i);
    void worker_done(unsigned i);


    // Cluster DMA.
    void dma_start(unsigned who, bool to_l2, uint64_t cycle);
    void dma_advance(uint64_t end);
    bool dma_move(DmaJob& job, uint64_t cycle);
    void dma_complete(uint64_t cycle);
    const ClusterMemory* memory_holding(uint32_t addr, uint32_t len) const;

    Config config_;
    uint64_t period_ps_;
    std::vector<ClusterMemory> memories_;
    ClusterMemory l1_;
    std::vector<std::unique_ptr<Worker>> workers_;
    Cache shared_icache_;  // the instruction cache every worker's L0 refills from

    // Lock-step position: the next window starts here (absolute cycles).
    uint64_t window_ = 0;
    uint64_t synced_cycle_ = 0;  // cycles of sc_time_stamp() at the current quantum's start
    std::vector<uint64_t> bank_claims_;  // storage of banks_
    BankedMemory banks_;                 // the L1's banks, shared by the workers and the DMA
    std::vector<uint8_t> l1_touched_;    // banks_.touched: [word] = 1 once accessed

    // Event unit.
    uint32_t entry_ = 0, fn_ = 0, arg_ = 0, stack_top_ = 0, stack_size_ = 0;
    unsigned forked_ = 0, done_count_ = 0, arrived_ = 0;
    uint64_t last_arrival_ = 0, end_cycle_ = 0;
    bool busy_ = false;
    std::function<void(uint64_t)> quantum_observer_;
    sc_core::sc_event work_event_, join_event_, dma_event_;

    // DMA.
    std::deque<DmaJob> dma_queue_;
    std::vector<uint64_t> dma_done_cycle_;  // [id] = cycle it completed (id 0 unused)
    uint32_t dma_issued_ = 0, dma_done_ = 0;
    uint64_t dma_cycle_ = 0;
    DmaSetup fc_dma_;
    ClusterDmaStats dma_stats_;

    std::vector<ClusterMaster*> masters_;  // added masters (matrix engine)
    WorkerDebugger* debugger_ = nullptr;
    std::string failure_;
};

}  // namespace vitsim
