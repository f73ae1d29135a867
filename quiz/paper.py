"""A printable HTML paper: the questions by type, then the answer key on a new page.

Self-contained (inline CSS, no scripts); every text goes through
:func:`html.escape`.  The layout (parts by type, the shuffled right-hand
column of matching questions, the key) is shared with the Word paper in
:mod:`quiz.docx_paper`.
"""

from __future__ import annotations

import html
import random
from collections.abc import Sequence

from .model import TYPE_NAMES, TYPES, Question, answer_text, letter

_PARTS = "一二三四五六七八九十"
HEAD_LINE = "姓名：＿＿＿＿＿＿　单位：＿＿＿＿＿＿　得分：＿＿＿＿"
_CSS = """
body{font-family:"Noto Serif CJK SC","Songti SC",SimSun,serif;max-width:48em;margin:2em auto;line-height:1.7;color:#111}
h1{text-align:center;font-size:1.5em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #999}
.meta{text-align:center;color:#444} ol.opts{list-style:upper-alpha;margin:.2em 0 .8em 1.5em}
li.q{margin:.6em 0;break-inside:avoid} table.match{border-collapse:collapse;margin:.4em 0}
table.match td{padding:.15em .8em;vertical-align:top} .src,.expl{color:#333;font-size:.92em}
section.key{break-before:page;page-break-before:always} .ans{font-weight:bold}
@media print{body{margin:0;max-width:none}}
"""


def right_column(q: Question, seed: int) -> list[str]:
    """The right-hand items of a matching question in the order a paper prints them.

    Shuffled with a generator seeded by the quiz seed and the question id, so a
    paper is the same for the same seed; an order that would pair every left item
    with the item beside it (key 1—A；2—B；3—C) is rotated by one, as it gives the
    answers away.
    """
    rights = [b for _, b in q.answer]
    order = list(rights)
    random.Random(f"{seed}|paper|{q.id}").shuffle(order)
    if len(order) > 1 and order == rights:
        order = order[1:] + order[:1]
    return order


def matching_key(q: Question, seed: int) -> str:
    """'1—C；2—A；3—B' for the printed order of :func:`right_column`."""
    pos = {o: letter(i) for i, o in enumerate(right_column(q, seed))}
    return "；".join(f"{i + 1}—{pos[b]}" for i, (_, b) in enumerate(q.answer))


def key_text(q: Question, seed: int) -> str:
    """The answer as the key prints it (matching: letters of the printed column, then the pairs)."""
    if q.type == "matching":
        return matching_key(q, seed) + "（" + "；".join(f"{a} → {b}" for a, b in q.answer) + "）"
    return answer_text(q)


def source_text(q: Question) -> str:
    return f"出处：《{q.doc_title}》{q.section}（{q.clause_id}）" if q.doc_title else f"出处：{q.section}（{q.clause_id}）"


def parts(questions: Sequence[Question]) -> list[tuple[str, list[tuple[int, Question]]]]:
    """Questions by type in the order of ``TYPES``: (part heading, [(number, question)])."""
    out, n = [], 0
    present = [t for t in TYPES if any(q.type == t for q in questions)]
    for p, t in enumerate(present):
        qs = [q for q in questions if q.type == t]
        out.append((f"{_PARTS[p]}、{TYPE_NAMES[t]}（共 {len(qs)} 题）", [(n + 1 + i, q) for i, q in enumerate(qs)]))
        n += len(qs)
    return out


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _body(q: Question, seed: int) -> str:
    out = [f'<p class="stem">{_e(q.stem)}</p>']
    if q.type in ("mcq", "multi"):
        out.append('<ol class="opts">' + "".join(f"<li>{_e(o)}</li>" for o in q.options) + "</ol>")
    elif q.type == "tf":
        out.append('<p class="opts">（　）正确　　（　）错误</p>')
    elif q.type == "matching":
        column = right_column(q, seed)
        rows = []
        for i, (left, _) in enumerate(q.answer):
            right = column[i] if i < len(column) else ""
            rows.append(f"<tr><td>{i + 1}. {_e(left)}</td><td>（　）</td><td>{letter(i)}. {_e(right)}</td></tr>")
        out.append('<table class="match">' + "".join(rows) + "</table>")
    return "".join(out)


def _key(q: Question, seed: int) -> str:
    return (f'<span class="ans">答案：{_e(key_text(q, seed))}</span>'
            f'<p class="expl">解析：{_e(q.explanation)}</p><p class="src">{_e(source_text(q))}</p>')


def to_html(questions: Sequence[Question], title: str, seed: int = 0) -> tuple[bytes, str, str]:
    sections, keys = [], []
    for head, numbered in parts(questions):
        items = "".join(f'<li class="q" id="{_e(q.id)}">{_body(q, seed)}</li>' for _, q in numbered)
        sections.append(f'<section class="part"><h2>{_e(head)}</h2><ol start="{numbered[0][0]}">{items}</ol></section>')
        keys += [f'<li value="{no}">{_key(q, seed)}</li>' for no, q in numbered]
    doc = (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1><p class=\"meta\">共 {len(questions)} 题　{HEAD_LINE}</p></header>"
        + "".join(sections)
        + f'<section class="key"><h1>{_e(title)} · 答案与解析</h1><ol>{"".join(keys)}</ol></section>'
        "</body></html>\n"
    )
    return doc.encode("utf-8"), "text/html; charset=utf-8", "html"
