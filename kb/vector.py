"""Exact inner-product vector index over clause embeddings (faiss).

``VectorIndex`` wraps ``faiss.IndexIDMap2(faiss.IndexFlatIP(dim))``: exact
search, which at a few thousand to a few hundred thousand 384-dim clauses is
fast enough (a flat scan of 100 k vectors takes a few milliseconds) and needs
no training.  With L2-normalised vectors (every ``kb.embed`` embedder returns
them) the inner product is the cosine similarity.

faiss knows only int64 ids, so clause ids are mapped to integers handed out
in order; the map is saved with the faiss index in one ``.npz`` file, written
to a temporary file and renamed, so a reader never sees the two out of step.

Not thread-safe for writes: concurrent ``search`` calls are fine, but
``add``/``delete`` must not run while other threads use the index.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import faiss
import numpy as np

from plankb.extract.errors import Errors, InputError, NotBuiltError

FILENAME = "vectors.npz"
FORMAT = "plankb-vector-index/1"


class VectorIndex:
    """Clause id -> vector, searched by inner product; implements ``kb.index_base.Index``.

    ``model`` names the embedder that made the vectors (``Embedder.name``); it
    is saved with the index so a caller can refuse to mix models.
    """

    def __init__(self, dim: int, model: str = "") -> None:
        if dim <= 0:
            raise InputError(Errors.E128.format(dim=dim))
        self.dim = dim
        self.model = model
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._by_str: dict[str, int] = {}
        self._by_int: dict[int, str] = {}
        self._next = 0

    def _matrix(self, vectors: np.ndarray, rows: int | None = None) -> np.ndarray:
        mat = np.ascontiguousarray(vectors, dtype=np.float32)
        if mat.ndim == 1:
            mat = mat.reshape(1, -1)
        if mat.ndim != 2 or mat.shape[1] != self.dim or (rows is not None and mat.shape[0] != rows):
            want = f"({rows}, {self.dim})" if rows is not None else f"(n, {self.dim})"
            raise InputError(Errors.E129.format(shape=np.shape(vectors), want=want))
        if not np.isfinite(mat).all():
            raise InputError(Errors.E130)
        return mat

    def add(self, ids: list[str], vectors: np.ndarray) -> None:
        """Insert or replace the vector of each id (rows of ``vectors`` in the order of ``ids``)."""
        ids = list(ids)
        if len(set(ids)) != len(ids):
            raise InputError(Errors.E131)
        mat = self._matrix(vectors, rows=len(ids))
        if not ids:
            return
        self.delete([i for i in ids if i in self._by_str])
        nums = np.arange(self._next, self._next + len(ids), dtype=np.int64)
        self._next += len(ids)
        self._index.add_with_ids(mat, nums)
        for sid, num in zip(ids, nums.tolist(), strict=True):
            self._by_str[sid] = num
            self._by_int[num] = sid

    def delete(self, ids: Iterable[str]) -> None:
        """Remove these ids; unknown ids are ignored."""
        nums = [self._by_str.pop(i) for i in set(ids) if i in self._by_str]
        if nums:
            for num in nums:
                del self._by_int[num]
            self._index.remove_ids(np.array(nums, dtype=np.int64))

    def search(
        self, query_vec: np.ndarray, k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` ids most similar to ``query_vec``, best first, as ``(id, inner product)``.

        ``allowed`` restricts the answer to those ids (e.g. one document's clauses);
        faiss applies it during the scan, so the ``k`` best allowed ids come back
        even when they rank far down overall.
        """
        query = self._matrix(query_vec, rows=1)
        params = None
        if allowed is not None:
            nums = [self._by_str[i] for i in allowed if i in self._by_str]
            if not nums:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.array(nums, dtype=np.int64)))
            limit = len(nums)
        else:
            limit = self._index.ntotal
        k = min(k, limit)
        if k <= 0:
            return []
        scores, nums_found = self._index.search(query, k, params=params)
        return [
            (self._by_int[int(n)], float(s))
            for s, n in zip(scores[0], nums_found[0], strict=True)
            if n >= 0
        ]

    def vector(self, clause_id: str) -> np.ndarray:
        """The stored vector of ``clause_id`` (e.g. to find clauses similar to it)."""
        if clause_id not in self._by_str:
            raise KeyError(clause_id)
        return self._index.reconstruct(self._by_str[clause_id])

    def count(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> set[str]:
        return set(self._by_str)

    def __len__(self) -> int:
        return self.count()

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self._by_str

    def save(self, path: str | Path) -> None:
        """Write ``path/vectors.npz`` atomically (temporary file in ``path``, then rename)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        pairs = sorted(self._by_str.items(), key=lambda kv: kv[1])
        meta = {"format": FORMAT, "dim": self.dim, "model": self.model, "next": self._next}
        fd, tmp = tempfile.mkstemp(prefix=".vectors-", suffix=".npz.tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    meta=np.array(json.dumps(meta)),
                    faiss=faiss.serialize_index(self._index),
                    str_ids=np.array([s for s, _ in pairs], dtype=str),
                    int_ids=np.array([n for _, n in pairs], dtype=np.int64),
                )
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, folder / FILENAME)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | Path) -> VectorIndex:
        """Read an index written by :meth:`save`; ``NotBuiltError`` if missing or inconsistent."""
        file = Path(path) / FILENAME
        if not file.is_file():
            raise NotBuiltError(Errors.E020.format(path=path))
        try:
            with np.load(file, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                raw = data["faiss"]
                str_ids = data["str_ids"].tolist()
                int_ids = data["int_ids"].tolist()
        except (OSError, ValueError, KeyError) as exc:
            raise NotBuiltError(Errors.E023.format(path=file, detail=f"unreadable vector index: {exc}")) from exc
        if meta.get("format") != FORMAT:
            raise NotBuiltError(Errors.E023.format(path=file, detail=f"unknown format {meta.get('format')!r}"))
        self = cls(int(meta["dim"]), meta.get("model", ""))
        self._index = faiss.deserialize_index(raw)
        self._next = int(meta["next"])
        self._by_str = dict(zip(str_ids, int_ids, strict=True))
        self._by_int = {n: s for s, n in self._by_str.items()}
        stored = set(faiss.vector_to_array(self._index.id_map).tolist())
        if self._index.d != self.dim or stored != set(self._by_int):
            raise NotBuiltError(Errors.E023.format(
                path=file, detail=f"{len(stored)} vectors but {len(self._by_int)} clause ids"))
        return self
