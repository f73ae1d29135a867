"""The plankb web app: a Chinese-first UI and a JSON API over the knowledge base.

``create_app(settings)`` builds a Flask app with one :class:`KnowledgeBase`
and one searcher (created lazily, shared by all threads), blueprints per
area, Jinja templates and static files; there is no build step.  Serve it
with ``plankb serve`` (waitress).
"""

from __future__ import annotations

import io
import secrets
from typing import IO, Any

from flask import Flask, Request

from plankb.kb.settings import Settings

from .checkrun import ReportCache
from .errors import init_errors
from .security import init_security
from .services import Services

# Room for the multipart envelope around an upload of exactly the size limit.
MULTIPART_SLACK = 64 * 1024

NAV = (
    ("search.home", "首页"),
    ("search.search", "检索"),
    ("docs.documents", "文件"),
    ("incidents.directory", "突发事件目录"),
    ("incidents.responsibility", "责任矩阵"),
    ("check.form", "草案检查"),
    ("quiz.builder", "测验"),
)


class MemoryRequest(Request):
    """Uploads stay in memory (bounded by MAX_CONTENT_LENGTH), never in a temp file."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def create_app(settings: Settings | None = None, *, searcher: Any = None) -> Flask:
    """The app for ``settings``; pass ``searcher`` to share an already loaded one."""
    settings = (settings or Settings.load()).apply()
    app = Flask(__name__)
    app.request_class = MemoryRequest
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + MULTIPART_SLACK,
        # Werkzeug keeps non-file form fields (pasted drafts) to 500 kB by default.
        MAX_FORM_MEMORY_SIZE=settings.max_upload_bytes,
        PLANKB_MAX_UPLOAD=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["plankb"] = Services(settings, searcher)
    app.extensions["plankb_reports"] = ReportCache()

    from . import api, views_check, views_docs, views_incidents, views_quiz, views_search

    for mod in (views_search, views_docs, views_incidents, views_check, views_quiz, api):
        app.register_blueprint(mod.bp)
    init_security(app)
    init_errors(app)
    app.jinja_env.globals["NAV"] = NAV
    from .present import duration_text

    app.jinja_env.filters["duration"] = duration_text
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app
