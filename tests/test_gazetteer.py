"""The organisation gazetteer against the real corpus.

Expected values come from reading the documents (line numbers as in corpus/):
000 = the municipal master plan, 001 = the 十四五 compilation,
003 = the Pinggu documents, 004 = the Tongzhou plan.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import pinggu_table_rows
from plankb.extract.errors import InputError
from plankb.extract.gazetteer import ENV_VAR, Gazetteer, fold, load_gazetteer, local_abbreviations
from plankb.extract.model import Level
from plankb.extract.taxonomy import load_taxonomy, split_departments
from plankb.kb.settings import Settings

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MASTER = CORPUS / "beijing-gazette-2021-31-master-plan.txt"
FYP14 = CORPUS / "beijing-14th-five-year-emergency-plans-2021.txt"
PINGGU = CORPUS / "pinggu-district-documents-2021-2022.txt"
TONGZHOU = CORPUS / "tongzhou-15th-five-year-emergency-plan.txt"


@functools.cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def lines(path: Path, first: int, last: int) -> str:
    """Physical lines first..last (1-based, inclusive), joined as in the file."""
    return "\n".join(_text(path).split("\n")[first - 1 : last])


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


# --- tiny table parsers (kept independent of the code under test) -----------
def master_rows(first: int, last: int) -> list[tuple[str, str, str]]:
    """'number TAB text TAB department' lines of 000 between two line numbers."""
    out = []
    for ln in lines(MASTER, first, last).split("\n"):
        cells = ln.split("\t")
        if len(cells) == 3 and cells[0].isdigit():
            out.append((cells[0], cells[1], cells[2]))
    return out


def pinggu_catalogue() -> list[tuple[str, str]]:
    """003's 8.3 catalogue rows 'N 平谷区…预案 区…'."""
    out = []
    for ln in lines(PINGGU, 2695, 2811).split("\n"):
        m = re.match(r"^\s*\d+\s+(平谷区\S+)\s+(\S+)\s*$", ln)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


# --- lookup ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("北京市应急管理局", "北京市应急管理局"),
        ("市应急管理局", "北京市应急管理局"),
        ("市应急局", "北京市应急管理局"),
        ("应急局", "北京市应急管理局"),
        ("北京市应急局", "北京市应急管理局"),
        ("区应急管理局", "区应急管理局"),
        ("区应急局", "区应急管理局"),
        ("北京市平谷区应急管理局", "区应急管理局"),
        ("平谷区应急管理局", "区应急管理局"),
        ("区应急管 理局", "区应急管理局"),
        ("区应急管\n\n理局", "区应急管理局"),
        ("市消防救援总队", "北京市消防救援总队"),
        ("消防救援总队", "北京市消防救援总队"),
        ("市药监局", "北京市药品监督管理局"),
        ("市粮食和储备局", "北京市粮食和物资储备局"),
        ("市防指", "北京市人民政府防汛抗旱指挥部"),
        ("市防汛抗旱应急指挥部", "北京市人民政府防汛抗旱指挥部"),
        ("区文化和旅游局", "区文化旅游局"),
        ("区政府外办", "区政府外事办"),
        ("区紧急报警服务中心（110）", "区紧急报警服务中心(110)"),
        ("区“12345”市民热线服务中心", "区市民热线服务中心(12345)"),
        ("区委社会工委区民政局", "区民政局"),
        ("武警总队", "武警北京市总队"),
        ("应急部", "应急管理部"),
        ("市预警中心", "北京市突发事件预警信息发布中心"),
        ("北京市平谷区卫生健康委员会", "区卫生健康委"),
    ],
)
def test_names_resolve(gaz: Gazetteer, name: str, canonical: str) -> None:
    org = gaz.resolve(name)
    assert org is not None and org.canonical == canonical


def test_unknown_and_generic_names(gaz: Gazetteer) -> None:
    assert gaz.resolve("市不存在局") is None
    assert gaz.resolve("公安部门") is None  # a role noun, not an organisation
    assert gaz.type_of("公安部门") == "public_security"
    assert gaz.type_of("气象部门") == "meteorology"
    assert gaz.type_of("行业主管部门") == "sector_authority"
    role = gaz.role("事发地区政府")
    assert role is not None and role.type == "government" and role.level is Level.DISTRICT


