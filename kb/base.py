"""The knowledge base: store + indexes in one data directory.

``KnowledgeBase`` is what the CLI and the web app talk to.  Building from
the corpus ingests each manifest file in its own savepoint; a file that
fails to load or parse is reported and skipped, and never damages what the
store already holds.

A stored file is identified by its path relative to the corpus root (or an
explicit id, or its absolute path when it lies outside the corpus) plus its
content hash: a file with the same base name from another folder is stored
beside the corpus file, never over it (E055 says so), unless the caller asks
for ``replace=True``.  Identical content under another identity is not
stored twice (E059).

Writes go through :meth:`KnowledgeBase.writing`: the writer lock
(kb/lock.py), one SQLite transaction, and, before it commits, the indexes of
the new generation (kb/indexes.py).  The commit publishes store and indexes
at once, so readers see the old generation or the new one, never a mix; a
write killed at any point leaves the old generation and some temporary
files, which the next writer sweeps.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, InputError, NotBuiltError, PlankbError, WriteError
from plankb.extract.facts.collect import extract_facts
from plankb.extract.model import Clause, Document
from plankb.extract.pipeline import FileMeta, Parsed, file_key, parse_text
from plankb.extract.textguard import require_unicode

from . import faults
from .corpus import load_manifest
from .settings import Settings
from .store import Store

log = logging.getLogger("plankb")


@dataclass(frozen=True, slots=True)
class IngestResult:
    file: str
    status: str  # added | updated | unchanged | duplicate | failed
    documents: tuple[str, ...] = ()
    clauses: int = 0
    facts: int = 0
    error: str = ""
    replaced: tuple[str, ...] = ()  # documents of the stored file this one replaced
    note: str = ""  # e.g. E055: stored beside a same-named file


@dataclass
class KnowledgeBase:
    settings: Settings = field(default_factory=Settings.from_env)
    _store: Store | None = None
    notify: Callable[[str], None] | None = None  # notices for the user (CLI: stderr)
    index_report: dict[str, Any] = field(default_factory=dict)  # of the last write
    _writing: bool = False

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
        if not self.settings.db_path.exists() or not self.exists():
            raise NotBuiltError(Errors.E020.format(path=self.settings.data_dir))

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    def say(self, msg: str) -> None:
        (self.notify or log.warning)(msg)

    # -- writing -------------------------------------------------------------

    @contextmanager
    def writing(self, *, indexes: bool = True, rebuild: bool = False, progress: bool = False) -> Iterator[None]:
        """The writer lock and one transaction; with ``indexes`` the indexes of
        the new generation are built before the commit.  Nested calls join the
        outer write."""
        if self._writing:
            yield
            return
        from .indexes import behind, bring_forward, sweep
        from .lock import writer_lock

        timeout = self.settings.lock_timeout
        with writer_lock(self.settings.data_dir, timeout, self.say):
            self._writing = True
            try:
                sweep(self)  # what a killed writer left
                if indexes and not rebuild:
                    why = behind(self)
                    if why:
                        self.say(f"the indexes are behind the store ({why}); bringing them forward")
                try:
                    with self.store.transaction():
                        yield
                        if indexes:
                            self.index_report = bring_forward(self, rebuild=rebuild, progress=progress)
                finally:
                    sweep(self)  # a rolled-back generation, or the one before the previous
                faults.point("commit:done")
            finally:
                self._writing = False

    def file_identity(self, path: str | Path, file_id: str | None = None, corpus_dir: Path | None = None) -> str:
        """What a file is stored under: ``file_id``, else its path relative to
        the corpus root, else its absolute path (symlinks resolved)."""
        if file_id is not None:
            ident = "/".join(part for part in file_id.replace("\\", "/").split("/") if part not in ("", "."))
            if not ident or ".." in ident.split("/"):
                raise InputError(Errors.E065.format(file_id=file_id))
            return require_unicode(ident, "--id")
        real = Path(os.path.abspath(path)).resolve()
        root = Path(corpus_dir or self.settings.corpus_dir).resolve()
        try:
            ident = real.relative_to(root).as_posix()
        except ValueError:
            ident = real.as_posix()
        return require_unicode(ident, "the file name")  # SQLite stores UTF-8 only

    # -- ingest ------------------------------------------------------------

    def ingest_text(
        self,
        raw: str,
        name: str,
        meta: FileMeta | None = None,
        *,
        force: bool = False,
        replace: bool = False,
        label: str | None = None,
    ) -> IngestResult:
        """Parse one file's text and store it under the identity ``name``.

        ``replace`` puts it in the place of the stored file of that identity,
        or else of the one stored file with the same base name (keeping that
        file's document ids).  Outside :meth:`writing` this takes the writer
        lock itself and leaves the indexes to be brought forward later.
        """
        label = label or name
        with self.writing(indexes=False):
            store = self.store
            sha = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
            target, replaced, note = name, (), ""
            base = name.rsplit("/", 1)[-1]
            if replace and store.file_hash(name) is None:
                found = store.files_named(base)
                if not found:
                    raise InputError(Errors.E056.format(path=label, name=base))
                if len(found) > 1:
                    raise InputError(Errors.E057.format(path=label, count=len(found), names=", ".join(found)))
                target = found[0]
            old = store.file_hash(target)
            if old == sha and not force:
                return IngestResult(target, "unchanged", tuple(store.doc_ids_of(target)))
            if old is None and not force:
                twin = store.file_with_hash(sha)
                if twin is not None:
                    msg = Errors.E059.format(path=label, other=twin)
                    self.say(msg)
                    return IngestResult(twin, "duplicate", tuple(store.doc_ids_of(twin)), note=msg)
            if old is None:
                same = [n for n in store.files_named(base) if n != target]
                if same:
                    docs = ", ".join(store.doc_ids_of(same[0])) or "no documents"
                    note = Errors.E055.format(path=label, name=same[0], documents=docs, file_id=target)
                    self.say(note)
            elif replace or target != name:
                replaced = tuple(store.doc_ids_of(target))
                self.say(f"replacing '{target}' ({', '.join(replaced)}) with {label}")
            meta = meta or FileMeta()
            key = store.free_key(store.file_key(target) or meta.key or file_key(target.rsplit("/", 1)[-1], raw), target)
            parsed = parse_text(raw, target, dataclasses.replace(meta, key=key))
            faults.point("ingest:parsed")
            facts = list(_facts(parsed))
            store.replace_file(
                target,
                sha,
                raw,
                [(p.document, p.clauses) for p in parsed],
                facts,
                meta={"key": key, "master": bool(meta.master)},
                key=key,
            )
            faults.point("store:written")
        return IngestResult(
            target,
            "updated" if old else "added",
            tuple(p.document.id for p in parsed),
            sum(len(p.clauses) for p in parsed),
            len(facts),
            replaced=replaced,
            note=note,
        )

    def ingest_path(
        self,
        path: str | Path,
        meta: FileMeta | None = None,
        *,
        force: bool = False,
        file_id: str | None = None,
        replace: bool = False,
        corpus_dir: Path | None = None,
        ocr: bool = False,
    ) -> IngestResult:
        """Load a file (any format the loaders sniff; ``ocr`` OCRs every PDF page) and store it.

        What the file states (a web page's title, 文号, date) fills the fields
        ``meta`` leaves empty; OCR line confidences become per-clause ones.
        """
        from plankb.extract.loaders import load_path
        from plankb.extract.pipeline import source_meta

        # One limit for uploads and files (PLANKB_MAX_UPLOAD_BYTES lowers both).
        source = load_path(path, max_bytes=self.settings.max_upload_bytes, ocr=ocr)
        ident = self.file_identity(path, file_id, corpus_dir)
        return self.ingest_text(source.text, ident, source_meta(source, meta), force=force, replace=replace,
                                label=str(path))

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
                res = self.ingest_path(cf.path, cf.meta, force=rebuild, corpus_dir=corpus_dir)
            except WriteError:
                raise  # disk full or the like: the whole write is rolled back
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
        if self.store.db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
            why = f"the master plan '{doc_id}' is no longer stored (its file was replaced?); `plankb build` restores it"
            raise NotBuiltError(Errors.E025.format(why=why))
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

