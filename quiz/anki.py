"""Anki package (.apkg) with genanki: one note per question.

Model and deck ids are derived from fixed strings (the deck's from the quiz
title), and each note's GUID from the question id, so re-importing a
regenerated deck updates notes instead of duplicating them.  The collection
is written to a private temporary directory (genanki's own ``write_to_file``
leaves a temporary database behind).
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .model import TYPE_NAMES, Question, letter
from .paper import key_text, right_column

MODEL_NAME = "plankb 应急预案测验题 v1"
_FIELDS = ["题干", "选项", "答案", "解析", "出处", "题型"]
_CSS = ".card{font-family:sans-serif;font-size:20px;text-align:left;line-height:1.6} .src{font-size:14px;color:#555}"


def stable_id(name: str) -> int:
    """An id in Anki's range [2^30, 2^31) that depends on ``name`` only."""
    return (1 << 30) + int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) % (1 << 30)


def _model():  # -> genanki.Model
    import genanki

    return genanki.Model(
        stable_id(MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": f} for f in _FIELDS],
        templates=[{
            "name": "题卡",
            "qfmt": "<div class=\"type\">{{题型}}</div>{{题干}}<br>{{选项}}",
            "afmt": "{{FrontSide}}<hr id=\"answer\"><b>{{答案}}</b><p>{{解析}}</p><p class=\"src\">{{出处}}</p>",
        }],
        css=_CSS,
    )


def _fields(q: Question, seed: int) -> list[str]:
    e = html.escape
    if q.type in ("mcq", "multi", "matching"):
        column = right_column(q, seed) if q.type == "matching" else q.options
        opts = "<br>".join(f"{letter(i)}. {e(o)}" for i, o in enumerate(column))
        if q.type == "matching":
            opts = "<br>".join(f"{i + 1}. {e(a)}" for i, (a, _) in enumerate(q.answer)) + "<hr>" + opts
    elif q.type == "tf":
        opts = "正确 / 错误"
    else:
        opts = ""
    src = f"《{q.doc_title}》{q.section}（{q.clause_id}）：{q.quote}"
    return [e(q.stem), opts, e(key_text(q, seed)), e(q.explanation), e(src), e(TYPE_NAMES[q.type])]


def to_apkg(questions: Sequence[Question], title: str, seed: int = 0) -> tuple[bytes, str, str]:
    import genanki

    model = _model()
    deck = genanki.Deck(stable_id("plankb deck " + title), title)
    for q in questions:
        tags = [t.replace(" ", "_") for t in (q.topic, q.type, q.jurisdiction, q.doc_id) if t]
        deck.add_note(genanki.Note(model=model, fields=_fields(q, seed), guid=genanki.guid_for(q.id), tags=tags))
    package = genanki.Package(deck)
    with tempfile.TemporaryDirectory(prefix="plankb-apkg-") as tmp:
        db = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db)
        try:
            now = time.time()
            package.write_to_db(conn.cursor(), now, itertools.count(int(now * 1000)))
            conn.commit()
        finally:
            conn.close()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(db, "collection.anki2")
            z.writestr("media", "{}")
    return buf.getvalue(), "application/octet-stream", "apkg"
