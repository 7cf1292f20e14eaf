// Patch embedding: direct and decomposed against the naive convolution.
#include <gtest/gtest.h>

#include <utility>

#include "test_util.h"

using namespace kt;

namespace {

struct Case {
    vs_patch_dims_t d;
    int sub;
};

vs_quant_t conv_quant(const vs_patch_dims_t &d) {
    const double k = (double)d.patch * d.patch * d.channels;
    return vs_quant_from_real(60.0 / (5000.0 * std::sqrt(k)));
}

} // namespace

TEST(PatchEmbed, DirectAndDecomposedMatchNaiveConvolution) {
    Rng rng(11);
    const Case cases[] = {
        {{32, 32, 3, 16, 24}, 4}, // 4 tokens, RGB
        {{48, 40, 3, 8, 16}, 4},  // odd token count 30
        {{20, 20, 3, 5, 7}, 5},   // patch not a multiple of 4, sub = patch
        {{21, 23, 3, 5, 9}, 1},   // leftover pixels ignored, 1x1 sub-kernels
        {{24, 24, 1, 12, 5}, 6},  // one channel
        {{16, 16, 4, 8, 32}, 2},  // aligned everything
        {{9, 9, 2, 3, 3}, 3},     // tiny, odd
        {{60, 60, 3, 20, 16}, 4}, // MCUFormer-like patch 20 (3x3 tokens)
    };
    for (const Case &c : cases) {
        const vs_patch_dims_t &d = c.d;
        const int tokens = vs_patch_embed_tokens(&d);
        ASSERT_EQ(tokens, (d.height / d.patch) * (d.width / d.patch));
        const Bytes x = rng.bytes((size_t)d.height * d.width * d.channels);
        const Bytes w = rng.bytes((size_t)d.embed * d.patch * d.patch * d.channels);
        const Ints b = rng.ints(d.embed, -30000, 30000);
        const vs_quant_t q = conv_quant(d);
        const Bytes expect = ref::patch_embed(x, w, &b, d, q);

        Scratch s1(vs_patch_embed_direct_s8_scratch_bytes(&d));
        Buf direct((size_t)tokens * d.embed);
        ASSERT_EQ(
            vs_patch_embed_direct_s8(&d, &q, x.data(), w.data(), b.data(), direct.data(), s1.get()),
            VS_OK);
        EXPECT_EQ(direct.vec(), expect)
            << "direct " << d.height << "x" << d.width << " p" << d.patch;
        EXPECT_TRUE(direct.guard_intact());
        EXPECT_TRUE(s1.guard_intact());

        Bytes wsub(w.size());
        ASSERT_EQ(vs_patch_embed_decompose_weights(&d, c.sub, w.data(), wsub.data()), VS_OK);
        Scratch s2(vs_patch_embed_decomposed_s8_scratch_bytes(&d, c.sub));
        Buf dec((size_t)tokens * d.embed);
        ASSERT_EQ(vs_patch_embed_decomposed_s8(&d, c.sub, &q, x.data(), wsub.data(), b.data(),
                                               dec.data(), s2.get()),
                  VS_OK);
        EXPECT_EQ(dec.vec(), direct.vec()) << "decomposed sub " << c.sub;
        EXPECT_TRUE(s2.guard_intact());
    }
}

// The token-range forms (what each core of a cluster runs): every share of every
// split into 1, 2, 3 and 8 parts (odd starts, single tokens, empty shares) writes
// exactly its rows, equal to the same rows of the whole-layer call; bad ranges are
// refused without writing.
TEST(PatchEmbed, TokenRangesEqualTheWholeLayersRows) {
    Rng rng(13);
    const Case cases[] = {
        {{48, 40, 3, 8, 16}, 4}, // 30 tokens
        {{21, 23, 3, 5, 9}, 1},  // 16 tokens, leftover pixels
        {{9, 9, 2, 3, 3}, 3},    // 9 tokens
        {{16, 16, 3, 8, 16}, 4}, // 4 tokens: 8 parts leave some empty
    };
    for (const Case &c : cases) {
        const vs_patch_dims_t &d = c.d;
        const int tokens = vs_patch_embed_tokens(&d), e = d.embed;
        const Bytes x = rng.bytes((size_t)d.height * d.width * d.channels);
        const Bytes w = rng.bytes((size_t)e * d.patch * d.patch * d.channels);
        const Ints b = rng.ints(e, -30000, 30000);
        const vs_quant_t q = conv_quant(d);
        Bytes wsub(w.size());
        ASSERT_EQ(vs_patch_embed_decompose_weights(&d, c.sub, w.data(), wsub.data()), VS_OK);
        Scratch s1(vs_patch_embed_direct_s8_scratch_bytes(&d));
        Scratch s2(vs_patch_embed_decomposed_s8_scratch_bytes(&d, c.sub));
        Bytes whole((size_t)tokens * e);
        ASSERT_EQ(vs_patch_embed_direct_s8(&d, &q, x.data(), w.data(), b.data(), whole.data(), s1.get()), VS_OK);
        for (int parts : {1, 2, 3, 8}) {
            for (int part = 0; part < parts; part++) {
                const int begin = tokens * part / parts, end = tokens * (part + 1) / parts;
                for (int sub : {0, c.sub}) {
                    const Bytes untouched((size_t)tokens * e, 99);
                    Buf y(untouched);
                    const vs_status_t st =
                        sub ? vs_patch_embed_decomposed_range_s8(&d, sub, begin, end, &q, x.data(), wsub.data(),
                                                                 b.data(), y.data(), s2.get())
                            : vs_patch_embed_direct_range_s8(&d, begin, end, &q, x.data(), w.data(), b.data(),
                                                             y.data(), s1.get());
                    ASSERT_EQ(st, VS_OK);
                    Bytes expect = untouched;
                    std::copy(whole.begin() + begin * e, whole.begin() + end * e, expect.begin() + begin * e);
                    EXPECT_EQ(y.vec(), expect) << "sub " << sub << ", tokens " << begin << ".." << end << " of "
                                               << tokens << " (" << d.height << "x" << d.width << " p" << d.patch
                                               << ")";
                    EXPECT_TRUE(y.guard_intact());
                }
            }
        }
        EXPECT_TRUE(s1.guard_intact());
        EXPECT_TRUE(s2.guard_intact());
        for (const auto &bad : {std::pair<int, int>{-1, 1}, {2, 1}, {0, tokens + 1}}) {
            Buf y(Bytes((size_t)tokens * e, 99));
            EXPECT_EQ(vs_patch_embed_direct_range_s8(&d, bad.first, bad.second, &q, x.data(), w.data(), b.data(),
                                                     y.data(), s1.get()),
                      VS_ERR_ARG);
            EXPECT_EQ(vs_patch_embed_decomposed_range_s8(&d, c.sub, bad.first, bad.second, &q, x.data(),
                                                         wsub.data(), b.data(), y.data(), s2.get()),
                      VS_ERR_ARG);
            EXPECT_EQ(y.vec(), Bytes((size_t)tokens * e, 99));
        }
    }
}

