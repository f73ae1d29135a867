"""CSRF tokens for the HTML forms and the response headers every page gets.

The forms that POST (check a draft) carry a per-session random token in a
hidden field; a POST to a page without the session's token is refused.  The
JSON API under ``/api/`` is exempt: it keeps no session state and changes
nothing, and a cross-site page cannot read its answers (no CORS headers).
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, request, session

TOKEN_FIELD = "csrf_token"
TOKEN_HEADER = "X-CSRF-Token"

# Same-origin everything; no inline script or style, so a document text that
# slipped through escaping still could not run.  Inline SVG is markup, allowed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def csrf_token() -> str:
    token = session.get(TOKEN_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[TOKEN_FIELD] = token
    return token


def _check_csrf() -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.path.startswith("/api/"):
        return
    expected = session.get(TOKEN_FIELD, "")
    sent = request.headers.get(TOKEN_HEADER) or request.form.get(TOKEN_FIELD, "")
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        abort(400, description="表单已过期或来源不明（CSRF 校验失败）；请刷新页面后重新提交。")


# Every answer carries these, the server layer's own error answers too (web/server.py).
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def _headers(resp: Response) -> Response:
    for name, value in HEADERS:
        resp.headers.setdefault(name, value)
    return resp


def init_security(app: Flask) -> None:
    app.before_request(_check_csrf)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
