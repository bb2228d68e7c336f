#!/usr/bin/python3
"""Reference masks for PruneKit's TorchConformanceTest, computed by torch.nn.utils.prune itself.

  torch_prune_conformance.py IN.json OUT.json

IN.json holds cases. A case has parameters named like "fc1.weight" (shape, and the exact float32
bits as base64 little-endian bytes) and a list of torch.nn.utils.prune calls:

  {"op": "l1_unstructured", "param": "fc1.weight", "amount": A, "importance_scores": B64?}
  {"op": "random_unstructured", "param": ..., "amount": A}
  {"op": "ln_structured", "param": ..., "amount": A, "n": 1 | 2 | "inf", "dim": 0}
  {"op": "global_unstructured", "params": ["fc1.weight", ...], "amount": A,
   "importance_scores": {"fc1.weight": B64, ...}?}

where an amount A is {"float": "0x1.0p-1"} (a Python float, from its exact hex form) or {"int": 5}.
Parameters of one layer ("fc1.weight", "fc1.bias") live in one module, as in nn.Linear. The calls
run in order; a call that raises ends its case, and the error is reported.

OUT.json: {"torch": version, "cases": {name: {"masks": {param: B64 float32 mask}, "error": str|null}}}
with a mask of ones for a parameter that was never pruned. One JSON summary line on standard
output. Run with Debian's /usr/bin/python3 (python3-torch; toolkit/bin/setup installs it).
"""
import base64
import json
import sys

try:
    import numpy as np
    import torch
    from torch import nn
    from torch.nn.utils import prune
except ImportError as e:  # said plainly, so the Java side can tell the user what to install
    print(f"torch-missing: {e}: run toolkit/bin/setup (it installs Debian's python3-torch)")
    sys.exit(3)


def tensor(b64, shape):
    values = np.frombuffer(base64.b64decode(b64), dtype="<f4").astype(np.float32)
    return torch.from_numpy(values.copy()).reshape(shape)


def amount(a):
    if "int" in a:
        return int(a["int"])
    return float.fromhex(a["float"])


def run_case(case):
    modules = {}
    shapes = {}
    for name, p in case["params"].items():
        layer, key = name.rsplit(".", 1)
        module = modules.setdefault(layer, nn.Module())
        module.register_parameter(key, nn.Parameter(tensor(p["data"], p["shape"])))
        shapes[name] = p["shape"]

    def target(name):
        layer, key = name.rsplit(".", 1)
        return modules[layer], key

    def scores(b64, name):
        return tensor(b64, shapes[name])

    error = None
    try:
        for step in case["steps"]:
            op = step["op"]
            if op == "l1_unstructured":
                m, key = target(step["param"])
                s = step.get("importance_scores")
                prune.l1_unstructured(m, key, amount=amount(step["amount"]),
                                      importance_scores=None if s is None else scores(s, step["param"]))
            elif op == "random_unstructured":
                m, key = target(step["param"])
                prune.random_unstructured(m, key, amount=amount(step["amount"]))
            elif op == "ln_structured":
                m, key = target(step["param"])
                n = float("inf") if step["n"] == "inf" else step["n"]
                prune.ln_structured(m, key, amount=amount(step["amount"]), n=n, dim=step["dim"])
            elif op == "global_unstructured":
                params = [target(p) for p in step["params"]]
                given = step.get("importance_scores")
                imp = None if given is None else {target(p): scores(b, p) for p, b in given.items()}
                prune.global_unstructured(params, pruning_method=prune.L1Unstructured, importance_scores=imp,
                                          amount=amount(step["amount"]))
            else:
                raise SystemExit(f"unknown op {op!r} in case {case['name']}")
    except (ValueError, IndexError, TypeError, RuntimeError) as e:
        error = f"{type(e).__name__}: {e}"

    masks = {}
    for name in case["params"]:
        m, key = target(name)
        mask = getattr(m, key + "_mask", None)
        if mask is None:
            mask = torch.ones(shapes[name])
        data = mask.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        masks[name] = base64.b64encode(data).decode("ascii")
    return {"masks": masks, "error": error}


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    out = {"torch": torch.__version__, "cases": {c["name"]: run_case(c) for c in cases}}
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f)
    print(json.dumps({"torch": torch.__version__, "cases": len(cases)}))


if __name__ == "__main__":
    main()