TEST(PatchEmbed, DecomposedScratchIsSmall) {
    const vs_patch_dims_t d = {240, 240, 3, 20, 216}; // MCUFormer 320 KB configuration
    EXPECT_EQ(vs_patch_embed_direct_s8_scratch_bytes(&d), 2 * 20 * 20 * 3);
    EXPECT_EQ(vs_patch_embed_decomposed_s8_scratch_bytes(&d, 4), 2 * 48 + 2 * 216 * 4);
    EXPECT_EQ(vs_patch_embed_decomposed_s8_scratch_bytes(&d, 3),
              VS_ERR_ARG); // 3 does not divide 20
    EXPECT_EQ(vs_patch_embed_tokens(&d), 144);
}

TEST(PatchEmbed, SaturatesAndWorksWithoutBias) {
    const vs_patch_dims_t d = {8, 8, 3, 4, 4};
    const Bytes x(8 * 8 * 3, -128);
    Bytes w(4 * 4 * 4 * 3, 127);
    for (size_t i = 0; i < 2 * 48; i++)
        w[i] = -128;                    // embed 0, 1: +16384 per tap
    const vs_quant_t q = {1 << 30, 35}; // acc / 32
    Scratch s(vs_patch_embed_direct_s8_scratch_bytes(&d));
    Bytes y(4 * 4);
    ASSERT_EQ(vs_patch_embed_direct_s8(&d, &q, x.data(), w.data(), nullptr, y.data(), s.get()),
              VS_OK);
    for (int t = 0; t < 4; t++)
        for (int e = 0; e < 4; e++)
            EXPECT_EQ(y[t * 4 + e], e < 2 ? 127 : -128);
    EXPECT_EQ(y, ref::patch_embed(x, w, nullptr, d, q));
}

TEST(PatchEmbed, FloatReferenceWithinHalfLsb) {
    Rng rng(12);
    const vs_patch_dims_t d = {32, 32, 3, 8, 12};
    const auto xf = rng.normal(32 * 32 * 3, 1.0), wf = rng.normal(12 * 8 * 8 * 3, 0.05);
    const double sx = maxabs_scale(xf), sw = maxabs_scale(wf);
    const Bytes x = quantize(xf, sx), w = quantize(wf, sw);
    // float convolution of the dequantized operands
    const int tokens = 16, k = 8 * 8 * 3;
    std::vector<double> yf((size_t)tokens * d.embed, 0.0);
    for (int t = 0; t < tokens; t++)
        for (int e = 0; e < d.embed; e++)
            for (int ky = 0; ky < 8; ky++)
                for (int kx = 0; kx < 8; kx++)
                    for (int c = 0; c < 3; c++) {
                        const int iy = t / 4 * 8 + ky, ix = t % 4 * 8 + kx;
                        yf[t * d.embed + e] +=
                            x[(iy * 32 + ix) * 3 + c] * sx * w[e * k + (ky * 8 + kx) * 3 + c] * sw;
                    }
    const double sy = maxabs_scale(yf);
    const vs_quant_t q = vs_quant_from_real(sx * sw / sy);
    Scratch s(vs_patch_embed_direct_s8_scratch_bytes(&d));
    Bytes y((size_t)tokens * d.embed);
    ASSERT_EQ(vs_patch_embed_direct_s8(&d, &q, x.data(), w.data(), nullptr, y.data(), s.get()),
              VS_OK);
    EXPECT_LE(max_abs_diff(dequantize(y, sy), yf), 0.5 * sy * (1 + 1e-6));
}
