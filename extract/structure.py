"""Headings, numbered clauses and tables of one document.

Chinese plans number their parts in several styles, often mixed in one
document: ``第二章``, ``一、``, ``（一）``, ``1 总则`` / ``1.1`` / ``1.1.1``,
``1.``, ``(1)``, ``①``, ``专栏1``.  Levels are not fixed per style; as in
most readers of such documents, a style's level is the depth at which it
first appears under the current parent (a stack of open styles), except that
decimal numbers carry their depth themselves.

Tables come as TSV lines (converted Word/Markdown) or as PDF-flattened lines
("5" / "突发地质灾害（崩塌、滑坡、" / "泥石流、地面塌陷等）" / "区应急管理局、…"),
whose wrapped cells are joined here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Clause, ClauseKind, Span

_CN_NUM = "一二三四五六七八九十百"
# (style key, pattern) in the order they are tried; group 1 is the number,
# group 2 the rest of the line.  Examples in the comments.
STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^(第[{_CN_NUM}\d]{{1,3}}章)\s*(.*)$")),  # 第二章 指导思想
    ("article", re.compile(rf"^(第[{_CN_NUM}\d]{{1,3}}条)\s*(.*)$")),  # 第五条 …
    ("dec", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})(?![\d%])\s*(.*)$")),  # 2.3.6 突发事件处置分工
    ("dec", re.compile(r"^(\d{1,2})[ \u3000]+([^\s\d]\S{0,14})$")),  # 1 总则
    ("cn", re.compile(rf"^([{_CN_NUM}]{{1,3}}、)\s*(.*)$")),  # 一、总则
    ("cn_paren", re.compile(rf"^([（(][{_CN_NUM}]{{1,3}}[)）])\s*(.*)$")),  # （一）指导思想
    ("num_dot", re.compile(r"^(\d{1,2}[.．、])(?!\d)\s*(.*)$")),  # 1.强化党委政府责任
    ("paren_num", re.compile(r"^([（(]\d{1,2}[)）])\s*(.*)$")),  # (1)自然灾害类
    ("circled", re.compile(r"^([①-⑳])\s*(.*)$")),  # ①饮用水污染…
    ("box", re.compile(r"^(专栏\s*\d{1,2})\s*(.*)$")),  # 专栏1 灾害风险精准识别…
]
# Header cell of a table: "序号", "名  称".
FLAT_HEADER_RE = re.compile(r"^序\s*号(?:\s+\S+){1,4}$")
FLAT_ROW_START_RE = re.compile(r"^(\d{1,3})(?:\s+(.*))?$")
# A group row inside a table: "自然灾害类", "(1)自然灾害类", "公共卫生类".
GROUP_RE = re.compile(r"^(?:[（(]\d[)）])?[\u4e00-\u9fff]{2,10}类$")
# Where the lead-department cell of a flattened row starts: "区应急管理局…".
ORG_START_RE = re.compile(r"^(?:区|市|北京|各|中共|首都|团区委|团市委)")


@dataclass
class _Open:
    key: str
    number: str
    title: str


def _style(line: str) -> tuple[str, str, str] | None:
    for key, pattern in STYLES:
        m = pattern.match(line)
        if m:
            number, rest = m.group(1), m.group(2).strip()
            if key == "dec":
                key = f"dec{number.count('.') + 1}"
            return key, number, rest
    return None


def _is_heading(key: str, rest: str) -> bool:
    if not rest:
        return key in ("chapter", "cn", "cn_paren")
    if key in ("chapter", "box"):
        return True
    if key in ("paren_num", "circled", "article") and rest[-1] in "。；;，,":
        return False
    body = rest[:-1] if rest.endswith("。") else rest
    if re.search(r"[。；：:;]", body):
        return False
    return len(body) <= (26 if rest.endswith("。") else 40)


def _split_cells(line: str) -> list[str]:
    """Cells of a flattened row/header separated by spaces ("名  称" is one)."""
    tokens = line.split()
    out: list[str] = []
    for t in tokens:
        if out and len(t) == 1 and len(out[-1]) == 1:
            out[-1] += t
        else:
            out.append(t)
    return out


class _Builder:
    def __init__(self, doc_id: str, text: str) -> None:
        self.doc_id = doc_id
        self.text = text
        self.stack: list[_Open] = []
        self.clauses: list[Clause] = []
        self.used: dict[str, int] = {}

    def section(self) -> str:
        if not self.stack:
            return ""
        top = self.stack[-1]
        return f"{top.number} {top.title}".strip() if top.number[:1].isdigit() else f"{top.number}{top.title}"

    def path(self) -> tuple[str, ...]:
        return tuple(f"{o.number}{' ' if o.number[:1].isdigit() else ''}{o.title}".strip() for o in self.stack)

    def _id(self, local: str) -> str:
        local = re.sub(r"\s+", "", local) or "p"
        n = self.used.get(local, 0)
        self.used[local] = n + 1
        return f"{self.doc_id}:{local}" if n == 0 else f"{self.doc_id}:{local}~{n + 1}"

    def _anchor(self) -> str:
        for o in reversed(self.stack):
            if o.key.startswith("dec") or o.key == "chapter":
                return o.number
        return ".".join(re.sub(r"[、.．（）()\s]", "", o.number) for o in self.stack)

    def add(self, kind: ClauseKind, start: int, end: int, number: str = "", **extra: object) -> None:
        anchor = self._anchor()
        if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*", number) and (kind is ClauseKind.HEADING or "." in number):
            local = number
        elif number:
            local = f"{anchor}/{re.sub(r'[、.．]', '', number)}" if anchor else number
        else:
            k = self.used.get(f"{anchor}#", 0) + 1
            self.used[f"{anchor}#"] = k
            local = f"{anchor or 'p'}#{k}"
        cid = self._id(local.strip("/"))
        self.clauses.append(
            Clause(
                id=cid,
                doc_id=self.doc_id,
                kind=kind,
                text=self.text[start:end],
                span=Span(start, end),
                section=self.section(),
                path=self.path(),
                number=number,
                ordinal=len(self.clauses),
                **extra,  # type: ignore[arg-type]
            )
        )

    def open(self, key: str, number: str, title: str) -> None:
        keys = [o.key for o in self.stack]
        if key.startswith("dec"):
            depth = int(key[3:])
            # Decimal numbers carry their depth: drop deeper or equal decimals
            # and whatever was opened beneath them.
            for i, o in enumerate(self.stack):
                if o.key.startswith("dec") and int(o.key[3:]) >= depth:
                    del self.stack[i:]
                    break
        elif key in keys:
            del self.stack[keys.index(key) :]
        elif key == "chapter":
            self.stack.clear()
        self.stack.append(_Open(key, number, title))


def parse_clauses(doc_id: str, text: str, skip: set[int] | None = None) -> list[Clause]:
    """Clauses of a document's cleaned text (one paragraph per line).

    ``skip`` holds indexes of boilerplate lines (title block, 主送, 抄送…).
    """
    skip = skip or set()
    b = _Builder(doc_id, text)
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        lo, hi = starts[i], starts[i] + len(line)
        if i in skip or not line.strip():
            i += 1
            continue
        if "\t" in line:
            i = _tsv_table(b, lines, starts, i, skip)
            continue
        if FLAT_HEADER_RE.match(line):
            i = _flat_table(b, lines, starts, i)
            continue
        # A leading space does not hide a number: ' （2）事故灾难类' (Pinggu l.2710).
        st = _style(line.lstrip(" \u3000"))
        if st is None:
            b.add(ClauseKind.PARAGRAPH, lo, hi)
        else:
            key, number, rest = st
            if _is_heading(key, rest):
                b.open(key, number, rest)
                b.add(ClauseKind.HEADING, lo, hi, number)
            else:
                b.add(ClauseKind.ITEM, lo, hi, number)
        i += 1
    return b.clauses


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split("\t")]
    if line.startswith("\t"):
        cells = cells[1:]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _tsv_table(b: _Builder, lines: list[str], starts: list[int], i: int, skip: set[int]) -> int:
    header: list[str] = []
    group = ""
    n = len(lines)
    while i < n and "\t" in lines[i] and i not in skip:
        line = lines[i]
        # A Word export puts a TAB before the first cell; the row starts after it.
        lead = len(line) - len(line.lstrip("\t"))
        lo, hi = starts[i] + lead, starts[i] + len(line)
        cells = _cells(line)
        filled = [c for c in cells if c]
        if not filled:
            pass
        elif len(filled) == 1:
            if header:
                group = filled[0]
            b.add(ClauseKind.HEADING if not header else ClauseKind.OTHER, lo, hi, cells=tuple(filled))
        elif not header:
            header = cells
        elif cells == header:
            pass  # header repeated after a page break
        else:
            b.add(ClauseKind.TABLE_ROW, lo, hi, cells[0] if cells[0][:1].isdigit() else "", cells=tuple(cells), header=tuple(header), group=group)
        i += 1
    return i


def _flat_table(b: _Builder, lines: list[str], starts: list[int], i: int) -> int:
    header = _split_cells(lines[i])
    width = len(header)
    group = ""
    n = len(lines)
    i += 1
    row: list[int] = []  # line indexes of the current row
    frags: list[str] = []
    # The table sits under a numbered category heading ('（1）自然灾害类').
    under_group = bool(b.stack) and b.stack[-1].key == "paren_num" and bool(
        GROUP_RE.match(b.stack[-1].number + b.stack[-1].title))
    if under_group:
        group = re.sub(r"^[（(]\d[)）]", "", b.stack[-1].number + b.stack[-1].title)

    def flush() -> None:
        if not row:
            return
        number = frags[0]
        rest = frags[1:]
        cut = next((k for k, f in enumerate(rest) if ORG_START_RE.match(f) and k > 0), None)
        if cut is None:
            cut = len(rest) - 1 if len(rest) > 1 else len(rest)
        name = "".join(rest[:cut])
        lead = "".join(rest[cut:])
        cells = (number, name, lead)[:width] if width >= 3 else (number, name + lead)
        lo, hi = starts[row[0]], starts[row[-1]] + len(lines[row[-1]])
        b.add(ClauseKind.TABLE_ROW, lo, hi, number, cells=tuple(cells), header=tuple(header), group=group)
        row.clear()
        frags.clear()

    while i < n:
        line = lines[i].strip()
        m = FLAT_ROW_START_RE.match(line)
        if _split_cells(line) == header:
            flush()
        elif GROUP_RE.match(line):
            flush()
            group = re.sub(r"^[（(]\d[)）]", "", line)
            st = _style(line)
            if st is not None and st[0] == "paren_num" and under_group:
                # A numbered category after the table's own numbered category heading
                # ('（1）自然灾害类' … '（2）事故灾难类', Pinggu 8.3.1) is its sibling heading:
                # the rows below it belong to it, not to the first category.
                b.open(*st)
                lo = starts[i] + len(lines[i]) - len(lines[i].lstrip())
                b.add(ClauseKind.HEADING, lo, starts[i] + len(lines[i].rstrip()), st[1])
        elif m and (m.group(2) is None or not re.match(r"^[\d.]", m.group(2))):
            flush()
            row.append(i)
            frags.append(m.group(1))
            if m.group(2):
                frags.extend(_split_cells(m.group(2)))
        elif row and len(line) <= 16 and not re.search(r"[。；]", line) and _style(line) is None:
            row.append(i)
            frags.append(line)  # a wrapped cell continues
        else:
            break
        i += 1
    flush()
    return i
