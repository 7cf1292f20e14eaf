#include "deploy/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

namespace vitsim::deploy {
namespace {

int64_t round_up(int64_t n, int64_t a) { return (n + a - 1) / a * a; }

bool overlaps_in_time(const Interval& a, const Interval& b) { return a.first <= b.last && b.first <= a.last; }

// Places intervals in `order`, each at the lowest offset that does not collide
// with an already placed interval whose lifetime overlaps (first fit).
Placement place_in_order(const std::vector<Interval>& iv, const std::vector<size_t>& order, int64_t alignment) {
    Placement p;
    p.offsets.assign(iv.size(), -1);
    std::vector<size_t> placed;
    for (size_t i : order) {
        const int64_t size = round_up(iv[i].size, alignment);
        // Occupied ranges during i's lifetime, sorted by start.
        std::vector<std::pair<int64_t, int64_t>> busy;
        for (size_t j : placed)
            if (overlaps_in_time(iv[i], iv[j])) busy.emplace_back(p.offsets[j], p.offsets[j] + round_up(iv[j].size, alignment));
        std::sort(busy.begin(), busy.end());
        int64_t offset = 0;
        for (const auto& [start, end] : busy) {
            if (start - offset >= size) break;  // fits in the gap before this range
            offset = std::max(offset, end);
        }
        p.offsets[i] = offset;
        p.arena_bytes = std::max(p.arena_bytes, offset + size);
        placed.push_back(i);
    }
    return p;
}

}  // namespace

Placement place_intervals(const std::vector<Interval>& iv, int64_t alignment) {
    using Less = std::function<bool(const Interval&, const Interval&)>;
    const std::vector<std::pair<std::string, Less>> orders = {
        {"largest-first",
         [](const Interval& a, const Interval& b) { return a.size != b.size ? a.size > b.size : a.first < b.first; }},
        {"earliest-first",
         [](const Interval& a, const Interval& b) { return a.first != b.first ? a.first < b.first : a.size > b.size; }},
        {"longest-lived-first",
         [](const Interval& a, const Interval& b) {
             const int la = a.last - a.first, lb = b.last - b.first;
             return la != lb ? la > lb : a.size > b.size;
         }},
    };
    Placement best;
    bool have = false;
    for (const auto& [name, less] : orders) {
        std::vector<size_t> order(iv.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return less(iv[a], iv[b]); });
        Placement p = place_in_order(iv, order, alignment);
        p.heuristic = name;
        if (!have || p.arena_bytes < best.arena_bytes) {
            best = std::move(p);
            have = true;
        }
    }
    return best;
}

int64_t live_lower_bound(const std::vector<Interval>& iv, int64_t alignment) {
    std::map<int, int64_t> delta;
    for (const auto& i : iv) {
        delta[i.first] += round_up(i.size, alignment);
        delta[i.last + 1] -= round_up(i.size, alignment);
    }
    int64_t live = 0, peak = 0;
    for (const auto& [layer, d] : delta) {
        (void)layer;
        live += d;
        peak = std::max(peak, live);
    }
    return peak;
}

}  // namespace vitsim::deploy
