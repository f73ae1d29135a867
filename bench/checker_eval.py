"""Score the checker on the hand-labelled drafts of bench/eval/drafts/.

Each draft ``X.ext`` has ``X.labels.json``: a list of labels, each with the
statement's ``quote`` and its ``start``/``end`` in the text as read (the
loader's text for DOCX), a ``type`` (duty | timeline | level | coverage, or
``local`` for local detail the master does not regulate), a ``verdict``
(conflict | review | consistent) and a ``note`` saying why.  Labels for
something *absent* (an incident type with no row, a missing provision) have
no span but a ``master`` clause id ("2.3.6/15") or ``master_section`` ("6.8").
Authors write a whitespace-insensitive ``find`` string; ``--resolve`` fills
in quote/start/end from it.

A prediction (a conflict or review finding) is correct when a label of the
same type and verdict overlaps its span (or names its master clause).
Reported: precision and recall per type, and the false-alarm rate: the share
of statements labelled consistent that some conflict/review finding hits.

    .venv/bin/python bench/checker_eval.py            # scores
    .venv/bin/python bench/checker_eval.py -v         # plus every miss and false alarm
    .venv/bin/python bench/checker_eval.py --resolve  # (re)compute label spans from `find`
    .venv/bin/python bench/checker_eval.py --set heldout   # the held-out drafts
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plankb.checker import MasterPlan, check_path  # noqa: E402
from plankb.extract.loaders import load_path  # noqa: E402
from plankb.extract.pipeline import parse_text  # noqa: E402
from plankb.kb.corpus import load_manifest  # noqa: E402

EVAL = REPO / "bench" / "eval"
SETS = {"drafts": EVAL / "drafts", "heldout": EVAL / "heldout", "blind": EVAL / "blind" / "checker"}
# Sets whose labels are matched by span alone: their master_section is the labeller's citation,
# and a finding at the right place that cites a neighbouring master clause is still a find.
SPAN_ONLY_SETS = {"blind"}
_span_only = False
# Masters a labels file may name: the municipal plan (default) or the Pinggu district plan.
MASTERS = {
    "municipal": ("beijing-gazette-2021-31-master-plan.txt", lambda d: d.title == "北京市突发事件总体应急预案（2021年修订）"),
    "pinggu": ("pinggu-district-documents-2021-2022.txt", lambda d: d.doc_number == "京平政发〔2022〕2号"),
}
TYPES = ("duty", "timeline", "level", "coverage")
# A page number line left by PDF extraction: "— 12 —".
PAGE_NUMBER_RE = re.compile(r"(?m)^[ \t]*[—–-]{1,2}\s*\d{1,4}\s*[—–-]{1,2}[ \t]*$")


_MASTERS: dict[str, MasterPlan] = {}


def load_master(which: str = "municipal") -> MasterPlan:
    if which not in _MASTERS:
        file, pick = MASTERS[which]
        for cf in load_manifest(REPO / "corpus"):
            if cf.path.name == file:
                parsed = parse_text(cf.path.read_text(encoding="utf-8"), cf.path.name, cf.meta)
                _MASTERS[which] = MasterPlan.from_parsed(next(p for p in parsed if pick(p.document)))
                break
        else:
            raise SystemExit(f"{file} not in the corpus manifest")
    return _MASTERS[which]


def drafts(folder: Path) -> list[tuple[Path, Path]]:
    out = []
    for lab in sorted(folder.glob("*.labels.json")):
        doc = folder / json.loads(lab.read_text(encoding="utf-8"))["draft"]
        out.append((doc, lab))
    return out


def resolve(text: str, find: str) -> tuple[int, int]:
    """Offsets of ``find`` in ``text``, whitespace and PDF page-number lines
    ("— 1 —") ignored; must be unique."""
    skip = set()
    for m in PAGE_NUMBER_RE.finditer(text):
        skip.update(range(m.start(), m.end()))
    idx = [i for i, c in enumerate(text) if not c.isspace() and i not in skip]
    flat = "".join(text[i] for i in idx)
    key = "".join(find.split())
    pos = flat.find(key)
    if pos < 0:
        raise SystemExit(f"label text not found: {find!r}")
    if flat.find(key, pos + 1) >= 0:
        raise SystemExit(f"label text not unique: {find!r}")
    return idx[pos], idx[pos + len(key) - 1] + 1


def do_resolve(folder: Path) -> None:
    for doc, lab in drafts(folder):
        data = json.loads(lab.read_text(encoding="utf-8"))
        text = load_path(doc).text
        for label in data["labels"]:
            if label.get("find"):
                s, e = resolve(text, label["find"])
                label.update(quote=text[s:e], start=s, end=e)
        lab.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"resolved {lab.name}: {len(data['labels'])} labels")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _hits(label: dict[str, Any], f: Any) -> bool:
    """Whether finding ``f`` is at the place ``label`` names (type and verdict aside)."""
    if _span_only and label.get("start") is not None:
        return f.sub_span is not None and _overlap((f.sub_span.start, f.sub_span.end), (label["start"], label["end"]))
    if label.get("master") and not f.master_clause_id.endswith(":" + label["master"]):
        return False
    if label.get("master_section") and not f.master_section.startswith(label["master_section"]):
        return False
    if label.get("start") is not None:
        return f.sub_span is not None and _overlap((f.sub_span.start, f.sub_span.end), (label["start"], label["end"]))
    return bool(label.get("master") or label.get("master_section"))


def evaluate(folder: Path, verbose: bool = False) -> dict[str, Any]:
    per_type = {t: {"labels": 0, "found": 0, "predicted": 0, "correct": 0} for t in TYPES}
    consistent = false_alarms = 0
    timings = {}
    for doc, lab in drafts(folder):
        data = json.loads(lab.read_text(encoding="utf-8"))
        master = load_master(data.get("master", "municipal"))
        t0 = time.perf_counter()
        report = check_path(doc, master)
        timings[doc.name] = round(time.perf_counter() - t0, 3)
        text = report.input_text
        labels = data["labels"]
        for label in labels:
            if label.get("start") is not None and text[label["start"] : label["end"]] != label["quote"]:
                raise SystemExit(f"{lab.name}: stale span for {label['quote']!r}; run with --resolve")
        preds = [f for f in report.findings if str(f.verdict) != "consistent"]
        if verbose:
            print(f"\n== {doc.name} ({data['kind']}): level {report.document['level']}, {len(preds)} conflict/review findings")
        for label in labels:
            if label["verdict"] == "consistent":
                consistent += 1
                bad = [f for f in preds if _hits(label, f)]
                if bad:
                    false_alarms += 1
                    if verbose:
                        print(f"  FALSE ALARM on consistent {label.get('quote') or label.get('master')!r}: "
                              + "; ".join(f"{f.rule_id}/{f.verdict}" for f in bad))
                continue
            if label["type"] not in per_type:
                continue
            per_type[label["type"]]["labels"] += 1
            ok = any(f.type == label["type"] and str(f.verdict) == label["verdict"] and _hits(label, f) for f in preds)
            per_type[label["type"]]["found"] += ok
            if verbose and not ok:
                near = [f"{f.rule_id}/{f.verdict}" for f in report.findings if _hits(label, f)]
                print(f"  MISSED {label['type']}/{label['verdict']} {label.get('quote') or label.get('master') or label.get('master_section')!r}"
                      f"  (there: {', '.join(near) or 'nothing'})")
        for f in preds:
            t = per_type.setdefault(f.type, {"labels": 0, "found": 0, "predicted": 0, "correct": 0})
            t["predicted"] += 1
            ok = any(lb["type"] == f.type and lb["verdict"] == str(f.verdict) and _hits(lb, f) for lb in labels)
            t["correct"] += ok
            if verbose and not ok:
                print(f"  UNLABELLED {f.rule_id}/{f.verdict}: {f.sub_quote.replace(chr(10), '')[:70]!r} {f.explanation[:60]}")
    rows = {}
    for t, c in per_type.items():
        p = c["correct"] / c["predicted"] if c["predicted"] else 1.0
        r = c["found"] / c["labels"] if c["labels"] else 1.0
        rows[t] = {**c, "precision": round(p, 3), "recall": round(r, 3)}
    return {
        "per_type": rows,
        "consistent_labels": consistent,
        "false_alarms": false_alarms,
        "false_alarm_rate": round(false_alarms / consistent, 3) if consistent else 0.0,
        "seconds_per_draft": timings,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--resolve", action="store_true", help="recompute quote/start/end of the labels from `find`")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses, unlabelled findings and false alarms")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--set", choices=sorted(SETS), default="drafts",
                    help="drafts: the development set; heldout: drafts written after the rules were frozen; "
                         "blind: drafts written by a helper who never read the checker (issue 10)")
    args = ap.parse_args()
    global _span_only
    _span_only = args.set in SPAN_ONLY_SETS
    if args.resolve:
        do_resolve(SETS[args.set])
        return
    res = evaluate(SETS[args.set], args.verbose)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return
    print(f"\n{'type':<10}{'labels':>8}{'found':>7}{'pred':>6}{'correct':>9}{'P':>8}{'R':>8}")
    for t, c in res["per_type"].items():
        print(f"{t:<10}{c['labels']:>8}{c['found']:>7}{c['predicted']:>6}{c['correct']:>9}{c['precision']:>8.2f}{c['recall']:>8.2f}")
    print(f"false alarms on consistent statements: {res['false_alarms']}/{res['consistent_labels']}"
          f" = {res['false_alarm_rate']:.1%}   (goals: P >= 0.9, R >= 0.9 per type, false alarms <= 5%)")
    print("seconds per draft:", res["seconds_per_draft"])


if __name__ == "__main__":
    main()
