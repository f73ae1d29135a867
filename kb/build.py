"""Building the knowledge base: the store and its indexes, published by one commit."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, InputError, PlankbError, WriteError
from plankb.extract.model import to_dict
from plankb.extract.pipeline import FileMeta

from .base import IngestResult, KnowledgeBase
from .settings import Settings


def build_all(
    settings: Settings,
    *,
    corpus_dir: Path | None = None,
    rebuild: bool = False,
    progress: bool = False,
    notify: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Ingest the corpus and bring the indexes forward (or rebuild them), in one
    write: the commit publishes the store and the indexes together."""
    kb = KnowledgeBase(settings, notify=notify)
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

    t_store = 0.0
    try:
        with kb.writing(rebuild=rebuild, progress=progress):
            results = kb.build(corpus_dir, rebuild=rebuild, progress=step)
            t_store = time.perf_counter() - t0
        report: dict[str, Any] = {
            "files": [to_dict(r) for r in results],
            "counts": kb.store.counts(),
            "seconds": {"store": round(t_store, 3), "indexes": round(time.perf_counter() - t0 - t_store, 3)},
            "data_dir": str(settings.data_dir),
            "indexes": kb.index_report,
        }
    finally:
        if bar is not None:
            bar.close()
        kb.close()
    return report


def ingest_files(
    settings: Settings,
    files: list[Path],
    meta: FileMeta,
    *,
    file_id: str | None = None,
    replace: bool = False,
    notify: Callable[[str], None] | None = None,
    ocr: bool = False,
) -> list[IngestResult]:
    """Ingest ``files`` in one write (a savepoint per file: a file that fails is
    reported and the others are kept); the indexes follow before the commit.
    ``ocr`` OCRs every PDF page, not only the pages without a text layer.

    A full disk or a denied permission aborts the whole write (WriteError)."""
    if file_id is not None and len(files) != 1:
        raise InputError(Errors.E066.format(count=len(files)))
    kb = KnowledgeBase(settings, notify=notify)
    out = []
    try:
        with kb.writing():
            for path in files:
                try:
                    if not Path(path).exists():
                        raise InputError(Errors.E001.format(path=path))
                    out.append(kb.ingest_path(path, meta, file_id=file_id, replace=replace, ocr=ocr))
                except WriteError:
                    raise
                except PlankbError as exc:
                    out.append(IngestResult(str(path), "failed", error=str(exc)))
    finally:
        kb.close()
    return out
