"""Short factual answers from extracted facts (no language model), or an honest 「不确定」.

The question is parsed into a typed :class:`~plankb.kb.answer.types.Question`
(answer type, role, subject: colours, level, grades, post, numbers, content
words; jurisdiction).  Candidate clauses come from the hybrid searcher
(filtered to the jurisdiction the question names); the extractor of the
answer type turns each into typed :class:`Candidate` facts; a fact is kept
only when it is *bound* to the question's subject (the colour, level or grade
that governs it in its sentence is the one asked about, every number of the
question is in its context) and its clause carries the question's words.
The best kept fact is the answer, with its evidence span; when none is kept
the status is ``unsure`` and the best clauses are shown instead.

Decision (abstention floor, bench/ask_eval.py on the blind set, e5 KB): an
answer needs ``MIN_COVERAGE`` of the question's content words (by characters)
in the clause's context (document title, headings, clause) and at least one
of them in the fact's own sentence; a question word found nowhere in the
corpus (火星, 上海) means the corpus cannot answer it.  Figures are in the
blind set's README, "After the answer types".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from plankb.extract.errors import Errors, InputError
from plankb.extract.model import to_dict
from plankb.extract.vocab import RANK_COLOUR

from .answer.counts import count, enumeration
from .answer.evidence import ClauseView, bound, coverage, sentence_hits, term_found, unnamed_level
from .answer.metadata import MIN_TITLE_COVER, field_value, pick_document
from .answer.parse import meta_fields, parse_question
from .answer.timing import figures, timing
from .answer.types import AnswerType, Candidate, Question, Status
from .answer.who import who
from .search import Hit, Searcher

MIN_COVERAGE = 0.7
# Answer types whose fact must share its clause part with a question word (a figure, a count).
PART_BOUND = (AnswerType.THRESHOLD, AnswerType.COUNT, AnswerType.ENUMERATION)
# Level words that tell two figures of one sentence apart ("市级6小时、区级4小时"); they name
# no subject of their own, so they count only for nearness.
LEVEL_WORDS_RE = re.compile(r"市级|区级|街道|乡镇|全市|全区")
DEPTH = 10
MUNICIPAL_BONUS = 1.6
# Label lines that carry an item's facts: "完成时限：2022 年 11 月底前", "主责单位：区公路分局".
LABEL_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：]")
# The definition of warning colours: "分为一级、二级、三级和四级,分别用红色、橙色、黄色和蓝色标示".
COLOUR_DEF_RE = re.compile(r"分别用[^。；]*?标示")
EXTRACTORS: dict[AnswerType, Callable[[Question, ClauseView], Iterator[Candidate]]] = {
    AnswerType.WHO: who,
    AnswerType.COUNT: count,
    AnswerType.ENUMERATION: enumeration,
    AnswerType.DURATION: timing,
    AnswerType.INTERVAL: timing,
    AnswerType.DATE: timing,
    AnswerType.THRESHOLD: figures,
}
UNSURE = "不确定"


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answer: str | None
    value: str = ""
    kind: str = ""  # the answer type
    clause: dict[str, Any] | None = None
    alternatives: tuple[dict[str, Any], ...] = ()
    confident: bool = True
    message: str = ""
    facts: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    status: Status = Status.ANSWERED
    evidence: dict[str, int] | None = None  # offsets of the answer in the cited clause's text
    detail: str = ""  # condition, anchor or members
    parse: dict[str, Any] | None = None  # the typed reading of the question
    unknown: tuple[str, ...] = ()  # question nouns the corpus never writes: nothing in it is relevant
    score: float = 0.0  # share of the question's words the cited clause's context carries


class Asker:
    def __init__(self, searcher: Searcher, default_jurisdiction: str = "") -> None:
        self.s = searcher
        self.default_jurisdiction = default_jurisdiction
        self._siblings: dict[str, list[Any]] = {}
        self._corpus = "\n".join([*(d.title for d in searcher.docs.values()), *(c.text for c in searcher.clauses.values())])

    # -- the corpus's own words ------------------------------------------------------
    def unknown_terms(self, terms: tuple[str, ...], also: str = "") -> tuple[str, ...]:
        """Question words found nowhere in the corpus (nor in ``also``): the corpus cannot speak of them."""
        return tuple(t for t in terms if not term_found(t, self._corpus) and not term_found(t, also))

    def ask(self, question: str, k: int = DEPTH, jurisdiction: str | None = None) -> Answer:
        question = (question or "").strip()
        if not question:
            raise InputError(Errors.E040)
        q = parse_question(question, jurisdiction or self.default_jurisdiction)
        s = q.subject
        if not s.terms and not (s.colours or s.rank or s.post):
            return self._unsure(q, [], "问题太笼统：请说明问的是哪类事件、哪个预案或哪项工作。")
        unknown = self.unknown_terms(s.nouns)
        if unknown:
            return dataclasses.replace(self._unsure(q, [], f"知识库中没有“{'、'.join(unknown)}”的内容。"), unknown=unknown)
        # A colloquial word no plan writes (拿不准, 炒起来) is no evidence either way: match on the rest.
        s = dataclasses.replace(s, terms=tuple(t for t in s.terms if not self.unknown_terms((t,))))
        q = dataclasses.replace(q, subject=s)
        if q.type is AnswerType.METADATA:
            return self._metadata(q)
        hits = self._hits(q, k)
        if q.jurisdiction and not hits:
            return self._unsure(q, [], f"知识库中没有{q.jurisdiction}的相关条款。")
        if q.type is AnswerType.COLOUR:
            return self._colour(q, hits)
        views = [self._view(h, i) for i, h in enumerate(hits)]
        home = q.jurisdiction or q.default_jurisdiction or self.s.docs[self.s.kb.master_doc_id()].jurisdiction
        best: tuple[tuple[float, ...], Candidate, ClauseView, Hit] | None = None
        for view, hit in zip(views, hits):
            cover = coverage(s.terms, view.context, s.nouns) if s.terms else 1.0
            for cand in EXTRACTORS[q.type](q, view):
                sent = view.text[cand.sentence.start : cand.sentence.end]
                if not cand.answer or not bound(q, view, cand.sentence, cand.evidence.start):
                    continue
                if q.type in PART_BOUND and s.terms and not sentence_hits(s.terms, _part(view.text, cand)):
                    continue  # a figure is about the words of its own clause part, not of the sentence
                if q.type not in (AnswerType.COUNT, AnswerType.ENUMERATION) and unnamed_level(q, sent):
                    continue  # "预警谁批" where the sentence gives each colour its own approver
                near = (*s.terms, *LEVEL_WORDS_RE.findall(q.normal))
                # A clause's first sentence may continue the clause before ("…应急委。" + "主任由市长担任").
                own = sent if cand.sentence.start > 0 else view.before[-60:] + sent
                mine = view.doc.jurisdiction == home  # the user's own (or the municipal) plan first
                key = (round(cover, 2), sentence_hits(s.terms, own), mine, -view.rank, -_distance(sent, cand, near), len(cand.answer))
                if best is None or key > best[0]:
                    best = (key, cand, view, hit)
        if best is None or best[0][0] < MIN_COVERAGE or (s.terms and best[0][1] == 0):
            return self._unsure(q, hits, "没有找到与问题的对象、角色和条件都相符的条款；以下条款可能相关。")
        _key, cand, view, hit = best
        return Answer(
            question=question, answer=cand.answer, value=cand.value, kind=q.type.value, clause=_hit_dict(hit, view.text),
            alternatives=tuple(_hit_dict(h) for h in hits[:5] if h is not hit), confident=True,
            status=Status.ANSWERED, evidence={"start": cand.evidence.start, "end": cand.evidence.end},
            detail=cand.detail, parse=to_dict(q), score=_key[0]
        )

    # -- retrieval -------------------------------------------------------------------
    def _hits(self, q: Question, k: int) -> list[Hit]:
        query = q.normal  # English question words already glossed by the parse
        if q.jurisdiction:
            return self.s.search(query, k=k, filters={"jurisdiction": q.jurisdiction})
        home = q.default_jurisdiction or self.s.docs[self.s.kb.master_doc_id()].jurisdiction
        hits = self.s.search(query, k=k)
        # Without a district in the question, the user's own (or the municipal) clause wins a near tie.
        return sorted(hits, key=lambda h: -h.score * (MUNICIPAL_BONUS if h.jurisdiction == home else 1.0))

    def _view(self, hit: Hit, rank: int) -> ClauseView:
        """A hit with the label lines right after it (完成时限/主责单位)."""
        clause = self.s.clauses[hit.clause_id]
        siblings = self._siblings.get(clause.doc_id)
        if siblings is None:
            siblings = sorted((c for c in self.s.clauses.values() if c.doc_id == clause.doc_id), key=lambda c: c.ordinal)
            self._siblings[clause.doc_id] = siblings
        pos = next((i for i, c in enumerate(siblings) if c.id == clause.id), -1)
        text = clause.text
        for nxt in siblings[pos + 1 : pos + 4] if pos >= 0 else []:
            if not LABEL_LINE_RE.match(nxt.text):
                break
            text = text + "\n" + nxt.text
        before = siblings[pos - 1].text[-120:] if pos > 0 else ""
        return ClauseView(clause, self.s.docs[clause.doc_id], text, rank, before)

    # -- answer types that need no extractor -----------------------------------------------
    def _metadata(self, q: Question) -> Answer:
        docs = list(self.s.docs.values())
        if q.jurisdiction:
            docs = [d for d in docs if d.jurisdiction == q.jurisdiction] or []
        doc, cover = pick_document(q, docs)
        if doc is None or cover < MIN_TITLE_COVER or q.meta_field is None:
            return self._unsure(q, [], "不能确定问的是哪份文件；请写出文件名称。")
        values = [field_value(f, doc, docs)[0] for f in meta_fields(q.normal)]
        if not all(values):
            return self._unsure(q, [], f"《{doc.title}》没有记载这一项。")
        value = "，".join(values)
        return Answer(question=q.text, answer=value, kind=q.type.value, clause=_doc_dict(doc), confident=True,
                      status=Status.ANSWERED, detail=doc.title, parse=to_dict(q))

    def _colour(self, q: Question, hits: list[Hit]) -> Answer:
        """The colour of a warning level, read from the plan's own definition sentence
        ("分为一级、二级、三级和四级，分别用红色、橙色、黄色和蓝色标示"), cited."""
        rank = q.subject.rank
        if not rank and re.search(r"最高|最严重|highest", q.normal):
            rank = 1
        if not rank and re.search(r"最低|lowest", q.normal):
            rank = max(RANK_COLOUR)
        if rank not in RANK_COLOUR:
            return self._unsure(q, hits, "请说明问的是哪一级预警。")
        colour = RANK_COLOUR[rank]
        home = q.jurisdiction or self.s.docs[self.s.kb.master_doc_id()].jurisdiction
        seen = {h.clause_id for h in hits}
        pool = [*hits, *(self._clause_hit(c) for c in self.s.clauses.values()
                         if c.id not in seen and self.s.docs[c.doc_id].jurisdiction == home and "标示" in c.text)]
        for i, hit in enumerate(pool):
            m = COLOUR_DEF_RE.search(hit.text)
            if m and colour in m.group():
                at = hit.text.find(colour, m.start())
                view = self._view(hit, i)
                return Answer(question=q.text, answer=colour, value=str(rank), kind=q.type.value, clause=_hit_dict(hit, view.text),
                              confident=True, status=Status.ANSWERED, evidence={"start": at, "end": at + len(colour)}, parse=to_dict(q))
        return self._unsure(q, hits, "没有找到这一级别的颜色定义。")

    def _clause_hit(self, c: Any) -> Hit:
        d = self.s.docs[c.doc_id]
        return Hit(clause_id=c.id, doc_id=c.doc_id, doc_title=d.title, section=c.section, text=c.text, score=0.0,
                   span=c.span, kind=c.kind.value, jurisdiction=d.jurisdiction)

    def _unsure(self, q: Question, hits: list[Hit], message: str) -> Answer:
        return Answer(question=q.text, answer=None, kind=q.type.value, alternatives=tuple(_hit_dict(h) for h in hits[:5]),
                      confident=False, message=message, status=Status.UNSURE, parse=to_dict(q))


def _part(text: str, cand: Candidate) -> str:
    """The clause part (between commas) of a fact, with the part before it ("…覆盖率，达到100%")."""
    lo = max(text.rfind(ch, 0, cand.evidence.start) for ch in "，,；;。\n")
    lo = max(max(text.rfind(ch, 0, lo) for ch in "，,；;。\n"), cand.sentence.start - 1) if lo >= 0 else lo
    hi = min([i for i in (text.find(ch, cand.evidence.end) for ch in "，,；;。\n") if i >= 0] or [len(text)])
    return text[lo + 1 : hi]


def _distance(sentence: str, cand: Candidate, terms: tuple[str, ...]) -> float:
    """How far the fact sits from the question's rarer words in its sentence (nearer wins a tie):
    "市级6小时、区级4小时" is told apart by the word next to each figure, not by 应急物资."""
    at = cand.evidence.start - cand.sentence.start
    best = 10_000.0
    rare = [t for t in terms if 0 < sentence.count(t) <= 1] or list(terms)
    for t in rare:
        for m in re.finditer(re.escape(t), sentence):
            d = at - m.start()
            best = min(best, d if d >= 0 else -2 * d)  # plans name the subject first
    return best


def _hit_dict(hit: Hit, text: str | None = None) -> dict[str, Any]:
    d = to_dict(hit)
    d.pop("ranks", None)
    if text is not None:
        d["text"] = text  # with its label lines, so that evidence offsets point into it
    return d


def _doc_dict(doc: Any) -> dict[str, Any]:
    return {"clause_id": "", "doc_id": doc.id, "doc_title": doc.title, "section": "", "text": doc.title,
            "jurisdiction": doc.jurisdiction, "doc_number": doc.doc_number, "date": doc.date, "issuer": doc.issuer}
