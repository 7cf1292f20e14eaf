"""A small numpy evaluator for the ONNX operators a PyTorch ViT export uses.

It gives the importer every intermediate tensor's shape (heads, tokens) and the
ONNX graph's own output, against which the recovered vitsim network is checked
(onnx 1.12, Debian 12's, has no reference evaluator). Operators outside SUPPORTED
are refused with the node's name before anything runs.
"""
import math

import numpy as np
from onnx import numpy_helper

from .errors import unsupported

_erf = np.frompyfunc(math.erf, 1, 1)


def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            if a.type == a.INT:
                return a.i
            if a.type == a.FLOAT:
                return a.f
            if a.type == a.INTS:
                return list(a.ints)
            if a.type == a.TENSOR:
                return numpy_helper.to_array(a.t)
            if a.type == a.STRING:
                return a.s.decode()
    return default


def _axes(node, inputs, index):
    """Axes from the attribute (older opsets) or the optional input (opset 13+/18+)."""
    axes = _attr(node, "axes")
    if axes is None and len(inputs) > index and inputs[index] is not None:
        axes = [int(a) for a in inputs[index]]
    return axes


def _conv(node, x, w, b=None):
    if _attr(node, "group", 1) != 1:
        raise unsupported(node, "grouped convolution")
    dims = w.ndim - 2
    strides = _attr(node, "strides", [1] * dims)
    pads = _attr(node, "pads", [0] * (2 * dims))
    dilations = _attr(node, "dilations", [1] * dims)
    if any(d != 1 for d in dilations):
        raise unsupported(node, "dilated convolution")
    pad_width = [(0, 0), (0, 0)] + [(pads[i], pads[i + dims]) for i in range(dims)]
    x = np.pad(x, pad_width)
    kernel = w.shape[2:]
    out_sizes = [(x.shape[2 + i] - kernel[i]) // strides[i] + 1 for i in range(dims)]
    y = np.zeros((x.shape[0], w.shape[0], *out_sizes))
    for index in np.ndindex(*out_sizes):
        window = tuple(slice(index[i] * strides[i], index[i] * strides[i] + kernel[i]) for i in range(dims))
        patch = x[(slice(None), slice(None)) + window]
        y[(slice(None), slice(None)) + index] = np.tensordot(patch, w, axes=(list(range(1, 2 + dims)),
                                                                             list(range(1, 2 + dims))))
    if b is not None:
        y += b.reshape((1, -1) + (1,) * dims)
    return y


def _gemm(node, a, b, c=None):
    if _attr(node, "transA", 0):
        a = a.T
    if _attr(node, "transB", 0):
        b = b.T
    y = _attr(node, "alpha", 1.0) * (a @ b)
    if c is not None:
        y = y + _attr(node, "beta", 1.0) * c
    return y


def _layer_norm(node, x, gamma, beta=None):
    axis = _attr(node, "axis", -1)
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + _attr(node, "epsilon", 1e-5)) * gamma
    return y + beta if beta is not None else y


