"""A document laid out for reading: headings, paragraphs and tables, facts marked.

Consecutive table rows with the same header become one table; each row's
cells are found in order in the row text so that the facts (whose spans
are offsets into the document) can be marked inside the right cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plankb.extract.model import Clause, ClauseKind, Document

from .textseg import LineIndex, Segment, clause_fact_marks, segments


@dataclass(slots=True)
class Row:
    clause: Clause
    cells: list[list[Segment]]
    lines: tuple[int, int]
    group: str = ""
    group_anchor: int = -1  # ordinal of the caption clause of its group ("公共卫生类"), if any


@dataclass(slots=True)
class Block:
    kind: str  # heading | text | table
    clause: Clause | None = None
    segments: list[Segment] = field(default_factory=list)
    lines: tuple[int, int] = (0, 0)
    depth: int = 0
    header: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)


def _cell_segments(c: Clause, marks: list[Any]) -> list[list[Segment]]:
    """Segments per cell; the whole row as one cell when the cells cannot be located."""
    pos = 0
    ranges = []
    for cell in c.cells:
        at = c.text.find(cell, pos)
        if at < 0:
            return [segments(c.text, marks)]
        ranges.append((at, at + len(cell)))
        pos = at + len(cell)
    out = []
    for a, b in ranges:
        shifted = [type(m)(m.start - a, m.end - a, m.cls, m.title) for m in marks if m.end > a and m.start < b]
        out.append(segments(c.text[a:b], shifted))
    return out


def blocks(doc: Document, clauses: list[Clause], facts: list[dict[str, Any]], lines: LineIndex) -> list[Block]:
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        by_clause.setdefault(f["clause_id"], []).append(f)
    out: list[Block] = []
    group_anchor = -1
    for i, c in enumerate(clauses):
        nxt = clauses[i + 1] if i + 1 < len(clauses) else None
        if (
            c.kind is ClauseKind.OTHER and nxt is not None and nxt.kind is ClauseKind.TABLE_ROW
            and nxt.group and c.text.strip() == nxt.group
        ):
            # A group caption row ("公共卫生类"): shown as the table's group row, not as
            # a paragraph that would cut the table in two.
            group_anchor = c.ordinal
            continue
        marks = clause_fact_marks(c, by_clause.get(c.id, []))
        span_lines = lines.clause_lines(doc, c)
        if c.kind is ClauseKind.TABLE_ROW and c.cells:
            last = out[-1] if out else None
            if last is None or last.kind != "table" or last.header != c.header:
                last = Block(kind="table", header=c.header)
                out.append(last)
            last.rows.append(Row(c, _cell_segments(c, marks), span_lines, c.group, group_anchor))
            group_anchor = -1
        elif c.kind is ClauseKind.HEADING:
            out.append(Block(kind="heading", clause=c, segments=segments(c.text, marks), lines=span_lines, depth=max(0, len(c.path) - 1)))
        else:
            out.append(Block(kind="text", clause=c, segments=segments(c.text, marks), lines=span_lines))
    return out


def outline(clauses: list[Clause]) -> list[dict[str, Any]]:
    return [
        {"clause": c, "depth": min(3, max(0, len(c.path) - 1)), "text": c.text}
        for c in clauses
        if c.kind is ClauseKind.HEADING
    ]


def fact_counts(facts: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in facts:
        out[f["fact"]] = out.get(f["fact"], 0) + 1
    return out
