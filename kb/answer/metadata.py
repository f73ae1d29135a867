"""Document metadata: 文号, date of issue, issuer, full title, what it repeals.

The answer comes from the stored :class:`Document` fields, for the document
whose title carries the question's words best; a field the document does not
have is no answer (the Tongzhou plan has no 文号: unsure, not a guess).
"""

from __future__ import annotations

import re

from plankb.extract.model import DocType, Document, Span

from .evidence import coverage
from .parse import QUESTION_CHARS_RE
from .types import MetaField, Question

# Words of a metadata question that name the field, not the document.
FIELD_WORDS_RE = re.compile(r"文号|印发|发文|发布|字号|日期|哪天|全称|标题|废止|单位|机关|时间|什么|多少|哪个|谁|的|发的|印发文号|啥时候|时候")
# "《北京市突发事件总体应急预案（2016年修订）》（京政发〔2016〕14号）同时废止".
REPEAL_RE = re.compile(r"((?:《[^》]{4,60}》)?\s*[（(]?[\u4e00-\u9fff]{2,8}〔\d{4}〕\d+号[）)]?)[^。；]{0,10}?(?:同时)?废止")
MIN_TITLE_COVER = 0.75
# Words of a metadata question that name no document: "那个文件", "新", "市里".
GENERIC = frozenset(("那个", "这个", "文件", "市级", "区级", "施行", "以后", "之后", "哪个", "老文件", "那份"))


def title_terms(q: Question) -> tuple[str, ...]:
    """The words that name the document: "平谷总体预案什么时间发的" -> (平谷, 总体, 预案).
    Unlike a question's content words, 总体/预案/规划 and the district count here."""
    from plankb.extract.tokenizer import tokenizer  # the one jieba dictionary, as search's

    out = []
    for w in tokenizer().lcut(q.normal):
        if len(w) < 2 or FIELD_WORDS_RE.fullmatch(w) or QUESTION_CHARS_RE.search(w) or w in GENERIC:
            continue
        out.append(w)
    return tuple(dict.fromkeys(out))


def pick_document(q: Question, docs: list[Document]) -> tuple[Document | None, float]:
    """The document the question names, by its words found in title (and jurisdiction)."""
    terms = title_terms(q)
    scored = []
    for d in docs:
        where = f"{d.title} {d.jurisdiction} {d.meta('通知标题')}"
        c = coverage(terms, where) if terms else 0.0
        if q.jurisdiction and d.jurisdiction != q.jurisdiction:
            c *= 0.5
        if any(n not in where for n in q.subject.numbers):
            c = 0.0  # "2016年修订" names another edition than the one stored
        # A plan's own record beats its cover notice; both carry the same 文号.
        scored.append((c, d.doc_type is not DocType.NOTICE, d))
    if not scored:
        return None, 0.0
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    best = scored[0]
    if len(scored) > 1 and scored[1][0] == best[0] and scored[1][2].doc_number != best[2].doc_number and best[0] < 1.0:
        return None, best[0]  # two documents fit equally: ask, do not guess
    return best[2], best[0]


def field_value(f: MetaField, doc: Document, docs: list[Document]) -> tuple[str, Span | None]:
    if f is MetaField.NUMBER:
        return doc.doc_number, None
    if f is MetaField.ISSUER:
        return doc.issuer, None
    if f is MetaField.TITLE:
        return doc.title, None
    if f is MetaField.DATE:
        # The most precise date among the records of the same 文号 (the notice has the day).
        dates = [d.date for d in docs if doc.doc_number and d.doc_number == doc.doc_number and d.date] or [doc.date]
        return _say_date(max(dates, key=len)), None
    m = REPEAL_RE.search(doc.text)
    return (m.group(1).strip(), Span(m.start(1), m.end(1))) if m else ("", None)


def _say_date(iso: str) -> str:
    """2021-07-09 -> 2021年7月9日."""
    parts = [p for p in iso.split("-") if p]
    names = ("年", "月", "日")
    return "".join(f"{int(p)}{names[i]}" for i, p in enumerate(parts[:3])) if parts and all(p.isdigit() for p in parts) else iso
