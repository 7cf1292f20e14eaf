#include "deploy/golden.h"

#include <algorithm>
#include <cstring>

#include "deploy/bytes.h"
#include "deploy/errors.h"
#include "deploy/network.h"
#include "interp.h"
#include "interp_platform.h"
#include "sim/message_text.h"
#include "vitsim/kernels.h"

namespace vitsim::deploy {
namespace {

const char* status_text(int status) {
    switch (status) {
    case VS_RUN_ERR_IMAGE: return "bad image header";
    case VS_RUN_ERR_ARENA: return "arena too small or misaligned";
    case VS_RUN_ERR_RANGE: return "scratch, staging or weights outside their areas";
    case VS_RUN_ERR_OP: return "unknown op or variant";
    case VS_RUN_ERR_KERNEL: return "a kernel rejected its arguments";
    case VS_RUN_ERR_COPY: return "weight copy failed";
    default: return "unknown failure";
    }
}

struct HookState {
    GoldenResult* result;
    const LayerHook* after_layer;
    const uint8_t* arena;
};

extern "C" void golden_layer_hook(void* user, uint32_t index, int end) {
    auto* s = static_cast<HookState*>(user);
    s->result->markers.push_back(index);
    if (end && *s->after_layer) (*s->after_layer)(index, s->arena);
}

extern "C" void golden_copy_hook(void* user, uint32_t bytes) {
    static_cast<HookState*>(user)->result->copied_bytes += bytes;
}

// Restores the process-wide hooks even when the run throws.
struct HookGuard {
    ~HookGuard() { vs_interp_host_set_hooks(nullptr, nullptr, nullptr); }
};

// ---- image validation ----------------------------------------------------------

// A layer's record checked against what its kernels will read and write. Sizes
// are computed in 64 bits from dimensions already known to be in 1..2^24.
class RecordCheck {
public:
    RecordCheck(const vs_model_header_t& h, const vs_layer_record_t& r, uint32_t index)
        : h_(h), r_(r), where_("model image: layer " + std::to_string(index) + " " + quoted_name(r)) {}

    void run() {
        common();
        switch (r_.op) {
        case VS_OP_PATCH_EMBED: patch_embed(); break;
        case VS_OP_LINEAR: linear(); break;
        case VS_OP_LOWRANK: lowrank(); break;
        case VS_OP_LAYERNORM: layernorm(); break;
        case VS_OP_MHSA: mhsa(); break;
        case VS_OP_ADD: add(); break;
        case VS_OP_CLASS_TOKEN: class_token(); break;
        case VS_OP_MEAN_POOL: mean_pool(); break;
        default: fail("unknown op " + std::to_string(r_.op));
        }
        no_overlap_with_work_areas();
    }

private:
    static std::string quoted_name(const vs_layer_record_t& r) {
        return "'" + escape_for_message(std::string(r.name, strnlen(r.name, sizeof r.name))) + "'";
    }
    [[noreturn]] void fail(const std::string& what) const { throw InputError(where_ + ": " + what); }

    // dim[0 .. n-1] in 1..kMaxDimension.
    void dims(int n) const {
        for (int i = 0; i < n; i++) dim_in_range(i, 1);
    }
    void dim_in_range(int i, int32_t lowest) const {
        if (r_.dim[i] < lowest || r_.dim[i] > kMaxDimension)
            fail("dim[" + std::to_string(i) + "] = " + std::to_string(r_.dim[i]) + " is out of range");
    }
    int64_t dim(int i) const { return r_.dim[i]; }

    // [offset, offset + bytes) inside the arena; remembered for the overlap check.
    void arena(uint32_t offset, int64_t bytes, const char* what) {
        if (bytes < 0 || uint64_t{offset} + static_cast<uint64_t>(bytes) > h_.arena_bytes)
            fail(std::string(what) + " (" + std::to_string(bytes) + " bytes at arena offset " + std::to_string(offset) +
                 ") extends beyond the arena of " + std::to_string(h_.arena_bytes) + " bytes");
        regions_.push_back({what, offset, uint64_t{offset} + static_cast<uint64_t>(bytes)});
    }

