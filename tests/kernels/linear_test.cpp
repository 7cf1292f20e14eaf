// Linear family: requantization, out-of-place, token overwriting, low-rank
// chains, classifier, argmax.
#include <gtest/gtest.h>

#include <climits>

#include "test_util.h"

using namespace kt;

namespace {

struct Shape {
    int tokens, in, out;
};

vs_quant_t typical_quant(int in) {
    // int8 x int8 sums of `in` uniform values have a spread of about 5000 sqrt(in).
    return vs_quant_from_real(60.0 / (5000.0 * std::sqrt((double)in)));
}

} // namespace

TEST(Requant, MatchesSpecOverShiftsAndExtremes) {
    const int32_t accs[] = {
        0,     1,      -1,      2,         -2,        127,           -128,         1000,
        -1000, 123456, -123456, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1};
    const int32_t muls[] = {1, 2, 3, (1 << 30), INT32_MAX, 1234567, -1, -1234567, INT32_MIN};
    for (int32_t shift = VS_QUANT_SHIFT_MIN; shift <= VS_QUANT_SHIFT_MAX; shift++)
        for (int32_t mul : muls)
            for (int32_t acc : accs) {
                const vs_quant_t q = {mul, shift};
                ASSERT_EQ(vs_requantize_s8(acc, &q), ref::requant(acc, q))
                    << "acc " << acc << " mul " << mul << " shift " << shift;
            }
}

TEST(Requant, RoundsHalfUp) {
    const vs_quant_t half = {1, 1};             // acc / 2
    EXPECT_EQ(vs_requantize_s8(1, &half), 1);   // 0.5 -> 1
    EXPECT_EQ(vs_requantize_s8(-1, &half), 0);  // -0.5 -> 0
    EXPECT_EQ(vs_requantize_s8(-3, &half), -1); // -1.5 -> -1
    EXPECT_EQ(vs_requantize_s8(3, &half), 2);   // 1.5 -> 2
    EXPECT_EQ(vs_requantize_s8(254, &half), 127);
    EXPECT_EQ(vs_requantize_s8(256, &half), 127); // saturates
    EXPECT_EQ(vs_requantize_s8(-258, &half), -128);
}

TEST(Linear, MatchesNaiveReferenceOverShapes) {
    Rng rng(1);
    const Shape shapes[] = {{1, 1, 1},   {2, 4, 4},    {3, 5, 7},     {7, 13, 9},
                            {8, 16, 32}, {81, 32, 96}, {66, 16, 2},   {5, 3, 1},
                            {2, 64, 6},  {9, 217, 11}, {145, 216, 64}};
    for (const Shape &s : shapes)
        for (int bias_on = 0; bias_on < 2; bias_on++) {
            const Bytes x = rng.bytes((size_t)s.tokens * s.in), w = rng.bytes((size_t)s.out * s.in);
            const Ints b = rng.ints(s.out, -20000, 20000);
            const vs_quant_t q = typical_quant(s.in);
            const vs_linear_dims_t d = {s.tokens, s.in, s.out};
            Buf y((size_t)s.tokens * s.out);
            ASSERT_EQ(
                vs_linear_s8(&d, &q, x.data(), w.data(), bias_on ? b.data() : nullptr, y.data()),
                VS_OK);
            EXPECT_EQ(y.vec(), ref::linear(x, w, bias_on ? &b : nullptr, s.tokens, s.in, s.out, q))
                << s.tokens << "x" << s.in << "->" << s.out;
            EXPECT_TRUE(y.guard_intact());
        }
}

TEST(Linear, UnalignedBuffersGiveTheSameBytes) {
    Rng rng(2);
    const vs_linear_dims_t d = {6, 32, 12};
    const Bytes x = rng.bytes(6 * 32), w = rng.bytes(12 * 32);
    const vs_quant_t q = typical_quant(32);
    const Bytes expect = ref::linear(x, w, nullptr, 6, 32, 12, q);
    for (int off = 0; off < 4; off++) {
        Buf xb(x, off), wb(w, (off + 1) % 4), y(6 * 12, off);
        ASSERT_EQ(vs_linear_s8(&d, &q, xb.data(), wb.data(), nullptr, y.data()), VS_OK);
        EXPECT_EQ(y.vec(), expect) << "offset " << off;
    }
}

TEST(Linear, SaturatesAtInt8Extremes) {
    const int in = 64, out = 8;
    const vs_linear_dims_t d = {2, in, out};
    Bytes x(2 * in, -128), w(out * in, -128);
    for (int o = out / 2; o < out; o++)
        for (int i = 0; i < in; i++)
            w[o * in + i] = 127;
    const vs_quant_t q = {1 << 30, 31}; // acc / 2: |acc| = 64 * 16384 -> saturates
    Bytes y(2 * out);
    ASSERT_EQ(vs_linear_s8(&d, &q, x.data(), w.data(), nullptr, y.data()), VS_OK);
    for (int t = 0; t < 2; t++)
        for (int o = 0; o < out; o++)
            EXPECT_EQ(y[t * out + o], o < out / 2 ? 127 : -128);
    EXPECT_EQ(y, ref::linear(x, w, nullptr, 2, in, out, q));
    // the largest int32 bias with the largest multiplier still saturates, not wraps
    const Ints big = Ints(out, INT32_MAX - 64 * 16384);
    const vs_quant_t one = {INT32_MAX, 31};
    Bytes xp(2 * in, 127), wp(out * in, 127);
    ASSERT_EQ(vs_linear_s8(&d, &one, xp.data(), wp.data(), big.data(), y.data()), VS_OK);
    for (int8_t v : y)
        EXPECT_EQ(v, 127);
}

