"""Tables typed as markup (extract/tables.py): a Markdown pipe table and a simple HTML table of real
corpus rows parse into the same TABLE_ROW clauses as the TSV rows they were written from.

Golden source: the master plan's table 2.3.6 (000 lines 423-483, three page blocks, 52 rows with their
category rows), rewritten as Markdown (header, separator, rows; **bold** categories) and as HTML rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import MASTER_FILE
from plankb.extract.model import ClauseKind
from plankb.extract.pipeline import parse_text
from plankb.extract.tables import markup_rows

RAW = (Path(__file__).resolve().parents[1] / "corpus" / MASTER_FILE).read_text(encoding="utf-8")
TITLE = "北京市突发事件总体应急预案（2021年修订）"


def _blocks(raw: str) -> list[tuple[int, int]]:
    """(first, last+1) line indexes of the TSV blocks of table 2.3.6."""
    lines = raw.split("\n")
    start = lines.index("### 2.3.6 突发事件处置分工")
    out, i = [], start
    while not lines[i].startswith("2.3.7"):
        if "\t" in lines[i]:
            j = i
            while "\t" in lines[j]:
                j += 1
            out.append((i, j))
            i = j
        i += 1
    return out


def _rewrite(raw: str, row: object) -> str:
    """The file with each TSV block of 2.3.6 written by ``row(cells, index_in_block)``."""
    lines = raw.split("\n")
    for a, b in reversed(_blocks(raw)):
        lines[a:b] = [x for k in range(a, b) for x in row(lines[k].split("\t"), k - a)]
    return "\n".join(lines)


def _md(cells: list[str], k: int) -> list[str]:
    cells = [re.sub(r"</?b>", "**", c) for c in cells]
    line = "| " + " | ".join(cells) + " |"
    return [line, "|" + "|".join(":---" if n == 0 else "---" for n in range(len(cells))) + "|"] if k == 0 else [line]


def _html(cells: list[str], k: int) -> list[str]:
    tag = "th" if k == 0 else "td"
    row = "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"
    return ["<table>", row] if k == 0 else [row]


def _table(raw: str) -> list:
    (plan,) = [p for p in parse_text(raw, MASTER_FILE) if p.document.title == TITLE]
    return plan, [c for c in plan.clauses if c.kind is ClauseKind.TABLE_ROW and c.section.startswith("2.3.6")]


@pytest.fixture(scope="module")
def tsv():
    return _table(RAW)


@pytest.mark.parametrize("writer", [_md, _html], ids=["markdown", "html"])
def test_markup_table_rows_and_leads_match_the_tsv_parse(tsv, writer):
    _, expected = tsv
    assert len(expected) == 52
    raw = _rewrite(RAW, writer)
    if writer is _html:  # each block closes its table
        raw = raw.replace("</tr>\n\n", "</tr>\n</table>\n\n")
    plan, got = _table(raw)
    assert [(r.cells, r.header, r.group, r.number, r.id) for r in got] == [
        (r.cells, r.header, r.group, r.number, r.id) for r in expected
    ]
    by_no = {r.cells[0]: r.cells[2] for r in got}
    assert by_no["20"] == "市城市管理委" and by_no["1"] == "市应急局、市水务局"
    # Every row still points at its own line of the markup source.
    for r in got:
        src = plan.document.source_range(r.span)
        line = raw[raw.rfind("\n", 0, src.start) + 1 : raw.find("\n", src.start)]
        assert line.startswith(("| ", "<tr>")) and r.cells[1] in line


def test_the_rest_of_the_plan_is_unchanged(tsv):
    plan_tsv, _ = tsv
    plan_md, _ = _table(_rewrite(RAW, _md))
    assert [(c.id, c.text) for c in plan_md.clauses if c.kind is not ClauseKind.TABLE_ROW] == [
        (c.id, c.text) for c in plan_tsv.clauses if c.kind is not ClauseKind.TABLE_ROW
    ]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["| a | b |", "|---|---|", "| 1 | 水灾 |"], [[(1, 4), (5, 8)], [], [(1, 4), (5, 9)]]),
        (["| a | b |", "| 1 | 2 |"], [None, None]),  # no separator row: not a table
        (["序号｜突发事件", "a | b"], [None, None]),  # bars inside prose
        (["| x \\| y | z |", "| :-: | --- |"], [[(1, 9), (10, 13)], []]),  # an escaped bar stays in its cell
        (["<table>", "<tr><td>1</td><td>水灾</td></tr>", "</table>"], [[], [(8, 9), (18, 20)], []]),
    ],
)
def test_markup_rows(lines, expected):
    assert markup_rows(lines) == expected
