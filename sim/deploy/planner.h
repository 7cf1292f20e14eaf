// Static memory planning of the activation arena. A buffer is a shape in
// (layer, address) space: one or more parts, each a byte range relative to the
// buffer's base that is in use from layer `first` to layer `last` (a buffer
// whose contents grow and shrink is a staircase of parts). Placement gives every
// buffer a base offset such that no two parts that are in use during the same
// layer overlap. Several greedy orders are tried (largest first as in
// TinyEngine, earliest first, longest-lived first), each placing a buffer at
// the lowest offset where all its parts fit (first fit); the smallest arena wins.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vitsim::deploy {

struct Part {
    int64_t offset = 0;  // relative to the buffer's base
    int64_t size = 0;
    int first = 0;       // layers, inclusive
    int last = 0;
};

// A single-part buffer.
struct Interval {
    int64_t size = 0;
    int first = 0;
    int last = 0;
};

struct Placement {
    std::vector<int64_t> offsets;  // base offset per buffer, multiples of the alignment
    int64_t arena_bytes = 0;       // max(base + part end)
    std::string heuristic;         // the order that won
};

// Offsets, sizes must be multiples of `alignment` (a power of two).
Placement place_buffers(const std::vector<std::vector<Part>>& buffers, int64_t alignment);
Placement place_intervals(const std::vector<Interval>& intervals, int64_t alignment);

// Parts of a buffer whose size during layer first + i is profile[i]: horizontal
// bands between the distinct sizes, each over the maximal runs of layers that
// need it.
std::vector<Part> parts_of_profile(const std::vector<int64_t>& profile, int first);

// The largest sum of sizes in use during one layer: no placement can be smaller.
int64_t live_lower_bound(const std::vector<std::vector<Part>>& buffers);

}  // namespace vitsim::deploy
