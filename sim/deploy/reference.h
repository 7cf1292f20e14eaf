// Float reference forward pass (double precision) over the network graph: the
// same operations as the int8 kernels with exact GELU (erf), softmax and
// LayerNorm and no quantization of activations. With dequantized int8 weights
// it measures the error of the integer pipeline; during weight generation it
// calibrates the activation scales.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "deploy/network.h"
#include "deploy/weights.h"

namespace vitsim::deploy {

struct ReferenceResult {
    std::vector<double> output;                       // the graph's output tensor
    std::map<std::string, double> max_abs;            // by activation scale name
    std::map<std::string, std::vector<double>> tensors;  // every activation (keep_tensors)
};

// `params` must hold every ParamSpec of the graph (real values). With
// `fused_points` the internal points of the FWSA form (":t", ":scores_fused")
// are computed too, so that their scales can be calibrated (about a quarter
// more work on mcuformer-320k); the output is the same either way.
ReferenceResult float_forward(const Graph& graph, const FloatParams& params, const std::vector<double>& input,
                              bool keep_tensors, bool fused_points = false);

// Error of an int8 output against the float reference.
struct QuantError {
    double max_abs = 0;       // max |q - ref|
    double rms = 0;           // sqrt(mean (q - ref)^2)
    double relative_rms = 0;  // rms / sqrt(mean ref^2)
    bool argmax_equal = false;
};
QuantError quantization_error(const std::vector<int8_t>& output, double output_scale,
                              const std::vector<double>& reference);

}  // namespace vitsim::deploy
