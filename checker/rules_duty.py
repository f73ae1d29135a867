"""Duty rules: who leads, who commands, who approves, who must be told.

Bodies are compared through the gazetteer's counterparts (市应急局 ↔
区应急管理局, 市金融局 ↔ 区财政局 as a "review" stand-in), never by
swapping 市 for 区 in a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plankb.extract.facts.numbers import fold
from plankb.extract.model import Clause, ClauseKind, Finding, Level, Span
from plankb.extract.obligations import Duty
from plankb.extract.taxonomy import IncidentType, Taxonomy, load_taxonomy, split_departments
from plankb.extract.vocab import COLOUR_RANK, COLOUR_WORD, rank_of

from .context import DEFER_RE, EMERGENCY_TYPES, PARTY_TYPES, UNDER_RE, Context
from .lexicon import (
    APPROVER_LABELS,
    COMMAND_FLOOR,
    LEVEL_DEPTH,
    RANK_GRADE,
    approver_rank,
    dice,
    grade_runs,
    level_from_name,
)
from .plan import Sentence

# A lead column: "区级处置主责部门", "牵头部门", "牵头编制部门" is a plan list, not a duty table.
LEAD_HEADER_RE = re.compile(r"主责|牵头(?!编制)|负责部门|责任单位")
# Command verbs; e.g. "统一指挥处置一般、较大自然灾害", "具体指挥本区相关重大…".
COMMAND_RE = re.compile(r"统一指挥|指挥处置|组织指挥|具体指挥|负责指挥|统筹指挥|统一领导|负责处置|组织处置|牵头处置")
# A warning named by colour or number; e.g. "橙色、红色预警", "红色预警", "一级预警".
WARNING_RE = re.compile(rf"(?P<c>{COLOUR_WORD}(?:\s*[、和或及与]\s*{COLOUR_WORD})*)\s*(?:预警|警报)|(?P<n>[一二三四])\s*级\s*预警")
# Who approves, after the warning: "…报分管区领导批准", "由市应急办报市应急委主任批准", "经X批准".
APPROVE_AFTER_RES = (
    re.compile(r"报(?:请)?(?P<a>[^，。；;、报由]{2,20}?)(?:批准|审批|审准|审定|同意|签发)"),
    re.compile(r"经(?P<a>[^，。；;]{2,20}?)(?:批准|同意)"),
    re.compile(r"由(?P<a>[^，。；;报]{2,24}?)(?:负责)?(?:批准|审批|签发|决定发布)"),
)
# Who issues, before the warning in the same segment: "事发地镇政府可直接发布…红色预警".
ISSUE_BEFORE_RE = re.compile(r"(?P<a>[^，。；;：:]{2,24}?)(?:可以|可|应当|应|负责)?(?:直接)?(?:向[^，。；;]{1,12})?(?:发布|签发)[^，。；;]{0,12}$")
# What an issuing body's name looks like, and phrases that are not bodies ("提前0-24小时").
BODY_RE = re.compile(r"委|办|局|部|政府|领导|主任|指挥|中心|街道|镇|乡|队|站|所|院")
NOT_BODY_RE = re.compile(r"^(?:提前|向|在|于|对|按照|根据|及时|必要时)")
# Item numbers in front of a segment: "（2）", "3.".
NUM_PREFIX_RE = re.compile(r"\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）.．、]\s*)?")
# Blue/yellow issued by someone: "蓝色、黄色预警由区防汛办负责发布".
BLUE_YELLOW_ISSUE_RE = re.compile(r"(?:蓝色|黄色)[^。；;]{0,6}预警(?:信息)?由[^。；;]{2,40}?(?:发布|签发)")
# Published straight to the public: "可通过本部门政务微博…直接对外发布", "直接向辖区居民发布".
PUBLIC_RE = re.compile(r"向社会|向公众|对外|向辖区|向居民|向群众|社会公众")
DIRECT_RE = re.compile(r"直接|自行|自主|本部门|本单位")
CHANNEL_RE = re.compile(r"预警信息发布中心|发布中心|统一发布|统一对外发布")
# Reporting.
IMMEDIATE_REPORT_RE = re.compile(r"立即(?:向[^，。；;]{2,40}?)?报告")
DETAIL_RE = re.compile(r"详细|续报|书面")
REPORT_PATH_RE = re.compile(r"信息报送|信息报告|报告制度|信息上报")
# Reporters that are not government bodies: "事故单位应当立即向区应急管理局…报告".
UNIT_REPORTER_RE = re.compile(r"事发单位|事故单位|企业|经营单位|生产单位|公民|个人|群众|居民|法人")
# Mobilisation: the scope of the subordinate's whole area.
SCOPE_RE = {
    Level.DISTRICT: re.compile(r"全区|本区|区范围"),
    Level.STREET: re.compile(r"全街道|本街道|街道范围|全镇|本镇|全乡|本乡|乡镇范围|辖区范围|全辖区"),
}
DECIDE_RE = re.compile(r"决定|批准|组织实施")
ESCALATE_RE = re.compile(r"报请|提请|请示")


# ---------------------------------------------------------------------------
def lead_counterpart(ctx: Context) -> Iterator[Finding]:
    """Rows of the 处置分工 table: is each lead the local counterpart of the master's?"""
    if ctx.sub.level not in LEVEL_DEPTH:
        return
    tax = load_taxonomy()
    master_rows: dict[int, Clause] = {}
    for c in ctx.master.clauses:
        t = incident_row(c, tax)
        if t is not None:
            master_rows.setdefault(t.number, c)
    for c in ctx.sub.clauses:
        t = incident_row(c, tax)
        if t is None or t.number not in master_rows:
            continue
        mrow = master_rows[t.number]
        judged = _compare_row(ctx, c, mrow)
        if judged is None:
            continue
        verdict, why, want = judged
        if verdict == "consistent":
            fix = ""
        elif "替代" in why:
            fix = f"请说明{c.cells[-1]}承担此项职责的依据，或改由与{mrow.cells[-1]}职能相应的区级部门牵头。"
        else:
            fix = f"主责部门宜写为：{want}" if want else ""
        yield ctx.finding("duty.lead_counterpart", verdict, why, sub=c.span, master=mrow, suggestion=fix)


