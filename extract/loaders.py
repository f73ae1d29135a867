"""Read one input file (text, Markdown, PDF or DOCX) into a :class:`Source`.

The type is sniffed from the bytes, never trusted from the name: uploads and
government download portals routinely serve PDFs named ``.doc`` or text named
``.docx``.  The extension only decides between ``md`` and ``txt``.

Nothing is cleaned here (no line joining, no page-number removal): the text is
kept as extracted so that the cleaning stage can map every character it keeps
back to this text.  The only changes are the ones every later stage needs:
line endings become ``\\n``, a byte-order mark is dropped, PDF/DOCX tables
become TSV lines (cells joined by TAB) and DOCX headings get ``#`` prefixes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, InputError

DEFAULT_MAX_BYTES = 50_000_000


@dataclass(frozen=True, slots=True)
class Source:
    """The text of one input file, before cleaning.

    ``name`` is the file's base name (the upload name for :func:`load_bytes`);
    ``kind`` is ``"txt"``, ``"md"``, ``"pdf"`` or ``"docx"``; ``encoding`` is
    the codec a text file was decoded with (empty for PDF/DOCX); ``pages`` is
    the PDF page count (0 otherwise); ``warnings`` are full sentences about
    anything odd that did not stop the load.
    """

    name: str
    text: str
    kind: str  # "txt" | "md" | "pdf" | "docx"
    encoding: str = ""
    pages: int = 0
    warnings: tuple[str, ...] = ()
    # Fields the file itself states (HTML <meta>/信息公开 block, OFD metadata):
    # ("title" | "doc_number" | "date" | "issuer", value); pipeline.source_meta reads them.
    meta: tuple[tuple[str, str], ...] = ()
    # OCR only: the confidence (0-1) of each line of ``text`` (1.0 for text-layer
    # lines) and the offset in ``text`` where each page starts.
    line_confidence: tuple[float, ...] = ()
    page_starts: tuple[int, ...] = ()


# Magic numbers of formats users upload by mistake, checked before any
# text decoding so that e.g. a PNG is never "decoded" as GB18030 mojibake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Word/Excel (OLE2) file; save it as .docx"),
    (b"{\\rtf", "an RTF document; save it as .docx"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"%!PS", "a PostScript file"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# The PDF spec lets the header start anywhere in the first 1024 bytes.
_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024
# An indirect object header, e.g. b"12 0 obj": confirms a PDF whose "%PDF-"
# is not at byte 0 (a text file merely quoting "%PDF-" has none).
_PDF_OBJ_RE = re.compile(rb"\d+\s+\d+\s+obj\b")

# BOMs in the order they must be tested: UTF-32 LE starts with UTF-16 LE's BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# C0 control bytes that never occur in real text (TAB, LF, VT, FF, CR and ESC
# do); their share of a sample tells binary junk from text.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_CONTROL_RATIO = 0.05

# Line endings to normalise: "a\r\nb\rc" -> "a\nb\nc".
_NEWLINE_RE = re.compile(r"\r\n?")
# CJK unified ideographs (basic block and extension A), e.g. "应急".
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Word's built-in heading style names, English or localised: "Heading 2", "标题 1".
_HEADING_STYLE_RE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)

_MD_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
# Share of Han characters that must lie in GB2312 for a GB18030 decoding to
# count as real simplified Chinese rather than Big5 (or noise) read as GBK.
_SIMPLIFIED_SHARE = 0.9
_HAN_SAMPLE = 200_000  # characters: enough to judge, cheap on a 50 MB file


def load_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False) -> Source:
    """Load a file from disk; error messages name ``path`` as given.

    ``ocr`` runs OCR on every PDF page, not only on pages without a text layer.
    """
    p = Path(path)
    label = str(path)
    if not p.exists():
        raise InputError(Errors.E001.format(path=label))
    if p.is_dir():
        raise InputError(Errors.E011.format(path=label))
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(Errors.E009.format(path=label, size=size, limit=max_bytes))
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(Errors.E012.format(path=label, why=exc.strerror or exc)) from exc
    return _load(data, label=label, name=p.name, max_bytes=max_bytes, ocr=ocr)


def load_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False) -> Source:
    """Load an in-memory file (a web upload or stdin); ``name`` labels messages."""
    return _load(bytes(data), label=name, name=Path(name).name or name, max_bytes=max_bytes, ocr=ocr)


def read_text(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A plain-text file (a --batch list of questions) read the way ingest reads
    text: size limit, binary sniff, BOM, UTF-8, GB18030, then a detector."""
    label = str(path)
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise InputError(Errors.E009.format(path=label, size=size, limit=max_bytes))
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(Errors.E012.format(path=label, why=exc.strerror or exc)) from exc
    text, _codec, _notes = _decode(data, label=label)
    return _NEWLINE_RE.sub("\n", text)


