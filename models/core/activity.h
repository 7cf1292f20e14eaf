// What every core and DMA engine of a SoC had done at one moment: the events the
// energy model (soc/energy.h) charges. SIMCTRL records one at each layer marker, the
// report one at the end; the difference of two is the activity between them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/iss.h"

namespace vitsim {

struct SocActivity {
    // core0, then the cluster's workers; sleep_cycles filled in for every core.
    std::vector<HartCounters> cores;
    uint64_t dma_bytes = 0;          // moved by the system DMA (models/periph/dma.h)
    uint64_t cluster_dma_bytes = 0;  // moved by the cluster DMA (models/cluster)
};

}  // namespace vitsim
