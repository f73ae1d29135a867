"""草案检查: upload or paste a draft, see the report, download it."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from plankb.extract.errors import InputError, PlankbError

from .checkrun import DOWNLOADS, master_choices, render_report, run_check
from .errors import status_of
from .messages import WebErrors, zh_message
from .params import text_param
from .reportview import report_view

bp = Blueprint("check", __name__)

PASTE_NAME = "粘贴的文本.txt"


def _services():  # noqa: ANN202
    return current_app.extensions["plankb"]


def _form(error: str = "", text: str = "", master: str = "", status: int = 200):  # noqa: ANN202
    s = _services()
    return render_template(
        "check.html", masters=master_choices(s), master=master or s.master_doc_id, error=error, text=text,
        limit_mb=s.settings.max_upload_bytes // 1_000_000,
    ), status


def draft_input() -> tuple[bytes, str]:
    """The uploaded file, else the pasted text (bytes, name); never touches the disk."""
    up = request.files.get("file")
    if up is not None and up.filename:
        data = up.read(current_app.config["PLANKB_MAX_UPLOAD"] + 1)
        if data:
            return data, up.filename
    text = request.form.get("text", "")
    if text.strip():
        return text.encode("utf-8"), PASTE_NAME
    raise InputError(WebErrors.W010)


@bp.get("/check")
def form():  # noqa: ANN201
    return _form()


@bp.post("/check")
def submit():  # noqa: ANN201
    s = _services()
    master = text_param(request.form, "master", required=False, limit=80)
    try:
        data, name = draft_input()
        report = run_check(s, data, name, master)
    except PlankbError as exc:
        return _form(zh_message(exc, status_of(exc)), request.form.get("text", ""), master, status_of(exc))
    token = current_app.extensions["plankb_reports"].put(report, name)
    return redirect(url_for("check.report", token=token), code=303)


@bp.get("/check/r/<token>")
def report(token: str):  # noqa: ANN201
    entry = current_app.extensions["plankb_reports"].get(token)
    return render_template("report.html", r=report_view(entry.report, _services()), name=entry.name, token=token, downloads=DOWNLOADS)


@bp.get("/check/r/<token>/download/<fmt>")
def download(token: str, fmt: str):  # noqa: ANN201
    entry = current_app.extensions["plankb_reports"].get(token)
    body, mimetype, ext = render_report(entry.report, fmt)
    resp = Response(body, content_type=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename=plankb-check-report.{ext}"
    return resp