def _load(data: bytes, *, label: str, name: str, max_bytes: int, ocr: bool = False) -> Source:
    if len(data) > max_bytes:
        raise InputError(Errors.E009.format(path=label, size=len(data), limit=max_bytes))
    if not data:
        raise InputError(Errors.E002.format(path=label))
    suffix = Path(name).suffix.lower()
    if _is_pdf(data):
        return _load_pdf(data, label=label, name=name, ocr=ocr)
    from .loaders_formats import load_other  # .doc, page images, OFD (issue 13)

    other = load_other(data, label=label, name=name, max_bytes=max_bytes)
    if other is not None:
        return other
    if data.startswith(_ZIP_MAGIC):
        return _load_docx(_check_docx_zip(data, label=label, suffix=suffix), label=label, name=name)
    return _load_text(data, label=label, name=name, suffix=suffix)


def _is_pdf(data: bytes) -> bool:
    at = data.find(_PDF_MAGIC, 0, _PDF_HEADER_WINDOW)
    if at < 0:
        return False
    return not data[:at].strip(b" \t\r\n\x00\xef\xbb\xbf") or bool(_PDF_OBJ_RE.search(data, 0, 1 << 16))


# -- text ---------------------------------------------------------------------


def _load_text(data: bytes, *, label: str, name: str, suffix: str) -> Source:
    text, encoding, notes = _decode(data, label=label)
    text = _NEWLINE_RE.sub("\n", text)
    if not text.strip():
        raise InputError(Errors.E002.format(path=label))
    warnings = list(notes)
    if suffix in (".pdf", ".docx", ".doc"):
        warnings.append(f"{label}: named '{suffix}' but its content is plain text; read it as text.")
    from .loaders_html import load_html, looks_like_html

    if looks_like_html(text):
        body, meta = load_html(text, label=label)
        return Source(name=name, text=body, kind="html", encoding=encoding, warnings=tuple(warnings), meta=meta)
    kind = "md" if suffix in _MD_SUFFIXES else "txt"
    return Source(name=name, text=text, kind=kind, encoding=encoding, warnings=tuple(warnings))


