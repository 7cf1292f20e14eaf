// Lowering: one layer record per kernel call, with its quantization parameters
// (from the activation and weight scales), its weight blob and its arena
// buffers. In-place decisions follow the kernels' aliasing rules
// (vitsim/kernels.h) and only reuse a tensor no later node reads:
//   LayerNorm, MHSA, residual add, positional add: output over the input.
//   Linear / low-rank chain with linear=token-overwrite: output over the input
//     rows (buffer of tokens * max(in, out)).
//   GELU: in place on its linear layer's output, inside the same layer.
//   Class token: the layer before writes its tokens from row 1 on, so only the
//     token row is written.
//   Class-token pooling after a LayerNorm: only row 0 is normalised (graph).
// With weights=in-place a complete low-rank chain (in -> r -> r -> out) is one
// vs_linear_lowrank_s8 call (intermediates in tiles); with weights=staged it is
// three linear layers, so only one factor's weights are in SRAM at a time.
#include <algorithm>
#include <cmath>
#include <map>

#include "deploy/errors.h"
#include "deploy/lower.h"
#include "vitsim/kernels.h"
#include "vitsim/kernels_host.h"
#include "vs_model.h"

namespace vitsim::deploy {
namespace {

int64_t align4(int64_t n) { return (n + 3) / 4 * 4; }

// Weight tensors of one layer group, each 4-byte aligned.
class BlobBuilder {
public:
    uint32_t add_i8(const std::vector<int8_t>& v) {
        const uint32_t at = start();
        bytes_.insert(bytes_.end(), reinterpret_cast<const uint8_t*>(v.data()),
                      reinterpret_cast<const uint8_t*>(v.data()) + v.size());
        return at;
    }
    uint32_t add_i32(const std::vector<int32_t>& v) {
        const uint32_t at = start();
        for (int32_t x : v)
            for (int i = 0; i < 4; i++) bytes_.push_back(static_cast<uint8_t>(static_cast<uint32_t>(x) >> (8 * i)));
        return at;
    }
    std::vector<uint8_t> take() {
        start();
        return std::move(bytes_);
    }

private:
    uint32_t start() {
        while (bytes_.size() % 4) bytes_.push_back(0);
        return static_cast<uint32_t>(bytes_.size());
    }
    std::vector<uint8_t> bytes_;
};

bool same_scale(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)); }

// A stored int32 bias at the accumulator scale the kernel uses.
std::vector<int32_t> bias_at(const Tensor& t, double acc_scale) {
    if (same_scale(t.scale, acc_scale)) return t.i32;
    std::vector<int32_t> v(t.i32.size());
    for (size_t i = 0; i < v.size(); i++)
        v[i] = static_cast<int32_t>(std::clamp(std::nearbyint(t.i32[i] * t.scale / acc_scale), -2147483647.0, 2147483647.0));
    return v;
}

std::vector<int8_t> i8_at(const Tensor& t, double scale) {
    if (same_scale(t.scale, scale)) return t.i8;
    std::vector<int8_t> v(t.i8.size());
    for (size_t i = 0; i < v.size(); i++)
        v[i] = static_cast<int8_t>(std::clamp(std::nearbyint(t.i8[i] * t.scale / scale), -128.0, 127.0));
    return v;
}

template <size_t N>
void put(std::array<int32_t, N>& p, size_t at, vs_quant_t q) {
    p[at] = q.mul;
    p[at + 1] = q.shift;
}

class Lowerer {
public:
    Lowerer(const Graph& g, const Weights& w, const DeployOptions& o, int groups, unsigned cluster_cores)
        : g_(g), w_(w), o_(o), cluster_(cluster_cores > 0) {
        l_.patch_groups = groups;
        for (size_t i = 0; i < g_.nodes.size(); i++)
            for (const auto& in : g_.nodes[i].inputs) last_reader_[in] = static_cast<int>(i);
    }