def test_levels_jurisdictions_types(gaz: Gazetteer) -> None:
    m = gaz.resolve("市应急局")
    assert (m.level, m.jurisdiction, m.type) == (Level.MUNICIPAL, "北京市", "emergency_management")
    d = gaz.resolve("区应急局")
    assert (d.level, d.jurisdiction, d.type) == (Level.DISTRICT, "any district", "emergency_management")
    assert gaz.resolve("应急管理部").level is Level.NATIONAL
    assert gaz.resolve("街道办事处").level is Level.STREET
    assert gaz.resolve("市公安局公安交通管理局").type == "traffic_police"
    assert gaz.resolve("区公路分局").type == "transport"


def test_inferred_names_are_flagged(gaz: Gazetteer) -> None:
    # corpus/NOTES.md §5.4: 002's 市商务委 / 市民防局 / 市规划委 are pre-2018 names (inferred).
    for old, new in [
        ("市商务委", "北京市商务局"),
        ("市民防局", "北京市人民防空办公室"),
        ("市规划委", "北京市规划和自然资源委员会"),
        ("市经济信息化委", "北京市经济和信息化局"),
    ]:
        assert gaz.resolve(old).canonical == new
        (m,) = gaz.find(old)
        assert m.inferred and m.canonical == new
    (m,) = gaz.find("市商务局")
    assert not m.inferred


def test_every_table_and_catalogue_department_resolves(gaz: Gazetteer) -> None:
    master = master_rows(419, 486) + master_rows(1099, 1177)
    assert len(master) == 52 + 7 + 18 + 6 + 8 + 9
    cells = [d for _, _, d in master] + [d for _, _, d in pinggu_table_rows()] + [d for _, d in pinggu_catalogue()]
    missing = [d for cell in cells for d in split_departments(cell) if gaz.resolve(d) is None]
    assert missing == []


# --- counterparts ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("municipal", "district", "verdict"),
    [
        ("市应急局", "区应急管理局", "yes"),
        ("市消防救援总队", "区消防救援支队", "yes"),
        ("市公安局公安交通管理局", "区公安分局交通支队", "yes"),
        ("市规划自然资源委", "区规划自然资源分局", "yes"),
        ("市交通委", "区交通局", "yes"),
        ("市交通委", "区公路分局", "yes"),
        ("市药监局", "区市场监管局", "yes"),
        ("市市场监管局", "区市场监管局", "yes"),
        ("市经济和信息化局", "区科技和信息化局", "yes"),
        ("市粮食和储备局", "区商务局", "yes"),
        ("市民族宗教委", "区委统战部", "yes"),
        ("市民族宗教委", "区民族宗教办", "yes"),
        ("市委教育工委", "区教委", "yes"),
        ("市政府外办", "区政府外办", "yes"),
        ("市金融局", "区财政局", "review"),
        ("市通信管理局", "区科技和信息化局", "review"),
        ("市教委", "区委教工委", "review"),  # same type, not a listed pair
        ("市应急局", "区水务局", "no"),
        ("市公安局", "区公安分局交通支队", "no"),
    ],
)
def test_is_counterpart(gaz: Gazetteer, municipal: str, district: str, verdict: str) -> None:
    assert gaz.is_counterpart(municipal, district) == verdict
    assert gaz.is_counterpart(district, municipal) == verdict  # the pairing is symmetric


def test_counterparts_lists(gaz: Gazetteer) -> None:
    names = lambda orgs: {o.canonical for o in orgs}  # noqa: E731
    assert names(gaz.counterparts("市消防救援总队")) == {"区消防救援支队"}
    assert names(gaz.counterparts("区消防救援支队", "municipal")) == {"北京市消防救援总队"}
    assert names(gaz.counterparts("市交通委")) == {"区交通局", "区公路分局"}
    assert names(gaz.counterparts("区市场监管局", "municipal")) == {
        "北京市市场监督管理局",
        "北京市药品监督管理局",
    }
    assert names(gaz.counterparts("区商务局", "municipal")) == {"北京市商务局", "北京市粮食和物资储备局"}
    assert gaz.counterparts("市国防科工办") == []  # 核事件: no district row (corpus/NOTES.md §5.2)
    assert names(gaz.counterparts("区人民政府", "street")) == {"乡镇人民政府", "街道办事处"}


