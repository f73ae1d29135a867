"""Level schemes (checker/scheme.py, checker/rules_level.py): read from any layout, compared as schemes.

Expected values come from the master plan (1.4.2 four grades; 3.2.2 一级红 … 四级蓝, 一级最高;
4.3.2-4.3.5: 四级 by 区委、区政府 for 一般, 三级 by 市级处置主责部门 for 较大, 二级 by 市应急委 for 重大,
一级 by 市委、市政府 for 特别重大; 2.4.2: a district commands 一般 and 较大) and from the Pinggu plan
(4.3: three levels, 一级 for 较大及以上 by 区应急委).  Draft sentences are invented variants.
"""

from __future__ import annotations

import pytest

from plankb.checker import MasterPlan, check_text
from plankb.checker.run import master_view
from plankb.checker.scheme import count_of, response_scheme

HEAD = "北京市××区突发事件总体应急预案\n1 总则\n本区应急管理工作在区委、区政府领导下开展。全区各部门按职责分工负责。\n"


@pytest.fixture(scope="module")
def mplan(master) -> MasterPlan:
    return MasterPlan.from_parsed(master)


def verdicts(text: str, mplan: MasterPlan, rule: str) -> dict[str, str]:
    r = check_text(HEAD + text, "draft.txt", mplan)
    return {"".join(f.sub_quote.split()): str(f.verdict) for f in r.findings if f.rule_id == rule}


def one(found: dict[str, str], needle: str) -> str:
    (v,) = [v for q, v in found.items() if needle in q]
    return v


def test_master_response_scheme_is_read_from_its_headings(mplan):
    scheme = response_scheme(master_view(mplan), lambda _t: False)
    assert scheme.size == 4 and scheme.top is None
    got = {s.rank: (s.grade, s.level.value if s.level else None) for s in scheme.steps if s.starter}
    # 4.3.4 names its starter after 「根据市相关部门建议，在三级响应的基础上」.
    assert got == {4: (4, "district"), 3: (3, "municipal"), 2: (2, "municipal"), 1: (1, "municipal")}


@pytest.mark.parametrize("text,n", [
    ("本市应急响应一般由高到低分为四级:一级、二级、三级、四级。", 4),  # master 4.3.1
    ("本区森林火灾应急响应分为Ⅰ级、Ⅱ级两个等级，Ⅰ级为最高级别。", 2),
    ("燃气供应紧张预警分为橙色、黄色两级。", 2),
    ("预警级别分为红、橙、黄、蓝四色。", 4),
    ("应急响应由高到低分为三级、二级、一级。", None),  # a listed rank is not a count
])
def test_count_of(text, n):
    assert count_of(text) == n


def test_pinggu_ladder_is_consistent(pg_levels):
    assert pg_levels and set(pg_levels.values()) == {"consistent"}


@pytest.fixture(scope="module")
def pg_levels(pinggu, mplan, raw_texts) -> dict[str, str]:
    from plankb.checker import check_parsed

    r = check_parsed(pinggu, mplan, raw_texts["pinggu-district-documents-2021-2022.txt"])
    return {f.rule_id + ":" + "".join(f.sub_quote.split())[:30]: str(f.verdict) for f in r.findings
            if f.rule_id.startswith("level.response")}


def test_starters_in_prose_compared_by_grade(mplan):
    found = verdicts("4 应急响应\n本区应急响应由高到低分为一级、二级、三级、四级。"
                     "初判事件不超过一般级别的，由区委、区政府启动四级响应。"
                     "初判事件可能达到重大级别的，由区水务局启动二级响应，局长任总指挥。"
                     "初判事件可能达到特别重大级别的，区委、区政府在市委、市政府统一领导下做好先期处置。"
                     "初判事件为一般级别的，由事发地镇政府启动响应。\n", mplan, "level.response_authority")
    assert one(found, "由区委、区政府启动四级响应") == "consistent"
    assert one(found, "由区水务局启动二级响应") == "conflict"  # 重大: the city starts it (master 4.3.4)


