#!/usr/bin/env python3
"""PyTorch peers for NetDsl's GPU benchmarks, run on the device machine in the same session as `netdsl bench`.

For each network: images/s of full training steps (forward, cross-entropy, backward, SGD with momentum and weight
decay) in eager mode and under torch.compile, with the inputs already on the GPU (NetDsl's bench uploads each batch,
so this favours PyTorch). ResNet-50 runs with TF32 allowed for matmul and cuDNN, channels-last, as a cuDNN user would.

Prints one JSON object per measurement, e.g.
  {"peer": "pytorch-eager", "network": "lenet5", "batch": 64, "images_per_s": 123456.7, "device": "NVIDIA H100 ..."}
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "NetDsl.Runtime.Tests", "fixtures"))
from make_lenet5_fixture import LeNet5  # noqa: E402  (the architecture NetDsl's LeNet5 is tested against)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_lenet5 import step as training_step  # noqa: E402  (the same step the CPU benchmark times)


def network(name):
    if name == "lenet5":
        return LeNet5(), (1, 28, 28), 10
    import torchvision
    if name == "resnet50":
        return torchvision.models.resnet50(), (3, 224, 224), 1000
    if name == "resnet18":
        return torchvision.models.resnet18(), (3, 224, 224), 1000
    if name == "vgg16":
        return torchvision.models.vgg16(), (3, 224, 224), 1000
    raise SystemExit(f"unknown network {name}")


def measure(name, batch, steps, warmup, compiled):
    torch.manual_seed(1)
    model, shape, classes = network(name)
    model = model.cuda()
    x = torch.randn(batch, *shape, device="cuda")
    y = torch.randint(0, classes, (batch,), device="cuda")
    if shape[0] == 3:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        return training_step(model, optimizer, x, y)

    run = torch.compile(step) if compiled else step
    for _ in range(warmup):
        run()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        run()
    torch.cuda.synchronize()
    return steps * batch / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--networks", default="lenet5:64,resnet50:32", help="name:batch pairs")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--peers", default="eager,compile")
    args = p.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    device = torch.cuda.get_device_name(0)
    for item in args.networks.split(","):
        name, batch = item.split(":")
        for peer in args.peers.split(","):
            steps = args.steps if name == "lenet5" else max(20, args.steps // 10)
            try:
                rate = measure(name, int(batch), steps, args.warmup, peer == "compile")
                result = {"images_per_s": round(rate, 1)}
            except Exception as e:  # a peer that fails (e.g. no compiler for torch.compile) is reported, not fatal
                result = {"error": f"{type(e).__name__}: {e}"[:300]}
            print(json.dumps({"peer": f"pytorch-{peer}", "torch": torch.__version__, "network": name, "batch": int(batch),
                              "device": device, **result}), flush=True)


if __name__ == "__main__":
    main()