    Lowered run() {
        l_.input = new_value(g_.input, g_.input_shape.bytes());
        for (size_t i = 0; i < g_.nodes.size();) i += node(i);
        l_.output = value(g_.output);
        if (l_.layers.empty()) throw InputError("network '" + g_.name + "' has no layer to run");
        const int last = static_cast<int>(l_.layers.size()) - 1;
        l_.values[l_.input].touch(0);
        l_.buffers[l_.values[l_.input].buffer].touch(0);
        l_.values[l_.output].touch(last);
        l_.buffers[l_.values[l_.output].buffer].touch(last);
        buffer_profiles(l_);
        return std::move(l_);
    }

private:
    // ---- values and buffers ----------------------------------------------------
    int new_buffer(BufferKind kind, const std::string& name, int64_t size) {
        Buffer b;
        b.kind = kind;
        b.name = name;
        b.size = align4(size);
        l_.buffers.push_back(b);
        return static_cast<int>(l_.buffers.size()) - 1;
    }
    int new_value(const std::string& name, int64_t bytes) {
        Value v;
        v.name = name;
        v.bytes = bytes;
        v.write_end = bytes;
        v.buffer = new_buffer(BufferKind::Activation, name, bytes);
        l_.buffers[v.buffer].tensors = 1;
        return add_value(v);
    }
    // A tensor written over `of`, starting at the same byte; the buffer grows to
    // `need` bytes from there if the kernel needs more room than the tensor.
    int alias(const std::string& name, int64_t bytes, int of, int64_t need) {
        Value v = l_.values[of];
        v.name = name;
        v.bytes = bytes;
        v.write_end = v.offset + std::max(bytes, need);
        v.first = v.last = -1;
        Buffer& b = l_.buffers[v.buffer];
        b.size = std::max(b.size, align4(v.offset + std::max(bytes, need)));
        b.tensors++;
        return add_value(v);
    }
    int add_value(const Value& v) {
        l_.values.push_back(v);
        const int id = static_cast<int>(l_.values.size()) - 1;
        value_of_[v.name] = id;
        return id;
    }
    int value(const std::string& name) const {
        const auto it = value_of_.find(name);
        if (it == value_of_.end()) throw InternalError("lowering: tensor '" + name + "' has no value");
        return it->second;
    }
    // No node after `node_index` reads the tensor (and it is not the output).
    bool dead_after(const std::string& tensor, size_t node_index) const {
        if (tensor == g_.output) return false;
        const auto it = last_reader_.find(tensor);
        return it == last_reader_.end() || it->second <= static_cast<int>(node_index);
    }
    double scale(const std::string& name) const { return w_.scale(name); }
    const Tensor& param(const std::string& name) const { return w_.param(name); }

    // ---- layers ------------------------------------------------------------------
    LoweredLayer& layer(const std::string& name, uint32_t op, const char* op_name, const std::string& kernel) {
        LoweredLayer l;
        l.name = name;
        l.op = op;
        l.op_name = op_name;
        l.kernel = kernel;
        l.tensor.fill(VS_NO_TENSOR);
        l_.layers.push_back(std::move(l));
        return l_.layers.back();
    }

    // Registers the layer's buffer uses; adds its scratch and staging buffers.
    void finish(LoweredLayer& l, int64_t scratch_bytes) {
        const int index = static_cast<int>(l_.layers.size()) - 1;
        for (int v : {l.in, l.in2, l.out})
            if (v >= 0) {
                l_.values[v].touch(index);
                l_.buffers[l_.values[v].buffer].touch(index);
            }
        if (scratch_bytes < 0)
            throw InternalError("lowering: layer '" + l.name + "': the kernel rejected its dimensions");
        if (scratch_bytes > 0) {
            l.scratch = new_buffer(BufferKind::Scratch, l.name + ":scratch", scratch_bytes);
            l_.buffers[l.scratch].touch(index);
        }
        if (!l.groups.empty() && o_.weights == WeightMode::Staged) {
            l.flags |= VS_LAYER_STAGED;
            l.staging = new_buffer(BufferKind::Staging, l.name + ":staging", static_cast<int64_t>(l.groups[0].size()));
            l_.buffers[l.staging].touch(index);
        }
        l.out_scale = scale(l_.values[l.out].name);
    }

