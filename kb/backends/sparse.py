"""Sparse BM25 vectors built in our own Python, from the jieba analyzer of the keyword index.

Qdrant never analyses text here: a clause's sparse vector is made from the
tokens of :func:`plankb.kb.analyzer.chinese_analyzer` (the one jieba
tokenizer and user dictionary, ``extract/tokenizer.py``), so "市城市管理委" is
one term in whoosh and in Qdrant alike.

Decision record (issue 14).

- Term ids are the first 4 bytes of ``blake2b(field + "\\0" + token)``: stable
  across processes and machines with no vocabulary table to keep in step
  (Python's ``hash`` is salted per process).  Two terms share an id with
  probability ~ n^2 / 2^33: about one pair at 90 000 distinct terms; a
  collision only merges two terms' postings.
- whoosh scores BM25F over two fields, the clause text and its section heading
  (query terms on the heading weigh ``SECTION_BOOST`` = 0.3).  One sparse
  vector carries both: a heading token gets the id of ``"section\\0" + token``,
  so its document frequency, hence its IDF, is counted over headings only, as
  whoosh counts it per field; the query gives heading terms the weight 0.3.
- Document side: BM25 saturation ``tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl))``
  with whoosh's defaults k1 = 1.2, b = 0.75.  avgdl is a constant per field
  (:data:`AVGDL`, measured on the shipped corpus) rather than the collection's
  running mean: a point's weights must not change when other points are
  written, or re-ingesting one edition would touch every point.
- Query side: weight 1 per distinct query term (0.3 on headings); the engine
  multiplies by its own IDF (``Modifier.IDF``: ln(1 + (N - df + 0.5)/(df + 0.5)),
  global over the collection, so a freshly upserted clause ranks first for its
  own text).
- Not reproduced: whoosh's phrase boost (query words adjacent in order) needs
  positions, and the expansion of a lone query character (雪 -> 暴雪, 雨雪…)
  needs the index's lexicon.  Both only reorder hits; the contract tests
  measure how far rankings move (tests/test_backends.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import lru_cache
from typing import Any

K1 = 1.2
B = 0.75
SECTION_BOOST = 0.3  # as kb/keyword.py
# Mean tokens per clause text and per section heading in the shipped corpus
# (analyzer tokens, inner words included; bench/scale_bench.py prints them).
AVGDL = {"text": 43.0, "section": 5.5}


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from plankb.kb.analyzer import chinese_analyzer

    return chinese_analyzer()


@lru_cache(maxsize=200_000)
def term_id(field: str, token: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{field}\0{token}".encode(), digest_size=4).digest(), "little")


def tokens(text: str, mode: str = "index") -> list[str]:
    return [t.text for t in _analyzer()(text, mode=mode)] if text else []


def document_vector(text: str, section: str = "") -> tuple[list[int], list[float]]:
    """Indices and BM25 document weights of a clause (text and heading)."""
    weights: dict[int, float] = {}
    for field, value in (("text", text), ("section", section)):
        toks = tokens(value)
        if not toks:
            continue
        norm = K1 * (1 - B + B * len(toks) / AVGDL[field])
        for tok, tf in Counter(toks).items():
            tid = term_id(field, tok)
            weights[tid] = weights.get(tid, 0.0) + tf * (K1 + 1) / (tf + norm)
    idx = sorted(weights)
    return idx, [weights[i] for i in idx]


def query_vector(query: str) -> tuple[list[int], list[float]]:
    """Indices and weights of a query: 1 per distinct term on the text, 0.3 on headings."""
    weights: dict[int, float] = {}
    for tok in dict.fromkeys(tokens(query, mode="query")):
        weights[term_id("text", tok)] = weights.get(term_id("text", tok), 0.0) + 1.0
        weights[term_id("section", tok)] = weights.get(term_id("section", tok), 0.0) + SECTION_BOOST
    idx = sorted(weights)
    return idx, [weights[i] for i in idx]
