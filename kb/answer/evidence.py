"""The clause an answer is read from, and the checks that bind a fact to the question.

A :class:`ClauseView` is a retrieved clause with its sentences and its context
(document title, heading path).  The match checks answer one question each:
does the nearest colour / level / grade named before the fact agree with the
question's (so that "红色预警由谁批准" is never answered from the 橙色 half of
the sentence), and how much of the question's wording the evidence carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from plankb.extract.model import Clause, Document, Span
from plankb.extract.vocab import COLOUR_RANK, GRADE_RANK, GRADE_WORD

from .parse import SHORT_COLOURS
from .types import Question

LABEL_RE = re.compile(r"[\u4e00-\u9fff]{2,6}[:：]")  # "完成时限：", "主责单位："
SENTENCE_END_RE = re.compile(r"[。；;！!？?\n]")
# A run of colours: "蓝色、黄色预警", "橙色或红色", "蓝黄预警".
COLOUR_RUN_RE = re.compile(rf"[{SHORT_COLOURS}]色?(?:\s*(?:[、和及与或]|至)?\s*[{SHORT_COLOURS}]色?)*(?=\s*(?:色|预警|警|[、和或]|$|[，。；]))")
# A run of grades with its "及以上": "较大及以上", "重大、特别重大", "一般及以上".
GRADE_RUN_RE = re.compile(rf"{GRADE_WORD}(?:\s*[、和或]\s*{GRADE_WORD})*(?P<ge>及以上|以上)?(?=\s*(?:突发|事件|事故|灾害|灾难|险情|级|[(（]|及以上|以上))")
# A run of numbered levels of a scheme: "一级、二级响应", "Ⅲ级应急响应", "IV 级".
LEVEL_RUN_RE = re.compile(r"(?P<run>(?:[一二三四1-4ⅠⅡⅢⅣ]|IV|III|II|I)\s*级(?:\s*[、和或至]\s*(?:[一二三四1-4ⅠⅡⅢⅣ]|IV|III|II|I)\s*级)*)\s*(?P<scheme>预警|(?:应急)?响应)?")
BASIS_RE = re.compile(r"\s*(?:的)?基础上")
_RANKS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class ClauseView:
    clause: Clause
    doc: Document
    text: str  # the clause text, with following label lines ("完成时限：…") appended
    rank: int  # position in the retrieved list (0 = best)
    before: str = ""  # the clause before it, whose subject a clause may continue ("主任由市长担任")

    @property
    def context(self) -> str:
        """What a question's words may be found in: title, headings, the clause before, the clause."""
        return f"{self.doc.title}\n{' '.join(self.clause.path)}\n{self.clause.section}\n{self.before}\n{self.text}"

    def sentences(self) -> list[Span]:
        """Sentences; a label line under an item ("完成时限：…") reads with the item it labels."""
        out, lo = [], 0
        for m in SENTENCE_END_RE.finditer(self.text):
            if m.end() - lo > 1:
                out.append(Span(lo, m.end()))
            lo = m.end()
        if len(self.text) - lo > 1:
            out.append(Span(lo, len(self.text)))
        first_label = next((s.start for s in out if s.start > 0 and self.text[s.start - 1] == "\n"
                            and LABEL_RE.match(self.text, s.start)), None)
        return [Span(0, s.end) if first_label is not None and s.start >= first_label else s for s in out]

    def sentence_of(self, pos: int) -> Span:
        for s in self.sentences():
            if s.start <= pos < s.end:
                return s
        return Span(0, len(self.text))


def _colour_runs(text: str) -> list[tuple[int, int, set[int]]]:
    return [(m.start(), m.end(), {COLOUR_RANK[c] for c in m.group() if c in COLOUR_RANK}) for m in COLOUR_RUN_RE.finditer(text)]


