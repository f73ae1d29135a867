"""OFD (GB/T 33190-2016): the text objects of each page in reading order.

An OFD is a ZIP of XML: ``OFD.xml`` names each document's root
(``DocBody/DocRoot``, e.g. ``Doc_0/Document.xml``) and its ``DocInfo``
(title, author, creation date); ``Document.xml`` lists the pages in order
(``Pages/Page/@BaseLoc``, relative to the document's folder unless it starts
with ``/``); each page's ``Content.xml`` holds layers of objects.  A
``TextObject`` has a ``Boundary`` ("x y w h", millimetres, y downwards), an
optional ``CTM`` and ``Size``, and ``TextCode`` runs whose ``X``/``Y`` (the
baseline) are relative to the boundary and whose ``DeltaX`` gives the advance
of each glyph (``g N d`` repeats ``d`` N times).

Reading order: runs are placed on the page, grouped into lines by vertical
overlap and read left to right; a wide gap (over :data:`CELL_GAP` font sizes)
splits a line into cells.  Consecutive lines whose cells start at the same
column positions are a table and come out as TSV rows, as the PDF and DOCX
loaders write them: a line with only a first-column cell (a category row)
is padded with empty cells, a line with no first-column cell continues the
row above (wrapped cell text).

Read with the standard library (zipfile) and lxml only: the PyPI OFD readers
pull in AGPL code.  Not covered (the text then comes out wrong or missing):
glyph-only text (``TextCode`` empty or holding private-use code points, the
characters only as glyph ids in an embedded font with ``CGTransform``),
template pages (``Template``: running headers), annotations
(``Annots``: added notes) and signatures/seals (``Signs``; seals are not
wanted in the text anyway), rotated text (a CTM with rotation is placed by
its translation only), and tables without column alignment.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from .errors import Errors, InputError
from .loaders import Source
from .zipguard import read_member, zip_problem

NS = "http://www.ofdspec.org/2016"
# Font sizes of blank space that separate two table cells on a line: runs of
# prose are contiguous (gap ~0), table cells keep ~1 character of padding.
CELL_GAP = 0.8
_COL_TOLERANCE = 1.0  # font sizes by which the starts of cells in one column may differ
_NUMBERS_RE = re.compile(r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?")
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def is_ofd(data: bytes) -> bool:
    """A ZIP with OFD.xml at its root (the standard fixes that name); a damaged one by its local header."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "OFD.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return b"OFD.xml" in data[:4096]


@dataclass(frozen=True, slots=True)
class Run:
    """One TextCode placed on the page: left x, baseline y, right x, font size (mm)."""

    text: str
    x0: float
    y: float
    x1: float
    size: float

    @property
    def top(self) -> float:
        return self.y - self.size


def load_ofd(data: bytes, *, label: str, name: str) -> Source:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(Errors.E073.format(path=label, why=f"the ZIP container is damaged: {exc}")) from exc
    with zf:
        problem = zip_problem(zf)
        if problem:
            raise InputError(Errors.E073.format(path=label, why=problem))
        try:
            pages, meta = _read(zf)
        except InputError:
            raise
        except (KeyError, ValueError, SyntaxError, OSError, zipfile.BadZipFile, EOFError) as exc:
            # lxml's XMLSyntaxError is a SyntaxError; a missing part is a KeyError.
            raise InputError(Errors.E073.format(path=label, why=f"{type(exc).__name__}: {exc}")) from exc
    texts, carry = [], []
    for runs in pages:
        lines, carry = page_lines(runs, carry)  # a table running onto the next page keeps its columns
        texts.append("\n".join(lines))
    text = "\n\n".join(texts)
    if not text.strip():
        raise InputError(Errors.E073.format(path=label, why="its pages hold no text objects (glyph-only or scanned)"))
    starts, offset = [], 0
    for t in texts:
        starts.append(offset)
        offset += len(t) + 2
    return Source(name=name, text=text, kind="ofd", pages=len(pages), meta=meta, page_starts=tuple(starts))


def _xml(zf: zipfile.ZipFile, path: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(read_member(zf, path.lstrip("/")), parser)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    return posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc))


def _read(zf: zipfile.ZipFile) -> tuple[list[list[Run]], tuple[tuple[str, str], ...]]:
    root = _xml(zf, "OFD.xml")
    body = root.find(_q("DocBody"))
    if body is None or not (body.findtext(_q("DocRoot")) or "").strip():
        raise ValueError("OFD.xml has no DocBody/DocRoot")
    doc_path = _resolve("", body.findtext(_q("DocRoot")) or "")
    doc = _xml(zf, doc_path)
    doc_dir = posixpath.dirname(doc_path)
    pages = []
    for page in doc.iterfind(f"{_q('Pages')}/{_q('Page')}"):
        content = _xml(zf, _resolve(doc_dir, page.get("BaseLoc", "")))
        pages.append(page_runs(content))
    if not pages:
        raise ValueError(f"{doc_path} lists no pages")
    return pages, _doc_info(body.find(_q("DocInfo")))


