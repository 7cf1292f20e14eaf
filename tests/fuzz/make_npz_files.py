#!/usr/bin/python3
"""Writes the .npz test files: damaged archives for tests/hostile (each refused with
one line, exit 111) and the seed corpus of the .npz fuzz target (tests/fuzz/seeds/npz).
Deterministic (fixed data, zip timestamps fixed), so the committed files are what this
writes. Run from the repository root: /usr/bin/python3 tests/fuzz/make_npz_files.py"""
import io
import os
import struct
import zipfile
import zlib

import numpy as np

HOSTILE = "tests/hostile/data"
SEEDS = "tests/fuzz/seeds/npz"
DATE = (2026, 1, 1, 0, 0, 0)


def npy(array, version=None):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, version=version)
    return buf.getvalue()


def archive(members, compressed=False, zip64=False):
    """A zip like np.savez / np.savez_compressed writes, with fixed timestamps."""
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = method
            with z.open(info, "w", force_zip64=zip64) as f:
                f.write(data)
    return buf.getvalue()


def image_members(n=3):
    rng = np.random.default_rng(7)
    return {"x.npy": npy(rng.uniform(-2, 2, (n, 16, 16, 3)).astype(np.float32)),
            "y.npy": npy(np.arange(n, dtype=np.int64) % 4)}


def write(folder, name, data):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def central_offset(data):
    """Offset of the first central directory record."""
    eocd = data.rindex(b"PK\x05\x06")
    return struct.unpack_from("<I", data, eocd + 16)[0]


def hostile():
    good = archive(image_members())
    # Cut in the middle: the end-of-directory record is gone.
    write(HOSTILE, "inputs_truncated.npz", good[: len(good) // 2])
    # One byte of the samples flipped in a stored member: only the CRC-32 shows it.
    flipped = bytearray(good)
    flipped[200] ^= 0x40
    write(HOSTILE, "inputs_bad_crc.npz", bytes(flipped))
    # A deflated member whose compressed stream is damaged.
    packed = bytearray(archive(image_members(), compressed=True))
    for i in range(120, 140):
        packed[i] ^= 0xA5
    write(HOSTILE, "inputs_bad_deflate.npz", bytes(packed))
    # A deflated member that claims 2 GiB: refused before anything that size is allocated.
    claims = bytearray(archive(image_members(), compressed=True))
    struct.pack_into("<I", claims, central_offset(claims) + 24, 0x7FFFFFF0)
    write(HOSTILE, "inputs_huge_claim.npz", bytes(claims))
    # The directory points its member at a local header past the end.
    far = bytearray(good)
    struct.pack_into("<I", far, central_offset(far) + 42, 0x7FFFFFF0)
    write(HOSTILE, "inputs_bad_offset.npz", bytes(far))
    # An .npy header cut short inside the member.
    members = image_members()
    members["x.npy"] = members["x.npy"][:40]
    write(HOSTILE, "inputs_short_header.npz", archive(members))
    # Complex samples, and a Fortran-ordered array.
    write(HOSTILE, "inputs_complex.npz", archive({"x.npy": npy(np.zeros((2, 16, 16, 3), np.complex64))}))
    write(HOSTILE, "inputs_fortran.npz",
          archive({"x.npy": npy(np.asfortranarray(np.zeros((2, 16, 16, 3), np.float32)))}))


def seeds():
    rng = np.random.default_rng(11)
    small = rng.uniform(-2, 2, (2, 4, 4, 3)).astype(np.float32)
    labels = np.array([1, 0], dtype=np.int64)
    write(SEEDS, "images_f4_labels.npz", archive({"x.npy": npy(small), "y.npy": npy(labels)}))
    write(SEEDS, "int8_compressed.npz",
          archive({"x.npy": npy(rng.integers(-127, 128, (3, 4, 4, 3)).astype(np.int8))}, compressed=True))
    write(SEEDS, "sequence_f8_i4.npz", archive({"x.npy": npy(rng.standard_normal((2, 5, 3))),
                                                "y.npy": npy(np.array([0, 2], dtype=np.int32))}))
    write(SEEDS, "zip64.npz", archive({"x.npy": npy(small), "y.npy": npy(labels)}, zip64=True))
    # Bare .npy arrays: the target also reads its input as one member of an archive.
    write(SEEDS, "x_v1.npy", npy(small))
    write(SEEDS, "x_v2.npy", npy(small, version=(2, 0)))
    write(SEEDS, "labels_u2.npy", npy(np.array([3, 1, 2], dtype=np.uint16)))
    write(SEEDS, "bool_scalar.npy", npy(np.array(True)))
    write(SEEDS, "fortran.npy", npy(np.asfortranarray(small[0])))
    write(SEEDS, "big_endian.npy", npy(small.astype(">f4")))


if __name__ == "__main__":
    hostile()
    seeds()
