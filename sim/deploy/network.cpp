#include "deploy/network.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "deploy/errors.h"
#include "deploy/prng.h"
#include "sim/message_text.h"

#ifndef VITSIM_NETWORK_DIR
#error "VITSIM_NETWORK_DIR must name the directory of the built-in networks"
#endif

namespace vitsim::deploy {
namespace {

using nlohmann::json;

// Kernel limits (vitsim/kernels.h) that a description can violate.
constexpr int kMaxLayerNormCols = 512;
constexpr int kMaxSoftmaxCols = 1024;

std::string shape_text(const Shape& s) {
    return "[" + std::to_string(s.rows) + " x " + std::to_string(s.cols) + "]";
}

// A string from the description, quoted for a one-line message.
std::string quoted_text(const std::string& text) { return "'" + escape_for_message(text) + "'"; }

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// Reads one JSON object of the description and names it in every error.
class Fields {
public:
    Fields(const json& object, std::string where, std::vector<std::string> allowed)
        : object_(object), where_(std::move(where)) {
        if (!object_.is_object()) fail("must be an object");
        std::sort(allowed.begin(), allowed.end());
        for (const auto& [key, value] : object_.items()) {
            (void)value;
            if (!std::binary_search(allowed.begin(), allowed.end(), key))
                fail("unknown key \"" + escape_for_message(key) + "\" (allowed: " + join(allowed) + ")");
        }
    }

    bool has(const std::string& key) const { return object_.contains(key); }

    // An integer in 1..kMaxDimension. A float, a negative number, an integer
    // beyond 64 bits (read as a float) or a huge one are all refused here,
    // before any conversion.
    int positive(const std::string& key) const {
        const json& v = get(key);
        // nlohmann reads every non-negative integer as unsigned, a negative one as
        // signed, anything else (1.5, 1e3, 18446744073709551616) as a float.
        const bool in_range = v.is_number_unsigned() && v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= kMaxDimension;
        if (!in_range)
            fail("\"" + key + "\" must be an integer from 1 to " + std::to_string(kMaxDimension) + ", not " +
                 value_text(v));
        return static_cast<int>(v.get<int64_t>());
    }
    int positive_or(const std::string& key, int fallback) const {
        return has(key) ? positive(key) : fallback;
    }
    std::string text(const std::string& key) const {
        const json& v = get(key);
        if (!v.is_string() || v.get<std::string>().empty()) fail("\"" + key + "\" must be a non-empty string");
        return v.get<std::string>();
    }
    double number_or(const std::string& key, double fallback) const {
        if (!has(key)) return fallback;
        const json& v = object_.at(key);
        if (!v.is_number()) fail("\"" + key + "\" must be a number, not " + value_text(v));
        return v.get<double>();
    }
    // A low-rank ratio: 0 (dense layers) or in (0, 1); `fallback` when absent.
    double low_rank_ratio_or(const std::string& key, double fallback) const {
        const double ratio = number_or(key, fallback);
        if (!(ratio >= 0.0 && ratio < 1.0)) fail("\"" + key + "\" must be in [0, 1) (0: dense layers)");
        return ratio;
    }
    // A value as the user wrote it (JSON), shortened and escaped.
    static std::string value_text(const json& v) { return escape_for_message(v.dump(), 40); }
    const json& get(const std::string& key) const {
        if (!has(key)) fail("missing \"" + key + "\"");
        return object_.at(key);
    }
    [[noreturn]] void fail(const std::string& what) const { throw InputError(where_ + ": " + what); }

private:
    const json& object_;
    std::string where_;
};

// Builds the node list from the layer list, checking shapes on the way.
class GraphBuilder {
public:
    GraphBuilder(std::string source, Graph& graph, double low_rank_ratio, double eps)
        : source_(std::move(source)), g_(graph), ratio_(low_rank_ratio), eps_(eps) {
        current_ = g_.input;
    }

