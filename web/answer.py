"""The home page's one search box: decide what a question wants, answer it.

A *who-leads* question names an incident and asks who is in charge
("楼里一股煤气味归谁管", "地铁停运谁牵头"); it goes to the who-leads
resolver.  Any other question ("红色预警由谁批准", "多久内报告") goes to the
short-answer layer.  Plain keywords ("应急演练") only search.  Whatever
the route, the ranked clause hits are shown under the answer card; an
answer that its layer is unsure of is shown as a hint, not as the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from plankb.extract.model import to_dict
from plankb.extract.taxonomy import load_taxonomy

from .textseg import Mark, segments

# Asks who is in charge: "归谁管", "哪个部门负责", "谁牵头", "who handles".
WHO_RE = re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪家|什么部门|什么单位|牵头|负责|主责|归.{0,2}管|\bwho\b|which (?:department|agency)|in charge")
# Any other question: "多久", "几级", "什么颜色", "何时", a question mark, English wh-words.
QUESTION_RE = re.compile(
    r"[?？]|多久|多长|多少|几[个级天小分次支类]|什么|何时|哪|是否|怎么|如何|吗$|呢$|"
    r"\b(?:how|when|what|which|who|is|are|does)\b",
    re.IGNORECASE,
)
# Taxonomy score from which a question is taken to name an incident type
# (a real mention scores ≥ 0.58: "煤气味" 0.69, "gas leak" 0.58; generic
# words such as "预警" alone score ≤ 0.33).
INCIDENT_MIN_SCORE = 0.45


def route(question: str) -> str:
    """``who_leads``, ``ask`` or ``search`` for a question typed in the box."""
    q = question.strip()
    if not q:
        return "search"
    if WHO_RE.search(q):
        best = load_taxonomy().match(q, k=1)
        if best and best[0][1] >= INCIDENT_MIN_SCORE:
            return "who_leads"
        return "ask"
    return "ask" if QUESTION_RE.search(q) else "search"


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


def answer_card(services: Any, question: str) -> Card | None:
    """The card for the home page, or None for a plain keyword search."""
    r = route(question)
    if r == "search":
        return None
    if r == "who_leads":
        wl = services.resolver.answer(question)
        if wl.confident:
            return Card(
                kind="who_leads",
                route=r,
                title=f"{wl.incident_type}（{wl.jurisdiction}）",
                answer="、".join(wl.leads),
                detail=to_dict(wl),
                citations=[to_dict(c) for c in wl.citations],
                note=wl.note,
            )
    a = services.ask(question)
    if a.answer and a.confident:
        text = a.clause["text"] if a.clause else ""
        at = text.find(a.answer)
        return Card(
            kind="answer",
            route="ask",
            title=question,
            answer=a.answer,
            detail=to_dict(a),
            citations=[a.clause] if a.clause else [],
            note=a.message,
            quote=segments(text, [Mark(at, at + len(a.answer), "hl")] if at >= 0 else []),
        )
    if r == "who_leads":
        cands = [to_dict(c) for c in wl.candidates[:3]]
        return Card(kind="unsure", route=r, title=question, detail={"candidates": cands},
                    note="不能确定问的是哪类突发事件；可能是：")
    return Card(kind="unsure", route="ask", title=question, detail=to_dict(a),
                note=a.message or "没有找到确切答案；请看下面的条款。")