    // A kernel's scratch and the staged weights are the layer's own work areas:
    // they never share bytes with its tensors or each other (the kernels copy
    // between them with memcpy, and deploy plans them apart).
    void no_overlap_with_work_areas() const {
        for (const Region& work : regions_) {
            if (!work.is_work_area()) continue;
            for (const Region& other : regions_)
                if (&other != &work && work.begin < other.end && other.begin < work.end && work.begin < work.end &&
                    other.begin < other.end)
                    fail(work.what + " overlaps " + other.what);
        }
    }

    // The kernel's scratch (`needed` bytes, a negative value: the kernel refuses
    // the dimensions) inside the record's scratch area.
    void scratch(int64_t needed) {
        if (needed < 0) fail("the kernel refuses the dimensions");
        if (needed > r_.scratch_bytes)
            fail("needs " + std::to_string(needed) + " bytes of scratch, the record has " + std::to_string(r_.scratch_bytes));
        if (needed > 0 && r_.scratch_offset % 4 != 0) fail("scratch offset is not 4-byte aligned");
        if (uint64_t{r_.scratch_offset} + r_.scratch_bytes > h_.arena_bytes)
            fail("scratch (" + std::to_string(r_.scratch_bytes) + " bytes at arena offset " +
                 std::to_string(r_.scratch_offset) + ") extends beyond the arena of " + std::to_string(h_.arena_bytes) +
                 " bytes");
        arena(r_.scratch_offset, needed, "scratch");  // the part the kernel uses
    }

    // Weight tensor k of `bytes` bytes inside one weight group (none allowed when optional).
    void tensor(int k, int64_t bytes, bool int32, bool optional = false) const {
        const uint32_t offset = r_.tensor[k];
        if (offset == VS_NO_TENSOR) {
            if (!optional) fail("weight tensor " + std::to_string(k) + " is missing");
            return;
        }
        if (uint64_t{offset} + static_cast<uint64_t>(bytes) > r_.group_bytes)
            fail("weight tensor " + std::to_string(k) + " (" + std::to_string(bytes) + " bytes at " +
                 std::to_string(offset) + ") extends beyond its weight group of " + std::to_string(r_.group_bytes) + " bytes");
        if (int32 && offset % 4 != 0) fail("int32 weight tensor " + std::to_string(k) + " is not 4-byte aligned");
    }

    // A dot product of at most kMaxFanIn terms (network.h).
    void fan_in(int64_t terms) const {
        if (terms > kMaxFanIn) fail("fan-in " + std::to_string(terms) + " is larger than " + std::to_string(kMaxFanIn));
    }

    // Layer-independent fields: flags, groups, the weights' place in the blob.
    void common() {
        if (r_.flags & ~(VS_LAYER_GELU | VS_LAYER_STAGED | VS_LAYER_B_WEIGHT | VS_LAYER_SPLIT_HEADS))
            fail("unknown flags");
        if (r_.group_count < 1 || r_.group_count > kMaxDimension) fail("bad group count " + std::to_string(r_.group_count));
        const bool uses_weights = r_.op != VS_OP_MEAN_POOL && (r_.op != VS_OP_ADD || (r_.flags & VS_LAYER_B_WEIGHT));
        if (!uses_weights) return;
        const uint64_t offset = uint64_t{r_.weight_address} - h_.weights_address;
        if (r_.weight_address < h_.weights_address || offset + r_.weight_bytes > h_.weights_bytes)
            fail("weights outside the weights blob");
        if (uint64_t{r_.group_bytes} * r_.group_count > r_.weight_bytes) fail("weight groups larger than the weights");
        if (offset % 4 != 0 || (r_.group_count > 1 && r_.group_bytes % 4 != 0))
            fail("weights are not 4-byte aligned");
        if (r_.flags & VS_LAYER_STAGED) {
            if (r_.staging_offset % 4 != 0) fail("staging area is not 4-byte aligned");
            arena(r_.staging_offset, r_.group_bytes, "staging area");
        }
    }

