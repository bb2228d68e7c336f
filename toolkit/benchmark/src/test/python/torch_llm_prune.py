#!/usr/bin/python3
"""PyTorch peer of PruneKit's one-shot pruning methods: magnitude, Wanda and SparseGPT, written
from the papers (Sun et al. 2023; Frantar and Alistarh 2023) in torch, independently of PruneKit.

  torch_llm_prune.py DIR

DIR/manifest.json describes a net and what to run on it:
  {"arch": [{"kind": "dense"|"conv"|"relu"|"gelu"|"maxpool"|"avgpool"|"flatten"|"globalavgpool", "name": "fc1",
             "stride": s, "padding": p, "dilation": d, "kernel": k}, ...],   (top-level layers, in order)
           "batchnorm" (name.gamma, name.beta, name.runningMean, name.runningVar, "eps", "images": 2-D or not),
           "residual" with a "shortcut" (layers named below it: main(x) + shortcut(x)),
           transformer kinds: "embedding" (name.weight; ids arrive as floats), "position" (name.table,
           added to the first T rows), "layernorm" (name.gamma, name.beta, "eps"), "residual" ("main":
           [layers named below it, x + main(x)]), "attention" ("heads", "head_size", "causal";
           nn.Linear projections name.q, name.k, name.v, name.out)
           sequence kinds (torch_recurrent.py): "lstm" (one layer, batch first, name.l_0_i2h_WEIGHT/_BIAS and
           name.l_0_h2h_WEIGHT/_BIAS, gates i, f, g, o; its weights are pruned as the layers name/input and
           name/recurrent), "timepool" ("max": false for the mean over time)
   "params": {"fc1.weight": {"shape": [...], "file": "fc1.weight.bin"}, ...},  (float32 little-endian)
   "input_shape": [1, 28, 28],
   "calibrations": {"cal1": {"shape": [N, ...], "file": ...}},
   "test": {"x": {"shape": ..., "file": ...}, "y": {"shape": [n] or [n, T], "file": ...}}   (int32; optional)
   "reference_loss": PruneKit's dense test loss (optional: the run stops if the dense perplexity differs
                     by more than 1e-3 relative, i.e. the two forward passes differ)
   "prune": ["t1_attn.sa.q", ...]   (the weight layers to prune; default: all)
   "logits": true   (optional: also write each run's test logits, out/<run>/logits.bin)
   "train": {"x": ..., "y": ..., "batch": 32, "lr": 0.003, "epochs": 3, "order": {"shape": [epochs, n], ...}}
           (optional: instead of the runs, time training epochs of the exported net with Adam, each epoch in the
           given order (int32; default: as exported), and print {"torch", "train": {"epoch_seconds": [...],
           "epoch_cpu_seconds": [...] (the main thread's CPU time), "epoch_loss": [...]}})
   "runs": [{"name": ..., "method": "dense"|"magnitude"|"wanda"|"sparsegpt", "sparsity": 0.5,
             "n": 2, "m": 4 (n = 0: unstructured), "calibration": "cal1", "block": 128,
             "damp": 0.01, "sequential": true}]}

Every run starts from the exported weights. Layer-wise: magnitude prunes round(s*n) of each layer
(torch.nn.utils.prune.l1_unstructured) or, N:M, the M-N smallest |w| of every group; Wanda prunes
per output row by |W|*||X_j||_2 (or per N:M group); SparseGPT: H = 2 X^T X / N (float64),
dead columns (H_jj = 0) get H_jj = 1 and zero weights, H += damp*mean(diag H)*I, U = upper
Cholesky of H^-1, blocks of B columns: mask of the block by w^2/U_jj^2 (the round(s*rows*B)
lowest; N:M: the M-N lowest of each group of M), then column by column the OBS update, lazily
over the block and after it over the rest. A convolution's columns are its im2col patches
(F.unfold), processed kernel position by kernel position with input channels fastest, so that
N:M groups are M consecutive input channels at one kernel position. Sequential: each layer is
calibrated on the inputs the already-pruned earlier layers give. Layers whose input channels or
features M does not divide are left dense for N:M. Biases are not changed.

Writes DIR/out/<run>/<param>.bin (weights after pruning) and <param>.mask.bin (float32 0/1), and
prints one JSON line: {"torch": version, "runs": {name: {"loss", "accuracy", "seconds"}}} (loss: mean
cross-entropy per target, per next token for a language model).
Run with Debian's /usr/bin/python3 (python3-torch).
"""
import json
import math
import os
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.nn.utils import prune
    import torch_recurrent as recurrent
