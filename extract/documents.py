"""Cutting a cleaned file into documents, with their metadata.

One file may hold many documents: a gazette issue (notices with their
attached plans), a compilation of plans each with its own title page, or a
run of district notices.  Boundaries are found from the cues of Chinese
official documents (公文):

* a notice's title block: "[发文机关]关于…的通知", often with a "XX文件" header
  and a 文号 (京政发〔2021〕19号) before or after it, and the addressee line
  (主送, ending in "：") after it;
* a title page: a plan title followed by its issuing body and "2021年11月";
* the 版记 "2021年9月28日印发", which closes a document: what follows is a
  new one.

A plan attached to a notice stays inside the notice's document (the notice
title "关于印发《X》的通知" then gives the title X) unless the caller asks for
attachments as separate documents.  Boilerplate (title block, 文号, 主送,
特此通知, 联系人, 抄送, 印发, signature) becomes metadata, not clauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import DocType, Level

# 文号: "京政发〔2021〕19号", "(京政发〔2021〕19号)", "京平政办发〔2022〕1号".
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［]\d{4}[〕\]］]\s*\d{1,4}\s*号")
DOC_NUMBER_LINE_RE = re.compile(r"^[(（]?" + DOC_NUMBER_RE.pattern + r"[)）]?$")
# "北京市应急管理局文件", "北京市人民政府 防汛抗旱指挥部文件".
HEADER_RE = re.compile(r"^([\u4e00-\u9fff ]{4,30})文件$")
# A notice title's last line: "…的通知", "…的决定", "…的意见".
NOTICE_END_RE = re.compile(r"(?:通知|决定|意见|批复|通报)$")
# A plan title line: "北京市“十四五”时期安全生产规划", "北京市平谷区突发事件总体应急预案".
PLAN_TITLE_RE = re.compile(r"(?:规划|预案|方案|计划|工程|办法)(?:[(（].{2,20}[)）])?$")
# Signature dates: "2021年7月9日", "2022年1月1日"; title-page dates: "2021年11月".
FULL_DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
MONTH_DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月$")
# The 版记 that closes a document: "2021年9月28日印发".
ISSUED_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日印发$")
# An issuing body on a line of its own: "北京市应急管理局", "北京市人民政府防汛抗旱指挥部".
ISSUER_RE = re.compile(r"^[\u4e00-\u9fff（）() ]{3,30}(?:局|委|办|办公室|办公厅|政府|指挥部|委员会|中心|部|厅|区)$")
ADDRESSEE_RE = re.compile(r"^各.{2,120}[:：]$")
CONTACT_RE = re.compile(r"^[(（]?联系人[:：]")
CC_RE = re.compile(r"^抄送[:：]")
CLOSING_RE = re.compile(r"^特此(?:通知|通报|批复)。?$")
QUOTED_TITLE_RE = re.compile(r"《(.+?)》")
JURISDICTION_RE = re.compile(r"(北京城市副中心|[\u4e00-\u9fff]{2}区)(?:人民政府|委员会|应急|突发|“|”|\")")
CJK_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")


def tidy_title(s: str) -> str:
    """Drop spaces PDF wrapping left in a title; use full-width brackets."""
    s = CJK_SPACE_RE.sub("", s.strip())
    return s.replace("(", "（").replace(")", "）")


@dataclass
class DocCut:
    """A document's line range in the cleaned text and what was read of it."""

    start: int  # first line index
    end: int  # one past the last line index
    kind: str  # notice | titlepage | plain
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    notice_title: str = ""
    skip: set[int] = field(default_factory=set)  # boilerplate lines (absolute)
    meta: dict[str, str] = field(default_factory=dict)


def _short(line: str, limit: int = 45) -> bool:
    return 0 < len(line) <= limit and line[-1:] not in "。；：:;！？"


