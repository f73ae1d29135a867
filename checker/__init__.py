"""Checker: align a subordinate plan with the municipal master plan and flag conflicts.

Public API::

    from plankb.checker import MasterPlan, check_text, check_bytes, check_path
    report = check_path("draft.docx", MasterPlan(doc, clauses))
    report.findings  # [extract.model.Finding]; sub_span indexes report.input_text

Rendering lives in :mod:`checker.render`; the rule catalogue in
:mod:`checker.rules` (``RULES``).  The checker never imports ``kb``: the
caller builds the :class:`MasterPlan` and may pass a ``retriever``.
"""

from __future__ import annotations

from .report import CheckReport, MasterPlan
from .rules import RULES
from .run import check_bytes, check_parsed, check_path, check_text

__all__ = ["RULES", "CheckReport", "MasterPlan", "check_bytes", "check_parsed", "check_path", "check_text"]
