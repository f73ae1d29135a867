"""Search, who-leads and ask quality on bench/eval/questions.jsonl, plus speed.

Prints, on the hand-written questions:
* hit@1, hit@5 and MRR of keyword-only, vector-only and hybrid search
  (a question's gold clauses are located by their quotes);
* who-leads top-1 (incident type) and lead accuracy;
* exact-answer accuracy of ask;
* build time of both indexes for the whole corpus, and warm query latency
  p50/p95 of search and who-leads.

    .venv/bin/python bench/search_eval.py [--data-dir DIR] [--embedder e5] [--grid]

Without --data-dir the knowledge base is built from scratch in a temporary
directory (the embedding cache in ~/.cache is reused only by the model
conversion, not by the clause embeddings), so the build time is a cold one.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plankb.kb import search as search_mod  # noqa: E402
from plankb.kb import wholeads as wl_mod  # noqa: E402
from plankb.kb.ask import Asker  # noqa: E402
from plankb.kb.base import KnowledgeBase  # noqa: E402
from plankb.kb.build import build_all  # noqa: E402
from plankb.kb.search import Searcher  # noqa: E402
from plankb.kb.settings import Settings  # noqa: E402
from plankb.kb.wholeads import WhoLeadsResolver  # noqa: E402

WS = re.compile(r"\s+")


def squeeze(s: str) -> str:
    s = WS.sub("", s).replace("**", "").translate(str.maketrans("０１２３４５６７８９％", "0123456789%"))
    return s


def gold_ids(q: dict, searcher: Searcher, kb: KnowledgeBase) -> set[str]:
    out = set()
    for g in q.get("gold_clauses", []):
        quote = squeeze(g["quote"])
        best = None
        for c in searcher.clauses.values():
            d = searcher.docs[c.doc_id]
            if d.source != g["file"] or quote not in squeeze(c.text if not c.cells else c.text):
                continue
            first, _ = kb.source_lines(d, c)
            dist = abs(first - g["line"])
            if best is None or dist < best[0]:
                best = (dist, c.id)
        if best is not None:
            out.add(best[1])
    return out


def retrieval_metrics(questions: list[dict], golds: dict[str, set[str]], ranked: dict[str, list[str]]) -> dict[str, float]:
    h1 = h5 = rr = n = 0
    for q in questions:
        gold = golds[q["id"]]
        if not gold:
            continue
        n += 1
        hits = ranked[q["id"]][:10]
        rank = next((i for i, cid in enumerate(hits, 1) if cid in gold), None)
        h1 += rank == 1
        h5 += rank is not None and rank <= 5
        rr += 1 / rank if rank else 0
    return {"n": n, "hit@1": round(h1 / n, 3), "hit@5": round(h5 / n, 3), "mrr": round(rr / n, 3)}


def wholeads_metrics(questions: list[dict], resolver: WhoLeadsResolver) -> dict[str, float]:
    ok_type = ok_leads = n = 0
    misses = []
    for q in questions:
        if q["kind"] != "who_leads":
            continue
        n += 1
        ans = resolver.answer(q["query"], q["jurisdiction"] if q["jurisdiction"] != "北京市" else None)
        t_ok = squeeze(ans.incident_type) == squeeze(q["gold_incident_type"] or "")
        joined = "".join(ans.leads)
        l_ok = all(squeeze(g) in squeeze(joined) for g in q["gold_leads"])
        ok_type += t_ok
        ok_leads += l_ok
        if not t_ok or not l_ok:
            misses.append(f"{q['id']} {q['query']} -> {ans.incident_type} {ans.leads} (gold {q['gold_incident_type']} {q['gold_leads']})")
    return {"n": n, "top1_type": round(ok_type / n, 3), "leads_correct": round(ok_leads / n, 3), "_misses": misses}


def ask_metrics(questions: list[dict], asker: Asker) -> dict[str, float]:
    ok = n = 0
    misses = []
    for q in questions:
        if q["kind"] != "ask" or not q.get("gold_answer"):
            continue
        n += 1
        a = asker.ask(q["query"])
        got = squeeze(a.answer or "")
        gold = squeeze(q["gold_answer"])
        good = bool(got) and (gold in got or got in gold and len(got) >= 2 or (q.get("gold_answer_value") and a.value == q["gold_answer_value"]))
        ok += bool(good)
        if not good:
            misses.append(f"{q['id']} {q['query']} -> {a.answer!r} {a.value} (gold {q['gold_answer']!r} {q.get('gold_answer_value')})")
    return {"n": n, "exact": round(ok / n, 3), "_misses": misses}


def latency(fn, queries: list[str]) -> dict[str, float]:  # noqa: ANN001
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--embedder", default="e5")
    ap.add_argument("--grid", action="store_true", help="also score other fusion settings")
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    questions = [json.loads(x) for x in (REPO / "bench/eval/questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory()
        args.data_dir = Path(tmp.name)
    settings = Settings(data_dir=args.data_dir, embedder=args.embedder)
    t = time.perf_counter()
    report = build_all(settings)
    build_s = time.perf_counter() - t
    kb = KnowledgeBase(settings)
    searcher = Searcher(kb)
    resolver = WhoLeadsResolver(searcher)
    asker = Asker(searcher)
    golds = {q["id"]: gold_ids(q, searcher, kb) for q in questions}
    located = sum(1 for q in questions if golds[q["id"]])
    print(f"{len(questions)} questions ({located} with located gold clauses); embedder {args.embedder}")
    print(f"build: {build_s:.1f} s total (store {report['seconds']['store']} s, indexes {report['seconds'].get('indexes')} s); {report.get('indexes')}")
    # One keyword and one vector ranking per question; fusions are computed from them.
    rankings = {q["id"]: searcher.rankings(q["query"], 50) for q in questions}

    def ordered(score) -> dict[str, list[str]]:  # noqa: ANN001
        out = {}
        for qid, rk in rankings.items():
            cands = [(score(r), cid) for cid, r in rk.items() if score(r) > 0]
            out[qid] = [cid for _, cid in sorted(cands, key=lambda x: (-x[0], x[1]))]
        return out

    modes = {
        "keyword": lambda r: 1.0 / r["keyword"] if "keyword" in r else 0.0,
        "vector": lambda r: 1.0 / r["vector"] if "vector" in r else 0.0,
    }
    for mode, score in modes.items():
        print(f"  search {mode:<8} {retrieval_metrics(questions, golds, ordered(score))}")
    # Hybrid as users get it: Searcher.search (fusion plus the exact-match bonus).
    hybrid = {q["id"]: [h.clause_id for h in searcher.search(q["query"], k=10)] for q in questions}
    print(f"  search {'hybrid':<8} {retrieval_metrics(questions, golds, hybrid)}")
    if args.grid:  # fusion alone, without the exact-match bonus
        for rrf_k in (5, 10, 20, 60):
            for w in (0.3, 0.6, 0.8, 1.0, 1.5):
                m = retrieval_metrics(questions, golds, ordered(lambda r, k0=rrf_k, w=w: search_mod.fuse(r, k0, w)))
                print(f"    hybrid rrf_k={rrf_k} keyword_weight={w}: {m}")
        for tw in (0.0, 0.3, 0.5, 0.7, 1.0):
            wl_mod.TAXONOMY_WEIGHT = tw
            m = wholeads_metrics(questions, resolver)
            print(f"    who-leads taxonomy_weight={tw}: top1 {m['top1_type']} leads {m['leads_correct']}")
        wl_mod.TAXONOMY_WEIGHT = 0.5
    wm = wholeads_metrics(questions, resolver)
    print(f"  who-leads: n {wm['n']}, top-1 incident type {wm['top1_type']}, leads correct {wm['leads_correct']}  (goal >= 0.95)")
    am = ask_metrics(questions, asker)
    print(f"  ask: n {am['n']}, exact answers {am['exact']}")
    qs = [q["query"] for q in questions]
    # Warm = model and indexes loaded; each query is new to the query-vector cache.
    def cold(fn):  # noqa: ANN001, ANN202
        return lambda q: (searcher.clear_cache(), fn(q))

    print(f"  latency search (warm, k=10): {latency(cold(lambda q: searcher.search(q, k=10)), qs)}  (goal p95 <= 50 ms)")
    print(f"  latency who-leads (warm):    {latency(cold(lambda q: resolver.answer(q)), qs)}  (goal p95 <= 50 ms)")
    if args.misses:
        for line in wm["_misses"] + am["_misses"]:
            print("   ", line)
    searcher.close()
    kb.close()


if __name__ == "__main__":
    main()
