#include "deploy/deploy.h"

#include <algorithm>
#include <cstddef>
#include <limits>

#include <nlohmann/json.hpp>

#include "deploy/bytes.h"
#include "deploy/errors.h"
#include "deploy/engine_split.h"
#include "deploy/l1_plan.h"
#include "deploy/lower.h"
#include "deploy/planner.h"
#include "soc/profile.h"
#include "vitsim/kernels.h"
#include "vs_model.h"

namespace vitsim::deploy {
namespace {

constexpr int64_t kArenaAlignment = 4;
constexpr uint64_t kImageAlignment = 64;  // model part start (after the firmware)
constexpr uint64_t kClusterStackBytes = 1024;  // VS_CLUSTER_STACK_BYTES, each worker's stack in L1
constexpr uint64_t kModelPadding = 16;    // model part size, weights blob start

uint64_t round_up(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

const char* kind_name(BufferKind k) {
    switch (k) {
    case BufferKind::Activation: return "activation";
    case BufferKind::Scratch: return "scratch";
    case BufferKind::Staging: return "staging";
    }
    return "?";
}

// SRAM the plan may use.
int64_t sram_budget(const DeployTarget& t) { return static_cast<int64_t>(t.sram_budget ? t.sram_budget : t.data.size); }

// Images for a cluster carry one L1 plan per layer after the input (4-byte aligned).
bool has_l1_plans(const DeployTarget& t) { return t.cluster_cores > 0 && t.l1_budget > 0; }

uint64_t l1_plans_offset(const Graph& g, size_t layers) {
    return round_up(sizeof(vs_model_header_t) + layers * sizeof(vs_layer_record_t) +
                        static_cast<uint64_t>(g.input_shape.bytes()),
                    4);
}

int64_t model_part_bytes(const Graph& g, size_t layers, bool l1_plans) {
    const uint64_t end = l1_plans ? l1_plans_offset(g, layers) + layers * sizeof(vs_l1_plan_t)
                                  : sizeof(vs_model_header_t) + layers * sizeof(vs_layer_record_t) +
                                        static_cast<uint64_t>(g.input_shape.bytes());
    return static_cast<int64_t>(round_up(end, kModelPadding));
}

int64_t weights_bytes(const Lowered& l) {
    int64_t n = 0;
    for (const auto& layer : l.layers)
        for (const auto& g : layer.groups) n += static_cast<int64_t>(g.size());
    return n;
}

// engine=on: the rows of an out-of-place linear layer the cores take beside the engine
// (engine_split.h), written into the record's dim[3]; their tiles are planned in half
// the L1 budget (the engine's blocks use the L1 above them, docs/engine.md). Without a
// split, or when the half budget cannot hold even the smallest tile, the usual plan.
L1Plan plan_l1_split(LoweredLayer& layer, uint32_t index, const DeployOptions& o, const DeployTarget& t) {
    const int32_t shift = layer.param[1];
    if (!o.engine || layer.op != VS_OP_LINEAR || layer.variant != 0 || shift < 1 || shift > 62)
        return plan_l1(layer, index, t);
    const int32_t tokens = layer.dim[0];
    layer.dim[3] = linear_core_rows(t, tokens, layer.dim[1], layer.dim[2], layer.tensor[1] != VS_NO_TENSOR);
    if (layer.dim[3] == 0 || layer.dim[3] == tokens) return plan_l1(layer, index, t);
    DeployTarget cores_part = t;
    cores_part.l1_budget = t.l1_budget / 2;
    layer.dim[0] = layer.dim[3];  // the plan of the cores' rows
    try {
        L1Plan plan = plan_l1(layer, index, cores_part);
        layer.dim[0] = tokens;
        return plan;
    } catch (const NoFitError&) {
        layer.dim[0] = tokens;
        layer.dim[3] = 0;
        return plan_l1(layer, index, t);
    }
}

// Places the buffers and fills the per-layer figures; sets plan.fits.
Plan make_plan(const Graph& g, Lowered& l, const DeployOptions& o, const DeployTarget& t) {
    std::vector<std::vector<Part>> shapes;
    for (const auto& b : l.buffers) shapes.push_back(parts_of_profile(b.profile, b.first));
    const Placement placement = place_buffers(shapes, kArenaAlignment);
    for (size_t i = 0; i < l.buffers.size(); i++) l.buffers[i].offset = placement.offsets[i];

    Plan p;
    p.network = g.name;
    p.options = o.text();
    p.placement = placement.heuristic;
    p.arena_bytes = placement.arena_bytes;
    p.stack_reserve = static_cast<int64_t>(t.stack_reserve);
    p.static_bytes = static_cast<int64_t>(t.static_bytes);
    p.patch_groups = l.patch_groups;
    p.weights_bytes = weights_bytes(l);
    for (size_t i = 0; i < l.buffers.size(); i++)
        for (const auto& part : shapes[i])
            p.buffers.push_back({l.buffers[i].name, kind_name(l.buffers[i].kind), l.buffers[i].offset + part.offset,
                                 part.size, part.first, part.last});
    for (const auto& v : l.values)
        if (v.first >= 0)
            p.tensors.push_back({v.name, l.buffers[v.buffer].name, l.buffers[v.buffer].offset + v.offset, v.bytes,
                                 v.first, v.last});
    for (size_t i = 0; i < l.layers.size(); i++) {
        const LoweredLayer& layer = l.layers[i];
        const int index = static_cast<int>(i);
        LayerPlan lp;
        lp.index = static_cast<uint32_t>(i);
        lp.name = layer.name;
        lp.op = layer.op_name;
        lp.kernel = layer.kernel;
        lp.nodes = layer.nodes;
        lp.macs = layer.macs;
        for (const auto& b : l.buffers) {
            if (b.first > index || b.last < index) continue;
            const int64_t size = b.profile[static_cast<size_t>(index - b.first)];
            lp.arena_high_water = std::max(lp.arena_high_water, b.offset + size);
            (b.kind == BufferKind::Activation ? lp.live_bytes
                                              : b.kind == BufferKind::Scratch ? lp.scratch_bytes : lp.staging_bytes) += size;
        }
        lp.planned_bytes = lp.live_bytes + lp.scratch_bytes + lp.staging_bytes;
        lp.sram_bytes = lp.arena_high_water + p.stack_reserve + p.static_bytes;
        for (const auto& grp : layer.groups) lp.weight_bytes += static_cast<int64_t>(grp.size());
        const Value& out = l.values[layer.out];
        lp.output = out.name;
        lp.output_offset = arena_offset(l, layer.out);
        lp.output_bytes = out.bytes;
        lp.output_scale = layer.out_scale;
        if (has_l1_plans(t)) {
            try {
                lp.l1 = plan_l1_split(l.layers[i], lp.index, o, t);
                if (layer.op == VS_OP_LINEAR) lp.core_rows = layer.dim[3];
            } catch (const NoFitError& e) {
                if (p.fits) p.misfit = "network '" + g.name + "' does not fit: " + e.what();
                p.fits = false;
            }
            p.l1_peak_bytes = std::max(p.l1_peak_bytes, lp.l1.peak_bytes);
        }
        p.max_planned_bytes = std::max(p.max_planned_bytes, lp.planned_bytes);
        p.staging_bytes = std::max(p.staging_bytes, lp.staging_bytes);
        p.layers.push_back(std::move(lp));
    }
    p.peak_sram_bytes = p.arena_bytes + p.stack_reserve + p.static_bytes;
    p.sram_budget = sram_budget(t);
    p.l1_budget = static_cast<int64_t>(t.l1_budget);
    if (!p.fits) return p;  // a layer that cannot be tiled for the L1
    // The first layer whose own buffers cannot fit; if every layer could, the
    // first one the placement pushed over (fragmentation).
    const int64_t reserve = p.stack_reserve + p.static_bytes;
    const std::string head = "network '" + g.name + "' does not fit: layer '";
    for (const auto& lp : p.layers) {
        if (lp.planned_bytes + reserve <= p.sram_budget) continue;
        p.fits = false;
        p.misfit = head + lp.name + "' (index " + std::to_string(lp.index) + ") needs " +
                   std::to_string(lp.planned_bytes + reserve) + " bytes of SRAM (activations " +
                   std::to_string(lp.live_bytes) + " + scratch " + std::to_string(lp.scratch_bytes) + " + staged weights " +
                   std::to_string(lp.staging_bytes) + " + stack " + std::to_string(p.stack_reserve) + " + static " +
                   std::to_string(p.static_bytes) + "), " + std::to_string(p.sram_budget) + " available";
        return p;
    }
    for (const auto& lp : p.layers) {
        if (lp.sram_bytes <= p.sram_budget) continue;
        p.fits = false;
        p.misfit = head + lp.name + "' (index " + std::to_string(lp.index) + ") needs " + std::to_string(lp.sram_bytes) +
                   " bytes of SRAM (arena high-water " + std::to_string(lp.arena_high_water) + " + stack " +
                   std::to_string(p.stack_reserve) + " + static " + std::to_string(p.static_bytes) + "), " +
                   std::to_string(p.sram_budget) + " available";
        return p;
    }
    return p;
}

// weights=staged: a patch embedding whose weights would dominate SRAM is run in
// output-channel groups, each staged on its own. Picks the fewest groups (a
// divisor of embed) that keep the patch layer's planned bytes at or below those
// of every other layer and within the SRAM budget; if none does, the groups
// with the smallest footprint.
int choose_patch_groups(const Graph& g, const Plan& one_group, const DeployOptions& o) {
    // Aim at the other layers' footprint, but never above what the SRAM holds.
    const int64_t arena_budget = one_group.sram_budget - one_group.stack_reserve - one_group.static_bytes;
    if (o.weights != WeightMode::Staged || one_group.layers.empty()) return 1;
    const Node* patch = nullptr;
    for (const auto& n : g.nodes)
        if (n.kind == NodeKind::PatchEmbed) patch = &n;
    if (!patch) return 1;
    int64_t others = 0, live = 0;
    for (const auto& lp : one_group.layers) {
        if (lp.name == patch->name)
            live = lp.live_bytes;
        else
            others = std::max(others, lp.planned_bytes);
    }
    others = std::min(others, arena_budget);
    const bool decomposed = o.patch_embed == PatchEmbedMode::Decomposed;
    int best = 1;
    int64_t best_bytes = std::numeric_limits<int64_t>::max();
    for (int groups = 1; groups <= patch->out_features; groups++) {
        if (patch->out_features % groups) continue;
        const int ge = patch->out_features / groups;
        const vs_patch_dims_t d{patch->height, patch->width, patch->channels, patch->patch, ge};
        int64_t scratch = decomposed ? vs_patch_embed_decomposed_s8_scratch_bytes(&d, patch->sub_patch)
                                     : vs_patch_embed_direct_s8_scratch_bytes(&d);
        if (scratch < 0) continue;
        if (groups > 1) scratch += static_cast<int64_t>(round_up(static_cast<uint64_t>(patch->tokens) * ge, 4));
        const int64_t staging = static_cast<int64_t>(round_up(static_cast<uint64_t>(ge) * patch->in_features, 4)) + 4 * ge;
        const int64_t bytes = live + scratch + staging;
        if (bytes <= others) return groups;
        if (bytes < best_bytes) {
            best_bytes = bytes;
            best = groups;
        }
    }
    return best;
}

struct Planned {
    Lowered lowered;
    Plan plan;
};

// Depth-first MHSA on a cluster streams each head's query tiles through L1 with the
// head's K and V^T resident there, one such set per core (vs_mhsa_part_l1_bytes):
// refused here, naming the layer, when the cores' sets exceed the cluster's L1.
void check_cluster_l1(const Lowered& l, const DeployTarget& t) {
    if (!t.cluster_cores || !t.cluster_l1_bytes) return;
    for (const LoweredLayer& layer : l.layers) {
        const bool fused = layer.variant == VS_MHSA_FUSED_DEPTHFIRST;
        if (layer.op != VS_OP_MHSA || !(fused || layer.variant == VS_MHSA_DEPTHFIRST)) continue;
        const vs_mhsa_dims_t dims{layer.dim[0], layer.dim[1], layer.dim[2], layer.dim[3]};
        const int64_t per_core = vs_mhsa_part_l1_bytes(&dims, fused, layer.dim[4]);
        const int64_t needed = per_core * t.cluster_cores;
        if (per_core >= 0 && needed <= static_cast<int64_t>(t.cluster_l1_bytes)) continue;
        throw NoFitError("layer '" + layer.name + "' (depth-first attention) needs " + std::to_string(needed) +
                         " bytes of L1 (" + std::to_string(t.cluster_cores) + " cores x " + std::to_string(per_core) +
                         ": one head's K and V " + std::to_string(vs_mhsa_part_head_keys_bytes(&dims, fused)) +
                         " and the query tiles), the cluster's L1 has " + std::to_string(t.cluster_l1_bytes) +
                         "; use mhsa=layer-wise, a smaller tile or fewer cores");
    }
}

Planned lower_and_plan(const Graph& g, const Weights& w, const DeployOptions& o, const DeployTarget& t) {
    validate_weights(g, w, "weights for network '" + g.name + "'");
    Planned r{lower_graph(g, w, o, 1, t.cluster_cores), {}};
    check_cluster_l1(r.lowered, t);
    r.plan = make_plan(g, r.lowered, o, t);
    const int groups = choose_patch_groups(g, r.plan, o);
    if (groups != 1) {
        r.lowered = lower_graph(g, w, o, groups, t.cluster_cores);
        r.plan = make_plan(g, r.lowered, o, t);
    }
    return r;
}

void write_record(ByteWriter& out, const LoweredLayer& layer, const Lowered& l, uint64_t weight_address) {
    out.u32(layer.op);
    out.u32(layer.variant);
    out.u32(layer.flags);
    out.u32(layer.groups.empty() ? 1u : static_cast<uint32_t>(layer.groups.size()));
    for (int32_t d : layer.dim) out.i32(d);
    for (int32_t p : layer.param) out.i32(p);
    auto offset = [&](int value) { return value < 0 ? 0u : static_cast<uint32_t>(arena_offset(l, value)); };
    out.u32(offset(layer.in));
    out.u32(offset(layer.in2));
    out.u32(offset(layer.out));
    out.u32(layer.scratch < 0 ? 0u : static_cast<uint32_t>(l.buffers[layer.scratch].offset));
    out.u32(layer.scratch < 0 ? 0u : static_cast<uint32_t>(l.buffers[layer.scratch].size));
    out.u32(layer.staging < 0 ? 0u : static_cast<uint32_t>(l.buffers[layer.staging].offset));
    uint64_t bytes = 0;
    for (const auto& g : layer.groups) bytes += g.size();
    out.u32(layer.groups.empty() ? 0u : static_cast<uint32_t>(weight_address));
    out.u32(static_cast<uint32_t>(bytes));
    out.u32(layer.groups.empty() ? 0u : static_cast<uint32_t>(layer.groups[0].size()));
    for (uint32_t t : layer.tensor) out.u32(t);
    out.u32(0);
    if (layer.name.size() >= VS_RECORD_NAME)
        throw InputError("layer name '" + layer.name + "' is longer than " + std::to_string(VS_RECORD_NAME - 1) +
                         " characters");
    out.fixed_string(layer.name, VS_RECORD_NAME);
}

void write_l1_plan(ByteWriter& out, const L1Plan& p) {
    out.u32(static_cast<uint32_t>(p.tile_rows));
    out.u32(static_cast<uint32_t>(p.tile_cols));
    out.u32((p.cols_outer ? VS_L1_COLS_OUTER : 0u) | (p.backward ? VS_L1_BACKWARD : 0u));
    out.u32(static_cast<uint32_t>(p.peak_bytes));
    for (const L1Buffer& b : p.buffers) {
        out.u32(static_cast<uint32_t>(b.offset[0]));
        out.u32(static_cast<uint32_t>(b.offset[1]));
        out.u32(static_cast<uint32_t>(b.bytes));
    }
}

void check_address(uint64_t address, uint64_t bytes, const std::string& what) {
    if (address + bytes > (uint64_t{1} << 32))
        throw NoFitError(what + " at 0x" + std::to_string(address) + " does not fit the 32-bit address space");
}

}  // namespace

DeployTarget target_for_profile(const Profile& profile, uint64_t firmware_code_bytes, uint64_t stack_reserve,
                                uint64_t static_bytes) {
    DeployTarget t;
    t.profile = profile.name;
    const MemoryTiming& code = profile.memory(profile.code_memory);
    const MemoryTiming& data = profile.memory(profile.data_memory);
    t.data = {data.name, data.base, data.size};
    t.sram_budget = data.size;
    t.stack_reserve = stack_reserve;
    t.static_bytes = static_bytes;
    t.cluster_cores = profile.cluster.cores;
    if (t.cluster_cores > 0) {
        const uint64_t l1 = profile.memory(profile.cluster.l1_memory).size;
        t.l1_budget = l1 > profile.cluster.l1_reserved ? l1 - profile.cluster.l1_reserved : 0;
        t.l1_dma_bytes_per_cycle = profile.cluster.dma.l2_bytes_per_cycle;
        t.l1_dma_setup_cycles = profile.cluster.dma.setup_cycles;
        t.engine_lanes = profile.cluster.engine_lanes;
        t.engine_core_macs_per_cycle = profile.cluster.engine_core_macs_per_cycle;
        t.engine_core_setup_cycles = profile.cluster.engine_core_setup_cycles;
        t.engine_shared_stall_share = profile.cluster.engine_shared_stall_share;
    }
    if (t.cluster_cores)  // vs_l1_alloc's limit: the TCDM below 8 worker stacks (firmware/cluster/vs_cluster.h)
        t.cluster_l1_bytes = profile.memory(profile.cluster.l1_memory).size - 8 * kClusterStackBytes;
    std::vector<TargetMemory> read_only;  // "qspi" first
    for (const auto& m : profile.memories) {
        if (m.name == code.name || m.name == data.name || m.writable) continue;
        read_only.insert(m.name == "qspi" ? read_only.begin() : read_only.end(), {m.name, m.base, m.size});
    }
    if (code.name != data.name) {
        t.code = {code.name, code.base, code.size};
        t.image_address = round_up(code.base + firmware_code_bytes, kImageAlignment);
        t.code_budget = t.image_address - code.base >= code.size ? 0 : code.size - (t.image_address - code.base);
        t.weight_memories = read_only;
        return t;
    }
    // Code and data share one memory (GAP9 L2): the image goes to a read-only
    // memory of its own (GAP9 MRAM), so the arena keeps the whole heap.
    if (read_only.empty())
        throw InputError("profile '" + profile.name + "': code and data share '" + data.name +
                         "' and there is no read-only memory for the model image");
    t.code = read_only.front();
    t.image_address = t.code.base;
    t.code_budget = t.code.size;
    t.weight_memories.assign(read_only.begin() + 1, read_only.end());
    return t;
}

void check_shapes_fit(const Graph& graph, const DeployTarget& target) {
    // Products in double: a bound, and no overflow whatever the shapes.
    const double budget = double(sram_budget(target)) - double(target.stack_reserve) - double(target.static_bytes);
    for (const Node& n : graph.nodes) {
        const double bytes = std::max(double(n.in_shape.rows) * n.in_shape.cols, double(n.out_shape.rows) * n.out_shape.cols);
        if (bytes > budget)
            throw NoFitError("network '" + graph.name + "' does not fit: layer '" + n.name + "' needs at least " +
                             std::to_string(int64_t(bytes)) + " bytes of SRAM for its input or output alone, " +
                             std::to_string(int64_t(std::max(budget, 0.0))) +
                             " available after the stack and static data");
    }
    // The weights go into one memory whole. No option shrinks them below half of the
    // parameters: fused-weight attention replaces W_q and W_k (2 E P H) by H E x E,
    // and attention is at most all of them.
    double param_bytes = 0;
    for (const ParamSpec& p : graph.param_specs()) {
        double elements = 1;
        for (int d : p.shape) elements *= d;
        param_bytes += elements * (p.dtype == DType::I32 ? 4 : 1);
    }
    double largest = double(target.code_budget);
    for (const TargetMemory& m : target.weight_memories) largest = std::max(largest, double(m.size));
    if (param_bytes / 2 > largest)
        throw NoFitError("network '" + graph.name + "': its parameters (" + std::to_string(int64_t(std::min(param_bytes, 9e18))) +
                         " bytes, at least half of that with any option) fit in no read-only memory of '" +
                         target.profile + "' (largest: " + std::to_string(int64_t(largest)) + " bytes)");
}

Plan plan_network(const Graph& graph, const Weights& weights, const DeployOptions& options, const DeployTarget& target) {
    return lower_and_plan(graph, weights, options, target).plan;
}

DeployResult deploy(const Graph& graph, const Weights& weights, const DeployOptions& options,
                    const DeployTarget& target) {
    Planned planned = lower_and_plan(graph, weights, options, target);
    Lowered& l = planned.lowered;
    Plan& plan = planned.plan;
    if (!plan.fits) throw NoFitError(plan.misfit);

    // Weights: next to the model part in the code memory when both fit, else
    // the first other memory that holds them.
    const bool l1_plans = has_l1_plans(target);
    const uint64_t model_bytes = static_cast<uint64_t>(model_part_bytes(graph, l.layers.size(), l1_plans));
    const uint64_t blob_bytes = static_cast<uint64_t>(weights_bytes(l));
    if (target.code.name == target.data.name)
        throw InternalError("deploy target: the model image cannot go into the data memory '" + target.data.name + "'");
    if (model_bytes > target.code_budget)
        throw NoFitError("network '" + graph.name + "': the model image (" + std::to_string(model_bytes) +
                         " bytes) does not fit in " + target.code.name + " (" + std::to_string(target.code_budget) +
                         " bytes free after the firmware)");
    DeployResult r;
    const TargetMemory* other = nullptr;
    for (const auto& m : target.weight_memories)
        if (blob_bytes <= m.size) {
            other = &m;
            break;
        }
    if (model_bytes + blob_bytes <= target.code_budget) {
        r.weights_memory = target.code.name;
        r.weights_address = target.image_address + model_bytes;
    } else if (other) {
        r.weights_memory = other->name;
        r.weights_address = other->base;
    } else {
        std::string where = target.code.name + " (" + std::to_string(target.code_budget - model_bytes) +
                            " bytes free after the firmware and the model image)";
        for (const auto& m : target.weight_memories) where += " nor in " + m.name + " (" + std::to_string(m.size) + " bytes)";
        throw NoFitError("network '" + graph.name + "': weights (" + std::to_string(blob_bytes) + " bytes) fit neither in " +
                         where);
    }
    check_address(target.image_address, model_bytes, "the model image");
    check_address(r.weights_address, blob_bytes, "the weights");

    // Weights blob: every layer's groups, in layer order.
    ByteWriter blob;
    std::vector<uint64_t> layer_address;
    for (const auto& layer : l.layers) {
        blob.align(4);
        layer_address.push_back(r.weights_address + blob.size());
        for (const auto& g : layer.groups) blob.bytes(g.data(), g.size());
    }
    blob.align(4);

    ByteWriter out;
    const uint32_t flags = (options.simd ? VS_MODEL_FLAG_SIMD : 0u) |
                           (options.weights == WeightMode::Staged ? VS_MODEL_FLAG_STAGED : 0u) |
                           (options.engine ? VS_MODEL_FLAG_ENGINE : 0u);
    const uint32_t records_offset = sizeof(vs_model_header_t);
    const uint32_t input_offset = records_offset + static_cast<uint32_t>(l.layers.size() * sizeof(vs_layer_record_t));
    const uint32_t header_fields[] = {
        VS_MODEL_MAGIC, VS_MODEL_VERSION, sizeof(vs_model_header_t), sizeof(vs_layer_record_t),
        static_cast<uint32_t>(l.layers.size()), records_offset, input_offset,
        static_cast<uint32_t>(graph.input_shape.bytes()), static_cast<uint32_t>(model_bytes),
        0u /* checksum, below */, static_cast<uint32_t>(target.image_address), static_cast<uint32_t>(r.weights_address),
        static_cast<uint32_t>(blob.size()), static_cast<uint32_t>(model_bytes),
        fnv1a32(blob.data().data(), blob.size()), static_cast<uint32_t>(target.arena_address),
        static_cast<uint32_t>(plan.arena_bytes), static_cast<uint32_t>(arena_offset(l, l.input)),
        static_cast<uint32_t>(arena_offset(l, l.output)), static_cast<uint32_t>(l.values[l.output].bytes), flags,
        static_cast<uint32_t>(plan.staging_bytes),
        l1_plans ? static_cast<uint32_t>(l1_plans_offset(graph, l.layers.size())) : 0u,
        l1_plans ? static_cast<uint32_t>(sizeof(vs_l1_plan_t)) : 0u};
    for (uint32_t f : header_fields) out.u32(f);
    out.fixed_string(graph.name, 32);
    for (size_t i = 0; i < l.layers.size(); i++) write_record(out, l.layers[i], l, layer_address[i]);
    out.bytes(weights.input.data(), weights.input.size());
    if (l1_plans) {
        out.align(4);
        for (const LayerPlan& lp : plan.layers) write_l1_plan(out, lp.l1);
    }
    out.align(kModelPadding);
    if (out.size() != model_bytes) throw InternalError("image: model part has " + std::to_string(out.size()) + " bytes");
    write_le32(out.data().data() + offsetof(vs_model_header_t, model_checksum), fnv1a32(out.data().data(), out.size()));
    out.bytes(blob.data().data(), blob.size());

    r.image = out.take();
    r.blobs.push_back({"model", target.code.name, target.image_address, 0, model_bytes});
    r.blobs.push_back({"weights", r.weights_memory, r.weights_address, model_bytes, blob.size()});
    r.arena_address = target.arena_address;
    r.arena_bytes = plan.arena_bytes;
    r.output_offset = arena_offset(l, l.output);
    r.output_bytes = l.values[l.output].bytes;
    r.output_tensor = l.values[l.output].name;
    r.output_scale = weights.scale(r.output_tensor);
    r.plan = std::move(plan);
    return r;
}

nlohmann::json l1_plan_json(const L1Plan& p) {
    if (p.tile_rows == 0) return nullptr;
    nlohmann::json buffers = nlohmann::json::array();
    for (const L1Buffer& b : p.buffers)
        if (b.slots)
            buffers.push_back({{"name", b.name}, {"offsets", std::vector<int64_t>(b.offset, b.offset + b.slots)},
                               {"bytes", b.bytes}});
    return {{"tile_rows", p.tile_rows}, {"tile_cols", p.tile_cols},   {"row_tiles", p.row_tiles},
            {"col_tiles", p.col_tiles}, {"order", p.cols_outer ? "columns-outer" : "rows-outer"},
            {"backward", p.backward},   {"peak_bytes", p.peak_bytes}, {"dma_bytes", p.dma_bytes},
            {"buffers", buffers}};
}

nlohmann::json plan_to_json(const Plan& p) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : p.layers) {
        layers.push_back({{"index", l.index},
                          {"name", l.name},
                          {"op", l.op},
                          {"kernel", l.kernel},
                          {"nodes", l.nodes},
                          {"macs", l.macs},
                          {"live_bytes", l.live_bytes},
                          {"scratch_bytes", l.scratch_bytes},
                          {"staging_bytes", l.staging_bytes},
                          {"planned_bytes", l.planned_bytes},
                          {"arena_high_water", l.arena_high_water},
                          {"sram_bytes", l.sram_bytes},
                          {"weight_bytes", l.weight_bytes},
                          {"l1_peak_bytes", l.l1.peak_bytes},
                          {"l1", l1_plan_json(l.l1)},
                          {"core_rows", l.core_rows},
                          {"output", {{"tensor", l.output}, {"offset", l.output_offset}, {"bytes", l.output_bytes},
                                      {"scale", l.output_scale}}}});
    }
    nlohmann::json buffers = nlohmann::json::array();
    for (const auto& b : p.buffers)
        buffers.push_back({{"name", b.name}, {"kind", b.kind}, {"offset", b.offset}, {"bytes", b.bytes},
                           {"first", b.first}, {"last", b.last}});
    return {{"schema", "vitsim-plan"},
            {"version", 1},
            {"network", p.network},
            {"options", p.options},
            {"placement", p.placement},
            {"arena_bytes", p.arena_bytes},
            {"max_planned_bytes", p.max_planned_bytes},
            {"stack_reserve", p.stack_reserve},
            {"static_bytes", p.static_bytes},
            {"peak_sram_bytes", p.peak_sram_bytes},
            {"sram_budget", p.sram_budget},
            {"staging_bytes", p.staging_bytes},
            {"patch_groups", p.patch_groups},
            {"weights_bytes", p.weights_bytes},
            {"l1_budget", p.l1_budget},
            {"l1_peak_bytes", p.l1_peak_bytes},
            {"fits", p.fits},
            {"misfit", p.misfit},
            {"layers", layers},
            {"buffers", buffers}};
}

}  // namespace vitsim::deploy
