// Deploy options (--set key=value). Every key and value is validated; an error
// names the setting and lists the allowed values (OptionError, exit 110).
//
//   mhsa=layer-wise|depth-first   attention schedule (default layer-wise)
//   fwsa=on|off                   fused-weight self-attention (default off)
//   tile=N                        rows per tile of the depth-first schedules:
//                                 MHSA query rows and low-rank chain tokens (default 8;
//                                 clamped to the layer's token count)
//   patch-embed=direct|decomposed patch-embedding kernel (default direct)
//   linear=out-of-place|token-overwrite  linear layers write a new buffer or over
//                                 their input rows (default out-of-place)
//   sqrt=newton:N|bisect          LayerNorm integer square root (default newton:6)
//   weights=in-place|staged       read weights from flash/qspi, or copy each layer's
//                                 weights into SRAM first (default in-place)
//   simd=on|off                   SIMD or portable kernels (default on)
//   split=balanced|heads          how the cores of a cluster share attention: (head,
//                                 query row) items evenly, or whole heads (the published
//                                 kernels' split, for comparison; default balanced)
//   engine=on|off                 linear layers on the profile's matrix engine where
//                                 their shapes fit (default off; docs/engine.md)
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace vitsim::deploy {

enum class MhsaSchedule { LayerWise, DepthFirst };
enum class PatchEmbedMode { Direct, Decomposed };
enum class LinearMode { OutOfPlace, TokenOverwrite };
enum class SqrtMethod { Newton, Bisect };
enum class WeightMode { InPlace, Staged };
enum class AttentionSplit { Balanced, Heads };

struct DeployOptions {
    MhsaSchedule mhsa = MhsaSchedule::LayerWise;
    bool fwsa = false;
    int tile = 8;
    PatchEmbedMode patch_embed = PatchEmbedMode::Direct;
    LinearMode linear = LinearMode::OutOfPlace;
    SqrtMethod sqrt = SqrtMethod::Newton;
    int newton_steps = 6;
    WeightMode weights = WeightMode::InPlace;
    bool simd = true;
    AttentionSplit split = AttentionSplit::Balanced;
    bool engine = false;

    // Applies one "key=value"; throws OptionError.
    void set(const std::string& setting);
    // Every option as (key, value) in a fixed order, values as the user writes them.
    std::vector<std::pair<std::string, std::string>> items() const;
    // "mhsa=layer-wise fwsa=off ..." (items() joined by spaces).
    std::string text() const;
    // items() as a JSON object {"mhsa": "layer-wise", ...}: the "options" of the run
    // report, of every sweep row and of compare's header (docs/cli.md, "Options").
    nlohmann::ordered_json to_json() const;
};

// Defaults, then each setting in order (later ones win).
DeployOptions parse_options(const std::vector<std::string>& settings);

// The option keys, sorted.
std::vector<std::string> option_keys();

}  // namespace vitsim::deploy
