"""The typed answer layer (kb/answer): question parse, subject binding, per-type extraction.

Questions are invented phrasings; clause texts are real corpus sentences
(master plan 3.2.3, 4.3.5, 2.2.1; Pinggu 2.2.1; 十四五 物资储备), so no
knowledge base is needed here.  End-to-end asks run in tests/test_search.py.
"""

from __future__ import annotations

import pytest

from plankb.extract.model import Clause, ClauseKind, Document, Span
from plankb.kb.answer.counts import count, enumeration
from plankb.kb.answer.evidence import ClauseView, bound, coverage
from plankb.kb.answer.metadata import field_value, pick_document
from plankb.kb.answer.parse import parse_question
from plankb.kb.answer.timing import timing
from plankb.kb.answer.types import AnswerType, MetaField, Role
from plankb.kb.answer.who import who

WARNINGS = ("(1) 蓝色、黄色预警由市相关专项指挥部办公室、市相关部门负责发布和解除，并报市应急办备案。"
            "橙色、红色预警由市相关专项指挥部办公室、市相关部门向市应急办提出预警建议，其中橙色预警由市应急办报分管市领导批准、"
            "红色预警由市应急办报市应急委主任批准后，由市应急办或授权市相关专项指挥部办公室、市相关部门发布和解除。")
FIRST_LEVEL = "初判突发事件满足以下条件之一时，由市委、市政府在二级响应的基础上启动："
COMMITTEE = "市应急委主任由市长担任，副主任由市委负责政法工作的常委和常务副市长担任，执行副主任由协助负责应急管理方面工作的副市长担任。"
GRADES = "各类突发事件按照其性质、造成损失、影响范围等因素，一般分为特别重大、重大、较大和一般四级。"
REPORT = "对较大及以上突发事件，事发地区委、区政府应在事件发生后2小时内书面报告详细信息；对暂时无法判明等级的突发事件，接报后30分钟内报告。"


def view(text: str, path: tuple[str, ...] = (), title: str = "北京市突发事件总体应急预案（2021年修订）", rank: int = 0) -> ClauseView:
    doc = Document(id="d", title=title, text=text, jurisdiction="北京市")
    clause = Clause(id="d:1", doc_id="d", kind=ClauseKind.PARAGRAPH, text=text, span=Span(0, len(text)), path=path)
    return ClauseView(clause, doc, text, rank)


def answers(question: str, v: ClauseView, extractor) -> list[str]:  # noqa: ANN001
    q = parse_question(question)
    return [c.answer for c in extractor(q, v) if bound(q, v, c.sentence, c.evidence.start)]


@pytest.mark.parametrize(("question", "kind", "role"), [
    ("橙色预警最后是谁拍板批准的", AnswerType.WHO, Role.APPROVE),
    ("四级响应归谁启动", AnswerType.WHO, Role.START),
    ("市应急委副主任是谁担任的", AnswerType.WHO, Role.POST),
    ("应急办公室设在哪个部门", AnswerType.WHO, Role.SEAT),
    ("发生较大事件要向哪里报告", AnswerType.WHO, Role.REPORT_TO),
    ("突发事件一共分几级", AnswerType.COUNT, None),
    ("医疗救护包括哪几个环节", AnswerType.ENUMERATION, None),
    ("较大事件信息最晚几个小时内报", AnswerType.DURATION, None),
    ("避难场所多长时间核定一次", AnswerType.INTERVAL, None),
    ("这项工程什么时候完成", AnswerType.DATE, None),
    ("总体应急预案的文号是什么", AnswerType.METADATA, None),
    ("人均避难场所面积目标", AnswerType.THRESHOLD, None),
    ("二级预警用什么颜色标示", AnswerType.COLOUR, None),
    ("不清楚是几级的事件，接报后多长时间内得上报", AnswerType.DURATION, None),
])
def test_answer_type_and_role(question, kind, role):
    q = parse_question(question)
    assert q.type is kind
    assert q.role is role


def test_subject_reads_colours_levels_grades_posts_and_shorthands():
    q = parse_question("橙警由谁批准")
    assert q.normal.startswith("橙色预警") and q.subject.colours == (2,)
    assert parse_question("蓝黄预警报哪备案").subject.colours == (3, 4)
    s = parse_question("Ⅲ级应急响应谁启动").subject
    assert (s.rank, s.scheme) == (3, "response")
    s = parse_question("较大及以上的事件多久报告").subject
    assert s.grades == (3,) and s.grade_or_above
    s = parse_question("区应急委执行副主任由谁担任").subject
    assert (s.post, s.body) == ("执行副主任", "应急委")
    assert parse_question("市应急委主任谁来当").subject.post == "主任"
    assert parse_question("2030年的目标是多少").subject.numbers == ("2030",)


