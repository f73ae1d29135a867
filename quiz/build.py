"""Question builders: one item (or a group of rows) and a type in, a draft question out.

Each builder returns ``None`` when the item cannot make a fair question of
that type (too few distractors of the same kind, a non-exhaustive '等' list,
a range that has no single right number).  Stems quote the document's title;
explanations quote the clause sentence the answer is written in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .bank import Item, section_ref
from .distract import Pools
from .model import CATEGORIES, Question
from .text import duration_variants, find_duration, number_variants, show, squash

BLANK = "____"
# Bracketed examples of an incident row, dropped where space is short:
# '重大传染病疫情(鼠疫、炭疽、…)' -> '重大传染病疫情'.
_EXAMPLES_RE = re.compile(r"[(（][^()（）]*[)）]")
# Level prefix and body suffix of a department name: '市人防办' -> '人防', '区公安分局交通支队' -> '公安分局交通'.
_DEPT_AFFIX_RE = re.compile(r"^(?:市委|区委|市政府|区政府|市|区)|(?:委员会|分局|支队|总队|局|委|办)$")


@dataclass(frozen=True)
class Draft:
    question: Question  # id still empty
    atoms: frozenset[str]  # the facts it tests


def _question(item: Item, qtype: str, stem: str, options: Sequence[str], answer: object, explanation: str,
              difficulty: int, atoms: Sequence[str] | None = None, quote: str = "",
              sources: Sequence[str] = (), accept: Sequence[str] = ()) -> Draft:
    keys = sorted(set(atoms or [item.key]))
    q = Question(
        id="",
        type=qtype,
        stem=stem,
        options=tuple(options),
        answer=answer,
        explanation=explanation,
        clause_id=item.clause.id,
        doc_id=item.doc.id,
        section=squash(item.clause.section),
        quote=quote or quote_of(item),
        topic=item.topic,
        jurisdiction=item.jurisdiction,
        difficulty=max(1, min(3, difficulty)),
        fact_key="+".join(keys),
        accept=tuple(accept),
        doc_title=item.doc.title,
        sources=tuple(sources) or (item.clause.id,),
        category=item.group if item.kind == "lead" and item.group in CATEGORIES else "",
    )
    return Draft(q, frozenset(keys))


# A row number cell: '5', '27', '（3）'.
_ROW_NO_RE = re.compile(r"^[(（]?\d{1,3}[)）]?$")


def row_quote(cells: Sequence[str], header: Sequence[str]) -> str:
    """A table row as a reader quotes it: '序号5｜突发地质灾害(…)｜市应急局、市规划自然资源委'.

    Gluing the cells ('5突发地质灾害(…)市应急局…') runs the row number into the
    incident and the incident into the departments; the number keeps its column name.
    """
    parts = [squash(c).replace(" ", "") for c in cells]
    parts = [p for p in parts if p]
    if parts and header and _ROW_NO_RE.match(parts[0]):
        label = squash(header[0]).replace(" ", "")
        if label and len(label) <= 4:
            parts[0] = label + parts[0]
    return "｜".join(parts)


def quote_of(item: Item) -> str:
    """The whole sentence (or table row) the answer is written in, wrap whitespace removed."""
    if item.clause.cells:
        return row_quote(item.clause.cells, item.clause.header)
    if item.kind in ("lead", "plan") or item.sent is None:
        return squash(item.clause.text)
    return squash(item.clause.text[item.sent.start : item.sent.end]).rstrip("：:")


def _src(item: Item) -> str:
    return f"依据《{item.doc.title}》{section_ref(item.clause)}"


def explain(item: Item, note: str = "") -> str:
    if item.kind in ("lead", "plan"):
        head = squash(item.clause.header[1]).replace(" ", "") if len(item.clause.header) > 1 else "名称"
        value = "、".join(item.answers) + ("等" if item.hedged else "")
        return f"{_src(item)}：{head}“{item.subject}”的{item.label}为{value}。{note}"
    if item.kind == "threshold" and item.clause.cells:
        return f"{_src(item)}：“{item.subject}”的{item.label or '预期值'}为{item.answers[0]}。{note}"
    return f"{_src(item)}：“{quote_of(item)}”{note}"


def _ref(item: Item, sep: str = "，") -> str:
    """'根据《title》2.3.6 突发事件处置分工，' for table rows, '根据《title》，' otherwise."""
    if item.kind in ("lead", "plan") or (item.kind == "threshold" and item.clause.cells):
        return f"根据《{item.doc.title}》{section_ref(item.clause)}{sep}"
    return f"根据《{item.doc.title}》{sep}"


def _subject(item: Item) -> str:
    return f"《{item.subject}》" if item.kind == "plan" else f"“{item.subject}”"


def _statement(item: Item, shown: str, sep: str = "，") -> str:
    """The item's fact as a sentence with ``shown`` (a value or a blank) in place of the answer."""
    ref = _ref(item, sep)
    if item.kind in ("lead", "plan"):
        return f"{ref}{_subject(item)}的{item.label}是{shown}。"
    if item.kind == "threshold" and item.clause.cells:
        return f"{ref}“{item.subject}”的{item.label or '预期值'}为{shown}。"
    if item.kind == "colour":
        return f"{ref}{item.subject}预警用{shown}标示。"
    if item.kind in ("approver", "starter"):
        return f"{ref}{item.subject}由{shown}{item.label}。"
    assert item.sent is not None and item.blank is not None
    return ref + show(item.clause.text, item.sent, item.blank, shown)


