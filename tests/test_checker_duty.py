"""Duty rules read through the obligation model (checker/rules_duty.py, checker/rules_obligation.py).

Draft sentences are invented variants; expected verdicts come from the master plan (2.5 and 4.2.3 for
streets, 3.2.3 warnings, 4.1.3-4.1.5 reporting, 4.3.2 field HQ, 4.6.2 mobilisation, 5.2.5 psychological aid).
"""

from __future__ import annotations

import pytest

from plankb.checker import MasterPlan, check_text

STREET = "北京市××区××街道突发事件总体应急预案\n一、总则\n本街道应急工作在区委、区政府领导下开展。\n"
DISTRICT = "北京市××区燃气突发事件应急预案\n1 总则\n本区燃气事故应对在区委、区政府领导下开展。\n"


@pytest.fixture(scope="module")
def mplan(master) -> MasterPlan:
    return MasterPlan.from_parsed(master)


def verdicts(text: str, mplan: MasterPlan, rule: str) -> list[tuple[str, str]]:
    r = check_text(text, "draft.txt", mplan)
    return [("".join(f.sub_quote.split()), str(f.verdict)) for f in r.findings if f.rule_id == rule]


def test_street_issuing_red_warnings_itself(mplan):
    got = verdicts(STREET + "二、预警\n街道可根据辖区实际，自行发布本辖区橙色、红色预警信息。\n"
                   "接到区政府发布的红色预警后，街道立即组织转移。\n", mplan, "duty.warning_approval")
    assert [v for q, v in got if "自行发布" in q] == ["conflict"]
    assert not [v for q, v in got if "接到区政府" in q and v == "conflict"]


def test_street_deciding_mobilisation_against_the_municipal_master(mplan):
    got = verdicts(STREET + "三、社会动员\n局部的社会动员，由街道工委决定并组织实施。\n", mplan, "duty.mobilisation")
    assert [v for _q, v in got] == ["conflict"]


def test_street_self_bodies_and_dropped_staffing(mplan):
    r = check_text(STREET + "二、机构\n街道不单独配备专职应急管理人员，由各科室兼职承担。\n"
                   "突发事件发生后，街道可根据需要自行启用辖区内应急避难场所。\n", "draft.txt", mplan)
    got = {(f.rule_id, str(f.verdict)) for f in r.findings}
    assert ("duty.dropped_step", "conflict") in got and ("duty.task_owner", "conflict") in got


def test_reports_within_the_plan_level(mplan):
    text = (DISTRICT + "4 信息报告\n4.1 燃气企业应当立即向区城市管理委和事发地街道报告。\n"
            "4.2 区城市管理委接报后，应立即向区应急办报告。\n"
            "4.3 区燃气指挥部办公室应立即报告市委总值班室、市应急\n办和市城市管理委。\n")
    got = verdicts(text, mplan, "duty.report_recipient")
    assert not [q for q, _v in got if "燃气企业" in q]  # master 4.1.3: units report to local bodies
    assert [v for q, v in got if "区应急办报告" in q] == ["conflict"]  # a district body skips 区委总值班室
    assert [v for q, v in got if "市委总值班室" in q] == ["consistent"]  # "市应急\n办" broken across lines


def test_district_field_hq_led_by_a_department(mplan):
    got = verdicts(DISTRICT + "4 应急响应\n初判为一般燃气事故的，由区委、区政府启动四级响应，区城市管理委牵头成立区级现场指挥部。\n",
                   mplan, "duty.task_owner")
    assert got and {v for _q, v in got} == {"consistent"}


def test_open_list_in_the_master_is_a_review(mplan):
    got = verdicts(DISTRICT + "5 恢复\n区应急管理局负责组织开展受影响群众的心理疏导和抚慰工作。\n", mplan, "duty.task_owner")
    assert [v for _q, v in got] == ["review"]  # master 5.2.5: 协助卫生健康等部门开展
