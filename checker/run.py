"""Run a check of a subordinate plan against a master plan: the public entry points.

``check_text`` segments the text with the foundation pipeline, picks the
plan in it (a file may also hold its 印发 notice), works out the plan's level
and jurisdiction (given, or read from its title and wording), runs the rules
and aligns its clauses to the master's.  ``check_bytes`` and ``check_path``
load pdf/docx/txt/md first.  Nothing here opens the knowledge base.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from pathlib import Path
from typing import Any

from plankb.extract.loaders import load_bytes, load_path
from plankb.extract.model import DocType, Level, Span, Verdict
from plankb.extract.pipeline import FileMeta, Parsed, parse_text, source_meta

from .align import Retriever, align
from .context import Context
from .jurisdiction import detect_level
from .plan import PlanView
from .report import CheckReport, MasterPlan, summarize
from .rules import run_rules

DEFAULT_MAX_BYTES = 20_000_000
_VERDICT_ORDER = {"conflict": 0, "review": 1, "consistent": 2}
_MASTER_CACHE: OrderedDict[tuple[Any, ...], PlanView] = OrderedDict()


def check_text(
    text: str,
    name: str,
    master: MasterPlan,
    *,
    jurisdiction: str | None = None,
    level: str | None = None,
    retriever: Retriever | None = None,
    meta: FileMeta | None = None,
) -> CheckReport:
    """Check the plan in ``text`` (the text of one file as read) against ``master``.

    ``meta`` is what the file states outside its text (a web page's title and
    文号, OCR line confidences), from :func:`~plankb.extract.pipeline.source_meta`.
    """
    given = dataclasses.replace(meta or FileMeta(), jurisdiction=jurisdiction or "", level=level or "")
    parsed = parse_text(text, name, given)  # Markdown tables are rows already (extract/tables.py)
    return check_parsed(_choose(parsed), master, text, name=name, jurisdiction=jurisdiction, level=level,
                        retriever=retriever)


def check_bytes(
    data: bytes, name: str, master: MasterPlan, *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False, **kw: Any
) -> CheckReport:
    """Load an uploaded file (any format the loaders sniff from its bytes), then check it.

    ``ocr`` OCRs every PDF page (pages without a text layer always are).
    """
    source = load_bytes(data, name, max_bytes=max_bytes, ocr=ocr)
    report = check_text(source.text, name, master, meta=source_meta(source), **kw)
    report.notes.extend(source.warnings)
    return report


def check_path(
    path: str | Path, master: MasterPlan, *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False, **kw: Any
) -> CheckReport:
    """Load a file from disk, then check it."""
    source = load_path(path, max_bytes=max_bytes, ocr=ocr)
    report = check_text(source.text, Path(path).name, master, meta=source_meta(source), **kw)
    report.notes.extend(source.warnings)
    return report


def check_parsed(
    parsed: Parsed,
    master: MasterPlan,
    input_text: str,
    *,
    name: str = "",
    jurisdiction: str | None = None,
    level: str | None = None,
    retriever: Retriever | None = None,
) -> CheckReport:
    """Check an already parsed plan; its offsets must map into ``input_text``."""
    doc = parsed.document
    lv, juris, how = detect_level(doc.title, doc.text, level, jurisdiction)
    notes = [how]
    sub = PlanView(doc, tuple(parsed.clauses), lv, juris)
    mview = master_view(master)
    ctx = Context(sub, mview, input_text, same_kind=sub.is_master_plan and mview.is_master_plan, notes=notes)
    if lv is Level.UNKNOWN:
        notes.append("未能判断预案层级：仅检查与层级无关的规则；可用 --level 指定。")
    findings = run_rules(ctx)
    if not sub.is_plan:
        # A programme (规划) or scheme states aims, not procedures: what would be a
        # conflict in a plan is worth a look, not more.
        notes.append("本文件不是应急预案（规划、方案或通知），冲突项降为需复核。")
        findings = [dataclasses.replace(f, verdict=Verdict.REVIEW, explanation=f.explanation + "（本文件不是应急预案，请复核）")
                    if f.verdict is Verdict.CONFLICT else f for f in findings]
    findings.sort(key=lambda f: (_VERDICT_ORDER[str(f.verdict)], f.sub_span.start if f.sub_span else -1, f.rule_id))
    return CheckReport(
        document={
            "name": name or doc.source,
            "title": doc.title,
            "jurisdiction": juris,
            "level": lv.value,
            "doc_type": doc.doc_type.value,
            "id": doc.id,
            "doc_number": doc.doc_number,
            # Where the plan sits in the input (a file may also hold its notice or other documents).
            "span": _doc_range(doc, len(input_text)),
        },
        input_text=input_text,
        findings=findings,
        summary=summarize(findings),
        alignment=align(sub, mview, retriever),
        master={"id": master.document.id, "title": master.document.title, "doc_number": master.document.doc_number,
                "level": mview.level.value},
        notes=notes,
    )


def _doc_range(doc: Any, n: int) -> dict[str, int]:
    if not doc.text:
        return {"start": 0, "end": n}
    r = doc.source_range(Span(0, len(doc.text)))
    return {"start": max(0, min(r.start, n)), "end": max(0, min(r.end, n))}


def master_view(master: MasterPlan) -> PlanView:
    """The master's view, cached: the web app checks many drafts against one master."""
    d = master.document
    key = (d.id, len(d.text), hash(d.text), len(master.clauses))
    view = _MASTER_CACHE.get(key)
    if view is None:
        lv, juris, _ = detect_level(d.title, d.text, d.level.value if d.level is not Level.UNKNOWN else None,
                                    d.jurisdiction or None)
        view = PlanView(d, master.clauses, lv, juris)
        _MASTER_CACHE[key] = view
        while len(_MASTER_CACHE) > 4:
            _MASTER_CACHE.popitem(last=False)
    return view


def _choose(parsed: list[Parsed]) -> Parsed:
    """The plan of a file: a 总体应急预案 first, then any 预案, then the longest document."""
    def score(p: Parsed) -> tuple[int, int, int]:
        d = p.document
        return ("总体应急预案" in d.title, d.doc_type is DocType.PLAN, len(p.clauses))

    return max(parsed, key=score)
