// SIMCTRL (VITSIM_SIMCTRL_BASE): the firmware's way to talk to the simulator.
// EXIT ends the run; LAYER_BEGIN / LAYER_END / PHASE_BEGIN / PHASE_END / SNAPSHOT /
// ENERGY_BEGIN / ENERGY_END
// record a counter snapshot of the core that wrote (the profiler turns marker pairs into per-layer deltas);
// STACK_LIMIT stores the lowest legal sp; HARTS tells the firmware how many cores
// the SoC has. The SoC wires the callbacks; the device itself knows no core.
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "core/activity.h"
#include "cluster/cluster_counters.h"
#include "iss/hart.h"
#include "periph/register_device.h"

namespace vitsim {

struct SimCtrlEvent {
    enum class Kind { kLayerBegin, kLayerEnd, kPhaseBegin, kPhaseEnd, kSnapshot, kEnergyBegin, kEnergyEnd };
    Kind kind;
    uint32_t id;        // layer id, phase id (kernels/src/vs_phase.h), or the snapshot's tag
    uint32_t hartid;    // core that wrote the marker
    HartCounters counters;                // that core's counters at the marker
    std::vector<AccessCounters> memories; // every memory's counters, in profile order
    ClusterCounters cluster;              // the cluster's workers and DMA (empty: none)
    sc_core::sc_time time;                // simulated time of the write
    SocActivity activity;                 // every core and DMA (layer and energy markers only)
};

class SimCtrl : public RegisterDevice {
public:
    using ExitHandler = std::function<void(int status)>;
    using CounterSource = std::function<HartCounters(uint32_t hartid)>;
    using MemorySnapshot = std::function<std::vector<AccessCounters>()>;
    using ActivitySnapshot = std::function<SocActivity()>;
    using ClusterSnapshot = std::function<ClusterCounters(SimCtrlEvent::Kind)>;

    SimCtrl(sc_core::sc_module_name name, sc_core::sc_time access_latency, unsigned harts);

    void on_exit(ExitHandler handler) { exit_handler_ = std::move(handler); }
    void set_counter_source(CounterSource source) { counters_ = std::move(source); }
    void set_memory_snapshot(MemorySnapshot snapshot) { memories_ = std::move(snapshot); }
    // Read at layer and energy markers only: it reads every core's counters, too slow for the
    // kernels' phase markers.
    void set_activity_snapshot(ActivitySnapshot snapshot) { activity_ = std::move(snapshot); }
    // Layer markers also snapshot the cluster (profiles with one).
    void set_cluster_snapshot(ClusterSnapshot snapshot) { cluster_ = std::move(snapshot); }
    // Called with every recorded event, at the simulated moment of the write (e.g. to
    // measure the bytes a layer touched between its two markers).
    void on_event(std::function<void(const SimCtrlEvent&)> observer) { observer_ = std::move(observer); }

    const std::vector<SimCtrlEvent>& events() const { return events_; }
    // The status written to EXIT, if the program exited that way.
    std::optional<int> exit_status() const { return exit_status_; }
    std::optional<uint32_t> stack_limit() const { return stack_limit_; }

private:
    Access read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload& tx,
                         const sc_core::sc_time& now) override;
    Access write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload& tx,
                          const sc_core::sc_time& now) override;
    void record(SimCtrlEvent::Kind kind, uint32_t id, const tlm::tlm_generic_payload& tx,
                const sc_core::sc_time& now);

    unsigned harts_;
    ExitHandler exit_handler_;
    CounterSource counters_;
    MemorySnapshot memories_;
    ActivitySnapshot activity_;
    ClusterSnapshot cluster_;
    std::function<void(const SimCtrlEvent&)> observer_;
    std::vector<SimCtrlEvent> events_;
    std::optional<int> exit_status_;
    std::optional<uint32_t> stack_limit_;
};

}  // namespace vitsim