    void patch_embed() {
        dims(5);
        dim_in_range(5, 0);  // sub-patch, 0: direct
        dim_in_range(6, 1);
        dim_in_range(7, 1);
        const int64_t h = dim(0), w = dim(1), c = dim(2), p = dim(3), e = dim(4), sub = r_.dim[5], eg = dim(6);
        if (h % p != 0 || w % p != 0 || dim(7) != (h / p) * (w / p)) fail("tokens do not match the image and patch");
        if (sub < 0 || (sub > 0 && p % sub != 0)) fail("sub-patch does not divide the patch");
        if (eg * r_.group_count != e) fail("groups do not cover the embedding");
        fan_in(p * p * c);
        arena(r_.in_offset, h * w * c, "input");
        arena(r_.out_offset, dim(7) * e, "output");
        tensor(0, eg * p * p * c, false);
        tensor(1, eg * 4, true, true);
        vs_patch_dims_t d{r_.dim[0], r_.dim[1], r_.dim[2], r_.dim[3], r_.dim[6]};
        const int64_t group_out = r_.group_count > 1 ? (dim(7) * eg + 3) / 4 * 4 : 0;
        const int64_t kernel = sub ? vs_patch_embed_decomposed_s8_scratch_bytes(&d, r_.dim[5])
                                   : vs_patch_embed_direct_s8_scratch_bytes(&d);
        scratch(kernel < 0 ? -1 : group_out + kernel);
    }

    void linear() {
        dims(3);
        const int64_t tokens = dim(0), in = dim(1), out = dim(2);
        if (r_.variant > 1) fail("unknown variant " + std::to_string(r_.variant));
        fan_in(in);
        if (r_.variant == 1) {
            arena(r_.out_offset, tokens * std::max(in, out), "buffer");
            vs_linear_dims_t d{r_.dim[0], r_.dim[1], r_.dim[2]};
            scratch(vs_linear_overwrite_s8_scratch_bytes(&d));
        } else {
            arena(r_.in_offset, tokens * in, "input");
            arena(r_.out_offset, tokens * out, "output");
        }
        tensor(0, out * in, false);
        tensor(1, out * 4, true, true);
    }

    void lowrank() {
        dims(5);
        const int64_t tokens = dim(0), in = dim(1), rank = dim(2), out = dim(3);
        if (r_.variant > 1) fail("unknown variant " + std::to_string(r_.variant));
        fan_in(std::max(in, rank));
        arena(r_.in_offset, tokens * in, "input");
        arena(r_.out_offset, tokens * (r_.variant == 1 ? std::max(in, out) : out), "output");
        tensor(0, rank * in, false);
        tensor(1, rank * 4, true, true);
        tensor(2, rank * rank, false);
        tensor(3, rank * 4, true, true);
        tensor(4, out * rank, false);
        tensor(5, out * 4, true, true);
        vs_lowrank_dims_t d{r_.dim[0], r_.dim[1], r_.dim[2], r_.dim[3]};
        scratch(vs_linear_lowrank_s8_scratch_bytes(&d, r_.dim[4]));
    }

    void layernorm() {
        dims(2);
        arena(r_.in_offset, dim(0) * dim(1), "input");
        arena(r_.out_offset, dim(0) * dim(1), "output");
        tensor(0, dim(1), false);
        tensor(1, dim(1) * 4, true);
    }

