#!/usr/bin/python3
"""PyTorch peer of PruneKit's training benchmark.

Trains LeNet-300-100 or LeNet-5 on the same IDX files, with the same settings as the Java side
(Adam 1e-3, batch 64, softmax cross-entropy, one thread, the loss and the number of correct
answers read back every batch), and prints one JSON line with the seconds of every epoch
and the final test accuracy. Run with Debian's /usr/bin/python3 (python3-torch) and
libopenblas0-pthread installed; OPENBLAS_NUM_THREADS=1 keeps the figures steady.

Usage: torch_train.py --model lenet300100|lenet5|smallcnn --data DIR [--epochs 3] [--limit 0] [--seed 42] [--profile BATCHES]
       [--channels-last]
--channels-last trains with the model's weights in channels-last memory format (what PruneKit does
for image batches of 8 or more), PyTorch's layout option for convolutional nets.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    if magic >> 8 != 0x08:
        sys.exit(f"{path}: not an IDX file of unsigned bytes")
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, raw[4:4 + 4 * rank])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def model(name):
    if name == "lenet300100":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                             nn.Linear(100, 10))
    if name == "lenet5":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    if name == "smallcnn":
        return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))
    sys.exit(f"unknown model {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--profile", type=int, default=0, help="after training, time the phases of this many batches")
    ap.add_argument("--channels-last", action="store_true", help="weights (and so activations) channels-last")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    def load(prefix):
        x = read_idx(os.path.join(args.data, f"{prefix}-images-idx3-ubyte.gz"))
        y = read_idx(os.path.join(args.data, f"{prefix}-labels-idx1-ubyte.gz"))
        return torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1), torch.from_numpy(y.astype(np.int64))

    x_train, y_train = load("train")
    x_test, y_test = load("t10k")
    if args.limit:
        keep = torch.from_numpy(rng.permutation(len(y_train))[:args.limit])
        x_train, y_train = x_train[keep], y_train[keep]

    net = model(args.model)
    if args.channels_last:
        net = net.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        net.train()
        order = torch.from_numpy(rng.permutation(len(y_train)))
        total_loss, correct = 0.0, 0
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad()
            logits = net(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            opt.step()
            total_loss += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
        seconds.append(time.perf_counter() - start)
    profile = {}
    if args.profile:
        # the same phases as PruneKit's Training.profile: mean microseconds per batch
        phases = ["assembly", "forward", "loss", "backward", "optimizer", "read-back"]
        clock = dict.fromkeys(phases, 0.0)
        order = torch.from_numpy(rng.permutation(len(y_train)))
        per_epoch = (len(order) + args.batch - 1) // args.batch
        for b in range(args.profile):
            i = (b % per_epoch) * args.batch
            t0 = time.perf_counter()
            idx = order[i:i + args.batch]
            xb, yb = x_train[idx], y_train[idx]
            t1 = time.perf_counter()
            opt.zero_grad()
            logits = net(xb)
            t2 = time.perf_counter()
            loss = loss_fn(logits, yb)
            t3 = time.perf_counter()
            loss.backward()
            t4 = time.perf_counter()
            opt.step()
            t5 = time.perf_counter()
            loss.item()
            (logits.argmax(1) == yb).sum().item()
            t6 = time.perf_counter()
            for name, (a, z) in zip(phases, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6)]):
                clock[name] += (z - a) * 1e6 / args.profile
        profile = {"profile_phases": list(clock.values())}
    net.eval()
    with torch.no_grad():
        acc = sum((net(x_test[i:i + 500]).argmax(1) == y_test[i:i + 500]).sum().item()
                  for i in range(0, len(y_test), 500)) / len(y_test)
    print(json.dumps({"model": args.model, "torch": torch.__version__, "epoch_seconds": seconds,
                      "test_accuracy": acc, **profile}))


if __name__ == "__main__":
    main()
