// Static memory planning of the activation arena: buffers with lifetimes in
// layer indices get offsets such that no two buffers that are live during the
// same layer overlap. Several greedy orders are tried (largest first as in
// TinyEngine, earliest first, longest-lived first) and the smallest arena wins.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vitsim::deploy {

// A buffer live from layer `first` to layer `last` (inclusive).
struct Interval {
    int64_t size = 0;
    int first = 0;
    int last = 0;
};

struct Placement {
    std::vector<int64_t> offsets;  // per interval, multiples of the alignment
    int64_t arena_bytes = 0;       // max(offset + size), rounded up to the alignment
    std::string heuristic;         // the order that won
};

// Places every interval; sizes are rounded up to `alignment` (a power of two).
Placement place_intervals(const std::vector<Interval>& intervals, int64_t alignment);

// The largest sum of sizes live during one layer: no placement can be smaller.
int64_t live_lower_bound(const std::vector<Interval>& intervals, int64_t alignment);

}  // namespace vitsim::deploy
