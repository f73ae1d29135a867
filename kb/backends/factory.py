"""Which search backend a knowledge base uses: ``Settings.index`` (``PLANKB_INDEX``).

txtai's ``ann/dense/factory.py`` is the model: a name maps to a class, the
heavy imports happen only for the class chosen, so the default (embedded)
never imports a Qdrant package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

BACKENDS = ("embedded", "qdrant")


def qdrant_target(settings: Any) -> str:
    """Where the Qdrant backend of these settings lives, for messages and the sync marker."""
    url = settings.qdrant_url
    if url.startswith(("http://", "https://")):
        return f"{url.rstrip('/')}/collections/{settings.qdrant_collection}"
    return f"{url or 'edge'}:{qdrant_path(settings)}"


def qdrant_path(settings: Any) -> Path:
    return settings.qdrant_path or settings.data_dir / "qdrant"


def open_backend(settings: Any, *, dim: int, folder: Path | None = None) -> Any:
    """The backend ``settings.index`` names.

    ``embedded`` opens the whoosh and faiss indexes in ``folder`` (an index
    generation).  ``qdrant`` reaches the collection by ``settings.qdrant_url``:
    ``http(s)://…`` a server or cluster (``qdrant_api_key``), ``local`` the
    qdrant-client local mode in ``qdrant_path``, ``:memory:`` an in-memory one,
    empty the in-process qdrant-edge shard in ``qdrant_path``
    (default ``<data_dir>/qdrant``).
    """
    if settings.index == "embedded":
        from .embedded import EmbeddedBackend

        if folder is None:
            raise ValueError("the embedded backend needs its index folder")
        return EmbeddedBackend.open(folder)
    from .qdrant import QdrantBackend

    url = settings.qdrant_url
    if url.startswith(("http://", "https://")):
        return QdrantBackend.client(dim, url=url, api_key=settings.qdrant_api_key, collection=settings.qdrant_collection)
    if url == ":memory:":
        return QdrantBackend.client(dim, path=":memory:", collection=settings.qdrant_collection)
    if url == "local":
        return QdrantBackend.client(dim, path=qdrant_path(settings) / "local", collection=settings.qdrant_collection)
    return QdrantBackend.edge(qdrant_path(settings) / f"edge-{settings.qdrant_collection}", dim)
