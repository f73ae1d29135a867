"""Plain-dict views of hits, clauses and documents for templates and the JSON API."""

from __future__ import annotations

from typing import Any

from flask import url_for

from plankb.extract.model import Clause, Document, to_dict
from plankb.extract.vocab import say_duration, seconds

from .textseg import Mark, Segment, segments

SNIPPET_CHARS = 320
DOC_FIELDS = ("id", "title", "issuer", "doc_number", "date", "doc_type", "jurisdiction", "level", "source")


def clause_url(clause: Clause | None, clause_id: str = "", doc_id: str = "") -> str:
    """The clause in its document page (anchor ``c<ordinal>``)."""
    if clause is None:
        return url_for("docs.clause", clause_id=clause_id) if clause_id else url_for("docs.document", doc_id=doc_id)
    return url_for("docs.document", doc_id=clause.doc_id, _anchor=f"c{clause.ordinal}")


def snippet(text: str, highlights: list[tuple[int, int]] | tuple[tuple[int, int], ...], width: int = SNIPPET_CHARS) -> dict[str, Any]:
    """A window of ``text`` around its first highlight, cut into segments."""
    start = 0
    if len(text) > width and highlights:
        first = min(s for s, _ in highlights)
        start = max(0, min(first - width // 4, len(text) - width))
    end = min(len(text), start + width)
    marks = [Mark(s - start, e - start, "hl") for s, e in highlights if e > start and s < end]
    return {"before": start > 0, "after": end < len(text), "segments": segments(text[start:end], marks)}


def hit_view(hit: Any, services: Any) -> dict[str, Any]:
    clause = services.clause_index.get(hit.clause_id)
    d = to_dict(hit)
    d.pop("ranks", None)
    d["url"] = clause_url(clause, hit.clause_id)
    d["clause_url"] = url_for("docs.clause", clause_id=hit.clause_id)
    d["snippet"] = snippet(hit.text, [tuple(h) for h in hit.highlights])
    return d


def hit_json(hit: Any, services: Any) -> dict[str, Any]:
    d = to_dict(hit)
    d.pop("ranks", None)
    clause = services.clause_index.get(hit.clause_id)
    d["url"] = clause_url(clause, hit.clause_id)
    return d


def document_json(doc: Document) -> dict[str, Any]:
    d = to_dict(doc)
    out = {k: d[k] for k in DOC_FIELDS}
    out["metadata"] = dict(doc.metadata)
    out["url"] = url_for("docs.document", doc_id=doc.id)
    return out


def plain(segs: list[Segment]) -> str:
    return "".join(s.text for s in segs)


def duration_text(iso: object) -> str:
    """An ISO 8601 duration as a reader says it: 'PT2H' -> '2小时', 'R/PT30M' -> '每30分钟', 'PT0S' -> '立即'.

    The wording comes from the shared vocabulary (extract/vocab.py ``say_duration``);
    only the zero length is said here, as the plans say it ('立即报告'), where the
    vocabulary's literal reading is '0秒'.  Anything that is not a duration is returned as is.
    """
    text = str(iso or "")
    if seconds(text) == 0 and not text.startswith("R"):
        return "立即"
    return say_duration(text)