def _decode(data: bytes, *, label: str) -> tuple[str, str, tuple[str, ...]]:
    """Return ``(text, codec, warnings)`` or raise E003/E004."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec, ()
            except UnicodeDecodeError as exc:
                raise InputError(Errors.E004.format(path=label)) from exc
    _reject_binary(data, label=label)
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    # charset-normalizer alone guesses short GBK text as Big5 (e.g. "应急"), so
    # a strict GB18030 decoding that reads as simplified Chinese wins first.
    gb = _try_decode(data, "gb18030")
    if gb is not None and _looks_simplified(gb):
        return gb, "gb18030", ()
    guess = _detect(data)
    if guess is not None:
        codec, text = guess
        note = f"{label}: the encoding was guessed as {codec}; check the text if it looks garbled."
        return text, codec, (note,)
    if gb is not None:
        return gb, "gb18030", ()
    raise InputError(Errors.E004.format(path=label))


def _reject_binary(data: bytes, *, label: str) -> None:
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(Errors.E003.format(path=label, what=what))
    # The whole file, not a head sample: a NUL after the first MiB once passed.
    # Both scans run in C (memchr, translate): ~50 ms for 50 MB.
    if b"\x00" in data:
        raise InputError(Errors.E003.format(path=label, what="it contains NUL bytes"))
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _CONTROL_RATIO * len(data):
        share = f"{100 * controls / len(data):.0f}% control bytes"
        raise InputError(Errors.E003.format(path=label, what=share))


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_simplified(text: str) -> bool:
    han = _HAN_RE.findall(text, 0, _HAN_SAMPLE)
    if not han:
        return False
    in_gb2312 = sum(1 for ch in han if _try_encode_gb2312(ch))
    return in_gb2312 >= _SIMPLIFIED_SHARE * len(han)


def _try_encode_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not best.encoding:
        return None
    codec = best.encoding
    if codec.replace("_", "").lower() in ("gb2312", "gbk", "hz"):
        codec = "gb18030"  # a superset: never fails on characters GB2312 lacks
    text = _try_decode(data, codec)
    return None if text is None else (codec, text)


# -- PDF ----------------------------------------------------------------------


def _load_pdf(data: bytes, *, label: str, name: str, ocr: bool = False) -> Source:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            texts = []
            for page in pdf.pages:
                texts.append(_pdf_page_text(page))
                page.close()  # drop the page's object cache: long plans have 100+ pages
    except Exception as exc:  # pdfminer raises many unrelated types for one bad file
        raise InputError(Errors.E006.format(path=label, why=_pdf_why(exc))) from exc
    blank = [i + 1 for i, t in enumerate(texts) if not t.strip()]
    if texts and (ocr or blank):
        from .loaders_ocr import pdf_with_ocr

        done = pdf_with_ocr(data, texts, label=label, name=name, every_page=ocr)
        if done is not None:
            return done
    if not texts or len(blank) == len(texts):
        raise InputError(Errors.E005.format(path=label, pages=len(texts)))
    warnings: tuple[str, ...] = ()
    if blank:
        listed = ", ".join(map(str, blank[:20])) + (", ..." if len(blank) > 20 else "")
        warnings = (f"{label}: {len(blank)} of {len(texts)} pages have no text layer (pages {listed}).",)
    text = _NEWLINE_RE.sub("\n", "\n\n".join(texts))
    return Source(name=name, text=text, kind="pdf", pages=len(texts), warnings=warnings)


def _pdf_why(exc: BaseException) -> str:
    # pdfplumber wraps pdfminer's exception (often message-less, e.g.
    # PDFPasswordIncorrect()) in PdfminerException(original): unwrap it.
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    name = type(exc).__name__
    detail = str(exc).strip()
    described = f"{name}: {detail}" if detail else name
    if "password" in described.lower() or "encrypt" in described.lower():
        return f"it is encrypted and needs a password: {described}"
    return f"it is damaged or truncated: {described}"


def _pdf_page_text(page: Any) -> str:
    """One page's text with each real table replaced by TSV lines at its place."""
    page = page.dedupe_chars()  # fake-bold Chinese draws every glyph twice
    tables = [t for t in page.find_tables() if _is_real_table(t)]
    if not tables:
        return page.extract_text() or ""
    rest = page
    for table in tables:
        rest = rest.outside_bbox(table.bbox, strict=False)
    # (top, order, text): lines and tables merged by vertical position; the
    # order field keeps a table after a text line that starts at the same top.
    items: list[tuple[float, int, str]] = [
        (line["top"], 0, line["text"]) for line in rest.extract_text_lines(strip=False, return_chars=False)
    ]
    items += [(t.bbox[1], 1, _tsv(t.extract())) for t in tables]
    items.sort(key=lambda item: (item[0], item[1]))
    return "\n".join(text for _, _, text in items)


def _is_real_table(table: Any) -> bool:
    # A boxed paragraph or a page frame is found as a one-column "table";
    # rendering it as TSV would only glue its wrapped lines together.
    return max((len(row) for row in table.extract()), default=0) >= 2


def _tsv(rows: list[list[str | None]]) -> str:
    return "\n".join("\t".join(_tsv_cell(c) for c in row) for row in rows)


def _tsv_cell(cell: str | None) -> str:
    # Wrapped cell text is one value: Chinese needs no space at the join.
    return (cell or "").replace("\r", "").replace("\n", "").replace("\t", " ")


# -- DOCX ---------------------------------------------------------------------


def _check_docx_zip(data: bytes, *, label: str, suffix: str) -> bytes:
    """Return ``data`` if it is a readable DOCX container, else raise."""
    from .config import current
    from .zipguard import ZipLimits, zip_problem

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            cfg = current()
            # python-docx inflates every part (media too) and lxml's tree of a
            # part takes ~10x its XML: the sizes declared in the central
            # directory are checked before anything is inflated.
            limits = ZipLimits(max_total=cfg.docx_max_bytes, max_ratio=cfg.docx_max_ratio,
                               max_member_ratio=cfg.docx_max_ratio)
            why = zip_problem(zf, limits) if "word/document.xml" in names else None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        # A cut DOCX still shows its part names in the local headers.
        if suffix == ".docx" or b"word/" in data:
            raise InputError(Errors.E007.format(path=label, why=f"the ZIP container is damaged: {exc}")) from exc
        raise InputError(Errors.E003.format(path=label, what="a damaged ZIP archive")) from exc
    if why is not None:
        raise InputError(Errors.E060.format(path=label, what="DOCX", why=why))
    if "word/document.xml" in names:
        return data
    if suffix == ".docx":
        raise InputError(Errors.E007.format(path=label, why="it is a ZIP archive without word/document.xml"))
    raise InputError(Errors.E008.format(path=label, suffix=_zip_kind(names, suffix)))