def test_aligned_table_rows_pair_their_departments(gaz: Gazetteer) -> None:
    """Each Pinggu lead is a counterpart of a master lead of the same incident row."""
    tax = load_taxonomy()
    master = {int(n): d for n, _, d in master_rows(419, 486)}
    # Row 6 adds 暴雪 and with it 区城市管理委 (snow removal), which has no 2.3.6 partner.
    allowed = {("气象灾害（大风、沙尘暴、雷电、冰雹、高温、暴雪等）", "区城市管理委")}
    unpaired = []
    for _, text, dcell in pinggu_table_rows():
        t = tax.district_row_to_master(text)
        for d in split_departments(dcell):
            if (text, d) in allowed:
                continue
            if all(gaz.is_counterpart(m, d) == "no" for m in split_departments(master[t.number])):
                unpaired.append((text, d))
    assert unpaired == []


# --- find() on real text --------------------------------------------------------
def _check(text: str, mentions, expected: list[tuple[str, str]]) -> None:
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert [(fold(m.text), m.canonical) for m in mentions] == expected


def test_find_master_2_2_1(gaz: Gazetteer) -> None:
    text = lines(MASTER, 392, 392)
    assert text.startswith("2.2.1 市应急委办公室(以下简称市应急办)设在市应急局")
    _check(
        text,
        gaz.find(text),
        [
            ("市应急委办公室", "北京市突发事件应急委员会办公室"),
            ("市应急办", "北京市突发事件应急委员会办公室"),
            ("市应急局", "北京市应急管理局"),
            ("市应急委", "北京市突发事件应急委员会"),
            ("市应急委", "北京市突发事件应急委员会"),
        ],
    )


def test_find_table_rows(gaz: Gazetteer) -> None:
    text = lines(MASTER, 438, 439)
    assert text == "13\t火灾事故\t市消防救援总队\n14\t道路交通事故\t市公安局公安交通管理局"
    _check(
        text,
        gaz.find(text),
        [("市消防救援总队", "北京市消防救援总队"), ("市公安局公安交通管理局", "北京市公安局公安交通管理局")],
    )


def test_find_name_split_by_page_break(gaz: Gazetteer) -> None:
    # 001 l.1348/1350: '…接入市规划自然资源委、市' / '' / '水务局、市农业农村局…'
    text = lines(FYP14, 1348, 1350)
    ms = gaz.find(text)
    _check(
        text,
        ms,
        [
            ("市规划自然资源委", "北京市规划和自然资源委员会"),
            ("市水务局", "北京市水务局"),
            ("市农业农村局", "北京市农业农村局"),
            ("市气象局", "北京市气象局"),
            ("市地震局", "北京市地震局"),
            ("市园林绿化局", "北京市园林绿化局"),
        ],
    )
    assert ms[1].text == "市\n\n水务局"


def test_find_hard_wrapped_pinggu(gaz: Gazetteer) -> None:
    # 003 L750-752: '2.2.1 区应急委办公室（以下简称区应急办）设在区应急管' / '' / '理局，承担区应急委…'
    text = lines(PINGGU, 750, 752)
    ms = gaz.find(text)
    _check(
        text,
        ms,
        [
            ("区应急委办公室", "区应急委办公室"),
            ("区应急办", "区应急委办公室"),
            ("区应急管理局", "区应急管理局"),
            ("区应急委", "区突发事件应急委员会"),
            ("区应急委", "区突发事件应急委员会"),
        ],
    )
    assert ms[2].text == "区应急管\n\n理局"


def test_find_district_prefix_across_lines(gaz: Gazetteer) -> None:
    # 003 L586-588: '…在区委统一领导下，北京市平谷' / '' / '区突发事件应急委员会（以下简称区应急委）、区委应对突发公共'
    text = lines(PINGGU, 586, 588)
    ms = gaz.find(text)
    assert [(fold(m.text), m.canonical) for m in ms][:3] == [
        ("区委", "区委"),
        ("北京市平谷区突发事件应急委员会", "区突发事件应急委员会"),
        ("区应急委", "区突发事件应急委员会"),
    ]
    assert ms[1].jurisdiction == "平谷区" and ms[2].jurisdiction == "any district"
    # 003 L29-31: '…北京市' / '' / '平谷区农业服务中心主任职务；'
    text = lines(PINGGU, 29, 31)
    assert [(fold(m.text), m.canonical) for m in gaz.find(text)] == [
        ("北京市平谷区人民政府果品办公室", "北京市平谷区人民政府果品办公室"),
        ("北京市平谷区农业服务中心", "北京市平谷区农业服务中心"),
    ]


