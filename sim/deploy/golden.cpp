#include "deploy/golden.h"

#include <cstring>

#include "deploy/bytes.h"
#include "deploy/errors.h"
#include "interp.h"
#include "interp_platform.h"

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

}  // namespace

std::string image_network_name(const std::vector<uint8_t>& image) {
    if (image.size() < sizeof(vs_model_header_t)) return "?";
    const auto* h = reinterpret_cast<const vs_model_header_t*>(image.data());
    return std::string(h->name, strnlen(h->name, sizeof h->name));
}

GoldenResult golden_run(const std::vector<uint8_t>& image, const LayerHook& after_layer) {
    static_assert(sizeof(vs_model_header_t) == 128 && sizeof(vs_layer_record_t) == 256, "image layout");
    const uint32_t probe = 1;
    if (*reinterpret_cast<const uint8_t*>(&probe) != 1)
        throw InternalError("golden run: the host must be little-endian (the image format is)");
    if (image.size() < sizeof(vs_model_header_t) || vs_model_check_header(image.data()) != VS_RUN_OK)
        throw InputError("model image: not a vitsim model image of version " + std::to_string(VS_MODEL_VERSION));
    vs_model_header_t h;
    std::memcpy(&h, image.data(), sizeof h);
    if (h.model_bytes > image.size() || h.weights_file_offset > image.size() ||
        h.weights_bytes > image.size() - h.weights_file_offset ||
        h.records_offset + static_cast<uint64_t>(h.layer_count) * sizeof(vs_layer_record_t) > h.model_bytes ||
        h.input_offset + static_cast<uint64_t>(h.input_bytes) > h.model_bytes)
        throw InputError("model image: truncated (" + std::to_string(image.size()) + " bytes)");
    if (vs_model_checksum(image.data()) != h.model_checksum)
        throw InputError("model image: model checksum mismatch (the image is corrupt)");
    if (fnv1a32(image.data() + h.weights_file_offset, h.weights_bytes) != h.weights_checksum)
        throw InputError("model image: weights checksum mismatch (the image is corrupt)");

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
            layer = "layer " + std::to_string(run.layer) + " '" + std::string(rec->name, strnlen(rec->name, sizeof rec->name)) + "'";
        }
        throw InternalError("golden run of '" + image_network_name(image) + "' failed at " + layer + ": " +
                            status_text(status));
    }
    result.output.assign(reinterpret_cast<const int8_t*>(arena + h.output_arena_offset),
                         reinterpret_cast<const int8_t*>(arena + h.output_arena_offset) + h.output_bytes);
    return result;
}

}  // namespace vitsim::deploy
