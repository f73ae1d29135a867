"""Organisation gazetteer: resolve department names, find them in text, pair levels.

The data lives in ``extract/data/orgs.yaml`` (plus any files of the
``gazetteer`` setting, env ``PLANKB_GAZETTEER``, merged on top), so users add
organisations and aliases without touching code.  Matching is a plain
longest-match over a dictionary of names: names in these documents are broken
by hard wraps ("区应急管" / "理局"), so the text is matched with its whitespace
removed and every match is mapped back to offsets of the caller's text.

Only PyYAML is imported here: no spaCy, no jieba (``words()`` hands the names
to whoever builds a jieba dictionary).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from plankb.extract import config
from plankb.extract.errors import Errors, InputError
from plankb.extract.model import Level, Span
from plankb.extract.vocab import DISTRICTS

DATA_FILE = Path(__file__).parent / "data" / "orgs.yaml"
ENV_VAR = "PLANKB_GAZETTEER"

_LEVELS = {lv.value: lv for lv in Level if lv is not Level.UNKNOWN}
_STATUSES = ("yes", "review")

# Width and quote folding, one character to one character so offsets survive:
# full-width ASCII (（ ） １２０ ，) to ASCII, curly quotes to straight ones.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'"})

# A definition of a document-local abbreviation, matched on folded text without
# whitespace, e.g. '(以下简称区应急委)' or '(简称"市消防救援总队")'.
_ABBREV_RE = re.compile(r'\((?:以下)?(?:简称为|简称)"?([^()"，,、。；;：:]{1,20}?)"?\)')
# Where the defined name starts: after the last clause delimiter before it.
# Example: '…统分结合。在区委统一领导下,北京市平谷区突发事件应急委员会' -> after ','.
_DELIM_RE = re.compile(r'.*[，,。；;：:、()"《》!?！？]')
# Leading section numbers and verbs that are not part of a name, e.g. '2.2.1', '成立'.
_LEAD_NUM_RE = re.compile(r"^[\d.．l]+")
_LEAD_VERB_LIST = "领导 成立 设立 组建 建立 包括 会同 依托 协调 指导 负责 通过 由 在 经 向 是 为"
_LEAD_VERBS = tuple(_LEAD_VERB_LIST.split())


def fold_width(text: str) -> str:
    """Full-width ASCII and curly quotes folded, length and whitespace kept."""
    return text.translate(_FOLD)


def fold(text: str) -> str:
    """The lookup key of a name: width-folded, all whitespace removed."""
    return "".join(text.translate(_FOLD).split())


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Folded text without whitespace, and each character's offset in ``text``."""
    t = text.translate(_FOLD)
    idx = [i for i, c in enumerate(t) if not c.isspace()]
    return "".join(t[i] for i in idx), idx


@dataclass(frozen=True, slots=True)
class Counterpart:
    """A body at another level that does the same job (市应急局 ↔ 区应急管理局)."""

    canonical: str
    level: Level
    status: str = "yes"  # "yes" | "review" (a stand-in, not a plain counterpart)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Org:
    """One organisation, valid in ``jurisdiction`` ("any district" for 区X units)."""

    canonical: str
    aliases: tuple[str, ...]
    level: Level
    jurisdiction: str  # 北京市, "any district", 平谷区, 全国…
    type: str  # a department-type key of orgs.yaml `types`
    counterparts: tuple[Counterpart, ...] = ()
    inferred: tuple[str, ...] = ()  # names the seeds do not state (pre-2018 names)
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.canonical, *self.aliases, *self.inferred)


@dataclass(frozen=True, slots=True)
class Role:
    """A generic role noun (应急管理部门, 事发地区政府): a type, not one body."""

    name: str
    type: str
    level: Level = Level.UNKNOWN
    note: str = ""


