"""Level rules: event grades, warning levels and colours, response levels.

Response schemes are compared by event grade, not by label: Pinggu's three
levels (一级 for 较大 and above) against the master's four (一级 for
特别重大) is consistent; a scheme whose 一级 answers 一般 events is reversed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from plankb.extract.facts.numbers import fold, ordinal_to_int
from plankb.extract.model import Clause, ClauseKind, Finding, Level, Span
from plankb.extract.vocab import COLOURS, parse_number

from .context import Context
from .lexicon import COMMAND_FLOOR, LEVEL_DEPTH, RANK_GRADE, grade_runs, level_from_name
from .plan import PlanView

_RANK = r"(?:[一二三四1-4]|[\u2160-\u2163]|IV|III|II|I)"
# A response level label: "三级响应", "Ⅱ级应急响应", "IV 级响应".
RESP_RE = re.compile(rf"(?<![\dA-Za-z一二三四])(?P<r>{_RANK})\s*级\s*(?:应急)?响应")
# A clause that opens with a label: "4.2.2 三级响应：初判…", "一级响应：发生…".
RESP_LEAD_RE = re.compile(rf"^\s*(?:\d{{1,2}}(?:\.\d{{1,2}}){{0,3}}|[（(][一二三四五六七八九十\d]{{1,3}}[)）])?\s*(?P<r>{_RANK})\s*级\s*(?:应急)?响应\s*[：:。.]")
# Who starts a level: "由区应急委在二级响应的基础上启动", "区防指报请市防指启动…".
STARTER_RES = (
    re.compile(r"由(?P<x>[^，。；;：:]{2,40}?)(?:在[^，。；;]{0,20}?基础上|根据[^，。；;]{0,20}?建议)?[，,]?\s*(?:决定)?(?:负责)?启动"),
    re.compile(rf"(?P<x>[^，。；;：:\d.]{{2,30}}?)(?:决定)?启动(?!条件|程序)(?:相关|相应|本预案)?[^，。；;]{{0,8}}?(?:响应|{_RANK}\s*级)"),
)
# The scheme sentence: "应急响应由低到高分为一级、二级、三级、四级", "分为四个等级".
SCHEME_RE = re.compile(rf"(?:由高到低|由低到高|分为)[^。；;]{{0,24}}?{_RANK}\s*级|分为\s*[一二三四五两\d]\s*(?:个)?\s*(?:级|等级)")
_COUNT_RE = re.compile(r"分为\s*(?P<n>[一二三四五两\d])\s*(?:个)?\s*(?:级|等级)(?![、，,和及与或（(]|\s*[一二三四\d]\s*级)"
                       r"|(?P<m>[一二三四五两\d])\s*个\s*(?:级别|等级)")
# The list of warning levels: "一级、二级、三级和四级", "一级（红色）、二级（橙色）…".
_PAREN = r"(?:\s*[（(][^）)]{1,6}[)）])?"
_ENUM_RE = re.compile(rf"[一二三四]\s*级{_PAREN}(?:\s*[、和及与]\s*[一二三四]\s*级{_PAREN})+")


@dataclass
class Unit:
    """One response level as a plan defines it."""

    rank: int
    clauses: list[Clause]
    grade: int | None  # least severe grade its conditions name
    starter: str
    starter_span: Span  # document offsets of the sentence naming the starter
    deferred: bool


def _count(text: str) -> int | None:
    m = _COUNT_RE.search(fold(text))
    if not m:
        return None
    v = m.group("n") or m.group("m")
    return int(parse_number(v))


# ---------------------------------------------------------------------------
def grade_scheme(ctx: Context) -> Iterator[Finding]:
    """The event grades a plan defines (特别重大, 重大, 较大, 一般)."""
    want, ref = _grades(ctx.master)
    want = want or frozenset({1, 2, 3, 4})
    for s in ctx.sub.topic("grades"):
        runs = [r for r in grade_runs(s.text) if len(r.written) >= 2]
        if not runs:
            continue
        got = max(runs, key=lambda r: len(r.written)).written
        n = _count(s.text[runs[0].start :])
        names = "、".join(RANK_GRADE[r] for r in sorted(got))
        if got != want or (n is not None and n != len(want)):
            yield ctx.finding("level.grade_scheme", "conflict",
                              f"本预案将突发事件分为{names}{n or len(got)}级，上级预案分为特别重大、重大、较大、一般4个级别。",
                              sub=s.span, master=ref, suggestion="按特别重大、重大、较大、一般4个级别划分。")
        else:
            yield ctx.finding("level.grade_scheme", "consistent", f"事件分级（{names}）与上级预案一致。", sub=s.span, master=ref)


def _grades(plan: PlanView):  # noqa: ANN202
    for s in plan.topic("grades"):
        runs = [r for r in grade_runs(s.text) if len(r.written) >= 2]
        if runs:
            return max(runs, key=lambda r: len(r.written)).written, s
    return None, None


# ---------------------------------------------------------------------------
@dataclass
class _Warn:
    count: int | None
    mapping: dict[int, str]  # level -> colour
    order: list[str]  # colours from most to least severe, when the text says so
    top: int | None


def _warning_schemes(plan: PlanView) -> list[tuple[object, _Warn]]:
    out = []
    for s in plan.topic("warning"):
        t = fold(s.text)
        if not re.search(r"分为|划分为", t) or not re.search(r"级|等级", t):
            continue
        part = t[re.search(r"分为|划分为", t).start():]
        enum = _ENUM_RE.search(part)
        levels = [int(parse_number(x)) for x in re.findall(r"([一二三四])\s*级", enum.group())] if enum else []
        colours = re.findall("|".join(COLOURS), t)
        if not levels and not colours:
            continue
        mapping = dict(zip(levels, colours)) if levels and len(levels) == len(colours) else {}
        order: list[str] = []
        if mapping:
            order = [mapping[k] for k in sorted(mapping)]
        elif colours and "由低到高" in t:
            order = list(reversed(colours))
        elif colours and "由高到低" in t:
            order = list(colours)
        top = re.search(r"([一二三四])\s*级为最高", t)
        count = _count(t) or (len(levels) or len(colours))
        out.append((s, _Warn(count, mapping, order, int(parse_number(top.group(1))) if top else None)))
    return out


def warning_scheme(ctx: Context) -> Iterator[Finding]:
    """Number of warning levels, colour of each level and which level is highest."""
    masters = _warning_schemes(ctx.master)
    ref, want = masters[0] if masters else (None, _Warn(4, dict(zip(range(1, 5), COLOURS)), list(COLOURS), 1))
    for s, got in _warning_schemes(ctx.sub):
        problems = []
        if got.count and want.count and got.count != want.count:
            problems.append(f"预警级别为{got.count}级，上级预案为{want.count}级")
        if got.mapping and want.mapping and any(want.mapping.get(k) != v for k, v in got.mapping.items()):
            problems.append("级别与颜色的对应关系与上级预案不同（一级红色、二级橙色、三级黄色、四级蓝色）")
        elif got.order and want.order and got.order != [c for c in want.order if c in got.order]:
            problems.append("颜色由高到低的顺序与上级预案（红、橙、黄、蓝）不同")
        if got.top and want.top and got.top != want.top:
            problems.append(f"以{got.top}级为最高级别，上级预案以{want.top}级为最高")
        if problems:
            yield ctx.finding("level.warning_scheme", "conflict", "；".join(problems) + "。", sub=s.span, master=ref,
                              suggestion="预警级别分为一级、二级、三级和四级，分别用红色、橙色、黄色和蓝色标示，一级为最高级别。")
        else:
            yield ctx.finding("level.warning_scheme", "consistent", "预警级别与颜色标示与上级预案一致。", sub=s.span, master=ref)


# ---------------------------------------------------------------------------
def response_units(ctx: Context, plan: PlanView) -> list[Unit]:
    key = "units:" + plan.document.id
    if key in ctx.cache:
        return ctx.cache[key]
    out: list[Unit] = []
    clauses = list(plan.clauses)
    for i, c in enumerate(clauses):
        if c.kind is ClauseKind.HEADING:
            m = RESP_RE.search(fold(c.text))
            if not m or len(re.sub(r"[\d.\s（）()一二三四五六七八九十、]", "", c.text)) > 12:
                continue
            body = []
            for d in clauses[i + 1 :]:
                if d.kind is ClauseKind.HEADING:
                    break
                body.append(d)
            unit = _unit(ctx, plan, m.group("r"), body)
        elif c.kind is ClauseKind.TABLE_ROW:
            cell = next((x for x in c.cells if RESP_RE.fullmatch(fold(x).strip())), None)
            if cell is None:
                continue
            unit = _unit(ctx, plan, RESP_RE.search(fold(cell)).group("r"), [c], row=True)
        else:
            m = RESP_LEAD_RE.match(fold(c.text))
            if not m:
                continue
            unit = _unit(ctx, plan, m.group("r"), [c])
        if unit is not None:
            out.append(unit)
    ctx.cache[key] = out
    return out


def _unit(ctx: Context, plan: PlanView, label: str, body: list[Clause], row: bool = False) -> Unit | None:
    rank = ordinal_to_int(label)
    if rank is None or not body:
        return None
    grade = None
    for c in body:
        runs = grade_runs(c.text)
        if runs:
            grade = max(runs[0].written)
            break
    starter, span, deferred = "", body[0].span, False
    sents = [s for s in plan.sentences if any(s.clause is c for c in body)]
    for s in sents:
        t = fold(s.text)
        if row:
            header = body[0].header
            k = next((j for j, h in enumerate(header) if re.search(r"主体|单位|负责", h)),
                     next((j for j, h in enumerate(header) if "启动" in h and "条件" not in h), len(body[0].cells) - 1))
            starter = body[0].cells[k] if k < len(body[0].cells) else ""
            span, deferred = s.span, ctx.higher(starter)
            break
        for rx in STARTER_RES:
            m = rx.search(t)
            if m:
                starter, span, deferred = m.group("x").strip(), s.span, ctx.higher(t)
                break
        if starter:
            break
    return Unit(rank, body, grade, starter, span, deferred)


def _starter_level(ctx: Context, plan: PlanView, name: str) -> Level | None:
    mentions = plan.gazetteer.find(name, abbreviations=plan.abbreviations)
    for m in reversed(mentions):
        lv = plan.body_level(m)
        if lv is not None:
            return lv
    return level_from_name(name)


def _scheme_sentence(plan: PlanView):  # noqa: ANN202
    for s in plan.topic("response"):
        if SCHEME_RE.search(fold(s.text)) and "响应" in s.text:
            return s
    return None


def response_scheme(ctx: Context) -> Iterator[Finding]:
    """How many response levels; fewer than the master's is compared by grade."""
    units = response_units(ctx, ctx.sub)
    scheme = _scheme_sentence(ctx.sub)
    if scheme is None and not units:
        return
    n = (_count(scheme.text) if scheme else None) or len({u.rank for u in units}) or None
    if scheme is not None and n is None:
        n = len(RESP_RE.findall(fold(scheme.text))) or len(re.findall(rf"{_RANK}\s*级", fold(scheme.text)))
    m_units = response_units(ctx, ctx.master)
    m_scheme = _scheme_sentence(ctx.master)
    want = (_count(m_scheme.text) if m_scheme else None) or len({u.rank for u in m_units}) or 4
    ref = m_scheme or (ctx.best_master(scheme, ("response",)) if scheme else None)
    span = scheme.span if scheme else units[0].starter_span
    pairs = "；".join(f"{u.rank}级对应{RANK_GRADE[u.grade]}" for u in sorted(units, key=lambda u: u.rank) if u.grade)
    if not n:
        return
    if n > want:
        yield ctx.finding("level.response_scheme", "review", f"本预案设{n}级响应，多于上级预案的{want}级，请确认与上级响应的衔接。",
                          sub=span, master=ref)
    else:
        how = "与上级预案级数相同" if n == want else f"少于上级预案的{want}级，按事件等级对照"
        yield ctx.finding("level.response_scheme", "consistent",
                          f"本预案设{n}级响应，{how}{('（' + pairs + '）') if pairs else ''}。", sub=span, master=ref)


