// Valid parameters at their limits: int32 biases next to INT32_MAX / INT32_MIN,
// inputs and weights at -128 / 127, requantization multipliers at their bounds.
// An accumulator (bias + products) then leaves the int32 range, and it must wrap
// modulo 2^32 exactly as the RV32 adder does in the firmware: the host build is
// the golden model. In the sanitizer build (scripts/sanitize.sh, docs/testing.md)
// these tests also prove that the host kernels have no signed overflow.
#include <gtest/gtest.h>

#include <climits>

#include "test_util.h"

using namespace kt;

namespace {

// Biases at and near both int32 limits, repeated.
Ints extreme_biases(size_t n) {
    const int32_t pattern[] = {INT32_MAX, INT32_MIN, INT32_MAX - 4000, INT32_MIN + 4000,
                               INT32_MAX - 70000, INT32_MIN + 70000, 0};
    Ints b(n);
    for (size_t i = 0; i < n; i++) b[i] = pattern[i % (sizeof pattern / sizeof *pattern)];
    return b;
}

// Values at the int8 limits only; the first `same_sign` entries are all -128 so
// that a row of them times another such row sums to +16384 per element.
Bytes extreme_bytes(Rng &rng, size_t n, size_t same_sign) {
    Bytes v(n);
    for (size_t i = 0; i < n; i++) v[i] = i < same_sign ? -128 : (rng.uniform(0, 1) ? 127 : -128);
    return v;
}

// Requantizations that keep accumulators near +-2^31 distinguishable: the mulh
// form (shift >= 33) to about +-16, and the 64-bit form (shift < 33) to about +-6.
const vs_quant_t kQuants[] = {{1 << 30, 57}, {3, 30}};

// An int32 accumulator of the kernels reaching `sum` would not wrap: the test
// must actually leave the int32 range, or it proves nothing.
void expect_some_leave_int32(const Bytes &x, const Bytes &w, const Ints &bias, int rows, int depth,
                             int cols) {
    int leaving = 0;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            int64_t acc = bias[c];
            for (int k = 0; k < depth; k++) acc += (int64_t)x[r * depth + k] * w[c * depth + k];
            leaving += acc != ref::wrap32(acc);
        }
    EXPECT_GT(leaving, 0) << "no accumulator leaves the int32 range";
}

}  // namespace

TEST(Overflow, LinearAccumulatorsWrapLikeTheTarget) {
    Rng rng(11);
    for (int in : {37, 40}) {  // byte-load tail and word-load paths
        const int tokens = 5, out = 9;
        const Bytes x = extreme_bytes(rng, (size_t)tokens * in, in);
        const Bytes w = extreme_bytes(rng, (size_t)out * in, in);
        const Ints bias = extreme_biases(out);
        expect_some_leave_int32(x, w, bias, tokens, in, out);
        const vs_linear_dims_t d = {tokens, in, out};
        for (const vs_quant_t &q : kQuants)
            for (int offset : {0, 1}) {
                Buf xb(x, offset), y((size_t)tokens * out, offset);
                ASSERT_EQ(vs_linear_s8(&d, &q, xb.data(), w.data(), bias.data(), y.data()), VS_OK);
                EXPECT_EQ(y.vec(), ref::linear(x, w, &bias, tokens, in, out, q))
                    << "in " << in << " shift " << q.shift << " offset " << offset;
            }
    }
}

TEST(Overflow, TokenOverwritingWrapsLikeTheOutOfPlaceLinear) {
    Rng rng(12);
    const int tokens = 6, in = 24, out = 28;
    const Bytes x = extreme_bytes(rng, (size_t)tokens * in, in);
    const Bytes w = extreme_bytes(rng, (size_t)out * in, in);
    const Ints bias = extreme_biases(out);
    const vs_linear_dims_t d = {tokens, in, out};
    for (const vs_quant_t &q : kQuants) {
        Bytes buf((size_t)tokens * out);
        std::copy(x.begin(), x.end(), buf.begin());
        Scratch scratch(vs_linear_overwrite_s8_scratch_bytes(&d));
        ASSERT_EQ(vs_linear_overwrite_s8(&d, &q, buf.data(), w.data(), bias.data(), scratch.get()), VS_OK);
        EXPECT_EQ(buf, ref::linear(x, w, &bias, tokens, in, out, q)) << "shift " << q.shift;
    }
}