@dataclass(frozen=True, slots=True)
class OrgMention:
    """One name found in a text; ``text[start:end]`` is the name as written."""

    text: str
    start: int
    end: int
    canonical: str  # the org's canonical name, the role noun, or a local full name
    type: str
    level: Level = Level.UNKNOWN
    org: Org | None = None
    generic: bool = False  # a role noun
    inferred: bool = False  # found through a name the seeds do not state
    local: bool = False  # found through an abbreviation defined in the document
    jurisdiction: str = ""  # 平谷区 when the name carried a district prefix

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a dictionary key stands for."""

    kind: str  # org | role | ignore | local
    org: Org | None = None
    role: Role | None = None
    inferred: bool = False
    jurisdiction: str = ""
    local_name: str = ""


class Gazetteer:
    """Organisations, role nouns and the dictionary that finds them in text."""

    def __init__(
        self, orgs: Iterable[Org], roles: Iterable[Role], types: dict[str, str], entries: dict[str, _Entry]
    ) -> None:
        self.orgs: tuple[Org, ...] = tuple(orgs)
        self.roles: tuple[Role, ...] = tuple(roles)
        self.types: dict[str, str] = dict(types)
        self._by_canonical = {o.canonical: o for o in self.orgs}
        self._entries = entries
        self._lengths = _lengths_by_first(entries)

    def __len__(self) -> int:
        return len(self.orgs)

    def __repr__(self) -> str:
        return f"<Gazetteer {len(self.orgs)} orgs, {len(self.roles)} role nouns>"

    # -- lookup ---------------------------------------------------------------
    def resolve(self, name: Org | str) -> Org | None:
        """The organisation a name (canonical, alias, prefixed, wrapped) stands for."""
        if isinstance(name, Org):
            return name
        e = self._entries.get(fold(name))
        return e.org if e is not None and e.kind == "org" else None

    def role(self, name: str) -> Role | None:
        """The generic role noun ``name`` is, if any (公安部门 -> public_security)."""
        e = self._entries.get(fold(name))
        return e.role if e is not None and e.kind == "role" else None

    def type_of(self, name: str) -> str | None:
        """Department type of an organisation name or a role noun."""
        org = self.resolve(name)
        if org is not None:
            return org.type
        r = self.role(name)
        return r.type if r is not None else None

    def by_type(self, type_: str, level: Level | str | None = None) -> list[Org]:
        return [o for o in self.orgs if o.type == type_ and (level is None or o.level == level)]

    def get(self, canonical: str) -> Org | None:
        return self._by_canonical.get(canonical)

    def words(self) -> list[str]:
        """Every name and role noun, for ``jieba.add_word`` (prefixed forms left out)."""
        out = {fold(n) for o in self.orgs for n in o.names}
        out.update(fold(r.name) for r in self.roles)
        return sorted(out)

    # -- levels ---------------------------------------------------------------
    def counterparts(self, org: Org | str, level: Level | str = "district") -> list[Org]:
        """Bodies at ``level`` that do ``org``'s job (review pairs included)."""
        o = self.resolve(org)
        if o is None:
            return []
        lv = Level(level)
        return [self._by_canonical[c.canonical] for c in o.counterparts if c.level == lv]

    def is_counterpart(self, municipal: Org | str, district: Org | str) -> str:
        """Whether two bodies pair across levels: "yes", "review" or "no".

        A listed pair gives its status ("review" marks a stand-in such as
        市金融局 ↔ 区财政局).  An unlisted pair of the same department type at
        two different levels is "review": the table may simply lack it.
        """
        a, b = self.resolve(municipal), self.resolve(district)
        if a is None or b is None:
            return "no"
        for c in a.counterparts:
            if c.canonical == b.canonical:
                return c.status
        if a.type == b.type and a.type != "other" and a.level != b.level:
            return "review"
        return "no"

    # -- text -----------------------------------------------------------------
    def find(self, text: str, abbreviations: dict[str, str] | None = None) -> list[OrgMention]:
        """Longest non-overlapping names in ``text``, in order, with their offsets.

        Whitespace inside a name (hard wraps, page breaks) is skipped: the
        mention then spans it, e.g. "区应急管\\n\\n理局".  ``abbreviations``
        (from :meth:`local_abbreviations` on the same document) take precedence
        over the global dictionary.
        """
        norm, idx = _fold_with_offsets(text)
        local = self._local_entries(abbreviations or {})
        lengths = _lengths_by_first(local, self._lengths) if local else self._lengths
        cands: list[tuple[int, int, int, _Entry]] = []
        for i, ch in enumerate(norm):
            for n in lengths.get(ch, ()):
                key = norm[i : i + n]
                e = local.get(key) or self._entries.get(key)
                if e is not None and len(key) == n:
                    cands.append((-n, i, 0 if key in local else 1, e))
        cands.sort(key=lambda c: c[:3])
        taken = bytearray(len(norm))
        chosen: list[tuple[int, int, _Entry]] = []
        for neg, i, _, e in cands:
            j = i - neg
            if any(taken[i:j]):
                continue
            taken[i:j] = b"\x01" * (j - i)
            if e.kind != "ignore":
                chosen.append((i, j, e))
        chosen.sort(key=lambda c: c[0])
        return [self._mention(text, idx[i], idx[j - 1] + 1, e) for i, j, e in chosen]

    def local_abbreviations(self, text: str) -> dict[str, str]:
        """Abbreviations one document defines: {"区应急委": "北京市平谷区突发事件应急委员会"}.

        Parses "X（以下简称Y）" and "X（简称“Y”）".  Per corpus/NOTES.md §5.1, such
        abbreviations hold inside their own document only: pass the result to
        :meth:`find` for that document and no other.
        """
        norm, _ = _fold_with_offsets(text)
        out: dict[str, str] = {}
        for m in _ABBREV_RE.finditer(norm):
            full = self._defined_name(norm[max(0, m.start() - 40) : m.start()])
            if full and full != m.group(1):
                out[m.group(1)] = full
        return out

    # -- internals --------------------------------------------------------------
    def _defined_name(self, before: str) -> str:
        """The name an abbreviation stands for, read backwards from its bracket."""
        known = ""
        for n in range(min(len(before), 40), 1, -1):
            e = self._entries.get(before[-n:])
            if e is not None and e.kind == "org":
                known = before[-n:]
                break
        if known:
            return known
        m = _DELIM_RE.match(before)
        seg = before[m.end() :] if m else before
        seg = _LEAD_NUM_RE.sub("", seg)
        # Cut after the last verb that cannot be part of a name: '组成部门包括市各…指挥部'.
        cut = max((seg.rfind(v) + len(v) for v in _LEAD_VERBS if v in seg[:-2]), default=0)
        return seg[cut:]

    def _local_entries(self, abbreviations: dict[str, str]) -> dict[str, _Entry]:
        out: dict[str, _Entry] = {}
        for abbr, full in abbreviations.items():
            org = self.resolve(full)
            role = self.role(full) or self.role(abbr)
            entry = _Entry("local", org=org, role=role, local_name=fold(full))
            out[fold(abbr)] = entry
            if org is None and fold(full) not in self._entries:
                out[fold(full)] = entry
        return out

    def _mention(self, text: str, start: int, end: int, e: _Entry) -> OrgMention:
        span = (text[start:end], start, end)
        if e.org is not None:
            o = e.org
            juris = e.jurisdiction or o.jurisdiction
            local = e.kind == "local"
            return OrgMention(*span, o.canonical, o.type, o.level, o, False, e.inferred, local, juris)
        r = e.role
        if e.kind == "local":
            return OrgMention(
                *span, e.local_name, r.type if r else "", r.level if r else Level.UNKNOWN, local=True
            )
        assert r is not None
        return OrgMention(*span, r.name, r.type, r.level, generic=True)


