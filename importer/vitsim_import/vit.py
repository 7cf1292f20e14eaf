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
        if self.final_norm:
            layers.append({"op": "layernorm", "name": "norm"})
        layers.append({"op": "pool", "name": "pool", "mode": self.pool})
        layers.append({"op": "classifier", "name": "head", "classes": self.classes})
        return {"format": "vitsim-network", "version": 1, "name": self.name, "description": description,
                "assumptions": ["imported from ONNX by vitsim_import; int8 scales calibrated on the user's data"],
                "input": self.input, "layernorm_eps": self.eps, "layers": layers}

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
            x = self.point("embed", x @ p["embed.weight"].T + p["embed.bias"])
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
        return self.point("head", x @ p["head.weight"].T + p["head.bias"])[0]

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
        fc1 = f"{b}.mlp.fc1"
        h = self.point(f"{fc1}:pre_gelu", h @ p[f"{fc1}.weight"].T + p[f"{fc1}.bias"])
        h = self.point(fc1, _gelu(h))
        fc2 = f"{b}.mlp.fc2"
        h = self.point(fc2, h @ p[f"{fc2}.weight"].T + p[f"{fc2}.bias"])
        return self.point(f"{b}.add2", x + h)

    def _attention(self, a, blk, x):
        p, hd = self.p, blk.head_dim
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
        return self.point(a, context @ p[f"{a}.wo"].T + p[f"{a}.bo"])

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
