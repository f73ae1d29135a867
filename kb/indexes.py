"""Keeping the keyword (whoosh) and vector (faiss) indexes in step with the store.

Indexes live in generation folders, ``indexes/g000042-1a2b3c/{keyword,vector}``;
the store's ``kv`` names the current one (``index_dir``) and the store
generation it reflects (``index_generation``).  A writer builds the next
folder inside its SQLite transaction, from the previous folder plus the
documents the journal names (whoosh delete + add on a copy, faiss delete +
add; embeddings come from a cache keyed by text hash), renames it into place
and records it in the same transaction: the commit publishes data and indexes
at once.  A reader reads ``index_dir`` in the same snapshot as the clauses.

A run killed before the commit leaves the old generation current and a
folder nobody names; :func:`sweep` (under the writer lock) removes it, the
temporary files of the layout before generations (``.keyword.build-*``,
``.vectors-*.tmp``), and every generation but the current and the previous
one (a long-running reader may still hold the previous one).

When the indexes are behind the store (a store-only ingest through the
library, a store made before generations, a deleted folder), the next
command that can write brings them forward: :func:`ensure_indexes`.

:func:`check_consistency` compares the clause ids of the store and of both
indexes; the search layer runs it when it opens the knowledge base.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from plankb.extract.errors import Errors, NotBuiltError, WriteError
from plankb.extract.model import Clause, ClauseKind, Document

from . import faults
from .base import KnowledgeBase
from .lock import READERS

YEAR_RE = re.compile(r"(20\d{2})年")


INDEXES = "indexes"


def paths(kb: KnowledgeBase) -> dict[str, Path]:
    """The current generation's index folders (the layout before generations kept
    them at the top of the data directory)."""
    d = kb.settings.data_dir
    name = kb.store.value("index_dir")
    base = d / INDEXES / name if name else d
    return {"keyword": base / "keyword", "vector": base / "vector", "embeddings": d / "embeddings.sqlite"}


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


def incident_tags(kb: KnowledgeBase, doc_ids: Iterable[str] | None = None) -> dict[str, set[str]]:
    """Incident types (master-table rows) each clause speaks of, from the stored facts
    (of the documents ``doc_ids``, or of all)."""
    from plankb.extract.taxonomy import load_taxonomy

    tax = load_taxonomy()
    out: dict[str, set[str]] = {}
    docs: list[str | None] = [None] if doc_ids is None else list(doc_ids)
    for doc_id in docs:
        for f in kb.store.facts(doc_id=doc_id, kind="incident"):
            out.setdefault(f["clause_id"], set()).add(f["incident_type"])
    clauses = kb.clauses() if doc_ids is None else [c for d in docs for c in kb.clauses(d)]
    # A row of a district table names the type in its own words ("公共汽车运营突发事件").
    for c in clauses:
        if c.kind is ClauseKind.TABLE_ROW and len(c.cells) >= 2:
            t = tax.by_row(c.cells[1]) or tax.district_row_to_master(c.cells[1])
            if t is not None:
                out.setdefault(c.id, set()).add(t.row)
    return out


def behind(kb: KnowledgeBase) -> str:
    """Why the indexes do not reflect the store now, or "" when they do."""
    store = kb.store
    name = store.value("index_dir")
    if not name:
        if (kb.settings.data_dir / "keyword").is_dir():
            return "they are in the layout before index generations"
        if store.db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None:
            return ""  # nothing stored, nothing to index
        return "there are no indexes yet"
    base = kb.settings.data_dir / INDEXES / name
    if not (base / "keyword").is_dir() or not (base / "vector").is_dir():
        return f"the index folder {base} is missing"
    gen, igen = store.generation(), int(store.value("index_generation", "0") or 0)
    if igen < gen:
        return f"store generation {gen}, index generation {igen}"
    return ""


def bring_forward(kb: KnowledgeBase, *, rebuild: bool = False, progress: bool = False) -> dict[str, Any]:
    """Make the indexes of the store's generation; run inside the write transaction.

    Incremental when the current generation's folder is there and was made
    with this embedder: only the documents named by the journal since then
    are deleted and re-added.  Otherwise (or with ``rebuild``) a full build.
    The new folder is renamed into place and named in the store; the caller's
    commit publishes it.
    """
    store = kb.store
    gen = store.generation()
    name = store.value("index_dir")
    igen = int(store.value("index_generation", "0") or 0)
    same_embedder = store.value("index_embedder") == kb.settings.embedder
    why = behind(kb)
    if not rebuild and not why and same_embedder and name:
        n = len(indexable(kb.clauses()))
        return {"keyword": n, "vector": n, "embedder": store.value("index_model"), "skipped": True}
    root = kb.settings.data_dir / INDEXES
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".build-g{gen:06d}-"))
    current = root / name if name else None
    try:
        report: dict[str, Any] | None = None
        if not rebuild and same_embedder and current is not None and (current / "keyword").is_dir() and (current / "vector").is_dir():
            report = _incremental(kb, current, tmp, store.journal(igen), progress)
        if report is None:
            report = _full(kb, tmp, progress)
        (tmp / READERS).touch()  # readers hold a shared lock on it (kb/lock.py)
        tmp.chmod(0o755)  # mkdtemp makes 0700; other users may serve a read-only copy
        final = root / f"g{gen:06d}-{uuid.uuid4().hex[:6]}"
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    faults.point("index:ready")
    store.set_value("index_prev", name)
    store.set_value("index_dir", final.name)
    store.set_value("index_generation", str(gen))
    store.set_value("index_embedder", kb.settings.embedder)
    store.set_value("index_model", report["embedder"])
    store.forget_journal(gen)
    return report


def refresh_indexes(kb: KnowledgeBase, *, rebuild: bool = False, progress: bool = False) -> dict[str, Any]:
    """Bring the indexes forward (or rebuild them) in a write of their own."""
    with kb.writing(rebuild=rebuild, progress=progress):
        pass
    return kb.index_report


def _items(kb: KnowledgeBase, clauses: list[Clause], doc_ids: Iterable[str] | None) -> list[dict[str, Any]]:
    from .keyword import clause_item

    docs: dict[str, Document] = {d.id: d for d in kb.documents()}
    actors: dict[str, set[str]] = {}
    for doc_id in [None] if doc_ids is None else list(doc_ids):
        for f in kb.store.facts(doc_id=doc_id, kind="actor"):
            actors.setdefault(f["clause_id"], set()).add(f.get("canonical") or f.get("name", ""))
    incidents = incident_tags(kb, doc_ids)
    items = []
    for c in clauses:
        item = clause_item(c, docs[c.doc_id], incident=sorted(incidents.get(c.id, ())), actors=sorted(actors.get(c.id, ())), years=YEAR_RE.findall(c.text))
        item["text"] = keyword_text(c)
        items.append(item)
    return items


def _embedder(kb: KnowledgeBase) -> Any:
    from .embed import CachedEmbedder, get_embedder

    return CachedEmbedder(get_embedder(kb.settings.embedder, settings=kb.settings), paths(kb)["embeddings"])


def _full(kb: KnowledgeBase, folder: Path, progress: bool) -> dict[str, Any]:
    from .keyword import KeywordIndex
    from .vector import VectorIndex

    clauses = indexable(kb.clauses())
    items = _items(kb, clauses, None)
    KeywordIndex.build(folder / "keyword", items).close()
    faults.point("index:keyword")
    embedder = _embedder(kb)
    try:
        vectors = _encode(embedder, [passage_text(c) for c in clauses], progress)
        stats = embedder.stats()
        vi = VectorIndex(embedder.dim, model=embedder.name)
        vi.add([c.id for c in clauses], vectors)
        vi.save(folder / "vector")
    finally:
        embedder.close()
    faults.point("index:vector")
    return {"keyword": len(items), "vector": vi.count(), "embedder": embedder.name, **stats}


def _incremental(kb: KnowledgeBase, current: Path, folder: Path, doc_ids: list[str], progress: bool) -> dict[str, Any] | None:
    """The next generation from ``current`` and the documents that changed; None
    when the result would not match the store (then a full build runs)."""
    from .keyword import KeywordIndex
    from .vector import VectorIndex

    stored = {d.id for d in kb.documents()}
    present = [d for d in doc_ids if d in stored]
    clauses = indexable([c for d in present for c in kb.clauses(d)])
    changed = set(doc_ids)
    shutil.copytree(current / "keyword", folder / "keyword")
    with KeywordIndex.open(folder / "keyword") as ki:
        stale = [cid for cid in ki.ids() if cid.split(":", 1)[0] in changed]
        ki.delete(stale)
        ki.add(_items(kb, clauses, present))
        kw_ids = ki.ids()
    faults.point("index:keyword")
    vi = VectorIndex.load(current / "vector")
    vi.delete([cid for cid in vi.ids() if cid.split(":", 1)[0] in changed])
    embedder = _embedder(kb)
    try:
        if clauses:
            vi.add([c.id for c in clauses], _encode(embedder, [passage_text(c) for c in clauses], progress))
        stats = embedder.stats()
    finally:
        embedder.close()
    want = {c.id for c in indexable(kb.clauses())}
    if kw_ids != want or vi.ids() != want:
        shutil.rmtree(folder / "keyword", ignore_errors=True)
        return None
    vi.save(folder / "vector")
    faults.point("index:vector")
    return {"keyword": len(want), "vector": vi.count(), "embedder": embedder.name, "incremental": len(changed), **stats}


def leftovers(kb: KnowledgeBase) -> list[Path]:
    """Folders and files no generation needs: killed builds, old generations,
    the temporary files and folders of the layout before generations."""
    d = kb.settings.data_dir
    keep = {kb.store.value("index_dir"), kb.store.value("index_prev")} - {""}
    out: list[Path] = []
    root = d / INDEXES
    if root.is_dir():
        out += [p for p in root.iterdir() if p.name not in keep]
    out += list(d.glob(".keyword.build-*")) + list(d.glob(".keyword.old-*")) + list(d.glob(".vectors-*.tmp"))
    if (d / "vector").is_dir():
        out += list((d / "vector").glob(".vectors-*.tmp"))
    if kb.store.value("index_dir"):
        out += [p for p in (d / "keyword", d / "vector") if p.exists()]
    return sorted(out)


def sweep(kb: KnowledgeBase) -> list[Path]:
    """Remove :func:`leftovers` but the generations a running reader holds;
    the caller holds the writer lock."""
    from .lock import generation_in_use

    gone = [p for p in leftovers(kb) if not (p.parent.name == INDEXES and generation_in_use(p))]
    for p in gone:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return gone


def ensure_indexes(kb: KnowledgeBase, notify: Callable[[str], None] | None = None) -> None:
    """For a reading command: bring the indexes forward if they are behind and
    sweep leftovers, when the directory can be written and no writer is at
    work; say what was done.  A read-only directory is read as it is."""
    from .lock import lock_is_free

    say = notify or kb.say
    why = behind(kb)
    if not why and not leftovers(kb):
        return
    if kb.readonly:
        if why:
            say(f"the indexes are behind the store ({why}) and {Errors.E051.format(path=kb.settings.data_dir)}")
        return
    if not lock_is_free(kb.settings.data_dir):
        if why:
            hint = "another writer is at work; run the command again when it has finished."
            raise NotBuiltError(Errors.E058.format(path=kb.settings.data_dir, why=why, hint=hint))
        return
    try:
        with kb.writing(indexes=bool(why)):  # says that it brings them forward
            pass
    except WriteError as exc:
        if why:
            raise NotBuiltError(Errors.E058.format(path=kb.settings.data_dir, why=why, hint=str(exc))) from exc


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