def _lengths_by_first(
    entries: dict[str, _Entry], base: dict[str, tuple[int, ...]] | None = None
) -> dict[str, tuple[int, ...]]:
    """Key lengths per first character, longest first: the matcher's index."""
    acc: dict[str, set[int]] = {k: set(v) for k, v in (base or {}).items()}
    for key in entries:
        acc.setdefault(key[0], set()).add(len(key))
    return {k: tuple(sorted(v, reverse=True)) for k, v in acc.items()}


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def load_gazetteer(extra: list[Path] | None = None) -> Gazetteer:
    """The gazetteer from orgs.yaml, the configured files (:mod:`plankb.extract.config`), then ``extra``.

    Cached per list of files; call ``load_gazetteer.cache_clear()`` after
    editing a file in a long-running process.
    """
    paths = [*config.current().gazetteer, *(Path(p) for p in extra or [])]
    return _load(tuple(str(p) for p in paths))


@functools.lru_cache(maxsize=8)
def _load(extra_paths: tuple[str, ...]) -> Gazetteer:
    data = _read(DATA_FILE)
    layers = [data]
    for p in extra_paths:
        layers.append(_read(Path(p)))
    return _build(layers, [str(DATA_FILE), *extra_paths])


load_gazetteer.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def local_abbreviations(text: str, gazetteer: Gazetteer | None = None) -> dict[str, str]:
    """Module-level shortcut for :meth:`Gazetteer.local_abbreviations`."""
    return (gazetteer or load_gazetteer()).local_abbreviations(text)


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(Errors.E001.format(path=path))
    try:
        data = yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except yaml.YAMLError as exc:
        raise InputError(Errors.E100.format(path=path, why=exc)) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(Errors.E101.format(path=path))
    return data