except ImportError as e:
    print(f"torch-missing: {e}: run toolkit/bin/setup (it installs Debian's python3-torch)")
    sys.exit(3)


def load(d, spec, dtype="<f4"):
    a = np.fromfile(os.path.join(d, spec["file"]), dtype=dtype).reshape(spec["shape"])
    return torch.from_numpy(a.astype(np.float32 if dtype == "<f4" else np.int64))


class Embedding(nn.Module):
    """Token ids (as floats, as PruneKit feeds them) to rows of the table."""

    def __init__(self, table):
        super().__init__()
        self.emb = nn.Embedding(table.shape[0], table.shape[1])
        with torch.no_grad():
            self.emb.weight.copy_(table)

    def forward(self, x):
        return self.emb(x.long())


class Position(nn.Module):
    """Learned position embedding: row t of the table added to position t."""

    def __init__(self, table):
        super().__init__()
        self.table = nn.Parameter(table.clone())

    def forward(self, x):
        return x + self.table[:x.shape[1]]


class Residual(nn.Module):
    """main(x) + x, or main(x) + shortcut(x) with a projection shortcut."""

    def __init__(self, main, shortcut=None):
        super().__init__()
        self.main = main
        self.shortcut = shortcut

    def forward(self, x):
        return self.main(x) + (x if self.shortcut is None else self.shortcut(x))


class Attention(nn.Module):
    """Multi-head scaled dot-product self-attention with q, k, v and out projections (nn.Linear)."""

    def __init__(self, q, k, v, out, heads, head_size, causal):
        super().__init__()
        self.q, self.k, self.v, self.out = q, k, v, out
        self.heads, self.head_size, self.causal = heads, head_size, causal

    def forward(self, x):
        b, t, _ = x.shape
        h, d = self.heads, self.head_size

        def split(y):
            return y.reshape(b, t, h, d).transpose(1, 2)

        scores = split(self.q(x)) @ split(self.k(x)).transpose(-2, -1) / math.sqrt(d)
        if self.causal:
            scores = scores.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float("-inf"))
        y = torch.softmax(scores, dim=-1) @ split(self.v(x))
        return self.out(y.transpose(1, 2).reshape(b, t, h * d))


def linear_of(name, w, b):
    """An nn.Linear named `name` (PruneKit's layer name) holding weight w and bias b (None: no bias)."""
    m = nn.Linear(w.shape[1], w.shape[0], bias=b is not None)
    with torch.no_grad():
        m.weight.copy_(w)
        if m.bias is not None:
            m.bias.copy_(b)
    m.prunekit_name = name
    return m


def linear(name, params):
    return linear_of(name, params[name + ".weight"], params.get(name + ".bias"))


