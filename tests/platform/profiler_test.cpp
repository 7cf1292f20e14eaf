// The profiler: marker pairs become layers, phase spans count in the innermost open
// layer of their hart, and unmatched phase markers are problems, not numbers.
#include <gtest/gtest.h>

#include "sim/profiler.h"

namespace vitsim {
namespace {

using Kind = SimCtrlEvent::Kind;

SimCtrlEvent event(Kind kind, uint32_t id, uint64_t cycles, uint32_t hartid = 0) {
    HartCounters c;
    c.cycles = cycles;
    c.instructions = cycles / 2;
    return {kind, id, hartid, c, {}, {}, sc_core::sc_time(double(cycles), sc_core::SC_NS), {}};
}

TEST(Profiler, PhasesCountInTheInnermostLayerOfTheirHart) {
    const std::vector<SimCtrlEvent> events = {
        event(Kind::kLayerBegin, 1, 100),
        event(Kind::kPhaseBegin, 2, 110), event(Kind::kPhaseEnd, 2, 150),  // scores, 40
        event(Kind::kPhaseBegin, 3, 150), event(Kind::kPhaseEnd, 3, 170),  // softmax, 20
        event(Kind::kPhaseBegin, 2, 170), event(Kind::kPhaseEnd, 2, 200),  // scores, 30
        event(Kind::kLayerEnd, 1, 210),
        event(Kind::kLayerBegin, 2, 300, 1),                               // another hart
        event(Kind::kPhaseBegin, 0, 300), event(Kind::kPhaseEnd, 0, 310),  // hart 0: no layer open
        event(Kind::kLayerEnd, 2, 400, 1),
    };
    const LayerProfile p = profile_layers(events);
    EXPECT_TRUE(p.problems.empty());
    ASSERT_EQ(p.layers.size(), 2u);
    const std::vector<PhaseTotal>& phases = p.layers[0].phases;
    ASSERT_EQ(phases.size(), 2u);
    EXPECT_EQ(phase_name(phases[0].phase), "scores");
    EXPECT_EQ(phases[0].spans, 2u);
    EXPECT_EQ(phases[0].counters.cycles, 70u);
    EXPECT_EQ(phases[0].counters.instructions, 35u);
    EXPECT_EQ(phase_name(phases[1].phase), "softmax");
    EXPECT_EQ(phases[1].counters.cycles, 20u);
    EXPECT_TRUE(p.layers[1].phases.empty());
    ASSERT_EQ(p.phases.size(), 4u);  // every span, for the timeline
    EXPECT_DOUBLE_EQ(p.phases[0].begin_s, 110e-9);
    EXPECT_DOUBLE_EQ(p.phases[0].end_s, 150e-9);
}

TEST(Profiler, UnmatchedPhaseMarkersAreProblems) {
    const std::vector<SimCtrlEvent> events = {
        event(Kind::kLayerBegin, 1, 100),
        event(Kind::kPhaseEnd, 4, 105),                                    // no begin
        event(Kind::kPhaseBegin, 0, 110), event(Kind::kPhaseBegin, 5, 120),  // nested
        event(Kind::kPhaseEnd, 5, 130),
        event(Kind::kLayerEnd, 1, 140),
    };
    const LayerProfile p = profile_layers(events);
    ASSERT_EQ(p.problems.size(), 2u);
    EXPECT_EQ(p.problems[0], "phase context on hart 0 ends at cycle 105 without a begin");
    EXPECT_EQ(p.problems[1], "phase out on hart 0 begins at cycle 120 inside phase proj on hart 0");
    EXPECT_EQ(phase_name(42), "phase 42");
}

}  // namespace
}  // namespace vitsim