def _compare_row(ctx: Context, row: Clause, mrow: Clause) -> tuple[str, str, str] | None:
    """(verdict, explanation, wanted leads) for one table row, None when nothing is comparable."""
    g = ctx.sub.gazetteer
    sub_cell, m_cell = row.cells[-1], mrow.cells[-1]
    name = row.cells[-2]
    s_orgs = [(n, g.resolve(n)) for n in split_departments(sub_cell)]
    # Each master lead that has a counterpart at this level: the best status among the sub's leads.
    status: dict[str, str] = {}
    via: dict[str, str] = {}
    for mn in split_departments(m_cell):
        mo = g.resolve(mn)
        if mo is None or not g.counterparts(mo, ctx.sub.level):
            continue  # 市国防科工办: nothing to compare with at district level
        status[mn], via[mn] = "no", ""
        for sn, so in s_orgs:
            st = g.is_counterpart(mo, so) if so is not None else "no"
            if _ST[st] > _ST[status[mn]]:
                status[mn], via[mn] = st, sn
    if not status:
        return None
    # A stand-in pairing is settled when the same unit is also a plain counterpart
    # in the row (市通信管理局 and 市经济和信息化局 -> 区科技和信息化局).
    plain = {via[m] for m, st in status.items() if st == "yes"}
    for m, st in status.items():
        if st == "review" and via[m] in plain:
            status[m] = "yes"
    matched = {sn for sn, so in s_orgs if so is not None and any(g.is_counterpart(g.resolve(m), so) != "no" for m in status)}
    extra = [sn for sn, so in s_orgs if so is not None and sn not in matched]
    unknown = [sn for sn, so in s_orgs if so is None]
    want = "、".join(dict.fromkeys(n for m in status for n in ctx.counterpart_names(m)))
    sts = set(status.values())
    open_list = bool(re.search(r"等(?:部门|单位)?$", m_cell.strip()))  # "…等部门": more leads allowed
    if sts == {"yes"} and (open_list or not extra):
        return "consistent", f"“{name}”的主责部门{sub_cell}与上级预案的{m_cell}相对应。", want
    if sts == {"no"} and not unknown:
        return "conflict", f"“{name}”的主责部门写为{sub_cell}，上级预案为{m_cell}，本级对应部门应为{want}。", want
    if sts == {"no"}:
        return "review", f"“{name}”的主责部门“{'、'.join(unknown)}”无法识别，请核对是否为{want}。", want
    if "no" in sts:
        missing = "、".join(m for m, st in status.items() if st == "no")
        return "review", f"“{name}”的主责部门缺少与上级{missing}相对应的部门（上级预案为{m_cell}）。", want
    if "review" in sts:
        return ("review", f"“{name}”的主责部门{sub_cell}不是上级主责部门{m_cell}的直接对应部门，"
                "属替代安排，请确认本级职责分工。", want)
    return "review", f"“{name}”的主责部门增加了上级预案未列明的{'、'.join(extra)}，请确认。", want


