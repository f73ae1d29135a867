"""Counts with their members ("分几级" -> "四级：特别重大、重大、较大、一般") and full enumerations.

Both read a list of items out of one sentence: members joined by 、/和/及/与,
written before a count ("分为特别重大、重大、较大和一般四级"), after it
("五个阶段：规划与计划、准备、…") or after a verb of division ("分为…", "包括…").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.model import Span
from plankb.extract.vocab import NUMBER, try_number

from .evidence import ClauseView, sentence_hits
from .types import AnswerType, Candidate, Question

_ITEM = r"[^、，,。；;：:\n]{1,24}?"
_SEP = r"(?:、|和|及|与|以及|，|,)"
# A list of at least two items: "特别重大、重大、较大和一般", "现场抢救、院前急救、专科治疗".
LIST_RE = re.compile(rf"{_ITEM}(?:{_SEP}{_ITEM})+(?=[，,。；;：:）)\n]|等|$|四|三|五|六|两|共|[一二三四五六七八九十\d]+(?:个|项|类|级|种))")
# 一 starting a word, not counting: 一般, 一些, 一旦, 一起, 一直, 一定, 一致, 一切, 一体…
NOT_A_NUMBER = "般|些|旦|起|直|定|致|切|样|线|体|同|并|律|道|经|次性|流|手|批|揽子|网|张图|盘棋|部分"
# A count of a noun: "四级", "4个级别", "五个阶段", "六类", "21个", "1至2座".
COUNT_RE = re.compile(rf"(?P<n>{NUMBER}(?:\s*[至到-]\s*{NUMBER})?)(?!{NOT_A_NUMBER})\s*(?P<ge>个)?\s*(?P<unit>[\u4e00-\u9fff]{{1,3}})")
# Words that open a list: "分为", "包括", "主要有", "由…组成", "即".
LIST_OPEN_RE = re.compile(r"(?:分为|分成|划分为|包括|包含|主要有|主要是|有|即|分别是|分别为|为|设立?|由|按照|按|：|:)\s*")
UNIT_EQUIV = {"等": "级", "档": "级"}
# Counted nouns of two characters: a count is cut after them, not after their first character.
UNIT_WORDS = ("级别", "阶段", "等级", "方面", "大类", "类别", "批次", "环节")
_SPLIT_RE = re.compile(r"、|和|及|与|以及|，|,")


def _members(text: str, n: int = 0) -> list[str]:
    """Items of a list; when a count ``n`` is known, the reading with n items wins
    ("规划与计划、准备、实施、评估总结和改进" is five, split on 、 and the last 和)."""
    full = [p.strip() for p in _SPLIT_RE.split(text) if p.strip()]
    if not n or len(full) == n:
        return full
    head, _, last = text.rpartition("、")
    m = re.match(r"(.+?)(?:和|及|以及|与)(.+)$", last)
    coarse = [p.strip() for p in head.split("、") if p.strip()] + ([m.group(1), m.group(2)] if m else [last])
    return coarse if len(coarse) == n else full


def _unit_ok(q: Question, unit: str) -> bool:
    if not q.unit:
        return True
    want = UNIT_EQUIV.get(q.unit, q.unit)
    return bool(unit) and (unit[0] == want or unit.startswith("个" + want) or want in unit[:2])


def count(q: Question, view: ClauseView) -> Iterator[Candidate]:
    text = view.text
    written: list[Candidate] = []
    for sent in view.sentences():
        s = text[sent.start : sent.end]
        if not sentence_hits(q.subject.terms, s):
            continue
        for m in COUNT_RE.finditer(s):
            unit = m.group("unit")
            n = try_number(re.split(r"[至到-]", m.group("n"))[0])
            if n is None or not _unit_ok(q, unit) or re.fullmatch(r"[一二三四五六七八九十]", m.group("n")) and s[m.end("n"):m.end("n") + 1] == "级" and _is_level_name(s, m):
                continue
            # The noun counted: keep 级/个级别/个阶段/项/类 and the word right after a bare unit.
            phrase = s[m.start() : m.end()].strip()
            if q.unit:  # "六类防汛隐患" -> "六类", "4个级别" and "五个阶段" stay whole
                want = UNIT_EQUIV.get(q.unit, q.unit)
                cut = phrase.find(want)
                word = next((w for w in UNIT_WORDS if phrase.startswith(w, cut)), want) if cut >= 0 else ""
                phrase = phrase[: cut + len(word)] if cut >= 0 else phrase
            members = _members_near(s, m, int(n) if n == int(n) else 0)
            if members and int(n) == n and len(members) != int(n):
                members = []
            answer = phrase + ("：" + "、".join(members) if members else "")
            written.append(Candidate(AnswerType.COUNT, answer, view.clause.id, Span(sent.start + m.start(), sent.start + m.end()),
                                     sent, "、".join(members)))
            yield written[-1]
        # "分为一级、二级、三级和四级": members without a written total (only where none is written).
        if any(c.sentence == sent for c in written):
            continue
        for m in re.finditer(rf"(?:分为|分成|划分为)\s*({LIST_RE.pattern})", s):
            members = _members(m.group(1))
            if len(members) >= 2 and (not q.unit or any(q.unit in x or UNIT_EQUIV.get(q.unit, "") in x for x in members)):
                answer = f"{len(members)}{q.unit or '个'}：" + "、".join(members)
                yield Candidate(AnswerType.COUNT, answer, view.clause.id, Span(sent.start + m.start(1), sent.start + m.end(1)), sent,
                                "、".join(members))


def _is_level_name(s: str, m: re.Match[str]) -> bool:
    """"一级、二级…" are the members, not a count: a numeral 级 inside a list."""
    before = s[max(0, m.start() - 1) : m.start()]
    after = s[m.end("n") + 1 : m.end("n") + 2]
    return before in "、和及与" and before != "" or after in "、和及与" and after != ""


def _members_near(s: str, m: re.Match[str], n: int = 0) -> list[str]:
    """The list right before a count ("…和一般四级") or right after it ("五个阶段：A、B…")."""
    head = s[: m.start()]
    before = re.search(rf"({LIST_RE.pattern})\s*(?:共|等)?\s*$", head)
    if before:
        items = _members(re.sub(r"^.*(?:分为|分成|划分为|包括|有|为)", "", before.group(1)), n)
        if len(items) >= 2:
            return items
    tail = s[m.end() :]
    after = re.match(rf"\s*[：:，,]?\s*(?:即|分别是|分别为|包括)?\s*({LIST_RE.pattern})", tail)
    if after:
        items = _members(after.group(1), n)
        if len(items) >= 2:
            return items
    return []


def enumeration(q: Question, view: ClauseView) -> Iterator[Candidate]:
    text = view.text
    for sent in view.sentences():
        s = text[sent.start : sent.end]
        if not sentence_hits(q.subject.terms, s):
            continue
        for opener in LIST_OPEN_RE.finditer(s):
            m = LIST_RE.match(s, opener.end())
            if not m:
                continue
            items = _members(m.group())
            if len(items) < 2 or any(len(x) > 24 for x in items):
                continue
            answer = "、".join(items)
            yield Candidate(AnswerType.ENUMERATION, answer, view.clause.id,
                            Span(sent.start + m.start(), sent.start + m.end()), sent, str(len(items)))