def _notice_starts(lines: list[str]) -> list[DocCut]:
    cuts: list[DocCut] = []
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        if not (NOTICE_END_RE.search(line) and _short(line, 80) and ("关于" in line or i > 0 and "关于" in "".join(lines[max(0, i - 3) : i]))):
            i += 1
            continue
        # Does an addressee line or a 文号 follow closely?  (Body text that
        # merely ends in "通知" does not have either.)
        after = lines[i + 1 : i + 4]
        if not any(ADDRESSEE_RE.match(a) or DOC_NUMBER_LINE_RE.match(a) for a in after):
            i += 1
            continue
        start = _title_block_start(lines, i)
        cut = DocCut(start=start, end=n, kind="notice")
        title_parts: list[str] = []
        for k in range(start, i + 1):
            text = lines[k]
            cut.skip.add(k)
            m = HEADER_RE.match(text)
            if m:
                cut.issuer = tidy_title(m.group(1))
            elif DOC_NUMBER_LINE_RE.match(text):
                cut.doc_number = re.sub(r"\s", "", DOC_NUMBER_RE.search(text).group(0))
            else:
                title_parts.append(text)
        for k in range(i + 1, min(n, i + 4)):
            if DOC_NUMBER_LINE_RE.match(lines[k]) and not cut.doc_number:
                cut.doc_number = re.sub(r"\s", "", DOC_NUMBER_RE.search(lines[k]).group(0))
                cut.skip.add(k)
            elif ADDRESSEE_RE.match(lines[k]):
                cut.meta["主送"] = lines[k].strip().rstrip("：:")  # the addressee line's colon is punctuation
                cut.skip.add(k)
                break
        title = tidy_title("".join(title_parts))
        cut.notice_title = title
        if not cut.issuer:
            raw_title = "".join(title_parts)
            head = re.split(r"关于|印发", raw_title, maxsplit=1)[0].strip()
            cut.issuer = "、".join(p for p in re.split(r"\s+", head) if p)
        cuts.append(cut)
        i += 1
    return cuts


def _title_block_start(lines: list[str], i: int) -> int:
    """First line of the title block that ends at line ``i``.

    Going up: title fragments until the line with "关于", then at most one
    issuer line ("中共北京市委 北京市人民政府"), a 文号 and a "XX文件" header.
    """
    start = i
    seen_about = "关于" in lines[i]
    issuer_taken = False
    j = i - 1
    while j >= 0 and i - j <= 6:
        prev = lines[j]
        if DOC_NUMBER_LINE_RE.match(prev) or HEADER_RE.match(prev):
            start = j
        elif not seen_about and _short(prev, 45) and not FULL_DATE_RE.match(prev) and i - j <= 3:
            seen_about = "关于" in prev
            start = j
        elif seen_about and not issuer_taken and ISSUER_RE.match(prev):
            issuer_taken = True
            start = j
        else:
            break
        j -= 1
    return start if seen_about or start < i else i


def _titlepage_starts(lines: list[str]) -> list[int]:
    """Title pages: a plan title, then its issuing body (and a month)."""
    out = []
    for i, line in enumerate(lines[:-1]):
        if PLAN_TITLE_RE.search(line) and _short(line, 50) and ISSUER_RE.match(lines[i + 1]) and not FULL_DATE_RE.match(lines[i + 1]):
            out.append(i)
    return out


def cut_documents(lines: list[str], *, separate_attachments: bool = False) -> list[DocCut]:
    """Find document boundaries in cleaned paragraph lines."""
    notices = _notice_starts(lines)
    notice_at = {c.start: c for c in notices}
    starts: dict[int, DocCut] = dict(notice_at)
    notice_lines = {k for c in notices for k in c.skip}
    for i in _titlepage_starts(lines):
        if i not in notice_lines and not any(c.start <= i < c.start + 6 for c in notices):
            starts.setdefault(i, DocCut(start=i, end=len(lines), kind="titlepage"))
    # After a 版记 ("…印发"), what follows is a new document.
    for i, line in enumerate(lines):
        if ISSUED_RE.search(line) and i + 1 < len(lines) and (i + 1) not in starts:
            nxt = next((k for k in sorted(starts) if k > i), len(lines))
            if nxt > i + 1:
                starts[i + 1] = DocCut(start=i + 1, end=len(lines), kind="plain")
    ordered = [starts[k] for k in sorted(starts)]
    for a, b in zip(ordered, ordered[1:]):
        a.end = b.start
    if separate_attachments:
        extra = []
        for c in ordered:
            if c.kind != "notice":
                continue
            sig = _signature_end(lines, c)
            if sig is not None and sig + 1 < c.end and PLAN_TITLE_RE.search(lines[sig + 1]) and _short(lines[sig + 1], 50):
                extra.append(DocCut(start=sig + 1, end=c.end, kind="plain"))
                c.end = sig + 1
        ordered = sorted(ordered + extra, key=lambda c: c.start)
    if not ordered:
        ordered = [DocCut(start=0, end=len(lines), kind="plain")]
    for c in ordered:
        _read_metadata(lines, c)
    _inherit_from_notices(ordered)
    return ordered


def _signature_end(lines: list[str], cut: DocCut) -> int | None:
    """Index of the notice's signature date line, if it has one early on."""
    for k in range(cut.start, min(cut.end, cut.start + 40)):
        if FULL_DATE_RE.match(lines[k]):
            return k
    return None


