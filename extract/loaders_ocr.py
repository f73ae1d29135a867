"""OCR for scanned PDF pages and page images, with rapidocr-onnxruntime.

rapidocr-onnxruntime 1.4.4 ships the PP-OCRv4 Chinese detection and
recognition models inside its wheel, so OCR works offline; it is an
optional extra (``pip install 'plankb[ocr]'``: onnxruntime and OpenCV are
~100 MB) and a missing install stops with one sentence (E075).  PDF pages
are rendered with pdfplumber's ``page.to_image`` (pypdfium2, Apache/BSD);
PyMuPDF is AGPL and not used.

Reading order: ruled tables are found from the page image itself (long
horizontal and vertical dark runs), each recognised line is put in the
table cell that holds its centre, and a table comes out as TSV rows (a
merged cell's text in its first column, the others empty, as the PDF and
DOCX loaders write them).  The other lines are grouped into visual lines
by vertical overlap, read left to right, and merged with the tables by
their top.  Red pixels (stamps, 红头 headers and rules) are whitened before
recognition: a stamp over a signature otherwise adds ring text, and the
cutting of documents relies on the black title and 文号 lines.

Each output line keeps the lowest confidence of the recognised pieces it is
made of (:attr:`Source.line_confidence`), and :attr:`Source.page_starts`
records where each page begins, so offsets map back to page and line.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import DependencyError, Errors, InputError
from .loaders import Source

RESOLUTION = 150  # dpi for rendering PDF pages: 11 pt text is ~23 px high
MAX_PIXELS = 60_000_000  # a 600 dpi A3 scan is ~70 MP: refuse before decoding
_RULE_SHARE = 0.25  # a horizontal rule runs over at least this share of the page width
_VRULE_SHARE = 0.8  # a vertical rule covers this share of a table row's height
_DARK = 150  # grey level below which a pixel is ink


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One output line of a page: its text, lowest confidence and top (pixels)."""

    text: str
    confidence: float
    top: float


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        return None
    # No angle classifier: it turns lone digits upside down ("9" read as "6" in
    # table 2.3.6) and scanned plan pages are upright.  Two threads: the project
    # runs on 2 cores, and onnxruntime's default (all cores) oversubscribes them.
    return RapidOCR(use_cls=False, intra_op_num_threads=2, inter_op_num_threads=1)


def engine(label: str, what: str) -> Any:
    found = _engine()
    if found is None:
        raise DependencyError(Errors.E075.format(path=label, what=what))
    return found


def available() -> bool:
    return _engine() is not None


# -- entry points ---------------------------------------------------------------