def _build(layers: list[dict[str, Any]], names: list[str]) -> Gazetteer:
    types: dict[str, str] = {}
    defaults: dict[str, str] = {}
    districts: list[str] = list(DISTRICTS)
    raw: dict[str, dict[str, Any]] = {}  # canonical -> merged entry
    rank: dict[str, int] = {}
    roles: list[tuple[int, Role]] = []
    ignore: list[tuple[int, str]] = []
    for r, (layer, src) in enumerate(zip(layers, names)):
        types.update(layer.get("types") or {})
        defaults.update((layer.get("defaults") or {}).get("jurisdiction") or {})
        districts += [d for d in layer.get("districts") or [] if d not in districts]
        ignore += [(r, n) for n in layer.get("ignore") or []]
        for item in layer.get("orgs") or []:
            if not isinstance(item, dict) or not item.get("canonical"):
                raise InputError(Errors.E102.format(src=src, item=item))
            c = item["canonical"]
            if c in raw:
                if r == rank[c]:
                    raise InputError(Errors.E103.format(src=src, org=c))
                merged = {**raw[c], **{k: v for k, v in item.items() if k not in ("aliases", "inferred")}}
                for k in ("aliases", "inferred"):
                    merged[k] = [*raw[c].get(k, []), *(item.get(k) or [])]
                raw[c] = merged
            else:
                raw[c] = dict(item)
            rank[c] = r
        for item in layer.get("roles") or []:
            for n in item.get("names") or []:
                role = Role(
                    n,
                    _check_type(item.get("type"), types, src, n),
                    _level(item.get("level", "unknown"), src, n),
                )
                roles.append((r, role))

    links = _link_counterparts(raw, lambda c: names[rank[c]])
    orgs: list[Org] = []
    for c, d in raw.items():
        src, level = names[rank[c]], _level(d.get("level"), names[rank[c]], c)
        cps = tuple(Counterpart(t, _LEVELS[raw[t]["level"]], s, n) for t, (s, n) in links[c].items())
        juris = d.get("jurisdiction") or defaults.get(level.value, "")
        kind = _check_type(d.get("type"), types, src, c)
        aliases, inferred = (tuple(dict.fromkeys(d.get(k) or [])) for k in ("aliases", "inferred"))
        orgs.append(Org(c, aliases, level, juris, kind, cps, inferred, d.get("note", "")))
    entries = _index(orgs, roles, ignore, districts, rank)
    return Gazetteer(orgs, [r for _, r in roles], types, entries)


