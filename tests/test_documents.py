"""Documents cut out of the corpus files: counts, titles, 文号, dates.

Expected values are read from the files (see corpus/NOTES.md §1).
"""

from __future__ import annotations

import pytest

from conftest import FYP13_FILE, FYP14_FILE, MASTER_FILE, PINGGU_FILE, TONGZHOU_FILE
from plankb.extract.model import DocType, Level


def titles(parsed):
    return [p.document.title for p in parsed]


def test_gazette_holds_three_documents(corpus_parsed):
    assert titles(corpus_parsed[MASTER_FILE]) == [
        "推动城市南部地区高质量发展行动计划（2021—2025年）",
        "北京市突发事件总体应急预案（2021年修订）",
        "北京市关于加快建设全球数字经济标杆城市的实施方案",
    ]


def test_master_plan_metadata(master):
    d = master.document
    assert d.doc_number == "京政发〔2021〕19号"
    assert d.date == "2021-07-09"
    assert d.issuer == "北京市人民政府"
    assert d.doc_type is DocType.PLAN
    assert d.jurisdiction == "北京市"
    assert d.level is Level.MUNICIPAL
    assert d.meta("主送") == "各区人民政府,市政府各委、办、局,各市属机构"  # the colon is punctuation, not part of it


def test_fyp14_compilation_has_three_notices_and_six_plans(corpus_parsed):
    docs = [p.document for p in corpus_parsed[FYP14_FILE]]
    assert [d.title for d in docs] == [
        "北京市应急管理局关于印发《北京市“十四五”时期应急管理事业发展规划》的通知",
        "北京市“十四五”时期应急管理事业发展规划",
        "北京市应急管理局关于印发《北京市“十四五”时期安全生产规划》等四个规划的通知",
        "北京市“十四五”时期安全生产规划",
        "北京市“十四五”时期应急救援力量发展规划",
        "北京市“十四五”时期应急管理科技与信息化发展规划",
        "北京市“十四五”时期应急物资储备规划",
        "北京市人民政府防汛抗旱指挥部关于印发《北京市“十四五”时期防汛减灾发展规划》的通知",
        "北京市“十四五”时期防汛减灾发展规划",
    ]
    notices = [d for d in docs if d.doc_type is DocType.NOTICE]
    assert [d.doc_number for d in notices] == ["京应急发〔2021〕31号", "京应急发〔2021〕36号", "京政汛发〔2021〕5号"]
    assert [d.date for d in notices] == ["2021-09-28", "2021-11-17", "2021-11-19"]
    assert notices[2].issuer == "北京市人民政府防汛抗旱指挥部"
    # Each plan is carried by the notice before it.
    assert docs[4].doc_number == "京应急发〔2021〕36号"
    assert docs[8].doc_number == "京政汛发〔2021〕5号"


def test_fyp14_notice_boilerplate_is_metadata(corpus_parsed):
    notice = corpus_parsed[FYP14_FILE][0]
    d = notice.document
    assert d.meta("联系人").startswith("联系人：岳晓宇")
    assert d.meta("抄送").startswith("各区人民政府")
    texts = [c.text for c in notice.clauses]
    assert not any("特此通知" in t or "联系电话" in t or "抄送" in t or t[-2:] == "印发" for t in texts)


def test_fyp13_notice_and_plan(corpus_parsed):
    docs = [p.document for p in corpus_parsed[FYP13_FILE]]
    assert [d.title for d in docs] == [
        "北京市人民政府办公厅关于印发北京市“十三五”时期应急体系发展规划的通知",
        "北京市“十三五”时期应急体系发展规划",
    ]
    assert docs[0].doc_number == "京政办发〔2016〕18号"
    assert docs[0].date == "2016-03-25"


def test_pinggu_file_holds_seven_documents_with_their_doc_numbers(corpus_parsed):
    docs = [p.document for p in corpus_parsed[PINGGU_FILE]]
    assert [d.doc_number for d in docs] == [
        "京平政发〔2021〕30号",
        "京平政发〔2022〕1号",
        "京平政发〔2022〕2号",
        "京平政发〔2022〕3号",
        "京平政发〔2022〕4号",
        "京平政发〔2022〕6号",
        "京平政办发〔2022〕1号",
    ]
    assert [d.date for d in docs] == [
        "2021-12-31", "2022-01-01", "2022-01-11", "2022-02-07", "2022-02-24", "2022-03-21", "2022-01-30",
    ]
    assert docs[2].title == "北京市平谷区突发事件总体应急预案"
    assert docs[3].title == "北京市平谷区突发公共卫生事件应急预案（2021年修订版）"
    assert docs[1].title == "平谷区2022年为民办实事工程"
    assert docs[0].title == "北京市平谷区人民政府关于干部任免职的通知"
    assert docs[0].doc_type is DocType.APPOINTMENT
    assert docs[6].issuer == "北京市平谷区人民政府办公室"
    assert all(d.jurisdiction == "平谷区" and d.level is Level.DISTRICT for d in docs)


def test_tongzhou_takes_its_title_from_the_manifest(corpus_parsed):
    (p,) = corpus_parsed[TONGZHOU_FILE]
    d = p.document
    assert d.title == "北京城市副中心（通州区）“十五五”时期应急管理事业发展规划"
    assert d.jurisdiction == "通州区"
    assert d.level is Level.DISTRICT
    assert d.doc_type is DocType.PROGRAMME


@pytest.mark.parametrize("name", [MASTER_FILE, FYP14_FILE, FYP13_FILE, PINGGU_FILE, TONGZHOU_FILE])
def test_documents_do_not_overlap_and_keep_order(corpus_parsed, name):
    spans = [p.document.source_span for p in corpus_parsed[name]]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