def load_image(data: bytes, *, label: str, name: str, what: str) -> Source:
    """A photo or scan of pages (PNG, JPEG, TIFF; every TIFF frame is a page)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise InputError(Errors.E078.format(path=label, pixels=image.width * image.height, limit=MAX_PIXELS))
        frames = []
        for n in range(getattr(image, "n_frames", 1)):
            image.seek(n)
            frames.append(image.convert("RGB"))
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        # PIL's messages name the in-memory buffer ("<_io.BytesIO object at 0x…>"): say what failed, not where.
        why = "not a readable image" if isinstance(exc, UnidentifiedImageError) else (str(exc) or type(exc).__name__)
        raise InputError(Errors.E071.format(path=label, what=what, why=why)) from exc
    ocr = engine(label, f"a {what}")
    pages = [read_page(ocr, frame) for frame in _progress(frames, label)]
    source = _source(pages, name=name, kind="image")
    if not source.text.strip():
        raise InputError(Errors.E077.format(path=label, what=what))
    return source


def pdf_with_ocr(data: bytes, texts: list[str], *, label: str, name: str, every_page: bool) -> Source | None:
    """The PDF with OCR text for pages without a text layer (or for all pages).

    Returns None when OCR is not installed and some page has text (the caller
    then warns about the blank pages, as before OCR existed).
    """
    import pdfplumber

    todo = [i for i, t in enumerate(texts) if every_page or not t.strip()]
    if not available():
        if every_page or len(todo) == len(texts):
            raise DependencyError(Errors.E075.format(path=label, what="a scanned PDF (no text layer)"))
        return None
    ocr = engine(label, "a scanned PDF")
    pages: list[list[OcrLine]] = [[OcrLine(line, 1.0, 0.0) for line in t.split("\n")] if t.strip() else []
                                  for t in texts]
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in _progress(todo, label):
                page = pdf.pages[i]
                image = page.to_image(resolution=RESOLUTION).original.convert("RGB")
                pages[i] = read_page(ocr, image)
                page.close()
    except (DependencyError, InputError):
        raise
    except Exception as exc:  # pypdfium2 and pdfminer raise their own types for one bad file
        raise InputError(Errors.E006.format(path=label, why=f"{type(exc).__name__}: {exc}")) from exc
    blank = [i + 1 for i, p in enumerate(pages) if not any(line.text.strip() for line in p)]
    if len(blank) == len(pages):
        raise InputError(Errors.E074.format(path=label, pages=len(pages)))
    if not every_page and all(i + 1 in blank for i in todo):
        return None  # OCR found nothing on the blank pages: the text-layer result, with its warning
    source = _source(pages, name=name, kind="pdf")
    warnings = [f"{label}: OCR read {len(todo)} of {len(texts)} pages; check low-confidence clauses against the scan."]
    if blank:
        listed = ", ".join(map(str, blank[:20])) + (", ..." if len(blank) > 20 else "")
        warnings.append(f"{label}: {len(blank)} of {len(texts)} pages have no text layer (pages {listed}).")
    return Source(name=source.name, text=source.text, kind="pdf", pages=len(texts), warnings=tuple(warnings),
                  line_confidence=source.line_confidence, page_starts=source.page_starts)


def _progress(items: Sequence[Any], label: str) -> Any:
    from tqdm import tqdm

    # One bar per file on stderr; tqdm hides itself when stderr is not a terminal.
    return tqdm(items, desc=f"OCR {label}"[:40], unit="page", file=sys.stderr, disable=None, leave=False)


def _source(pages: list[list[OcrLine]], *, name: str, kind: str) -> Source:
    parts: list[str] = []
    conf: list[float] = []
    starts: list[int] = []
    offset = 0
    for n, page in enumerate(pages):
        if n:
            parts.append("")  # pages are joined by a blank line, as the text-layer PDF loader does
            conf.append(1.0)
            offset += 1
        starts.append(offset)
        for line in page or [OcrLine("", 1.0, 0.0)]:
            parts.append(line.text)
            conf.append(round(line.confidence, 3))
            offset += len(line.text) + 1
    return Source(name=name, text="\n".join(parts), kind=kind, pages=len(pages),
                  line_confidence=tuple(conf), page_starts=tuple(starts))


# -- one page -------------------------------------------------------------------


def read_page(ocr: Any, image: Any) -> list[OcrLine]:
    """Recognise one page image and return its lines in reading order."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB")).copy()
    r, g, b = (rgb[..., k].astype(np.int16) for k in range(3))
    red = (r > 120) & (r - g > 60) & (r - b > 60)  # stamps and 红头: whitened before anything else
    rgb[red] = 255
    result, _ = ocr(rgb, use_cls=False)
    boxes = [_Box.of(item) for item in result or []]
    dark = rgb.min(axis=2) < _DARK
    tables = _tables(dark)
    items: list[OcrLine] = []
    free: list[_Box] = []
    for box in boxes:
        if not any(t.take(box) for t in tables):
            free.append(box)
    for table in tables:
        items.extend(table.lines())
    items.extend(_text_lines(free))
    items.sort(key=lambda line: line.top)
    return items


@dataclass(slots=True)
class _Box:
    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def of(cls, item: Any) -> _Box:
        points, text, score = item[0], item[1], float(item[2])
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        return cls(str(text), score, min(xs), min(ys), max(xs), max(ys))

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


# OCR drops the space of a numbered heading ("1总则", "3信息报送"); the structure
# parser needs it to tell "1 总则" from a sentence.  Only short lines, and not a
# number with its unit ("2024年3月", "4小时").
_HEADING_NO_SPACE_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?=[\u4e00-\u9fff])(?![年月日时分秒个项条号名级类次人万亿元倍天周小])(?=.{1,16}$)")


def _text_lines(boxes: list[_Box]) -> list[OcrLine]:
    """Group boxes whose vertical centres lie within half a line height into one line."""
    out: list[OcrLine] = []
    rows: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if rows:
            last = rows[-1]
            top, bottom = min(b.y0 for b in last), max(b.y1 for b in last)
            # Same line when the boxes overlap by half the smaller height ("2.3.7"
            # is shorter than the Chinese beside it, so centres differ).
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap > 0.5 * min(bottom - top, box.y1 - box.y0):
                last.append(box)
                continue
        rows.append([box])
    for row in rows:
        row.sort(key=lambda b: b.x0)
        text = ""
        for k, b in enumerate(row):
            gap = b.x0 - row[k - 1].x1 if k else 0
            text += (" " if k and gap > (b.y1 - b.y0) * 0.8 else "") + b.text
        out.append(OcrLine(_HEADING_NO_SPACE_RE.sub(r"\1 ", text), min(b.score for b in row), min(b.y0 for b in row)))
    return out


