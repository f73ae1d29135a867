"""Obligations: who, in which role, does what, for what object, where in the text.

One reader for every layout, so that the master plan and a draft give comparable
obligations however they are written:

* table rows with a unit column and a duty column (TSV, Word or pipe tables):
  「区应急管理局\t负责组织燃气事故新闻发布」;
* list items and subject-first sentences: 「（3）区民政局：负责受灾群众生活救助」,
  「区统计局负责统计、核实和上报」, 「Y牵头，Z配合」;
* object-first sentences: 「地质灾害由区规划自然资源分局牵头处置」;
* negations and exemptions: 「无需另行报告区委、区政府」, 「可不向市应急办报告」,
  「不再同步接收」, 「无需报备」;
* text broken across lines (names are matched with whitespace removed).

The task comes from the word list ``extract/data/tasks.yaml`` (first matching
entry); incident-type handling (``handle``) carries the incident type read by
the taxonomy.  Bodies are resolved through the gazetteer, so the checker can
compare a draft's 区民政局 with the master's 民政部门 by department type.

Decision: statement-level grammars over gazetteer mentions rather than a
dependency parse: spaCy's zh parser is not installed here (no model hub) and
the plans' duty sentences follow a handful of templates; measured on the blind
checker set, these grammars find the duty of 29 of the 35 planted duty
statements that name a body (bench/checker_eval.py --set blind -v).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from plankb.extract.errors import Errors, InputError
from plankb.extract.gazetteer import Gazetteer, OrgMention
from plankb.extract.model import Clause, ClauseKind, Span
from plankb.extract.taxonomy import Taxonomy
from plankb.extract.vocab import COLOUR_RANK, COLOUR_WORD, GRADE_RANK, GRADE_WORD, fold

TASKS_FILE = Path(__file__).parent / "data" / "tasks.yaml"
INCIDENT_MIN = 0.75  # taxonomy match score for an object to name an incident type


class Duty(StrEnum):
    LEAD = "lead"  # 牵头, 主责
    SUPPORT = "support"  # 配合, 协助, 参与
    RESPONSIBLE = "responsible"  # 负责, or the subject of a duty
    APPROVER = "approver"  # 批准, 审核
    DECIDER = "decider"  # 决定
    RECIPIENT = "recipient"  # 报告/备案 to
    PUBLISHER = "publisher"  # 发布


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    label: str
    type: str  # checker finding type: duty | level | timeline
    compare: str  # "owner": the holder is compared with the master's
    cues: tuple[re.Pattern[str], ...]
    mismatch: str = "conflict"  # verdict for another holder; "review" where the master says 可 (may)
    local: bool = False  # a street or township may hold its own instance (its own 现场指挥部)


@dataclass(frozen=True, slots=True)
class Obligation:
    """One duty of one body, with the statement that states it (document offsets)."""

    task: str
    role: Duty
    actor: str  # as written; "" when the statement names no body (「无需报备」)
    canonical: str
    actor_type: str  # gazetteer department type: civil_affairs, health…
    span: Span  # the statement
    text: str  # the statement as written
    actor_span: Span | None = None
    incident: int | None = None  # taxonomy number for task "handle"
    grades: frozenset[int] = frozenset()
    colours: frozenset[int] = frozenset()
    negated: bool = False  # 无需, 不再, 可不


@functools.lru_cache(maxsize=1)
def load_tasks(path: Path = TASKS_FILE) -> tuple[Task, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out = []
        for t in data["tasks"]:
            out.append(Task(str(t["id"]), str(t["label"]), str(t.get("type", "duty")), str(t.get("compare", "")),
                            tuple(re.compile(c) for c in t["cues"]), str(t.get("mismatch", "conflict")),
                            bool(t.get("local", False))))
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise InputError(Errors.E146.format(path=path, why=exc)) from exc
    if len({t.id for t in out}) != len(out):
        raise InputError(Errors.E147.format(path=path))
    return tuple(out)


def task_of(text: str) -> Task | None:
    """The first task whose cue matches ``text`` (a duty with its body cut out)."""
    t = fold(text)
    return next((task for task in load_tasks() if any(c.search(t) for c in task.cues)), None)


# -- grammars ----------------------------------------------------------------------
# Statement ends; list items end with "；" too: "（1）区民政局：负责…；".
_STATEMENT_END_RE = re.compile(r"[。；;！？!?]")
# Numbering and Markdown before a subject: "（3）", "3.", "①", "- ", "**", "第五条".
_OPENING_RE = re.compile(r"^[\s>*#\-—•·]*(?:第[一二三四五六七八九十百]+条\s*|[（(][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳]"
                         r"|\d{1,2}(?:\.\d{1,2})*[.、．]?|[一二三四五六七八九十]{1,3}、)?[\s*]*")
# Between the names of one list: "区应急管理局、区公安分局和区消防救援支队".
_JOIN_RE = re.compile(r"^\s*(?:、|，|,|和|及|与|以及|或)\s*$")
# After a subject list: "区民政局：负责", "区统计局负责", "街道工委决定", "区红十字会\t统一接收".
# Example: "区民政局：负责受灾群众生活救助工作" -> role responsible.
_SUBJECT_CUE_RE = re.compile(r"^\s*(?:等(?:部门|单位))?\s*[：:\t]?\s*(?:(?P<lead>牵头|主责|为主责)|(?P<sup>配合|协助|参与|协同)"
                             r"|(?P<dec>决定|批准|审批|宣布)|(?P<pub>(?:直接|自行)?(?:发布|对外发布))"
                             r"|(?:主要|具体|分别|统一|负责|可|应当|应|要|须|在|将|通过|会同|组织|根据|按照|依据|核实后|接报后)|[：:\t])")
# After "由X": "由区水务局牵头处置", "由区统计局负责统计", "由区应急管理局统一调配", "由镇政府牵头成立…".
_BY_RE = re.compile(r"由\s*(?:各|相关|有关|事发地(?:的)?)?$")  # "由各乡镇政府、街道办事处决定"
_BY_CUE_RE = re.compile(r"^\s*(?:等(?:部门|单位))?\s*(?:(?P<lead>牵头)|(?P<dec>决定|批准|宣布)|(?P<pub>(?:直接|自行)?发布))?")
# An exemption: "无需另行报告区委", "可不向市应急办报告", "不再同步接收", "无需报备", "无需经区委宣传部审核",
# "不单独配备专职应急管理人员".
NEGATION_RE = re.compile(r"(?:无需|无须|不需要?|不必|可不|不再|不另行|不单独|不专门)(?:另行|同步|单独|再)?")
# A shared-suffix list of department functions: "应急管理、卫生健康、公安部门", "卫生健康等部门".
_SHARED_SUFFIX_RE = re.compile(r"((?:[\u4e00-\u9fff]{2,6}、)+(?:(?!等)[\u4e00-\u9fff]){2,6}|(?:(?!等)[\u4e00-\u9fff]){2,6})(?:等)?部门")
# A street or township plan's own bodies, which the gazetteer does not list: "街道可根据需要…",
# "街道工委决定", "镇应急管理办公室负责…", "本镇…".  Only as a subject (at a statement's start).
_SELF_BODY_RE = re.compile(r"(?:本)?(?:街道|镇|乡)(?:[\u4e00-\u9fff]{0,8}?(?:办公室|办事处|党工委|工委|党委|人民政府|政府|科|所|中心|站))?"
                           r"(?=\s*(?:[：:]|可|应|要|须|负责|决定|统一|自行|直接|牵头|在|根据|按照|组织|及时))")
_SELF_CANONICAL = {"街道": "街道办事处", "镇": "乡镇人民政府", "乡": "乡镇人民政府"}
# "Y：…，X的处置主责单位", "X由Y主责": the incident type a lead statement names.
_LEAD_OBJECT_RE = re.compile(r"([^，。；;：:]{2,30}?)(?:的)?(?:处置)?(?:主责|牵头)(?:单位|部门)")
# A later segment that is a duty of its own (a verb first): "…，统一对外发布本镇突发事件信息".
_DUTY_SEG_RE = re.compile(r"^\s*(?:并|及时|统一|负责|组织|牵头|做好|承担|指导|协调|会同|开展|发布|召开|启用|宣布|建立|组建|成立|指定|对外)")
# "A协助B开展X": B does X, A supports ("工会…协助卫生健康等部门开展心理咨询").
_HELPED_RE = re.compile(r"(?:协助|配合|协同)\s*$")
_HELPED_VERB_RE = re.compile(r"^\s*(?:等(?:部门|单位))?\s*(?:开展|做好|进行|实施|组织)")
# A subject right after a stop, maybe with a determiner: "突发事件发生后,相关区政府和…要…".
_AFTER_STOP_RE = re.compile(r"[，,：:]\s*(?:相关|有关|各|事发地(?:的)?)?\s*$")
# Acting under another body: "在区级现场指挥部统一指挥下开展工作" (the other body holds the task).
_UNDER_RE = re.compile(r"^\s*(?:应|要|须)?\s*在[^，。；;]{1,30}?(?:领导|指挥|指导|组织|协调)下")
# Segment ends inside a duty: "启动四级响应，成立现场指挥部".
_SEGMENT_RE = re.compile(r"[，,]")
# A supporting verb early in a duty: "参与现场指挥部相关工作", "协助卫生健康等部门开展…".
_SUPPORT_VERB_RE = re.compile(r"参与|配合|协助|协同")
# Heading columns of a duty table: unit column and duty column.
_UNIT_HEADER_RE = re.compile(r"单位|部门|成员|科室|机构")
_DUTY_HEADER_RE = re.compile(r"职责|任务|分工")


@dataclass(frozen=True, slots=True)
class _Name:
    start: int
    end: int
    text: str
    canonical: str
    type: str


def _names(g: Gazetteer, text: str, abbreviations: dict[str, str] | None) -> list[_Name]:
    """Bodies named in ``text`` (offsets in it), shared-suffix lists expanded."""
    out = [_Name(m.start, m.end, m.text, m.canonical, _type(g, m)) for m in g.find(text, abbreviations=abbreviations)]
    # "疫苗安全事件的处置主责单位" says what the subject is, it names no other body.
    out = [n for n in out if not (n.type == "incident_lead" and re.search(r"(?:的|处置)$", text[: n.start]))]
    taken = [(n.start, n.end) for n in out]
    for m in _SHARED_SUFFIX_RE.finditer(text):
        pos = m.start()
        parts = m.group(1).split("、")
        # "协助卫生健康等部门": the list's first word may carry a verb; keep the longest tail that is a type.
        k = next((i for i in range(len(parts[0]) - 1) if g.type_of(parts[0][i:] + "部门")), 0)
        pos, parts[0] = pos + k, parts[0][k:]
        for part in parts:
            ty = g.type_of(part + "部门")
            if ty and not any(a < pos + len(part) and pos < b for a, b in taken):
                out.append(_Name(pos, pos + len(part), part, part + "部门", ty))
            pos += len(part) + 1
    opening = _OPENING_RE.match(text)
    begin = opening.end() if opening else 0
    for m in _SELF_BODY_RE.finditer(text):
        if m.end() == m.start() or any(n.start < m.end() and m.start() < n.end for n in out):
            continue
        if not (m.start() == begin or text[m.start() - 1 : m.start()] in ("由", "，", ",", "：", ":")):
            continue
        word = m.group()
        base = word.removeprefix("本")
        canonical = _SELF_CANONICAL.get(base, base)
        out.append(_Name(m.start(), m.end(), word, canonical, "government" if base in _SELF_CANONICAL else ""))
    return sorted(out, key=lambda n: n.start)


def _type(g: Gazetteer, m: OrgMention) -> str:
    return m.type or (m.org.type if m.org is not None else "") or (g.type_of(m.canonical) or "")


def _runs(names: list[_Name], text: str) -> list[list[_Name]]:
    """Names grouped into lists joined only by 、/和/及."""
    runs: list[list[_Name]] = []
    for n in names:
        if runs and _JOIN_RE.match(text[runs[-1][-1].end : n.start]):
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _objects(text: str) -> tuple[frozenset[int], frozenset[int]]:
    t = fold(text)
    return (frozenset(GRADE_RANK[w] for w in re.findall(GRADE_WORD, t)),
            frozenset(COLOUR_RANK[c] for c in re.findall(COLOUR_WORD, t)))


def obligations(clause: Clause, g: Gazetteer, tax: Taxonomy,
                abbreviations: dict[str, str] | None = None) -> list[Obligation]:
    """Every obligation a clause states, in text order."""
    if clause.kind is ClauseKind.HEADING and not re.search(r"[。；;]\s*$", clause.text):
        return []
    base = clause.span.start
    if clause.kind is ClauseKind.TABLE_ROW and clause.header and len(clause.cells) >= 2:
        ui = next((i for i, h in enumerate(clause.header) if _UNIT_HEADER_RE.search(h) and not _DUTY_HEADER_RE.search(h)), None)
        di = next((i for i, h in enumerate(clause.header) if _DUTY_HEADER_RE.search(h)), None)
        if ui is not None and di is not None and max(ui, di) < len(clause.cells):
            # Cells are joined by TAB in clause.text: offsets of each cell.
            offs, pos = [], 0
            for cell in clause.cells:
                k = clause.text.find(cell, pos)
                offs.append(max(k, pos))
                pos = max(k, pos) + len(cell)
            unit, duty = clause.cells[ui], clause.cells[di]
            return _statement(g, tax, abbreviations, clause.text, base, 0, len(clause.text),
                              subject=(offs[ui], offs[ui] + len(unit)), duty=(offs[di], offs[di] + len(duty)))
    out: list[Obligation] = []
    lo = 0
    for m in list(_STATEMENT_END_RE.finditer(clause.text)) + [None]:
        hi = m.end() if m else len(clause.text)
        if hi - lo >= 4:
            out += _statement(g, tax, abbreviations, clause.text, base, lo, hi)
        lo = hi
    return out


def _statement(g: Gazetteer, tax: Taxonomy, abbreviations: dict[str, str] | None, text: str, base: int,
               lo: int, hi: int, subject: tuple[int, int] | None = None,
               duty: tuple[int, int] | None = None) -> list[Obligation]:
    s = text[lo:hi]
    names = _names(g, s, abbreviations)
    # (list, role, duty text, negated, whether later segments of the duty are the same body's duties too)
    found: list[tuple[list[_Name], Duty, str, bool, bool]] = []
    if subject is not None and duty is not None:
        subj = [n for n in names if subject[0] - lo <= n.start < subject[1] - lo]
        if subj:
            found.append((subj, Duty.RESPONSIBLE, text[duty[0] : duty[1]], False, False))
    else:
        opening = _OPENING_RE.match(s)
        start0 = opening.end() if opening else 0
        runs = _runs(names, s)
        for k, run in enumerate(runs):
            first, last = run[0], run[-1]
            # The duty of a run ends where the next run of bodies begins.
            before, after = s[:first.start], s[last.end : runs[k + 1][0].start if k + 1 < len(runs) else len(s)]
            neg = NEGATION_RE.search(before[-12:]) is not None
            if _HELPED_RE.search(before) and _HELPED_VERB_RE.match(after):
                found.append((run, Duty.RESPONSIBLE, after, neg, False))  # "…协助卫生健康等部门开展心理咨询"
                continue
            if re.search(r"会同\s*$", before):
                found.append((run, Duty.SUPPORT, after, neg, False))  # "由宣传部门会同处置主责部门…": the second list supports
                continue
            if _BY_RE.search(before.rstrip()):
                m = _BY_CUE_RE.match(after)
                role = Duty.LEAD if m.group("lead") else Duty.DECIDER if m.group("dec") else \
                    Duty.PUBLISHER if m.group("pub") else Duty.RESPONSIBLE
                # "…财产损失，由区统计局负责统计": the object and the verb read as one duty.
                found.append((run, role, re.sub(r"[，,]\s*(由\s*(?:各|相关|有关|事发地(?:的)?)?)$", r"\1", _seg_before(before)) + after, neg, False))
                continue
            at_start = first.start <= start0 + 1 or _AFTER_STOP_RE.search(before) is not None
            m = _SUBJECT_CUE_RE.match(after)
            if at_start and m:
                role = Duty.LEAD if m.group("lead") else Duty.SUPPORT if m.group("sup") else \
                    Duty.DECIDER if m.group("dec") else Duty.PUBLISHER if m.group("pub") else Duty.RESPONSIBLE
                found.append((run, role, _seg_after(after, whole=True), neg, True))
            elif neg or re.search(r"(?:向|报告|报送|通报|报|经)$", before):
                found.append((run, Duty.RECIPIENT, before[-16:] + after[:12], neg, False))
        # An exemption with no body named: "无需报备", "无需另行报批".
        for m in NEGATION_RE.finditer(s):
            if not any(f[3] for f in found):
                found.append(([], Duty.RESPONSIBLE, s[m.start():], True, False))
    out = []
    whole = task_of(s)
    for run, role, duty_text, neg, more in found:
        # The nearest segment first: "由区委、区政府启动四级响应，…成立现场指挥部" starts a response.
        # "区应急管理局配合": a supporting body shares the statement's task.
        segs = _SEGMENT_RE.split(duty_text)
        task = task_of(segs[0]) or task_of(duty_text) or (whole if role is Duty.SUPPORT else None)
        if role is not Duty.SUPPORT and (_SUPPORT_VERB_RE.search(duty_text[:16]) or _UNDER_RE.match(duty_text)):
            role = Duty.SUPPORT  # "…等相关部门应根据需要参与现场指挥部相关工作"
        if task is None:
            continue
        # "Y负责应急值守、信息汇总和上报，统一对外发布本镇突发事件信息，…": later duties of the same
        # body whose holder the checker compares, or an incident it is the lead for.
        lead_seg = next((x for x in segs if _LEAD_OBJECT_RE.search(x)), None) if task.id == "handle" else None
        duties = [(task, Duty.LEAD if lead_seg and role is Duty.RESPONSIBLE else role, lead_seg or segs[0])]
        for seg in segs[1:]:
            t2 = task_of(seg)
            if more and t2 is not None and _DUTY_SEG_RE.match(seg) and all(t2 is not d[0] for d in duties) and role is not Duty.SUPPORT and (
                    t2.compare == "owner" or (t2.id == "handle" and _LEAD_OBJECT_RE.search(seg))):
                duties.append((t2, Duty.LEAD if _LEAD_OBJECT_RE.search(seg) else role, seg))
        grades, colours = _objects(s)
        for t, r, seg in duties:
            incident = _incident(tax, t, s, run, seg)
            for n in run or [None]:
                out.append(Obligation(
                    task=t.id, role=r, actor=n.text if n else "", canonical=n.canonical if n else "",
                    actor_type=n.type if n else "", span=Span(base + lo, base + hi), text=s,
                    actor_span=Span(base + lo + n.start, base + lo + n.end) if n else None,
                    incident=incident, grades=grades, colours=colours, negated=neg,
                ))
    return out


def _incident(tax: Taxonomy, task: Task, s: str, run: list[_Name], seg: str) -> int | None:
    """The incident type handled: the object before "由Y" or "Y：", or "X的处置主责单位" in the duty."""
    if task.id != "handle" or not run:
        return None
    m = _LEAD_OBJECT_RE.search(seg)
    for text in ([m.group(1)] if m else []) + [_seg_before(s[: run[0].start])]:
        hits = tax.match(text, k=1) if text.strip() else []
        if hits and hits[0][1] >= INCIDENT_MIN:
            return hits[0][0].number
    return None


def _seg_before(before: str) -> str:
    """The object before "由": the text since the last sentence-level stop."""
    return re.split(r"[。；;]", before)[-1]


def _seg_after(after: str, whole: bool = False) -> str:
    """The duty after the body: up to the next clause stop ("，" ends it unless ``whole``)."""
    return re.split(r"[。；;]" if whole else r"[。；;，,]", after)[0] if not whole else after
