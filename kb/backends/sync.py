"""Keeping a Qdrant collection in step with the SQLite store, the source of truth.

The store says which clauses exist; the collection is derived from it and can
always be rebuilt from it (``plankb build --rebuild`` with ``PLANKB_INDEX=qdrant``).
A marker file in the data directory, ``qdrant-sync.json``, records per
collection (:func:`.factory.qdrant_target`) the embedder and a digest per
document of what was written (clause ids, texts, sections, passages).  A sync
re-writes exactly the documents whose digest changed (delete by ``doc_id``
filter, then upsert: :meth:`.qdrant.QdrantBackend.replace_documents`),
deletes documents no longer stored, and then runs the consistency check.

:func:`consistency` compares the store's indexable clause ids with the
collection's (a scroll over the ``clause_id`` payload).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, NotBuiltError

from .base import ClauseRecord
from .factory import open_backend, qdrant_target

MARKER = "qdrant-sync.json"
DOCS_PER_BATCH = 50


def _digests(kb: Any, embedder_name: str) -> dict[str, str]:
    from plankb.kb.indexes import indexable, keyword_text, passage_text

    h: dict[str, Any] = {}
    for c in indexable(kb.clauses()):
        d = h.setdefault(c.doc_id, hashlib.sha256(embedder_name.encode()))
        d.update("\0".join((c.id, keyword_text(c), c.section, passage_text(c))).encode() + b"\1")
    return {doc: d.hexdigest()[:20] for doc, d in h.items()}


def records(kb: Any, doc_ids: list[str], embedder: Any) -> list[ClauseRecord]:
    """The records of these documents' indexable clauses, vectors from the embedding cache."""
    from plankb.kb.indexes import _items, indexable, passage_text

    clauses = indexable([c for d in doc_ids for c in kb.clauses(d)])
    if not clauses:
        return []
    items = _items(kb, clauses, doc_ids)
    vectors = embedder.encode_passages([passage_text(c) for c in clauses])
    return [ClauseRecord.from_item(item, vec) for item, vec in zip(items, vectors, strict=True)]


def consistency(kb: Any, backend: Any) -> dict[str, list[str]]:
    """Clause ids the store has and the backend lacks (``missing``), and the reverse (``extra``)."""
    from plankb.kb.indexes import indexable

    want = {c.id for c in indexable(kb.clauses())}
    have = backend.ids()
    return {"missing": sorted(want - have), "extra": sorted(have - want)}


def _read_marker(kb: Any) -> dict[str, Any]:
    try:
        return json.loads((kb.settings.data_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_marker(kb: Any, data: dict[str, Any]) -> None:
    folder: Path = kb.settings.data_dir
    try:
        fd, tmp = tempfile.mkstemp(prefix=".qdrant-sync-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, folder / MARKER)
    except OSError:
        pass  # a read-only data directory: the next sync compares digests again


def sync(kb: Any, backend: Any, embedder: Any, *, rebuild: bool = False) -> dict[str, Any]:
    """Bring ``backend`` in step with the store; returns what was done."""
    target = qdrant_target(kb.settings)
    marker = _read_marker(kb)
    mine = marker.get(target, {})
    digests = _digests(kb, embedder.name)
    full = rebuild or mine.get("embedder") != embedder.name
    written = {} if full else mine.get("docs", {})
    changed = sorted(d for d in digests if written.get(d) != digests[d])
    removed = sorted(set(written) - set(digests))
    if full:
        backend.delete(ids=backend.ids())
    if removed:
        backend.delete(filters={"doc_id": removed})
    from plankb.kb.embed import CachedEmbedder
    from plankb.kb.indexes import paths

    cached = CachedEmbedder(embedder, paths(kb)["embeddings"])
    n = 0
    try:
        for i in range(0, len(changed), DOCS_PER_BATCH):
            batch = changed[i : i + DOCS_PER_BATCH]
            n += backend.replace_documents(batch, records(kb, batch, cached))
    finally:
        cached.close()
    backend.save()
    report = {"target": target, "documents": len(changed), "removed": len(removed), "clauses": n, "full": full}
    if changed or removed or full:
        diff = consistency(kb, backend)
        if diff["missing"] or diff["extra"]:
            detail = f"Qdrant {target}: {len(diff['missing'])} clauses missing, {len(diff['extra'])} extra"
            raise NotBuiltError(Errors.E023.format(path=kb.settings.data_dir, detail=detail))
    marker[target] = {"embedder": embedder.name, "docs": digests}
    if changed or removed or full or mine != marker[target]:
        _write_marker(kb, marker)
    return report


def open_synced(kb: Any, embedder: Any, *, rebuild: bool = False) -> Any:
    """The Qdrant backend of ``kb.settings``, brought in step with the store."""
    backend = open_backend(kb.settings, dim=embedder.dim)
    try:
        health = backend.health()
        if not health.ok:
            raise NotBuiltError(Errors.E023.format(path=qdrant_target(kb.settings), detail=health.detail))
        sync(kb, backend, embedder, rebuild=rebuild)
    except BaseException:
        backend.close()
        raise
    return backend