def response_order(ctx: Context) -> Iterator[Finding]:
    """Level 1 answers the most severe events; a scheme that runs the other way is reversed."""
    units = sorted((u for u in response_units(ctx, ctx.sub) if u.grade), key=lambda u: u.rank)
    scheme = _scheme_sentence(ctx.sub)
    ref = _scheme_sentence(ctx.master)
    reversed_words = bool(scheme and re.search(r"由低到高[^。；;]{0,20}?分为\s*(?:一|1|\u2160|I(?!V|I))\s*级", fold(scheme.text)))
    bad = [(a, b) for i, a in enumerate(units) for b in units[i + 1 :] if a.rank < b.rank and a.grade > b.grade]
    if not units and not reversed_words:
        return
    span = scheme.span if scheme else units[0].starter_span
    if bad or reversed_words:
        detail = "；".join(f"{u.rank}级响应对应{RANK_GRADE[u.grade]}事件" for u in units)
        yield ctx.finding("level.response_order", "conflict",
                          f"响应级别顺序倒置：{detail or '一级被定为最低级别'}。上级预案以一级响应对应最严重（特别重大）的事件。",
                          sub=span, master=ref, suggestion="改为由高到低分为一级、二级、三级、四级，一级响应对应最严重的事件。")
    elif len(units) >= 2:
        yield ctx.finding("level.response_order", "consistent", "响应级别随事件等级升高而升高，与上级预案一致。",
                          sub=span, master=ref)


