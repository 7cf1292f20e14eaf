"""Trains a small ViT on scikit-learn's 8x8 digits (seeded, CPU), exports it to ONNX
and writes the calibration and test sets.

    /usr/bin/python3 importer/examples/digits_vit.py OUT_DIR [--epochs N] [--test N]

OUT_DIR/digits_vit.onnx   the trained model (input [1, 1, 8, 8], pixels / 16 - 0.5)
OUT_DIR/calib.npz         x [N, 1, 8, 8] float, y labels: training images for calibration
OUT_DIR/test.npz          x, y: held-out test images (ONNX layout)
OUT_DIR/float.json        float top-1 accuracy of the PyTorch model on the test set
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vitsim_import.models import TinyViT  # noqa: E402

SEED = 0


def data():
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0 - 0.5)[:, None]  # [N, 1, 8, 8]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(SEED).permutation(len(x))
    return x[order], y[order]


def train(model, x, y, epochs):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * math.ceil(len(x) / 64))
    gen = torch.Generator().manual_seed(SEED)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(epochs):
        model.train()
        for idx in torch.randperm(len(x), generator=gen).split(64):
            loss = nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    model.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--test", type=int, default=300, help="held-out test images")
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(1)  # same float results on every run
    x, y = data()
    x_test, y_test, x_train, y_train = x[:args.test], y[:args.test], x[args.test:], y[args.test:]
    model = TinyViT()
    train(model, x_train, y_train, args.epochs)
    with torch.no_grad():
        pred = model(torch.from_numpy(x_test)).argmax(1).numpy()
    accuracy = float(np.mean(pred == y_test))
    os.makedirs(args.out, exist_ok=True)
    torch.onnx.export(model, torch.from_numpy(x_test[:1]), os.path.join(args.out, "digits_vit.onnx"),
                      input_names=["image"], output_names=["logits"], opset_version=13)
    np.savez(os.path.join(args.out, "calib.npz"), x=x_train[:200], y=y_train[:200])
    np.savez(os.path.join(args.out, "test.npz"), x=x_test, y=y_test)
    with open(os.path.join(args.out, "float.json"), "w") as f:
        json.dump({"test_samples": len(x_test), "float_top1": accuracy}, f)
    print(f"digits ViT: float top-1 {100 * accuracy:.1f}% on {len(x_test)} test images")


if __name__ == "__main__":
    main()
