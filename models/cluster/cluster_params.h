// Parameters of a cluster of worker cores (a profile's "cluster", docs/profiles.md);
// the model is models/cluster/cluster.h, its description docs/cluster.md.
#pragma once
#include <cstdint>
#include <string>

#include "core/cache.h"

namespace vitsim {

// The multi-core cluster beside the main core (gap9's 8 workers; models/cluster,
// docs/cluster.md). cores == 0: the profile has none.
struct ClusterParams {
    unsigned cores = 0;             // worker cores (the default of --cores)
    std::string l1_memory;          // the L1 TCDM, one of memories[] (not executable)
    unsigned l1_banks = 16;         // word-interleaved banks, one access per bank per cycle
    unsigned l2_latency = 10;       // total cycles of a worker's load/store to any other memory
    unsigned barrier_cycles = 11;   // from the last core's arrival to every core running again
    unsigned fork_cycles = 10;      // from the FC's FORK write to the workers' first instruction
    unsigned lockstep_cycles = 16;  // cycles each core runs before the next one (arbitration window)
    unsigned l1_reserved = 8192;    // L1 bytes the deploy tool leaves to the runtime (worker stacks, ...)
    struct {
        unsigned setup_cycles = 20;        // from the start command to the first byte moved
        unsigned l2_bytes_per_cycle = 8;   // external (L2) side bandwidth
        unsigned l1_ports = 4;             // words per cycle into the TCDM, each on its bank
        unsigned queue_depth = 8;          // outstanding transfers
    } dma;
    // The matrix engine on the L1 (models/engine, docs/engine.md): its array size in
    // lanes (4 int8 MACs each per cycle), one of the verilated sizes; 0: none.
    unsigned engine_lanes = 0;
    uint32_t engine_base = 0;       // its register block (VITSIM_ENGINE_SIZE bytes), from the profile
    // MACs a cycle one worker core reaches on a linear layer (measured, docs/profiles.md):
    // deploy weighs it against the engine's schedule to split a linear layer's rows
    // between the engine and the cores (docs/engine.md); 0: no split, the engine alone.
    double engine_core_macs_per_cycle = 0;
    unsigned engine_core_setup_cycles = 0;  // the cores' fixed cycles of a tiled linear layer (measured)
    double engine_shared_stall_share = 0;   // the engine's busy cycles lost to bank stalls beside the cores (measured)
    // Instruction caches: each core's L0 in front of one cache the cores share, both
    // over the code in L2 (Hart::set_instruction_cache). l0.size_bytes 0: none (the
    // code memory's fetch rules apply, as on the FC).
    struct {
        CacheGeometry l0, shared;
        unsigned l0_refill_cycles = 0;  // an L0 miss the shared cache serves
        unsigned refill_cycles = 0;     // a shared-cache miss, added: the line from L2
    } icache;
};

}  // namespace vitsim
