"""Building the knowledge base: store first, then the indexes."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, InputError, PlankbError
from plankb.extract.model import to_dict
from plankb.extract.pipeline import FileMeta

from .base import IngestResult, KnowledgeBase
from .settings import Settings


def build_all(settings: Settings, *, corpus_dir: Path | None = None, rebuild: bool = False, progress: bool = False) -> dict[str, Any]:
    """Ingest the corpus and (re)build the indexes; return a report."""
    kb = KnowledgeBase(settings)
    t0 = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=0, desc="ingest", unit="file", file=sys.stderr, leave=False, disable=None)

    def step(name: str) -> None:
        if bar is not None:
            bar.total = (bar.total or 0) + 1
            bar.set_postfix_str(name)
            bar.update(1)

    results = kb.build(corpus_dir, rebuild=rebuild, progress=step)
    if bar is not None:
        bar.close()
    t_store = time.perf_counter() - t0
    report: dict[str, Any] = {
        "files": [to_dict(r) for r in results],
        "counts": kb.store.counts(),
        "seconds": {"store": round(t_store, 3)},
        "data_dir": str(settings.data_dir),
    }
    try:
        from .indexes import refresh_indexes
    except ImportError:  # the index layer is optional for a store-only build
        return report
    t1 = time.perf_counter()
    report["indexes"] = refresh_indexes(kb, rebuild=rebuild, progress=progress)
    report["seconds"]["indexes"] = round(time.perf_counter() - t1, 3)
    return report


def ingest_files(settings: Settings, files: list[Path], meta: FileMeta) -> list[IngestResult]:
    kb = KnowledgeBase(settings)
    out = []
    for path in files:
        try:
            if not Path(path).exists():
                raise InputError(Errors.E001.format(path=path))
            out.append(kb.ingest_path(path, meta))
        except PlankbError as exc:
            out.append(IngestResult(Path(path).name, "failed", error=str(exc)))
    try:
        from .indexes import refresh_indexes
    except ImportError:
        return out
    if any(r.status in ("added", "updated") for r in out):
        refresh_indexes(kb)
    return out
