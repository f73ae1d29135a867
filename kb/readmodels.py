"""Read models: what ``plankb show``/``extract`` and the JSON API return, as plain dicts.

A document's outline, a clause with its source lines and facts, a file's
extraction.  (In this project "view" names only the Flask views of ``web/``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plankb.extract.model import ClauseKind, to_dict

from .base import KnowledgeBase


def document_outline(kb: KnowledgeBase, doc_id: str) -> dict[str, Any]:
    doc = kb.document(doc_id)
    clauses = kb.clauses(doc_id)
    outline = [
        {"id": c.id, "text": c.text, "depth": max(0, len(c.path) - 1), "number": c.number}
        for c in clauses
        if c.kind is ClauseKind.HEADING
    ]
    d = {k: v for k, v in to_dict(doc).items() if k != "text"}
    return {"document": d, "outline": outline, "clauses": len(clauses)}


def clause_detail(kb: KnowledgeBase, clause_id: str) -> dict[str, Any]:
    clause = kb.clause(clause_id)
    doc = kb.document(clause.doc_id)
    first, last = kb.source_lines(doc, clause)
    src = doc.source_range(clause.span)
    raw = kb.store.raw_text(doc.source)
    return {
        "clause": to_dict(clause),
        "document": {"id": doc.id, "title": doc.title, "doc_number": doc.doc_number},
        "source": {"file": doc.source, "first_line": first, "last_line": last, "start": src.start, "end": src.end, "text": raw[src.start : src.end]},
        "facts": kb.store.facts(clause_id=clause_id),
    }


def file_extraction(
    source: Path | bytes, name: str, *, with_facts: bool = True, max_bytes: int = 50_000_000, ocr: bool = False
) -> dict[str, Any]:
    """Documents, clauses (and facts) of an input that is not stored.

    What the file states (a web page's title, 文号, date, issuer) fills the
    documents' fields; an OCR'd clause carries ``ocr_confidence`` and, below
    :data:`~plankb.extract.pipeline.LOW_CONFIDENCE`, ``ocr_low: true``.
    """
    from plankb.extract.facts.collect import clause_facts
    from plankb.extract.loaders import load_bytes, load_path
    from plankb.extract.pipeline import LOW_CONFIDENCE, clause_confidence, parse_text, source_meta

    if isinstance(source, bytes):
        loaded = load_bytes(source, name, max_bytes=max_bytes, ocr=ocr)
    else:
        loaded = load_path(source, max_bytes=max_bytes, ocr=ocr)
    docs = []
    for p in parse_text(loaded.text, name, source_meta(loaded)):
        confidence = clause_confidence(p.document)
        clauses = []
        for n, c in enumerate(p.clauses):
            entry = to_dict(c)
            if confidence:
                entry["ocr_confidence"] = confidence[n]
                entry["ocr_low"] = confidence[n] < LOW_CONFIDENCE
            if with_facts:
                entry["facts"] = {k: to_dict(v) for k, v in clause_facts(c).items()}
            clauses.append(entry)
        d = {k: v for k, v in to_dict(p.document).items() if k != "text"}
        d["clauses"] = clauses
        docs.append(d)
    info = {"name": name, "kind": loaded.kind, "encoding": loaded.encoding, "pages": loaded.pages,
            "ocr": bool(loaded.line_confidence), "warnings": list(loaded.warnings)}
    return {"source": info, "documents": docs}