TEST(Overflow, PatchEmbeddingDirectAndDecomposedWrapAlike) {
    Rng rng(13);
    const vs_patch_dims_t d = {8, 8, 3, 4, 6};
    const int depth = d.patch * d.patch * d.channels;
    const Bytes x = extreme_bytes(rng, (size_t)d.height * d.width * d.channels, 0);
    const Bytes w = extreme_bytes(rng, (size_t)d.embed * depth, depth);
    const Ints bias = extreme_biases(d.embed);
    const int tokens = vs_patch_embed_tokens(&d);
    Bytes w_sub(w.size());
    ASSERT_EQ(vs_patch_embed_decompose_weights(&d, 2, w.data(), w_sub.data()), VS_OK);
    for (const vs_quant_t &q : kQuants) {
        const Bytes expect = ref::patch_embed(x, w, &bias, d, q);
        Bytes direct((size_t)tokens * d.embed), decomposed(direct.size());
        Scratch s1(vs_patch_embed_direct_s8_scratch_bytes(&d));
        Scratch s2(vs_patch_embed_decomposed_s8_scratch_bytes(&d, 2));
        ASSERT_EQ(vs_patch_embed_direct_s8(&d, &q, x.data(), w.data(), bias.data(), direct.data(), s1.get()),
                  VS_OK);
        ASSERT_EQ(vs_patch_embed_decomposed_s8(&d, 2, &q, x.data(), w_sub.data(), bias.data(),
                                               decomposed.data(), s2.get()),
                  VS_OK);
        EXPECT_EQ(direct, expect) << "shift " << q.shift;
        EXPECT_EQ(decomposed, expect) << "shift " << q.shift;
    }
}

TEST(Overflow, LayerNormBetaAtTheInt32Limits) {
    Rng rng(14);
    const int rows = 4, cols = 33;
    const Bytes x = extreme_bytes(rng, (size_t)rows * cols, 0);
    const Bytes gamma = extreme_bytes(rng, cols, 0);
    const Ints beta = extreme_biases(cols);
    const vs_mat_dims_t d = {rows, cols};
    for (int method : {VS_SQRT_BISECT, VS_SQRT_NEWTON})
        for (const vs_quant_t &q : kQuants) {
            const vs_layernorm_params_t p = {method, VS_ISQRT_NEWTON_EXACT_STEPS, 1, q};
            Bytes y(x.size());
            ASSERT_EQ(vs_layernorm_s8(&d, &p, x.data(), gamma.data(), beta.data(), y.data()), VS_OK);
            EXPECT_EQ(y, ref::layernorm(x, gamma, &beta, rows, cols, p))
                << "method " << method << " shift " << q.shift;
        }
}

