"""Distractors: wrong options of the same kind as the answer, never the answer in disguise.

Pools are built from every item of the corpus (not only the filtered ones), so
a quiz on one document still draws its wrong departments, durations and
colours from what the corpus says elsewhere.  A candidate is rejected when it
is the answer under another name: the same gazetteer organisation (市应急局 =
北京市应急管理局), the same duration (2小时 = 120分钟), the same number, or a
name inside the other (市应急委 / 市应急委主任).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from plankb.extract.gazetteer import Gazetteer, fold, load_gazetteer

from .bank import Item, split_departments
from .text import COLOURS, NUM_RE, RANK_WORDS, duration_seconds, fmt_number

# Synthetic neighbours of a number when the corpus has too few of the same unit.
_FACTORS = (2.0, 0.5, 3.0, 1.5, 4.0, 0.25)


@dataclass
class Pools:
    """Candidate wrong answers by pool name (see :attr:`Item.pool`)."""

    gazetteer: Gazetteer = field(default_factory=load_gazetteer)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # pool -> {norm: display name}
    groups: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # pool -> {norm: categories}
    role_kind: dict[str, str] = field(default_factory=dict)  # norm -> starter | approver
    durations: dict[float, str] = field(default_factory=dict)  # seconds -> text as written
    numbers: dict[str, set[float]] = field(default_factory=dict)  # unit -> values

    @classmethod
    def of(cls, items: Iterable[Item]) -> Pools:
        p = cls()
        for it in items:
            if it.kind in ("lead", "plan", "approver", "starter"):
                names = p.names.setdefault(it.pool, {})
                for a in it.answers:
                    n = p.norm(a)
                    names.setdefault(n, a)
                    p.groups.setdefault(it.pool, {}).setdefault(n, set()).add(it.group)
                    if it.kind in ("approver", "starter"):
                        p.role_kind.setdefault(n, it.kind)
            elif it.kind == "deadline":
                p.durations.setdefault(it.value, it.answers[0])
            elif it.kind == "threshold" and not it.ranged:
                p.numbers.setdefault(it.unit, set()).add(it.value)
        return p

    def norm(self, name: str) -> str:
        """Identity of a name: its gazetteer organisation, else its folded text."""
        org = self.gazetteer.resolve(name)
        return "org:" + org.canonical if org is not None else fold(name)

    def same(self, a: str, b: str) -> bool:
        """Whether ``b`` is ``a`` under another name (or one contains the other)."""
        if self.norm(a) == self.norm(b):
            return True
        fa, fb = fold(a), fold(b)
        return fa in fb or fb in fa

    # -- by kind ----------------------------------------------------------------
    def departments(self, item: Item, k: int, rng: random.Random, exclude: Sequence[str] = ()) -> list[str]:
        """Departments of the same table and level; same incident category first."""
        bad = (*item.answers, *exclude)
        names, groups = self.names.get(item.pool, {}), self.groups.get(item.pool, {})
        cands = [(n, d) for n, d in sorted(names.items()) if not any(self.same(d, a) for a in bad)]
        if item.kind == "plan":
            # A plan's neighbours are departments that lead incidents of the same categories
            # in the same jurisdiction's 2.3.6 table (地震预案: 水务、地震、规划自然资源…).
            duty = self.groups.get(f"lead:{item.jurisdiction}", {})
            mine = set().union(*(duty.get(self.norm(a), set()) for a in item.answers))
            near = [d for n, d in cands if mine & duty.get(n, set())]
        else:
            near = [d for n, d in cands if item.group and item.group in groups.get(n, set())]
        far = [d for n, d in cands if d not in near]
        return tiers(rng, k, near, far)

    def roles(self, item: Item, k: int, rng: random.Random, split: bool = False) -> list[str]:
        """Other starting/approving bodies of the same document (never one its clause names)."""
        answers = split_departments(item.answers[0]) if split else item.answers
        cands = []
        for _, d in sorted(self.names.get(item.pool, {}).items()):
            if (split and len(split_departments(d)) > 1) or "或" in d:
                continue  # a multi-choice option is one body, not a fragment of '事发地的区委、区政府'
            if any(self.same(d, a) for a in answers):
                continue
            if item.kind == "starter" and fold(d) in fold(item.clause.text):
                continue  # the clause may name it as starter of a special case
            cands.append(d)
        same = [d for d in cands if self.role_kind.get(self.norm(d)) == item.kind]
        other = [d for d in cands if d not in same]
        return tiers(rng, k, same, other)

    def durations_for(self, item: Item, k: int, rng: random.Random) -> list[str]:
        """Other time limits of the corpus, same unit and closest first, then synthetic ones."""
        s0 = item.value
        cands = [(t, s) for s, t in sorted(self.durations.items()) if s != s0 and s > 0]
        cands.sort(key=lambda ts: (_unit_of(ts[0]) != item.unit, abs(math.log(ts[1] / s0)) if s0 else 0, ts[0]))
        picked = tiers(rng, k, [t for t, _ in cands[: k + 2]], [t for t, _ in cands[k + 2 :]])
        if len(picked) < k:
            picked += _synthetic(item.answers[0], k - len(picked), rng, {duration_seconds(p) for p in picked} | {s0})
        return picked[:k]

    def numbers_for(self, item: Item, k: int, rng: random.Random) -> list[str]:
        """The answer with its number replaced by another value of the same unit."""
        core = item.answers[0]
        m = NUM_RE.search(core)
        if m is None or item.ranged:
            return []
        v0 = float(m.group("num"))
        values = sorted(v for v in self.numbers.get(item.unit, set()) if v != v0 and _plausible(v, v0, item.unit))
        rng.shuffle(values)
        out = [_renumber(core, m, v) for v in values[:k]]
        seen = {v0, *values[:k]}
        for f in _FACTORS:
            if len(out) >= k:
                break
            v = float(fmt_number(v0 * f, m.group("num")))
            if v not in seen and v > 0 and _plausible(v, v0, item.unit):
                seen.add(v)
                out.append(_renumber(core, m, v))
        return out[:k]

    def colours_for(self, item: Item, k: int, rng: random.Random) -> list[str]:
        return rng.sample([c for c in COLOURS if c != item.answers[0]], k)

    def ranks_for(self, item: Item, k: int, rng: random.Random) -> list[str]:
        return rng.sample([r for r in RANK_WORDS if r != item.subject], k)

    def wrong(self, item: Item, k: int, rng: random.Random) -> list[str]:
        """``k`` distractors for an item's (first) answer, or fewer when the pool is short."""
        if item.kind in ("lead", "plan"):
            return self.departments(item, k, rng)
        if item.kind in ("approver", "starter"):
            return self.roles(item, k, rng)
        if item.kind == "deadline":
            return self.durations_for(item, k, rng)
        if item.kind == "threshold":
            return self.numbers_for(item, k, rng)
        if item.kind == "colour":
            return self.colours_for(item, k, rng)
        raise ValueError(item.kind)


