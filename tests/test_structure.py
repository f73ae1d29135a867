"""Headings, clauses, tables and spans of the real corpus.

Expected rows and sections are read from the files: master plan table 2.3.6
at 000 lines 419-486 and Pinggu's flattened table at 003 lines ~835-974.
"""

from __future__ import annotations

import re

import pytest

from conftest import MASTER_FILE, PINGGU_FILE
from plankb.extract.clean import clean
from plankb.extract.model import ClauseKind


def rows(parsed, section_prefix):
    return [c for c in parsed.clauses if c.kind is ClauseKind.TABLE_ROW and c.section.startswith(section_prefix)]


def test_master_top_sections(master):
    tops = [c.text for c in master.clauses if c.kind is ClauseKind.HEADING and len(c.path) == 1]
    assert tops == ["1 总则", "2 组织机构与职责", "3 监测与预警", "4 应急处置与救援", "5 恢复与重建", "6 应急保障", "7 预案管理", "8 附则与附件"]


def test_master_clause_ids_follow_section_numbers(master):
    by_id = {c.id: c for c in master.clauses}
    c = by_id["gaz2021-2:4.1.4"]
    assert c.text.startswith("4.1.4 对于能够判定为较大及以上突发事件等级的")
    assert c.section == "4.1 信息报送"
    assert by_id["gaz2021-2:4.3.2"].kind is ClauseKind.HEADING
    assert by_id["gaz2021-2:4.3.2"].text == "4.3.2 四级响应"


def test_master_table_2_3_6_has_52_rows_with_leads(master):
    table = rows(master, "2.3.6")
    assert len(table) == 52
    assert [r.cells[0] for r in table] == [str(i) for i in range(1, 53)]
    by_no = {r.cells[0]: r for r in table}
    assert by_no["20"].cells[1:] == ("燃气事故", "市城市管理委")
    assert by_no["5"].cells[1:] == ("突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)", "市应急局、市规划自然资源委")
    assert by_no["14"].cells[2] == "市公安局公安交通管理局"
    assert by_no["49"].cells[2] == "市民族宗教委、市委政法委"
    assert by_no["52"].cells[1:] == ("旅游突发事件", "市文化和旅游局")
    assert by_no["1"].header == ("序号", "突发事件", "市级处置主责部门")
    groups = {r.group for r in table}
    assert groups == {"自然灾害类", "事故灾难类", "公共卫生类", "社会安全类"}
    assert by_no["33"].group == "事故灾难类" and by_no["34"].group == "公共卫生类" and by_no["41"].group == "社会安全类"


def test_pinggu_table_has_48_rows_with_wrapped_cells_joined(pinggu):
    table = rows(pinggu, "2.3.6")
    assert len(table) == 48
    by_no = {r.cells[0]: r for r in table}
    assert by_no["5"].cells[1:] == ("突发地质灾害（崩塌、滑坡、泥石流、地面塌陷等）", "区应急管理局、区规划自然资源分局")
    assert by_no["6"].cells[1:] == ("气象灾害（大风、沙尘暴、雷电、冰雹、高温、暴雪等）", "区应急管理局、区气象局、区园林绿化局、区城市管理委等部门")
    assert by_no["30"].cells[1] == "重大传染病疫情（鼠疫、炭疽、霍乱、非典型肺炎、新冠肺炎、流感等）"
    assert by_no["46"].cells[1:] == ("影响校园安全稳定事件", "区委教工委、区教委、区委政法委")
    assert by_no["18"].cells[1:] == ("燃气事故", "区城市管理委")
    assert by_no["48"].cells[1:] == ("旅游突发事件", "区文化旅游局")
    assert by_no["17"].cells[1:] == ("电力突发事件", "区城市管理委")  # its line starts a page (leading space)


