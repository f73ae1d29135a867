"""Short factual answers from extracted facts (no language model).

``ask`` reads what kind of answer a question wants (how long, how often,
by when, who, which colour or level, how many), retrieves candidate clauses
with the hybrid searcher, and returns the fact of that kind that sits
closest to the question's own words in the best clause that has one.  The
answer is always a span of a clause, cited; when no clause in the top hits
has a fitting fact it says it is unsure and shows the clauses instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from plankb.extract.errors import Errors, InputError
from plankb.extract.model import to_dict
from plankb.extract.vocab import COLOUR_ENGLISH

from .search import Hit, Searcher, detect_jurisdiction

# What a question asks for, tried in this order.  Examples in comments.
INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("recurrence", re.compile(r"多久.{0,3}一次|每隔多|多长时间.{0,2}一次|频次|频率|how often|每年几次|续报")),  # 多久续报一次
    ("colour", re.compile(r"颜色|什么色|啥色|colou?r")),  # 三级预警是啥颜色
    ("date", re.compile(r"什么时候|何时|哪天|截止|几月|哪个?月|哪年|月底前|年底前|完成时限|when|by what date|deadline")),
    ("duration", re.compile(r"多久|多长时间|几个?小时|几分钟|几秒|几天|多少小时|多少分钟|多少秒|多少天|时限|how (?:long|soon|quickly)|within how|多快|最晚|最迟")),
    ("level", re.compile(r"几级|哪一级|什么级别|哪个级别|几个级别|level")),
    ("count", re.compile(r"多少|几个|几支|几处|几类|比例|目标|百分之|how many|how much|percent")),
    ("who", re.compile(r"谁|哪个|哪些|哪家|什么部门|什么单位|什么机构|主责单位|牵头单位|who|which (?:department|body|agency|unit)")),
]
# Role a "who" question asks about, by its verb.  "红色预警谁批" → approver.
ROLE_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("approver", re.compile(r"批|审批|审定|决定|启动|拍板|approv|decid|start")),
    ("recipient", re.compile(r"报给|报告给|向谁|通报谁|报谁|备案|report to|notify")),
    ("lead", re.compile(r"牵头|主责|组建|lead|in charge")),
]
# "主任由市长担任": who holds a post or where a body sits.
HOLDER_RE = re.compile(
    r"由([^，。；,;由]{1,38}?(?:委|局|办|府|部|中心|领导|主任|长|组|队|会|室|厅))(?:担任|兼任|负责|批准|审批|审定|决定|启动|牵头|组建|发布)"
)
TIME_UNITS = frozenset(("秒", "分钟", "小时", "天", "日", "周", "个月"))
# A counted noun: "五个阶段", "4个级别", "三类".
COUNT_PHRASE_RE = re.compile(r"[一二三四五六七八九十两\d]+(?:个|项|类|级|支|处|座|种)[\u4e00-\u9fff]{0,2}")
JOINED_RE = re.compile(r"^\s*(?:、|和|及|与|或)\s*$")
SEAT_RE = re.compile(r"设在([^，。；,;]{2,20})")
MUNICIPAL_BONUS = 1.6
# English question words and their Chinese plan wording, added to the query so
# that keyword search can match ("Who approves a red warning?" → 红色预警 批准).
GLOSSARY = {
    **COLOUR_ENGLISH, "warning": "预警", "alert": "预警",
    "approve": "批准", "approves": "批准", "approval": "批准", "report": "报告", "reported": "报告",
    "detailed information": "详细信息", "information": "信息", "release": "发布", "publish": "发布",
    "response": "响应", "level": "级", "start": "启动", "starts": "启动", "drill": "演练", "drills": "演练",
    "funding": "资金", "fund": "资金", "major": "重大", "serious": "较大", "colour": "颜色", "color": "颜色",
    "minutes": "分钟", "hours": "小时", "hour": "小时", "press conference": "新闻发布会", "plan": "预案",
    "incident": "突发事件", "emergency": "应急", "detailed": "详细", "after an incident": "事件发生后", "charging": "充电", "e-bike": "电动自行车", "livelihood": "为民办实事",
}
# Label lines that carry an item's facts: "完成时限：2022 年 11 月底前", "主责单位：区公路分局".
LABEL_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：]")
# The definition of warning colours: "分为一级、二级、三级和四级,分别用红色、橙色、黄色和蓝色标示".
COLOUR_DEF_RE = re.compile(r"一级、二级、三级和四级[,，]?\s*分别用(..)、(..)、(..)和(..)标示")
RANK_RE = re.compile(r"([一二三四1234Ⅰ-Ⅳ])级|level[- ]?([1-4])")
_RANK = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4}


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answer: str | None
    value: str = ""
    kind: str = ""
    clause: dict[str, Any] | None = None
    alternatives: tuple[dict[str, Any], ...] = ()
    confident: bool = True
    message: str = ""
    facts: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def intent_of(question: str) -> str:
    low = question.lower()
    for name, pattern in INTENTS:
        if pattern.search(low):
            return name
    return "who"


def _tokens(question: str) -> list[str]:
    from plankb.extract.tokenizer import tokenizer

    return [w for w in tokenizer().lcut_for_search(question) if len(w) >= 2 and not re.fullmatch(r"[谁多久哪个什么几]+", w)]


def _closeness(text: str, pos: int, words: list[str]) -> float:
    """How near a position is to the question's words in a clause (smaller is nearer).

    A fact *after* the word counts double near: plans name the subject first
    ("红色预警由市应急办报市应急委主任批准", "详细信息最迟不得晚于…2小时").
    """
    best = 10_000.0
    for w in words:
        for m in re.finditer(re.escape(w), text):
            d = pos - m.start()
            best = min(best, d if d >= 0 else -2 * d)
    return best


class Asker:
    def __init__(self, searcher: Searcher) -> None:
        self.s = searcher
        self._siblings: dict[str, list[Any]] = {}

    def ask(self, question: str, k: int = 8) -> Answer:
        question = (question or "").strip()
        if not question:
            raise InputError(Errors.E040)
        intent = intent_of(question)
        district = detect_jurisdiction(question)
        query = _with_glossary(question)
        if district:
            hits = self.s.search(query, k=k, filters={"jurisdiction": district}) or self.s.search(query, k=k)
        else:
            # Without a district in the question, a municipal clause wins a near tie:
            # district plans repeat the master plan's wording with local bodies.
            home = self.s.docs[self.s.kb.master_doc_id()].jurisdiction
            hits = sorted(self.s.search(query, k=k), key=lambda h: -h.score * (MUNICIPAL_BONUS if h.jurisdiction == home else 1.0))
        words = _tokens(query)
        for rank, hit in enumerate(hits):
            found = self._from_clause(hit, intent, question, words)
            if found is not None:
                text, value, fact = found
                return Answer(
                    question=question, answer=text, value=value, kind=intent,
                    clause=_hit_dict(hit), alternatives=tuple(_hit_dict(h) for h in hits[:5] if h is not hit),
                    confident=rank < 3, facts=(fact,) if fact else (),
                    message="" if rank < 3 else "答案来自排名较后的条款，请核对原文。",
                )
        return Answer(
            question=question, answer=None, kind=intent, alternatives=tuple(_hit_dict(h) for h in hits[:5]),
            confident=False, message="没有找到确切答案；以下条款可能相关。",
        )

    def _context(self, hit: Hit) -> tuple[list[dict[str, Any]], str]:
        """Facts of a clause and of the label lines right after it (完成时限/主责单位)."""
        facts = self.s.kb.store.facts(clause_id=hit.clause_id)
        text = hit.text
        clause = self.s.clauses[hit.clause_id]
        siblings = self._siblings.get(clause.doc_id)
        if siblings is None:
            siblings = sorted((c for c in self.s.clauses.values() if c.doc_id == clause.doc_id), key=lambda c: c.ordinal)
            self._siblings[clause.doc_id] = siblings
        pos = next((i for i, c in enumerate(siblings) if c.id == clause.id), -1)
        for nxt in siblings[pos + 1 : pos + 4] if pos >= 0 else []:
            if not LABEL_LINE_RE.match(nxt.text):
                break
            facts = facts + self.s.kb.store.facts(clause_id=nxt.id)
            text = text + "\n" + nxt.text
        return facts, text

    def _from_clause(self, hit: Hit, intent: str, question: str, words: list[str]) -> tuple[str, str, dict[str, Any] | None] | None:
        facts, text = self._context(hit)
        start = hit.span.start

        # The question's rarer words locate the answer ("红色" among many "预警").
        rare = [w for w in words if 0 < text.count(w) <= 2] or words

        def near(f: dict[str, Any]) -> float:
            return _closeness(text, f["span"]["start"] - start, rare)

        if intent in ("duration", "recurrence", "date"):
            want = {"duration": ("duration", "immediate"), "recurrence": ("recurrence",), "date": ("date", "year")}[intent]
            cands = [f for f in facts if f["fact"] == "deadline" and f["kind"] in want]
            if intent == "duration":
                cands = [f for f in cands if f["kind"] == "duration"] or cands
            if cands:
                f = min(cands, key=near)
                return f["text"], f["value"], f
            if intent == "duration":  # "震后5-10秒发布": a time span stated as a quantity
                timed = [f for f in facts if f["fact"] == "threshold" and f.get("unit") in TIME_UNITS]
                if timed:
                    f = min(timed, key=near)
                    return f["text"], "", f
        elif intent == "colour":
            m = RANK_RE.search(question)
            rank = _RANK.get((m.group(1) or m.group(2)) if m else "", 0)
            if not rank and re.search(r"最高|最严重|highest", question):
                rank = 1
            if not rank and re.search(r"最低|lowest", question):
                rank = 4
            m = COLOUR_DEF_RE.search(text)
            if rank and m:
                colour = m.group(rank)
                return colour if colour.endswith("色") else colour + "色", str(rank), None
            lv = [f for f in facts if f["fact"] == "level" and f.get("colour") and (not rank or f.get("rank") == rank)]
            if lv:
                return lv[0]["colour"], str(lv[0].get("rank", "")), lv[0]
        elif intent == "level":
            lv = [f for f in facts if f["fact"] == "level"]
            if lv:
                f = min(lv, key=near)
                return f["text"], str(f.get("rank", "")), f
        elif intent == "count":
            th = [f for f in facts if f["fact"] == "threshold"]
            if th:
                f = min(th, key=near)
                return f["text"], f"{f['operator']}{f['value']:g}" if isinstance(f.get("value"), (int, float)) else "", f
            m = COUNT_PHRASE_RE.search(_best_sentence(text, words))  # "分为…五个阶段"
            if m:
                return m.group(0), "", None
        else:  # who
            role = next((r for r, p in ROLE_CUES if p.search(question.lower())), None)
            sentence = _best_sentence(text, words)
            if re.search(r"担任|兼任", question):  # a post, not a body: "主任由市长担任"
                m = HOLDER_RE.search(sentence)
                if m:
                    return m.group(1), "", None
            m = SEAT_RE.search(sentence) if re.search(r"设在|在哪|放在", question) else None
            if m:
                return m.group(1), "", None
            actors = [f for f in facts if f["fact"] == "actor" and (role is None or f["role"] == role)]
            in_sentence = [f for f in actors if f["name"] in sentence]
            pool = in_sentence or actors
            if pool:
                f = min(pool, key=near)
                names = "、".join(dict.fromkeys(g["name"] for g in _listed_with(f, pool, text, start)))
                return names, "", f
            m = HOLDER_RE.search(sentence)
            if m:
                return m.group(1), "", None
        return None


def _with_glossary(question: str) -> str:
    low = question.lower()
    extra = [zh for en, zh in GLOSSARY.items() if re.search(rf"\b{re.escape(en)}\b", low)]
    return f"{question} {' '.join(extra)}" if extra else question


def _listed_with(f: dict[str, Any], pool: list[dict[str, Any]], text: str, base: int) -> list[dict[str, Any]]:
    """``f`` and the names listed with it ("市委、市政府"), in text order."""
    same = sorted((g for g in pool if g["role"] == f["role"]), key=lambda g: g["span"]["start"])
    i = next(n for n, g in enumerate(same) if g is f)
    lo = hi = i
    while lo > 0 and JOINED_RE.match(text[same[lo - 1]["span"]["end"] - base : same[lo]["span"]["start"] - base]):
        lo -= 1
    while hi + 1 < len(same) and JOINED_RE.match(text[same[hi]["span"]["end"] - base : same[hi + 1]["span"]["start"] - base]):
        hi += 1
    return same[lo : hi + 1]


def _best_sentence(text: str, words: list[str]) -> str:
    sentences = [s for s in re.split(r"(?<=[。；;])", text) if s.strip()]
    if not sentences:
        return text
    return max(sentences, key=lambda s: sum(1 for w in words if w in s))


def _hit_dict(hit: Hit) -> dict[str, Any]:
    d = to_dict(hit)
    d.pop("ranks", None)
    return d
