"""The rule catalogue: every rule's stable id, type, Chinese title and description.

Each rule is one small function ``(ctx) -> iterable of Finding`` living in a
``rules_<type>`` module; this module lists them all in one place (``RULES``
and ``RULE_FUNCTIONS``) and runs them.  Findings are data: a rule never
raises for what it finds.  Verdicts are ``conflict`` (provably against the
master), ``review`` (plausible but not provable, or a gap) and
``consistent`` (checked and aligned; shown so the author sees what was
compared).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from plankb.extract.model import Finding

from .context import Context

# id -> (type, Chinese title, description)
RULES: dict[str, tuple[str, str, str]] = {
    "duty.lead_counterpart": (
        "duty", "处置主责部门与上级预案对应",
        "处置分工表中每类突发事件的主责部门应为上级预案主责部门在本级的对应部门；"
        "对应为“替代”关系（如金融突发事件由区财政局牵头）时需复核，不对应则为冲突。",
    ),
    "duty.reserved_command": (
        "duty", "越级指挥处置",
        "下级机构不得自行统一指挥处置超出本级权限的突发事件（区级：重大、特别重大；街道乡镇：较大及以上）。",
    ),
    "duty.warning_approval": (
        "duty", "橙色、红色预警的批准权限",
        "橙色预警由分管领导批准、红色预警由应急委主任批准（上级预案3.2.3）；由更低层级批准或由基层自行发布为冲突。",
    ),
    "duty.warning_filing": (
        "duty", "预警发布备案",
        "蓝色、黄色预警发布后须报应急办备案；区级总体预案还须明确报市应急办备案。",
    ),
    "duty.public_warning_channel": (
        "duty", "面向公众的预警发布渠道",
        "需要向公众发布的预警信息应由预警信息发布中心统一对外发布，不得由部门或基层自行直接发布。",
    ),
    "duty.report_recipient": (
        "duty", "信息报告对象",
        "初报和向上级报告应同时报党委值班机构（总值班室、办公室）和应急办；缺少其一视为报告环节缺失。",
    ),
    "duty.mobilisation": (
        "duty", "社会动员的决定权限",
        "本行政区域范围的社会动员须报请上一级批准（上级预案4.6.2），不得由本级自行决定。",
    ),
    "duty.emergency_state": (
        "duty", "紧急状态的决定权限",
        "进入紧急状态须依法提请国务院（或全国人大常委会）决定，下级政府不得自行决定或宣布。",
    ),
    "duty.task_owner": (
        "duty", "任务承担单位与上级预案对应",
        "捐赠、救助、药品医疗器械保障、损失统计、心理干预、信息发布、现场指挥部、避难场所等任务，"
        "应由与上级预案承担单位相应的本级部门承担；街道（乡镇）不得承担区级及以上职责。",
    ),
    "duty.incident_lead": (
        "duty", "正文中的处置主责部门",
        "正文或列表中“X由Y牵头处置”“Y：X的处置主责单位”的主责部门，应为上级预案处置分工中主责部门在本级的对应部门。",
    ),
    "duty.dropped_step": (
        "duty", "减省上级要求的环节",
        "上级预案要求的报告、通报、备案、审核等环节，下级预案不得以“无需”“不再”“可不”免除。",
    ),
    "level.warning_adjust": (
        "level", "调整预警级别须报备",
        "调整上级发布的预警级别，须报上级应急办和相关部门备案。",
    ),
    "timeline.deadline": (
        "timeline", "报告、发布和拨款时限",
        "初报、详细信息报送、首次信息发布、拨款手续等时限不得长于上级预案；更短（更严）的时限视为一致。",
    ),
    "timeline.interval": (
        "timeline", "续报间隔与演练频次",
        "续报间隔、演练频次不得长于上级预案（每30分钟续报、每年演练）；更频繁视为一致。",
    ),
    "level.grade_scheme": (
        "level", "事件分级",
        "突发事件应分为特别重大、重大、较大、一般四级，与上级预案一致。",
    ),
    "level.warning_scheme": (
        "level", "预警级别与颜色",
        "预警级别的数量、颜色对应（一级红色……四级蓝色）和最高级别应与上级预案一致。",
    ),
    "level.response_scheme": (
        "level", "响应分级",
        "响应级别少于上级时按事件等级对照，不作冲突；多于上级时需复核。",
    ),
    "level.response_order": (
        "level", "响应级别顺序",
        "响应级别应随事件等级升高而升高（一级对应最严重的事件）；倒置为冲突。",
    ),
    "level.response_authority": (
        "level", "响应启动权限",
        "下级机构启动的响应所对应的事件等级不得超出本级权限，除非明确报请上级启动或在上级统一指挥下。",
    ),
    "coverage.incident_type": (
        "coverage", "突发事件类型覆盖",
        "同类总体预案的处置分工应覆盖上级预案列明的突发事件类型；上级主责部门在本级无对应部门的类型不作要求。",
    ),
    "coverage.provision": (
        "coverage", "预案要素覆盖",
        "同类总体预案应包含信息报送、预警、分级响应、信息发布、社会动员、预案备案、应急演练、资金保障等要素。",
    ),
    "coverage.missing_limit": (
        "coverage", "未规定的时限",
        "上级预案规定、且适用于本级的时限（如5小时内首次发布、每30分钟续报），下级预案有相应内容却未写明时限，需补充。",
    ),
}


def _functions() -> dict[str, Callable[[Context], Iterable[Finding]]]:
    from . import rules_coverage as c
    from . import rules_duty as d
    from . import rules_level as lv
    from . import rules_obligation as ob
    from . import rules_timeline as t

    return {
        "duty.lead_counterpart": d.lead_counterpart,
        "duty.reserved_command": d.reserved_command,
        "duty.warning_approval": d.warning_approval,
        "duty.warning_filing": d.warning_filing,
        "duty.public_warning_channel": d.public_warning_channel,
        "duty.report_recipient": d.report_recipient,
        "duty.mobilisation": d.mobilisation,
        "duty.emergency_state": d.emergency_state,
        "duty.task_owner": ob.task_owner,
        "duty.incident_lead": ob.incident_lead_prose,
        "duty.dropped_step": ob.dropped_step,
        "level.warning_adjust": ob.warning_adjust,
        "timeline.deadline": t.deadline,
        "timeline.interval": t.interval,
        "level.grade_scheme": lv.grade_scheme,
        "level.warning_scheme": lv.warning_scheme,
        "level.response_scheme": lv.response_scheme_rule,
        "level.response_order": lv.response_order,
        "level.response_authority": lv.response_authority,
        "coverage.incident_type": c.incident_type,
        "coverage.provision": c.provision,
        "coverage.missing_limit": t.missing_limit,
    }


def run_rules(ctx: Context, only: Iterable[str] | None = None) -> list[Finding]:
    """Run every rule (or those in ``only``); one finding per rule and span."""
    funcs = _functions()
    wanted = list(only) if only is not None else list(RULES)
    out: list[Finding] = []
    seen: set[tuple[str, int, int, str]] = set()
    for rule_id in wanted:
        for f in funcs[rule_id](ctx):
            span = f.sub_span
            key = (f.rule_id, span.start if span else -1, span.end if span else -1, f.master_clause_id)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out
