"""The incident directory and the responsibility matrix, read from stored table rows.

Both pages need no embedding model: the 52 incident types come from the
taxonomy, the leads from the rows of table 2.3.6 of the master plan and of
each district master plan in the knowledge base (so every cell links to the
row it was read from), and the special plans from the 8.3 catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plankb.extract.gazetteer import fold
from plankb.extract.model import Clause, ClauseKind, DocType, Document
from plankb.extract.taxonomy import IncidentType, SpecialPlan, load_taxonomy, split_departments


@dataclass(frozen=True, slots=True)
class PlanRef:
    name: str
    lead: str
    clause: Clause | None


@dataclass(slots=True)
class Assignment:
    """Who leads one incident type in one jurisdiction, with the clauses to cite."""

    row: Clause | None
    row_text: str
    leads: tuple[str, ...]
    plans: list[PlanRef] = field(default_factory=list)
    renamed: bool = False  # the row says it in other words than the master row


@dataclass(slots=True)
class TypeEntry:
    type: IncidentType
    municipal: Assignment
    districts: dict[str, Assignment] = field(default_factory=dict)


@dataclass(slots=True)
class Directory:
    master: Document
    district_docs: dict[str, Document]
    categories: list[tuple[str, list[TypeEntry]]]

    def entries(self) -> list[TypeEntry]:
        return [e for _, entries in self.categories for e in entries]


def _is_lead_table(c: Clause) -> bool:
    return c.kind is ClauseKind.TABLE_ROW and len(c.cells) >= 3 and bool(c.header) and "主责" in c.header[-1]


def _is_catalogue(c: Clause) -> bool:
    return c.kind is ClauseKind.TABLE_ROW and len(c.cells) >= 3 and bool(c.header) and "牵头编制" in c.header[-1]


def build_directory(documents: list[Document], clauses: list[Clause], master_id: str) -> Directory:
    tax = load_taxonomy()
    docs = {d.id: d for d in documents}
    master = docs[master_id]
    by_doc: dict[str, list[Clause]] = {}
    for c in clauses:
        if _is_lead_table(c) or _is_catalogue(c):
            by_doc.setdefault(c.doc_id, []).append(c)
    district_docs = {
        d.jurisdiction: d
        for d in documents
        if d.id != master_id and d.doc_type is DocType.PLAN and "总体应急预案" in d.title
        and d.jurisdiction and d.jurisdiction != master.jurisdiction
        and any(_is_lead_table(c) for c in by_doc.get(d.id, []))
    }
    master_rows = {fold(c.cells[1]): c for c in by_doc.get(master_id, []) if _is_lead_table(c)}
    master_plans = {fold(c.cells[1]): c for c in by_doc.get(master_id, []) if _is_catalogue(c)}
    district_rows: dict[str, dict[int, Clause]] = {}
    district_plans: dict[str, dict[str, Clause]] = {}
    for j, d in district_docs.items():
        rows: dict[int, Clause] = {}
        for c in by_doc.get(d.id, []):
            if _is_lead_table(c):
                t = tax.district_row_to_master(c.cells[1])
                if t is not None:
                    rows.setdefault(t.number, c)
        district_rows[j] = rows
        district_plans[j] = {fold(c.cells[1]): c for c in by_doc.get(d.id, []) if _is_catalogue(c)}

    def plans(refs: tuple[SpecialPlan, ...], table: dict[str, Clause]) -> list[PlanRef]:
        return [PlanRef(p.name, p.lead, table.get(fold(p.name))) for p in refs]

    categories: dict[str, list[TypeEntry]] = {}
    for t in tax:
        row = master_rows.get(fold(t.row))
        municipal = Assignment(row, row.cells[1] if row else t.row, split_departments(row.cells[2] if row else t.lead), plans(t.plans, master_plans))
        entry = TypeEntry(t, municipal)
        for j in district_docs:
            drow = district_rows[j].get(t.number)
            own = [p for p in t.district_plans if p.jurisdiction == j] or list(t.district_plans)
            if drow is not None:
                entry.districts[j] = Assignment(
                    drow, drow.cells[1], split_departments(drow.cells[2]), plans(tuple(own), district_plans[j]),
                    renamed=fold(drow.cells[1]) != fold(t.row),
                )
        categories.setdefault(t.category, []).append(entry)
    return Directory(master, district_docs, list(categories.items()))


@dataclass(frozen=True, slots=True)
class Cell:
    heat: int  # 0 none, 1 special plan only, 2 处置主责, 3 both
    clause: Clause | None
    title: str


def matrix(directory: Directory, jurisdiction: str | None) -> dict[str, Any]:
    """Incident types × departments for the municipal level or one district."""
    district = jurisdiction if jurisdiction in directory.district_docs else None
    rows: list[tuple[str, TypeEntry, Assignment | None]] = []
    counts: dict[str, int] = {}
    for cat, entries in directory.categories:
        for e in entries:
            a = e.districts.get(district) if district else e.municipal
            rows.append((cat, e, a))
            if a is None:
                continue
            for dept in {*a.leads, *(p.lead for p in a.plans if p.clause is not None)}:
                counts[dept] = counts.get(dept, 0) + 1
    departments = sorted(counts, key=lambda d: (-counts[d], d))
    table = []
    for cat, e, a in rows:
        cells = []
        for dept in departments:
            if a is None:
                cells.append(Cell(0, None, ""))
                continue
            lead = dept in a.leads
            plan = next((p for p in a.plans if p.lead == dept and p.clause is not None), None)
            heat = (2 if lead else 0) + (1 if plan else 0)
            parts = []
            if lead:
                parts.append(f"{dept}：{e.type.row}处置主责部门")
            if plan:
                parts.append(f"{dept}：牵头编制《{plan.name}》")
            cells.append(Cell(heat, a.row if lead else (plan.clause if plan else None), "；".join(parts)))
        table.append({"category": cat, "entry": e, "assignment": a, "cells": cells})
    return {
        "jurisdiction": district or directory.master.jurisdiction,
        "document": directory.district_docs[district] if district else directory.master,
        "departments": departments,
        "counts": counts,
        "rows": table,
    }
