#include "deploy/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

namespace vitsim::deploy {
namespace {

struct Range {
    int64_t start, end;
    int first, last;
};

bool same_time(int f1, int l1, int f2, int l2) { return f1 <= l2 && f2 <= l1; }

int64_t largest_part_end(const std::vector<Part>& parts) {
    int64_t m = 0;
    for (const auto& p : parts) m = std::max(m, p.offset + p.size);
    return m;
}
int first_layer(const std::vector<Part>& parts) {
    int f = parts.empty() ? 0 : parts[0].first;
    for (const auto& p : parts) f = std::min(f, p.first);
    return f;
}
int last_layer(const std::vector<Part>& parts) {
    int l = parts.empty() ? 0 : parts[0].last;
    for (const auto& p : parts) l = std::max(l, p.last);
    return l;
}

bool fits_at(const std::vector<Part>& parts, int64_t base, const std::vector<Range>& placed) {
    for (const auto& p : parts)
        for (const auto& r : placed)
            if (same_time(p.first, p.last, r.first, r.last) && base + p.offset < r.end && r.start < base + p.offset + p.size)
                return false;
    return true;
}

// First fit: the lowest base at which no part collides. Only bases where a
// part starts at 0 or right after a placed range can be the lowest.
Placement place_in_order(const std::vector<std::vector<Part>>& buffers, const std::vector<size_t>& order) {
    Placement p;
    p.offsets.assign(buffers.size(), 0);
    std::vector<Range> placed;
    for (size_t i : order) {
        const auto& parts = buffers[i];
        std::vector<int64_t> candidates{0};
        int64_t above_all = 0;  // always fits: every part above every range
        for (const auto& part : parts)
            for (const auto& r : placed)
                if (same_time(part.first, part.last, r.first, r.last)) {
                    if (r.end >= part.offset) candidates.push_back(r.end - part.offset);
                    above_all = std::max(above_all, r.end);
                }
        candidates.push_back(above_all);
        std::sort(candidates.begin(), candidates.end());
        int64_t base = candidates.back();
        for (int64_t c : candidates)
            if (fits_at(parts, c, placed)) {
                base = c;
                break;
            }
        p.offsets[i] = base;
        for (const auto& part : parts) {
            placed.push_back({base + part.offset, base + part.offset + part.size, part.first, part.last});
            p.arena_bytes = std::max(p.arena_bytes, base + part.offset + part.size);
        }
    }
    return p;
}

}  // namespace

Placement place_buffers(const std::vector<std::vector<Part>>& buffers, int64_t alignment) {
    (void)alignment;  // offsets and sizes are multiples of it, so every candidate is too
    using Less = std::function<bool(size_t, size_t)>;
    const auto size = [&](size_t i) { return largest_part_end(buffers[i]); };
    const auto first = [&](size_t i) { return first_layer(buffers[i]); };
    const auto span = [&](size_t i) { return last_layer(buffers[i]) - first_layer(buffers[i]); };
    const std::vector<std::pair<std::string, Less>> orders = {
        {"largest-first", [&](size_t a, size_t b) { return size(a) != size(b) ? size(a) > size(b) : first(a) < first(b); }},
        {"earliest-first", [&](size_t a, size_t b) { return first(a) != first(b) ? first(a) < first(b) : size(a) > size(b); }},
        {"longest-lived-first", [&](size_t a, size_t b) { return span(a) != span(b) ? span(a) > span(b) : size(a) > size(b); }},
    };
    Placement best;
    bool have = false;
    for (const auto& [name, less] : orders) {
        std::vector<size_t> order(buffers.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), less);
        Placement p = place_in_order(buffers, order);
        p.heuristic = name;
        if (!have || p.arena_bytes < best.arena_bytes) {
            best = std::move(p);
            have = true;
        }
    }
    return best;
}

Placement place_intervals(const std::vector<Interval>& intervals, int64_t alignment) {
    std::vector<std::vector<Part>> buffers;
    for (const auto& i : intervals) {
        const int64_t size = (i.size + alignment - 1) / alignment * alignment;
        buffers.push_back({Part{0, size, i.first, i.last}});
    }
    return place_buffers(buffers, alignment);
}

std::vector<Part> parts_of_profile(const std::vector<int64_t>& profile, int first) {
    std::vector<int64_t> levels{0};
    levels.insert(levels.end(), profile.begin(), profile.end());
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    std::vector<Part> parts;
    for (size_t k = 0; k + 1 < levels.size(); k++) {
        const int64_t lo = levels[k], hi = levels[k + 1];
        for (size_t t = 0; t < profile.size();) {
            if (profile[t] < hi) {
                t++;
                continue;
            }
            size_t end = t;
            while (end + 1 < profile.size() && profile[end + 1] >= hi) end++;
            parts.push_back({lo, hi - lo, first + static_cast<int>(t), first + static_cast<int>(end)});
            t = end + 1;
        }
    }
    return parts;
}

int64_t live_lower_bound(const std::vector<std::vector<Part>>& buffers) {
    std::map<int, int64_t> delta;
    for (const auto& parts : buffers)
        for (const auto& p : parts) {
            delta[p.first] += p.size;
            delta[p.last + 1] -= p.size;
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
