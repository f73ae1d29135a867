"""What the checker takes and gives: the reference plan and the report.

``MasterPlan`` is built by the caller, from the knowledge base
(``kb.document(id)`` + ``kb.clauses(id)``) or from ``parse_text``; the
checker never opens the knowledge base itself.  ``CheckReport`` is plain
data: findings are :class:`extract.model.Finding` values whose ``sub_span``
indexes ``input_text`` (the text as read), so a UI can highlight
``input_text[start:end]``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from plankb.extract.model import Clause, Document, Finding, Verdict, to_dict

TYPES = ("duty", "timeline", "level", "coverage")
VERDICTS = (Verdict.CONFLICT.value, Verdict.REVIEW.value, Verdict.CONSISTENT.value)
TYPE_LABELS = {"duty": "职责", "timeline": "时限", "level": "级别", "coverage": "覆盖"}
VERDICT_LABELS = {"conflict": "冲突", "review": "需复核", "consistent": "一致"}


@dataclass(frozen=True)
class MasterPlan:
    """The reference plan: one document and its clauses."""

    document: Document
    clauses: tuple[Clause, ...]

    @classmethod
    def from_parsed(cls, parsed: Any) -> MasterPlan:
        """From an :class:`extract.pipeline.Parsed` (document + clauses)."""
        return cls(parsed.document, tuple(parsed.clauses))


@dataclass
class CheckReport:
    """The result of checking one subordinate plan against a master plan."""

    document: dict[str, Any]  # name, title, jurisdiction, level, doc_type (+ id, doc_number)
    input_text: str  # the text as read; every sub_span indexes it
    findings: list[Finding] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    alignment: list[dict[str, Any]] = field(default_factory=list)
    master: dict[str, Any] = field(default_factory=dict)  # id, title, doc_number
    notes: list[str] = field(default_factory=list)  # how level/jurisdiction were found, loader warnings

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": dict(self.document),
            "master": dict(self.master),
            "summary": dict(self.summary),
            "findings": [to_dict(f) for f in self.findings],
            "alignment": [dict(a) for a in self.alignment],
            "notes": list(self.notes),
            "input_text": self.input_text,
        }

    def matched(self, fail_on: str) -> bool:
        """Whether a ``--fail-on`` level is reached: conflict, or review (review or conflict)."""
        wanted = {"conflict"} if fail_on == "conflict" else {"conflict", "review"}
        return any(str(f.verdict) in wanted for f in self.findings)


def summarize(findings: list[Finding]) -> dict[str, Any]:
    """Counts by verdict, by type (split by verdict) and by rule."""
    by_verdict = Counter(str(f.verdict) for f in findings)
    by_type: dict[str, dict[str, int]] = {t: dict.fromkeys(VERDICTS, 0) for t in TYPES}
    for f in findings:
        by_type.setdefault(f.type, dict.fromkeys(VERDICTS, 0))[str(f.verdict)] += 1
    return {
        "total": len(findings),
        "by_verdict": {v: by_verdict.get(v, 0) for v in VERDICTS},
        "by_type": by_type,
        "by_rule": dict(sorted(Counter(f.rule_id for f in findings).items())),
    }
