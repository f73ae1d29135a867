"""The keyword (BM25F) index of clauses: whoosh over the jieba analyzer.

One whoosh document per clause.  The clause text is stored with positions and
character ranges, so hits carry highlight offsets into the stored text and
phrase matches can be boosted.  User queries are never given to whoosh's query
parser: they are analysed with the index's own analyzer and the terms OR'ed,
so ``（``, ``AND`` or ``"`` in a question are just text.

Filters (``jurisdiction``, ``level``, ``kind``, ``year``, ``incident``,
``actors``) restrict hits without scoring; a list of values means any of them.

A whoosh index is a directory.  :meth:`KeywordIndex.build` writes a complete
new index into a sibling temporary directory and swaps it into place only when
every item went in, so a failed build leaves the previous index untouched.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.query import And, Or, Phrase, Query, Term

from plankb.extract.errors import Errors, InputError, NotBuiltError
from plankb.extract.model import Clause, Document
from plankb.kb.analyzer import STOP_WORDS, chinese_analyzer

# Multi-valued filter fields, and all the fields a filter may name.
MULTI_FIELDS = ("year", "incident", "actors")
FILTER_FIELDS = ("doc_id", "jurisdiction", "level", "kind", *MULTI_FIELDS)
ITEM_FIELDS = frozenset(("clause_id", "text", "section", *FILTER_FIELDS))

SECTION_BOOST = 0.3  # a heading word counts less than the same word in the clause
PHRASE_BOOST = 2.0  # the query's words, in order, adjacent in the clause
MAX_EXPANSION = 64  # indexed words tried for a one-character query term

# A CJK character standing alone in a query, not inside a run of CJK text
# (jieba then keeps it as a word of its own); e.g. 雪 in "暴雨 雪" or "雪".
_LONE_CJK = re.compile(r"(?<![\u4e00-\u9fd5])[\u4e00-\u9fd5](?![\u4e00-\u9fd5])")
# Lone characters not worth expanding: numerals of pasted headings such as
# "（一）" or "二、" would pull in every word with 一 or 二 in it.
_NO_EXPANSION = STOP_WORDS | set("一二三四五六七八九十百千万零两〇")


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """One clause found by a keyword search.

    ``highlights`` are ``(start, end)`` character offsets into the clause's
    stored text, one per occurrence of a matched term, in text order; a match
    nested inside a longer matched word (城市 inside 市城市管理委) is left out.
    """

    clause_id: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()


def make_schema() -> Schema:
    """The whoosh schema; its analyzer carries the current jieba user words."""
    analyzer = chinese_analyzer()
    return Schema(
        clause_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=TEXT(analyzer=analyzer, stored=True, phrase=True, chars=True),
        section=TEXT(analyzer=analyzer, stored=True, phrase=False),
        jurisdiction=ID,
        level=ID,
        kind=ID,
        year=ID,  # several values per clause: given as a list
        incident=KEYWORD(commas=True, scorable=False),
        actors=KEYWORD(commas=True, scorable=False),
    )


def clause_item(
    clause: Clause,
    document: Document,
    *,
    incident: Iterable[str] = (),
    actors: Iterable[str] = (),
    years: Iterable[str] = (),
) -> dict[str, Any]:
    """The item :meth:`KeywordIndex.add` takes for a clause of a document.

    The document's year (from its date) is always among ``year``.
    """
    year = [document.date[:4]] if document.date[:4].isdigit() else []
    year += [y for y in years if y not in year]
    return {
        "clause_id": clause.id,
        "doc_id": clause.doc_id,
        "text": clause.text,
        "section": clause.section,
        "jurisdiction": document.jurisdiction,
        "level": str(document.level),
        "kind": str(clause.kind),
        "year": year,
        "incident": list(incident),
        "actors": list(actors),
    }


class KeywordIndex:
    """A whoosh index of clauses in the directory ``path``."""

    def __init__(self, path: Path, ix: Any) -> None:
        """Use :meth:`create`, :meth:`open` or :meth:`build`."""
        self.path = Path(path)
        self._ix = ix
        # whoosh unpickles the schema on every access; the analyzer never changes
        self._analyzer = ix.schema["text"].analyzer
        self._lexicon: tuple[tuple[str, ...], list[str]] | None = None  # (segment ids, terms)

    # -- opening -----------------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> KeywordIndex:
        """A new, empty index in ``path`` (an index already there is erased)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        return cls(path, whoosh_index.create_in(str(path), make_schema()))

    @classmethod
    def open(cls, path: Path) -> KeywordIndex:
        """The index in ``path``; :class:`NotBuiltError` if there is none."""
        path = Path(path)
        if not path.is_dir() or not whoosh_index.exists_in(str(path)):
            raise NotBuiltError(Errors.E020.format(path=path))
        ix = whoosh_index.open_dir(str(path))
        missing = sorted(set(make_schema().names()) - set(ix.schema.names()))
        if missing:
            ix.close()
            raise NotBuiltError(
                Errors.E023.format(path=path, detail=f"keyword index lacks fields {', '.join(missing)}")
            )
        return cls(path, ix)

    @classmethod
    def build(cls, path: Path, items: Iterable[Mapping[str, Any]]) -> KeywordIndex:
        """A complete new index of ``items`` in ``path``, swapped in atomically.

        The index is written into a temporary sibling directory; if ``items``
        raises (or an item is invalid) that directory is removed and whatever
        was in ``path`` stays.  Otherwise the old directory is renamed away,
        the new one renamed to ``path`` and the old one deleted; readers that
        still hold the old files keep working (POSIX keeps unlinked files).
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.build-"))
        try:
            fresh = cls.create(tmp)
            fresh._write(items, replace=False)
            fresh.close()
            _swap_dirs(tmp, path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls.open(path)

    def close(self) -> None:
        self._ix.close()

    def __enter__(self) -> KeywordIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------

    def add(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Add or replace (by ``clause_id``) clauses; one commit for the batch.

        An item has ``clause_id`` and ``text`` and optionally ``doc_id``,
        ``section``, ``jurisdiction``, ``level``, ``kind`` (strings) and
        ``year``, ``incident``, ``actors`` (a string or a list of strings).
        Nothing is written if any item is invalid or ``items`` raises.
        Returns the number of items written.
        """
        return self._write(items, replace=True)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove clauses by id; returns how many were in the index."""
        if isinstance(ids, str):  # one id, not its characters
            ids = [ids]
        writer = self._ix.writer(timeout=10.0)
        try:
            n = sum(writer.delete_by_term("clause_id", cid) for cid in ids)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return n

    def _write(self, items: Iterable[Mapping[str, Any]], *, replace: bool) -> int:
        writer = self._ix.writer(timeout=10.0)
        seen: set[str] = set()
        try:
            for item in items:
                doc = _document(item)
                if doc["clause_id"] in seen:
                    raise InputError(Errors.E122.format(clause_id=doc['clause_id']))
                seen.add(doc["clause_id"])
                if replace:
                    writer.update_document(**doc)
                else:
                    writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return len(seen)

    # -- reading -----------------------------------------------------------

    def count(self) -> int:
        """Number of clauses in the index."""
        return int(self._ix.doc_count())

    def ids(self) -> set[str]:
        """The clause ids in the index (a set, as kb.index_base.Index has it)."""
        with self._ix.searcher() as searcher:
            return {fields["clause_id"] for fields in searcher.reader().all_stored_fields()}

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        *,
        highlight: bool = True,
    ) -> list[KeywordHit]:
        """The ``k`` best clauses for ``query`` under BM25F, best first.

        ``highlight=False`` skips the highlight offsets (they cost a jieba pass
        per hit); :meth:`highlights` computes them later for the hits kept.

        A blank query raises :class:`InputError` (E040); a query with nothing
        searchable in it (only punctuation or stop words) finds nothing.
        """
        if not query or not query.strip():
            raise InputError(Errors.E040)
        if k < 1:
            raise InputError(Errors.E120.format(k=k))
        filter_query = _filter_query(filters)
        with self._ix.searcher() as searcher:
            q, words = self._query(searcher, query)
            if q is None:
                return []
            analyzer = self._analyzer
            hits = [
                KeywordHit(
                    hit["clause_id"],
                    float(hit.score),
                    _highlights(analyzer, hit.get("text", ""), words) if highlight else (),
                )
                for hit in searcher.search(q, limit=k, filter=filter_query)
            ]
        return hits

    def query_words(self, query: str) -> set[str]:
        """The words a query searches for, from the analyzer alone (no index
        access: a searcher costs a few milliseconds to open)."""
        return {t.text for t in self._analyzer(query, mode="query")}

    @staticmethod
    def highlights(text: str, words: set[str]) -> tuple[tuple[int, int], ...]:
        """Ranges of ``words`` in ``text`` by plain search, outermost only.

        Cheaper than :meth:`search`'s token-based highlights (no jieba pass
        over the text): the search layer uses it on the hits it keeps.
        """
        low = text.lower()
        spans = set()
        for w in words:
            if len(w) < 2 and not w.isascii():
                continue
            pos = low.find(w)
            while pos >= 0:
                spans.add((pos, pos + len(w)))
                pos = low.find(w, pos + 1)
        kept: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda x: (x[0], -x[1])):
            if not any(s <= start and end <= e for s, e in kept):
                kept.append((start, end))
        return tuple(kept)

    def _query(self, searcher: Any, text: str) -> tuple[Query | None, set[str]]:
        """The whoosh query for a user's text, and the terms to highlight."""
        analyzer = self._analyzer
        terms: list[str] = []
        phrase: list[tuple[int, str]] = []  # (position, whole word) in query order
        for token in analyzer(text, positions=True, mode="query"):
            if token.text not in terms:
                terms.append(token.text)
            if not phrase or phrase[-1][0] != token.pos:  # the first token of a position is the word
                phrase.append((token.pos, token.text))
        for char in _LONE_CJK.findall(text):
            if char not in _NO_EXPANSION:
                terms += [t for t in self._expand(searcher, char) if t not in terms]
        if not terms:
            return None, set()
        parts: list[Query] = [Term("text", t) for t in terms]
        parts += [Term("section", t, boost=SECTION_BOOST) for t in terms]
        if len(phrase) >= 2:
            gaps = [b[0] - a[0] for a, b in zip(phrase, phrase[1:], strict=False)]
            words = [w for _, w in phrase]
            parts.append(Phrase("text", words, slop=max(1, *gaps), boost=PHRASE_BOOST))
        return Or(parts), set(terms)

    def _expand(self, searcher: Any, char: str) -> list[str]:
        """Indexed words containing ``char``, the most widespread first."""
        reader = searcher.reader()
        # segment ids are random per segment: a rebuilt index swapped in under
        # the same generation number still gets a new key
        key = tuple(segment.segment_id() for segment in self._ix._segments())
        if self._lexicon is None or self._lexicon[0] != key:
            self._lexicon = (key, list(reader.field_terms("text")))
        found = [t for t in self._lexicon[1] if char in t]
        found.sort(key=lambda t: -reader.doc_frequency("text", t))
        return found[:MAX_EXPANSION]