TEST(Linear, FloatReferenceWithinHalfLsb) {
    // Dequantized int8 operands, float math: the kernel's only error is the final
    // rounding (0.5 LSB) plus the multiplier's representation error (< 2^-30 rel.).
    Rng rng(3);
    const int tokens = 17, in = 48, out = 24;
    const auto xf = rng.normal(tokens * in, 1.0), wf = rng.normal(out * in, 1.0 / std::sqrt(in));
    const double sx = maxabs_scale(xf), sw = maxabs_scale(wf);
    const Bytes x = quantize(xf, sx), w = quantize(wf, sw);
    const auto bf = rng.normal(out, 0.5);
    const Ints b = quantize32(bf, sx * sw);
    const auto yf = linear_f(dequantize(x, sx), dequantize(w, sw), nullptr, tokens, in, out);
    std::vector<double> yb(yf);
    for (int t = 0; t < tokens; t++)
        for (int o = 0; o < out; o++)
            yb[t * out + o] += b[o] * sx * sw;
    const double sy = maxabs_scale(yb);
    const vs_quant_t q = vs_quant_from_real(sx * sw / sy);
    const vs_linear_dims_t d = {tokens, in, out};
    Bytes y(tokens * out);
    ASSERT_EQ(vs_linear_s8(&d, &q, x.data(), w.data(), b.data(), y.data()), VS_OK);
    EXPECT_LE(max_abs_diff(dequantize(y, sy), yb), 0.5 * sy * (1 + 1e-6));
}

TEST(LinearOverwrite, EqualsOutOfPlace) {
    Rng rng(4);
    const Shape shapes[] = {{1, 8, 8},    {2, 8, 8},    {7, 32, 32}, {9, 32, 16},
                            {9, 16, 32},  {5, 7, 3},    {5, 3, 7},   {66, 16, 2},
                            {81, 32, 96}, {81, 96, 32}, {4, 1, 1},   {3, 13, 13}};
    for (const Shape &s : shapes) {
        const Bytes x = rng.bytes((size_t)s.tokens * s.in), w = rng.bytes((size_t)s.out * s.in);
        const Ints b = rng.ints(s.out, -5000, 5000);
        const vs_quant_t q = typical_quant(s.in);
        const vs_linear_dims_t d = {s.tokens, s.in, s.out};
        Bytes expect((size_t)s.tokens * s.out);
        ASSERT_EQ(vs_linear_s8(&d, &q, x.data(), w.data(), b.data(), expect.data()), VS_OK);

        const size_t buf_bytes = (size_t)s.tokens * std::max(s.in, s.out);
        Bytes init(buf_bytes, 0);
        std::copy(x.begin(), x.end(), init.begin());
        Buf buf(init);
        const int32_t sb = vs_linear_overwrite_s8_scratch_bytes(&d);
        EXPECT_EQ(sb, (2 * s.out + 3) / 4 * 4);
        Scratch scratch(sb);
        ASSERT_EQ(vs_linear_overwrite_s8(&d, &q, buf.data(), w.data(), b.data(), scratch.get()),
                  VS_OK);
        EXPECT_EQ(ref::rows_of(buf.vec(), s.out, 0, s.tokens), expect)
            << s.tokens << "x" << s.in << "->" << s.out;
        EXPECT_TRUE(buf.guard_intact());
        EXPECT_TRUE(scratch.guard_intact());
    }
}

