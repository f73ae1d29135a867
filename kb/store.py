"""The SQLite store: files, documents, clauses and facts.

SQLite is the embedded default: one file in the data directory, no server.
Ingesting a file is one transaction: its documents, clauses and facts all
land, or none do, so a failed or interrupted ingest leaves the store as it
was.  Re-ingesting a file whose content hash is unchanged is a no-op.

A file is stored under its identity (``files.name``: its path relative to the
corpus root, an explicit id, or its absolute path) and owns one document-id
prefix (``files.key``, unique), so document ids are unique by construction.

Every change bumps the store's ``generation`` and writes a ``journal`` row
naming the documents it touched, in the same transaction as the data: the
index layer (kb/indexes.py) reads the journal to bring the indexes forward
incrementally, and records the generation they reflect in that same
transaction when it can (see :meth:`transaction`, which nests as savepoints).

A data directory that cannot be written is opened read-only (``mode=ro``,
journal mode left as it is); writes then raise :class:`WriteError` (E051).
SQLite and OS write failures (disk full, permission denied) inside a
transaction roll it back and become one :class:`WriteError` sentence.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, NotBuiltError, NotFoundError, PlankbError, WriteError
from plankb.extract.model import Clause, ClauseKind, DocType, Document, Level, OffsetMap, Span

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    raw TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL REFERENCES files(name) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT, doc_number TEXT, date TEXT, doc_type TEXT,
    jurisdiction TEXT, level TEXT,
    text TEXT NOT NULL,
    offsets BLOB,
    source_start INTEGER, source_end INTEGER,
    metadata TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS clauses (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    section TEXT, path TEXT, number TEXT,
    cells TEXT, header TEXT, grp TEXT
);
CREATE INDEX IF NOT EXISTS clauses_doc ON clauses(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    clause_id TEXT NOT NULL REFERENCES clauses(id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_clause ON facts(clause_id);
CREATE INDEX IF NOT EXISTS facts_kind ON facts(kind, doc_id);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    generation INTEGER NOT NULL,
    file TEXT NOT NULL,
    doc_ids TEXT NOT NULL
);
"""
# Added after the first release: ALTER TABLE for stores made before it (see _migrate).
FILES_KEY = "CREATE UNIQUE INDEX IF NOT EXISTS files_key ON files(key)"


