#!/usr/bin/env python3
"""Validate the blind evaluation set for the short-answer feature ("ask").

Standard library only.  Usage:

    python3 check_questions.py [--questions questions.jsonl] [--corpus DIR]

Checks
  * every line is a JSON object with exactly the keys, in the documented order;
  * ids are unique and look like b001, b002, ...;
  * type is one of the 15 answer types, answerable is a bool, jurisdiction is
    北京市 / 平谷区 / 通州区 / null;
  * answerable questions: gold is a non-empty string, accept is non-empty,
    at least one clause; the gold itself, scored as if it were a system answer,
    is right under the scoring rule (so accept holds a gold-derived string and
    every must_include member occurs in the gold);
  * unanswerable questions: gold is null, accept / must_include / clauses are empty;
  * every clause: the file exists in the corpus, the quote is 10-40 characters
    (whitespace removed) and occurs, whitespace-insensitively, in the file
    starting within 15 lines of `line`;
  * near-miss clauses cited in notes ("Near-miss clause: FILE Lnn 「quote」")
    are checked the same way.
Prints counts per type, per jurisdiction and per answerability.  Exit code 1
on any error.

The scoring helpers `normalize`, `is_right` are the reference implementation
of the rule described in README.md and can be imported by a scorer.
"""
import argparse
import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

KEYS = ["id", "query", "type", "answerable", "jurisdiction", "gold", "accept",
        "must_include", "clauses", "notes"]
TYPES = ["who_leads", "who_approves", "who_starts", "who_reports_to", "who_post",
         "who_office", "who_other", "count", "enumeration", "duration", "interval",
         "date", "metadata", "threshold", "unanswerable"]
JURISDICTIONS = {"北京市", "平谷区", "通州区", None}
LINE_TOLERANCE = 15
QUOTE_MIN, QUOTE_MAX = 10, 40
MIN_PER_TYPE = 10
MIN_UNANSWERABLE = 25
MIN_TOTAL = 170

# Punctuation that carries meaning inside numbers and is therefore kept.
KEEP_PUNCT = set(".%‰:-/")


def normalize(text):
    """NFKC, drop whitespace, drop punctuation (Unicode category P*) except . % ‰ : - /"""
    text = unicodedata.normalize("NFKC", text or "")
    out = []
    for ch in text:
        if ch.isspace():
            continue
        if unicodedata.category(ch).startswith("P") and ch not in KEEP_PUNCT:
            continue
        out.append(ch)
    return "".join(out)


def is_right(answer, question):
    """Scoring rule for answerable questions (see README.md)."""
    a = normalize(answer)
    accept = [normalize(s) for s in question.get("accept") or []]
    must = [normalize(s) for s in question.get("must_include") or []]
    ok_accept = (not accept) or any(s and s in a for s in accept)
    ok_must = all(s in a for s in must)
    return ok_accept and ok_must


def is_right_unanswerable(answer):
    """An unanswerable question is answered right when the system says 不确定."""
    return "不确定" in normalize(answer)


class CorpusFile:
    def __init__(self, path):
        lines = path.read_text(encoding="utf-8").split("\n")
        chars, owner = [], []
        for no, line in enumerate(lines, 1):
            for ch in line:
                if not ch.isspace():
                    chars.append(ch)
                    owner.append(no)
        self.text = "".join(chars)
        self.owner = owner
        self.n_lines = len(lines)

    def start_lines(self, quote):
        q = re.sub(r"\s+", "", quote)
        found, start = [], 0
        while q:
            k = self.text.find(q, start)
            if k < 0:
                break
            found.append(self.owner[k])
            start = k + 1
        return found


