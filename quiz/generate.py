"""Generate a quiz: items → candidate questions → a balanced, fact-disjoint selection.

Selection goes round by round; in each round every requested type whose
candidates are not exhausted contributes one question, the scarcest type
first (cloze and multi questions have fewer sources than single choice, so
they get first pick of the facts they share).  Inside a type the candidate
whose topic has been used least wins; ties follow a seeded shuffle.  A
question is only taken when none of the facts it tests is tested already.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from plankb.extract.errors import Errors, InputError
from plankb.extract.model import Clause, Document

from .bank import Item, build_items
from .build import SINGLE, Draft, matching, reverse_multi
from .distract import Pools, tiers
from .model import Question, QuizOptions


def generate(
    clauses: Sequence[Clause],
    facts: Sequence[dict[str, Any]],
    documents: Mapping[str, Document],
    options: QuizOptions,
) -> list[Question]:
    """Up to ``options.n`` questions drawn from the clauses and facts, deterministic for a seed.

    ``facts`` are dicts as ``KnowledgeBase.store.facts()`` returns them (fact
    fields plus clause_id, doc_id, fact and span in document offsets).  Fewer
    than ``n`` questions come back when the filters leave fewer facts.
    """
    options.validate()
    for doc_id in options.doc_ids:
        if doc_id not in documents:
            raise InputError(Errors.E021.format(doc_id=doc_id))
    items = build_items(clauses, facts, documents)
    pools = Pools.of(items)
    chosen = [it for it in items if _wanted(it, options)]
    drafts = candidates(chosen, pools, options)
    picked = _select(drafts, options)
    return _finish(picked, options)


def _wanted(it: Item, options: QuizOptions) -> bool:
    if options.doc_ids and it.doc.id not in options.doc_ids:
        return False
    if options.jurisdiction and it.jurisdiction != options.jurisdiction:
        return False
    # Business-climate or digital-economy targets only when that document is asked for.
    return it.kind not in ("deadline", "threshold") or it.emergency or it.doc.id in options.doc_ids


def candidates(items: Sequence[Item], pools: Pools, options: QuizOptions) -> dict[str, list[Draft]]:
    """Every draft question of the requested types, by type, in item order."""
    seed = options.seed
    out: dict[str, list[Draft]] = {t: [] for t in options.types}
    for t in options.types:
        build = SINGLE.get(t)
        if build is not None:
            for it in items:
                d = build(it, pools, random.Random(f"{seed}|{t}|{it.key}|{it.clause.id}"))
                if d is not None:
                    out[t].append(d)
    if "matching" in out:
        for group in _row_groups(items, pools, seed) + _colour_groups(items):
            d = matching(group, random.Random(f"{seed}|matching|{group[0].key}"))
            if d is not None:
                out["matching"].append(d)
    if "multi" in out:
        out["multi"] += _reverse(items, pools, seed)
    return {t: [d for d in ds if options.wants_topic(d.question.topic, d.question.category)] for t, ds in out.items()}


def _tables(items: Sequence[Item]) -> dict[tuple[str, str], list[Item]]:
    out: dict[tuple[str, str], list[Item]] = {}
    for it in items:
        if it.kind in ("lead", "plan") and not it.hedged:
            out.setdefault((it.doc.id, it.kind), []).append(it)
    return out


def _row_groups(items: Sequence[Item], pools: Pools, seed: int) -> list[list[Item]]:
    """Rows of one table in groups of four with four different departments, one category if possible."""
    groups = []
    for (doc_id, kind), rows in _tables(items).items():
        rest = [r for r in rows if len(r.answers) == 1]
        random.Random(f"{seed}|groups|{doc_id}|{kind}").shuffle(rest)
        while rest:
            group = [rest.pop(0)]
            norms = {pools.norm(group[0].answers[0])}
            for same in (True, False):
                for r in list(rest):
                    n = pools.norm(r.answers[0])
                    if len(group) < 4 and n not in norms and (r.group == group[0].group or not same):
                        group.append(r)
                        norms.add(n)
                        rest.remove(r)
            if len(group) >= 3:
                groups.append(group)
    return groups


def _colour_groups(items: Sequence[Item]) -> list[list[Item]]:
    by_doc: dict[str, dict[float, Item]] = {}
    for it in items:
        if it.kind == "colour":
            by_doc.setdefault(it.doc.id, {}).setdefault(it.value, it)
    return [[g[r] for r in sorted(g)] for g in by_doc.values() if len(g) == 4]


def _reverse(items: Sequence[Item], pools: Pools, seed: int) -> list[Draft]:
    """'Which incidents does department X lead?' for departments that lead two rows or more."""
    out = []
    for (doc_id, _kind), rows in _tables(items).items():
        norms = {r.key: {pools.norm(a) for a in r.answers} for r in rows}
        by_dept: dict[str, list[Item]] = {}
        for r in rows:
            for a in r.answers:
                by_dept.setdefault(pools.norm(a), []).append(r)
        for n, mine in sorted(by_dept.items()):
            if len(mine) < 2:
                continue
            rng = random.Random(f"{seed}|reverse|{doc_id}|{n}")
            right = rng.sample(mine, min(3, len(mine)))
            others = [r for r in rows if n not in norms[r.key]]
            near = [r.key for r in others if r.group == right[0].group]
            far = [r.key for r in others if r.group != right[0].group]
            by_key = {r.key: r for r in others}
            wrong = [by_key[k] for k in tiers(rng, 2, near, far)]
            dept = next(a for a in right[0].answers if pools.norm(a) == n)
            d = reverse_multi(dept, right, wrong, rng)
            if d is not None:
                out.append(d)
    return out


def _select(drafts: dict[str, list[Draft]], options: QuizOptions) -> list[Draft]:
    order = {t: list(ds) for t, ds in drafts.items()}
    for t, ds in order.items():
        random.Random(f"{options.seed}|order|{t}").shuffle(ds)
    used: set[str] = set()
    asked: set[tuple[str, str]] = set()
    topic_uses: Counter[str] = Counter()
    picked: list[Draft] = []
    while len(picked) < options.n:
        free = {t: [d for d in ds if not d.atoms & used] for t, ds in order.items()}
        turn = sorted((t for t in free if free[t]), key=lambda t: (len(free[t]), options.types.index(t)))
        if not turn:
            break
        quota = -(-(options.n - len(picked)) // len(turn))  # questions each type still has to give
        for i, t in enumerate(turn):
            avail = [d for d in order[t] if not d.atoms & used]
            if not avail:
                continue
            # Leave the facts that scarce types still need to them: a deadline makes one of the
            # few cloze questions, while a tf question can take a lead row instead.
            scarce = [s for s in turn[:i] if len(free[s]) <= 2 * quota]
            needed = {a for s in scarce for d in order[s] if not d.atoms & used for a in d.atoms}
            # Then prefer a clause not yet asked about in this type (four '…预警用____标示' in a row
            # bore a trainee), then the least used topic.
            best = min(avail, key=lambda d: (bool(d.atoms & needed), (t, d.question.clause_id) in asked,
                                             topic_uses[_balance_key(d.question)]))
            picked.append(best)
            used |= best.atoms
            asked.add((t, best.question.clause_id))
            topic_uses[_balance_key(best.question)] += 1
            if len(picked) >= options.n:
                break
    return picked


def _balance_key(q: Question) -> str:
    """Lead questions are balanced by incident category, as they were when the category was their topic."""
    return q.category or q.topic


def _finish(picked: Sequence[Draft], options: QuizOptions) -> list[Question]:
    """Grouped by type in the requested order, each with a stable id."""
    rank = {t: i for i, t in enumerate(options.types)}
    ordered = sorted(enumerate(picked), key=lambda ip: (rank[ip[1].question.type], ip[0]))
    out = []
    for _, d in ordered:
        q = d.question
        digest = hashlib.sha1(f"{q.type}|{q.fact_key}".encode()).hexdigest()[:10]
        out.append(replace(q, id=f"q{digest}"))
    return out