def test_fewer_levels_compared_by_the_grade_of_the_top_level(mplan):
    own = ("4 应急响应\n本区应急响应由高到低分为三级：一级、二级、三级。\n"
           "- **三级响应**：初判突发事件不会造成人员伤亡的，由属地街道办事处启动响应。\n"
           "- **二级响应**：初判突发事件为一般级别的，由区相关专项指挥部启动响应。\n"
           "- **一级响应**：初判突发事件可能达到{grade}级别的，由区应急委启动响应。\n")
    ok = verdicts(own.format(grade="较大"), mplan, "level.response_scheme")
    assert one(ok, "分为三级") == "consistent"
    bad = verdicts(own.format(grade="重大"), mplan, "level.response_scheme")
    assert one(bad, "分为三级") == "conflict"
    auth = verdicts(own.format(grade="重大"), mplan, "level.response_authority")
    assert one(auth, "由区应急委启动响应") == "conflict"


def test_street_starting_the_only_level_for_general_events(mplan):
    found = verdicts("4 应急响应\n本区应急响应由高到低分为二级：一级、二级。\n"
                     "二级响应：初判事件为一般级别的，由事发地街乡和区级处置主责部门启动。\n"
                     "一级响应：初判事件可能达到较大级别的，由区应急委启动。\n", mplan, "level.response_authority")
    assert one(found, "由事发地街乡和区级处置主责部门启动") == "conflict"  # master 4.3.2: 区委、区政府
    assert one(found, "由区应急委启动") == "consistent"  # master 2.4.2: a district commands 较大


@pytest.mark.parametrize("text,verdict", [
    ("应急响应分为Ⅰ级、Ⅱ级、Ⅲ级、Ⅳ级，Ⅳ级为最高级别。", "conflict"),
    ("应急响应由低到高分为一级、二级、三级、四级。", "conflict"),
    ("应急响应由高到低分为一级、二级、三级、四级，一级为最高级别。", None),
])
def test_response_order(mplan, text, verdict):
    found = verdicts("4 应急响应\n" + text + "\n", mplan, "level.response_order")
    assert (next(iter(found.values())) if found else None) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("预警级别依次为一级（红色）、二级（黄色）、三级（橙色）、四级（蓝色），一级为最高级别。", "conflict"),
    ("蓝色、黄色、橙色、红色预警分别对应四级、三级、二级、一级，一级为最高级别。", "consistent"),
    ("防汛预警分为三级，由高到低依次为红色、橙色、黄色。", "conflict"),
    ("预警级别分为红、橙、黄、蓝四色，其中红色预警表示可能发生特别重大突发事件。", "consistent"),
    ("预警级别分为红、橙、黄、蓝四色，其中黄色预警表示可能发生重大突发事件。", "conflict"),
])
def test_warning_scheme(mplan, text, verdict):
    r = check_text(HEAD + "3 预警\n" + text + "\n", "draft.txt", mplan)
    got = {str(f.verdict) for f in r.findings if f.rule_id == "level.warning_scheme"}
    assert verdict in got and (verdict == "conflict" or "conflict" not in got)


@pytest.mark.parametrize("text,verdict", [
    ("各类突发事件的具体等级标准，由区应急委结合本区实际另行制定。", "conflict"),
    ("火灾等级划分以区消防救援支队制定的本区标准为准。", "conflict"),
    ("具体等级标准依照国家和本市相应专项应急预案执行。", "consistent"),
    ("各类突发事件应急响应的具体分级标准，依照相关区级应急预案规定执行。", None),  # Pinggu 4.3.1: response, not grades
])
def test_grade_standards_set_locally(mplan, text, verdict):
    found = verdicts("1.4 事件分级\n" + text + "\n", mplan, "level.grade_scheme")
    assert (next(iter(found.values())) if found else None) == verdict


def test_ruling_out_a_higher_level_is_a_review(mplan):
    found = verdicts("4 应急响应\n4.1 本区应急响应由高到低分为一级、二级、三级、四级。重要会议期间的突发事件，"
                     "原则上按照初判级别启动响应，不再提高响应级别。\n", mplan, "level.response_scheme")
    assert one(found, "不再提高响应级别") == "review"