def response_authority(ctx: Context) -> Iterator[Finding]:
    """A body starting a level for events above its authority, unless it asks the level above."""
    if ctx.sub.level not in (Level.DISTRICT, Level.STREET):
        return
    for u in response_units(ctx, ctx.sub):
        if not u.grade or not u.starter:
            continue
        ref = next((m for m in response_units(ctx, ctx.master) if m.grade == u.grade), None)
        m_sent = ctx.best_master(u.starter, ("response",)) if ref is None else None
        master = ref.clauses[0] if ref is not None else m_sent
        lvl = _starter_level(ctx, ctx.sub, u.starter) or ctx.sub.level
        grade = RANK_GRADE[u.grade]
        if u.deferred or LEVEL_DEPTH.get(lvl, 9) < LEVEL_DEPTH[ctx.sub.level]:
            yield ctx.finding("level.response_authority", "consistent",
                              f"{u.rank}级响应（{grade}）报请上级启动或在上级统一指挥下开展。", sub=u.starter_span, master=master)
        elif u.grade < COMMAND_FLOOR.get(lvl, 4):
            yield ctx.finding("level.response_authority", "conflict",
                              f"{u.rank}级响应对应{grade}事件，却由{u.starter}启动；{grade}突发事件的响应应由上级启动（上级预案4.3）。",
                              sub=u.starter_span, master=master,
                              suggestion=f"改为由{u.starter}报请上级启动响应，并在上级统一指挥下开展处置。")
        else:
            yield ctx.finding("level.response_authority", "consistent",
                              f"{u.rank}级响应对应{grade}事件，由{u.starter}启动，未超出本级权限。", sub=u.starter_span, master=master)