def _zip_kind(names: set[str], suffix: str) -> str:
    if "xl/workbook.xml" in names:
        return ".xlsx"
    if "ppt/presentation.xml" in names:
        return ".pptx"
    if "content.xml" in names and "mimetype" in names:
        return ".odt/.ods"
    return suffix or ".zip"


def _load_docx(data: bytes, *, label: str, name: str) -> Source:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document.element.body, document))
    except Exception as exc:  # zipfile, lxml and python-docx each raise their own types
        raise InputError(Errors.E007.format(path=label, why=f"{type(exc).__name__}: {exc}")) from exc
    text = _NEWLINE_RE.sub("\n", "\n".join(lines))
    if not text.strip():
        raise InputError(Errors.E002.format(path=label))
    return Source(name=name, text=text, kind="docx")


def _docx_lines(container: Any, parent: Any, levels: dict[str | None, int] | None = None) -> Iterator[str]:
    """Paragraphs and tables of ``container`` in body order, as text lines.

    ``levels`` caches the heading level of each paragraph style id: python-docx
    resolves a paragraph without a style by scanning every style of the file
    (5 ms a paragraph; a 5 MB document.xml took 172 s), once per style is enough.
    """
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    levels = {} if levels is None else levels
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield _docx_paragraph(Paragraph(child, parent), levels)
        elif child.tag == qn("w:tbl"):
            yield from _docx_table(Table(child, parent))
        elif child.tag == qn("w:sdt"):
            # Content controls (cover pages, forms) wrap ordinary body content.
            for content in child.iterchildren(qn("w:sdtContent")):
                yield from _docx_lines(content, parent, levels)


def _docx_paragraph(paragraph: Any, levels: dict[str | None, int]) -> str:
    text = paragraph.text
    level = _heading_level(paragraph, levels)
    return f"{'#' * level} {text}" if level and text.strip() else text


def _heading_level(paragraph: Any, levels: dict[str | None, int]) -> int:
    """1-9 for a heading (by outline level or style), else 0."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.find(qn("w:pPr"))  # find, not xpath: an XPath is compiled per call
    own = None if ppr is None else ppr.find(qn("w:outlineLvl"))
    if own is not None:
        return _outline_to_level(own.get(qn("w:val"), "9"))
    style_id = paragraph._p.style  # the w:pStyle value, None for the default style
    if style_id not in levels:
        levels[style_id] = _style_level(paragraph.style)
    return levels[style_id]


def _style_level(style: Any) -> int:
    """1-9 for a heading style (by name or outline level, through base styles), else 0."""
    from docx.oxml.ns import qn

    seen = 0
    while style is not None and seen < 10:  # base-style chains can loop in bad files
        match = _HEADING_STYLE_RE.match(style.name or "")
        if match:
            return int(match.group(1))
        ppr = style.element.find(qn("w:pPr"))
        lvl = None if ppr is None else ppr.find(qn("w:outlineLvl"))
        if lvl is not None:
            return _outline_to_level(lvl.get(qn("w:val"), "9"))
        style = style.base_style
        seen += 1
    return 0


def _outline_to_level(value: str) -> int:
    # w:outlineLvl is 0-based; 9 (and junk) means body text.
    try:
        lvl = int(value)
    except ValueError:
        return 0
    return lvl + 1 if 0 <= lvl <= 8 else 0


def _docx_table(table: Any) -> Iterator[str]:
    """One TSV line per row, one cell per grid column.

    A merged cell's text appears once, in its first grid position; the other
    positions it covers are empty, as pdfplumber reports a PDF's merged cells.
    """
    seen: set[Any] = set()  # holds the w:tc elements, so their proxies stay the same objects
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:  # python-docx repeats a merged cell for each position
            tc = cell._tc
            cells.append("" if tc in seen else _tsv_cell(cell.text))
            seen.add(tc)
        yield "\t".join(cells)
