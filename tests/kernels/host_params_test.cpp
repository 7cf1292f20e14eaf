// Host helpers that turn real scales into kernel parameters.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace kt;

namespace {
double real(const vs_quant_t &q) { return std::ldexp((double)q.mul, -q.shift); }
} // namespace

TEST(HostParams, QuantFromRealIsNormalisedAndAccurate) {
    for (double m = 1e-9; m < 1e4; m *= 1.37) {
        const vs_quant_t q = vs_quant_from_real(m);
        ASSERT_GE(q.shift, VS_QUANT_SHIFT_MIN);
        ASSERT_LE(q.shift, VS_QUANT_SHIFT_MAX);
        ASSERT_GE(q.mul, 1 << 30) << m;
        EXPECT_NEAR(real(q) / m, 1.0, std::ldexp(1.0, -30)) << m;
    }
    EXPECT_EQ(vs_quant_from_real(0.0).mul, 0);
    EXPECT_LT(vs_quant_from_real(-0.25).mul, 0);
    const vs_quant_t tiny = vs_quant_from_real(1e-20); // below 2^-62: clamped shift
    EXPECT_EQ(tiny.shift, VS_QUANT_SHIFT_MAX);
    const vs_quant_t huge = vs_quant_from_real(1e12);
    EXPECT_EQ(huge.shift, 1);
    EXPECT_EQ(huge.mul, INT32_MAX);
}

TEST(HostParams, Quant32StaysInItsRange) {
    for (double m = 1e-6; m < 1e5; m *= 1.41) {
        const vs_quant_t q = vs_quant32_from_real(m);
        ASSERT_LT(std::abs(q.mul), VS_QUANT32_MUL_LIMIT) << m;
        ASSERT_GE(q.shift, 1);
        ASSERT_LE(q.shift, VS_QUANT32_SHIFT_MAX);
        if (m > 1e-3) {
            EXPECT_NEAR(real(q) / m, 1.0, std::ldexp(1.0, -20)) << m;
        }
    }
}

TEST(HostParams, SoftmaxGeluLayerNormAdd) {
    const vs_softmax_params_t sp = vs_softmax_params_from_scale(0.05);
    EXPECT_NEAR(real(sp.in), 0.05 * 1024, 1e-4);
    const vs_gelu_params_t gp = vs_gelu_params_from_scales(0.04, 0.02);
    EXPECT_NEAR(real(gp.in), 0.04 * 1024 / std::sqrt(2.0), 1e-4);
    EXPECT_NEAR(real(gp.out), 0.04 * 0.2888 * std::ldexp(1.0, -21) / 0.02, 1e-12);
    const vs_layernorm_params_t lp =
        vs_layernorm_params_from_scales(64, 0.05, 0.01, 0.03, 1e-5, VS_SQRT_NEWTON, 4);
    EXPECT_EQ(lp.eps, 16u); // round(64^2 * 1e-5 / 0.05^2) = round(16.38)
    EXPECT_EQ(lp.newton_steps, 4);
    EXPECT_NEAR(real(lp.out), 0.01 / 2048 / 0.03, 1e-12);
    const vs_layernorm_params_t tiny_eps =
        vs_layernorm_params_from_scales(8, 1.0, 0.01, 0.03, 1e-9, VS_SQRT_BISECT, 0);
    EXPECT_EQ(tiny_eps.eps, 1u);
    const vs_add_params_t ap = vs_add_params_from_scales(0.02, 0.5, 0.1);
    EXPECT_LT(std::abs(ap.a_mul), VS_QUANT32_MUL_LIMIT);
    EXPECT_LT(std::abs(ap.b_mul), VS_QUANT32_MUL_LIMIT);
    EXPECT_GE(std::abs(ap.b_mul), VS_QUANT32_MUL_LIMIT / 2); // the larger one uses the range
    EXPECT_NEAR(std::ldexp((double)ap.a_mul, -ap.shift), 0.2, 1e-6);
    EXPECT_NEAR(std::ldexp((double)ap.b_mul, -ap.shift), 5.0, 1e-6);
    EXPECT_DOUBLE_EQ(vs_softmax_out_scale(), 1.0 / 128);
}
