"""Text helpers: display cleaning, quoted sentences, quantities and their variants.

The corpus is hard-wrapped (Pinggu breaks every ~26 characters), so clause
text can hold newlines inside a sentence or a name.  Questions show text with
that whitespace removed; quotes stay findable in the clause by comparing
:func:`squash`-ed forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plankb.extract.vocab import COLOURS, VOCAB, rank_of, try_number, unit_seconds

# Whitespace runs, collapsed first: '区规划自然资源\n分局' -> '区规划自然资源 分局'.
_WS_RE = re.compile(r"\s+")
# A single space next to a non-ASCII character is a wrap artefact: '30 分钟' -> '30分钟'.
_CJK_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")
# Where a quoted sentence ends: '。', '；', '！', '？' (and their ASCII forms).
_SENT_END_RE = re.compile(r"[。；;！？!?]")
# Clause numbering at the start of a sentence: '4.1.4 ', '(1)', '（2）', '1.', '一、'.
_LEAD_NUM_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)+\s*|[(（][\d一二三四五六七八九十]+[)）]\s*|\d+[.．、]\s*|[一二三四五六七八九十]+、\s*)")
# Segments inside a long sentence, for trimming: '，' ',' '：'.
_SEG_RE = re.compile(r"[，,：:]")
MAX_SENTENCE = 120
MAX_HEAD = 40  # longest opening segment kept in front of a trimmed sentence

RANK_WORDS = tuple(r.ordinal for r in VOCAB.response_levels)
__all__ = ["COLOURS", "RANK_WORDS"]

# A time quantity inside a deadline, e.g. '2小时' '30 分钟' '1个工作日' '每30分钟' '两小时'.
QTY_RE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*(?P<ge>个)?\s*(?P<unit>工作日|小时|分钟|秒|天|日|周|月|年)"
)
# A number with an optional range and the unit written right after it:
# '90%' in '达到90%以上', '8个学时' in '不少于8个学时', '50%-60%', '0.65‰'.
NUM_RE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)(?P<rest>\s*(?:%|％|‰)?(?:\s*[-－~～至]\s*\d+(?:\.\d+)?\s*(?:%|％|‰)?)?)"
)
# Level words in headings: '4.3.3 三级响应', '4.2.1 IV级响应', 'Ⅱ级应急响应'.
LEVEL_RE = re.compile(r"(?P<lv>[一二三四]|Ⅰ|Ⅱ|Ⅲ|Ⅳ|IV|III|II|I)级(?:应急)?响应")


def squash(text: str) -> str:
    """Text with wrap whitespace removed: newlines gone, spaces kept between ASCII words."""
    return _CJK_SPACE_RE.sub("", _WS_RE.sub(" ", text)).strip()


def level_rank(word: str) -> int:
    rank = rank_of(word)
    if rank is None:
        raise KeyError(word)
    return rank


@dataclass(frozen=True)
class Sentence:
    """A sentence of a clause, ``text[start:end]``, and the parts of it a stem shows.

    ``parts`` are ranges inside the sentence; a stem joins them with '……'.
    Short sentences show whole; long ones show their opening segment (the
    condition: '对于能够判定为较大及以上突发事件等级的') and the segments around the answer.
    """

    start: int
    end: int
    parts: tuple[tuple[int, int], ...] = ()

    @property
    def shown(self) -> tuple[tuple[int, int], ...]:
        return self.parts or ((self.start, self.end),)


def sentence_at(text: str, start: int, end: int) -> Sentence:
    """The sentence of ``text`` holding ``[start, end)``, numbering dropped, long ones trimmed."""
    s = 0
    for m in _SENT_END_RE.finditer(text, 0, start):
        s = m.end()
    m = _SENT_END_RE.search(text, end)
    e = m.end() if m else len(text)
    lead = _LEAD_NUM_RE.match(text[s:start])
    if lead:
        s += lead.end()
    while s < start and text[s].isspace():
        s += 1
    if e - s <= MAX_SENTENCE:
        return Sentence(s, e)
    cuts = [s] + [m.end() for m in _SEG_RE.finditer(text, s, e)] + [e]
    head = cuts[1] if cuts[1] - s <= MAX_HEAD and cuts[1] <= start else s
    budget = MAX_SENTENCE - (head - s)
    left = max(c for c in cuts if c <= start)
    right = min(c for c in cuts if c >= end)
    i, j = cuts.index(left), cuts.index(right)
    while i > 0 and cuts[i - 1] >= head and right - cuts[i - 1] <= budget:
        i -= 1
    while j < len(cuts) - 1 and cuts[j + 1] - cuts[i] <= budget:
        j += 1
    parts = ((s, head), (cuts[i], cuts[j])) if head > s and cuts[i] > head else ((s if cuts[i] <= head else cuts[i], cuts[j]),)
    return Sentence(s, e, parts)


def show(text: str, sent: Sentence, blank: tuple[int, int] | None = None, fill: str = "（　）") -> str:
    """A sentence for a stem: squashed, '……' where trimmed, ``fill`` over ``blank``."""
    pieces = []
    for a, b in sent.shown:
        if blank is not None and a <= blank[0] and blank[1] <= b:
            piece = squash(text[a : blank[0]]) + fill + squash(text[blank[1] : b])
        else:
            piece = squash(text[a:b])
        pieces.append(piece.rstrip("，,：:；;"))
    body = "……".join(pieces)
    if sent.shown[0][0] > sent.start:
        body = "……" + body
    if sent.shown[-1][1] < sent.end:
        body += "……"
    elif body and body[-1] not in "。！？!?":
        body += "。"
    return body


# -- quantities ---------------------------------------------------------------
def cn_number(s: str) -> float | None:
    """'30' -> 30, '两' -> 2, '十二' -> 12, '二十' -> 20; None when not a number."""
    return try_number(s) if s else None


@dataclass(frozen=True)
class Quantity:
    text: str  # as written, wrap spaces removed: '2小时', '1个工作日'
    start: int  # offsets in the text it was found in
    end: int
    value: float
    unit: str
    seconds: float  # durations only; 0 for other quantities


def find_duration(text: str) -> Quantity | None:
    """The first time quantity in ``text``: '最迟不晚于接报后30分钟' -> 30 分钟."""
    m = QTY_RE.search(text)
    if not m:
        return None
    v = cn_number(m.group("num"))
    if v is None:
        return None
    unit = m.group("unit")
    return Quantity(squash(m.group(0)), m.start(), m.end(), v, unit, v * (unit_seconds(unit) or 0))


def duration_seconds(text: str) -> float | None:
    q = find_duration(text)
    return q.seconds if q else None


def fmt_number(v: float, like: str = "") -> str:
    """``v`` written like the number ``like``: an integer stays one, decimals are kept short.

    fmt_number(2.0, '1') -> '2'; fmt_number(0.45, '0.9') -> '0.45'; fmt_number(1.5, '3') -> '1.5'.
    """
    if v == int(v) and "." not in like:
        return str(int(v))
    decimals = max(len(like.split(".")[1]) if "." in like else 1, 2)
    s = f"{v:.{decimals}f}".rstrip("0").rstrip(".")
    return s or "0"


def to_cn(n: int) -> str:
    """1..99 in Chinese numerals: 2 -> '二', 30 -> '三十', 24 -> '二十四'."""
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else d[tens]) + "十" + (d[ones] if ones else "")


def duration_variants(q: Quantity) -> tuple[str, ...]:
    """Spellings a learner may type: '2小时' -> '2个小时', '二小时', '两小时', '两个小时'…"""
    n = q.value
    nums = [fmt_number(n)]
    if n == int(n) and 0 < n < 100:
        nums.append(to_cn(int(n)))
        if n == 2:
            nums.append("两")
    out = [q.text]
    for num in nums:
        out.append(f"{num}{q.unit}")
        if q.unit in ("小时", "工作日", "月"):
            out.append(f"{num}个{q.unit}")
    return tuple(dict.fromkeys(out))


def number_variants(text: str) -> tuple[str, ...]:
    """'90%' -> ('90%', '90％'); '<0.9' -> ('<0.9', '＜0.9')."""
    out = [text, text.replace("%", "％"), text.replace("％", "%"), text.replace("<", "＜").replace(">", "＞")]
    out.append(text.replace("≦", "≤").replace("≧", "≥"))
    return tuple(dict.fromkeys(o for o in out if o))


