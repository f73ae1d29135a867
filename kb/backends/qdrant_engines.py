"""The two ways plankb reaches a Qdrant engine, behind one small adapter.

- :class:`EdgeEngine`: ``qdrant-edge-py``, Qdrant's engine in this process, one
  shard in a folder (no server, no network): the in-process default and what
  CI tests ranking against.
- :class:`ClientEngine`: ``qdrant-client``: a server or cluster (``http(s)://``
  URL and API key), or the client's local mode (a folder, or ``:memory:``).

Both hold one collection with a named dense vector ``dense`` (cosine) and a
named sparse vector ``bm25`` with ``Modifier.IDF``; points carry the payload
of :meth:`plankb.kb.backends.base.ClauseRecord.payload`.  A point's id is the
uuid5 of its clause id, so a write is idempotent and re-ingesting replaces.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from plankb.extract.errors import DependencyError, Errors

from .base import FILTER_FIELDS

DENSE = "dense"
SPARSE = "bm25"
NAMESPACE = uuid.UUID("6f0c3a52-6d35-4c55-9f7e-3f2a3c1d9b14")  # plankb clause ids
INSTALL = "'plankb[qdrant]'"

# (point id, dense vector or None, (sparse indices, values), payload)
PointData = tuple[str, "list[float] | None", tuple[list[int], list[float]], dict[str, Any]]


def point_id(clause_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, clause_id))


def _require(module: str, package: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DependencyError(Errors.E030.format(package=package, pip_name=INSTALL)) from exc


class EdgeEngine:
    """One qdrant-edge shard in ``path`` (created on first use)."""

    kind = "edge"

    def __init__(self, path: Path, dim: int) -> None:
        qe = _require("qdrant_edge", "qdrant-edge-py")
        self.qe = qe
        self.path = Path(path)
        config = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        if self.path.is_dir() and any(self.path.iterdir()):
            self.shard = qe.EdgeShard.load(str(self.path), config)
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self.shard = qe.EdgeShard.create(str(self.path), config)
            for name in FILTER_FIELDS:
                self.shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))

    def upsert(self, points: Sequence[PointData]) -> None:
        qe = self.qe
        out = []
        for pid, dense, (idx, vals), payload in points:
            vec: dict[str, Any] = {SPARSE: qe.SparseVector(indices=idx, values=vals)}
            if dense is not None:
                vec[DENSE] = dense
            out.append(qe.Point(id=pid, vector=vec, payload=payload))
        self.shard.update(qe.UpdateOperation.upsert_points(out))

    def delete_ids(self, pids: list[str]) -> None:
        self.shard.update(self.qe.UpdateOperation.delete_points(pids))

    def delete_filter(self, filters: dict[str, list[str]]) -> None:
        self.shard.update(self.qe.UpdateOperation.delete_points_by_filter(self._filter(filters, None)))

    def _filter(self, filters: dict[str, list[str]], pids: set[str] | None) -> Any:
        qe = self.qe
        must: list[Any] = [qe.FieldCondition(key=k, match=qe.MatchAny(any=v)) for k, v in filters.items()]
        if pids is not None:
            must.append(qe.HasIdCondition(point_ids=pids))
        return qe.Filter(must=must) if must else None

    def _sparse(self, sparse: tuple[list[int], list[float]]) -> Any:
        return self.qe.SparseVector(indices=sparse[0], values=sparse[1])

    def query(self, using: str, vector: Any, filters: dict[str, list[str]], pids: set[str] | None, k: int) -> list[tuple[str, float]]:
        qe = self.qe
        v = self._sparse(vector) if using == SPARSE else vector
        req = qe.QueryRequest(limit=k, query=qe.Query.Nearest(v, using=using), filter=self._filter(filters, pids),
                              with_payload=["clause_id"])
        return [(p.payload["clause_id"], float(p.score)) for p in self.shard.query(req)]

    def fused(self, dense: list[float], sparse: tuple[list[int], list[float]], filters: dict[str, list[str]],
              pids: set[str] | None, k: int, depth: int, rrf_k: int) -> list[tuple[str, float]]:
        qe = self.qe
        f = self._filter(filters, pids)
        req = qe.QueryRequest(
            limit=k, query=qe.Fusion.Rrf(k=rrf_k), with_payload=["clause_id"],
            prefetches=[qe.Prefetch(limit=depth, query=qe.Query.Nearest(self._sparse(sparse), using=SPARSE), filter=f),
                        qe.Prefetch(limit=depth, query=qe.Query.Nearest(dense, using=DENSE), filter=f)],
        )
        return [(p.payload["clause_id"], float(p.score)) for p in self.shard.query(req)]

    def clause_ids(self) -> set[str]:
        qe = self.qe
        out: set[str] = set()
        offset = None
        while True:
            recs, offset = self.shard.scroll(qe.ScrollRequest(offset=offset, limit=10_000, with_payload=["clause_id"]))
            out.update(r.payload["clause_id"] for r in recs)
            if offset is None:
                return out

    def count(self) -> int:
        return int(self.shard.count(self.qe.CountRequest(exact=True)))

    def flush(self) -> None:
        self.shard.flush()

    def close(self) -> None:
        self.shard.close()


class ClientEngine:
    """A collection through qdrant-client: a server URL, a local folder or ``:memory:``."""

    kind = "client"

    def __init__(self, collection: str, dim: int, *, url: str = "", api_key: str = "", path: Path | None = None,
                 memory: bool = False, timeout: float = 30.0) -> None:
        qc = _require("qdrant_client", "qdrant-client")
        self.m = _require("qdrant_client.models", "qdrant-client")
        self.collection = collection
        if url:
            self.client = qc.QdrantClient(url=url, api_key=api_key or None, timeout=int(timeout))
            self.kind = "server"
        elif memory:
            self.client = qc.QdrantClient(location=":memory:")
            self.kind = "local"
        else:
            assert path is not None
            self.client = qc.QdrantClient(path=str(path))
            self.kind = "local"
        if not self.client.collection_exists(collection):
            m = self.m
            self.client.create_collection(
                collection,
                vectors_config={DENSE: m.VectorParams(size=dim, distance=m.Distance.COSINE)},
                sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)},
            )
            if self.kind == "server":  # local mode has no payload indexes (and warns about them)
                for name in FILTER_FIELDS:
                    self.client.create_payload_index(collection, name, field_schema=m.PayloadSchemaType.KEYWORD)

    def upsert(self, points: Sequence[PointData]) -> None:
        m = self.m
        out = []
        for pid, dense, (idx, vals), payload in points:
            vec: dict[str, Any] = {SPARSE: m.SparseVector(indices=idx, values=vals)}
            if dense is not None:
                vec[DENSE] = dense
            out.append(m.PointStruct(id=pid, vector=vec, payload=payload))
        self.client.upsert(self.collection, out, wait=True)

    def delete_ids(self, pids: list[str]) -> None:
        self.client.delete(self.collection, points_selector=self.m.PointIdsList(points=pids), wait=True)

    def delete_filter(self, filters: dict[str, list[str]]) -> None:
        self.client.delete(self.collection, points_selector=self.m.FilterSelector(filter=self._filter(filters, None)), wait=True)

    def _filter(self, filters: dict[str, list[str]], pids: set[str] | None) -> Any:
        m = self.m
        must: list[Any] = [m.FieldCondition(key=k, match=m.MatchAny(any=v)) for k, v in filters.items()]
        if pids is not None:
            must.append(m.HasIdCondition(has_id=sorted(pids)))
        return m.Filter(must=must) if must else None

    def _vec(self, using: str, vector: Any) -> Any:
        return self.m.SparseVector(indices=vector[0], values=vector[1]) if using == SPARSE else list(vector)

    def query(self, using: str, vector: Any, filters: dict[str, list[str]], pids: set[str] | None, k: int) -> list[tuple[str, float]]:
        res = self.client.query_points(self.collection, query=self._vec(using, vector), using=using, limit=k,
                                       query_filter=self._filter(filters, pids), with_payload=["clause_id"])
        return [(p.payload["clause_id"], float(p.score)) for p in res.points]

    def fused(self, dense: list[float], sparse: tuple[list[int], list[float]], filters: dict[str, list[str]],
              pids: set[str] | None, k: int, depth: int, rrf_k: int) -> list[tuple[str, float]]:
        m = self.m
        f = self._filter(filters, pids)
        res = self.client.query_points(
            self.collection, limit=k, with_payload=["clause_id"], query=m.RrfQuery(rrf=m.Rrf(k=rrf_k)),
            prefetch=[m.Prefetch(query=self._vec(SPARSE, sparse), using=SPARSE, limit=depth, filter=f),
                      m.Prefetch(query=list(dense), using=DENSE, limit=depth, filter=f)],
        )
        return [(p.payload["clause_id"], float(p.score)) for p in res.points]

    def clause_ids(self) -> set[str]:
        out: set[str] = set()
        offset = None
        while True:
            recs, offset = self.client.scroll(self.collection, offset=offset, limit=10_000, with_payload=["clause_id"])
            out.update(r.payload["clause_id"] for r in recs)
            if offset is None:
                return out

    def count(self) -> int:
        return int(self.client.count(self.collection, exact=True).count)

    def flush(self) -> None:
        pass  # the client's local mode and the server persist each write

    def close(self) -> None:
        self.client.close()


def retry(fn: Any, *args: Any, attempts: int = 4, pause: float = 0.5) -> Any:
    """Call ``fn`` again after a failure (a server restarting, a dropped
    connection), doubling the pause; the last failure propagates.  Safe because
    every write is idempotent (point ids from clause ids)."""
    for i in range(attempts):
        try:
            return fn(*args)
        except (ConnectionError, TimeoutError, OSError) + _transport_errors():
            if i == attempts - 1:
                raise
            time.sleep(pause * 2**i)
    return None  # pragma: no cover


def _transport_errors() -> tuple[type[BaseException], ...]:
    try:
        import httpx
        from qdrant_client.http.exceptions import ResponseHandlingException
    except ImportError:  # pragma: no cover
        return ()
    return (httpx.TransportError, ResponseHandlingException)
