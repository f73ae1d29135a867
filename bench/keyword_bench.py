"""Time the keyword index over the whole corpus: build, then query latency.

Clauses are the corpus files split at blank lines (no segmenter needed), so
the numbers are comparable across changes of kb.keyword / kb.analyzer.

    .venv/bin/python bench/keyword_bench.py [--out DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Incident types, organisations, duties and one-character questions as users type them.
QUERIES = [
    "燃气事故",
    "城市管理委",
    "森林火灾由哪个部门负责",
    "轨道交通运营突发事件",
    "信息报送 2 小时",
    "最迟不晚于接报后30分钟",
    "市应急局",
    "重污染天气预警",
    "防汛物资储备",
    "雪",
    "火",
    "危险化学品",
    "应急避难场所",
    "（一）加强组织领导",
    "突发事件 AND 预警 OR (响应)",
    "平谷区城市管理委",
    "地震应急预案 牵头编制部门",
    "新冠肺炎疫情",
    "安全生产 十四五 目标",
    "应急救援队伍建设",
]


def corpus_items() -> list[dict[str, str]]:
    items = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n")]
        jurisdiction = (
            "平谷区" if "pinggu" in path.name else "通州区" if "tongzhou" in path.name else "北京市"
        )
        for i, block in enumerate(b for b in blocks if b):
            items.append(
                {
                    "clause_id": f"{path.stem}/{i}",
                    "doc_id": path.stem,
                    "text": block,
                    "jurisdiction": jurisdiction,
                    "kind": "paragraph",
                }
            )
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="index directory (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the query list")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    from plankb.extract.tokenizer import tokenizer
    from plankb.kb.keyword import KeywordIndex

    tokenizer()  # the shared jieba dictionary with the gazetteer and taxonomy words
    t_init = time.perf_counter() - t0

    items = corpus_items()
    chars = sum(len(i["text"]) for i in items)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.out or Path(tmp) / "keyword"
        t0 = time.perf_counter()
        ix = KeywordIndex.build(path, items)
        t_build = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in path.iterdir())

        times: list[float] = []
        hits = 0
        for _ in range(args.repeat):
            for q in QUERIES:
                t0 = time.perf_counter()
                hits += len(ix.search(q, k=10))
                times.append(time.perf_counter() - t0)
        filtered = []
        for q in QUERIES:
            t0 = time.perf_counter()
            ix.search(q, k=10, filters={"jurisdiction": ["平谷区", "通州区"]})
            filtered.append(time.perf_counter() - t0)
        ix.close()

    ms = sorted(t * 1000 for t in times)
    print(f"jieba init + user words: {t_init:.2f} s")
    print(
        f"indexed {len(items)} clauses ({chars} chars) in {t_build:.2f} s ({len(items) / t_build:.0f}/s); {size / 1e6:.1f} MB"
    )
    print(
        f"{len(ms)} queries (k=10, with highlights): p50 {statistics.median(ms):.1f} ms, "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.1f} ms; {hits / len(ms):.1f} hits/query"
    )
    fms = sorted(t * 1000 for t in filtered)
    print(f"with a jurisdiction filter: p50 {statistics.median(fms):.1f} ms, max {fms[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
