"""Timeline rules: report, release and funding limits, follow-up and drill intervals.

Every limit of both plans is sorted into a slot (初报, 详细信息, 续报, 首次发布,
新闻发布中心, 拨款, 演练; see ``lexicon.slot_of``) and compared slot by slot.
A limit no longer than the master's is consistent: 1 hour where the master
says 2 hours is *stricter*, not a conflict.  A master limit whose holder has
no counterpart at the subordinate's level (市政府新闻办's 24-hour press
centre) is not asked of a district.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.model import Finding, Role

from .context import Context
from .lexicon import SLOTS, dice, grade_runs, say_duration, seconds
from .plan import Limit, Sentence

# Where a missing limit is best attached, per slot: the sentence that speaks of it.
SLOT_CUES = {
    "report_first": re.compile(r"报告"),
    "report_detail": re.compile(r"详细|书面"),
    "report_followup": re.compile(r"续报"),
    "release_first": re.compile(r"发布"),
    "release_press": re.compile(r"新闻发布|发布会"),
    "funding": re.compile(r"拨款|拨付|资金"),
    "drills": re.compile(r"演练"),
}
_TOLERANCE = 1.0  # seconds: equal limits are equal


def master_limits(ctx: Context) -> dict[str, Limit]:
    """The strictest master limit of each slot that applies to the subordinate's level."""
    if "master_limits" in ctx.cache:
        return ctx.cache["master_limits"]
    out: dict[str, Limit] = {}
    for x in ctx.master.limits:
        if not _applies(ctx, x):
            continue
        v, cur = seconds(x.iso), out.get(x.slot)
        if v is not None and (cur is None or v < (seconds(cur.iso) or 0)):
            out[x.slot] = x
    ctx.cache["master_limits"] = out
    return out


def _applies(ctx: Context, x: Limit) -> bool:
    """A master limit binds the subordinate unless the body holding it is a
    municipal one with no counterpart at the subordinate's level."""
    if not ctx.below_master():
        return True
    g = ctx.master.gazetteer
    holder = None
    for a in ctx.master.facts(x.sentence.clause)["actor"]:
        if a.role is Role.RECIPIENT or not (x.sentence.start <= a.span.start < x.deadline.span.start):
            continue
        holder = a
    if holder is None or holder.org_type:
        return True
    org = g.get(holder.canonical) or g.resolve(holder.name)
    if org is None or org.level is not ctx.master.level:
        return True
    return bool(g.counterparts(org, ctx.sub.level))


def _compare(ctx: Context, rule_id: str, recurrence: bool) -> Iterator[Finding]:
    refs = master_limits(ctx)
    for x in ctx.sub.limits:
        slot = SLOTS[x.slot]
        if slot.recurrence != recurrence or x.slot not in refs:
            continue
        ref = refs[x.slot]
        if x.slot in ("report_first", "report_detail") and _internal(ctx, x):
            continue
        if _outside_scope(x.sentence.text, ref.sentence.text):
            continue  # "较大突发事件每2小时续报": the master times 重大、特别重大 only
        got, want = seconds(x.iso), seconds(ref.iso)
        if got is None or want is None:
            continue
        g_txt = say_duration(x.iso, x.deadline.working_days)
        w_txt = say_duration(ref.iso, ref.deadline.working_days)
        if got > want + _TOLERANCE:
            what = "间隔" if recurrence else "时限"
            yield ctx.finding(
                rule_id, "conflict",
                f"{slot.label}：本预案为{g_txt}，长于上级预案规定的{w_txt}，{what}被放宽。",
                sub=x.segment, master=ref.sentence,
                suggestion=f"将{slot.label}改为不超过{w_txt}（可规定得更严）。",
            )
        else:
            how = "与上级预案相同" if abs(got - want) <= _TOLERANCE else "严于上级预案"
            yield ctx.finding(rule_id, "consistent", f"{slot.label}：本预案为{g_txt}，上级预案为{w_txt}，{how}。",
                              sub=x.segment, master=ref.sentence)


def _outside_scope(sub: str, master: str) -> bool:
    """The draft's limit is for event grades the master's limit does not cover."""
    want = frozenset().union(*(r.ranks for r in grade_runs(master)))
    got = frozenset().union(*(r.ranks for r in grade_runs(sub)))
    return bool(want and got) and not got & want


def _internal(ctx: Context, x: Limit) -> bool:
    """A report to a sectoral body only ("责任报告单位…2小时内向区卫生健康委报告"): an
    internal chain the master does not time; its limits bind reports to the duty
    office and the 应急办."""
    named = ctx.recipients(x.sentence, x.segment)
    return bool(named) and not ctx.hubs(named)


def deadline(ctx: Context) -> Iterator[Finding]:
    """Durations: 初报, 详细信息, 首次发布, 拨款 limits no longer than the master's."""
    return _compare(ctx, "timeline.deadline", recurrence=False)


def interval(ctx: Context) -> Iterator[Finding]:
    """Recurrences: follow-up reports and drills at least as often as the master's."""
    return _compare(ctx, "timeline.interval", recurrence=True)


def missing_limit(ctx: Context) -> Iterator[Finding]:
    """A master limit for a topic the plan covers but without stating the limit.

    Asked of a plan one level below the master (a district plan under the
    municipal one); a street plan checked against the municipal plan is not
    expected to restate the city's limits.
    """
    if not ctx.adjacent or not ctx.sub.is_plan:
        return
    have = {x.slot for x in ctx.sub.limits}
    for key, ref in master_limits(ctx).items():
        if key in have:
            continue
        slot = SLOTS[key]
        cands = ctx.sub.topic(slot.topic)
        if not cands:
            continue
        spot = _best_spot(cands, ref.sentence, SLOT_CUES[key])
        w_txt = say_duration(ref.iso, ref.deadline.working_days)
        yield ctx.finding(
            "coverage.missing_limit", "review",
            f"上级预案规定了{slot.label}（{w_txt}），本预案有{_topic_name(slot.topic)}内容但未写明该时限。",
            sub=spot.span, master=ref.sentence,
            suggestion=f"补充{slot.label}：不超过{w_txt}。",
        )


def _best_spot(cands: list[Sentence], ref: Sentence, cue: re.Pattern[str]) -> Sentence:
    def score(s: Sentence) -> float:
        return dice(s.grams, ref.grams) + (0.5 if cue.search(s.text) else 0.0)

    return max(cands, key=score)


def _topic_name(topic: str) -> str:
    from .lexicon import TOPIC_LABELS

    return TOPIC_LABELS.get(topic, topic)

