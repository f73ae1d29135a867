"""Who, by role: approves, starts, reports to, issues, leads, holds a post, seats an office.

Bodies come from the actor extractor (:func:`plankb.extract.facts.actors.find_actors`)
with its roles; posts and seats have their own grammars, since their answer is
a post ("市长") or a host body, not an actor with a duty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.facts.actors import find_actors
from plankb.extract.facts.levels import find_levels
from plankb.extract.model import Role as ActorRole
from plankb.extract.model import Span

from .evidence import ClauseView
from .types import AnswerType, Candidate, Question, Role

# Actor roles that answer each question role.
ACTOR_ROLES: dict[Role, tuple[ActorRole, ...]] = {
    Role.APPROVE: (ActorRole.APPROVER,),
    Role.START: (ActorRole.APPROVER, ActorRole.RESPONSIBLE),
    Role.REPORT_TO: (ActorRole.RECIPIENT,),
    Role.ISSUE: (ActorRole.RESPONSIBLE, ActorRole.APPROVER),
    Role.LEAD: (ActorRole.LEAD, ActorRole.RESPONSIBLE),
    Role.OTHER: (ActorRole.LEAD, ActorRole.RESPONSIBLE, ActorRole.APPROVER),
}
# The verb a role needs near the actor (after it, in the same clause part):
# "由市委、市政府启动", "报市应急委主任批准", "负责发布".
ROLE_VERB = {
    Role.START: re.compile(r"启动"),
    Role.APPROVE: re.compile(r"批准|审批|审定|审准|决定"),
    Role.ISSUE: re.compile(r"发布|解除"),
}
JOINED_RE = re.compile(r"^\s*(?:、|和|及|与|或|以及)\s*$")
# A label line naming who leads an item: "主责单位：区公路分局", "牵头单位：区民政局".
LABEL_WHO_RE = re.compile(r"(?P<label>主责单位|牵头单位|责任单位|主责部门|牵头部门)\s*[:：]\s*(?P<who>[^\n。；;]{2,60})")
# "主任由市长担任", "副主任由A和B担任", "总指挥由分管市领导担任": post -> holder.
POST_HELD_RE = re.compile(r"(?P<post>[\u4e00-\u9fff]{0,6}?)由(?P<who>[^。；;]{1,60}?)(?:担任|兼任)")
# "任命张三为…主任", "任张三同志为…副局长", "张三任…主任".
APPOINT_RE = re.compile(r"(?:任命|任)(?P<who>[\u4e00-\u9fff·]{2,4}?)(?:同志)?为(?P<post>[^，。；;、]{2,40})")
# "市应急办设在市应急局", "办公室设在区卫生健康委", "备份指挥平台设在市人防办".
SEAT_RE = re.compile(r"(?P<body>[^，。；;]{0,30}?)(?:设在|设于|设置在|依托|建在|放在)(?P<host>[^，。；;,]{2,30}?)(?=[，。；;,]|$|，|加挂|负责|承担)")
# "在市应急局和市应急办联合加挂北京市人民政府总值班室牌子".
PLAQUE_RE = re.compile(r"(?:在)?(?P<host>[^，。；;]{2,30}?)(?:联合)?加挂(?P<body>[^，。；;]{2,30}?)牌子")


def who(q: Question, view: ClauseView) -> Iterator[Candidate]:
    found = _posts(q, view) if q.role is Role.POST else _seats(q, view) if q.role is Role.SEAT else _actors(q, view)
    seen: set[tuple[str, int]] = set()
    for c in found:  # two readers may find the same body at the same place
        if (c.answer, c.evidence.start) not in seen:
            seen.add((c.answer, c.evidence.start))
            yield c


def _candidate(view: ClauseView, answer: str, start: int, end: int, detail: str = "") -> Candidate:
    return Candidate(AnswerType.WHO, answer.strip(), view.clause.id, Span(start, end), view.sentence_of(start), detail)


def _posts(q: Question, view: ClauseView) -> Iterator[Candidate]:
    post = q.subject.post
    if not post:
        return
    text = view.text
    for m in POST_HELD_RE.finditer(text):
        # The post named right before 由 must be the asked post itself, not a longer one
        # ("副主任" when 主任 is asked) — the sentence may list several posts.
        named = m.group("post")
        if not named.endswith(post) or (len(named) > len(post) and named[-len(post) - 1] in "副务行一"):
            continue
        body_ok = not q.subject.body or q.subject.body[-3:] in text[max(0, m.start() - 40) : m.end()] or q.subject.body[-3:] in view.context
        if body_ok:
            yield _candidate(view, m.group("who"), m.start("who"), m.end("who"), named)
    for m in APPOINT_RE.finditer(text):
        named = m.group("post")
        exact = named.endswith(post) and (post.startswith("副") or not named.endswith("副" + post))
        if exact and (not q.subject.body or q.subject.body[-3:] in named):
            yield _candidate(view, m.group("who"), m.start("who"), m.end("who"), named)


def _seats(q: Question, view: ClauseView) -> Iterator[Candidate]:
    text = view.text
    body = q.subject.body
    for m in SEAT_RE.finditer(text):
        subject_text = m.group("body")
        if body and body[-3:] not in subject_text and not any(t in subject_text for t in q.subject.terms):
            continue
        yield _candidate(view, m.group("host"), m.start("host"), m.end("host"))
    for m in PLAQUE_RE.finditer(text):
        if any(t in m.group("body") for t in q.subject.terms):
            yield _candidate(view, m.group("host").removeprefix("在"), m.start("host"), m.end("host"))


def _labelled(view: ClauseView) -> Iterator[Candidate]:
    """"主责单位：区公路分局" under an item: the body the label names."""
    for m in LABEL_WHO_RE.finditer(view.text):
        yield _candidate(view, m.group("who"), m.start("who"), m.end("who"), m.group("label"))


def _level_actors(q: Question, view: ClauseView) -> Iterator[Candidate]:
    """Who issues, approves or starts a named colour or level, as the level extractor read it
    ("橙色预警报分管区领导审准" -> 分管区领导)."""
    for lv in find_levels(view.text):
        if not lv.actor:
            continue
        named = (q.subject.colours and lv.rank in q.subject.colours and lv.colour) or (q.subject.rank and lv.rank == q.subject.rank)
        if not named:
            continue
        at = view.text.find(lv.actor, lv.span.end)
        if at >= 0:
            yield _candidate(view, lv.actor, at, at + len(lv.actor), lv.scheme.value)


def _actors(q: Question, view: ClauseView) -> Iterator[Candidate]:
    if q.role in (Role.LEAD, Role.OTHER, None):
        yield from _labelled(view)
    if q.role in (Role.APPROVE, Role.START, Role.ISSUE):
        yield from _level_actors(q, view)
    roles = ACTOR_ROLES.get(q.role or Role.OTHER, ACTOR_ROLES[Role.OTHER])
    base = view.clause.span.start
    actors = [a for a in find_actors(view.clause) if a.role in roles]
    if not actors:
        return
    actors.sort(key=lambda a: a.span.start)
    verb = ROLE_VERB.get(q.role) if q.role else None
    groups: list[list] = []
    for a in actors:
        if groups and JOINED_RE.match(view.text[groups[-1][-1].span.end - base : a.span.start - base]) and groups[-1][-1].role == a.role:
            groups[-1].append(a)
        else:
            groups.append([a])
    for g in groups:
        start, end = g[0].span.start - base, g[-1].span.end - base
        if start < 0 or end > len(view.text):
            continue
        after = view.text[end : end + 30].split("。")[0]
        if verb is not None and not verb.search(after[:24]):
            continue
        if q.role is Role.OTHER and q.subject.terms and not any(t in after for t in q.subject.terms):
            continue  # "谁负责解释": the actor must be the one the question's own verb follows
        yield _candidate(view, view.text[start:end], start, end, g[0].role.value)
