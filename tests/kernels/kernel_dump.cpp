// Runs a fixed battery of kernel calls and writes every output byte to a file,
// so that the dumps of the SIMD and portable libraries can be compared.
// Usage: kernel_dump OUT.bin. Exit: 0 ok, 2 usage, 3 cannot write OUT,
// 4 a kernel rejected its arguments (names the call on stderr).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "vitsim/kernels.h"
#include "vitsim/kernels_host.h"

namespace {

using Bytes = std::vector<int8_t>;
using Ints = std::vector<int32_t>;

// Small deterministic generator (xorshift32): no dependence on <random>.
struct Gen {
    uint32_t s;
    uint32_t next() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
    int32_t in(int32_t lo, int32_t hi) { return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1)); }
    Bytes bytes(size_t n) {
        Bytes v(n);
        for (auto &b : v)
            b = (int8_t)in(-128, 127);
        return v;
    }
    Ints ints(size_t n, int32_t lo, int32_t hi) {
        Ints v(n);
        for (auto &b : v)
            b = in(lo, hi);
        return v;
    }
};

std::vector<uint8_t> g_out;
int g_failures = 0;

void emit(const void *p, size_t n) {
    const uint8_t *b = static_cast<const uint8_t *>(p);
    g_out.insert(g_out.end(), b, b + n);
}
void emit(const Bytes &v) { emit(v.data(), v.size()); }
void check(int32_t status, const std::string &what) {
    if (status != VS_OK) {
        std::fprintf(stderr, "kernel_dump: %s returned %d\n", what.c_str(), status);
        g_failures++;
    }
}

// Words of scratch (4-aligned) of at least `bytes` bytes.
struct Scratch {
    std::vector<uint32_t> w;
    explicit Scratch(int32_t bytes) : w(bytes > 0 ? (size_t)(bytes + 3) / 4 : 1, 0xA5A5A5A5u) {}
    void *get() { return w.data(); }
};

// Bytes at offset `off` from a word boundary, so both load paths are exercised.
struct Buf {
    std::vector<uint32_t> w;
    int off;
    Buf(const Bytes &v, int o) : w((v.size() + 8) / 4 + 1), off(o) {
        std::copy(v.begin(), v.end(), data());
    }
    Buf(size_t n, int o) : w((n + 8) / 4 + 1), off(o) {}
    int8_t *data() { return reinterpret_cast<int8_t *>(w.data()) + off; }
    Bytes vec(size_t n) { return Bytes(data(), data() + n); }
};

vs_quant_t q_for_depth(int depth) { return vs_quant_from_real(60.0 / (5000.0 * std::sqrt(depth))); }

void dump_requant(Gen &g) {
    for (int i = 0; i < 20000; i++) {
        const vs_quant_t q = {(int32_t)g.next(), g.in(1, 62)};
        const int8_t v = vs_requantize_s8((int32_t)g.next() >> g.in(0, 31), &q);
        emit(&v, 1);
    }
}

void dump_linear(Gen &g) {
    const int shapes[][3] = {{1, 1, 1},   {3, 5, 7},    {8, 16, 32},    {81, 32, 96},
                             {66, 16, 2}, {9, 217, 11}, {145, 216, 64}, {2, 64, 6}};
    for (auto &s : shapes)
        for (int off = 0; off < 2; off++) {
            const int t = s[0], in = s[1], out = s[2];
            const Bytes x = g.bytes((size_t)t * in), w = g.bytes((size_t)in * out);
            const Ints b = g.ints(out, -20000, 20000);
            const vs_quant_t q = q_for_depth(in);
            const vs_linear_dims_t d = {t, in, out};
            Buf xb(x, off), y((size_t)t * out, off);
            check(vs_linear_s8(&d, &q, xb.data(), w.data(), b.data(), y.data()), "linear");
            emit(y.vec((size_t)t * out));
            Bytes buf((size_t)t * std::max(in, out));
            std::copy(x.begin(), x.end(), buf.begin());
            Scratch sc(vs_linear_overwrite_s8_scratch_bytes(&d));
            check(vs_linear_overwrite_s8(&d, &q, buf.data(), w.data(), b.data(), sc.get()),
                  "linear_overwrite");
            emit(buf);
            Bytes y1(out);
            check(vs_classifier_s8(&d, t - 1, &q, x.data(), w.data(), b.data(), y1.data()),
                  "classifier");
            emit(y1);
        }
    const vs_lowrank_dims_t lr = {33, 48, 19, 40};
    const Bytes x = g.bytes(33 * 48), w1 = g.bytes(19 * 48), w2 = g.bytes(19 * 19),
                w3 = g.bytes(40 * 19);
    const vs_lowrank_weights_t wt = {w1.data(), nullptr, w2.data(), nullptr, w3.data(), nullptr};
    const vs_lowrank_params_t lp = {q_for_depth(48), q_for_depth(19), q_for_depth(19)};
    for (int tile : {1, 4, 33}) {
        Scratch sc(vs_linear_lowrank_s8_scratch_bytes(&lr, tile));
        Bytes y(33 * 40);
        check(vs_linear_lowrank_s8(&lr, tile, &lp, x.data(), &wt, y.data(), sc.get()), "lowrank");
        emit(y);
    }
}

