"""测验: choose topics, types, count and seed; preview; download in every format."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from plankb.extract.errors import PlankbError

from . import quizrun
from .errors import status_of
from .messages import zh_message
from .params import inputs, text_param

bp = Blueprint("quiz", __name__)


def _services():  # noqa: ANN202
    return current_app.extensions["plankb"]


@bp.get("/quiz")
def builder():  # noqa: ANN201
    s = _services()
    quiz = quizrun.quiz_api()
    data = inputs(request)
    questions = None
    error = ""
    status = 200
    opts = None
    aiken_note = ""
    if data.get("go"):
        try:
            opts = quizrun.options(data, s, quiz)
            quizrun.title(data)
            generated = quizrun.generate(s, opts)
            questions = [quizrun.preview(q) for q in generated]
            aiken_note = quizrun.aiken_note(generated)
        except PlankbError as exc:
            status = status_of(exc)
            error = zh_message(exc, status)
    query = request.query_string.decode("utf-8", "replace")
    return render_template(
        "quiz.html", topics=quizrun.topics(quiz), types=quizrun.known_types(quiz), type_labels=quizrun.TYPE_LABELS,
        formats=quizrun.formats(), format_labels=quizrun.FORMAT_LABELS, documents=s.documents,
        jurisdictions=s.jurisdictions, data=data, opts=opts, questions=questions, error=error, query=query,
        max_quiz=s.settings.max_quiz, aiken_note=aiken_note, title_limit=quizrun.TITLE_LIMIT,
    ), status


@bp.get("/quiz/download")
def download():  # noqa: ANN201
    s = _services()
    quiz = quizrun.quiz_api()
    data = inputs(request)
    fmt = text_param(data, "fmt", "format", limit=20)
    opts = quizrun.options(data, s, quiz)
    questions = quizrun.generate(s, opts)
    body, mimetype, ext = quizrun.export(questions, fmt, quizrun.title(data), opts.seed)
    resp = Response(body, content_type=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename=plankb-quiz.{ext.lstrip('.')}"
    return resp