def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default=str(here / "questions.jsonl"))
    ap.add_argument("--corpus", default=str(here.parents[3] / "corpus"))
    args = ap.parse_args()

    corpus_dir = Path(args.corpus)
    files = {}
    errors, warnings = [], []

    def err(qid, msg):
        errors.append(f"{qid}: {msg}")

    def check_quote(qid, fname, line, quote, what):
        if fname not in files:
            p = corpus_dir / fname
            if not p.is_file():
                err(qid, f"{what}: corpus file not found: {fname}")
                return
            files[fname] = CorpusFile(p)
        n = len(re.sub(r"\s+", "", quote))
        if not (QUOTE_MIN <= n <= QUOTE_MAX):
            err(qid, f"{what}: quote length {n} outside {QUOTE_MIN}-{QUOTE_MAX}: {quote!r}")
        hits = files[fname].start_lines(quote)
        if not hits:
            err(qid, f"{what}: quote not found in {fname}: {quote!r}")
        elif not any(abs(h - line) <= LINE_TOLERANCE for h in hits):
            err(qid, f"{what}: quote found at lines {hits[:5]}, not within "
                     f"{LINE_TOLERANCE} of line {line}: {quote!r}")

    seen = set()
    questions = []
    with open(args.questions, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                q = json.loads(raw)
            except json.JSONDecodeError as e:
                err(f"line {lineno}", f"invalid JSON: {e}")
                continue
            questions.append(q)
            qid = q.get("id", f"line {lineno}")
            if list(q.keys()) != KEYS:
                err(qid, f"keys/order {list(q.keys())} != {KEYS}")
            if not re.fullmatch(r"b\d{3,}", str(qid)):
                err(qid, "id must look like b001")
            if qid in seen:
                err(qid, "duplicate id")
            seen.add(qid)
            if not isinstance(q.get("query"), str) or not q["query"].strip():
                err(qid, "empty query")
            if q.get("type") not in TYPES:
                err(qid, f"unknown type {q.get('type')!r}")
            if not isinstance(q.get("answerable"), bool):
                err(qid, "answerable must be true/false")
            if q.get("jurisdiction") not in JURISDICTIONS:
                err(qid, f"bad jurisdiction {q.get('jurisdiction')!r}")
            for key in ("accept", "must_include", "clauses"):
                if not isinstance(q.get(key), list):
                    err(qid, f"{key} must be a list")
            if not isinstance(q.get("notes"), str) or not q["notes"].strip():
                err(qid, "notes must be a non-empty string")
            if any(not isinstance(s, str) or not s for s in (q.get("accept") or []) + (q.get("must_include") or [])):
                err(qid, "accept / must_include must hold non-empty strings")

            if (q.get("type") == "unanswerable") != (q.get("answerable") is False):
                err(qid, "type unanswerable <=> answerable false")

            if q.get("answerable") is True:
                if not isinstance(q.get("gold"), str) or not q["gold"].strip():
                    err(qid, "answerable question needs a gold string")
                if not q.get("accept"):
                    err(qid, "answerable question needs a non-empty accept list")
                if not q.get("clauses"):
                    err(qid, "answerable question needs at least one clause")
                if isinstance(q.get("gold"), str) and not is_right(q["gold"], q):
                    err(qid, "the gold answer does not pass its own accept/must_include "
                             f"(gold={q['gold']!r}, accept={q.get('accept')}, must={q.get('must_include')})")
                for s in q.get("accept") or []:
                    if len(normalize(s)) < 2:
                        warnings.append(f"{qid}: very short accept string {s!r}")
                if q.get("type") in ("count", "enumeration") and not q.get("must_include"):
                    warnings.append(f"{qid}: {q['type']} without must_include (members not listed in the text?)")
            elif q.get("answerable") is False:
                if q.get("gold") is not None:
                    err(qid, "unanswerable question must have gold null")
                if q.get("accept") or q.get("must_include") or q.get("clauses"):
                    err(qid, "unanswerable question must have empty accept / must_include / clauses")
                if is_right_unanswerable(q.get("query", "")):
                    warnings.append(f"{qid}: query itself contains 不确定")

            for i, c in enumerate(q.get("clauses") or []):
                if not isinstance(c, dict) or list(c.keys()) != ["file", "line", "quote"]:
                    err(qid, f"clause {i}: must be {{file, line, quote}} in that order")
                    continue
                if not isinstance(c["line"], int) or c["line"] < 1:
                    err(qid, f"clause {i}: line must be a positive integer")
                    continue
                check_quote(qid, c["file"], c["line"], c["quote"], f"clause {i}")

            for m in re.finditer(r"Near-miss clause: (\S+) L(\d+) 「([^」]+)」", q.get("notes") or ""):
                check_quote(qid, m.group(1), int(m.group(2)), m.group(3), "near-miss note")

    by_type = collections.Counter(q.get("type") for q in questions)
    by_jur = collections.Counter(str(q.get("jurisdiction")) for q in questions)
    by_ans = collections.Counter("answerable" if q.get("answerable") else "unanswerable" for q in questions)
    for t in TYPES:
        need = MIN_UNANSWERABLE if t == "unanswerable" else MIN_PER_TYPE
        if by_type[t] < need:
            errors.append(f"type {t}: {by_type[t]} questions, need at least {need}")
    if len(questions) < MIN_TOTAL:
        errors.append(f"only {len(questions)} questions, need at least {MIN_TOTAL}")
    covered = {c["file"] for q in questions for c in q.get("clauses") or [] if isinstance(c, dict)}
    for p in sorted(corpus_dir.glob("*.txt")):
        if p.name not in covered:
            errors.append(f"corpus file {p.name} is not cited by any question")

    print(f"questions: {len(questions)}")
    print("per type:")
    for t in TYPES:
        print(f"  {t:15s} {by_type[t]:4d}")
    print("per jurisdiction:")
    for j, n in sorted(by_jur.items()):
        print(f"  {j:6s} {n:4d}")
    print("answerability:", dict(by_ans))
    for w in warnings:
        print("WARNING", w)
    if errors:
        for e in errors:
            print("ERROR", e)
        print(f"FAILED: {len(errors)} error(s)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
