"""The knowledge base: store + indexes in one data directory.

``KnowledgeBase`` is what the CLI and the web app talk to.  Building from
the corpus ingests each manifest file in its own transaction; a file that
fails to load or parse is reported and skipped, and never damages what the
store already holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, NotBuiltError, PlankbError
from plankb.extract.facts.extract import extract_facts
from plankb.extract.model import Clause, Document
from plankb.extract.pipeline import FileMeta, Parsed, parse_text

from .corpus import load_manifest
from .settings import Settings
from .store import Store


@dataclass(frozen=True, slots=True)
class IngestResult:
    file: str
    status: str  # added | updated | unchanged | failed
    documents: tuple[str, ...] = ()
    clauses: int = 0
    facts: int = 0
    error: str = ""


@dataclass
class KnowledgeBase:
    settings: Settings = field(default_factory=Settings.from_env)
    _store: Store | None = None

    def __post_init__(self) -> None:
        self.settings.apply()  # extract segments and resolves names with this KB's gazetteer

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def exists(self) -> bool:
        return self.settings.db_path.exists() and self.store.counts()["documents"] > 0

    def require_built(self) -> None:
        if not self.exists():
            raise NotBuiltError(Errors.E020.format(path=self.settings.data_dir))

    # -- ingest ------------------------------------------------------------

    def ingest_text(self, raw: str, name: str, meta: FileMeta | None = None, *, force: bool = False) -> IngestResult:
        """Parse one file's text and store it (one transaction)."""
        sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        old = self.store.file_hash(name)
        if old == sha and not force:
            docs = tuple(d.id for d in self.store.documents() if d.source == name)
            return IngestResult(name, "unchanged", docs)
        parsed = parse_text(raw, name, meta)
        facts = list(_facts(parsed))
        self.store.replace_file(
            name,
            sha,
            raw,
            [(p.document, p.clauses) for p in parsed],
            facts,
            meta={"key": meta.key if meta else "", "master": bool(meta and meta.master)},
        )
        return IngestResult(
            name,
            "updated" if old else "added",
            tuple(p.document.id for p in parsed),
            sum(len(p.clauses) for p in parsed),
            len(facts),
        )

    def ingest_path(self, path: str | Path, meta: FileMeta | None = None, *, force: bool = False) -> IngestResult:
        from plankb.extract.loaders import load_path

        source = load_path(path, max_bytes=max(self.settings.max_upload_bytes, 50_000_000))
        return self.ingest_text(source.text, Path(path).name, meta, force=force)

    def build(
        self,
        corpus_dir: Path | None = None,
        *,
        rebuild: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest every file of the corpus manifest."""
        corpus_dir = corpus_dir or self.settings.corpus_dir
        files = load_manifest(corpus_dir)
        results = []
        for cf in files:
            if progress:
                progress(cf.path.name)
            try:
                res = self.ingest_path(cf.path, cf.meta, force=rebuild)
            except PlankbError as exc:
                res = IngestResult(cf.path.name, "failed", error=str(exc))
            results.append(res)
            if cf.master_title and res.status != "failed":
                for doc_id in res.documents:
                    if self.store.document(doc_id).title == cf.master_title:
                        self.store.set_value("master_doc", doc_id)
        return results

    # -- reading -----------------------------------------------------------

    def documents(self) -> list[Document]:
        return self.store.documents()

    def document(self, doc_id: str) -> Document:
        return self.store.document(doc_id)

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        return self.store.clauses(doc_id)

    def clause(self, clause_id: str) -> Clause:
        return self.store.clause(clause_id)

    def master_doc_id(self) -> str:
        doc_id = self.store.value("master_doc")
        if not doc_id:
            raise NotBuiltError(Errors.E025.format(why="the corpus manifest names none"))
        return doc_id

    def source_lines(self, doc: Document, clause: Clause) -> tuple[int, int]:
        """1-based first and last line in the source file of a clause."""
        if doc.offsets is None:
            doc = self.store.document(doc.id)
        raw = self.store.raw_text(doc.source)
        src = doc.source_range(clause.span)
        return raw.count("\n", 0, src.start) + 1, raw.count("\n", 0, max(src.start, src.end - 1)) + 1


def _facts(parsed: Iterable[Parsed]) -> Iterable[tuple[str, str, str, Any, dict[str, Any]]]:
    for p in parsed:
        for fact in extract_facts(p.document, p.clauses):
            yield fact.clause_id, p.document.id, fact.kind, fact.span, fact.data