def test_pinggu_plan_catalogue_rows(pinggu):
    cat = [c for c in pinggu.clauses if c.kind is ClauseKind.TABLE_ROW and any(h.startswith("8.3 ") for h in c.path)]
    assert len(cat) == 7 + 17 + 6 + 8 + 9  # 自然灾害 7, 事故灾难 17, 公共卫生 6, 社会安全 8, 应急保障 9
    names = {r.cells[1]: r.cells[2] for r in cat}
    assert names["平谷区燃气突发事件应急预案"] == "区城市管理委"
    assert names["平谷区城市公共供水突发事件应急预案"] == "区水务局"


def test_split_numbers_are_joined_in_pinggu(pinggu):
    (c,) = [c for c in pinggu.clauses if c.text.startswith("4.1.5")]
    assert "每30分钟续报人员伤亡" in c.text
    assert "接报后10分钟" in c.text


PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
TOC_LINE = re.compile(r"(\.{3,}|…{2,})\s*\(?\d+\)?$|\t\d{1,3}$")


def test_no_artefacts_inside_clauses(corpus_parsed):
    for parsed in corpus_parsed.values():
        for p in parsed:
            for c in p.clauses:
                assert not PAGE_NUMBER.search(c.text), c.id
                assert "[bookmark:" not in c.text, c.id
                assert "**" not in c.text and "<b>" not in c.text, c.id
                assert not TOC_LINE.search(c.text), c.id


def test_toc_entries_are_not_read_as_headings(master):
    headings = [c.text for c in master.clauses if c.kind is ClauseKind.HEADING]
    assert headings.count("1.1 目的与意义") == 1
    assert headings.count("4.1 信息报送") == 1


# What cleaning is allowed to remove from a source slice.
_REMOVABLE = re.compile(
    r"\[bookmark: [^\]]*\]|\*\*|</?b>|^[ \t]*(?:#{1,6}|[-*])[ \t]+|^[ \t]*[—–\-－]{1,2}\s*[0-9０-９]{1,4}\s*[—–\-－]{1,2}[ \t]*$|\s",
    re.M,
)


def _norm_source(s: str) -> str:
    s = s.translate(str.maketrans("０１２３４５６７８９％", "0123456789%"))
    s = re.sub(r"(?m)^(\s*\d{1,2}(?:\.\d{1,2})*)\.l(?=[\s\u4e00-\u9fff])", r"\1.1", s)
    return _REMOVABLE.sub("", s)


def test_every_clause_span_maps_back_to_its_source(corpus_parsed, raw_texts):
    checked = 0
    for name, parsed in corpus_parsed.items():
        raw = raw_texts[name]
        for p in parsed:
            doc = p.document
            for c in p.clauses:
                assert doc.text[c.span.start : c.span.end] == c.text
                src = doc.source_range(c.span)
                assert _norm_source(raw[src.start : src.end]) == re.sub(r"\s", "", c.text), (name, c.id)
                checked += 1
    assert checked > 2500


@pytest.mark.parametrize(
    "raw, expected",
    [
        # 003 style: hard-wrapped lines with blank lines between, a page number inside a sentence.
        ("1.1 目的与意义 \n\n" + "甲" * 26 + "或者死亡 2人\n\n— 82 —\n\n 以上。 \n\n2 组织机构与职责\n", ["1.1 目的与意义", "甲" * 26 + "或者死亡2人以上。", "2 组织机构与职责"]),
        # Word bookmarks and a TAB-led table cell.
        ("[bookmark: _Toc1]（一）大应急管理体系初步建成\n", ["（一）大应急管理体系初步建成"]),
    ],
)
def test_clean_examples(raw, expected):
    wrapped_raw = raw if "甲" not in raw else "\n\n".join(["乙" * 26 + "。"] * 25) + "\n\n" + raw
    text = clean(wrapped_raw).text
    for line in expected:
        assert line in text.split("\n")


def test_pinggu_clause_source_lines(pinggu, raw_texts):
    raw = raw_texts[PINGGU_FILE]
    (c,) = [c for c in pinggu.clauses if c.text.startswith("4.1.5")]
    src = pinggu.document.source_range(c.span)
    first_line = raw.count("\n", 0, src.start) + 1
    assert raw.splitlines()[first_line - 1].startswith("4.1.5")


