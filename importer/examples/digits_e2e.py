"""End to end: train a small ViT on scikit-learn's 8x8 digits, export it to ONNX,
import and quantize it, and run it on every profile with `vitsim run --inputs`.

    /usr/bin/python3 importer/examples/digits_e2e.py --vitsim build/sim/vitsim OUT_DIR [--test 100] [--check]

Prints the accuracy table (float, fake-quantized int8, host int8 golden model,
simulated MCU per profile) and cycles per inference. With --check it exits 1
unless, on every profile, every output equals the host golden model bit for bit,
the simulated MCU's top-1 equals the host int8 top-1, and it is within MARGIN of
the float model's top-1 (docs/import.md).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

from vitsim_import import recover  # noqa: E402
from vitsim_import.quantize import calibrate, compare  # noqa: E402

MARGIN = 0.03  # simulated MCU vs float top-1, absolute (3 points): int8 rounding may flip a few samples


def run(cmd, **kw):
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vitsim", required=True)
    ap.add_argument("--test", type=int, default=100, help="test images run on the simulator")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--profiles", default="", help="comma-separated (default: every soc/profiles/*.json)")
    ap.add_argument("--set", action="append", default=[], help="vitsim deployment option, repeatable")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    out = args.out
    py = sys.executable
    run([py, os.path.join(HERE, "digits_vit.py"), out, "--epochs", str(args.epochs)])
    net, weights = os.path.join(out, "digits.json"), os.path.join(out, "digits.vswt")
    run([py, "-m", "vitsim_import", os.path.join(out, "digits_vit.onnx"), "--calib", os.path.join(out, "calib.npz"),
         "--test", os.path.join(out, "test.npz"), "--net", net, "--weights", weights, "--name", "digits",
         "--export-inputs", os.path.join(out, "test_vitsim.npz"), "--report", os.path.join(out, "import.json")],
        cwd=os.path.dirname(HERE))
    with np.load(os.path.join(out, "test_vitsim.npz")) as d:
        x, y = d["x"][:args.test], d["y"][:args.test]
    subset = os.path.join(out, f"test{args.test}.npz")
    np.savez(subset, x=x, y=y)

    # float and fake-quantized top-1 on the same subset (the importer's models)
    import onnx
    with np.load(os.path.join(out, "calib.npz")) as d:
        calib = d["x"]
    vit, _ = recover.recover(onnx.load(os.path.join(out, "digits_vit.onnx")), "digits")
    q = calibrate(vit, np.stack([recover.to_vitsim_layout(vit, s) for s in calib]))
    host, _, _ = compare(vit, q, x, y)

    profiles = args.profiles.split(",") if args.profiles else sorted(
        os.path.basename(p)[:-5] for p in glob.glob(os.path.join(ROOT, "soc", "profiles", "*.json")))
    rows, failures = [], []
    for p in profiles:
        report = os.path.join(out, f"run-{p}.json")
        cmd = [args.vitsim, "run", "--net", net, "--weights", weights, "--inputs", subset, "--soc", p, "--json", report]
        for s in args.set:
            cmd += ["--set", s]
        start = time.monotonic()
        run(cmd, stdout=subprocess.DEVNULL)
        seconds = time.monotonic() - start
        with open(report) as f:
            b = json.load(f)["inputs"]
        rows.append((p, b, seconds))
        if not b["golden_match"] or b["top1_accuracy"] != b["golden_top1_accuracy"]:
            failures.append(f"{p}: simulated MCU top-1 {b['top1_accuracy']} != host int8 {b['golden_top1_accuracy']}")
        if abs(b["top1_accuracy"] - host["float_top1"]) > MARGIN:
            failures.append(f"{p}: simulated MCU top-1 {b['top1_accuracy']} is more than {MARGIN} from float "
                            f"{host['float_top1']}")

    print(f"\ndigits ViT, {len(y)} test images")
    print(f"| model | top-1 |\n|---|---|\n| float (PyTorch graph, float64) | {100 * host['float_top1']:.1f}% |")
    print(f"| int8 fake-quantized (importer) | {100 * host['fake_quant_top1']:.1f}% |")
    print(f"| int8 host golden model (vitsim) | {100 * rows[0][1]['golden_top1_accuracy']:.1f}% |")
    for p, b, _ in rows:
        print(f"| simulated MCU, {p} | {100 * b['top1_accuracy']:.1f}% |")
    print("\n| profile | cycles per inference (mean) | stdev | host seconds for the run |\n|---|---|---|---|")
    for p, b, s in rows:
        c = b["cycles_per_inference"]
        print(f"| {p} | {c['mean']:.0f} | {c['stdev']:.1f} | {s:.1f} |")
    if failures:
        print("\n".join(["FAILED:"] + failures))
        return 1 if args.check else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
