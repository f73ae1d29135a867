"""Quantities with a comparator in one clause: targets, limits, grading criteria.

What counts as a threshold (the labelling rule the tests and the evaluation
follow):

* a number with a unit (or a bare number after ``<``/``≦``…) tied to a
  comparator: 以上/不少于/不低于/至少/达到 (>=), 超过 (>), 以内/不超过 (<=),
  低于 (<), 以下 (<= or < when the document says 以下不含本数), 约/左右 (≈),
  a range X-Y / X至Y, or a change 下降/提高 N% (decrease_by/increase_by);
  quantities listed right after a compared one share its comparator
  ("分别下降 33.2%和 35.4%");
* any percentage or permille, with "=" when nothing compares it;
* the value cell of an indicator table row (cells separated by TABs);
* a plain count with a unit ("规划建设消防救援站41座") as "=", only in a
  sentence that states a target or a grading criterion, not history, and only
  with Arabic digits: 一批/一张图/两轮 are wording, not quantities.  Whether a
  sentence is history is guessed from its wording unless the caller knows the
  section (``history=``); :func:`is_history_heading` helps with that.

Not thresholds: dates and years, section numbers, 文号, list ordinals, time
limits with a bare 内 (those are deadlines, see ``find_deadlines``; "控制在2小时
以内" is both), and level words: "8.0级地震" is the magnitude of a past
earthquake, not a quantity anyone must meet, so 级 is not a unit here.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re

from plankb.extract.facts.numbers import ARABIC, CHINESE, fold, try_number
from plankb.extract.model import Span, Threshold

# Units as written, longest first where one is a prefix of another.  万/亿 may
# prefix a base unit ("12.4万人", "93.75 亿 m^3", "1.28 万亿元") and 个 a time or
# teaching unit ("8个学时").
_BASE_UNITS = [
    "个百分点", "年一遇", "人/百亿元", "人/百亿", "平方公里", "平方米", "立方米", "公顷", "公里", "千米", "km\\^2", "m\\^3",
    "km", "千伏", "千瓦", "兆瓦", "人次", "批次", "学时", "工作日", "小时", "分钟", "秒钟", "秒", "个月", "天", "岁", "%",
    "‰", "人", "名", "例", "户", "家", "所", "个", "支", "处", "座", "条", "项", "次", "场", "辆", "台", "套", "件",
    "起", "间", "张", "床", "批", "期", "轮", "盏", "艘", "架", "部", "份", "亩", "吨", "倍", "种", "元", "米", "成",
]
_UNIT = (
    rf"(?:(?:余|多)\s*)?(?:(?:万亿|万|亿)\s*)?(?:余\s*)?(?:个\s*)?(?:{'|'.join(_BASE_UNITS)})"
    r"|(?:(?:余|多)\s*)?(?:万亿|万|亿)"
    # "10 年至 50 年一遇": the first 年 belongs to the range's unit.
    r"|年(?=\s*(?:-|~|—|至|到)\s*\d+\s*年一遇)"
)
# Latin units such as GFLOPS; only taken with a comparator ("达到 3000GFLOPS"),
# since a plain "5G" is a name.
_LATIN_UNIT = r"[A-Za-z]{2,}(?:/[A-Za-z]+)?"
# A change verb only makes a change of a rate: "下降 10%" but not "改造提升 3个小区".
_RATE_UNITS = {"%", "‰", "个百分点", "倍", "成"}
# Units that count casualties or cases in grading criteria.
_VICTIM_UNITS = {"人", "例", "起", "户"}
_TIME_UNITS = {"小时", "分钟", "秒", "秒钟", "天", "个月", "工作日", "个工作日"}
_MAGNITUDE_ONLY = {"万", "亿", "万亿"}

# Comparators written before the number, longest first so 不超过 beats 超过.
_PRE_OPS = {
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "不超过": "<=", "不高于": "<=", "不大于": "<=",
    "至少": ">=", "达到": "=", "达": "=", "提高到": ">=", "提高至": ">=", "提升到": ">=",
    "提升至": ">=", "增加到": ">=", "增加至": ">=", "增至": ">=", "超过": ">", "大于": ">",
    "高于": ">", "低于": "<", "小于": "<", "控制在": "<=", "压缩至": "<=", "压缩到": "<=",
    "缩短至": "<=", "缩短到": "<=", "降至": "<=", "降低到": "<=", "降低至": "<=", "减少到": "<=",
    "减少至": "<=", "约": "≈", "近": "≈", "超": ">", "逾": ">", "优于": "better",
}
_CHANGE_OPS = {
    "下降": "decrease_by", "减少": "decrease_by", "降低": "decrease_by", "压减": "decrease_by",
    "缩短": "decrease_by", "提高": "increase_by", "增长": "increase_by", "提升": "increase_by",
    "增加": "increase_by",
}
_SYM_OPS = {"<": "<", ">": ">", "≦": "<=", "≤": "<=", "<=": "<=", "≧": ">=", "≥": ">=", ">=": ">="}
_SUF_OPS = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "左右": "≈"}


def _alt(words: dict[str, str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# One quantity with everything that can qualify it; e.g. "不低于80%", "90%以上",
# "下降 10%", "<0.9", "≦0.25", "5-10 秒", "1 至 2 个", "约 28 万人",
# "2 人以上 10 人以下" (read as two quantities).  "PM<sub>2.5" is not "<".
QUANTITY_RE = re.compile(
    rf"(?:(?P<pre>{_alt(_PRE_OPS)})|(?P<chg>{_alt(_CHANGE_OPS)})\s*(?:了\s*)?(?:约)?)?\s*"
    rf"(?<![A-Za-z/])(?P<sym>{_alt(_SYM_OPS)})?\s*"
    rf"(?<![\d.第])(?P<num>{ARABIC}|{CHINESE})(?![\d.])\s*(?P<u1>{_UNIT}|{_LATIN_UNIT})?"
    rf"(?:\s*(?:-|~|—|至|到)\s*(?P<num2>{ARABIC}|{CHINESE})(?![\d.])\s*(?P<u2>{_UNIT})?)?"
    rf"\s*(?P<suf>{_alt(_SUF_OPS)})?"
)
# What may not follow a quantity: "10 万人口" is a denominator, "一次性" an
# adjective, "2025 年" a year, "19 号" a 文号, "三级" a level.
_BAD_AFTER = re.compile(r"口|性|月|年(?!一遇)|号|级|类|度|届|周年")

# Wording of goals, of the past, and of weak (tense-less) tasks.  A strong cue
# wins over history ("“十四五”时期，每年评估…5 个，共建成 25 个"); a weak one only
# counts when no history cue is present.
_STRONG_TARGET = re.compile(
    r"到\s*20\d\d\s*年|力争|目标|规划建设|计划|确保|每年|每月|每\s*\d+\s*年|新建|新增|增补|补建|预期|拟|全年"
)
_HISTORY_CUES = re.compile(
    r"累计|已经|已|现有|共有|共计|总计|目前|截至|截止|十[一二三]五(?:期间|时期|以来)|以来|先后|取得|回顾"
    r"|共创建|组建完成|(?<![为除])了(?!解)|(?<!到)(?<!到 )20(?:0\d|1\d|20)\s*年"
)
_WEAK_TARGET = re.compile(
    r"建设|建成|实施|完成|推进|支持|培育|整治|修复|提供|建立|满足|开展|启动|引进|配置|设置|改造|打造|组建"
    r"|配备|创建|试点|帮扶|选派|解决|增加|安装|进行"
)
_YEAR_RE = re.compile(r"到\s*(20\d\d)\s*年")
# The unit named at the end of an indicator: "(人/百亿)", "（平方米）",
# "（单位：人/10万人口（常住人口））" (nested, so 单位 is looked for first).
_UNIT_LABEL = re.compile(r"单位\s*[:：]\s*(?P<u>.+?)[)）]\s*$")
_UNIT_IN_NAME = re.compile(r"[(（]\s*(?P<u>[^()（）]{1,12})[)）]\s*$")
# Words that end an indicator phrase and belong to the comparator, e.g. "覆盖率达到".
_INDICATOR_TRAIL = re.compile(r"(?:要|应|须|均|分别|稳定|基本|力争|的|为|在|是)+$")
_INDICATOR_LEAD = re.compile(r"^(?:到\s*20\d\d\s*年|力争|确保|实现|其中|全面|进一步)+")
_SENTENCE_SEP = re.compile(r"[。；;]")
# How far back a sentence or phrase start is looked for; bounds the work on a
# clause that has no full stop at all.
_WINDOW = 400
# "至少开展 1次", "不少于首轮普查底数10%": the comparator governs a number a few
# words later.
_DISTANT_OP = re.compile(r"(?P<op>至少|不少于|不低于)[^，。；、,;\d]{1,8}$")
# Quantities listed after a compared one share its comparator: "分别下降 33.2%和 35.4%".
_LIST_JOIN = re.compile(r"^\s*[和、与及]\s*$")
_ANNOTATION = re.compile(r"\s*[)）]")
_HISTORY_HEADING = re.compile(r"回顾|成效|成绩|取得|现状|进展")


@dataclasses.dataclass
class _Candidate:
    th: Threshold
    plain: bool  # no comparator: kept only in a target or criterion sentence
    sentence: tuple[int, int]


def find_thresholds(
    text: str, below_exclusive: bool = False, history: bool | None = None
) -> list[Threshold]:
    """Every threshold in ``text``, in text order.

    ``below_exclusive`` reads 以下 as "<" (Pinggu PH L4084: "以下"不含本数).
    ``history`` says whether the clause reports the past (a "成效"/"回顾"
    section): ``True`` drops plain counts, ``False`` keeps every plain count
    with a unit, ``None`` (default) guesses from the sentence's wording.
    """
    t = fold(text)
    if "\t" in t:
        return _table_row(text, t, below_exclusive)
    cands: list[_Candidate] = []
    for m in QUANTITY_RE.finditer(t):
        c = _candidate(text, t, m, below_exclusive)
        if c is None:
            continue
        prev = cands[-1] if cands else None
        if (
            c.th.operator == "="
            and prev is not None
            and not prev.plain
            and prev.th.operator not in ("=", "range")
            and _LIST_JOIN.match(t[prev.th.span.end : c.th.span.start])
        ):
            c = _Candidate(dataclasses.replace(c.th, operator=prev.th.operator), False, c.sentence)
        cands.append(c)
    # (sentence, unit) pairs that carry a compared count: "100 人以上且死亡 1 人".
    compared = {(c.sentence, c.th.unit) for c in cands if not c.plain and c.th.operator not in ("=", "range")}
    out = []
    for c in cands:
        if c.plain and not _plain_ok(t, c, compared, history):
            continue
        out.append(c.th)
    return _merge_bounds(text, out)


def _merge_bounds(text: str, found: list[Threshold]) -> list[Threshold]:
    """"100 人以上 500 人以下" is one range, not two thresholds."""
    out: list[Threshold] = []
    for th in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.operator in (">=", ">")
            and th.operator in ("<=", "<")
            and prev.unit == th.unit
            and not text[prev.span.end : th.span.start].strip()
        ):
            span = Span(prev.span.start, th.span.end)
            out[-1] = dataclasses.replace(prev, text=span.of(text), operator="range", value_max=th.value, span=span)
            continue
        out.append(th)
    return out


def is_history_heading(title: str) -> bool:
    """Whether a section title announces a review of the past ("“十三五”期间取得的成效")."""
    return bool(_HISTORY_HEADING.search(title))


def _candidate(
    text: str, t: str, m: re.Match[str], below_exclusive: bool, table_cell: bool = False, base: int = 0
) -> _Candidate | None:
    num, num2 = m.group("num"), m.group("num2")
    u1 = _norm_unit(m.group("u1") or "")
    unit = _norm_unit(m.group("u2") or "") or u1
    end_unit = m.end("u2") if num2 and m.group("u2") else m.end("u1")
    if end_unit != -1 and _BAD_AFTER.match(t, end_unit):
        return None
    if not m.group("u1") and _BAD_AFTER.match(t, m.end("num")):
        return None
    value, value_max = try_number(num), try_number(num2) if num2 else None
    if value is None or (num2 and value_max is None):
        return None
    chinese = not re.match(r"\d", num)
    latin = bool(u1) and bool(re.fullmatch(_LATIN_UNIT, u1))
    op = _operator(m, unit, below_exclusive)
    if num2:
        if not unit or unit in _MAGNITUDE_ONLY or (chinese and not m.group("u2")):
            return None  # "2021-2023" (years) or "五至十" with no unit
        op = "range"
    if not unit and not (m.group("sym") or table_cell):
        return None  # a bare number: ordinal, phone number, 文号…
    if _ANNOTATION.match(t, m.end()) and t[: m.start()].rstrip().endswith(("（", "(")):
        return None  # "（7项）": a count of the items below, not a target
    start = next(m.start(g) for g in ("pre", "chg", "sym", "num") if m.group(g))
    if m.group("chg") and unit not in _RATE_UNITS:
        start = m.start("sym") if m.group("sym") else m.start("num")
    if op is None and not table_cell and unit:
        w0 = max(0, start - 12)
        distant = _DISTANT_OP.search(t[w0:start])
        if distant is not None:
            op, start = _PRE_OPS[distant.group("op")], w0 + distant.start()
    plain = False
    if op is None or (op == ">" and not (m.group("pre") or m.group("suf") or m.group("sym"))):
        # No comparator, or only "余/多" ("890余支"): as weak as a plain count.
        if chinese or latin or unit in _TIME_UNITS or unit in _MAGNITUDE_ONLY:
            return None
        plain = not (table_cell or unit in ("%", "‰"))
        op = op or "="
    end = m.end()
    while end > start and t[end - 1].isspace():
        end -= 1
    th = Threshold(
        text=text[start:end],
        operator=op,
        value=value,
        unit=unit,
        span=Span(base + start, base + end),
        value_max=value_max if op == "range" else None,
        indicator=_indicator(text, t, start),
        year=_year(t, start),
    )
    s1 = _SENTENCE_SEP.search(t, end, end + _WINDOW)
    return _Candidate(th, plain, (_after_last(t, start, "。；;"), s1.start() if s1 else min(len(t), end + _WINDOW)))


def _operator(m: re.Match[str], unit: str, below_exclusive: bool) -> str | None:
    if m.group("chg") and unit in _RATE_UNITS:
        return _CHANGE_OPS[m.group("chg")]
    if m.group("sym"):
        return _SYM_OPS[m.group("sym")]
    suf = m.group("suf")
    if suf:
        return "<" if suf == "以下" and below_exclusive else _SUF_OPS[suf]
    pre = m.group("pre")
    if pre:
        op = _PRE_OPS[pre]
        if op == "better":
            # "优于30分钟": better means less for times, more for rates.
            return "<" if unit in _TIME_UNITS else ">"
        return op
    if re.search(r"余|多", m.group("u1") or ""):
        return ">"  # "890余支", "10多个": more than
    return None


def _plain_ok(t: str, c: _Candidate, compared: set[tuple[tuple[int, int], str]], history: bool | None) -> bool:
    """A plain count is kept in a target sentence or beside compared counts of its unit."""
    if history:
        return False
    if history is False:
        return True
    if c.th.unit in _VICTIM_UNITS and (c.sentence, c.th.unit) in compared:
        return True  # a grading criterion: "中毒人数在 100 人以上且死亡 1 人"
    sentence = t[c.sentence[0] : c.sentence[1]]
    if _STRONG_TARGET.search(sentence):
        return True
    return not _HISTORY_CUES.search(sentence) and bool(_WEAK_TARGET.search(sentence))


def _norm_unit(u: str) -> str:
    return re.sub(r"\s+|余", "", u)


def _indicator(text: str, t: str, start: int) -> str:
    seg_start = _after_last(t, start, "，。；：,;:\t\n、")
    phrase = _INDICATOR_TRAIL.sub("", t[seg_start:start].strip())
    lead = _INDICATOR_LEAD.match(phrase)
    if lead:
        phrase = phrase[lead.end() :].lstrip()
    # Give back the caller's characters (fold() only changed full-width forms).
    at = t.find(phrase, seg_start) if phrase else -1
    return text[at : at + len(phrase)] if at >= 0 else phrase


def _after_last(t: str, end: int, chars: str, window: int = _WINDOW) -> int:
    """Index just after the last of ``chars`` in the ``window`` characters before ``end``."""
    lo = max(0, end - window)
    return max(lo, max(t.rfind(c, lo, end) for c in chars) + 1)


def _year(t: str, start: int) -> str:
    """The target year in force at ``start``: the last "到YYYY年" before it, else the first one."""
    years = _years(t)
    if not years:
        return ""
    i = bisect.bisect_right(years, (start, "\uffff"))
    return years[i - 1][1] if i else years[0][1]


@functools.lru_cache(maxsize=8)
def _years(t: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(1)) for m in _YEAR_RE.finditer(t)]


# A whole table cell that is a value: "<0.9", "下降 10%", "1.8平方米", "5-10 秒",
# "80%以上", "优于30分钟", "1.5".
_VALUE_CELL = re.compile(
    rf"^\s*(?:{_alt(_PRE_OPS)}|{_alt(_CHANGE_OPS)}|{_alt(_SYM_OPS)})?\s*(?:约)?\s*\d"
)


def _table_row(text: str, t: str, below_exclusive: bool) -> list[Threshold]:
    out: list[Threshold] = []
    cells: list[tuple[int, str]] = []
    pos = 0
    for cell in t.split("\t"):
        cells.append((pos, cell))
        pos += len(cell) + 1
    filled = [c for _, c in cells if c.strip()]
    indicator = ""
    for i, (at, cell) in enumerate(cells):
        stripped = cell.strip()
        if not stripped or (i == 0 and re.fullmatch(r"\d+", stripped)):
            continue  # empty, or the row number
        m = QUANTITY_RE.search(cell)
        if not _VALUE_CELL.match(cell) or m is None or cell[: m.start()].strip() or cell[m.end() :].strip():
            indicator = text[at : at + len(cell)].strip()
            continue
        c = _candidate(text[at : at + len(cell)], cell, m, below_exclusive, table_cell=True, base=at)
        if c is None:
            continue
        th = c.th
        bare = th.operator == "=" and not th.unit and "." not in th.text
        if bare and (i == len(cells) - 1 or len(filled) < 3):
            continue  # a TOC page number ("(一) 指导思想\t15"), not a value
        unit = th.unit
        if not unit:
            named = _UNIT_LABEL.search(indicator) or _UNIT_IN_NAME.search(indicator)
            unit = named.group("u").strip() if named else ""
        out.append(dataclasses.replace(th, unit=unit, indicator=indicator))
    return out
