// Deploy options: defaults, every key, and one-line errors listing allowed values.
#include <gtest/gtest.h>

#include "test_support.h"

namespace vitsim::deploy {
namespace {

using test::error_of;

TEST(Options, Defaults) {
    EXPECT_EQ(DeployOptions().text(),
              "mhsa=layer-wise fwsa=off tile=8 patch-embed=direct linear=out-of-place sqrt=newton:6 weights=in-place "
              "simd=on split=balanced engine=off");
}

TEST(Options, EveryKeyIsParsed) {
    const DeployOptions o = parse_options({"mhsa=depth-first", "fwsa=on", "tile=4", "patch-embed=decomposed",
                                           "linear=token-overwrite", "sqrt=bisect", "weights=staged", "simd=off"});
    EXPECT_EQ(o.mhsa, MhsaSchedule::DepthFirst);
    EXPECT_TRUE(o.fwsa);
    EXPECT_EQ(o.tile, 4);
    EXPECT_EQ(o.patch_embed, PatchEmbedMode::Decomposed);
    EXPECT_EQ(o.linear, LinearMode::TokenOverwrite);
    EXPECT_EQ(o.sqrt, SqrtMethod::Bisect);
    EXPECT_EQ(o.weights, WeightMode::Staged);
    EXPECT_FALSE(o.simd);
    EXPECT_EQ(parse_options({"sqrt=newton:3"}).newton_steps, 3);
    // Later settings win.
    EXPECT_EQ(parse_options({"tile=4", "tile=16"}).tile, 16);
}

TEST(Options, TextRoundTrips) {
    const DeployOptions o = parse_options({"mhsa=depth-first", "sqrt=newton:2", "weights=staged"});
    std::vector<std::string> settings;
    for (const auto& [k, v] : o.items()) settings.push_back(k + "=" + v);
    EXPECT_EQ(parse_options(settings).text(), o.text());
}

TEST(Options, UnknownKeyListsTheKeys) {
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"heads=4"}); }),
              "deploy option 'heads=4': unknown option 'heads' (allowed: engine, fwsa, linear, mhsa, patch-embed, simd, split, "
              "sqrt, tile, weights)");
}

TEST(Options, BadValuesListTheAllowedOnes) {
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"mhsa=fast"}); }),
              "deploy option 'mhsa=fast': allowed values of mhsa: layer-wise, depth-first");
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"fwsa=yes"}); }),
              "deploy option 'fwsa=yes': allowed values of fwsa: on, off");
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"tile=0"}); }),
              "deploy option 'tile=0': allowed values of tile: an integer 1..1024");
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"tile=8x"}); }),
              "deploy option 'tile=8x': allowed values of tile: an integer 1..1024");
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"sqrt=newton:0"}); }),
              "deploy option 'sqrt=newton:0': allowed values of sqrt: newton:N (N = 1..32), bisect");
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"weights=sram"}); }),
              "deploy option 'weights=sram': allowed values of weights: in-place, staged");
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"linear=overwrite"}); }),
              "deploy option 'linear=overwrite': allowed values of linear: out-of-place, token-overwrite");
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"patch-embed=fft"}); }),
              "deploy option 'patch-embed=fft': allowed values of patch-embed: direct, decomposed");
}

TEST(Options, MissingEqualsSign) {
    EXPECT_EQ(error_of<OptionError>([] { parse_options({"mhsa"}); }), "deploy option 'mhsa': expected key=value");
}

TEST(Options, OptionErrorsMapToTheUsageExitCode) {
    try {
        parse_options({"x=y"});
        FAIL();
    } catch (const CommandError& e) {
        EXPECT_EQ(e.code(), kExitUsage);
    }
}

}  // namespace
}  // namespace vitsim::deploy
