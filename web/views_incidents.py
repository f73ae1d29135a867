"""突发事件目录 (52 types with leads and special plans) and 责任矩阵 (heat map)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .params import choice, inputs, text_param
from .tables import matrix

bp = Blueprint("incidents", __name__)


def _services():  # noqa: ANN202
    return current_app.extensions["plankb"]


@bp.get("/incidents")
def directory():  # noqa: ANN201
    d = _services().directory
    return render_template("incidents.html", directory=d, districts=list(d.district_docs))


@bp.get("/matrix")
def responsibility():  # noqa: ANN201
    d = _services().directory
    master = d.master.jurisdiction
    j = text_param(inputs(request), "jurisdiction", required=False, limit=40) or master
    choice(j, [master, *d.district_docs], "jurisdiction")
    return render_template("matrix.html", m=matrix(d, None if j == master else j), choices=[master, *d.district_docs])
