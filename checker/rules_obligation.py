"""Obligation rules: the draft's duties against the master's, task by task.

Both plans are read by :mod:`extract.obligations` (the same code), so the
master's holder of a task is whatever the master says, not a table written
here.  A draft's holder is compared by department type (区民政局 ↔ 民政部门)
and through the gazetteer's counterparts; the master's 「处置主责部门」 stands for
the lead department of the plan's own incident type when the plan has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.model import Finding, Level, Span
from plankb.extract.obligations import Duty, Obligation, Task, load_tasks
from plankb.extract.taxonomy import load_taxonomy, split_departments

from .context import Context
from .lexicon import level_from_name
from .plan import Sentence

_HOLDS = (Duty.LEAD, Duty.RESPONSIBLE, Duty.PUBLISHER, Duty.DECIDER)
# Types that name no department in particular.
_VAGUE = frozenset({"relevant_departments", "other", "incident_support", "sector_authority", ""})
_WILDCARD = "incident_lead"
# Steps whose exemption drops a master requirement (报告, 通报, 备案, 审核).
_STEPS = frozenset({"reporting", "notify", "plan_filing", "review_release", "warning_release", "staffing"})


def _tasks() -> dict[str, Task]:
    return {t.id: t for t in load_tasks()}


def _plan_incident_type(ctx: Context) -> str:
    """The department type leading the plan's own incident type (a gas plan: urban_management)."""
    key = "plan_incident_type"
    if key not in ctx.cache:
        tax, g = load_taxonomy(), ctx.sub.gazetteer
        hits = tax.match(ctx.sub.title, k=1) if ctx.sub.title and "总体" not in ctx.sub.title else []
        ty = ""
        if hits and hits[0][1] >= 0.75:
            for n in split_departments(hits[0][0].lead):
                o = g.resolve(n)
                if o is not None and o.type:
                    ty = o.type
                    break
        ctx.cache[key] = ty
    return ctx.cache[key]


def _master_holders(ctx: Context, task: str) -> tuple[list[Obligation], list[Obligation]]:
    held = [o for o in ctx.master.obligations if o.task == task and not o.negated]
    return [o for o in held if o.role in _HOLDS], [o for o in held if o.role is Duty.SUPPORT]


def task_owner(ctx: Context) -> Iterator[Finding]:
    """Who holds a task the master assigns (donations, relief, medical supply, release…)."""
    if ctx.sub.level not in (Level.DISTRICT, Level.STREET) or not ctx.below_master():
        return
    tasks = _tasks()
    g = ctx.sub.gazetteer
    seen: set[tuple[int, int]] = set()
    for o in ctx.sub.obligations:
        task = tasks.get(o.task)
        if task is None or task.compare != "owner" or o.role not in _HOLDS or o.negated or not o.actor:
            continue
        if (o.span.start, o.span.end) in seen:
            continue
        leads, supports = _master_holders(ctx, o.task)
        if not leads:
            continue
        types = {m.actor_type for m in leads} - _VAGUE
        wildcard_only = types == {_WILDCARD}
        if _WILDCARD in types:
            types.discard(_WILDCARD)
            if _plan_incident_type(ctx):
                types.add(_plan_incident_type(ctx))
        ref = leads[0]
        m_names = "、".join(dict.fromkeys(m.actor for m in leads))
        lvl = _level(ctx, o)
        seen.add((o.span.start, o.span.end))
        if task.local and lvl is Level.STREET and not re.search(r"区级|全区", o.text):
            continue  # a street's own 现场指挥部 (Pinggu 4.3.3: 乡镇街道级指挥机构)
        if wildcard_only and lvl is not Level.STREET and not types:
            # The master names "the lead department of the incident" and the plan's incident is unknown.
            yield _finding(ctx, o, ref, "consistent", f"{task.label}由{o.actor}承担；上级预案规定由{m_names}负责，本预案未能确定事件类型，视为一致。")
            continue
        if lvl is Level.STREET and ctx.sub.level is Level.STREET:
            yield _finding(ctx, o, ref, "conflict",
                           f"{task.label}由{o.actor}承担；上级预案规定由{m_names}负责，属区级及以上职责，街道（乡镇）不得自行承担。",
                           f"改为由街道（乡镇）配合区级{m_names}开展{task.label}。")
        elif o.actor_type in types or (o.actor_type == _WILDCARD and any(m.actor_type == _WILDCARD for m in leads)) or any(g.is_counterpart(m.canonical, o.canonical) != "no" for m in leads if m.canonical):
            yield _finding(ctx, o, ref, "consistent", f"{task.label}由{o.actor}承担，与上级预案（{m_names}）相应。")
        elif not types or o.actor_type in _VAGUE:
            continue
        elif task.mismatch == "review" or o.actor_type in {s.actor_type for s in supports} - _VAGUE or _open(leads):
            yield _finding(ctx, o, ref, "review",
                           f"{task.label}由{o.actor}承担；上级预案规定由{m_names}牵头，{o.actor}在上级预案中为配合单位，请确认。",
                           f"{task.label}宜由与{m_names}相应的本级部门牵头。")
        else:
            yield _finding(ctx, o, ref, "conflict",
                           f"{task.label}由{o.actor}承担，上级预案规定由{m_names}负责，本级应由相应部门承担。",
                           f"{task.label}改由与{m_names}相应的本级部门负责。")