def _read_metadata(lines: list[str], cut: DocCut) -> None:
    lo, hi = cut.start, cut.end
    if cut.kind == "titlepage":
        cut.title = tidy_title(lines[lo])
        cut.skip.add(lo)
        cut.issuer = tidy_title(lines[lo + 1])
        cut.skip.add(lo + 1)
        if lo + 2 < hi and MONTH_DATE_RE.match(lines[lo + 2]):
            y, m = MONTH_DATE_RE.match(lines[lo + 2]).groups()
            cut.date = f"{y}-{int(m):02d}"
            cut.skip.add(lo + 2)
    elif cut.kind == "plain" and lo < hi and _short(lines[lo], 60):
        cut.title = tidy_title(lines[lo])
        cut.skip.add(lo)
    # The body often repeats the title (title page, then body start).
    for k in range(lo, min(hi, lo + 6)):
        if k not in cut.skip and cut.title and tidy_title(lines[k]) == cut.title:
            cut.skip.add(k)
    sig = _signature_end(lines, cut) if cut.kind == "notice" else None
    if sig is not None:
        y, m, d = FULL_DATE_RE.match(lines[sig]).groups()
        cut.date = f"{y}-{int(m):02d}-{int(d):02d}"
        cut.skip.add(sig)
        k = sig - 1
        signers = []
        while k > cut.start and ISSUER_RE.match(lines[k]) and k not in cut.skip:
            signers.insert(0, lines[k])
            cut.skip.add(k)
            k -= 1
        if signers:
            cut.meta["签发"] = "、".join(signers)
        attached = False
        in_cc = False
        for t in lines[sig + 1 : hi]:
            in_cc = (in_cc or bool(CC_RE.match(t))) and not ISSUED_RE.search(t)
            if not (in_cc or ISSUED_RE.search(t) or CONTACT_RE.match(t) or ISSUER_RE.match(t) or CLOSING_RE.match(t)):
                attached = True
                break
        inner = QUOTED_TITLE_RE.search(cut.notice_title)
        if attached and inner and "印发" in cut.notice_title:
            cut.title = tidy_title(inner.group(1))
            # The attachment's own title lines are boilerplate too.
            for k in range(sig + 1, min(hi, sig + 4)):
                t = tidy_title(lines[k])
                if t and (cut.title.startswith(t) or t in cut.title) and _short(lines[k], 60):
                    cut.skip.add(k)
                else:
                    break
    if not cut.title:
        cut.title = cut.notice_title
    for k in range(lo, hi):
        line = lines[k]
        if CLOSING_RE.match(line):
            cut.skip.add(k)
        elif CONTACT_RE.match(line):
            cut.meta["联系人"] = line.strip("()（）")
            cut.skip.add(k)
        elif CC_RE.match(line):
            cut.meta["抄送"] = line.split("：", 1)[-1].split(":", 1)[-1]
            cut.skip.add(k)
        elif ISSUED_RE.search(line):
            cut.meta["印发"] = line
            y, m, d = ISSUED_RE.search(line).groups()
            cut.date = cut.date or f"{y}-{int(m):02d}-{int(d):02d}"
            cut.skip.add(k)
            if k > lo and ISSUER_RE.match(lines[k - 1]):
                cut.meta["印发机关"] = lines[k - 1]
                cut.skip.add(k - 1)


def _inherit_from_notices(cuts: list[DocCut]) -> None:
    """A plan issued by the notice before it carries that notice's 文号."""
    last: DocCut | None = None
    for c in cuts:
        if c.kind == "notice":
            last = c if "印发" in c.notice_title else None
            continue
        if last is not None and not c.doc_number and last.doc_number:
            c.doc_number = last.doc_number
            c.meta["印发通知"] = last.notice_title
            if not c.date:
                c.date = last.date
            if not c.issuer:
                c.issuer = last.issuer


def doc_type_of(title: str) -> DocType:
    if re.search(r"任免|任职|免职", title):
        return DocType.APPOINTMENT
    if NOTICE_END_RE.search(title):
        return DocType.NOTICE  # the notice itself; an attached plan has its own title
    if "预案" in title:
        return DocType.PLAN
    if "规划" in title:
        return DocType.PROGRAMME
    if re.search(r"方案|行动计划|工程", title):
        return DocType.SCHEME
    return DocType.OTHER


def jurisdiction_of(*texts: str, default: str = "") -> str:
    for t in texts:
        m = JURISDICTION_RE.search(t)
        if m:
            return "通州区" if m.group(1) == "北京城市副中心" else m.group(1)
    for t in texts:
        if t.startswith(("北京市", "中共北京市", "首都")):
            return "北京市"
    return default


def level_of(jurisdiction: str) -> Level:
    if jurisdiction.endswith("区") or jurisdiction.endswith("县"):
        return Level.DISTRICT
    if jurisdiction.endswith(("街道", "乡", "镇")):
        return Level.STREET
    if jurisdiction in ("北京市", "天津市", "上海市", "重庆市") or jurisdiction.endswith("市"):
        return Level.MUNICIPAL
    if jurisdiction in ("国家", "全国"):
        return Level.NATIONAL
    return Level.UNKNOWN
