"""Alignment of subordinate clauses to master clauses, by topic, not by number.

Section numbers drift between plans (Pinggu's 4.7 社会动员 is the master's
4.6), so a clause is aligned by what it is about:

* rows of the 处置分工 table by incident type (``taxonomy.district_row_to_master``);
* clauses with a topic (信息报送, 预警, 社会动员…) to the closest master clause of
  that topic;
* other clauses through ``retriever`` (the vector index of the web app or the
  CLI: query -> master clause ids) when one is given, else by shared wording.

The result is shown in the report, so a reader can see what was compared.
"""

from __future__ import annotations

from collections.abc import Callable

from plankb.extract.model import ClauseKind
from plankb.extract.taxonomy import load_taxonomy

from .lexicon import TOPIC_LABELS, dice
from .plan import PlanView
from .rules_duty import incident_row

Retriever = Callable[[str, int], list[str]]
KEYWORD_MIN = 0.3  # below this shared-wording score a clause is left unaligned
KEYWORD_STRONG = 0.5  # above it the wording alone aligns the clause
TOPIC_MIN = 0.12
MAX_RETRIEVER_CALLS = 120  # one vector query per clause: bounded for long plans


def align(sub: PlanView, master: PlanView, retriever: Retriever | None = None) -> list[dict[str, object]]:
    tax = load_taxonomy()
    master_rows = {}
    for c in master.clauses:
        t = incident_row(c, tax)
        if t is not None:
            master_rows.setdefault(t.number, c)
    m_grams = [(c, PlanView.grams_of(c.text)) for c in master.clauses if c.kind is not ClauseKind.HEADING]
    by_clause: dict[str, list] = {}
    for s in sub.sentences:
        by_clause.setdefault(s.clause.id, []).append(s)
    out: list[dict[str, object]] = []
    calls = 0
    for c in sub.clauses:
        if c.kind is ClauseKind.HEADING:
            continue
        t = incident_row(c, tax)
        if t is not None and t.number in master_rows:
            out.append(_row(c, master_rows[t.number], "处置分工", "incident_type", 1.0))
            continue
        sents = by_clause.get(c.id, [])
        topics = sorted({tp for s in sents for tp in s.topics})
        best = None
        if topics:
            grams = PlanView.grams_of(c.text)
            for s in master.sentences:
                shared = set(topics) & s.topics
                if not shared:
                    continue
                d = dice(grams, s.grams)
                if best is None or d > best[0]:
                    best = (d, s.clause, sorted(shared)[0])
            if best is not None and best[0] >= TOPIC_MIN:
                out.append(_row(c, best[1], TOPIC_LABELS.get(best[2], best[2]), "topic", best[0]))
                continue
        grams = PlanView.grams_of(c.text)
        score, hit = max(((dice(grams, g), mc) for mc, g in m_grams), default=(0.0, None), key=lambda x: x[0])
        topic = "、".join(TOPIC_LABELS.get(x, x) for x in topics)
        # Shared wording settles it; the retriever is asked only where wording is weak.
        if hit is not None and score >= KEYWORD_STRONG:
            out.append(_row(c, hit, topic, "keyword", score))
            continue
        if retriever is not None and calls < MAX_RETRIEVER_CALLS and len(c.text) >= 12:
            calls += 1
            found = next((master.by_id[i] for i in retriever(c.text, 3) if i in master.by_id), None)
            if found is not None:
                out.append(_row(c, found, topic, "retriever", 0.0))
                continue
        if hit is not None and score >= KEYWORD_MIN:
            out.append(_row(c, hit, topic, "keyword", score))
    return out


def _row(c, m, topic: str, how: str, score: float) -> dict[str, object]:  # noqa: ANN001 - Clause
    return {
        "sub_clause": c.id,
        "sub_section": c.section,
        "master_clause": m.id,
        "master_section": m.section,
        "topic": topic,
        "how": how,
        "score": round(score, 3),
    }