    // Returns how many graph nodes the layer covered.
    size_t node(size_t i) {
        const Node& n = g_.nodes[i];
        switch (n.kind) {
        case NodeKind::PatchEmbed: patch_embed(n); return 1;
        case NodeKind::Linear: return linear(i);
        case NodeKind::ClassToken: class_token(n, i); return 1;
        case NodeKind::PosAdd: pos_add(n, i); return 1;
        case NodeKind::LayerNorm: layer_norm(n, i); return 1;
        case NodeKind::Mhsa: mhsa(n, i); return 1;
        case NodeKind::Add: add(n, i); return 1;
        case NodeKind::MeanPool: mean_pool(n); return 1;
        case NodeKind::SelectRow:
            // A view of row 0: no layer, the tensor lives in its input's buffer
            // (and keeps it: its readers touch the view).
            if (!same_scale(scale(n.name), scale(n.inputs[0])))
                throw InputError("weights for network '" + g_.name + "': pooled tensor '" + n.name +
                                 "' must have the scale of its input '" + n.inputs[0] + "'");
            alias(n.name, n.out_shape.bytes(), value(n.inputs[0]), 0);
            return 1;
        }
        throw InternalError("lowering: unknown node kind");
    }

    void patch_embed(const Node& n) {
        const int groups = l_.patch_groups, embed = n.out_features;
        if (groups < 1 || embed % groups != 0)
            throw InternalError("lowering: patch groups " + std::to_string(groups) + " do not divide " + std::to_string(embed));
        const int group_embed = embed / groups;
        const bool decomposed = o_.patch_embed == PatchEmbedMode::Decomposed;
        LoweredLayer& l = layer(n.name, VS_OP_PATCH_EMBED, "patch_embed",
                                decomposed ? "vs_patch_embed_decomposed_s8" : "vs_patch_embed_direct_s8");
        l.nodes = {n.name};
        l.in = value(n.inputs[0]);
        l.out = new_value(n.name, n.out_shape.bytes());
        const Tensor& w = param(n.name + ".weight");
        const double s_in = scale(n.inputs[0]);
        const std::vector<int32_t> bias = bias_at(param(n.name + ".bias"), s_in * w.scale);
        put(l.param, 0, vs_quant_from_real(s_in * w.scale / scale(n.name)));
        const vs_patch_dims_t dims{n.height, n.width, n.channels, n.patch, group_embed};
        const int sub = decomposed ? n.sub_patch : 0;
        const int64_t group_weights = static_cast<int64_t>(group_embed) * n.in_features;
        for (int g = 0; g < groups; g++) {
            std::vector<int8_t> wg(w.i8.begin() + g * group_weights, w.i8.begin() + (g + 1) * group_weights);
            if (decomposed) {
                std::vector<int8_t> w_sub(wg.size());
                if (vs_patch_embed_decompose_weights(&dims, sub, wg.data(), w_sub.data()) != VS_OK)
                    throw InternalError("lowering: '" + n.name + "': decomposing the weights failed");
                wg = std::move(w_sub);
            }
            BlobBuilder blob;
            l.tensor[0] = blob.add_i8(wg);
            l.tensor[1] = blob.add_i32(std::vector<int32_t>(bias.begin() + g * group_embed, bias.begin() + (g + 1) * group_embed));
            l.groups.push_back(blob.take());
        }
        l.dim = {n.height, n.width, n.channels, n.patch, embed, sub, group_embed, n.tokens};
        l.macs = n.macs();
        int64_t scratch = decomposed ? vs_patch_embed_decomposed_s8_scratch_bytes(&dims, sub)
                                     : vs_patch_embed_direct_s8_scratch_bytes(&dims);
        if (scratch >= 0 && groups > 1) scratch += align4(static_cast<int64_t>(n.tokens) * group_embed);
        finish(l, scratch);
    }

