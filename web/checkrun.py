"""Running the checker on an upload, keeping recent reports in memory, the time-limit chart.

An uploaded draft is read from memory (``check_bytes``), checked against a
master plan of the knowledge base and dropped: nothing is written to the
store or to disk.  The finished report stays in a small in-memory cache
under an unguessable token so that the report page and its downloads
(HTML, Markdown, JSON) can be fetched without uploading again; the cache
holds a bounded number of reports and characters and forgets the oldest.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from plankb.extract import budget
from plankb.extract.errors import DependencyError, Errors, InputError, NotFoundError
from plankb.extract.vocab import seconds

from .errors import TooLarge
from .messages import WebErrors

# Full Content-Type values: answer with Response(content_type=...), not mimetype=,
# which would append a second "; charset=utf-8".
DOWNLOADS = {"html": ("text/html; charset=utf-8", "html"), "md": ("text/markdown; charset=utf-8", "md"), "json": ("application/json", "json")}
# Report tokens as minted by secrets.token_urlsafe(18): 24 URL-safe characters.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{24}$")


def checker_api() -> tuple[Any, Any]:
    """(check_bytes, MasterPlan) or DependencyError."""
    try:
        from plankb.checker import MasterPlan, check_bytes
    except ImportError as exc:
        raise DependencyError(Errors.E031.format(what='the draft checker (package `checker`)')) from exc
    return check_bytes, MasterPlan


def retriever_for(services: Any, master_id: str) -> Any:
    """The checker's retriever: a clause text -> ids of the closest master clauses.

    Dense search only: alignment wants paraphrase similarity, and the keyword
    side (with its highlighting) would cost most of the time of a check.
    """
    searcher = services.searcher
    filters = {"document": master_id}

    def retrieve(text: str, k: int) -> list[str]:
        budget.check()  # called for every clause the checker aligns: the check's time budget
        query = text[:500]
        if not query.strip():
            return []
        return [h.clause_id for h in searcher.search(query, k=k, filters=filters, mode="vector")]

    return retrieve


def master_choices(services: Any) -> list[Any]:
    """Plans a draft can be checked against: the master plan first, then other 总体预案."""
    master = services.master_doc_id
    plans = [d for d in services.documents if d.id != master and d.doc_type.value == "预案" and "总体应急预案" in d.title]
    return [services.doc_index[master], *plans]


def run_check(services: Any, data: bytes, name: str, master_id: str = "") -> Any:
    limit = services.settings.max_upload_bytes
    if len(data) > limit:
        raise TooLarge(Errors.E009.format(path=name, size=len(data), limit=limit))
    if not data.strip():
        raise InputError(WebErrors.W011)
    check_bytes, MasterPlan = checker_api()
    master_id = master_id or services.master_doc_id
    if master_id not in {d.id for d in master_choices(services)}:
        raise NotFoundError(Errors.E021.format(doc_id=master_id[:80]))
    doc = services.document(master_id)
    plan = MasterPlan(doc, services.doc_clauses(master_id))
    # A time budget per check (extract/budget.py: cooperative): a draft that would
    # hold a worker for minutes is stopped with E064 (HTTP 503) instead.
    with budget.deadline(services.settings.check_seconds):
        return check_bytes(data, name, plan, max_bytes=limit, retriever=retriever_for(services, master_id))


def render_report(report: Any, fmt: str) -> tuple[bytes, str, str]:
    """(body, mimetype, extension) of a report download."""
    if fmt not in DOWNLOADS:
        raise InputError(WebErrors.W012.format(fmt=fmt[:20]))
    mimetype, ext = DOWNLOADS[fmt]
    try:
        from plankb.checker import render
    except ImportError as exc:
        if fmt == "json":  # the report's own dict is the JSON form
            return json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"), mimetype, ext
        raise DependencyError(Errors.E031.format(what="the checker's report renderer (checker.render)")) from exc
    fn = {"html": render.to_html, "md": render.to_markdown, "json": render.to_json}[fmt]
    body = fn(report)
    return (body.encode("utf-8") if isinstance(body, str) else body), mimetype, ext


@dataclass(slots=True)
class Entry:
    report: Any
    name: str
    chars: int
    at: float


class ReportCache:
    """The last few reports, by token (memory only; bounded by count and size)."""

    def __init__(self, max_items: int = 16, max_chars: int = 40_000_000, ttl: float = 3600.0) -> None:
        self.max_items, self.max_chars, self.ttl = max_items, max_chars, ttl
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, report: Any, name: str) -> str:
        token = secrets.token_urlsafe(18)
        chars = len(getattr(report, "input_text", "") or "")
        with self._lock:
            self._items[token] = Entry(report, name, chars, time.monotonic())
            self._evict()
        return token

    def get(self, token: str) -> Entry:
        if not TOKEN_RE.match(token):
            raise NotFoundError(WebErrors.W013)
        with self._lock:
            self._evict()
            entry = self._items.get(token)
        if entry is None:
            raise NotFoundError(WebErrors.W013)
        return entry

    def _evict(self) -> None:
        now = time.monotonic()
        for tok in [t for t, e in self._items.items() if now - e.at > self.ttl]:
            del self._items[tok]
        while self._items and (len(self._items) > self.max_items or sum(e.chars for e in self._items.values()) > self.max_chars):
            self._items.popitem(last=False)


# -- the time-limit chart --------------------------------------------------------

def iso_seconds(value: str) -> float | None:
    """Seconds of an ISO 8601 duration (PT30M, R/PT30M); the vocabulary reads it."""
    return seconds(value)


@dataclass(frozen=True, slots=True)
class LimitPair:
    label: str
    draft_text: str
    draft_seconds: float
    master_text: str
    master_seconds: float
    verdict: str
    finding: int = -1  # index of the finding it belongs to


def chart(pairs: list[LimitPair], width: int = 480, row: int = 50, label_w: int = 0) -> dict[str, Any]:
    """Geometry of a log-scale bar chart of draft vs master limits (for an inline SVG)."""
    if not pairs:
        return {"rows": [], "height": 0, "width": width, "ticks": []}
    lo = min(min(p.draft_seconds, p.master_seconds) for p in pairs)
    hi = max(max(p.draft_seconds, p.master_seconds) for p in pairs)
    lo = max(60.0, lo / 2)
    hi = max(hi * 3, lo * 10)  # room on the right for the bar labels
    plot = width - label_w - 10

    def x(sec: float) -> float:
        sec = max(sec, lo)
        return label_w + plot * (math.log(sec) - math.log(lo)) / (math.log(hi) - math.log(lo))

    rows = []
    for i, p in enumerate(pairs):
        y = 24 + i * row
        rows.append({"pair": p, "y": y, "draft_w": round(x(p.draft_seconds) - label_w, 1), "master_w": round(x(p.master_seconds) - label_w, 1)})
    ticks = []
    for sec, lab in TICKS:
        if lo <= sec <= hi:
            tx = round(x(sec), 1)
            # Keep the labels at both ends inside the picture.
            anchor = "start" if tx < label_w + 30 else "end" if tx > width - 30 else "middle"
            ticks.append({"x": tx, "label": lab, "anchor": anchor})
    return {"rows": rows, "height": 24 + len(pairs) * row + 8, "width": width, "ticks": ticks, "label_w": label_w}


TICKS = ((600, "10分钟"), (1800, "30分钟"), (3600, "1小时"), (7200, "2小时"), (18000, "5小时"), (86400, "1天"),
         (604800, "1周"), (2592000, "1月"), (31536000, "1年"), (63072000, "2年"))
