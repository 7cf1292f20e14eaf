// The cluster's counters as the rest of the simulator sees them (SIMCTRL marker
// snapshots, the profiler, the reports): no SystemC, no model.
#pragma once
#include <cstdint>
#include <vector>

#include "core/iss.h"

namespace vitsim {

// Cycles a worker spent not executing, beyond the pipeline stalls its hart counts.
struct ClusterStalls {
    uint64_t bank_conflict = 0;  // L1 accesses that lost their bank's arbitration
    uint64_t barrier = 0;        // asleep in a barrier
    uint64_t dma_wait = 0;       // asleep waiting for a DMA transfer or event
    uint64_t idle = 0;           // not forked (before the first fork, between joins)
};

struct ClusterDmaStats {
    uint64_t transfers = 0;
    uint64_t bytes = 0;
    uint64_t bank_conflicts = 0;  // cycles the DMA lost a bank to a core
};

// Every worker's counters and the DMA's at one moment (empty: no cluster).
struct ClusterCounters {
    struct Core {
        HartCounters hart;
        ClusterStalls stalls;
    };
    std::vector<Core> cores;
    ClusterDmaStats dma;
    // Bytes of L1 (whole words) the workers and the DMA accessed since the last
    // Cluster::clear_l1_touched (every layer begin): the layer's L1 in use.
    uint64_t l1_touched_bytes = 0;
};

// end - begin, core by core (begin may be empty: counted from zero).
ClusterCounters operator-(const ClusterCounters& end, const ClusterCounters& begin);

}  // namespace vitsim