    // A dense layer, or a whole low-rank chain when its weights are read in place.
    size_t linear(size_t i) {
        const Node& n = g_.nodes[i];
        if (n.chain_pos == 0 && o_.weights == WeightMode::InPlace && i + 2 < g_.nodes.size() &&
            g_.nodes[i + 1].chain == n.chain && g_.nodes[i + 1].chain_pos == 1 && g_.nodes[i + 2].chain == n.chain &&
            g_.nodes[i + 2].chain_pos == 2) {
            lowrank(i);
            return 3;
        }
        const bool overwrite = o_.linear == LinearMode::TokenOverwrite && dead_after(n.inputs[0], i);
        LoweredLayer& l = layer(n.name, VS_OP_LINEAR, "linear", overwrite ? "vs_linear_overwrite_s8" : "vs_linear_s8");
        l.nodes = {n.name};
        l.in = value(n.inputs[0]);
        const int64_t need = static_cast<int64_t>(n.tokens) * std::max(n.in_features, n.out_features);
        l.out = overwrite ? alias(n.name, n.out_shape.bytes(), l.in, need) : new_value(n.name, n.out_shape.bytes());
        l.variant = overwrite ? 1 : 0;
        const Tensor& w = param(n.name + ".weight");
        const double s_in = scale(n.inputs[0]);
        const double s_acc_out = n.gelu ? scale(n.name + ":pre_gelu") : scale(n.name);
        put(l.param, 0, vs_quant_from_real(s_in * w.scale / s_acc_out));
        if (n.gelu) gelu(l, s_acc_out, scale(n.name), 2);
        BlobBuilder blob;
        l.tensor[0] = blob.add_i8(w.i8);
        if (n.has_bias) l.tensor[1] = blob.add_i32(bias_at(param(n.name + ".bias"), s_in * w.scale));
        l.groups.push_back(blob.take());
        l.dim[0] = n.tokens;
        l.dim[1] = n.in_features;
        l.dim[2] = n.out_features;
        l.macs = n.macs();
        const vs_linear_dims_t dims{n.tokens, n.in_features, n.out_features};
        finish(l, overwrite ? vs_linear_overwrite_s8_scratch_bytes(&dims) : 0);
        return 1;
    }

    void gelu(LoweredLayer& l, double s_in, double s_out, size_t at) {
        const vs_gelu_params_t p = vs_gelu_params_from_scales(s_in, s_out);
        l.flags |= VS_LAYER_GELU;
        put(l.param, at, p.in);
        put(l.param, at + 2, p.out);
    }

    void lowrank(size_t i) {
        const Node& a = g_.nodes[i];
        const Node& b = g_.nodes[i + 1];
        const Node& c = g_.nodes[i + 2];
        const bool in_place = o_.linear == LinearMode::TokenOverwrite && dead_after(a.inputs[0], i + 2);
        LoweredLayer& l = layer(a.chain, VS_OP_LOWRANK, "lowrank", "vs_linear_lowrank_s8");
        l.nodes = {a.name, b.name, c.name};
        l.in = value(a.inputs[0]);
        const int64_t need = static_cast<int64_t>(a.tokens) * std::max(a.in_features, c.out_features);
        l.out = in_place ? alias(c.name, c.out_shape.bytes(), l.in, need) : new_value(c.name, c.out_shape.bytes());
        l.variant = in_place ? 1 : 0;
        const Node* factors[3] = {&a, &b, &c};
        BlobBuilder blob;
        double s_in = scale(a.inputs[0]);
        for (int k = 0; k < 3; k++) {
            const Node& f = *factors[k];
            const Tensor& w = param(f.name + ".weight");
            const double s_out = f.gelu ? scale(f.name + ":pre_gelu") : scale(f.name);
            put(l.param, 2 * k, vs_quant_from_real(s_in * w.scale / s_out));
            l.tensor[2 * k] = blob.add_i8(w.i8);
            if (f.has_bias) l.tensor[2 * k + 1] = blob.add_i32(bias_at(param(f.name + ".bias"), s_in * w.scale));
            s_in = s_out;
            l.macs += f.macs();
        }
        if (c.gelu) gelu(l, scale(c.name + ":pre_gelu"), scale(c.name), 6);
        l.groups.push_back(blob.take());
        const int tile = std::min(o_.tile, a.tokens);
        l.dim = {a.tokens, a.in_features, a.out_features, c.out_features, tile, 0, 0, 0};
        const vs_lowrank_dims_t dims{a.tokens, a.in_features, a.out_features, c.out_features};
        finish(l, vs_linear_lowrank_s8_scratch_bytes(&dims, tile));
    }

