// Samples a running Soc for the traces (waveforms, timeline): every core at the end
// of each quantum (interval counters, PC), every memory's accesses over the same
// interval, and the DMA's transfers. Markers (layers, phases) need no sampling: SIMCTRL
// keeps them with their exact simulated times.
//
// Only intervals that overlap the trace window are kept, so a windowed trace of a
// long run costs memory for the window only. Without a recorder nothing is hooked
// and the simulator runs at full speed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "soc/soc.h"
#include "traces/window.h"

namespace vitsim {

// One core over one quantum (begin_ps, end_ps]: its counters' increase and its PC at
// the end.
// A cluster worker's samples are its own quanta's (Cluster::on_quantum), with its
// cluster stalls and what it was doing at the end.
struct CoreSample {
    uint64_t begin_ps = 0, end_ps = 0;
    uint64_t cycles = 0, instructions = 0;
    StallCounters stalls;
    uint64_t sleep_cycles = 0;  // clock-gated (WFI, the FC asleep in JOIN); workers: see `cluster`
    ClusterStalls cluster;      // workers only
    const char* activity = "running";  // workers: Cluster::activity at end_ps
    uint32_t pc = 0;
    bool halted = false;  // the core stopped at end_ps (exit, trap, cycle limit)
};

// The cluster DMA over one of the cluster's quanta.
struct ClusterDmaSample {
    uint64_t begin_ps = 0, end_ps = 0;
    uint64_t bytes = 0;  // moved in the interval
    bool busy = false;   // moved bytes, or had transfers queued at end_ps
};

// Every memory's accesses (reads + writes, any width) over one quantum of core 0.
struct MemorySample {
    uint64_t begin_ps = 0, end_ps = 0;
    std::vector<uint64_t> accesses;  // in profile order
};

// Power per domain (the profile's "energy" domains) over one quantum of core 0, from
// the energy model (soc/energy.h); only with a profile that has one.
struct PowerSample {
    uint64_t begin_ps = 0, end_ps = 0;
    std::vector<double> domain_mw;  // in the profile's domain order
    double total_mw = 0;
};

// What a core did over a sample, as the waveforms and the timeline name it:
// "running", "stalled:CAUSE", "asleep[:CAUSE]", "idle" (recorder.cpp).
std::string core_state(const CoreSample& s);
// A worker's state while it does not run: "idle" (not forked) or "asleep:ACTIVITY".
std::string resting_state(const std::string& activity);

// The part of the run the traces show, in picoseconds of simulated time.
struct TraceSpan {
    uint64_t from_ps = 0, to_ps = 0;
    bool contains(uint64_t begin_ps, uint64_t end_ps) const { return end_ps >= from_ps && begin_ps <= to_ps; }
};

class TraceRecorder {
public:
    // Hooks into every core of `soc` and its DMA's log. `layer_names[i]` names layer
    // i, for `layer:NAME` bounds; an unknown name is a UsageError (exit 110).
    TraceRecorder(Soc& soc, const TraceBound& from, const TraceBound& to, const std::vector<std::string>& layer_names);

    // Once the run is over: the window (a bound never reached: the end of the run).
    TraceSpan span() const;
    const std::vector<std::vector<CoreSample>>& core_samples() const { return cores_; }
    const std::vector<MemorySample>& memory_samples() const { return memories_; }
    const std::vector<PowerSample>& power_samples() const { return power_; }
    // The cluster's workers (empty without a cluster) and its DMA.
    const std::vector<std::vector<CoreSample>>& worker_samples() const { return workers_; }
    const std::vector<ClusterDmaSample>& cluster_dma_samples() const { return cluster_dma_; }

private:
    void sample(size_t index, const Core& core);
    void sample_memories(uint64_t begin_ps, uint64_t end_ps);
    void take_baseline(size_t index, const HartCounters& counters, uint64_t at_ps);
    void sample_power(uint64_t begin_ps, uint64_t end_ps, bool record);
    void sample_cluster(const Cluster& cluster, uint64_t end_ps);
    void follow_markers();
    bool wanted(uint64_t begin_ps, uint64_t end_ps) const;
    bool entering(uint64_t begin_ps, uint64_t end_ps) const;

    Soc& soc_;
    std::optional<uint32_t> from_layer_, to_layer_;
    std::optional<uint64_t> from_ps_, to_ps_;  // known once reached
    size_t events_seen_ = 0;                   // SIMCTRL events already looked at
    std::vector<std::vector<CoreSample>> cores_;
    std::vector<CoreSample> last_;             // every core's totals at its last quantum end
    std::vector<uint64_t> last_blocked_;       // every core's Core::blocked_cycles then
    std::vector<bool> has_baseline_;           // last_ holds that core's counters (else only its time)
    std::vector<MemorySample> memories_;
    std::vector<uint64_t> last_accesses_;
    std::vector<PowerSample> power_;
    std::optional<std::pair<SocActivity, std::vector<AccessCounters>>> last_activity_;  // at the last power sample
    std::vector<std::vector<CoreSample>> workers_;
    std::vector<ClusterDmaSample> cluster_dma_;
    uint64_t cluster_end_ps_ = 0;                       // the cluster's last sample
    std::optional<ClusterCounters> cluster_baseline_;  // its counters then (none: outside the window)
};

}  // namespace vitsim
