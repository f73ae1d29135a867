"""The SQLite store: files, documents, clauses and facts.

SQLite is the embedded default: one file in the data directory, no server.
Ingesting a file is one transaction: its documents, clauses and facts all
land, or none do, so a failed or interrupted ingest leaves the store as it
was.  Re-ingesting a file whose content hash is unchanged is a no-op.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, NotFoundError
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
"""


class Store:
    """Documents and clauses in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing ---------------------------------------------------------

    def file_hash(self, name: str) -> str | None:
        row = self.db.execute("SELECT sha256 FROM files WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def replace_file(
        self,
        name: str,
        sha256: str,
        raw: str,
        parsed: Iterable[tuple[Document, Iterable[Clause]]],
        facts: Iterable[tuple[str, str, str, Span, dict[str, Any]]] = (),
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Store a file's documents and clauses, replacing any older version.

        ``facts`` are ``(clause_id, doc_id, kind, span, data)``.  Everything
        happens in one transaction.
        """
        with self.transaction() as db:
            db.execute("DELETE FROM files WHERE name = ?", (name,))
            db.execute(
                "INSERT INTO files(name, sha256, raw, meta, ingested_at) VALUES (?,?,?,?,?)",
                (name, sha256, raw, json.dumps(meta or {}, ensure_ascii=False), time.time()),
            )
            for ordinal, (doc, clauses) in enumerate(parsed):
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

    def delete_file(self, name: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM files WHERE name = ?", (name,))

    def set_value(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (key, value))

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
