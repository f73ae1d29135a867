"""Request parameters: read from query string, form or JSON body, and bounded.

Every value that decides how much work a request does (query length, k,
quiz size) is checked here, once, for the pages and the API alike.  Values
that name stored things (document ids, categories) are checked against the
knowledge base; nothing a request sends is ever used as a path.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Request

from plankb.extract.errors import Errors, InputError
from plankb.extract.model import ClauseKind, Level
from plankb.extract.textguard import require_unicode

from .messages import WebErrors as W

MAX_QUERY_CHARS = 500
# Request parameters are flat; a body nested deeper is refused (E063).
MAX_JSON_DEPTH = 32
# A year filter: four digits, "2021".
YEAR_RE = re.compile(r"^(19|20)\d{2}$")
LEVELS = tuple(lv.value for lv in Level if lv is not Level.UNKNOWN)
KINDS = tuple(k.value for k in ClauseKind if k is not ClauseKind.OTHER)
MODES = ("hybrid", "keyword", "vector")


def body_json(req: Request) -> dict[str, Any]:
    """The JSON object of a request body; InputError when it is not one, when it
    nests deeper than MAX_JSON_DEPTH (100,000 levels once gave a RecursionError,
    HTTP 500) or holds text UTF-8 cannot encode (a lone surrogate "\\ud800")."""
    raw = req.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except RecursionError as exc:
        raise InputError(Errors.E063.format(limit=MAX_JSON_DEPTH)) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(W.W001.format(why=exc)) from exc
    if not isinstance(data, dict):
        raise InputError(W.W002)
    if _depth(data) > MAX_JSON_DEPTH:
        raise InputError(Errors.E063.format(limit=MAX_JSON_DEPTH))
    return require_unicode(data, "the request")


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]
    return deepest


def inputs(req: Request) -> dict[str, Any]:
    """Query string, then form fields, then a JSON body (later wins)."""
    out: dict[str, Any] = {}
    for key in req.args:
        vals = req.args.getlist(key)
        out[key] = vals if len(vals) > 1 else vals[0]
    if req.method == "POST":
        if req.is_json or (req.mimetype in ("", "text/plain") and req.get_data(cache=True)[:1] in (b"{", b"[")):
            out.update(body_json(req))
        else:
            for key in req.form:
                vals = req.form.getlist(key)
                out[key] = vals if len(vals) > 1 else vals[0]
    return require_unicode(out, "the request")


def text_param(data: dict[str, Any], *names: str, required: bool = True, limit: int = MAX_QUERY_CHARS) -> str:
    val: Any = ""
    for n in names:
        if data.get(n) not in (None, ""):
            val = data[n]
            break
    if isinstance(val, list):
        val = val[0] if val else ""
    if not isinstance(val, (str, int, float)):
        raise InputError(W.W003.format(name=names[0]))
    val = str(val).strip()
    if required and not val:
        raise InputError(Errors.E040)
    if len(val) > limit:
        raise InputError(W.W004.format(name=names[0], length=len(val), limit=limit))
    return val


def int_param(data: dict[str, Any], name: str, default: int, lo: int, hi: int) -> int:
    val = data.get(name)
    if isinstance(val, list):  # repeated fields, or a JSON list ({"k": []} found by tests/test_fuzz.py)
        val = val[0] if val else None
    if val in (None, ""):
        return default
    try:
        n = int(str(val).strip())
    except ValueError as exc:
        raise InputError(W.W005.format(name=name, value=str(val)[:40])) from exc
    if not lo <= n <= hi:
        raise InputError(W.W006.format(name=name, lo=lo, hi=hi, n=n))
    return n


def list_param(data: dict[str, Any], name: str) -> list[str]:
    """A list from repeated fields, a JSON list or a comma-separated string."""
    val = data.get(name)
    if val in (None, ""):
        return []
    items = val if isinstance(val, list) else str(val).split(",")
    return [str(x).strip() for x in items if str(x).strip()]


def choice(value: str, allowed: list[str] | tuple[str, ...], name: str) -> str:
    if value and value not in allowed:
        shown = "、".join(list(allowed)[:12])
        raise InputError(W.W007.format(name=name, value=value[:60], shown=shown))
    return value


def search_filters(data: dict[str, Any], services: Any) -> dict[str, str]:
    """The search filters of a request, each checked against what exists."""
    from plankb.extract.taxonomy import load_taxonomy

    f = {
        "document": text_param(data, "document", "doc", required=False, limit=80),
        "jurisdiction": text_param(data, "jurisdiction", required=False, limit=40),
        "level": text_param(data, "level", required=False, limit=20),
        "kind": text_param(data, "kind", required=False, limit=20),
        "category": text_param(data, "category", required=False, limit=20),
        "year": text_param(data, "year", required=False, limit=4),
    }
    choice(f["document"], list(services.doc_index), "document")
    choice(f["jurisdiction"], services.jurisdictions, "jurisdiction")
    choice(f["level"], LEVELS, "level")
    choice(f["kind"], KINDS, "clause kind")
    choice(f["category"], [c.name for c in load_taxonomy().categories], "incident category")
    if f["year"] and not YEAR_RE.match(f["year"]):
        raise InputError(W.W008.format(value=f["year"]))
    return {k: v for k, v in f.items() if v}
