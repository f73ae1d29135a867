"""OCR of image-only PDFs and page images (issue 13), on master-plan pages.

The fixture is built at test time: master plan section 2.3.6 (its 52-row
table) is written as a text PDF with a CJK font (fixtures_make.make_pdf),
each page is rendered to an image at 200 dpi (pypdfium2), and the images are
wrapped into an image-only PDF.  The text-layer PDF of the same pages is
the reference.  OCR is slow on 2 cores (~10-15 s CPU a page), so these tests
OCR two pages once per session and are marked slow.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

import pytest
from fixtures_formats import make_image_pdf, master_section_blocks, render_pages

from fixtures_make import cjk_font, make_pdf
from plankb.extract.loaders import Source, load_bytes, load_path
from plankb.extract.loaders_ocr import available
from plankb.extract.model import ClauseKind
from plankb.extract.pipeline import clause_confidence, page_of, parse_text, source_meta

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="OCR extra not installed (pip install 'plankb[ocr]')"),
    pytest.mark.skipif(cjk_font() is None, reason="no CJK font for the fixture (scripts/setup.sh --dev)"),
]


TITLE_BLOCK = ["北京市突发事件总体应急预案", "（2021年修订）"]


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Source, Source, list]:
    d = tmp_path_factory.mktemp("ocr")
    # A title block as the plan's first page has it, so that 2.3.6 is a section, not the title.
    blocks = [*TITLE_BLOCK, *master_section_blocks("### 2.3.6 突发事件处置分工", "#### 2.4 区、重点地区应急机构")]
    text_pdf = make_pdf(d / "t236.pdf", blocks)
    images = render_pages(text_pdf)
    scanned = make_image_pdf(d / "t236-scan.pdf", images)
    return load_path(text_pdf), load_path(scanned), images


def test_ocr_keeps_98_percent_of_characters(pages: tuple[Source, Source, list]) -> None:
    text, scanned, _ = pages
    assert scanned.kind == "pdf" and scanned.pages == text.pages == 2
    ratio = difflib.SequenceMatcher(None, compact(text.text), compact(scanned.text), autojunk=False).ratio()
    print(f"OCR character ratio vs text layer: {ratio:.4f}")
    assert ratio >= 0.98


def test_ocr_table_2_3_6_has_52_rows_with_leads(pages: tuple[Source, Source, list]) -> None:
    _, scanned, _ = pages
    (parsed,) = parse_text(scanned.text, "t236-scan.pdf", source_meta(scanned))
    assert compact(parsed.document.title) == compact(TITLE_BLOCK[0])
    table = [c for c in parsed.clauses if c.kind is ClauseKind.TABLE_ROW and c.section.startswith("2.3.6")]
    assert [r.cells[0] for r in table] == [str(i) for i in range(1, 53)]
    by_no = {r.cells[0]: r for r in table}
    assert by_no["5"].cells[1:] == ("突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)", "市应急局、市规划自然资源委")
    assert by_no["20"].cells[1:] == ("燃气事故", "市城市管理委")
    assert by_no["14"].cells[2] == "市公安局公安交通管理局"
    assert by_no["52"].cells[1:] == ("旅游突发事件", "市文化和旅游局")
    assert {r.group for r in table} == {"自然灾害类", "事故灾难类", "公共卫生类", "社会安全类"}


def test_ocr_confidence_and_pages_reach_every_clause(pages: tuple[Source, Source, list]) -> None:
    _, scanned, _ = pages
    assert len(scanned.line_confidence) == scanned.text.count("\n") + 1
    assert len(scanned.page_starts) == 2 and scanned.page_starts[0] == 0
    (parsed,) = parse_text(scanned.text, "t236-scan.pdf", source_meta(scanned))
    conf = clause_confidence(parsed.document)
    assert len(conf) == len(parsed.clauses) and all(0 < c <= 1 for c in conf)
    by_no = {c.cells[0]: c for c in parsed.clauses if c.kind is ClauseKind.TABLE_ROW}
    first, last = by_no["1"], by_no["52"]
    doc = parsed.document
    assert page_of(doc, doc.source_range(first.span).start) == 1
    assert page_of(doc, doc.source_range(last.span).start) == 2


def test_page_image_is_read_and_a_broken_one_is_one_sentence(pages: tuple[Source, Source, list]) -> None:
    _, scanned, images = pages
    buf = io.BytesIO()
    images[1].save(buf, format="PNG")
    src = load_bytes(buf.getvalue(), "photo.jpg")  # a PNG named .jpg: sniffed from content
    assert src.kind == "image" and src.pages == 1
    assert "旅游突发事件\t市文化和旅游局" in src.text
    with pytest.raises(Exception) as exc:
        load_bytes(buf.getvalue()[:200], "cut.png")
    assert "cut.png: the PNG image cannot be opened" in str(exc.value)  # after the catalogue code


def test_forced_ocr_reads_a_text_pdf_too(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "one.pdf", ["4.1.5 对于暂时无法判明等级的突发事件，应迅速核实，最迟不晚于接报后30分钟报告。"])
    src = load_path(pdf, ocr=True)
    assert src.line_confidence and "接报后30分钟" in compact(src.text)
