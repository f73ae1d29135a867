"""Read a saved or pasted web page: its main text, tables as TSV rows, its metadata.

Decision (issue 13): the page is parsed with ``lxml.html`` (already installed
through python-docx) and the main content is picked by text density, by
hand, rather than with trafilatura or selectolax.  Measured on the
test fixture (tests/fixtures_formats.py: the master plan inside a
beijing.gov.cn-style page whose body sits in ``<div class="view
TRS_UEDITOR">``): trafilatura 2.3.1 ``extract(output_format="xml",
include_tables=True, include_formatting=True)`` kept the 114 table rows but
dropped every one of the page's 153 ``<h2>``-``<h6>`` headings (it kept them
only when the same body was wrapped in ``<article>``), so the numbered
sections (1 总则 … 2.3.6) that clause parsing needs were lost; it also pulls
11 packages (dateparser, babel, htmldate, courlan, justext…).  selectolax is
a fast parser with no main-content detection, so it would need the same
hand-written picking on top of a second HTML parser.

The picking: starting from ``<body>``, descend into the child that holds at
least 80 % of the non-link text until the text is spread over several
children; navigation, share bars and footers hold little text and many
links, so they fall away.  Inside the chosen node, blocks that are mostly
links or are known page chrome (分享到, 【打印本页】) are dropped.

Metadata come from ``<meta>`` tags (ArticleTitle, PubDate, ContentSource, …)
and from the 信息公开 header block (发文字号：…, 发文机关：…, 成文日期：…,
标题：…) wherever it is on the page; the block itself is not body text.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Errors, InputError

# A page or a pasted fragment: a doctype, an <html>/<head>/<body>/<meta> tag, or a
# block tag at the start, e.g. "<!DOCTYPE html>", "<div class=\"view\">", "<p>1 总则</p>".
HTML_START_RE = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|article|section|h[1-6])[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "form", "button", "iframe",
              "select", "textarea", "aside", "svg", "canvas", "object", "embed", "template")
_BLOCK_TAGS = frozenset(
    ["p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "address", "center", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "tbody", "thead", "tfoot", "caption", "hr", "br"]
)
_NO_DESCEND = frozenset(["table", "tbody", "thead", "tr", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote"])
_DOMINANT_SHARE = 0.8
# Page chrome that sits inside content containers on government sites:
# "分享到：微信 微博", "【打印本页】", "【关闭窗口】", "扫一扫在手机打开当前页".
CHROME_RE = re.compile(r"^(?:分享到|【?打印本?页|【?关闭(?:本页|窗口)|扫一扫|字号[:：]|当前位置[:：]|【?字体[:：])")
_SPACES_RE = re.compile(r"[ \t\r\n\u00a0\u3000]+")
_LABEL_SPACES_RE = re.compile(r"[\s\u3000]+")

# Labels of the 信息公开 header block and the field each fills; the value
# follows the label and a colon, in the same cell or the next one:
# "发文字号：京政发〔2021〕19号", "标　　题：" + next cell.
_FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("发文字号", "doc_number"), ("文号", "doc_number"), ("发文机关", "issuer"), ("发布机构", "issuer"),
    ("制发机关", "issuer"), ("成文日期", "date"), ("发布日期", "published"), ("标题", "title"), ("名称", "title"),
)
_LABELS = dict(_FIELD_LABELS)
# A label with its colon, the value after it: "发文字号：京政发〔2021〕19号".
_LABEL_VALUE_RE = re.compile(r"^(" + "|".join(lbl for lbl, _ in _FIELD_LABELS) + r")[:：](.*)$")
# <meta name=…> keys (lower case) and the field they fill.
_META_NAMES = {
    "articletitle": "title", "og:title": "title", "dc.title": "title", "dcterms.title": "title",
    "pubdate": "published", "publishdate": "published", "article:published_time": "published",
    "dc.date": "published", "firstpublishedtime": "published", "发布日期": "published",
    "contentsource": "issuer", "dc.publisher": "issuer", "发文机关": "issuer",
    "文号": "doc_number", "fwzh": "doc_number", "docnumber": "doc_number",
}
# Dates as pages write them: "2021年07月09日", "2021-09-09 10:00", "2021/9/9".
DATE_RE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
# The site name after the title in <title>: "…的通知_政策文件_首都之窗_北京市人民政府门户网站".
_TITLE_SUFFIX_RE = re.compile(r"\s*[_|｜—–-]\s*[^_|｜]*(?:网|网站|门户|首都之窗|政府|政策文件)[^《》]*$")


def looks_like_html(text: str) -> bool:
    """Whether decoded text is a web page or a pasted HTML fragment."""
    return bool(HTML_START_RE.match(text[:4096].lstrip("\ufeff")))


def load_html(text: str, *, label: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``(text, metadata)`` of a page: main-content lines and page metadata."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise InputError(Errors.E070.format(path=label, why=str(exc) or type(exc).__name__)) from exc
    meta = _meta_tags(root)
    etree.strip_elements(root, *_DROP_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    body = root.find("body")
    if body is None:
        body = root
    block = _header_block(body, meta)
    main = _main_node(body)
    lines = [ln for ln in _lines(main, skip=block) if not CHROME_RE.match(ln)]
    out = "\n".join(lines)
    if not out.strip():
        raise InputError(Errors.E013.format(path=label, kind="HTML"))
    return out, _finish_meta(meta)


# -- metadata -----------------------------------------------------------------


def _meta_tags(root: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or "").strip().lower()
        field = _META_NAMES.get(key)
        value = _SPACES_RE.sub(" ", el.get("content") or "").strip()
        if field and value and field not in meta:
            meta[field] = value
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        meta.setdefault("page_title", _TITLE_SUFFIX_RE.sub("", title.text_content().strip()))
    return meta


def _header_block(body: Any, meta: dict[str, str]) -> Any:
    """Read the 信息公开 block's fields into ``meta``; return its element (or None).

    Block values win over <meta> tags: they are what the page shows.
    """
    found: dict[str, str] = {}
    owner = None
    cells = [el for el in body.iter("td", "th", "li", "p", "span", "div", "dt", "dd", "label")
             if not any(True for _ in el.iter("td", "th", "li", "p", "div", "dt", "dd")) or el.tag in ("td", "th")]
    for i, el in enumerate(cells):
        text = _LABEL_SPACES_RE.sub("", el.text_content())
        m = _LABEL_VALUE_RE.match(text) if len(text) <= 160 else None
        if not m:
            continue
        value = m.group(2)
        if not value and i + 1 < len(cells):
            value = _SPACES_RE.sub(" ", cells[i + 1].text_content()).strip()
        field = _LABELS[m.group(1)]
        if value and not _LABEL_VALUE_RE.match(_LABEL_SPACES_RE.sub("", value)) and field not in found:
            found[field] = value
            owner = el if owner is None else _common_ancestor(owner, el)
    if len(found) < 2:  # one "标题：" line inside the text is not a header block
        return None
    meta.update(found)
    return owner


def _common_ancestor(a: Any, b: Any) -> Any:
    ancestors = {id(x) for x in a.iterancestors()} | {id(a)}
    for x in b.iterancestors():
        if id(x) in ancestors:
            return x
    return b


def _finish_meta(meta: dict[str, str]) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    title = meta.get("title") or meta.get("page_title", "")
    if title:
        out["title"] = title
    if meta.get("doc_number"):
        out["doc_number"] = _LABEL_SPACES_RE.sub("", meta["doc_number"])
    date = _iso_date(meta.get("date", "")) or _iso_date(meta.get("published", ""))
    if date:
        out["date"] = date
    if meta.get("issuer"):
        out["issuer"] = meta["issuer"]
    return tuple(out.items())


def _iso_date(text: str) -> str:
    m = DATE_RE.search(text)
    if not m:
        return ""
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


# -- main content -------------------------------------------------------------


def _text_len(el: Any) -> int:
    """Characters of text outside links (links are navigation)."""
    total = len(_SPACES_RE.sub("", el.text_content()))
    links = sum(len(_SPACES_RE.sub("", a.text_content())) for a in el.iter("a"))
    return max(0, total - links)


def _main_node(body: Any) -> Any:
    node = body
    while node.tag not in _NO_DESCEND:
        total = _text_len(node)
        if total == 0:
            break
        children = [c for c in node if isinstance(c.tag, str)]
        best = max(children, key=_text_len, default=None)
        if best is None or _text_len(best) < _DOMINANT_SHARE * total:
            break
        node = best
    return node


def _lines(node: Any, *, skip: Any = None) -> list[str]:
    """The text of ``node`` as lines: blocks end lines, headings get ``#``, tables are TSV."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = _SPACES_RE.sub(" ", "".join(buf)).strip()
        buf.clear()
        if text:
            lines.append(text)

    def walk(el: Any) -> None:
        if skip is not None and el is skip:
            return
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and not any(True for _ in el.iterdescendants("table")):
            flush()
            lines.extend(_table_lines(el))
            return
        if tag in _BLOCK_TAGS or tag in ("td", "th"):
            flush()
        if _is_link_block(el):
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _SPACES_RE.sub(" ", el.text_content()).strip()
            if text:
                lines.append("#" * int(tag[1]) + " " + text)
            return
        if el.text and tag:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if tag in _BLOCK_TAGS or tag in ("td", "th"):
            flush()

    walk(node)
    flush()
    return lines


