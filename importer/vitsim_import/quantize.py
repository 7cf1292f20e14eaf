"""Post-training quantization, the way vitsim's own generator does it
(sim/deploy/weights.cpp): int8 symmetric per tensor, scale = max|x| / 127 rounded
up to 12 significant bits; int32 biases at the accumulator's scale; LayerNorm beta
at gamma's scale x 2^-11; activation scales from the largest magnitude seen on the
calibration data at every point vitsim needs (node outputs, :q :k :v :scores
:context :t :scores_fused, :pre_gelu). Deterministic: no sampling, no randomness.
"""
import math

import numpy as np

from .vit import float_forward, fake_quant_forward

LN_BETA_SHIFT = 11  # the LayerNorm kernel's Q11 (docs/networks.md, "Weights")


def scale_for_max(max_abs):
    m = max(max_abs, 1e-6) / 127.0
    f, e = math.frexp(m)
    return math.ldexp(math.ceil(math.ldexp(f, 12)), e - 12)


def quantize_int8(values, scale):
    return np.clip(np.rint(values / scale), -127, 127).astype(np.int8)


def quantize_int32(values, scale):
    return np.clip(np.rint(values / scale), -2147483647, 2147483647).astype(np.int32)


def _role(name):
    if name.endswith(".gamma"):
        return "gamma"
    if name.endswith(".beta"):
        return "beta"
    if name.endswith(".token"):
        return "token"
    if name.endswith(".bias") or name.rsplit(".", 1)[-1] in ("bq", "bk", "bv", "bo"):
        return "bias"
    return "weight"  # weights and the positional table


def scale_names(vit):
    """Graph::activation_scale_names() of the network the ViT describes."""
    embed = vit.dense_points("embed") if vit.embed_op == "linear_embed" else ["embed"]
    names = ["input"] + embed + (["cls"] if vit.class_token else []) + (["pos"] if vit.pos_embed else [])
    for i in range(len(vit.blocks)):
        b = f"block{i}"
        low_rank = vit.factorised(f"{b}.attn")
        names += [f"{b}.ln1"] + ([f"{b}.attn.qkv.a", f"{b}.attn.qkv.b"] if low_rank else [])
        names += [f"{b}.attn"] + [f"{b}.attn{p}" for p in (":q", ":k", ":v", ":scores", ":context",
                                                           ":t", ":scores_fused")]
        names += [f"{b}.attn.proj.b", f"{b}.attn.proj.c"] if low_rank else []
        names += [f"{b}.add1", f"{b}.ln2"] + vit.dense_points(f"{b}.mlp.fc1", gelu=True)
        names += vit.dense_points(f"{b}.mlp.fc2") + [f"{b}.add2"]
    if vit.final_norm:
        names.append("norm")
    if vit.pool == "mean" or not vit.final_norm:
        names.append("pool")
    return names + vit.dense_points("head")


def _before_head(vit):
    """The tensor the classifier reads (the pooled row)."""
    order = scale_names(vit)
    return order[order.index(vit.dense_points("head")[0]) - 1]


def _bias_input(vit, name):
    """The activation a GEMM's bias is added to the product of (its accumulator scale)."""
    node = name.rsplit(".", 1)[0]
    if node.endswith(".c") and vit.factorised(node[:-2]):  # a low-rank chain's last factor reads its .b
        return node[:-1] + "b", node + ".weight"
    if name.endswith(".bo"):
        return node + ":context", node + ".wo"
    if name.rsplit(".", 1)[-1] in ("bq", "bk", "bv"):
        block = node.rsplit(".", 1)[0]
        return (node + ".qkv.b" if vit.factorised(node) else block + ".ln1"), node + ".w" + name[-1]
    if node == "embed":
        return "input", "embed.weight"
    if node.endswith("mlp.fc1"):
        return node[: -len("mlp.fc1")] + "ln2", node + ".weight"
    if node.endswith("mlp.fc2"):
        return vit.output_of(node[: -len("fc2")] + "fc1"), node + ".weight"
    return _before_head(vit), "head.weight"  # the classifier


class Quantized:
    """int8/int32 parameters with their scales, every activation scale, and the
    dequantized parameters (what the fake-quantized model computes with)."""

    def __init__(self, params, scales, real):
        self.params, self.scales, self.real = params, scales, real


def calibrate(vit, samples):
    """Quantizes `vit` with activation scales calibrated on `samples` (float, vitsim
    layout, one per row)."""
    params, real = {}, {}
    for name, values in vit.params.items():
        if _role(name) in ("weight", "gamma"):
            scale = scale_for_max(float(np.abs(values).max()))
            params[name] = (quantize_int8(values, scale), scale)
            real[name] = params[name][0].astype(np.float64) * scale
        else:
            real[name] = values  # quantized once the activation scales are known
    seen = {}
    for x in samples:
        _, points = float_forward(vit, real, x, fused_points=True)
        for name, m in points.items():
            seen[name] = max(seen.get(name, 0.0), m)
    scales = {name: scale_for_max(seen[name]) for name in scale_names(vit) if name in seen}
    if vit.class_token:  # the class-token kernel needs token and tokens at one scale
        emb = vit.embed_output()
        scales["cls"] = scales[emb] = max(scales["cls"], scales[emb])
    if "pool" in scale_names(vit) and vit.pool != "mean":
        scales["pool"] = scales["norm" if vit.final_norm else scale_names(vit)[scale_names(vit).index("pool") - 1]]
    for name, values in vit.params.items():
        role = _role(name)
        if role == "bias":
            act, weight = _bias_input(vit, name)
            scale = scales[act] * params[weight][1]
            params[name] = (quantize_int32(values, scale), scale)
        elif role == "beta":
            scale = params[name[: -len("beta")] + "gamma"][1] * 2.0 ** -LN_BETA_SHIFT
            params[name] = (quantize_int32(values, scale), scale)
        elif role == "token":
            scale = scales["cls"]
            params[name] = (quantize_int8(values, scale), scale)
        real[name] = params[name][0].astype(np.float64) * params[name][1]
    return Quantized(params, scales, real)


def quantize_input(x, scale):
    return quantize_int8(np.asarray(x, dtype=np.float64), scale)


def compare(vit, q, samples, labels=None):
    """Float vs fake-quantized logits on `samples`: top-1 of each (against labels
    when given), their top-1 agreement, and the relative RMS difference."""
    float_logits, fq_logits = [], []
    for x in samples:
        float_logits.append(float_forward(vit, vit.params, x)[0])
        xq = quantize_input(x, q.scales["input"]) * q.scales["input"]
        fq_logits.append(fake_quant_forward(vit, q.real, q.scales, xq))
    f, fq = np.array(float_logits), np.array(fq_logits)
    report = {"samples": len(samples),
              "top1_agreement": float(np.mean(f.argmax(1) == fq.argmax(1))),
              "logits_relative_rms": float(np.sqrt(np.mean((f - fq) ** 2)) / max(np.sqrt(np.mean(f ** 2)), 1e-30))}
    if labels is not None:
        labels = np.asarray(labels)
        report["float_top1"] = float(np.mean(f.argmax(1) == labels))
        report["fake_quant_top1"] = float(np.mean(fq.argmax(1) == labels))
    return report, f, fq