TEST(Overflow, AttentionSchedulesWrapAlikeWithBiasesAtTheLimits) {
    Rng rng(15);
    const vs_mhsa_dims_t d = {9, 12, 8, 2};
    const int S = d.seq_len, E = d.embed, HP = d.heads * d.proj;
    const Bytes x = extreme_bytes(rng, (size_t)S * E, E);
    const Bytes wq = extreme_bytes(rng, (size_t)HP * E, E), wk = extreme_bytes(rng, (size_t)HP * E, E);
    const Bytes wv = extreme_bytes(rng, (size_t)HP * E, E), wo = extreme_bytes(rng, (size_t)E * HP, HP);
    const Bytes wf = extreme_bytes(rng, (size_t)d.heads * E * E, E);
    const Ints bq = extreme_biases(HP), bk = extreme_biases(HP), bv = extreme_biases(HP);
    const Ints bo = extreme_biases(E), bf = extreme_biases((size_t)d.heads * E);
    const vs_mhsa_weights_t w = {wq.data(), wk.data(), wv.data(), bq.data(), bk.data(), bv.data(),
                                 wo.data(), bo.data()};
    const vs_mhsa_fused_weights_t fw = {wf.data(), bf.data(), wv.data(), bv.data(), wo.data(), bo.data()};
    const vs_quant_t q = kQuants[0];
    const vs_mhsa_params_t p = {q, q, q, q, q, vs_softmax_params_from_scale(1.0 / 16), q, q};

    const Bytes expect = ref::mhsa(x, d, p, &w, nullptr);
    const Bytes expect_fused = ref::mhsa(x, d, p, nullptr, &fw);
    Bytes y((size_t)S * E);
    Scratch lw(vs_mhsa_layerwise_s8_scratch_bytes(&d));
    ASSERT_EQ(vs_mhsa_layerwise_s8(&d, &p, x.data(), &w, y.data(), lw.get()), VS_OK);
    EXPECT_EQ(y, expect) << "layer-wise";
    Scratch flw(vs_mhsa_fused_layerwise_s8_scratch_bytes(&d));
    ASSERT_EQ(vs_mhsa_fused_layerwise_s8(&d, &p, x.data(), &fw, y.data(), flw.get()), VS_OK);
    EXPECT_EQ(y, expect_fused) << "fused layer-wise";
    for (int tile : {1, 3, 4, 16}) {
        Scratch df(vs_mhsa_depthfirst_s8_scratch_bytes(&d, tile));
        ASSERT_EQ(vs_mhsa_depthfirst_s8(&d, tile, &p, x.data(), &w, y.data(), df.get()), VS_OK);
        EXPECT_EQ(y, expect) << "depth-first tile " << tile;
        Scratch fdf(vs_mhsa_fused_depthfirst_s8_scratch_bytes(&d, tile));
        ASSERT_EQ(vs_mhsa_fused_depthfirst_s8(&d, tile, &p, x.data(), &fw, y.data(), fdf.get()), VS_OK);
        EXPECT_EQ(y, expect_fused) << "fused depth-first tile " << tile;
    }
}

TEST(Overflow, ElementwiseKernelsAtTheirParameterLimits) {
    // 32-bit requantizations with |mul| just below 2^22 and every shift: the
    // documented bounds keep x * mul + 2^(shift-1) inside int32.
    Rng rng(16);
    const int rows = 3, cols = 40;
    const Bytes a = extreme_bytes(rng, (size_t)rows * cols, 0), b = extreme_bytes(rng, a.size(), 0);
    const vs_mat_dims_t d = {rows, cols};
    const int32_t mul_max = VS_QUANT32_MUL_LIMIT - 1;
    for (int32_t shift : {1, 15, VS_QUANT32_SHIFT_MAX}) {
        Bytes y(a.size());
        for (int32_t sign : {1, -1}) {
            const vs_add_params_t ap = {sign * mul_max, mul_max, shift};
            ASSERT_EQ(vs_add_s8(&d, &ap, a.data(), b.data(), y.data()), VS_OK);
            EXPECT_EQ(y, ref::add(a, b, ap)) << "add shift " << shift << " sign " << sign;
        }
        const vs_gelu_params_t gp = {{mul_max, shift}, kQuants[0]};
        ASSERT_EQ(vs_gelu_s8(&d, &gp, a.data(), y.data()), VS_OK);
        EXPECT_EQ(y, ref::gelu(a, gp)) << "gelu shift " << shift;
        const vs_softmax_params_t sp = {{mul_max, shift}};
        Scratch s(vs_softmax_s8_scratch_bytes(&d));
        ASSERT_EQ(vs_softmax_s8(&d, &sp, a.data(), y.data(), s.get()), VS_OK);
        EXPECT_EQ(y, ref::softmax(a, rows, cols, sp)) << "softmax shift " << shift;
    }
}