TEST(LowRank, ChainEqualsThreeLinearsForAllTilesAndInPlace) {
    Rng rng(5);
    struct LR {
        int tokens, in, rank, out;
    };
    const LR shapes[] = {
        {9, 32, 12, 32}, {66, 16, 6, 64}, {81, 96, 27, 32}, {5, 7, 3, 11}, {1, 4, 4, 4}};
    for (const LR &s : shapes) {
        const Bytes x = rng.bytes((size_t)s.tokens * s.in);
        const Bytes w1 = rng.bytes((size_t)s.rank * s.in), w2 = rng.bytes((size_t)s.rank * s.rank),
                    w3 = rng.bytes((size_t)s.out * s.rank);
        const Ints b1 = rng.ints(s.rank, -3000, 3000), b3 = rng.ints(s.out, -3000, 3000);
        const vs_lowrank_params_t p = {typical_quant(s.in), typical_quant(s.rank),
                                       typical_quant(s.rank)};
        const vs_lowrank_weights_t wt = {w1.data(), b1.data(), w2.data(),
                                         nullptr,   w3.data(), b3.data()};
        const Bytes h1 = ref::linear(x, w1, &b1, s.tokens, s.in, s.rank, p.q1);
        const Bytes h2 = ref::linear(h1, w2, nullptr, s.tokens, s.rank, s.rank, p.q2);
        const Bytes expect = ref::linear(h2, w3, &b3, s.tokens, s.rank, s.out, p.q3);
        const vs_lowrank_dims_t d = {s.tokens, s.in, s.rank, s.out};
        for (int tile : {1, 2, 3, 8, s.tokens, s.tokens + 5}) {
            Scratch scratch(vs_linear_lowrank_s8_scratch_bytes(&d, tile));
            Bytes y((size_t)s.tokens * s.out);
            ASSERT_EQ(vs_linear_lowrank_s8(&d, tile, &p, x.data(), &wt, y.data(), scratch.get()),
                      VS_OK);
            EXPECT_EQ(y, expect) << "tile " << tile;
            // token overwriting: y == x in a buffer of tokens * max(in, out)
            Bytes init((size_t)s.tokens * std::max(s.in, s.out), 0);
            std::copy(x.begin(), x.end(), init.begin());
            Buf buf(init);
            ASSERT_EQ(
                vs_linear_lowrank_s8(&d, tile, &p, buf.data(), &wt, buf.data(), scratch.get()),
                VS_OK);
            EXPECT_EQ(ref::rows_of(buf.vec(), s.out, 0, s.tokens), expect)
                << "in place, tile " << tile;
            EXPECT_TRUE(scratch.guard_intact());
        }
    }
}

TEST(LowRank, ScratchIsTwoTileIntermediates) {
    const vs_lowrank_dims_t d = {145, 216, 183, 216};
    EXPECT_EQ(vs_linear_lowrank_s8_scratch_bytes(&d, 2), 2 * ((2 * 183 + 3) / 4 * 4));
    EXPECT_EQ(vs_linear_lowrank_s8_scratch_bytes(&d, 1000), 2 * 145 * 183 + 2);
    EXPECT_EQ(vs_linear_lowrank_s8_scratch_bytes(&d, 0), VS_ERR_ARG);
}

TEST(Classifier, IsLinearOnOneToken) {
    Rng rng(6);
    const int tokens = 10, in = 24, classes = 5;
    const Bytes x = rng.bytes(tokens * in), w = rng.bytes(classes * in);
    const Ints b = rng.ints(classes, -1000, 1000);
    const vs_quant_t q = typical_quant(in);
    const vs_linear_dims_t d = {tokens, in, classes};
    for (int token : {0, 3, tokens - 1}) {
        Bytes y(classes);
        ASSERT_EQ(vs_classifier_s8(&d, token, &q, x.data(), w.data(), b.data(), y.data()), VS_OK);
        EXPECT_EQ(y, ref::linear(ref::rows_of(x, in, token, 1), w, &b, 1, in, classes, q));
    }
    Bytes y(classes);
    EXPECT_EQ(vs_classifier_s8(&d, tokens, &q, x.data(), w.data(), b.data(), y.data()), VS_ERR_ARG);
}

TEST(Argmax, FirstMaximum) {
    const Bytes v = {-128, 5, 127, 3, 127, -1};
    EXPECT_EQ(vs_argmax_s8(v.data(), (int32_t)v.size()), 2);
    const Bytes low = {-128, -128};
    EXPECT_EQ(vs_argmax_s8(low.data(), 2), 0);
    EXPECT_EQ(vs_argmax_s8(v.data(), 0), VS_ERR_ARG);
}

TEST(LinearArgs, RejectedBeforeWriting) {
    const Bytes x(16, 1), w(16, 1);
    Bytes y(4, 9);
    vs_quant_t q = {1 << 30, 31};
    const vs_linear_dims_t zero = {0, 4, 4};
    EXPECT_EQ(vs_linear_s8(&zero, &q, x.data(), w.data(), nullptr, y.data()), VS_ERR_ARG);
    const vs_linear_dims_t d = {1, 4, 4};
    q.shift = 0;
    EXPECT_EQ(vs_linear_s8(&d, &q, x.data(), w.data(), nullptr, y.data()), VS_ERR_ARG);
    q.shift = 63;
    EXPECT_EQ(vs_linear_s8(&d, &q, x.data(), w.data(), nullptr, y.data()), VS_ERR_ARG);
    EXPECT_EQ(vs_linear_s8(&d, nullptr, x.data(), w.data(), nullptr, y.data()), VS_ERR_ARG);
    const vs_linear_dims_t huge = {1 << 20, 1 << 12, 4};
    q.shift = 31;
    EXPECT_EQ(vs_linear_s8(&huge, &q, x.data(), w.data(), nullptr, y.data()), VS_ERR_ARG);
    EXPECT_EQ(y, Bytes(4, 9));
}