    void mhsa() {
        dims(5);
        const int64_t s = dim(0), e = dim(1), p = dim(2), heads = dim(3), hp = heads * p;
        fan_in(std::max(e, hp));
        arena(r_.in_offset, s * e, "input");
        arena(r_.out_offset, s * e, "output");
        vs_mhsa_dims_t d{r_.dim[0], r_.dim[1], r_.dim[2], r_.dim[3]};
        const int32_t tile = r_.dim[4];
        switch (r_.variant) {
        case VS_MHSA_LAYERWISE:
        case VS_MHSA_DEPTHFIRST:
            for (int k : {0, 1, 2}) tensor(k, hp * e, false);
            for (int k : {3, 4, 5}) tensor(k, hp * 4, true, true);
            tensor(6, e * hp, false);
            tensor(7, e * 4, true, true);
            scratch(r_.variant == VS_MHSA_LAYERWISE ? vs_mhsa_layerwise_s8_scratch_bytes(&d)
                                                    : vs_mhsa_depthfirst_s8_scratch_bytes(&d, tile));
            return;
        case VS_MHSA_FUSED_LAYERWISE:
        case VS_MHSA_FUSED_DEPTHFIRST:
            tensor(0, heads * e * e, false);
            tensor(1, heads * e * 4, true, true);
            tensor(2, hp * e, false);
            tensor(3, hp * 4, true, true);
            tensor(4, e * hp, false);
            tensor(5, e * 4, true, true);
            scratch(r_.variant == VS_MHSA_FUSED_LAYERWISE ? vs_mhsa_fused_layerwise_s8_scratch_bytes(&d)
                                                          : vs_mhsa_fused_depthfirst_s8_scratch_bytes(&d, tile));
            return;
        default: fail("unknown variant " + std::to_string(r_.variant));
        }
    }

    void add() {
        dims(2);
        const int64_t bytes = dim(0) * dim(1);
        arena(r_.in_offset, bytes, "input a");
        arena(r_.out_offset, bytes, "output");
        if (r_.flags & VS_LAYER_B_WEIGHT)
            tensor(0, bytes, false);
        else
            arena(r_.in2_offset, bytes, "input b");
    }

    void class_token() {
        dims(2);
        arena(r_.in_offset, dim(0) * dim(1), "input");
        arena(r_.out_offset, (dim(0) + 1) * dim(1), "output");
        tensor(0, dim(1), false);
    }

    void mean_pool() {
        dims(2);
        arena(r_.in_offset, dim(0) * dim(1), "input");
        arena(r_.out_offset, dim(1), "output");
    }

    struct Region {
        std::string what;
        uint64_t begin, end;
        bool is_work_area() const { return what == "scratch" || what == "staging area"; }
    };

