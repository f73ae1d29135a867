"""One plan as the rules read it: sentences with topics, facts and bodies.

A :class:`PlanView` wraps a document and its clauses (the master plan or the
subordinate draft) and computes, once and lazily, what the rules ask for:
the sentences of each clause with their topics, the facts of the
``extract.facts`` layer, the organisations named (with the document's own
``以下简称`` abbreviations, which hold in that document only) and the
time limits sorted into slots.  Spans are offsets into ``document.text``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from plankb.extract.facts.collect import clause_facts
from plankb.extract.facts.numbers import NUMBER, fold, try_number
from plankb.extract.gazetteer import Gazetteer, OrgMention, load_gazetteer
from plankb.extract.model import Clause, ClauseKind, Deadline, DeadlineKind, DocType, Document, Level, Span
from plankb.extract.obligations import Obligation, obligations
from plankb.extract.taxonomy import load_taxonomy

from .lexicon import bigrams, level_from_name, slot_of, topics_of

# Sentence ends: "。", "；", "!", "?" (full or half width).
_SENT_END_RE = re.compile(r"[。；;！？!?]")
# Comma-level segment ends inside a sentence.
_SEG_END_RE = re.compile(r"[，,：:。；;！？!?]")
# "每隔2小时续报" is a recurrence the facts layer does not read (it wants "每2小时").
_EVERY_GAP_RE = re.compile(rf"每隔\s*(?P<num>{NUMBER})\s*(?:个\s*)?(?P<unit>小时|分钟)")
# "每年汛前组织开展一次演练": a period with a word between it and the verb, which the
# facts layer leaves out (it wants "每年组织…").
_EVERY_PERIOD_RE = re.compile(rf"每\s*(?P<num>{NUMBER})?\s*(?P<unit>年|半年|季度|月)(?=[^，。；;]{{0,8}}?(?:组织|开展|举办|举行|进行)[^，。；;]{{0,12}}演练)")
# "续报间隔不超过1小时", "续报时间间隔不得超过30分钟": an interval stated as a bound.
_GAP_LIMIT_RE = re.compile(rf"间隔(?:时间)?\s*(?:不超过|不得超过|不长于|最长|为)\s*(?P<num>{NUMBER})\s*(?:个\s*)?(?P<unit>小时|分钟)")
_ISO_UNIT = {
    "小时": lambda n: f"PT{_num(n)}H", "分钟": lambda n: f"PT{_num(n)}M", "年": lambda n: f"P{_num(n)}Y",
    "半年": lambda n: f"P{_num(6 * n)}M", "季度": lambda n: f"P{_num(3 * n)}M", "月": lambda n: f"P{_num(n)}M",
}
# A heading that is really a sentence: it ends with "。" or "；".
_SENTENCE_HEADING_RE = re.compile(r"[\u4e00-\u9fff][^\s]*[，,][^\s]*[。；;]\s*$|[。；;]\s*$")
# Binding documents: plans and the rules that implement them ("信息报告办法", "值守制度", "实施细则").
_BINDING_TITLE_RE = re.compile(r"预案|办法|规定|制度|细则|规程")
# Leading clause numbers, so that "4.1.4 对于…" compares like "对于…".
_NUMBER_PREFIX_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,3}|[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．])\s*")


def _num(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


@dataclass
class Sentence:
    """A sentence of a clause (a table row is one sentence)."""

    clause: Clause
    start: int  # document offsets
    end: int
    text: str
    topics: frozenset[str]
    index: int = 0  # position in the plan

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @cached_property
    def grams(self) -> frozenset[str]:
        return bigrams(_NUMBER_PREFIX_RE.sub("", self.text))

    def segment(self, pos: int) -> Span:
        """The comma-delimited part of the sentence around document offset ``pos``."""
        rel = pos - self.start
        lo = 0
        for m in _SEG_END_RE.finditer(self.text):
            if m.end() <= rel:
                lo = m.end()
            elif m.start() >= rel:
                return Span(self.start + lo, self.start + m.end())
        return Span(self.start + lo, self.end)


@dataclass
class Limit:
    """A time limit of a plan, sorted into a slot (see ``lexicon.SLOTS``)."""

    sentence: Sentence
    deadline: Deadline  # span in document offsets
    slot: str
    segment: Span

    @property
    def iso(self) -> str:
        return self.deadline.value


@dataclass
class PlanView:
    document: Document
    clauses: tuple[Clause, ...]
    level: Level = Level.UNKNOWN
    jurisdiction: str = ""
    gazetteer: Gazetteer = field(default_factory=load_gazetteer)

    @staticmethod
    def grams_of(text: str) -> frozenset[str]:
        return bigrams(_NUMBER_PREFIX_RE.sub("", text))

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.clauses}
        self.abbreviations = self.gazetteer.local_abbreviations(self.document.text)
        self._facts: dict[str, dict[str, list[Any]]] = {}

    # -- structure -------------------------------------------------------------
    @cached_property
    def sentences(self) -> list[Sentence]:
        out: list[Sentence] = []
        for c in self.clauses:
            # Short numbered sentences ("3.2 …接报后，应在1小时内向区应急办报告。") are parsed
            # as headings; they still state a rule.
            if c.kind is ClauseKind.HEADING and not _SENTENCE_HEADING_RE.search(c.text):
                continue
            path = c.path if c.path else (c.section,)
            if c.kind is ClauseKind.TABLE_ROW:
                pieces = [(0, len(c.text))]
            else:
                pieces, lo = [], 0
                for m in _SENT_END_RE.finditer(c.text):
                    pieces.append((lo, m.end()))
                    lo = m.end()
                if lo < len(c.text):
                    pieces.append((lo, len(c.text)))
            for a, b in pieces:
                while a < b and c.text[a].isspace():
                    a += 1
                if b - a < 2:
                    continue
                text = c.text[a:b]
                topics = topics_of(text, path + ((" ".join(c.header)),) if c.header else path)
                out.append(Sentence(c, c.span.start + a, c.span.start + b, text, topics, len(out)))
        return out

    @cached_property
    def obligations(self) -> list[Obligation]:
        """Every obligation of the plan (extract.obligations: the same reader for master and draft)."""
        tax = load_taxonomy()
        return [o for c in self.clauses for o in obligations(c, self.gazetteer, tax, self.abbreviations)]

    def topic(self, name: str) -> list[Sentence]:
        return [s for s in self.sentences if name in s.topics]

    def text(self, span: Span) -> str:
        return self.document.text[span.start : span.end]

    @cached_property
    def title(self) -> str:
        return self.document.title or ""

    @cached_property
    def is_plan(self) -> bool:
        """An emergency plan (预案), not a programme (规划), scheme or notice."""
        return self.document.doc_type is DocType.PLAN or bool(_BINDING_TITLE_RE.search(self.title))

    @cached_property
    def is_master_plan(self) -> bool:
        """A 总体应急预案 (the kind the coverage rules compare)."""
        head = self.title or self.document.text[:60]
        return "总体应急预案" in fold(head).replace(" ", "")

    # -- facts -----------------------------------------------------------------
    def facts(self, clause: Clause) -> dict[str, list[Any]]:
        f = self._facts.get(clause.id)
        if f is None:
            # The facts layer skips headings; a heading that is a sentence has facts.
            c = dataclasses.replace(clause, kind=ClauseKind.ITEM) if clause.kind is ClauseKind.HEADING else clause
            f = clause_facts(c, abbreviations=self.abbreviations)
            self._facts[clause.id] = f
        return f

    def orgs(self, sentence: Sentence) -> list[OrgMention]:
        """Organisations named in a sentence; offsets relative to the sentence."""
        return self.gazetteer.find(sentence.text, abbreviations=self.abbreviations)

    def body_level(self, m: OrgMention) -> Level | None:
        """The level of a named body: gazetteer level, then the name's own prefix."""
        if m.org is not None and m.org.level is not Level.UNKNOWN:
            return m.org.level
        if m.level is not Level.UNKNOWN:
            return m.level
        return level_from_name(m.canonical) or level_from_name(m.text)

    def deadlines(self, sentence: Sentence) -> list[Deadline]:
        """Time limits of a sentence (document offsets), "每隔N小时" included."""
        out = [d for d in self.facts(sentence.clause)["deadline"] if sentence.start <= d.span.start < sentence.end]
        t = fold(sentence.text)
        for rx in (_EVERY_GAP_RE, _EVERY_PERIOD_RE, _GAP_LIMIT_RE):
            for m in rx.finditer(t):
                n = try_number(m.group("num")) if m.group("num") else 1.0
                if n is None or any(d.span.start <= sentence.start + m.start() < d.span.end for d in out):
                    continue
                value = "R/" + _ISO_UNIT[m.group("unit")](n)
                span = Span(sentence.start + m.start(), sentence.start + m.end())
                out.append(Deadline(sentence.text[m.start() : m.end()], DeadlineKind.RECURRENCE, value, span))
        return sorted(out, key=lambda d: d.span.start)

    @cached_property
    def limits(self) -> list[Limit]:
        """Every duration and recurrence of the plan that answers a known slot."""
        out = []
        for s in self.sentences:
            if not s.topics & {"reporting", "release", "funding", "drills"}:
                continue
            for d in self.deadlines(s):
                if d.kind not in (DeadlineKind.DURATION, DeadlineKind.RECURRENCE):
                    continue
                seg = s.segment(d.span.start)
                slot = slot_of(d.kind.value, d.anchor, self.text(seg), s.text, s.topics)
                if slot:
                    out.append(Limit(s, d, slot, seg))
        return out

