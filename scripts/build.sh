#!/usr/bin/env bash
# Installs what the build needs (Debian packages, when missing), configures and builds
# vitsim, its firmware and its tests into ./build (or $VITSIM_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build_dir=${VITSIM_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
