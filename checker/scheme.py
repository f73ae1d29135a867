"""A plan's level schemes, read from any layout: response levels, warning levels, event grades.

The master plan and a draft are read by the same functions, so the rules in
:mod:`checker.rules_level` compare two :class:`ResponseScheme` (or two
:class:`WarningScheme`) instead of sentences.

A response *step* is one level with the event grade it answers and the body
that starts it.  Steps are read from

* a heading and its body: 「4.3.3 三级响应」 then 「初判…由市级处置主责部门…启动」;
* a lead label: 「- **三级响应**：初判…一般级别的，由事发地街乡…启动」, 「三级、二级响应：…」;
* a table row whose cell is the label: 「三级响应\t较大\t区应急委」;
* prose: 「初判事故可能达到重大级别的，由区应急委启动二级响应」.

Decision: comparing by label when both ladders have as many levels (a district
plan on the master's four levels means the master's 三级 by its 三级), by
event grade otherwise (Pinggu's 一级 answers 较大 events, which a district may
command under master 2.4.2).  The blind checker set's level labels and the
Pinggu plan agree with this reading except one d02 label (see the set's README).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from plankb.extract.facts.numbers import fold, ordinal_to_int
from plankb.extract.model import Clause, ClauseKind, Level, Span
from plankb.extract.vocab import COLOUR_RANK, COLOURS, GRADE_RANK, GRADE_WORD, parse_number, split_list

from .lexicon import LEVEL_DEPTH, grade_runs, level_from_name
from .plan import PlanView, Sentence

_RANK = r"(?:[一二三四1-4]|[\u2160-\u2163]|IV|III|II|I)"
# A response level label: "三级响应", "Ⅱ级应急响应", "IV 级响应".
RESP_RE = re.compile(rf"(?<![\dA-Za-z一二三四])(?P<r>{_RANK})\s*级\s*(?:应急)?响应")
# A label that opens a clause: "4.2.2 三级响应：初判…", "- **一级响应**：", "三级、二级响应：".
RESP_LEAD_RE = re.compile(
    rf"^[\s>*#\-—•·]*(?:\d{{1,2}}(?:\.\d{{1,2}}){{0,3}}[.、．]?|[（(][一二三四五六七八九十\d]{{1,3}}[)）])?[\s*]*"
    rf"(?P<rs>{_RANK}\s*级(?:\s*[、和及与]\s*{_RANK}\s*级)*)\s*(?:应急)?响应[\s*]*[：:。.]")
# The level a sentence starts: "启动三级响应", "决定启动Ⅰ级应急响应".
START_LABEL_RE = re.compile(rf"启动\s*(?P<r>{_RANK})\s*级\s*(?:应急)?响应")
# Who starts it.  Example: "由市应急委…等领导指挥机构根据市相关部门建议，在三级响应的基础上启动" -> 市应急委…机构;
# "由区防指总指挥决定启动一级响应" -> 区防指总指挥; "区相应专项应急指挥部启动应急响应".
STARTER_RES = (
    re.compile(r"由(?P<x>[^，。；;：:]{2,60}?)(?:(?:在[^，。；;]{0,20}?基础上|根据[^，。；;]{0,20}?建议)[，,]?\s*)*"
               r"(?:决定|负责|研究)?启动"),
    re.compile(rf"(?P<x>[^，。；;：:\d.]{{2,30}}?)(?:决定)?启动(?!条件|程序)(?:相关|相应|本预案)?[^，。；;]{{0,8}}?(?:响应|{_RANK}\s*级)"),
)
# "区防指报区委、区政府同意后": the body that agrees is the one that starts.
_AGREE_RE = re.compile(r"报(?:请)?(?P<y>[^，。；;]{2,30}?)(?:同意|批准)后?$")
# The scheme sentence: "应急响应由低到高分为一级、二级…", "分为Ⅰ级、Ⅱ级两个等级", "分为四级".
SCHEME_RE = re.compile(rf"(?:由高到低|由低到高|分为|划分为)[^。；;]{{0,24}}?{_RANK}\s*级|分为\s*[一二三四五两\d]\s*(?:个)?\s*(?:级|等级)")
_COUNT_RE = re.compile(r"分为\s*(?P<n>[一二三四五两\d])\s*(?:个)?\s*(?:级|等级)(?![、，,和及与或（(]|\s*[一二三四\d]\s*级)"
                       r"|(?P<m>[一二三四五两\d])\s*个\s*(?:级别|等级)|(?<![、和及与])(?P<k>[一二三四五两])\s*(?:级|等级|色)(?=[。，,；;]|$)")
# "一级为最高级别", "Ⅳ级为最高级别", "以四级为最高".
TOP_RE = re.compile(rf"(?P<r>{_RANK})\s*级\s*(?:为|是)\s*最高")
# Enumerated levels after 分为/依次为: "一级、二级、三级和四级", "一级（红色）、二级（橙色）…".
_PAREN = r"(?:\s*[（(][^）)]{1,6}[)）])?"
ENUM_RE = re.compile(rf"{_RANK}\s*级{_PAREN}(?:\s*[、和及与]\s*{_RANK}\s*级{_PAREN})+")
# A warning sentence that lays out the scheme.
WARN_SCHEME_RE = re.compile(r"分为|划分为|依次为|分别为|分别对应|包括")
# Colours written short in a list: "红、橙、黄、蓝四色".
_SHORT_COLOURS_RE = re.compile(r"(?<![\u4e00-\u9fff])([红橙黄蓝])(?=\s*[、和及与]|\s*[一二三四两]\s*(?:色|种颜色))")
# A colour said to mean an event grade: "橙色预警表示可能发生特别重大突发事件".
COLOUR_GRADE_RE = re.compile(rf"(?P<c>{'|'.join(COLOURS)})\s*(?:预警)?\s*(?:表示|对应|代表|意味着)[^，。；;]{{0,10}}?(?P<g>{GRADE_WORD})")


@dataclass
class Step:
    """One response level as a plan defines it."""

    rank: int
    grade: int | None  # least severe grade its conditions name
    starter: str
    level: Level | None  # the starter's level (the lowest among co-starters)
    span: Span  # document offsets of the sentence naming the starter (or the label)
    deferred: bool  # started at the request of, or under, a higher level
    clause: Clause


@dataclass
class ResponseScheme:
    count: int | None
    ranks: tuple[int, ...]  # ranks the scheme sentence lists
    top: int | None  # the rank said to be highest
    ascending_one: bool  # "由低到高分为一级…": 一级 is the lowest
    sentence: Sentence | None
    steps: list[Step] = field(default_factory=list)

    @property
    def size(self) -> int | None:
        """How many levels the plan has: declared, listed, or counted from its steps."""
        return self.count or (len(set(self.ranks)) if self.ranks else None) or (len({s.rank for s in self.steps}) or None)

    def step(self, rank: int) -> Step | None:
        return next((s for s in self.steps if s.rank == rank and s.starter), None)

    def for_grade(self, grade: int) -> Step | None:
        return next((s for s in self.steps if s.grade == grade and s.starter), None)


@dataclass
class WarningScheme:
    sentence: Sentence
    count: int | None
    mapping: dict[int, str]  # level -> colour
    order: list[str]  # colours from most to least severe, when the text says so
    top: int | None


def count_of(text: str) -> int | None:
    m = _COUNT_RE.search(fold(text))
    if not m:
        return None
    return int(parse_number(m.group("n") or m.group("m") or m.group("k")))


def _ranks(text: str) -> list[int]:
    return [r for r in (ordinal_to_int(x) for x in re.findall(rf"({_RANK})\s*级", text)) if r]


# -- response ------------------------------------------------------------------------
def response_scheme(plan: PlanView, higher: Callable[[str], bool]) -> ResponseScheme:
    """The plan's response scheme; ``higher(text)`` says whether text defers to a level above the plan's."""
    sentence = next((s for s in plan.topic("response") if SCHEME_RE.search(fold(s.text)) and "响应" in s.text), None)
    count = ranks = top = None
    ascending = False
    if sentence is not None:
        t = fold(sentence.text)
        count = count_of(t)
        enum = ENUM_RE.search(t)
        ranks = tuple(dict.fromkeys(_ranks(enum.group()))) if enum else ()
        m = TOP_RE.search(t)
        top = ordinal_to_int(m.group("r")) if m else None
        ascending = bool(re.search(r"由低到高[^。；;]{0,20}?分为\s*(?:一|1|\u2160|I(?!V|I))\s*级", t))
    return ResponseScheme(count, ranks or (), top, ascending, sentence, _steps(plan, higher))


def _steps(plan: PlanView, higher: Callable[[str], bool]) -> list[Step]:
    out: list[Step] = []
    seen: set[tuple[int, int]] = set()
    clauses = list(plan.clauses)
    by_clause: dict[str, list[Sentence]] = {}
    for s in plan.sentences:
        by_clause.setdefault(s.clause.id, []).append(s)

    def add(rank: int, grade: int | None, body: list[Clause], sents: list[Sentence], row: bool = False) -> None:
        starter, span, deferred = "", body[0].span, False
        for s in sents:
            starter, deferred = _starter(s.text, higher, body[0] if row else None)
            if starter:
                span = s.span
                break
        key = (rank, span.start)
        if key in seen:
            return
        seen.add(key)
        out.append(Step(rank, grade, starter, _starter_level(plan, starter), span, deferred, body[0]))

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
            rank = ordinal_to_int(m.group("r"))
            if rank and body:
                add(rank, _first_grade(body), body, [s for d in body for s in by_clause.get(d.id, [])])
        elif c.kind is ClauseKind.TABLE_ROW:
            cell = next((x for x in c.cells if RESP_RE.fullmatch(fold(x).strip())), None)
            rank = ordinal_to_int(RESP_RE.search(fold(cell)).group("r")) if cell else None
            if rank:
                add(rank, _first_grade([c]), [c], by_clause.get(c.id, []), row=True)
    # Sentences: a lead label ("三级、二级响应：…") or a started level ("由区应急委启动二级响应").
    for s in plan.sentences:
        t = fold(s.text)
        lead = RESP_LEAD_RE.match(t)
        started = START_LABEL_RE.search(t)
        if lead:
            ranks = _ranks(lead.group("rs"))
        elif started:
            ranks = [ordinal_to_int(started.group("r"))]
        else:
            continue
        cond = t[: started.start()] if started and not lead else t
        runs = grade_runs(cond)
        grades = sorted({g for r in runs for g in r.written}, reverse=True)
        ranks = sorted({r for r in ranks if r}, reverse=True)
        if len(grades) == len(ranks) and len(ranks) > 1:
            pairs = list(zip(ranks, grades))  # "三级、二级响应：…较大、重大级别时"
        else:
            g = max(runs[0].written) if runs else None
            pairs = [(r, g) for r in ranks]
        for r, g in pairs:
            add(r, g, [s.clause], [s])
    return out


def _first_grade(body: list[Clause]) -> int | None:
    for c in body:
        runs = grade_runs(c.text)
        if runs:
            return max(runs[0].written)
    return None


def _starter(text: str, higher: Callable[[str], bool], row: Clause | None = None) -> tuple[str, bool]:
    t = fold(text)
    if row is not None:
        header = row.header
        k = next((j for j, h in enumerate(header) if re.search(r"主体|单位|负责", h)),
                 next((j for j, h in enumerate(header) if "启动" in h and "条件" not in h), len(row.cells) - 1))
        x = row.cells[k] if k < len(row.cells) else ""
        return x, higher(x)
    for rx in STARTER_RES:
        m = rx.search(t)
        if m:
            x = m.group("x").strip()
            agree = _AGREE_RE.search(x)
            if agree:  # "区防指报区委、区政府同意后启动": 区委、区政府 start it
                x = agree.group("y")
            return x, higher(t)
    return "", False


def _starter_level(plan: PlanView, name: str) -> Level | None:
    """The lowest level among the bodies that start a level ("事发地街乡和区级处置主责部门" -> street)."""
    if not name:
        return None
    levels = []
    for m in plan.gazetteer.find(name, abbreviations=plan.abbreviations):
        lv = plan.body_level(m)
        if lv is not None:
            levels.append(lv)
    for part in split_list(name):
        lv = level_from_name(re.sub(r"^(?:事发地|属地|相关|有关)(?:的)?", "", part))
        if lv is not None:
            levels.append(lv)
    levels = [lv for lv in levels if lv in LEVEL_DEPTH]
    return max(levels, key=lambda lv: LEVEL_DEPTH[lv]) if levels else None


# -- warnings ----------------------------------------------------------------------
def warning_schemes(plan: PlanView) -> list[WarningScheme]:
    out = []
    for s in plan.topic("warning"):
        t = fold(s.text)
        enum = ENUM_RE.search(t)
        if not (WARN_SCHEME_RE.search(t) and re.search(r"级|等级|色", t)) and not (enum and re.search("|".join(COLOURS), enum.group())):
            continue
        levels = _ranks(enum.group()) if enum else []
        colours = re.findall("|".join(COLOURS), t)
        short = [c + "色" for c in _SHORT_COLOURS_RE.findall(t)]
        colours = short if len(short) > len(colours) else colours
        if not levels and len(colours) < 2:
            continue
        mapping = dict(zip(levels, colours)) if levels and len(levels) == len(colours) else {}
        order: list[str] = []
        if mapping:
            order = [mapping[k] for k in sorted(mapping)]
        elif colours and "由低到高" in t:
            order = list(reversed(colours))
        elif colours and "由高到低" in t:
            order = list(colours)
        top = TOP_RE.search(t)
        count = count_of(t) or (len(set(levels)) or len(set(colours)))
        out.append(WarningScheme(s, count, mapping, order, ordinal_to_int(top.group("r")) if top else None))
    return out


def colour_grades(plan: PlanView) -> list[tuple[Sentence, str, int, int]]:
    """(sentence, colour, colour rank, grade rank) for "X色预警表示…Y突发事件"."""
    out = []
    for s in plan.topic("warning"):
        for m in COLOUR_GRADE_RE.finditer(fold(s.text)):
            out.append((s, m.group("c"), COLOUR_RANK[m.group("c")], GRADE_RANK[m.group("g")]))
    return out
