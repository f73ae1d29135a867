"""首页 (one box: answer card + hits) and 检索 (hits with filters)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from plankb.extract.errors import InputError
from plankb.extract.model import ClauseKind, Level
from plankb.extract.taxonomy import load_taxonomy

from .answer import answer_card
from .params import inputs, int_param, search_filters, text_param
from .present import hit_view

bp = Blueprint("search", __name__)

K_CHOICES = (10, 20, 50)
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
    if q:
        try:
            card = answer_card(s, q)
            hits = [hit_view(h, s) for h in s.searcher.search(q, k=10)]
        except InputError as exc:
            error = str(exc)
    return render_template("home.html", q=q, card=card, hits=hits, error=error)


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
        error = str(exc)
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
