// The Pareto front that vitsim sweep marks (time, peak SRAM, energy: smaller is better).
#include <gtest/gtest.h>

#include "sim/pareto.h"

using namespace vitsim;

TEST(Pareto, DominatedPointsAreOffTheFront) {
    // time, peak SRAM
    const std::vector<Objectives> runs = {
        {10, 100},  // fastest
        {20, 50},   // smallest
        {15, 80},   // a trade-off between the two
        {20, 100},  // worse than the first on time, than the second on RAM
        {25, 50},   // as small as the second, slower
    };
    EXPECT_EQ(pareto_optimal(runs), (std::vector<bool>{true, true, true, false, false}));
}

TEST(Pareto, EnergyCanPutARunBackOnTheFront) {
    const std::vector<Objectives> runs = {{10, 100, 5.0}, {20, 100, 1.0}, {20, 100, 2.0}};
    EXPECT_EQ(pareto_optimal(runs), (std::vector<bool>{true, true, false}));
}

TEST(Pareto, EqualRunsAreAllOptimal) {
    EXPECT_EQ(pareto_optimal({{1, 2}, {1, 2}}), (std::vector<bool>{true, true}));
    EXPECT_FALSE(dominates({1, 2}, {1, 2}));
    EXPECT_TRUE(dominates({1, 2}, {1, 3}));
    EXPECT_EQ(pareto_optimal({}), std::vector<bool>{});
}
