"""The words the checker reads plans by: topics, grades, time-limit slots, ranks.

Everything here works on one sentence (or a table row) of cleaned text and
knows nothing about which plan it comes from, so the same functions read the
municipal master plan, a district plan or a street draft.  Topics are
assigned by wording and by the heading path, never by section number: the
numbering shifts between plans (corpus/NOTES.md §1.3: 社会动员 is 4.6 in the master,
4.7 in Pinggu).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plankb.extract.facts.numbers import fold
from plankb.extract.model import Level
from plankb.extract.vocab import GRADE_RANK, GRADE_WORD, RANK_GRADE, say_duration, seconds

__all__ = ["GRADE_RANK", "RANK_GRADE", "say_duration", "seconds"]  # re-exported for the rules

# -- topics ------------------------------------------------------------------
# (topic, pattern on the heading path, pattern on the sentence).  A sentence
# has a topic when its text matches, or when its path matches and the text
# has the weaker cue of the second pattern list below.
_TOPIC_TEXT: dict[str, re.Pattern[str]] = {
    # "立即报告市委总值班室", "每30分钟续报", "报送详细信息"
    "reporting": re.compile(r"报告|报送|续报|上报|首报|初报"),
    # "红色预警", "预警级别", "发布预警"
    "warning": re.compile(r"预警"),
    # "三级响应", "启动Ⅱ级应急响应", "应急响应由高到低分为"
    "response": re.compile(r"(?:[一二三四1-4\u2160-\u2163]|IV|I{1,3})\s*级\s*(?:应急)?响应|应急响应.{0,6}分为|启动.{0,12}响应"),
    # "统一指挥处置重大、特别重大…", "具体指挥本区…"
    "command": re.compile(r"统一指挥|指挥处置|组织指挥|具体指挥|负责指挥|统筹指挥|统一领导"),
    # "发布简要信息", "新闻发布中心", "信息发布"
    "release": re.compile(r"发布简要信息|简要信息|新闻发布|发布会|新闻发言人|信息发布(?!中心)|首次发布|对外发布"),
    "mobilisation": re.compile(r"社会动员"),
    "emergency_state": re.compile(r"紧急状态"),
    # "总体应急预案报上级人民政府备案", "及时修订应急预案"
    "plan_mgmt": re.compile(r"预案.{0,20}(?:备案|修订)|(?:备案|修订).{0,20}预案"),
    "drills": re.compile(r"演练"),
    # "拨款事宜", "专项准备资金", "应急资金"
    "funding": re.compile(r"拨款|拨付|专项准备资金|应急储备资金|应急资金|资金保障|救灾资金"),
    # "由高到低划分为特别重大、重大、较大、一般4个级别"
    "grades": re.compile(rf"(?:划分为|分为).{{0,12}}{GRADE_WORD}.{{0,16}}(?:级别|等级|级|类)"),
}
_TOPIC_PATH: dict[str, re.Pattern[str]] = {
    "reporting": re.compile(r"信息报送|信息报告|报告制度|信息上报"),
    "warning": re.compile(r"预警(?!响应)"),
    "response": re.compile(r"分级响应|应急响应|响应(?:分级|程序|启动)|[一二三四\u2160-\u2163]\s*级\s*响应"),
    "release": re.compile(r"信息发布|新闻发布|舆论引导"),
    "mobilisation": re.compile(r"社会动员"),
    "plan_mgmt": re.compile(r"预案管理|制订与备案|制定与备案|预案修订|评估和修订|评估与修订"),
    "drills": re.compile(r"演练"),
    "funding": re.compile(r"资金保障|经费保障"),
}
TOPIC_LABELS = {
    "reporting": "信息报送", "warning": "预警", "response": "分级响应", "command": "指挥权限",
    "release": "信息发布", "mobilisation": "社会动员", "emergency_state": "紧急状态",
    "plan_mgmt": "预案备案与修订", "drills": "应急演练", "funding": "资金保障", "grades": "事件分级",
    "leads": "处置分工",
}


def topic_path(topic: str, path: tuple[str, ...]) -> bool:
    """Whether a heading path is the section on ``topic`` ("6.8 资金保障")."""
    rx = _TOPIC_PATH.get(topic)
    return bool(rx and rx.search(" ".join(path)))


def topics_of(text: str, path: tuple[str, ...] = ()) -> frozenset[str]:
    """Topics of one sentence, from its words and its heading path."""
    t = fold(text)
    found = {k for k, rx in _TOPIC_TEXT.items() if rx.search(t)}
    p = " ".join(path)
    for k, rx in _TOPIC_PATH.items():
        if k not in found and rx.search(p) and len(t.strip()) > 6:
            found.add(k)
    # Publishing a warning is the warning topic, not information release.
    if "release" in found and "预警" in t and not re.search(r"新闻|简要信息|事件信息|发布会", t):
        found.discard("release")
    # "预警响应" measures (3.2.5) are about warnings, not response levels.
    if "response" in found and "预警" in t and not _TOPIC_TEXT["response"].search(t):
        found.discard("response")
    return frozenset(found)


# -- event grades ------------------------------------------------------------
_G = GRADE_WORD
# Nouns after 重大/较大/一般 that are not events: "重大活动", "重大安全风险", "较大影响".
_NOT_EVENT = r"(?:活动|安全风险|风险|决策|影响|意义|调整|变化|问题|事项|会议|节日|项目|工程|危险源|任务|部署|损失|隐患|性)"
# A run of grade words with what it qualifies: "重大、特别重大突发事件", "较大及以上汛情",
# "一般级别", "重大燃气突发事件", "特别重大、重大、较大、一般4个级别".  Not "重大活动",
# "较大影响", "重大决策", nor the name "市委应对重大突发公共卫生事件领导机构".
GRADE_RUN_RE = re.compile(
    rf"(?<!应对)(?P<run>{_G}(?:\s*(?:、|，|和|及|或|与|至|到)\s*{_G})*)(?!{_NOT_EVENT})\s*(?P<ge>及以上|以上|及以下|以下)?"
    r"\s*(?P<tail>(?:级别|等级)|(?:的)?[\u4e00-\u9fff]{0,12}?(?:事件|事故|灾害|灾难|灾情|险情|汛情|疫情)"
    r"|\s*(?:\d|[一二三四两])\s*个?\s*(?:级别|等级|级))"
)
_GRADE_WORD_RE = re.compile(_G)
# What must not follow a grade run: organisation names and hazards, "…领导机构", "…隐患".
_NOT_AFTER_RE = re.compile(r"^(?:领导机构|领导小组|应急指挥部|指挥部|隐患)")


@dataclass(frozen=True, slots=True)
class GradeRun:
    start: int
    end: int
    ranks: frozenset[int]  # expanded: "较大及以上" -> {1, 2, 3}
    written: frozenset[int]  # as written: "较大及以上" -> {3}
    text: str


def grade_runs(text: str) -> list[GradeRun]:
    """Event-grade phrases of a sentence, with the grades they cover."""
    t = fold(text)
    out = []
    for m in GRADE_RUN_RE.finditer(t):
        if _NOT_AFTER_RE.match(t[m.end() :]):
            continue
        written = frozenset(GRADE_RANK[w] for w in _GRADE_WORD_RE.findall(m.group("run")))
        ranks = set(written)
        ge = m.group("ge") or ""
        if ge in ("及以上", "以上"):
            ranks |= set(range(1, min(written) + 1))
        elif ge in ("及以下", "以下"):
            ranks |= set(range(max(written), 5))
        out.append(GradeRun(m.start(), m.end(), frozenset(ranks), written, text[m.start() : m.end()]))
    return out


# -- time-limit slots ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Slot:
    key: str
    label: str  # Chinese name shown in the report
    topic: str
    recurrence: bool


SLOTS: dict[str, Slot] = {
    s.key: s
    for s in (
        Slot("report_first", "初报时限", "reporting", False),
        Slot("report_detail", "详细信息报送时限", "reporting", False),
        Slot("report_followup", "续报间隔", "reporting", True),
        Slot("release_first", "首次信息发布时限", "release", False),
        Slot("release_press", "新闻发布中心组建时限", "release", False),
        Slot("funding", "应急拨款办理时限", "funding", False),
        Slot("drills", "应急演练频次", "drills", True),
    )
}
_FOLLOWUP_RE = re.compile(r"续报")  # "每30分钟续报"
_DETAIL_RE = re.compile(r"详细|书面|详情")  # "详细信息最迟不得晚于…2小时报送"
_FIRST_RE = re.compile(r"无法判明|核实|接报|首报|初报|电话|口头")  # "接报后30分钟向…报告"
_PRESS_RE = re.compile(r"新闻发布中心|发布会|新闻发言人|新闻中心")  # "24小时内牵头组建突发事件新闻发布中心"
_RELEASE_RE = re.compile(r"发布")
_FUNDING_RE = re.compile(r"拨款|拨付|手续|资金")


def slot_of(kind: str, anchor: str, segment: str, sentence: str, topics: frozenset[str]) -> str | None:
    """The slot of one time limit: which provision of the master it answers.

    ``kind`` is ``duration`` or ``recurrence``; ``segment`` is the comma-delimited
    part of the sentence around the limit, ``sentence`` the whole sentence.
    """
    seg, sen = fold(segment), fold(sentence)
    if kind == "recurrence":
        if "reporting" in topics and _FOLLOWUP_RE.search(sen):
            return "report_followup"
        if "drills" in topics and "演练" in seg:
            return "drills"
        return None
    if kind != "duration":
        return None
    if "reporting" in topics and re.search(r"报告|报送|上报|报", seg) and "发布" not in seg:
        if _DETAIL_RE.search(seg):
            return "report_detail"
        if _FIRST_RE.search(seg) or anchor == "receipt":
            return "report_first"
        return "report_detail" if anchor == "occurrence" else "report_first"
    if "release" in topics and _RELEASE_RE.search(seg + sen):
        return "release_press" if _PRESS_RE.search(seg) else "release_first"
    if "funding" in topics and _FUNDING_RE.search(seg):
        return "funding"
    return None


# -- who is who ----------------------------------------------------------------
LEVEL_DEPTH = {Level.NATIONAL: 0, Level.MUNICIPAL: 1, Level.DISTRICT: 2, Level.STREET: 3}
# The least severe grade a body at a level may command alone (corpus/NOTES.md; master 2.1.1,
# 2.4.2, 2.5): the city commands all, a district 较大 and 一般, a street none of
# the graded events above 一般 (it organises first response).
COMMAND_FLOOR = {Level.NATIONAL: 1, Level.MUNICIPAL: 1, Level.DISTRICT: 3, Level.STREET: 4}

# Names that reveal their level: "兴谷街道应急委", "金海湖镇政府" (street); "平谷区…", "区应急办" (district).
_STREET_NAME_RE = re.compile(
    r"街道|乡镇|街乡|办事处|镇(?:政府|人民政府|党委|应急)|乡(?:政府|人民政府)|社区|村(?:委|民委员会)|居委会|居民委员会"
    r"|^[\u4e00-\u9fff]{1,4}镇|^本街|^街(?!区)"
)
_DISTRICT_NAME_RE = re.compile(r"^(?:北京市)?[\u4e00-\u9fff]{2}区(?!域)|^区|^全区|^本区|^团区委")
_MUNICIPAL_NAME_RE = re.compile(r"^(?:中共)?北京市|^市|^全市|^本市|^首都|^团市委|^分管市|^主管市")
_NATIONAL_NAME_RE = re.compile(r"^(?:党中央|国务院|中共中央|国家|全国|中央)")


def level_from_name(name: str) -> Level | None:
    """The level a body's name shows, or None: street words win over a district prefix."""
    n = fold(name).strip()
    if _NATIONAL_NAME_RE.search(n):
        return Level.NATIONAL
    if _STREET_NAME_RE.search(n):
        return Level.STREET
    if _DISTRICT_NAME_RE.search(n):
        return Level.DISTRICT
    if _MUNICIPAL_NAME_RE.search(n):
        return Level.MUNICIPAL
    return None


