"""Untrusted text cut into segments for highlighting, and source line numbers.

Documents, drafts and queries are untrusted: templates never mark them
``|safe``.  To highlight part of a text we cut it at the highlight
boundaries into plain segments, each carrying the CSS classes that cover
it; the template prints every segment through Jinja's autoescape and wraps
the covered ones in ``<mark>``.  Overlapping highlights (a level inside a
deadline phrase) become nested classes on the shared piece.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from plankb.extract.model import Clause, Document


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    cls: str
    title: str = ""
    ident: str = ""  # element id of the first segment, for in-page links


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    classes: tuple[str, ...] = ()
    title: str = ""
    ident: str = ""


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """``text`` cut at every mark boundary; marks outside the text are clipped."""
    n = len(text)
    clipped = [Mark(max(0, m.start), min(n, m.end), m.cls, m.title, m.ident) for m in marks]
    clipped = [m for m in clipped if m.end > m.start]
    if not clipped:
        return [Segment(text)] if text else []
    cuts = sorted({0, n, *(m.start for m in clipped), *(m.end for m in clipped)})
    out: list[Segment] = []
    started: set[int] = set()
    for a, b in zip(cuts, cuts[1:]):
        cover = [(i, m) for i, m in enumerate(clipped) if m.start <= a and m.end >= b]
        classes = tuple(dict.fromkeys(m.cls for _, m in cover))
        title = "；".join(dict.fromkeys(m.title for _, m in cover if m.title))
        ident = ""
        for i, m in cover:
            if m.ident and i not in started:
                started.add(i)
                ident = m.ident
                break
        out.append(Segment(text[a:b], classes, title, ident))
    return out


FACT_CLASS = {"actor": "f-actor", "deadline": "f-deadline", "threshold": "f-threshold", "level": "f-level", "incident": "f-incident"}
FACT_LABEL = {"actor": "主体", "deadline": "时限", "threshold": "数值", "level": "等级", "incident": "事件类型"}


ROLE_LABEL = {"lead": "牵头", "support": "配合", "responsible": "负责", "approver": "批准", "recipient": "接收报告"}
SCHEME_LABEL = {"event_grade": "事件分级", "warning": "预警级别", "response": "响应级别"}
ANCHOR_LABEL = {"occurrence": "自事发起", "receipt": "自接报起", "issue": "自印发起", "approval": "自批准起"}


def fact_title(f: dict) -> str:
    kind = f.get("fact", "")
    label = FACT_LABEL.get(kind, kind)
    if kind == "actor":
        role = ROLE_LABEL.get(f.get("role", ""), "")
        return f"{label}：{f.get('canonical') or f.get('name', '')}" + (f"（{role}）" if role else "")
    if kind == "deadline":
        from .present import duration_text

        return f"{label}：{f.get('text', '')}（{duration_text(f.get('value', ''))}）"
    if kind == "level":
        return f"{label}：{f.get('text', '')}" + (f"（{f['colour']}）" if f.get("colour") else "")
    if kind == "incident":
        return f"{label}：{f.get('incident_type', '')}"
    return f"{label}：{f.get('text', '')}"


def clause_fact_marks(clause: Clause, facts: Iterable[dict]) -> list[Mark]:
    """Marks of a clause's facts; fact spans are document offsets."""
    base = clause.span.start
    return [
        Mark(f["span"]["start"] - base, f["span"]["end"] - base, FACT_CLASS.get(f.get("fact", ""), "f-other"), fact_title(f))
        for f in facts
    ]


class LineIndex:
    """1-based line numbers of offsets into one source file (bisect, not counting).

    Gives the same numbers as :meth:`kb.base.KnowledgeBase.source_lines`
    without rescanning the file for every clause of a long document.
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.starts = [0]
        pos = raw.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = raw.find("\n", pos + 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def clause_lines(self, doc: Document, clause: Clause) -> tuple[int, int]:
        src = doc.source_range(clause.span)
        return self.line_of(src.start), self.line_of(max(src.start, src.end - 1))

    def lines(self, first: int, last: int) -> list[tuple[int, str]]:
        """Numbered lines ``first..last`` (1-based, inclusive)."""
        first = max(1, first)
        last = min(len(self.starts), last)
        out = []
        for no in range(first, last + 1):
            a = self.starts[no - 1]
            b = self.starts[no] - 1 if no < len(self.starts) else len(self.raw)
            out.append((no, self.raw[a:b]))
        return out