def _is_link_block(el: Any) -> bool:
    # A block that is mostly links: a "related links" list or a share bar.
    if el.tag not in ("div", "ul", "ol", "p", "section", "dl", "li"):
        return False
    total = len(_SPACES_RE.sub("", el.text_content()))
    if total == 0:
        return False
    links = sum(len(_SPACES_RE.sub("", a.text_content())) for a in el.iter("a"))
    return links >= 0.6 * total


def _table_lines(table: Any) -> list[str]:
    """One TSV line per row; a spanned cell's text appears once, in its first grid position."""
    grid: list[list[str]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in table.iter("tr"):
        row: list[str] = []
        col = 0
        cells = [c for c in tr if c.tag in ("td", "th")]
        for cell in cells:
            while pending.get(col, 0) > 0:
                row.append("")
                pending[col] -= 1
                col += 1
            text = _SPACES_RE.sub(" ", cell.text_content()).strip().replace("\t", " ")
            span = _int(cell.get("colspan"))
            down = _int(cell.get("rowspan"))
            row.append(text)
            row.extend([""] * (span - 1))
            for k in range(col, col + span):
                if down > 1:
                    pending[k] = down - 1
            col += span
        while pending.get(col, 0) > 0:
            row.append("")
            pending[col] -= 1
            col += 1
        if any(row):
            grid.append(row)
    width = max((len(r) for r in grid), default=0)
    if width < 2:  # a boxed paragraph, not a table: keep its lines as text
        return [r[0] for r in grid if r and r[0]]
    return ["\t".join(r + [""] * (width - len(r))) for r in grid]


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1
