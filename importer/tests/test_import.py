"""Importer tests on small ONNX graphs made here (PyTorch exports and hand-built
graphs). Run: /usr/bin/python3 -m unittest discover -s importer/tests (ctest: importer.*)."""
import io
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from vitsim_import import quantize, recover, vswt  # noqa: E402
from vitsim_import.errors import (EXIT_BAD_DATA, EXIT_MISMATCH, EXIT_NOT_ONNX, EXIT_UNSUPPORTED,  # noqa: E402
                                  ImportFailure)
from vitsim_import.models import TinyViT  # noqa: E402

torch.set_num_threads(1)


def export(model, example, opset=13):
    torch.manual_seed(0)
    buf = io.BytesIO()
    model.eval()
    torch.onnx.export(model, example, buf, opset_version=opset, input_names=["x"], output_names=["y"])
    return onnx.load_from_string(buf.getvalue())


def small(**kw):
    torch.manual_seed(1)
    args = dict(image=8, channels=2, patch=4, dim=8, depth=1, heads=2, head_dim=4, mlp=16, classes=3)
    args.update(kw)
    return TinyViT(**args)


def example_for(model, kw):
    g = torch.Generator().manual_seed(2)
    if kw.get("tokenizer") == "conv1d":
        return torch.randn(1, kw.get("channels", 2), kw["length"], generator=g)
    if kw.get("tokenizer") == "linear":
        return torch.randn(1, kw["length"], kw.get("channels", 2), generator=g)
    return torch.randn(1, kw.get("channels", 2), 8, 8, generator=g)


class PatternTest(unittest.TestCase):
    """Every supported pattern: recovered, equal to the ONNX graph and to PyTorch,
    and quantized with every parameter and scale vitsim needs."""

    def check(self, opset=13, **kw):
        model = small(**kw)
        x = example_for(model, kw)
        onnx_model = export(model, x, opset)
        vit, graph = recover.recover(onnx_model, "t")
        samples = [x[0].numpy()] + [torch.randn(x.shape[1:], generator=torch.Generator().manual_seed(s)).numpy()
                                    for s in range(3)]
        self.assertLess(recover.verify(vit, graph, samples), 1e-6)
        with torch.no_grad():
            torch_logits = model(x).numpy()[0]
        from vitsim_import.vit import float_forward
        mine = float_forward(vit, vit.params, recover.to_vitsim_layout(vit, x[0].numpy()))[0]
        np.testing.assert_allclose(mine, torch_logits, rtol=1e-4, atol=1e-5)
        q = quantize.calibrate(vit, np.stack([recover.to_vitsim_layout(vit, s) for s in samples]))
        for name in quantize.scale_names(vit):
            self.assertIn(name, q.scales)
        self.assertEqual(set(q.params), set(vit.params))
        return vit

    def test_fused_qkv_class_token_patch_conv(self):
        vit = self.check()
        self.assertEqual((vit.embed_op, vit.patch, vit.pool, vit.class_token), ("patch_embed", 4, "class_token", True))
        self.assertEqual((vit.blocks[0].heads, vit.blocks[0].head_dim, vit.blocks[0].mlp_hidden), (2, 4, 16))

    def test_separate_qkv(self):
        vit = self.check(fused=False)
        self.assertEqual(vit.params["block0.attn.wq"].shape, (8, 8))

    def test_mean_pool_two_blocks(self):
        vit = self.check(pool="mean", depth=2)
        self.assertEqual((vit.pool, vit.class_token, len(vit.blocks)), ("mean", False, 2))

    def test_layer_normalization_op(self):
        self.check(opset=17)

    def test_conv1d_tokenizer(self):
        vit = self.check(tokenizer="conv1d", length=12, patch=3, pool="mean")
        self.assertEqual(vit.input, {"kind": "sequence", "tokens": 4, "features": 6})

    def test_linear_tokenizer(self):
        vit = self.check(tokenizer="linear", length=5, channels=3)
        self.assertEqual((vit.embed_op, vit.input["tokens"], vit.input["features"]), ("linear_embed", 5, 3))

    def test_network_json_is_vitsim_format(self):
        vit = self.check()
        net = vit.network_json("d")
        self.assertEqual([l["op"] for l in net["layers"]],
                         ["patch_embed", "class_token", "pos_embed", "encoder", "layernorm", "pool", "classifier"])


