"""The domain vocabulary: event grades, warning colours, response levels,
districts, level words, department lists, numerals and durations.

One typed module, loaded from ``extract/data/vocab.yaml`` and validated the way
the gazetteer loads ``orgs.yaml``.  Every package reads these tables from here
(tests/test_vocab.py fails when a copy appears elsewhere), so that the
extractor, the checker, ask, who-leads, the quiz and the web app agree on, for
example, which colour is level 1.  Rank 1 is always the most severe.

Numerals stay implemented in :mod:`extract.facts.numbers` (cn2an); this module
re-exports them so that a consumer needs one import.

Decision: module-level constants (``GRADE_RANK``, ``COLOUR_RE`` …) are derived
from the YAML at import time; loading and validating the file takes ~2 ms
(measured with ``python -X importtime``), cheaper than a lazy accessor on every
use in a regex-heavy extractor.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from plankb.extract.errors import Errors, InputError
from plankb.extract.facts.numbers import NUMBER, fold, ordinal_to_int, parse_number, try_number
from plankb.extract.model import Level

DATA_FILE = Path(__file__).parent / "data" / "vocab.yaml"
__all__ = [
    "NUMBER", "fold", "ordinal_to_int", "parse_number", "try_number",
    "Colour", "Grade", "ResponseLevel", "TimeUnit", "Vocabulary", "load_vocab",
    "GRADE_RANK", "RANK_GRADE", "COLOUR_RANK", "RANK_COLOUR", "COLOURS", "GRADES", "DISTRICTS",
    "GRADE_WORD", "COLOUR_WORD", "DISTRICT_WORD", "RANK_WORD",
    "split_list", "seconds", "say_duration", "iso_duration", "unit_seconds", "rank_of",
]


@dataclass(frozen=True, slots=True)
class Grade:
    name: str  # 特别重大
    rank: int  # 1 = most severe
    roman: str  # Ⅰ
    ordinal: str  # 一级


@dataclass(frozen=True, slots=True)
class Colour:
    name: str  # 红色
    short: str  # 红
    rank: int  # warning level: 1 = 一级 = most severe
    english: str

    @property
    def level_label(self) -> str:
        return "一二三四五"[self.rank - 1] + "级"


@dataclass(frozen=True, slots=True)
class ResponseLevel:
    rank: int
    ordinal: str  # 一级
    roman: str  # Ⅰ


@dataclass(frozen=True, slots=True)
class TimeUnit:
    name: str  # 小时
    seconds: int
    iso: str  # H
    time: bool = False  # the designator goes after "T" (PT2H)
    factor: int = 1  # 季度 = 3 months


@dataclass(frozen=True, slots=True)
class LevelWords:
    label: str  # 区级
    prefixes: tuple[str, ...]
    scopes: tuple[str, ...]
    self_words: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    grades: tuple[Grade, ...]
    colours: tuple[Colour, ...]
    response_levels: tuple[ResponseLevel, ...]
    districts: tuple[str, ...]
    districts_english: dict[str, str]
    levels: dict[Level, LevelWords]
    list_separators: tuple[str, ...]
    list_tails: tuple[str, ...]
    time_units: tuple[TimeUnit, ...]

    def unit(self, name: str) -> TimeUnit | None:
        return next((u for u in self.time_units if u.name == name), None)


def _req(item: Any, key: str, kind: type, src: str) -> Any:
    if not isinstance(item, dict) or key not in item or not isinstance(item[key], kind):
        raise InputError(Errors.E114.format(src=src, item=item, key=key, type=kind.__name__))
    return item[key]


def _ranks(items: list[Any], src: str) -> None:
    ranks = [x.rank for x in items]
    if sorted(ranks) != list(range(1, len(ranks) + 1)):
        raise InputError(Errors.E115.format(src=src, count=len(ranks), ranks=ranks))


@functools.lru_cache(maxsize=1)
def load_vocab(path: Path = DATA_FILE) -> Vocabulary:
    """The vocabulary from ``vocab.yaml``; raises InputError naming the bad entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(Errors.E112.format(path=path, why=exc)) from exc
    if not isinstance(data, dict):
        raise InputError(Errors.E113.format(path=path))
    src = str(path)
    grades = tuple(Grade(_req(g, "name", str, src), _req(g, "rank", int, src), _req(g, "roman", str, src),
                         _req(g, "ordinal", str, src)) for g in data.get("grades") or [])
    colours = tuple(Colour(_req(c, "name", str, src), _req(c, "short", str, src), _req(c, "rank", int, src),
                           _req(c, "english", str, src)) for c in data.get("colours") or [])
    resp = tuple(ResponseLevel(_req(r, "rank", int, src), _req(r, "ordinal", str, src), _req(r, "roman", str, src))
                 for r in data.get("response_levels") or [])
    for name, items in (("grades", grades), ("colours", colours), ("response_levels", resp)):
        if not items:
            raise InputError(Errors.E116.format(src=src, name=name))
        _ranks(list(items), f"{src} {name}")
    districts = tuple(data.get("districts") or ())
    if len(districts) != len(set(districts)) or not all(isinstance(d, str) and d for d in districts):
        raise InputError(Errors.E117.format(src=src))
    levels: dict[Level, LevelWords] = {}
    for key, v in (data.get("levels") or {}).items():
        try:
            lv = Level(key)
        except ValueError as exc:
            raise InputError(Errors.E118.format(src=src, key=key)) from exc
        levels[lv] = LevelWords(_req(v, "label", str, src), tuple(_req(v, "prefixes", list, src)),
                                tuple(_req(v, "scopes", list, src)), tuple(v.get("self") or ()))
    units = tuple(TimeUnit(_req(u, "name", str, src), _req(u, "seconds", int, src), _req(u, "iso", str, src),
                           bool(u.get("time", False)), int(u.get("factor", 1))) for u in data.get("time_units") or [])
    return Vocabulary(grades, colours, resp, districts, dict(data.get("districts_english") or {}), levels,
                      tuple(data.get("list_separators") or ()), tuple(data.get("list_tails") or ()), units)


