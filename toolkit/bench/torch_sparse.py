#!/usr/bin/python3
"""PyTorch peer of PruneKit's sparse-inference benchmark.

Reads a pruned net exported by the Java side (a JSON list of layers beside a little-endian float32
file holding their weights, the test images and their labels), builds it twice in PyTorch:
dense (the masked weights as ordinary tensors, F.linear / F.conv2d) and sparse (every dense and
convolution weight as a torch.sparse CSR tensor; a convolution as im2col, F.unfold, times the CSR
filter matrix), checks both give the same classes on the images, and times single passes
interleaved (dense, sparse, dense, ...) at each batch size, one thread. Prints one JSON line.

Usage: torch_sparse.py --spec FILE.json [--batches 1,64] [--passes 300]
"""
import argparse
import json
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F

warnings.filterwarnings("ignore", message=".*Sparse CSR tensor support is in beta.*")


def build(spec, blob, sparse):
    ops = []
    for layer in spec["layers"]:
        kind = layer["kind"]
        if kind in ("dense", "conv"):
            w = torch.from_numpy(blob[layer["w"]:layer["w"] + int(np.prod(layer["shape"]))].reshape(layer["shape"]))
            b = torch.from_numpy(blob[layer["b"]:layer["b"] + layer["shape"][0]]) if layer["b"] >= 0 else None
            if kind == "dense":
                if sparse:
                    csr = w.to_sparse_csr()
                    bias = b.reshape(-1, 1) if b is not None else None
                    ops.append(lambda x, csr=csr, bias=bias: ((csr @ x.t()) + (bias if bias is not None else 0)).t())
                else:
                    ops.append(lambda x, w=w, b=b: F.linear(x, w, b))
            else:
                stride, pad = layer["stride"], layer["pad"]
                if sparse:
                    out, k = w.shape[0], w.shape[2]
                    csr = w.reshape(out, -1).to_sparse_csr()
                    bias = b.reshape(-1, 1) if b is not None else None

                    def conv(x, csr=csr, bias=bias, k=k, stride=stride, pad=pad, out=out):
                        n, _, h, wd = x.shape
                        oh = (h + 2 * pad - k) // stride + 1
                        ow = (wd + 2 * pad - k) // stride + 1
                        cols = F.unfold(x, k, padding=pad, stride=stride)  # (n, c*k*k, L)
                        cols = cols.transpose(0, 1).reshape(cols.shape[1], -1)  # (c*k*k, n*L)
                        y = csr @ cols
                        if bias is not None:
                            y = y + bias
                        return y.reshape(out, n, oh, ow).transpose(0, 1)
                    ops.append(conv)
                else:
                    ops.append(lambda x, w=w, b=b, stride=stride, pad=pad: F.conv2d(x, w, b, stride, pad))
        elif kind == "relu":
            ops.append(F.relu)
        elif kind == "maxpool":
            ops.append(lambda x, k=layer["k"], s=layer["s"]: F.max_pool2d(x, k, s))
        elif kind == "batchnorm":
            n = layer["n"]
            scale = torch.from_numpy(blob[layer["scale"]:layer["scale"] + n]).reshape(1, n, 1, 1)
            shift = torch.from_numpy(blob[layer["shift"]:layer["shift"] + n]).reshape(1, n, 1, 1)
            ops.append(lambda x, a=scale, c=shift: x * a + c)
        elif kind == "flatten":
            ops.append(lambda x: x.reshape(x.shape[0], -1))
        else:
            raise SystemExit("unknown layer kind " + kind)

    def forward(x):
        for op in ops:
            x = op(x)
        return x
    return forward


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--spec", required=True)
    p.add_argument("--batches", default="1,64")
    p.add_argument("--passes", type=int, default=300)
    a = p.parse_args()
    torch.set_num_threads(1)
    with open(a.spec) as f:
        spec = json.load(f)
    blob = np.fromfile(spec["blob"], dtype="<f4")
    n = spec["images"]
    images = torch.from_numpy(blob[spec["x"]:spec["x"] + n * spec["inSize"]].copy()).reshape([n] + spec["inputShape"])
    labels = blob[spec["y"]:spec["y"] + n].astype(np.int64)
    dense, sparse = build(spec, blob, False), build(spec, blob, True)
    result = {}
    with torch.no_grad():
        pd = dense(images).argmax(1).numpy()
        ps = sparse(images).argmax(1).numpy()
        result["acc_dense"] = float((pd == labels).mean())
        result["acc_sparse"] = float((ps == labels).mean())
        result["same_predictions"] = int((pd == ps).sum())
        for b in [int(v) for v in a.batches.split(",")]:
            x = images[:b].contiguous()
            passes = a.passes if b == 1 else max(30, a.passes // 4)
            for _ in range(max(20, passes // 5)):
                dense(x)
                sparse(x)
            td, ts = [], []
            for _ in range(passes):
                t = time.perf_counter()
                dense(x).numpy()
                td.append(time.perf_counter() - t)
                t = time.perf_counter()
                sparse(x).numpy()
                ts.append(time.perf_counter() - t)
            result["dense_ms_%d" % b] = 1e3 * float(np.median(td))
            result["sparse_ms_%d" % b] = 1e3 * float(np.median(ts))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
