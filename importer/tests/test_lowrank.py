"""--lowrank: the truncated-SVD factorisation (vitsim_import/lowrank.py) on a small
PyTorch export. LowRankTest: float error vs rank, every scale vitsim needs;
LowRankCommandTest: bad ratios refused; LowRankRunTest: the imported low-rank
network on the simulated MCU equals the golden model bit for bit (VITSIM names the
vitsim executable, set by ctest)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from test_import import example_for, export, small  # noqa: E402
from vitsim_import import lowrank, quantize, recover  # noqa: E402
from vitsim_import.errors import EXIT_USAGE  # noqa: E402
from vitsim_import.vit import float_forward  # noqa: E402

VITSIM = os.environ.get("VITSIM", "")
KW = dict(mlp=16, depth=2, pool="mean", classes=4)  # E 8, HP 8: ranks 2, 4, 6, 8 at 0.25 .. 1.0


def small_model():
    model = small(**KW)
    return model, export(model, torch.randn(1, 2, 8, 8))


def samples(n=6, seed=4):
    return np.random.default_rng(seed).standard_normal((n, 2, 8, 8))


class LowRankTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        _, m = small_model()
        cls.vit, _ = recover.recover(m, "t")
        cls.x = [recover.to_vitsim_layout(cls.vit, s) for s in samples()]
        cls.dense = np.array([float_forward(cls.vit, cls.vit.params, x)[0] for x in cls.x])

    def error(self, ratio):
        f = lowrank.factorise(self.vit, ratio)
        out = np.array([float_forward(f, f.params, x)[0] for x in self.x])
        return np.sqrt(np.mean((out - self.dense) ** 2)) / np.sqrt(np.mean(self.dense ** 2))

    def test_error_shrinks_as_rank_grows_and_full_rank_is_exact(self):
        errors = [self.error(r) for r in (0.25, 0.5, 0.75, 1.0)]
        for lower, higher in zip(errors, errors[1:]):
            self.assertLess(higher, lower, errors)
        self.assertGreater(errors[0], 1e-3, errors)  # rank 2 of 8 really approximates
        self.assertLess(errors[-1], 1e-12, errors)

    def test_svd_factors_are_the_best_approximation(self):
        w = np.random.default_rng(5).standard_normal((6, 9))
        a, b, c = lowrank.svd_factors(w, 3)
        self.assertEqual((a.shape, b.shape, c.shape), ((3, 9), (3, 3), (6, 3)))
        s = np.linalg.svd(w, compute_uv=False)
        self.assertAlmostEqual(np.linalg.norm(w - c @ b @ a, 2), s[3], places=10)

    def test_factorised_network_has_every_vitsim_parameter_and_scale(self):
        f = lowrank.factorise(self.vit, 0.5)
        self.assertEqual(f.network_json("x")["low_rank_ratio"], 0.5)
        for name in ("block0.mlp.fc1.a.weight", "block0.mlp.fc1.c.bias", "block1.attn.qkv.b.weight",
                     "block0.attn.proj.c.bias", "head.c.weight"):
            self.assertIn(name, f.params)
        self.assertEqual(f.params["block0.attn.wq"].shape, (8, 4))
        self.assertEqual(f.params["block0.attn.wo"].shape, (4, 8))
        self.assertNotIn("block0.attn.bo", f.params)
        q = quantize.calibrate(f, np.stack(self.x))
        for name in quantize.scale_names(f):
            self.assertIn(name, q.scales)
        self.assertIn("block0.mlp.fc1.c:pre_gelu", q.scales)
        self.assertEqual(set(q.params), set(f.params))

    def test_mlp_only_factorises_the_mlp_and_keeps_attention_dense(self):
        f = lowrank.factorise(self.vit, 0.5, "mlp")
        net = f.network_json("x")
        self.assertNotIn("low_rank_ratio", net)  # a per-layer rank, not the network's
        encoders = [layer for layer in net["layers"] if layer["op"] == "encoder"]
        self.assertEqual([e["mlp_low_rank_ratio"] for e in encoders], [0.5, 0.5])
        for name in ("block0.mlp.fc1.a.weight", "block1.mlp.fc2.c.bias", "block0.attn.bo", "head.weight"):
            self.assertIn(name, f.params)
        for name in ("block0.attn.qkv.a.weight", "head.c.weight", "block0.mlp.fc1.weight"):
            self.assertNotIn(name, f.params)
        self.assertEqual(f.params["block0.attn.wq"].shape, (8, 8))
        self.assertEqual(f.params["block0.mlp.fc1.a.weight"].shape, (4, 8))  # int(min(8, 16) x 0.5)
        q = quantize.calibrate(f, np.stack(self.x))
        self.assertEqual(set(quantize.scale_names(f)) - set(q.scales), set())
        self.assertNotIn("block0.attn.qkv.a", quantize.scale_names(f))
        self.assertEqual(set(q.params), set(f.params))

    def test_mlp_only_error_shrinks_with_rank_and_is_exact_at_full_rank(self):
        def error(ratio):
            f = lowrank.factorise(self.vit, ratio, "mlp")
            out = np.array([float_forward(f, f.params, x)[0] for x in self.x])
            return np.sqrt(np.mean((out - self.dense) ** 2)) / np.sqrt(np.mean(self.dense ** 2))
        errors = [error(r) for r in (0.25, 0.5, 1.0)]
        self.assertLess(errors[1], errors[0], errors)
        self.assertLess(errors[2], 1e-12, errors)
        # The attention and the classifier stay exact: smaller error than factorising everything.
        self.assertLess(errors[0], self.error(0.25))



def import_cli(d, *extra):
    out = [os.path.join(d, "lr.json"), os.path.join(d, "lr.vswt")]
    p = subprocess.run([sys.executable, "-m", "vitsim_import", os.path.join(d, "m.onnx"), "--calib",
                        os.path.join(d, "calib.npz"), "--net", out[0], "--weights", out[1], "--name", "lr",
                        "--export-inputs", os.path.join(d, "inputs.npz"), *extra],
                       cwd=os.path.join(HERE, ".."), capture_output=True, text=True)
    return p, out


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class LowRankCommandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        onnx.save(small_model()[1], os.path.join(cls.dir.name, "m.onnx"))
        np.savez(os.path.join(cls.dir.name, "calib.npz"), x=samples(), y=np.arange(6) % 4)

    def test_bad_ratio_is_one_line_and_exit_2(self):
        for bad in ("0", "-0.5", "1.5", "half", "nan", "0.05"):  # 0.05: rank 0 for an 8-wide layer
            p, out = import_cli(self.dir.name, "--lowrank=" + bad)
            self.assertEqual(p.returncode, EXIT_USAGE, bad + ": " + p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertIn("--lowrank", p.stderr)
            for path in out:
                self.assertFalse(os.path.exists(path))

    def test_low_rank_import_is_deterministic(self):
        outputs = []
        for _ in range(2):
            p, out = import_cli(self.dir.name, "--lowrank", "0.5")
            self.assertEqual(p.returncode, 0, p.stderr)
            outputs.append([read_bytes(path) for path in out])
        self.assertEqual(outputs[0], outputs[1])
        self.assertIn(b'"low_rank_ratio": 0.5', outputs[0][0])

    def test_ratio_one_is_the_dense_network(self):
        p, out = import_cli(self.dir.name, "--lowrank", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out[0]) as f:
            self.assertNotIn("low_rank_ratio", json.load(f))

    def test_several_ratios_write_one_pair_each(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("m.onnx", "calib.npz"):
                os.symlink(os.path.join(self.dir.name, name), os.path.join(d, name))
            p, _ = import_cli(d, "--lowrank", "0.5,1", "--report", os.path.join(d, "r.json"))
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("wrote " + os.path.join(d, "lr-lr1.json") + " and " + os.path.join(d, "lr-lr1.vswt"),
                          p.stdout)
            names = sorted(os.listdir(d))
            self.assertEqual(names, sorted(["m.onnx", "calib.npz", "inputs.npz", "lr-lr0.5.json", "lr-lr0.5.vswt",
                                            "lr-lr1.json", "lr-lr1.vswt", "r-lr0.5.json", "r-lr1.json"]))
            with open(os.path.join(d, "lr-lr0.5.json")) as f:
                half = json.load(f)
            with open(os.path.join(d, "lr-lr1.json")) as f:
                dense = json.load(f)
            self.assertEqual((half["name"], half["low_rank_ratio"]), ("lr-lr0.5", 0.5))
            self.assertEqual(dense["name"], "lr-lr1")
            self.assertNotIn("low_rank_ratio", dense)
            # The same network as a one-ratio import, but for its name.
            p, (net, weights) = import_cli(self.dir.name, "--lowrank", "0.5")
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(net) as f:
                single = json.load(f)
            self.assertEqual(dict(half, name="lr"), single)

    def test_mlp_only_names_and_format(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("m.onnx", "calib.npz"):
                os.symlink(os.path.join(self.dir.name, name), os.path.join(d, name))
            p, _ = import_cli(d, "--lowrank", "0.25,0.5", "--lowrank-layers", "mlp")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("low-rank 0.25 (MLP only) vs dense float", p.stdout)
            with open(os.path.join(d, "lr-mlp-lr0.5.json")) as f:
                net = json.load(f)
            self.assertNotIn("low_rank_ratio", net)
            self.assertEqual({layer.get("mlp_low_rank_ratio") for layer in net["layers"] if layer["op"] == "encoder"},
                             {0.5})

    def test_bad_ratio_lists_write_nothing(self):
        for bad in ("0.5,0.5", "0.5,x", "0.5,", "0.5,0.05"):  # a repeat, not a number, empty, rank 0
            with tempfile.TemporaryDirectory() as d:
                for name in ("m.onnx", "calib.npz"):
                    os.symlink(os.path.join(self.dir.name, name), os.path.join(d, name))
                p, _ = import_cli(d, "--lowrank", bad)
                self.assertEqual(p.returncode, EXIT_USAGE, bad + ": " + p.stderr)
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                self.assertEqual(sorted(os.listdir(d)), ["calib.npz", "m.onnx"], bad)


@unittest.skipUnless(VITSIM, "VITSIM (the vitsim executable) is not set")
class LowRankRunTest(unittest.TestCase):
    def run_imported(self, model, example):
        with tempfile.TemporaryDirectory() as d:
            onnx.save(export(model, example), os.path.join(d, "m.onnx"))
            x = np.random.default_rng(4).standard_normal((6,) + tuple(example.shape[1:]))
            np.savez(os.path.join(d, "calib.npz"), x=x, y=np.arange(6) % 4)
            p, (net, weights) = import_cli(d, "--lowrank", "0.5")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("low-rank 0.5 vs dense float", p.stdout)
            report = os.path.join(d, "run.json")
            r = subprocess.run([VITSIM, "run", "--net", net, "--weights", weights, "--soc", "stm32f746",
                                "--inputs", os.path.join(d, "inputs.npz"), "--json", report],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(report) as f:
                doc = json.load(f)
            self.assertTrue(doc["golden_match"])
            self.assertTrue(doc["inputs"]["golden_match"])
            self.assertTrue(any(layer["op"] == "lowrank" for layer in doc["layers"]), doc["layers"][:3])

    def test_patch_embedding_mean_pool_runs_bit_exact(self):
        self.run_imported(small_model()[0], torch.randn(1, 2, 8, 8))

    def test_linear_tokenizer_class_token_runs_bit_exact(self):
        kw = dict(tokenizer="linear", length=6, classes=4)
        self.run_imported(small(**kw), example_for(None, kw))


@unittest.skipUnless(VITSIM, "VITSIM (the vitsim executable) is not set")
class LowRankSweepTest(unittest.TestCase):
    """Accuracy vs low-rank ratio (all layers and MLP only) and vs the LayerNorm square
    root through vitsim sweep --inputs: every row a real simulation, checked against
    the golden model, with its top-1, cycles and energy per inference."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        onnx.save(small_model()[1], os.path.join(d, "m.onnx"))
        np.savez(os.path.join(d, "calib.npz"), x=samples(), y=np.arange(6) % 4)
        for extra in (("--lowrank", "0.5,1"), ("--lowrank", "0.5", "--lowrank-layers", "mlp")):
            p, out = import_cli(d, *extra)
            assert p.returncode == 0, p.stderr
        cls.inputs = os.path.join(d, "inputs.npz")
        cls.nets = [os.path.join(d, n) for n in ("lr-lr1", "lr-lr0.5")] + [os.path.join(d, "lr")]  # lr: MLP only

    def sweep(self, *args):
        report, csv = os.path.join(self.dir.name, "s.json"), os.path.join(self.dir.name, "s.csv")
        p = subprocess.run([VITSIM, "sweep", "-j", "2", "--soc", "stm32f746", "--inputs", self.inputs, "--json",
                            report, "--csv", csv, *args], capture_output=True, text=True)
        with open(report) as f:
            doc = json.load(f)
        with open(csv) as f:
            rows = f.read().splitlines()
        return p, doc, rows

    def test_network_per_ratio_with_its_weights(self):
        vary = ",".join(f"{n}.json:{n}.vswt" for n in self.nets)
        p, doc, csv = self.sweep("--vary", "net=" + vary)
        self.assertEqual(p.returncode, 0, p.stderr)
        runs = doc["runs"]
        self.assertEqual([r["network"] for r in runs], ["lr-lr1", "lr-lr0.5", "lr"])
        for r in runs:
            self.assertEqual(r["status"], "ok")
            self.assertTrue(r["golden_match"])
            self.assertIsInstance(r["top1_accuracy"], float)
            self.assertGreater(r["cycles_per_inference"], 0)
            self.assertGreater(r["energy_uj_per_inference"], 0)
            self.assertGreater(r["mac_per_cycle"], 0.01)  # per inference, not over the whole run
        # Three different networks: three different costs.
        self.assertEqual(len({r["cycles_per_inference"] for r in runs}), 3)
        header = csv[0].split(",")
        self.assertEqual(header[-3:], ["top1_accuracy", "cycles_per_inference", "energy_uj_per_inference"])
        for line, r in zip(csv[1:], runs):
            fields = line.split(",")
            self.assertAlmostEqual(float(fields[-3]), r["top1_accuracy"])
            self.assertAlmostEqual(float(fields[-2]), r["cycles_per_inference"])
        table = p.stdout.splitlines()
        self.assertIn("cycles/inf", table[0])
        self.assertIn("top-1", table[0])
        for line, r in zip(table[1:], runs):
            self.assertIn(f"{100 * r['top1_accuracy']:.2f}%", line)
            self.assertIn(str(round(r["cycles_per_inference"])), line)

    def test_sqrt_iterations_show_accuracy(self):
        n = self.nets[0]
        p, doc, _ = self.sweep("--net", n + ".json", "--weights", n + ".vswt", "--vary", "sqrt=newton:1,bisect")
        self.assertEqual(p.returncode, 0, p.stderr)
        runs = doc["runs"]
        self.assertEqual([r["options"]["sqrt"] for r in runs], ["newton:1", "bisect"])
        for r in runs:
            self.assertIsInstance(r["top1_accuracy"], float)
            self.assertGreater(r["mac_per_cycle"], 0.01)
        self.assertLess(runs[0]["cycles_per_inference"], runs[1]["cycles_per_inference"])

    def test_network_with_another_networks_weights_is_refused_before_running(self):
        a, b = self.nets[0], self.nets[1]
        p = subprocess.run([VITSIM, "sweep", "--soc", "stm32f746", "--inputs", self.inputs, "--weights",
                            a + ".vswt", "--vary", f"net={a}.json,{b}.json"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 111, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn(a + ".vswt", p.stderr)
        self.assertEqual(p.stdout, "")  # nothing ran


if __name__ == "__main__":
    unittest.main()