def _reshape(x, shape):
    shape = [int(s) for s in shape]
    shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _slice(node, x, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else [int(a) for a in axes]
    steps = [1] * len(starts) if steps is None else [int(s) for s in steps]
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[a] = slice(int(max(min(s, 2**62), -(2**62))), int(max(min(e, 2**62), -(2**62))), st)
    return x[tuple(index)]


def _split(node, inputs, outputs):
    x = inputs[0]
    axis = _attr(node, "axis", 0)
    sizes = _attr(node, "split")
    if sizes is None and len(inputs) > 1 and inputs[1] is not None:
        sizes = [int(s) for s in inputs[1]]
    if sizes is None:
        sizes = [x.shape[axis] // len(outputs)] * len(outputs)
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


def _softmax(node, x):
    axis = _attr(node, "axis", -1)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _reduce_mean(node, inputs):
    axes = _axes(node, inputs, 1)
    keep = bool(_attr(node, "keepdims", 1))
    return inputs[0].mean(axis=None if axes is None else tuple(axes), keepdims=keep)


def _squeeze(node, inputs):
    axes = _axes(node, inputs, 1)
    return np.squeeze(inputs[0], axis=None if axes is None else tuple(axes))


def _unsqueeze(node, inputs):
    y = inputs[0]
    axes = sorted(a % (y.ndim + len(_axes(node, inputs, 1))) for a in _axes(node, inputs, 1))
    for a in axes:
        y = np.expand_dims(y, a)
    return y


def _constant_of_shape(node, shape):
    value = _attr(node, "value")
    fill = value.reshape(-1)[0] if value is not None else 0.0
    return np.full([int(s) for s in shape], fill)


_CAST_TYPES = {1: np.float64, 6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float64, 11: np.float64}

# op -> f(node, inputs, outputs) returning a tuple of outputs
OPS = {
    "Add": lambda n, i, o: (i[0] + i[1],),
    "Sub": lambda n, i, o: (i[0] - i[1],),
    "Mul": lambda n, i, o: (i[0] * i[1],),
    "Div": lambda n, i, o: (i[0] / i[1] if np.issubdtype(np.asarray(i[0]).dtype, np.floating) else i[0] // i[1],),
    "Pow": lambda n, i, o: (np.power(i[0], i[1]),),
    "Sqrt": lambda n, i, o: (np.sqrt(i[0]),),
    "Erf": lambda n, i, o: (_erf(i[0]).astype(np.float64),),
    "MatMul": lambda n, i, o: (np.matmul(i[0], i[1]),),
    "Gemm": lambda n, i, o: (_gemm(n, *i),),
    "Conv": lambda n, i, o: (_conv(n, *i),),
    "Softmax": lambda n, i, o: (_softmax(n, i[0]),),
    "LayerNormalization": lambda n, i, o: (_layer_norm(n, *i),),
    "ReduceMean": lambda n, i, o: (_reduce_mean(n, i),),
    "Reshape": lambda n, i, o: (_reshape(i[0], i[1]),),
    "Transpose": lambda n, i, o: (np.transpose(i[0], _attr(n, "perm")),),
    "Flatten": lambda n, i, o: (i[0].reshape(int(np.prod(i[0].shape[:_attr(n, "axis", 1)])), -1),),
    "Squeeze": lambda n, i, o: (_squeeze(n, i),),
    "Unsqueeze": lambda n, i, o: (_unsqueeze(n, i),),
    "Split": lambda n, i, o: tuple(_split(n, i, o)),
    "Slice": lambda n, i, o: (_slice(n, *i),),
    "Gather": lambda n, i, o: (np.take(i[0], np.asarray(i[1], dtype=np.int64), axis=_attr(n, "axis", 0)),),
    "Concat": lambda n, i, o: (np.concatenate(i, axis=_attr(n, "axis")),),
    "Shape": lambda n, i, o: (np.array(i[0].shape, dtype=np.int64),),
    "Constant": lambda n, i, o: (_attr(n, "value"),),
    "ConstantOfShape": lambda n, i, o: (_constant_of_shape(n, i[0]),),
    "Expand": lambda n, i, o: (i[0] * np.ones([int(s) for s in i[1]], dtype=np.asarray(i[0]).dtype),),
    "Cast": lambda n, i, o: (np.asarray(i[0]).astype(_CAST_TYPES.get(_attr(n, "to"), np.float64)),),
    "Identity": lambda n, i, o: (i[0],),
    # shape arithmetic of the exporter (constant once the batch is fixed)
    "Equal": lambda n, i, o: (np.equal(i[0], i[1]),),
    "Where": lambda n, i, o: (np.where(i[0], i[1], i[2]),),
    "Neg": lambda n, i, o: (-i[0],),
}

SUPPORTED = frozenset(OPS)


def check_supported(graph):
    """Refuses the first node whose op this importer does not know."""
    for node in graph.node:
        if node.domain not in ("", "ai.onnx") or node.op_type not in SUPPORTED:
            raise unsupported(node, "operator not supported by vitsim's importer (supported: " +
                              ", ".join(sorted(SUPPORTED)) + ")")


def initializers(graph):
    return {t.name: numpy_helper.to_array(t).astype(np.float64) if numpy_helper.to_array(t).dtype.kind == "f"
            else numpy_helper.to_array(t) for t in graph.initializer}


def evaluate(graph, feeds, inits=None):
    """Runs the graph on feeds {input name: array}; returns every tensor by name."""
    values = dict(initializers(graph) if inits is None else inits)
    values.update({k: np.asarray(v, dtype=np.float64) for k, v in feeds.items()})
    for node in graph.node:
        inputs = [values[name] if name else None for name in node.input]
        outputs = OPS[node.op_type](node, inputs, node.output)
        for name, value in zip(node.output, outputs):
            values[name] = np.asarray(value)
    return values
