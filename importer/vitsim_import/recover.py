"""ONNX graph -> ViT (structure and float parameters in vitsim's layouts).

The graph is read by dataflow, not by node order: every compute node is first
grouped into a pattern (linear = MatMul [+ Add bias] or Gemm, LayerNorm = the op
or its ReduceMean/Sub/Pow/.../Add decomposition, GELU = the Erf form, patch
convolution, class-token Concat, positional Add, residual Add, Softmax, the two
activation MatMuls of attention, pooling). Reshape, Transpose, Split, Gather, Mul
by a constant and the like are plumbing between patterns. The ViT is then walked
from the input along the data. What the structure cannot say by itself (the
order of q, k and v in a fused projection, the head layout, the 1/sqrt(P)
scaling) is checked by running the ONNX graph and the recovered network on the
same inputs (verify()).
"""
import math
import warnings

import numpy as np
import onnx

from . import onnx_eval
from .errors import EXIT_MISMATCH, EXIT_NOT_ONNX, EXIT_UNSUPPORTED, ImportFailure, unsupported
from .vit import ViT, Block, float_forward

PLUMBING = {"Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Split", "Slice", "Gather", "Identity",
            "Cast", "Mul", "Div", "Expand", "Shape", "Constant", "ConstantOfShape", "Concat",
            "Equal", "Where", "Neg"}


