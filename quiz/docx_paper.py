"""A Word (.docx) paper written with python-docx: title, 姓名/单位/得分 line, the
questions by type, and the answer key after a page break.

The layout is the HTML paper's (:mod:`quiz.paper`): same parts, same numbering,
same shuffled right-hand column for matching questions, so a trainer can print
either and use the same key.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from .model import Question, letter
from .paper import HEAD_LINE, key_text, parts, right_column, source_text

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "SimSun"  # 宋体: present in every Chinese Word install


def _east_asian_font(doc, name: str) -> None:  # noqa: ANN001 - a docx.Document
    """Word picks the font of CJK text from w:eastAsia, which python-docx's font.name does not set."""
    from docx.oxml.ns import qn

    style = doc.styles["Normal"]
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _question(doc, no: int, q: Question, seed: int) -> None:  # noqa: ANN001
    doc.add_paragraph(f"{no}. {q.stem}")
    if q.type in ("mcq", "multi"):
        for i, o in enumerate(q.options):
            doc.add_paragraph(f"{letter(i)}. {o}").paragraph_format.left_indent = _indent()
    elif q.type == "tf":
        doc.add_paragraph("（　）正确　　（　）错误").paragraph_format.left_indent = _indent()
    elif q.type == "matching":
        column = right_column(q, seed)
        table = doc.add_table(rows=len(q.answer), cols=3)
        for i, (left, _) in enumerate(q.answer):
            cells = table.rows[i].cells
            cells[0].text = f"{i + 1}. {left}"
            cells[1].text = "（　）"
            cells[2].text = f"{letter(i)}. {column[i]}"


def _indent():  # noqa: ANN202 - a docx Length
    from docx.shared import Cm

    return Cm(0.75)


def to_docx(questions: Sequence[Question], title: str, seed: int = 0) -> tuple[bytes, str, str]:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    doc = Document()
    _east_asian_font(doc, FONT)
    doc.core_properties.title = title
    doc.core_properties.author = "plankb"
    doc.add_heading(title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"共 {len(questions)} 题　{HEAD_LINE}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    grouped = parts(questions)
    for head, numbered in grouped:
        doc.add_heading(head, level=1)
        for no, q in numbered:
            _question(doc, no, q, seed)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(f"{title} · 答案与解析", level=1)
    for _, numbered in grouped:
        for no, q in numbered:
            doc.add_paragraph(f"{no}. 答案：{key_text(q, seed)}")
            doc.add_paragraph(f"解析：{q.explanation}").paragraph_format.left_indent = _indent()
            doc.add_paragraph(source_text(q)).paragraph_format.left_indent = _indent()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue(), MIMETYPE, "docx"