def _shuffled(rng: random.Random, right: Sequence[str], wrong: Sequence[str]) -> tuple[list[str], list[int]]:
    options = [*right, *wrong]
    rng.shuffle(options)
    return options, sorted(options.index(r) for r in right)


# -- single items ------------------------------------------------------------------
def mcq(item: Item, pools: Pools, rng: random.Random) -> Draft | None:
    if item.hedged or item.ranged:
        return None
    if item.kind == "colour" and rng.random() < 0.5:  # ask the other way: colour -> level
        wrong = pools.ranks_for(item, 3, rng)
        options, (ix,) = _shuffled(rng, [item.subject], wrong)
        stem = f"{_ref(item)}用{item.answers[0]}标示的是（　）预警。"
        return _question(item, "mcq", stem, options, ix, explain(item), 1)
    right = rng.choice(item.answers)
    wrong = pools.wrong(item, 3, rng)
    if len(wrong) < 3:
        return None
    options, (ix,) = _shuffled(rng, [right], wrong)
    stem = _statement(item, "（　）")
    if len(item.answers) > 1:
        stem = stem.replace("是（　）", "之一是（　）")
    return _question(item, "mcq", stem, options, ix, explain(item), _difficulty(item, wrong, pools, right))


def multi(item: Item, pools: Pools, rng: random.Random) -> Draft | None:
    if item.hedged:
        return None
    if item.kind in ("lead", "plan") and len(item.answers) >= 2:
        right = list(item.answers)
        wrong = pools.departments(item, 2, rng)
    elif item.kind == "approver" and "、" in item.answers[0] and "或" not in item.answers[0]:
        right = [p for p in re.split("[、，]", item.answers[0]) if p]
        wrong = pools.roles(item, 2, rng, split=True)
    else:
        return None
    if len(wrong) < 2:
        return None
    options, ixs = _shuffled(rng, right, wrong)
    stem = _statement(item, "（　）")
    stem = stem.replace("是（　）", "有（　）") + "（多选）"
    return _question(item, "multi", stem, options, tuple(ixs), explain(item), 2 + (len(right) >= 3))


def tf(item: Item, pools: Pools, rng: random.Random) -> Draft | None:
    if item.hedged or item.ranged:
        return None
    shown = list(item.answers)
    truth = rng.random() < 0.5
    note = ""
    if not truth:
        (wrong,) = pools.wrong(item, 1, rng) or [None]
        if wrong is None:
            return None
        i = rng.randrange(len(shown))
        note = f"（原文为“{shown[i]}”，而非“{wrong}”。）"
        shown[i] = wrong
    stem = _statement(item, "、".join(shown))
    diff = 1 if truth or item.kind in ("colour", "lead") else 2
    return _question(item, "tf", stem, (), truth, explain(item, note), diff)