def build(arch, params, linears=None, prefix=""):
    """The net as nn.Sequential; every weight layer (Linear, Conv2d) is appended to linears in execution order."""
    linears = [] if linears is None else linears
    mods = []
    for e in arch:
        k, name = e["kind"], prefix + e["name"]
        if k == "dense":
            m = linear(name, params)
            linears.append(m)
        elif k == "conv":
            w = params[name + ".weight"]
            m = nn.Conv2d(w.shape[1], w.shape[0], tuple(w.shape[2:]), stride=tuple(e["stride"]),
                          padding=tuple(e["padding"]), dilation=e["dilation"], bias=name + ".bias" in params)
            with torch.no_grad():
                m.weight.copy_(w)
                if m.bias is not None:
                    m.bias.copy_(params[name + ".bias"])
            m.prunekit_name = name
            linears.append(m)
        elif k == "relu":
            m = nn.ReLU()
        elif k == "gelu":
            m = nn.GELU()
        elif k == "maxpool":
            m = nn.MaxPool2d(e["kernel"], e["stride"], e["padding"])
        elif k == "avgpool":
            m = nn.AvgPool2d(e["kernel"], e["stride"], e["padding"])
        elif k == "flatten":
            m = nn.Flatten()
        elif k == "embedding":
            m = Embedding(params[name + ".weight"])
        elif k == "position":
            m = Position(params[name + ".table"])
        elif k == "layernorm":
            g = params[name + ".gamma"]
            m = nn.LayerNorm(g.shape[0], eps=e["eps"])
            with torch.no_grad():
                m.weight.copy_(g)
                m.bias.copy_(params[name + ".beta"])
        elif k == "batchnorm":
            g = params[name + ".gamma"]
            m = (nn.BatchNorm2d if e["images"] else nn.BatchNorm1d)(g.shape[0], eps=e["eps"])
            with torch.no_grad():
                m.weight.copy_(g)
                m.bias.copy_(params[name + ".beta"])
                m.running_mean.copy_(params[name + ".runningMean"])
                m.running_var.copy_(params[name + ".runningVar"])
        elif k == "globalavgpool":
            m = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        elif k == "residual":
            shortcut = build(e["shortcut"], params, linears, name + ".") if e.get("shortcut") else None
            m = Residual(build(e["main"], params, linears, name + "."), shortcut)
        elif k == "attention":
            q, kk, v, o = (linear(name + "." + p, params) for p in ("q", "k", "v", "out"))
            linears.extend([q, kk, v, o])
            m = Attention(q, kk, v, o, e["heads"], e["head_size"], e["causal"])
        elif k == "lstm":
            m, parts = recurrent.lstm(name, params, linear_of)
            linears.extend(parts)
        elif k == "timepool":
            m = recurrent.TimePool(e["max"])
        else:
            sys.exit(f"unsupported layer kind {k}")
        mods.append(m)
    return nn.Sequential(*mods)


def columns(m, x):
    """The input columns a layer's weight multiplies: (positions, cols), column j for W.reshape(out, -1)[:, j]."""
    if isinstance(m, nn.Linear):
        return x.reshape(-1, x.shape[-1])
    p = F.unfold(x, m.kernel_size, dilation=m.dilation, padding=m.padding, stride=m.stride)  # (b, c*k, L)
    return p.transpose(1, 2).reshape(-1, p.shape[1])


