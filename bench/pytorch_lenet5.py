#!/usr/bin/python3
"""PyTorch peer for NetDsl's LeNet-5 benchmarks (Debian's python3-torch, CPU).

  throughput: images/s of full training steps (forward, backward, SGD) at a given batch on real Fashion-MNIST batches.
  accuracy:   trains for N epochs with SGD and prints test accuracy per epoch (the quality reference).

The model is the one the test fixture uses, so both sides train the same architecture.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "NetDsl.Runtime.Tests", "fixtures"))
from make_lenet5_fixture import LeNet5  # noqa: E402

MEAN, STD = 0.2860, 0.3530


def load(directory, prefix):
    def read(name, offset):
        with gzip.open(os.path.join(directory, name), "rb") as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)
    images = read(f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
    labels = read(f"{prefix}-labels-idx1-ubyte.gz", 8)
    x = (torch.from_numpy(images.astype(np.float32)) / 255.0 - MEAN) / STD
    return x, torch.from_numpy(labels.astype(np.int64))


def step(model, optimizer, x, y):
    optimizer.zero_grad(set_to_none=True)
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


def throughput(args, x, y):
    model = LeNet5()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    order = torch.randperm(len(x))
    batches = [order[i:i + args.batch] for i in range(0, len(x) - args.batch + 1, args.batch)]
    for b in batches[:args.warmup]:
        step(model, optimizer, x[b], y[b])
    start = time.perf_counter()
    for b in batches[args.warmup:args.warmup + args.steps]:
        step(model, optimizer, x[b], y[b])
    elapsed = time.perf_counter() - start
    print(f"pytorch {torch.__version__} threads={torch.get_num_threads()} batch={args.batch} steps={args.steps} "
          f"images_per_s={args.steps * args.batch / elapsed:.1f}")


def accuracy(args, x, y, tx, ty):
    torch.manual_seed(args.seed)
    model = LeNet5()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        for b in torch.randperm(len(x)).split(args.batch):
            step(model, optimizer, x[b], y[b])
        model.eval()
        with torch.no_grad():
            correct = sum((model(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item() for i in range(0, len(tx), 1000))
        print(f"epoch {epoch}: test accuracy {100.0 * correct / len(tx):.2f}% ({time.perf_counter() - start:.1f} s)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["throughput", "accuracy"])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    x, y = load(args.data, "train")
    if args.mode == "throughput":
        throughput(args, x, y)
    else:
        accuracy(args, x, y, *load(args.data, "t10k"))


if __name__ == "__main__":
    main()
