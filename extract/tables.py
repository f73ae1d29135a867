"""Tables written as markup in text: Markdown pipe tables and simple HTML ``<table>`` rows.

extract represents a table row one way everywhere: a line of TAB-separated
cells (``1\\t水灾\\t市应急局、市水务局``), as Word exports, PDFs with ruled
tables and OFD files give them; :func:`plankb.extract.structure.parse_clauses`
turns runs of such lines into ``TABLE_ROW`` clauses with header and group.
Here a table typed as markup is read into the same rows, so a Markdown table is
a table for ingest, search, who-leads and the checker alike.

This module only finds the cells: :func:`markup_rows` gives, per line, the
spans of its cells (or says that the line is table markup with no cells, such
as ``|---|:--|`` or ``<tbody>``).  :mod:`plankb.extract.clean` keeps those
characters with their source positions and joins the cells with a TAB, so every
character of a row still points into the source (the offset map).

Pipe tables follow GitHub's rule: a header row, then a separator row
(``| --- | :-: |``), then body rows, each line starting and ending with ``|``;
a blank line ends the table.  ``\\|`` inside a cell is a literal bar.  HTML
tables count when each row sits on one line (``<tr><td>1</td><td>水灾</td></tr>``),
as converters and hand-written drafts put them; a ``<table>`` spread over many
lines per row is left as text.
"""

from __future__ import annotations

import re

# A pipe-table line, already stripped: "| 1 | 水灾 | 市应急局 |".
PIPE_ROW_RE = re.compile(r"^\|.*\|$")
# Its separator row: "|---|:--|", "| :---: | --- |".
PIPE_SEP_RE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")
# A bar that separates cells (not one escaped as "\|").
PIPE_BAR_RE = re.compile(r"(?<!\\)\|")
# An HTML row on one line: "<tr><td>1</td><td>水灾</td></tr>".
HTML_ROW_RE = re.compile(r"^<tr\b[^>]*>.*</tr>$", re.I)
# A cell of such a row and its content: "<td>水灾</td>", "<th colspan=2>序号</th>".
HTML_CELL_RE = re.compile(r"<t([dh])\b[^>]*>(.*?)</t\1>", re.I)
# Lines that are only table framing: "<table>", "</tbody></table>", "<thead>".
HTML_FRAME_RE = re.compile(r"^(?:</?(?:table|thead|tbody|tfoot|colgroup|col)\b[^>]*>\s*)+$", re.I)

Cells = list[tuple[int, int]]


def markup_rows(lines: list[str]) -> list[Cells | None]:
    """Per line: None (not table markup), [] (markup without cells: drop it) or its cell spans.

    ``lines`` are stripped lines of text; spans are ``(start, end)`` offsets
    into each line, cell padding included (the caller trims it).
    """
    out: list[Cells | None] = [None] * len(lines)
    i = 0
    while i < len(lines):
        if _is_pipe(lines[i]) and i + 1 < len(lines) and PIPE_SEP_RE.match(lines[i + 1]):
            j = i
            while j < len(lines) and _is_pipe(lines[j]):
                out[j] = [] if j == i + 1 else _pipe_cells(lines[j])
                j += 1
            i = j
            continue
        if HTML_ROW_RE.match(lines[i]):
            out[i] = [m.span(2) for m in HTML_CELL_RE.finditer(lines[i])]
        elif HTML_FRAME_RE.match(lines[i]):
            out[i] = []
        i += 1
    return out


def _is_pipe(line: str) -> bool:
    return bool(PIPE_ROW_RE.match(line)) and len(PIPE_BAR_RE.findall(line)) >= 2


def _pipe_cells(line: str) -> Cells:
    bars = [m.start() for m in PIPE_BAR_RE.finditer(line)]
    return [(a + 1, b) for a, b in zip(bars, bars[1:])]
