"""A question typed in the box -> a typed :class:`Question`.

Three readings, each a small grammar over the question (examples beside each
pattern): the answer type (who / how many / which ones / how long / how often
/ by when / document field / figure / colour), the role of a "who" question
(approves, starts, reports to, holds a post…), and the subject every answer
must be bound to: colours, a numbered level, event grades, a post and its
body, numbers such as a year, and the remaining content words.
"""

from __future__ import annotations

import re

from plankb.extract.vocab import (
    COLOUR_RANK,
    COLOUR_WORD,
    DISTRICTS,
    GRADE_RANK,
    GRADE_WORD,
    RANK_WORD,
    rank_of,
)

from ..search import detect_jurisdiction
from .types import AnswerType, MetaField, Question, Role, Subject
from .words import question_words

MUNICIPAL = "北京市"

# -- answer type, tried in this order -----------------------------------------------------------
COLOUR_Q_RE = re.compile(r"什么颜色|啥颜色|哪种颜色|什么色|啥色|colou?r")  # 三级预警是啥颜色
# "分几级", "几个阶段", "有多少个专项指挥部", "几座" — not 几小时/几分钟/几天/几次/几年.
COUNT_RE = re.compile(r"几(?!个?(?:小时|分钟|秒|天|次|年|遍|月|号|点))(?:个|大)?[\u4e00-\u9fff]|多少(?:个|项|类|支|处|座|种|家|条|名)|how many")
# "多久续报一次", "一年至少培训几次", "几年轮训一次", "间隔多长".
INTERVAL_RE = re.compile(r"多[久长].{0,8}(?:一次|一遍|一回)|几年.{0,4}(?:一次|一遍)|几次|间隔|频次|频率|how often|多久.{0,4}轮训")
# "哪几类", "有哪些阶段", "包括啥", "由哪些组成", "具体指什么", "哪三大类", "哪五化".
ENUM_RE = re.compile(r"哪几(?!家|个部门|个单位)|哪些(?!部门|单位|机构|人|领导)|包括(?:什么|啥|哪)|包含(?:什么|啥|哪)|有什么|由哪些"
                     r"|指什么|是什么内容|组成|哪[一二三四五六七八九十两\d]+(?:个|类|种|大类|座|张|项|化|方面|阶段|不)?")
# Bodies asked as a list are a who question: "主责部门有哪些", "要报哪几家".
WHO_LIST_RE = re.compile(r"(?:部门|单位|机构|领导)(?:有|是|都是|包括)?哪[些几]|哪几家")
# "什么时候完成", "哪年建成", "截止到", "完成时限", "啥时候".
DATE_RE = re.compile(r"什么时候|啥时候|何时|哪年|哪一年|哪个?月|几月|截止|完成时限|完成期限|期限|when|by what date|水平年")
# A time limit asked outright: it wins over a count cue elsewhere in the question.
STRONG_DURATION_RE = re.compile(r"多久|多长时间|几个?小时|几分钟|几秒|几天|多少(?:个)?(?:小时|分钟|秒|天|工作日)|how (?:long|soon|quickly)")
# "多久内报告", "几个小时", "最迟", "时效".
DURATION_RE = re.compile(r"多久|多长时间|多长|几个?小时|几分钟|几秒|几天|多少(?:个)?(?:小时|分钟|秒|天|工作日)|时限|最迟|最晚|多快|时效|how (?:long|soon|quickly)")
# "目标多少", "比例", "覆盖率", "达到多少".
THRESHOLD_RE = re.compile(r"多少|比例|[率]|目标|指标|多大|占.{0,8}比|预期值|percent|how much")
# "谁", "哪个部门", "设在哪", "报哪里".
WHO_RE = re.compile(r"谁|哪个部门|哪个单位|哪家|哪几家|哪些部门|哪些单位|什么部门|什么单位|什么机构|什么人|哪里|哪儿|在哪|哪个|哪|担任|\bwho\b|which (?:department|body|agency|unit)")

# -- role of a who question -----------------------------------------------------------------------
ROLE_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.POST, re.compile(r"担任|兼任|谁当|是谁当|谁兼|任命")),  # 主任由谁担任
    (Role.SEAT, re.compile(r"设在|设于|放在|挂在|建在|依托|在哪(?!.*报)|牌子")),  # 应急办设在哪
    (Role.START, re.compile(r"启动|\bstart")),  # 一级响应谁启动
    (Role.APPROVE, re.compile(r"批|审定|决定|同意|approv|decid")),  # 红色预警谁批, 报谁批
    (Role.REPORT_TO, re.compile(r"报给|报告给|向谁|向哪|报谁|报哪|通报|备案|上报|报告|报送|report to|notify")),
    (Role.ISSUE, re.compile(r"发布|解除|签发|publish|issue")),  # 蓝色预警谁发布
    (Role.LEAD, re.compile(r"牵头|主责|负责|处置|归.{0,2}管|谁管|lead|in charge")),
)

