"""Text → documents → clauses: the foundation pipeline in one call.

``parse_text`` runs cleaning, document cutting and clause parsing on text
already read by a loader; ``parse_path`` reads a file first.  Nothing here
touches the knowledge base: ``plankb extract`` and the checker use it on
inputs that are never stored.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import budget
from .clean import clean
from .documents import cut_documents, doc_type_of, jurisdiction_of, level_of, tidy_title
from .errors import Errors, InputError
from .loaders import Source
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
    doc_number: str = ""  # 文号 stated outside the text (a web page's 信息公开 block)
    # OCR: confidence of each source line and the source offset where each page starts.
    line_confidence: tuple[float, ...] = ()
    page_starts: tuple[int, ...] = ()


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


LOW_CONFIDENCE = 0.9  # OCR clauses below this are marked: check them against the scan


def source_meta(source: Source, meta: FileMeta | None = None) -> FileMeta:
    """``meta`` with what the file states filling its empty fields (the caller's values win)."""
    meta = meta or FileMeta()
    stated = dict(source.meta)
    fill = {k: stated[k] for k in ("title", "issuer", "date", "doc_number") if stated.get(k) and not getattr(meta, k)}
    return dataclasses.replace(meta, **fill, line_confidence=source.line_confidence, page_starts=source.page_starts)


def clause_confidence(document: Document) -> tuple[float, ...]:
    """OCR confidence of each clause in order (empty when the text was not OCR'd)."""
    value = document.meta("ocr_confidence")
    return tuple(float(x) for x in value.split()) if value else ()


def low_confidence(document: Document) -> dict[str, float]:
    """Clause id -> OCR confidence of the clauses below :data:`LOW_CONFIDENCE` ("" metadata: none)."""
    out = {}
    for item in document.meta("ocr_low").split():
        cid, _, value = item.rpartition("=")
        out[cid] = float(value)
    return out


def _with_confidence(doc: Document, clauses: list[Clause], meta: FileMeta, raw: str) -> Document:
    # A clause's confidence is the lowest of the OCR lines its source range touches.
    line_starts = [0] + [i + 1 for i, ch in enumerate(raw) if ch == "\n"]
    conf = meta.line_confidence
    values = []
    for c in clauses:
        src = doc.source_range(c.span)
        first = bisect.bisect_right(line_starts, src.start) - 1
        last = bisect.bisect_right(line_starts, max(src.start, src.end - 1)) - 1
        values.append(min(conf[first : last + 1] or (1.0,)))
    low = [f"{c.id}={v:.2f}" for c, v in zip(clauses, values) if v < LOW_CONFIDENCE]
    extra = (("ocr_confidence", " ".join(f"{v:.3f}" for v in values)), ("ocr_low", " ".join(low)))
    if meta.page_starts:
        extra += (("ocr_page_starts", " ".join(map(str, meta.page_starts))),)
    return dataclasses.replace(doc, metadata=doc.metadata + extra)


def page_of(document: Document, offset: int) -> int:
    """1-based page of a source offset of an OCR'd PDF (0 when pages are not known)."""
    starts = [int(x) for x in document.meta("ocr_page_starts").split()]
    return bisect.bisect_right(starts, offset) if starts else 0


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
        budget.check()
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
            doc_number=cut.doc_number or meta.doc_number,
            date=cut.date or meta.date,
            doc_type=doc_type,
            jurisdiction=jurisdiction,
            level=level,
            metadata=metadata,
        )
        skip = {k - cut.start for k in cut.skip if cut.start <= k < cut.end}
        clauses = parse_clauses(doc.id, text, skip)
        if meta.line_confidence:
            doc = _with_confidence(doc, clauses, meta, raw)
        out.append(Parsed(doc, tuple(clauses)))
    return out


def _first_line(text: str) -> str:
    return tidy_title(text.split("\n", 1)[0])[:60]


def parse_path(
    path: str | Path, meta: FileMeta | None = None, *, max_bytes: int = 50_000_000, ocr: bool = False
) -> list[Parsed]:
    """Load a file (any format :mod:`loaders` reads) and parse it; ``ocr`` OCRs every PDF page."""
    from .loaders import load_path

    source = load_path(path, max_bytes=max_bytes, ocr=ocr)
    return parse_text(source.text, Path(path).name, source_meta(source, meta))
