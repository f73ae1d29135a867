#!/usr/bin/env python3
"""Verify the blind checker evaluation set.

For every *.labels.json in this folder:
  * the draft file named in "draft" exists;
  * every non-empty "find" occurs exactly once in the draft text, compared with all
    whitespace removed and with page-number lines such as "— 3 —" dropped;
    for .docx drafts the text units are paragraphs and table rows (cells joined by TAB),
    and a find must lie inside one unit;
  * type is duty/timeline/level/local, verdict is conflict/review/consistent,
    and local labels are consistent;
  * find strings are 8-60 characters (empty finds allowed only for review labels of absent items).
Prints counts per type x verdict and per draft; exits 1 on any error.

Standard library only, except python-docx, which is imported only if a .docx draft is present.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE_LINE = re.compile(r"^\s*[—–\-－]+\s*\d+\s*[—–\-－]+\s*$")
WS = re.compile(r"\s+")
TYPES = {"duty", "timeline", "level", "local"}
VERDICTS = {"conflict", "review", "consistent"}


def squash(text):
    return WS.sub("", text)


def text_units(path):
    """Return the list of squashed text units of a draft."""
    if path.suffix.lower() == ".docx":
        import docx  # python-docx

        doc = docx.Document(str(path))
        units = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                cells = []
                for cell in row.cells:
                    if not cells or cell._tc is not cells[-1][0]:
                        cells.append((cell._tc, cell.text))
                units.append("\t".join(t for _, t in cells))
        return [squash(u) for u in units]
    raw = path.read_text(encoding="utf-8")
    kept = [ln for ln in raw.splitlines() if not PAGE_LINE.match(ln)]
    return [squash("\n".join(kept))]


def count(units, find):
    needle = squash(find)
    return sum(u.count(needle) for u in units)


def main():
    errors = []
    by_tv = Counter()
    by_draft = {}
    files = sorted(HERE.glob("*.labels.json"))
    if not files:
        print("no *.labels.json found", file=sys.stderr)
        return 1
    for lf in files:
        data = json.loads(lf.read_text(encoding="utf-8"))
        draft = HERE / data["draft"]
        if not draft.exists():
            errors.append(f"{lf.name}: draft {data['draft']} missing")
            continue
        units = text_units(draft)
        c = Counter()
        for i, lab in enumerate(data["labels"]):
            where = f"{lf.name}[{i}]"
            t, v, f = lab.get("type"), lab.get("verdict"), lab.get("find", "")
            if t not in TYPES:
                errors.append(f"{where}: bad type {t!r}")
            if v not in VERDICTS:
                errors.append(f"{where}: bad verdict {v!r}")
            if t == "local" and v != "consistent":
                errors.append(f"{where}: local labels must be consistent")
            if not lab.get("note"):
                errors.append(f"{where}: empty note")
            if f == "":
                if v != "review":
                    errors.append(f"{where}: empty find only allowed for review labels")
            else:
                n_chars = len(squash(f))
                if not 8 <= n_chars <= 60:
                    errors.append(f"{where}: find has {n_chars} chars (want 8-60): {f}")
                n = count(units, f)
                if n != 1:
                    errors.append(f"{where}: find occurs {n} times: {f}")
            by_tv[(t, v)] += 1
            c[(t, v)] += 1
        by_draft[data["draft"]] = c

    types = ["duty", "timeline", "level", "local"]
    verdicts = ["conflict", "review", "consistent"]
    print("per draft (deviations = conflict+review):")
    for d, c in by_draft.items():
        dev = sum(n for (t, v), n in c.items() if v != "consistent")
        cons = sum(n for (t, v), n in c.items() if v == "consistent")
        print(f"  {d:40s} labels={sum(c.values()):3d} deviations={dev:3d} consistent={cons:3d}")
    print()
    print(f"{'type':10s}" + "".join(f"{v:>12s}" for v in verdicts) + f"{'total':>8s}")
    for t in types:
        row = [by_tv[(t, v)] for v in verdicts]
        print(f"{t:10s}" + "".join(f"{n:12d}" for n in row) + f"{sum(row):8d}")
    tot = [sum(by_tv[(t, v)] for t in types) for v in verdicts]
    print(f"{'total':10s}" + "".join(f"{n:12d}" for n in tot) + f"{sum(tot):8d}")
    dev_by_type = {t: by_tv[(t, 'conflict')] + by_tv[(t, 'review')] for t in types}
    print("deviations per type:", dev_by_type)

    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("\nOK: every find occurs exactly once in its draft")
    return 0


if __name__ == "__main__":
    sys.exit(main())
