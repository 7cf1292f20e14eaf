// Integer square roots and LayerNorm.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace kt;

namespace {

std::vector<uint32_t> sqrt_inputs() {
    std::vector<uint32_t> v = {0,           1,           2,           3,           4,
                               5,           8,           9,           15,          16,
                               17,          99,          100,         101,         0xFFFFFFFFu,
                               0xFFFFFFFEu, 0xFFFE0001u, 0xFFFE0000u, 0x80000000u, 0x7FFFFFFFu,
                               0x40000000u, 0x3FFFFFFFu, 16785408u};
    for (uint32_t r = 1; r < 65536; r += 97) { // around perfect squares
        v.push_back(r * r);
        v.push_back(r * r - 1);
        v.push_back(r * r + 1);
    }
    Rng rng(21);
    for (int i = 0; i < 200000; i++)
        v.push_back((uint32_t)rng.uniform(INT32_MIN, INT32_MAX));
    for (int b = 0; b < 32; b++)
        v.push_back(1u << b);
    return v;
}

vs_layernorm_params_t ln_params(int cols, int method, int steps) {
    // inputs at 1/32, gamma at 1/64, outputs at 1/32
    return vs_layernorm_params_from_scales(cols, 1.0 / 32, 1.0 / 64, 1.0 / 32, 1e-5, method, steps);
}

} // namespace

TEST(Isqrt, BisectionIsExactFloorSqrt) {
    for (uint32_t n : sqrt_inputs())
        ASSERT_EQ(vs_isqrt_bisect_u32(n), ref::isqrt_exact(n)) << n;
}

TEST(Isqrt, NewtonConvergesFromAboveAndIsExactWithEnoughSteps) {
    for (uint32_t n : sqrt_inputs()) {
        const uint32_t exact = ref::isqrt_exact(n);
        uint32_t prev = 0xFFFFFFFFu;
        for (int steps = 1; steps <= 8; steps++) {
            const uint32_t r = vs_isqrt_newton_u32(n, steps);
            ASSERT_EQ(r, ref::isqrt_newton(n, steps)) << n << " steps " << steps;
            ASSERT_GE(r, exact) << n;
            ASSERT_LE(r, prev) << n; // more steps never move away
            prev = r;
            if (steps >= VS_ISQRT_NEWTON_EXACT_STEPS) {
                ASSERT_EQ(r, exact) << n << " steps " << steps;
            }
        }
    }
    // with too few steps Newton overestimates on some inputs (documented)
    EXPECT_GT(vs_isqrt_newton_u32(16785408u, 2), ref::isqrt_exact(16785408u));
    EXPECT_GT(vs_isqrt_newton_u32(0x40000000u, 1), ref::isqrt_exact(0x40000000u));
}

TEST(LayerNorm, MatchesNaiveReferenceForBothSqrtMethods) {
    Rng rng(22);
    for (int cols : {1, 2, 3, 7, 16, 32, 64, 216, 512}) {
        const int rows = 5;
        const Bytes x = rng.bytes((size_t)rows * cols), g = rng.bytes(cols, 20, 127);
        const Ints b = rng.ints(cols, -40000, 40000);
        for (int method : {VS_SQRT_BISECT, VS_SQRT_NEWTON})
            for (int steps : {1, 2, 3, 5, 8}) {
                if (method == VS_SQRT_BISECT && steps != 1)
                    continue;
                const vs_layernorm_params_t p = ln_params(cols, method, steps);
                const vs_mat_dims_t d = {rows, cols};
                for (int off : {0, 1}) {
                    Buf xb(x, off), y((size_t)rows * cols, off);
                    ASSERT_EQ(vs_layernorm_s8(&d, &p, xb.data(), g.data(), b.data(), y.data()),
                              VS_OK);
                    EXPECT_EQ(y.vec(), ref::layernorm(x, g, &b, rows, cols, p))
                        << "cols " << cols << " method " << method << " steps " << steps;
                }
                Bytes inplace = x;
                ASSERT_EQ(
                    vs_layernorm_s8(&d, &p, inplace.data(), g.data(), nullptr, inplace.data()),
                    VS_OK);
                EXPECT_EQ(inplace, ref::layernorm(x, g, nullptr, rows, cols, p));
            }
    }
}

TEST(LayerNorm, NewtonWithEnoughStepsEqualsBisection) {
    Rng rng(23);
    const int rows = 64, cols = 48;
    const Bytes x = rng.bytes(rows * cols), g = rng.bytes(cols);
    const vs_mat_dims_t d = {rows, cols};
    Bytes yb(rows * cols), yn(rows * cols);
    vs_layernorm_params_t pb = ln_params(cols, VS_SQRT_BISECT, 0);
    vs_layernorm_params_t pn = ln_params(cols, VS_SQRT_NEWTON, VS_ISQRT_NEWTON_EXACT_STEPS);
    ASSERT_EQ(vs_layernorm_s8(&d, &pb, x.data(), g.data(), nullptr, yb.data()), VS_OK);
    ASSERT_EQ(vs_layernorm_s8(&d, &pn, x.data(), g.data(), nullptr, yn.data()), VS_OK);
    EXPECT_EQ(yb, yn);
}

