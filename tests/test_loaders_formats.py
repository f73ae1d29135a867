"""Web pages and legacy Word (.doc) through extract.loaders (issue 13).

The HTML fixture is built at test time from the master plan's corpus text
(tests/fixtures_formats.py); the .doc was made once from corpus text with
LibreOffice (see extract/loaders_doc.py) and is committed in tests/data/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fixtures_formats import make_gov_html, master_plan_body
from test_loaders import EXPECTED_TSV, assert_sentence_naming, compact

from fixtures_make import section_4_1
from plankb.extract.errors import DependencyError, InputError
from plankb.extract.loaders import load_bytes, load_path
from plankb.extract.model import ClauseKind
from plankb.extract.pipeline import parse_path

DOC_FIXTURE = Path(__file__).parent / "data" / "master-4.1.doc"
PLAN_TITLE = "北京市突发事件总体应急预案"


@pytest.fixture(scope="module")
def gov_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gov_html(tmp_path_factory.mktemp("html") / "page.txt", master_plan_body())


# -- HTML ---------------------------------------------------------------------


def test_web_page_keeps_the_plan_and_drops_the_chrome(gov_page: Path) -> None:
    src = load_path(gov_page)
    assert src.kind == "html"  # named .txt: the type comes from the content
    for chrome in ("分享到", "版权所有", "相关链接", "政民互动", "打印本页", "索引号", "网站标识码"):
        assert chrome not in src.text.replace(" ", ""), chrome
    # The fixture's tables keep one header row (the PDF repeated it on every page):
    # compare without header rows.
    body = [re.sub(r"^#+\s*|</?b>", "", ln) for ln in master_plan_body() if not ln.startswith("序号\t")]
    got = [ln.lstrip("# ") for ln in src.text.split("\n") if not ln.startswith("序号\t")]
    assert compact("".join(got)) == compact("".join(body))


def test_web_page_metadata_comes_from_the_header_block(gov_page: Path) -> None:
    meta = dict(load_path(gov_page).meta)
    assert meta == {
        "title": "北京市人民政府关于印发《北京市突发事件总体应急预案（2021年修订）》的通知",
        "doc_number": "京政发〔2021〕19号",
        "date": "2021-07-09",  # 成文日期 wins over 发布日期 and <meta name="PubDate">
        "issuer": "北京市人民政府",
    }


def test_web_page_table_2_3_6_has_52_rows_with_leads(gov_page: Path) -> None:
    (plan,) = [p for p in parse_path(gov_page) if p.document.title.startswith(PLAN_TITLE)]
    table = [c for c in plan.clauses if c.kind is ClauseKind.TABLE_ROW and c.section.startswith("2.3.6")]
    assert [r.cells[0] for r in table] == [str(i) for i in range(1, 53)]
    by_no = {r.cells[0]: r for r in table}
    assert by_no["5"].cells[1:] == ("突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)", "市应急局、市规划自然资源委")
    assert by_no["20"].cells[1:] == ("燃气事故", "市城市管理委")
    assert by_no["52"].cells[1:] == ("旅游突发事件", "市文化和旅游局")
    assert {r.group for r in table} == {"自然灾害类", "事故灾难类", "公共卫生类", "社会安全类"}
    # The page's 文号 and 成文日期 fill the fields the text itself does not state.
    assert plan.document.doc_number == "京政发〔2021〕19号"
    assert plan.document.date == "2021-07-09"


def test_gbk_web_page_and_pasted_fragment(tmp_path: Path) -> None:
    lines = ["### 4.1 信息报送", *section_4_1()[:3]]
    src = load_path(make_gov_html(tmp_path / "gbk.html", lines, encoding="gb18030"))
    assert src.kind == "html" and compact(section_4_1()[2]) in compact(src.text)
    pasted = "<p>4.1.5 对于暂时无法判明等级的突发事件，应迅速核实。</p>\n<p>4.1.6 另一段。</p>"
    src = load_bytes(pasted.encode(), "pasted.txt")
    assert src.kind == "html"
    assert src.text == "4.1.5 对于暂时无法判明等级的突发事件，应迅速核实。\n4.1.6 另一段。"


def test_text_with_bold_tags_is_not_a_web_page() -> None:
    src = load_bytes("序号\t突发事件\n<b>自然灾害类</b>\t\t\n".encode(), "plan.txt")
    assert src.kind == "txt"


def test_web_page_without_text_is_one_sentence() -> None:
    with pytest.raises(InputError) as exc:
        load_bytes(b"<html><body><nav><a href='/'>home</a></nav></body></html>", "empty.html")
    assert_sentence_naming(exc, "empty.html")


# -- .doc ---------------------------------------------------------------------

needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword not installed (scripts/setup.sh)")


@needs_antiword
def test_doc_keeps_paragraphs_and_table_rows() -> None:
    src = load_bytes(DOC_FIXTURE.read_bytes(), "plan.txt")  # sniffed from the OLE2 content
    assert src.kind == "doc"
    assert [ln for ln in src.text.split("\n") if "\t" in ln] == EXPECTED_TSV
    for para in section_4_1():
        assert compact(para) in compact(src.text)


@needs_antiword
def test_doc_parses_into_clauses() -> None:
    (parsed,) = parse_path(DOC_FIXTURE)
    rows = [c for c in parsed.clauses if c.kind is ClauseKind.TABLE_ROW]
    assert [r.cells[0] for r in rows] == ["1", "2", "3", "4", "5"]
    assert any(c.number == "4.1.5" for c in parsed.clauses)


def test_doc_without_antiword_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty PATH: antiword cannot be found
    with pytest.raises(DependencyError) as exc:
        load_bytes(DOC_FIXTURE.read_bytes(), "old.doc")
    assert "antiword" in assert_sentence_naming(exc, "old.doc")


@needs_antiword
def test_truncated_doc_is_one_sentence() -> None:
    data = DOC_FIXTURE.read_bytes()
    with pytest.raises(InputError) as exc:
        load_bytes(data[: len(data) // 3], "cut.doc")
    assert "legacy Word" in assert_sentence_naming(exc, "cut.doc")


def test_ole2_that_is_not_word_stays_unsupported() -> None:
    fake_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le") + bytes(64)
    with pytest.raises(InputError) as exc:
        load_bytes(fake_xls, "sheet.xls")
    assert "OLE2" in assert_sentence_naming(exc, "sheet.xls")
