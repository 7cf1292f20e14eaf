#!/usr/bin/env bash
# Builds the libFuzzer targets of the input readers (tests/fuzz) in their own
# build dir with clang, and runs the short fuzz runs registered with ctest
# (label fuzz, $VITSIM_FUZZ_RUNS inputs each from a fixed seed, default 20000:
# deterministic, so CI never fails by chance). A finding fails the run;
# its input is in build-fuzz/tests/fuzz/findings/. docs/testing.md, "Fuzzing".
#   scripts/fuzz.sh                       configure, build, run the short runs
#   VITSIM_FUZZ_BUILD_DIR=dir scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${VITSIM_FUZZ_BUILD_DIR:-build-fuzz}
runs=${VITSIM_FUZZ_RUNS:-20000}
jobs=${VITSIM_FUZZ_JOBS:-2}
for tool in clang-14 clang++-14; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "scripts/fuzz.sh: $tool not found (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
        exit 2
    fi
done
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVITSIM_FUZZ=ON \
    -DVITSIM_BUILD_TESTS=OFF -DVITSIM_BUILD_FIRMWARE=OFF -DVITSIM_FUZZ_RUNS="$runs" >/dev/null
cmake --build "$build_dir" -j"$jobs" --target fuzz_elf fuzz_network fuzz_profile fuzz_weights fuzz_image fuzz_npz fuzz_seeds
ctest --test-dir "$build_dir" -L fuzz -j"$jobs" --output-on-failure
