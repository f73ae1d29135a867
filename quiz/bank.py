"""The fact bank: every testable fact of the corpus as an :class:`Item`.

An item is one fact a question can test, with the clause it comes from and
where in that clause the answer is written.  Items come from

* table rows: incident → lead department (2.3.6) and plan → 牵头编制部门 (8.3);
* deadline facts (durations and sub-yearly recurrences: '2小时', '每30分钟');
* threshold facts in the goal sections of emergency programmes;
* warning-level facts: level → colour (3.2.2) and colour → approving body (3.2.3);
* response sections ('4.3.3 三级响应'): the body that starts the response.

Nothing here is random: the same input always gives the same items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plankb.extract.gazetteer import fold
from plankb.extract.model import Clause, ClauseKind, Document

from .text import (
    COLOURS,
    LEVEL_RE,
    NUM_RE,
    RANK_WORDS,
    Sentence,
    find_duration,
    level_rank,
    sentence_at,
    squash,
)

# A lead cell lists departments with '、' and may end in '等部门': '市应急局、市气象局、市园林绿化局等部门'.
_SPLIT_RE = re.compile(r"[、，,]")
_HEDGE_RE = re.compile(r"等(?:部门|单位)?$")
# Who starts a response: '由市级处置主责部门在四级响应的基础上启动', '由市应急委、…等领导指挥机构根据市相关
# 部门建议，在三级响应的基础上启动', '由市委应对重大突发公共卫生事件领导机构决定，启动Ⅱ级应急响应'.
_STARTER_RE = re.compile(
    r"由(?P<body>[^，。；;,:：]{2,60}?)(?:根据[^，。；]{0,20}?建议[，,]?|决定[，,]?)?\s*"
    r"(?:在[一二三四ⅠⅡⅢⅣIV]+级(?:应急)?响应的基础上)?启动"
)
# A sentence that starts a response without '由': '区相应专项应急指挥部启动应急响应。'
_STARTER_BARE_RE = re.compile(r"(?:^|[。；，,])(?P<body>[^，。；;,:：由]{2,20}?)启动(?:应急)?响应")
# The verb after an approving body: '报分管市领导批准', '报分管区领导审批', '…负责发布和解除'.
_VERB_RE = re.compile(r"\s*(负责发布和解除|批准|审批|审准)")
# A clause number that is a section number: '4.1.4', '3.2.2' (not '(1)' or '一、').
_DECIMAL_RE = re.compile(r"^\d+(?:\.\d+)+$")
# An indicator names a measure: '…覆盖率', '…比例', '人均应急避难场所面积', '响应时间', '…学时'.
_MEASURE_RE = re.compile(r"率|比例|面积|时间|时效|数量|人数|规模|损失|学时|总量|标准")
# Path headings that say what a clause is about (deepest heading first wins).
_TOPIC_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("信息报送", ("信息报送", "信息报告")),
    ("信息发布", ("信息发布", "舆论")),
    ("预警", ("预警",)),
    ("响应", ("响应", "处置", "救援", "恢复")),
    ("保障", ("保障",)),
    ("预案管理", ("预案", "演练", "培训", "宣传教育", "奖惩")),
    ("规划目标", ("目标", "指标")),
)
_CATEGORY_ALIASES = {"公共卫生事件类": "公共卫生类", "社会安全事件类": "社会安全类"}
# Titles of documents whose numeric goals are emergency-management goals.
EMERGENCY_WORDS = ("应急", "安全生产", "防汛", "减灾", "消防")


@dataclass(frozen=True)
class Item:
    """One testable fact and where its answer is written."""

    kind: str  # lead | plan | deadline | threshold | colour | approver | starter
    key: str  # identity of the fact, for "no two questions test the same fact"
    doc: Document
    clause: Clause
    topic: str
    subject: str  # what is asked about: an incident, a plan, '二级', '橙色预警', '三级响应', an indicator
    answers: tuple[str, ...]  # the right value(s) as written (wrap whitespace removed)
    label: str = ""  # what the answer is: '市级处置主责部门', '牵头编制部门', a verb ('批准'), '预期值'
    pool: str = ""  # name of the distractor pool
    sent: Sentence | None = None  # the quoted sentence of clause.text
    blank: tuple[int, int] | None = None  # where the answer is written in clause.text
    value: float = 0.0  # seconds (deadline), number (threshold), rank (colour, approver, starter)
    unit: str = ""
    group: str = ""  # incident category of a table row
    hedged: bool = False  # the lead cell ends in 等: the list is not exhaustive
    ranged: bool = False  # a threshold range ('50%-60%')

    @property
    def jurisdiction(self) -> str:
        return self.doc.jurisdiction

    @property
    def emergency(self) -> bool:
        return any(w in self.doc.title for w in EMERGENCY_WORDS)


def build_items(
    clauses: Sequence[Clause], facts: Sequence[dict[str, Any]], documents: Mapping[str, Document]
) -> list[Item]:
    """Every item of the given clauses, in clause order."""
    by_id = {c.id: c for c in clauses}
    facts_of: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        if f.get("clause_id") in by_id:
            facts_of.setdefault(f["clause_id"], []).append(f)
    out: list[Item] = []
    for c in clauses:
        doc = documents.get(c.doc_id)
        if doc is None:
            continue
        fs = facts_of.get(c.id, [])
        out += _table_items(c, doc)
        out += _deadline_items(c, doc, fs)
        out += _threshold_items(c, doc, fs)
        out += _colour_items(c, doc, fs)
        out += _approver_items(c, doc, fs)
    out += _starter_items(clauses, documents)
    return out


def topic_of(clause: Clause, doc: Document) -> str:
    for heading in reversed(clause.path or (clause.section,)):
        for topic, words in _TOPIC_RULES:
            if any(w in heading for w in words):
                return topic
    return "规划目标" if doc.doc_type.value in ("规划", "实施方案") else "综合"


def section_ref(clause: Clause) -> str:
    """What to cite: the clause's own number ('4.1.4'), the catalogue of a plan row
    ('8.3 市级专项应急预案目录'), else its numbered heading ('2.3.6 突发事件处置分工'),
    never a '(1)自然灾害类' sub-heading."""
    if _DECIMAL_RE.match(clause.number):
        return clause.number
    path = [" ".join(h.split()) for h in clause.path or (clause.section,)]
    if clause.kind is ClauseKind.TABLE_ROW:
        for heading in path:
            if "目录" in heading:
                return heading
    for heading in reversed(path):
        if not re.match(r"^[(（]\d+[)）]", heading):
            return heading
    return " ".join(clause.section.split())


def locate(clause: Clause, f: dict[str, Any]) -> tuple[int, int] | None:
    """Offsets in ``clause.text`` of a fact (its span is in document offsets)."""
    s, e = f["span"]["start"] - clause.span.start, f["span"]["end"] - clause.span.start
    if 0 <= s <= e <= len(clause.text):
        return s, e
    return find_loose(clause.text, f.get("text", ""))


def find_loose(text: str, needle: str, start: int = 0) -> tuple[int, int] | None:
    """``needle`` in ``text`` with any whitespace allowed between its characters."""
    needle = squash(needle).replace(" ", "")
    if not needle:
        return None
    m = re.compile(r"\s*".join(map(re.escape, needle))).search(text, start)
    return (m.start(), m.end()) if m else None


def split_departments(cell: str) -> tuple[str, ...]:
    parts = (_HEDGE_RE.sub("", p.strip()) for p in _SPLIT_RE.split(squash(cell)))
    return tuple(p for p in parts if p)


# -- tables ---------------------------------------------------------------------
def _table_items(c: Clause, doc: Document) -> list[Item]:
    if c.kind is not ClauseKind.TABLE_ROW or len(c.cells) < 3 or len(c.header) < 3:
        return []
    label = squash(c.header[2]).replace(" ", "")
    if "主责" in label:
        kind, group = "lead", _CATEGORY_ALIASES.get(c.group, c.group)
        topic = "处置分工"  # the category stays in ``group`` (Question.category)
    elif "牵头" in label:
        kind, group, topic = "plan", squash(c.section), "预案管理"  # group: the catalogue's sub-heading
    else:
        return []
    subject, cell = squash(c.cells[1]), squash(c.cells[2])
    leads = split_departments(cell)
    if not subject or not leads:
        return []
    span = find_loose(c.text, c.cells[2])
    return [
        Item(
            kind,
            f"{kind}:{doc.jurisdiction}:{fold(subject)}",
            doc,
            c,
            topic,
            subject,
            leads,
            label=label,
            pool=f"{kind}:{doc.jurisdiction}",
            sent=Sentence(0, len(c.text)),
            blank=span,
            group=group,
            hedged=bool(_HEDGE_RE.search(cell)),
        )
    ]


# -- deadlines and thresholds -------------------------------------------------------
def _deadline_items(c: Clause, doc: Document, fs: Iterable[dict[str, Any]]) -> list[Item]:
    out = []
    for f in fs:
        if f["fact"] != "deadline" or f.get("kind") not in ("duration", "recurrence"):
            continue
        loc = locate(c, f)
        q = find_duration(c.text[loc[0] : loc[1]]) if loc else None
        if loc is None or q is None or q.seconds >= 365 * 86400:
            continue  # '每年' and longer cycles are programme chores, not response rules
        b = (loc[0] + q.start, loc[0] + q.end)
        sent = sentence_at(c.text, *b)
        if _introduces_list(c.text, sent):
            continue
        out.append(
            Item(
                "deadline",
                f"deadline:{c.id}:{f.get('value', '')}",
                doc,
                c,
                topic_of(c, doc),
                squash(f.get("action", "")),
                (q.text,),
                pool="duration",
                sent=sent,
                blank=b,
                value=q.seconds,
                unit=q.unit,
            )
        )
    return out


def _introduces_list(text: str, sent: Sentence) -> bool:
    """'对于以下情况应立即报告，…1小时报告：' — it means the items below, which a stem cannot show."""
    return text[sent.start : sent.end].rstrip().endswith(("：", ":")) and "以下" in text[sent.start : sent.end]


def _in_goal_section(c: Clause) -> bool:
    heads = " ".join(c.path) + " " + " ".join(c.header)
    return "目标" in heads or "指标" in heads


def _threshold_items(c: Clause, doc: Document, fs: Sequence[dict[str, Any]]) -> list[Item]:
    if not _in_goal_section(c):
        return []
    taken = [locate(c, f) for f in fs if f["fact"] == "deadline"]
    out = []
    for f in fs:
        if f["fact"] != "threshold":
            continue
        loc = locate(c, f)
        if loc is None or any(t and t[0] < loc[1] and loc[0] < t[1] for t in taken):
            continue  # a time limit written as a goal is already a deadline item
        if c.kind is ClauseKind.TABLE_ROW and len(c.cells) >= 3:
            item = _table_threshold(c, doc, f)
        else:
            item = _text_threshold(c, doc, f, loc)
        if item is not None:
            out.append(item)
    return out


def _table_threshold(c: Clause, doc: Document, f: dict[str, Any]) -> Item | None:
    cell = squash(c.cells[2])
    if squash(f.get("text", "")) == squash(c.cells[0]) or not re.search(r"\d", cell):
        return None  # the serial-number column, or a value in words ('达到市级要求')
    span = find_loose(c.text, c.cells[2])
    if span is None or squash(f.get("text", "")).replace(" ", "") not in cell.replace(" ", ""):
        return None
    indicator = squash(c.cells[1])
    return _threshold(c, doc, f, indicator, span, cell.replace(" ", ""), label=squash(c.header[2]))


def _text_threshold(c: Clause, doc: Document, f: dict[str, Any], loc: tuple[int, int]) -> Item | None:
    indicator = squash(f.get("indicator", ""))
    if not _MEASURE_RE.search(indicator):
        return None  # '建成', '每年组织', '村（社区）': not an indicator a trainer can ask about
    text = c.text[loc[0] : loc[1]]
    m = NUM_RE.search(text)
    if not m:
        return None
    end = m.end()
    unit = squash(f.get("unit", ""))
    rest = text[end:].lstrip()
    if unit and unit not in "%％‰" and rest.startswith(unit):
        end = len(text) - len(rest) + len(unit)
    span = (loc[0] + m.start(), loc[0] + end)
    return _threshold(c, doc, f, indicator, span, squash(c.text[span[0] : span[1]]))


def _threshold(
    c: Clause, doc: Document, f: dict[str, Any], indicator: str, span: tuple[int, int], core: str, label: str = ""
) -> Item:
    value = float(f.get("value") or 0.0)
    return Item(
        "threshold",
        f"threshold:{doc.jurisdiction}:{fold(indicator)}:{value:g}",
        doc,
        c,
        "规划目标",
        indicator,
        (core,),
        label=label,
        pool="threshold",
        sent=Sentence(0, len(c.text)) if c.kind is ClauseKind.TABLE_ROW else sentence_at(c.text, *span),
        blank=span,
        value=value,
        unit=squash(f.get("unit", "")),
        ranged=f.get("operator") == "range" or bool(re.search(r"\d\s*[-－~～至]\s*\d", core)),
    )


# -- warning levels -------------------------------------------------------------------
def _colour_items(c: Clause, doc: Document, fs: Iterable[dict[str, Any]]) -> list[Item]:
    if "标示" not in c.text or not all(col in c.text for col in COLOURS):
        return []
    out = []
    for f in fs:
        if f["fact"] != "level" or f.get("scheme") != "warning" or f.get("actor"):
            continue
        word, rank = squash(f.get("text", "")), int(f.get("rank") or 0)
        loc = locate(c, f)
        if word not in RANK_WORDS or loc is None or not 1 <= rank <= 4:
            continue
        colour = COLOURS[rank - 1]
        if not f.get("colour") or not colour.startswith(f["colour"]):
            continue
        at = c.text.find(colour, loc[1])
        if at < 0:
            continue
        b = (at, at + len(colour))
        sent = sentence_at(c.text, loc[0], b[1])
        out.append(
            Item("colour", f"colour:{rank}", doc, c, "预警", word, (colour,), pool="colour",
                 sent=sent, blank=b, value=rank)
        )
    return out


def _approver_items(c: Clause, doc: Document, fs: Iterable[dict[str, Any]]) -> list[Item]:
    """Who publishes or approves warnings of a colour: grouped by (body, verb)."""
    groups: dict[str, list[tuple[dict[str, Any], tuple[int, int]]]] = {}
    for f in fs:
        if f["fact"] == "level" and f.get("scheme") == "warning" and f.get("actor") and f.get("colour"):
            loc = locate(c, f)
            if loc is not None:
                groups.setdefault(squash(f["actor"]), []).append((f, loc))
    out = []
    for actor, members in groups.items():
        members.sort(key=lambda m: m[1][0])
        first = members[0][1]
        where = find_loose(c.text, actor, first[1])
        if where is None:
            continue
        vm = _VERB_RE.match(c.text, where[1])
        if vm is None:
            continue
        verb = "审批" if vm.group(1) == "审准" else vm.group(1)
        colours = [COLOURS[int(f["rank"]) - 1] for f, _ in members if 1 <= int(f.get("rank") or 0) <= 4]
        subject = "、".join(dict.fromkeys(colours)) + "预警"
        out.append(
            Item(
                "approver",
                f"approver:{doc.jurisdiction}:{subject}:{fold(actor)}",
                doc,
                c,
                "预警",
                subject,
                (actor,),
                label=verb,
                pool=f"role:{doc.id}",
                sent=sentence_at(c.text, first[0], vm.end()),
                blank=where,
                value=min(int(f["rank"]) for f, _ in members),
            )
        )
    return out


# -- response levels --------------------------------------------------------------------
def _starter_items(clauses: Sequence[Clause], documents: Mapping[str, Document]) -> list[Item]:
    """The body that starts each response level, from the first clause of its section that says so."""
    out, seen = [], set()
    for c in clauses:
        m = LEVEL_RE.search(c.section)
        doc = documents.get(c.doc_id)
        if m is None or doc is None or c.kind is ClauseKind.HEADING:
            continue
        rank = level_rank(m.group("lv"))
        if (c.doc_id, rank) in seen:
            continue
        sm = _STARTER_RE.search(c.text) or _STARTER_BARE_RE.search(c.text)
        if sm is None or "报请" in sm.group("body"):
            continue  # a request-and-approve chain has no single starter
        seen.add((c.doc_id, rank))
        b = sm.span("body")
        body = squash(sm.group("body")).lstrip("。；，, ")
        out.append(
            Item(
                "starter",
                f"starter:{doc.id}:{rank}",
                doc,
                c,
                "响应",
                m.group(0),
                (body,),
                label="启动",
                pool=f"role:{doc.id}",
                sent=sentence_at(c.text, *b),
                blank=b,
                value=rank,
            )
        )
    return out