def _runs(mask: Any, axis: int) -> Any:
    """Longest run of True along ``axis`` for each line of ``mask``."""
    import numpy as np

    m = mask if axis == 1 else mask.T
    best = np.zeros(m.shape[0], dtype=np.int32)
    cur = np.zeros(m.shape[0], dtype=np.int32)
    for col in range(m.shape[1]):
        cur = np.where(m[:, col], cur + 1, 0)
        np.maximum(best, cur, out=best)
    return best


def _groups(indexes: Any, gap: int = 3) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in indexes:
        i = int(i)
        if out and i - out[-1][1] <= gap:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


class _Table:
    """A ruled table: row bands between horizontal rules, columns between vertical rules."""

    def __init__(self, rows: list[tuple[int, int]], cols: list[int], open_rules: list[list[bool]]) -> None:
        self.rows = rows  # (top, bottom) of each row band
        self.cols = cols  # x of each vertical rule, left border first
        self.open = open_rules  # open[r][k]: inner rule k+1 missing in row r (merged cells)
        self.cells: dict[tuple[int, int], list[_Box]] = {}

    def take(self, box: _Box) -> bool:
        for r, (top, bottom) in enumerate(self.rows):
            if top <= box.cy <= bottom and self.cols[0] <= box.cx <= self.cols[-1]:
                c = max(k for k in range(len(self.cols) - 1) if self.cols[k] <= box.cx)
                while c > 0 and self.open[r][c - 1]:
                    c -= 1  # a merged cell's text belongs to its first column
                self.cells.setdefault((r, c), []).append(box)
                return True
        return False

    def lines(self) -> list[OcrLine]:
        out = []
        for r, (top, _) in enumerate(self.rows):
            cells = []
            scores = []
            for c in range(len(self.cols) - 1):
                boxes = self.cells.get((r, c), [])
                scores += [b.score for b in boxes]
                cells.append("".join(line.text.replace(" ", "") for line in _text_lines(boxes)).replace("\t", " "))
            if any(cells):
                out.append(OcrLine("\t".join(cells), min(scores, default=1.0), float(top)))
        return out


def _tables(dark: Any) -> list[_Table]:
    import numpy as np

    height, width = dark.shape
    hrules = _groups(np.nonzero(_runs(dark, 1) >= _RULE_SHARE * width)[0])
    tables: list[_Table] = []
    ys = [(a + b) // 2 for a, b in hrules]
    k = 0
    while k + 1 < len(ys):
        # Extend a table over consecutive bands that have at least three vertical rules.
        rows: list[tuple[int, int]] = []
        cols: list[int] = []
        j = k
        while j + 1 < len(ys):
            top, bottom = ys[j], ys[j + 1]
            band = dark[top + 3 : bottom - 2]
            if band.shape[0] < 8:
                break
            share = band.mean(axis=0)
            vcols = [(a + b) // 2 for a, b in _groups(np.nonzero(share >= _VRULE_SHARE)[0])]
            if len(vcols) < 2 or (cols and (abs(vcols[0] - cols[0]) > 6 or abs(vcols[-1] - cols[-1]) > 6)):
                break
            if not cols or len(vcols) > len(cols):
                cols = _merge_cols(cols, vcols)
            rows.append((top, bottom))
            j += 1
        if len(cols) >= 3 and rows:
            open_rules = []
            for top, bottom in rows:
                band = dark[top + 3 : bottom - 2]
                share = band.mean(axis=0)
                open_rules.append([share[max(0, x - 3) : x + 4].max() < _VRULE_SHARE for x in cols[1:-1]])
            tables.append(_Table(rows, cols, open_rules))
            k = j
        else:
            k += 1
    return tables


def _merge_cols(old: list[int], new: list[int]) -> list[int]:
    merged = sorted(set(old) | set(new))
    out: list[int] = []
    for x in merged:
        if out and x - out[-1] <= 6:
            continue
        out.append(x)
    return out
