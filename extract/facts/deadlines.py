"""Time limits in one clause: durations, dates, target years, recurrences, "at once".

Input is one cleaned clause (lines joined, page numbers gone); spaces between
digits and Chinese may remain ("每 30 分钟", "2022 年 11 月底前").  Spans are
relative to that string.  A number is only a deadline with a cue: 内/以内/之内
after it, 后/晚于 before it (事件发生后 2 小时报送), 前/之前/底前 after a date,
到 before a year, 每 before a period; "2016年修订的" or a signature date is not.

Values are ISO 8601: PT2H, PT30M, P1D (+ ``working_days`` for 工作日),
2022-11-30, 2025, R/PT30M, R/P1Y; "immediate" (立即, 第一时间, 自印发之日起施行)
has the value PT0S.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

from plankb.extract.facts.levels import find_grade_conditions
from plankb.extract.facts.numbers import NUMBER, fold, format_number, try_number
from plankb.extract.model import Deadline, DeadlineKind, Span

# A duration with its cue; e.g. "2 小时内", "后 30 分钟", "1个工作日内", "半小时内",
# "16 个工作日内", "30 小时以内".  <pre> or <cue> must be present.
DURATION_RE = re.compile(
    rf"(?P<pre>(?:后|晚于|不迟于)\s*)?(?<![\d.])(?P<num>{NUMBER})\s*(?:个\s*)?"
    r"(?P<unit>工作日|小时|分钟|秒钟?|星期|周|天|日|月|年)\s*(?P<cue>之内|以内|内)?"
)
# What follows a *time window* of a grading criterion rather than a limit:
# "一周内发病 30 人以上", "24 小时内出现 2 起", "3 天内，同一学校…".
_WINDOW_AFTER = re.compile(r"\s*(?:[，,]|出现|发生|发病|发现|连续|累计|病例|一个|同一|无)")

# A recurrence; e.g. "每 30 分钟", "每年", "每两年", "每季度", "每半年".
RECURRENCE_RE = re.compile(
    rf"每\s*(?P<num>{NUMBER})?\s*(?:个\s*)?(?P<unit>小时|分钟|天|日|周|星期|季度|月|年)(?!度|均)"
)
# A period without a number needs an action right after it ("每年至少开展",
# "每月填报") so that "每季度诉求量前 10 名" stays out.
_RECUR_ACTION = re.compile(
    r"\s*(?:至少|不少于|原则上|定期|都|均|要|应)?\s*"
    r"(?:组织|开展|举办|举行|进行|评估|参加|接受|安排|成立|更新|填报|报告|报送|续报|修订|演练|培训|检查"
    r"|建设|认定|提供|完成|召开|发布|根据|按照|由|在|对)"
)

# A date with a "by" cue; e.g. "2022 年 11 月底前", "2025年底前", "2025年前",
# "2022年6月30日前", "到 2025 年底".
DATE_RE = re.compile(
    r"(?P<to>到\s*)?(?<!\d)(?P<y>(?:19|20)\d\d)\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?)?"
    r"\s*(?P<cue>底前|底之前|底以前|底|之前|以前|前)?"
)
# A date without a year; e.g. "6月30日前", "6月底前", "年底前".
MONTH_DAY_RE = re.compile(
    r"(?<![\d年\s])(?<!年\s)(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日|(?P<end>底))\s*(?P<cue>之前|以前|前)"
)
YEAR_END_RE = re.compile(r"(?<![\d\s])(?<!\d\s)年底(?:之前|以前|前)")
# Labels that make any following date a deadline; e.g. "完成时限：2022 年 11 月底前".
_DEADLINE_LABEL = re.compile(r"(?:完成时限|时限|截止时间|完成时间)\s*[:：]\s*$")

# Immediate action; e.g. "立即报告", "第一时间通过权威媒体…发布".  Not the
# adjective of "是第一时间先期处置的重要力量" / "为第一时间先期处置力量".
IMMEDIATE_RE = re.compile(r"立即|(?<![是为])第一时间")
# Entry into force from issue; e.g. "自印发之日起施行".
ISSUE_RE = re.compile(r"自(?:印发|发布|公布)之日起(?P<v>施行|实施|执行|生效)")

# Anchors, the latest one before a deadline in its sentence wins.
_ANCHORS = (
    ("occurrence", re.compile(r"事件发生后|事发后|发生后")),
    ("receipt", re.compile(
        r"接报后|接到[^，。；,;]{0,20}?报告后|(?:获悉|发现)[^，。；,;]{0,20}?后|收到[^，。；,;]{0,10}?后"
    )),
    ("issue", re.compile(r"(?:印发|发布)之日起|自[^，。；,;]{0,12}?起施行")),
    ("approval", re.compile(r"批准后")),
)

# Verbs that start the action a deadline governs (longest first so that 续报
# wins over 报).
_VERBS = sorted(
    [
        "持续报告", "报告", "报送", "续报", "上报", "通报", "发布", "送达", "到达", "赶到", "抵达", "赶赴", "完成", "办结", "发放",
        "核实", "处置", "启动", "组织", "开展", "举办", "召开", "提交", "备案", "反馈", "答复", "回复", "办理", "公布", "救助",
        "恢复", "得到", "进行", "评估", "检查", "修订", "演练", "培训", "参加", "安排", "提供", "建设", "认定", "成立", "填报",
        "更新", "接受", "撤离", "疏散", "到位", "响应", "研判", "作出", "做出", "实施", "施行", "解除", "确认", "转移", "下达",
        "审核", "审批", "审结", "签发", "牵头", "宣布", "采取", "支援", "报",
    ],
    key=len,
    reverse=True,
)
_VERB_RE = re.compile("|".join(_VERBS))
# How far back an anchor or grade condition is looked for (4.1.4 needs ~170).
_WINDOW = 300
_SEGMENT_END = re.compile(r"[，。；,;：:！？!?\n\t]")
# Adverbs and prepositions between a deadline and its verb: "尽快向区应急办…报告".
_LEAD_IN = re.compile(r"^\s*(?:之内|以内|内)?\s*(?:尽快|及时|迅速|必须|须|应当|应|要)?\s*")
_PREPOSITION = re.compile(r"(?:向|对|给|通过|由|在|经|将)")
# "详细信息最迟不得晚于…报送": the topic before 最迟 is the object of the action.
_TOPIC_RE = re.compile(r"(?:^|[，,；;。])(?P<topic>[^，,；;。]{2,8}?)(?:最迟|最晚)[^，,；;。]*$")

_UNIT_DESIGNATOR = {
    "小时": ("T", "H"), "分钟": ("T", "M"), "秒": ("T", "S"), "秒钟": ("T", "S"),
    "天": ("", "D"), "日": ("", "D"), "工作日": ("", "D"), "周": ("", "W"), "星期": ("", "W"),
    "月": ("", "M"), "季度": ("", "M"), "年": ("", "Y"),
}


def find_deadlines(text: str) -> list[Deadline]:
    """Every time limit stated in ``text``, in text order."""
    t = fold(text)
    out: list[Deadline] = []
    taken = bytearray(len(text))  # 1 where a deadline already sits

    def add(start: int, end: int, kind: DeadlineKind, value: str, working: bool = False,
            action: str | None = None, anchor: str | None = None) -> None:
        if taken.find(1, start, end) != -1:
            return
        taken[start:end] = b"\x01" * (end - start)
        if anchor is None:
            anchor = _anchor(t, start) if kind is not DeadlineKind.RECURRENCE else ""
        out.append(
            Deadline(
                text=text[start:end], kind=kind, value=value, span=Span(start, end),
                anchor=anchor,
                action=_action(text, start, end) if action is None else action,
                condition=_condition(text, t, start),
                working_days=working,
            )
        )

    for m in ISSUE_RE.finditer(t):
        add(m.start(), m.end(), DeadlineKind.IMMEDIATE, "PT0S", action=m.group("v"), anchor="issue")

    for m in RECURRENCE_RE.finditer(t):
        n = try_number(m.group("num")) if m.group("num") else 1.0
        if n is None:
            continue
        if not m.group("num") and not _RECUR_ACTION.match(t, m.end()):
            continue
        add(m.start(), m.end(), DeadlineKind.RECURRENCE, "R/" + _iso_duration(n, m.group("unit")))

    for m in DATE_RE.finditer(t):
        _add_date(t, m, add)

    for m in MONTH_DAY_RE.finditer(t):
        mo = int(m.group("m"))
        # Without a year the month end is taken from a common year (Feb = 28).
        d = int(m.group("d")) if m.group("d") else calendar.monthrange(2001, mo)[1] if 1 <= mo <= 12 else 0
        if 1 <= mo <= 12 and 1 <= d <= 31:
            add(m.start(), m.end(), DeadlineKind.DATE, f"--{mo:02d}-{d:02d}")

    for m in YEAR_END_RE.finditer(t):
        add(m.start(), m.end(), DeadlineKind.DATE, "--12-31")

    for m in DURATION_RE.finditer(t):
        if not (m.group("pre") or m.group("cue")):
            continue
        unit = m.group("unit")
        n = try_number(m.group("num"))
        if n is None or n <= 0:
            continue
        if unit == "年" and n >= 1900:  # "2022年内" is a date, not three millennia
            continue
        if m.group("cue") and _WINDOW_AFTER.match(t, m.end()):
            continue
        if unit in ("月", "年", "日") and not m.group("cue"):
            continue  # "后 3 月" / "后 5 日" without 内 read as dates too often
        start = m.start("num")
        add(start, m.end(), DeadlineKind.DURATION, _iso_duration(n, unit), working=unit == "工作日")

    for m in IMMEDIATE_RE.finditer(t):
        add(m.start(), m.end(), DeadlineKind.IMMEDIATE, "PT0S")

    return sorted(out, key=lambda d: d.span.start)


def _add_date(t: str, m: re.Match[str], add: Callable[..., None]) -> None:
    y, mo, d, cue = m.group("y"), m.group("m"), m.group("d"), m.group("cue") or ""
    labelled = bool(_DEADLINE_LABEL.search(t[max(0, m.start() - 12) : m.start()]))
    to = bool(m.group("to"))
    if cue == "底" and not (to or labelled):
        return  # "截止 2020 年底" is history
    if not (cue or to or labelled):
        return  # a plain date: signature, history, title
    if mo is None and d is None and not cue.startswith("底"):
        start = m.start() if to else m.start("y")
        add(start, m.end(), DeadlineKind.YEAR, y)
        return
    year, month = int(y), int(mo) if mo else 12
    if not 1 <= month <= 12:
        return
    if d:
        day = int(d)
    elif cue.startswith("底") or labelled:
        day = calendar.monthrange(year, month)[1]
    else:
        # "2022年6月前": before the month starts; the last day of the previous month.
        month, year = (month - 1, year) if month > 1 else (12, year - 1)
        day = calendar.monthrange(year, month)[1]
    start = m.start() if to else m.start("y")
    add(start, m.end(), DeadlineKind.DATE, f"{year:04d}-{month:02d}-{day:02d}",
        action="完成" if labelled and "完成" in t[max(0, m.start() - 12) : m.start()] else None)


def _iso_duration(n: float, unit: str) -> str:
    if unit == "季度":
        n, unit = n * 3, "月"
    if unit == "小时" and n != int(n) and (n * 60) == int(n * 60):
        n, unit = n * 60, "分钟"  # 半小时 -> PT30M
    if unit == "年" and n != int(n) and (n * 12) == int(n * 12):
        n, unit = n * 12, "月"  # 每半年 -> P6M
    t, d = _UNIT_DESIGNATOR[unit]
    return f"P{t}{format_number(n)}{d}"


def _sentence_before(t: str, pos: int) -> str:
    """The sentence up to ``pos``, at most ``_WINDOW`` characters of it."""
    lo = max(0, pos - _WINDOW)
    return t[max(lo, max(t.rfind(c, lo, pos) for c in "。；;") + 1) : pos]


def _anchor(t: str, start: int) -> str:
    before = _sentence_before(t, start)
    best, best_at = "", -1
    for name, rx in _ANCHORS:
        for m in rx.finditer(before):
            if m.end() > best_at:
                best, best_at = name, m.end()
    return best


def _condition(text: str, t: str, start: int) -> str:
    """The last grade condition ("较大及以上", "重大、特别重大") before ``start`` in its sentence."""
    sentence_start = start - len(_sentence_before(t, start))
    conds = find_grade_conditions(text[sentence_start:start])
    return conds[-1][1] if conds else ""


def _action(text: str, start: int, end: int) -> str:
    """The verb phrase a deadline governs: "报告", "送达现场", "报送详细信息"."""
    tail = text[end : end + 80]
    stop = _SEGMENT_END.search(fold(tail))
    seg = tail[: stop.start()] if stop else tail
    seg = seg[_LEAD_IN.match(seg).end() :]
    v = _VERB_RE.search(seg)
    # A verb far from the deadline belongs to it only after a prepositional
    # phrase: "30 分钟向市委总值班室和市应急办报告".
    limit = 30 if _PREPOSITION.match(seg) else 15
    if not v or v.start() > limit:
        return ""
    verb, obj = v.group(), seg[v.end() :].strip()
    if not obj:
        w0 = max(0, start - 60)
        topic = _TOPIC_RE.search(fold(text[w0:start]))
        return verb + text[w0 + topic.start("topic") : w0 + topic.end("topic")].strip() if topic else verb
    if len(obj) > 8 or re.search(r"[、和及与]", obj):
        return verb
    return verb + obj