void dump_patch(Gen &g) {
    const vs_patch_dims_t dims[] = {{32, 32, 3, 16, 24}, {20, 20, 3, 5, 7}, {48, 40, 3, 8, 16}};
    const int subs[] = {4, 5, 2};
    for (int i = 0; i < 3; i++) {
        const vs_patch_dims_t &d = dims[i];
        const int tokens = vs_patch_embed_tokens(&d);
        const Bytes x = g.bytes((size_t)d.height * d.width * d.channels);
        const Bytes w = g.bytes((size_t)d.embed * d.patch * d.patch * d.channels);
        const Ints b = g.ints(d.embed, -30000, 30000);
        const vs_quant_t q = q_for_depth(d.patch * d.patch * d.channels);
        Scratch s1(vs_patch_embed_direct_s8_scratch_bytes(&d));
        Bytes y((size_t)tokens * d.embed);
        check(vs_patch_embed_direct_s8(&d, &q, x.data(), w.data(), b.data(), y.data(), s1.get()),
              "patch_embed_direct");
        emit(y);
        Bytes wsub(w.size());
        check(vs_patch_embed_decompose_weights(&d, subs[i], w.data(), wsub.data()), "decompose");
        Scratch s2(vs_patch_embed_decomposed_s8_scratch_bytes(&d, subs[i]));
        check(vs_patch_embed_decomposed_s8(&d, subs[i], &q, x.data(), wsub.data(), b.data(),
                                           y.data(), s2.get()),
              "patch_embed_decomposed");
        emit(y);
    }
}

void dump_norm_act(Gen &g) {
    for (int cols : {3, 16, 32, 216, 512}) {
        const int rows = 7;
        const vs_mat_dims_t d = {rows, cols};
        const Bytes x = g.bytes((size_t)rows * cols), gam = g.bytes(cols);
        const Ints beta = g.ints(cols, -50000, 50000);
        for (int off = 0; off < 2; off++)
            for (int steps : {1, 2, 3, 6}) {
                vs_layernorm_params_t p = vs_layernorm_params_from_scales(
                    cols, 0.03, 0.01, 0.04, 1e-5, steps == 6 ? VS_SQRT_BISECT : VS_SQRT_NEWTON,
                    steps);
                Buf xb(x, off), y((size_t)rows * cols, off);
                check(vs_layernorm_s8(&d, &p, xb.data(), gam.data(), beta.data(), y.data()),
                      "layernorm");
                emit(y.vec((size_t)rows * cols));
            }
        for (double scale : {0.01, 0.1, 1.0}) {
            const vs_softmax_params_t sp = vs_softmax_params_from_scale(scale);
            Scratch sc(vs_softmax_s8_scratch_bytes(&d));
            Bytes y((size_t)rows * cols);
            check(vs_softmax_s8(&d, &sp, x.data(), y.data(), sc.get()), "softmax");
            emit(y);
            const vs_gelu_params_t gp = vs_gelu_params_from_scales(scale / 10, scale / 12);
            check(vs_gelu_s8(&d, &gp, x.data(), y.data()), "gelu");
            emit(y);
        }
        const Bytes b2 = g.bytes((size_t)rows * cols);
        const vs_add_params_t ap = vs_add_params_from_scales(0.03, 0.05, 0.06);
        Bytes y((size_t)rows * cols);
        check(vs_add_s8(&d, &ap, x.data(), b2.data(), y.data()), "add");
        emit(y);
        Bytes pooled(cols);
        const vs_quant_t mq = vs_quant_from_real(1.0 / rows);
        check(vs_mean_pool_s8(&d, &mq, x.data(), pooled.data()), "mean_pool");
        emit(pooled);
    }
    for (uint32_t n = 1; n < 4000000000u; n += 9999991u) {
        const uint32_t r[3] = {vs_isqrt_bisect_u32(n), vs_isqrt_newton_u32(n, 2),
                               vs_isqrt_newton_u32(n, 3)};
        emit(r, sizeof r);
    }
}

