"""The small interface every plankb index implements.

The lexical index (whoosh) and the vector index (faiss) both keep clauses
under their string ids and answer "the k best ids for this query".  Code that
builds or queries the knowledge base talks to this interface only, so that a
different engine (e.g. Qdrant or OpenSearch for a deployment with many
documents) can replace either one without touching the callers.

Contract, for every implementation:

- ids are the clause ids of ``extract.model.Clause`` (strings);
- ``add`` with an id already present replaces that entry (upsert);
- ``delete`` ignores ids it does not hold;
- ``search`` returns at most ``k`` ``(id, score)`` pairs, best first, where a
  higher score is better; scores are comparable within one index only;
- ``save`` is atomic: a reader never sees half an index;
- ``load`` is a classmethod returning a new instance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Index(Protocol):
    """A searchable collection of items keyed by string ids.

    ``items`` and ``query`` depend on the engine: texts for a lexical index,
    a float32 matrix and a vector for a vector index.
    """

    def add(self, ids: list[str], items: Any) -> None:
        """Insert or replace one item per id (``items`` in the same order as ``ids``)."""
        ...

    def delete(self, ids: list[str]) -> None:
        """Remove these ids; unknown ids are ignored."""
        ...

    def search(self, query: Any, k: int) -> list[tuple[str, float]]:
        """At most ``k`` ``(id, score)`` pairs, best first."""
        ...

    def count(self) -> int:
        """Number of items held."""
        ...

    def ids(self) -> set[str]:
        """Every id held (to compare with the clause store)."""
        ...

    def save(self, path: str | Path) -> None:
        """Write the index under ``path`` (a directory) atomically."""
        ...

    @classmethod
    def load(cls, path: str | Path) -> Index:
        """Read an index written by ``save``."""
        ...
