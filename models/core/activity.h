// What every core and DMA engine of a SoC had done at one moment: the events the
// energy model (soc/energy.h) charges. SIMCTRL records one at each layer marker, the
// report one at the end; the difference of two is the activity between them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/iss.h"

namespace vitsim {

// The matrix engine's events (models/engine, docs/engine.md); zeros without one.
struct EngineActivity {
    uint64_t busy_cycles = 0;        // clocked: a job running (idle = clock-gated)
    uint64_t macs = 0;               // the array's multiply-accumulates (M*N*K of each job)
    uint64_t outputs = 0;            // requantised outputs written (M*N of each job)
    uint64_t port_bytes = 0;         // bytes read and written through its L1 port
    uint64_t register_accesses = 0;  // reads and writes of its registers
};

struct SocActivity {
    // core0, then the cluster's workers; sleep_cycles filled in for every core.
    std::vector<HartCounters> cores;
    uint64_t dma_bytes = 0;          // moved by the system DMA (models/periph/dma.h)
    uint64_t cluster_dma_bytes = 0;  // moved by the cluster DMA (models/cluster)
    EngineActivity engine;
};

}  // namespace vitsim
