"""Text → documents → clauses: the foundation pipeline in one call.

``parse_text`` runs cleaning, document cutting and clause parsing on text
already read by a loader; ``parse_path`` reads a file first.  Nothing here
touches the knowledge base: ``plankb extract`` and the checker use it on
inputs that are never stored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .clean import clean
from .documents import cut_documents, doc_type_of, jurisdiction_of, level_of, tidy_title
from .errors import Errors, InputError
from .model import Clause, DocType, Document, Level, Span
from .structure import parse_clauses


@dataclass(frozen=True, slots=True)
class FileMeta:
    """What a caller (or the corpus manifest) knows that a file may not say."""

    key: str = ""  # prefix of document ids
    title: str = ""
    issuer: str = ""
    date: str = ""
    doc_type: str = ""
    jurisdiction: str = ""
    level: str = ""
    separate_attachments: bool = False
    master: bool = False


@dataclass(frozen=True, slots=True)
class Parsed:
    document: Document
    clauses: tuple[Clause, ...] = field(default=())


def file_key(name: str, text: str = "") -> str:
    """A short ASCII key for a file: its slugged stem, or a hash of it."""
    stem = Path(name).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if len(slug) >= 3:
        return slug[:40]
    return "doc-" + hashlib.sha1((stem + text[:2000]).encode()).hexdigest()[:8]


def parse_text(raw: str, name: str = "input.txt", meta: FileMeta | None = None) -> list[Parsed]:
    """Cut ``raw`` (the text of one file) into documents with their clauses."""
    meta = meta or FileMeta()
    cleaned = clean(raw)
    if not cleaned.text.strip():
        raise InputError(Errors.E010.format(path=name))
    lines = cleaned.text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    key = meta.key or file_key(name, raw)
    cuts = cut_documents(lines, separate_attachments=meta.separate_attachments)
    out: list[Parsed] = []
    for n, cut in enumerate(cuts, 1):
        lo = starts[cut.start]
        hi = starts[cut.end] - 1 if cut.end < len(lines) else len(cleaned.text)
        text = cleaned.text[lo:hi]
        offsets = cleaned.offsets.sub(lo, hi)
        title = cut.title or (meta.title if len(cuts) == 1 or not out else "") or _first_line(text)
        jurisdiction = jurisdiction_of(cut.issuer, title, default=meta.jurisdiction) or meta.jurisdiction
        level = Level(meta.level) if meta.level and jurisdiction == meta.jurisdiction else level_of(jurisdiction)
        doc_type = doc_type_of(title)
        if doc_type is DocType.OTHER and meta.doc_type:
            doc_type = DocType(meta.doc_type)
        metadata = tuple(sorted(cut.meta.items()))
        if cut.notice_title and cut.notice_title != title:
            metadata += (("通知标题", cut.notice_title),)
        if meta.master:
            metadata += (("master_file", "true"),)
        doc = Document(
            id=f"{key}-{n}",
            title=title,
            text=text,
            source=name,
            source_span=offsets.to_source(Span(0, len(text))) if text else Span(0, 0),
            offsets=offsets,
            issuer=cut.issuer or meta.issuer,
            doc_number=cut.doc_number,
            date=cut.date or meta.date,
            doc_type=doc_type,
            jurisdiction=jurisdiction,
            level=level,
            metadata=metadata,
        )
        skip = {k - cut.start for k in cut.skip if cut.start <= k < cut.end}
        out.append(Parsed(doc, tuple(parse_clauses(doc.id, text, skip))))
    return out


def _first_line(text: str) -> str:
    return tidy_title(text.split("\n", 1)[0])[:60]


def parse_path(path: str | Path, meta: FileMeta | None = None, *, max_bytes: int = 50_000_000) -> list[Parsed]:
    """Load a file (txt, md, pdf, docx) and parse it."""
    from .loaders import load_path

    source = load_path(path, max_bytes=max_bytes)
    return parse_text(source.text, Path(path).name, meta)
