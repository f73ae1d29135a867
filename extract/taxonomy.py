"""Incident-type taxonomy: the 52 rows of the master plan's table 2.3.6.

The data lives in ``extract/data/incidents.yaml``: each row as written, its
category, its lead department(s), the special plans of the 8.3 catalogue that
govern it, the Pinggu rows and plans that correspond, and the words people use
for it ("煤气味" → 燃气事故, "subway" → 轨道交通运营突发事件).

:meth:`Taxonomy.match` is a lexical first-stage candidate generator: it
scores phrases found in the query (longest matches win; a phrase inside a
longer matched phrase does not count), jieba-token overlap weighted by rarity,
and departments named in the query.  A later search layer combines it with
embeddings.  jieba is imported on the first call of ``match`` only.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from plankb.extract.errors import Errors, InputError
from plankb.extract.gazetteer import fold, fold_width, load_gazetteer

if TYPE_CHECKING:
    import jieba

DATA_FILE = Path(__file__).parent / "data" / "incidents.yaml"

# The bracketed examples of a row, e.g. '突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)' -> '崩塌、滑坡、…等'.
_PAREN_RE = re.compile(r"[(（]([^()（）]*)[)）]")
# Lead cells list departments with '、' and may end in '等部门': '市应急局、市气象局、市园林绿化局等部门'.
_LEAD_SPLIT_RE = re.compile(r"[、，,]")
_LEAD_TAIL_RE = re.compile(r"等(?:部门|单位)?$")
# English words of a query, e.g. 'food poisoning at a school canteen' -> food, poisoning, …
_EN_WORD_RE = re.compile(r"[a-z][a-z0-9.\-]*")
# Script tests: a Latin letter ('PM2.5', 'gas leak') and a CJK character ('P2P爆雷').
_LATIN_RE = re.compile(r"[A-Za-z]")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# Question words and fillers that say nothing about the incident type.
_STOP_WORDS = (
    "谁 管 归 哪个 哪些 部门 负责 牵头 主责 怎么办 怎么 如何 处理 处置 应对 找 发生 出现 了 的 是 有 在 和 与 "
    "吗 呢 啊 吧 一 个 一股 里 上 下 我 我们 他们 情况 事件 事故 突发 应急 问题 什么 要 该 应该 可以 区 市 "
    "the a an of in on at to is are was who what which for with and or my our near by from "
    "district city beijing across handle handles responsible lead leads"
)
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True, slots=True)
class Category:
    name: str  # 自然灾害类 …
    table_label: str  # the group row as written in table 2.3.6 (公共卫生类)
    en: str = ""
    scope: str = ""


@dataclass(frozen=True, slots=True)
class SpecialPlan:
    """A 专项/保障 plan of an 8.3 catalogue with its 牵头编制部门."""

    name: str
    lead: str
    section: str  # 8.3.1 突发事件类 | 8.3.2 应急保障类
    match: str = "full"  # full | partial
    jurisdiction: str = "北京市"


@dataclass(frozen=True, slots=True)
class DistrictRow:
    """A row of a district plan's 2.3.6 table, as written (wrapped cells joined)."""

    district: str
    number: int
    row: str
    lead: str


