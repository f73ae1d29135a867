"""Golden table for find_deadlines: real clauses from the corpus, expected facts read by hand.

Inputs are clauses as the cleaner hands them over: hard-wrapped lines joined,
page numbers gone, spaces between digits and Chinese kept ("2 小时").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import corpus_compact
from plankb.extract.facts.deadlines import find_deadlines
from plankb.extract.model import DeadlineKind

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

D, DATE, Y, R, NOW = (
    DeadlineKind.DURATION, DeadlineKind.DATE, DeadlineKind.YEAR, DeadlineKind.RECURRENCE, DeadlineKind.IMMEDIATE,
)

# (input, [(text, kind, value, anchor, action, condition, working_days), ...]) in text order.
# action/condition None = not asserted.
CASES = [
    pytest.param(  # master 4.1.4
        "4.1.4 对于能够判定为较大及以上突发事件等级的,事件本身比较敏感或发生在重点地区、特殊时期的,"
        "可能产生较大影响的突发事件或突出情况信息,市相关专项指挥部办公室、市相关部门和有关单位及事发地的区、"
        "重点地区管委会要立即报告市委总值班室和市应急办,同时通报市委宣传部、市委网信办等部门,"
        "详细信息最迟不得晚于事件发生后 2 小时报送。",
        [
            ("立即", NOW, "PT0S", "", "报告", "较大及以上", False),
            ("2 小时", D, "PT2H", "occurrence", "报送详细信息", "较大及以上", False),
        ],
        id="master-4.1.4",
    ),
    pytest.param(  # master 4.1.5, first sentence
        "4.1.5 对于暂时无法判明等级的突发事件,应迅速核实,最迟不晚于接报后 30 分钟向市委总值班室和市应急办报告。",
        [("30 分钟", D, "PT30M", "receipt", "报告", "", False)],
        id="master-4.1.5-receipt",
    ),
    pytest.param(  # master 4.1.5, second sentence
        "对于仍在处置过程中的重大、特别重大突发事件,每 30 分钟续报人员伤亡、处置进展和发展趋势等信息,直到应急处置结束。",
        [("每 30 分钟", R, "R/PT30M", "", "续报", "重大、特别重大", False)],
        id="master-4.1.5-recurrence",
    ),
    pytest.param(  # master 4.7.1
        "突发事件发生后,相关区政府和市级处置主责部门要快速反应、及时发声,遇有重大突发事件要第一时间通过权威媒体"
        "向社会发布简要信息,最迟应在 5 小时内发布,随后发布初步核实情况、政府应对措施和公众防范措施等,"
        "并根据事件处置情况做好后续发布工作。",
        [
            ("第一时间", NOW, "PT0S", "occurrence", "发布简要信息", "重大", False),
            ("5 小时内", D, "PT5H", "occurrence", "发布", "重大", False),
        ],
        id="master-4.7.1",
    ),
    pytest.param(  # Pinggu 4.1.4 (hard-wrapped in the file; joined here)
        "4.1.4 对于能够判定为一般及以上突发事件等级的，事件本身比较敏感或发生在重点地区、特殊时期的，"
        "可能产生较大影响的突发事件或突出情况信息，区相关专项指挥部办公室、相关部门和有关单位及事发地政府"
        "要立即报告区委办公室、区政府办公室和区应急办，同时通报区委宣传部、区委网信办等部门，"
        "详细信息最迟不得晚于事件发生后 1小时报送。",
        [
            ("立即", NOW, "PT0S", "", "报告", "一般及以上", False),
            ("1小时", D, "PT1H", "occurrence", "报送详细信息", "一般及以上", False),
        ],
        id="pinggu-4.1.4",
    ),
    pytest.param(  # Pinggu 4.1.5: the 10-minute limit and the 30-minute cycle
        "4.1.5 对于暂时无法判明等级的突发事件，应迅速核实，最迟不晚于接报后 10 分钟向区委办公室、区政府办公室和"
        "区应急办报告。对于仍在处置过程中的重大、特别重大突发事件，每 30 分钟续报人员伤亡、处置进展和发展趋势"
        "等信息，直到应急处置结束。",
        [
            ("10 分钟", D, "PT10M", "receipt", "报告", "", False),
            ("每 30 分钟", R, "R/PT30M", "", "续报", "重大、特别重大", False),
        ],
        id="pinggu-4.1.5",
    ),
    pytest.param(  # Pinggu 为民办实事, item 2
        "完成时限：2022 年 11 月底前",
        [("2022 年 11 月底前", DATE, "2022-11-30", "", "完成", "", False)],
        id="pinggu-wmbss-item2",
    ),
    pytest.param(
        "完成时限：2022 年 6 月底前",
        [("2022 年 6 月底前", DATE, "2022-06-30", "", "完成", "", False)],
        id="pinggu-wmbss-june",
    ),
    pytest.param(
        "完成时限：2022 年 12 月底前",
        [("2022 年 12 月底前", DATE, "2022-12-31", "", "完成", "", False)],
        id="pinggu-wmbss-december",
    ),
    pytest.param(  # master 6.8.3
        "6.8.3 按照“急事急办”的原则,简化工作环节,凡市政府批准的拨款事宜,在1个工作日内完成相关手续,"
        "确保突发事件处置工作的顺利进行。",
        [("1个工作日内", D, "P1D", "", "完成相关手续", "", True)],
        id="master-6.8.3-working-day",
    ),
    pytest.param(  # Pinggu 6.8.3, spaces inside the number
        "凡区政府批准的拨款事宜，在 1 个工作日内完成相关手续，确保突发事件处置工作的顺利进行。",
        [("1 个工作日内", D, "P1D", "", "完成相关手续", "", True)],
        id="pinggu-6.8.3-working-day",
    ),
    pytest.param(
        "除需编制水影响评价报告书的项目外，实现水影响评价 16 个工作日内办结；",
        [("16 个工作日内", D, "P16D", "", "办结", "", True)],
        id="pinggu-business-16-working-days",
    ),
    pytest.param(
        "支持法院扩大简易程序和独任制适用范围，将需公告送达或需鉴定评估的简单案件纳入简易程序，实现案件 3 个月内审结；",
        [("3 个月内", D, "P3M", "", "审结", "", False)],
        id="pinggu-business-3-months",
    ),
    pytest.param(
        "通过压实责任、抓实案款发放、落实严抓常管等措施力争具备条件的案款在法院收到后 20 日内发放。",
        [("20 日内", D, "P20D", "receipt", "发放", "", False)],
        id="pinggu-business-20-days-receipt",
    ),
    pytest.param(  # Pinggu PH 3.3.2: the clock starts when a unit learns of the event
        "责任报告单位及其他单位发现突发公共卫生事件后，应当在30 分钟内尽快向区卫生健康委报告。",
        [("30 分钟内", D, "PT30M", "receipt", "报告", "", False)],
        id="pinggu-ph-30-minutes",
    ),
    pytest.param(  # 001 main plan, sub-goals
        "重大灾害事故发生后，首批区级应急物资4小时内、市级应急物资6小时内送达现场，"
        "受灾人员10小时之内基本生活得到有效救助。",
        [
            ("4小时内", D, "PT4H", "occurrence", None, "", False),
            ("6小时内", D, "PT6H", "occurrence", "送达现场", "", False),
            ("10小时之内", D, "PT10H", "occurrence", "得到有效救助", "", False),
        ],
        id="001-goal-supplies",
    ),
    pytest.param(
        "应急预案责任单位每年至少开展 1次应急演练。",
        [("每年", R, "R/P1Y", "", None, "", False)],
        id="002-yearly-drill",
    ),
    pytest.param(
        "建设 1 个综合性实训保障基地，每年组织不少于 1 次不同类型队伍参加的综合应急救援演练，"
        "每两年组织 1 次全市安全应急领域应急救援员职业技能竞赛。",
        [
            ("每年", R, "R/P1Y", "", "组织", "", False),
            ("每两年", R, "R/P2Y", "", "组织", "", False),
        ],
        id="001-yearly-and-biennial",
    ),
    pytest.param(
        "统筹相关培训安排，每5年完成1次乡镇（街道）干部轮训，每3年完成1次村（社区）“两委”班子成员和社区专职工作者轮训。",
        [("每5年", R, "R/P5Y", "", None, "", False), ("每3年", R, "R/P3Y", "", None, "", False)],
        id="004-training-cycles",
    ),
    pytest.param(
        "各单位每月填报诉求办理、服务成效、公共资源投入等情况",
        [("每月", R, "R/P1M", "", "填报", "", False)],
        id="pinggu-monthly",
    ),
    pytest.param(
        "到 2025 年，应急管理体系和能力现代化建设取得重大进展，全面构建起具有首都特色的应急管理体制机制，",
        [("到 2025 年", Y, "2025", "", None, "", False)],
        id="001-target-year",
    ),
    pytest.param(
        "研究制定规范专业应急救援队伍建设的不地方标准,到2025年底,建立起覆盖全行业领域、符合首都实际、"
        "统一注册管理的专业应急救援队伍建设管理体系。",
        [("到2025年底", DATE, "2025-12-31", "", None, "", False)],
        id="001-year-end",
    ),
    pytest.param(  # master 4.1.3
        "4.1.3 获悉突发事件信息的公民、法人或其他组织,应当立即向事发地政府、有关主管部门或指定的专业机构报告。",
        [("立即", NOW, "PT0S", "", "报告", "", False)],
        id="master-4.1.3-immediate",
    ),
    pytest.param(  # master 8.2.3
        "8.2.3《北京市突发事件总体应急预案(2021年修订)》自印发之日起施行",
        [("自印发之日起施行", NOW, "PT0S", "issue", "施行", "", False)],
        id="master-8.2.3-issue",
    ),
    pytest.param(  # Pinggu PH 4.1.2 (1)
        "（1）对于以下情况应立即报告，详细信息最迟不晚于事件发生后 1小时报告：",
        [
            ("立即", NOW, "PT0S", "", "报告", "", False),
            ("1小时", D, "PT1H", "occurrence", "报告详细信息", "", False),
        ],
        id="pinggu-ph-1-hour",
    ),
]

# Clauses with numbers that are not deadlines.
NEGATIVE = [
    pytest.param(  # 及时 is too vague to be a deadline
        "4.1.1 市应急办、市各专项指挥部办公室、市相关部门和有关单位、各区、重点地区管委会,"
        "应按照有关规定及时上报各类突发事件信息和其他相关信息。",
        id="master-4.1.1-jishi",
    ),
    pytest.param(  # a historical statement
        "2016年修订的《北京市突发事件总体应急预案》明确了市应急委统一领导，统分结合、以分为主的分级分类应急物资管理体制。",
        id="001-history-2016",
    ),
    pytest.param("2021 年 12 月 31 日", id="pinggu-signature-date"),
    pytest.param("6\t灾害性地震预警信息发布时效（震后）\t5-10 秒\t预期性", id="001-table-seconds"),
    pytest.param(  # a time window of a grading criterion
        "（3）霍乱在一个行政区内流行，一周内发病 30 人以上，或者波及两个以上行政区，并有扩散趋势。",
        id="pinggu-ph-window-week",
    ),
    pytest.param(
        "（8）在一个行政区内，24 小时内出现 2起以上可能存在关联的同类中毒事件时，累计中毒人数 100 人以上且死亡 2 人以上"
        " 10人以下，或者累计死亡 10 人以上 30 人以下。",
        id="pinggu-ph-window-24h",
    ),
    pytest.param(
        "截止 2020 年底，全市城市轨道交通运营里程已超 700 公里；",
        id="001-history-year-end",
    ),
    pytest.param("完善森林火险预警与预防应对机制，认真落实森林防火期24小时值班备勤制度和“零报告”制度。", id="004-24h-duty"),
]


@pytest.mark.parametrize("text", [p.values[0] for p in CASES + NEGATIVE])
def test_inputs_are_corpus_text(text: str) -> None:
    assert re.sub(r"\s+", "", text) in corpus_compact()


@pytest.mark.parametrize("text, expected", CASES)
def test_golden(text: str, expected: list[tuple]) -> None:
    got = find_deadlines(text)
    assert [d.text for d in got] == [e[0] for e in expected]
    for d, (etext, kind, value, anchor, action, condition, working) in zip(got, expected, strict=True):
        assert text[d.span.start : d.span.end] == d.text == etext
        assert (d.kind, d.value, d.anchor, d.working_days) == (kind, value, anchor, working)
        if action is not None:
            assert d.action == action
        if condition is not None:
            assert d.condition == condition


@pytest.mark.parametrize("text", NEGATIVE)
def test_not_deadlines(text: str) -> None:
    assert find_deadlines(text) == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("两小时内报送", "PT2H"),
        ("半小时内报告", "PT30M"),
        ("一个工作日内完成", "P1D"),
        ("每半年开展一次", "R/P6M"),
        ("每季度召开一次", "R/P3M"),
        ("2022年6月30日前完成", "2022-06-30"),
        ("6月30日前报送", "--06-30"),
        ("各区要在年底前完成", "--12-31"),
        ("2025年前完成", "2025"),
        ("２ 小时内报告", "PT2H"),  # full-width digit
    ],
)
def test_number_forms(text: str, value: str) -> None:
    (d,) = find_deadlines(text)
    assert d.value == value
    assert text[d.span.start : d.span.end] == d.text


def test_offsets_shift_with_caller() -> None:
    text = "最迟不晚于接报后 30 分钟向市委总值班室和市应急办报告。"
    (d,) = find_deadlines(text)
    prefix = "4.1.5 对于暂时无法判明等级的突发事件,应迅速核实,"
    doc = prefix + text
    assert d.span.shift(len(prefix)).of(doc) == "30 分钟"
