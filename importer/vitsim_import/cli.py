"""vitsim-import MODEL.onnx --calib DATA --net OUT.json --weights OUT.vswt [...]

Reads the ONNX model, recovers the ViT, checks it against the ONNX graph,
calibrates int8 scales on DATA and writes vitsim's network JSON and weights file.
Prints how far the float, fake-quantized and ONNX models are apart. Exit codes
in errors.py (docs/import.md).
"""
import argparse
import io
import json
import os
import sys
import tempfile
from dataclasses import replace

import numpy as np

from . import lowrank, quantize, recover, vswt
from .errors import EXIT_BAD_DATA, EXIT_USAGE, ImportFailure

VERIFY_SAMPLES = 16  # samples on which the ONNX graph and the recovered network are compared


def read_samples(path, sample_shape):
    """(samples [N, *sample_shape] float, labels or None) from an .npz (keys x and
    optionally y) or a directory of .npy files (one sample each, sorted by name)."""
    try:
        if os.path.isdir(path):
            files = sorted(f for f in os.listdir(path) if f.endswith(".npy"))
            if not files:
                raise ImportFailure(EXIT_BAD_DATA, f"{path}: no .npy file in the directory")
            x, y = np.stack([np.load(os.path.join(path, f), allow_pickle=False) for f in files]), None
        else:
            with np.load(path, allow_pickle=False) as data:
                if not hasattr(data, "files"):
                    raise ImportFailure(EXIT_BAD_DATA, f"{path}: not an .npz archive (keys x and optionally y)")
                if "x" not in data.files:
                    raise ImportFailure(EXIT_BAD_DATA, f"{path}: no array 'x' (has: {', '.join(data.files) or 'none'})")
                x, y = data["x"], data["y"] if "y" in data.files else None
    except ImportFailure:
        raise
    except (OSError, ValueError) as e:
        raise ImportFailure(EXIT_BAD_DATA, f"{path}: cannot read calibration data ({str(e).splitlines()[0]})")
    if x.ndim == len(sample_shape):
        x = x[None]
    if tuple(x.shape[1:]) != tuple(sample_shape) or x.shape[0] == 0:
        raise ImportFailure(EXIT_BAD_DATA, f"{path}: samples have shape {list(x.shape[1:])}, the model's input "
                            f"is {list(sample_shape)} (N samples first)")
    if y is not None and (y.ndim != 1 or len(y) != len(x)):
        raise ImportFailure(EXIT_BAD_DATA, f"{path}: {len(y) if y.ndim else 0} labels for {len(x)} samples")
    return x.astype(np.float64), y


def write_atomically(path, data):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".vitsim-import-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def run(args):
    model = recover.load(args.model)
    name = args.name or os.path.splitext(os.path.basename(args.model))[0]
    vit, graph = recover.recover(model, name)
    samples, labels = read_samples(args.calib, graph.input_shape[1:])
    onnx_diff = recover.verify(vit, graph, samples[:VERIFY_SAMPLES])
    for ratio in args.lowrank:  # every ratio checked before anything is computed or written
        check_rank(vit, ratio, args.lowrank_layers)
    local = np.stack([recover.to_vitsim_layout(vit, x) for x in samples])
    evaluated, evaluated_labels = local, labels
    if args.test:  # evaluated (and exported) instead of the calibration set
        tx, evaluated_labels = read_samples(args.test, graph.input_shape[1:])
        evaluated = np.stack([recover.to_vitsim_layout(vit, x) for x in tx])
    several = len(args.lowrank) > 1
    outputs, written = [], []  # (path, bytes), written once every ratio is done; (net, weights) paths
    print_structure(vit, name, onnx_diff)
    for ratio in args.lowrank:
        suffix = variant_suffix(ratio, args.lowrank_layers) if several else ""
        report, network, weights = import_variant(vit, name + suffix, ratio, args.lowrank_layers, local, evaluated,
                                                  evaluated_labels, "test" if args.test else "calibration")
        report["onnx_vs_float_max_relative"] = onnx_diff
        network["description"] = f"imported from {os.path.basename(args.model)}"
        written.append((with_suffix(args.net, suffix), with_suffix(args.weights, suffix)))
        outputs += [(written[-1][0], (json.dumps(network, indent=2) + "\n").encode()), (written[-1][1], weights)]
        if args.report:
            outputs.append((with_suffix(args.report, suffix), (json.dumps(report, indent=2) + "\n").encode()))
    if args.export_inputs:  # the samples are the same for every ratio
        out = {"x": evaluated.astype(np.float32)}
        if evaluated_labels is not None:
            out["y"] = evaluated_labels.astype(np.int64)
        buf = io.BytesIO()
        np.savez(buf, **out)
        outputs.append((args.export_inputs, buf.getvalue()))
    for path, data in outputs:
        write_atomically(path, data)
    for net, weights in written:
        print(f"wrote {net} and {weights}")
    return 0


