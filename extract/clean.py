"""Cleaning converted text into paragraphs, keeping a map back to the source.

Real inputs come from PDF and Word conversions: hard-wrapped lines (file 003
wraps every ~26 characters, even inside "每 30 分 / 钟"), page numbers
("— 25 —"), page-start spaces, Word ``[bookmark: …]`` markers, tables of
contents with dot leaders, Markdown emphasis.  :func:`clean` returns one
paragraph per line of the cleaned text and an :class:`OffsetMap` so every
cleaned character points at its position in the original text.

The cleaner only deletes characters, replaces one character by one
(full-width digits) or inserts the newline that ends a paragraph; that keeps
the offset map a plain per-character array.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import OffsetMap
from .tables import markup_rows

# Word bookmark markers, before any other step: "[bookmark: _Toc1422]".
BOOKMARK_RE = re.compile(r"\[bookmark: [^\]]*\]")
# Markdown emphasis and the HTML bold tags of converted tables: "**…**", "<b>自然灾害类</b>".
EMPHASIS_RE = re.compile(r"\*\*|</?b>|</?strong>")
# Markdown heading / bullet prefixes: "#### 1.4 突发事件分类分级", "- 1.1 目的与意义".
MD_PREFIX_RE = re.compile(r"^(?:#{1,6}\s+|[-*]\s+(?=\S))")
# Page numbers left by PDF conversion: "— 25 —", " — ２ — ", "- 3 -".
PAGE_NUMBER_RE = re.compile(r"^[—–\-－]{1,2}\s*[0-9０-９]{1,4}\s*[—–\-－]{1,2}$")
# A table-of-contents heading: "目 录", "### 目 录", "CONTENTS".
TOC_HEAD_RE = re.compile(r"^(?:目\s*录|CONTENTS)$")
# A TOC entry's page reference: dot leaders and/or a TAB then a page number,
# "(一) 应急管理体系不断健全\t7", "…的通知..... 1", "..... (18)".
TOC_PAGE_RE = re.compile(r"(?:\.{2,}|…{1,}|\t)\s*[\(（]?\d{1,4}[\)）]?$")
# Headings a wrapped line must not run into.  Examples: "1.1 目的", "（二）",
# "二、", "(3)", "第二章", "专栏1", "①", "3.l 监测" (letter l for digit 1).
HEADING_START_RE = re.compile(
    r"^(?:\d{1,2}(?:\.[\dl]{1,2})+\s?\S|\d{1,2}\s+\S{2,20}$|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]{1,3}[章节条]|专栏\s*\d|[①-⑳]|——)"
)
# A title line ends a paragraph even without punctuation: "…发展规划》的通知".
TITLE_END_RE = re.compile(r"(?:的通知|规划|预案|方案|计划|意见|决定|办法|汇编|[)）])$")
# A row of a flattened table: number, then cells separated by spaces:
# "9 平谷区城市公共供水突发事件应急预案 区水务局".
FLAT_ROW_RE = re.compile(r"^\d{1,3}\s+\S+\s+\S+$")
TERMINAL = "。；：！？:;!?"
# A line that opens with a bracketed number of three digits or more continues the line before:
# list numbers have one or two digits, so this is a hotline number naming what precedes it,
# cut off by a page break: "3.1.5 市紧急报警服务中心(110)和市市民热线服务中心" + "(12345)负责受理…"
# (master plan, corpus l.519–521; left apart, the first half read as a heading).
HOTLINE_NEXT_RE = re.compile(r"^[（(]\d{3,}[)）]\S")
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９％", "0123456789%")
# "3.l 监测与风险管控": OCR letter l for digit 1 inside a heading number.
ELL_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.l(?=[\s.\u4e00-\u9fff]|$)")
SPACE_CHARS = " \u3000\u00a0"


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Cleaned text (one paragraph per line) and its map to the source."""

    text: str
    offsets: OffsetMap
    wrapped: bool  # whether hard-wrapped lines were re-flowed


class _Line:
    """One source line as a list of kept characters with their positions."""

    __slots__ = ("chars", "pos", "end", "tabbed")

    def __init__(self, chars: list[str], pos: list[int], end: int, tabbed: bool) -> None:
        self.chars = chars
        self.pos = pos
        self.end = end  # source offset of the line's newline (or end of text)
        self.tabbed = tabbed  # begins with a TAB: a table cell in Word exports

    @property
    def text(self) -> str:
        return "".join(self.chars)


def _delete(line: _Line, pattern: re.Pattern[str]) -> None:
    text = line.text
    keep = [True] * len(text)
    for m in pattern.finditer(text):
        for i in range(m.start(), m.end()):
            keep[i] = False
    line.chars = [c for c, k in zip(line.chars, keep) if k]
    line.pos = [p for p, k in zip(line.pos, keep) if k]


