"""Golden table for find_thresholds: real clauses from the corpus, expected quantities read by hand.

Table rows are given as the segmenter produces them: cells joined by TABs
(001 keeps its TABs; 004 has one cell per line, joined here).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import corpus_compact
from plankb.extract.facts.thresholds import find_thresholds, is_history_heading

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
RG = "range"

# (input, [(text, operator, value, value_max, unit, indicator), ...]) in text order;
# indicator None = not asserted.
CASES = [
    # 001 main plan, "十四五"核心指标 (l.235-240)
    pytest.param(
        "1\t单位地区生产总值生产安全事故死亡率（人/百亿）\t<0.9\t约束性",
        [("<0.9", "<", 0.9, None, "人/百亿", "单位地区生产总值生产安全事故死亡率（人/百亿）")],
        id="001-core-1",
    ),
    pytest.param(
        "2\t年均每百万人口因自然灾害死亡率\t<1\t预期性",
        [("<1", "<", 1, None, "", "年均每百万人口因自然灾害死亡率")],
        id="001-core-2",
    ),
    pytest.param(
        "3\t年均因自然灾害直接经济损失占地区生产总值\t<1%\t预期性",
        [("<1%", "<", 1, None, "%", "年均因自然灾害直接经济损失占地区生产总值")],
        id="001-core-3",
    ),
    pytest.param(
        "4\t人均应急避难场所面积（平方米）\t1.5\t预期性",
        [("1.5", "=", 1.5, None, "平方米", "人均应急避难场所面积（平方米）")],
        id="001-core-4",
    ),
    pytest.param(
        "5\t10 万人口（常住人口）年火灾死亡率\t<0.33\t预期性",
        [("<0.33", "<", 0.33, None, "", "10 万人口（常住人口）年火灾死亡率")],
        id="001-core-5",
    ),
    pytest.param(
        "6\t灾害性地震预警信息发布时效（震后）\t5-10 秒\t预期性",
        [("5-10 秒", RG, 5, 10, "秒", "灾害性地震预警信息发布时效（震后）")],
        id="001-core-6",
    ),
    pytest.param(  # 001 安全生产, 主要指标 row 3
        "3\t营运车辆万车死亡率\t下降 10%\t预期性",
        [("下降 10%", "decrease_by", 10, None, "%", "营运车辆万车死亡率")],
        id="001-safety-3",
    ),
    # 004 indicator table (l.67-140; one cell per line in the file)
    pytest.param(
        "2\t年火灾死亡率（单位：人/10万人口（常住人口））\t≦0.25\t约束性",
        [("≦0.25", "<=", 0.25, None, "人/10万人口（常住人口）", "年火灾死亡率（单位：人/10万人口（常住人口））")],
        id="004-table-2",
    ),
    pytest.param(
        "3\t道路交通事故死亡人数\t下降约3%\t预期性",
        [("下降约3%", "decrease_by", 3, None, "%", "道路交通事故死亡人数")],
        id="004-table-3",
    ),
    pytest.param(
        "4\t年均每百万人口因自然灾害死亡率\t<0.9%\t预期性",
        [("<0.9%", "<", 0.9, None, "%", "年均每百万人口因自然灾害死亡率")],
        id="004-table-4",
    ),
    pytest.param(
        "7\t人均应急避难场所面积（平方米）\t1.8平方米\t预期性",
        [("1.8平方米", "=", 1.8, None, "平方米", None)],
        id="004-table-7",
    ),
    pytest.param(
        "8\t森林火灾受害率\t0.2‰\t预期性",
        [("0.2‰", "=", 0.2, None, "‰", "森林火灾受害率")],
        id="004-table-8",
    ),
    pytest.param(
        "14\t故障处置响应时间\t优于30分钟\t预期性",
        [("优于30分钟", "<", 30, None, "分钟", "故障处置响应时间")],
        id="004-table-14",
    ),
    # Prose targets
    pytest.param(
        "全市消防站5分钟响应时间覆盖率明显提高，首都功能核心区消防站5分钟响应时间覆盖率达100%、3分钟响应时间覆盖率"
        "明显提高，中心城区消防站5分钟响应时间覆盖率不低于80%；",
        [
            ("达100%", "=", 100, None, "%", "首都功能核心区消防站5分钟响应时间覆盖率"),
            ("不低于80%", ">=", 80, None, "%", "中心城区消防站5分钟响应时间覆盖率"),
        ],
        id="001-fire-station-coverage",
    ),
    pytest.param(
        "全市消防人员占总人口的比例达到0.65‰，生产储存易燃易爆危险品的大型企业、重点文物保护单位建立企业专职消防队比例达90%。",
        [
            ("达到0.65‰", "=", 0.65, None, "‰", "全市消防人员占总人口的比例"),
            ("达90%", "=", 90, None, "%", None),
        ],
        id="001-firefighter-ratio",
    ),
    pytest.param("规划建设消防救援站41座。", [("41座", "=", 41, None, "座", "规划建设消防救援站")], id="001-stations"),
    pytest.param(
        "全市重点行业（场所）从业人员社会急救知识和技能培训率达到50%-60%；",
        [("达到50%-60%", RG, 50, 60, "%", "全市重点行业（场所）从业人员社会急救知识和技能培训率")],
        id="001-training-range",
    ),
    pytest.param(
        "各级学校每年组织开展 2次以上的应急演练，确保每名学生每年接受公共安全与应急知识教育的日常教学和实践活动时间"
        "累计不少于 8个学时。",
        [("2次以上", ">=", 2, None, "次", None), ("不少于 8个学时", ">=", 8, None, "个学时", None)],
        id="002-school-drills",
    ),
    pytest.param(
        "应急队伍每年至少开展 2次技能培训、至少组织 1次应急演练。",
        [("至少开展 2次", ">=", 2, None, "次", None), ("至少组织 1次", ">=", 1, None, "次", None)],
        id="002-distant-at-least",
    ),
    pytest.param(
        "全市机动车保有量已超过 560万辆，六环路内日均出行总量已超过 3000万人次，城市交通和过境交通压力持续增大。",
        [("超过 560万辆", ">", 560, None, "万辆", None), ("超过 3000万人次", ">", 3000, None, "万人次", None)],
        id="002-exceeds",
    ),
    pytest.param(
        "“十三五”期间，全市生产安全死亡事故起数、死亡人数分别下降 33.2%和 35.4%，单位地区生产总值生产安全事故"
        "死亡率下降 58.9%，远超“十三五”规划预期目标值。",
        [
            ("下降 33.2%", "decrease_by", 33.2, None, "%", None),
            ("35.4%", "decrease_by", 35.4, None, "%", None),
            ("下降 58.9%", "decrease_by", 58.9, None, "%", "单位地区生产总值生产安全事故死亡率"),
        ],
        id="001-decreases-shared",
    ),
    pytest.param(
        "救灾物资具备应急保障占本市人口总数1％的受灾群众转移安置所需的能力，保障受灾群众 6小时内得到基本救助。",
        [("1％", "=", 1, None, "%", None)],
        id="002-fullwidth-percent",
    ),
    pytest.param(
        "到 2025 年，受灾人员生活保障物资储备总体规模在“十三五”时期基础上稳步增加，达到满足全市 1.2% 常住人口，"
        "约 28 万人的应急生活保障需求；",
        [("1.2%", "=", 1.2, None, "%", None), ("约 28 万人", "≈", 28, None, "万人", None)],
        id="001-supplies-2025",
    ),
    pytest.param(
        "市、区两级受灾人员生活保障物资总量达到不低于保障对 28 万人开展基本生活救助的规模。",
        [("不低于保障对 28 万人", ">=", 28, None, "万人", None)],
        id="001-distant-not-below",
    ),
    pytest.param(
        "力争实现预警信息发布平均时间控制在10分钟以内，触达应急责任人时间控制在5分钟以内，"
        "高级别预警应急责任人触达率达95%以上。",
        [
            ("控制在10分钟以内", "<=", 10, None, "分钟", "预警信息发布平均时间"),
            ("控制在5分钟以内", "<=", 5, None, "分钟", "触达应急责任人时间"),
            ("达95%以上", ">=", 95, None, "%", "高级别预警应急责任人触达率"),
        ],
        id="004-warning-times",
    ),
    pytest.param(
        "每年对不少于首轮普查底数10%的调查对象开展更新与核查，确保数据准确率不低于95%，",
        [("不少于首轮普查底数10%", ">=", 10, None, "%", None), ("不低于95%", ">=", 95, None, "%", "数据准确率")],
        id="004-census",
    ),
    pytest.param(
        "全市堤防基本达到设计标准，其中永定河、北运河、潮白河干流河道现状防洪标准达到 20 至 100 年一遇，"
        "洹河和拒马河治理标准为 10 年至 50 年一遇；",
        [("达到 20 至 100 年一遇", RG, 20, 100, "年一遇", None), ("10 年至 50 年一遇", RG, 10, 50, "年一遇", None)],
        id="001-flood-return-periods",
    ),
    pytest.param(
        "实施新平东路、杨稻路等 30 条 40 公里公路修复工程，加强道路积水点治理，方便群众出行。",
        [("30 条", "=", 30, None, "条", None), ("40 公里", "=", 40, None, "公里", None)],
        id="pinggu-wmbss-roads",
    ),
    pytest.param(
        "新增中小学学位3万个以上、医疗床位7000张以上,公共服务能力明显提升。",
        [("3万个以上", ">=", 3, None, "万个", None), ("7000张以上", ">=", 7000, None, "张", None)],
        id="000-wan-prefix",
    ),
    pytest.param(
        "统筹各类政务云、公有云、私有云等算力中心资源，形成市级算力中心与区域算力中心相结合的整体布局，"
        "实现北京人均算力达到 3000GFLOPS。",
        [("达到 3000GFLOPS", "=", 3000, None, "GFLOPS", "北京人均算力")],
        id="000-latin-unit",
    ),
    # Pinggu PH grading criteria: 以下 excludes the number there (L4084)
    pytest.param(
        "（3）霍乱在一个行政区内，一周内发病10人以上30人以下，或者波及两个以上行政区，或者为首次发生。",
        [
            ("10人以上30人以下", RG, 10, 30, "人", None),
            ("两个以上", ">=", 2, None, "个", None),
        ],
        id="pinggu-ph-cholera",
    ),
    pytest.param(
        "③饮用水污染影响范围在 1平方公里以上 5平方公里以下。",
        [("1平方公里以上 5平方公里以下", RG, 1, 5, "平方公里", None)],
        id="pinggu-ph-area",
    ),
    pytest.param(
        "（2）在 1 个行政区域内发生腺鼠疫流行，1 个平均潜伏期内连续发病 10～19 例，或流行范围波及 2个以上行政区。",
        [("10～19 例", RG, 10, 19, "例", None), ("2个以上", ">=", 2, None, "个", None)],
        id="pinggu-ph-plague",
    ),
    pytest.param(
        "（6）在一个行政区内，24 小时内出现 2起以上可能存在关联的同类中毒事件时，累计中毒人数 100 人以上且死亡 1 人，"
        "或者累计死亡 3人以上 10 人以下。",
        [
            ("2起以上", ">=", 2, None, "起", None),
            ("100 人以上", ">=", 100, None, "人", None),
            ("1 人", "=", 1, None, "人", None),
            ("3人以上 10 人以下", RG, 3, 10, "人", None),
        ],
        id="pinggu-ph-poisoning",
    ),
    pytest.param(
        "域范围，35 千伏及以下（10 千伏以上由市级审批，10 千伏以下由区级审批）接电项目和中压及以下接气项目"
        "在禁止区域外免予占掘路审批。",
        [
            ("35 千伏及以下", "<=", 35, None, "千伏", None),
            ("10 千伏以上", ">=", 10, None, "千伏", None),
            ("10 千伏以下", "<=", 10, None, "千伏", None),  # not the PH plan: 以下 includes
        ],
        id="pinggu-kilovolt",
    ),
    pytest.param(
        "聚焦弱势群体和重点区域安全防护，全区为80岁以上老人等弱势群体安装联网式感烟火灾报警器3.5万个，"
        "为30个火灾高风险小区共计配备电动自行车智能阻车器963部。",
        [("80岁以上", ">=", 80, None, "岁", None)],
        id="004-history-keeps-only-compared",
    ),
]

# Numbers that are not thresholds.
NEGATIVE = [
    pytest.param(  # 8.0级地震: a magnitude, not a target (see the module docstring)
        "1679年三河－平谷8.0级地震也曾对城市副中心区域造成严重破坏，因此，周边地区一旦发生地震灾害，"
        "城市副中心也极易受到严重灾害影响，",
        id="004-magnitude",
    ),
    pytest.param(  # the time limit is a deadline
        "4.1.5 对于暂时无法判明等级的突发事件,应迅速核实,最迟不晚于接报后 30 分钟向市委总值班室和市应急办报告。",
        id="master-4.1.5",
    ),
    pytest.param("京政发〔2021〕19 号", id="master-doc-number"),
    pytest.param("经 2021 年 12 月 31 日北京市平谷区人民政府第 27 次常务会议研究决定任命：", id="pinggu-meeting"),
    pytest.param("(一) 应急管理体系不断健全\t7", id="001-toc-page-number"),
    pytest.param("全市现有水库 85 座，总库容 93.75 亿 m^3 ；", id="001-history-reservoirs"),
    pytest.param("1\t单位地区生产总值生产安全事故死亡率（单位：人/百亿元）\t达到市级要求\t约束性", id="004-table-no-number"),
    pytest.param("12. 构建高效便捷的综合交通体系。", id="000-list-ordinal"),
    pytest.param("完成时限：2022 年 11 月底前", id="pinggu-deadline-date"),
    pytest.param("二、改善城乡人居环境（5项）", id="pinggu-group-count"),
]


@pytest.mark.parametrize("text", [p.values[0] for p in CASES + NEGATIVE])
def test_inputs_are_corpus_text(text: str) -> None:
    assert re.sub(r"\s+", "", text) in corpus_compact()


@pytest.mark.parametrize("text, expected", CASES)
def test_golden(text: str, expected: list[tuple]) -> None:
    got = find_thresholds(text, below_exclusive=text.startswith(("（", "③")))
    assert [t.text for t in got] == [e[0] for e in expected]
    for t, (etext, op, value, vmax, unit, indicator) in zip(got, expected, strict=True):
        assert text[t.span.start : t.span.end] == t.text == etext
        assert (t.operator, t.value, t.value_max, t.unit) == (op, pytest.approx(value), vmax, unit)
        if indicator is not None:
            assert t.indicator == indicator


@pytest.mark.parametrize("text", NEGATIVE)
def test_not_thresholds(text: str) -> None:
    assert find_thresholds(text) == []


def test_below_is_inclusive_by_default() -> None:
    (t,) = find_thresholds("（2）在一个行政区内发生霍乱，一周内发病 10 人以下。")
    assert (t.operator, t.value) == ("<=", 10)
    (t,) = find_thresholds("（2）在一个行政区内发生霍乱，一周内发病 10 人以下。", below_exclusive=True)
    assert t.operator == "<"


def test_target_year() -> None:
    got = find_thresholds("到2030年，至少组建1支专兼职应急救援队伍，村（社区）至少组建1支应急小分队。")
    assert [(t.text, t.operator, t.year) for t in got] == [("至少组建1支", ">=", "2030"), ("至少组建1支", ">=", "2030")]


def test_history_flag_controls_plain_counts() -> None:
    text = (
        "全市应急队伍体系基本形成，建成专业应急救援队伍 890余支、5.12万人，依托驻京解放军、武警部队、"
        "民兵和预备役队伍组建应急救援队伍 30 支、3300 余人。"
    )
    assert find_thresholds(text, history=True) == []
    assert find_thresholds("规划建设消防救援站41座。", history=True) == []
    kept = find_thresholds("对镇罗营、大华山等 7 个乡镇20 个村有意愿的险户进行工程除险或原址翻建新居，消除安全隐患。", history=False)
    assert [(t.value, t.unit) for t in kept] == [(7, "个"), (20, "个")]


@pytest.mark.parametrize(
    "title, history",
    [
        ("一、“十三五”期间取得的成效", True),
        ("一、“十四五”时期北京城市副中心应急管理事业工作成效", True),
        ("一、“十二五”时期应急体系建设回顾", True),
        ("三、指导思想、基本原则和主要目标", False),
        ("六、夯实基层基础，营造共建共治共享的安全社会协同生态", False),
    ],
)
def test_history_headings(title: str, history: bool) -> None:
    assert is_history_heading(title) is history
