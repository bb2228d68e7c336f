#!/usr/bin/python3
"""The in-kernel side of PruneKit's training benchmark: trains nets the way a notebook does.

Starts the installed Jupyter kernel "java" (toolkit/bin/install-kernel: the kernelspec's JVM
settings, the toolkit jars of the checkout that installed it) and runs one cell per model, each
on the kernel's own cell thread: `net.fit(data, config)` with the same settings as the Java side
of the benchmark (Adam 1e-3, batch 64, seed). Prints one JSON line with the seconds of every
epoch per model.

Usage: kernel_train.py --models lenet300100,lenet5 --data DIR [--epochs 4] [--seed 42]
"""
import argparse
import asyncio
import importlib.machinery
import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import nbformat

BIN = Path(__file__).resolve().parents[1] / "bin"
loader = importlib.machinery.SourceFileLoader("run_notebooks", str(BIN / "run-notebooks"))
spec = importlib.util.spec_from_loader("run_notebooks", loader)
rn = importlib.util.module_from_spec(spec)
loader.exec_module(rn)

FACTORY = {"lenet300100": "lenet300100", "lenet5": "lenet5", "smallcnn": "smallCnn"}

SETUP = """import org.prunekit.data.*;
import org.prunekit.model.*;
import org.prunekit.train.*;
DataSplit benchSplit = Datasets.mnist(java.nio.file.Path.of("{data}")).build();
System.out.println("ready " + benchSplit.train().size());"""

CELL = """try (Net net = Models.{factory}({seed})) {{
    History h = net.fit(benchSplit, TrainConfig.builder().optEpochs({epochs}).optSeed({seed}).build());
    System.out.println("EPOCHS {name} " + h.epochs().stream().map(e -> String.valueOf(e.seconds()))
            .collect(java.util.stream.Collectors.joining(",")));
}}"""


def text(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            sys.exit("kernel cell failed: " + rn.plain(o.get("evalue", "")) + "\n" + rn.plain(o.get("traceback", "")))
        out.append(rn.plain(o.get("text", "")))
    return "".join(out)


async def run(args):
    cells = [nbformat.v4.new_code_cell(SETUP.format(data=args.data))]
    for name in args.models.split(","):
        if name not in FACTORY:
            sys.exit(f"unknown model {name}; models are {sorted(FACTORY)}")
        cells.append(nbformat.v4.new_code_cell(CELL.format(factory=FACTORY[name], seed=args.seed,
                                                           epochs=args.epochs, name=name)))
    nb = nbformat.v4.new_notebook(cells=cells)
    client = rn.NotebookClient(nb, kernel_name=rn.KERNEL, timeout=1800, startup_timeout=rn.START_TIMEOUT,
                               allow_errors=True, resources={"metadata": {"path": os.getcwd()}})
    with open(os.devnull, "w") as log:
        await rn.start_kernel(client, Path.cwd(), log)
        try:
            for i, cell in enumerate(nb.cells):
                await client.async_execute_cell(cell, i)
        finally:
            await rn.stop_kernel(client)
    result = {}
    for cell in nb.cells[1:]:
        m = re.search(r"EPOCHS (\w+) ([0-9.,Ee-]+)", text(cell))
        if not m:
            sys.exit("kernel cell printed no epoch times:\n" + text(cell))
        result[m.group(1)] = [float(s) for s in m.group(2).split(",")]
    text(nb.cells[0])
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
