"""Event grades, warning levels and response levels named in one clause.

Three schemes share the digits 1-4 (rank 1 = most severe):

* event grades: 特别重大/重大/较大/一般, or Ⅰ级-Ⅳ级 next to 事件 / in "(Ⅱ级)";
* warnings: 红色/橙色/黄色/蓝色预警 or 一级-四级预警 (一级 = 红);
* responses: 一级-四级响应, Ⅰ-Ⅳ级(应急)响应, "北京市 II 级应急响应".

The corpus uses "N级" for many other things (四级林长, 三级应急体系, 一级应急
疏散救援通道, 8.0级地震, 正处级, 百米级), so a bare "N级" is only taken when
预警 or 响应 follows it, or inside an enumeration such as "一级、二级、三级和四级"
whose sentence is about 预警 or 响应.  Grade words likewise need an event
noun after them (重大突发事件, 较大级别) so that 重大活动 and 较大影响 stay out.
"""

from __future__ import annotations

import re

from plankb.extract.facts.numbers import ROMAN, fold, ordinal_to_int
from plankb.extract.model import LevelMention, LevelScheme, Span
from plankb.extract.vocab import COLOUR_RANK, COLOUR_WORD, GRADE_RANK, GRADE_WORD, VOCAB

RANK_COLOUR = {c.rank: c.short for c in VOCAB.colours}  # 1 -> "红"

_GRADE = GRADE_WORD
_LIST_SEP = r"\s*[、和及或与]\s*"
# Event categories allowed between a grade word and 事件/事故, e.g. 较大突发公共卫生事件.
_CATEGORY = (
    r"(?:突发|同类)?(?:公共卫生|中毒|生产安全|安全生产|火灾|道路交通|交通|环境|食品安全|食品药品安全"
    r"|传染病|地质灾害|森林火灾|地震|动物疫情|涉外|群体性|网络与信息安全)?"
)
# What must follow a grade word (or a run of them) for it to be a grade.
_GRADE_TAIL = rf"(?:及以上|以上|及以下)?\s*(?:{_CATEGORY}(?:事件|事故)|级别|等级)"
# Names of bodies that contain a grade word (市委应对重大突发公共卫生事件领导机构,
# 市重大网络与信息安全事件应急指挥部) and the term 重大事故隐患.
_NAME_AFTER = r"(?:(?:应急)?(?:指挥部|领导机构|领导小组)|隐患)"

# A run of grade words and what follows it; e.g. "重大、特别重大突发事件",
# "较大及以上突发事件", "特别重大、重大、较大、一般4个级别".
GRADE_RUN_RE = re.compile(
    rf"(?<!应对)(?P<run>{_GRADE}(?:{_LIST_SEP}{_GRADE})*)(?P<ge>及以上|以上|及以下)?"
)
_GRADE_WORD_RE = re.compile(_GRADE)
_TAIL_RE = re.compile(rf"\s*{_GRADE_TAIL}(?!{_NAME_AFTER})")
_TAIL_NAME_RE = re.compile(rf"\s*{_GRADE_TAIL}{_NAME_AFTER}")

# Colour warnings, alone or listed: "红色预警", "蓝色、黄色预警", "橙色或红色预警信号".
COLOUR_RUN_RE = re.compile(rf"{COLOUR_WORD}(?:\s*[、和或及与]\s*{COLOUR_WORD})*\s*预警")
_COLOUR_RE = re.compile(COLOUR_WORD)

_RANK = rf"(?:[一二三四]|[1-4]|{ROMAN})"
# One numbered level with its scheme word: "一级预警", "Ⅲ级应急响应", "II 级应急响应",
# "四级响应", "Ⅱ级突发事件", "(IV 级)".
NUMBERED_RE = re.compile(
    rf"(?<![\d.一二三四五六七八九十])(?P<rank>{_RANK})\s*级\s*"
    rf"(?:(?P<warn>预警)|(?P<resp>(?:应急)?响应)|(?=突发|事件|事故|[)）]))"
)
# An enumeration "一级、二级、三级和四级" / "IV 级、Ⅲ级、Ⅱ级、Ⅰ级".
ENUM_RE = re.compile(rf"{_RANK}\s*级(?:{_LIST_SEP}{_RANK}\s*级)+")
_ENUM_ITEM_RE = re.compile(rf"(?P<rank>{_RANK})\s*级")

# "由X发布/批准/启动" after a mention, with "由A报B批准" or "报B审批" meaning B
# approves; e.g. "红色预警由市应急办报市应急委主任批准" -> 市应急委主任,
# "橙色预警报分管区领导审准" (sic, Pinggu) -> 分管区领导.
ACTOR_AFTER_RE = re.compile(
    r"\s*(?:信号|信息)?\s*(?:报(?!告|送|备))?(?:由(?P<x>[^，。；,;]{2,30}?))?"
    r"(?:报(?!告|送|备)(?:请)?(?P<y>[^，。；,;]{2,20}?))?"
    r"(?:负责)?(?:批准|审批|审准|审定|发布|启动|决定)"
)
# "由X启动" / "由A报请B批准(后)启动" / "由X决定，启动" / "经X批准后启动" just before a
# mention; e.g. "由区委、区政府启动 IV 级应急响应" -> 区委、区政府.
ACTOR_BEFORE_RE = re.compile(
    r"(?:由(?P<x>[^，。；,;由经]{2,30}?)(?:报请(?P<y>[^，。；,;]{2,30}?)批准后?|批准后?|决定[，,]?)?"
    r"|经(?P<z>[^，。；,;由经]{2,30}?)批准后?)\s*启动\s*$"
)