def incident_lead_prose(ctx: Context) -> Iterator[Finding]:
    """「X由Y牵头处置」, 「（n）Y：…X的处置主责单位」 outside the 分工 table: the lead of an incident type."""
    if ctx.sub.level not in (Level.DISTRICT, Level.STREET) or not ctx.below_master():
        return
    from .rules_duty import incident_row

    tax, g = load_taxonomy(), ctx.sub.gazetteer
    rows = {}
    for c in ctx.master.clauses:
        t = incident_row(c, tax)
        if t is not None:
            rows.setdefault(t.number, c)
    for o in ctx.sub.obligations:
        if o.task != "handle" or o.incident not in rows or o.role not in (Duty.LEAD, Duty.RESPONSIBLE) or not o.actor:
            continue
        if not any(w in o.text for w in ("牵头", "主责", "负责")) or o.negated:
            continue
        row = rows[o.incident]
        so = g.resolve(o.canonical) or g.resolve(o.actor)
        if so is None:
            continue
        leads = [g.resolve(n) for n in split_departments(row.cells[-1])]
        leads = [m for m in leads if m is not None and g.counterparts(m, ctx.sub.level)]
        if not leads:
            continue
        st = max((g.is_counterpart(m, so) for m in leads), key=lambda s: {"no": 0, "review": 1, "yes": 2}[s])
        name = row.cells[-2]
        want = "、".join(dict.fromkeys(n for m in leads for n in ctx.counterpart_names(m.canonical)))
        span = Span(o.span.start, o.span.end)
        if st == "yes":
            yield ctx.finding("duty.incident_lead", "consistent", f"“{name}”由{o.actor}牵头，与上级预案（{row.cells[-1]}）相应。",
                              sub=span, master=row)
        elif st == "review":
            yield ctx.finding("duty.incident_lead", "review", f"“{name}”由{o.actor}牵头，不是上级主责部门{row.cells[-1]}的直接对应部门，请确认。",
                              sub=span, master=row)
        else:
            yield ctx.finding("duty.incident_lead", "conflict",
                              f"“{name}”由{o.actor}牵头处置，上级预案的处置主责部门为{row.cells[-1]}，本级对应部门应为{want}。",
                              sub=span, master=row, suggestion=f"改由{want}牵头。")


def dropped_step(ctx: Context) -> Iterator[Finding]:
    """A step the master requires declared unnecessary: 「无需另行报告」, 「可不向…报告」, 「不再同步接收」, 「无需报备」."""
    seen: set[int] = set()
    for o in ctx.sub.obligations:
        if not o.negated or o.task not in _STEPS or o.span.start in seen:
            continue
        if any(x.task == "warning_adjust" for x in ctx.sub.obligations if x.span == o.span):
            continue  # level.warning_adjust reports it
        leads, _ = _master_holders(ctx, o.task)
        ref = max(leads, key=lambda m: len(set(m.text) & set(o.text))) if leads else ctx.best_master(o.text)
        seen.add(o.span.start)
        who = f"（{o.actor}）" if o.actor else ""
        label = _tasks()[o.task].label
        yield _finding(ctx, o, ref, "conflict",
                       f"本预案免除了上级预案要求的{label}环节{who}；上级预案对此有明确要求，下级预案不得减省。",
                       "删除“无需/不再/可不”的表述，按上级预案要求履行该环节。")


def warning_adjust(ctx: Context) -> Iterator[Finding]:
    """Adjusting a warning level issued above without filing it (master 3.2.6: 调整…并报…备案)."""
    spans = {o.span for o in ctx.sub.obligations if o.task == "warning_adjust"}
    for span in sorted(spans, key=lambda s: s.start):
        obs = [o for o in ctx.sub.obligations if o.span == span]
        text = obs[0].text
        m_ref = next((m for m in ctx.master.obligations if m.task == "warning_adjust"), None)
        if any(o.negated for o in obs):
            yield _finding(ctx, obs[0], m_ref, "conflict",
                           "调整上级发布的预警级别而不报备；上级预案规定调整本地区预警级别须报上级应急办和相关部门备案。",
                           "改为“调整后报区应急办和市相关部门备案”。", rule="level.warning_adjust")
        elif "备案" in text or "报" in text:
            yield _finding(ctx, obs[0], m_ref, "consistent", "调整预警级别并报备，与上级预案一致。", rule="level.warning_adjust")


def _open(leads: list[Obligation]) -> bool:
    """The master names its holders as an open list that does not lead: "协助卫生健康等部门开展…"."""
    return all(m.role is not Duty.LEAD and m.actor_span is not None
               and m.text[m.actor_span.end - m.span.start :].startswith("等") for m in leads)


def _level(ctx: Context, o: Obligation) -> Level | None:
    org = ctx.sub.gazetteer.resolve(o.canonical) if o.canonical else None
    if org is not None and org.level is not Level.UNKNOWN:
        return org.level
    return level_from_name(o.actor)


def _finding(ctx: Context, o: Obligation, ref: Obligation | Sentence | None, verdict: str, why: str, fix: str = "",
             rule: str | None = None) -> Finding:
    rule_id = rule or ("duty.dropped_step" if o.negated else "duty.task_owner")
    master = ref if isinstance(ref, Sentence) else None
    if isinstance(ref, Obligation):
        master = next((s for s in ctx.master.sentences if s.start <= ref.span.start < s.end), None)
    return ctx.finding(rule_id, verdict, why, sub=Span(o.span.start, o.span.end), master=master,
                       suggestion=fix if verdict != "consistent" else "")
