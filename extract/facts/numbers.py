"""Number parsing shared by the deadline, threshold and level extractors.

The corpus writes the same quantity in many ways: ``30 分钟`` / ``30分钟`` /
``三十分钟``, ``1％`` / ``1%``, ``50%-60%`` / ``1 至 2 个`` / ``五至十年``,
``Ⅱ级`` (U+2161) / ``II 级`` (ASCII).  Extractors match on :func:`fold`-ed
text, which maps full-width forms to ASCII *one character for one
character*, so a match's offsets are valid in the caller's original string.
Chinese numerals go through ``cn2an`` rather than a hand-written table.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# One-for-one replacements (never change the length: spans must survive).
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "％": "%",
        "．": ".",
        "＜": "<",
        "＞": ">",
        "～": "~",
        "〜": "~",
        "－": "-",
        "＋": "+",
        "：": ":",
        "\u3000": " ",
        "\u00a0": " ",
    }
)

# Arabic number, optionally with decimals and thousands commas; e.g. "0.65", "1,000".
ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Chinese numeral; e.g. "两", "三十", "一百二十", "零点五".  Extractors only accept
# it next to a unit, since 一 also starts ordinary words (一般, 统一).
# A run never starts inside another run and is at most 8 characters long, which
# keeps matching linear on odd input such as a long 一二三四… string.
CHINESE = (
    r"(?<![零〇一二两三四五六七八九十百千])[零〇一二两三四五六七八九十百千]{1,8}"
    r"(?:点[零〇一二三四五六七八九]{1,4})?"
)
# Either kind, or 半 (half: 半小时 = 30 minutes).
NUMBER = rf"(?:{ARABIC}|{CHINESE}|半)"
# Separators of a range: 5-10, 1至2, 10～19, 2021—2025.
RANGE_SEP = r"\s*(?:-|~|—|至|到)\s*"

# Roman numerals: the Unicode Ⅰ-Ⅻ block, then the ASCII spellings used in 003.
_ROMAN_CHARS = {chr(0x2160 + i): i + 1 for i in range(12)}
_ROMAN_ASCII = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
# A Roman grade: "Ⅱ", "IV"; the ASCII form must not touch other Latin letters
# (so the "I" of "OLE_LINK" or "AI" is never read).
ROMAN = r"(?:[\u2160-\u216b]|(?<![A-Za-z])(?:IV|VI|V|I{1,3})(?![A-Za-z]))"


# Longer "numbers" are ID strings or runs of 一二三, not quantities.
_MAX_DIGITS = 15


def fold(text: str) -> str:
    """Full-width digits, ％, ＜… replaced by ASCII; same length as ``text``."""
    return text.translate(_FOLD)


def parse_number(s: str) -> float:
    """Value of an Arabic or Chinese numeral, spaces allowed: "1 000", "两", "半".

    Raises ``ValueError`` when ``s`` is not a number.
    """
    t = re.sub(r"\s+", "", fold(s)).replace(",", "")
    if not t:
        raise ValueError("empty number")
    if t == "半":
        return 0.5
    if len(t) > _MAX_DIGITS:
        raise ValueError(f"number too long: {s[:20]!r}…")
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    if re.fullmatch(CHINESE, t) and not re.search(r"([两零〇])\1", t):
        try:
            return float(_cn2an()(t, "smart"))
        except Exception as e:  # cn2an raises bare ValueError/OverflowError/KeyError on odd input
            raise ValueError(f"not a Chinese numeral: {s!r}") from e
    raise ValueError(f"not a number: {s!r}")


@functools.cache
def _cn2an() -> Any:
    """cn2an's converter, imported on first use: importing cn2an costs ~0.3 s (its
    dependency ``proces`` loads tables), paid otherwise by every command that imports
    extract, even ``plankb docs``."""
    import cn2an

    return cn2an.cn2an


def try_number(s: str) -> float | None:
    """:func:`parse_number` or ``None``."""
    try:
        return parse_number(s)
    except ValueError:
        return None


# A range "low SEP high", each number optionally followed by its own unit
# before the separator; e.g. "50%-60%", "1 至 2", "五至十", "10 年至 50".
_RANGE_RE = re.compile(rf"^\s*({NUMBER})\s*[^\d\s\-~—至到]*{RANGE_SEP}({NUMBER})")


def parse_range(s: str) -> tuple[float, float] | None:
    """``(low, high)`` of "50%-60%", "1至2", "五至十年", "10 年至 50 年一遇"; else ``None``."""
    m = _RANGE_RE.match(fold(s))
    if not m:
        return None
    lo, hi = try_number(m.group(1)), try_number(m.group(2))
    if lo is None or hi is None:
        return None
    return lo, hi


def roman_to_int(s: str) -> int | None:
    """1-12 for "Ⅰ".."Ⅻ" and 1-6 for ASCII "I".."VI"; ``None`` otherwise."""
    t = s.strip()
    if len(t) == 1 and t in _ROMAN_CHARS:
        return _ROMAN_CHARS[t]
    return _ROMAN_ASCII.get(t)


def ordinal_to_int(s: str) -> int | None:
    """Rank written as 一/二/三/四, 1-4, Ⅰ-Ⅳ or I-IV; ``None`` if none of them."""
    t = fold(s).strip()
    r = roman_to_int(t)
    if r is not None:
        return r
    v = try_number(t)
    if v is None or v != int(v):
        return None
    return int(v)


def format_number(v: float) -> str:
    """Short decimal form for ISO durations: 2.0 -> "2", 0.5 -> "0.5"."""
    return str(int(v)) if v == int(v) else repr(v)
