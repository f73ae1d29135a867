"""The obligation model (extract/obligations.py): one reader for every layout.

Sentences are from the master plan (corpus/beijing-gazette-2021-31-master-plan.txt)
or invented variants in the forms district plans use; none is from the blind set.
"""

from __future__ import annotations

import pytest

from plankb.checker.jurisdiction import detect_level
from plankb.extract.gazetteer import load_gazetteer
from plankb.extract.model import Clause, ClauseKind, Level, Span
from plankb.extract.obligations import Duty, load_tasks, obligations, task_of
from plankb.extract.taxonomy import load_taxonomy


def _obs(text: str, kind: ClauseKind = ClauseKind.PARAGRAPH, cells: tuple[str, ...] = (), header: tuple[str, ...] = ()):
    c = Clause(id="t:1", doc_id="t", section="1", kind=kind, text=text, span=Span(100, 100 + len(text)),
               cells=cells, header=header)
    return obligations(c, load_gazetteer(), load_taxonomy())


@pytest.mark.parametrize(("text", "task", "role", "actor_type", "negated"), [
    # master 5.2.3, 5.1.2 (a shared-suffix list), 6.7
    ("突发事件发生后,由民政部门、事件处置主责部门牵头,会同相关部门和社会组织,建立应急捐赠工作机制。", "donations", Duty.LEAD, "civil_affairs", False),
    ("应急管理、卫生健康、公安部门牵头,组织相关部门,分别负责对突发事件造成的损失进行统计、核实和上报。", "loss_stats", Duty.LEAD, "health", False),
    ("突发事件发生后,区政府根据事态发展情况启用应急避难场所。", "shelter", Duty.RESPONSIBLE, "government", False),
    # invented: object first, list item, department first, support, exemptions
    ("暴雨引发的城市内涝由区水务局牵头处置，区城市管理委配合。", "handle", Duty.LEAD, "water", False),
    ("（4）区民政局：负责受灾群众临时生活救助；", "relief", Duty.RESPONSIBLE, "civil_affairs", False),
    ("区卫生健康委负责组织开展受影响群众的心理疏导工作。", "psych", Duty.RESPONSIBLE, "health", False),
    ("救治伤员所需药品、医疗器械由区商务局统一调配。", "medical_supply", Duty.RESPONSIBLE, "commerce", False),
    ("社区接报后向街道值班室报告，无需另行报告区应急办。", "reporting", Duty.RECIPIENT, "emergency_office", True),
    # master 5.2.1 ("应急管理等部门"), 5.2.5 (the helped body holds the task)
    ("5.2.1 自然灾害发生后,应急管理等部门牵头启动救助应急响应,统筹做好灾区生活救助。", "relief", Duty.LEAD, "emergency_management", False),
    ("工会、共青团、妇联、红十字会等人民团体,协助卫生健康等部门开展心理咨询、抚慰等心理危机干预工作。", "psych", Duty.RESPONSIBLE, "health", False),
    # invented: the object before a comma and 由, a later duty of the same body, "X的处置主责单位",
    # a township's own bodies, "由各…", "不单独配备"
    ("火灾造成的财产损失，由区统计局负责统计、核实和上报。", "loss_stats", Duty.RESPONSIBLE, "statistics", False),
    ("区应急管理局负责应急值守和信息汇总，统一对外发布突发事件信息。", "release", Duty.RESPONSIBLE, "emergency_management", False),
    ("（2）区城市管理委：负责燃气设施抢修，燃气事故的处置主责单位。", "handle", Duty.LEAD, "urban_management", False),
    ("突发事件发生后，镇政府可根据需要启用应急避难场所。", "shelter", Duty.RESPONSIBLE, "government", False),
    ("本镇范围内的社会动员，由各村民委员会、镇政府决定并组织实施。", "mobilisation", Duty.DECIDER, "government", False),
])
def test_one_reader_for_every_phrasing(text: str, task: str, role: Duty, actor_type: str, negated: bool) -> None:
    got = [o for o in _obs(text) if o.task == task and o.actor_type == actor_type]
    assert got, [(o.task, o.role, o.actor, o.actor_type) for o in _obs(text)]
    o = got[0]
    assert o.role is role and o.negated is negated
    assert o.span.start >= 100 and o.text in text
    if o.actor_span is not None:
        assert text[o.actor_span.start - 100 : o.actor_span.end - 100] == o.actor