_ST = {"no": 0, "review": 1, "yes": 2}


def incident_row(c: Clause, tax: Taxonomy) -> IncidentType | None:
    """The incident type of a 处置分工 row, or None for other tables."""
    if c.kind is not ClauseKind.TABLE_ROW or len(c.cells) < 2 or not c.header:
        return None
    if not LEAD_HEADER_RE.search(c.header[-1]) or not re.search(r"事件|类型|突发", "".join(c.header[:-1])):
        return None
    return tax.district_row_to_master(c.cells[-2])


# ---------------------------------------------------------------------------
def reserved_command(ctx: Context) -> Iterator[Finding]:
    """A body commanding events above its level's authority (区级: 重大/特别重大)."""
    if ctx.sub.level not in COMMAND_FLOOR or ctx.sub.level is Level.MUNICIPAL:
        return
    for s in ctx.sub.topic("command"):
        t = fold(s.text)
        under = [m.span() for m in UNDER_RE.finditer(t)]
        segs = _segments(t)
        items = [_judge_command(ctx, s, t, segs, m.start()) for m in COMMAND_RE.finditer(t)
                 if not any(a <= m.start() < b for a, b in under)]  # "在市委…统一领导下": not a claim
        items = [x for x in items if x is not None]
        if not items:
            continue
        verdict, span, why = min(items, key=lambda x: _VERDICT_ORDER[x[0]])
        yield ctx.finding("duty.reserved_command", verdict, why, sub=span, master=ctx.best_master(s, ("command",)),
                          suggestion="改为“在上级统一领导下参与（配合）处置”，本级仅指挥权限内等级的事件。"
                          if verdict == "conflict" else "")


def _judge_command(ctx: Context, s: Sentence, t: str, segs: list[tuple[int, int]], pos: int) -> tuple[str, Span, str] | None:
    """One command verb at ``pos``: the grades it covers (its segment, or the "对于…" one before) and who holds it."""
    k = next(i for i, (a, b) in enumerate(segs) if a <= pos < b)
    prev_free = k > 0 and not COMMAND_RE.search(t[segs[k - 1][0] : segs[k - 1][1]])
    lo, hi = (segs[k - 1][0] if prev_free else segs[k][0]), segs[k][1]
    runs = grade_runs(t[lo:hi])
    if not runs or DEFER_RE.search(t[segs[k][0] : hi]):
        return None
    ranks = sorted(frozenset().union(*(r.ranks for r in runs)))
    who, lvl = ctx.subject(s, pos)
    lvl = lvl or ctx.sub.level
    name = who.text if who else "本级"
    grades = "、".join(RANK_GRADE[r] for r in ranks)
    span = Span(s.start + lo, s.start + hi)
    floor = COMMAND_FLOOR.get(lvl, 4)
    if LEVEL_DEPTH.get(lvl, 9) < LEVEL_DEPTH[ctx.sub.level]:
        return "consistent", span, f"{grades}突发事件由上级（{name}）统一领导或指挥，与上级预案一致。"
    if ranks[0] < floor:
        above = "、".join(RANK_GRADE[r] for r in ranks if r < floor)
        return "conflict", span, (f"{name}被赋予指挥处置{above}突发事件的职责，超出本级权限；上级预案规定重大、特别重大"
                                  "突发事件由市级领导指挥机构统一指挥，区级负责一般、较大突发事件，街道乡镇负责先期处置。")
    return "consistent", span, f"{name}指挥处置{grades}突发事件，未超出本级权限。"


