"""Quiz options and questions: the types the generator, the exports and the web app share.

A :class:`Question` is self-contained: its stem, options and answer, and the
clause it was drawn from (id, section, quote) so that a trainer can check it.
``answer`` depends on the type:

======== ========================================= ==============================
type     options                                   answer
======== ========================================= ==============================
mcq      the choices                               index of the right choice
multi    the choices                               sorted tuple of right indices
tf       ()                                        True or False
cloze    ()                                        the missing text
matching the right-hand items, shuffled            ((left, right), ...) pairs
======== ========================================= ==============================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plankb.extract.errors import ErrorsWithCodes, InputError


class QuizErrors(metaclass=ErrorsWithCodes):
    """Messages the quiz package raises (codes Q…; the web shows their Chinese side)."""

    Q001 = "the number of questions must be at least 1; got {n}."
    Q002 = "unknown question type(s) {bad}; use {allowed}."
    Q003 = "unknown topic(s) {bad}; use one of {allowed}."
    Q004 = "unknown export format '{fmt}'; use one of {allowed}."
    Q005 = (
        "none of the {n} questions can be written as Aiken, which holds single-answer "
        "questions only; include the mcq, tf or matching type."
    )
    Q006 = "not a plankb question table: the columns {columns} are needed."


TYPES: tuple[str, ...] = ("mcq", "multi", "tf", "cloze", "matching")
TYPE_NAMES = {"mcq": "单项选择题", "multi": "多项选择题", "tf": "判断题", "cloze": "填空题", "matching": "匹配题"}

CATEGORIES: tuple[str, ...] = ("自然灾害类", "事故灾难类", "公共卫生类", "社会安全类")
# Incident-duty questions (a lead department of an incident type) all carry the topic "处置分工",
# so that filtering by it returns lead questions only; the incident category of their rows is kept
# in ``Question.category`` (empty for rows of several categories), and filtering by a category
# ("自然灾害类") returns the lead questions of that category.
TOPICS: tuple[str, ...] = (
    "信息报送",
    "预警",
    "响应",
    "信息发布",
    "处置分工",
    *CATEGORIES,
    "保障",
    "预案管理",
    "规划目标",
    "综合",
)


@dataclass(frozen=True)
class QuizOptions:
    """What to generate: count, filters and the seed that makes it repeatable."""

    n: int = 20
    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = TYPES
    doc_ids: tuple[str, ...] = ()
    jurisdiction: str | None = None
    seed: int = 7

    def validate(self) -> None:
        if self.n < 1:
            raise InputError(QuizErrors.Q001.format(n=self.n))
        bad = [t for t in self.types if t not in TYPES]
        if bad or not self.types:
            raise InputError(QuizErrors.Q002.format(bad=", ".join(bad) or "(none given)", allowed=", ".join(TYPES)))
        bad = [t for t in self.topics if t not in TOPICS]
        if bad:
            raise InputError(QuizErrors.Q003.format(bad=", ".join(bad), allowed=", ".join(TOPICS)))

    def wants_topic(self, topic: str, category: str = "") -> bool:
        """A question's topic is asked for, or (for lead questions) its incident category is."""
        if not self.topics:
            return True
        return topic in self.topics or bool(category) and category in self.topics


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # mcq | multi | tf | cloze | matching
    stem: str
    options: tuple[str, ...]
    answer: Any  # see the module docstring
    explanation: str
    clause_id: str
    doc_id: str
    section: str
    quote: str  # the clause sentence the answer comes from (hard-wrap whitespace removed)
    topic: str
    jurisdiction: str
    difficulty: int  # 1 easy .. 3 hard
    fact_key: str  # what it tests; a matching or multi question joins several keys with "+"
    accept: tuple[str, ...] = field(default=())  # cloze: other spellings of the answer
    doc_title: str = ""
    # Every clause the question draws on (matching and some multi questions cite several rows;
    # their quote then joins the rows with '；').
    sources: tuple[str, ...] = field(default=())
    # Lead questions: the incident category of the rows they draw on ('自然灾害类'), '' when mixed.
    category: str = ""


def fact_keys(q: Question) -> set[str]:
    """The atomic facts a question tests (a set of one for most questions)."""
    return set(q.fact_key.split("+"))


def letter(i: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]


def answer_text(q: Question) -> str:
    """The answer in words, for keys and spreadsheets: 'B', 'A、C', '正确', 'X→Y；…'."""
    if q.type == "mcq":
        return f"{letter(q.answer)}. {q.options[q.answer]}"
    if q.type == "multi":
        return "、".join(letter(i) for i in q.answer) + "（" + "；".join(q.options[i] for i in q.answer) + "）"
    if q.type == "tf":
        return "正确" if q.answer else "错误"
    if q.type == "cloze":
        return str(q.answer)
    if q.type == "matching":
        return "；".join(f"{a} → {b}" for a, b in q.answer)
    raise ValueError(q.type)