def cloze(item: Item, pools: Pools, rng: random.Random) -> Draft | None:
    if item.kind not in ("deadline", "threshold", "colour"):
        return None
    answer = item.answers[0]
    if item.kind == "deadline":
        q = find_duration(answer)
        accept = duration_variants(q) if q else (answer,)
    else:
        accept = number_variants(answer)
    stem = _statement(item, BLANK, sep="填空：")
    diff = {"colour": 1, "deadline": 2}.get(item.kind, 3)
    return _question(item, "cloze", stem, (), answer, explain(item), diff, accept=[a for a in accept if a != answer])


def giveaway(item: Item, answer: str) -> bool:
    """The department's name is in the subject: 人防工程事故 → 市人防办, 金融突发事件应急预案 → 市金融局."""
    core = _DEPT_AFFIX_RE.sub("", answer)
    return len(core) >= 2 and core in item.subject


def _difficulty(item: Item, wrong: Sequence[str], pools: Pools, answer: str = "") -> int:
    if item.kind in ("lead", "plan") and giveaway(item, answer):
        return 1
    if item.kind == "lead":
        groups = pools.groups.get(item.pool, {})
        near = sum(item.group in groups.get(pools.norm(w), set()) for w in wrong)
        return 1 + (near >= 2) + (item.doc.level.value == "district")
    return {"plan": 2, "deadline": 2, "threshold": 3, "colour": 1, "approver": 2, "starter": 3}[item.kind]


# -- groups of rows ---------------------------------------------------------------------
def short(subject: str) -> str:
    return _EXAMPLES_RE.sub("", subject).strip() or subject


def matching(items: Sequence[Item], rng: random.Random) -> Draft | None:
    """Pairs of rows of one table (incident ↔ department, plan ↔ department, level ↔ colour)."""
    if len(items) < 3:
        return None
    first = items[0]
    if first.kind == "colour":
        pairs = [(it.subject, it.answers[0]) for it in items]
        stem = f"{_ref(first)}将下列预警级别与其标示颜色配对。"
        expl = explain(first)
        quote = quote_of(first)
    else:
        pairs = [(short(it.subject), it.answers[0]) for it in items]
        noun = "突发事件" if first.kind == "lead" else "应急预案"
        stem = f"{_ref(first)}将下列{noun}与其{first.label}配对。"
        expl = f"{_src(first)}：" + "；".join(f"“{it.subject}”的{it.label}为{it.answers[0]}" for it in items) + "。"
        quote = "；".join(quote_of(it) for it in items)
    rng.shuffle(pairs)
    rights = [b for _, b in pairs]
    rng.shuffle(rights)
    same_group = len({it.group for it in items}) == 1 and first.kind == "lead"
    d = _question(first, "matching", stem, rights, tuple(pairs), expl, 2 + same_group,
                  atoms=[it.key for it in items], quote=quote, sources=[it.clause.id for it in items])
    if first.kind == "lead" and not same_group:
        d = Draft(replace(d.question, category=""), d.atoms)
    return d


def reverse_multi(dept: str, right: Sequence[Item], wrong: Sequence[Item], rng: random.Random) -> Draft | None:
    """'下列突发事件中，市级处置主责部门包括市交通委的有' — rows of one department and rows of others."""
    if len(right) < 2 or len(wrong) < 2:
        return None
    first = right[0]
    noun = "突发事件" if first.kind == "lead" else "应急预案"
    names = {it.key: (short(it.subject) if it.kind == "lead" else f"《{it.subject}》") for it in [*right, *wrong]}
    options, ixs = _shuffled(rng, [names[it.key] for it in right], [names[it.key] for it in wrong])
    stem = f"{_ref(first)}下列{noun}中，{first.label}包括{dept}的有（　）。（多选）"
    rows = [*right, *wrong]
    expl = f"{_src(first)}：" + "；".join(f"“{it.subject}”的{it.label}为{'、'.join(it.answers)}" for it in rows) + "。"
    d = _question(first, "multi", stem, options, tuple(ixs), expl, 2 + (len(right) >= 3),
                  atoms=[it.key for it in right], quote="；".join(quote_of(it) for it in rows),
                  sources=[it.clause.id for it in rows])
    groups = {it.group for it in right}
    return d if len(groups) == 1 else Draft(replace(d.question, category=""), d.atoms)


SINGLE = {"mcq": mcq, "multi": multi, "tf": tf, "cloze": cloze}
