#!/usr/bin/env python3
"""vitsim plot and --plot (docs/cli.md, "vitsim plot"): the pictures are real SVG and
PNG files made from real reports, a sweep marks its Pareto front, bad input is one line
and an exit code.

  check_plot.py VITSIM RUN_REPORT OTHER_RUN_REPORT OUT_DIR

Standard library only (xml.etree parses the SVG).
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

VITSIM, REPORT, OTHER, OUT = sys.argv[1:5]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def vitsim(*args):
    return subprocess.run([VITSIM, *args], capture_output=True, text=True)


def svg_text(path):
    root = ET.parse(path).getroot()
    check(root.tag in ("svg", "{http://www.w3.org/2000/svg}svg"), f"{path}: root element is <svg> (got {root.tag})")
    return " ".join(t for t in root.itertext())


def check_png(path):
    with open(path, "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: PNG signature")
    check(head[12:16] == b"IHDR" and int.from_bytes(head[16:20], "big") > 0, f"{path}: PNG header with a width")


def check_refusal(result, code, text, what):
    lines = result.stderr.splitlines()
    check(result.returncode == code, f"{what}: exit {code} (got {result.returncode}: {result.stderr!r})")
    check(len(lines) == 1 and text in result.stderr, f"{what}: one line naming '{text}' (got {result.stderr!r})")


os.makedirs(OUT, exist_ok=True)
report = json.load(open(REPORT))
layers = [l["name"] for l in report["layers"]]

# A run report: an SVG whose text names every layer and the budget line, and a PNG.
svg = os.path.join(OUT, "run.svg")
r = vitsim("plot", REPORT, svg)
check(r.returncode == 0 and r.stderr == "", f"plot run report: exit 0, quiet (got {r.returncode}: {r.stderr!r})")
text = svg_text(svg)
for name in layers:
    check(name in text, f"run.svg names layer {name}")
for word in ("cycles per layer", "peak SRAM per layer", "SRAM budget", report["network"]):
    check(word in text, f"run.svg shows '{word}'")
check(("energy per layer" in text) == ("energy_uj" in report["totals"]), "run.svg has an energy panel iff the report has energy")
png = os.path.join(OUT, "run.png")
r = vitsim("plot", REPORT, png)
check(r.returncode == 0, f"plot run report as PNG: exit 0 (got {r.stderr!r})")
check_png(png)

# run --plot: the picture of the run just made, from the report it wrote.
run_json, run_svg = os.path.join(OUT, "tiny.json"), os.path.join(OUT, "tiny.svg")
r = vitsim("run", "--net", "tiny", "--json", run_json, "--plot", run_svg)
check(r.returncode == 0, f"run --plot: exit 0 (got {r.stderr!r})")
text = svg_text(run_svg)
check(all(l["name"] in text for l in json.load(open(run_json))["layers"]), "tiny.svg names every layer of the run")

# compare --plot: both runs' layers in one picture.
cmp_svg = os.path.join(OUT, "compare.svg")
r = vitsim("compare", REPORT, OTHER, "--plot", cmp_svg)
check(r.returncode == 0, f"compare --plot: exit 0 (got {r.stderr!r})")
text = svg_text(cmp_svg)
check(all(name in text for name in layers) and "A: " in text and "B: " in text, "compare.svg names the layers and both runs")

# Bad input: one line, an exit code, no picture.
bad = os.path.join(OUT, "bad.svg")
check_refusal(vitsim("plot", os.path.join(OUT, "missing.json"), bad), 111, "missing.json: cannot open report", "missing report")
profile = os.path.join(OUT, "not_a_report.json")
with open(profile, "w") as f:
    json.dump({"name": "board", "clock_hz": 1}, f)
check_refusal(vitsim("plot", profile, bad), 111, "not a 'vitsim run' or 'vitsim sweep' report", "not a report")
check_refusal(vitsim("plot", REPORT, os.path.join(OUT, "plot.txt")), 110, "an .svg or a .png file", "unknown picture format")
check_refusal(vitsim("plot", REPORT), 110, "takes a report and a picture", "no picture given")
check(not os.path.exists(bad), "a refused plot writes nothing")

# A real small sweep: the Pareto rows are exactly the runs no other run beats on time and
# peak SRAM (and energy when present), marked in the table, the JSON and the picture.
sweep_json, sweep_svg = os.path.join(OUT, "sweep.json"), os.path.join(OUT, "sweep.svg")
r = vitsim("sweep", "--net", "tiny", "--vary", "mhsa=layer-wise,depth-first", "--vary", "linear=out-of-place,token-overwrite",
           "--json", sweep_json, "--plot", sweep_svg)
check(r.returncode == 0, f"sweep: exit 0 (got {r.returncode}: {r.stderr!r})")
table = r.stdout.splitlines()
check(" pareto " in table[0], "the sweep table has a pareto column")
rows = json.load(open(sweep_json))["runs"]
energy = all("energy_uj" in row for row in rows)


def objectives(row):
    return [row["sim_time_s"], row["sram_peak_bytes"]] + ([row["energy_uj"]] if energy else [])


def dominated(row):
    a = objectives(row)
    return any(all(x <= y for x, y in zip(objectives(o), a)) and objectives(o) != a for o in rows)


for row, line in zip(rows, table[1:]):
    expected = not dominated(row)
    check(row["pareto"] is expected, f"{row['variant']}: pareto {expected} in the JSON")
    check(line.split()[-2] == ("yes" if expected else "no"), f"{row['variant']}: pareto in the table: {line}")
check(any(row["pareto"] for row in rows), "some run is on the front")
text = svg_text(sweep_svg)
for row in rows:
    if row["pareto"]:
        check(row["variant"] in text, f"sweep.svg names the Pareto-optimal run {row['variant']}")

sys.exit(1 if failures else 0)
