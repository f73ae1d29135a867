"""The checker on a scanned draft, and stamps and red headers on a scan (issue 13).

A short district draft (our own text, not from the corpus) plants two
conflicts with the master plan: 燃气事故 led by 区住房城乡建设委 (the master's
lead is 市城市管理委) and a detailed report "事件发生后4小时" (the master: 2
hours).  It is written as text, as a text PDF with a CJK font
(fixtures_make.make_pdf), rendered to a 200 dpi image and wrapped in an
image-only PDF.  `plankb check` must give the same findings (rule ids and
verdicts) on the scan as on the text.  The same page with a red 红头 above it
and a red seal over the issuer line must be cut into the same documents and
clauses as the text.  One page each: OCR costs ~15-25 s a page on 2 cores.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_formats import make_image_pdf, render_pages

from fixtures_make import Heading, Table, cjk_font, make_pdf
from plankb.cli import main
from plankb.extract.loaders import load_bytes
from plankb.extract.loaders_ocr import available
from plankb.extract.pipeline import parse_text, source_meta

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="OCR extra not installed (pip install 'plankb[ocr]')"),
    pytest.mark.skipif(cjk_font() is None, reason="no CJK font for the fixture (scripts/setup.sh --dev)"),
]

DPI = 200
ISSUER = "延庆区人民政府"
DRAFT = [
    "北京市延庆区突发事件总体应急预案",
    "（征求意见稿）",
    ISSUER,
    "2024年3月",
    Heading("1 总则"),
    Heading("1.1 编制目的"),
    "为规范本区突发事件应对工作，保障人民群众生命财产安全，依据《北京市突发事件总体应急预案》，制定本预案。",
    Heading("2 组织体系"),
    Heading("2.1 处置分工"),
    "本区突发事件处置主责部门见下表。",
    Table((("序号", "突发事件", "区级处置主责部门"), ("1", "水灾", "区应急管理局、区水务局"),
           ("2", "燃气事故", "区住房城乡建设委"), ("3", "火灾事故", "区消防救援支队"))),
    Heading("3 信息报送"),
    "3.1 区级各部门接报后，应立即核实，对于较大以上突发事件，最迟不晚于事件发生后4小时向区委、区政府报送详细信息。",
]


def draft_text() -> str:
    lines: list[str] = []
    for block in DRAFT:
        if isinstance(block, Table):
            lines += ["\t".join(row) for row in block.rows]
        else:
            lines.append(block.text if isinstance(block, Heading) else block)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("ocrcheck")
    text = d / "draft.txt"
    text.write_text(draft_text(), encoding="utf-8")
    pdf = make_pdf(d / "draft.pdf", DRAFT)
    (page,) = render_pages(pdf, dpi=DPI)
    return {"text": text, "pdf": pdf, "scan": make_image_pdf(d / "draft-scan.pdf", [page], dpi=DPI),
            "stamped": _stamped(pdf, page, d / "stamped.png")}


def _stamped(pdf: Path, page, out: Path) -> Path:  # noqa: ANN001
    """``page`` under a red 红头 (title and rule) with a red seal over the issuer line."""
    import pdfplumber
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    with pdfplumber.open(pdf) as doc:
        (hit,) = doc.pages[0].search(ISSUER)
    scale = DPI / 72
    cx, cy = (hit["x0"] + hit["x1"]) / 2 * scale, (hit["top"] + hit["bottom"]) / 2 * scale
    red = (220, 30, 30)
    head = 360
    sheet = Image.new("RGB", (page.width, page.height + head), "white")
    sheet.paste(page, (0, head))
    ink = Image.new("RGB", sheet.size, "white")  # red ink printed over the page: black stays black
    draw = ImageDraw.Draw(ink)
    font_file, index = cjk_font()
    big = ImageFont.truetype(font_file, 110, index=index)
    small = ImageFont.truetype(font_file, 40, index=index)
    draw.text((page.width / 2, 170), "北京市延庆区人民政府文件", fill=red, font=big, anchor="mm")
    draw.line((120, 320, page.width - 120, 320), fill=red, width=8)
    # The seal: a ring, a star and the issuer's name along its top, over the black issuer line.
    cy += head
    r = 190
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=12)
    draw.regular_polygon((cx, cy, 60), 5, fill=red)
    draw.text((cx, cy - 110), "延庆区人民政府", fill=red, font=small, anchor="mm")
    draw.text((cx, cy + 110), "公章", fill=red, font=small, anchor="mm")
    ImageChops.multiply(sheet, ink).save(out, format="PNG")
    return out


def _check(path: Path, kb_settings) -> list[dict]:  # noqa: ANN001
    args = ["check", str(path), "--json", "--no-retrieval", "--data-dir", str(kb_settings.data_dir)]
    out = CliRunner().invoke(main, args, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)["findings"]


def test_check_on_the_scan_finds_what_it_finds_on_the_text(files: dict[str, Path], kb_settings, built_kb) -> None:
    text = _check(files["text"], kb_settings)
    scan = _check(files["scan"], kb_settings)
    planted = {(f["rule_id"], re.sub(r"\s", "", f["sub_quote"])[:12]) for f in text if f["verdict"] == "conflict"}
    assert planted == {("duty.lead_counterpart", "2燃气事故区住房城乡建设"), ("timeline.deadline", "最迟不晚于事件发生后4小")}
    assert Counter((f["rule_id"], f["verdict"]) for f in scan) == Counter((f["rule_id"], f["verdict"]) for f in text)


def _cut(text: str, name: str, meta=None) -> list[tuple[str, list[tuple[str, str]]]]:  # noqa: ANN001
    return [(re.sub(r"\s", "", p.document.title), [(str(c.kind), c.number) for c in p.clauses])
            for p in parse_text(text, name, meta)]


def test_red_header_and_seal_do_not_change_the_cutting(files: dict[str, Path]) -> None:
    src = load_bytes(files["stamped"].read_bytes(), "stamped.png")
    assert "公章" not in src.text and "文件" not in src.text.split("\n", 1)[0]
    stamped = _cut(src.text, "stamped.png", source_meta(src))
    # The text version of the same page: its text-layer PDF (fpdf2 wraps "3.1" onto a line of its own).
    layer = load_bytes(files["pdf"].read_bytes(), "draft.pdf")
    text = _cut(layer.text, "draft.pdf")
    assert [title for title, _ in stamped] == [title for title, _ in text] == ["北京市延庆区突发事件总体应急预案"]
    assert stamped == text  # clause kinds and numbers, in order


def test_extract_json_gives_ocr_confidence(files: dict[str, Path], tmp_path: Path) -> None:
    buf = io.BytesIO(files["stamped"].read_bytes())
    out = CliRunner().invoke(main, ["extract", "-", "--json", "--no-facts", "--data-dir", str(tmp_path)],
                             input=buf.getvalue(), catch_exceptions=False)
    assert out.exit_code == 0, out.output
    view = json.loads(out.stdout)
    assert view["source"]["kind"] == "image" and view["source"]["ocr"] is True
    clauses = [c for d in view["documents"] for c in d["clauses"]]
    assert clauses and all(0 < c["ocr_confidence"] <= 1 and isinstance(c["ocr_low"], bool) for c in clauses)
    assert [c["ocr_low"] for c in clauses] == [c["ocr_confidence"] < 0.9 for c in clauses]