# -- subject --------------------------------------------------------------------------------------
# Colours, full or short before 预警/警 in a run: "红色", "蓝黄预警", "橙、红色预警".
SHORT_COLOURS = "".join(k for k in COLOUR_RANK if len(k) == 1)
COLOUR_SHORT_RE = re.compile(rf"[{SHORT_COLOURS}](?=[{SHORT_COLOURS}、和及与或]*(?:色|预警|警))")
COLOUR_FULL_RE = re.compile(COLOUR_WORD)
# A numbered level with its scheme: "三级响应", "Ⅲ级应急响应", "一级预警", "IV级".
LEVEL_RE = re.compile(rf"(?P<rank>{RANK_WORD})\s*级\s*(?P<scheme>预警|(?:应急)?响应|事件)?")
# An event grade with what makes it one: "较大及以上", "重大事件", "一般突发事件"
# ("一般谁担任" is not a grade).
GRADE_Q_RE = re.compile(rf"({GRADE_WORD}|特大)(?P<ge>及以上|以上)?(?=及以上|以上|[、和或]|突发|事件|事故|的事|级别|等级|灾害|$)")
# A post asked for by its holder: "总指挥是谁", "副局长有哪几位".
POST_WHO_RE = re.compile(r"(?:" + "|".join(question_words().posts) + r")(?:都|分别|一般|通常)?(?:是谁|是哪位|有哪几位|有哪些人|叫什么)")
YEAR_RE = re.compile(r"(?:19|20)\d\d")
ITEM_NO_RE = re.compile(r"第\s*(\d+)\s*(?:项|条|个|名)")
QUESTION_CHARS_RE = re.compile(r"[谁哪几多啥么吗呢怎何]")
GRADE_WORD_RE = re.compile(rf"(?:{GRADE_WORD}|特大|重特大)(?:及以上|以上)?")
NOUN_TAGS = frozenset(("n", "nr", "ns", "nt", "nz", "ng"))  # jieba's noun part-of-speech tags
DISTRICT_NAMES = frozenset(DISTRICTS) | frozenset(d + "区" for d in DISTRICTS)


def normalise(question: str) -> str:
    """Shorthands expanded, spaces dropped, English question words glossed in the plans'
    Chinese: "红警 谁批" -> "红色预警谁批"; "Who approves a red warning?" gains 红色 预警 批准."""
    words = question_words()
    low = question.lower()
    gloss = [zh for en, zh in words.english.items() if re.search(rf"\b{re.escape(en)}\b", low)]
    q = question if not gloss else f"{question} {' '.join(gloss)}"
    q = re.sub(r"\s+", "", q) if not re.search(r"[A-Za-z]{3}", q) else q
    for short, full in words.shorthands.items():
        q = q.replace(short, full)
    return q


def answer_type(q: str) -> AnswerType | None:
    """The kind of answer ``q`` (normalised) wants, or None for plain keywords."""
    low = q.lower()
    if meta_field(q) is not None:
        return AnswerType.METADATA
    if COLOUR_Q_RE.search(low) and not re.search(r"几级|几个级别", q):
        return AnswerType.COLOUR
    if INTERVAL_RE.search(low):
        return AnswerType.INTERVAL
    if STRONG_DURATION_RE.search(low):
        return AnswerType.DURATION  # "拿不准是几级的事件，接报后多长时间内得报": 几级 names the event, not the answer
    if WHO_LIST_RE.search(low):
        return AnswerType.WHO
    if ENUM_RE.search(low):
        return AnswerType.ENUMERATION
    if COUNT_RE.search(low):
        return AnswerType.COUNT
    if DURATION_RE.search(low):
        return AnswerType.DURATION
    if DATE_RE.search(low):
        return AnswerType.DATE
    if WHO_RE.search(low):
        return AnswerType.WHO
    if THRESHOLD_RE.search(low):
        return AnswerType.THRESHOLD
    return None


# When a document was issued: "哪天印发的", "啥时候发的", "什么时间发布", "印发日期".
ISSUED_WHEN_RE = re.compile(r"(?:哪天|哪一天|什么时[候间]|啥时候|何时|几号|什么日期|哪年哪月).{0,3}(?:印发|发布|发的|下发|出台|发文)|(?:印发|发文|发布)(?:日期|时间)")


def meta_fields(q: str) -> tuple[MetaField, ...]:
    """Every document field a question asks for: "哪个单位发的，文号多少" -> (ISSUER, NUMBER)."""
    out = []
    for f, cues in question_words().metadata_fields.items():
        if any(c in q for c in cues) and not (f is MetaField.DATE and not re.search(r"[印发]|出台", q)):
            out.append(f)
    if ISSUED_WHEN_RE.search(q) and MetaField.DATE not in out:
        out.append(MetaField.DATE)
    return tuple(out)


def meta_field(q: str) -> MetaField | None:
    """The document field a question asks for: "文号是多少" -> NUMBER, "哪天印发的" -> DATE."""
    fields = meta_fields(q)
    return fields[0] if fields else None


def role_of(q: str) -> Role:
    low = q.lower()
    for role, pattern in ROLE_CUES:
        if pattern.search(low):
            return role
    return Role.OTHER


