"""The fault suite's long run (issue 17): more kills, more writers, full-size bombs, long fuzzing.

tests/test_faults.py runs each fault once at CI size; this script repeats them:

- ``kill``: an ingest SIGKILLed (by itself, ``PLANKB_FAULT=<point>=kill``) at
  every point of kb/faults.POINTS, ``--trials`` times each;
- ``random``: an ingest of the Pinggu file (7 plans) killed from outside after
  a random delay within its measured duration, ``--random`` times;
- ``concurrent``: two ingests started together, ``--concurrent`` times;
- ``bombs``: the issue's DOCX bombs at full size (100 MB of XML in ~370 KB,
  a 4 GiB zero-filled media part, 30 MB of XML behind 15 MB of random media),
  seconds and peak RSS of the refusing process;
- ``fuzz``: tests/test_fuzz.py under the ``long`` profile, ``--fuzz`` examples
  a property, with the number of examples hypothesis reports.

After every kill the next ordinary command (``search``) must work, no
temporary build may be left, the index generation must equal the store's and
re-running the ingest must complete it.  Run:
``.venv/bin/python bench/faults.py [--trials 3] [--random 12] [--concurrent 9] [--fuzz 2000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("PLANKB_EMBEDDER", "hash")

from test_faults import DRAFT, MASTER_TITLE, cli, measured, search_ids, state, temp_files  # noqa: E402

from conftest import CORPUS, MASTER_FILE, PINGGU_FILE  # noqa: E402
from plankb.kb.faults import POINTS  # noqa: E402


def small_kb(root: Path) -> tuple[Path, Path]:
    from plankb.kb.build import build_all
    from plankb.kb.settings import Settings

    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / MASTER_FILE, corpus / MASTER_FILE)
    (corpus / "manifest.toml").write_text(
        f'[[file]]\npath = "{MASTER_FILE}"\nkey = "gaz2021"\njurisdiction = "北京市"\nlevel = "municipal"\n'
        f'master = "{MASTER_TITLE}"\n', encoding="utf-8")
    data = root / "base"
    build_all(Settings(data_dir=data, corpus_dir=corpus, embedder="hash"))
    os.environ["PLANKB_CORPUS"] = str(corpus)
    return corpus, data


def healthy(data: Path, doc: str, query: str) -> dict:
    """The checks after a fault: search works, nothing left over, generations agree; then re-ingest."""
    hits = search_ids(data, query)
    left = temp_files(data)
    now = state(data)
    return {"search": bool(hits), "leftovers": left, "committed": doc in now["docs"],
            "generations_agree": now["index_generation"] == now["generation"]}


def kill_at_points(base: Path, root: Path, trials: int) -> list[dict]:
    out = []
    for point in POINTS:
        for t in range(trials):
            data = root / f"kill-{point.replace(':', '-')}-{t}"
            shutil.copytree(base, data)
            draft = root / f"trial-{t}" / "draft.txt"  # documents draft-1…
            draft.parent.mkdir(exist_ok=True)
            draft.write_text(DRAFT.format(n=t + 2), encoding="utf-8")
            res = cli(data, "ingest", str(draft), env={"PLANKB_FAULT": f"{point}=kill"})
            row = {"point": point, "killed": res.returncode == -signal.SIGKILL, **healthy(data, "draft-1", "详细信息最迟")}
            again = cli(data, "ingest", str(draft), "--json")
            row["reingest"] = again.returncode == 0 and "draft-1" in state(data)["docs"]
            out.append(row)
            shutil.rmtree(data)
    return out


def random_kills(base: Path, root: Path, n: int, seed: int = 17) -> list[dict]:
    rng = random.Random(seed)
    env = {**os.environ, "PLANKB_EMBEDDER": "hash"}
    args = [sys.executable, "-m", "plankb", "ingest", str(CORPUS / PINGGU_FILE), "--data-dir"]
    probe = root / "probe"
    shutil.copytree(base, probe)
    t0 = time.perf_counter()
    subprocess.run([*args, str(probe)], env=env, capture_output=True, check=True)
    full = time.perf_counter() - t0
    shutil.rmtree(probe)
    out = []
    for i in range(n):
        data = root / f"random-{i}"
        shutil.copytree(base, data)
        delay = rng.uniform(0.5, full * 0.9)
        proc = subprocess.Popen([*args, str(data)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        row = {"delay": round(delay, 2), "of": round(full, 2), "killed": proc.returncode == -signal.SIGKILL,
               **healthy(data, "pinggu-district-documents-2021-2022-1", "燃气事故")}
        again = cli(data, "ingest", str(CORPUS / PINGGU_FILE), "--json")
        row["reingest"] = again.returncode == 0 and "pinggu-district-documents-2021-2022-1" in state(data)["docs"]
        out.append(row)
        shutil.rmtree(data)
    return out


def concurrent(base: Path, root: Path, n: int) -> list[dict]:
    env = {**os.environ, "PLANKB_EMBEDDER": "hash"}
    out = []
    for i in range(n):
        data = root / f"two-{i}"
        shutil.copytree(base, data)
        files = []
        for j in (1, 2):
            f = root / f"plan{j}.txt"
            f.write_text(DRAFT.format(n=10 * i + j), encoding="utf-8")
            files.append(f)
        procs = [subprocess.Popen([sys.executable, "-m", "plankb", "ingest", str(f), "--data-dir", str(data)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for f in files]
        errs = [p.communicate()[1] for p in procs]
        now = state(data)
        out.append({"exit": [p.returncode for p in procs], "both": {"plan1-1", "plan2-1"} <= set(now["docs"]),
                    "generations_agree": now["index_generation"] == now["generation"],
                    "search": {"plan1-1:4.1.4", "plan2-1:4.1.4"} <= set(search_ids(data, "详细信息最迟不得晚于事件发生后")),
                    "traceback": any("Traceback" in e for e in errs), "leftovers": temp_files(data)})
        shutil.rmtree(data)
    return out


def bombs(base: Path, root: Path) -> list[dict]:
    from fixtures_make import make_media_bomb_docx, make_xml_bomb_docx

    made = {
        "xml 100 MB": make_xml_bomb_docx(root / "xml.docx"),
        "media 4 GiB": make_media_bomb_docx(root / "media.docx"),
        "xml 30 MB behind 15 MB media": make_xml_bomb_docx(root / "hidden.docx", 30_000_000, padding=15_000_000),
    }
    out = []
    for what, path in made.items():
        data = root / "bomb-kb"
        shutil.copytree(base, data)
        t0 = time.perf_counter()
        code, err, rss = measured(["ingest", str(path), "--data-dir", str(data)])
        out.append({"bomb": what, "file_bytes": path.stat().st_size, "seconds": round(time.perf_counter() - t0, 2),
                    "rss_mb": rss, "refused": code == 1 and "[E060]" in err, "traceback": "Traceback" in err})
        shutil.rmtree(data)
        path.unlink()
    return out


def fuzz(examples: int) -> dict:
    env = {**os.environ, "HYPOTHESIS_PROFILE": "long", "PLANKB_FUZZ_EXAMPLES": str(examples)}
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
                          str(REPO / "tests" / "test_fuzz.py")], cwd=REPO, env=env, capture_output=True, text=True)
    # hypothesis' statistics: "- 30 passing, 0 failing, and 1 invalid test cases" per phase and property
    counts = [int(n) for n in re.findall(r"(\d+) passing, ", res.stdout)]
    failing = sum(int(n) for n in re.findall(r"(\d+) failing, ", res.stdout))
    return {"exit": res.returncode, "passing_examples": sum(counts), "per_property": counts, "failing_examples": failing,
            "seconds": round(time.perf_counter() - t0, 1), "tail": res.stdout.strip().splitlines()[-1:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--random", type=int, default=12)
    ap.add_argument("--concurrent", type=int, default=9)
    ap.add_argument("--fuzz", type=int, default=2000)
    ap.add_argument("--only", choices=["kill", "random", "concurrent", "bombs", "fuzz"], action="append")
    args = ap.parse_args()
    parts = args.only or ["kill", "random", "concurrent", "bombs", "fuzz"]
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="plankb-faults-") as tmp:
        root = Path(tmp)
        _, base = small_kb(root) if set(parts) - {"fuzz"} else (None, None)
        if "kill" in parts:
            report["kill"] = kill_at_points(base, root, args.trials)
        if "random" in parts:
            report["random"] = random_kills(base, root, args.random)
        if "concurrent" in parts:
            report["concurrent"] = concurrent(base, root, args.concurrent)
        if "bombs" in parts:
            report["bombs"] = bombs(base, root)
    if "fuzz" in parts:
        report["fuzz"] = fuzz(args.fuzz)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    bad = [(k, r) for k in ("kill", "random", "concurrent") for r in report.get(k, [])
           if r.get("leftovers") or not r.get("search", True) or not r.get("generations_agree", True)
           or r.get("reingest") is False or r.get("traceback")]
    bad += [("bombs", r) for r in report.get("bombs", []) if not r["refused"] or r["rss_mb"] >= 500]
    if report.get("fuzz", {}).get("exit"):
        bad.append(("fuzz", report["fuzz"]["tail"]))
    print(f"{len(bad)} failed of {sum(len(v) for v in report.values() if isinstance(v, list))} trials", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
