// Network descriptions (networks/*.json, schema in docs/networks.md) and the
// graph they expand to: a straight list of nodes, each one int8 operation on
// named activation tensors, with the parameter tensors it needs. The graph is
// the same for every deploy option; options only change how it is lowered to
// kernel calls (sim/deploy/lower.cpp).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vitsim::deploy {

constexpr int kNetworkFormatVersion = 1;

// Limits of a description (docs/networks.md, "Limits"). No tensor (activation,
// weight, attention map, hidden layer) may exceed kMaxTensorBytes: 256 MiB, 16x
// the largest memory of any shipped profile, and small enough that every size
// product the deploy tool and the kernels form fits in int32 (x4 for int32
// data). Each number in a description is at most kMaxDimension, and the
// expanded graph has at most kMaxNetworkLayers nodes.
constexpr int64_t kMaxTensorBytes = int64_t{1} << 28;
constexpr int kMaxDimension = 1 << 24;
constexpr int kMaxNetworkLayers = 4096;

// The kernels accumulate in int32 and wrap modulo 2^32, on the target and in the
// host golden model alike (docs/kernels.md), so every int32 parameter is valid.
// A dot product has at most kMaxFanIn terms (input features, patch x patch x
// channels, embed, heads x head_dim): validate_image (golden.h) enforces it before
// the kernels run (a wider network may still be planned and refused as too large
// for the target).
constexpr int kMaxFanIn = 1 << 16;

// An activation tensor: rows x cols int8, row-major. The input image is
// height x (width * channels), i.e. HWC.
struct Shape {
    int rows = 0;
    int cols = 0;
    int64_t bytes() const { return static_cast<int64_t>(rows) * cols; }
};

enum class DType { I8, I32 };

// A parameter tensor a node needs from the weights (name, type, shape).
struct ParamSpec {
    std::string name;
    DType dtype = DType::I8;
    std::vector<int> shape;
    int64_t elements() const;
};

enum class NodeKind {
    PatchEmbed,  // image -> [tokens][embed], kernel = stride = patch
    Linear,      // [tokens][in] -> [tokens][out], optional bias and GELU
    ClassToken,  // [rows][cols] -> [rows+1][cols], learned token in row 0
    PosAdd,      // + learned [rows][cols] table
    LayerNorm,   // per row; `ln_rows` = 1 when only the class token is used later
    Mhsa,        // multi-head self-attention, [seq][embed] -> [seq][embed]
    Add,         // residual add of two tensors
    MeanPool,    // [rows][cols] -> [1][cols]
    SelectRow,   // class-token pooling without a LayerNorm: a view of row 0
};

const char* node_kind_name(NodeKind kind);

struct Node {
    NodeKind kind = NodeKind::Linear;
    std::string name;                 // also the name of its output tensor
    std::vector<std::string> inputs;  // activation tensors read
    Shape in_shape, out_shape;        // of inputs[0] and the output
    std::vector<ParamSpec> params;

    // Linear
    int tokens = 0, in_features = 0, out_features = 0;
    bool has_bias = true;
    bool gelu = false;   // GELU applied to the output (scale "<name>:pre_gelu" before it)
    std::string chain;   // low-rank chain this factor belongs to ("" = dense layer)
    int chain_pos = -1;  // 0, 1, 2 = factors a, b, c

    // PatchEmbed (tokens / out_features as above: embed)
    int height = 0, width = 0, channels = 0, patch = 0, sub_patch = 0;

    // Mhsa (embed = in_shape.cols)
    int seq = 0, heads = 0, head_dim = 0;
    bool has_out_bias = true;  // false when the output projection is a low-rank factor

    // LayerNorm: rows normalised (1 = class token only), epsilon
    int ln_rows = 0;
    double eps = 1e-5;

    int64_t macs() const;
};

// Where an activation tensor comes from.
struct Graph {
    std::string name;
    std::string input = "input";
    Shape input_shape;
    bool image_input = false;
    int image_height = 0, image_width = 0, image_channels = 0;
    std::vector<Node> nodes;
    std::map<std::string, Shape> tensors;  // every activation tensor incl. the input
    std::string output;                    // the logits tensor
    uint64_t fingerprint = 0;              // hash of the description's content (weights cache key)

    // Scales the weights must provide: every tensor and the internal points of
    // MHSA (":q", ":k", ":v", ":scores", ":context", ":t", ":scores_fused") and of
    // GELU layers (":pre_gelu").
    std::vector<std::string> activation_scale_names() const;
    std::vector<ParamSpec> param_specs() const;
    const Node& node(const std::string& name) const;
};

// The parsed description before expansion (kept for reports and docs).
struct NetworkSpec {
    std::string name;
    std::string description;
    std::vector<std::string> assumptions;
    std::string source;  // file the description was read from
    Graph graph;
};

// The directory of the built-in networks (the source tree's networks/).
std::string network_dir();
// Names of the built-in networks, sorted.
std::vector<std::string> network_names();

// `name_or_path` ending in ".json" is a file; anything else a built-in network.
// Throws InputError: unknown network, unreadable file, malformed JSON, schema or
// shape errors (one line naming the file, the layer and the shapes).
NetworkSpec load_network(const std::string& name_or_path);
NetworkSpec parse_network(const std::string& json_text, const std::string& source);

}  // namespace vitsim::deploy