_VERDICT_ORDER = {"conflict": 0, "review": 1, "consistent": 2}


def _segments(t: str) -> list[tuple[int, int]]:
    out, lo = [], 0
    for m in re.finditer(r"[，,：:]", t):
        out.append((lo, m.end()))
        lo = m.end()
    out.append((lo, len(t)))
    return out


# ---------------------------------------------------------------------------
def _warning_approvals(s: Sentence) -> list[tuple[tuple[int, ...], str, int, int]]:
    """(ranks, approver, start, end) for each colour/number warning phrase of a sentence
    that says who approves or issues it; offsets relative to the sentence."""
    t = fold(s.text)
    mentions = list(WARNING_RE.finditer(t))
    out = []
    for i, m in enumerate(mentions):
        ranks = tuple(COLOUR_RANK[c] for c in re.findall(COLOUR_WORD, m.group("c"))) if m.group("c") \
            else (rank_of(m.group("n")) or 4,)
        stop = mentions[i + 1].start() if i + 1 < len(mentions) else len(t)
        stop = min(stop, _next_stop(t, m.end()))
        after = t[m.end():stop]
        who, end = "", m.end()
        for rx in APPROVE_AFTER_RES:
            a = rx.search(after)
            if a:
                who, end = a.group("a"), m.end() + a.end()
                break
        start = m.start()
        # "发布橙色预警后…", "区气象局发布暴雨橙色预警时": a trigger, not who may issue it.
        if not who and not re.match(r"\s*(?:信号|信息)?\s*(?:后|时|之后)", t[m.end():]):
            seg_start = max(t.rfind(c, 0, m.start()) for c in "，,。；;：:") + 1
            seg_start += len(NUM_PREFIX_RE.match(t[seg_start:]).group())
            before = t[seg_start:m.start()]
            b = ISSUE_BEFORE_RE.search(before)
            # "向区应急委提出发布橙色、红色预警的建议" proposes; it does not issue.
            proposal = re.search(r"提出|建议|申请|报请", before) or re.match(r"\s*(?:信息)?\s*(?:的)?\s*建议", t[m.end():])
            if b and not proposal and BODY_RE.search(b.group("a")) and not NOT_BODY_RE.match(b.group("a")):
                who, start = b.group("a"), seg_start + b.start()
        if who:
            out.append((ranks, who.strip(), start, end))
    return out


def _next_stop(t: str, pos: int) -> int:
    m = re.compile(r"[。；;]").search(t, pos)
    return m.start() if m else len(t)