    void class_token(const Node& n, size_t i) {
        const int rows = n.in_shape.rows, cols = n.in_shape.cols;
        if (!same_scale(scale(n.name), scale(n.inputs[0])))
            throw InputError("weights for network '" + g_.name + "': class token '" + n.name +
                             "' must have the scale of its input '" + n.inputs[0] + "'");
        LoweredLayer& l = layer(n.name, VS_OP_CLASS_TOKEN, "class_token", "vs_cls_concat_s8");
        l.nodes = {n.name};
        l.in = value(n.inputs[0]);
        const int x = l.in, xb = l_.values[x].buffer;
        if (!dead_after(n.inputs[0], i)) {
            l.out = new_value(n.name, n.out_shape.bytes());
        } else if (l_.buffers[xb].tensors == 1 && l_.values[x].offset == 0) {
            // The producer writes its tokens from row 1 on; only row 0 is left.
            l.out = alias(n.name, n.out_shape.bytes(), x, 0);
            l_.values[x].offset = cols;
            l_.values[x].write_end = n.out_shape.bytes();
            l_.values[l.out].offset = 0;
            l_.values[l.out].write_end = n.out_shape.bytes();
            l_.buffers[xb].size = align4(n.out_shape.bytes());
            l.kernel = "(row copy)";
        } else {
            l.out = alias(n.name, n.out_shape.bytes(), l.in, n.out_shape.bytes());
        }
        BlobBuilder blob;
        l.tensor[0] = blob.add_i8(i8_at(param(n.name + ".token"), scale(n.name)));
        l.groups.push_back(blob.take());
        l.dim[0] = rows;
        l.dim[1] = cols;
        finish(l, 0);
    }

    void pos_add(const Node& n, size_t i) {
        LoweredLayer& l = layer(n.name, VS_OP_ADD, "add", "vs_add_s8");
        l.nodes = {n.name};
        l.in = value(n.inputs[0]);
        l.out = dead_after(n.inputs[0], i) ? alias(n.name, n.out_shape.bytes(), l.in, 0)
                                           : new_value(n.name, n.out_shape.bytes());
        const Tensor& table = param(n.name + ".table");
        const vs_add_params_t p = vs_add_params_from_scales(scale(n.inputs[0]), table.scale, scale(n.name));
        l.param[0] = p.a_mul;
        l.param[1] = p.b_mul;
        l.param[2] = p.shift;
        l.flags |= VS_LAYER_B_WEIGHT;
        BlobBuilder blob;
        l.tensor[0] = blob.add_i8(table.i8);
        l.groups.push_back(blob.take());
        l.dim[0] = n.out_shape.rows;
        l.dim[1] = n.out_shape.cols;
        finish(l, 0);
    }

    void layer_norm(const Node& n, size_t i) {
        LoweredLayer& l = layer(n.name, VS_OP_LAYERNORM, "layernorm", "vs_layernorm_s8");
        l.nodes = {n.name};
        l.in = value(n.inputs[0]);
        l.out = dead_after(n.inputs[0], i) ? alias(n.name, n.out_shape.bytes(), l.in, 0)
                                           : new_value(n.name, n.out_shape.bytes());
        const int cols = n.in_shape.cols;
        const Tensor& gamma = param(n.name + ".gamma");
        const vs_layernorm_params_t p = vs_layernorm_params_from_scales(
            cols, scale(n.inputs[0]), gamma.scale, scale(n.name), n.eps,
            o_.sqrt == SqrtMethod::Bisect ? VS_SQRT_BISECT : VS_SQRT_NEWTON, o_.newton_steps);
        l.param[0] = p.sqrt_method;
        l.param[1] = p.newton_steps;
        l.param[2] = static_cast<int32_t>(p.eps);
        put(l.param, 3, p.out);
        BlobBuilder blob;
        l.tensor[0] = blob.add_i8(gamma.i8);
        l.tensor[1] = blob.add_i32(bias_at(param(n.name + ".beta"), vs_layernorm_beta_scale(gamma.scale)));
        l.groups.push_back(blob.take());
        l.dim[0] = n.ln_rows;
        l.dim[1] = cols;
        finish(l, 0);
    }

