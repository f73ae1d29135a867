"""The embedded backend: the whoosh keyword index and the faiss vector index of a folder.

It wraps :class:`plankb.kb.keyword.KeywordIndex` and
:class:`plankb.kb.vector.VectorIndex` unchanged, so rankings are exactly those
plankb had before the interface existed: keyword search with an ``ids``
restriction over-fetches four times the depth and keeps the allowed hits (as
``Searcher`` did), dense search restricts the faiss scan to the allowed ids.

A folder holds ``keyword/`` and ``vector/``, the layout of an index generation
(``kb/indexes.py``), so a generation folder opens as a backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .base import BackendHit, ClauseRecord, Filters, Health, check_filters, check_k, rrf


class EmbeddedBackend:
    """whoosh + faiss behind :class:`~.base.SearchBackend`."""

    name = "embedded"

    def __init__(self, keyword: Any, vector: Any, folder: Path | None = None) -> None:
        self.keyword_index = keyword
        self.vector_index = vector
        self.folder = folder

    @classmethod
    def open(cls, folder: str | Path) -> EmbeddedBackend:
        """The indexes in ``folder/keyword`` and ``folder/vector`` (NotBuiltError if missing)."""
        from plankb.kb.keyword import KeywordIndex
        from plankb.kb.vector import VectorIndex

        folder = Path(folder)
        return cls(KeywordIndex.open(folder / "keyword"), VectorIndex.load(folder / "vector"), folder)

    @classmethod
    def create(cls, folder: str | Path, dim: int, model: str = "") -> EmbeddedBackend:
        """A new, empty pair of indexes in ``folder``."""
        from plankb.kb.keyword import KeywordIndex
        from plankb.kb.vector import VectorIndex

        folder = Path(folder)
        return cls(KeywordIndex.create(folder / "keyword"), VectorIndex(dim, model=model), folder)

    # -- writing ----------------------------------------------------------------
    def upsert(self, records: Sequence[ClauseRecord]) -> int:
        records = list(records)
        if not records:
            return 0
        self.keyword_index.add([r.item() for r in records])
        with_vec = [r for r in records if r.vector is not None]
        if with_vec:
            self.vector_index.add([r.clause_id for r in with_vec], np.vstack([r.vector for r in with_vec]))
        return len(records)

    def delete(self, ids: Iterable[str] | None = None, filters: Filters | None = None) -> None:
        gone = set([ids] if isinstance(ids, str) else (ids or ()))
        if filters:
            gone |= self._filtered_ids(filters)
        if gone:
            self.keyword_index.delete(sorted(gone))
            self.vector_index.delete(gone)

    # -- reading ----------------------------------------------------------------
    def keyword(self, query: str, filters: Filters | None = None, k: int = 10,
                ids: set[str] | None = None) -> list[BackendHit]:
        check_k(k)
        f = check_filters(filters)
        hits = self.keyword_index.search(query, k=k if ids is None else k * 4, filters=f or None, highlight=False)
        if ids is not None:
            hits = [h for h in hits if h.clause_id in ids]
        return [BackendHit(h.clause_id, h.score) for h in hits[:k]]

    def dense(self, vector: Any, filters: Filters | None = None, k: int = 10,
              ids: set[str] | None = None) -> list[BackendHit]:
        check_k(k)
        allowed = ids
        if check_filters(filters):
            found = self._filtered_ids(filters)
            allowed = found if allowed is None else found & allowed
        return [BackendHit(cid, s) for cid, s in self.vector_index.search(vector, k, allowed=allowed)]

    def hybrid(self, query: str, vector: Any, filters: Filters | None = None, k: int = 10,
               ids: set[str] | None = None) -> list[BackendHit]:
        depth = max(50, k * 3)  # as kb.search: fuse deeper lists than the hits kept
        return rrf([self.keyword(query, filters, depth, ids), self.dense(vector, filters, depth, ids)], k)

    def _filtered_ids(self, filters: Filters) -> set[str]:
        from whoosh.query import Every

        from plankb.kb.keyword import _filter_query

        fq = _filter_query(check_filters(filters))
        ix = self.keyword_index._ix
        with ix.searcher() as s:
            return {hit["clause_id"] for hit in s.search(Every(), filter=fq, limit=None)}

    def ids(self) -> set[str]:
        return self.keyword_index.ids()

    def count(self) -> int:
        return self.keyword_index.count()

    def save(self) -> None:
        """whoosh commits every write; the faiss side is written to ``folder/vector``."""
        if self.folder is not None:
            self.vector_index.save(self.folder / "vector")

    def health(self) -> Health:
        try:
            kw, vec = self.keyword_index.count(), self.vector_index.count()
        except Exception as exc:  # noqa: BLE001 - health reports, never raises
            return Health(False, self.name, detail=f"{type(exc).__name__}: {exc}")
        ok = kw == vec
        return Health(ok, self.name, kw, "" if ok else f"keyword {kw} clauses, vector {vec}")

    def close(self) -> None:
        self.keyword_index.close()