def warning_approval(ctx: Context) -> Iterator[Finding]:
    """Orange and red warnings approved (or issued) by a body of lower rank than the master's."""
    master_rank: dict[int, int] = {1: 1, 2: 2}
    found: dict[int, int] = {}
    refs = []
    for s in ctx.master.topic("warning"):
        for ranks, who, _a, _b in _warning_approvals(s):
            for r in ranks:
                if r in (1, 2) and r not in found:
                    found[r] = approver_rank(who)
                    refs.append(s)
    master_rank.update(found)
    judged: set[int] = set()
    for s in ctx.sub.topic("warning"):
        for ranks, who, a, b in _warning_approvals(s):
            high = sorted(r for r in ranks if r in (1, 2))
            if not high:
                continue
            colour = "、".join("红色" if r == 1 else "橙色" for r in sorted(high, reverse=True))
            lvl = _body_level(ctx, who)
            span = Span(s.start + a, s.start + b)
            judged.add(span.start)
            m_ref = max(refs, key=lambda m: dice(m.grams, s.grams)) if refs else ctx.best_master(s, ("warning",))
            if lvl is not None and LEVEL_DEPTH.get(lvl, 0) > LEVEL_DEPTH.get(ctx.sub.level, 9) or (
                ctx.sub.level is Level.STREET and lvl in (None, Level.STREET)
            ):
                yield ctx.finding("duty.warning_approval", "conflict",
                                  f"{colour}预警由{who}发布或批准，超出基层权限；{colour}预警须报上级批准后由预警信息发布机构统一发布。",
                                  sub=span, master=m_ref, suggestion=f"改为由{who}及时报告，并接收、转发上级发布的{colour}预警。")
            elif lvl is not None and LEVEL_DEPTH.get(lvl, 9) < LEVEL_DEPTH.get(ctx.sub.level, 0):
                yield ctx.finding("duty.warning_approval", "consistent", f"{colour}预警由上级（{who}）批准。",
                                  sub=span, master=m_ref)
            else:
                got = approver_rank(who)
                short = [r for r in high if got > master_rank.get(r, r)]
                if short:
                    need = min(master_rank.get(r, r) for r in short)
                    yield ctx.finding("duty.warning_approval", "conflict",
                                      f"{colour}预警由{who}批准，层级低于上级预案要求的{APPROVER_LABELS[need]}。",
                                      sub=span, master=m_ref, suggestion=f"{colour}预警改为报{_approver_text(ctx, need)}批准。")
                else:
                    yield ctx.finding("duty.warning_approval", "consistent",
                                      f"{colour}预警由{who}批准，与上级预案的批准层级相当。", sub=span, master=m_ref)
    if ctx.sub.level is Level.STREET:
        yield from _street_issues(ctx, judged)


def _street_issues(ctx: Context, done: set[int]) -> Iterator[Finding]:
    """A street or township issuing orange or red warnings itself: 「街道可…自行发布本辖区橙色、红色预警信息」
    (``done``: statements already judged by their wording)."""
    for o in ctx.sub.obligations:
        if any(o.span.start <= d < o.span.end for d in done):
            continue
        if (o.task != "warning_release" or o.negated or not o.colours & {1, 2} or o.actor_span is None
                or level_from_name(o.actor) is not Level.STREET):
            continue
        rest = o.text[o.actor_span.end - o.span.start :]
        if not re.search(r"发布|签发", rest) or re.search(r"接到|接收|转发|提出|建议|报请|配合", rest.split("发布")[0]):
            continue
        m_ref = ctx.best_master(o.text, ("warning",))
        yield ctx.finding("duty.warning_approval", "conflict",
                          f"{o.actor}自行发布橙色、红色预警，超出基层权限；橙色、红色预警须报上级批准后由预警信息发布机构统一发布。",
                          sub=o.span, master=m_ref, suggestion=f"改为由{o.actor}及时报告，并接收、转发上级发布的预警。")


def _approver_text(ctx: Context, rank: int) -> str:
    prefix = {Level.DISTRICT: "区", Level.STREET: "街道（乡镇）"}.get(ctx.sub.level, "")
    return {1: f"{prefix}应急委主任", 2: f"分管{prefix}领导"}.get(rank, "应急办")


def _body_level(ctx: Context, name: str) -> Level | None:
    mentions = ctx.sub.gazetteer.find(name, abbreviations=ctx.sub.abbreviations)
    for m in reversed(mentions):
        lv = ctx.sub.body_level(m)
        if lv is not None:
            return lv
    lv = level_from_name(name)
    if lv is None and re.search(r"分管区|主管区|区领导|副区长", name):
        return Level.DISTRICT
    if lv is None and re.search(r"分管市|主管市|市领导|副市长", name):
        return Level.MUNICIPAL
    return lv


