// Golden model: the firmware interpreter (firmware/interp/interp.c) and the
// kernels compiled for the host, run on a model image. Its output is what the
// firmware must produce on the simulator, bit for bit.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vitsim::deploy {

// Called after every layer with its index and the arena (header.arena_bytes).
using LayerHook = std::function<void(uint32_t layer, const uint8_t* arena)>;

struct GoldenResult {
    std::vector<int8_t> output;      // header.output_bytes from the arena
    std::vector<uint32_t> markers;   // layer begin/end indices in order (begin, end, begin, ...)
    uint64_t copied_bytes = 0;       // bytes moved by staging copies (and the input copy)
};

// The largest arena an image may ask for (the golden run allocates it): 256 MiB,
// the limit of any tensor (kMaxTensorBytes) and 16x any shipped profile's memory.
constexpr uint32_t kMaxImageArenaBytes = 256u << 20;

// Checks `image` before anything reads it: the header (magic, version, sizes,
// both checksums), and every offset, length and count against the image size,
// the weights blob and the arena, for every layer record as the interpreter will
// use it (its input, output and scratch in the arena, its weight tensors inside
// its weight group, alignment of int32 data). Throws InputError naming the field
// or the layer, so a damaged image is refused instead of being interpreted.
void validate_image(const std::vector<uint8_t>& image);

// Runs `image` (an image file as deploy() returns it) after validate_image. Throws InputError for a
// malformed image (bad magic/version, checksum mismatch, truncated) and
// InternalError when the interpreter fails (naming the layer and the reason).
GoldenResult golden_run(const std::vector<uint8_t>& image, const LayerHook& after_layer = nullptr);

// The model name stored in an image header (for messages).
std::string image_network_name(const std::vector<uint8_t>& image);

}  // namespace vitsim::deploy