def _link_counterparts(raw: dict[str, dict[str, Any]], src: Any) -> dict[str, dict[str, tuple[str, str]]]:
    """Counterparts are declared once (usually on the municipal side): link both ways."""
    name_to_c = {fold(n): c for c, d in raw.items() for n in [c, *(d.get("aliases") or [])]}
    links: dict[str, dict[str, tuple[str, str]]] = {c: {} for c in raw}
    for c, d in raw.items():
        for lv, lst in (d.get("counterparts") or {}).items():
            for ref in lst:
                ref = ref if isinstance(ref, dict) else {"org": ref}
                target = name_to_c.get(fold(str(ref.get("org", ""))))
                status = ref.get("status", "yes")
                if target is None:
                    raise InputError(
                        Errors.E104.format(src=src(c), counterpart=ref.get('org'), org=c)
                    )
                if raw[target].get("level") != lv:
                    raise InputError(
                        Errors.E105.format(src=src(c), target=target, level=lv, org=c)
                    )
                if status not in _STATUSES:
                    raise InputError(Errors.E106.format(src=src(c), status=status))
                links[c][target] = (status, ref.get("note", ""))
                links[target].setdefault(c, (status, ref.get("note", "")))
    return links


def _index(
    orgs: list[Org],
    roles: list[tuple[int, Role]],
    ignore: list[tuple[int, str]],
    districts: list[str],
    rank: dict[str, int],
) -> dict[str, _Entry]:
    """The dictionary: explicit names first, then generated prefixed forms."""
    entries: dict[str, _Entry] = {}
    owner: dict[str, tuple[int, str]] = {}

    def put(key: str, e: _Entry, r: int, who: str) -> None:
        key = fold(key)
        if key in owner:
            r0, who0 = owner[key]
            if r < r0 or (r == r0 and who0 == who):
                return
            if r == r0:
                raise InputError(Errors.E107.format(name=key, first=who0, second=who))
        entries[key], owner[key] = e, (r, who)

    for o in orgs:
        r = rank[o.canonical]
        for n in (o.canonical, *o.aliases):
            put(n, _Entry("org", o), r, o.canonical)
        for n in o.inferred:
            put(n, _Entry("org", o, inferred=True), r, o.canonical)
    for r, role in roles:
        put(role.name, _Entry("role", role=role), r, "role:" + role.name)
    for r, n in ignore:
        put(n, _Entry("ignore"), r, "ignore:" + n)
    # Generated forms never override an explicit name.
    for o in orgs:
        for n in (o.canonical, *o.aliases, *o.inferred):
            inferred = n in o.inferred
            if o.level is Level.MUNICIPAL and n.startswith("市"):
                _put_generated(entries, "北京" + n, _Entry("org", o, inferred))
                if n.startswith("市委"):
                    _put_generated(entries, "中共北京" + n, _Entry("org", o, inferred))
            elif o.level is Level.DISTRICT and n.startswith("区"):
                for d in districts:
                    e = _Entry("org", o, inferred, jurisdiction=d + "区")
                    for pre in (d, "北京市" + d, "中共北京市" + d if n.startswith("区委") else ""):
                        if pre:
                            _put_generated(entries, pre + n, e)
    return entries


def _put_generated(entries: dict[str, _Entry], key: str, e: _Entry) -> None:
    entries.setdefault(fold(key), e)


def _level(value: Any, src: str, who: str) -> Level:
    if value == "unknown":
        return Level.UNKNOWN
    if value not in _LEVELS:
        raise InputError(Errors.E108.format(src=src, org=who, value=value, levels=', '.join(_LEVELS)))
    return _LEVELS[value]


def _check_type(value: Any, types: dict[str, str], src: str, who: str) -> str:
    if value not in types:
        raise InputError(Errors.E109.format(src=src, org=who, value=value))
    return str(value)
