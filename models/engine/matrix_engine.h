// The matrix engine's SystemC/TLM wrapper (docs/engine.md): the Verilated RTL
// (rtl/matrix_engine) behind a TLM target for its registers and a TLM initiator for
// its memory port, clocked with the SoC clock.
//
//  - Registers (VITSIM_ENGINE_BASE): a read is the RTL's combinational read port, a
//    write one clock edge of the RTL with its write port set. WAIT (wrapper only)
//    blocks the writer until the RTL's done line (irq) is high: the FC's interrupt.
//  - Memory: each cycle the RTL requests, the wrapper sends the word through `mem` at
//    that cycle (delay = cycle - now). The target (the cluster's L1 banks) answers
//    with the cycle it granted it; the RTL is clocked with mem_gnt low until then.
//    So every cycle is the RTL's: the wrapper invents no timing.
//  - Idle = clock-gated: from done to the next START the RTL is not evaluated at all.
//  - While running it is stepped by the cluster's lock-step thread (ClusterMaster),
//    so its bank claims interleave with the cores' exactly. An FC access while it runs
//    waits until it is done (its state is computed ahead of the FC's time); a worker's
//    access sees the RTL as it is in the current window.
#pragma once
#include <functional>
#include <memory>
#include <tlm_utils/simple_initiator_socket.h>

#include "cluster/cluster.h"
#include "engine/engine_rtl.h"
#include "periph/register_device.h"

namespace vitsim {

class MatrixEngine : public RegisterDevice, public ClusterMaster {
public:
    struct Stats {
        uint64_t jobs = 0;           // STARTs that ran (including refused ones)
        uint64_t errors = 0;         // jobs the RTL refused (error status)
        uint64_t busy_cycles = 0;    // sum of the RTL's CYCLES
        uint64_t stall_cycles = 0;   // sum of STALLS (memory waits: bank conflicts)
        uint64_t active_cycles = 0;  // sum of ACTIVE (the array computing)
        uint64_t macs = 0;           // M*N*K of the jobs that ran
    };
    tlm_utils::simple_initiator_socket<MatrixEngine> mem;  // bind to the cluster's tcdm

    // `lanes`: the array size (a verilated variant: engine_rtl_lanes()); the operands
    // must lie in [mem_base, mem_base + mem_size).
    MatrixEngine(sc_core::sc_module_name name, sc_core::sc_time access_latency, sc_core::sc_time clock_period,
                 unsigned lanes, uint32_t mem_base, uint32_t mem_size);
    ~MatrixEngine() override;

    // Called when a START made the engine busy (the cluster's wake()).
    void on_start(std::function<void()> wake) { wake_ = std::move(wake); }
    unsigned lanes() const { return lanes_; }
    const Stats& stats() const { return stats_; }
    // VCD of every RTL signal (state machine, array activity, memory port).
    void trace_to(const std::string& path);
    void close_trace() { rtl_->close_trace(); }

    uint64_t next_cycle() const override { return running_ ? cycle_ : UINT64_MAX; }
    void advance(uint64_t end) override;

private:
    void before_access(const tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) override;
    Access read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload& tx,
                         const sc_core::sc_time& now) override;
    Access write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload& tx,
                          const sc_core::sc_time& now) override;
    void step();
    void finish();
    uint64_t cycles_at(const sc_core::sc_time& t) const { return t.value() / period_ps_; }

    uint64_t period_ps_;
    unsigned lanes_;
    std::unique_ptr<EngineRtl> rtl_;
    std::function<void()> wake_;
    bool reset_done_ = false;
    bool running_ = false;
    uint64_t cycle_ = 0;          // the RTL's next clock edge (absolute SoC cycles)
    uint64_t done_cycle_ = 0;     // when the last job ended
    uint64_t granted_at_ = UINT64_MAX;  // the pending access's grant cycle
    uint32_t read_data_ = 0;      // what that access read
    uint64_t job_macs_ = 0;
    Stats stats_;
    sc_core::sc_event done_event_;
};

}  // namespace vitsim