def test_master_file_is_marked(corpus_parsed):
    assert all(p.document.meta("master_file") == "true" for p in corpus_parsed[MASTER_FILE])


@pytest.mark.parametrize(
    "raw, clause_text",
    [
        # Master plan l.519–521: a page break cut the sentence before "(12345)".
        ("3.1.4 甲。\n\n3.1.5 市紧急报警服务中心(110)和市市民热线服务中心\n\n(12345)负责受理、分析公民反映的各类信息。\n",
         "3.1.5 市紧急报警服务中心(110)和市市民热线服务中心(12345)负责受理、分析公民反映的各类信息。"),
        # A list item number stays an item of its own.
        ("3.1.5 区应急管理局负责\n\n(12)项工作。\n", "(12)项工作。"),
    ],
)
def test_a_hotline_number_continues_the_line_before(raw, clause_text):
    from plankb.extract.structure import parse_clauses

    text = clean(raw).text
    clauses = parse_clauses("t", text)
    assert clause_text in [c.text for c in clauses]


def test_no_master_heading_is_cut_before_a_bracketed_number(master):
    """The table of contents lists no half sentence: 3.1.5 is an item, not a heading."""
    (c,) = [c for c in master.clauses if c.number == "3.1.5"]
    assert c.kind is not ClauseKind.HEADING
    assert c.text.startswith("3.1.5 市紧急报警服务中心(110)和市市民热线服务中心(12345)负责受理")
    texts = [c.text for c in master.clauses]
    for i, c in enumerate(master.clauses[:-1]):
        if c.kind is ClauseKind.HEADING:
            assert not re.match(r"^[（(]\d{3,}[)）]", texts[i + 1]), c.text


CATEGORY_LINE_RE = re.compile(r"^\s*[（(]\d[)）]\s*(\S{2,10}类)\s*$")


def test_every_catalogue_row_sits_under_its_category_heading(corpus_parsed, raw_texts):
    """Every '（n）…类' line of the corpus that heads plan-catalogue or duty-table rows, even one
    written with a leading space (' （2）事故灾难类', Pinggu l.2710), is the section and group
    of the rows that follow it."""
    checked = 0
    for parsed in corpus_parsed.values():
        for p in parsed:
            for c in (c for c in p.clauses if c.kind is ClauseKind.TABLE_ROW):
                m = CATEGORY_LINE_RE.match(c.section)
                if not m:
                    continue
                checked += 1
                assert c.group in ("", m.group(1)) and c.path[-1] == c.section, (c.id, c.section, c.group)
    assert checked >= 40
    (pg,) = [p for p in corpus_parsed[PINGGU_FILE] if p.document.doc_number == "京平政发〔2022〕2号"]
    sections = {c.cells[1]: c.section for c in pg.clauses if c.kind is ClauseKind.TABLE_ROW and len(c.cells) > 2}
    assert sections["平谷区地震应急预案"] == "（1）自然灾害类"
    assert sections["平谷区危险化学品事故应急预案"] == "（2）事故灾难类"
    assert sections["平谷区信息安全事件应急预案"] == "（2）事故灾难类"
    assert sections["平谷区突发公共卫生事件应急预案"] == "（3）公共卫生事件类"
    assert sections["平谷区金融突发事件应急预案"] == "（4）社会安全事件类"
    assert "（2）事故灾难类" in [c.text.strip() for c in pg.clauses if c.kind is ClauseKind.HEADING]
    # every category line of the raw text is a heading or a group of some parsed clause
    raw_lines = [ln for ln in raw_texts[PINGGU_FILE].split("\n") if CATEGORY_LINE_RE.match(ln)]
    seen = {c.text.strip() for p in corpus_parsed[PINGGU_FILE] for c in p.clauses if c.kind is ClauseKind.HEADING}
    assert raw_lines and all(ln.strip() in seen for ln in raw_lines), raw_lines
