"""extract.loaders on real corpus text turned into TXT, PDF and DOCX files."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest

from fixtures_make import (
    MASTER_PLAN,
    Heading,
    PageBreak,
    Table,
    cjk_font,
    make_docx,
    make_fake_bold_pdf,
    make_pdf,
    make_scanned_pdf,
    make_zip,
    section_4_1,
    table_2_3_6,
)
from plankb.extract.errors import InputError
from plankb.extract.loaders import Source, load_bytes, load_path

needs_cjk_font = pytest.mark.skipif(
    cjk_font() is None,
    reason="no CJK font fpdf2 can embed (fc-list :lang=zh); `bash scripts/setup.sh --dev` installs fonts-wqy-zenhei",
)

# Rows 1-5 of table 2.3.6 as the corpus holds them (lines ~421-427), read by
# eye; the category row spans all three columns, hence two empty cells.
EXPECTED_TSV = [
    "序号\t突发事件\t市级处置主责部门",
    "自然灾害类\t\t",
    "1\t水灾\t市应急局、市水务局",
    "2\t旱灾\t市应急局、市水务局",
    "3\t森林火灾\t市应急局、市园林绿化局",
    "4\t地震灾害\t市应急局、市地震局",
    "5\t突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)\t市应急局、市规划自然资源委",
]


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_sentence_naming(exc: pytest.ExceptionInfo[InputError], name: str) -> str:
    message = str(exc.value)
    assert re.match(r"\[E\d{3}\] ", message), message  # the catalogue code, as users see it
    message = message[7:]
    assert message.startswith(name + ":"), message
    assert message.endswith((".", "?")), message
    return message


def plan_blocks() -> tuple[list[str], list]:
    """Section 4.1 with five rows of table 2.3.6 after its fifth paragraph."""
    paras = section_4_1()
    table = Table(tuple(table_2_3_6(6)))
    return paras, [Heading("4.1 信息报送", level=2), *paras[:5], table, *paras[5:]]


def test_fixture_text_comes_from_the_corpus() -> None:
    paras = section_4_1()
    assert paras[0].startswith("4.1.1 市应急办、市各专项指挥部办公室")
    assert paras[-1].startswith("4.1.9 市应急办会同市相关部门")
    assert len(paras) == 11  # 4.1.1-4.1.9, plus 4.1.1's second paragraph and 4.1.7's page-split tail
    assert ["\t".join(r) for r in table_2_3_6(6)][2:] == EXPECTED_TSV[2:]


# -- PDF ----------------------------------------------------------------------


@needs_cjk_font
def test_pdf_round_trip_keeps_sentences_and_table_in_place(tmp_path: Path) -> None:
    paras, blocks = plan_blocks()
    blocks.insert(9, PageBreak())
    src = load_path(make_pdf(tmp_path / "plan.pdf", blocks))
    assert (src.kind, src.pages, src.encoding, src.warnings) == ("pdf", 2, "", ())
    assert src.name == "plan.pdf"
    flat = compact(src.text)
    for para in paras:
        assert compact(para) in flat
    # Pages are joined by one blank line; PDF text has no other blank line.
    assert src.text.count("\n\n") == 1
    lines = src.text.split("\n")
    start = lines.index(EXPECTED_TSV[0])
    assert lines[start : start + len(EXPECTED_TSV)] == EXPECTED_TSV
    # The table sits where it was drawn, and its text is not repeated.
    head = compact("\n".join(lines[:start]))
    assert head.endswith(compact(paras[4]))
    assert compact("\n".join(lines[start + len(EXPECTED_TSV) :])).startswith(compact(paras[5]))
    assert flat.count("市规划自然资源委") == 1
    assert flat.count("森林火灾") == 1


@needs_cjk_font
def test_pdf_fake_bold_doubled_chars_are_deduplicated(tmp_path: Path) -> None:
    import pdfplumber

    line = section_4_1()[3][:20]  # "4.1.3 获悉突发事件信息的公民、法人或其他"
    path = make_fake_bold_pdf(tmp_path / "bold.pdf", line)
    with pdfplumber.open(path) as pdf:
        raw = pdf.pages[0].extract_text()
    assert compact(raw) != compact(line)  # the fixture really doubles glyphs
    assert compact(load_path(path).text) == compact(line)


@needs_cjk_font
def test_pdf_is_sniffed_by_content_not_name(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "plan.txt", section_4_1()[:2])
    src = load_path(path)
    assert src.kind == "pdf"
    assert compact(section_4_1()[1]) in compact(src.text)


@needs_cjk_font
def test_encrypted_pdf_is_an_input_error(tmp_path: Path) -> None:
    from fpdf import FPDF

    font = cjk_font()
    assert font is not None
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 7, section_4_1()[0])
    with pytest.raises(InputError) as exc:
        load_bytes(bytes(pdf.output()), "locked.pdf")
    assert "encrypted" in assert_sentence_naming(exc, "locked.pdf")


def test_pdf_without_text_layer_is_reported_as_scanned(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputError) as exc:
        load_path(path)
    message = assert_sentence_naming(exc, str(path))
    assert "no text layer" in message
    assert "2 page(s)" in message


@needs_cjk_font
def test_truncated_pdf_is_an_input_error(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "plan.pdf", section_4_1()).read_bytes()
    for cut in (len(data) // 2, len(data) - 300):
        with pytest.raises(InputError) as exc:
            load_bytes(data[:cut], "cut.pdf")
        assert "the PDF cannot be opened" in assert_sentence_naming(exc, "cut.pdf")


# -- DOCX ---------------------------------------------------------------------


def test_docx_round_trip_keeps_body_order_headings_and_tsv(tmp_path: Path) -> None:
    paras, blocks = plan_blocks()
    src = load_path(make_docx(tmp_path / "plan.docx", blocks))
    assert (src.kind, src.pages, src.encoding, src.warnings) == ("docx", 0, "", ())
    lines = src.text.split("\n")
    # Word keeps paragraphs whole, so each corpus line comes back verbatim.
    assert lines == ["## 4.1 信息报送", *paras[:5], *EXPECTED_TSV, *paras[5:]]


def test_docx_heading_1_becomes_a_single_hash(tmp_path: Path) -> None:
    title = "北京市突发事件总体应急预案（2021年修订）"
    src = load_path(make_docx(tmp_path / "t.docx", [Heading(title, level=1), section_4_1()[0]]))
    assert src.text.split("\n")[:2] == ["# " + title, section_4_1()[0]]


def test_docx_vertically_merged_cell_appears_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    # Rows 41-42 of table 2.3.6 share one 市公安局 cell once merged.
    table.cell(0, 0).text = "恐怖袭击事件"
    table.cell(1, 0).text = "刑事案件"
    table.cell(2, 0).text = "生活必需品供给事件"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "市公安局"
    table.cell(2, 1).text = "市商务局"
    buf = io.BytesIO()
    document.save(buf)
    src = load_bytes(buf.getvalue(), "merged.docx")
    assert src.text.split("\n") == ["恐怖袭击事件\t市公安局", "刑事案件\t", "生活必需品供给事件\t市商务局"]


def test_truncated_docx_is_an_input_error(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "plan.docx", section_4_1()).read_bytes()
    for name in ("plan.docx", "upload.bin"):
        with pytest.raises(InputError) as exc:
            load_bytes(data[: len(data) // 2], name)
        assert "the DOCX cannot be opened" in assert_sentence_naming(exc, name)


def test_docx_named_file_holding_text_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_text("\n".join(section_4_1()), encoding="utf-8")
    src = load_path(path)
    assert src.kind == "txt"
    assert src.text == "\n".join(section_4_1())
    assert len(src.warnings) == 1 and "plain text" in src.warnings[0]


def test_zip_that_is_not_a_docx_is_rejected(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "plans.zip", {"plan.txt": section_4_1()[0]})
    with pytest.raises(InputError) as exc:
        load_path(path)
    assert "unsupported file type '.zip'" in assert_sentence_naming(exc, str(path))
    with pytest.raises(InputError) as exc:
        load_bytes(path.read_bytes(), "plan.docx")
    assert "word/document.xml" in assert_sentence_naming(exc, "plan.docx")


def test_xlsx_is_named_as_unsupported(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(EXPECTED_TSV[2].split("\t")))
    buf = io.BytesIO()
    book.save(buf)
    assert zipfile.is_zipfile(io.BytesIO(buf.getvalue()))
    with pytest.raises(InputError) as exc:
        load_bytes(buf.getvalue(), "table.bin")
    assert "'.xlsx'" in assert_sentence_naming(exc, "table.bin")


# -- text ---------------------------------------------------------------------


def test_corpus_file_loads_verbatim() -> None:
    src = load_path(MASTER_PLAN)
    assert src == Source(
        name=MASTER_PLAN.name, text=MASTER_PLAN.read_text(encoding="utf-8"), kind="txt", encoding="utf-8"
    )


def test_gbk_encoded_chinese_is_decoded(tmp_path: Path) -> None:
    text = "\n".join(section_4_1())
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode("gbk"))
    src = load_path(path)
    assert (src.text, src.encoding) == (text, "gb18030")
    # Four bytes are too few for charset detection alone (it says Big5).
    assert load_bytes("应急预案".encode("gbk"), "short.txt").text == "应急预案"


def test_boms_are_stripped_and_newlines_normalised() -> None:
    lines = section_4_1()[:3]
    crlf = "\r\n".join(lines) + "\r\n"
    for data, encoding in (
        (b"\xef\xbb\xbf" + crlf.encode("utf-8"), "utf-8-sig"),
        (crlf.encode("utf-16"), "utf-16"),
        ("\r".join(lines).encode("utf-8"), "utf-8"),
    ):
        src = load_bytes(data, "plan.txt")
        assert src.encoding == encoding
        assert src.text.split("\n")[:3] == lines
        assert "\r" not in src.text and "\ufeff" not in src.text


def test_markdown_kind_comes_from_the_extension() -> None:
    data = "### 4.1 信息报送\n".encode()
    assert load_bytes(data, "plan.md").kind == "md"
    assert load_bytes(data, "plan.markdown").kind == "md"
    assert load_bytes(data, "plan").kind == "txt"


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n \xe3\x80\x80\n"], ids=["empty", "whitespace"])
def test_empty_input_is_rejected(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as exc:
        load_path(path)
    assert "empty" in assert_sentence_naming(exc, str(path))


def test_binary_input_is_rejected() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
    with pytest.raises(InputError) as exc:
        load_bytes(png, "scan.txt")
    assert "PNG image" in assert_sentence_naming(exc, "scan.txt")
    noise = random.Random(20210531).randbytes(4096)
    with pytest.raises(InputError) as exc:
        load_bytes(noise, "noise.txt")
    assert "binary file" in assert_sentence_naming(exc, "noise.txt")
    controls = bytes(range(1, 9)) * 100 + "应急".encode()
    with pytest.raises(InputError) as exc:
        load_bytes(controls, "controls.txt")
    assert "control bytes" in assert_sentence_naming(exc, "controls.txt")


def test_oversized_input_is_rejected(tmp_path: Path) -> None:
    size = MASTER_PLAN.stat().st_size
    with pytest.raises(InputError) as exc:
        load_path(MASTER_PLAN, max_bytes=1000)
    message = assert_sentence_naming(exc, str(MASTER_PLAN))
    assert f"{size} bytes" in message and "1000 bytes" in message
    with pytest.raises(InputError) as exc:
        load_bytes(b"x" * 11, "big.txt", max_bytes=10)
    assert "11 bytes" in assert_sentence_naming(exc, "big.txt")


def test_missing_path_and_directory_are_rejected(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError) as exc:
        load_path(missing)
    assert "not found" in assert_sentence_naming(exc, str(missing))
    with pytest.raises(InputError) as exc:
        load_path(tmp_path)
    assert "directory" in assert_sentence_naming(exc, str(tmp_path))


# -- load_bytes ---------------------------------------------------------------


@needs_cjk_font
def test_load_bytes_matches_load_path_for_every_kind(tmp_path: Path) -> None:
    _, blocks = plan_blocks()
    paths = [
        make_pdf(tmp_path / "plan.pdf", blocks),
        make_docx(tmp_path / "plan.docx", blocks),
        MASTER_PLAN,
    ]
    for path in paths:
        from_bytes = load_bytes(path.read_bytes(), path.name)
        assert from_bytes == load_path(path)


@needs_cjk_font
def test_pdf_in_a_page_frame_keeps_two_tables_in_place(tmp_path: Path) -> None:
    paras = section_4_1()
    rows = table_2_3_6(6)
    first, second = Table(tuple(rows[:3])), Table((rows[0], *rows[3:]))
    blocks = [paras[0], first, paras[1], second, paras[2]]
    text = load_path(make_pdf(tmp_path / "framed.pdf", blocks, frame=True)).text
    lines = text.split("\n")
    a, b = lines.index(EXPECTED_TSV[0]), len(lines) - 1 - lines[::-1].index(EXPECTED_TSV[0])
    assert lines[a : a + 3] == EXPECTED_TSV[:3]
    assert lines[b : b + 5] == [EXPECTED_TSV[0], *EXPECTED_TSV[3:]]
    assert compact("\n".join(lines[:a])) == compact(paras[0])
    assert compact("\n".join(lines[a + 3 : b])) == compact(paras[1])
    assert compact("\n".join(lines[b + 5 :])) == compact(paras[2])


def test_text_quoting_the_pdf_magic_is_still_text() -> None:
    data = "PDF 文件以 %PDF-1.7 开头。\n".encode()
    assert load_bytes(data, "note.txt").text == "PDF 文件以 %PDF-1.7 开头。\n"


@needs_cjk_font
def test_pdf_with_one_blank_page_loads_with_a_warning(tmp_path: Path) -> None:
    para = section_4_1()[3]
    src = load_path(make_pdf(tmp_path / "gap.pdf", [PageBreak(), para]))
    assert src.pages == 2
    assert compact(src.text) == compact(para)
    assert src.warnings == (f"{tmp_path / 'gap.pdf'}: 1 of 2 pages have no text layer (pages 1).",)
