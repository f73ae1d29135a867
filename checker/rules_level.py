"""Level rules: event grades, warning levels and colours, response levels, compared as schemes.

Both plans' schemes are read by :mod:`checker.scheme` (the same code).  Response
levels are compared by label when the draft keeps the master's number of levels
(its 三级 is the master's 三级, which the city starts) and by event grade when it
has a ladder of its own: Pinggu's three levels, whose 一级 answers 较大 events that a
district commands under master 2.4.2, are consistent; a three-level ladder whose
一级 answers 重大 events is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.facts.numbers import fold
from plankb.extract.model import Finding, Level
from plankb.extract.vocab import COLOURS, RANK_COLOUR

from .context import Context
from .lexicon import COMMAND_FLOOR, LEVEL_DEPTH, RANK_GRADE, grade_runs
from .plan import PlanView, Sentence
from .scheme import ResponseScheme, Step, colour_grades, count_of, response_scheme, warning_schemes

# The least severe grade a body at a level may start a response for on its own ladder: a
# district commands 一般 and 较大 events (master 2.4.2); a street or township only acts first
# (master 4.2.3) and starts no graded response.
START_FLOOR = {Level.NATIONAL: 1, Level.MUNICIPAL: 1, Level.DISTRICT: COMMAND_FLOOR[Level.DISTRICT], Level.STREET: 5}
# Event grade standards set locally: "具体等级标准由区应急委结合本区实际另行确定",
# "等级划分以区森防指办公室制定的本区标准为准".
STANDARD_RE = re.compile(r"(?:等级|分级|级别)(?:划分)?标准|等级划分|等级认定")
LOCAL_STANDARD_RE = re.compile(r"本(?:区|镇|乡|街道|单位|部门)(?:的)?标准|结合本[区镇乡街][^，。；;]{0,8}(?:确定|制定)"
                               r"|另行(?:确定|制定)|自行(?:确定|制定)|[由以][^，。；;]{2,30}?(?:制定|确定)的")
UPPER_STANDARD_RE = re.compile(r"(?:依照|按照|参照|执行)[^，。；;]{0,12}(?:国家|本市|市级|北京市|上级|有关规定)")
# "原则上不再提高响应级别": the master lets the level be raised or adjusted (4.3.1).
NO_RAISE_RE = re.compile(r"(?:不再|不得|不予|不能|不可|一律不)\s*(?:提高|提升|上调|调整|升级)[^，。；;]{0,4}响应级别")
# "接到橙色、红色预警后…采取与蓝色预警相同的措施": higher warnings need more (master 3.2.5(2)).
SAME_MEASURES_RE = re.compile(rf"(?:{RANK_COLOUR[1]}|{RANK_COLOUR[2]})[^。；;]{{0,40}}(?:与|同|参照)(?:{RANK_COLOUR[3]}|{RANK_COLOUR[4]})"
                              r"预警[^，。；;]{0,6}(?:相同|一致|同样)")


# ---------------------------------------------------------------------------
def grade_scheme(ctx: Context) -> Iterator[Finding]:
    """The event grades a plan defines (特别重大, 重大, 较大, 一般), and who sets their standards."""
    want, ref = _grades(ctx.master)
    want = want or frozenset({1, 2, 3, 4})
    for s in ctx.sub.topic("grades"):
        runs = [r for r in grade_runs(s.text) if len(r.written) >= 2]
        if not runs:
            continue
        got = max(runs, key=lambda r: len(r.written)).written
        n = count_of(s.text[runs[0].start :])
        names = "、".join(RANK_GRADE[r] for r in sorted(got))
        if got != want or (n is not None and n != len(want)):
            yield ctx.finding("level.grade_scheme", "conflict",
                              f"本预案将突发事件分为{names}{n or len(got)}级，上级预案分为特别重大、重大、较大、一般4个级别。",
                              sub=s.span, master=ref, suggestion="按特别重大、重大、较大、一般4个级别划分。")
        else:
            yield ctx.finding("level.grade_scheme", "consistent", f"事件分级（{names}）与上级预案一致。", sub=s.span, master=ref)
    if not ctx.below_master():
        return
    std_ref = next((s for s in ctx.master.sentences if STANDARD_RE.search(fold(s.text)) and "响应" not in s.text), ref)
    for s in ctx.sub.sentences:
        t = fold(s.text)
        m = STANDARD_RE.search(t)
        if not m or re.search(r"响应|预警", t):
            continue  # response and warning standards are the plan's own business (master 4.3.1)
        if LOCAL_STANDARD_RE.search(t) and not UPPER_STANDARD_RE.search(t):
            yield ctx.finding("level.grade_scheme", "conflict",
                              "突发事件等级标准由本级自行确定；上级预案规定具体事件等级标准依照国家级专项应急预案、国家有关部门应急预案执行。",
                              sub=s.span, master=std_ref, suggestion="改为“具体等级标准依照国家和本市相应专项应急预案执行”。")
        elif UPPER_STANDARD_RE.search(t):
            yield ctx.finding("level.grade_scheme", "consistent", "事件等级标准依照上级规定执行，与上级预案一致。",
                              sub=s.span, master=std_ref)


def _grades(plan: PlanView):  # noqa: ANN202
    for s in plan.topic("grades"):
        runs = [r for r in grade_runs(s.text) if len(r.written) >= 2]
        if runs:
            return max(runs, key=lambda r: len(r.written)).written, s
    return None, None


# ---------------------------------------------------------------------------
def warning_scheme(ctx: Context) -> Iterator[Finding]:
    """Number of warning levels, colour of each level, which level is highest, what a colour means."""
    masters = warning_schemes(ctx.master)
    ref = masters[0].sentence if masters else None
    want = masters[0] if masters else None
    w_count, w_map = (want.count, want.mapping) if want else (4, dict(zip(range(1, 5), COLOURS)))
    w_order, w_top = (want.order, want.top) if want else (list(COLOURS), 1)
    meaning: dict[int, list[str]] = {}  # sentence start -> "X色 means Y" problems
    meaning_at: dict[int, Sentence] = {}
    for s, colour, c_rank, g_rank in colour_grades(ctx.sub):
        if c_rank != g_rank:
            meaning.setdefault(s.start, []).append(
                f"{colour}预警被对应为{RANK_GRADE[g_rank]}突发事件，而{colour}为{c_rank}级预警，{RANK_GRADE[g_rank]}对应{RANK_COLOUR[g_rank]}预警")
            meaning_at[s.start] = s
    for got in warning_schemes(ctx.sub):
        problems = meaning.pop(got.sentence.start, [])
        if got.count and w_count and got.count != w_count:
            problems.append(f"预警级别为{got.count}级，上级预案为{w_count}级")
        if got.mapping and w_map and any(w_map.get(k) != v for k, v in got.mapping.items()):
            problems.append("级别与颜色的对应关系与上级预案不同（一级红色、二级橙色、三级黄色、四级蓝色）")
        elif got.order and w_order and got.order != [c for c in w_order if c in got.order]:
            problems.append("颜色由高到低的顺序与上级预案（红、橙、黄、蓝）不同")
        if got.top and w_top and got.top != w_top:
            problems.append(f"以{got.top}级为最高级别，上级预案以{w_top}级为最高")
        if problems:
            yield ctx.finding("level.warning_scheme", "conflict", "；".join(problems) + "。", sub=got.sentence.span, master=ref,
                              suggestion="预警级别分为一级、二级、三级和四级，分别用红色、橙色、黄色和蓝色标示，一级为最高级别。")
        else:
            yield ctx.finding("level.warning_scheme", "consistent", "预警级别与颜色标示与上级预案一致。",
                              sub=got.sentence.span, master=ref)
    for start, problems in meaning.items():
        yield ctx.finding("level.warning_scheme", "conflict", "；".join(problems) + "（上级预案：一级红色为最高级别）。",
                          sub=meaning_at[start].span, master=ref, suggestion="颜色与级别按红、橙、黄、蓝对应一级至四级。")
    for s in ctx.sub.topic("warning"):
        if SAME_MEASURES_RE.search(fold(s.text)):
            m_ref = ctx.best_master(s, ("warning",), re.compile(r"橙色、红色预警后"))
            yield ctx.finding("level.warning_scheme", "review",
                              "橙色、红色预警后只采取与较低级别预警相同的措施；上级预案要求在蓝色、黄色预警措施的基础上加采待命、调集物资、转移人员等措施。",
                              sub=s.span, master=m_ref, suggestion="补充橙色、红色预警后的加强措施。")


# ---------------------------------------------------------------------------
def _schemes(ctx: Context) -> tuple[ResponseScheme, ResponseScheme]:
    if "schemes" not in ctx.cache:
        ctx.cache["schemes"] = (response_scheme(ctx.sub, ctx.higher), response_scheme(ctx.master, lambda _t: False))
    return ctx.cache["schemes"]


def _same_ladder(sub: ResponseScheme, master: ResponseScheme) -> bool:
    """The draft keeps the master's levels, so its 三级 means the master's 三级."""
    n, want = sub.size, master.size or 4
    return n is None or n == want


def response_scheme_rule(ctx: Context) -> Iterator[Finding]:
    """How many response levels: fewer than the master's is compared by the grade its top level answers."""
    sub, master = _schemes(ctx)
    ref = master.sentence
    for s in ctx.sub.topic("response"):
        if NO_RAISE_RE.search(fold(s.text)):
            yield ctx.finding("level.response_scheme", "review",
                              "本预案排除了提高或调整响应级别；上级预案规定敏感事件、重点地区或重要时期可适当提高响应级别，并可视态势调整。",
                              sub=s.span, master=ctx.best_master(s, ("response",), re.compile(r"提高响应级别")),
                              suggestion="改为“可适当提高响应级别，并视态势及时调整”。")
    n, want = sub.size, master.size or 4
    if not n or (sub.sentence is None and not sub.steps):
        return
    span = sub.sentence.span if sub.sentence else sub.steps[0].span
    graded = sorted((s for s in sub.steps if s.grade), key=lambda s: s.rank)
    pairs = "；".join(f"{s.rank}级对应{RANK_GRADE[s.grade]}" for s in graded)
    floor = START_FLOOR.get(ctx.sub.level, 1)
    top = min((s for s in graded if not s.deferred), key=lambda s: s.grade, default=None)
    if n == want:
        yield ctx.finding("level.response_scheme", "consistent", f"本预案设{n}级响应，与上级预案级数相同。", sub=span, master=ref)
    elif top is not None and top.grade < floor and ctx.below_master():
        yield ctx.finding("level.response_scheme", "conflict",
                          f"本预案设{n}级响应（上级预案{want}级），其中{top.rank}级响应对应{RANK_GRADE[top.grade]}事件，超出本级可以启动响应的范围；"
                          "级数少于上级时，本级各级响应只应对应本级可以指挥的事件等级。",
                          sub=span, master=ref, suggestion=f"按上级预案分为{want}级，或使本级最高一级响应只对应本级权限内的事件。")
    elif n > want:
        yield ctx.finding("level.response_scheme", "review", f"本预案设{n}级响应，多于上级预案的{want}级，请确认与上级响应的衔接。",
                          sub=span, master=ref)
    else:
        yield ctx.finding("level.response_scheme", "consistent",
                          f"本预案设{n}级响应，少于上级预案的{want}级，按事件等级对照{('（' + pairs + '）') if pairs else ''}。",
                          sub=span, master=ref)


