#!/bin/bash
# Simulator speed with and without traces (issue 9's figures): eegformer on a profile,
# run with no trace, a full VCD, a windowed VCD (block0.attn), a timeline and an FST;
# host MIPS (every core's instructions per host second of the simulation, the best of
# REPEAT runs) and the trace's size per simulated second.
#   bash bench/trace_speed.sh [BUILD_DIR] [SOC] [REPEAT]     (defaults: build stm32f746 3)
set -euo pipefail
build=${1:-build}
soc=${2:-stm32f746}
repeat=${3:-3}
vitsim="$build/sim/vitsim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # name output-file vitsim-trace-options...
    local name=$1 out=$2
    shift 2
    for i in $(seq "$repeat"); do
        "$vitsim" run --net eegformer --soc "$soc" --json "$work/r$i.json" "$@" > /dev/null
    done
    /usr/bin/python3 - "$name" "$out" "$work" "$repeat" <<'PY'
import json, os, sys
name, out, work, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
best = None
for i in range(1, repeat + 1):
    r = json.load(open(f"{work}/r{i}.json"))
    t = r["totals"]
    instructions = t["instructions"] + sum(c["instructions"] for c in r.get("cluster", {}).get("cores", []))
    mips = instructions / t["host_seconds"] / 1e6
    best = max(best or 0, mips)
size = os.path.getsize(out) if out != "-" else 0
per_s = size / t["sim_time_s"] / 1e6 if size else 0
print(f"{name:<22} {best:8.1f} MIPS   trace {size/1e3:9.1f} kB   {per_s:8.2f} MB per simulated second")
PY
}
echo "eegformer on $soc, best of $repeat"
measure "tracing off" -
measure "--vcd (full)" "$work/t.vcd" --vcd "$work/t.vcd"
measure "--vcd block0.attn" "$work/w.vcd" --vcd "$work/w.vcd" --trace-from layer:block0.attn --trace-to layer:block0.attn
measure "--timeline" "$work/t.json" --timeline "$work/t.json"
measure "--fst (full)" "$work/t.fst" --fst "$work/t.fst"
