"""Score fact extraction against the hand-labelled set bench/eval/facts.jsonl.

For each labelled quote, the quote is located in its parsed document
(whitespace ignored), every fact whose span lies inside it is collected, and
predictions are matched to gold labels:

* actors: same name (whitespace ignored) and same role, counted once per
  clause: a clause that names 市应急办 three times as responsible states one
  responsibility (labels and predictions are both de-duplicated);
* deadlines: overlapping text; "normalisation accuracy" is the share of
  matched deadlines whose kind and value are equal too;
* thresholds: overlapping text and equal operator and value.

Prints per-field precision/recall and micro averages.  ``--errors`` lists
misses and false alarms.

    .venv/bin/python bench/score_facts.py [--errors actor]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plankb.extract.facts.collect import clause_facts  # noqa: E402
from plankb.extract.gazetteer import load_gazetteer  # noqa: E402
from plankb.extract.pipeline import parse_text  # noqa: E402
from plankb.kb.corpus import load_manifest  # noqa: E402

WS = re.compile(r"\s+")


def squeeze(s: str) -> str:
    return WS.sub("", s)


def _index(text: str) -> tuple[str, list[int]]:
    idx = [i for i, c in enumerate(text) if not c.isspace()]
    return "".join(text[i] for i in idx), idx


def load_parsed() -> dict[str, list]:
    out = {}
    for cf in load_manifest(REPO / "corpus"):
        out[cf.path.name] = parse_text(cf.path.read_text(encoding="utf-8"), cf.path.name, cf.meta)
    return out


def predictions_for(entry: dict, parsed: dict, cache: dict) -> tuple[dict[str, list], bool]:
    # The quote as cleaning leaves it: no Markdown bold, ASCII digits, "3.l" → "3.1".
    q = squeeze(entry["quote"]).replace("**", "").translate(str.maketrans("０１２３４５６７８９％", "0123456789%"))
    q = re.sub(r"^(\d{1,2}(?:\.\d{1,2})*)\.l", r"\1.1", q)
    for p in parsed[entry["file"]]:
        key = p.document.id
        if key not in cache:
            cache[key] = _index(p.document.text)
        norm, idx = cache[key]
        pos = norm.find(q)
        if pos < 0:
            continue
        start, end = idx[pos], idx[pos + len(q) - 1] + 1
        doc = p.document
        gaz = load_gazetteer()
        abbrev = gaz.local_abbreviations(doc.text)
        below = "不含本数" in doc.text
        out: dict[str, list] = defaultdict(list)
        for c in p.clauses:
            if c.span.end <= start or c.span.start >= end:
                continue
            for kind, facts in clause_facts(c, below_exclusive=below, abbreviations=abbrev).items():
                for f in facts:
                    if f.span.start >= start and f.span.end <= end:
                        out[kind].append(f)
        return out, True
    return {}, False


def overlaps(a: str, b: str) -> bool:
    a, b = squeeze(a), squeeze(b)
    return bool(a) and bool(b) and (a in b or b in a)


def match(gold: list[dict], pred: list, same) -> tuple[int, list, list]:  # noqa: ANN001
    used = [False] * len(pred)
    tp = 0
    missed = []
    for g in gold:
        hit = next((i for i, p in enumerate(pred) if not used[i] and same(g, p)), None)
        if hit is None:
            missed.append(g)
        else:
            used[hit] = True
            tp += 1
    extra = [p for i, p in enumerate(pred) if not used[i]]
    return tp, missed, extra


def same_actor(g: dict, p) -> bool:  # noqa: ANN001
    return squeeze(g["name"]) == squeeze(p.name) and g["role"] == p.role.value


def same_deadline(g: dict, p) -> bool:  # noqa: ANN001
    return overlaps(g["text"], p.text)


def same_threshold(g: dict, p) -> bool:  # noqa: ANN001
    return overlaps(g["text"], p.text) and g["operator"] == p.operator and abs(float(g["value"]) - p.value) < 1e-6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", default=str(REPO / "bench" / "eval" / "facts.jsonl"))
    ap.add_argument("--errors", choices=["actor", "deadline", "threshold"], help="list misses and false alarms")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    entries = [json.loads(line) for line in Path(args.eval).read_text(encoding="utf-8").splitlines() if line.strip()]
    parsed = load_parsed()
    cache: dict = {}
    stats = {k: {"tp": 0, "fp": 0, "fn": 0} for k in ("actor", "deadline", "threshold")}
    norm_ok = norm_all = 0
    unlocated = []
    errors: list[str] = []
    for e in entries:
        pred, found = predictions_for(e, parsed, cache)
        if not found:
            unlocated.append(e["id"])
            continue
        for kind, gold_key, same in (("actor", "actors", same_actor), ("deadline", "deadlines", same_deadline), ("threshold", "thresholds", same_threshold)):
            gold_items, pred_items = e[gold_key], pred.get(kind, [])
            if kind == "actor":
                gold_items = list({(squeeze(g["name"]), g["role"]): g for g in gold_items}.values())
                pred_items = list({(squeeze(p.name), p.role.value): p for p in pred_items}.values())
            tp, missed, extra = match(gold_items, pred_items, same)
            stats[kind]["tp"] += tp
            stats[kind]["fn"] += len(missed)
            stats[kind]["fp"] += len(extra)
            if args.errors == kind:
                for g in missed:
                    errors.append(f"{e['id']} MISS {g}  | {e['quote'][:80]}")
                for p in extra:
                    errors.append(f"{e['id']} FALSE {getattr(p, 'name', None) or p.text} {getattr(p, 'role', '') or getattr(p, 'value', '') or ''} {getattr(p, 'operator', '')} | {e['quote'][:80]}")
        for g in e["deadlines"]:
            p = next((p for p in pred.get("deadline", []) if same_deadline(g, p)), None)
            if p is not None:
                norm_all += 1
                norm_ok += int(p.value == g["value"] and p.kind.value == g["kind"])
                if args.errors == "deadline" and not (p.value == g["value"] and p.kind.value == g["kind"]):
                    errors.append(f"{e['id']} NORM gold {g['kind']} {g['value']} got {p.kind.value} {p.value} ({p.text})")
    report = {}
    tp = fp = fn = 0
    for kind, s in stats.items():
        prec = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 0.0
        rec = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 0.0
        report[kind] = {"precision": round(prec, 3), "recall": round(rec, 3), **s}
        tp, fp, fn = tp + s["tp"], fp + s["fp"], fn + s["fn"]
    report["micro"] = {"precision": round(tp / (tp + fp), 3) if tp + fp else 0.0, "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0}
    report["deadline_normalisation_accuracy"] = round(norm_ok / norm_all, 3) if norm_all else 0.0
    report["clauses"] = len(entries)
    report["unlocated"] = unlocated
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"{len(entries)} labelled clauses ({len(unlocated)} not located: {unlocated[:5]})")
        for kind in ("actor", "deadline", "threshold", "micro"):
            r = report[kind]
            print(f"  {kind:<10} P {r['precision']:.3f}  R {r['recall']:.3f}" + (f"  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})" if "tp" in r else ""))
        print(f"  deadline normalisation accuracy {report['deadline_normalisation_accuracy']:.3f} over {norm_all} matched")
        print("  goals: micro P >= 0.90, R >= 0.85; normalisation >= 0.95")
    for line in errors:
        print(line)


if __name__ == "__main__":
    main()