def test_support_shares_the_task() -> None:
    obs = _obs("暴雨引发的城市内涝由区水务局牵头处置，区城市管理委配合。")
    sup = [o for o in obs if o.role is Duty.SUPPORT]
    assert sup and sup[0].task == "handle" and sup[0].actor == "区城市管理委"
    lead = [o for o in obs if o.role is Duty.LEAD][0]
    assert lead.incident is not None and lead.actor == "区水务局"


def test_table_row_with_unit_and_duty_columns() -> None:
    row = "3\t区民政局\t负责组织社会捐赠款物的接收和分配。"
    obs = _obs(row, ClauseKind.TABLE_ROW, ("3", "区民政局", "负责组织社会捐赠款物的接收和分配。"), ("序号", "单位", "主要职责"))
    assert [(o.task, o.actor) for o in obs] == [("donations", "区民政局")]


def test_exemption_without_a_body() -> None:
    obs = _obs("区防指可根据本区情况调整上级发布的预警级别，无需报备。")
    assert {o.task for o in obs} >= {"warning_adjust"} and any(o.negated for o in obs)


def test_task_vocabulary() -> None:
    ids = [t.id for t in load_tasks()]
    assert {"donations", "relief", "medical_supply", "release", "press_centre", "emergency_state", "mobilisation",
            "plan_filing", "drills", "funding", "investigation", "reporting", "warning_release", "response_start",
            "handle"} <= set(ids)
    assert task_of("每年至少组织一次综合应急演练").id == "drills"
    assert task_of("无关的文字") is None


@pytest.mark.parametrize(("title", "text", "level", "cue"), [
    ("北京市××区突发事件总体应急预案", "", Level.DISTRICT, "××区"),
    ("某区燃气突发事件应急预案", "", Level.DISTRICT, "某区"),
    ("北京市××区××街道突发事件总体应急预案", "", Level.STREET, "××街道"),
    ("怀柔区××镇突发事件总体应急预案", "", Level.STREET, "××镇"),
    ("突发事件应急预案", "本区" * 3 + "区应急委", Level.DISTRICT, "正文"),
    ("北京市突发事件总体应急预案", "本市" * 5, Level.MUNICIPAL, "标题"),
])
def test_level_from_title_or_content(title: str, text: str, level: Level, cue: str) -> None:
    lv, _juris, note = detect_level(title, text, None, None)
    assert lv is level and cue in note


def test_own_bodies_of_a_street_plan() -> None:
    (o,) = [o for o in _obs("街道可根据需要自行启用辖区内应急避难场所。") if o.task == "shelter"]
    assert o.actor == "街道" and o.canonical == "街道办事处"
    assert any(o.task == "staffing" and o.negated for o in _obs("镇不单独配备专职应急管理人员，由各科室兼职承担。"))


def test_incident_type_named_as_the_lead_object() -> None:
    (o,) = [o for o in _obs("（3）区卫生健康委：负责流行病学调查，疫苗安全事件的处置主责单位。") if o.task == "handle"]
    assert o.role is Duty.LEAD and o.incident is not None and o.actor == "区卫生健康委"
    assert not [o for o in _obs("（3）区卫生健康委：负责流行病学调查，疫苗安全事件的处置主责单位。") if o.actor == "主责单位"]


def test_temporary_assistance_is_not_disaster_relief() -> None:
    # 临时救助 is a civil-affairs programme; 受灾群众生活救助 is the master's disaster relief (5.2.1).
    assert task_of("配合区民政局做好临时救助") is None or task_of("配合区民政局做好临时救助").id != "relief"
