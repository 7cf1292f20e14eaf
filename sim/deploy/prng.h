// Deterministic pseudo-random numbers for weights and inputs: splitmix64
// (Steele, Lea, Flood 2014), the same sequence on every platform and compiler.
// Only integer arithmetic and exact conversions are used, never <random>'s
// distributions, whose outputs differ between standard libraries.
#pragma once
#include <cstdint>
#include <string>

namespace vitsim::deploy {

class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}

    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1): the top 53 bits as a double (exact).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [-a, a).
    double symmetric(double a) { return (2.0 * uniform() - 1.0) * a; }
    // Uniform integer in [lo, hi] (hi - lo < 2^32; the modulo bias is below 2^-32).
    int32_t integer(int32_t lo, int32_t hi) {
        const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1;
        return static_cast<int32_t>(lo + static_cast<int64_t>((next() >> 32) % span));
    }

private:
    uint64_t state_;
};

// FNV-1a, 64 bit: names -> independent streams (seed ^ fnv1a64(name)).
inline uint64_t fnv1a64(const std::string& text) {
    uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

// The stream of one named tensor: adding or renaming another tensor never
// changes this one's values.
inline SplitMix64 stream_for(uint64_t seed, const std::string& name) {
    SplitMix64 mixer(seed ^ fnv1a64(name));
    return SplitMix64(mixer.next());
}

}  // namespace vitsim::deploy