# Who approves a warning, as a rank inside one level: 1 = the head of the level
# (市/区应急委主任, 市长/区长, 党委政府), 2 = a deputy leader (分管市/区领导,
# 副区长, 常务副总指挥), 3 = an office or department (应急办, 局长).  Example:
# master 3.2.3(1) "红色预警由市应急办报市应急委主任批准" -> rank 1.
_HEAD_RE = re.compile(r"应急委主任|应急委主要领导|主要领导|市长|区长(?!助理)|镇长|乡长|街道办事处主任|工委书记|党委|人民政府$|[市区]委|[市区]政府|应急委$")
_DEPUTY_RE = re.compile(r"分管|主管|副市长|副区长|副总指挥|副主任|总指挥|领导")


def approver_rank(name: str) -> int:
    n = fold(name)
    if re.search(r"副", n) and _DEPUTY_RE.search(n):
        return 2
    if _HEAD_RE.search(n):
        return 1
    if _DEPUTY_RE.search(n):
        return 2
    return 3


APPROVER_LABELS = {1: "本级应急委主任（主要领导）", 2: "分管领导", 3: "部门或办事机构"}


# -- similarity ----------------------------------------------------------------
_LEVEL_WORD_RE = re.compile(r"北京市|[\u4e00-\u9fff]{2}区(?=人民政府|政府|突发)|全市|全区|本市|本区|市级|区级|市|区|街道|乡镇")
_KEEP_RE = re.compile(r"[\u4e00-\u9fff\w]")


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams with level words (市/区/街道) neutralised, so that
    "报市应急办备案" and "报区应急办备案" look alike."""
    t = _LEVEL_WORD_RE.sub("◇", fold(text))
    chars = [c for c in t if _KEEP_RE.match(c) or c == "◇"]
    return frozenset(a + b for a, b in zip(chars, chars[1:]))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))
