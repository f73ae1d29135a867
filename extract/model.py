"""The shared data model: documents, clauses, spans and facts.

Every layer above ``extract`` speaks these types.  They are frozen dataclasses
with slots so they can be cached, compared and hashed safely; JSON goes
through :func:`to_dict` and nowhere else.

A :class:`Span` is a pair of character offsets into ``Document.text`` (the
*cleaned* text of one document).  The document's :class:`OffsetMap` turns
them into offsets of the original file, from which line numbers are derived
on demand: they are never stored twice.
"""

from __future__ import annotations

import dataclasses
import enum
from array import array
from dataclasses import dataclass, field
from typing import Any


class StrEnum(str, enum.Enum):
    """A string-valued enum (``enum.StrEnum`` is 3.11+, we support 3.10)."""

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` into a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def shift(self, delta: int) -> Span:
        return Span(self.start + delta, self.end + delta)

    def of(self, text: str) -> str:
        return text[self.start : self.end]


class OffsetMap:
    """Maps each index of a cleaned text to an index of its source text.

    ``source[i]`` is the position in the original file of cleaned character
    ``i``; one extra entry maps ``len(text)`` to the end.  Stored as a compact
    ``array('l')`` because documents reach 200k characters.
    """

    __slots__ = ("_a",)

    def __init__(self, positions: Any) -> None:
        self._a = positions if isinstance(positions, array) else array("l", positions)

    def __len__(self) -> int:
        return len(self._a)

    def __getitem__(self, i: int) -> int:
        return self._a[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OffsetMap) and self._a == other._a

    def __hash__(self) -> int:
        return hash((len(self._a), self._a[0] if self._a else 0, self._a[-1] if self._a else 0))

    def to_source(self, span: Span) -> Span:
        """Source-file range covering cleaned ``span`` (end is exclusive)."""
        if span.end <= span.start:
            s = self._a[span.start]
            return Span(s, s)
        return Span(self._a[span.start], self._a[span.end - 1] + 1)

    def sub(self, start: int, end: int) -> OffsetMap:
        """The map of ``text[start:end]`` (plus its end sentinel)."""
        a = self._a[start : end + 1]
        if len(a) < end - start + 1:  # pragma: no cover - defensive
            a.append(a[-1] if a else 0)
        return OffsetMap(a)

    def to_bytes(self) -> bytes:
        return self._a.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> OffsetMap:
        a = array("l")
        a.frombytes(data)
        return cls(a)


class DocType(StrEnum):
    PLAN = "预案"
    PROGRAMME = "规划"
    NOTICE = "通知"
    SCHEME = "实施方案"
    APPOINTMENT = "任免"
    OTHER = "其他"


class Level(StrEnum):
    NATIONAL = "national"
    MUNICIPAL = "municipal"
    DISTRICT = "district"
    STREET = "street"
    UNKNOWN = "unknown"


class ClauseKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a numbered item: (1), 1., ①, 一是…
    TABLE_ROW = "table_row"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Document:
    """One document (notice, plan, programme…) cut out of a source file."""

    id: str
    title: str
    text: str
    source: str = ""  # file name the document came from
    source_span: Span = Span(0, 0)  # range of the source file it was cut from
    offsets: OffsetMap | None = field(default=None, compare=False, repr=False)
    issuer: str = ""
    doc_number: str = ""  # 文号, e.g. 京政发〔2021〕19号
    date: str = ""  # ISO date or year-month as far as the text says
    doc_type: DocType = DocType.OTHER
    jurisdiction: str = ""  # 北京市, 平谷区, 通州区…
    level: Level = Level.UNKNOWN
    metadata: tuple[tuple[str, str], ...] = ()  # 主送, 抄送, 联系人, 印发…

    def source_range(self, span: Span) -> Span:
        """Offsets in the source file of a span of this document's text."""
        if self.offsets is None:
            return span.shift(self.source_span.start)
        return self.offsets.to_source(span)

    def meta(self, key: str, default: str = "") -> str:
        for k, v in self.metadata:
            if k == key:
                return v
        return default


@dataclass(frozen=True, slots=True)
class Clause:
    """A numbered item, paragraph, heading or table row of a document."""

    id: str  # stable: "<doc_id>/<section number or ordinal>…"
    doc_id: str
    kind: ClauseKind
    text: str
    span: Span
    section: str = ""  # nearest heading, e.g. "2.3.6 突发事件处置分工"
    path: tuple[str, ...] = ()  # heading titles from the top down
    number: str = ""  # its own number as written: "4.1.4", "(1)", "一、"
    cells: tuple[str, ...] = ()  # table rows only
    header: tuple[str, ...] = ()  # table rows only: the header cells
    group: str = ""  # table rows only: the group row above (自然灾害类)
    ordinal: int = 0  # position in the document


class Role(StrEnum):
    LEAD = "lead"  # 牵头, 主责, 处置主责部门
    SUPPORT = "support"  # 配合, 协助, 参与
    RESPONSIBLE = "responsible"  # 负责, 承担
    APPROVER = "approver"  # 批准
    RECIPIENT = "recipient"  # 报告/备案 to


@dataclass(frozen=True, slots=True)
class Actor:
    """An organisation named in a clause, with its role and task."""

    name: str  # as written
    canonical: str  # gazetteer name, or the written name when unknown
    role: Role
    span: Span
    clause_id: str = ""
    task: str = ""  # incident type or task it holds the role for
    org_type: str = ""  # department type for generic nouns (应急管理部门)


class DeadlineKind(StrEnum):
    DURATION = "duration"
    DATE = "date"
    YEAR = "year"
    RECURRENCE = "recurrence"
    IMMEDIATE = "immediate"


@dataclass(frozen=True, slots=True)
class Deadline:
    text: str
    kind: DeadlineKind
    value: str  # ISO 8601: PT2H, P1D, 2022-11-30, 2025, R/PT30M
    span: Span
    clause_id: str = ""
    anchor: str = ""  # occurrence | receipt | issue | approval | ""
    action: str = ""  # what must happen by then
    condition: str = ""  # e.g. 较大及以上
    working_days: bool = False


@dataclass(frozen=True, slots=True)
class Threshold:
    text: str
    operator: str  # >=, <=, <, >, =, ≈, range, decrease_by, increase_by
    value: float
    unit: str
    span: Span
    clause_id: str = ""
    value_max: float | None = None
    indicator: str = ""
    year: str = ""


class LevelScheme(StrEnum):
    EVENT_GRADE = "event_grade"  # 特别重大/重大/较大/一般, Ⅰ–Ⅳ级
    WARNING = "warning"  # 一级–四级, 红/橙/黄/蓝
    RESPONSE = "response"  # 一级–四级响应


@dataclass(frozen=True, slots=True)
class LevelMention:
    text: str
    scheme: LevelScheme
    rank: int  # 1 = most severe
    span: Span
    clause_id: str = ""
    colour: str = ""
    actor: str = ""  # who issues, approves or starts it


class Verdict(StrEnum):
    CONFLICT = "conflict"
    REVIEW = "review"
    CONSISTENT = "consistent"


@dataclass(frozen=True, slots=True)
class Finding:
    """A checker result: data, never an exception."""

    rule_id: str
    type: str  # duty | timeline | level | coverage
    verdict: Verdict
    explanation: str
    sub_quote: str = ""
    sub_span: Span | None = None  # offsets into the checked input as read
    master_clause_id: str = ""
    master_section: str = ""
    master_quote: str = ""
    suggestion: str = ""


def to_dict(obj: Any) -> Any:
    """JSON-ready form of any model object (the one path to JSON)."""
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, OffsetMap):
        return None
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            if f.name in ("offsets",):
                continue
            out[f.name] = to_dict(getattr(obj, f.name))
        if isinstance(obj, Span):
            return {"start": obj.start, "end": obj.end}
        return out
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    return obj
