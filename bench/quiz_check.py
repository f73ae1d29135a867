"""Check a 50-question quiz from the master plan against the clauses it cites.

For every question: the right answer (or, for true/false, the asserted or the
original value) is written in its cited clause(s); the quote comes from them;
no distractor is the answer or a gazetteer alias of it (or the same duration
or number), and no option repeats.  Prints the counts by type, topic and
difficulty, every problem found, and exits 1 when there is one.

    .venv/bin/python bench/quiz_check.py [--data-dir DIR] [--n 50] [--seed 7] [--doc gaz2021-2] [--show]

Without --data-dir the knowledge base is built in a temporary directory with
the fast hash embedder (the quiz does not use embeddings).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plankb.kb.base import KnowledgeBase  # noqa: E402
from plankb.kb.build import build_all  # noqa: E402
from plankb.kb.settings import Settings  # noqa: E402
from plankb.quiz import QuizOptions, answer_text, generate  # noqa: E402
from plankb.quiz.distract import Pools  # noqa: E402
from plankb.quiz.verify import problems  # noqa: E402


def _kb(data_dir: Path | None, tmp: str) -> KnowledgeBase:
    if data_dir is not None:
        kb = KnowledgeBase(Settings.from_env(data_dir=data_dir))
        kb.require_built()
        return kb
    settings = Settings(data_dir=Path(tmp), corpus_dir=REPO / "corpus", embedder="hash")
    build_all(settings, progress=False)
    return KnowledgeBase(settings)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--doc", default="gaz2021-2", help="Document to quiz on (default: the master plan).")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", action="store_true", help="Print every question with its answer.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="plankb-quiz-") as tmp:
        kb = _kb(args.data_dir, tmp)
        try:
            t0 = time.perf_counter()
            clauses, facts = kb.clauses(), kb.store.facts()
            documents = {d.id: d for d in kb.documents()}
            t1 = time.perf_counter()
            qs = generate(clauses, facts, documents, QuizOptions(n=args.n, doc_ids=(args.doc,), seed=args.seed))
            t2 = time.perf_counter()
            text = {c.id: c.text for c in clauses}
            pools = Pools()
            bad = {q.id: problems(q, text.__getitem__, pools) for q in qs}
        finally:
            kb.close()
    print(f"{len(qs)} questions from {args.doc} (seed {args.seed}); "
          f"load {t1 - t0:.2f} s, generate {t2 - t1:.2f} s")
    for name, counter in (("type", Counter(q.type for q in qs)), ("topic", Counter(q.topic for q in qs)),
                          ("difficulty", Counter(q.difficulty for q in qs))):
        print(f"by {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: -kv[1])))
    checked = {"answer in clause": 0, "quote in clause": 0, "distractors": 0}
    for q in qs:
        msgs = bad[q.id]
        checked["answer in clause"] += not any("not written" in m or "not in clause" in m or "original" in m
                                               for m in msgs)
        checked["quote in clause"] += not any(m.startswith("quote") for m in msgs)
        checked["distractors"] += not any("another name" in m or "duplicate" in m or "all of the above" in m
                                          for m in msgs)
    for k, v in checked.items():
        print(f"{k}: {v}/{len(qs)} ok")
    n_bad = sum(bool(m) for m in bad.values())
    for q in qs:
        if bad[q.id] or args.show:
            print(f"\n{q.id} [{q.type}/{q.topic}/{q.difficulty}] {q.clause_id}\n  {q.stem}")
            for i, o in enumerate(q.options):
                print(f"    {'ABCDEFGH'[i]}. {o}")
            print(f"  => {answer_text(q)}")
            for m in bad[q.id]:
                print(f"  PROBLEM: {m}")
    print(f"\n{n_bad} question(s) with problems")
    return 1 if n_bad else 0


if __name__ == "__main__":
    sys.exit(main())
