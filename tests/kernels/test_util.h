// Helpers shared by the kernel tests: deterministic random data, buffers with a
// chosen alignment, scratch filled with garbage, float quantization.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "reference.h"
#include "vitsim/kernels.h"
#include "vitsim/kernels_host.h"

namespace kt {

using ref::Bytes;
using ref::Ints;

class Rng {
  public:
    explicit Rng(uint32_t seed) : gen_(seed) {}
    int32_t uniform(int32_t lo, int32_t hi) {
        return std::uniform_int_distribution<int32_t>(lo, hi)(gen_);
    }
    Bytes bytes(size_t n, int lo = -128, int hi = 127) {
        Bytes v(n);
        for (auto &b : v)
            b = (int8_t)uniform(lo, hi);
        return v;
    }
    Ints ints(size_t n, int32_t lo, int32_t hi) {
        Ints v(n);
        for (auto &b : v)
            b = uniform(lo, hi);
        return v;
    }
    std::vector<double> normal(size_t n, double sd) {
        std::normal_distribution<double> dist(0.0, sd);
        std::vector<double> v(n);
        for (auto &f : v)
            f = dist(gen_);
        return v;
    }

  private:
    std::mt19937 gen_;
};

// Bytes at a chosen offset from a 4-byte boundary (offset 1..3 forces the
// kernels' byte-load path), with guard bytes after the end.
class Buf {
  public:
    Buf(const Bytes &init, int offset = 0) : Buf(init.size(), offset) {
        std::copy(init.begin(), init.end(), data());
    }
    Buf(size_t n, int offset = 0)
        : n_(n), off_(offset), store_((n + offset + 8 + 3) / 4, 0x5A5A5A5Au) {
        std::fill(bytes() + off_ + n_, bytes() + off_ + n_ + 8, (int8_t)0x77);
    }
    int8_t *data() { return bytes() + off_; }
    Bytes vec() const { return Bytes(cbytes() + off_, cbytes() + off_ + n_); }
    bool guard_intact() const {
        for (size_t i = 0; i < 8; i++)
            if (cbytes()[off_ + n_ + i] != 0x77)
                return false;
        return true;
    }

  private:
    int8_t *bytes() { return reinterpret_cast<int8_t *>(store_.data()); }
    const int8_t *cbytes() const { return reinterpret_cast<const int8_t *>(store_.data()); }
    size_t n_;
    int off_;
    std::vector<uint32_t> store_;
};

// 4-aligned scratch of exactly `bytes` bytes filled with garbage, plus a guard.
class Scratch {
  public:
    explicit Scratch(int32_t bytes) : n_(bytes < 0 ? 0 : bytes), store_(n_ / 4 + 4, 0xA5A5A5A5u) {}
    void *get() { return store_.data(); }
    bool guard_intact() const {
        for (size_t i = n_ / 4 + 1; i < store_.size(); i++)
            if (store_[i] != 0xA5A5A5A5u)
                return false;
        // the partial word (if any) after n_ bytes
        const uint8_t *b = reinterpret_cast<const uint8_t *>(store_.data());
        for (size_t i = n_; i < (n_ / 4 + 1) * 4; i++)
            if (b[i] != 0xA5)
                return false;
        return true;
    }

  private:
    size_t n_;
    std::vector<uint32_t> store_;
};

// Symmetric int8 quantization at `scale`.
inline Bytes quantize(const std::vector<double> &f, double scale) {
    Bytes q(f.size());
    for (size_t i = 0; i < f.size(); i++)
        q[i] = (int8_t)std::clamp<long>(std::lround(f[i] / scale), -128, 127);
    return q;
}
inline Ints quantize32(const std::vector<double> &f, double scale) {
    Ints q(f.size());
    for (size_t i = 0; i < f.size(); i++)
        q[i] = (int32_t)std::lround(f[i] / scale);
    return q;
}
inline std::vector<double> dequantize(const Bytes &q, double scale) {
    std::vector<double> f(q.size());
    for (size_t i = 0; i < q.size(); i++)
        f[i] = q[i] * scale;
    return f;
}
template <class T> inline std::vector<double> dequantize(const std::vector<T> &q, double scale) {
    std::vector<double> f(q.size());
    for (size_t i = 0; i < q.size(); i++)
        f[i] = q[i] * scale;
    return f;
}
// Scale that maps the largest magnitude of f to 127.
inline double maxabs_scale(const std::vector<double> &f) {
    double m = 0;
    for (double v : f)
        m = std::max(m, std::fabs(v));
    return m > 0 ? m / 127.0 : 1.0;
}

// Float y = x w^T + b.
inline std::vector<double> linear_f(const std::vector<double> &x, const std::vector<double> &w,
                                    const std::vector<double> *b, int tokens, int in, int out) {
    std::vector<double> y((size_t)tokens * out);
    for (int t = 0; t < tokens; t++)
        for (int o = 0; o < out; o++) {
            double acc = b ? (*b)[o] : 0.0;
            for (int i = 0; i < in; i++)
                acc += x[(size_t)t * in + i] * w[(size_t)o * in + i];
            y[(size_t)t * out + o] = acc;
        }
    return y;
}

inline void softmax_f(std::vector<double> &rows, int n, int cols) {
    for (int r = 0; r < n; r++) {
        double *v = &rows[(size_t)r * cols];
        const double m = *std::max_element(v, v + cols);
        double s = 0;
        for (int i = 0; i < cols; i++)
            s += (v[i] = std::exp(v[i] - m));
        for (int i = 0; i < cols; i++)
            v[i] /= s;
    }
}

inline double max_abs_diff(const std::vector<double> &a, const std::vector<double> &b) {
    double m = 0;
    for (size_t i = 0; i < a.size(); i++)
        m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}

} // namespace kt