    void layer(const json& item, size_t index) {
        const std::string at = source_ + ": layers[" + std::to_string(index) + "]";
        if (!item.is_object() || !item.contains("op") || !item.at("op").is_string())
            throw InputError(at + ": needs an \"op\" string");
        const std::string op = item.at("op").get<std::string>();
        const std::string label = item.contains("name") && item.at("name").is_string()
                                      ? " (" + escape_for_message(op) + " " + quoted_text(item.at("name").get<std::string>()) + ")"
                                      : " (" + escape_for_message(op) + ")";
        const std::string where = at + label;
        if (op == "patch_embed") return patch_embed(Fields(item, where, {"op", "name", "patch", "embed", "sub_patch"}));
        if (op == "linear_embed")
            return linear_embed(Fields(item, where, {"op", "name", "out_features", "in_features", "low_rank_ratio"}));
        if (op == "class_token") return class_token(Fields(item, where, {"op", "name"}));
        if (op == "pos_embed") return pos_embed(Fields(item, where, {"op", "name"}));
        if (op == "encoder")
            return encoder(Fields(item, where,
                                  {"op", "name", "repeat", "embed", "heads", "head_dim", "mlp_hidden", "low_rank_ratio",
                                   "attn_low_rank_ratio", "mlp_low_rank_ratio"}));
        if (op == "layernorm") return layernorm(Fields(item, where, {"op", "name"}));
        if (op == "pool") return pool(Fields(item, where, {"op", "name", "mode"}));
        if (op == "classifier") return classifier(Fields(item, where, {"op", "name", "classes", "low_rank_ratio"}));
        throw InputError(at + ": unknown op \"" + escape_for_message(op) +
                         "\" (allowed: class_token, classifier, encoder, layernorm, linear_embed, "
                         "patch_embed, pool, pos_embed)");
    }

    void finish() {
        if (g_.nodes.empty()) throw InputError(source_ + ": \"layers\" is empty");
        g_.output = current_;
    }

private:
    // Error naming the layer (as the user wrote it), its op and the shapes.
    [[noreturn]] void shape_error(const std::string& name, const std::string& op, const std::string& what) const {
        throw InputError(source_ + ": layer " + quoted_text(name) + " (" + op + "): " + what);
    }

    // The product of `factors` (e.g. heads x head_dim), refused beyond
    // kMaxTensorBytes before it could overflow an int. `what` names the keys.
    int checked_product(const std::string& name, const std::string& op, const std::string& what,
                        std::initializer_list<int64_t> factors) const {
        int64_t product = 1;
        for (int64_t f : factors) {
            product *= f;  // each factor <= kMaxDimension, product so far <= kMaxTensorBytes: no overflow
            if (product > kMaxTensorBytes)
                shape_error(name, op, what + " is larger than " + std::to_string(kMaxTensorBytes) +
                                          " (the limit of any tensor, docs/networks.md)");
        }
        return static_cast<int>(product);
    }

    // Every tensor a node creates or needs, within kMaxTensorBytes.
    void check_node_sizes(const Node& n) const {
        const std::string op = node_kind_name(n.kind);
        checked_product(n.name, op, "output [" + std::to_string(n.out_shape.rows) + " x " +
                                        std::to_string(n.out_shape.cols) + "]",
                        {n.out_shape.rows, n.out_shape.cols});
        for (const ParamSpec& p : n.params) {
            std::vector<int64_t> dims(p.shape.begin(), p.shape.end());
            if (p.dtype == DType::I32) dims.push_back(4);
            int64_t product = 1;
            for (int64_t d : dims) {
                product *= d;
                if (product > kMaxTensorBytes)
                    shape_error(n.name, op, "parameter " + quoted_text(p.name) + " is larger than " +
                                                std::to_string(kMaxTensorBytes) + " bytes (docs/networks.md)");
            }
        }
    }

    const Shape& shape() const { return g_.tensors.at(current_); }

    void require_tokens(const std::string& name, const std::string& op) const {
        if (current_ == g_.input && g_.image_input)
            shape_error(name, op,
                        "input is the image " + std::to_string(g_.image_height) + "x" + std::to_string(g_.image_width) +
                            "x" + std::to_string(g_.image_channels) + "; the first layer must be patch_embed");
    }

