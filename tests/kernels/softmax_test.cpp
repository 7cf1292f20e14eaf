// Integer softmax (I-BERT exponential).
#include <gtest/gtest.h>

#include "test_util.h"

using namespace kt;

namespace {

// Dequantized probabilities of one row.
std::vector<double> probs(const Bytes &y, int r, int cols) {
    std::vector<double> p(cols);
    for (int i = 0; i < cols; i++)
        p[i] = y[(size_t)r * cols + i] * vs_softmax_out_scale();
    return p;
}

} // namespace

TEST(Softmax, MatchesNaiveReferenceOverShapesAndScales) {
    Rng rng(31);
    for (int cols : {1, 2, 3, 5, 32, 66, 81, 145, 1024})
        for (double scale : {0.005, 0.03, 0.1, 0.5, 2.0}) {
            const int rows = 4;
            const Bytes x = rng.bytes((size_t)rows * cols);
            const vs_softmax_params_t p = vs_softmax_params_from_scale(scale);
            const vs_mat_dims_t d = {rows, cols};
            Scratch s(vs_softmax_s8_scratch_bytes(&d));
            Buf y((size_t)rows * cols, 1);
            ASSERT_EQ(vs_softmax_s8(&d, &p, x.data(), y.data(), s.get()), VS_OK);
            EXPECT_EQ(y.vec(), ref::softmax(x, rows, cols, p)) << cols << " scale " << scale;
            EXPECT_TRUE(s.guard_intact());
            Bytes inplace = x;
            ASSERT_EQ(vs_softmax_s8(&d, &p, inplace.data(), inplace.data(), s.get()), VS_OK);
            EXPECT_EQ(inplace, y.vec());
        }
}

TEST(Softmax, ExponentReductionIsExactOverTheWholeRange) {
    // Rows holding every difference 0..-255, rescaled by many multipliers: the
    // kernel's multiply-shift z = floor(u / 710) must equal the division for every
    // u the kernel can see (the reference divides).
    Bytes row(256);
    for (int i = 0; i < 256; i++)
        row[i] = (int8_t)(127 - i);
    const vs_mat_dims_t d = {1, 256};
    Scratch s(vs_softmax_s8_scratch_bytes(&d));
    for (int32_t mul = 1; mul < 400; mul++) {
        const vs_softmax_params_t p = {{mul, 1}};
        Bytes y(256);
        ASSERT_EQ(vs_softmax_s8(&d, &p, row.data(), y.data(), s.get()), VS_OK);
        ASSERT_EQ(y, ref::softmax(row, 1, 256, p)) << "mul " << mul;
    }
}

TEST(Softmax, FloatReferenceAndRowSums) {
    // Per probability: output rounding 0.5/128 (1/128 where 1.0 saturates to
    // 127/128) + I-BERT polynomial (~0.1 % relative) + Q10 input rounding.
    // Row sums: every probability carries up to 0.5/128 of rounding, so the hard
    // bound is cols * 0.5/128 (+ polynomial); rows of the paper's lengths
    // (<= 81 tokens) stay within 0.08 of 1 and within 0.05 on average.
    Rng rng(32);
    for (int cols : {8, 32, 81, 256})
        for (double sd : {0.5, 2.0, 6.0}) {
            const int rows = 16;
            const auto f = rng.normal((size_t)rows * cols, sd);
            const double scale = maxabs_scale(f);
            const Bytes x = quantize(f, scale);
            const vs_softmax_params_t p = vs_softmax_params_from_scale(scale);
            const vs_mat_dims_t d = {rows, cols};
            Scratch s(vs_softmax_s8_scratch_bytes(&d));
            Bytes y((size_t)rows * cols);
            ASSERT_EQ(vs_softmax_s8(&d, &p, x.data(), y.data(), s.get()), VS_OK);
            std::vector<double> ref_rows = dequantize(x, scale);
            softmax_f(ref_rows, rows, cols);
            double worst = 0, worst_sum = 0, mean_sum = 0;
            for (int r = 0; r < rows; r++) {
                const auto pr = probs(y, r, cols);
                double sum = 0;
                for (int i = 0; i < cols; i++) {
                    worst = std::max(worst, std::fabs(pr[i] - ref_rows[(size_t)r * cols + i]));
                    sum += pr[i];
                }
                worst_sum = std::max(worst_sum, std::fabs(sum - 1.0));
                mean_sum += std::fabs(sum - 1.0) / rows;
            }
            const std::string what = "cols " + std::to_string(cols) + " sd " + std::to_string(sd);
            EXPECT_LE(worst, 1.0 / 128 + 0.001) << what;
            EXPECT_LE(worst_sum, cols * 0.5 / 128 + 0.005) << what;
            if (cols <= 81) {
                EXPECT_LE(worst_sum, 0.08) << what;
                EXPECT_LE(mean_sum, 0.05) << what;
            }
        }
}

TEST(Softmax, ExtremeRows) {
    const int cols = 10;
    const vs_mat_dims_t d = {3, cols};
    Bytes x(3 * cols, -128);
    for (int i = 0; i < cols; i++)
        x[cols + i] = 127; // uniform rows: 1/10 each
    x[2 * cols + 4] = 127; // one-hot at coarse scale
    const vs_softmax_params_t p = vs_softmax_params_from_scale(0.25);
    Scratch s(vs_softmax_s8_scratch_bytes(&d));
    Bytes y(3 * cols);
    ASSERT_EQ(vs_softmax_s8(&d, &p, x.data(), y.data(), s.get()), VS_OK);
    for (int i = 0; i < cols; i++) {
        EXPECT_EQ(y[i], 13); // round(128 / 10)
        EXPECT_EQ(y[cols + i], 13);
        EXPECT_EQ(y[2 * cols + i], i == 4 ? 127 : 0); // e^-63.75 is 0
    }
    const vs_mat_dims_t one = {1, 1};
    Bytes single = {-7};
    ASSERT_EQ(vs_softmax_s8(&one, &p, single.data(), single.data(), s.get()), VS_OK);
    EXPECT_EQ(single[0], 127); // 1.0 saturates to 127/128
}

TEST(Softmax, RejectsBadArgs) {
    const vs_mat_dims_t wide = {1, VS_SOFTMAX_MAX_COLS + 1};
    EXPECT_EQ(vs_softmax_s8_scratch_bytes(&wide), VS_ERR_ARG);
    const vs_mat_dims_t d = {1, 4};
    Bytes x(4), y(4);
    Scratch s(16);
    vs_softmax_params_t p = {{1 << 22, 10}}; // mul too large for the 32-bit form
    EXPECT_EQ(vs_softmax_s8(&d, &p, x.data(), y.data(), s.get()), VS_ERR_ARG);
    p = {{-5, 10}};
    EXPECT_EQ(vs_softmax_s8(&d, &p, x.data(), y.data(), s.get()), VS_ERR_ARG);
    p = {{5, 10}};
    EXPECT_EQ(vs_softmax_s8(&d, &p, x.data(), y.data(), nullptr), VS_ERR_ARG);
}