def response_order(ctx: Context) -> Iterator[Finding]:
    """Level 1 answers the most severe events; a scheme that runs the other way is reversed."""
    sub, master = _schemes(ctx)
    ref = master.sentence
    steps = sorted((s for s in sub.steps if s.grade), key=lambda s: s.rank)
    bad = [(a, b) for i, a in enumerate(steps) for b in steps[i + 1 :] if a.rank < b.rank and a.grade > b.grade]
    top_wrong = sub.top is not None and sub.top != 1
    if not steps and not sub.ascending_one and not top_wrong:
        return
    span = sub.sentence.span if sub.sentence else steps[0].span
    if bad or sub.ascending_one or top_wrong:
        detail = "；".join(f"{s.rank}级响应对应{RANK_GRADE[s.grade]}事件" for s in steps)
        if top_wrong:
            detail = f"以{sub.top}级为最高级别" + ("；" + detail if detail else "")
        yield ctx.finding("level.response_order", "conflict",
                          f"响应级别顺序倒置：{detail or '一级被定为最低级别'}。上级预案以一级响应对应最严重（特别重大）的事件。",
                          sub=span, master=ref, suggestion="改为由高到低分为一级、二级、三级、四级，一级响应对应最严重的事件。")
    elif len(steps) >= 2:
        yield ctx.finding("level.response_order", "consistent", "响应级别随事件等级升高而升高，与上级预案一致。",
                          sub=span, master=ref)