def import_variant(dense, name, ratio, layers, calib, evaluated, labels, evaluated_on):
    """(report, network JSON, weights bytes) of `dense` factorised at `ratio` (1:
    dense), calibrated on `calib`, evaluated on `evaluated`; prints the comparison."""
    vit = lowrank.factorise(dense, ratio, layers) if ratio < 1.0 else dense
    vit = replace(vit, name=name)
    q = quantize.calibrate(vit, calib)
    report, factorised_logits, _ = quantize.compare(vit, q, evaluated, labels)
    if ratio < 1.0:
        report.update(lowrank.compare_with_dense(dense, vit, evaluated, factorised_logits, labels))
    report["evaluated_on"] = evaluated_on
    network = vit.network_json("")
    sample = quantize.quantize_input(evaluated[0], q.scales["input"])
    weights = vswt.serialize(name, q.params, q.scales, sample)
    line = (f"float vs fake-quantized int8 on {report['samples']} {evaluated_on} samples: top-1 agreement "
            f"{100 * report['top1_agreement']:.1f}%, logits relative RMS {100 * report['logits_relative_rms']:.2f}%")
    if labels is not None:
        line += f"; top-1 float {100 * report['float_top1']:.1f}%, int8 (fake-quantized) {100 * report['fake_quant_top1']:.1f}%"
    prefix = f"{name}: " if name != dense.name else ""
    print(prefix + line)
    if ratio < 1.0:
        print(prefix + lowrank.summary(report))
    return report, network, weights


def print_structure(vit, name, onnx_diff):
    blocks = vit.blocks[0] if vit.blocks else None
    print(f"{name}: {vit.input['kind']} input {list(vit.input_shape())}, {len(vit.blocks)} blocks"
          + (f" (E {blocks.embed}, {blocks.heads} heads of {blocks.head_dim}, MLP {blocks.mlp_hidden})" if blocks else "")
          + f", pool {vit.pool}, {vit.classes} classes")
    print(f"ONNX vs recovered float network: max difference {onnx_diff:.2e} of the largest logit")


def variant_suffix(ratio, layers):
    """What several ratios add to the names: "-lr0.25", "-mlp-lr0.25" (MLP only), "-lr1" (dense)."""
    return ("-mlp" if layers == "mlp" and ratio < 1.0 else "") + f"-lr{ratio:g}"


def with_suffix(path, suffix):
    """out/digits.json + "-lr0.25" -> out/digits-lr0.25.json."""
    root, ext = os.path.splitext(path)
    return root + suffix + ext


def check_rank(vit, ratio, layers):
    if ratio < 1.0 and lowrank.smallest_rank(vit, ratio, layers) < 1:
        raise ImportFailure(EXIT_USAGE, f"--lowrank {ratio:g}: gives rank 0 for the smallest layer "
                            f"(rank = int(ratio x min(in, out)))")


def parse_ratios(text):
    """--lowrank's value: numbers in (0, 1] (1: dense), comma-separated, no repeats;
    else None."""
    ratios = []
    for item in text.split(","):
        try:
            ratio = float(item)
        except ValueError:
            return None
        if not 0.0 < ratio <= 1.0 or ratio in ratios:
            return None
        ratios.append(ratio)
    return ratios


def main(argv=None):
    parser = argparse.ArgumentParser(prog="vitsim-import", description=__doc__.split("\n\n")[1])
    parser.add_argument("model", help="ONNX file (e.g. torch.onnx.export of a ViT, batch 1)")
    parser.add_argument("--calib", required=True, help=".npz with x [N, *input] (and labels y) or a directory of .npy")
    parser.add_argument("--net", required=True, help="network JSON to write")
    parser.add_argument("--weights", required=True, help="weights file (VSWT) to write")
    parser.add_argument("--name", help="network name (default: the model file's name)")
    parser.add_argument("--test", help="labelled data (same format as --calib) to evaluate and export instead of "
                        "the calibration set")
    parser.add_argument("--export-inputs", help="also write the evaluated samples (x, and y when labelled) in "
                        "vitsim's layout, for vitsim run --inputs")
    parser.add_argument("--report", help="write the float / fake-quantized comparison as JSON")
    parser.add_argument("--lowrank", default="1", metavar="RATIO[,RATIO...]",
                        help="factorise the dense layers by truncated SVD to rank int(RATIO x min(in, out)), "
                        "RATIO in (0, 1]; 1 (default): dense. Several ratios write one network and weights "
                        "file per ratio, named NET-lrRATIO.json and WEIGHTS-lrRATIO.vswt")
    parser.add_argument("--lowrank-layers", choices=lowrank.LAYER_SETS, default="all",
                        help="which layers --lowrank factorises: all (every dense layer and the attention; "
                        "default) or mlp (each block's fc1 and fc2, a per-layer rank in the network JSON)")
    args = parser.parse_args(argv)
    ratios = parse_ratios(args.lowrank)
    if ratios is None:
        print(f"vitsim-import: --lowrank {args.lowrank!r}: not ratios in (0, 1] (comma-separated, each once)",
              file=sys.stderr)
        return EXIT_USAGE
    args.lowrank = ratios
    try:
        return run(args)
    except ImportFailure as e:
        print(f"vitsim-import: {e}", file=sys.stderr)
        return e.code
