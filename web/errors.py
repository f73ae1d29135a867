"""Errors as JSON under /api/ and as a page elsewhere, always with a 4xx/5xx status.

The library raises typed errors with full-sentence messages; they map to
status codes here: bad input 400, missing document or clause 404, an
unbuilt knowledge base or a missing optional package 503.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from plankb.extract.errors import DependencyError, InputError, NotBuiltError, NotFoundError, PlankbError

log = logging.getLogger(__name__)

STATUS = ((NotFoundError, 404), (InputError, 400), (NotBuiltError, 503), (DependencyError, 503))
TITLES = {400: "请求有误", 404: "未找到", 405: "不支持的请求方法", 413: "文件太大", 503: "服务暂不可用", 500: "服务器错误"}


class TooLarge(InputError):
    """An upload over the configured limit (answered with 413)."""


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(message: str, status: int):  # noqa: ANN201 - a Flask response tuple
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", message=message, status=status, title=TITLES.get(status, "出错了")), status


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
        return error_response(str(exc), status_of(exc))

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge):  # noqa: ANN202
        limit = app.config["PLANKB_MAX_UPLOAD"]
        return error_response(f"the upload is larger than the limit of {limit} bytes ({limit // 1_000_000} MB).", 413)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):  # noqa: ANN202
        code = exc.code or 500
        msg = exc.description or exc.name
        if code == 404 and not request.path.startswith("/api/"):
            msg = "没有这个页面。"
        return error_response(msg, code)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # noqa: ANN202
        log.exception("unhandled error on %s", request.path)
        return error_response("internal error; the server log has the details.", 500)
