// Residual add, class token concat, mean pool.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace kt;

TEST(Add, MatchesNaiveReferenceAndSaturates) {
    Rng rng(41);
    const vs_mat_dims_t d = {13, 7};
    const Bytes a = rng.bytes(91), b = rng.bytes(91);
    for (auto scales : {std::array<double, 3>{0.05, 0.05, 0.05},
                        {0.05, 0.02, 0.07},
                        {0.1, 0.001, 0.03},
                        {0.02, 0.02, 0.005}}) {
        const vs_add_params_t p = vs_add_params_from_scales(scales[0], scales[1], scales[2]);
        Buf y(91, 2);
        ASSERT_EQ(vs_add_s8(&d, &p, a.data(), b.data(), y.data()), VS_OK);
        EXPECT_EQ(y.vec(), ref::add(a, b, p));
        // float: one rounding, so within 0.5 LSB plus the multipliers' error (< 2^-21 rel.)
        for (int i = 0; i < 91; i++) {
            const double f =
                std::clamp(a[i] * scales[0] + b[i] * scales[1], -128 * scales[2], 127 * scales[2]);
            EXPECT_NEAR(y.vec()[i] * scales[2], f, 0.5 * scales[2] + 1e-4);
        }
        Bytes inplace = a;
        ASSERT_EQ(vs_add_s8(&d, &p, inplace.data(), b.data(), inplace.data()), VS_OK);
        EXPECT_EQ(inplace, y.vec());
    }
    const vs_mat_dims_t one = {1, 4};
    const Bytes hi = {127, -128, 127, -128}, lo = {127, -128, -128, 127};
    const vs_add_params_t same = vs_add_params_from_scales(1, 1, 1);
    Bytes y(4);
    ASSERT_EQ(vs_add_s8(&one, &same, hi.data(), lo.data(), y.data()), VS_OK);
    EXPECT_EQ(y, (Bytes{127, -128, -1, -1}));
    const vs_add_params_t bad = {1 << 22, 1, 4};
    EXPECT_EQ(vs_add_s8(&one, &bad, hi.data(), lo.data(), y.data()), VS_ERR_ARG);
}

TEST(ClsConcat, OutOfPlaceAndInPlace) {
    Rng rng(42);
    const vs_mat_dims_t d = {9, 6};
    const Bytes x = rng.bytes(54), cls = rng.bytes(6);
    Bytes expect(60);
    std::copy(cls.begin(), cls.end(), expect.begin());
    std::copy(x.begin(), x.end(), expect.begin() + 6);
    Buf y(60, 1);
    ASSERT_EQ(vs_cls_concat_s8(&d, cls.data(), x.data(), y.data()), VS_OK);
    EXPECT_EQ(y.vec(), expect);
    EXPECT_TRUE(y.guard_intact());
    Bytes init(x);
    init.resize(60, 0);
    Buf buf(init);
    ASSERT_EQ(vs_cls_concat_s8(&d, cls.data(), buf.data(), buf.data()), VS_OK);
    EXPECT_EQ(buf.vec(), expect);
    EXPECT_TRUE(buf.guard_intact());
}

TEST(MeanPool, MatchesNaiveReferenceAndFloat) {
    Rng rng(43);
    for (int rows : {1, 7, 64, 145}) {
        const int cols = 11;
        const vs_mat_dims_t d = {rows, cols};
        const Bytes x = rng.bytes((size_t)rows * cols);
        const vs_quant_t q = vs_quant_from_real(1.0 / rows); // same scale in and out
        Buf y(cols, 1);
        ASSERT_EQ(vs_mean_pool_s8(&d, &q, x.data(), y.data()), VS_OK);
        EXPECT_EQ(y.vec(), ref::mean_pool(x, rows, cols, q));
        for (int c = 0; c < cols; c++) {
            double m = 0;
            for (int r = 0; r < rows; r++)
                m += x[r * cols + c];
            EXPECT_NEAR(y.vec()[c], m / rows, 0.5 + 1e-6);
        }
    }
    const vs_mat_dims_t d = {3, 2};
    const Bytes ext = {-128, 127, -128, 127, -128, 127};
    const vs_quant_t twice = vs_quant_from_real(2.0 / 3);
    Bytes y(2);
    ASSERT_EQ(vs_mean_pool_s8(&d, &twice, ext.data(), y.data()), VS_OK);
    EXPECT_EQ(y, (Bytes{-128, 127}));
}

// The column-range form (what each core of a cluster runs): every share of a split
// into 1, 2, 3 and 8 parts writes exactly its entries of the whole call's output.
TEST(MeanPool, ColumnRangesEqualTheWholeCall) {
    Rng rng(44);
    const int rows = 81, cols = 13;
    const vs_mat_dims_t d = {rows, cols};
    const Bytes x = rng.bytes((size_t)rows * cols);
    const vs_quant_t q = vs_quant_from_real(1.0 / rows);
    Bytes whole(cols);
    ASSERT_EQ(vs_mean_pool_s8(&d, &q, x.data(), whole.data()), VS_OK);
    for (int parts : {1, 2, 3, 8})
        for (int part = 0; part < parts; part++) {
            const int begin = cols * part / parts, end = cols * (part + 1) / parts;
            Buf y(Bytes(cols, 99), 1);
            ASSERT_EQ(vs_mean_pool_range_s8(&d, begin, end, &q, x.data(), y.data()), VS_OK);
            Bytes expect(cols, 99);
            std::copy(whole.begin() + begin, whole.begin() + end, expect.begin() + begin);
            EXPECT_EQ(y.vec(), expect) << "columns " << begin << ".." << end;
            EXPECT_TRUE(y.guard_intact());
        }
    Bytes y(cols, 99);
    EXPECT_EQ(vs_mean_pool_range_s8(&d, -1, 2, &q, x.data(), y.data()), VS_ERR_ARG);
    EXPECT_EQ(vs_mean_pool_range_s8(&d, 3, 2, &q, x.data(), y.data()), VS_ERR_ARG);
    EXPECT_EQ(vs_mean_pool_range_s8(&d, 0, cols + 1, &q, x.data(), y.data()), VS_ERR_ARG);
    EXPECT_EQ(vs_mean_pool_s8(nullptr, &q, x.data(), y.data()), VS_ERR_ARG);
    EXPECT_EQ(y, Bytes(cols, 99));
}
