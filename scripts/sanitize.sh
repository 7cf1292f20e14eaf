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
gtest_targets=(iss_unit_tests arm_unit_tests kernel_tests_simd kernel_tests_portable deploy_tests platform_tests)
tool_targets=(vitsim extreme_weights firmware firmware-arm platform_programs arm_stm32_programs arm_fault_programs)
gtest_tests='^(iss|kernels\.(simd|portable))\.|^arm\.[A-Z]|^arm\.(profile|fault)\.|^[A-Z][A-Za-z0-9]*\.[A-Za-z0-9_]+$'
e2e_tests='^cli\.|^run\.(tiny\.stm32f746\.(default|baseline|portable|fwsa)|tiny-lowrank\.stm32f746\.default|extreme_biases\.|over_budget|plan_does_not_fit|unknown_|bad_|malformed_network|shape_mismatch|missing_weights_file|cycle_limit|not_an_interpreter|compare_not_a_report|sweep_without_vary)'

# Why each option is there: docs/testing.md. Leak, heap, global and in-frame stack
# checks all stay on; only the SystemC coroutine false positives are kept out.
# ASan's reports go to files, not stderr: after a simulation it prints a warning
# about SystemC's coroutine stacks at the first C++ throw (google/sanitizers#189),
# which would break the tests that compare vitsim's stderr line for line. Every
# file is checked below: a report fails the run even if its test passed. UBSan
# reports stay on stderr (and end the process: the test fails).
mkdir -p "$build_dir"
log_dir=$(cd "$build_dir" && pwd)/sanitizer-logs
rm -rf "$log_dir" && mkdir -p "$log_dir"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=0:suppressions=$root/scripts/sanitize.supp:print_suppressions=0:log_path=$log_dir/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

start=$(date +%s)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVITSIM_SANITIZE=ON >/dev/null
cmake --build "$build_dir" -j"$jobs" --target "${gtest_targets[@]}" "${tool_targets[@]}"
built=$(date +%s)
status=0
ctest --test-dir "$build_dir" -j"$jobs" --output-on-failure -R "$gtest_tests|$e2e_tests" || status=$?
end=$(date +%s)

reports=$(grep -l -E "ERROR: (Address|Leak)Sanitizer" "$log_dir"/* 2>/dev/null || true)
for f in $reports; do
  echo "=== sanitizer report: $f"
  cat "$f"
  status=1
done
echo "sanitize.sh: build $((built - start)) s, tests $((end - built)) s, $(echo $reports | wc -w) sanitizer reports"
exit $status
