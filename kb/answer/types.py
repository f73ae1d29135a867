"""Typed pieces of a short answer: the parsed question, a candidate fact, the reply.

A question is parsed once into a :class:`Question` (what kind of answer, which
role, which subject); each extractor turns a clause into :class:`Candidate`
facts of that kind; the match check keeps only candidates bound to the
question's subject; the asker returns the best one, or says it is unsure.
"""

from __future__ import annotations

from dataclasses import dataclass

from plankb.extract.model import Span, StrEnum


class AnswerType(StrEnum):
    WHO = "who"
    COUNT = "count"
    ENUMERATION = "enumeration"
    DURATION = "duration"
    INTERVAL = "interval"
    DATE = "date"
    METADATA = "metadata"
    THRESHOLD = "threshold"
    COLOUR = "colour"


class Role(StrEnum):
    """What a "who" question asks about, by its verb."""

    LEAD = "lead"  # 牵头, 主责, 负责
    APPROVE = "approve"  # 批准, 审批, 决定
    START = "start"  # 启动 (a response level)
    REPORT_TO = "report_to"  # 报给谁, 向哪里报告, 备案, 通报
    ISSUE = "issue"  # 发布, 解除
    POST = "post"  # 主任由谁担任
    SEAT = "seat"  # 办公室设在哪
    OTHER = "other"  # 组建, 解释, 评估, 建设…


class Status(StrEnum):
    ANSWERED = "answered"
    UNSURE = "unsure"


class MetaField(StrEnum):
    NUMBER = "number"  # 文号
    DATE = "date"
    ISSUER = "issuer"
    TITLE = "title"
    REPEALED = "repealed"  # which earlier document it repeals


@dataclass(frozen=True, slots=True)
class Subject:
    """What the question is about; every field that is set must be matched by the evidence."""

    colours: tuple[int, ...] = ()  # warning colours named, by rank (红色 = 1)
    rank: int = 0  # a numbered level named: 三级响应 -> 3
    scheme: str = ""  # warning | response | grade, for ``rank``
    grades: tuple[int, ...] = ()  # event grades named (较大 -> 3)
    grade_or_above: bool = False  # 较大及以上
    post: str = ""  # 主任, 副主任, 总指挥…
    body: str = ""  # the body whose post or office it is: 市应急委
    numbers: tuple[str, ...] = ()  # years and counts written in the question: 2030, 34
    terms: tuple[str, ...] = ()  # content words the evidence should carry
    nouns: tuple[str, ...] = ()  # the nouns among them: each must occur somewhere in the corpus


@dataclass(frozen=True, slots=True)
class Question:
    text: str  # as typed
    normal: str  # shorthands expanded: 红警 -> 红色预警
    type: AnswerType
    subject: Subject
    role: Role | None = None
    jurisdiction: str = ""  # named in the question (平谷区, 北京市 for 市级), else ""
    default_jurisdiction: str = ""  # the user's own district, from settings / cookie / option
    meta_field: MetaField | None = None
    unit: str = ""  # counted noun of a count question: 级, 类, 阶段, 项


@dataclass(frozen=True, slots=True)
class Candidate:
    """One typed fact offered as the answer, with the sentence it stands in."""

    type: AnswerType
    answer: str
    clause_id: str
    evidence: Span  # offsets into the clause text of the answer itself
    sentence: Span  # offsets into the clause text of its sentence
    detail: str = ""  # condition / anchor / members, for display
    value: str = ""  # normalised value where there is one: PT2H, R/P1Y, 2022-11-30
