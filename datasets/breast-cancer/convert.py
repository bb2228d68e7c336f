#!/usr/bin/python3
"""Rebuild breast-cancer.csv in this folder from the Debian package python3-sklearn 1.2.1+dfsg-1.

The package ships scikit-learn's copy of the UCI Breast Cancer Wisconsin (Diagnostic) data set
as sklearn/datasets/data/breast_cancer.csv: a first line "569,30,malignant,benign" (rows,
features, the class names by target index), then 569 rows of 30 numbers and a target 0 or 1.
The 30 feature names are in sklearn/datasets/_base.py (load_breast_cancer). This script writes
one plain CSV with a header (the 30 names and "diagnosis") and per row the 30 numbers exactly as
the package spells them plus the class name, in the package's row order, "\n" line ends, so the
output is byte-for-byte reproducible; then it writes SHA256SUMS.

Usage:  /usr/bin/python3 datasets/breast-cancer/convert.py [--deb FILE.deb] [--out DIR]
Without --deb the script runs `apt-get download python3-sklearn=1.2.1+dfsg-1` in a temporary
folder (Debian's archive is the only download; no install, no root needed). The .deb, the CSV
inside it and _base.py are checked against the SHA-256 sums below. Standard library only.
"""
import argparse
import ast
import glob
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "python3-sklearn"
VERSION = "1.2.1+dfsg-1"
DEB_SHA256 = "ca0c6be401d14871c7e93cfdd8d1f561595dc65e6e2ad2501d568aee7f7efc58"
DATA = "./usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv"
DATA_SHA256 = "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed"
BASE = "./usr/lib/python3/dist-packages/sklearn/datasets/_base.py"
BASE_SHA256 = "3c33955cd977208cb0173fb43c560c846237cf1a8405027aa20e178939a9babf"
OUT = "breast-cancer.csv"
LABEL = "diagnosis"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fetch_deb(workdir):
    subprocess.run(["apt-get", "download", f"{PACKAGE}={VERSION}"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    found = glob.glob(os.path.join(workdir, f"{PACKAGE}_*.deb"))
    if len(found) != 1:
        sys.exit(f"apt-get download left {found} in {workdir}")
    return found[0]


def deb_members(deb_bytes, wanted):
    """The files `wanted` from the data.tar.* inside a .deb (an ar archive)."""
    if not deb_bytes.startswith(b"!<arch>\n"):
        sys.exit("not a .deb (ar) archive")
    pos = 8
    while pos + 60 <= len(deb_bytes):
        header = deb_bytes[pos:pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        body = deb_bytes[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body)) as tar:
                return {w: tar.extractfile(w).read() for w in wanted}
    sys.exit("no data.tar member in the .deb")


def feature_names(base_py):
    tree = ast.parse(base_py.decode())
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.name == "load_breast_cancer":
            for node in ast.walk(fn):
                if (isinstance(node, ast.Assign) and len(node.targets) == 1
                        and getattr(node.targets[0], "id", None) == "feature_names"):
                    return [ast.literal_eval(e) for e in node.value.args[0].elts]
    sys.exit("feature_names not found in load_breast_cancer of _base.py")


def check(what, data, expected):
    got = sha256(data)
    if got != expected:
        sys.exit(f"{what}: SHA-256 {got}, expected {expected} ({PACKAGE} {VERSION})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deb", help=f"the {PACKAGE}_{VERSION}_all.deb file (default: apt-get download it)")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        deb = args.deb or fetch_deb(tmp)
        with open(deb, "rb") as f:
            deb_bytes = f.read()
    check(os.path.basename(deb), deb_bytes, DEB_SHA256)
    files = deb_members(deb_bytes, [DATA, BASE])
    check(DATA, files[DATA], DATA_SHA256)
    check(BASE, files[BASE], BASE_SHA256)

    names = feature_names(files[BASE])
    lines = files[DATA].decode("ascii").splitlines()
    n_rows, n_features, *classes = lines[0].split(",")
    n_rows, n_features = int(n_rows), int(n_features)
    if len(names) != n_features or len(lines) - 1 != n_rows:
        sys.exit(f"expected {n_rows} rows of {n_features} features, got {len(lines) - 1} rows and {len(names)} names")

    out = [",".join(names + [LABEL])]
    counts = {c: 0 for c in classes}
    for i, line in enumerate(lines[1:]):
        cells = line.split(",")
        if len(cells) != n_features + 1:
            sys.exit(f"row {i}: {len(cells)} cells, expected {n_features + 1}")
        for c in cells[:-1]:
            float(c)  # every feature is a number
        label = classes[int(cells[-1])]
        counts[label] += 1
        out.append(",".join(cells[:-1] + [label]))
    data = ("\n".join(out) + "\n").encode("ascii")

    path = os.path.join(args.out, OUT)
    with open(path, "wb") as f:
        f.write(data)
    with open(os.path.join(args.out, "SHA256SUMS"), "w") as sums:
        sums.write(f"{sha256(data)}  {OUT}\n")
    print(f"{OUT}: {n_rows} rows, {n_features} features + {LABEL}, per class {counts}, {len(data)} B")
    print(f"{sha256(data)}  {OUT}")


if __name__ == "__main__":
    main()
