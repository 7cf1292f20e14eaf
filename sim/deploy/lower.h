// Internal to sim/deploy: lowering of a graph to layer records (kernel calls
// with quantization parameters and weight blobs) and to arena buffers with
// lifetimes, before placement and serialisation (deploy.cpp).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "deploy/network.h"
#include "deploy/options.h"
#include "deploy/weights.h"

namespace vitsim::deploy {

enum class BufferKind { Activation, Scratch, Staging };

// An arena buffer. Activation buffers may hold several tensors one after the
// other (in-place kernels), so their size varies from layer to layer
// (`profile`); scratch and staging buffers live for one layer.
struct Buffer {
    BufferKind kind = BufferKind::Activation;
    std::string name;
    int64_t size = 0;             // largest size over its lifetime
    int first = -1, last = -1;    // layers using it
    int tensors = 0;              // tensors that have lived in it
    std::vector<int64_t> profile; // size during layer first + i (set by buffer_profiles)
    int64_t offset = -1;          // set by placement
    void touch(int layer) {
        first = first < 0 ? layer : std::min(first, layer);
        last = std::max(last, layer);
    }
};

// An activation tensor: a range of a buffer, in use from the layer that writes
// it to the last layer that reads it. While it is written the kernel may need
// more of the buffer (token overwriting: tokens * max(in, out)): write_end.
struct Value {
    std::string name;
    int64_t bytes = 0;
    int buffer = -1;
    int64_t offset = 0;     // inside the buffer
    int64_t write_end = 0;  // buffer bytes in use while the producing layer runs
    int first = -1, last = -1;
    void touch(int layer) {
        first = first < 0 ? layer : std::min(first, layer);
        last = std::max(last, layer);
    }
};

struct LoweredLayer {
    std::string name;
    std::string op_name;
    std::string kernel;
    std::vector<std::string> nodes;
    uint32_t op = 0, variant = 0, flags = 0;
    std::array<int32_t, 8> dim{};
    std::array<int32_t, 20> param{};
    int in = -1, in2 = -1, out = -1;  // values
    int scratch = -1, staging = -1;   // buffers
    std::vector<std::vector<uint8_t>> groups;  // weight blob of each group (equal sizes)
    std::array<uint32_t, 8> tensor{};
    int64_t macs = 0;
    double out_scale = 0;
};

struct Lowered {
    std::vector<Buffer> buffers;
    std::vector<Value> values;
    std::vector<LoweredLayer> layers;
    int input = -1, output = -1;  // values
    int patch_groups = 1;
};

// `patch_groups`: output-channel groups of the patch embedding (must divide embed).
// cluster_cores > 0: the kernels run on a cluster (firmware/interp/interp_parallel.c),
// whose attention needs the layer-wise kernels' scratch whatever the schedule.
Lowered lower_graph(const Graph& graph, const Weights& weights, const DeployOptions& options, int patch_groups,
                    unsigned cluster_cores = 0);

// Fills every buffer's size profile from the lifetimes of its tensors.
void buffer_profiles(Lowered& lowered);

// Offset of a value in the arena (after placement).
inline int64_t arena_offset(const Lowered& l, int value) {
    const Value& v = l.values.at(value);
    return l.buffers.at(v.buffer).offset + v.offset;
}

}  // namespace vitsim::deploy