def _strip(line: _Line) -> None:
    """Strip spaces at both ends, but keep TABs: they separate table cells."""
    while line.chars and line.chars[0] in SPACE_CHARS:
        del line.chars[0], line.pos[0]
    while line.chars and line.chars[-1] in SPACE_CHARS + "\r":
        del line.chars[-1], line.pos[-1]


def _source_lines(raw: str) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    n = len(raw)
    while start <= n:
        end = raw.find("\n", start)
        if end < 0:
            end = n
        chunk = raw[start:end].translate(FULLWIDTH_DIGITS)
        line = _Line(list(chunk), list(range(start, end)), end, False)
        _delete(line, BOOKMARK_RE)
        _strip(line)
        _delete(line, MD_PREFIX_RE)
        _delete(line, EMPHASIS_RE)
        _strip(line)
        line.tabbed = bool(line.chars) and line.chars[0] == "\t"
        m = ELL_NUMBER_RE.match(line.text)
        if m:
            line.chars[m.end() - 1] = "1"
        lines.append(line)
        if end == n:
            break
        start = end + 1
    _markup_tables(lines)
    return lines


def _markup_tables(lines: list[_Line]) -> None:
    """Markdown pipe tables and one-line HTML rows become TSV rows (extract/tables.py).

    Markup is deleted and each cell boundary becomes one TAB that maps to the
    boundary's first source character, so the offset map still holds; a
    separator row (``|---|``) or ``<table>`` line becomes empty and is dropped.
    """
    for line, cells in zip(lines, markup_rows([ln.text for ln in lines])):
        if cells is None:
            continue
        chars: list[str] = []
        pos: list[int] = []
        for k, (a, b) in enumerate(cells):
            if k:
                chars.append("\t")
                pos.append(line.pos[a - 1])
            while a < b and line.chars[a] in SPACE_CHARS:
                a += 1
            while b > a and line.chars[b - 1] in SPACE_CHARS:
                b -= 1
            chars += line.chars[a:b]
            pos += line.pos[a:b]
        line.chars, line.pos = chars, pos
        line.tabbed = False  # one markup line is one whole row, never a Word cell to glue


# Punctuation that Chinese fonts set full width although it sits below U+2E80.
_WIDE = frozenset("\u2014\u2018\u2019\u201c\u201d\u2026\u00b7")


def _width(s: str) -> int:
    return sum(2 if ord(c) >= 0x2E80 or c in _WIDE else 1 for c in s)


def _norm(s: str) -> str:
    s = TOC_PAGE_RE.sub("", s)
    return re.sub(r"[\s.…\-#]", "", s)


def _drop_tocs(lines: list[_Line | None]) -> None:
    """Blank out tables of contents (they would be read as headings twice).

    A TOC with page numbers ends where entries stop carrying them; one
    without (the master plan's) ends where its first entry recurs in the body.
    """
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line is None or not TOC_HEAD_RE.match(line.text.replace("\t", "")):
            i += 1
            continue
        entries = [j for j in range(i + 1, min(n, i + 40)) if lines[j] is not None and lines[j].text]
        if not entries:
            i += 1
            continue
        paged = sum(1 for j in entries[:12] if TOC_PAGE_RE.search(lines[j].text)) >= 2
        end = i + 1
        if paged:
            # Entries wrap over up to four lines; the last one carries the page.
            j = i + 1
            while j < n:
                cur = lines[j]
                if cur is None or not cur.text:
                    j += 1
                    continue
                if TOC_PAGE_RE.search(cur.text):
                    end = j + 1
                    j += 1
                    continue
                ahead = [k for k in range(j + 1, min(n, j + 9)) if lines[k] is not None and lines[k].text][:4]
                hit = next((k for k in ahead if TOC_PAGE_RE.search(lines[k].text)), None)
                if hit is None or _width(cur.text) >= 90:
                    break
                j = hit
        else:
            first = _norm(lines[entries[0]].text)
            j = entries[0] + 1
            while j < min(n, i + 400):
                cur = lines[j]
                if cur is not None and cur.text and _norm(cur.text) == first:
                    end = j
                    break
                j += 1
            else:
                end = i + 1  # no recurrence: only drop the TOC heading
        for j in range(i, end):
            lines[j] = None
        i = max(end, i + 1)


def _is_wrapped(lines: list[_Line | None]) -> tuple[bool, int]:
    """Detect hard-wrapped PDF text: most lines fill a fixed width."""
    widths = sorted(_width(ln.text) for ln in lines if ln is not None and len(ln.text) >= 4 and "\t" not in ln.text)
    if len(widths) < 20:
        return False, 0
    full = widths[int(len(widths) * 0.8)]
    if not 36 <= full <= 90:
        return False, full
    near = sum(1 for w in widths if full - 6 <= w <= full + 6)
    return near / len(widths) >= 0.45, full