def response_authority(ctx: Context) -> Iterator[Finding]:
    """A body starting a level reserved for a higher one: by label on the master's ladder, by grade on its own."""
    if ctx.sub.level not in (Level.DISTRICT, Level.STREET) or not ctx.below_master():
        return
    sub, master = _schemes(ctx)
    same = _same_ladder(sub, master)
    for step in sub.steps:
        if not step.starter:
            continue
        lvl = step.level or ctx.sub.level
        ref_step, need, why = _requirement(ctx, step, sub, master, same)
        m_clause = ref_step.clause if ref_step is not None else None
        what = f"{step.rank}级响应" + (f"（{RANK_GRADE[step.grade]}）" if step.grade else "")
        if step.deferred or LEVEL_DEPTH.get(lvl, 9) < LEVEL_DEPTH[ctx.sub.level]:
            yield ctx.finding("level.response_authority", "consistent", f"{what}报请上级启动或在上级统一指挥下开展。",
                              sub=step.span, master=m_clause)
        elif need is not None and LEVEL_DEPTH.get(lvl, 9) > LEVEL_DEPTH.get(need, 9):
            yield ctx.finding("level.response_authority", "conflict", f"{what}由{step.starter}启动；{why}",
                              sub=step.span, master=m_clause,
                              suggestion=f"改为由{step.starter}报请{ref_step.starter if ref_step else '上级'}启动响应，并在其统一指挥下开展处置。")
        elif need is not None:
            yield ctx.finding("level.response_authority", "consistent", f"{what}由{step.starter}启动，未超出本级权限。",
                              sub=step.span, master=m_clause)