def tiers(rng: random.Random, k: int, *tiers: Sequence[str]) -> list[str]:
    """``k`` picks, from the first tier first; random inside a tier; no repeats."""
    out: list[str] = []
    for tier in tiers:
        rest = [t for t in dict.fromkeys(tier) if t not in out]
        out += rng.sample(rest, min(k - len(out), len(rest)))
        if len(out) >= k:
            break
    return out


def _unit_of(text: str) -> str:
    m = re.search(r"(工作日|小时|分钟|秒|天|日|周|月|年)", text)
    return m.group(1) if m else ""


def _synthetic(answer: str, k: int, rng: random.Random, taken: set[float | None]) -> list[str]:
    """Same unit, other numbers: '1个工作日' -> '2个工作日', '3个工作日'."""
    m = NUM_RE.search(answer)
    if m is None:
        return []
    v0 = float(m.group("num"))
    out = []
    for f in _FACTORS:
        v = float(fmt_number(v0 * f, m.group("num")))
        if v == int(v) and v >= 1:
            text = _renumber(answer, m, v)
            s = duration_seconds(text)
            if s not in taken:
                taken.add(s)
                out.append(text)
    return out[:k]


def _renumber(core: str, m: re.Match[str], v: float) -> str:
    return core[: m.start("num")] + fmt_number(v, m.group("num")) + core[m.end("num") :]


def _plausible(v: float, v0: float, unit: str) -> bool:
    """Percentages stay percentages (≤ 100 when the answer is); values stay within a factor of 20."""
    if unit in ("%", "％") and v0 <= 100 and v > 100:
        return False
    return v0 <= 0 or 1 / 20 <= v / v0 <= 20
