"""Time the checker on the Pinggu district master plan (goal: <= 10 s on 2 cores).

The input is the whole Pinggu file as read (7 documents; the checker picks
京平政发〔2022〕2号).  Baselines: parsing the file alone (``parse_text``) and
parsing + the facts layer over the plan (what ``plankb build`` does for it),
so the ratio shows what the checker adds.  "cold" includes building the
master plan's view (its facts and sentences); the web app and a batch run
pay that once, "warm" is every later check.

    .venv/bin/python bench/checker_bench.py            # pinned to 2 CPUs when possible
    .venv/bin/python bench/checker_bench.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PINGGU = REPO / "corpus" / "pinggu-district-documents-2021-2022.txt"
MASTER = REPO / "corpus" / "beijing-gazette-2021-31-master-plan.txt"


def pin(cores: int) -> str:
    """Run on ``cores`` CPUs (Linux) so the figure matches a 2-core machine."""
    try:
        cpus = sorted(os.sched_getaffinity(0))[:cores]
        os.sched_setaffinity(0, cpus)
        return f"pinned to CPUs {cpus}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


def timed(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cores", type=int, default=2)
    args = ap.parse_args()
    note = pin(args.cores)

    t0 = time.perf_counter()
    from plankb.checker import MasterPlan, check_text
    from plankb.checker import run as check_mod
    from plankb.extract.facts.collect import extract_facts
    from plankb.extract.pipeline import parse_text
    from plankb.kb.corpus import load_manifest

    metas = {cf.path.name: cf.meta for cf in load_manifest(REPO / "corpus")}
    raw_master = MASTER.read_text(encoding="utf-8")
    master = MasterPlan.from_parsed(next(
        p for p in parse_text(raw_master, MASTER.name, metas[MASTER.name])
        if p.document.title == "北京市突发事件总体应急预案（2021年修订）"))
    raw = PINGGU.read_text(encoding="utf-8")
    setup = time.perf_counter() - t0

    parse_only, parsed = timed(lambda: parse_text(raw, PINGGU.name, metas[PINGGU.name]), args.repeat)
    plan = next(p for p in parsed if p.document.doc_number == "京平政发〔2022〕2号")
    facts_only, _ = timed(lambda: (parse_text(raw, PINGGU.name), extract_facts(plan.document, plan.clauses)), args.repeat)

    def cold():  # noqa: ANN202
        check_mod._MASTER_CACHE.clear()
        return check_text(raw, PINGGU.name, master)

    cold_t, report = timed(cold, args.repeat)
    warm_t, _ = timed(lambda: check_text(raw, PINGGU.name, master), args.repeat)

    v = report.summary["by_verdict"]
    print(f"checker benchmark ({note}; median of {args.repeat}; imports and master parse {setup:.2f} s)")
    print(f"  input: {PINGGU.name}, {len(raw):,} characters; plan {report.document['title']} ({len(plan.clauses)} clauses)")
    print(f"  baseline parse only           {parse_only:6.2f} s")
    print(f"  baseline parse + facts        {facts_only:6.2f} s")
    print(f"  check, cold (master view)     {cold_t:6.2f} s   x{cold_t / parse_only:.1f} parse-only, x{cold_t / facts_only:.1f} parse+facts")
    print(f"  check, warm                   {warm_t:6.2f} s   x{warm_t / parse_only:.1f} parse-only, x{warm_t / facts_only:.1f} parse+facts")
    print(f"  findings: {v['conflict']} conflict, {v['review']} review, {v['consistent']} consistent; "
          f"{len(report.alignment)} aligned clauses")
    print(f"  goal <= 10 s: {'met' if cold_t <= 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
