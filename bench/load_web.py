"""Load test of the web app: concurrent search requests against a local server.

Loopback only and bounded: the script starts the app with waitress on
127.0.0.1 and a free port (or targets ``--url`` if it is a loopback
address), fires ``--requests`` GET /api/search requests from
``--concurrency`` threads that start together, and prints errors, p50/p95
latency and throughput.  Exit code 1 if any request failed.

    .venv/bin/python bench/load_web.py                      # the KB of PLANKB_HOME, its embedder
    .venv/bin/python bench/load_web.py --embedder hash      # fast, no model
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MAX_REQUESTS = 2000  # the bound: this is a benchmark, not a stress tool
QUERIES = [
    "燃气泄漏谁负责", "地铁停运谁牵头", "无法判明等级的突发事件多久内报告", "红色预警由谁批准", "森林火灾",
    "信息报送时限", "重大突发事件指挥", "应急演练", "食物中毒", "暴雨内涝", "危险化学品事故", "网络安全事件",
    "应急物资储备", "平谷区 防汛", "新闻发布 5小时", "heavy rain flooding",
]


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_server(data_dir: str | None, embedder: str | None, threads: int):  # noqa: ANN201
    import logging

    import waitress

    # waitress logs "Task queue depth is N" for every queued request; the queue is the point here.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    from plankb.kb.settings import Settings
    from plankb.web import create_app

    overrides = {k: v for k, v in (("data_dir", data_dir), ("embedder", embedder)) if v}
    settings = Settings.from_env(**overrides)
    app = create_app(settings)
    t0 = time.perf_counter()
    app.extensions["plankb"].searcher  # noqa: B018 - load the model before timing requests
    print(f"model and indexes loaded in {time.perf_counter() - t0:.1f} s ({settings.embedder}, {settings.data_dir})")
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads, connection_limit=1000)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.effective_port}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=200, help="number of search requests (default 200)")
    ap.add_argument("--concurrency", type=int, default=200, help="client threads started together (default 200)")
    ap.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--data-dir", help="knowledge base directory (default PLANKB_HOME)")
    ap.add_argument("--embedder", help="override the embedder, e.g. hash")
    ap.add_argument("--url", help="an already running server (loopback addresses only)")
    args = ap.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS or not 1 <= args.concurrency <= args.requests:
        ap.error(f"--requests must be 1..{MAX_REQUESTS} and --concurrency 1..requests")
    server = None
    if args.url:
        if not loopback(args.url):
            ap.error("--url must be a loopback address (127.0.0.1, ::1, localhost)")
        base = args.url.rstrip("/")
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        server, base = start_server(args.data_dir, args.embedder, args.threads)
    # One warm request so the first timed one does not pay for lazy set-up.
    with urllib.request.urlopen(f"{base}/api/search?q=%E7%87%83%E6%B0%94&k=1", timeout=120) as r:
        r.read()

    barrier = threading.Barrier(args.concurrency)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        q = QUERIES[i % len(QUERIES)]
        url = f"{base}/api/search?" + urllib.parse.urlencode({"q": q, "k": args.k})
        if i < args.concurrency:
            barrier.wait()
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as r:
                body = json.loads(r.read())
                ok = r.status == 200 and isinstance(body.get("hits"), list) and body["hits"]
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
            with lock:
                errors.append(f"{q}: {exc}")
            return
        dt = time.perf_counter() - t
        with lock:
            if ok:
                latencies.append(dt)
            else:
                errors.append(f"{q}: empty or malformed answer")

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(one, range(args.requests)))
    wall = time.perf_counter() - t0
    if server is not None:
        # Workers first, then the sockets: a worker finishing a request after
        # close() would write to the closed wake-up pipe.
        server.task_dispatcher.shutdown(timeout=10)
        server.close()
    print(f"{args.requests} search requests, {args.concurrency} concurrent, {args.threads} server threads, k={args.k}")
    print(f"errors: {len(errors)}")
    for e in errors[:5]:
        print(f"  {e}")
    if latencies:
        print(f"latency p50 {percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms, mean {statistics.fmean(latencies) * 1000:.0f} ms")
        print(f"wall {wall:.2f} s, throughput {len(latencies) / wall:.1f} requests/s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
