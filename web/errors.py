"""Errors as JSON under /api/ and as a page elsewhere, always with a 4xx/5xx status.

The library raises typed errors with full-sentence English messages; they map
to status codes here: bad input 400, missing document or clause 404, an
unbuilt knowledge base or a missing optional package 503.  A page shows the
Chinese message of the same catalogue code (:mod:`web.messages`); the JSON
keeps the English ``error`` for scripts and adds ``message`` (Chinese) and
``code``.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from plankb.extract.errors import (
    DependencyError,
    InputError,
    NotBuiltError,
    NotFoundError,
    PlankbError,
    TimeLimitError,
)

from .messages import WebErrors, code_of, status_text, zh_message

log = logging.getLogger(__name__)

STATUS = ((NotFoundError, 404), (InputError, 400), (NotBuiltError, 503), (DependencyError, 503), (TimeLimitError, 503))
TITLES = {400: "请求有误", 404: "未找到", 405: "不支持的请求方法", 413: "文件太大", 503: "服务暂不可用", 500: "服务器错误"}


class TooLarge(InputError):
    """An upload over the configured limit (answered with 413)."""


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(message: str, status: int, zh: str | None = None):  # noqa: ANN201 - a Flask response tuple
    """``message`` in English (JSON ``error``); ``zh`` (default: read from ``message``) for people."""
    zh = zh or zh_message(message, status)
    if wants_json():
        return jsonify({"error": message, "message": zh, "code": code_of(message), "status": status}), status
    return render_template("error.html", message=zh, status=status, title=TITLES.get(status, "出错了")), status


def status_of(exc: PlankbError) -> int:
    if isinstance(exc, TooLarge):
        return 413
    for cls, code in STATUS:
        if isinstance(exc, cls):
            return code
    return 400


def init_errors(app: Flask) -> None:
    @app.errorhandler(PlankbError)
    def _plankb(exc: PlankbError):  # noqa: ANN202
        status = status_of(exc)
        return error_response(str(exc), status, zh_message(exc, status))

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge):  # noqa: ANN202
        limit = app.config["PLANKB_MAX_UPLOAD"]
        return error_response(WebErrors.W020.format(limit=limit, mb=limit // 1_000_000), 413)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):  # noqa: ANN202
        code = exc.code or 500
        msg = exc.description or exc.name
        # Werkzeug's descriptions are English; a description written in Chinese (the CSRF refusal) stays.
        zh = msg if re.search(r"[\u4e00-\u9fff]", msg or "") else status_text(code)
        return error_response(msg, code, zh)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # noqa: ANN202
        log.exception("unhandled error on %s", request.path)
        return error_response(WebErrors.W021, 500)
