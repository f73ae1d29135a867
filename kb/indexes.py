"""Keeping the keyword (whoosh) and vector (faiss) indexes in step with the store.

Both indexes are rebuilt from the store after every ingest: the whoosh index
takes about two seconds for the corpus, and the vector index re-encodes only
clauses whose text is new (embeddings are cached by text hash), so a small
change costs little.  Each index is written to a temporary place and renamed
into place, so a failed refresh leaves the previous indexes.

:func:`check_consistency` compares the clause ids of the store and of both
indexes; the search layer runs it when it opens the knowledge base.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, NotBuiltError
from plankb.extract.model import Clause, ClauseKind, Document

from .base import KnowledgeBase

YEAR_RE = re.compile(r"(20\d{2})年")


def paths(kb: KnowledgeBase) -> dict[str, Path]:
    d = kb.settings.data_dir
    return {"keyword": d / "keyword", "vector": d / "vector", "embeddings": d / "embeddings.sqlite"}


def indexable(clauses: Iterable[Clause]) -> list[Clause]:
    """Clauses worth a search hit: everything but captions and empty rows."""
    return [c for c in clauses if c.kind is not ClauseKind.OTHER and len(c.text.strip()) >= 2]


# The embedder reads at most this many characters of a clause (~220 tokens):
# the opening of a clause says what it is about, and encoding cost grows with
# the square of the length (the keyword index keeps the whole text).
PASSAGE_CHARS = 320


def passage_text(clause: Clause) -> str:
    """What the embedder reads: the clause with its section, table rows as
    "header: cell" pairs so a row of "燃气事故 / 市城市管理委" says what it is."""
    if clause.kind is ClauseKind.TABLE_ROW and clause.cells:
        pairs = [f"{h}：{c}" for h, c in zip(clause.header, clause.cells) if c and h not in ("序号",)]
        body = "；".join(pairs) if pairs else " ".join(clause.cells)
        text = f"{clause.section} {clause.group} {body}".strip()
    elif clause.section and clause.kind is not ClauseKind.HEADING:
        text = f"{clause.section}：{clause.text}"
    else:
        text = clause.text
    return text[:PASSAGE_CHARS]


def keyword_text(clause: Clause) -> str:
    return " ".join(clause.cells) if clause.kind is ClauseKind.TABLE_ROW and clause.cells else clause.text


def ids_digest(ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


def incident_tags(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Incident types (master-table rows) each clause speaks of, from the stored facts."""
    from plankb.extract.taxonomy import load_taxonomy

    tax = load_taxonomy()
    out: dict[str, set[str]] = {}
    for f in kb.store.facts(kind="incident"):
        out.setdefault(f["clause_id"], set()).add(f["incident_type"])
    # A row of a district table names the type in its own words ("公共汽车运营突发事件").
    for c in kb.clauses():
        if c.kind is ClauseKind.TABLE_ROW and len(c.cells) >= 2:
            t = tax.by_row(c.cells[1]) or tax.district_row_to_master(c.cells[1])
            if t is not None:
                out.setdefault(c.id, set()).add(t.row)
    return out


def refresh_indexes(kb: KnowledgeBase, *, rebuild: bool = False, progress: bool = False) -> dict[str, Any]:
    """Rebuild both indexes from the store; return counts for the report."""
    from .embed import CachedEmbedder, get_embedder
    from .keyword import KeywordIndex, clause_item
    from .vector import VectorIndex

    p = paths(kb)
    docs: dict[str, Document] = {d.id: d for d in kb.documents()}
    clauses = indexable(kb.clauses())
    digest = ids_digest(c.id for c in clauses) + ":" + hashlib.sha256("".join(c.text for c in clauses).encode()).hexdigest()[:16]
    fresh = kb.store.value("index_digest") == digest and kb.store.value("index_embedder") == kb.settings.embedder
    if fresh and not rebuild and p["keyword"].exists() and p["vector"].exists():
        return {"keyword": len(clauses), "vector": len(clauses), "embedder": kb.store.value("index_model"), "skipped": True}
    actors: dict[str, set[str]] = {}
    for f in kb.store.facts(kind="actor"):
        actors.setdefault(f["clause_id"], set()).add(f.get("canonical") or f.get("name", ""))
    incidents = incident_tags(kb)
    items = []
    for c in clauses:
        item = clause_item(c, docs[c.doc_id], incident=sorted(incidents.get(c.id, ())), actors=sorted(actors.get(c.id, ())), years=YEAR_RE.findall(c.text))
        item["text"] = keyword_text(c)
        items.append(item)
    KeywordIndex.build(p["keyword"], items).close()

    embedder = CachedEmbedder(get_embedder(kb.settings.embedder, settings=kb.settings), p["embeddings"])
    texts = [passage_text(c) for c in clauses]
    vectors = _encode(embedder, texts, progress)
    stats = embedder.stats()
    vi = VectorIndex(embedder.dim, model=embedder.name)
    vi.add([c.id for c in clauses], vectors)
    vi.save(p["vector"])
    embedder.close()
    kb.store.set_value("index_digest", digest)
    kb.store.set_value("index_embedder", kb.settings.embedder)
    kb.store.set_value("index_model", embedder.name)
    return {"keyword": len(items), "vector": vi.count(), "embedder": embedder.name, **stats}


def _encode(embedder: Any, texts: list[str], progress: bool) -> Any:
    import numpy as np

    if not progress or not sys.stderr.isatty():
        return embedder.encode_passages(texts)
    from tqdm import tqdm

    out = []
    step = 64
    for i in tqdm(range(0, len(texts), step), desc="embed", unit="batch", file=sys.stderr, leave=False):
        out.append(embedder.encode_passages(texts[i : i + step]))
    return np.vstack(out) if out else np.zeros((0, embedder.dim), dtype="float32")


def check_consistency(kb: KnowledgeBase) -> None:
    """Raise NotBuiltError unless store, whoosh and faiss hold the same clause ids."""
    from .keyword import KeywordIndex
    from .vector import VectorIndex

    p = paths(kb)
    if not p["keyword"].exists() or not p["vector"].exists():
        raise NotBuiltError(Errors.E023.format(path=kb.settings.data_dir, detail="an index is missing"))
    built_with = kb.store.value("index_embedder")
    if built_with and built_with != kb.settings.embedder:
        detail = f"the vectors were made with embedder '{built_with}', this process uses '{kb.settings.embedder}'"
        raise NotBuiltError(Errors.E023.format(path=kb.settings.data_dir, detail=detail))
    want = {c.id for c in indexable(kb.clauses())}
    with KeywordIndex.open(p["keyword"]) as ki:
        kw = ki.ids()
    vec = VectorIndex.load(p["vector"]).ids()
    if kw != want or vec != want:
        detail = f"store {len(want)}, keyword {len(kw)}, vector {len(vec)} clauses"
        raise NotBuiltError(Errors.E023.format(path=kb.settings.data_dir, detail=detail))
