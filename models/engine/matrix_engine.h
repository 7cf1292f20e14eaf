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
#include <vector>
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
        uint64_t outputs = 0;        // M*N of the jobs that ran: requantised outputs
        uint64_t port_bytes = 0;     // bytes read and written through the memory port
        uint64_t register_accesses = 0;  // register reads and writes (the FC's, the workers')
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
    // The RTL's signals at one clock, for the waveforms (traces/waves.cpp puts them in
    // the main VCD/FST under soc.cluster.engine).
    struct WaveSample {
        uint64_t cycle = 0;     // SoC cycle of this clock
        uint8_t state = 0;      // RTL state_t (EnginePins::state)
        bool array_active = false;  // the array computed this cycle (a row word granted)
        bool mem_req = false, mem_we = false;
        bool mem_stall = false;     // requested and not granted: a lost bank
        uint32_t mem_addr = 0;
        bool operator==(const WaveSample& o) const {
            return state == o.state && array_active == o.array_active && mem_req == o.mem_req && mem_we == o.mem_we &&
                   mem_stall == o.mem_stall && mem_addr == o.mem_addr;
        }
    };
    // From now on, keep a WaveSample for every clock where a signal changed (only when a
    // trace is wanted: memory grows with the engine's busy cycles).
    void record_waves() { recording_ = true; }
    const std::vector<WaveSample>& waves() const { return waves_; }
    uint64_t period_ps() const { return period_ps_; }

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
    void record(const WaveSample& sample);
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
    uint64_t job_macs_ = 0, job_outputs_ = 0;
    Stats stats_;
    sc_core::sc_event done_event_;
    bool recording_ = false;
    std::vector<WaveSample> waves_;
};

}  // namespace vitsim