# ---------------------------------------------------------------------------
def warning_filing(ctx: Context) -> Iterator[Finding]:
    """Blue/yellow warnings must be filed with the 应急办; district master plans also with 市应急办."""
    ref = ctx.best_master("蓝色、黄色预警由相关部门负责发布和解除，并报应急办备案", ("warning",))
    issue = []
    for s in ctx.sub.topic("warning"):
        m = BLUE_YELLOW_ISSUE_RE.search(fold(s.text))
        if not m:
            continue
        issue.append(s)
        if "备案" in s.text:
            yield ctx.finding("duty.warning_filing", "consistent", "蓝色、黄色预警发布后报应急办备案，与上级预案一致。",
                              sub=s.span, master=ref)
        else:
            yield ctx.finding("duty.warning_filing", "conflict", "蓝色、黄色预警的发布规定中缺少报应急办备案的环节。",
                              sub=s.span, master=ref, suggestion="补充“并报应急办备案”。")
    if ctx.same_kind and ctx.sub.level is Level.DISTRICT and issue:
        city = [s for s in ctx.sub.topic("warning") if "市应急办" in s.text and "备案" in s.text]
        ref2 = ctx.best_master("各区可根据实际情况发布本地区预警信息并同时报市应急办及市有关部门备案", ("warning",))
        if city:
            yield ctx.finding("duty.warning_filing", "consistent", "本区预警信息报市应急办备案，与上级预案一致。",
                              sub=city[0].span, master=ref2)
        else:
            yield ctx.finding("duty.warning_filing", "review", "未规定本区发布的预警信息报市应急办及市有关部门备案。",
                              sub=issue[0].span, master=ref2, suggestion="补充“并同时报市应急办及市有关部门备案”。")


# ---------------------------------------------------------------------------
def public_warning_channel(ctx: Context) -> Iterator[Finding]:
    """Warnings for the public go out through the 预警信息发布中心 only."""
    for s in ctx.sub.topic("warning"):
        t = fold(s.text)
        if "发布" not in t or not PUBLIC_RE.search(t):
            continue
        ref = ctx.best_master(s, ("warning",), CHANNEL_RE)
        if CHANNEL_RE.search(t):
            yield ctx.finding("duty.public_warning_channel", "consistent", "面向公众的预警信息经预警信息发布中心统一发布。",
                              sub=s.span, master=ref)
        elif DIRECT_RE.search(t) and "不得" not in t and not ctx.mirrors_master(s, ("warning",)):
            yield ctx.finding("duty.public_warning_channel", "conflict",
                              "预警信息由部门或基层直接向公众发布，未经预警信息发布中心统一发布。",
                              sub=s.span, master=ref, suggestion="改为“履行审批程序后，由预警信息发布中心按规定统一对外发布”。")


# ---------------------------------------------------------------------------
def report_recipient(ctx: Context) -> Iterator[Finding]:
    """First and upward reports go to both the party duty office and the 应急办."""
    first = {id(x.sentence) for x in ctx.sub.limits if x.slot == "report_first"}
    for s in ctx.sub.topic("reporting"):
        t = fold(s.text)
        recips_full = ctx.recipients(s)
        recips = [a for a, _t, _l in recips_full]
        hubs = ctx.hubs(recips_full)
        if not hubs:
            continue
        # An upward report is compared only when it goes to the master's own level
        # (a district plan reporting to 市委总值班室 / 市应急办), not beyond it.
        upward = ctx.below_master() and any(lvl is ctx.master.level for _a, _t, lvl in hubs)
        first_at = min(a.span.start for a in recips) - s.start
        who, who_level = ctx.subject(s, first_at)
        if UNIT_REPORTER_RE.search(fold(s.text[: max(first_at, 0)])) and who is None:
            continue  # 事故单位、公民 report to the local government or department (master 4.1.3)
        if ctx.below_master() and not upward and (who_level or ctx.sub.level) is Level.STREET:
            continue  # a street reporting up to the district (master 4.2.3: 及时向区委、区政府报告)
        in_section = REPORT_PATH_RE.search(" ".join(s.clause.path))
        applies = id(s) in first or (in_section and (IMMEDIATE_REPORT_RE.search(t) or (upward and not DETAIL_RE.search(t))))
        if not applies:
            continue
        types = {typ for _a, typ, _l in hubs}
        span = Span(min(a.span.start for a in recips), max(a.span.end for a in recips))
        seg = s.segment(span.start)
        span = Span(min(seg.start, span.start), max(s.segment(span.end - 1).end, span.end))
        # Names broken across lines ("市应急\n办") are missed by the facts layer, not by the gazetteer.
        lo, hi = span.start - s.start, span.end - s.start
        types |= {m.type for m in ctx.sub.orgs(s) if lo <= m.start < hi + 16 and m.level is ctx.master.level}
        ref = ctx.best_master(s, ("reporting",), re.compile(r"总值班室"))
        missing = []
        if not types & PARTY_TYPES:
            missing.append("党委值班机构（总值班室）")
        if not types & EMERGENCY_TYPES:
            missing.append("应急办")
        names = "、".join(dict.fromkeys(a.name for a, _t, _l in hubs))
        if missing:
            yield ctx.finding("duty.report_recipient", "conflict",
                              f"报告对象只有{names}，缺少{'和'.join(missing)}；上级预案要求同时报告总值班室和应急办。",
                              sub=span, master=ref, suggestion=f"补充向{'和'.join(missing)}报告。")
        else:
            yield ctx.finding("duty.report_recipient", "consistent", f"同时报告{names}，与上级预案一致。", sub=span, master=ref)