VOCAB = load_vocab()

# -- tables --------------------------------------------------------------------
GRADES: tuple[str, ...] = tuple(g.name for g in sorted(VOCAB.grades, key=lambda g: g.rank))
GRADE_RANK: dict[str, int] = {g.name: g.rank for g in VOCAB.grades}
RANK_GRADE: dict[int, str] = {g.rank: g.name for g in VOCAB.grades}
COLOURS: tuple[str, ...] = tuple(c.name for c in sorted(VOCAB.colours, key=lambda c: c.rank))
COLOUR_RANK: dict[str, int] = {c.name: c.rank for c in VOCAB.colours}
COLOUR_RANK.update({c.short: c.rank for c in VOCAB.colours})
RANK_COLOUR: dict[int, str] = {c.rank: c.name for c in VOCAB.colours}
COLOUR_ENGLISH: dict[str, str] = {c.english: c.name for c in VOCAB.colours}
DISTRICTS: tuple[str, ...] = VOCAB.districts
DISTRICTS_ENGLISH: dict[str, str] = VOCAB.districts_english
LEVEL_LABELS: dict[Level, str] = {lv: w.label for lv, w in VOCAB.levels.items()}
RESPONSE_RANKS: tuple[int, ...] = tuple(r.rank for r in VOCAB.response_levels)

# -- patterns (strings, to be composed into each module's compiled grammars) ------
# A grade word; "重大" not inside "特别重大": "重大、特别重大突发事件".
GRADE_WORD = "(?:" + "|".join(g if g != "重大" else "(?<!特别)重大" for g in sorted(GRADES, key=len, reverse=True)) + ")"
# A colour word: "红色", "橙色".
COLOUR_WORD = "(?:" + "|".join(COLOURS) + ")"
# A district name with its 区: "平谷区".
DISTRICT_WORD = "(?:" + "|".join(sorted(DISTRICTS, key=len, reverse=True)) + ")"
# A level rank as written: 一/1/Ⅰ/I … (ASCII Roman not inside a Latin word).
RANK_WORD = (r"(?:[一二三四]|[1-4]|[" + "".join(r.roman for r in VOCAB.response_levels)
             + r"]|(?<![A-Za-z])(?:IV|III|II|I)(?![A-Za-z]))")


def rank_of(word: str) -> int | None:
    """Rank of a grade word, a colour (红色 or 红) or a level label (一级, Ⅱ, 3): 1 = most severe."""
    w = fold(word).strip().removesuffix("级")
    if w in GRADE_RANK:
        return GRADE_RANK[w]
    if w in COLOUR_RANK:
        return COLOUR_RANK[w]
    return ordinal_to_int(w)


