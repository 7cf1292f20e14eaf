// Naive references for the vitsim kernels, written from the specification in
// docs/kernels.md and kernels.h, independently of the kernel sources:
// straightforward loops, 64-bit arithmetic, real divisions. The integer
// references must match the kernels bit for bit; the float references give the
// quantization error.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "vitsim/kernels.h"

namespace ref {

using Bytes = std::vector<int8_t>;
using Ints = std::vector<int32_t>;

inline int32_t sat8(int64_t v) { return v < -128 ? -128 : (v > 127 ? 127 : (int32_t)v); }

// Arithmetic shift right of a signed 64-bit value (floor division by 2^s).
inline int64_t floor_shift(int64_t v, int s) {
    const int64_t d = (int64_t)1 << s;
    return v >= 0 ? v / d : -((-v + d - 1) / d);
}

// The kernels' int32 accumulators (bias + products) wrap modulo 2^32, as the RV32
// adder does: the value an accumulator holds for an exact sum `v`.
inline int32_t wrap32(int64_t v) { return (int32_t)(uint32_t)(uint64_t)v; }

inline int8_t requant(int64_t acc, const vs_quant_t &q) {
    return (int8_t)sat8(floor_shift(acc * q.mul + ((int64_t)1 << (q.shift - 1)), q.shift));
}
inline int32_t requant32(int32_t x, int32_t mul, int32_t shift) {
    return (int32_t)floor_shift((int64_t)x * mul + ((int64_t)1 << (shift - 1)), shift);
}

// y[t][o] = requant(bias[o] + sum_i x[t][i] w[o][i])
inline Bytes linear(const Bytes &x, const Bytes &w, const Ints *bias, int tokens, int in, int out,
                    const vs_quant_t &q) {
    Bytes y((size_t)tokens * out);
    for (int t = 0; t < tokens; t++)
        for (int o = 0; o < out; o++) {
            int64_t acc = bias ? (*bias)[o] : 0;
            for (int i = 0; i < in; i++)
                acc += (int64_t)x[t * in + i] * w[o * in + i];
            y[t * out + o] = requant(wrap32(acc), q);
        }
    return y;
}

// Convolution with kernel = stride = p on an HWC image, weights [e][p][p][c].
inline Bytes patch_embed(const Bytes &x, const Bytes &w, const Ints *bias, const vs_patch_dims_t &d,
                         const vs_quant_t &q) {
    const int gh = d.height / d.patch, gw = d.width / d.patch;
    Bytes y((size_t)gh * gw * d.embed);
    for (int py = 0; py < gh; py++)
        for (int px = 0; px < gw; px++)
            for (int e = 0; e < d.embed; e++) {
                int64_t acc = bias ? (*bias)[e] : 0;
                for (int ky = 0; ky < d.patch; ky++)
                    for (int kx = 0; kx < d.patch; kx++)
                        for (int c = 0; c < d.channels; c++) {
                            const int iy = py * d.patch + ky, ix = px * d.patch + kx;
                            acc += (int64_t)x[(iy * d.width + ix) * d.channels + c] *
                                   w[((e * d.patch + ky) * d.patch + kx) * d.channels + c];
                        }
                y[(py * gw + px) * d.embed + e] = requant(wrap32(acc), q);
            }
    return y;
}

// floor(sqrt(n)) by search over 64-bit squares.
inline uint32_t isqrt_exact(uint32_t n) {
    uint64_t r = (uint64_t)std::sqrt((double)n);
    while (r * r > n)
        r--;
    while ((r + 1) * (r + 1) <= n)
        r++;
    return (uint32_t)r;
}

// Newton from 2^ceil(bits/2), at most `steps` iterations, stop when not decreasing.
inline uint32_t isqrt_newton(uint32_t n, int steps) {
    if (n == 0)
        return 0;
    int bits = 0;
    while (bits < 32 && (n >> bits) != 0)
        bits++;
    uint64_t x = (uint64_t)1 << ((bits + 1) / 2);
    for (int i = 0; i < steps; i++) {
        const uint64_t next = (x + n / x) / 2;
        if (next >= x)
            break;
        x = next;
    }
    return (uint32_t)x;
}

inline Bytes layernorm(const Bytes &x, const Bytes &gamma, const Ints *beta, int rows, int cols,
                       const vs_layernorm_params_t &p) {
    Bytes y(x.size());
    for (int r = 0; r < rows; r++) {
        const int8_t *row = &x[(size_t)r * cols];
        int64_t sum = 0, sumsq = 0;
        for (int i = 0; i < cols; i++) {
            sum += row[i];
            sumsq += row[i] * row[i];
        }
        uint64_t v = (uint64_t)(cols * sumsq - sum * sum) + p.eps;
        if (v > 0xFFFFFFFFull)
            v = 0xFFFFFFFFull;
        int k = 0;
        while (v < (1ull << 30)) {
            v *= 4;
            k++;
        }
        const uint32_t sig = p.sqrt_method == VS_SQRT_NEWTON
                                 ? isqrt_newton((uint32_t)v, p.newton_steps)
                                 : isqrt_exact((uint32_t)v);
        const int64_t inv = 0xFFFFFFFFll / sig;
        const int shift = 21 - k;
        for (int i = 0; i < cols; i++) {
            const int64_t d = (int64_t)cols * row[i] - sum;
            const int64_t n = floor_shift(d * inv + ((int64_t)1 << (shift - 1)), shift);
            const int64_t acc = n * gamma[i] + (beta ? (*beta)[i] : 0);
            y[(size_t)r * cols + i] = requant(wrap32(acc), p.out);
        }
    }
    return y;
}

// I-BERT exponential of -u * 2^-10 at scale 0.3585 * 2^-20 (u >= 0).
inline uint32_t iexp(int64_t u) {
    if (u > 31 * 710)
        u = 31 * 710;
    const int64_t z = u / 710;
    const int64_t pb = z * 710 - u + 1385;
    return (uint32_t)((pb * pb + 1006165) >> z);
}

inline Bytes softmax(const Bytes &x, int rows, int cols, const vs_softmax_params_t &p) {
    Bytes y(x.size());
    for (int r = 0; r < rows; r++) {
        const int8_t *row = &x[(size_t)r * cols];
        int m = row[0];
        for (int i = 1; i < cols; i++)
            m = row[i] > m ? row[i] : m;
        std::vector<uint64_t> e(cols);
        uint64_t sum = 0;
        for (int i = 0; i < cols; i++) {
            e[i] = iexp(-(int64_t)requant32(row[i] - m, p.in.mul, p.in.shift));
            sum += e[i];
        }
        const uint64_t factor = 0xFFFFFFFFull / sum;
        for (int i = 0; i < cols; i++) {
            const uint64_t prod = e[i] * factor; // < 2^32
            y[(size_t)r * cols + i] = (int8_t)std::min<uint64_t>((prod + (1u << 24)) >> 25, 127);
        }
    }
    return y;
}

inline Bytes gelu(const Bytes &x, const vs_gelu_params_t &p) {
    Bytes y(x.size());
    for (size_t i = 0; i < x.size(); i++) {
        const int64_t u = requant32(x[i], p.in.mul, p.in.shift);
        const int64_t m = std::min<int64_t>(u < 0 ? -u : u, 1811);
        const int64_t poly = 3630803 - (m - 1811) * (m - 1811);
        const int64_t erf = u > 0 ? poly : (u < 0 ? -poly : 0);
        y[i] = requant((int64_t)x[i] * (3630803 + erf), p.out);
    }
    return y;
}

inline Bytes add(const Bytes &a, const Bytes &b, const vs_add_params_t &p) {
    Bytes y(a.size());
    for (size_t i = 0; i < a.size(); i++) {
        const int64_t s =
            (int64_t)a[i] * p.a_mul + (int64_t)b[i] * p.b_mul + ((int64_t)1 << (p.shift - 1));
        y[i] = (int8_t)sat8(floor_shift(s, p.shift));
    }
    return y;
}

inline Bytes mean_pool(const Bytes &x, int rows, int cols, const vs_quant_t &q) {
    Bytes y(cols);
    for (int c = 0; c < cols; c++) {
        int64_t s = 0;
        for (int r = 0; r < rows; r++)
            s += x[(size_t)r * cols + c];
        y[c] = requant(s, q);
    }
    return y;
}

// Rows [r0, r0+n) of a matrix with `cols` columns.
inline Bytes rows_of(const Bytes &m, int cols, int r0, int n) {
    return Bytes(m.begin() + (size_t)r0 * cols, m.begin() + (size_t)(r0 + n) * cols);
}

// A [n][k] times B [m][k]^T, requantized: [n][m].
inline Bytes matmul_nt(const Bytes &a, const Bytes &b, int n, int m, int k, const vs_quant_t &q) {
    return linear(a, b, nullptr, n, k, m, q);
}

inline Bytes transpose(const Bytes &a, int rows, int cols) {
    Bytes t(a.size());
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            t[(size_t)c * rows + r] = a[(size_t)r * cols + c];
    return t;
}

// Int biases of head h (rows h*n .. h*n+n-1), or empty when absent.
inline Ints slice(const int32_t *b, int h, int n) {
    return b ? Ints(b + h * n, b + (h + 1) * n) : Ints();
}

// Multi-head attention, head by head, then concat [S][H*P] and a plain linear.
// fused == nullptr: standard weights; otherwise the FWSA weights.
inline Bytes mhsa(const Bytes &x, const vs_mhsa_dims_t &d, const vs_mhsa_params_t &p,
                  const vs_mhsa_weights_t *w, const vs_mhsa_fused_weights_t *fw) {
    const int S = d.seq_len, E = d.embed, P = d.proj, H = d.heads;
    Bytes concat((size_t)S * H * P);
    const int8_t *wv = w ? w->wv : fw->wv;
    const int32_t *bv = w ? w->bv : fw->bv;
    for (int h = 0; h < H; h++) {
        Bytes scores;
        if (w) {
            Bytes wq(w->wq + h * P * E, w->wq + (h + 1) * P * E);
            Bytes wk(w->wk + h * P * E, w->wk + (h + 1) * P * E);
            Ints bq = slice(w->bq, h, P), bk = slice(w->bk, h, P);
            Bytes q = linear(x, wq, w->bq ? &bq : nullptr, S, E, P, p.q);
            Bytes k = linear(x, wk, w->bk ? &bk : nullptr, S, E, P, p.k);
            scores = matmul_nt(q, k, S, S, P, p.scores);
        } else {
            Bytes wf(fw->wf + h * E * E, fw->wf + (h + 1) * E * E);
            Ints bf = slice(fw->bf, h, E);
            Bytes t = linear(x, wf, fw->bf ? &bf : nullptr, S, E, E, p.fused);
            scores = matmul_nt(t, x, S, S, E, p.scores);
        }
        Bytes wvh(wv + h * P * E, wv + (h + 1) * P * E);
        Ints bvh = slice(bv, h, P);
        Bytes v = linear(x, wvh, bv ? &bvh : nullptr, S, E, P, p.v);
        Bytes probs = softmax(scores, S, S, p.softmax);
        Bytes o = matmul_nt(probs, transpose(v, S, P), S, P, S, p.context);
        for (int s = 0; s < S; s++)
            for (int i = 0; i < P; i++)
                concat[(size_t)s * H * P + h * P + i] = o[s * P + i];
    }
    const int8_t *wo = w ? w->wo : fw->wo;
    const int32_t *bo = w ? w->bo : fw->bo;
    Ints bov = bo ? Ints(bo, bo + E) : Ints();
    return linear(concat, Bytes(wo, wo + (size_t)E * H * P), bo ? &bov : nullptr, S, H * P, E,
                  p.out);
}

} // namespace ref
