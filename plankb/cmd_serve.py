"""``plankb serve``: the web app behind waitress (a production WSGI server)."""

from __future__ import annotations

from typing import Any

import click

from .cli_base import common, main, say


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--build/--no-build", default=True, show_default=True, help="Build the knowledge base first if it is not built.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
@click.option("--preload/--no-preload", default=True, show_default=True, help="Load the search model before serving the first request.")
@common
def serve(settings: Any, as_json: bool, host: str, port: int, build: bool, threads: int, preload: bool) -> None:
    """Serve the web app (search, documents, draft check, quiz) and its JSON API.

    Example: plankb serve --port 8000   then open http://127.0.0.1:8000/
    """
    import waitress

    from plankb.kb.base import KnowledgeBase
    from plankb.web import create_app

    kb = KnowledgeBase(settings)
    if not kb.exists():
        if not build:
            kb.require_built()  # raises the "run plankb build" message
        from plankb.kb.build import build_all

        say(f"building the knowledge base in {settings.data_dir} (first run) ...")
        build_all(settings, progress=True)
    kb.close()
    app = create_app(settings)
    if preload:
        say("loading the search model ...")
        app.extensions["plankb"].resolver  # noqa: B018 - warm the searcher and who-leads once
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="plankb")
    url = f"http://{_display_host(host)}:{getattr(server, 'effective_port', None) or port}/"
    click.echo(f"plankb web app: {url}  (Ctrl+C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        say("stopped.")
    finally:
        server.close()


def _display_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