# -- department lists ------------------------------------------------------------
_SEP_RE = re.compile("|".join(re.escape(s) for s in sorted(VOCAB.list_separators, key=len, reverse=True)))
_TAIL_RE = re.compile("(?:" + "|".join(re.escape(t) for t in VOCAB.list_tails) + ")$")
# Bodies whose names contain a separator word: "区财政和金融办", "区住房和城乡建设委".
_KEEP_TOGETHER_RE = re.compile(r"和(?:城乡|信息化|改革|金融|旅游|体育|计划生育|社会保障|物资|储备|应急|科技|文化|自然资源|园林)")
_PREFIX_RE = re.compile(r"^(?:北京市|" + DISTRICT_WORD + "区|市委|区委|市|区)")


def split_list(text: str) -> tuple[str, ...]:
    """A list of bodies, each whole: '区交通局、公路分局和区应急管理局等部门' ->
    ('区交通局', '区公路分局', '区应急管理局').  A member written without its
    level prefix takes the prefix of the first member (a shared-prefix list)."""
    t = "".join(fold(text).split())
    # Protect "和" inside names by splitting only where it is not followed by a name part.
    parts, lo = [], 0
    for m in _SEP_RE.finditer(t):
        if m.group() == "和" and _KEEP_TOGETHER_RE.match(t, m.start()):
            continue
        parts.append(t[lo : m.start()])
        lo = m.end()
    parts.append(t[lo:])
    out: list[str] = []
    prefix = ""
    for p in parts:
        p = _TAIL_RE.sub("", p.strip("（）()。；;：: "))
        if not p:
            continue
        m = _PREFIX_RE.match(p)
        if m and not out:
            prefix = m.group()
        elif not m and prefix and out and not re.match(r"^(?:各|有关|相关|事发地|属地)", p):
            p = prefix + p
        out.append(p)
    return tuple(out)


# -- durations -------------------------------------------------------------------
_ISO_RE = re.compile(r"^(?:R\d*/)?P(?:(?P<y>[\d.]+)Y)?(?:(?P<mo>[\d.]+)M)?(?:(?P<w>[\d.]+)W)?(?:(?P<d>[\d.]+)D)?"
                     r"(?:T(?:(?P<h>[\d.]+)H)?(?:(?P<mi>[\d.]+)M)?(?:(?P<s>[\d.]+)S)?)?$")
_ISO_SECONDS = {"y": "年", "mo": "月", "w": "周", "d": "天", "h": "小时", "mi": "分钟", "s": "秒"}


def unit_seconds(unit: str) -> int | None:
    """Seconds in one unit: '小时' -> 3600, '工作日' -> 86400."""
    u = VOCAB.unit(unit)
    return u.seconds if u else None


def iso_duration(number: float, unit: str, recurrence: bool = False) -> str | None:
    """ISO 8601 form of a quantity: (2, '小时') -> 'PT2H'; (30, '分钟', True) -> 'R/PT30M'."""
    u = VOCAB.unit(unit)
    if u is None:
        return None
    n = number * u.factor
    v = str(int(n)) if n == int(n) else repr(n)
    iso = f"PT{v}{u.iso}" if u.time else f"P{v}{u.iso}"
    return "R/" + iso if recurrence else iso


def seconds(iso: str) -> float | None:
    """Length of an ISO 8601 duration or recurrence ("PT2H", "R/P1Y", "P1D") in seconds."""
    m = _ISO_RE.match(iso or "")
    if not m or not any(m.groupdict().values()):
        return None
    total = 0.0
    for key, unit in _ISO_SECONDS.items():
        v = m.group(key)
        if v:
            total += float(v) * (unit_seconds(unit) or 0)
    return total


def say_duration(iso: str, working_days: bool = False) -> str:
    """Chinese wording of a limit: PT2H -> 2小时, R/PT30M -> 每30分钟, P1D (working) -> 1个工作日."""
    m = _ISO_RE.match(iso or "")
    if not m or not any(m.groupdict().values()):
        return iso
    names = {**_ISO_SECONDS, "mo": "个月", "d": "个工作日" if working_days else "天"}
    parts = []
    for key, unit in names.items():
        v = m.group(key)
        if v:
            n = float(v)
            parts.append(f"{int(n) if n == int(n) else n}{unit}")
    text = "".join(parts)
    if iso.startswith("R"):
        return "每" + {"1年": "年", "1个月": "月", "1天": "天", "1周": "周"}.get(text, text)
    return text
