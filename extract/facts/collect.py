"""Run every fact extractor over a document's clauses.

Extractors work on one clause's text and return spans relative to it; here
they are shifted into document offsets, so every stored fact points at its
exact source characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import budget
from ..model import Clause, ClauseKind, Document, Span, to_dict


@dataclass(frozen=True, slots=True)
class StoredFact:
    clause_id: str
    kind: str  # actor | deadline | threshold | level
    span: Span  # into the document text
    data: dict[str, Any]


def clause_facts(clause: Clause, *, below_exclusive: bool = False, abbreviations: dict[str, str] | None = None) -> dict[str, list[Any]]:
    """Facts of one clause, spans relative to the document."""
    from .actors import find_actors
    from .deadlines import find_deadlines
    from .levels import find_levels
    from .thresholds import find_thresholds, is_history_heading

    budget.check()  # a web check's time budget is noticed clause by clause
    text = clause.text
    shift = clause.span.start
    out: dict[str, list[Any]] = {"actor": [], "deadline": [], "threshold": [], "level": []}
    if clause.kind is ClauseKind.HEADING and len(text) < 12:
        return out  # "4.1 信息报送": a bare title states nothing
    if clause.kind is not ClauseKind.HEADING:  # "（1）区卫生健康委" names a body, gives it no role
        out["actor"].extend(find_actors(clause, abbreviations=abbreviations))
    for d in find_deadlines(text):
        out["deadline"].append(_shift(d, shift, clause.id))
    # Numbers under "“十三五”期间取得的成效"-style headings describe the past, not targets.
    history = True if any(is_history_heading(p) for p in clause.path) else None
    for t in find_thresholds(text, below_exclusive=below_exclusive, history=history):
        out["threshold"].append(_shift(t, shift, clause.id))
    for lv in find_levels(text):
        out["level"].append(_shift(lv, shift, clause.id))
    return out


def _shift(fact: Any, delta: int, clause_id: str) -> Any:
    import dataclasses

    return dataclasses.replace(fact, span=fact.span.shift(delta), clause_id=clause_id)


def extract_facts(doc: Document, clauses: Iterable[Clause]) -> list[StoredFact]:
    """All facts of a document, ready for the store."""
    from ..gazetteer import load_gazetteer

    gaz = load_gazetteer()
    abbreviations = gaz.local_abbreviations(doc.text)
    # A document may define 以下 as exclusive ("以上"含本数，"以下"不含本数).
    below_exclusive = "以下”不含本数" in doc.text or "以下\"不含本数" in doc.text or "以下不含本数" in doc.text
    from ..nlp import entities

    out: list[StoredFact] = []
    for clause in clauses:
        for kind, facts in clause_facts(clause, below_exclusive=below_exclusive, abbreviations=abbreviations).items():
            for f in facts:
                data = to_dict(f)
                data.pop("span", None)
                data.pop("clause_id", None)
                out.append(StoredFact(clause.id, kind, f.span, data))
        # Incident types the clause speaks of (spaCy EntityRuler over the taxonomy):
        # they drive the incident filter of search and the responsibility matrix.
        for e in entities(clause.text, ("INCIDENT",)):
            span = e.span.shift(clause.span.start)
            out.append(StoredFact(clause.id, "incident", span, {"text": e.text, "incident_type": e.key}))
    return out