@dataclass(frozen=True, slots=True)
class IncidentType:
    number: int  # 序号 in the master table
    row: str  # row text exactly as in the master table
    category: str
    lead: str  # 市级处置主责部门 as written
    plans: tuple[SpecialPlan, ...] = ()
    district_rows: tuple[DistrictRow, ...] = ()
    district_plans: tuple[SpecialPlan, ...] = ()
    synonyms: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The row without its bracketed examples: '突发地质灾害'."""
        return _PAREN_RE.sub("", self.row).strip()

    @property
    def examples(self) -> tuple[str, ...]:
        """The bracketed examples: ('崩塌', '滑坡', '泥石流', '地面塌陷')."""
        m = _PAREN_RE.search(self.row)
        if not m:
            return ()
        return tuple(x for x in (_LEAD_TAIL_RE.sub("", p) for p in m.group(1).split("、")) if x)

    @property
    def leads(self) -> tuple[str, ...]:
        return split_departments(self.lead)


def split_departments(cell: str) -> tuple[str, ...]:
    """'市应急局、市气象局、市园林绿化局等部门' -> ('市应急局', '市气象局', '市园林绿化局')."""
    parts = (_LEAD_TAIL_RE.sub("", p.strip()) for p in _LEAD_SPLIT_RE.split(fold(cell)))
    return tuple(p for p in parts if p)


class Taxonomy:
    """The 52 incident types in table order, with lookups and a lexical matcher."""

    def __init__(self, categories: tuple[Category, ...], types: tuple[IncidentType, ...]) -> None:
        self.categories = categories
        self.types = types
        self._by_number = {t.number: t for t in types}
        self._by_row = {fold(t.row): t for t in types}
        self._by_name = {fold(t.name): t for t in types}
        self._district = {fold(r.row): t for t in types for r in t.district_rows}
        self._finders, self._weights = _build_terms(types)
        self._tokenizer: jieba.Tokenizer | None = None
        self._doc_tokens: list[dict[str, float]] = []
        self._lead_orgs = self._leads_by_type()

    def __len__(self) -> int:
        return len(self.types)

    def __iter__(self) -> Iterator[IncidentType]:
        return iter(self.types)

    def by_number(self, number: int) -> IncidentType | None:
        return self._by_number.get(number)

    def by_row(self, text: str) -> IncidentType | None:
        """The type whose master row (or its name without brackets) is ``text``."""
        k = fold(text)
        return self._by_row.get(k) or self._by_name.get(k)

    def by_category(self, category: str) -> list[IncidentType]:
        cats = {c.name: c.name for c in self.categories} | {c.table_label: c.name for c in self.categories}
        want = cats.get(fold(category), category)
        return [t for t in self.types if t.category == want]

    def district_row_to_master(self, row_text: str) -> IncidentType | None:
        """The master type a district table row corresponds to.

        Known district rows first (公共汽车运营突发事件 → 公共电汽车运营突发事件),
        then master rows and names, then a close match of the name without
        brackets (ratio ≥ 0.8); None when nothing is that close.
        """
        k = fold(row_text)
        hit = self._district.get(k) or self.by_row(row_text)
        if hit is not None:
            return hit
        name = fold(_PAREN_RE.sub("", fold(row_text)))
        if name in self._by_name:
            return self._by_name[name]
        best, score = None, 0.0
        for n, t in self._by_name.items():
            r = difflib.SequenceMatcher(None, name, n).ratio()
            if r > score:
                best, score = t, r
        return best if score >= 0.8 else None

    # -- matching -------------------------------------------------------------
    def match(self, query: str, k: int = 5) -> list[tuple[IncidentType, float]]:
        """Up to ``k`` candidate types for a question, best first, scores in (0, 1]."""
        q = fold(query)
        if not q:
            return []
        exact = self._by_row.get(q) or self._by_name.get(q)
        # Department names count once, as departments: their characters
        # (城市 in 市城市管理委) must not also match incident phrases.
        mentions = [m for m in load_gazetteer().find(query) if m.org is not None]
        rest = query
        for m in reversed(mentions):
            rest = rest[: m.start] + " " + rest[m.end :]
        raw = [0.0] * len(self.types)
        for i, w in self._phrase_scores(rest).items():
            raw[i] += w
        for i, w in self._token_scores(rest).items():
            raw[i] += w
        orgs = {m.canonical for m in mentions}
        if orgs:
            for i, lead_orgs in enumerate(self._lead_orgs):
                raw[i] += 2.0 * len(orgs & lead_orgs)
        scored = [(t, r / (r + 4.0)) for t, r in zip(self.types, raw) if r > 0]
        if exact is not None:
            scored = [(t, s) for t, s in scored if t is not exact] + [(exact, 1.0)]
        scored.sort(key=lambda ts: (-ts[1], ts[0].number))
        return scored[:k]

    def _phrase_scores(self, query: str) -> dict[int, float]:
        """Weight of the phrases found in a query; phrases inside a longer hit are dropped.

        Chinese phrases are sought in the query without whitespace, English
        ones in the query with single spaces; spans of the two are not compared.
        """
        zh = fold(query).lower()
        en = " ".join(fold_width(query).lower().split())
        hits: list[tuple[int, int, int, float]] = []  # start, end, type index, weight
        for term, (is_en, spans_of) in self._finders.items():
            q, off = (en, 10**6) if is_en else (zh, 0)
            for start, end in spans_of(q):
                for i, w in self._weights[term]:
                    hits.append((start + off, end + off, i, w))
        out: dict[int, float] = {}
        for s, e, i, w in hits:
            if any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _, _ in hits):
                continue
            out[i] = out.get(i, 0.0) + w
        return out

    def _token_scores(self, query: str) -> dict[int, float]:
        tok = self._jieba()
        qtoks = {t for t in _tokens(tok, query) if t not in _STOP}
        out: dict[int, float] = {}
        for i, doc in enumerate(self._doc_tokens):
            s = sum(doc[t] for t in qtoks if t in doc)
            if s:
                out[i] = 0.5 * s
        return out

    def _jieba(self) -> jieba.Tokenizer:
        """The shared jieba tokenizer (its dictionary holds the taxonomy's and gazetteer's words)."""
        if self._tokenizer is None:
            from .tokenizer import tokenizer

            tok = tokenizer()
            docs = [_doc_tokens(tok, t) for t in self.types]
            df: dict[str, int] = {}
            for d in docs:
                for w in d:
                    df[w] = df.get(w, 0) + 1
            n = len(docs)
            self._doc_tokens = [{w: math.log(1 + n / df[w]) for w in d} for d in docs]
            self._tokenizer = tok
        return self._tokenizer

    def _leads_by_type(self) -> list[set[str]]:
        g = load_gazetteer()
        out = []
        for t in self.types:
            names = [*t.leads, *(d for r in t.district_rows for d in split_departments(r.lead))]
            out.append({o.canonical for o in map(g.resolve, names) if o is not None})
        return out


_Finder = Callable[[str], list[tuple[int, int]]]


def _build_terms(
    types: tuple[IncidentType, ...],
) -> tuple[dict[str, tuple[bool, _Finder]], dict[str, list[tuple[int, float]]]]:
    """Every phrase that names a type, with a weight growing with its length.

    Chinese phrases match as substrings (1 per character; the row 1.5, its name
    1.3); English phrases match whole words, plural -s allowed (1 per 2.5 letters).
    """
    weights: dict[str, dict[int, float]] = {}

    def add(term: str, i: int, w: float) -> None:
        term = fold(term).lower() if not _is_en(term) else " ".join(term.lower().split())
        if term:
            d = weights.setdefault(term, {})
            d[i] = max(d.get(i, 0.0), w)

    for i, t in enumerate(types):
        add(t.row, i, 1.5 * len(fold(t.row)))
        add(t.name, i, 1.3 * len(t.name))
        for r in t.district_rows:
            add(r.row, i, 1.5 * len(fold(r.row)))
        for s in (*t.examples, *t.synonyms):
            add(s, i, float(len(fold(s))) if not _is_en(s) else len(s.replace(" ", "")) / 2.5)
        for s in t.en:
            add(s, i, len(s.replace(" ", "")) / 2.5)
    finders = {t: (True, _en_finder(t)) if _is_en(t) else (False, _zh_finder(t)) for t in weights}
    return finders, {term: sorted(d.items()) for term, d in weights.items()}


def _is_en(term: str) -> bool:
    """A term written in Latin letters (digits alone, like 119, count as Chinese-style)."""
    return bool(_LATIN_RE.search(term)) and not _CJK_RE.search(term)


def _zh_finder(term: str) -> _Finder:
    def spans(q: str) -> list[tuple[int, int]]:
        out, i = [], q.find(term)
        while i >= 0:
            out.append((i, i + len(term)))
            i = q.find(term, i + 1)
        return out

    return spans


def _en_finder(term: str) -> _Finder:
    # Whole words, a plural s/es allowed: 'tourist' matches 'tourists'.
    body = r"\s+".join(re.escape(w) for w in term.split())
    rx = re.compile(r"(?<![a-z])" + body + r"(?:e?s)?(?![a-z])")

    def spans(q: str) -> list[tuple[int, int]]:
        return [m.span() for m in rx.finditer(q)]

    return spans


def _tokens(tok: jieba.Tokenizer, text: str) -> list[str]:
    low = text.lower()
    zh = [w for w in tok.cut_for_search(fold(low)) if _CJK_RE.search(w)]
    return zh + _EN_WORD_RE.findall(low)


def _doc_tokens(tok: jieba.Tokenizer, t: IncidentType) -> set[str]:
    words: set[str] = set()
    for s in (t.row, t.name, *t.synonyms, *t.examples, *t.en, *(r.row for r in t.district_rows)):
        words.update(w for w in _tokens(tok, s) if w not in _STOP and len(w) > 1)
    return words


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The taxonomy of ``extract/data/incidents.yaml`` (cached)."""
    data = yaml.load(
        DATA_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    cats = tuple(Category(**c) for c in data["categories"])
    names = {c.name for c in cats}
    types = []
    for item in data["types"]:
        types.append(_type(item, names))
    numbers = [t.number for t in types]
    if numbers != sorted(set(numbers)):
        raise InputError(Errors.E110.format(path=DATA_FILE, numbers=numbers))
    return Taxonomy(cats, tuple(types))


def _type(item: dict[str, Any], categories: set[str]) -> IncidentType:
    if item.get("category") not in categories:
        raise InputError(
            Errors.E111.format(path=DATA_FILE, number=item.get('number'), category=item.get('category'))
        )
    rows: list[DistrictRow] = []
    dplans: list[SpecialPlan] = []
    for district, d in (item.get("districts") or {}).items():
        rows += [
            DistrictRow(district, int(r["number"]), str(r["row"]), str(r["lead"]))
            for r in d.get("rows") or []
        ]
        dplans += [_plan(p, district) for p in d.get("plans") or []]
    return IncidentType(
        number=int(item["number"]),
        row=str(item["row"]),
        category=item["category"],
        lead=str(item["lead"]),
        plans=tuple(_plan(p, "北京市") for p in item.get("plans") or []),
        district_rows=tuple(rows),
        district_plans=tuple(dplans),
        synonyms=tuple(str(s) for s in item.get("synonyms") or []),
        en=tuple(str(s) for s in item.get("en") or []),
    )


def _plan(p: dict[str, Any], jurisdiction: str) -> SpecialPlan:
    return SpecialPlan(
        str(p["name"]), str(p["lead"]), str(p.get("section", "")), str(p.get("match", "full")), jurisdiction
    )
