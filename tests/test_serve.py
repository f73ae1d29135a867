"""``plankb serve`` on several processes, and /api/health's readiness (issue 16)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest


def test_health_says_ready_only_after_warm_up(kb_settings, built_kb):
    from plankb.web import create_app

    app = create_app(kb_settings)
    client = app.test_client()
    services = app.extensions["plankb"]
    lazy = client.get("/api/health")
    assert lazy.status_code == 200 and lazy.get_json()["ready"] is False  # loads on first use
    services.state = "loading"
    loading = client.get("/api/health")
    assert loading.status_code == 503 and loading.get_json()["ready"] is False
    services.warm()
    ready = client.get("/api/health").get_json()
    assert ready["ready"] is True and ready["clauses"] > 0
    assert services.searcher.incidents()  # loaded by the warm-up, not by a request


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads the process tree from /proc")
@pytest.mark.parametrize("workers", [1, 2])
def test_serve_runs_the_asked_number_of_worker_processes(kb_settings, built_kb, workers):
    env = {**os.environ, "PLANKB_HOME": str(kb_settings.data_dir), "PLANKB_EMBEDDER": "hash"}
    code = "from plankb.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", code, "serve", "--no-build", "--port", "0", "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = proc.stdout.readline()  # printed once the app is ready
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert m, line + (proc.stderr.read(3000) if proc.poll() is not None else "")
        with urllib.request.urlopen(m.group(1) + "api/health", timeout=60) as r:
            assert json.loads(r.read())["ready"] is True
        with urllib.request.urlopen(m.group(1) + "api/search?q=%E7%87%83%E6%B0%94%E4%BA%8B%E6%95%85&k=3", timeout=60) as r:
            assert len(json.loads(r.read())["hits"]) == 3
        # gunicorn: a master and its workers; waitress: one process and no child
        assert len(_children(proc.pid)) == (workers if workers > 1 else 0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