# ---------------------------------------------------------------------------
def mobilisation(ctx: Context) -> Iterator[Finding]:
    """Mobilising the whole district (street) needs the next level's approval; a street decides none."""
    scope = SCOPE_RE.get(ctx.sub.level)
    if scope is None:
        return
    if ctx.sub.level is Level.STREET and not any(
            o.task == "mobilisation" and level_from_name(o.actor) is Level.STREET for o in ctx.master.obligations):
        # The municipal master (4.6.2) gives the decision to the city and the districts only:
        # 「由街道工委决定并组织实施」; a district master may delegate small-scale mobilisation to 乡镇.
        for o in ctx.sub.obligations:
            if (o.task == "mobilisation" and o.role is Duty.DECIDER and not o.negated
                    and level_from_name(o.actor) is Level.STREET and not ESCALATE_RE.search(o.text)):
                yield ctx.finding("duty.mobilisation", "conflict",
                                  f"社会动员由{o.actor}决定；上级预案规定区范围的社会动员由区政府报请市政府批准，街道（乡镇）无决定权。",
                                  sub=o.span, master=ctx.best_master(o.text, ("mobilisation",), re.compile(r"批准")),
                                  suggestion="改为“报请区委、区政府决定后，由街道组织实施”。")
    for s in ctx.sub.topic("mobilisation"):
        t = fold(s.text)
        m = scope.search(t)
        if not m or not DECIDE_RE.search(t):
            continue
        ref = ctx.best_master(s, ("mobilisation",), re.compile(r"批准"))
        if ESCALATE_RE.search(t) and ctx.higher(t):
            yield ctx.finding("duty.mobilisation", "consistent", "本行政区域范围的社会动员报请上一级批准，与上级预案一致。",
                              sub=s.span, master=ref)
        else:
            yield ctx.finding("duty.mobilisation", "conflict",
                              "本行政区域范围的社会动员由本级自行决定，上级预案规定须报请上一级人民政府批准。",
                              sub=s.span, master=ref, suggestion="改为“由本级党委、政府报请上一级党委、政府批准后组织实施”。")


def emergency_state(ctx: Context) -> Iterator[Finding]:
    """Only the State Council (or the NPC Standing Committee) decides a state of emergency."""
    if ctx.sub.level is Level.MUNICIPAL:
        return
    for s in ctx.sub.topic("emergency_state"):
        t = fold(s.text)
        ref = ctx.best_master(s, ("emergency_state",))
        if ESCALATE_RE.search(t) and re.search(r"国务院|全国人大|市政府|市委", t):
            yield ctx.finding("duty.emergency_state", "consistent", "进入紧急状态按规定提请决定。", sub=s.span, master=ref)
        elif re.search(r"决定|宣布|宣告|实施", t):
            yield ctx.finding("duty.emergency_state", "conflict",
                              "规定由本级决定或宣布进入紧急状态；上级预案规定须以市政府名义提请国务院决定。",
                              sub=s.span, master=ref, suggestion="改为“需要进入紧急状态时，报请市政府依法提请国务院决定”。")
