"""A printable HTML paper: the questions by type, then the answer key on a new page.

Self-contained (inline CSS, no scripts); every text goes through
:func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from .model import TYPE_NAMES, TYPES, Question, answer_text, letter

_PARTS = "一二三四五六七八九十"
_CSS = """
body{font-family:"Noto Serif CJK SC","Songti SC",SimSun,serif;max-width:48em;margin:2em auto;line-height:1.7;color:#111}
h1{text-align:center;font-size:1.5em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #999}
.meta{text-align:center;color:#444} ol.opts{list-style:upper-alpha;margin:.2em 0 .8em 1.5em}
li.q{margin:.6em 0;break-inside:avoid} table.match{border-collapse:collapse;margin:.4em 0}
table.match td{padding:.15em .8em;vertical-align:top} .src,.expl{color:#333;font-size:.92em}
section.key{break-before:page;page-break-before:always} .ans{font-weight:bold}
@media print{body{margin:0;max-width:none}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _body(q: Question) -> str:
    out = [f'<p class="stem">{_e(q.stem)}</p>']
    if q.type in ("mcq", "multi"):
        out.append('<ol class="opts">' + "".join(f"<li>{_e(o)}</li>" for o in q.options) + "</ol>")
    elif q.type == "tf":
        out.append('<p class="opts">（　）正确　　（　）错误</p>')
    elif q.type == "matching":
        rows = []
        for i, (left, _) in enumerate(q.answer):
            right = q.options[i] if i < len(q.options) else ""
            rows.append(f"<tr><td>{i + 1}. {_e(left)}</td><td>（　）</td><td>{letter(i)}. {_e(right)}</td></tr>")
        out.append('<table class="match">' + "".join(rows) + "</table>")
    return "".join(out)


def _key(q: Question) -> str:
    ans = answer_text(q)
    if q.type == "matching":
        pos = {o: letter(i) for i, o in enumerate(q.options)}
        ans = "；".join(f"{i + 1}—{pos.get(b, '?')}（{b}）" for i, (_, b) in enumerate(q.answer))
    src = f"出处：《{q.doc_title}》{q.section}（{q.clause_id}）" if q.doc_title else f"出处：{q.section}（{q.clause_id}）"
    return (f'<span class="ans">答案：{_e(ans)}</span>'
            f'<p class="expl">解析：{_e(q.explanation)}</p><p class="src">{_e(src)}</p>')


def to_html(questions: Sequence[Question], title: str) -> tuple[bytes, str, str]:
    parts, keys, n = [], [], 0
    present = [t for t in TYPES if any(q.type == t for q in questions)]
    for p, t in enumerate(present):
        qs = [q for q in questions if q.type == t]
        items = "".join(f'<li class="q" id="{_e(q.id)}">{_body(q)}</li>' for q in qs)
        head = f"{_PARTS[p]}、{TYPE_NAMES[t]}（共 {len(qs)} 题）"
        parts.append(f'<section class="part"><h2>{_e(head)}</h2><ol start="{n + 1}">{items}</ol></section>')
        keys += [f'<li value="{n + 1 + i}">{_key(q)}</li>' for i, q in enumerate(qs)]
        n += len(qs)
    doc = (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1><p class=\"meta\">共 {n} 题　姓名：＿＿＿＿　单位：＿＿＿＿　得分：＿＿＿＿</p></header>"
        + "".join(parts)
        + f'<section class="key"><h1>{_e(title)} · 答案与解析</h1><ol>{"".join(keys)}</ol></section>'
        "</body></html>\n"
    )
    return doc.encode("utf-8"), "text/html; charset=utf-8", "html"
