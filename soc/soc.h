// One SoC assembled from a profile: bus, memories, core(s), UART, SIMCTRL, TIMER, DMA.
//
//   core0 ──┐                 ┌── memory per profile entry (flash, sram, l2, ...)
//   dma ────┼── bus ──────────┼── uart     0x40000000
//           │                 ├── simctrl  0x40001000
//           │                 ├── timer    0x40002000
//           │                 └── dma      0x40003000 (registers)
//
// Cores live in a vector so that a cluster profile adds workers without changing
// how the rest is wired. A profile with a "cluster" adds its worker cores, event unit
// and cluster DMA (models/cluster) at VITSIM_CLUSTER_BASE. Construct, load (write_memory / reset), run() once.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <systemc>
#include <vector>

#include "bus/bus.h"
#include "cluster/cluster.h"
#include "core/core.h"
#include "engine/matrix_engine.h"
#include "mem/memory.h"
#include "periph/dma.h"
#include "periph/simctrl.h"
#include "periph/timer.h"
#include "periph/uart.h"
#include "soc/profile.h"

namespace vitsim {

// What the user chooses per run (command-line options), as opposed to the profile.
struct RunOptions {
    double quantum_us = 10;   // temporal-decoupling quantum
    bool dmi = true;          // cores access memories through host pointers
    uint64_t max_cycles = 0;  // 0 = no limit
    unsigned cluster_cores = 0;  // 0 = the profile's cluster.cores (--cores)
    bool engine = true;          // the profile's matrix engine, if it has one (--set engine=off: none)
};

struct RunResult {
    StopReason stop = StopReason::kLimit;  // of hart 0: exit, trap, or cycle limit
    double host_seconds = 0;               // wall time spent inside sc_start() only
};

// A cluster core trapped or exited (the message says which and why).
class ClusterFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The period SystemC uses for `clock_hz` (rounded to the time resolution, 1 ps).
sc_core::sc_time clock_period(uint64_t clock_hz);

class Soc : public sc_core::sc_module {
public:
    Soc(sc_core::sc_module_name name, const Profile& profile, const RunOptions& options,
        ConsoleSink console = stdout_console());

    const Profile& profile() const { return profile_; }
    const RunOptions& options() const { return options_; }

    // The memory holding all of [addr, addr + len), or nullptr.
    Memory* memory_at(uint64_t addr, uint64_t len);
    // Untimed, uncounted write (loader, model images); false if [addr, addr + len) is
    // not inside one memory. Flash and MRAM accept it: this is how they get programmed.
    bool write_memory(uint64_t addr, const void* data, uint64_t len);
    bool read_memory(uint64_t addr, void* data, uint64_t len);

    // Every core is reset for a program whose entry is `entry`, with the top of the
    // data memory as the stack for programs without a start-up that sets it.
    void reset(uint32_t entry);
    // Runs until every core has stopped (exit, trap, cycle limit). Once per process.
    RunResult run();

    size_t core_count() const { return cores_.size(); }
    Core& core(size_t i) { return *cores_.at(i); }
    size_t memory_count() const { return memories_.size(); }
    Memory& memory(size_t i) { return *memories_.at(i); }  // in profile order
    Bus& bus() { return *bus_; }
    Uart& uart() { return *uart_; }
    SimCtrl& simctrl() { return *simctrl_; }
    Timer& timer() { return *timer_; }
    Dma& dma() { return *dma_; }
    Cluster* cluster() { return cluster_.get(); }  // nullptr: the profile has none
    // Every core's counters (with the cycles it slept) and the DMAs' bytes so far: what
    // the energy model charges (soc/energy.h).
    SocActivity activity();
    MatrixEngine* engine() { return engine_.get(); }  // nullptr: the profile has none

private:
    // Maps [base, base + size) on the bus to `target` (map order = binding order).
    void make_cluster(ConsoleSink console);
    template <typename TargetSocket>
    void attach(const std::string& name, uint64_t base, uint64_t size, TargetSocket& target) {
        bus_->map(name, base, size);
        bus_->initiators_side.bind(target);
    }

    Profile profile_;
    RunOptions options_;
    sc_core::sc_time period_;
    std::unique_ptr<Bus> bus_;
    std::vector<std::unique_ptr<Memory>> memories_;
    std::unique_ptr<Uart> uart_;
    std::unique_ptr<SimCtrl> simctrl_;
    std::unique_ptr<Timer> timer_;
    std::unique_ptr<Dma> dma_;
    std::vector<std::unique_ptr<Core>> cores_;
    std::unique_ptr<Cluster> cluster_;
    std::unique_ptr<MatrixEngine> engine_;
};

}  // namespace vitsim
