#!/usr/bin/python3
"""PyTorch peer of PruneKit's pruning benchmarks.

  global   --hidden 2048,2048,2048 --sparsity 0.9 --reps 5
           time torch.nn.utils.prune.global_unstructured (L1) over every Linear weight of a
           784-...-10 MLP; prints the median seconds.
  finetune --data DIR --model M --sparsities 0.5,0.9 --epochs E --pretrain P --limit N --test-limit N
           trains M (Adam 1e-3, batch 64) for P epochs; then for each sparsity, from a copy of the
           trained net, L1 global unstructured pruning of every Conv2d/Linear weight and E epochs of
           fine-tuning with the masks; prints the test accuracies.
One JSON line on standard output. Run with /usr/bin/python3, OPENBLAS_NUM_THREADS=1.
"""
import argparse
import copy
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn.utils import prune

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_train  # noqa: E402  (same IDX reader and models)


def mlp(hidden):
    layers, width = [], 784
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def global_time(args):
    hidden = [int(h) for h in args.hidden.split(",")]
    times = []
    params = 0
    for _ in range(args.reps):
        net = mlp(hidden)
        linears = [(m, "weight") for m in net if isinstance(m, nn.Linear)]
        params = sum(m.weight.numel() for m, _ in linears)
        start = time.perf_counter()
        prune.global_unstructured(linears, pruning_method=prune.L1Unstructured, amount=args.sparsity)
        times.append(time.perf_counter() - start)
    zeros = sum(int((m.weight == 0).sum()) for m, _ in linears)
    print(json.dumps({"weights": params, "seconds": sorted(times)[len(times) // 2], "all_seconds": times,
                      "sparsity": zeros / params}))


def finetune(args):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    def load(prefix, limit):
        x = torch_train.read_idx(os.path.join(args.data, f"{prefix}-images-idx3-ubyte.gz"))
        y = torch_train.read_idx(os.path.join(args.data, f"{prefix}-labels-idx1-ubyte.gz"))
        if limit:  # the first N images, as the Java side takes them
            x, y = x[:limit], y[:limit]
        return torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1), torch.from_numpy(y.astype(np.int64))

    x, y = load("train", args.limit)
    xt, yt = load("t10k", args.test_limit)
    loss_fn = nn.CrossEntropyLoss()

    def train(net, epochs):
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        net.train()
        for _ in range(epochs):
            order = torch.from_numpy(rng.permutation(len(y)))
            for i in range(0, len(order), 64):
                idx = order[i:i + 64]
                opt.zero_grad()
                loss_fn(net(x[idx]), y[idx]).backward()
                opt.step()

    def accuracy(net):
        net.eval()
        with torch.no_grad():
            return sum((net(xt[i:i + 500]).argmax(1) == yt[i:i + 500]).sum().item()
                       for i in range(0, len(yt), 500)) / len(yt)

    net = torch_train.model(args.model)
    train(net, args.pretrain)
    dense = accuracy(net)
    state = copy.deepcopy(net.state_dict())
    results = []
    for s in [float(v) for v in args.sparsities.split(",")]:
        net.load_state_dict(state)
        targets = [(m, "weight") for m in net.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
        prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=s)
        pruned = accuracy(net)
        train(net, args.epochs)
        results.append({"sparsity": s, "pruned": pruned, "fine_tuned": accuracy(net)})
        for m, name in targets:
            prune.remove(m, name)
    print(json.dumps({"dense": dense, "results": results}))


def main():
    torch.set_num_threads(1)
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["global", "finetune"])
    ap.add_argument("--hidden", default="2048,2048,2048")
    ap.add_argument("--sparsity", type=float, default=0.9)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--data")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--pretrain", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--model", default="lenet300100")
    ap.add_argument("--sparsities", default="0.5,0.8,0.9,0.95")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--test-limit", type=int, default=0)
    args = ap.parse_args()
    global_time(args) if args.mode == "global" else finetune(args)


if __name__ == "__main__":
    main()
