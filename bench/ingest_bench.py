"""Time and peak memory to ingest the whole corpus (no embeddings, no indexes).

Prints, for the five shipped files: the pipeline stages (load, clean + cut +
clauses, facts, SQLite store) and, in the same run, a baseline that only
reads each file, splits it on blank lines and stores the paragraphs in
SQLite — so the ratio says what our parsing costs over plain storage.

    .venv/bin/python bench/ingest_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plankb.extract.facts.collect import extract_facts  # noqa: E402
from plankb.extract.loaders import load_path  # noqa: E402
from plankb.extract.pipeline import parse_text  # noqa: E402
from plankb.kb.corpus import load_manifest  # noqa: E402
from plankb.kb.settings import Settings  # noqa: E402


def baseline(files: list[Path]) -> float:
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        db = sqlite3.connect(Path(d) / "b.sqlite")
        db.execute("CREATE TABLE p (file TEXT, n INTEGER, text TEXT)")
        for f in files:
            raw = f.read_text(encoding="utf-8")
            hashlib.sha256(raw.encode()).hexdigest()
            db.executemany("INSERT INTO p VALUES (?,?,?)", [(f.name, i, para) for i, para in enumerate(raw.split("\n\n"))])
        db.commit()
        db.close()
    return time.perf_counter() - t


def ours(manifest) -> dict[str, float]:
    from plankb.kb.base import KnowledgeBase

    stages = {"load": 0.0, "parse": 0.0, "facts": 0.0}
    for cf in manifest:
        t = time.perf_counter()
        src = load_path(cf.path)
        stages["load"] += time.perf_counter() - t
        t = time.perf_counter()
        parsed = parse_text(src.text, cf.path.name, cf.meta)
        stages["parse"] += time.perf_counter() - t
        t = time.perf_counter()
        for p in parsed:
            extract_facts(p.document, p.clauses)
        stages["facts"] += time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        kb = KnowledgeBase(Settings(data_dir=Path(d), embedder="hash"))
        t = time.perf_counter()
        kb.build()
        stages["full ingest (load+parse+facts+store)"] = time.perf_counter() - t
        stages["_counts"] = kb.store.counts()  # type: ignore[assignment]
        kb.close()
    return stages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    manifest = load_manifest(REPO / "corpus")
    files = [cf.path for cf in manifest]
    size = sum(f.stat().st_size for f in files)
    # Warm imports (jieba dictionary, gazetteer) outside the timed runs.
    ours(manifest[:1])
    best: dict[str, float] = {}
    base = min(baseline(files) for _ in range(args.repeat))
    counts = {}
    for _ in range(args.repeat):
        run = ours(manifest)
        counts = run.pop("_counts")
        for k, v in run.items():
            best[k] = min(best.get(k, float("inf")), v)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(files)} files, {size / 1e6:.2f} MB; stored {counts}")
    print(f"best of {args.repeat} runs")
    for k, v in best.items():
        print(f"  {k:<40} {v:7.3f} s")
    full = best["full ingest (load+parse+facts+store)"]
    print(f"  {'baseline (read + split + sqlite)':<40} {base:7.3f} s")
    print(f"ratio full ingest / baseline: {full / base:.1f}x   (goal: full ingest < 10 s on 2 cores)")
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
