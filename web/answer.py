"""The home page's one search box: decide what a question wants, answer it or say 「不确定」.

A *who-leads* question names an incident and asks who is in charge
("楼里一股煤气味归谁管", "地铁停运谁牵头"); it goes to the who-leads
resolver.  Any other question ("红色预警由谁批准", "多久内报告") goes to the
short-answer layer.  Plain keywords ("应急演练") only search.  Whatever
the route, the ranked clause hits are shown under the answer card; an
answer its layer is unsure of is shown as 「不确定」 with what it found, never
as the answer.  ``jurisdiction`` is the user's own district (cookie); a
district named in the question wins over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from plankb.extract.model import to_dict
from plankb.extract.taxonomy import load_taxonomy
from plankb.kb.answer.parse import parse_question
from plankb.kb.answer.types import AnswerType, Role

from .textseg import Mark, segments

# Any question: "多久", "几级", "什么颜色", "何时", a question mark, English wh-words.
QUESTION_RE = re.compile(
    r"[?？]|谁|多久|多长|多少|几[个级天小分次支类]|什么|何时|哪|是否|怎么|如何|吗$|呢$|"
    r"\b(?:how|when|what|which|who|is|are|does)\b",
    re.IGNORECASE,
)
# Taxonomy score from which a question is taken to name an incident type
# (a real mention scores ≥ 0.58: "煤气味" 0.69, "gas leak" 0.58; generic
# words such as "预警" alone score ≤ 0.33).
INCIDENT_MIN_SCORE = 0.45
# Roles that are about leading the response to an incident (not approving a warning, holding a post…).
LEAD_ROLES = (Role.LEAD, Role.OTHER)


def route(question: str) -> str:
    """``who_leads``, ``ask`` or ``search`` for a question typed in the box."""
    q = question.strip()
    if not q:
        return "search"
    parsed = parse_question(q)
    if not QUESTION_RE.search(q) and parsed.type is AnswerType.WHO and not re.search(r"牵头|主责|负责|归.{0,2}管", q):
        return "search"
    s = parsed.subject
    if parsed.type is AnswerType.WHO and parsed.role in LEAD_ROLES and not (s.colours or s.rank or s.post):
        best = load_taxonomy().match(parsed.normal, k=1)
        if best and best[0][1] >= INCIDENT_MIN_SCORE:
            return "who_leads"
    return "ask"


@dataclass(slots=True)
class Card:
    """What the answer card shows; ``kind`` picks the template block."""

    kind: str  # who_leads | answer | unsure
    route: str
    title: str = ""
    answer: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    citations: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    quote: list[Any] = field(default_factory=list)  # the cited clause cut into segments, answer marked
    status: str = "answered"  # answered | unsure


def answer_card(services: Any, question: str, jurisdiction: str | None = None) -> Card | None:
    """The card for the home page, or None for a plain keyword search."""
    r = route(question)
    if r == "search":
        return None
    if r == "who_leads":
        card = _who_leads_card(services, question, jurisdiction)
        if card is not None:
            return card
    a = services.ask(question, jurisdiction=jurisdiction)
    if a.answer and a.status == "answered":
        text = a.clause["text"] if a.clause else ""
        ev = a.evidence or {}
        at, end = (ev["start"], ev["end"]) if ev else (text.find(a.answer), text.find(a.answer) + len(a.answer))
        return Card(
            kind="answer", route="ask", title=question, answer=a.answer, detail=to_dict(a),
            citations=[a.clause] if a.clause and a.clause.get("clause_id") else [], note=a.message,
            quote=segments(text, [Mark(at, end, "hl")] if at >= 0 and a.clause and a.clause.get("clause_id") else []),
        )
    return Card(kind="unsure", route="ask", title=question, detail=to_dict(a), status="unsure",
                note=a.message or "没有找到确切答案；请看下面的条款。")


def _who_leads_card(services: Any, question: str, jurisdiction: str | None) -> Card | None:
    parsed = parse_question(question)
    unknown = services.asker.unknown_terms(parsed.subject.nouns, also=services.resolver.vocabulary)
    wl = services.resolver.answer(question, None if parsed.jurisdiction else jurisdiction)
    named = parsed.jurisdiction and parsed.jurisdiction != wl.jurisdiction
    if not (unknown or named):
        if not wl.confident:
            return None  # the short-answer layer may still read it
        return Card(
            kind="who_leads", route="who_leads", title=f"{wl.incident_type}（{wl.jurisdiction}）", answer="、".join(wl.leads),
            detail=to_dict(wl), citations=[to_dict(c) for c in wl.citations], note=wl.note,
        )
    if unknown:
        note = f"知识库中没有“{'、'.join(unknown)}”的内容。"
    else:
        note = f"{wl.note or '知识库中没有' + parsed.jurisdiction + '的处置分工。'}下列为市级处置分工，仅供参考："
    cands = [] if unknown else [to_dict(c) for c in wl.candidates[:3]]
    return Card(kind="unsure", route="who_leads", title=question, detail={"candidates": cands, "unknown": list(unknown)},
                note=note, status="unsure")
