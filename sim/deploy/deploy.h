// Deployment: network graph + quantized weights + options -> model image that
// the firmware interpreter (firmware/interp) runs, with the memory plan and the
// target address of every part. docs/deploy.md explains the steps, the image
// format and the figures.
//
//   auto net = load_network("eegformer");
//   auto w = generate_weights(net.graph, 1);
//   auto target = target_for_profile(load_profile("stm32f746"), elf_flash_bytes, 4096, elf_static_bytes);
//   DeployResult r = deploy(net.graph, w, parse_options({"mhsa=depth-first"}), target);
//   // r.blobs: load each at its address; r.plan: per-layer figures;
//   // golden_run(r.image) (golden.h): the expected output bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "deploy/network.h"
#include "deploy/options.h"
#include "deploy/weights.h"

namespace vitsim {
struct Profile;
}

namespace vitsim::deploy {

struct TargetMemory {
    std::string name;
    uint64_t base = 0;
    uint64_t size = 0;
};

// Where the model may go. Addresses are target addresses (32 bit).
struct DeployTarget {
    std::string profile;                      // informational
    TargetMemory code;                        // flash: model part, and the weights if they fit
                                              // (never the data memory)
    uint64_t image_address = 0;               // model part starts here (after the firmware)
    uint64_t code_budget = 0;                 // bytes usable from image_address on
    std::vector<TargetMemory> weight_memories;  // where weights go when flash is full, in order
    TargetMemory data;                        // SRAM: arena, stack, static data
    uint64_t arena_address = 0;               // 0: the firmware places the arena (its heap start)
    uint64_t sram_budget = 0;                 // bytes of `data` the plan may use (0: data.size)
    uint64_t stack_reserve = 4096;            // bytes kept for the stack
    uint64_t static_bytes = 2048;             // .data + .bss of the firmware
    unsigned cluster_cores = 0;               // worker cores of a cluster that runs the kernels
                                              // (0: none; its MHSA needs the layer-wise scratch)
    // The cluster's L1 (cluster_cores > 0): bytes the layers' tiles may use (the L1
    // minus the profile's cluster.l1_reserved), and its DMA, for the tiling's costs.
    uint64_t l1_budget = 0;
    unsigned l1_dma_bytes_per_cycle = 8, l1_dma_setup_cycles = 20;
    uint64_t cluster_l1_bytes = 0;            // the cluster's L1 its kernels may allocate
                                              // (the TCDM minus the workers' stacks)
    // The matrix engine beside the cluster (0 lanes: none) and one worker core's measured
    // MACs a cycle on a linear layer: with engine=on deploy splits linear layers' rows
    // between them (engine_split.h; 0: no split, the engine alone).
    unsigned engine_lanes = 0;
    double engine_core_macs_per_cycle = 0;
    unsigned engine_core_setup_cycles = 0;  // the cores' fixed cycles per linear layer (fork, first tiles)
    double engine_shared_stall_share = 0;   // the engine's extra cycles (a share of its own) beside busy cores
};

// A target from a SoC profile: the model part follows a firmware of
// `firmware_code_bytes` in the code memory (aligned to 64); weights that do not
// fit there go to "qspi", then to any other read-only memory. When code and data
// share one memory (GAP9 L2), model and weights go to the first read-only memory
// instead (GAP9 MRAM); InputError if there is none.
DeployTarget target_for_profile(const Profile& profile, uint64_t firmware_code_bytes, uint64_t stack_reserve,
                                uint64_t static_bytes);

// A part of the image file and where it must be placed on the target.
struct PlacedBlob {
    std::string name;      // "model" (header, records, input) or "weights"
    std::string memory;    // target memory name
    uint64_t address = 0;  // target address
    uint64_t file_offset = 0;
    uint64_t bytes = 0;
};

// An arena range in use from layer `first` to `last`: a part of a buffer (a
// buffer whose contents grow and shrink has several parts).
struct PlannedBuffer {
    std::string name;  // buffer: first tensor's name, "<layer>:scratch" or "<layer>:staging"
    std::string kind;  // "activation", "scratch", "staging"
    int64_t offset = 0, bytes = 0;
    int first = 0, last = 0;
};

// An activation tensor of the plan: where it is and when it is in use.
struct PlannedTensor {
    std::string name;
    std::string buffer;
    int64_t offset = 0, bytes = 0;
    int first = 0, last = 0;  // the layer that writes it (0: the input) to the last reader
};

// One operand's L1 buffers (two for double buffering; one when the operand is a
// single tile), in use during the whole layer (L1 holds nothing across layers).
struct L1Buffer {
    std::string name;  // "x", "w", "bias", "y", "gamma", "beta", "a", "b"; empty: unused
    int64_t offset[2] = {0, 0};
    int64_t bytes = 0;
    int slots = 0;
};

// How a layer the cluster runs is tiled for its L1 (docs/deploy.md, "L1 plan").
struct L1Plan {
    int64_t tile_rows = 0;  // 0: the layer is not tiled (the cores read L2)
    int64_t tile_cols = 0;  // output columns per tile (linear), else the row width
    int64_t row_tiles = 0, col_tiles = 0;
    bool cols_outer = false;  // every row tile of a column tile, then the next column tile
    bool backward = false;    // row tiles last to first (token overwrite with out > in)
    L1Buffer buffers[4];      // vs_model.h VS_L1_X, VS_L1_W, VS_L1_BIAS, VS_L1_Y
    int64_t peak_bytes = 0;   // highest L1 byte in use
    int64_t dma_bytes = 0;    // bytes the cluster DMA moves for the layer
};

struct LayerPlan {
    uint32_t index = 0;
    std::string name;                // report name ("block0.attn")
    std::string op;                  // image op ("mhsa", "linear", ...)
    std::string kernel;              // kernel function called
    std::vector<std::string> nodes;  // graph nodes this layer computes
    int64_t macs = 0;
    int64_t live_bytes = 0;          // activation buffers live during the layer
    int64_t scratch_bytes = 0;       // kernel scratch
    int64_t staging_bytes = 0;       // staged weights (weights=staged)
    int64_t planned_bytes = 0;       // live + scratch + staging
    int64_t arena_high_water = 0;    // highest arena byte in use during the layer
    int64_t sram_bytes = 0;          // arena_high_water + stack + static
    int64_t weight_bytes = 0;
    std::string output;              // output tensor
    int64_t output_offset = 0, output_bytes = 0;
    double output_scale = 0;
    L1Plan l1;                       // cluster profiles: the layer's L1 tiling
    int32_t core_rows = 0;           // engine=on: the linear layer's rows on the cores
                                     // beside the engine (0: no split; docs/engine.md)
};

struct Plan {
    std::string network;
    std::string options;             // DeployOptions::text()
    std::vector<LayerPlan> layers;
    std::vector<PlannedBuffer> buffers;  // parts; different buffers never overlap while in use
    std::vector<PlannedTensor> tensors;
    std::string placement;           // heuristic that won
    int64_t arena_bytes = 0;
    int64_t max_planned_bytes = 0;   // max over layers of planned_bytes (lower bound)
    int64_t stack_reserve = 0, static_bytes = 0;
    int64_t peak_sram_bytes = 0;     // arena + stack + static = max over layers of sram_bytes
    int64_t sram_budget = 0;
    int64_t staging_bytes = 0;       // largest staging area
    int patch_groups = 1;            // output-channel groups of a staged patch embedding
    int64_t weights_bytes = 0;
    int64_t l1_budget = 0;           // cluster profiles: L1 bytes the tiles may use
    int64_t l1_peak_bytes = 0;       // max over layers of l1.peak_bytes
    bool fits = true;
    std::string misfit;              // the NoFitError message when !fits
};

struct DeployResult {
    std::vector<uint8_t> image;      // the image file: model part, then the weights blob
    std::vector<PlacedBlob> blobs;
    Plan plan;
    uint64_t arena_address = 0;      // 0: the firmware's heap start
    int64_t arena_bytes = 0;
    int64_t output_offset = 0, output_bytes = 0;
    double output_scale = 0;         // real value of one output LSB
    std::string output_tensor;
    std::string weights_memory;
    uint64_t weights_address = 0;
};

// Refuses (NoFitError), from the shapes alone and before any weight is generated, a
// network that cannot fit `target` whatever the options: a layer whose input or
// output alone exceeds the SRAM left after the stack and static data, or
// parameters too large for every read-only memory. Allocates nothing in
// proportion to the network, so an absurd network is refused at once.
void check_shapes_fit(const Graph& graph, const DeployTarget& target);

// Lowers, plans and serialises. Throws InputError (weights do not match the
// graph), NoFitError (plan or weights do not fit: names the first layer that
// does not fit, the bytes needed and the bytes available).
DeployResult deploy(const Graph& graph, const Weights& weights, const DeployOptions& options,
                    const DeployTarget& target);

// The plan alone, also when it does not fit (plan.fits, plan.misfit), e.g. for sweeps.
Plan plan_network(const Graph& graph, const Weights& weights, const DeployOptions& options,
                  const DeployTarget& target);

// Stable JSON of a plan (schema "vitsim-plan", version 1; docs/deploy.md).
nlohmann::json plan_to_json(const Plan& plan);
// A layer's L1 plan in that JSON (null when the layer is not tiled).
nlohmann::json l1_plan_json(const L1Plan& plan);

}  // namespace vitsim::deploy