def test_colour_binding_never_takes_the_neighbouring_colour():
    v = view(WARNINGS)
    assert answers("红色预警由谁批准", v, who) == ["市应急委主任"]
    assert answers("橙色预警谁审批", v, who) == ["分管市领导"]


def test_level_named_in_the_heading_binds_the_start():
    """'在二级响应的基础上启动' builds on 二级; the level started is the heading's 一级."""
    v = view(FIRST_LEVEL, path=("4 应急处置与救援", "4.3 响应分级", "4.3.5 一级响应"))
    assert answers("一级响应由谁启动", v, who) == ["市委、市政府"]
    assert answers("二级响应由谁启动", v, who) == []


def test_post_holders_are_bound_to_the_exact_post():
    v = view(COMMITTEE)
    assert answers("市应急委主任由谁担任", v, who) == ["市长"]
    assert answers("市应急委执行副主任谁担任", v, who) == ["协助负责应急管理方面工作的副市长"]
    assert answers("市应急委第一副主任由谁担任", v, who) == []


def test_count_with_members_and_enumeration():
    v = view(GRADES)
    got = answers("突发事件分几级", v, count)
    assert got and got[0].startswith("四级") and all(g in got[0] for g in ("特别重大", "重大", "较大", "一般"))
    stages = view("医疗救护按照现场抢救、院前急救、专科治疗三个阶段组织实施。")
    assert "现场抢救、院前急救、专科治疗" in answers("医疗救护分哪几个阶段", stages, enumeration)


def test_duration_keeps_anchor_and_is_bound_to_the_grade():
    v = view(REPORT)
    assert answers("较大事件详细信息多久内报告", v, timing)[0] == "事件发生后2小时内"
    got = answers("一般突发事件几小时内报告", v, timing)
    assert "事件发生后2小时内" not in got  # 较大及以上 does not cover 一般


def test_coverage_counts_compound_words_by_halves():
    assert coverage(("详细信息", "报告"), REPORT) == 1.0
    assert coverage(("火星",), REPORT) == 0.0


def test_metadata_from_document_fields():
    docs = [
        Document(id="a", title="北京市突发事件总体应急预案（2021年修订）", text="", doc_number="京政发〔2021〕19号", date="2021-07-09", jurisdiction="北京市"),
        Document(id="b", title="北京市“十四五”时期应急物资储备规划", text="", doc_number="京应急发〔2021〕36号", date="2021-11", jurisdiction="北京市"),
        Document(id="c", title="北京城市副中心（通州区）“十五五”时期应急管理事业发展规划", text="", jurisdiction="通州区"),
    ]
    q = parse_question("市总体应急预案的文号是多少")
    doc, _ = pick_document(q, docs)
    assert q.meta_field is MetaField.NUMBER and doc is not None and doc.id == "a"
    assert field_value(MetaField.DATE, doc, docs)[0] == "2021年7月9日"
    tz, _ = pick_document(parse_question("通州十五五应急管理规划的文号"), docs)
    assert tz is not None and field_value(MetaField.NUMBER, tz, docs)[0] == ""  # no 文号: no answer


def test_a_question_naming_no_level_is_too_vague_where_levels_differ():
    from plankb.kb.answer.evidence import unnamed_level

    assert unnamed_level(parse_question("预警由谁批准"), WARNINGS)
    assert not unnamed_level(parse_question("红色预警由谁批准"), WARNINGS)
    assert not unnamed_level(parse_question("详细信息多久报送"), REPORT)


def test_members_take_the_reading_that_matches_the_count():
    from plankb.kb.answer.counts import _members

    stages = "规划与计划、准备、实施、评估总结和改进"
    assert _members(stages, 5) == ["规划与计划", "准备", "实施", "评估总结", "改进"]
    assert len(_members(stages)) == 6  # without a count every joining word splits


def test_post_asked_as_who_is_it():
    q = parse_question("区应急管理局局长是谁")
    assert q.role is Role.POST and q.subject.post == "局长"
    assert answers("区应急管理局局长是谁", view(COMMITTEE), who) == []