def _ends_sentence(s: str) -> bool:
    s = s.rstrip("”’\"）)」*")
    return bool(s) and s[-1] in TERMINAL


def clean(raw: str) -> Cleaned:
    """Clean converted text into paragraphs with a source offset map."""
    lines: list[_Line | None] = list(_source_lines(raw))
    for idx, line in enumerate(lines):
        if line is not None and PAGE_NUMBER_RE.match(line.text):
            lines[idx] = None
    _drop_tocs(lines)
    wrapped, full = _is_wrapped(lines)

    out_chars: list[str] = []
    out_pos: list[int] = []
    content = [ln for ln in lines if ln is not None and ln.text.strip(" \t")]
    # Word tables put each cell on its own TAB-led line, a blank line between
    # rows: glue a row's cells into one TSV line before re-flowing.
    merged: list[_Line] = []
    prev_idx = -2
    index_of = {id(ln): k for k, ln in enumerate(lines) if ln is not None}
    for ln in content:
        k = index_of[id(ln)]
        if ln.tabbed and merged and merged[-1].tabbed and k == prev_idx + 1:
            last = merged[-1]
            last.chars += ln.chars
            last.pos += ln.pos
            last.end = ln.end
        else:
            merged.append(_Line(list(ln.chars), list(ln.pos), ln.end, ln.tabbed))
        prev_idx = k
    for n, ln in enumerate(merged):
        out_chars += ln.chars
        out_pos += ln.pos
        nxt = merged[n + 1] if n + 1 < len(merged) else None
        if nxt is None:
            break
        if _joins(ln.text, nxt.text, wrapped, full):
            if out_chars and out_chars[-1].isascii() and out_chars[-1].isalnum() and nxt.text[:1].isascii() and nxt.text[:1].isalnum():
                out_chars.append(" ")
                out_pos.append(ln.end)
            continue
        out_chars.append("\n")
        out_pos.append(ln.end)
    text, pos = _squeeze_spaces(out_chars, out_pos)
    pos.append(pos[-1] + 1 if pos else 0)
    return Cleaned(text, OffsetMap(pos), wrapped)


def _joins(cur: str, nxt: str, wrapped: bool, full: int) -> bool:
    """Whether the paragraph of line ``cur`` continues on line ``nxt``."""
    if "\t" in cur or "\t" in nxt:
        return False
    heading_next = bool(HEADING_START_RE.match(nxt))
    if FLAT_ROW_RE.match(nxt):
        return False  # a row of a table flattened by PDF conversion
    if wrapped:
        if _width(cur) < full - 6:
            return False
        # A sentence end followed by a heading, signature or title ends it.
        return not (_ends_sentence(cur) and (heading_next or (_width(nxt) < full - 6 and not _ends_sentence(nxt))))
    # One paragraph per line: only page breaks split a sentence.
    if HOTLINE_NEXT_RE.match(nxt) and not _ends_sentence(cur):
        return True
    if _ends_sentence(cur) or heading_next or _width(cur) < 50 or TITLE_END_RE.search(cur):
        return False
    return not nxt.startswith(("#", "-", "<", "|"))


# Spaces PDF conversion leaves between digits and Chinese: "每 30 分钟",
# "2022 年 11 月底前", "北京市 II 级".  The first space after a leading number
# stays: it separates "1 总则" and the cells of flattened tables.
_CJK = r"\u3400-\u9fff\uff08\uff09\u3001-\u3011\uff0c\uff1a\uff1b"
SQUEEZE_RE = re.compile(
    rf"(?<=[{_CJK}])[ \u3000]+(?=[0-9A-Za-z%.<>≤≥≦≧])|(?<=[0-9A-Za-z%‰])[ \u3000]+(?=[{_CJK}%‰])"
)
LEADING_NUMBER_RE = re.compile(r"^\s*\d{1,3}(?:\.\d{1,2})*[ \u3000]")


def _squeeze_spaces(chars: list[str], pos: list[int]) -> tuple[str, list[int]]:
    text = "".join(chars)
    keep = [True] * len(text)
    line_start = 0
    for line in text.split("\n"):
        if "\t" not in line:
            lead = LEADING_NUMBER_RE.match(line)
            protect = lead.end() - 1 if lead else -1
            for m in SQUEEZE_RE.finditer(line):
                if m.start() <= protect < m.end():
                    continue
                for i in range(m.start(), m.end()):
                    keep[line_start + i] = False
        line_start += len(line) + 1
    out = "".join(c for c, k in zip(text, keep) if k)
    return out, [p for p, k in zip(pos, keep) if k]


def source_line(raw: str, offset: int) -> int:
    """1-based line number of a source offset."""
    return raw.count("\n", 0, offset) + 1