    // On a cluster the MHSA runs as the steps of vs_par_mhsa (firmware/interp/interp_parallel.c):
    // layer-wise with the whole map in the scratch, depth-first streaming query tiles through
    // L1 with no map (its L1 is checked by check_cluster_l1, deploy.cpp). The record's scratch
    // holds the larger of that and the single-core kernel's: the host golden model runs the latter.
    // With engine=on an unfused attention runs the layer-wise steps on the matrix engine
    // (firmware/interp/interp_engine.c), whatever the schedule: its whole map too.
    int64_t cluster_mhsa_scratch(const vs_mhsa_dims_t& dims, bool depth_first, bool fused) const {
        const int64_t layerwise =
            fused ? vs_mhsa_fused_layerwise_s8_scratch_bytes(&dims) : vs_mhsa_layerwise_s8_scratch_bytes(&dims);
        if (!depth_first) return layerwise;
        const int64_t streamed = vs_mhsa_part_streamed_scratch_bytes(&dims, fused ? 1 : 0);
        return o_.engine && !fused ? std::max(streamed, layerwise) : streamed;
    }

    void mhsa(const Node& n, size_t i) {
        const bool depth_first = o_.mhsa == MhsaSchedule::DepthFirst;
        const uint32_t variant = o_.fwsa ? (depth_first ? VS_MHSA_FUSED_DEPTHFIRST : VS_MHSA_FUSED_LAYERWISE)
                                         : (depth_first ? VS_MHSA_DEPTHFIRST : VS_MHSA_LAYERWISE);
        static const char* kernels[] = {"vs_mhsa_layerwise_s8", "vs_mhsa_depthfirst_s8", "vs_mhsa_fused_layerwise_s8",
                                        "vs_mhsa_fused_depthfirst_s8"};
        LoweredLayer& l = layer(n.name, VS_OP_MHSA, "mhsa", kernels[variant]);
        l.nodes = {n.name};
        l.variant = variant;
        if (o_.split == AttentionSplit::Heads) l.flags |= VS_LAYER_SPLIT_HEADS;
        l.in = value(n.inputs[0]);
        l.out = dead_after(n.inputs[0], i) ? alias(n.name, n.out_shape.bytes(), l.in, 0)
                                           : new_value(n.name, n.out_shape.bytes());
        const int s = n.seq, e = n.in_shape.cols, p = n.head_dim, h = n.heads, hp = h * p;
        const int tile = std::min(o_.tile, s);
        l.dim = {s, e, p, h, tile, 0, 0, 0};
        const double s_x = scale(n.inputs[0]), sqrt_p = std::sqrt(static_cast<double>(p));
        const Tensor& wq = param(n.name + ".wq");
        const Tensor& wk = param(n.name + ".wk");
        const Tensor& wv = param(n.name + ".wv");
        const Tensor& wo = param(n.name + ".wo");
        const double s_q = scale(n.name + ":q"), s_k = scale(n.name + ":k"), s_v = scale(n.name + ":v");
        const double s_ctx = scale(n.name + ":context");
        const vs_quant_t q = vs_quant_from_real(s_x * wq.scale / s_q);
        const vs_quant_t k = vs_quant_from_real(s_x * wk.scale / s_k);
        put(l.param, 0, q);
        put(l.param, 2, k);
        put(l.param, 4, vs_quant_from_real(s_x * wv.scale / s_v));
        put(l.param, 12, vs_quant_from_real(vs_softmax_out_scale() * s_v / s_ctx));
        put(l.param, 14, vs_quant_from_real(s_ctx * wo.scale / scale(n.name)));
        const std::vector<int32_t> bv = bias_at(param(n.name + ".bv"), s_x * wv.scale);
        BlobBuilder blob;
        const vs_mhsa_dims_t dims{s, e, p, h};
        int64_t scratch;
        if (!o_.fwsa) {
            const double s_scores = scale(n.name + ":scores");
            put(l.param, 6, q);  // unused by the unfused kernels, kept valid
            put(l.param, 8, vs_quant_from_real(s_q * s_k / (sqrt_p * s_scores)));
            const vs_softmax_params_t sm = vs_softmax_params_from_scale(s_scores);
            put(l.param, 10, sm.in);
            l.tensor[0] = blob.add_i8(wq.i8);
            l.tensor[1] = blob.add_i8(wk.i8);
            l.tensor[2] = blob.add_i8(wv.i8);
            l.tensor[3] = blob.add_i32(bias_at(param(n.name + ".bq"), s_x * wq.scale));
            l.tensor[4] = blob.add_i32(bias_at(param(n.name + ".bk"), s_x * wk.scale));
            l.tensor[5] = blob.add_i32(bv);
            l.tensor[6] = blob.add_i8(wo.i8);
            if (n.has_out_bias) l.tensor[7] = blob.add_i32(bias_at(param(n.name + ".bo"), s_ctx * wo.scale));
            l.macs = n.macs();
            scratch = depth_first ? vs_mhsa_depthfirst_s8_scratch_bytes(&dims, tile)
                                  : vs_mhsa_layerwise_s8_scratch_bytes(&dims);
            if (cluster_) scratch = std::max<int64_t>(scratch, cluster_mhsa_scratch(dims, depth_first, false));
        } else {
            const Fused f = fuse(n, wq, wk, s_x);
            const double s_t = scale(n.name + ":t"), s_sf = scale(n.name + ":scores_fused");
            put(l.param, 6, vs_quant_from_real(s_x * f.scale / s_t));
            put(l.param, 8, vs_quant_from_real(s_t * s_x / (sqrt_p * s_sf)));
            const vs_softmax_params_t sm = vs_softmax_params_from_scale(s_sf);
            put(l.param, 10, sm.in);
            l.tensor[0] = blob.add_i8(f.wf);
            l.tensor[1] = blob.add_i32(f.bf);
            l.tensor[2] = blob.add_i8(wv.i8);
            l.tensor[3] = blob.add_i32(bv);
            l.tensor[4] = blob.add_i8(wo.i8);
            if (n.has_out_bias) l.tensor[5] = blob.add_i32(bias_at(param(n.name + ".bo"), s_ctx * wo.scale));
            const int64_t s64 = s, e64 = e;
            l.macs = h * s64 * e64 * e64 + h * s64 * s64 * e64 + s64 * e64 * hp + static_cast<int64_t>(s64) * s64 * hp +
                     s64 * hp * e64;
            scratch = depth_first ? vs_mhsa_fused_depthfirst_s8_scratch_bytes(&dims, tile)
                                  : vs_mhsa_fused_layerwise_s8_scratch_bytes(&dims);
            if (cluster_) scratch = std::max<int64_t>(scratch, cluster_mhsa_scratch(dims, depth_first, true));
        }
        l.groups.push_back(blob.take());
        finish(l, scratch);
    }