void dump_mhsa(Gen &g) {
    const vs_mhsa_dims_t shapes[] = {
        {81, 32, 32, 8}, {66, 16, 2, 8}, {32, 64, 64, 16}, {17, 12, 5, 2}, {5, 7, 3, 3}};
    for (const vs_mhsa_dims_t &d : shapes) {
        const int S = d.seq_len, E = d.embed, P = d.proj, H = d.heads;
        const Bytes x = g.bytes((size_t)S * E);
        const Bytes wq = g.bytes((size_t)H * P * E), wk = g.bytes((size_t)H * P * E),
                    wv = g.bytes((size_t)H * P * E), wo = g.bytes((size_t)E * H * P),
                    wf = g.bytes((size_t)H * E * E);
        const Ints bq = g.ints(H * P, -9000, 9000), bk = g.ints(H * P, -9000, 9000),
                   bv = g.ints(H * P, -9000, 9000), bo = g.ints(E, -9000, 9000),
                   bf = g.ints(H * E, -9000, 9000);
        vs_mhsa_params_t p;
        p.q = p.k = p.v = q_for_depth(E);
        p.fused = q_for_depth(E);
        p.scores = vs_quant_from_real(60.0 / (60.0 * 60.0 * std::sqrt(P)));
        p.softmax = vs_softmax_params_from_scale(0.06);
        p.context = vs_quant_from_real(1.0 / 128 * 1.5);
        p.out = q_for_depth(H * P);
        const vs_mhsa_weights_t w = {wq.data(), wk.data(), wv.data(), bq.data(),
                                     bk.data(), bv.data(), wo.data(), bo.data()};
        const vs_mhsa_fused_weights_t fw = {wf.data(), bf.data(), wv.data(),
                                            bv.data(), wo.data(), bo.data()};
        Bytes y((size_t)S * E);
        Scratch s1(vs_mhsa_layerwise_s8_scratch_bytes(&d));
        check(vs_mhsa_layerwise_s8(&d, &p, x.data(), &w, y.data(), s1.get()), "mhsa_layerwise");
        emit(y);
        for (int tile : {1, 3, 8, S}) {
            Scratch s2(vs_mhsa_depthfirst_s8_scratch_bytes(&d, tile));
            check(vs_mhsa_depthfirst_s8(&d, tile, &p, x.data(), &w, y.data(), s2.get()),
                  "mhsa_depthfirst");
            emit(y);
            Scratch s3(vs_mhsa_fused_depthfirst_s8_scratch_bytes(&d, tile));
            check(vs_mhsa_fused_depthfirst_s8(&d, tile, &p, x.data(), &fw, y.data(), s3.get()),
                  "mhsa_fused_depthfirst");
            emit(y);
        }
        Scratch s4(vs_mhsa_fused_layerwise_s8_scratch_bytes(&d));
        check(vs_mhsa_fused_layerwise_s8(&d, &p, x.data(), &fw, y.data(), s4.get()),
              "mhsa_fused_layerwise");
        emit(y);
    }
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUT.bin\n", argv[0]);
        return 2;
    }
    Gen g{12345u};
    dump_requant(g);
    dump_linear(g);
    dump_patch(g);
    dump_norm_act(g);
    dump_mhsa(g);
    if (g_failures)
        return 4;
    std::FILE *f = std::fopen(argv[1], "wb");
    if (!f || std::fwrite(g_out.data(), 1, g_out.size(), f) != g_out.size() || std::fclose(f)) {
        std::fprintf(stderr, "kernel_dump: cannot write %s\n", argv[1]);
        return 3;
    }
    std::printf("%s path: %zu bytes\n", vs_kernels_simd() ? "SIMD" : "portable", g_out.size());
    return 0;
}
