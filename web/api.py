"""The JSON API under /api/: the same operations as the pages, described in /api/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from plankb.extract.errors import Errors, InputError, NotFoundError
from plankb.extract.model import to_dict
from plankb.kb.readmodels import clause_detail, document_outline

from . import quizrun
from .checkrun import DOWNLOADS, render_report, run_check
from .messages import WebErrors
from .openapi import spec
from .params import body_json, inputs, int_param, search_filters, text_param
from .present import document_json, hit_json

bp = Blueprint("api", __name__, url_prefix="/api")

ASK_PARAMS = ("q", "query", "question")


def _services():  # noqa: ANN202
    return current_app.extensions["plankb"]


@bp.get("/openapi.json")
def openapi():  # noqa: ANN201
    return jsonify(spec(_services().settings))


@bp.get("/health")
def health():  # noqa: ANN201
    """Liveness and readiness: 503 while the search model loads (or failed to), so a
    load balancer sends queries only to a ready worker; ``ready`` is false in an app
    that loads on first use (tests, ``create_app`` without ``warm``)."""
    s = _services()
    if s.state in ("loading", "failed"):
        return jsonify({"status": s.state, "ready": False, "error": s.error}), 503
    counts = s.read(lambda kb: kb.store.counts())
    return jsonify({"status": "ok", "ready": s.state == "ready", "documents": counts["documents"],
                    "clauses": counts["clauses"]})


@bp.route("/search", methods=["GET", "POST"])
def search():  # noqa: ANN201
    s = _services()
    data = inputs(request)
    q = text_param(data, *ASK_PARAMS)
    k = int_param(data, "k", 10, 1, s.settings.max_k)
    mode = text_param(data, "mode", required=False, limit=10) or "hybrid"
    if mode not in ("hybrid", "keyword", "vector"):
        raise InputError(WebErrors.W014.format(mode=mode))
    filters = search_filters(data, s)
    hits = s.searcher.search(q, k=k, filters=filters, mode=mode)
    return jsonify({"query": q, "k": k, "filters": filters, "mode": mode, "hits": [hit_json(h, s) for h in hits]})


@bp.route("/who-leads", methods=["GET", "POST"])
def who_leads():  # noqa: ANN201
    s = _services()
    data = inputs(request)
    q = text_param(data, *ASK_PARAMS)
    jurisdiction = text_param(data, "jurisdiction", required=False, limit=20) or None
    return jsonify(to_dict(s.resolver.answer(q, jurisdiction)))


@bp.route("/ask", methods=["GET", "POST"])
def ask():  # noqa: ANN201
    s = _services()
    data = inputs(request)
    q = text_param(data, *ASK_PARAMS)
    jurisdiction = text_param(data, "jurisdiction", required=False, limit=20) or s.settings.jurisdiction or None
    return jsonify(to_dict(s.ask(q, jurisdiction=jurisdiction)))


@bp.get("/documents")
def documents():  # noqa: ANN201
    s = _services()
    return jsonify({"master": s.master_doc_id, "documents": [document_json(d) for d in s.documents]})


@bp.get("/documents/<doc_id>")
def document(doc_id: str):  # noqa: ANN201
    s = _services()
    if doc_id not in s.doc_index:
        raise NotFoundError(Errors.E021.format(doc_id=doc_id[:80]))
    view = s.read(lambda kb: document_outline(kb, doc_id))
    view["document"] = document_json(s.doc_index[doc_id])
    view["clauses"] = [
        {"id": c.id, "kind": c.kind.value, "number": c.number, "section": c.section, "text": c.text, "span": to_dict(c.span)}
        for c in s.doc_clauses(doc_id)
    ]
    return jsonify(view)


@bp.get("/clauses/<path:clause_id>")
def clause(clause_id: str):  # noqa: ANN201
    s = _services()
    if clause_id not in s.clause_index:
        raise NotFoundError(Errors.E022.format(clause_id=clause_id[:120]))
    return jsonify(s.read(lambda kb: clause_detail(kb, clause_id)))


def _check_input() -> tuple[bytes, str, str, str]:
    """(data, name, master, format) of a multipart upload or a JSON body."""
    if request.mimetype == "multipart/form-data" or request.files:
        up = request.files.get("file")
        form: Any = request.form
        if up is not None and up.filename:
            data, name = up.read(current_app.config["PLANKB_MAX_UPLOAD"] + 1), up.filename
        elif form.get("text", "").strip():
            data, name = form["text"].encode("utf-8"), form.get("name") or "draft.txt"
        else:
            raise InputError(WebErrors.W015)
    else:
        form = body_json(request)
        text = form.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(WebErrors.W016.format())
        data, name = text.encode("utf-8"), str(form.get("name") or "draft.txt")[:200]
    master = text_param(form, "master", required=False, limit=80)
    fmt = text_param({**request.args, **dict(form)}, "format", required=False, limit=10) or "json"
    if fmt not in DOWNLOADS:
        raise InputError(WebErrors.W017.format(fmt=fmt))
    return data, name, master, fmt


@bp.post("/check")
def check():  # noqa: ANN201
    s = _services()
    data, name, master, fmt = _check_input()
    report = run_check(s, data, name, master)
    if fmt == "json":
        return jsonify(report.to_dict())
    body, mimetype, _ = render_report(report, fmt)
    return Response(body, content_type=mimetype)


@bp.route("/quiz", methods=["GET", "POST"])
def quiz():  # noqa: ANN201
    s = _services()
    q = quizrun.quiz_api()
    data = inputs(request)
    opts = quizrun.options(data, s, q)
    questions = quizrun.generate(s, opts)
    fmt = text_param(data, "format", "fmt", required=False, limit=20) or "json-api"
    if fmt == "json-api":
        return jsonify({"options": to_dict(opts), "count": len(questions), "questions": [to_dict(x) for x in questions]})
    body, mimetype, ext = quizrun.export(questions, fmt)
    resp = Response(body, content_type=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename=plankb-quiz.{ext.lstrip('.')}"
    return resp
