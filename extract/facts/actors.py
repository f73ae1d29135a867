"""Responsibilities: which organisation leads, supports, answers for,
approves or receives what.

Organisations are found with the gazetteer (longest match, line-break
tolerant, document abbreviations first); their role comes from the cue words
around them.  Names joined by 、/和/及/与 form one list that shares the cue
before its first name and after its last one:

* after:  "市应急局、市水务局牵头" → lead; "…配合" → support; "…负责" → responsible;
  "…批准/审批/决定" → approver;
* before: "由X牵头"; "向X报告", "报X备案", "立即报告X", "通报X" → recipient;
  "经X批准", "报请X决定" → approver; "会同X" → support.

Tables with a lead column (处置主责部门, 牵头编制部门, 主责单位) give leads
directly, with the row's incident type or plan as the task.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re

from ..gazetteer import OrgMention, load_gazetteer
from ..model import Actor, Clause, ClauseKind, Role, Span

# Joiners inside a list of organisations: "市应急局、市水务局", "市委办公厅和市政府办公厅".
# A shared "值班室" after a list joins it too: "向区委、区政府值班室和区应急办报告" (both duty offices).
JOINER_RE = re.compile(r"^\s*(?:(?:总)?值班室\s*)?(?:、|，|,|和|及|与|以及|或|或者|及其|等(?:部门|单位)?(?:、)?)\s*$")
# Cues after a list (checked on the next ~8 characters).  Example: "…牵头，市水务局配合".
AFTER_CUES: list[tuple[re.Pattern[str], Role]] = [
    (re.compile(r"^(?:等部门|等单位|等)?\s*(?:为)?(?:牵头|主责|组织指挥|统一指挥)"), Role.LEAD),
    (re.compile(r"^(?:等部门|等单位|等)?\s*(?:予以)?(?:配合|协助|参与|协同)"), Role.SUPPORT),
    (re.compile(r"^(?:等部门|等单位|等)?\s*(?:负责)?(?:审批|批准|审定|决定启动|决定|启动)"), Role.APPROVER),
    (re.compile(r"^(?:等部门|等单位|等)?\s*(?:分别)?(?:负责|承担|具体负责|牵头负责|组织实施|组织开展|会同|统筹)"), Role.RESPONSIBLE),
    # The subject of an obligation: "市应急办应同时通报…", "乡镇政府要第一时间…".
    (re.compile(r"^(?:等(?:部门|单位|有关单位)?)?\s*(?:分别|同时|均|也|还)?(?:应当|应|要|须|必须|可|按照|依据|根据|立即|及时|作出|将|明确|对)"), Role.RESPONSIBLE),
]
# "在市委宣传部的组织、协调下" → lead; "在市应急委领导下" names no role of its own.
UNDER_RE = re.compile(r"^(?:的)?(?:组织|统筹|指导)[、和]?(?:协调|指导)?下")
UNDER_LEAD_ONLY_RE = re.compile(r"^(?:的)?(?:统一)?领导下")
# Clause openings before a subject: "4.1.7 ", "（1）", "①".
OPENING_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\s*|[（(]\d{1,2}[)）]|[①-⑳]|\d{1,2}[.、．])?\s*")
SUPPORT_LATER_RE = re.compile(r"^[^。；;]{0,40}?(?:参与|配合|协助)")
# "由X在二级响应的基础上启动": the verb comes later in the clause.
DELAYED_APPROVAL_RE = re.compile(r"^[^，。；,;]{0,16}?(?:启动|批准|审定|决定)")
# "由X会同Y": X leads, Y supports.
WITH_RE = re.compile(r"^(?:牵头)?(?:组织)?[，,]?\s*会同")
# Cues before a list (checked on the previous ~8 characters).  Example: "向市委总值班室和市应急办报告".
BEFORE_CUES: list[tuple[re.Pattern[str], Role, re.Pattern[str] | None]] = [
    (re.compile(r"由$"), Role.RESPONSIBLE, None),  # refined by the after-cue: 由X牵头 → lead
    (re.compile(r"(?:向|报送|报告|通报|上报|报至|抄报|报)$"), Role.RECIPIENT, None),
    (re.compile(r"(?:经|报请|报经|提请)$"), Role.APPROVER, re.compile(r"^.{0,12}(?:批准|同意|决定|审定|审批)")),
    (re.compile(r"会同$"), Role.SUPPORT, None),
    (re.compile(r"(?:配合|协助)$"), Role.LEAD, None),  # "协助市应急办开展…": the one assisted leads
]
# A recipient is only a recipient when a report/filing verb follows the list.
RECIPIENT_VERB_RE = re.compile(r"^.{0,14}?(?:报告|报送|备案|请示|通报|汇报|上报|报批)")
# Generic bodies the gazetteer does not list one by one: "市相关专项指挥部办公室",
# "区级处置主责部门", "上级人民政府", "分管市领导", "乡镇政府、街道办事处", "各区".
GENERIC_BODY_RE = re.compile(
    r"(?:市|区)(?:各)?(?:相关|有关)?专项指挥部(?:办公室)?"
    r"|(?:市级|区级|市或区|市、区)?处置主责部门"
    r"|(?:市级|区级|市|区)?(?:各)?(?:相关|有关)(?:专业)?(?:部门|委办局)|(?:各)?相关单位"
    r"|重点地区管委会|事发单位|基层组织|社会组织"
    r"|(?:各)?乡镇(?:人民)?政府(?:（街道办事处）)?|(?:各)?街道办事处"
    r"|(?:上级|本级)人民政府(?:有关牵头部门)?"
    r"|事发地(?:的)?(?:区|乡镇)?政府"
    r"|(?:分管|主管)(?:市|区)领导|(?:市|区)应急委(?:主任|主要领导|领导)"
    r"|(?<![\u4e00-\u9fff])各区(?:政府)?"
    r"|临时应急指挥部|(?:市|区)[\u4e00-\u9fff]{2,12}?应急指挥部(?:办公室)?"
    r"|国务院办公厅|国务院确定的部门|国家(?:有关|相关)部门|(?:上级|本级)人民代表大会常务委员会"
    r"|(?:市级|区级)相关部门|(?:队伍|行业(?:\(领域\)|（领域）)?|处置|市相关)主管部门|预警信息发布单位|责任报告单位"
)
# A bracketed alias or hotline right after a name belongs to it: "市政府外办(市政府港澳办)", "(110)".
BRACKET_TAIL_RE = re.compile(r"^[(（](?!以下|简称)[^()（）]{1,12}[)）]")
LEAD_HEADER_RE = re.compile(r"主责|牵头|责任单位|负责单位")
# 为民办实事 lines: "主责单位：1.用电顺心…:区城市管理委;2.公交舒心：区交通局".
DUTY_LINE_RE = re.compile(r"(?:^|\s)(主责单位|牵头单位|责任单位|配合单位)[:：]")
SUBTASK_RE = re.compile(r"(?:^|[;；])\s*\d{1,2}[.．、]\s*([^:：;；]{1,30})[:：]")


def _groups(mentions: list[OrgMention], text: str) -> list[list[OrgMention]]:
    groups: list[list[OrgMention]] = []
    for m in mentions:
        if groups and JOINER_RE.match(text[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _tidy(m: OrgMention, text: str) -> OrgMention:
    """Drop a leading 各 ("各区政府" is 区政府) and keep a bracketed alias."""
    start, end = m.start, m.end
    if text[start] == "各" and end - start > 2:
        start += 1
    tail = BRACKET_TAIL_RE.match(text[end:])
    if tail:
        end += tail.end()
    if (start, end) == (m.start, m.end):
        return m
    return dataclasses.replace(m, text=text[start:end], start=start, end=end)


def _with_generic(mentions: list[OrgMention], text: str) -> list[OrgMention]:
    """Add generic bodies; a longer generic name wins over a name inside it."""
    extra = [
        OrgMention(text=m.group(0), start=m.start(), end=m.end(), canonical=m.group(0), type="generic", generic=True)
        for m in GENERIC_BODY_RE.finditer(text)
    ]
    if not extra:
        return [_tidy(m, text) for m in mentions]
    # Generic matches come from one finditer: sorted and disjoint, so the only one
    # that can contain a mention is the last one starting at or before it, and
    # bisection keeps this linear-logarithmic (it was quadratic: one 1 MB
    # single-line clause spent 17 of its 27 s here).
    starts = [e.start for e in extra]

    def inside_longer(m: OrgMention) -> bool:
        i = bisect.bisect_right(starts, m.start) - 1
        return i >= 0 and m.end <= extra[i].end and (extra[i].end - extra[i].start) > (m.end - m.start)

    kept = sorted((m for m in mentions if not inside_longer(m)), key=lambda m: m.start)
    kept_starts = [k.start for k in kept]
    reach = list(itertools.accumulate((k.end for k in kept), max))  # furthest end among the first i+1
    for e in extra:
        i = bisect.bisect_left(kept_starts, e.end)  # kept[:i] start before e ends
        if i == 0 or reach[i - 1] <= e.start:
            kept.append(e)
    return [_tidy(m, text) for m in sorted(kept, key=lambda m: m.start)]


def _is_subject(text: str, start: int) -> bool:
    """Whether a name opens its sentence or clause (after "，" or a number)."""
    head = text[:start]
    cut = max(head.rfind(c) for c in "。；;：:，,")
    if cut >= 0:
        return not head[cut + 1 :].strip()
    return OPENING_RE.fullmatch(head) is not None


def _after_role(after: str) -> Role | None:
    for pattern, role in AFTER_CUES:
        if pattern.match(after):
            return role
    return None


def _task_after(text: str, pos: int) -> str:
    m = re.match(r"[^，。；;,]{0,40}", text[pos:])
    return m.group(0).strip() if m else ""


def _actor(m: OrgMention, role: Role, clause: Clause, task: str = "") -> Actor:
    shift = clause.span.start
    return Actor(
        name=m.text,
        canonical=m.canonical,
        role=role,
        span=Span(m.start + shift, m.end + shift),
        clause_id=clause.id,
        task=task,
        org_type=m.type if m.generic else "",
    )


def find_actors(clause: Clause, *, abbreviations: dict[str, str] | None = None) -> list[Actor]:
    """Actors of one clause; spans are document offsets."""
    gaz = load_gazetteer()
    text = clause.text
    mentions = _with_generic(gaz.find(text, abbreviations=abbreviations), text)
    if not mentions:
        return []
    if clause.kind is ClauseKind.TABLE_ROW and clause.header and LEAD_HEADER_RE.search(clause.header[-1]):
        lead_cell = clause.cells[-1] if clause.cells else ""
        start = text.rfind(lead_cell[:4]) if lead_cell else -1
        task = clause.cells[1] if len(clause.cells) > 2 else ""
        return [_actor(m, Role.LEAD, clause, task) for m in mentions if start < 0 or m.start >= start]
    duty = DUTY_LINE_RE.search(text)
    if duty and (duty.start() == 0 or clause.kind is not ClauseKind.TABLE_ROW):
        mentions = [m for m in mentions if m.start >= duty.end()]
        role = Role.SUPPORT if duty.group(1) == "配合单位" else Role.LEAD
        subtasks = [(mt.end(), mt.group(1)) for mt in SUBTASK_RE.finditer(text)]
        out = []
        for m in mentions:
            task = next((t for pos, t in reversed(subtasks) if pos <= m.start), "")
            out.append(_actor(m, role, clause, task))
        return out
    out = []
    for group in _groups(mentions, text):
        first, last = group[0], group[-1]
        before = text[max(0, first.start - 6) : first.start]
        after = text[last.end : last.end + 12]
        role = _after_role(after)
        task = _task_after(text, last.end) if role else ""
        for pattern, brole, needs in BEFORE_CUES:
            if not pattern.search(before):
                continue
            if brole is Role.RESPONSIBLE:  # "由X…"
                if re.match(r"^(?:担任|兼任)", after):
                    role = None  # who holds a post, not a duty
                    break
                if WITH_RE.match(after):
                    role = Role.LEAD
                elif role is None or role is Role.RESPONSIBLE:
                    approves = DELAYED_APPROVAL_RE.match(after) and not re.match(r"^[^，。；,;]{0,6}(?:负责(?!审定)|报请|报经|提请|报|向)", after)
                    role = Role.APPROVER if approves else (role or Role.RESPONSIBLE)
            elif brole is Role.RECIPIENT:
                if RECIPIENT_VERB_RE.match(after) or re.search(r"(?:报告|报送|通报|上报|抄报)$", before):
                    role, task = Role.RECIPIENT, ""
            elif brole is Role.APPROVER:
                if needs is None or needs.match(after):
                    role, task = Role.APPROVER, ""
            elif brole in (Role.SUPPORT, Role.LEAD):
                role, task = brole, ""
            break
        if before.endswith("在") and UNDER_RE.match(after):
            role, task = Role.LEAD, ""
        elif before.endswith("在") and UNDER_LEAD_ONLY_RE.match(after):
            continue
        if role is None and _is_subject(text, first.start) and not re.match(r"^(?:的|之|所|为|是)", after):
            # The subject of the sentence: responsible, or support when the
            # sentence says it takes part (参与/配合/协助) rather than acts.
            role = Role.SUPPORT if SUPPORT_LATER_RE.match(after) else Role.RESPONSIBLE
        if role is None:
            continue
        out.extend(_actor(m, role, clause, task) for m in group)
    return out