def _doc_info(info: Any) -> tuple[tuple[str, str], ...]:
    if info is None:
        return ()
    out = []
    title = (info.findtext(_q("Title")) or "").strip()
    if title:
        out.append(("title", title))
    m = _DATE_RE.search(info.findtext(_q("CreationDate")) or "")
    if m:
        out.append(("date", f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"))
    return tuple(out)


def _floats(value: str | None) -> list[float]:
    return [float(x) for x in _NUMBERS_RE.findall(value or "")]


def _advances(delta: str | None, n: int, size: float) -> float:
    """Total advance of ``n`` glyphs from a DeltaX ("g 3 4.2 5" = 4.2 4.2 4.2 5); one size each if absent."""
    if not delta:
        return n * size
    tokens = delta.split()
    values: list[float] = []
    k = 0
    while k < len(tokens):
        if tokens[k] == "g" and k + 2 < len(tokens):
            values += [float(tokens[k + 2])] * int(float(tokens[k + 1]))
            k += 3
        else:
            values += _floats(tokens[k])
            k += 1
    values = values[: max(n - 1, 0)]
    return sum(values) + size  # the last glyph's own width: about one font size for CJK


def page_runs(content: Any) -> list[Run]:
    """Every TextCode of a page's Content.xml (layers and nested PageBlocks) placed on the page."""
    runs: list[Run] = []
    for obj in content.iter(_q("TextObject")):
        box = _floats(obj.get("Boundary"))
        if len(box) < 4:
            continue
        bx, by = box[0], box[1]
        size = float(obj.get("Size") or 0) or 3.5
        ctm = _floats(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        x = y = 0.0
        for code in obj.iter(_q("TextCode")):
            text = (code.text or "").replace("\t", " ")
            x = float(code.get("X", x))  # X/Y carry over from the previous TextCode when absent
            y = float(code.get("Y", y))
            if not text.strip():
                continue
            px, py = bx + a * x + c * y + e, by + b * x + d * y + f
            width = _advances(code.get("DeltaX"), len(text), size) * a
            runs.append(Run(text, px, py, px + width, size * d))
    return runs


def _lines(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into visual lines (vertical overlap of half the smaller height), each left to right."""
    rows: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x0)):
        if rows:
            last = rows[-1]
            top, bottom = min(r.top for r in last), max(r.y for r in last)
            overlap = min(bottom, run.y) - max(top, run.top)
            if overlap > 0.5 * min(bottom - top, run.size):
                last.append(run)
                continue
        rows.append([run])
    for row in rows:
        row.sort(key=lambda r: r.x0)
    return rows


def _cells(line: list[Run]) -> list[tuple[float, float, str]]:
    """(x0, x1, text) of each cell: runs closer than CELL_GAP font sizes are one cell."""
    cells: list[tuple[float, float, str]] = []
    for run in line:
        if cells and run.x0 - cells[-1][1] < CELL_GAP * run.size:
            x0, x1, text = cells[-1]
            gap = run.x0 - x1
            joiner = " " if gap > 0.5 * run.size and text[-1:].isascii() and run.text[:1].isascii() else ""
            cells[-1] = (x0, max(x1, run.x1), text + joiner + run.text)
        else:
            cells.append((run.x0, run.x1, run.text))
    return cells


def page_lines(runs: list[Run], carry: list[float] | None = None) -> tuple[list[str], list[float]]:
    """A page's text lines in reading order, tables as TSV rows, and the columns
    of a table still open at the page's end (``carry``: those of the page before)."""
    out: list[str] = []
    table: list[list[str]] = []
    cols: list[float] = list(carry or [])
    multi = 2 if cols else 0  # rows of the current table with two or more cells

    def flush() -> None:
        nonlocal cols, multi
        if table and multi >= 2:
            out.extend("\t".join(row + [""] * (len(cols) - len(row))) for row in table)
        else:
            out.extend(" ".join(c for c in row if c) for row in table)
        table.clear()
        cols, multi = [], 0

    for line in _lines(runs):
        cells = _cells(line)
        size = max(r.size for r in line)
        tol = _COL_TOLERANCE * size
        idx = [_col_of(cols, x0, tol) for x0, _, _ in cells] if cols else []
        if len(cells) >= 2:
            if cols and all(i >= 0 for i in idx):
                if idx[0] > 0 and table:  # wrapped text of the row above
                    _extend(table[-1], idx, cells)
                else:
                    table.append(_row(idx, cells, len(cols)))
                    multi += 1
                continue
            flush()
            cols = [x0 for x0, _, _ in cells]
            table.append([t for _, _, t in cells])
            multi = 1
            continue
        x0, x1, text = cells[0]
        if cols and idx[0] > 0 and table:
            _extend(table[-1], idx, cells)  # a wrapped cell of a later column
            continue
        if cols and idx[0] == 0 and len(cols) > 1 and x1 < cols[-1]:
            table.append([text])  # a category row spanning the table ("自然灾害类")
            continue
        flush()
        out.append(text)
    open_cols = list(cols) if table and multi >= 2 else []
    flush()
    return out, open_cols


def _col_of(cols: list[float], x: float, tol: float) -> int:
    for k, c in enumerate(cols):
        if abs(x - c) <= tol:
            return k
    return -1


def _row(idx: list[int], cells: list[tuple[float, float, str]], ncols: int) -> list[str]:
    row = [""] * ncols
    for i, (_, _, text) in zip(idx, cells):
        row[i] += text
    return row


def _extend(row: list[str], idx: list[int], cells: list[tuple[float, float, str]]) -> None:
    for i, (_, _, text) in zip(idx, cells):
        while len(row) <= i:
            row.append("")
        row[i] += text
