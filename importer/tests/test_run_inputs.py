"""vitsim run --inputs on the built-in tiny network (16x16x3, 4 classes): the
firmware runs every sample in one simulation and each output equals the host
golden model's. VITSIM names the vitsim executable (set by ctest)."""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np

VITSIM = os.environ.get("VITSIM", "")


@unittest.skipUnless(VITSIM, "VITSIM (the vitsim executable) is not set")
class RunInputsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def vitsim(self, inputs, *extra):
        report = self.path("r.json")
        p = subprocess.run([VITSIM, "run", "--net", "tiny", "--soc", "stm32f746", "--inputs", inputs, "--json",
                            report, *extra], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(report) as f:
            return json.load(f), p.stdout

    def test_float_samples_with_labels(self):
        rng = np.random.default_rng(5)
        x = rng.uniform(-2, 2, (5, 16, 16, 3)).astype(np.float32)
        y = np.array([0, 1, 2, 3, 0])
        np.savez(self.path("f.npz"), x=x, y=y)
        doc, out = self.vitsim(self.path("f.npz"))
        b = doc["inputs"]
        self.assertEqual(b["count"], 5)
        self.assertTrue(b["golden_match"])
        self.assertTrue(doc["golden_match"])
        preds = [s["predicted"] for s in b["samples"]]
        self.assertEqual(preds, [int(np.argmax(s["logits"])) for s in b["samples"]])
        self.assertEqual(b["correct"], int(sum(p == l for p, l in zip(preds, y))))
        self.assertEqual(b["top1_accuracy"], b["golden_top1_accuracy"])
        cycles = [s["cycles"] for s in b["samples"]]
        self.assertTrue(all(c > 0 for c in cycles))
        self.assertAlmostEqual(b["cycles_per_inference"]["mean"], sum(cycles) / 5)
        # MAC/cycle per inference: one inference's MACs over its mean cycles, not the whole run's
        self.assertAlmostEqual(doc["totals"]["mac_per_cycle"], doc["totals"]["macs"] / b["cycles_per_inference"]["mean"])
        self.assertGreater(doc["totals"]["mac_per_cycle"], 0.05)
        # one simulation: the layer records are the samples' records, in order
        self.assertEqual(len(doc["layers"]), len(doc["plan"]["layers"]))
        self.assertIn("inputs: 5 samples, every output equals the host golden model bit for bit", out)
        # different samples give different logits (the input really changes)
        self.assertGreater(len({tuple(s["logits"]) for s in b["samples"]}), 1)

    def test_int8_compressed_without_labels_matches_float_quantized(self):
        rng = np.random.default_rng(6)
        q = rng.integers(-127, 128, (3, 16, 16, 3)).astype(np.int8)
        np.savez_compressed(self.path("q.npz"), x=q)
        doc, _ = self.vitsim(self.path("q.npz"))
        b = doc["inputs"]
        self.assertEqual((b["count"], b["labelled"], b["top1_accuracy"]), (3, False, None))
        # the same samples as floats at the input scale (1/64 for generated weights) give the same logits
        np.savez(self.path("qf.npz"), x=q.astype(np.float64) / 64.0)
        doc2, _ = self.vitsim(self.path("qf.npz"))
        self.assertEqual([s["logits"] for s in b["samples"]], [s["logits"] for s in doc2["inputs"]["samples"]])

    def test_deterministic(self):
        x = np.random.default_rng(7).uniform(-1, 1, (2, 16, 16, 3))
        np.savez(self.path("d.npz"), x=x)
        a, _ = self.vitsim(self.path("d.npz"))
        b, _ = self.vitsim(self.path("d.npz"))
        self.assertEqual(a["inputs"]["samples"], b["inputs"]["samples"])


if __name__ == "__main__":
    unittest.main()
