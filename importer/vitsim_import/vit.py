"""A ViT in vitsim's terms: the network JSON (docs/networks.md) and forward passes
over the graph vitsim expands it to (sim/deploy/network.cpp), with the same node
names, parameter names and activation-scale points as sim/deploy/reference.cpp.

The float pass records the largest magnitude at every scale point (calibration);
the fake-quantized pass rounds every activation to its int8 scale at the same
points (what the int8 kernels do, up to their integer approximations).
"""
import math
from dataclasses import dataclass, field

import numpy as np

SOFTMAX_SCALE = 2.0 ** -7  # the softmax kernel's output scale (docs/deploy.md)


@dataclass
class Block:
    embed: int
    heads: int
    head_dim: int
    mlp_hidden: int


@dataclass
class ViT:
    """Structure and float parameters (vitsim names and layouts, float64)."""
    name: str
    input: dict                 # {"kind": "image", ...} or {"kind": "sequence", ...}
    embed_op: str               # "patch_embed" or "linear_embed"
    embed: int
    patch: int = 0              # patch_embed only
    class_token: bool = False
    pos_embed: bool = False
    blocks: list = field(default_factory=list)
    final_norm: bool = True
    pool: str = "class_token"   # or "mean"
    classes: int = 0
    eps: float = 1e-5
    params: dict = field(default_factory=dict)
    onnx_layout: str = "nchw"   # the ONNX input's layout: "nchw" image, "ncl" or "nsc" sequence
    low_rank_ratio: float = 0.0  # > 0: the layers of low_rank_layers are low-rank chains (lowrank.py)
    low_rank_layers: str = "all"  # "all" dense layers and attention, or "mlp": each block's fc1 and fc2

    def factorised(self, name):
        """Whether dense layer (or attention, "<block>.attn") `name` is a low-rank chain."""
        return self.low_rank_ratio > 0 and (self.low_rank_layers == "all" or ".mlp." in name)

    def dense_points(self, name, gelu=False):
        """The scale points of dense layer `name`: its output (the chain's `.a`,
        `.b`, `.c` when low-rank) and `:pre_gelu` of the GELU one."""
        outs = [name + s for s in (".a", ".b", ".c")] if self.factorised(name) else [name]
        return outs + ([outs[-1] + ":pre_gelu"] if gelu else [])

    def embed_output(self):
        """The tokenizer's output tensor (a linear one is dense or a chain)."""
        return self.dense_points("embed")[-1] if self.embed_op == "linear_embed" else "embed"

    def output_of(self, name):
        """The tensor a dense layer (or attention, "<block>.attn") hands on."""
        if name.endswith(".attn"):
            return name + ".proj.c" if self.factorised(name) else name
        return self.dense_points(name)[-1]

    def network_json(self, description):
        layers = []
        if self.embed_op == "patch_embed":
            layers.append({"op": "patch_embed", "name": "embed", "patch": self.patch, "embed": self.embed})
        else:
            layers.append({"op": "linear_embed", "name": "embed", "out_features": self.embed})
        if self.class_token:
            layers.append({"op": "class_token", "name": "cls"})
        if self.pos_embed:
            layers.append({"op": "pos_embed", "name": "pos"})
        for i, b in enumerate(self.blocks):
            layers.append({"op": "encoder", "name": f"block{i}", "embed": b.embed, "heads": b.heads,
                           "head_dim": b.head_dim, "mlp_hidden": b.mlp_hidden})
            if self.low_rank_ratio > 0 and self.low_rank_layers == "mlp":  # per-layer rank: the MLP only
                layers[-1]["mlp_low_rank_ratio"] = self.low_rank_ratio
        if self.final_norm:
            layers.append({"op": "layernorm", "name": "norm"})
        layers.append({"op": "pool", "name": "pool", "mode": self.pool})
        layers.append({"op": "classifier", "name": "head", "classes": self.classes})
        network = {"format": "vitsim-network", "version": 1, "name": self.name, "description": description,
                   "assumptions": ["imported from ONNX by vitsim_import; int8 scales calibrated on the user's data"],
                   "input": self.input}
        if self.low_rank_ratio > 0 and self.low_rank_layers == "all":
            network["low_rank_ratio"] = self.low_rank_ratio
        network.update({"layernorm_eps": self.eps, "layers": layers})
        return network

    def input_shape(self):
        """The vitsim layout of one sample: HWC image or [tokens][features]."""
        i = self.input
        return (i["height"], i["width"], i["channels"]) if i["kind"] == "image" else (i["tokens"], i["features"])