def order(m):
    """Column processing order: for a conv, kernel position major, input channels fastest."""
    w = m.weight
    cols = w[0].numel()
    if w.dim() == 4:
        c = w.shape[1]
        k = cols // c
        return torch.tensor([(q % c) * k + q // c for q in range(cols)])
    return torch.arange(cols)


def nm_prunable(m, mm):
    return m.weight.shape[1] % mm == 0


def layer_inputs(net, layer, cal, batch=32):
    """Gram matrix X^T X (float64) and number of positions of one layer's inputs over the calibration set."""
    got = {"g": None, "n": 0}

    def hook(mod, inp):
        x = columns(mod, inp[0]).double()
        g = x.t() @ x
        got["g"] = g if got["g"] is None else got["g"] + g
        got["n"] += x.shape[0]

    h = layer.register_forward_pre_hook(hook)
    with torch.no_grad():
        for i in range(0, len(cal), batch):
            net(cal[i:i + batch])
    h.remove()
    return got["g"], got["n"]


def nm_mask(score, n, mm):
    """Per row, in every group of mm consecutive (processing-order) columns, keep the n highest."""
    rows, cols = score.shape
    s = score.reshape(rows, cols // mm, mm)
    keep = torch.zeros_like(s, dtype=torch.bool)
    # equal scores: the first in the group is kept (a stable sort, as PruneKit's NmPattern)
    keep.scatter_(2, torch.sort(s, dim=2, descending=True, stable=True).indices[:, :, :n], True)
    return keep.reshape(rows, cols)


def nm_mask_of(layer, score, n, mm):
    """The 0/1 N:M mask of a layer's (out, cols) scores: groups taken in the layer's processing order."""
    perm = order(layer)
    mask = torch.zeros_like(score)
    mask[:, perm] = nm_mask(score[:, perm], n, mm).to(score.dtype)
    return mask


def magnitude(layer, s, n, mm):
    if n == 0:
        prune.l1_unstructured(layer, "weight", amount=s)
        mask = layer.weight_mask.detach().clone()
        prune.remove(layer, "weight")
        return mask
    w = layer.weight.detach()
    mask = nm_mask_of(layer, w.reshape(w.shape[0], -1).abs(), n, mm).reshape(w.shape)
    with torch.no_grad():
        layer.weight.mul_(mask)
    return mask


def wanda(layer, g, s, n, mm):
    w = layer.weight.detach()
    w2 = w.reshape(w.shape[0], -1)
    norm = torch.sqrt(torch.diag(g)).float()
    metric = w2.abs() * norm.unsqueeze(0)
    if n == 0:  # per output row, as the paper
        k = int(round(w2.shape[1] * s))
        idx = torch.sort(metric, dim=1, stable=True).indices[:, :k]
        mask = torch.ones_like(w2)
        mask.scatter_(1, idx, 0.0)
    else:
        mask = nm_mask_of(layer, metric, n, mm)
    mask = mask.reshape(w.shape)
    with torch.no_grad():
        layer.weight.mul_(mask)
    return mask


def sparsegpt(layer, g, positions, s, n, mm, block, damp):
    w0 = layer.weight.detach()
    perm = order(layer)
    W = w0.reshape(w0.shape[0], -1)[:, perm].double().clone()
    H = (2.0 / positions) * g[perm][:, perm]
    rows, cols = W.shape
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    H += damp * torch.mean(torch.diag(H)) * torch.eye(cols, dtype=torch.float64)
    Hinv = torch.cholesky_inverse(torch.linalg.cholesky(H))
    U = torch.linalg.cholesky(Hinv, upper=True)
    M = torch.ones_like(W, dtype=torch.bool)
    for i1 in range(0, cols, block):
        i2 = min(i1 + block, cols)
        count = i2 - i1
        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        U1 = U[i1:i2, i1:i2]
        d1 = torch.diag(U1)
        if n == 0:
            tmp = (W1 ** 2 / d1.unsqueeze(0) ** 2).flatten()
            k = int(round(s * tmp.numel()))
            prune_idx = torch.sort(tmp, stable=True).indices[:k]
            m1 = torch.ones(tmp.numel(), dtype=torch.bool)
            m1[prune_idx] = False
            m1 = m1.reshape(rows, count)
        else:
            m1 = torch.ones_like(W1, dtype=torch.bool)
        for i in range(count):
            if n != 0 and i % mm == 0:
                tmp = W1[:, i:i + mm] ** 2 / d1[i:i + mm].unsqueeze(0) ** 2
                low = torch.sort(tmp, dim=1, stable=True).indices[:, :mm - n]  # equal scores: the first goes
                m1[:, i:i + mm].scatter_(1, low, False)
            w = W1[:, i]
            d = U1[i, i]
            q = w.clone()
            q[~m1[:, i]] = 0
            Q1[:, i] = q
            err = (w - q) / d
            W1[:, i:] -= err.unsqueeze(1) @ U1[i, i:].unsqueeze(0)
            Err1[:, i] = err
        W[:, i1:i2] = Q1
        M[:, i1:i2] = m1
        W[:, i2:] -= Err1 @ U[i1:i2, i2:]
    out = torch.zeros_like(W)
    mask = torch.zeros_like(W)
    out[:, perm] = W
    mask[:, perm] = M.double()
    with torch.no_grad():
        layer.weight.copy_(out.reshape(w0.shape).float())
    return mask.reshape(w0.shape).float()


def evaluate(net, x, y):
    """Mean cross-entropy and accuracy over every target: one per example, or one per position (next tokens)."""
    with torch.no_grad():
        loss, correct = 0.0, 0
        for i in range(0, len(y), 250):
            z = net(x[i:i + 250])
            z, t = z.reshape(-1, z.shape[-1]), y[i:i + 250].reshape(-1)
            loss += F.cross_entropy(z, t, reduction="sum").item()
            correct += (z.argmax(1) == t).sum().item()
    return loss / y.numel(), correct / y.numel()


def run(d, man, params, run_spec, cals, test):
    layers = []
    net = build(man["arch"], params, layers)
    net.eval()
    prunable = man.get("prune")
    method = run_spec["method"]
    n, mm = run_spec.get("n", 0), run_spec.get("m", 0)
    s = run_spec.get("sparsity", 0.5)
    start = time.perf_counter()
    masks = {}
    if method != "dense":
        cal = cals.get(run_spec.get("calibration"))
        targets = [m for m in layers if (prunable is None or m.prunekit_name in prunable)
                   and (n == 0 or nm_prunable(m, mm))]
        grams = {}
        if method != "magnitude" and not run_spec.get("sequential", True):
            for m in targets:
                grams[m] = layer_inputs(net, m, cal)
        for m in targets:
            if method == "magnitude":
                masks[m.prunekit_name] = magnitude(m, s, n, mm)
                continue
            g, pos = grams[m] if m in grams else layer_inputs(net, m, cal)
            if method == "wanda":
                masks[m.prunekit_name] = wanda(m, g, s, n, mm)
            else:
                masks[m.prunekit_name] = sparsegpt(m, g, pos, s, n, mm, run_spec.get("block", 128),
                                                   run_spec.get("damp", 0.01))
    seconds = time.perf_counter() - start
    out = os.path.join(d, "out", run_spec["name"])
    os.makedirs(out, exist_ok=True)
    for m in layers:
        name = m.prunekit_name
        os.makedirs(os.path.dirname(os.path.join(out, name)), exist_ok=True)   # an LSTM's parts: lstm1/input
        m.weight.detach().numpy().astype("<f4").tofile(os.path.join(out, name + ".weight.bin"))
        mask = masks.get(name, torch.ones_like(m.weight))
        mask.detach().numpy().astype("<f4").tofile(os.path.join(out, name + ".weight.mask.bin"))
    result = {"seconds": seconds}
    if test is not None:
        result["loss"], result["accuracy"] = evaluate(net, *test)
        if man.get("logits", False):
            with torch.no_grad():
                net(test[0]).numpy().astype("<f4").tofile(os.path.join(out, "logits.bin"))
    return result


def train_speed(man, params, d, spec):
    """Seconds per epoch of training the exported net (Adam, mean cross-entropy over every target) on the
    exported examples, in batches of spec["batch"], each epoch in the order given (spec["order"]: one
    permutation of the examples per epoch, int32) or else as exported; the first epoch is a warm-up.
    LSTM layers run torch.lstm (fused). Also gives each epoch's mean training loss (batch losses weighted by
    their examples, as PruneKit's History)."""
    net = build(man["arch"], params)
    recurrent.use_fused(net, True)
    net.train()
    x = load(d, spec["x"]).reshape([-1] + man["input_shape"])
    y = load(d, spec["y"], "<i4")
    n = len(x)
    orders = load(d, spec["order"], "<i4") if "order" in spec else torch.arange(n).repeat(spec["epochs"], 1)
    opt = torch.optim.Adam(net.parameters(), lr=spec["lr"])
    b = spec["batch"]
    seconds, cpu, losses = [], [], []
    for e in range(spec["epochs"]):
        order = orders[e]
        start, start_cpu = time.perf_counter(), time.thread_time()
        total = 0.0
        for i in range(0, n, b):
            idx = order[i:i + b]
            opt.zero_grad()
            z = net(x[idx])
            loss = F.cross_entropy(z.reshape(-1, z.shape[-1]), y[idx].reshape(-1))
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
        losses.append(total / n)
    return {"epoch_seconds": seconds, "epoch_cpu_seconds": cpu, "epoch_loss": losses, "last_loss": losses[-1]}


def main():
    torch.set_num_threads(1)
    d = sys.argv[1]
    with open(os.path.join(d, "manifest.json")) as f:
        man = json.load(f)
    params = {k: load(d, v) for k, v in man["params"].items()}
    if "train" in man:
        print(json.dumps({"torch": torch.__version__, "train": train_speed(man, params, d, man["train"])}))
        return
    shape = man["input_shape"]
    cals = {k: load(d, v).reshape([-1] + shape) for k, v in man.get("calibrations", {}).items()}
    test = None
    if "test" in man:
        test = (load(d, man["test"]["x"]).reshape([-1] + shape), load(d, man["test"]["y"], "<i4"))
        if "reference_loss" in man:  # the same forward as PruneKit's, before any pruning
            loss = evaluate(build(man["arch"], params).eval(), *test)[0]
            ref = man["reference_loss"]
            if abs(math.exp(loss) - math.exp(ref)) > 1e-3 * math.exp(ref):
                sys.exit(f"dense perplexity {math.exp(loss):.6f} differs from PruneKit's {math.exp(ref):.6f} by more"
                         " than 1e-3 relative: the forward passes differ")
    results = {r["name"]: run(d, man, params, r, cals, test) for r in man["runs"]}
    print(json.dumps({"torch": torch.__version__, "runs": results}))


if __name__ == "__main__":
    main()