def load(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ImportFailure(EXIT_NOT_ONNX, f"{path}: cannot read ({e.strerror})")
    try:
        with warnings.catch_warnings():  # protobuf warns before it fails: the failure is the one line
            warnings.simplefilter("ignore")
            model = onnx.load_from_string(data)
        onnx.checker.check_model(model)
    except Exception as e:  # protobuf's DecodeError, onnx's ValidationError
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ImportFailure(EXIT_NOT_ONNX, f"{path}: not a valid ONNX model ({first})")
    if not model.graph.node:
        raise ImportFailure(EXIT_NOT_ONNX, f"{path}: not a valid ONNX model (the graph has no node)")
    return model


class Graph:
    """The ONNX graph with its producers, consumers, constants and, from one
    evaluation on a sample input, every tensor's value."""

    def __init__(self, model):
        g = model.graph
        onnx_eval.check_supported(g)
        self.g = g
        self.inits = onnx_eval.initializers(g)
        inputs = [i for i in g.input if i.name not in self.inits]
        if len(inputs) != 1 or len(g.output) != 1:
            raise ImportFailure(EXIT_UNSUPPORTED, f"graph '{g.name}': needs one input and one output, has "
                                f"{len(inputs)} and {len(g.output)}")
        self.input = inputs[0].name
        dims = [d.dim_value if d.dim_value > 0 else 1 for d in inputs[0].type.tensor_type.shape.dim]
        self.input_shape = [1] + dims[1:]
        self.output = g.output[0].name
        self.producer = {o: n for n in g.node for o in n.output}
        self.consumers = {}
        for n in g.node:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        self.const = set(self.inits)
        for n in g.node:  # a tensor that does not depend on the input (shapes with a fixed batch included)
            if n.op_type in ("Constant", "Shape") or all(i in self.const or not i for i in n.input):
                self.const.update(n.output)
        probe = np.random.default_rng(0).standard_normal(self.input_shape)
        self.values = onnx_eval.evaluate(g, {self.input: probe}, self.inits)

    def dynamic_inputs(self, node):
        return [i for i in node.input if i and i not in self.const]

    def const_input(self, node):
        c = [i for i in node.input if i in self.const]
        return self.values[c[0]] if len(c) == 1 else None

    def scalar(self, node):
        v = self.const_input(node)
        return float(v.reshape(-1)[0]) if v is not None and v.size == 1 else None


class Pattern:
    def __init__(self, kind, nodes, x, y, **info):
        self.kind, self.nodes, self.x, self.y, self.info = kind, nodes, x, y, info

    @property
    def node(self):
        return self.nodes[0]


def _single_consumer(g, tensor, op):
    users = g.consumers.get(tensor, [])
    return users[0] if len(users) == 1 and users[0].op_type == op else None


def _layer_norm_pattern(g, mean_node):
    """ReduceMean(x) -> Sub(x, mean) -> Pow 2 -> ReduceMean -> Add eps -> Sqrt -> Div -> Mul gamma -> Add beta."""
    x = mean_node.input[0]
    subs = [n for n in g.consumers.get(mean_node.output[0], []) if n.op_type == "Sub" and n.input[0] == x]
    if len(subs) != 1:
        return None
    sub = subs[0]
    users = {n.op_type: n for n in g.consumers.get(sub.output[0], [])}
    pow_, div = users.get("Pow"), users.get("Div")
    if not pow_ or not div or g.scalar(pow_) != 2.0:
        return None
    var = _single_consumer(g, pow_.output[0], "ReduceMean")
    add_eps = var and _single_consumer(g, var.output[0], "Add")
    sqrt = add_eps and _single_consumer(g, add_eps.output[0], "Sqrt")
    if not sqrt or div.input[1] != sqrt.output[0]:
        return None
    mul = _single_consumer(g, div.output[0], "Mul")
    add_beta = mul and _single_consumer(g, mul.output[0], "Add")
    if not add_beta or g.const_input(mul) is None or g.const_input(add_beta) is None:
        return None
    return Pattern("layernorm", [mean_node, sub, pow_, var, add_eps, sqrt, div, mul, add_beta], x, add_beta.output[0],
                   gamma=g.const_input(mul).reshape(-1), beta=g.const_input(add_beta).reshape(-1),
                   eps=g.scalar(add_eps))


def _gelu_pattern(g, erf):
    """x / sqrt(2) (or x * 1/sqrt(2)) -> Erf -> + 1 -> * x -> * 0.5 (either order of the products)."""
    scale = g.producer.get(erf.input[0])
    if not scale or scale.op_type not in ("Div", "Mul"):
        return None
    x = g.dynamic_inputs(scale)[0]
    s = g.scalar(scale)
    if s is None or abs((s if scale.op_type == "Div" else 1 / s) - math.sqrt(2)) > 1e-3:
        return None
    add = _single_consumer(g, erf.output[0], "Add")
    m1 = add and _single_consumer(g, add.output[0], "Mul")
    m2 = m1 and _single_consumer(g, m1.output[0], "Mul")
    if not m2 or g.scalar(add) != 1.0:
        return None
    return Pattern("gelu", [scale, erf, add, m1, m2], x, m2.output[0])


def _linear_pattern(g, node):
    w = g.const_input(node)
    if node.op_type == "Gemm":
        if node.input[0] in g.const or node.input[1] not in g.const:
            return None
        attrs = {a.name: (a.i if a.type == a.INT else a.f) for a in node.attribute}
        if attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
            raise unsupported(node, "Gemm with transA or alpha/beta other than 1")
        weight = g.values[node.input[1]]
        weight = weight if attrs.get("transB", 0) else weight.T
        bias = g.values[node.input[2]] if len(node.input) > 2 and node.input[2] else np.zeros(weight.shape[0])
        return Pattern("linear", [node], node.input[0], node.output[0], weight=weight, bias=bias.reshape(-1))
    if node.input[1] not in g.const or node.input[0] in g.const or w.ndim != 2:
        return None
    weight, bias, nodes, y = w.T, np.zeros(w.shape[1]), [node], node.output[0]
    add = _single_consumer(g, y, "Add")
    if add is not None and g.const_input(add) is not None and g.const_input(add).size == w.shape[1]:
        bias, nodes, y = g.const_input(add).reshape(-1), nodes + [add], add.output[0]
    return Pattern("linear", nodes, node.input[0], y, weight=weight, bias=bias)


def find_patterns(g):
    """Every compute node in a pattern; each pattern keyed by every node in it."""
    by_node = {}
    for node in g.g.node:
        if node.name in by_node or node.output[0] in g.const:
            continue
        p = None
        op = node.op_type
        if op == "Conv":
            if node.input[1] not in g.const:
                raise unsupported(node, "convolution with a weight that is not a constant")
            bias = g.values[node.input[2]] if len(node.input) > 2 else None
            p = Pattern("conv", [node], node.input[0], node.output[0], weight=g.values[node.input[1]], bias=bias)
        elif op == "LayerNormalization":
            attrs = {a.name: (a.i if a.type == a.INT else a.f) for a in node.attribute}
            if attrs.get("axis", -1) != -1:
                raise unsupported(node, "LayerNormalization over more than the last axis")
            beta = g.values[node.input[2]] if len(node.input) > 2 else np.zeros_like(g.values[node.input[1]])
            p = Pattern("layernorm", [node], node.input[0], node.output[0], gamma=g.values[node.input[1]],
                        beta=beta, eps=attrs.get("epsilon", 1e-5))
        elif op == "ReduceMean":
            p = _layer_norm_pattern(g, node)
            if p is None:
                p = Pattern("mean", [node], node.input[0], node.output[0])
        elif op in ("MatMul", "Gemm"):
            p = _linear_pattern(g, node)
            if p is None and op == "MatMul":
                p = Pattern("matmul", [node], node.input[0], node.output[0])
        elif op == "Erf":
            p = _gelu_pattern(g, node)
            if p is None:
                raise unsupported(node, "Erf outside the exact GELU pattern x * 0.5 * (1 + erf(x / sqrt(2)))")
        elif op == "Softmax":
            p = Pattern("softmax", [node], node.input[0], node.output[0])
        elif op == "Add":
            dyn = g.dynamic_inputs(node)
            p = Pattern("add" if len(dyn) == 2 else "add_const", [node], dyn[0], node.output[0],
                        other=dyn[1] if len(dyn) == 2 else None, value=g.const_input(node))
        elif op == "Concat" and len(g.dynamic_inputs(node)) == 1 and len(node.input) == 2:
            const = [i for i in node.input if i in g.const][0]
            p = Pattern("concat_const", [node], g.dynamic_inputs(node)[0], node.output[0], value=g.values[const],
                        first=node.input[0] == const)
        elif op in ("Sub", "Pow", "Sqrt"):
            raise unsupported(node, "arithmetic outside a LayerNorm pattern")
        elif op in ("Gather", "Slice") and len(g.values[node.input[0]].shape) == 3 and \
                g.values[node.output[0]].size == g.values[node.input[0]].shape[-1]:
            p = Pattern("select_row", [node], node.input[0], node.output[0])
        if p is not None:
            for n in p.nodes:
                by_node[n.name] = p
    return by_node


class Walker:
    """Follows the data from one pattern's output to the patterns that read it,
    through plumbing nodes."""

    def __init__(self, g, patterns):
        self.g, self.p = g, patterns

    def readers(self, tensor):
        found, todo, seen = [], [tensor], set()
        while todo:
            t = todo.pop()
            for n in self.g.consumers.get(t, []):
                if n.name in seen:
                    continue
                seen.add(n.name)
                pat = self.p.get(n.name)
                if pat is not None:
                    if pat not in found and pat.y != t:
                        found.append(pat)
                elif n.op_type in PLUMBING:
                    todo.extend(n.output)
        return found

    def writer(self, tensor):
        """The pattern a tensor comes from, back through plumbing (first dynamic input)."""
        while True:
            n = self.g.producer.get(tensor)
            if n is None:
                return None
            if n.name in self.p:
                return self.p[n.name]
            dyn = self.g.dynamic_inputs(n)
            if not dyn:
                return None
            tensor = dyn[0]

    def only(self, tensor, kinds, what):
        rs = [r for r in self.readers(tensor) if r.kind in kinds]
        if len(rs) != 1:
            n = self.g.producer.get(tensor)
            where = f"node '{n.name}' ({n.op_type})" if n is not None else f"input '{tensor}'"
            got = ", ".join(f"'{r.node.name}' ({r.node.op_type})" for r in self.readers(tensor)) or "nothing"
            raise ImportFailure(EXIT_UNSUPPORTED, f"{where}: expected {what} to read its output, found {got}")
        return rs[0]


def _fail(pattern, why):
    return unsupported(pattern.node, why)


def recover(model, name):
    g = Graph(model)
    pats = find_patterns(g)
    w = Walker(g, pats)
    vit = ViT(name=name, input={}, embed_op="", embed=0)
    eps = set()
    shape = g.input_shape
    first = w.only(g.input, ("conv", "linear"), "a patch convolution or a linear embedding")
    cur = _embedding(vit, first, shape)
    # class token, then positional embedding (vitsim's order; either may be absent)
    cls = [p for p in w.readers(cur) if p.kind == "concat_const"]
    if cls:
        if not cls[0].info["first"] or cls[0].info["value"].reshape(-1).size != vit.embed:
            raise _fail(cls[0], "a Concat with a constant that is not one class token in front of the tokens")
        vit.class_token, vit.params["cls.token"] = True, cls[0].info["value"].reshape(-1)
        cur = cls[0].y
    pos = [p for p in w.readers(cur) if p.kind == "add_const"]
    if pos:
        vit.pos_embed, vit.params["pos.table"] = True, pos[0].info["value"].reshape(-1, vit.embed)
        cur = pos[0].y
        if [p for p in w.readers(cur) if p.kind == "concat_const"]:
            raise _fail(pos[0], "positional embedding added before the class token (vitsim adds it after)")
    while True:
        nxt = w.readers(cur)
        kinds = sorted(p.kind for p in nxt)
        if kinds == ["add", "layernorm"]:
            cur = _block(vit, g, w, cur, len(vit.blocks), eps)
        else:
            break
    nxt = w.readers(cur)
    if len(nxt) == 1 and nxt[0].kind == "layernorm":
        vit.final_norm = True
        _norm_params(vit, "norm", nxt[0], eps)
        cur = nxt[0].y
    else:
        vit.final_norm = False
    pool = w.only(cur, ("select_row", "mean", "linear"), "pooling (token 0 or the mean over tokens)")
    if pool.kind == "linear":
        raise _fail(pool, "classifier over all tokens: pool the tokens first (class token or mean)")
    vit.pool = "class_token" if pool.kind == "select_row" else "mean"
    if vit.pool == "class_token" and not vit.class_token:
        raise _fail(pool, "selects one token but the network has no class token")
    head = w.only(pool.y, ("linear",), "the classifier (a linear layer)")
    vit.classes = head.info["weight"].shape[0]
    vit.params["head.weight"], vit.params["head.bias"] = head.info["weight"], head.info["bias"]
    if w.readers(head.y):
        r = w.readers(head.y)[0]
        raise _fail(r, "an operation after the classifier (vitsim's output is the logits)")
    if len(eps) > 1:
        raise ImportFailure(EXIT_UNSUPPORTED, f"LayerNorms with different epsilons {sorted(eps)} (vitsim has one)")
    vit.eps = eps.pop() if eps else 1e-5
    return vit, g


def _embedding(vit, p, shape):
    if p.kind == "conv":
        wt = p.info["weight"]
        e = wt.shape[0]
        bias = p.info["bias"] if p.info["bias"] is not None else np.zeros(e)
        node = p.node
        attrs = {a.name: list(a.ints) for a in node.attribute if a.type == a.INTS}
        k = list(wt.shape[2:])
        if attrs.get("strides", [1] * len(k)) != k or any(attrs.get("pads", [0])):
            raise _fail(p, "convolution whose stride is not its kernel size (vitsim's tokenizers are patch convolutions)")
        if wt.ndim == 4:
            if k[0] != k[1] or shape[2] % k[0] or shape[3] % k[0]:
                raise _fail(p, f"patch {k} on image {shape[2]}x{shape[3]}: needs a square patch dividing the image")
            vit.input = {"kind": "image", "height": shape[2], "width": shape[3], "channels": shape[1]}
            vit.embed_op, vit.patch = "patch_embed", k[0]
            vit.params["embed.weight"] = wt.transpose(0, 2, 3, 1)  # [E][C][p][p] -> [E][p][p][C]
        else:  # 1-D: kernel = stride = k over [C][L] is a linear layer over [L/k][k*C] (time-major windows)
            if shape[2] % k[0]:
                raise _fail(p, f"kernel {k[0]} does not divide the sequence length {shape[2]}")
            vit.input = {"kind": "sequence", "tokens": shape[2] // k[0], "features": k[0] * shape[1]}
            vit.embed_op = "linear_embed"
            vit.params["embed.weight"] = wt.transpose(0, 2, 1).reshape(e, -1)
        vit.embed = e
        vit.params["embed.bias"] = bias.reshape(-1)
        vit.onnx_layout = "nchw" if wt.ndim == 4 else "ncl"
        return p.y  # flattening and transposing to [tokens, E] is plumbing
    if len(shape) != 3:
        raise _fail(p, f"a linear embedding needs a [batch, tokens, features] input, the graph's is {shape}")
    vit.input = {"kind": "sequence", "tokens": shape[1], "features": shape[2]}
    vit.embed_op, vit.embed = "linear_embed", p.info["weight"].shape[0]
    vit.params["embed.weight"], vit.params["embed.bias"] = p.info["weight"], p.info["bias"]
    vit.onnx_layout = "nsc"
    return p.y


def _norm_params(vit, name, p, eps):
    vit.params[name + ".gamma"], vit.params[name + ".beta"] = p.info["gamma"].reshape(-1), p.info["beta"].reshape(-1)
    eps.add(round(float(p.info["eps"]), 12))


def _block(vit, g, w, x, index, eps):
    b = f"block{index}"
    ln1 = [p for p in w.readers(x) if p.kind == "layernorm"][0]
    _norm_params(vit, f"{b}.ln1", ln1, eps)
    projections = [p for p in w.readers(ln1.y)]
    if not projections or any(p.kind != "linear" for p in projections):
        bad = [p for p in projections if p.kind != "linear"]
        raise _fail(bad[0] if bad else ln1, "attention input must feed q/k/v linear layers only")
    soft = None
    for p in projections:
        for r in w.readers(p.y):
            if r.kind == "matmul":
                s = [q for q in w.readers(r.y) if q.kind == "softmax"]
                soft = soft or (s[0] if s else None)
    if soft is None:
        raise _fail(ln1, "no attention (MatMul -> Softmax) after this LayerNorm")
    scores = w.writer(soft.x)
    ctx = w.only(soft.y, ("matmul",), "the attention-times-values MatMul")
    sv = g.values[soft.y].shape
    heads = sv[-3] if len(sv) >= 3 else 1
    a = f"{b}.attn"
    if len(projections) == 1:
        qkv = projections[0]
        hp = qkv.info["weight"].shape[0] // 3
        for i, part in enumerate(("q", "k", "v")):  # PyTorch's order; verify() checks it
            vit.params[f"{a}.w{part}"] = qkv.info["weight"][i * hp:(i + 1) * hp]
            vit.params[f"{a}.b{part}"] = qkv.info["bias"][i * hp:(i + 1) * hp]
    elif len(projections) == 3:
        roles = {"q": w.writer(scores.node.input[0]), "k": w.writer(scores.node.input[1]),
                 "v": w.writer([i for i in ctx.node.input if i != soft.y][0])}
        for part, p in roles.items():
            if p not in projections:
                raise _fail(scores if part != "v" else ctx, f"cannot trace {part} to a projection of the LayerNorm")
            vit.params[f"{a}.w{part}"], vit.params[f"{a}.b{part}"] = p.info["weight"], p.info["bias"]
        hp = roles["q"].info["weight"].shape[0]
    else:
        raise _fail(ln1, f"{len(projections)} projections read this LayerNorm (1 fused qkv or 3 separate)")
    if hp % heads:
        raise _fail(soft, f"{hp} projection columns do not split into {heads} heads")
    proj = w.only(ctx.y, ("linear",), "the attention's output projection")
    vit.params[f"{a}.wo"], vit.params[f"{a}.bo"] = proj.info["weight"], proj.info["bias"]
    add1 = w.only(proj.y, ("add",), "the residual Add after attention")
    if x not in (add1.x, add1.info["other"]) and w.writer(add1.x) is not w.writer(x) and \
            w.writer(add1.info["other"]) is not w.writer(x):
        raise _fail(add1, "residual Add does not add the block's input (vitsim's blocks are pre-norm)")
    ln2 = [p for p in w.readers(add1.y) if p.kind == "layernorm"]
    if len(ln2) != 1:
        raise _fail(add1, "no LayerNorm before the MLP (vitsim's blocks are pre-norm)")
    _norm_params(vit, f"{b}.ln2", ln2[0], eps)
    fc1 = w.only(ln2[0].y, ("linear",), "the MLP's first linear layer")
    gelu = w.only(fc1.y, ("gelu",), "GELU")
    fc2 = w.only(gelu.y, ("linear",), "the MLP's second linear layer")
    add2 = w.only(fc2.y, ("add",), "the residual Add after the MLP")
    for i, p in ((1, fc1), (2, fc2)):
        vit.params[f"{b}.mlp.fc{i}.weight"], vit.params[f"{b}.mlp.fc{i}.bias"] = p.info["weight"], p.info["bias"]
    vit.blocks.append(Block(embed=vit.embed, heads=heads, head_dim=hp // heads,
                            mlp_hidden=fc1.info["weight"].shape[0]))
    return add2.y


def to_vitsim_layout(vit, x):
    """One sample in the ONNX model's layout (no batch axis) -> vitsim's layout."""
    x = np.asarray(x, dtype=np.float64)
    if vit.onnx_layout == "nchw":
        return x.transpose(1, 2, 0)
    if vit.onnx_layout == "ncl":
        return x.T.reshape(vit.input["tokens"], vit.input["features"])
    return x


def verify(vit, g, samples):
    """Largest difference between the ONNX graph's logits and the recovered
    network's float logits, relative to the largest logit; refused above 1e-6."""
    worst = 0.0
    for x in samples:
        ref = onnx_eval.evaluate(g.g, {g.input: np.asarray(x)[None]}, g.inits)[g.output].reshape(-1)
        mine = float_forward(vit, vit.params, to_vitsim_layout(vit, x))[0]
        worst = max(worst, float(np.abs(ref - mine).max() / max(np.abs(ref).max(), 1e-30)))
    if worst > 1e-6:
        raise ImportFailure(EXIT_MISMATCH, f"the recovered network differs from the ONNX graph by {worst:.3g} "
                            "(relative to the largest logit): q/k/v order, head layout or the 1/sqrt(head_dim) "
                            "scaling is not the one vitsim computes")
    return worst
