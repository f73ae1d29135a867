"""Coverage rules: what a plan of the same kind as the master leaves out.

Only a 总体应急预案 is held to the master's full list (a flood plan need not
cover 金融突发事件).  An incident type whose master lead has no counterpart
at the subordinate's level (核事件: 市国防科工办) is reported as consistent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.model import Finding, Level
from plankb.extract.taxonomy import load_taxonomy, split_departments

from .context import Context
from .lexicon import TOPIC_LABELS, topic_path
from .rules_duty import incident_row

# Provisions a 总体应急预案 must contain: (key, topic, extra pattern the sentence must match).
PROVISIONS: tuple[tuple[str, str, re.Pattern[str] | None], ...] = (
    ("reporting", "reporting", None),
    ("warning", "warning", re.compile(r"预警级别|色预警|预警信息")),
    ("response", "response", None),
    ("release", "release", None),
    ("mobilisation", "mobilisation", None),
    ("plan_filing", "plan_mgmt", re.compile(r"备案")),
    ("drills", "drills", None),
    ("funding", "funding", None),
)
PROVISION_LABELS = {"plan_filing": "预案备案", **TOPIC_LABELS}


def incident_type(ctx: Context) -> Iterator[Finding]:
    """Master incident types with no row in the subordinate's 处置分工 table."""
    if not (ctx.same_kind and ctx.adjacent and ctx.sub.level is Level.DISTRICT):
        return
    tax, g = load_taxonomy(), ctx.sub.gazetteer
    sub_rows = [c for c in ctx.sub.clauses if incident_row(c, tax) is not None]
    if len(sub_rows) < 5:  # no 处置分工 table: reported as a missing provision instead
        return
    have = {incident_row(c, tax).number for c in sub_rows}
    first = sub_rows[0]
    heading = next((c for c in reversed(ctx.sub.clauses[: ctx.sub.clauses.index(first)])
                    if c.kind.value == "heading"), None)
    where = heading.span if heading is not None else first.span
    for c in ctx.master.clauses:
        t = incident_row(c, tax)
        if t is None or t.number in have:
            continue
        have.add(t.number)
        leads = split_departments(c.cells[-1])
        cps = [o.canonical for n in leads for o in g.counterparts(n, ctx.sub.level) if ctx.local(o)]
        name = c.cells[-2]
        if not cps:
            yield ctx.finding("coverage.incident_type", "consistent",
                              f"处置分工表未列“{name}”；上级主责部门{c.cells[-1]}在本级无对应部门，可不列。",
                              sub=where, master=c)
        else:
            yield ctx.finding("coverage.incident_type", "review",
                              f"处置分工表未列上级预案中的“{name}”（上级主责部门{c.cells[-1]}，本级对应{'、'.join(dict.fromkeys(cps))}）。"
                              "若本区无此类风险请说明，否则应补充。",
                              sub=where, master=c, suggestion=f"补充一行：{name}，主责部门{'、'.join(dict.fromkeys(cps))}。")


def provision(ctx: Context) -> Iterator[Finding]:
    """Whole provisions (信息报送, 预警, 社会动员, 资金保障…) absent from a 总体应急预案."""
    if not (ctx.same_kind and ctx.adjacent):
        return
    tax = load_taxonomy()
    for key, topic, extra in PROVISIONS:
        found = [s for s in ctx.sub.topic(topic) if extra is None or extra.search(s.text)]
        if found:
            continue
        refs = [s for s in ctx.master.topic(topic) if extra is None or extra.search(s.text)]
        # Cite the master's own section on it (6.8 资金保障), not a passing mention.
        ref = next((s for s in refs if topic_path(topic, s.clause.path)), refs[0] if refs else None)
        yield ctx.finding("coverage.provision", "review",
                          f"本预案没有关于{PROVISION_LABELS.get(key, key)}的规定，上级预案对此有明确要求。",
                          master=ref, suggestion=f"补充{PROVISION_LABELS.get(key, key)}的相关内容。")
    # The 处置分工 table is asked of district plans (the master's 2.3.6 mirrored);
    # a street plan assigns tasks to its own offices instead.
    if ctx.sub.level is Level.DISTRICT and not any(incident_row(c, tax) is not None for c in ctx.sub.clauses):
        ref = next((c for c in ctx.master.clauses if incident_row(c, tax) is not None), None)
        yield ctx.finding("coverage.provision", "review", "本预案没有突发事件处置分工（各类突发事件的处置主责部门）。",
                          master=ref, suggestion="补充突发事件处置分工表。")