def subject_of(q: str, role: Role | None) -> Subject:
    colours = {COLOUR_RANK[m.group()] for m in COLOUR_FULL_RE.finditer(q)}
    colours |= {COLOUR_RANK[m.group()] for m in COLOUR_SHORT_RE.finditer(q)}
    rank, scheme = 0, ""
    m_en = re.search(r"level[- ]?([1-4])", q.lower())  # "a level-2 warning"
    if m_en:
        rank, scheme = int(m_en.group(1)), "warning" if "warning" in q.lower() else ""
    for m in LEVEL_RE.finditer(q):
        r = rank_of(m.group("rank"))
        if r:
            rank = r
            s = m.group("scheme") or ""
            scheme = "warning" if s == "预警" else "response" if "响应" in s else "grade" if s == "事件" else ""
    grades, above = set(), False
    for m in GRADE_Q_RE.finditer(q):
        grades.add(GRADE_RANK.get(m.group(1), 1))  # 特大 is the old name of 特别重大
        above = above or bool(m.group("ge"))
    post = body = ""
    words = question_words()
    if role is Role.POST or re.search(r"谁|是谁", q):
        for p in words.posts:
            at = q.find(p)
            if at >= 0 and not (p in ("主任", "局长", "组长", "指挥长", "总指挥", "秘书长", "主席", "书记") and _preceded_by_qualifier(q, at)):
                post = p
                body = _body_before(q, at)
                break
    numbers = tuple(dict.fromkeys([*YEAR_RE.findall(q), *ITEM_NO_RE.findall(q)]))
    # The verb of the role is bound by the extractor (由X批准), not looked for as a subject word.
    terms, nouns = content_terms(q, skip=(post, *(question_words().role_verbs if role is not None else ())))
    return Subject(
        colours=tuple(sorted(colours)), rank=rank, scheme=scheme, grades=tuple(sorted(grades)), grade_or_above=above,
        post=post, body=body, numbers=numbers, terms=terms, nouns=nouns,
    )


def _preceded_by_qualifier(q: str, at: int) -> bool:
    """"副主任" contains "主任": the bare post matches only when no 副/常务/执行 comes first."""
    return at > 0 and q[at - 1] in "副务行一"


def _body_before(q: str, at: int) -> str:
    """The body whose post is asked: "平谷区应急委秘书长" -> "应急委"."""
    head = re.split(r"[，,。？?！!、的]", q[:at])[-1]
    head = re.sub(r"^(?:北京市|北京|平谷区?|通州区?|市级|区级|市|区)", "", head)
    return head[-10:]


def content_terms(q: str, skip: tuple[str, ...] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words of the question that name its subject (no question words, districts, colours or
    levels), and the nouns among them: a noun the corpus never writes (火星) means the corpus
    cannot answer, while a colloquial verb (拿不准, 炒起来) only lowers the match."""
    from plankb.extract.tokenizer import pos_tokenizer  # the one jieba dictionary, as search's

    words = question_words()
    terms, nouns = [], []
    for tok in pos_tokenizer().lcut(q):
        w = tok.word.strip()
        if len(w) < 2 or w in words.function_words or w in DISTRICT_NAMES or w in skip:
            continue
        if QUESTION_CHARS_RE.search(w) or COLOUR_FULL_RE.fullmatch(w) or LEVEL_RE.fullmatch(w):
            continue
        if re.fullmatch(r"[\d.%]+|[a-z]{1,2}", w.lower()) or tok.flag == "eng":
            continue  # English words are glossed in Chinese by normalise()
        w = w.rstrip("是的了")  # "主责是" -> "主责"
        if len(w) < 2 or GRADE_WORD_RE.fullmatch(w):
            continue  # grades are bound on their own (Subject.grades)
        terms.append(w)
        if tok.flag in NOUN_TAGS:
            nouns.append(w)
    return tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(nouns))


def jurisdiction_of(q: str) -> str:
    district = detect_jurisdiction(q)
    if district:
        return district
    if re.search(r"市级|全市|本市|北京市", q):
        return MUNICIPAL
    return ""


def parse_question(question: str, default_jurisdiction: str = "") -> Question:
    """The typed reading of a question; ``type`` is None-free: plain keywords read as WHO/OTHER."""
    q = normalise(question)
    t = answer_type(q) or AnswerType.WHO
    role = role_of(q) if t is AnswerType.WHO else None
    if role is not None and role is not Role.POST and POST_WHO_RE.search(q):
        role = Role.POST  # "总指挥是谁", "局长是哪位": the holder of a post
    unit = ""
    if t is AnswerType.COUNT:
        m = re.search(r"(?:几|多少)(?:个|大)?([\u4e00-\u9fff])", q)
        unit = m.group(1) if m else ""
    return Question(
        text=question, normal=q, type=t, subject=subject_of(q, role), role=role,
        jurisdiction=jurisdiction_of(q), default_jurisdiction=default_jurisdiction,
        meta_field=meta_field(q) if t is AnswerType.METADATA else None, unit=unit,
    )
