"""``plankb serve``: the web app on every core (gunicorn workers) or one process (waitress).

Which server, and what the worker processes share, is decided in
:mod:`plankb.web.server` (its docstring is the decision record).
"""

from __future__ import annotations

from typing import Any

import click

from .cli_base import common, main, open_kb, say


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--build/--no-build", default=True, show_default=True, help="Build the knowledge base first if it is not built.")
@click.option("--workers", type=click.IntRange(1, 64),
              help="Worker processes (default: the workers setting, one per core); 1 serves from one waitress process.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Threads per worker process.")
@common
def serve(settings: Any, as_json: bool, host: str, port: int, build: bool, workers: int | None, threads: int) -> None:
    """Serve the web app (search, documents, draft check, quiz) and its JSON API.

    The search model and indexes are loaded before the first request;
    /api/health answers 503 until they are.

    Example: plankb serve --port 8000 --workers 2   then open http://127.0.0.1:8000/
    """
    from plankb.kb.base import KnowledgeBase
    from plankb.web.server import serve as run

    kb = KnowledgeBase(settings)
    if not kb.exists():
        if not build:
            kb.require_built()  # raises the "run plankb build" message
        from plankb.kb.build import build_all

        say(f"building the knowledge base in {settings.data_dir} (first run) ...")
        build_all(settings, progress=True)
    else:
        open_kb(settings).close()  # indexes brought forward if behind; a read-only directory said so
    kb.close()
    n = workers or settings.workers

    def ready(url: str) -> None:
        click.echo(f"plankb web app: {url}  ({n} worker{'s' if n > 1 else ''}; Ctrl+C to stop)")

    run(settings, host=host, port=port, workers=n, threads=threads, on_ready=ready, say=say)
