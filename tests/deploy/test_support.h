// Shared helpers of the deploy tests.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "deploy/deploy.h"
#include "deploy/errors.h"
#include "deploy/network.h"
#include "deploy/weights.h"

namespace vitsim::deploy::test {

// Weights of a built-in network, generated once per build tree: later test
// processes load the cached weights file (which also exercises the loader).
inline Weights cached_weights(const Graph& graph, uint64_t seed = 1) {
    return deploy::cached_weights(graph, seed, VITSIM_DEPLOY_TEST_CACHE);
}

// A target like stm32f746: 1 MiB flash with a 64 KiB firmware, 320 KiB SRAM,
// 16 MiB qspi; 4 KiB stack and 2 KiB static data reserved.
inline DeployTarget f746_target() {
    DeployTarget t;
    t.profile = "stm32f746";
    t.code = {"flash", 0x08000000, 1u << 20};
    t.image_address = 0x08010000;
    t.code_budget = (1u << 20) - 0x10000;
    t.weight_memories = {{"qspi", 0x90000000, 16u << 20}};
    t.data = {"sram", 0x20000000, 320u << 10};
    t.sram_budget = 320u << 10;
    t.stack_reserve = 4096;
    t.static_bytes = 2048;
    return t;
}

// The same with 16 MiB of SRAM: for tests about outputs, not about fitting.
inline DeployTarget roomy_target() {
    DeployTarget t = f746_target();
    t.data.size = t.sram_budget = 16u << 20;
    return t;
}

inline DeployOptions options(const std::vector<std::string>& settings) { return parse_options(settings); }

// Runs `call` and returns the message of the exception of type E it throws
// (fails the test when it throws nothing or something else).
template <typename E, typename F>
std::string error_of(F&& call) {
    try {
        call();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "unexpected exception: " << e.what();
        return "";
    }
    ADD_FAILURE() << "no exception";
    return "";
}

}  // namespace vitsim::deploy::test