def _document(item: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an item and turn it into whoosh field values."""
    unknown = sorted(set(item) - ITEM_FIELDS)
    if unknown:
        raise InputError(
            Errors.E123.format(names=', '.join(unknown), known=', '.join(sorted(ITEM_FIELDS)))
        )
    cid, text = item.get("clause_id"), item.get("text")
    if not isinstance(cid, str) or not cid:
        raise InputError(Errors.E124.format(item=dict(item)))
    if not isinstance(text, str):
        raise InputError(Errors.E125.format(clause_id=cid, type=type(text).__name__))
    doc: dict[str, Any] = {}
    for name, value in item.items():
        if value is None:
            continue
        if name in MULTI_FIELDS:
            values = _values(name, value)
            if values:
                doc[name] = values
        elif isinstance(value, str):
            if value:
                doc[name] = value
        else:
            raise InputError(Errors.E126.format(clause_id=cid, name=name, type=type(value).__name__))
    return doc


def _values(name: str, value: str | Iterable[str]) -> list[str]:
    """A multi-valued field's values: a comma-separated string or a list."""
    raw = value.split(",") if isinstance(value, str) else list(value)
    if not all(isinstance(v, str) for v in raw):
        raise InputError(Errors.E127.format(name=name, values=raw))
    return [v.strip() for v in raw if v.strip()]


def _filter_query(filters: Mapping[str, str | Sequence[str]] | None) -> Query | None:
    """AND over fields of OR over each field's values; None for no filter."""
    if not filters:
        return None
    clauses: list[Query] = []
    for name, value in filters.items():
        if name not in FILTER_FIELDS:
            raise InputError(Errors.E121.format(names=f"'{name}'", known=', '.join(FILTER_FIELDS)))
        values = (
            _values(name, value)
            if name in MULTI_FIELDS
            else ([value] if isinstance(value, str) else list(value))
        )
        values = [v for v in values if v]
        if values:
            clauses.append(Or([Term(name, v) for v in values]))
    return And(clauses) if clauses else None


def _highlights(analyzer: Any, text: str, words: set[str]) -> tuple[tuple[int, int], ...]:
    """Offsets of the tokens of ``text`` that are among ``words``, outermost only."""
    if not words:
        return ()
    tokens = analyzer(text, chars=True, mode="index")
    spans = sorted(
        {(t.startchar, t.endchar) for t in tokens if t.text in words},
        key=lambda s: (s[0], -s[1]),
    )
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if not any(s <= start and end <= e for s, e in kept):
            kept.append((start, end))
    return tuple(kept)


def _swap_dirs(new: Path, path: Path) -> None:
    """Put directory ``new`` at ``path``, moving any old directory out first."""
    if not path.exists():
        os.rename(new, path)
        return
    old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(path, old)
    try:
        os.rename(new, path)
    except BaseException:
        os.rename(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)