    Node& add(Node node) {
        if (!names_.insert(node.name).second)
            throw InputError(source_ + ": layer name " + quoted_text(node.name) + " is used twice");
        if (g_.nodes.size() >= static_cast<size_t>(kMaxNetworkLayers))
            shape_error(node.name, node_kind_name(node.kind),
                        "the network expands to more than " + std::to_string(kMaxNetworkLayers) + " layers");
        check_node_sizes(node);
        if (node.inputs.empty()) node.inputs.push_back(current_);
        node.in_shape = g_.tensors.at(node.inputs[0]);
        g_.tensors[node.name] = node.out_shape;
        current_ = node.name;
        g_.nodes.push_back(std::move(node));
        return g_.nodes.back();
    }

    // A dense layer, or with `ratio` > 0 its low-rank chain in -> r -> r -> out
    // (factors a, b, c; only c has the bias and the activation).
    void dense(const std::string& name, const std::string& op, int in, int out, bool gelu, double ratio) {
        const int tokens = shape().rows;
        if (ratio <= 0.0) {
            add(linear(name, tokens, in, out, true, gelu));
            return;
        }
        const int rank = low_rank(name, op, in, out, ratio);
        const char* suffix[3] = {".a", ".b", ".c"};
        const int ins[3] = {in, rank, rank}, outs[3] = {rank, rank, out};
        for (int i = 0; i < 3; i++) {
            Node n = linear(name + suffix[i], tokens, ins[i], outs[i], i == 2, gelu && i == 2);
            n.chain = name;
            n.chain_pos = i;
            add(std::move(n));
        }
    }

    int low_rank(const std::string& name, const std::string& op, int in, int out, double ratio) const {
        const int rank = static_cast<int>(std::min(in, out) * ratio);
        if (rank < 1)
            shape_error(name, op, "low-rank ratio " + std::to_string(ratio) + " gives rank 0 for " +
                                      std::to_string(in) + " -> " + std::to_string(out));
        return rank;
    }

    Node linear(const std::string& name, int tokens, int in, int out, bool bias, bool gelu) const {
        Node n;
        n.kind = NodeKind::Linear;
        n.name = name;
        n.tokens = tokens;
        n.in_features = in;
        n.out_features = out;
        n.has_bias = bias;
        n.gelu = gelu;
        n.out_shape = {tokens, out};
        n.params.push_back({name + ".weight", DType::I8, {out, in}});
        if (bias) n.params.push_back({name + ".bias", DType::I32, {out}});
        return n;
    }

    Node layer_norm(const std::string& name) const {
        const Shape s = shape();
        if (s.cols > kMaxLayerNormCols)
            shape_error(name, "layernorm", "input is " + shape_text(s) + "; LayerNorm handles at most " +
                                               std::to_string(kMaxLayerNormCols) + " columns");
        Node n;
        n.kind = NodeKind::LayerNorm;
        n.name = name;
        n.ln_rows = s.rows;
        n.eps = eps_;
        n.out_shape = s;
        n.params.push_back({name + ".gamma", DType::I8, {s.cols}});
        n.params.push_back({name + ".beta", DType::I32, {s.cols}});
        return n;
    }