def test_find_role_nouns(gaz: Gazetteer) -> None:
    # 000 L837 (5.1.3), up to the audit clause; the same duty moves down a level in 003 L1875-1877.
    text = lines(MASTER, 837, 837).split("必要时")[0]
    ms = gaz.find(text)
    assert all(m.generic and m.org is None for m in ms)
    assert [(m.text, m.type) for m in ms] == [
        ("规划自然资源部门", "planning_natural_resources"),
        ("住房城乡建设部门", "housing_construction"),
        ("事发地的区政府", "government"),
        ("生态环境部门", "ecology_environment"),
        ("事发地的区政府", "government"),
        ("重点地区管委会", "key_area_committee"),
        ("处置主责部门", "incident_lead"),
        ("发展改革部门", "development_reform"),
        ("事发地的区政府", "government"),
        ("审计部门", "audit"),
    ]
    assert ms[2].level is Level.DISTRICT
    text = lines(PINGGU, 1875, 1877)
    ms = gaz.find(text)
    assert [(fold(m.text), m.level) for m in ms] == [
        ("事发地的乡镇政府", Level.STREET),
        ("街道办事处", Level.STREET),
    ]


def test_find_generic_and_named_in_flood_plan(gaz: Gazetteer) -> None:
    # 001 l.1809: functional nouns that mean a department, then two named bodies.
    text = lines(FYP14, 1809, 1809)
    got = [(m.text, m.type, m.generic) for m in gaz.find(text)]
    assert got[:9] == [
        ("应急部门", "emergency_management", True),
        ("气象部门", "meteorology", True),
        ("宣传部门", "publicity", True),
        ("水务部门", "water", True),
        ("住建部门", "housing_construction", True),
        ("交通部门", "transport", True),
        ("城管部门", "urban_management", True),
        ("规划自然资源部门", "planning_natural_resources", True),
        ("文旅部门", "culture_tourism", True),
    ]
    assert got[9:11] == [("市排水集团", "enterprise", False), ("消防救援总队", "fire_rescue", False)]


def test_find_tongzhou(gaz: Gazetteer) -> None:
    # 004 L4: '“区应急委—各专项应急指挥部—地区应急委”': 地区应急委 is not 区应急委.
    text = lines(TONGZHOU, 4, 4)
    ms = [m for m in gaz.find(text) if "应急委" in m.text]
    assert [(m.text, m.level) for m in ms] == [("区应急委", Level.DISTRICT), ("地区应急委", Level.STREET)]
    text = lines(TONGZHOU, 294, 294)
    assert [m.canonical for m in gaz.find(text)][:2] == ["区安全生产委员会办公室", "区应急管理局"]


def test_find_whole_document_is_fast_and_consistent(gaz: Gazetteer) -> None:
    text = _text(PINGGU)
    ms = gaz.find(text)
    assert all(text[m.start : m.end] == m.text for m in ms)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))
    assert sum(m.canonical == "区应急管理局" for m in ms) >= 20


# --- document-local abbreviations -------------------------------------------------
def test_local_abbreviations_pinggu(gaz: Gazetteer) -> None:
    abbr = gaz.local_abbreviations(_text(PINGGU))
    assert abbr["区应急委"] == "北京市平谷区突发事件应急委员会"  # L586-588
    assert abbr["区应急办"] == "区应急委办公室"  # L750
    assert abbr["区指挥部"] == "区突发公共卫生事件应急指挥部"  # PH L3249
    assert abbr["区指挥部办公室"] == "区突发公共卫生事件应急指挥部办公室"  # PH L3272-3274, wrapped


def test_local_abbreviations_quoted(gaz: Gazetteer) -> None:
    # 001 l.908: '北京市消防救援总队（简称“市消防救援总队”）、应急管理部森林消防局机动支队（简称“森林消防机动支队”）'
    abbr = local_abbreviations(lines(FYP14, 908, 908), gaz)
    assert abbr == {
        "市消防救援总队": "北京市消防救援总队",
        "森林消防机动支队": "应急管理部森林消防局机动支队",
    }


