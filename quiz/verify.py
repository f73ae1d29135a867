"""Check generated questions against the clauses they cite.

:func:`problems` returns what is wrong with one question (an empty list when
nothing is): the right answer must be written in a cited clause (compared
with wrap whitespace removed), the quote must come from a cited clause, and
no wrong option may be the right one under another name (gazetteer alias,
same duration, same number) or repeat another option.  Used by the tests and
by ``bench/quiz_check.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from plankb.extract.gazetteer import fold

from .distract import Pools
from .model import Question
from .text import NUM_RE, duration_seconds, squash

# The falsified value of a tf question: '（原文为“市公安局”，而非“市商务局”。）'.
_NOTE_RE = re.compile(r"（原文为“(?P<right>[^”]+)”，而非“(?P<wrong>[^”]+)”。）")
# Stems whose value is written by a template, not quoted from the clause:
# '…的市级处置主责部门是市应急局、市水务局。', '二级预警用橙色标示。', '橙色预警由分管市领导批准。'.
_TEMPLATES = (
    re.compile(r"预警用(?P<v>[^，。]+?)标示。$"),
    re.compile(r"由(?P<v>[^，。]+?)(?:批准|审批|负责发布和解除|启动)。$"),
    re.compile(r"的[^“”，]*?(?:是|为)(?P<v>[^“”]+?)。$"),
)
_REF_RE = re.compile(r"^根据《[^》]+》[^，]*，")
# The column name a row quote puts before the row number: '序号5' (see build.row_quote).
_ROW_LABEL_RE = re.compile(r"^\D{1,4}(?=[(（]?\d{1,3}[)）]?$)")


def _norm(text: str) -> str:
    return squash(text).replace(" ", "")


def equivalent(a: str, b: str, pools: Pools) -> bool:
    """``b`` is ``a`` under another name: same organisation, duration or number, or one inside the other."""
    if pools.same(a, b):
        return True
    da, db = duration_seconds(a), duration_seconds(b)
    if da is not None and da == db:
        return True
    ma, mb = NUM_RE.search(a), NUM_RE.search(b)
    return bool(ma and mb and NUM_RE.sub("", a) == NUM_RE.sub("", b) and float(ma["num"]) == float(mb["num"]))


def _written(value: str, texts: Sequence[str]) -> bool:
    v = _norm(value).strip("《》“”")
    return bool(v) and any(v in t for t in texts)


def _body_written(stem: str, texts: Sequence[str]) -> bool:
    """Every '……'-separated piece of a quoted-sentence stem is in a cited clause."""
    body = _REF_RE.sub("", stem)
    pieces = [p.strip("。；，") for p in _norm(body).split("……")]
    pieces = [p for p in pieces if p]
    return bool(pieces) and all(any(p in t for t in texts) for p in pieces)


def right_values(q: Question) -> list[str]:
    """The strings a correct answer consists of (for tf: the asserted values, see :func:`problems`)."""
    if q.type == "mcq":
        return [q.options[q.answer]]
    if q.type == "multi":
        return [q.options[i] for i in q.answer]
    if q.type == "cloze":
        return [q.answer]
    if q.type == "matching":
        return [x for pair in q.answer for x in pair]
    return []


def problems(q: Question, clause_text: Callable[[str], str], pools: Pools) -> list[str]:
    texts = [_norm(clause_text(c)) for c in (q.sources or (q.clause_id,))]
    out = []
    for piece in q.quote.split("；") if len(texts) > 1 else [q.quote]:
        if not all(_written(_ROW_LABEL_RE.sub("", cell), texts) for cell in piece.split("｜")):
            out.append(f"quote not in the cited clause(s): {piece[:40]}")
    for v in right_values(q):
        if not _written(v, texts):
            out.append(f"answer '{v}' not written in the cited clause(s)")
    if q.type in ("mcq", "multi"):
        right = set([q.answer] if q.type == "mcq" else q.answer)
        folded = [fold(o) for o in q.options]
        if len(set(folded)) != len(folded):
            out.append("duplicate options")
        for i, o in enumerate(q.options):
            if i in right:
                continue
            for r in right:
                if equivalent(q.options[r], o, pools):
                    out.append(f"distractor '{o}' is the answer '{q.options[r]}' under another name")
            if "以上都" in o or "都对" in o:
                out.append(f"'all of the above' option '{o}'")
    if q.type == "matching":
        rights = [fold(b) for _, b in q.answer]
        if len(set(rights)) != len(rights) or sorted(rights) != sorted(fold(o) for o in q.options):
            out.append("matching answers repeat or differ from the options")
    if q.type == "tf":
        out += _tf_problems(q, texts, pools)
    return out


def _tf_problems(q: Question, texts: Sequence[str], pools: Pools) -> list[str]:
    note = _NOTE_RE.search(q.explanation)
    if q.answer is True:
        if note:
            return ["a true statement with a falsification note"]
        if _body_written(q.stem, texts):
            return []
        for rx in _TEMPLATES:
            m = rx.search(q.stem)
            if m:
                return [] if all(_written(v, texts) for v in m["v"].split("、")) else [f"'{m['v']}' not in clause"]
        return ["true statement not found in the clause"]
    if not note:
        return ["a false statement without the original value"]
    right, wrong = note["right"], note["wrong"]
    out = []
    if not _written(right, texts):
        out.append(f"original value '{right}' not in the clause")
    if equivalent(right, wrong, pools):
        out.append(f"false variant '{wrong}' is the original '{right}' under another name")
    if wrong not in q.stem:
        out.append(f"false variant '{wrong}' not in the stem")
    return out