class RefusalTest(unittest.TestCase):
    def test_unsupported_op_names_the_node(self):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8])
        w = helper.make_tensor("w", TensorProto.FLOAT, [8, 8], np.eye(8, dtype=np.float32).reshape(-1))
        graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["h"], name="embed_mm"),
                                   helper.make_node("Tanh", ["h"], ["y"], name="my_tanh")], "g", [x], [y], [w])
        with self.assertRaises(ImportFailure) as e:
            recover.recover(helper.make_model(graph), "t")
        self.assertEqual(e.exception.code, EXIT_UNSUPPORTED)
        self.assertIn("node 'my_tanh' (Tanh)", str(e.exception))

    def test_tanh_gelu_refused(self):
        model = small()
        for b in model.blocks:
            b.forward = (lambda blk: lambda x: x + blk.fc2(torch.nn.functional.gelu(
                blk.fc1(blk.ln2(x + blk.attn(blk.ln1(x)))), approximate="tanh")))(b)
        with self.assertRaises(ImportFailure) as e:
            recover.recover(export(model, torch.randn(1, 2, 8, 8)), "t")
        self.assertEqual(e.exception.code, EXIT_UNSUPPORTED)
        self.assertIn("(Tanh)", str(e.exception))

    def test_wrong_attention_scaling_is_a_mismatch(self):
        import vitsim_import.models as models
        model = small()
        saved = models.math.sqrt
        try:  # the model divides the scores by sqrt(2 * head_dim): not what vitsim computes
            models.math.sqrt = lambda v: saved(2 * v)
            onnx_model = export(model, torch.randn(1, 2, 8, 8))
        finally:
            models.math.sqrt = saved
        vit, graph = recover.recover(onnx_model, "t")
        with self.assertRaises(ImportFailure) as e:
            recover.verify(vit, graph, [np.ones((2, 8, 8))])
        self.assertEqual(e.exception.code, EXIT_MISMATCH)


class CommandTest(unittest.TestCase):
    """The command: exit codes, one line on stderr, deterministic outputs."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        model = small()
        onnx.save(export(model, torch.randn(1, 2, 8, 8)), os.path.join(d, "m.onnx"))
        rng = np.random.default_rng(3)
        np.savez(os.path.join(d, "calib.npz"), x=rng.standard_normal((6, 2, 8, 8)), y=np.arange(6) % 3)
        np.savez(os.path.join(d, "short_labels.npz"), x=rng.standard_normal((6, 2, 8, 8)), y=np.arange(4))
        np.savez(os.path.join(d, "wrong_shape.npz"), x=rng.standard_normal((6, 3, 8, 8)))
        with open(os.path.join(d, "garbage.onnx"), "wb") as f:
            f.write(b"this is not a protobuf \xff\xfe" * 10)

    def run_cli(self, model, calib, tag="a"):
        d = self.dir.name
        out = [os.path.join(d, f"{tag}.json"), os.path.join(d, f"{tag}.vswt")]
        p = subprocess.run([sys.executable, "-m", "vitsim_import", os.path.join(d, model), "--calib",
                            os.path.join(d, calib), "--net", out[0], "--weights", out[1], "--name", "m"],
                           cwd=os.path.join(HERE, ".."), capture_output=True, text=True)
        return p, out

    def assert_refused(self, p, code, text, outputs):
        self.assertEqual(p.returncode, code, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn(text, p.stderr)
        for path in outputs:
            self.assertFalse(os.path.exists(path))

    def test_not_onnx(self):
        p, out = self.run_cli("garbage.onnx", "calib.npz", "g")
        self.assert_refused(p, EXIT_NOT_ONNX, "garbage.onnx: not a valid ONNX model", out)

    def test_calibration_shape_mismatch(self):
        p, out = self.run_cli("m.onnx", "wrong_shape.npz", "s")
        self.assert_refused(p, EXIT_BAD_DATA, "samples have shape [3, 8, 8], the model's input is [2, 8, 8]", out)

    def test_labels_of_wrong_length(self):
        p, out = self.run_cli("m.onnx", "short_labels.npz", "l")
        self.assert_refused(p, EXIT_BAD_DATA, "4 labels for 6 samples", out)

    def test_calibration_is_deterministic(self):
        p1, out1 = self.run_cli("m.onnx", "calib.npz", "d1")
        p2, out2 = self.run_cli("m.onnx", "calib.npz", "d2")
        self.assertEqual(p1.returncode, 0, p1.stderr)
        self.assertEqual(p2.returncode, 0, p2.stderr)
        for a, b in zip(out1, out2):
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read())
        with open(out1[1], "rb") as f:
            network, params, scales, sample = vswt.parse(f.read())
        self.assertEqual(network, "m")
        self.assertEqual(params["block0.attn.wq"][0].dtype, np.int8)
        self.assertIn("block0.attn:scores", scales)
        self.assertEqual(sample.size, 8 * 8 * 2)


if __name__ == "__main__":
    unittest.main()