def test_local_abbreviations_are_per_document(gaz: Gazetteer) -> None:
    ph = lines(PINGGU, 3245, 3280)  # PH 2.1-2.2: defines 区指挥部 and uses it
    assert not any(fold(m.text) == "区指挥部" for m in gaz.find(ph))  # unknown globally
    ms = gaz.find(ph, abbreviations=gaz.local_abbreviations(ph))
    local = [m for m in ms if m.local]
    assert local and all(m.canonical.startswith("区突发公共卫生事件应急指挥部") for m in local)
    assert "区指挥部" not in gaz.local_abbreviations(_text(MASTER))


def test_local_abbreviation_for_unknown_body(gaz: Gazetteer) -> None:
    text = "成立北京市平谷区冬奥会城市运行保障指挥部（以下简称区冬奥指挥部）。区冬奥指挥部负责统筹。"
    abbr = gaz.local_abbreviations(text)
    assert abbr == {"区冬奥指挥部": "北京市平谷区冬奥会城市运行保障指挥部"}
    ms = [m for m in gaz.find(text, abbreviations=abbr) if m.local]
    assert [m.text for m in ms] == ["北京市平谷区冬奥会城市运行保障指挥部", "区冬奥指挥部", "区冬奥指挥部"]
    assert all(m.org is None and m.canonical == "北京市平谷区冬奥会城市运行保障指挥部" for m in ms)


# --- words, extension, import cost ----------------------------------------------------
def test_words_for_jieba(gaz: Gazetteer) -> None:
    words = gaz.words()
    assert {"区应急管理局", "市应急局", "应急管理部门", "区公安分局交通支队"} <= set(words)
    assert not any(any(c.isspace() for c in w) for w in words)
    import jieba

    tok = jieba.Tokenizer()
    for w in words:
        tok.add_word(w)
    assert "区公安分局交通支队" in tok.lcut("由区公安分局交通支队负责")


EXTRA = """
orgs:
  - {canonical: 北京市应急管理局, aliases: [市应急管理局机关]}
  - canonical: 区城市运行管理中心
    aliases: [区城运中心]
    level: district
    type: urban_management
    counterparts: {municipal: [市城市管理委]}
roles:
  - {type: emergency_management, names: [应急主管部门]}
"""


def test_extra_yaml_merges_on_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "more-orgs.yaml"
    extra.write_text(EXTRA, encoding="utf-8")
    for g in (load_gazetteer([extra]), _with_env(monkeypatch, extra)):
        assert g.resolve("市应急管理局机关").canonical == "北京市应急管理局"
        assert g.resolve("市应急局").canonical == "北京市应急管理局"  # base aliases kept
        assert g.resolve("平谷区城运中心").canonical == "区城市运行管理中心"
        assert g.is_counterpart("市城市管理委", "区城运中心") == "yes"
        assert "区城市运行管理中心" in {o.canonical for o in g.counterparts("市城市管理委")}
        assert g.type_of("应急主管部门") == "emergency_management"
    monkeypatch.delenv(ENV_VAR)
    Settings.load().apply()
    assert load_gazetteer().resolve("区城运中心") is None


def _with_env(monkeypatch: pytest.MonkeyPatch, path: Path) -> Gazetteer:
    """$PLANKB_GAZETTEER reaches extract through the settings, as in the CLI and the web app."""
    monkeypatch.setenv(ENV_VAR, str(path))
    Settings.load().apply()
    return load_gazetteer()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("orgs:\n  - {canonical: 区甲局, level: district, type: no_such_type}\n", "not listed under 'types'"),
        ("orgs:\n  - {canonical: 区乙局, level: county, type: water}\n", "level 'county'"),
        (
            "orgs:\n  - {canonical: 市丙局, level: municipal, type: water, counterparts: {district: [区丁局]}}\n",
            "not in the gazetteer",
        ),
        ("orgs: [\n", "not valid YAML"),
    ],
)
def test_bad_extra_files(tmp_path: Path, content: str, message: str) -> None:
    extra = tmp_path / "bad.yaml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        load_gazetteer([extra])
    with pytest.raises(InputError, match="file not found"):
        load_gazetteer([tmp_path / "missing.yaml"])


def test_import_is_light() -> None:
    code = "import sys, extract.gazetteer; print(sorted(m for m in ('spacy', 'jieba', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
