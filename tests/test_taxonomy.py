"""The incident-type taxonomy against the real master and Pinggu tables.

The tables are re-read here with tiny local parsers so that a typo in
incidents.yaml fails: 000 = the municipal master plan (table 2.3.6 at lines
423-483, catalogue 8.3 at 1105-1172), 003 = the Pinggu documents (table at
835-974, catalogue at 2695-2811).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from conftest import pinggu_table_rows
from plankb.extract.taxonomy import IncidentType, Taxonomy, load_taxonomy, split_departments

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MASTER = CORPUS / "beijing-gazette-2021-31-master-plan.txt"
PINGGU = CORPUS / "pinggu-district-documents-2021-2022.txt"


@functools.cache
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").split("\n"))


def lines(path: Path, first: int, last: int) -> list[str]:
    return list(_lines(path)[first - 1 : last])


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


# --- tiny parsers -----------------------------------------------------------------
def master_table() -> list[tuple[int, str, str, str]]:
    """(number, row, lead, group label) from 'N TAB text TAB department' lines of 000."""
    out, group = [], ""
    for ln in lines(MASTER, 419, 486):
        g = re.match(r"<b>(.+)</b>", ln)
        if g:
            group = g.group(1)
        cells = ln.split("\t")
        if len(cells) == 3 and cells[0].isdigit():
            out.append((int(cells[0]), cells[1], cells[2], group))
    return out


def master_catalogue() -> dict[str, tuple[str, str]]:
    """Plan name -> (牵头编制部门, section) from 000's 8.3 tables."""
    out = {}
    for no, ln in enumerate(lines(MASTER, 1099, 1177), start=1099):
        cells = ln.split("\t")
        if len(cells) == 3 and cells[0].isdigit():
            out[cells[1]] = (cells[2], "8.3.2" if no > 1161 else "8.3.1")
    return out


def pinggu_catalogue() -> dict[str, tuple[str, str]]:
    out = {}
    for no, ln in enumerate(lines(PINGGU, 2695, 2811), start=2695):
        m = re.match(r"^\s*\d+\s+(平谷区\S+)\s+(\S+)\s*$", ln)
        if m:
            out[m.group(1)] = (m.group(2), "8.3.2" if no > 2792 else "8.3.1")
    return out


# --- structure ----------------------------------------------------------------------
def test_52_types_in_4_categories(tax: Taxonomy) -> None:
    assert len(tax) == 52
    assert [t.number for t in tax.types] == list(range(1, 53))
    assert [c.name for c in tax.categories] == [
        "自然灾害类",
        "事故灾难类",
        "公共卫生事件类",
        "社会安全事件类",
    ]
    assert [len(tax.by_category(c.name)) for c in tax.categories] == [9, 24, 7, 12]
    assert tax.by_category("公共卫生类") == tax.by_category("公共卫生事件类")  # the table's group label


def test_rows_leads_and_groups_equal_the_master_table(tax: Taxonomy) -> None:
    table = master_table()
    assert len(table) == 52
    labels = {c.name: c.table_label for c in tax.categories}
    for (number, row, lead, group), t in zip(table, tax.types):
        assert (t.number, t.row, t.lead) == (number, row, lead)
        assert labels[t.category] == group


def test_plans_equal_the_master_catalogue(tax: Taxonomy) -> None:
    catalogue = master_catalogue()
    assert len(catalogue) == 39 + 9
    used = set()
    for t in tax.types:
        for p in t.plans:
            assert catalogue[p.name] == (p.lead, p.section), (t.number, p.name)
            assert p.match in ("full", "partial") and p.jurisdiction == "北京市"
            used.add(p.name)
    # Every 突发事件类 plan governs at least one row of the table.
    assert {n for n, (_, sec) in catalogue.items() if sec == "8.3.1"} <= used


def test_pinggu_rows_map_to_master_types(tax: Taxonomy) -> None:
    rows = pinggu_table_rows()
    assert len(rows) == 48  # corpus/NOTES.md: 52 minus 矿山, 轨道交通, 辐射, 核
    # Pinggu number -> master number, by reading the two tables side by side.
    expected = {n: n for n in range(1, 11)}
    expected.update({11: 12, 12: 13, 13: 14, 14: 16})
    expected.update({n: n + 2 for n in range(15, 27)})
    expected.update({27: 30, 28: 31, 29: 33})
    expected.update({n: n + 4 for n in range(30, 49)})
    got = {n: tax.district_row_to_master(text).number for n, text, _ in rows}
    assert got == expected
    assert {t.number for t in tax.types if not t.district_rows} == {11, 15, 29, 32}


def test_pinggu_rows_equal_the_yaml(tax: Taxonomy) -> None:
    yaml_rows = sorted((r.number, r.row, r.lead) for t in tax.types for r in t.district_rows)
    assert yaml_rows == sorted(pinggu_table_rows())
    assert all(r.district == "平谷区" for t in tax.types for r in t.district_rows)


def test_pinggu_plans_equal_the_pinggu_catalogue(tax: Taxonomy) -> None:
    catalogue = pinggu_catalogue()
    assert len(catalogue) == 47
    for t in tax.types:
        for p in t.district_plans:
            assert catalogue[p.name] == (p.lead, p.section), (t.number, p.name)
    # Pinggu keeps a 矿山 and a 轨道交通 plan though its table has no such row.
    assert [p.name for p in tax.by_number(11).district_plans] == ["平谷区矿山和尾矿库事故应急救援预案"]
    assert [p.name for p in tax.by_number(15).district_plans] == ["平谷区轨道交通突发事件应急预案"]