    const vs_model_header_t& h_;
    const vs_layer_record_t& r_;
    std::string where_;
    std::vector<Region> regions_;  // of the arena this layer uses
};

void check_header_ranges(const vs_model_header_t& h, size_t image_size) {
    auto fail = [](const std::string& what) { throw InputError("model image: " + what); };
    auto inside = [](uint64_t offset, uint64_t bytes, uint64_t limit) { return offset <= limit && bytes <= limit - offset; };
    const std::string truncated = "truncated (" + std::to_string(image_size) + " bytes)";
    if (h.model_bytes > image_size) fail(truncated);
    if (h.model_bytes < sizeof(vs_model_header_t)) fail("model part of " + std::to_string(h.model_bytes) + " bytes");
    if (h.records_offset < sizeof(vs_model_header_t) || h.records_offset % 4 != 0 ||
        !inside(h.records_offset, uint64_t{h.layer_count} * sizeof(vs_layer_record_t), h.model_bytes))
        fail(std::to_string(h.layer_count) + " layer records at offset " + std::to_string(h.records_offset) +
             " do not fit the model part of " + std::to_string(h.model_bytes) + " bytes");
    if (!inside(h.input_offset, h.input_bytes, h.model_bytes)) fail("input tensor outside the model part");
    if (h.l1_plans_offset != 0 &&
        (h.l1_plan_bytes != sizeof(vs_l1_plan_t) || h.l1_plans_offset % 4 != 0 ||
         !inside(h.l1_plans_offset, uint64_t{h.layer_count} * sizeof(vs_l1_plan_t), h.model_bytes)))
        fail(std::to_string(h.layer_count) + " L1 plans of " + std::to_string(h.l1_plan_bytes) + " bytes at offset " +
             std::to_string(h.l1_plans_offset) + " do not fit the model part of " + std::to_string(h.model_bytes) +
             " bytes");
    if (!inside(h.weights_file_offset, h.weights_bytes, image_size)) fail(truncated);
    if (h.weights_file_offset % 4 != 0) fail("weights blob is not 4-byte aligned");
    if (h.arena_bytes > kMaxImageArenaBytes)
        fail("arena of " + std::to_string(h.arena_bytes) + " bytes is larger than " + std::to_string(kMaxImageArenaBytes));
    if (!inside(h.input_arena_offset, h.input_bytes, h.arena_bytes)) fail("input outside the arena");
    if (!inside(h.output_arena_offset, h.output_bytes, h.arena_bytes)) fail("output outside the arena");
}

}  // namespace

void validate_image(const std::vector<uint8_t>& image) {
    static_assert(sizeof(vs_model_header_t) == 128 && sizeof(vs_layer_record_t) == 256 && sizeof(vs_l1_plan_t) == 64,
                  "image layout");
    if (image.size() < sizeof(vs_model_header_t) || vs_model_check_header(image.data()) != VS_RUN_OK)
        throw InputError("model image: not a vitsim model image of version " + std::to_string(VS_MODEL_VERSION));
    vs_model_header_t h;
    std::memcpy(&h, image.data(), sizeof h);
    check_header_ranges(h, image.size());
    if (vs_model_checksum(image.data()) != h.model_checksum)
        throw InputError("model image: model checksum mismatch (the image is corrupt)");
    if (fnv1a32(image.data() + h.weights_file_offset, h.weights_bytes) != h.weights_checksum)
        throw InputError("model image: weights checksum mismatch (the image is corrupt)");
    for (uint32_t i = 0; i < h.layer_count; i++) {
        vs_layer_record_t record;
        std::memcpy(&record, image.data() + h.records_offset + size_t{i} * sizeof record, sizeof record);
        RecordCheck(h, record, i).run();
    }
}

std::string image_network_name(const std::vector<uint8_t>& image) {
    if (image.size() < sizeof(vs_model_header_t)) return "?";
    const auto* h = reinterpret_cast<const vs_model_header_t*>(image.data());
    return std::string(h->name, strnlen(h->name, sizeof h->name));
}

GoldenResult golden_run(const std::vector<uint8_t>& image, const LayerHook& after_layer) {
    const uint32_t probe = 1;
    if (*reinterpret_cast<const uint8_t*>(&probe) != 1)
        throw InternalError("golden run: the host must be little-endian (the image format is)");
    validate_image(image);
    vs_model_header_t h;
    std::memcpy(&h, image.data(), sizeof h);

    // Not zeroed, as on the target: a kernel that read memory it never wrote
    // would make outputs depend on the placement (and the tests compare those).
    std::vector<uint32_t> arena_words((h.arena_bytes + 3) / 4 + 1);
    auto* arena = reinterpret_cast<uint8_t*>(arena_words.data());
    for (size_t i = 0; i < arena_words.size() * 4; i++) arena[i] = static_cast<uint8_t>(i * 131 + 7);
    GoldenResult result;
    HookState state{&result, &after_layer, arena};
    HookGuard guard;
    vs_interp_host_set_hooks(golden_layer_hook, golden_copy_hook, &state);
    vs_run_result_t run;
    const int status = vs_run_model(image.data(), arena, h.arena_bytes, image.data() + h.weights_file_offset, &run);
    if (status != VS_RUN_OK) {
        std::string layer = "before the first layer";
        if (run.layer >= 0) {
            const auto* rec = reinterpret_cast<const vs_layer_record_t*>(image.data() + h.records_offset) + run.layer;
            layer = "layer " + std::to_string(run.layer) + " '" +
                    escape_for_message(std::string(rec->name, strnlen(rec->name, sizeof rec->name))) + "'";
        }
        throw InternalError("golden run of '" + escape_for_message(image_network_name(image)) + "' failed at " + layer + ": " +
                            status_text(status));
    }
    result.output.assign(reinterpret_cast<const int8_t*>(arena + h.output_arena_offset),
                         reinterpret_cast<const int8_t*>(arena + h.output_arena_offset) + h.output_bytes);
    return result;
}

}  // namespace vitsim::deploy
