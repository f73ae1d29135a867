"""The search backend interface: one clause store for keyword, dense and hybrid search.

``kb.search.Searcher`` (and through it who-leads, ask, the checker's retriever
and the web app) talks to a :class:`SearchBackend` only.  Two implementations:

- ``embedded`` (:mod:`.embedded`): whoosh BM25F + faiss in the data directory,
  the default for one office and the shipped corpus;
- ``qdrant`` (:mod:`.qdrant`): one Qdrant collection, in-process
  (``qdrant-edge-py``), ``qdrant-client`` local mode, or a server / cluster.

:func:`.factory.open_backend` picks one from ``Settings.index`` (txtai's
``ann/dense/factory.py`` is the model).

Contract, for every implementation (``tests/test_backends.py`` checks it):

- a record is keyed by its clause id; ``upsert`` replaces a record of that id;
- ``delete(ids=…)`` and ``delete(filters=…)`` remove exactly those records;
  unknown ids are ignored;
- ``keyword``, ``dense`` and ``hybrid`` return at most ``k`` hits, best first,
  every one satisfying ``filters`` (and in ``ids`` when given); scores are
  comparable within one result list only, rankings across backends;
- ``hybrid`` is reciprocal-rank fusion of the keyword and the dense list with
  ``k0 = HYBRID_K0`` and equal weights, ranks counted from 1 (the
  ``kb.search`` decision record);
- ``save`` makes what was written durable; ``health`` never raises.

Filters are a mapping of payload field -> value or list of values (any of
them); the fields are :data:`FILTER_FIELDS`, the same as the whoosh index's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from plankb.extract.errors import Errors, InputError

# Payload fields a filter may name; year, incident and actors hold several values.
FILTER_FIELDS = ("doc_id", "jurisdiction", "level", "kind", "year", "incident", "actors")
MULTI_FIELDS = ("year", "incident", "actors")
# k0 of the fusion (kb/search.py decision record: k0 = 5 scored best on every metric).
HYBRID_K0 = 5

Filters = Mapping[str, "str | Sequence[str]"]


@dataclass(frozen=True, slots=True)
class ClauseRecord:
    """What a backend holds for one clause: the text the keyword side analyses,
    the filter fields, and the dense vector (``None`` for a keyword-only write)."""

    clause_id: str
    doc_id: str
    text: str
    section: str = ""
    jurisdiction: str = ""
    level: str = ""
    kind: str = ""
    year: tuple[str, ...] = ()
    incident: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    vector: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_item(cls, item: Mapping[str, Any], vector: Any = None) -> ClauseRecord:
        """From a keyword item (``kb.keyword.clause_item``) and a vector."""
        multi = {name: tuple(str(v) for v in (item.get(name) or ())) for name in MULTI_FIELDS}
        return cls(
            clause_id=str(item["clause_id"]), doc_id=str(item.get("doc_id", "")), text=str(item["text"]),
            section=str(item.get("section", "")), jurisdiction=str(item.get("jurisdiction", "")),
            level=str(item.get("level", "")), kind=str(item.get("kind", "")), vector=vector, **multi,
        )

    def item(self) -> dict[str, Any]:
        """The keyword item (what ``KeywordIndex.add`` takes)."""
        return {
            "clause_id": self.clause_id, "doc_id": self.doc_id, "text": self.text, "section": self.section,
            "jurisdiction": self.jurisdiction, "level": self.level, "kind": self.kind,
            "year": list(self.year), "incident": list(self.incident), "actors": list(self.actors),
        }

    def payload(self) -> dict[str, Any]:
        """The filter fields (Qdrant payload)."""
        out = self.item()
        del out["text"]
        return out  # section is kept for display, not a filter field (whoosh analyses it)


@dataclass(frozen=True, slots=True)
class BackendHit:
    clause_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    backend: str
    count: int = -1
    detail: str = ""


@runtime_checkable
class SearchBackend(Protocol):
    """Keyword, dense and hybrid search over clause records (see the module doc)."""

    name: str

    def upsert(self, records: Sequence[ClauseRecord]) -> int:
        """Insert or replace records by clause id; returns how many were written."""
        ...

    def delete(self, ids: Iterable[str] | None = None, filters: Filters | None = None) -> None:
        """Remove records by id, or every record matching ``filters``."""
        ...

    def keyword(self, query: str, filters: Filters | None = None, k: int = 10,
                ids: set[str] | None = None) -> list[BackendHit]:
        """BM25-ranked records for the words of ``query`` (the jieba analyzer)."""
        ...

    def dense(self, vector: Any, filters: Filters | None = None, k: int = 10,
              ids: set[str] | None = None) -> list[BackendHit]:
        """Records nearest to ``vector`` (cosine)."""
        ...

    def hybrid(self, query: str, vector: Any, filters: Filters | None = None, k: int = 10,
               ids: set[str] | None = None) -> list[BackendHit]:
        """RRF of :meth:`keyword` and :meth:`dense` (k0 = ``HYBRID_K0``)."""
        ...

    def ids(self) -> set[str]:
        """Every clause id held (for the consistency check with the store)."""
        ...

    def count(self) -> int:
        ...

    def save(self) -> None:
        """Make every write durable."""
        ...

    def health(self) -> Health:
        ...

    def close(self) -> None:
        ...


def rrf(lists: Sequence[Sequence[BackendHit]], k: int, k0: int = HYBRID_K0) -> list[BackendHit]:
    """Reciprocal-rank fusion, ``sum 1/(k0 + rank)`` with ranks from 1; ties by clause id."""
    scores: dict[str, float] = {}
    for hits in lists:
        for rank, h in enumerate(hits, 1):
            scores[h.clause_id] = scores.get(h.clause_id, 0.0) + 1.0 / (k0 + rank)
    best = sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]
    return [BackendHit(cid, s) for cid, s in best]


def check_k(k: int) -> None:
    if k < 1:
        raise InputError(Errors.E120.format(k=k))


def check_filters(filters: Filters | None) -> dict[str, list[str]]:
    """``filters`` as field -> list of values, empty ones dropped; E121 for an unknown field."""
    out: dict[str, list[str]] = {}
    for name, value in (filters or {}).items():
        if name not in FILTER_FIELDS:
            raise InputError(Errors.E121.format(names=f"'{name}'", known=", ".join(FILTER_FIELDS)))
        values = [value] if isinstance(value, str) else [str(v) for v in value]
        values = [v for v in values if v]
        if values:
            out[name] = values
    return out


def matches(record: ClauseRecord, filters: Filters | None) -> bool:
    """Whether a record satisfies ``filters`` (the contract tests' oracle)."""
    for name, values in check_filters(filters).items():
        have = getattr(record, name)
        have = set(have) if isinstance(have, tuple) else {have}
        if not have & set(values):
            return False
    return True


def as_vector(vector: Any) -> np.ndarray:
    return np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