    // FWSA offline fusion: per head Wf[h] = Wk[h]^T Wq[h] ([E][E], [f][e]) and
    // bf[h] = Wk[h]^T bq[h], from the dequantized int8 weights; Wf quantized
    // with one scale over all heads, bf at the accumulator scale s_x * s_wf.
    struct Fused {
        std::vector<int8_t> wf;
        std::vector<int32_t> bf;
        double scale = 0;
    };
    Fused fuse(const Node& n, const Tensor& wq, const Tensor& wk, double s_x) const {
        const int e = n.in_shape.cols, p = n.head_dim, h_count = n.heads;
        const Tensor& bq = param(n.name + ".bq");
        std::vector<double> wf(static_cast<size_t>(h_count) * e * e), bf(static_cast<size_t>(h_count) * e);
        double max_abs = 0;
        for (int h = 0; h < h_count; h++)
            for (int f = 0; f < e; f++) {
                for (int i = 0; i < e; i++) {
                    int64_t acc = 0;  // exact: int8 x int8 products
                    for (int d = 0; d < p; d++)
                        acc += static_cast<int64_t>(wk.i8[static_cast<size_t>(h * p + d) * e + f]) *
                               wq.i8[static_cast<size_t>(h * p + d) * e + i];
                    const double v = static_cast<double>(acc) * wk.scale * wq.scale;
                    wf[(static_cast<size_t>(h) * e + f) * e + i] = v;
                    max_abs = std::max(max_abs, std::fabs(v));
                }
                double acc = 0;
                for (int d = 0; d < p; d++)
                    acc += wk.i8[static_cast<size_t>(h * p + d) * e + f] * wk.scale * bq.real(h * p + d);
                bf[static_cast<size_t>(h) * e + f] = acc;
            }
        Fused out;
        out.scale = scale_for_max(max_abs);
        out.wf.resize(wf.size());
        for (size_t i = 0; i < wf.size(); i++)
            out.wf[i] = static_cast<int8_t>(std::clamp(std::nearbyint(wf[i] / out.scale), -127.0, 127.0));
        out.bf.resize(bf.size());
        const double acc_scale = s_x * out.scale;
        for (size_t i = 0; i < bf.size(); i++)
            out.bf[i] = static_cast<int32_t>(
                std::clamp(std::nearbyint(bf[i] / acc_scale), -2147483647.0, 2147483647.0));
        return out;
    }

