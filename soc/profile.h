// SoC profiles: one JSON file per chip (soc/profiles/*.json) describing the clock,
// the memories and the timing parameters that the SystemC models are built from.
// No SystemC here, so host tools (deploy, reports) can read profiles too.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "arm/arm_timing.h"
#include "cluster/cluster_params.h"
#include "core/cache.h"
#include "iss/timing.h"
#include "soc/energy.h"

namespace vitsim {

// The memory-to-memory DMA channel of the platform (models/periph/dma.h).
struct DmaParams {
    unsigned setup_cycles = 16;    // from the start write to the first byte moved
    unsigned bytes_per_cycle = 4;  // sustained copy bandwidth
};

// The core a profile's SoC is built around: which instruction-set simulator runs it.
enum class CoreModel {
    kRv32,      // RV32IMC + Xvitsim, models/iss (Hart)
    kCortexM4,  // Armv7E-M, single issue, models/arm (ArmHart)
    kCortexM7,  // Armv7E-M, dual issue, models/arm (ArmHart)
};
// "rv32", "cortex-m4", "cortex-m7": the profile's "core" field.
const char* core_model_name(CoreModel core);
// Which ELF machine the core runs: "RISC-V (RV32)" or "Arm (Thumb-2)".
const char* core_isa_name(CoreModel core);
inline bool is_arm(CoreModel core) { return core != CoreModel::kRv32; }

struct Profile {
    std::string name;
    std::string description;
    std::string source;  // file the profile was read from
    uint64_t clock_hz = 0;
    CoreModel core = CoreModel::kRv32;
    IsaExtensions isa;       // RV32 cores: "isa"
    CoreTiming timing;       // RV32 cores: "core_timing"
    ArmTiming arm_timing;    // Arm cores: "core_timing"
    std::vector<MemoryTiming> memories;
    std::string code_memory;   // where programs and model images are placed (flash, L2)
    std::string data_memory;   // main RAM: stack and activations (SRAM, L2)
    unsigned peripheral_latency = 0;  // cycles per peripheral register access
    DmaParams dma;
    MemorySystem memory_system;  // "caches": L1 caches and flash accelerators (optional)
    ClusterParams cluster;       // "cluster" (optional): worker cores, L1 TCDM, cluster DMA
    EnergyParams energy;         // "energy" (optional): the energy model's data (docs/energy.md)

    // The memory called `name`; throws std::out_of_range if there is none.
    const MemoryTiming& memory(const std::string& name) const;
};

// A profile that cannot be found, read or parsed. what() names the file and the
// field, e.g. "soc/profiles/x.json: memories[1].size: expected a size like \"320K\"".
class ProfileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The directory of the profiles shipped with vitsim (the source tree's soc/profiles).
std::string profile_dir();

// Names of the shipped profiles, sorted.
std::vector<std::string> profile_names();

// `name_or_path` ending in ".json" is a file path; anything else is the name of a
// shipped profile. Throws ProfileError.
Profile load_profile(const std::string& name_or_path);

// Parses the text of a profile; `source` names it in error messages.
Profile parse_profile(const std::string& json_text, const std::string& source);

// "1M", "320K", "0x100000", "4096" -> bytes. Throws std::invalid_argument.
uint64_t parse_size(const std::string& text);

}  // namespace vitsim