def _gelu(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def _layer_norm(x, gamma, beta, eps):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


class Forward:
    """One pass over the expanded graph. `point(name, value)` sees every tensor at a
    scale point and returns the value the pass goes on with."""

    def __init__(self, vit, params, point, fused_points=False):
        self.v, self.p, self.point, self.fused_points = vit, params, point, fused_points

    def run(self, x):
        v, p = self.v, self.p
        x = self.point("input", np.asarray(x, dtype=np.float64).reshape(v.input_shape()))
        if v.embed_op == "patch_embed":
            x = self._patch_embed(x)
        else:
            x = self._dense("embed", x)
        if v.class_token:
            x = self.point("cls", np.vstack([p["cls.token"][None, :], x]))
        if v.pos_embed:
            x = self.point("pos", x + p["pos.table"])
        for i, blk in enumerate(v.blocks):
            x = self._block(f"block{i}", blk, x)
        if v.final_norm:
            rows = x[:1] if v.pool == "class_token" else x  # vitsim normalises the class token only
            x = self.point("norm", _layer_norm(rows, p["norm.gamma"], p["norm.beta"], v.eps))
        if v.pool == "mean":
            x = self.point("pool", x.mean(axis=0, keepdims=True))
        else:
            x = x[:1]  # a view (or the one row the LayerNorm wrote)
        return self._dense("head", x)[0]

    def _patch_embed(self, img):
        p, k = self.p, self.v.patch
        h, w, c = img.shape
        cols = img.reshape(h // k, k, w // k, k, c).transpose(0, 2, 1, 3, 4).reshape((h // k) * (w // k), k * k * c)
        weight = p["embed.weight"].reshape(self.v.embed, -1)
        return self.point("embed", cols @ weight.T + p["embed.bias"])

    def _block(self, b, blk, x):
        p, eps = self.p, self.v.eps
        h = self.point(f"{b}.ln1", _layer_norm(x, p[f"{b}.ln1.gamma"], p[f"{b}.ln1.beta"], eps))
        x = self.point(f"{b}.add1", x + self._attention(f"{b}.attn", blk, h))
        h = self.point(f"{b}.ln2", _layer_norm(x, p[f"{b}.ln2.gamma"], p[f"{b}.ln2.beta"], eps))
        h = self._dense(f"{b}.mlp.fc1", h, gelu=True)
        h = self._dense(f"{b}.mlp.fc2", h)
        return self.point(f"{b}.add2", x + h)

    def _dense(self, name, x, gelu=False):
        """A dense layer, or its low-rank chain a, b, c (only c has the bias and GELU)."""
        p = self.p
        points = self.v.dense_points(name, gelu)
        if self.v.factorised(name):
            for factor, point in zip((".a", ".b"), points):
                x = self.point(point, x @ p[name + factor + ".weight"].T)
            name += ".c"
        y = x @ p[name + ".weight"].T + p[name + ".bias"]
        if gelu:
            return self.point(name, _gelu(self.point(name + ":pre_gelu", y)))
        return self.point(name, y)

    def _attention(self, a, blk, x):
        """MHSA; low-rank: qkv.a, qkv.b, the MHSA at width k, proj.b, proj.c."""
        p, hd = self.p, blk.head_dim
        low_rank = self.v.factorised(a)
        if low_rank:
            for f in ("a", "b"):
                x = self.point(f"{a}.qkv.{f}", x @ p[f"{a}.qkv.{f}.weight"].T)
        q = self.point(f"{a}:q", x @ p[f"{a}.wq"].T + p[f"{a}.bq"])
        k = self.point(f"{a}:k", x @ p[f"{a}.wk"].T + p[f"{a}.bk"])
        v = self.point(f"{a}:v", x @ p[f"{a}.wv"].T + p[f"{a}.bv"])
        s = x.shape[0]
        qh, kh, vh = (t.reshape(s, blk.heads, hd).transpose(1, 0, 2) for t in (q, k, v))
        scores = self.point(f"{a}:scores", qh @ kh.transpose(0, 2, 1) / math.sqrt(hd))
        e = np.exp(scores - scores.max(axis=2, keepdims=True))
        probs = self.point(f"{a}:softmax", e / e.sum(axis=2, keepdims=True))
        context = self.point(f"{a}:context", (probs @ vh).transpose(1, 0, 2).reshape(s, blk.heads * hd))
        if self.fused_points:
            self._fused(a, blk, x)
        if not low_rank:
            return self.point(a, context @ p[f"{a}.wo"].T + p[f"{a}.bo"])
        y = self.point(a, context @ p[f"{a}.wo"].T)
        y = self.point(f"{a}.proj.b", y @ p[f"{a}.proj.b.weight"].T)
        return self.point(f"{a}.proj.c", y @ p[f"{a}.proj.c.weight"].T + p[f"{a}.proj.c.bias"])

    def _fused(self, a, blk, x):
        """FWSA's internal tensors T = X Wf^T + bf and T X^T / sqrt(P), per head."""
        p, hd = self.p, blk.head_dim
        for h in range(blk.heads):
            wq, wk = p[f"{a}.wq"][h * hd:(h + 1) * hd], p[f"{a}.wk"][h * hd:(h + 1) * hd]
            wf = wk.T @ wq
            bf = wk.T @ p[f"{a}.bq"][h * hd:(h + 1) * hd]
            t = self.point(f"{a}:t", x @ wf.T + bf)
            self.point(f"{a}:scores_fused", t @ x.T / math.sqrt(hd))


def float_forward(vit, params, x, fused_points=False):
    """Logits, and the largest magnitude at every scale point."""
    seen = {}

    def record(name, value):
        seen[name] = max(seen.get(name, 0.0), float(np.abs(value).max()))
        return value

    return Forward(vit, params, record, fused_points).run(x), seen


def fake_quant_forward(vit, params, scales, x):
    """Logits with every activation rounded to int8 at its scale, as the kernels store it."""
    def round_to_scale(name, value):
        scale = SOFTMAX_SCALE if name.endswith(":softmax") else scales.get(name)
        if scale is None:
            return value
        return np.clip(np.rint(value / scale), -127 if scale != SOFTMAX_SCALE else 0, 127) * scale

    return Forward(vit, params, round_to_scale).run(x)
