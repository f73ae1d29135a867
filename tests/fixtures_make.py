"""Build small real PDF and DOCX files from corpus text, at test time.

No binary fixture is committed: each test writes what it needs into a tmp
dir with fpdf2 (PDF, with a CJK TrueType font found by fontconfig) and
python-docx, so the fixtures always match the corpus and the libraries.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MASTER_PLAN = REPO / "corpus" / "beijing-gazette-2021-31-master-plan.txt"

# The table's header line in the corpus: "序号\t突发事件\t市级处置主责部门".
_TABLE_HEADER = "序号\t突发事件\t市级处置主责部门"
# A category row of table 2.3.6 as the corpus renders it: "<b>自然灾害类</b>\t\t".
_BOLD_RE = re.compile(r"</?b>")


# fontTools prints "BDF NOT subset; don't know how to subset" for every
# embedded CJK font; it is harmless noise in the test output.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Heading:
    """A heading block: a DOCX heading of ``level``, a plain line in a PDF."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Table:
    """A table block: rows of cells; a row of one cell spans all columns."""

    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PageBreak:
    """Start a new PDF page (ignored in a DOCX)."""


Block = str | Heading | Table | PageBreak  # a bare str is a paragraph


def master_plan_lines() -> list[str]:
    return MASTER_PLAN.read_text(encoding="utf-8").splitlines()


def section_4_1() -> list[str]:
    """Non-empty lines of master plan section 4.1 信息报送, without its heading."""
    lines = master_plan_lines()
    start = lines.index("### 4.1 信息报送") + 1
    end = lines.index("## 4.2 先期处置与公众响应")
    return [line for line in lines[start:end] if line.strip()]


def table_2_3_6(n_rows: int) -> list[tuple[str, ...]]:
    """Header plus the first ``n_rows`` rows of table 2.3.6, tags removed.

    A category row ("自然灾害类") is returned as a 1-tuple: it spans the table.
    """
    lines = master_plan_lines()
    start = lines.index(_TABLE_HEADER)
    rows: list[tuple[str, ...]] = [tuple(_TABLE_HEADER.split("\t"))]
    for line in lines[start + 1 : start + 1 + n_rows]:
        cells = tuple(c for c in _BOLD_RE.sub("", line).split("\t"))
        rows.append(cells if all(cells[1:]) else (cells[0],))
    return rows


@functools.lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int] | None:
    """``(font file, face index)`` of a CJK font fpdf2 can embed, or None.

    Plain .ttf/.otf files come first: fpdf2 reads .ttc collections only from
    2.8 on, and CFF-flavoured collections (Noto CJK) are the least tested.
    """
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(
        ["fc-list", "-f", "%{file}\t%{index}\n", ":lang=zh"],
        capture_output=True, text=True, check=False,
    ).stdout
    fonts: list[tuple[str, int]] = []
    for line in sorted(set(out.splitlines())):
        file, _, index = line.partition("\t")
        if file:
            fonts.append((file, int(index or 0)))
    fonts.sort(key=lambda f: (not f[0].lower().endswith((".ttf", ".otf")), "opentype" in f[0], f))
    for font in fonts:
        if _font_works(*font):
            return font
    return None


def _font_works(file: str, index: int) -> bool:
    from fpdf import FPDF

    try:
        pdf = FPDF()
        pdf.add_page()
        pdf.add_font("cjk", "", file, collection_font_number=index)
        pdf.set_font("cjk", size=11)
        pdf.cell(text="突发事件应急预案")
        data = bytes(pdf.output())
        # Some CFF collections (Noto CJK) embed without a usable text layer:
        # only a font whose text reads back is a candidate.
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as doc:
            return "突发事件应急预案" in (doc.pages[0].extract_text() or "").replace(" ", "")
    except Exception:  # any font fpdf2 cannot embed is simply not a candidate
        return False