    void patch_embed(const Fields& f) {
        const std::string name = f.text("name");
        if (!g_.image_input || current_ != g_.input)
            shape_error(name, "patch_embed", "input is " + shape_text(shape()) +
                                                 "; patch_embed must be the first layer of an image network");
        const int patch = f.positive("patch"), embed = f.positive("embed");
        const int sub = f.positive_or("sub_patch", patch % 4 == 0 ? 4 : (patch % 2 == 0 ? 2 : 1));
        if (g_.image_height % patch != 0 || g_.image_width % patch != 0)
            shape_error(name, "patch_embed", "image " + std::to_string(g_.image_height) + "x" +
                                                 std::to_string(g_.image_width) + " is not a multiple of patch " +
                                                 std::to_string(patch));
        if (patch % sub != 0)
            shape_error(name, "patch_embed", "sub_patch " + std::to_string(sub) + " does not divide patch " +
                                                 std::to_string(patch));
        Node n;
        n.kind = NodeKind::PatchEmbed;
        n.name = name;
        n.height = g_.image_height;
        n.width = g_.image_width;
        n.channels = g_.image_channels;
        n.patch = patch;
        n.sub_patch = sub;
        n.tokens = checked_product(name, "patch_embed", "tokens (height / patch) x (width / patch)",
                                   {n.height / patch, n.width / patch});
        n.in_features =
            checked_product(name, "patch_embed", "patch x patch x channels", {patch, patch, n.channels});
        n.out_features = embed;
        n.out_shape = {n.tokens, embed};
        n.params.push_back({name + ".weight", DType::I8, {embed, patch, patch, n.channels}});
        n.params.push_back({name + ".bias", DType::I32, {embed}});
        add(std::move(n));
    }

    void linear_embed(const Fields& f) {
        const std::string name = f.text("name");
        require_tokens(name, "linear_embed");
        const int out = f.positive("out_features");
        if (f.has("in_features") && f.positive("in_features") != shape().cols)
            shape_error(name, "linear_embed", "input is " + shape_text(shape()) + " but the layer expects in_features " +
                                                  std::to_string(f.positive("in_features")));
        dense(name, "linear_embed", shape().cols, out, false, f.low_rank_ratio_or("low_rank_ratio", ratio_));
    }

    void class_token(const Fields& f) {
        const std::string name = f.text("name");
        require_tokens(name, "class_token");
        if (has_class_token_) shape_error(name, "class_token", "the network already has a class token");
        Node n;
        n.kind = NodeKind::ClassToken;
        n.name = name;
        n.out_shape = {shape().rows + 1, shape().cols};
        n.params.push_back({name + ".token", DType::I8, {shape().cols}});
        add(std::move(n));
        has_class_token_ = true;
    }

    void pos_embed(const Fields& f) {
        const std::string name = f.text("name");
        require_tokens(name, "pos_embed");
        Node n;
        n.kind = NodeKind::PosAdd;
        n.name = name;
        n.out_shape = shape();
        n.params.push_back({name + ".table", DType::I8, {shape().rows, shape().cols}});
        add(std::move(n));
    }

    void encoder(const Fields& f) {
        const std::string name = f.text("name");
        require_tokens(name, "encoder");
        const int repeat = f.positive_or("repeat", 1);
        const int embed = f.positive("embed"), heads = f.positive("heads"), head_dim = f.positive("head_dim");
        const int hidden = f.positive("mlp_hidden");
        // The block's own ratio, then its attention's and its MLP's, each overriding the one before.
        const double block_ratio = f.low_rank_ratio_or("low_rank_ratio", ratio_);
        const double attn_ratio = f.low_rank_ratio_or("attn_low_rank_ratio", block_ratio);
        const double mlp_ratio = f.low_rank_ratio_or("mlp_low_rank_ratio", block_ratio);
        for (int i = 0; i < repeat; i++) {
            const std::string block = f.has("repeat") ? name + std::to_string(i) : name;
            const Shape s = shape();
            if (s.cols != embed)
                shape_error(block, "encoder", "input is " + shape_text(s) + " but the layer expects embed " +
                                                  std::to_string(embed));
            if (s.rows > kMaxSoftmaxCols)
                shape_error(block, "encoder", "input is " + shape_text(s) + "; attention handles at most " +
                                                  std::to_string(kMaxSoftmaxCols) + " tokens");
            encoder_block(block, heads, head_dim, hidden, attn_ratio, mlp_ratio);
        }
    }

