"""Score short answers on the blind question set of ``bench/eval/blind/ask/`` (issue 11).

Each question goes through what the home page does with a question typed in
its box (``plankb.web.answer.answer_card``: who-leads or ask, and the card
it shows).  A card of kind ``who_leads`` or ``answer`` is an answer; a card
of kind ``unsure`` or no card at all is an abstention.  The set's own rule
(``check_questions.is_right``) decides whether an answer is right.

Reported, as the issue asks:

- answered-and-right, as a share of the answerable questions (goal ≥ 0.85);
- answered-and-wrong, as a share of all questions (goal ≤ 0.03);
- correct abstentions (「不确定」) on the unanswerable ones (goal ≥ 0.80);

and the same per question type.  ``--out FILE`` writes every question with
the answer given, for reading the misses.

    .venv/bin/python bench/ask_eval.py --data-dir /tmp/kb-e5 [--out /tmp/ask.jsonl]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SET = REPO / "bench" / "eval" / "blind" / "ask"
sys.path.insert(0, str(SET))

from check_questions import is_right  # noqa: E402

from plankb.kb.settings import Settings  # noqa: E402
from plankb.web.answer import answer_card  # noqa: E402
from plankb.web.services import Services  # noqa: E402


def load_questions() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SET / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def reply(services: Services, question: str) -> tuple[bool, str]:
    """(answered, answer text) as the home page would show it."""
    card = answer_card(services, question)
    if card is None or card.kind == "unsure":
        return False, ""
    return True, card.answer


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    right = sum(r["answered"] and r["right"] for r in answerable)
    wrong = sum(r["answered"] and not r["right"] for r in rows)
    abstain_ok = sum(not r["answered"] for r in unanswerable)
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "answered_right": right,
        "answered_right_rate": round(right / len(answerable), 3) if answerable else 0.0,
        "answered_wrong": wrong,
        "answered_wrong_rate": round(wrong / len(rows), 3) if rows else 0.0,
        "unanswerable": len(unanswerable),
        "abstained_right": abstain_ok,
        "abstain_rate": round(abstain_ok / len(unanswerable), 3) if unanswerable else 1.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, required=True, help="a built knowledge base (e5 embedder)")
    ap.add_argument("--embedder", default="e5")
    ap.add_argument("--out", type=Path, help="write every question with its answer here (JSON lines)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    services = Services(Settings(data_dir=args.data_dir, embedder=args.embedder))
    rows = []
    for q in load_questions():
        answered, text = reply(services, q["query"])
        rows.append({"id": q["id"], "type": q["type"], "answerable": q["answerable"], "query": q["query"],
                     "gold": q["gold"], "answered": answered, "answer": text,
                     "right": bool(answered and q["answerable"] and is_right(text, q))})
    overall = score(rows)
    by_type = {}
    groups: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for r in rows:
        groups[r["type"]].append(r)
    for t, rs in sorted(groups.items()):
        by_type[t] = score(rs)
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    if args.json:
        print(json.dumps({"overall": overall, "by_type": by_type}, ensure_ascii=False, indent=2))
        return
    print(f"{'type':<16}{'n':>4}{'right':>7}{'wrong':>7}{'abstain':>9}")
    for t, s in by_type.items():
        print(f"{t:<16}{s['questions']:>4}{s['answered_right']:>7}{s['answered_wrong']:>7}"
              f"{s['questions'] - s['answered_right'] - s['answered_wrong']:>9}")
    o = overall
    print(f"\nanswered and right: {o['answered_right']}/{o['answerable']} = {o['answered_right_rate']:.1%} of answerable (goal >= 85%)")
    print(f"answered and wrong: {o['answered_wrong']}/{o['questions']} = {o['answered_wrong_rate']:.1%} of all (goal <= 3%)")
    print(f"abstained on unanswerable: {o['abstained_right']}/{o['unanswerable']} = {o['abstain_rate']:.1%} (goal >= 80%)")


if __name__ == "__main__":
    main()
