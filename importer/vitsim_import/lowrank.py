"""Low-rank factorisation of an imported ViT into vitsim's low-rank layer form
(docs/networks.md, "What a description expands to"; sim/deploy/network.cpp).

With layers "all", vitsim's network-wide `low_rank_ratio` makes every dense layer (a
`linear_embed`, each block's attention qkv and output projection, `mlp.fc1`,
`mlp.fc2`, the classifier; not the patch embedding) a chain of three GEMMs `d.a`
(in -> k), `d.b` (k -> k), `d.c` (k -> out, bias and GELU), with k = int(min(in,
out) * ratio); with layers "mlp", each encoder's `mlp_low_rank_ratio` (a per-layer
rank, docs/networks.md) makes only `mlp.fc1` and `mlp.fc2` chains. The importer
factorises exactly the layers vitsim expands that way.

Truncated SVD, W [out x in] ~ U_k S_k V_k^T, split so that each int8 factor stays
well conditioned under a per-tensor scale: a = sqrt(S_k) V_k^T, b = I (exact in
int8), c = U_k sqrt(S_k). Attention (a chain of one rank through the MHSA kernel):
qkv's a and b as above and its c rows as Wq/Wk/Wv ([HP x k], the biases unchanged);
the projection's a as Wo ([k x HP], no bias), then proj.b = I and proj.c (bias bo).
"""
from dataclasses import replace

import numpy as np


def rank_for(ratio, n_in, n_out):
    """vitsim's rank (sim/deploy/network.cpp, GraphBuilder::low_rank)."""
    return int(min(n_in, n_out) * ratio)


def svd_factors(weight, rank):
    """(a [rank x in], b [rank x rank], c [out x rank]) with c @ b @ a the best
    rank-`rank` approximation of `weight` [out x in]."""
    u, s, vt = np.linalg.svd(np.asarray(weight, dtype=np.float64), full_matrices=False)
    root = np.sqrt(s[:rank])
    return root[:, None] * vt[:rank], np.eye(rank), u[:, :rank] * root[None, :]


LAYER_SETS = ("all", "mlp")  # --lowrank-layers


def dense_layers(vit, layers="all"):
    """Names of the plain dense layers vitsim factorises (attention aside)."""
    mlp = [f"block{i}.mlp.fc{k}" for i in range(len(vit.blocks)) for k in (1, 2)]
    if layers == "mlp":
        return mlp
    return (["embed"] if vit.embed_op == "linear_embed" else []) + mlp + ["head"]


def smallest_rank(vit, ratio, layers="all"):
    """The smallest rank the ratio gives over every factorised layer (0 is refused)."""
    ranks = [rank_for(ratio, *vit.params[d + ".weight"].shape) for d in dense_layers(vit, layers)]
    if layers == "all":
        ranks += [rank_for(ratio, b.embed, b.heads * b.head_dim) for b in vit.blocks]
    return min(ranks)


def factorise(vit, ratio, layers="all"):
    """A copy of `vit` (dense) with every layer vitsim factorises at `ratio` (all of
    them, or the MLPs only) replaced by its truncated-SVD factors, under vitsim's
    parameter names."""
    p = dict(vit.params)
    for d in dense_layers(vit, layers):
        w = p.pop(d + ".weight")
        p[d + ".a.weight"], p[d + ".b.weight"], p[d + ".c.weight"] = svd_factors(w, rank_for(ratio, *w.shape))
        p[d + ".c.bias"] = p.pop(d + ".bias")
    if layers == "mlp":
        return replace(vit, params=p, low_rank_ratio=ratio, low_rank_layers="mlp")
    for i, blk in enumerate(vit.blocks):
        a, hp = f"block{i}.attn", blk.heads * blk.head_dim
        rank = rank_for(ratio, blk.embed, hp)
        qkv = np.vstack([p[f"{a}.wq"], p[f"{a}.wk"], p[f"{a}.wv"]])
        p[f"{a}.qkv.a.weight"], p[f"{a}.qkv.b.weight"], c = svd_factors(qkv, rank)
        p[f"{a}.wq"], p[f"{a}.wk"], p[f"{a}.wv"] = c[:hp], c[hp:2 * hp], c[2 * hp:]
        p[f"{a}.wo"], p[f"{a}.proj.b.weight"], p[f"{a}.proj.c.weight"] = svd_factors(p[f"{a}.wo"], rank)
        p[f"{a}.proj.c.bias"] = p.pop(f"{a}.bo")
    return replace(vit, params=p, low_rank_ratio=ratio)


def compare_with_dense(dense, factorised, samples, factorised_logits, labels=None):
    """How far the factorised float network is from the dense one on `samples`."""
    from .vit import float_forward
    d = np.array([float_forward(dense, dense.params, x)[0] for x in samples])
    f = np.asarray(factorised_logits)
    report = {"low_rank_ratio": factorised.low_rank_ratio, "low_rank_layers": factorised.low_rank_layers,
              "low_rank_top1_agreement_with_dense": float(np.mean(d.argmax(1) == f.argmax(1))),
              "low_rank_logits_relative_rms": float(np.sqrt(np.mean((d - f) ** 2)) / max(np.sqrt(np.mean(d ** 2)), 1e-30))}
    if labels is not None:
        report["dense_float_top1"] = float(np.mean(d.argmax(1) == np.asarray(labels)))
    return report


def summary(report):
    which = " (MLP only)" if report["low_rank_layers"] == "mlp" else ""
    line = (f"low-rank {report['low_rank_ratio']}{which} vs dense float: top-1 agreement "
            f"{100 * report['low_rank_top1_agreement_with_dense']:.1f}%, logits relative RMS "
            f"{100 * report['low_rank_logits_relative_rms']:.2f}%")
    if "dense_float_top1" in report:
        line += f"; top-1 dense float {100 * report['dense_float_top1']:.1f}%"
    return line
