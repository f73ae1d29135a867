"""首页 (one box: answer card + hits) and 检索 (hits with filters)."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request

from plankb.extract.errors import InputError
from plankb.extract.model import ClauseKind, Level
from plankb.extract.taxonomy import load_taxonomy

from .answer import answer_card
from .messages import zh_message
from .params import inputs, int_param, search_filters, text_param
from .present import hit_view

bp = Blueprint("search", __name__)

K_CHOICES = (10, 20, 50)
JURISDICTION_COOKIE = "plankb_jurisdiction"
JURISDICTION_MAX_AGE = 365 * 24 * 3600  # set once by a district duty officer
LEVEL_LABELS = {Level.MUNICIPAL.value: "市级", Level.DISTRICT.value: "区级", Level.STREET.value: "街乡", Level.NATIONAL.value: "国家"}
KIND_LABELS = {ClauseKind.HEADING.value: "标题", ClauseKind.PARAGRAPH.value: "段落", ClauseKind.ITEM.value: "条目", ClauseKind.TABLE_ROW.value: "表格行"}


def _services():  # noqa: ANN202
    return current_app.extensions["plankb"]


@bp.get("/")
def home():  # noqa: ANN201
    s = _services()
    data = inputs(request)
    q = text_param(data, "q", required=False)
    card = hits = None
    error = ""
    # The user's own district: chosen on this page (kept in a cookie), else the setting.
    chosen = text_param(data, "jurisdiction", required=False, limit=20) if "jurisdiction" in data else None
    if chosen is not None and chosen not in ("", *s.jurisdictions):
        chosen = None
    mine = chosen if chosen is not None else request.cookies.get(JURISDICTION_COOKIE, s.settings.jurisdiction)
    mine = mine if mine in s.jurisdictions else ""
    if q:
        try:
            card = answer_card(s, q, jurisdiction=mine or None)
            # A question about something the corpus never names (火星) has no relevant clause: none is listed.
            nothing = card is not None and bool(card.detail.get("unknown"))
            hits = [] if nothing else [hit_view(h, s) for h in s.searcher.search(q, k=10)]
        except InputError as exc:
            error = zh_message(exc)
    resp = make_response(render_template("home.html", q=q, card=card, hits=hits, error=error,
                                         jurisdiction=mine, jurisdictions=s.jurisdictions))
    if chosen is not None:
        resp.set_cookie(JURISDICTION_COOKIE, chosen, max_age=JURISDICTION_MAX_AGE, samesite="Lax")
    return resp


@bp.get("/search")
def search():  # noqa: ANN201
    s = _services()
    data = inputs(request)
    q = text_param(data, "q", required=False)
    k = int_param(data, "k", 10, 1, s.settings.max_k)
    filters: dict[str, str] = {}
    hits = None
    error = ""
    try:
        filters = search_filters(data, s)
        if q:
            hits = [hit_view(h, s) for h in s.searcher.search(q, k=k, filters=filters)]
    except InputError as exc:
        error = zh_message(exc)
    return render_template(
        "search.html",
        q=q,
        k=k,
        k_choices=sorted({*K_CHOICES, k}),
        filters=filters,
        hits=hits,
        error=error,
        documents=s.documents,
        jurisdictions=s.jurisdictions,
        levels=LEVEL_LABELS,
        kinds=KIND_LABELS,
        categories=[c.name for c in load_taxonomy().categories],
    )
