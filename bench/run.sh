#!/bin/sh
# Runs the vitsim benchmark from a build directory and prints host MIPS and
# the matmul MAC/cycle.
#   bench/run.sh [BUILD_DIR] [SOC]      (defaults: build, stm32f746-rv32; the
# benchmark is a RISC-V program: the Arm ISS has its own, tests/arm arm_bench)
# The build directory must have been built (vitsim and the firmware target).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
soc=${2:-stm32f746-rv32}

if [ ! -d "$build" ]; then
    echo "bench/run.sh: build directory '$build' does not exist" >&2
    exit 2
fi
build=$(cd "$build" && pwd)
vitsim="$build/sim/vitsim"
elf="$build/firmware/bench.$soc.elf"
if [ ! -x "$vitsim" ]; then
    echo "bench/run.sh: $vitsim not found; build the 'vitsim' target first" >&2
    exit 2
fi
if [ ! -f "$elf" ]; then
    echo "bench/run.sh: $elf not found; build the 'firmware' target first" >&2
    exit 2
fi

exec cmake -DVITSIM="$vitsim" -DELF="$elf" -DSOC="$soc" \
    -DJSON="$build/bench/bench.$soc.json" -P "$here/bench.cmake"