class Store:
    """Documents and clauses in one SQLite file.

    ``readonly=None`` opens read-only when the file or its directory cannot be
    written; :attr:`readonly` says which it is.
    """

    def __init__(self, path: str | Path, *, readonly: bool | None = None) -> None:
        self.path = Path(path)
        self.readonly = False
        self._depth = 0  # nesting of transaction(): 0 = none open
        if readonly is None:
            readonly = not _writable(self.path)
        if not readonly:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = self._connect(readonly=False)
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.executescript(SCHEMA)
                self._migrate()
            except sqlite3.OperationalError as exc:
                if "readonly" not in str(exc) and "read-only" not in str(exc):
                    raise write_error(self.path, exc) from exc
                readonly = True  # e.g. a read-only file in a writable directory
            except OSError as exc:
                if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                    raise write_error(self.path, exc) from exc
                readonly = True
        if readonly:
            if not self.path.is_file():
                raise NotBuiltError(Errors.E020.format(path=self.path.parent))
            self.db = self._connect(readonly=True)
        self.readonly = readonly

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        if readonly:
            # mode=ro never creates or converts anything: no journal-mode switch,
            # no schema; a WAL store is read through its -wal/-shm files if present.
            uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            try:
                db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            except sqlite3.OperationalError:
                # A WAL store closed cleanly has no -shm, and a read-only folder
                # cannot get one: with no -wal either, the file alone is the whole
                # store and nobody can change it, which is what immutable=1 says.
                db.close()
                wal = self.path.with_name(self.path.name + "-wal")
                if wal.exists() and wal.stat().st_size > 0:
                    raise
                db = sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False, isolation_level=None)
        else:
            db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _migrate(self) -> None:
        cols = {r[1] for r in self.db.execute("PRAGMA table_info(files)")}
        if "key" not in cols:
            with self.transaction() as db:
                db.execute("ALTER TABLE files ADD COLUMN key TEXT")
                for (name,) in db.execute("SELECT name FROM files").fetchall():
                    first = db.execute("SELECT id FROM documents WHERE file = ? ORDER BY ordinal LIMIT 1", (name,)).fetchone()
                    key = first[0].rsplit("-", 1)[0] if first else name
                    db.execute("UPDATE files SET key = ? WHERE name = ?", (key, name))
        self.db.execute(FILES_KEY)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested calls are savepoints inside it.

        On any exception everything since the matching BEGIN/SAVEPOINT is
        rolled back (SQLite may have rolled back already, e.g. on a full disk);
        SQLite and OS errors become a :class:`WriteError`.
        """
        if self.readonly:
            raise WriteError(Errors.E051.format(path=self.path.parent))
        nested = self._depth > 0
        name = f"sp{self._depth}"
        try:
            self.db.execute(f"SAVEPOINT {name}" if nested else "BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise write_error(self.path, exc) from exc
        self._depth += 1
        try:
            yield self.db
        except BaseException as exc:
            self._depth -= 1
            if self.db.in_transaction:
                try:
                    if nested:
                        self.db.execute(f"ROLLBACK TO {name}")
                        self.db.execute(f"RELEASE {name}")
                    else:
                        self.db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite already rolled back (disk full): nothing is left to undo
            if isinstance(exc, (sqlite3.Error, OSError)) and not isinstance(exc, PlankbError):
                raise write_error(self.path, exc) from exc
            raise
        self._depth -= 1
        try:
            self.db.execute(f"RELEASE {name}" if nested else "COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                with suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
            raise write_error(self.path, exc) from exc

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every read inside sees one committed state."""
        if self.db.in_transaction:  # a writer reading its own changes
            yield self.db
            return
        self.db.execute("BEGIN")
        try:
            yield self.db
        finally:
            if self.db.in_transaction:
                self.db.execute("COMMIT")

    # -- writing ---------------------------------------------------------

    def file_hash(self, name: str) -> str | None:
        row = self.db.execute("SELECT sha256 FROM files WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def file_key(self, name: str) -> str | None:
        """The document-id prefix a stored file owns."""
        row = self.db.execute("SELECT key FROM files WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def file_with_hash(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT name FROM files WHERE sha256 = ? ORDER BY name LIMIT 1", (sha256,)).fetchone()
        return row[0] if row else None

    def files_named(self, base: str) -> list[str]:
        """Stored files whose identity ends in the base name ``base``."""
        rows = self.db.execute("SELECT name FROM files ORDER BY name").fetchall()
        return [r[0] for r in rows if r[0].rsplit("/", 1)[-1] == base]

    def free_key(self, key: str, owner: str) -> str:
        """``key``, or ``key_2``, ``key_3`` … when another file owns it.

        File keys are slugs of ``[a-z0-9-]``, so an underscore suffix never
        meets another file's own key; since a document id is ``KEY-N`` and N has
        no dash, distinct keys give distinct document and clause ids.
        """
        taken = {r[0] for r in self.db.execute("SELECT key FROM files WHERE name != ?", (owner,))}
        if key not in taken:
            return key
        n = 2
        while f"{key}_{n}" in taken:
            n += 1
        return f"{key}_{n}"

    def doc_ids_of(self, name: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents WHERE file = ? ORDER BY ordinal", (name,))]

    def replace_file(
        self,
        name: str,
        sha256: str,
        raw: str,
        parsed: Iterable[tuple[Document, Iterable[Clause]]],
        facts: Iterable[tuple[str, str, str, Span, dict[str, Any]]] = (),
        meta: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> None:
        """Store a file's documents and clauses, replacing any older version.

        ``facts`` are ``(clause_id, doc_id, kind, span, data)``.  Everything
        happens in one transaction (a savepoint inside an open one), with the
        journal row for the indexes.
        """
        parsed = list(parsed)
        if key is None:
            key = parsed[0][0].id.rsplit("-", 1)[0] if parsed else name
        with self.transaction() as db:
            touched = self.doc_ids_of(name)
            db.execute("DELETE FROM files WHERE name = ?", (name,))
            db.execute(
                "INSERT INTO files(name, sha256, raw, meta, ingested_at, key) VALUES (?,?,?,?,?,?)",
                (name, sha256, raw, json.dumps(meta or {}, ensure_ascii=False), time.time(), key),
            )
            for ordinal, (doc, clauses) in enumerate(parsed):
                touched.append(doc.id)
                db.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        doc.id, name, ordinal, doc.title, doc.issuer, doc.doc_number, doc.date,
                        doc.doc_type.value, doc.jurisdiction, doc.level.value, doc.text,
                        doc.offsets.to_bytes() if doc.offsets is not None else None,
                        doc.source_span.start, doc.source_span.end,
                        json.dumps(doc.metadata, ensure_ascii=False),
                    ),
                )
                db.executemany(
                    "INSERT INTO clauses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            c.id, c.doc_id, c.ordinal, c.kind.value, c.text, c.span.start, c.span.end,
                            c.section, json.dumps(c.path, ensure_ascii=False), c.number,
                            json.dumps(c.cells, ensure_ascii=False), json.dumps(c.header, ensure_ascii=False), c.group,
                        )
                        for c in clauses
                    ],
                )
            db.executemany(
                'INSERT INTO facts(clause_id, doc_id, kind, start, "end", data) VALUES (?,?,?,?,?,?)',
                [(cid, did, kind, sp.start, sp.end, json.dumps(data, ensure_ascii=False)) for cid, did, kind, sp, data in facts],
            )
            self._journal(name, touched)

    def delete_file(self, name: str) -> None:
        with self.transaction() as db:
            touched = self.doc_ids_of(name)
            db.execute("DELETE FROM files WHERE name = ?", (name,))
            self._journal(name, touched)

    def _journal(self, name: str, doc_ids: list[str]) -> None:
        """Bump the generation and note what the indexes must redo (same transaction)."""
        gen = self.generation() + 1
        self.set_value("generation", str(gen))
        self.db.execute(
            "INSERT INTO journal(generation, file, doc_ids) VALUES (?,?,?)",
            (gen, name, json.dumps(sorted(set(doc_ids)), ensure_ascii=False)),
        )

    def generation(self) -> int:
        """How many changes the store has seen (0 for a store made before generations)."""
        return int(self.value("generation", "0") or 0)

    def journal(self, after: int) -> list[str]:
        """Documents touched by the changes after generation ``after``."""
        try:
            rows = self.db.execute("SELECT doc_ids FROM journal WHERE generation > ?", (after,)).fetchall()
        except sqlite3.OperationalError:  # a read-only store made before the journal
            return []
        return sorted({d for r in rows for d in json.loads(r[0])})

    def forget_journal(self, upto: int) -> None:
        self.db.execute("DELETE FROM journal WHERE generation <= ?", (upto,))

    def set_value(self, key: str, value: str) -> None:
        if self.readonly:
            raise WriteError(Errors.E051.format(path=self.path.parent))
        try:
            self.db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (key, value))
        except sqlite3.Error as exc:
            raise write_error(self.path, exc) from exc

    def value(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    # -- reading ---------------------------------------------------------

    def files(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT name, sha256, meta, ingested_at FROM files ORDER BY name").fetchall()
        return [dict(r) for r in rows]

    def raw_text(self, file: str) -> str:
        row = self.db.execute("SELECT raw FROM files WHERE name = ?", (file,)).fetchone()
        if row is None:
            raise NotFoundError(Errors.E021.format(doc_id=file))
        return row[0]

    def documents(self) -> list[Document]:
        rows = self.db.execute(
            "SELECT * FROM documents ORDER BY file, ordinal"
        ).fetchall()
        return [_document(r, with_offsets=False) for r in rows]

    def document(self, doc_id: str) -> Document:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(Errors.E021.format(doc_id=doc_id))
        return _document(row, with_offsets=True)

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        if doc_id is None:
            rows = self.db.execute("SELECT * FROM clauses ORDER BY doc_id, ordinal").fetchall()
        else:
            rows = self.db.execute("SELECT * FROM clauses WHERE doc_id = ? ORDER BY ordinal", (doc_id,)).fetchall()
        return [_clause(r) for r in rows]

    def clause(self, clause_id: str) -> Clause:
        row = self.db.execute("SELECT * FROM clauses WHERE id = ?", (clause_id,)).fetchone()
        if row is None:
            raise NotFoundError(Errors.E022.format(clause_id=clause_id))
        return _clause(row)

    def clause_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM clauses")}

    def facts(self, doc_id: str | None = None, kind: str | None = None, clause_id: str | None = None) -> list[dict[str, Any]]:
        sql = 'SELECT clause_id, doc_id, kind, start, "end", data FROM facts WHERE 1=1'
        args: list[Any] = []
        for col, val in (("doc_id", doc_id), ("kind", kind), ("clause_id", clause_id)):
            if val is not None:
                sql += f" AND {col} = ?"
                args.append(val)
        out = []
        for r in self.db.execute(sql + " ORDER BY id", args):
            d = json.loads(r["data"])
            d.update(clause_id=r["clause_id"], doc_id=r["doc_id"], fact=r["kind"], span={"start": r["start"], "end": r["end"]})
            out.append(d)
        return out

    def counts(self) -> dict[str, int]:
        return {
            t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("files", "documents", "clauses", "facts")
        }


def _writable(path: Path) -> bool:
    """Whether the store at ``path`` can be written (its directory created if need be)."""
    probe = path.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def write_error(path: Path, exc: BaseException) -> WriteError:
    """One sentence for a failed write: disk full, permission denied, read-only, other."""
    where = path.parent if path.suffix == ".sqlite" else path
    code = getattr(exc, "errno", None)
    # shutil.copytree gathers its failures as (src, dst, why) in one shutil.Error
    text = str(exc).lower()
    if code in (errno.ENOSPC, errno.EDQUOT) or any(w in text for w in ("disk is full", "disk full", "no space left")):
        return WriteError(Errors.E052.format(path=where))
    if code == errno.EROFS or any(w in text for w in ("readonly", "read-only")):
        return WriteError(Errors.E051.format(path=where))
    if code in (errno.EACCES, errno.EPERM) or "permission" in text:
        return WriteError(Errors.E053.format(path=where))
    why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return WriteError(Errors.E054.format(path=where, why=why))


def _document(r: sqlite3.Row, *, with_offsets: bool) -> Document:
    return Document(
        id=r["id"],
        title=r["title"],
        text=r["text"],
        source=r["file"],
        source_span=Span(r["source_start"] or 0, r["source_end"] or 0),
        offsets=OffsetMap.from_bytes(r["offsets"]) if with_offsets and r["offsets"] else None,
        issuer=r["issuer"] or "",
        doc_number=r["doc_number"] or "",
        date=r["date"] or "",
        doc_type=DocType(r["doc_type"]),
        jurisdiction=r["jurisdiction"] or "",
        level=Level(r["level"]),
        metadata=tuple(tuple(x) for x in json.loads(r["metadata"])),
    )


def _clause(r: sqlite3.Row) -> Clause:
    return Clause(
        id=r["id"],
        doc_id=r["doc_id"],
        kind=ClauseKind(r["kind"]),
        text=r["text"],
        span=Span(r["start"], r["end"]),
        section=r["section"] or "",
        path=tuple(json.loads(r["path"] or "[]")),
        number=r["number"] or "",
        cells=tuple(json.loads(r["cells"] or "[]")),
        header=tuple(json.loads(r["header"] or "[]")),
        group=r["grp"] or "",
        ordinal=r["ordinal"],
    )
