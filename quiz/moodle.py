"""Moodle XML: one <question> per question, in a category named after the quiz.

Question texts, options and feedback are HTML (``format="html"``), escaped
with :func:`html.escape` before ElementTree escapes them again as XML.  Short
answers and matching answers are plain strings, as Moodle compares them.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .model import Question

_QTYPE = {"mcq": "multichoice", "multi": "multichoice", "tf": "truefalse", "cloze": "shortanswer",
          "matching": "matching"}


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = html.escape(value, quote=False) if fmt == "html" else value
    return el


def _fraction(w: float) -> str:
    return f"{w:.5f}".rstrip("0").rstrip(".")


def _answer(parent: ET.Element, fraction: float, value: str, fmt: str = "html") -> None:
    a = _text(parent, "answer", value, fmt)
    a.set("fraction", _fraction(fraction))
    _text(a, "feedback", "")


def _question(quiz: ET.Element, q: Question) -> None:
    el = ET.SubElement(quiz, "question", {"type": _QTYPE[q.type]})
    _text(el, "name", f"{q.id} {q.topic}", None)
    _text(el, "questiontext", q.stem)
    _text(el, "generalfeedback", q.explanation)
    ET.SubElement(el, "defaultgrade").text = "1"
    ET.SubElement(el, "penalty").text = "0.3333333" if q.type != "tf" else "1"
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = q.id
    if q.type in ("mcq", "multi"):
        ET.SubElement(el, "single").text = "true" if q.type == "mcq" else "false"
        ET.SubElement(el, "shuffleanswers").text = "true"
        ET.SubElement(el, "answernumbering").text = "ABCD"
        right = {q.answer} if q.type == "mcq" else set(q.answer)
        wrong = len(q.options) - len(right)
        for i, o in enumerate(q.options):
            if q.type == "mcq":
                w = 100.0 if i in right else 0.0
            else:
                w = 100 / len(right) if i in right else -min(100 / max(wrong, 1), 50)
            _answer(el, w, o)
    elif q.type == "tf":
        _answer(el, 100 if q.answer else 0, "true", "moodle_auto_format")
        _answer(el, 0 if q.answer else 100, "false", "moodle_auto_format")
    elif q.type == "cloze":
        ET.SubElement(el, "usecase").text = "0"
        for a in (q.answer, *q.accept):
            _answer(el, 100, a, "moodle_auto_format")
    elif q.type == "matching":
        ET.SubElement(el, "shuffleanswers").text = "true"
        for left, right_text in q.answer:
            sub = _text(el, "subquestion", left)
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = right_text
    tags = ET.SubElement(el, "tags")
    for t in (q.topic, q.jurisdiction, q.doc_id, f"difficulty-{q.difficulty}"):
        if t:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = t


def to_moodle_xml(questions: Sequence[Question], title: str) -> tuple[bytes, str, str]:
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    _text(cat, "category", f"$course$/top/{title.replace('/', '／')}", None)
    for q in questions:
        _question(quiz, q)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n", "application/xml", "xml"