    void add(const Node& n, size_t i) {
        LoweredLayer& l = layer(n.name, VS_OP_ADD, "add", "vs_add_s8");
        l.nodes = {n.name};
        l.in = value(n.inputs[0]);
        l.in2 = value(n.inputs[1]);
        // Write over a dead operand; of two, the one in the smaller buffer, so a
        // large buffer (e.g. the MLP's token-overwrite one) can end here.
        const bool a_dead = dead_after(n.inputs[0], i), b_dead = dead_after(n.inputs[1], i);
        const auto buffer_size = [&](int v) { return l_.buffers[l_.values[v].buffer].size; };
        if (a_dead && (!b_dead || buffer_size(l.in) <= buffer_size(l.in2)))
            l.out = alias(n.name, n.out_shape.bytes(), l.in, 0);
        else if (b_dead)
            l.out = alias(n.name, n.out_shape.bytes(), l.in2, 0);
        else
            l.out = new_value(n.name, n.out_shape.bytes());
        const vs_add_params_t p = vs_add_params_from_scales(scale(n.inputs[0]), scale(n.inputs[1]), scale(n.name));
        l.param[0] = p.a_mul;
        l.param[1] = p.b_mul;
        l.param[2] = p.shift;
        l.dim[0] = n.out_shape.rows;
        l.dim[1] = n.out_shape.cols;
        finish(l, 0);
    }

    void mean_pool(const Node& n) {
        LoweredLayer& l = layer(n.name, VS_OP_MEAN_POOL, "mean_pool", "vs_mean_pool_s8");
        l.nodes = {n.name};
        l.in = value(n.inputs[0]);
        l.out = new_value(n.name, n.out_shape.bytes());
        put(l.param, 0, vs_quant_from_real(scale(n.inputs[0]) / (n.in_shape.rows * scale(n.name))));
        l.dim[0] = n.in_shape.rows;
        l.dim[1] = n.in_shape.cols;
        finish(l, 0);
    }

    const Graph& g_;
    const Weights& w_;
    const DeployOptions& o_;
    const bool cluster_;  // the kernels run on a cluster (lower_graph)
    Lowered l_;
    std::map<std::string, int> value_of_;
    std::map<std::string, int> last_reader_;
};

}  // namespace

void buffer_profiles(Lowered& l) {
    for (auto& b : l.buffers) {
        if (b.first < 0) b.first = b.last = 0;
        b.profile.assign(static_cast<size_t>(b.last - b.first + 1), b.kind == BufferKind::Activation ? 0 : b.size);
    }
    for (const auto& v : l.values) {
        if (v.first < 0) continue;  // never used (e.g. a view nobody reads)
        Buffer& b = l.buffers[v.buffer];
        for (int t = v.first; t <= v.last; t++) {
            const int64_t end = align4(t == v.first ? std::max(v.write_end, v.offset + v.bytes) : v.offset + v.bytes);
            int64_t& slot = b.profile[static_cast<size_t>(t - b.first)];
            slot = std::max(slot, end);
        }
    }
}

Lowered lower_graph(const Graph& graph, const Weights& weights, const DeployOptions& options, int patch_groups,
                    unsigned cluster_cores) {
    return Lowerer(graph, weights, options, patch_groups, cluster_cores).run();
}

}  // namespace vitsim::deploy