def find_levels(text: str) -> list[LevelMention]:
    """Every grade, warning and response level named in ``text``, in text order."""
    t = fold(text)
    # Keyed by start: "三级、四级响应" yields "四级响应" once, from the first rule that sees it.
    found: dict[int, LevelMention] = {}

    def add(start: int, end: int, scheme: LevelScheme, rank: int, colour: str = "", actor: str = "") -> None:
        if start not in found and 1 <= rank <= 4:
            found[start] = LevelMention(
                text=text[start:end], scheme=scheme, rank=rank, span=Span(start, end),
                colour=colour, actor=actor,
            )

    for m in COLOUR_RUN_RE.finditer(t):
        actor = _actor_after(t, m.end())
        colours = list(_COLOUR_RE.finditer(m.group()))
        for c in colours:
            start = m.start() + c.start()
            # A lone colour keeps its "预警"; inside a list each colour is its own span.
            end = m.end() if len(colours) == 1 else start + 2
            rank = COLOUR_RANK[c.group()]
            add(start, end, LevelScheme.WARNING, rank, RANK_COLOUR[rank], actor)

    for m in NUMBERED_RE.finditer(t):
        rank = ordinal_to_int(m.group("rank"))
        if rank is None:
            continue
        if m.group("warn"):
            add(m.start(), m.end(), LevelScheme.WARNING, rank, RANK_COLOUR.get(rank, ""), _actor_after(t, m.end()))
        elif m.group("resp"):
            add(m.start(), m.end(), LevelScheme.RESPONSE, rank, actor=_actor_before(t, m.start()))
        elif not _is_chinese_digit(m.group("rank")):
            # "Ⅱ级突发事件", "（IV 级）": Roman/Arabic only; "一级事件" is too rare to risk.
            end = m.start() + len(m.group().rstrip())
            add(m.start(), end, LevelScheme.EVENT_GRADE, rank)

    for m in ENUM_RE.finditer(t):
        scheme = _enum_scheme(t, m.start(), m.end())
        if scheme is None:
            continue
        for it in _ENUM_ITEM_RE.finditer(m.group()):
            rank = ordinal_to_int(it.group("rank"))
            if rank is not None:
                colour = RANK_COLOUR.get(rank, "") if scheme is LevelScheme.WARNING else ""
                add(m.start() + it.start(), m.start() + it.end(), scheme, rank, colour)

    for start, end, word in _grade_words(t):
        add(start, end, LevelScheme.EVENT_GRADE, GRADE_RANK[word])

    return sorted(found.values(), key=lambda x: (x.span.start, x.span.end))


def grade_for(level: LevelMention) -> int:
    """The event grade (1 特别重大 … 4 一般) a mention corresponds to.

    All three schemes run 1-4 in the same direction: a 一级/Ⅰ级 response is
    started for 特别重大 events (master 4.3.2-4.3.5) and a red warning is the
    most severe, so the rank is the grade.
    """
    return level.rank


def find_grade_conditions(text: str) -> list[tuple[Span, str]]:
    """Grade conditions such as "较大及以上" or "重大、特别重大" with their spans."""
    t = fold(text)
    out: list[tuple[Span, str]] = []
    for m in GRADE_RUN_RE.finditer(t):
        if _grade_run_ok(t, m):
            end = m.end()
            out.append((Span(m.start(), end), text[m.start() : end]))
    return out


def _grade_run_ok(t: str, m: re.Match[str]) -> bool:
    n_words = len(_GRADE_WORD_RE.findall(m.group("run")))
    if n_words >= 3:  # "特别重大、重大、较大、一般": the scheme itself
        return True
    tail_at = m.end()
    return bool(_TAIL_RE.match(t, tail_at)) and not _TAIL_NAME_RE.match(t, tail_at)


def _grade_words(t: str) -> list[tuple[int, int, str]]:
    out = []
    for m in GRADE_RUN_RE.finditer(t):
        if not _grade_run_ok(t, m):
            continue
        base = m.start("run")
        for w in _GRADE_WORD_RE.finditer(m.group("run")):
            out.append((base + w.start(), base + w.end(), w.group()))
    return out


def _enum_scheme(t: str, start: int, end: int) -> LevelScheme | None:
    after = t[end : end + 6]
    if after.lstrip().startswith("预警"):
        return LevelScheme.WARNING
    if re.match(r"\s*(?:应急)?响应", after):
        return LevelScheme.RESPONSE
    # Otherwise the sentence before the list names the scheme:
    # "预警级别…分为一级、二级、三级和四级", "应急响应…分为四级:一级、二级…".
    sentence = re.split(r"[。；;]", t[max(0, start - 60) : start])[-1]
    if "预警" in sentence:
        return LevelScheme.WARNING
    if "响应" in sentence:
        return LevelScheme.RESPONSE
    return None


def _actor_after(t: str, end: int) -> str:
    m = ACTOR_AFTER_RE.match(t, end)
    if not m:
        return ""
    return (m.group("y") or m.group("x") or "").strip()


def _actor_before(t: str, start: int) -> str:
    m = ACTOR_BEFORE_RE.search(t[max(0, start - 60) : start])
    if not m:
        return ""
    return (m.group("y") or m.group("x") or m.group("z") or "").strip()


def _is_chinese_digit(s: str) -> bool:
    return s.strip() in ("一", "二", "三", "四")
