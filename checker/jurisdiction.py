"""The level and jurisdiction of a plan, from its title or, failing that, its content.

Authors anonymise drafts (「北京市××区…」, 「某区…」, 「××街道」), so a real
district name is not required: the title's shape decides first (a street or
township body before a district one, since 「××区××街道」 is a street plan),
then the plan's own words (本区/全区/区应急委 against 本街道/本镇/街道办事处).
The returned note names the cue that decided, so a reader can correct it with
``--level``.
"""

from __future__ import annotations

import re

from plankb.extract.model import Level
from plankb.extract.vocab import DISTRICT_WORD, LEVEL_LABELS

# A placeholder for an anonymised name: "××", "XX", "某", "＊＊".
_ANON = r"(?:[×xX＊*○]{1,4}|某)"
# A street-level body in a title: "兴谷街道", "金海湖镇", "渔阳地区办事处", "黄松峪乡", "××镇", "某街道".
STREET_TITLE_RE = re.compile(
    rf"((?:[\u4e00-\u9fff]{{2,5}}|{_ANON})(?:街道|地区办事处|镇|乡))(?:突发|人民政府|办事处|党委|应急|总体|防汛|[^\u4e00-\u9fff]|$)")
# A district in a title: "平谷区", "北京经济技术开发区", "××区", "某区".
DISTRICT_TITLE_RE = re.compile(rf"({DISTRICT_WORD}区|北京经济技术开发区|北京城市副中心|(?<![×xX＊*○]){_ANON}区)")
# A district body in a title, without a place name: "区卫生健康委员会…预案" is rare; "区应急委".
MUNICIPAL_TITLE_RE = re.compile(r"^(?:中共)?北京市")
# Content cues, weighted: a plan's words for its own area weigh more than names of bodies,
# since a street plan names the district bodies it reports to.
CONTENT_CUES: dict[Level, tuple[tuple[re.Pattern[str], int], ...]] = {
    Level.STREET: ((re.compile(r"本街道|全街道|本镇|全镇|本乡|全乡|街乡范围"), 3),
                   (re.compile(r"街道办事处|街道工委|镇政府|镇人民政府|乡政府|乡人民政府|镇党委"), 1)),
    Level.DISTRICT: ((re.compile(r"本区|全区"), 3), (re.compile(r"区应急委|区委|区政府|区人民政府"), 1)),
    Level.MUNICIPAL: ((re.compile(r"本市|全市"), 3), (re.compile(r"市应急委|市委|市政府|市人民政府"), 1)),
}
MIN_SCORE = 6


def detect_level(title: str, text: str, level: str | None, jurisdiction: str | None) -> tuple[Level, str, str]:
    """(level, jurisdiction, a note on which cue decided): given values win,
    then the title, then the plan's own words."""
    if level:
        lv = Level(level)
        return lv, jurisdiction or "", f"层级由调用方指定：{lv.value}"
    head = title + "\n" + text[:200]
    for where, src in (("标题", title), ("开头", head)):
        m = STREET_TITLE_RE.search(src)
        if m and not re.search(r"街道办事处|乡镇", m.group(1)[:2]):
            return Level.STREET, jurisdiction or m.group(1), f"由{where}中的“{m.group(1)}”判断为街道（乡镇）级"
        m = DISTRICT_TITLE_RE.search(src)
        if m:
            return Level.DISTRICT, jurisdiction or m.group(1), f"由{where}中的“{m.group(1)}”判断为区级"
    scores = {lv: sum(w * len(rx.findall(text)) for rx, w in cues) for lv, cues in CONTENT_CUES.items()}
    best = max(scores, key=lambda k: scores[k])
    if MUNICIPAL_TITLE_RE.search(title.strip()) and (best is Level.MUNICIPAL or scores[best] < MIN_SCORE):
        return Level.MUNICIPAL, jurisdiction or "北京市", "由标题判断为市级"
    if scores[best] >= MIN_SCORE:
        counted = "、".join(f"{LEVEL_LABELS.get(k, k.value)}{v}" for k, v in scores.items() if v)
        return best, jurisdiction or "", f"由正文用语判断为{LEVEL_LABELS.get(best, best.value)}（用语计分：{counted}）"
    return Level.UNKNOWN, jurisdiction or "", "未能判断预案层级"
