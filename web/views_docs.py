"""文件: the document list, one document to read, its source lines, one clause."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from plankb.extract.errors import Errors, NotFoundError
from plankb.extract.model import DocType
from plankb.extract.pipeline import low_confidence

from .docview import blocks, fact_counts, outline
from .params import inputs, int_param
from .present import clause_url
from .textseg import (
    ANCHOR_LABEL,
    FACT_LABEL,
    ROLE_LABEL,
    SCHEME_LABEL,
    LineIndex,
    clause_fact_marks,
    segments,
)

bp = Blueprint("docs", __name__)

SOURCE_CONTEXT = 3  # lines shown around a clause in the source view


def _services():  # noqa: ANN202
    return current_app.extensions["plankb"]


def _doc_or_404(doc_id: str):  # noqa: ANN202
    s = _services()
    if doc_id not in s.doc_index:
        raise NotFoundError(Errors.E021.format(doc_id=doc_id[:80]))
    return s.document(doc_id)


@bp.get("/documents")
def documents():  # noqa: ANN201
    s = _services()
    counts: dict[str, int] = {}
    for c in s.clauses:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    groups: dict[str, list] = {}
    for d in s.documents:
        groups.setdefault(d.jurisdiction or "其他", []).append(d)
    order = sorted(groups, key=lambda j: (j != "北京市", j))
    return render_template(
        "documents.html", groups=[(j, groups[j]) for j in order], counts=counts, master_id=s.master_doc_id, plan_type=DocType.PLAN
    )


@bp.get("/documents/<doc_id>")
def document(doc_id: str):  # noqa: ANN201
    s = _services()
    doc = _doc_or_404(doc_id)
    clauses = s.doc_clauses(doc_id)
    facts = s.facts(doc_id)
    lines = LineIndex(s.raw_text(doc.source))
    return render_template(
        "document.html",
        doc=doc,
        blocks=blocks(doc, clauses, facts, lines),
        outline=outline(clauses),
        fact_counts=fact_counts(facts),
        fact_labels=FACT_LABEL,
        is_master=doc_id == s.master_doc_id,
        n_clauses=len(clauses),
        ocr_low=low_confidence(doc),  # clause id -> OCR confidence, for the 「OCR置信度低」 badge
    )


@bp.get("/documents/<doc_id>/source")
def source(doc_id: str):  # noqa: ANN201
    s = _services()
    doc = _doc_or_404(doc_id)
    lines = LineIndex(s.raw_text(doc.source))
    first = lines.line_of(doc.source_span.start)
    last = lines.line_of(max(doc.source_span.start, doc.source_span.end - 1))
    data = inputs(request)
    hl_from = int_param(data, "from", 0, 0, len(lines.starts))
    hl_to = int_param(data, "to", hl_from, 0, len(lines.starts))
    return render_template(
        "source.html", doc=doc, lines=lines.lines(first, last), hl=(hl_from, max(hl_from, hl_to)), file=doc.source
    )


@bp.get("/clauses/<path:clause_id>")
def clause(clause_id: str):  # noqa: ANN201
    s = _services()
    c = s.clause_index.get(clause_id)
    if c is None:
        raise NotFoundError(Errors.E022.format(clause_id=clause_id[:120]))
    doc = s.document(c.doc_id)
    facts = [f for f in s.facts(c.doc_id) if f["clause_id"] == c.id]
    first, last = s.read(lambda kb: kb.source_lines(doc, c))
    lines = LineIndex(s.raw_text(doc.source))
    context = lines.lines(max(1, first - SOURCE_CONTEXT), last + SOURCE_CONTEXT)
    return render_template(
        "clause.html",
        clause=c,
        doc=doc,
        segments=segments(c.text, clause_fact_marks(c, facts)),
        facts=facts,
        fact_labels=FACT_LABEL,
        role_labels=ROLE_LABEL,
        scheme_labels=SCHEME_LABEL,
        anchor_labels=ANCHOR_LABEL,
        first=first,
        last=last,
        context=context,
        in_doc=clause_url(c),
    )
