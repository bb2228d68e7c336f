#!/usr/bin/python3
"""PyTorch peer of PruneKit's inference-latency benchmark: the same nets, on the same float32 weights,
timed pass by pass on request, so that the Java side can interleave its own passes with these.

  torch_latency.py DIR...

Each DIR holds a net exported by PruneKit (manifest.json in the format of torch_llm_prune.py, which
builds it: "arch", "params", "input_shape") plus "x" (a batch of inputs) and "logits" (PruneKit's
logits on it). Each net is built, put in eval mode and checked: its logits must agree with PruneKit's
within 1e-4 (relative to their largest magnitude), else the script stops with an error.
It then prints {"ready": true, "torch": version, "max_diff": [...]} and answers commands, one
per line on standard input, each with one JSON line:

  time I B N      N timed passes of net I on the first B inputs, after warm-up passes until the time
                  per pass is steady (as PruneKit's Latency: at least 1 s, then until the median of the
                  last 5 is within 5 % of the 5 before, at most 10 s); a pass is net(x) under torch.inference_mode() plus
                  reading the logits into a numpy array. -> {"millis": [...], "warmup": W}
  profile I B N   per top-level module of net I, mean microseconds over N passes (after the same
                  warm-up) -> {"steps": [names], "micros": [...]}
  quit

Run with Debian's /usr/bin/python3 (python3-torch), OPENBLAS_NUM_THREADS=1; one torch thread.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import numpy as np
    import torch
    import torch_llm_prune as peer  # noqa: E402  (the net builder and the file reader)
except ImportError as e:
    print(f"torch-missing: {e}: run toolkit/bin/setup (it installs Debian's python3-torch)")
    sys.exit(3)


def load_net(d):
    with open(os.path.join(d, "manifest.json")) as f:
        man = json.load(f)
    params = {k: peer.load(d, v) for k, v in man["params"].items()}
    net = peer.build(man["arch"], params).eval()
    x = peer.load(d, man["x"])
    want = peer.load(d, man["logits"])
    with torch.inference_mode():
        got = net(x)
    diff = float((got - want).abs().max())
    scale = max(1.0, float(want.abs().max()))
    if diff > 1e-4 * scale:
        sys.exit(f"{d}: the peer's logits differ from PruneKit's by {diff:g} (largest logit {scale:g}):"
                 " the two forward passes differ")
    return net, x, diff


def one_pass(net, x):
    start = time.perf_counter()
    with torch.inference_mode():
        net(x).numpy()
    return (time.perf_counter() - start) * 1e3


def warm_up(net, x):
    recent = []
    start = time.perf_counter()
    while len(recent) < 200 and time.perf_counter() - start < 10:
        recent.append(one_pass(net, x))
        if len(recent) >= 10 and time.perf_counter() - start >= 1:
            older = sorted(recent[-10:-5])[2]
            newer = sorted(recent[-5:])[2]
            if abs(older - newer) <= 0.05 * max(older, newer):
                break
    return len(recent)


def profile(net, x, passes):
    mods = list(net.children())
    total = [0.0] * len(mods)
    with torch.inference_mode():
        for _ in range(passes):
            y = x
            prev = time.perf_counter()
            for i, m in enumerate(mods):
                y = m(y)
                now = time.perf_counter()
                total[i] += now - prev
                prev = now
            y.numpy()
    return [t * 1e6 / passes for t in total]


def main():
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    nets = [load_net(d) for d in sys.argv[1:]]
    print(json.dumps({"ready": True, "torch": torch.__version__, "max_diff": [d for _, _, d in nets]}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        net, x, _ = nets[int(cmd[1])]
        xb = x[:int(cmd[2])].contiguous()
        passes = int(cmd[3])
        warm = warm_up(net, xb)
        if cmd[0] == "time":
            out = {"millis": [one_pass(net, xb) for _ in range(passes)], "warmup": warm}
        elif cmd[0] == "profile":
            out = {"steps": [type(m).__name__ for m in net.children()], "micros": profile(net, xb, passes)}
        else:
            sys.exit(f"unknown command {cmd[0]!r}")
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
