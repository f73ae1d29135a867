"""Golden table for find_levels: real clauses from the corpus, expected levels read by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import corpus_compact
from plankb.extract.facts.levels import find_grade_conditions, find_levels, grade_for
from plankb.extract.model import LevelMention, LevelScheme, Span

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

G, W, RESP = LevelScheme.EVENT_GRADE, LevelScheme.WARNING, LevelScheme.RESPONSE

# (input, [(text, scheme, rank, colour, actor), ...]) in text order; actor None = not asserted.
CASES = [
    pytest.param(  # master 3.2.3 (1)
        "(1) 蓝色、黄色预警由市相关专项指挥部办公室、市相关部门负责发布和解除，并报市应急办备案。橙色、红色预警由"
        "市相关专项指挥部办公室、市相关部门向市应急办提出预警建议，其中橙色预警由市应急办报分管市领导批准、"
        "红色预警由市应急办报市应急委主任批准后，由市应急办或授权市相关专项指挥部办公室、市相关部门发布和解除。",
        [
            ("蓝色", W, 4, "蓝", "市相关专项指挥部办公室、市相关部门"),
            ("黄色", W, 3, "黄", "市相关专项指挥部办公室、市相关部门"),
            ("橙色", W, 2, "橙", ""),
            ("红色", W, 1, "红", ""),
            ("橙色预警", W, 2, "橙", "分管市领导"),
            ("红色预警", W, 1, "红", "市应急委主任"),
        ],
        id="master-3.2.3-approvers",
    ),
    pytest.param(  # Pinggu 3.2.3 (1): 报X审批 without 由
        "橙色、红色预警由区相关专项指挥部办公室、区相关部门向区政府提出预警建议，其中橙色预警报分管区领导审批、"
        "红色预警报区应急委主任审批，批准后由区应急办或授权区相关专项指挥部办公室、区相关部门发布和解除。",
        [
            ("橙色", W, 2, "橙", ""),
            ("红色", W, 1, "红", ""),
            ("橙色预警", W, 2, "橙", "分管区领导"),
            ("红色预警", W, 1, "红", "区应急委主任"),
        ],
        id="pinggu-3.2.3-approvers",
    ),
    pytest.param(  # master 3.2.2
        "3.2.2 可以预警的突发事件预警级别,按照突发事件发生的紧急程度、发展势态和可能造成的危害程度分为一级、二级、"
        "三级和四级,分别用红色、橙色、黄色和蓝色标示,一级为最高级别。",
        [("一级", W, 1, "红", ""), ("二级", W, 2, "橙", ""), ("三级", W, 3, "黄", ""), ("四级", W, 4, "蓝", "")],
        id="master-3.2.2-warning-scheme",
    ),
    pytest.param(  # master 4.3.1
        "本市应急响应一般由高到低分为四级:一级、二级、三级、四级。",
        [("一级", RESP, 1, "", ""), ("二级", RESP, 2, "", ""), ("三级", RESP, 3, "", ""), ("四级", RESP, 4, "", "")],
        id="master-4.3.1-response-scheme",
    ),
    pytest.param(  # master 1.4.2 (joined across the page break)
        "1.4.2 除法律、法规、规章另有规定外,依据突发事件可能造成危害程度、波及范围、影响力大小、人员及财产损失等情况,"
        "由高到低划分为特别重大、重大、较大、一般4个级别。",
        [("特别重大", G, 1, "", ""), ("重大", G, 2, "", ""), ("较大", G, 3, "", ""), ("一般", G, 4, "", "")],
        id="master-1.4.2-grade-scheme",
    ),
    pytest.param("#### 4.3.2 四级响应", [("四级响应", RESP, 4, "", "")], id="master-4.3.2-heading"),
    pytest.param(  # master 4.1.5
        "对于仍在处置过程中的重大、特别重大突发事件,每 30 分钟续报人员伤亡、处置进展和发展趋势等信息,直到应急处置结束。",
        [("重大", G, 2, "", ""), ("特别重大", G, 1, "", "")],
        id="master-4.1.5-grades",
    ),
    pytest.param(  # Pinggu PH 4.2
        "4.2 分级响应根据突发公共卫生事件的严重程度和发展态势，将应急响应设定为 IV 级、Ⅲ级、Ⅱ级、Ⅰ级四个等级。",
        [("IV 级", RESP, 4, "", ""), ("Ⅲ级", RESP, 3, "", ""), ("Ⅱ级", RESP, 2, "", ""), ("Ⅰ级", RESP, 1, "", "")],
        id="pinggu-ph-4.2-roman-scheme",
    ),
    pytest.param(
        "4.2.1 IV 级响应发生一般突发公共卫生事件时，由区委、区政府启动 IV 级应急响应，负责指挥协调应急处置工作。",
        [
            ("IV 级响应", RESP, 4, "", ""),
            ("一般", G, 4, "", ""),
            ("IV 级应急响应", RESP, 4, "", "区委、区政府"),
        ],
        id="pinggu-ph-4.2.1",
    ),
    pytest.param(
        "4.2.2 Ⅲ级响应发生较大突发公共卫生事件时，由区指挥部报请区委、区政府和市指挥部批准启动Ⅲ级应急响应，"
        "负责指挥协调应急处置工作。",
        [
            ("Ⅲ级响应", RESP, 3, "", ""),
            ("较大", G, 3, "", ""),
            ("Ⅲ级应急响应", RESP, 3, "", "区委、区政府和市指挥部"),
        ],
        id="pinggu-ph-4.2.2",
    ),
    pytest.param(  # the 重大 inside the body's name is not a grade
        "（1）发生重大突发公共卫生事件后，由市委应对重大突发公共卫生事件领导机构决定，启动Ⅱ级应急响应，统一指挥处置相关事件。",
        [("重大", G, 2, "", ""), ("Ⅱ级应急响应", RESP, 2, "", "市委应对重大突发公共卫生事件领导机构")],
        id="pinggu-ph-4.2.3",
    ),
    pytest.param(
        "（1）接到特别重大突发公共卫生事件报告后，由市委、市政府报请党中央、国务院批准后启动Ⅰ级应急响应，"
        "按照党中央、国务院及全国突发公共卫生事件应急指挥机构的统一领导和指挥，开展各项应对工作。",
        [("特别重大", G, 1, "", ""), ("Ⅰ级应急响应", RESP, 1, "", "党中央、国务院")],
        id="pinggu-ph-4.2.4",
    ),
    pytest.param(  # 001 物资储备: ASCII "II"
        "应急救援保障物资储备总体规模基本能够满足同时开展两场北京市 II 级应急响应规模的重大自然灾害、"
        "事故灾难类突发事件应急救援需要，并预留一定的安全冗余。",
        [("II 级应急响应", RESP, 2, "", "")],
        id="001-ascii-II-response",
    ),
    pytest.param(  # 001 物资储备: Unicode Ⅱ
        "到规划期结束，市级应急救援保障物资总体规模基本能够满足同时开展两场北京市Ⅱ级应急响应规模的重大自然灾害、"
        "事故灾难类突发事件应急救援需要；",
        [("Ⅱ级应急响应", RESP, 2, "", "")],
        id="001-unicode-II-response",
    ),
    pytest.param(
        "（9）两个以上行政区内发生同类较大突发中毒事件（III 级），且事件原因存在明确关联。",
        [("较大", G, 3, "", ""), ("III 级", G, 3, "", "")],
        id="pinggu-ph-III-grade",
    ),
    pytest.param(
        "（7）两个以上行政区内发生同类一般突发中毒事件（IV 级），且事件原因存在明确关联。",
        [("一般", G, 4, "", ""), ("IV 级", G, 4, "", "")],
        id="pinggu-ph-IV-grade",
    ),
    pytest.param(
        "针对区域性、系统性暴雨（雪）、大风、寒潮、高温、持续性低温等极端天气，提前0-24小时发布全区橙色或红色预警信号。",
        [("橙色", W, 2, "橙", ""), ("红色", W, 1, "红", "")],
        id="004-colour-list",
    ),
    pytest.param(
        "- (1)突发事件可能达到较大级别;",
        [("较大", G, 3, "", "")],
        id="master-4.3.3-grade-level",
    ),
]

# Words with 级 (or grade words) that are not levels (corpus/NOTES.md §1.4 and the brief).
NEGATIVE = [
    pytest.param(
        "稳步推进《北京城市副中心韧性提升规划及行动计划》，积极探索构建韧性城市副中心模式，构建形成由独立运行的"
        "一级韧性城市分区、风险治理的二级城市分区、邻里自治互助的三级韧性社区组成的韧性空间布局体系。",
        id="004-resilience-zones",
    ),
    pytest.param(
        "适应各类减灾救灾场所及设施的交通需求，构建标准高、响应快、覆盖全、韧性强的应急通道系统，"
        "确保至少有1条一级应急疏散救援通道经过。",
        id="004-evacuation-route",
    ),
    pytest.param("落实林长制要求，压实四级林长责任，完善“一长两员”网格化管理体系", id="004-forest-chiefs"),
    pytest.param(
        "制发《关于进一步加强通州区应急管理工作的实施意见》，深化“区应急委—各专项应急指挥部—地区应急委”三级应急体系建设，"
        "强化统筹协调、指挥调度的系统性",
        id="004-three-tier-system",
    ),
    pytest.param(
        "1679年三河－平谷8.0级地震也曾对城市副中心区域造成严重破坏，因此，周边地区一旦发生地震灾害，"
        "城市副中心也极易受到严重灾害影响，根据第一次全国自然灾害综合风险普查结果，城市副中心地震灾害处于高危险性等级。",
        id="004-magnitude",
    ),
    pytest.param("建设区域气象协同保障体系，实现百米级分钟级预报全域覆盖及高级别预警跨域联动响应", id="004-forecast-grid"),
    pytest.param("张健同志任北京市平谷区城市管理指挥中心（正处级）主任，", id="pinggu-rank-zhengchu"),
    pytest.param("免去其北京市平谷区城市管理指挥中心（副处级）主任职务；", id="pinggu-rank-fuchu"),
    pytest.param(
        "域范围，35 千伏及以下（10 千伏以上由市级审批，10 千伏以下由区级审批）接电项目和中压及以下接气项目"
        "在禁止区域外免予占掘路审批。",
        id="pinggu-kilovolt",
    ),
    pytest.param("运用行政执法信息服务平台加强对 A 岗执法人员管理，建立执法数据半年通报机制，", id="pinggu-A-post"),
    pytest.param(
        "2.6.1 重大活动主办或承办机构应依托活动组织体系,明确或设立应急机构,建立突发事件应对工作机制,"
        "统筹协调相关部门、有关单位做好重大活动应急服务保障,指挥处置与重大活动直接相关的突发事件。",
        id="master-major-events",
    ),
    pytest.param(
        "聚焦城市安全治理重点难点，实行重大事故隐患治理逐级挂牌督办、及时整改销号和整改效果评价，"
        "切实整治一批影响首都安全的重大事故隐患。",
        id="001-major-hazards",
    ),
    pytest.param(
        "建成危化品重大危险源监测预警系统、烟花爆竹监测预警系统，接入全市所有四级以上危险源共 198 处、"
        "三等以上尾矿库共 6 座和全市加油站的 8000 余路视频和传感数据",
        id="001-hazard-source-class",
    ),
]


@pytest.mark.parametrize("text", [p.values[0] for p in CASES + NEGATIVE])
def test_inputs_are_corpus_text(text: str) -> None:
    assert re.sub(r"\s+|^#+", "", text) in corpus_compact()


@pytest.mark.parametrize("text, expected", CASES)
def test_golden(text: str, expected: list[tuple]) -> None:
    got = find_levels(text)
    assert [(x.text, x.scheme, x.rank) for x in got] == [(e[0], e[1], e[2]) for e in expected]
    for x, (_, _, _, colour, actor) in zip(got, expected, strict=True):
        assert text[x.span.start : x.span.end] == x.text
        assert x.colour == colour
        if actor is not None:
            assert x.actor == actor


@pytest.mark.parametrize("text", NEGATIVE)
def test_not_levels(text: str) -> None:
    assert find_levels(text) == []


def test_grade_conditions() -> None:
    text = "4.1.4 对于能够判定为较大及以上突发事件等级的,事件本身比较敏感或发生在重点地区、特殊时期的,可能产生较大影响的"
    assert [s for _, s in find_grade_conditions(text)] == ["较大及以上"]
    text = "对于仍在处置过程中的重大、特别重大突发事件,每 30 分钟续报"
    [(span, s)] = find_grade_conditions(text)
    assert s == "重大、特别重大" and span.of(text) == s


@pytest.mark.parametrize(
    "scheme, rank",
    [(G, 1), (W, 1), (RESP, 1), (RESP, 4)],
)
def test_grade_for_uses_one_scale(scheme: LevelScheme, rank: int) -> None:
    level = LevelMention(text="x", scheme=scheme, rank=rank, span=Span(0, 1))
    assert grade_for(level) == rank


def test_response_and_event_grade_compare() -> None:
    (resp,) = [x for x in find_levels("由区委、区政府启动 IV 级应急响应") if x.scheme is RESP]
    (grade,) = find_levels("发生一般突发公共卫生事件时")
    assert grade_for(resp) == grade_for(grade) == 4
