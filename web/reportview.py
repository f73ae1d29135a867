"""A checker report laid out for the page: draft with findings marked, findings by group, the chart.

The draft text is shown as read (``report.input_text``) with each finding's
quote marked by its offsets, so a conflict is highlighted where it stands;
the findings sit beside it, each with the master clause it was compared to.
"""

from __future__ import annotations

import re
from typing import Any

from plankb.extract.facts.deadlines import find_deadlines
from plankb.extract.model import to_dict

from .checkrun import LimitPair, chart, iso_seconds
from .textseg import Mark, Segment, segments

VERDICT_LABELS = {"conflict": "冲突", "review": "需复核", "consistent": "一致"}
TYPE_LABELS = {"duty": "职责", "timeline": "时限", "level": "分级", "coverage": "覆盖"}
TIME_KINDS = ("duration", "recurrence")
# Markdown heading markers the DOCX loader writes before Word headings ('# 1 总则'): the offsets
# of the findings count them, so they stay in the text and are only left out of the display.
_MD_HEADING_RE = re.compile(r"(?m)^#{1,9} ")


def rule_label(rule_id: str) -> str:
    """The Chinese title of a checker rule ('时限不得宽于上级预案'), else its id."""
    try:
        from plankb.checker import RULES
    except ImportError:
        return rule_id
    entry = RULES.get(rule_id)
    return str(entry[1]) if entry else rule_id


def hide_markers(text: str, segs: list[Segment]) -> list[Segment]:
    """``segs`` of ``text`` without the Markdown heading markers at line starts."""
    cuts = [(m.start(), m.end()) for m in _MD_HEADING_RE.finditer(text)]
    if not cuts:
        return segs
    out, pos = [], 0
    for s in segs:
        a, b = pos, pos + len(s.text)
        pos = b
        keep = "".join(s.text[i - a] for i in range(a, b) if not any(x <= i < y for x, y in cuts))
        if keep or s.ident:
            out.append(Segment(keep, s.classes, s.title, s.ident))
    return out


def _limits(text: str) -> list[tuple[str, str, float]]:
    """(kind, text, seconds) of each duration or recurrence stated in ``text``."""
    out = []
    for d in find_deadlines(text or ""):
        if d.kind.value in TIME_KINDS:
            sec = iso_seconds(d.value)
            if sec:
                out.append((d.kind.value, d.text, sec))
    return out


def _group(f: dict[str, Any]) -> str:
    """Where a finding is listed.  Uncovered master requirements are reviews (verdict 'review',
    yellow) listed apart; the summary counts them inside 需复核, as the Markdown and JSON reports do."""
    if f.get("type") == "coverage" and f.get("verdict") == "review":
        return "gaps"
    return {"conflict": "conflicts", "review": "reviews"}.get(f.get("verdict", ""), "consistent")


def limit_pairs(findings: list[dict[str, Any]]) -> list[LimitPair]:
    """Each time limit of the draft beside the master's, from the timeline findings.

    The draft quote is the sentence with the limit; the master quote is a
    whole clause that may state several, so its limit of the same kind
    (a duration or a recurrence) is taken.
    """
    out = []
    for i, f in enumerate(findings):
        if f.get("type") != "timeline":
            continue
        sub = _limits(f.get("sub_quote", ""))
        if not sub:
            continue
        kind, sub_text, sub_sec = sub[0]
        master = [m for m in _limits(f.get("master_quote", "")) if m[0] == kind]
        if not master:
            continue
        head = (f.get("explanation") or "").split("：")[0]
        label = head if 0 < len(head) <= 16 else f.get("master_section") or f.get("rule_id", "")
        out.append(LimitPair(label, sub_text, sub_sec, master[0][1], master[0][2], f.get("verdict", ""), i))
    return out


def report_view(report: Any, services: Any) -> dict[str, Any]:
    from .present import clause_url

    data = report.to_dict() if hasattr(report, "to_dict") else to_dict(report)
    findings = [to_dict(f) for f in getattr(report, "findings", data.get("findings", []))]
    text = getattr(report, "input_text", "") or data.get("input_text", "")
    marks = []
    groups: dict[str, list[dict[str, Any]]] = {"conflicts": [], "reviews": [], "gaps": [], "consistent": []}
    for i, f in enumerate(findings):
        f["index"] = i
        f["verdict_label"] = VERDICT_LABELS.get(f.get("verdict", ""), f.get("verdict", ""))
        f["type_label"] = TYPE_LABELS.get(f.get("type", ""), f.get("type", ""))
        f["rule_label"] = rule_label(f.get("rule_id", ""))
        cid = f.get("master_clause_id") or ""
        f["master_url"] = clause_url(services.clause_index.get(cid), cid) if cid else ""
        span = f.get("sub_span")
        f["anchor"] = f"q{i}" if span else ""
        if span:
            marks.append(Mark(span["start"], span["end"], f"v-{f.get('verdict', '')}",
                              f"{f['verdict_label']}·{f['rule_label']}：{f.get('explanation', '')}", f"q{i}"))
        groups[_group(f)].append(f)
    pairs = limit_pairs(findings)
    return {
        "document": data.get("document", {}),
        "summary": data.get("summary", {}),
        "findings": findings,
        "groups": groups,
        "segments": hide_markers(text, segments(text, marks)),
        "counts": counts(groups),
        "chart": chart(pairs, label_w=0),
        "alignment": [_alignment_row(a, services) for a in data.get("alignment", [])],
        "notes": data.get("notes", []),
        "master": data.get("master", {}),
        "verdict_labels": VERDICT_LABELS,
    }


def counts(groups: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """The summary by verdict (as the JSON ``by_verdict`` and the Markdown report count), and the gaps."""
    return {"conflict": len(groups["conflicts"]), "review": len(groups["reviews"]) + len(groups["gaps"]),
            "gaps": len(groups["gaps"]), "consistent": len(groups["consistent"])}


def _alignment_row(a: dict[str, Any], services: Any) -> dict[str, Any]:
    from .present import clause_url

    mid = str(a.get("master_clause", ""))
    return {**a, "master_url": clause_url(services.clause_index.get(mid), mid) if mid else ""}