def _grade_runs(text: str) -> list[tuple[int, int, set[int]]]:
    out = []
    for m in GRADE_RUN_RE.finditer(text):
        ranks = {GRADE_RANK[w] for w in re.findall(GRADE_WORD, m.group())}
        if m.group("ge"):
            ranks |= set(range(1, max(ranks) + 1))
        out.append((m.start(), m.end(), ranks))
    return out


def _level_runs(text: str, scheme: str) -> list[tuple[int, int, set[int]]]:
    out = []
    for m in LEVEL_RUN_RE.finditer(text):
        if BASIS_RE.match(text, m.end()):
            continue  # "在二级响应的基础上启动" names the level it builds on, not the one started
        s = m.group("scheme") or ""
        found = "warning" if s == "预警" else "response" if s else ""
        if scheme and found and found != scheme:
            continue
        ranks = {_RANKS[r] for r in re.findall(r"IV|III|II|I|[一二三四1-4ⅠⅡⅢⅣ]", m.group("run"))}
        out.append((m.start(), m.end(), ranks))
    return out


def _nearest(runs: list[tuple[int, int, set[int]]], at: int) -> set[int] | None:
    """Ranks of the run that governs position ``at``: the last one before it, else the first after."""
    before = [r for r in runs if r[1] <= at]
    if before:
        return before[-1][2]
    after = [r for r in runs if r[0] >= at]
    return after[0][2] if after else None


def bound(q: Question, view: ClauseView, sentence: Span, at: int) -> bool:
    """Whether the fact at ``at`` (clause offset) in ``sentence`` is about the question's subject.

    Each subject anchor the question names (colours, a numbered level, event
    grades) must be the one that governs the fact in its sentence; when the
    sentence names none of that kind, the clause's headings must name it.
    """
    s = q.subject
    text = view.text[sentence.start : sentence.end]
    local = at - sentence.start
    head = f"{view.doc.title} {' '.join(view.clause.path)}"
    checks: list[tuple[set[int], Callable[[str], list[tuple[int, int, set[int]]]]]] = []
    if s.colours:
        checks.append((set(s.colours), _colour_runs))
    if s.rank:
        checks.append(({s.rank}, lambda t: _level_runs(t, s.scheme)))
    if s.grades:
        checks.append((set(s.grades), _grade_runs))
    for want, runs_of in checks:
        governing = _nearest(runs_of(text), local)
        if governing is None:
            # Not in the sentence: the clause before it or its headings may carry it.
            governing = _nearest(runs_of(view.text[: sentence.start]), sentence.start) or _nearest(runs_of(head), len(head))
        if governing is None or not want & governing:
            return False
    return all(n in view.context or n in view.doc.date for n in s.numbers)


def term_found(term: str, context: str) -> bool:
    """A question word is found as written, or (a compound) as its two halves."""
    if term in context:
        return True
    if len(term) >= 4:
        half = len(term) // 2
        return term[:half] in context and term[half:] in context
    return False


def coverage(terms: tuple[str, ...], context: str, heavy: tuple[str, ...] = ()) -> float:
    """Share of the question's content (by characters, ``heavy`` words counted twice: the
    nouns that name the subject weigh more than the verbs a user happens to choose)."""
    if not terms:
        return 0.0
    weight = {t: len(t) * (2 if t in heavy else 1) for t in terms}
    return sum(w for t, w in weight.items() if term_found(t, context)) / sum(weight.values())


def sentence_hits(terms: tuple[str, ...], sentence: str) -> int:
    return sum(1 for t in terms if term_found(t, sentence))


def unnamed_level(q: Question, sentence: str) -> bool:
    """The question names no colour or level, but the sentence gives different levels
    different rules ("橙色预警由A批准、红色预警由B批准"): the question is too vague to answer."""
    s = q.subject
    if s.colours or s.rank or s.grades:
        return False
    colours = [frozenset(r[2]) for r in _colour_runs(sentence)]
    levels = [frozenset(r[2]) for r in _level_runs(sentence, "")]
    return len(set(colours)) >= 2 or len(set(levels)) >= 2