def make_pdf(
    path: Path, blocks: list[Block], *, col_widths: tuple[int, ...] = (15, 90, 60), frame: bool = False
) -> Path:
    """Write ``blocks`` (paragraphs and ruled tables) as a text PDF.

    ``frame`` draws a rectangle round each page's text, as many government
    PDFs do; pdfplumber sees it as a one-cell table.
    """
    from fpdf import FPDF

    font = cjk_font()
    if font is None:
        raise RuntimeError("no CJK font usable by fpdf2")

    class Framed(FPDF):
        def header(self) -> None:
            if frame:
                self.rect(5, 5, self.w - 10, self.h - 10)

    pdf = Framed()
    pdf.add_page()
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    pdf.set_font("cjk", size=11)
    for block in blocks:
        if isinstance(block, PageBreak):
            pdf.add_page()
        elif isinstance(block, Table):
            with pdf.table(col_widths=col_widths, first_row_as_headings=False, line_height=7) as table:
                for cells in block.rows:
                    row = table.row()
                    if len(cells) == 1:
                        row.cell(cells[0], colspan=len(col_widths))
                    else:
                        for cell in cells:
                            row.cell(cell)
        else:
            pdf.multi_cell(0, 7, block.text if isinstance(block, Heading) else block)
        pdf.ln(4)
    path.write_bytes(bytes(pdf.output()))
    return path


def make_fake_bold_pdf(path: Path, line: str) -> Path:
    """One line drawn twice, 0.2 pt apart: how Chinese Word exports fake bold."""
    from fpdf import FPDF

    font = cjk_font()
    if font is None:
        raise RuntimeError("no CJK font usable by fpdf2")
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    pdf.set_font("cjk", size=12)
    pdf.text(40, 80, line)
    pdf.text(40.2, 80, line)
    path.write_bytes(bytes(pdf.output()))
    return path


def make_scanned_pdf(path: Path) -> Path:
    """Two pages with only a drawn rectangle and an image: no text layer."""
    from fpdf import FPDF
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(image, format="PNG")
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 120, 60)
        pdf.image(io.BytesIO(image.getvalue()), x=30, y=100, w=40)
    path.write_bytes(bytes(pdf.output()))
    return path


def make_docx(path: Path, blocks: list[Block]) -> Path:
    """Write ``blocks`` as a DOCX with Word's built-in heading styles."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, PageBreak):
            continue
        if isinstance(block, Table):
            ncols = max(len(r) for r in block.rows)
            table = document.add_table(rows=len(block.rows), cols=ncols)
            for r, cells in enumerate(block.rows):
                row = table.rows[r]
                if len(cells) == 1:
                    merged = row.cells[0].merge(row.cells[ncols - 1])
                    merged.text = cells[0]
                else:
                    for c, text in enumerate(cells):
                        row.cells[c].text = text
        elif isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        else:
            document.add_paragraph(block)
    document.save(str(path))
    return path


def make_zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def _docx_parts() -> dict[str, bytes]:
    """The parts of a minimal real DOCX written by python-docx."""
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("4.1.5 对于暂时无法判明等级的突发事件，应迅速核实。")
    d.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def make_xml_bomb_docx(path: Path, xml_bytes: int = 100_000_000, padding: int = 0) -> Path:
    """A DOCX whose document.xml inflates to ``xml_bytes`` of one repeated paragraph
    (the issue's 338 KB file inflated to 100 MB of XML); ``padding`` bytes of random
    media beside it hide the XML's ratio from a whole-archive ratio test."""
    import os

    para = "<w:p><w:r><w:t>第一章 总则 1.1 编制目的</w:t></w:r></w:p>".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        if padding:
            zf.writestr("word/media/image1.jpeg", os.urandom(padding), compress_type=zipfile.ZIP_STORED)
        for name, data in _docx_parts().items():
            if name != "word/document.xml":
                zf.writestr(name, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with zf.open(name, "w", force_zip64=True) as fh:
                fh.write(head + b"<w:body>")
                chunk = para * (1_000_000 // len(para))
                for _ in range(xml_bytes // len(chunk)):
                    fh.write(chunk)
                fh.write(tail)
    return path


def make_media_bomb_docx(path: Path, media_bytes: int = 4 << 30) -> Path:
    """A DOCX with a zero-filled media part of ``media_bytes`` (the issue's 4 GiB part)."""
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in _docx_parts().items():
            zf.writestr(name, data)
        with zf.open("word/media/image1.png", "w", force_zip64=True) as fh:
            for _ in range(media_bytes >> 20):
                fh.write(zeros)
    return path
