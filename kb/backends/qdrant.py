"""The Qdrant backend: one point per clause, dense e5 vector + our own BM25 sparse vector.

Collection layout (see :mod:`.qdrant_engines`): a named dense vector
``dense`` (the embedder's size, 384 for e5, cosine) and a named sparse vector
``bm25`` made by :mod:`.sparse` from the same jieba analyzer and user
dictionary as the whoosh index, with the engine's ``Modifier.IDF``; payload
doc id, jurisdiction, level, kind, section, year, incident tags, actors, with
keyword payload indexes on the filter fields (on a server; the client's local
mode has none).  Point ids are uuid5 of the clause id: writes are idempotent.

Decision record: where hybrid is fused (issue 14).

- ``Searcher`` asks the backend for the keyword and the dense list and fuses
  them itself (``kb.search.fuse``, k0 = 5, equal weights, plus the exact-term
  bonus, a third list read from the store).  The fusion is therefore the same
  code for every backend, and a ranking differs between backends only where
  their keyword or dense lists differ; ``Hit.ranks`` keeps both ranks.
- :meth:`QdrantBackend.hybrid` (for callers that want one round trip) uses the
  Query API: two prefetches and ``Fusion.RRF``.  Qdrant counts ranks from 0,
  ``1/(k + rank0)``; our fusion counts from 1, ``1/(k0 + rank1)``, so the engine
  gets ``k = k0 + 1 = 6`` and ranks exactly as :func:`.base.rrf` over the same
  lists (the contract tests check it).

Ingest: :meth:`upsert` writes batches of :data:`BATCH` points, each retried on
transport errors (safe: idempotent ids); :meth:`replace_documents` deletes a
document's points by a ``doc_id`` filter, then upserts its clauses, so
re-ingesting an edition replaces exactly its clauses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .base import HYBRID_K0, BackendHit, ClauseRecord, Filters, Health, as_vector, check_filters, check_k
from .qdrant_engines import DENSE, SPARSE, ClientEngine, EdgeEngine, point_id, retry
from .sparse import document_vector, query_vector

BATCH = 256


class QdrantBackend:
    """A Qdrant collection behind :class:`~.base.SearchBackend`."""

    name = "qdrant"

    def __init__(self, engine: Any, dim: int) -> None:
        self.engine = engine
        self.dim = dim

    @classmethod
    def edge(cls, path: str | Path, dim: int) -> QdrantBackend:
        """Qdrant's engine in this process (qdrant-edge-py), one shard in ``path``."""
        return cls(EdgeEngine(Path(path), dim), dim)

    @classmethod
    def client(cls, dim: int, *, url: str = "", api_key: str = "", path: str | Path | None = None,
               collection: str = "plankb") -> QdrantBackend:
        """Through qdrant-client: ``url`` (server or cluster), else the local mode in
        ``path``, else ``:memory:`` when ``path`` is None or ``":memory:"``."""
        memory = not url and (path is None or str(path) == ":memory:")
        engine = ClientEngine(collection, dim, url=url, api_key=api_key,
                              path=None if memory or path is None else Path(path), memory=memory)
        return cls(engine, dim)

    # -- writing ------------------------------------------------------------------
    def _point(self, r: ClauseRecord) -> tuple[str, list[float] | None, tuple[list[int], list[float]], dict[str, Any]]:
        dense = None if r.vector is None else as_vector(r.vector).tolist()
        return point_id(r.clause_id), dense, document_vector(r.text, r.section), r.payload()

    def upsert(self, records: Sequence[ClauseRecord]) -> int:
        records = list(records)
        for i in range(0, len(records), BATCH):
            retry(self.engine.upsert, [self._point(r) for r in records[i : i + BATCH]])
        return len(records)

    def delete(self, ids: Iterable[str] | None = None, filters: Filters | None = None) -> None:
        ids = [ids] if isinstance(ids, str) else list(ids or ())
        for i in range(0, len(ids), BATCH * 8):
            retry(self.engine.delete_ids, [point_id(c) for c in ids[i : i + BATCH * 8]])
        f = check_filters(filters)
        if f:
            retry(self.engine.delete_filter, f)

    def replace_documents(self, doc_ids: Iterable[str], records: Sequence[ClauseRecord]) -> int:
        """Exactly the clauses of these documents afterwards: their points are
        deleted by a ``doc_id`` filter, then ``records`` are upserted."""
        doc_ids = sorted(set(doc_ids))
        if doc_ids:
            self.delete(filters={"doc_id": doc_ids})
        return self.upsert(records)

    # -- reading ------------------------------------------------------------------
    def _pids(self, ids: set[str] | None) -> set[str] | None:
        return None if ids is None else {point_id(c) for c in ids}

    def keyword(self, query: str, filters: Filters | None = None, k: int = 10,
                ids: set[str] | None = None) -> list[BackendHit]:
        check_k(k)
        sparse = query_vector(query)
        if not sparse[0] or ids is not None and not ids:
            return []
        return [BackendHit(c, s) for c, s in self.engine.query(SPARSE, sparse, check_filters(filters), self._pids(ids), k)]

    def dense(self, vector: Any, filters: Filters | None = None, k: int = 10,
              ids: set[str] | None = None) -> list[BackendHit]:
        check_k(k)
        if ids is not None and not ids:
            return []
        vec = as_vector(vector).tolist()
        return [BackendHit(c, s) for c, s in self.engine.query(DENSE, vec, check_filters(filters), self._pids(ids), k)]

    def hybrid(self, query: str, vector: Any, filters: Filters | None = None, k: int = 10,
               ids: set[str] | None = None) -> list[BackendHit]:
        check_k(k)
        if ids is not None and not ids:
            return []
        sparse = query_vector(query)
        if not sparse[0]:
            return self.dense(vector, filters, k, ids)
        found = self.engine.fused(as_vector(vector).tolist(), sparse, check_filters(filters), self._pids(ids),
                                  k, max(50, k * 3), HYBRID_K0 + 1)
        return [BackendHit(c, s) for c, s in found]

    def ids(self) -> set[str]:
        return self.engine.clause_ids()

    def count(self) -> int:
        return self.engine.count()

    def save(self) -> None:
        self.engine.flush()

    def health(self) -> Health:
        try:
            n = self.engine.count()
        except Exception as exc:  # noqa: BLE001 - health reports, never raises
            return Health(False, self.name, detail=f"{self.engine.kind}: {type(exc).__name__}: {exc}"[:300])
        return Health(True, self.name, n, self.engine.kind)

    def close(self) -> None:
        self.engine.close()