TEST(LayerNorm, ExtremeRows) {
    const int cols = 64;
    const vs_mat_dims_t d = {3, cols};
    Bytes x(3 * cols);
    for (int i = 0; i < cols; i++) {
        x[i] = -128;                           // constant: variance 0
        x[cols + i] = i % 2 ? 127 : -128;      // largest variance
        x[2 * cols + i] = i == 5 ? 127 : -128; // one outlier: |x - mean| / std = sqrt(cols - 1)
    }
    const Bytes g(cols, 127);
    const Ints b(cols, 1000);
    const vs_layernorm_params_t p = ln_params(cols, VS_SQRT_BISECT, 0);
    Bytes y(3 * cols);
    ASSERT_EQ(vs_layernorm_s8(&d, &p, x.data(), g.data(), b.data(), y.data()), VS_OK);
    EXPECT_EQ(y, ref::layernorm(x, g, &b, 3, cols, p));
    const int8_t beta_only = vs_requantize_s8(1000, &p.out);
    for (int i = 0; i < cols; i++)
        EXPECT_EQ(y[i], beta_only);  // normalised value 0
    EXPECT_EQ(y[2 * cols + 5], 127); // (x - mean) / std = 7.9, times gamma: saturates
}

TEST(LayerNorm, FloatReferenceWithinOneLsb) {
    // The error sources: Q11 normalised value (2^-12), 16-bit sqrt, final rounding.
    Rng rng(24);
    const int rows = 20, cols = 96;
    const double sx = 1.0 / 20, sg = 1.0 / 100, sy = 1.0 / 25;
    const auto xf = rng.normal(rows * cols, 1.5);
    const Bytes x = quantize(xf, sx);
    const auto gf = rng.normal(cols, 0.4);
    const Bytes g = quantize(gf, sg);
    const auto bf = rng.normal(cols, 0.3);
    const Ints b = quantize32(bf, vs_layernorm_beta_scale(sg));
    const double eps = 1e-5;
    for (int method : {VS_SQRT_BISECT, VS_SQRT_NEWTON}) {
        const vs_layernorm_params_t p =
            vs_layernorm_params_from_scales(cols, sx, sg, sy, eps, method, 6);
        const vs_mat_dims_t d = {rows, cols};
        Bytes y(rows * cols);
        ASSERT_EQ(vs_layernorm_s8(&d, &p, x.data(), g.data(), b.data(), y.data()), VS_OK);
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < cols; i++)
                mean += x[r * cols + i] * sx;
            mean /= cols;
            for (int i = 0; i < cols; i++)
                var += std::pow(x[r * cols + i] * sx - mean, 2);
            var /= cols;
            for (int i = 0; i < cols; i++) {
                double f = (x[r * cols + i] * sx - mean) / std::sqrt(var + eps) * g[i] * sg +
                           b[i] * vs_layernorm_beta_scale(sg);
                f = std::clamp(f, -128 * sy, 127 * sy);
                worst = std::max(worst, std::fabs(y[r * cols + i] * sy - f));
            }
        }
        EXPECT_LE(worst, 1.0 * sy) << "method " << method;
    }
}

TEST(LayerNorm, RejectsBadParams) {
    const Bytes x(8, 1), g(8, 1);
    Bytes y(8);
    const vs_mat_dims_t d = {1, 8};
    vs_layernorm_params_t p = ln_params(8, VS_SQRT_BISECT, 0);
    p.eps = 0;
    EXPECT_EQ(vs_layernorm_s8(&d, &p, x.data(), g.data(), nullptr, y.data()), VS_ERR_ARG);
    p = ln_params(8, VS_SQRT_NEWTON, 0);
    EXPECT_EQ(vs_layernorm_s8(&d, &p, x.data(), g.data(), nullptr, y.data()), VS_ERR_ARG);
    p = ln_params(8, 7, 3);
    EXPECT_EQ(vs_layernorm_s8(&d, &p, x.data(), g.data(), nullptr, y.data()), VS_ERR_ARG);
    const vs_mat_dims_t wide = {1, VS_LAYERNORM_MAX_COLS + 1};
    p = ln_params(8, VS_SQRT_BISECT, 0);
    EXPECT_EQ(vs_layernorm_s8(&wide, &p, x.data(), g.data(), nullptr, y.data()), VS_ERR_ARG);
}