    void encoder_block(const std::string& b, int heads, int head_dim, int hidden, double attn_ratio,
                       double mlp_ratio) {
        const std::string x = current_;
        const int embed = shape().cols;
        add(layer_norm(b + ".ln1"));
        attention(b, heads, head_dim, attn_ratio);
        add(residual(b + ".add1", x, current_));
        const std::string x1 = current_;
        add(layer_norm(b + ".ln2"));
        dense(b + ".mlp.fc1", "encoder", embed, hidden, true, mlp_ratio);
        dense(b + ".mlp.fc2", "encoder", hidden, embed, false, mlp_ratio);
        add(residual(b + ".add2", x1, current_));
    }

    // Dense: one MHSA node. Low-rank: qkv = E -> r -> r -> 3HP and proj =
    // HP -> r -> r -> E share the rank r, so the MHSA kernel runs at width r with
    // qkv's last factor as Wq/Wk/Wv and proj's first factor as Wo.
    void attention(const std::string& b, int heads, int head_dim, double ratio) {
        const int embed = shape().cols;
        const int hp = checked_product(b + ".attn", "encoder", "heads x head_dim", {heads, head_dim});
        checked_product(b + ".attn", "encoder", "attention map heads x tokens x tokens",
                        {heads, shape().rows, shape().rows});
        int width = embed;
        if (ratio > 0.0) {
            width = low_rank(b + ".attn", "encoder", embed, hp, ratio);
            for (int i = 0; i < 2; i++) {
                Node n = linear(b + ".attn.qkv." + (i == 0 ? "a" : "b"), shape().rows, i == 0 ? embed : width, width,
                                false, false);
                n.chain = b + ".attn.qkv";
                n.chain_pos = i;
                add(std::move(n));
            }
        }
        Node n;
        n.kind = NodeKind::Mhsa;
        n.name = b + ".attn";
        n.seq = shape().rows;
        n.heads = heads;
        n.head_dim = head_dim;
        n.has_out_bias = ratio <= 0.0;
        n.out_shape = {n.seq, width};
        for (const char* w : {"wq", "wk", "wv"}) n.params.push_back({n.name + "." + w, DType::I8, {hp, width}});
        for (const char* w : {"bq", "bk", "bv"}) n.params.push_back({n.name + "." + w, DType::I32, {hp}});
        n.params.push_back({n.name + ".wo", DType::I8, {width, hp}});
        if (n.has_out_bias) n.params.push_back({n.name + ".bo", DType::I32, {width}});
        add(std::move(n));
        if (ratio > 0.0) {
            for (int i = 1; i < 3; i++) {
                Node p = linear(b + ".attn.proj." + (i == 1 ? "b" : "c"), shape().rows, width, i == 1 ? width : embed,
                                i == 2, false);
                p.chain = b + ".attn.proj";
                p.chain_pos = i;
                add(std::move(p));
            }
        }
    }

    Node residual(const std::string& name, const std::string& a, const std::string& b) const {
        const Shape sa = g_.tensors.at(a), sb = g_.tensors.at(b);
        if (sa.rows != sb.rows || sa.cols != sb.cols)
            shape_error(name, "add", "inputs " + shape_text(sa) + " and " + shape_text(sb) + " differ");
        Node n;
        n.kind = NodeKind::Add;
        n.name = name;
        n.inputs = {a, b};
        n.out_shape = sa;
        return n;
    }

    void layernorm(const Fields& f) {
        const std::string name = f.text("name");
        require_tokens(name, "layernorm");
        add(layer_norm(name));
    }

    void pool(const Fields& f) {
        const std::string name = f.text("name");
        require_tokens(name, "pool");
        const std::string mode = f.text("mode");
        const Shape s = shape();
        if (mode == "mean") {
            Node n;
            n.kind = NodeKind::MeanPool;
            n.name = name;
            n.out_shape = {1, s.cols};
            add(std::move(n));
            return;
        }
        if (mode != "class_token") f.fail("\"mode\" must be \"class_token\" or \"mean\", not " + quoted_text(mode));
        if (!has_class_token_) shape_error(name, "pool", "mode class_token needs a class_token layer before it");
        Node& last = g_.nodes.back();
        if (last.kind == NodeKind::LayerNorm && last.name == current_) {
            // Only row 0 is used from here on: normalise the class token only.
            last.ln_rows = 1;
            last.out_shape = {1, s.cols};
            g_.tensors[last.name] = last.out_shape;
            return;
        }
        Node n;
        n.kind = NodeKind::SelectRow;
        n.name = name;
        n.out_shape = {1, s.cols};
        add(std::move(n));
    }

