"""What one web app shares between requests: the knowledge base and one searcher.

The searcher loads the embedding model (seconds, about 1.3 GB with e5), so
it is created on first use, once, under a lock; pages that only read
documents never pay for it.  The SQLite connection of the knowledge base is
shared by waitress's worker threads, so every store read made on behalf of a
request goes through :meth:`Services.read` (one lock, short reads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from plankb.extract.model import Clause, Document
from plankb.kb.base import KnowledgeBase
from plankb.kb.settings import Settings

T = TypeVar("T")


class Services:
    def __init__(self, settings: Settings, searcher: Any = None) -> None:
        self.settings = settings
        self.kb: KnowledgeBase = searcher.kb if searcher is not None else KnowledgeBase(settings)
        self._searcher = searcher
        self._lock = threading.RLock()  # guards lazy creation
        self._db = threading.RLock()  # guards the shared SQLite connection
        self._resolver: Any = None
        self._asker: Any = None
        self._docs_full: dict[str, Document] = {}
        self._facts: dict[str, list[dict[str, Any]]] = {}
        self.state = "lazy"  # lazy (load on first use) | loading | ready | failed: /api/health
        self.error = ""

    # -- the expensive objects, created once ---------------------------------
    @property
    def searcher(self) -> Any:
        if self._searcher is None:
            with self._lock:
                if self._searcher is None:
                    from plankb.kb.search import Searcher

                    with self._db:
                        self._searcher = Searcher(self.kb)
        return self._searcher

    @property
    def resolver(self) -> Any:
        if self._resolver is None:
            searcher = self.searcher
            with self._lock:
                if self._resolver is None:
                    from plankb.kb.wholeads import WhoLeadsResolver

                    with self._db:
                        resolver = WhoLeadsResolver(searcher)
                    resolver._type_vectors()  # encode the 52 types now, not inside a request race
                    self._resolver = resolver
        return self._resolver

    @property
    def asker(self) -> Any:
        if self._asker is None:
            searcher = self.searcher
            with self._lock:
                if self._asker is None:
                    from plankb.kb.ask import Asker

                    self._asker = Asker(searcher)
        return self._asker

    # -- start-up (issue 16) -----------------------------------------------------
    def warm(self) -> None:
        """Load the searcher, who-leads and ask now, at server start, then say ready.

        Every query path is run once, so no request pays for a lazy set-up
        (the vector engine's first call, whoosh's first searcher).
        """
        self.state = "loading"
        try:
            self.resolver.answer("燃气泄漏")
            self.asker  # noqa: B018 - created now, not in a request
            with self._db:  # the incident filter's tags read the shared connection
                self.searcher.incidents()
                self.searcher.search("应急预案", k=1)
        except Exception as exc:
            self.state, self.error = "failed", str(exc)
            raise
        self.state = "ready"

    def prepare_fork(self) -> None:
        """Before a pre-fork server forks: no SQLite connection may cross a fork; each
        process opens its own on its first read."""
        with self._db:
            self.kb.close()

    # -- store reads ---------------------------------------------------------------
    def read(self, fn: Callable[[KnowledgeBase], T]) -> T:
        with self._db:
            return fn(self.kb)

    def require_built(self) -> None:
        self.read(lambda kb: kb.require_built())

    @cached_property
    def documents(self) -> list[Document]:
        """All documents (text, no offset maps), in store order."""
        return self.read(lambda kb: kb.documents())

    @cached_property
    def doc_index(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def clauses(self) -> list[Clause]:
        return self.read(lambda kb: kb.clauses())

    @cached_property
    def clause_index(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    def doc_clauses(self, doc_id: str) -> list[Clause]:
        return [c for c in self.clauses if c.doc_id == doc_id]

    def document(self, doc_id: str) -> Document:
        """A document with its offset map (for source lines); raises NotFoundError."""
        doc = self._docs_full.get(doc_id)
        if doc is None:
            doc = self.read(lambda kb: kb.document(doc_id))
            with self._lock:
                self._docs_full[doc_id] = doc
        return doc

    def facts(self, doc_id: str) -> list[dict[str, Any]]:
        rows = self._facts.get(doc_id)
        if rows is None:
            rows = self.read(lambda kb: kb.store.facts(doc_id=doc_id))
            with self._lock:
                self._facts[doc_id] = rows
        return rows

    @cached_property
    def all_facts(self) -> list[dict[str, Any]]:
        return self.read(lambda kb: kb.store.facts())

    def raw_text(self, file: str) -> str:
        return self.read(lambda kb: kb.store.raw_text(file))

    @cached_property
    def master_doc_id(self) -> str:
        return self.read(lambda kb: kb.master_doc_id())

    @cached_property
    def jurisdictions(self) -> list[str]:
        return sorted({d.jurisdiction for d in self.documents if d.jurisdiction}, key=lambda j: (j != "北京市", j))

    def ask(self, question: str, jurisdiction: str | None = None) -> Any:
        asker = self.asker
        with self._db:  # Asker reads facts from the store
            return asker.ask(question, jurisdiction=jurisdiction)

    @cached_property
    def directory(self) -> Any:
        from .tables import build_directory

        return build_directory(self.documents, self.clauses, self.master_doc_id)
