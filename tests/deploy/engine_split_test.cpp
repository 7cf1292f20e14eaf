// The row split of a linear layer between the matrix engine and the cluster's cores
// (sim/deploy/engine_split.h, docs/engine.md "Linear layers: engine and cores at once").
#include <gtest/gtest.h>

#include "deploy/engine_split.h"
#include "soc/profile.h"

namespace vitsim::deploy {
namespace {

DeployTarget gap9_target() { return target_for_profile(load_profile("gap9"), 64 * 1024, 4096, 2048); }

TEST(EngineSplit, TheEngineTimeIsItsScheduleAndItsTransfers) {
    const DeployTarget t = gap9_target();
    // eegformer's fc2: 81 rows, 64 -> 32: 4 passes of 8 lanes, each 1 + 8 + 8*16 cycles
    // and 16 + 1 + 2 per row; the FC's 4 transfers of 9,952 bytes at 8 a cycle after 20 each
    EXPECT_EQ(engine_linear_cycles(t, 81, 64, 32, true), 4 * (137 + 81 * 19) + 4 * 20 + 1244);
    EXPECT_EQ(engine_linear_cycles(t, 0, 64, 32, true), 0);
}

TEST(EngineSplit, NothingToSplitWithoutTheProfilesFiguresOrADepthTheEngineTakes) {
    DeployTarget t = gap9_target();
    EXPECT_EQ(linear_core_rows(t, 384, 23, 512, true), 0);    // K not a multiple of 4
    EXPECT_EQ(linear_core_rows(t, 384, 2048, 512, true), 0);  // K above the RTL's KMAX
    t.engine_core_macs_per_cycle = 0;
    EXPECT_EQ(linear_core_rows(t, 384, 256, 512, true), 0);
    t = gap9_target();
    t.engine_lanes = 0;
    EXPECT_EQ(linear_core_rows(t, 384, 256, 512, true), 0);
}

TEST(EngineSplit, Gap9SplitsLargeLayersOnlyAndFasterCoresTakeMoreRows) {
    const DeployTarget t = gap9_target();
    const int32_t large = linear_core_rows(t, 384, 256, 512, true);  // tiles_2d's embed
    EXPECT_GT(large, 0);
    EXPECT_LT(large, 384);
    EXPECT_EQ(linear_core_rows(t, 81, 64, 32, true), 0);  // eegformer's fc2: under the cores' fixed cycles
    DeployTarget faster = t;
    faster.engine_core_macs_per_cycle *= 2;
    EXPECT_GT(linear_core_rows(faster, 384, 256, 512, true), large);
    DeployTarget free_cores = t;  // no fixed cycles, no stalls, very fast cores: all rows
    free_cores.engine_core_setup_cycles = 0;
    free_cores.engine_core_macs_per_cycle = 1000;
    EXPECT_EQ(linear_core_rows(free_cores, 81, 64, 32, true), 81);
}

}  // namespace
}  // namespace vitsim::deploy
