"""Durations and deadlines with their condition and anchor, intervals, dates; figures.

All read the typed facts of :mod:`plankb.extract.facts` (``Deadline``,
``Threshold``) from the clause text, so the answer is the same span the
extractor found, widened to the words that give it its meaning: the anchor
before it ("事件发生后2小时"), the count of an interval ("每年至少开展2次"),
the comparison of a figure ("不低于80%").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.facts.deadlines import find_deadlines
from plankb.extract.facts.thresholds import find_thresholds
from plankb.extract.model import DeadlineKind, Span

from .evidence import ClauseView
from .types import AnswerType, Candidate, Question

TIME_UNITS = ("秒", "分钟", "小时", "天", "日", "工作日")
KINDS = {
    AnswerType.DURATION: (DeadlineKind.DURATION,),
    AnswerType.INTERVAL: (DeadlineKind.RECURRENCE,),
    AnswerType.DATE: (DeadlineKind.DATE, DeadlineKind.YEAR),
}
# Words before a limit that belong to it: "事件发生后", "接报后", "不低于", "最迟不得晚于".
ANCHOR_BEFORE_RE = re.compile(r"(?:事件发生后|事发后|发生后|接报后|接到报告后|到|不低于|不少于|不超过|控制在|最迟不得晚于|最迟|在)\s*$")
# After a recurrence, up to the count it sets: "每年至少开展1次", "每5年完成1次", "每年2次以上".
INTERVAL_TAIL_RE = re.compile(r"[^，,。；;]{0,20}?\d+\s*次(?:以上)?|[^，,。；;]{0,8}?[一两二三四五六七八九十]\s*次(?:以上)?")
# A count with 次 inside a yearly frame without 每: "一年至少培训两次", "原则上每年举办1次".
YEARLY_RE = re.compile(r"每年[^，,。；;]{0,12}?(?:\d+|[一两二三四五六七八九十])\s*次(?:以上)?")


def _widen(text: str, span: Span) -> Span:
    m = ANCHOR_BEFORE_RE.search(text[max(0, span.start - 8) : span.start])
    return Span(span.start - (len(m.group()) if m else 0), span.end)


def timing(q: Question, view: ClauseView) -> Iterator[Candidate]:
    text = view.text
    kinds = KINDS[q.type]
    for d in find_deadlines(text):
        if d.kind not in kinds:
            continue
        span = _widen(text, d.span) if q.type is AnswerType.DURATION else d.span
        if q.type is AnswerType.INTERVAL:
            tail = INTERVAL_TAIL_RE.match(text, d.span.end)
            if tail:
                span = Span(d.span.start, tail.end())
        if q.type is AnswerType.DATE and d.kind is DeadlineKind.YEAR:
            span = _widen(text, d.span)
        answer = text[span.start : span.end]
        detail = "：".join(x for x in (d.condition, d.anchor) if x)
        yield Candidate(q.type, answer, view.clause.id, span, view.sentence_of(d.span.start), detail, d.value)
    if q.type is AnswerType.INTERVAL:
        for m in YEARLY_RE.finditer(text):
            yield Candidate(q.type, m.group(), view.clause.id, Span(m.start(), m.end()), view.sentence_of(m.start()))
    if q.type is AnswerType.DURATION:  # "震后5-10秒": a time span written as a quantity
        for t in find_thresholds(text, history=False):
            if t.unit in TIME_UNITS:
                span = _widen(text, t.span)
                yield Candidate(q.type, text[span.start : span.end], view.clause.id, span, view.sentence_of(t.span.start))


def figures(q: Question, view: ClauseView) -> Iterator[Candidate]:
    text = view.text
    for t in find_thresholds(text, history=False):
        span = _widen(text, t.span)
        yield Candidate(AnswerType.THRESHOLD, text[span.start : span.end].strip(), view.clause.id, span,
                        view.sentence_of(t.span.start), t.indicator)
