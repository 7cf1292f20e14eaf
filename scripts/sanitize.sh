#!/usr/bin/env bash
# The host code under AddressSanitizer + UndefinedBehaviorSanitizer (docs/testing.md):
# configures a separate build (build-asan, or $VITSIM_ASAN_BUILD_DIR) with
# VITSIM_SANITIZE=ON, builds what the chosen tests need, and runs them. The firmware
# is cross-built as usual (the sanitizers are host-only). Any report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build_dir=${VITSIM_ASAN_BUILD_DIR:-build-asan}
jobs=${VITSIM_ASAN_JOBS:-2}

# The gtest suites of the ISS, kernels, deploy tool and platform models (every
# case), and a representative set of end-to-end tests: runs on both kernel paths
# and attention schedules, the extreme-bias run, and the bad-input ones.
gtest_targets=(iss_unit_tests kernel_tests_simd kernel_tests_portable deploy_tests platform_tests)
tool_targets=(vitsim extreme_weights firmware)
gtest_tests='^(iss|kernels\.(simd|portable))\.|^[A-Z][A-Za-z0-9]*\.[A-Za-z0-9_]+$'
e2e_tests='^cli\.|^run\.(tiny\.stm32f746\.(default|baseline|portable|fwsa)|tiny-lowrank\.stm32f746\.default|extreme_biases\.|over_budget|plan_does_not_fit|unknown_|bad_|malformed_network|shape_mismatch|missing_weights_file|cycle_limit|not_an_interpreter|compare_not_a_report|sweep_without_vary)'

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=0:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitize.supp:print_suppressions=0"

start=$(date +%s)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVITSIM_SANITIZE=ON >/dev/null
cmake --build "$build_dir" -j"$jobs" --target "${gtest_targets[@]}" "${tool_targets[@]}"
built=$(date +%s)
ctest --test-dir "$build_dir" -j"$jobs" --output-on-failure -R "$gtest_tests|$e2e_tests"
end=$(date +%s)
echo "sanitize.sh: build $((built - start)) s, tests $((end - built)) s"
