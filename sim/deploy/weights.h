// Quantized weights of a network: int8 parameter tensors (int32 biases) with
// per-tensor scales, the scale of every activation tensor, and a sample input.
// They are either generated from a seed (deterministic everywhere: splitmix64,
// calibration by a float forward pass) or read from a weights file (format in
// docs/deploy.md, "Weights file").
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "deploy/network.h"

namespace vitsim::deploy {

constexpr uint32_t kWeightsMagic = 0x54575356u;  // "VSWT" little-endian
constexpr uint32_t kWeightsVersion = 1;

// The range of a scale in a weights file (2^-40 .. 2^24, docs/deploy.md). Real
// networks stay far inside it; outside it the integer multipliers derived from
// ratios of scales underflow to 0 or saturate, and the run fails much later.
constexpr double kMinScale = 0x1p-40;
constexpr double kMaxScale = 0x1p24;

// Real value = scale * stored integer (symmetric, no zero point).
struct Tensor {
    DType dtype = DType::I8;
    std::vector<int> shape;
    double scale = 1.0;
    std::vector<int8_t> i8;    // dtype I8
    std::vector<int32_t> i32;  // dtype I32
    int64_t elements() const;
    double real(int64_t i) const { return scale * (dtype == DType::I8 ? i8[i] : i32[i]); }
};

struct Weights {
    std::string network;                        // name of the network they belong to
    uint64_t seed = 0;                          // generator seed (informational)
    std::map<std::string, Tensor> params;       // by ParamSpec name
    std::map<std::string, double> act_scales;   // by Graph::activation_scale_names()
    std::vector<int8_t> input;                  // sample input at act_scales["input"]

    const Tensor& param(const std::string& name) const;
    double scale(const std::string& name) const;
};

// Real scale of generated inputs: int8 values in [-127, 127] stand for [-2, 2).
constexpr double kGeneratedInputScale = 1.0 / 64.0;

// Weights for `graph` from `seed`: parameters drawn with splitmix64 (a separate
// stream per tensor name), quantized per tensor, activation scales calibrated
// by a float forward pass on a separate calibration input. Same seed, same
// bytes on every platform.
Weights generate_weights(const Graph& graph, uint64_t seed);

// generate_weights through a cache directory: loads weights_cache_file() when it
// exists and matches the graph, else generates the weights and stores them there
// (written whole, sim/files.h, so concurrent processes never read a partial file).
// Generation of the large networks takes seconds; loading does not. A cache that
// cannot be written is not an error.
Weights cached_weights(const Graph& graph, uint64_t seed, const std::string& cache_dir);
// <cache_dir>/net-<fingerprint>-seed<seed>-v<version>.vswt: keyed by the network's
// content, never by its name (a name is not a safe file name, and two files may
// share one).
std::string weights_cache_file(const Graph& graph, uint64_t seed, const std::string& cache_dir);

// A deterministic int8 input for `graph` (stream `stream_name` of `seed`).
std::vector<int8_t> generate_input(const Graph& graph, uint64_t seed, const std::string& stream_name);

// Checks that `weights` provide every parameter (right type and shape) and every
// activation scale `graph` needs, and a sample input of the right size. Throws
// InputError naming `source`, the tensor and both shapes.
void validate_weights(const Graph& graph, const Weights& weights, const std::string& source);

// Weights file: serialise / parse / save / load. parse throws InputError for a
// bad magic or version, a truncated file, a checksum mismatch or a malformed
// entry, naming `source` and the entry.
std::vector<uint8_t> serialize_weights(const Weights& weights);
Weights parse_weights(const std::vector<uint8_t>& bytes, const std::string& source);
void save_weights(const Weights& weights, const std::string& path);
Weights load_weights(const std::string& path);

// Dequantized parameters (real values) for the float reference.
using FloatParams = std::map<std::string, std::vector<double>>;
FloatParams dequantize(const Weights& weights);
std::vector<double> dequantize_input(const Weights& weights);

// The scale of an int8 tensor whose largest magnitude is max_abs: max_abs / 127,
// rounded up to 12 significant bits (so tiny libm differences between platforms
// cannot change the integer parameters derived from it).
double scale_for_max(double max_abs);

}  // namespace vitsim::deploy
