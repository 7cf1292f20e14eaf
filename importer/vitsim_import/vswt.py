"""The vitsim weights file (format VSWT version 1, docs/deploy.md "Weights file")."""
import struct

import numpy as np

MAGIC = 0x54575356  # "VSWT"
VERSION = 1
KIND_PARAM, KIND_SCALE, KIND_INPUT = 1, 2, 3
DTYPE_NONE, DTYPE_I8, DTYPE_I32 = 0, 1, 2


def fnv1a32(data):
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def _string(text):
    raw = text.encode()
    return struct.pack("<I", len(raw)) + raw + b"\0" * (-len(raw) % 4)


def _entry(kind, name, dtype, shape, scale, data):
    head = struct.pack("<I", kind) + _string(name) + struct.pack("<II", dtype, len(shape))
    head += b"".join(struct.pack("<I", d) for d in shape) + struct.pack("<dI", scale, len(data))
    return head + data + b"\0" * (-len(data) % 4)


def serialize(network, params, scales, sample_input, seed=0):
    """params: {name: (int8 or int32 ndarray, scale)}; scales: {name: scale};
    sample_input: int8 ndarray at scales['input']. Entries sorted by name, as vitsim writes them."""
    out = bytearray(struct.pack("<III", MAGIC, VERSION, len(params) + len(scales) + 1))
    out += struct.pack("<Q", seed) + _string(network)
    for name in sorted(params):
        values, scale = params[name]
        dtype = DTYPE_I8 if values.dtype == np.int8 else DTYPE_I32
        out += _entry(KIND_PARAM, name, dtype, values.shape, scale, values.astype("<i1" if dtype == DTYPE_I8 else "<i4").tobytes())
    for name in sorted(scales):
        out += _entry(KIND_SCALE, name, DTYPE_NONE, (), scales[name], b"")
    sample = np.asarray(sample_input, dtype=np.int8).reshape(-1)
    out += _entry(KIND_INPUT, "input", DTYPE_I8, (sample.size,), scales["input"], sample.tobytes())
    out += struct.pack("<I", fnv1a32(bytes(out)))
    return bytes(out)


def parse(data):
    """(network, params {name: (array, scale)}, scales, sample input): for tests."""
    if fnv1a32(data[:-4]) != struct.unpack_from("<I", data, len(data) - 4)[0]:
        raise ValueError("checksum mismatch")
    magic, version, count, seed = struct.unpack_from("<IIIQ", data, 0)
    assert magic == MAGIC and version == VERSION
    pos = 20

    def string():
        nonlocal pos
        (n,) = struct.unpack_from("<I", data, pos)
        text = data[pos + 4:pos + 4 + n].decode()
        pos += 4 + n + (-n % 4)
        return text

    network, params, scales, sample = string(), {}, {}, None
    for _ in range(count):
        (kind,) = struct.unpack_from("<I", data, pos)
        pos += 4
        name = string()
        dtype, rank = struct.unpack_from("<II", data, pos)
        pos += 8
        shape = struct.unpack_from(f"<{rank}I", data, pos)
        pos += 4 * rank
        scale, n = struct.unpack_from("<dI", data, pos)
        pos += 12
        raw = data[pos:pos + n]
        pos += n + (-n % 4)
        values = np.frombuffer(raw, dtype="<i1" if dtype == DTYPE_I8 else "<i4").reshape(shape) if n else None
        if kind == KIND_PARAM:
            params[name] = (values, scale)
        elif kind == KIND_SCALE:
            scales[name] = scale
        else:
            sample = values
    return network, params, scales, sample
