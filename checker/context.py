"""What every rule gets: both plans, the input text, and helpers to cite them.

A rule reads ``ctx.sub`` (the subordinate plan) and ``ctx.master`` and returns
findings made with :meth:`Context.finding`, which maps a span of the
subordinate document onto the input text as read (through the document's
offset map) so that ``input_text[start:end]`` is exactly the quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from plankb.extract.facts.numbers import fold
from plankb.extract.gazetteer import OrgMention
from plankb.extract.model import Clause, Finding, Level, Role, Span, Verdict

from .lexicon import LEVEL_DEPTH, dice, level_from_name
from .plan import PlanView, Sentence

# Types of body a report must reach: the party duty office and the 应急办 (master 4.1.4-4.1.5).
PARTY_TYPES = frozenset({"duty_office", "party_office", "party_committee"})
EMERGENCY_TYPES = frozenset({"emergency_office", "emergency_management", "emergency_committee"})
HUB_TYPES = PARTY_TYPES | EMERGENCY_TYPES | {"government", "government_office"}
# "在市委、市政府统一领导下", "在区防指统一指挥下": the body named is the one in charge,
# the sentence's own subject acts under it.
UNDER_RE = re.compile(r"在[^，。；;]{1,30}?(?:的)?(?:统一)?(?:领导|指挥|指导|部署|组织)下")
# Words that make a sentence a deferral to a higher level or a supporting role.
DEFER_RE = re.compile(r"参与|配合|协助|协同|报请|提请|请求|移交|接受|服从|予以支援")
# "报请市应急委", "在市防指统一指挥下", "市委、市政府": the level above a district.
HIGHER_WORDS = {
    # (?<!城): "区城市管理委" is not the city.
    Level.DISTRICT: re.compile(r"报请[^，。；;]{0,6}(?<!城)市|在市[^，。；;]{0,20}下|(?<!城)市(?:委|政府|级|应急委|防指)"
                               r"|(?<!城)市[^，。；;]{1,12}启动"),
    Level.STREET: re.compile(r"报请[^，。；;]{0,6}[区市]|在[区市][^，。；;]{0,20}下|[区市]委|[区市]政府|[区市]级|[区市]应急委"),
}


@dataclass
class Context:
    sub: PlanView
    master: PlanView
    input_text: str
    same_kind: bool = False  # both are 总体应急预案
    notes: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # shared by rules within one check

    @property
    def level(self) -> Level:
        return self.sub.level

    @cached_property
    def adjacent(self) -> bool:
        """The subordinate is exactly one level below the master (district under city)."""
        a, b = LEVEL_DEPTH.get(self.sub.level), LEVEL_DEPTH.get(self.master.level)
        return a is not None and b is not None and a == b + 1

    def below_master(self) -> bool:
        a, b = LEVEL_DEPTH.get(self.sub.level), LEVEL_DEPTH.get(self.master.level)
        return a is not None and b is not None and a > b

    # -- citing ------------------------------------------------------------------
    def input_span(self, span: Span) -> Span:
        """A span of the subordinate document as offsets into the input text."""
        src = self.sub.document.source_range(span)
        end = min(max(src.end, src.start), len(self.input_text))
        return Span(min(src.start, end), end)

    def finding(
        self,
        rule_id: str,
        verdict: Verdict | str,
        explanation: str,
        *,
        sub: Span | None = None,
        master: Sentence | Clause | None = None,
        suggestion: str = "",
    ) -> Finding:
        from .rules import RULES  # the catalogue owns each rule's type

        span = self.input_span(sub) if sub is not None else None
        quote = self.input_text[span.start : span.end] if span is not None else ""
        m_clause = master.clause if isinstance(master, Sentence) else master
        m_quote = master.text if master is not None else ""
        return Finding(
            rule_id=rule_id,
            type=RULES[rule_id][0],
            verdict=Verdict(verdict),
            explanation=explanation,
            sub_quote=quote,
            sub_span=span,
            master_clause_id=m_clause.id if m_clause is not None else "",
            master_section=m_clause.section if m_clause is not None else "",
            master_quote=m_quote,
            suggestion=suggestion,
        )

    # -- master side -------------------------------------------------------------
    def best_master(
        self, sentence: Sentence | str, topics: Iterable[str] = (), want: re.Pattern[str] | None = None
    ) -> Sentence | None:
        """The master sentence closest in wording, among those of ``topics`` (and matching ``want``)."""
        grams = sentence.grams if isinstance(sentence, Sentence) else PlanView.grams_of(sentence)
        wanted = set(topics)
        best, score = None, -1.0
        for s in self.master.sentences:
            if wanted and not wanted & s.topics:
                continue
            if want is not None and not want.search(fold(s.text)):
                continue
            d = dice(grams, s.grams)
            if d > score:
                best, score = s, d
        return best

    def mirrors_master(self, sentence: Sentence, topics: Iterable[str] = (), threshold: float = 0.8) -> bool:
        """The sentence repeats a master sentence (with 市/区 swapped): not the author's own rule."""
        m = self.best_master(sentence, topics)
        return m is not None and dice(sentence.grams, m.grams) >= threshold

    # -- who ---------------------------------------------------------------------
    def subject(self, sentence: Sentence, rel_pos: int) -> tuple[OrgMention | None, Level | None]:
        """The body acting at ``rel_pos`` (offset in the sentence): the last one named
        before it, leaving out bodies in "在X领导下" phrases."""
        under = [m.span() for m in UNDER_RE.finditer(fold(sentence.text))]
        best = None
        for m in self.sub.orgs(sentence):
            if m.end > rel_pos:
                break
            if any(a <= m.start < b for a, b in under):
                continue
            best = m
        if best is None:
            return None, None
        return best, self.sub.body_level(best)

    def higher(self, text: str) -> bool:
        """The text hands the matter to a level above the subordinate's."""
        rx = HIGHER_WORDS.get(self.sub.level)
        return bool(rx and rx.search(fold(text)))

    def recipients(self, sentence: Sentence, within: Span | None = None) -> list[tuple[Any, str, Level | None]]:
        """Who a reporting sentence (or one segment of it) reports to: (actor, type, level)."""
        lo, hi = (within.start, within.end) if within else (sentence.start, sentence.end)
        g = self.sub.gazetteer
        out = []
        for a in self.sub.facts(sentence.clause)["actor"]:
            if a.role is not Role.RECIPIENT or not lo <= a.span.start < hi:
                continue
            org = g.get(a.canonical) or g.resolve(a.name)
            typ = org.type if org is not None else a.org_type
            lvl = org.level if org is not None else level_from_name(a.name)
            out.append((a, typ, lvl))
        return out

    def hubs(self, recipients: list[tuple[Any, str, Level | None]]) -> list[tuple[Any, str, Level | None]]:
        """Recipients that are a government hub (duty office, 应急办, government) at this level or above."""
        mine = LEVEL_DEPTH.get(self.sub.level, 0)
        return [r for r in recipients if r[1] in HUB_TYPES and r[2] is not None and LEVEL_DEPTH.get(r[2], 9) <= mine]

    def counterpart_names(self, master_name: str) -> list[str]:
        """Bodies at the subordinate's level that do a master body's job (市应急局 -> 区应急管理局)."""
        g = self.sub.gazetteer
        org = g.resolve(master_name)
        if org is None:
            return []
        if self.sub.level not in LEVEL_DEPTH:
            return []
        return [o.canonical for o in g.counterparts(org, self.sub.level) if self.local(o)]

    def local(self, org: Any) -> bool:
        """A body valid in the subordinate's jurisdiction (not another district's own unit)."""
        j = getattr(org, "jurisdiction", "")
        return not j or j.startswith("any") or not self.sub.jurisdiction or j == self.sub.jurisdiction