    void classifier(const Fields& f) {
        const std::string name = f.text("name");
        require_tokens(name, "classifier");
        const int classes = f.positive("classes");
        if (shape().rows != 1)
            shape_error(name, "classifier", "input is " + shape_text(shape()) +
                                                " but a classifier needs one row (add a pool layer)");
        dense(name, "classifier", shape().cols, classes, false, f.low_rank_ratio_or("low_rank_ratio", ratio_));
    }

    std::string source_;
    Graph& g_;
    double ratio_;  // the network's low_rank_ratio: each dense layer's unless the layer gives its own
    double eps_;
    std::string current_;
    bool has_class_token_ = false;
    std::set<std::string> names_;  // of the nodes so far
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open network description");
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a network description");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// "line L, column C" of a byte offset (1-based), for JSON syntax errors.
std::string position_text(const std::string& text, size_t byte) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < byte && i < text.size(); i++) {
        if (text[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

int64_t ParamSpec::elements() const {
    int64_t n = 1;
    for (int d : shape) n *= d;
    return n;
}

const char* node_kind_name(NodeKind kind) {
    switch (kind) {
    case NodeKind::PatchEmbed: return "patch_embed";
    case NodeKind::Linear: return "linear";
    case NodeKind::ClassToken: return "class_token";
    case NodeKind::PosAdd: return "pos_add";
    case NodeKind::LayerNorm: return "layernorm";
    case NodeKind::Mhsa: return "mhsa";
    case NodeKind::Add: return "add";
    case NodeKind::MeanPool: return "mean_pool";
    case NodeKind::SelectRow: return "select_row";
    }
    return "?";
}

int64_t Node::macs() const {
    switch (kind) {
    case NodeKind::PatchEmbed:
    case NodeKind::Linear:
        return static_cast<int64_t>(tokens) * in_features * out_features;
    case NodeKind::Mhsa: {
        const int64_t s = seq, e = in_shape.cols, hp = static_cast<int64_t>(heads) * head_dim;
        return 3 * s * e * hp + 2 * s * s * hp + s * hp * e;
    }
    default:
        return 0;
    }
}

std::vector<std::string> Graph::activation_scale_names() const {
    std::vector<std::string> names{input};
    for (const auto& n : nodes) {
        names.push_back(n.name);  // a SelectRow view has its input's scale
        if (n.kind == NodeKind::Linear && n.gelu) names.push_back(n.name + ":pre_gelu");
        if (n.kind == NodeKind::Mhsa)
            for (const char* p : {":q", ":k", ":v", ":scores", ":context", ":t", ":scores_fused"})
                names.push_back(n.name + p);
    }
    return names;
}

std::vector<ParamSpec> Graph::param_specs() const {
    std::vector<ParamSpec> specs;
    for (const auto& n : nodes) specs.insert(specs.end(), n.params.begin(), n.params.end());
    return specs;
}

const Node& Graph::node(const std::string& name) const {
    for (const auto& n : nodes)
        if (n.name == name) return n;
    throw InternalError("graph has no node '" + name + "'");
}

std::string network_dir() { return VITSIM_NETWORK_DIR; }

std::vector<std::string> network_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(network_dir(), ec))
        if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

NetworkSpec load_network(const std::string& name_or_path) {
    const bool is_path = name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".json";
    std::string path = name_or_path;
    if (!is_path) {
        const auto names = network_names();
        if (!std::binary_search(names.begin(), names.end(), name_or_path))
            throw InputError("unknown network '" + name_or_path + "' (built-in: " + join(names) +
                             "; or give a path ending in .json)");
        path = network_dir() + "/" + name_or_path + ".json";
    }
    return parse_network(read_file(path), path);
}

NetworkSpec parse_network(const std::string& json_text, const std::string& source) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::parse_error& e) {
        throw InputError(source + ": malformed JSON at " + position_text(json_text, e.byte == 0 ? 0 : e.byte - 1));
    } catch (const json::exception& e) {
        // out_of_range.406: a number beyond double ("1e400").
        const std::string what = e.what();  // "[json.exception.out_of_range.406] number overflow ..."
        const size_t bracket = what.find("] ");
        throw InputError(source + ": malformed JSON: a number is out of range (" +
                         escape_for_message(bracket == std::string::npos ? what : what.substr(bracket + 2), 200) + ")");
    }
    const Fields top(doc, source,
                     {"format", "version", "name", "description", "assumptions", "input", "low_rank_ratio",
                      "layernorm_eps", "layers"});
    if (!top.get("format").is_string() || top.get("format").get<std::string>() != "vitsim-network")
        top.fail("\"format\" must be \"vitsim-network\"");
    const json& version = top.get("version");
    if (!version.is_number_unsigned() || version.get<uint64_t>() != kNetworkFormatVersion)
        top.fail("version " + escape_for_message(version.dump(), 40) + " is not supported (this vitsim reads version " +
                 std::to_string(kNetworkFormatVersion) + ")");

    NetworkSpec spec;
    spec.source = source;
    spec.name = top.text("name");
    spec.description = top.has("description") ? top.text("description") : "";
    if (top.has("assumptions")) {
        if (!top.get("assumptions").is_array()) top.fail("\"assumptions\" must be an array of strings");
        for (const auto& a : top.get("assumptions")) {
            if (!a.is_string()) top.fail("\"assumptions\" must be an array of strings");
            spec.assumptions.push_back(a.get<std::string>());
        }
    }
    const double ratio = top.low_rank_ratio_or("low_rank_ratio", 0.0);
    const double eps = top.number_or("layernorm_eps", 1e-5);
    if (!(eps > 0.0 && eps <= 1.0)) top.fail("\"layernorm_eps\" must be in (0, 1]");

    Graph& g = spec.graph;
    g.name = spec.name;
    const json& input = top.get("input");
    const std::string input_where = source + ": input";
    if (!input.is_object() || !input.contains("kind") || !input.at("kind").is_string())
        throw InputError(input_where + ": needs \"kind\": \"image\" or \"sequence\"");
    const std::string kind = input.at("kind").get<std::string>();
    if (kind == "image") {
        const Fields f(input, input_where, {"kind", "height", "width", "channels"});
        g.image_input = true;
        g.image_height = f.positive("height");
        g.image_width = f.positive("width");
        g.image_channels = f.positive("channels");
        const int64_t row_bytes = int64_t{g.image_width} * g.image_channels;
        if (row_bytes * g.image_height > kMaxTensorBytes)
            f.fail("the image height x width x channels is larger than " + std::to_string(kMaxTensorBytes) +
                   " bytes (the limit of any tensor, docs/networks.md)");
        g.input_shape = {g.image_height, static_cast<int>(row_bytes)};
    } else if (kind == "sequence") {
        const Fields f(input, input_where, {"kind", "tokens", "features"});
        g.input_shape = {f.positive("tokens"), f.positive("features")};
        if (g.input_shape.bytes() > kMaxTensorBytes)
            f.fail("tokens x features is larger than " + std::to_string(kMaxTensorBytes) +
                   " bytes (the limit of any tensor, docs/networks.md)");
    } else {
        throw InputError(input_where + ": \"kind\" must be \"image\" or \"sequence\", not " + quoted_text(kind));
    }
    g.tensors[g.input] = g.input_shape;

    const json& layers = top.get("layers");
    if (!layers.is_array()) top.fail("\"layers\" must be an array");
    GraphBuilder builder(source, g, ratio, eps);
    for (size_t i = 0; i < layers.size(); i++) builder.layer(layers[i], i);
    builder.finish();
    g.fingerprint = fnv1a64(doc.dump());
    return spec;
}

}  // namespace vitsim::deploy