def _requirement(ctx: Context, step: Step, sub: ResponseScheme, master: ResponseScheme,
                 same: bool) -> tuple[Step | None, Level | None, str]:
    """(the master's step compared with, the lowest level allowed to start it, why).

    By event grade: the master's starter for that grade, relaxed to the district for the
    grades a district commands (master 2.4.2: 一般、较大); a street may start a tier of its own
    below a district-started level for the same grade (Pinggu 4.3.2: 属地政府 then 区专项指挥部).
    A level named without a grade is compared by its label on the master's ladder."""
    if step.grade is None:
        ref = master.step(step.rank) if same else None
        if ref is None or ref.level is None:
            return ref, None, ""
        return ref, ref.level, f"上级预案中{step.rank}级响应由{ref.starter}启动，下级不得自行启动。"
    ref = master.for_grade(step.grade)
    need = ref.level if ref is not None else None
    if step.grade >= START_FLOOR.get(ctx.sub.level, 5) and ctx.sub.level in LEVEL_DEPTH:
        need = ctx.sub.level if need is None or LEVEL_DEPTH[need] < LEVEL_DEPTH[ctx.sub.level] else need
    if need is not None and step.level is Level.STREET and any(
        o is not step and o.grade == step.grade and o.level is not None and LEVEL_DEPTH.get(o.level, 9) < LEVEL_DEPTH[Level.STREET]
        and o.rank < step.rank for o in sub.steps
    ):
        need = Level.STREET  # the street's tier sits below a district level for the same grade
    if need is None:
        return ref, None, ""
    grade = RANK_GRADE[step.grade]
    return ref, need, f"{grade}突发事件的响应在上级预案中由{ref.starter if ref else '上级'}启动，超出本级权限。"