def test_names_examples_and_leads(tax: Taxonomy) -> None:
    geo = tax.by_number(5)
    assert geo.name == "突发地质灾害"
    assert geo.examples == ("崩塌", "滑坡", "泥石流", "地面塌陷")
    assert tax.by_number(6).leads == ("市应急局", "市气象局", "市园林绿化局")
    assert split_departments("区委教工委、区教委、区委政法委") == ("区委教工委", "区教委", "区委政法委")


# --- lookup ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("水灾", 1),
        ("突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)", 5),
        ("突发地质灾害（崩塌、滑坡、泥石流、地面塌陷等）", 5),  # full-width brackets
        ("突发地质灾害", 5),
        ("轨道交通运营\n\n突发事件", 15),  # hard-wrapped
        ("上访、聚集等群体性事件", 41),
    ],
)
def test_by_row(tax: Taxonomy, text: str, number: int) -> None:
    assert tax.by_row(text).number == number


@pytest.mark.parametrize(
    ("row", "number"),
    [
        ("公共汽车运营突发事件", 16),  # Pinggu's wording of 公共电汽车运营突发事件
        ("气象灾害（大风、沙尘暴、雷电、冰雹、高温、暴雪等）", 6),  # Pinggu adds 暴雪
        ("气象灾害（暴雨、暴雪等）", 6),  # another district's brackets
        ("公共电车运营突发事件", 16),  # close enough
        ("矿山事故", 11),
    ],
)
def test_district_row_to_master(tax: Taxonomy, row: str, number: int) -> None:
    assert tax.district_row_to_master(row).number == number


def test_district_row_without_master(tax: Taxonomy) -> None:
    assert tax.district_row_to_master("外星人入侵事件") is None
    assert tax.by_row("外星人入侵事件") is None


def test_every_type_has_synonyms(tax: Taxonomy) -> None:
    for t in tax.types:
        assert len(t.synonyms) >= 5, t.row
        assert len(t.en) >= 5, t.row


# --- match ---------------------------------------------------------------------------------
QUESTIONS = [
    ("楼里一股煤气味归谁管", 20),
    ("天然气泄漏怎么办", 20),
    ("地铁停运谁牵头", 15),
    ("山上着火了找哪个部门", 3),
    ("楼房着火冒烟", 13),
    ("暴雨导致立交桥下积水", 1),
    ("小区停电了好几个小时", 19),
    ("暖气不热", 21),
    ("自来水发黄", 23),
    ("下水道堵了污水冒出来", 24),
    ("手机没信号打不了电话", 25),
    ("网站被黑客攻击", 26),
    ("电梯困人谁负责", 28),
    ("化工厂发生爆炸有毒气体泄漏", 10),
    ("煤矿透水", 11),
    ("工地塔吊倒了", 12),
    ("车祸有人受伤", 14),
    ("公交车半路抛锚", 16),
    ("路面结冰车辆打滑", 17),
    ("桥塌了", 18),
    ("井盖丢了", 22),
    ("雾霾爆表", 30),
    ("河里大量死鱼", 31),
    ("放射源丢了", 29),
    ("核电站泄漏", 32),
    ("飞机在机场附近坠毁", 33),
    ("山体滑坡把路堵了", 5),
    ("冰雹砸坏汽车", 6),
    ("发生5级地震", 4),
    ("美国白蛾又出来了", 9),
    ("学校食堂集体食物中毒", 37),
    ("非洲猪瘟疫情", 38),
    ("疫苗打完发烧", 40),
    ("有人聚集上访", 41),
    ("超市里的菜被抢购一空", 44),
    ("银行挤兑", 47),
    ("外国游客在景区受伤", 48),
    ("学生在学校打架", 50),
    ("有人在网上造谣", 51),
    ("景区游客被困", 52),
    ("food poisoning at a school canteen", 37),
    ("subway train stuck in a tunnel", 15),
    ("gas leak in my apartment", 20),
    ("wildfire near the Great Wall", 3),
    ("earthquake in Pinggu", 4),
    ("heavy rain flooded the underpass", 1),
    ("landslide blocked the mountain road", 5),
    ("power outage across the district", 19),
    ("people trapped in a lift", 28),
    ("bird flu on a poultry farm", 38),
    ("COVID outbreak in a nursing home", 34),
    ("a crowd of petitioners outside the district government", 41),
]


@pytest.mark.parametrize(("query", "number"), QUESTIONS)
def test_match_colloquial_top1(tax: Taxonomy, query: str, number: int) -> None:
    top = tax.match(query, k=3)
    assert top and top[0][0].number == number, [(t.number, t.row, round(s, 2)) for t, s in top]


def test_match_shape(tax: Taxonomy) -> None:
    assert tax.match("") == []
    res = tax.match("燃气事故", k=5)
    assert res[0] == (tax.by_number(20), 1.0)  # the exact row wins outright
    assert len(res) <= 5
    scores = [s for _, s in res]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert isinstance(res[0][0], IncidentType)


def test_match_department_names(tax: Taxonomy) -> None:
    # A department in the question points at the rows it leads, not at words inside its name.
    top = {t.number for t, _ in tax.match("市城市管理委负责哪些事件", k=5)}
    assert top == {19, 20, 21, 22, 46}


def test_every_synonym_finds_its_own_type(tax: Taxonomy) -> None:
    """Data check: a synonym typed alone ranks its own row first (catches clashes)."""
    wrong = []
    for t in tax.types:
        for s in (*t.synonyms, *t.en):
            top = tax.match(s, k=1)
            if not top or top[0][0] is not t:
                wrong.append((s, t.number, top[0][0].number if top else None))
    assert wrong == []
