"""The keyword index (kb.keyword) and its jieba analyzer (kb.analyzer).

A real whoosh index over 41 clauses copied from the corpus: rows of table
2.3.6 (处置分工) and of the 8.3 catalogue, paragraphs of section 4.1 of the
municipal master plan (corpus/beijing-gazette-2021-31-master-plan.txt, l.419-486,
1105-1112, 599-613), one row of the Pinggu district table and one paragraph of
the Pinggu 4.1 (corpus/pinggu-district-documents-2021-2022.txt l.890, l.1263-1267)
and one paragraph of the 十四五 plan (corpus/beijing-14th-five-year-emergency-plans-2021.txt
l.175-177, joined across the page break).  Expected values come from reading
those lines.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from plankb.extract.errors import Errors, InputError, NotBuiltError
from plankb.extract.tokenizer import tokenizer
from plankb.kb.analyzer import STOP_WORDS, chinese_analyzer
from plankb.kb.keyword import KeywordHit, KeywordIndex

MASTER = "bj-2021-19"  # 北京市突发事件总体应急预案（2021年修订）
PINGGU = "pg-2022-2"  # 北京市平谷区突发事件总体应急预案
FIVE = "bj-14th-main"  # 北京市“十四五”时期应急管理事业发展规划

# Table 2.3.6, "序号\t突发事件\t市级处置主责部门", rows as written (l.421-481).
TABLE_236 = {
    1: "1\t水灾\t市应急局、市水务局",
    2: "2\t旱灾\t市应急局、市水务局",
    3: "3\t森林火灾\t市应急局、市园林绿化局",
    4: "4\t地震灾害\t市应急局、市地震局",
    5: "5\t突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)\t市应急局、市规划自然资源委",
    6: "6\t气象灾害(大风、沙尘暴、雷电、冰雹、高温等)\t市应急局、市气象局、市园林绿化局等部门",
    7: "7\t农业植物疫情\t市农业农村局",
    8: "8\t农业领域外来生物入侵\t市农业农村局",
    9: "9\t突发林木有害生物事件\t市园林绿化局",
    10: "10\t危险化学品事故\t市应急局",
    11: "11\t矿山事故\t市应急局",
    12: "12\t建设工程施工突发事故\t市住房城乡建设委",
    13: "13\t火灾事故\t市消防救援总队",
    14: "14\t道路交通事故\t市公安局公安交通管理局",
    15: "15\t轨道交通运营突发事件\t市交通委",
    16: "16\t公共电汽车运营突发事件\t市交通委",
    17: "17\t道路突发事件\t市交通委",
    18: "18\t桥梁突发事件\t市交通委",
    19: "19\t电力突发事件\t市城市管理委",
    20: "20\t燃气事故\t市城市管理委",
    21: "21\t供热事故\t市城市管理委",
    22: "22\t地下管线突发事件\t市城市管理委",
    23: "23\t供水突发事件\t市水务局",
    24: "24\t排水突发事件\t市水务局",
    34: "34\t重大传染病疫情(鼠疫、炭疽、霍乱、非典型肺炎、新冠肺炎、流感等)\t市卫生健康委",
    41: "41\t上访、聚集等群体性事件\t市委政法委",
    42: "42\t恐怖袭击事件\t市公安局",
    43: "43\t刑事案件\t市公安局",
    44: "44\t生活必需品供给事件\t市商务局",
    45: "45\t粮食供给事件\t市粮食和储备局",
    46: "46\t能源资源供给事件\t市城市管理委",
}
# From reading the table: the rows whose lead is 市城市管理委.
CITY_MANAGEMENT_ROWS = {19, 20, 21, 22, 46}

CATALOGUE_83 = {  # 8.3.1 (1) 自然灾害类, "序号\t名 称\t牵头编制部门" (l.1110, 1112)
    5: "5\t北京市森林火灾扑救应急预案\t市应急局",
    7: "7\t北京市雪天道路交通保障应急预案\t市交通委",
}

PARAGRAPHS_41 = {  # section 4.1 信息报送 (l.599-609)
    "4.1.1": "4.1.1 市应急办、市各专项指挥部办公室、市相关部门和有关单位、各区、重点地区管委会,"
    "应按照有关规定及时上报各类突发事件信息和其他相关信息。",
    "4.1.1-p2": "信息报送应贯穿于突发事件的预防与应急准备、监测与预警、应急处置与救援、"
    "事后恢复与重建等应对活动的全过程。",
    "4.1.4": "4.1.4 对于能够判定为较大及以上突发事件等级的,事件本身比较敏感或发生在重点地区、特殊时期的,"
    "可能产生较大影响的突发事件或突出情况信息,市相关专项指挥部办公室、市相关部门和有关单位及事发地的区、"
    "重点地区管委会要立即报告市委总值班室和市应急办,同时通报市委宣传部、市委网信办等部门,"
    "详细信息最迟不得晚于事件发生后 2 小时报送。",
    "4.1.5": "4.1.5 对于暂时无法判明等级的突发事件,应迅速核实,最迟不晚于接报后 30 分钟向市委总值班室和"
    "市应急办报告。对于仍在处置过程中的重大、特别重大突发事件,每 30 分钟续报人员伤亡、处置进展和"
    "发展趋势等信息,直到应急处置结束。",
}
PARAGRAPH_237 = (
    "2.3.7 处置主责部门应根据实际情况设立或确定应急管理机构,配备专职工作人员;"
    "处置协作部门可根据实际情况设立或确定应急管理机构。"
)
PINGGU_ROW_18 = "18 燃气事故 区城市管理委"
PINGGU_411 = (
    "4.1.1 区应急办、区各专项指挥部办公室、相关部门、有关单位和各乡镇政府、街道办事处，"
    "应按照有关规定及时上报各类突发事件信息和其他相关信息。"
)
FIVE_RISK = (
    "2. 自然灾害诱发因素多。北京地处华北平原，自然灾害种类多样，区域灾害风险系数高。受全球气候变化影响，"
    "强降雨、高温、大雾、冰雪、沙尘暴等极端天气，极易诱发对首都经济社会活动、城市运行和生态环境造成严重威胁的"
    "次生灾害和衍生灾害。汛期局部地区发生短时强降雨的可能性越来越大，城市内涝、滑坡、泥石流、水库溃坝等风险不断加剧。"
    "随着全市森林覆盖率的不断提升，受高温、干旱、大风等极端天气和农业、旅游等生产活动影响，火源管控难度增大。"
    "此外，作为中国大陆唯一发生过8级地震的特大城市，由地震引发的大灾、巨灾防范工作仍不容忽视。"
)

def _master(clause_id: str, text: str, section: str, kind: str, **extra: object) -> dict:
    return {
        "clause_id": f"{MASTER}/{clause_id}",
        "doc_id": MASTER,
        "text": text,
        "section": section,
        "jurisdiction": "北京市",
        "level": "municipal",
        "kind": kind,
        "year": ["2021"],
        **extra,
    }


def clause_items() -> list[dict]:
    items = [
        _master(
            f"t2.3.6/{n}",
            row,
            "2.3.6 突发事件处置分工",
            "table_row",
            incident=row.split("\t")[1],
            actors=row.split("\t")[2].split("、"),
        )
        for n, row in TABLE_236.items()
    ]
    items += [
        _master(f"t8.3.1/{n}", row, "8.3.1 突发事件类", "table_row", actors=[row.split("\t")[2]])
        for n, row in CATALOGUE_83.items()
    ]
    items += [_master(cid, text, "4.1 信息报送", "paragraph") for cid, text in PARAGRAPHS_41.items()]
    items.append(_master("2.3.7", PARAGRAPH_237, "2.3 专项指挥机构", "paragraph"))
    pinggu = {"doc_id": PINGGU, "jurisdiction": "平谷区", "level": "district", "year": "2022"}
    items.append(
        {
            "clause_id": f"{PINGGU}/t2.3.6/18",
            "text": PINGGU_ROW_18,
            "section": "2.3.6 突发事件处置分工",
            "kind": "table_row",
            "incident": "燃气事故",
            "actors": "区城市管理委",
            **pinggu,
        }
    )
    items.append(
        {
            "clause_id": f"{PINGGU}/4.1.1",
            "text": PINGGU_411,
            "section": "4.1 信息报送",
            "kind": "paragraph",
            **pinggu,
        }
    )
    items.append(
        {
            "clause_id": f"{FIVE}/1.2/2",
            "doc_id": FIVE,
            "text": FIVE_RISK,
            "section": "（二）面临的挑战",
            "jurisdiction": "北京市",
            "level": "municipal",
            "kind": "item",
            "year": "2021",
        }
    )
    return items


ITEMS = clause_items()
TEXTS = {item["clause_id"]: item["text"] for item in ITEMS}


def row(n: int) -> str:
    return f"{MASTER}/t2.3.6/{n}"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kw") / "keyword"
    KeywordIndex.build(path, ITEMS).close()
    return path


@pytest.fixture(scope="module")
def kw(index_dir: Path):
    with KeywordIndex.open(index_dir) as ix:
        yield ix


@pytest.fixture
def fresh(tmp_path: Path):
    """A private copy of the index for tests that change it."""
    with KeywordIndex.build(tmp_path / "keyword", ITEMS) as ix:
        yield ix


def ids(hits: list[KeywordHit]) -> list[str]:
    return [h.clause_id for h in hits]


# -- the analyzer -------------------------------------------------------------


def test_tokens_carry_true_character_offsets_and_word_positions() -> None:
    text = PARAGRAPHS_41["4.1.4"] + " ＰＭ２.５ COVID"
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar) for t in chinese_analyzer()(text, positions=True, chars=True)
    ]
    assert tokens
    folded = text.replace("ＰＭ２.５", "PM2.5")  # full-width folding keeps the length
    for word, _pos, start, end in tokens:
        assert folded[start:end].lower() == word
    positions = [pos for _, pos, _, _ in tokens]
    assert positions[0] == 0
    assert all(
        0 <= b - a <= 1 for a, b in zip(positions, positions[1:], strict=False)
    )  # ordinals, not offsets
    words = {word for word, *_ in tokens}
    assert {"pm2.5", "covid", "2", "小时", "突发事件"} <= words
    assert not any(not any(c.isalnum() for c in w) for w in words), "punctuation was indexed"
    assert not any(len(w) == 1 and "\u4e00" <= w <= "\u9fff" for w in words), (
        "a single CJK character was indexed"
    )
    assert not words & STOP_WORDS


def test_analyzer_covers_jieba_search_mode() -> None:
    text = FIVE_RISK + TABLE_236[15]
    ours = {(t.text, t.startchar, t.endchar) for t in chinese_analyzer()(text, chars=True)}
    theirs = {
        (w, s, e)
        for w, s, e in tokenizer().tokenize(text, mode="search")
        if len(w) > 1 and any(c.isalnum() for c in w) and w not in STOP_WORDS
    }
    assert theirs <= ours


def test_dictionary_words_stay_one_token() -> None:
    """Gazetteer names and incident-type terms are words of the shared tokenizer (extract/tokenizer.py)."""
    tok = tokenizer()
    assert [w for w, _, _ in tok.tokenize("市城市管理委负责")][0] == "市城市管理委"  # gazetteer
    assert [w for w, _, _ in tok.tokenize("煤气味很重")][0] == "煤气味"  # a synonym of 燃气事故
    assert [w for w, _, _ in tok.tokenize("市应急局、市水务局")][0] == "市应急局"
    tokens = {
        t.text: (t.pos, t.startchar, t.endchar)
        for t in chinese_analyzer()(TABLE_236[20], positions=True, chars=True)
    }
    start = TABLE_236[20].index("市城市管理委")
    assert tokens["市城市管理委"][1:] == (start, start + 6)
    # the shorter words inside it are emitted at the same position, for recall
    assert tokens["城市"] == (tokens["市城市管理委"][0], start + 1, start + 3)
    assert tokens["管理"][0] == tokens["市城市管理委"][0]


def test_a_pickled_analyzer_segments_the_same() -> None:
    """The analyzer travels in the whoosh schema: unpickled, it cuts text as the one that built the index."""
    analyzer = pickle.loads(pickle.dumps(chinese_analyzer()))
    text = TABLE_236[20] + FIVE_RISK
    assert [(t.text, t.pos, t.startchar) for t in analyzer(text, positions=True, chars=True)] == [
        (t.text, t.pos, t.startchar) for t in chinese_analyzer()(text, positions=True, chars=True)
    ]


# -- searching ----------------------------------------------------------------


def test_gas_accident_row_ranks_first(kw: KeywordIndex) -> None:
    hits = kw.search("燃气事故")
    # both tables have a 燃气事故 row: the municipal one (20) and Pinggu's (18)
    assert set(ids(hits[:2])) == {row(20), f"{PINGGU}/t2.3.6/18"}
    assert hits[0].score >= hits[1].score > hits[2].score
    assert ids(kw.search("燃气事故", filters={"jurisdiction": "北京市"}))[0] == row(20)


def test_highlights_are_offsets_of_the_matched_words(kw: KeywordIndex) -> None:
    top = kw.search("燃气事故", filters={"level": "municipal"})[0]
    text = TEXTS[top.clause_id]
    start = text.index("燃气事故")
    assert "".join(text[s:e] for s, e in top.highlights) == "燃气事故"
    assert top.highlights[0][0] == start and top.highlights[-1][1] == start + 4

    for query in ("城市管理委", "突发事件信息", "30 分钟", "雪", "轨道交通运营突发事件"):
        terms = {t.text for t in chinese_analyzer()(query)}
        for hit in kw.search(query):
            text = TEXTS[hit.clause_id]
            assert hit.highlights, (query, hit)
            assert list(hit.highlights) == sorted(hit.highlights)
            for s, e in hit.highlights:
                # a query word, or (for a one-character query) a word containing it
                assert text[s:e] in terms or (len(query) == 1 and query in text[s:e]), (query, text[s:e])


def test_city_management_commission_rows(kw: KeywordIndex) -> None:
    hits = kw.search("城市管理委", k=10, filters={"level": "municipal"})
    assert set(ids(hits[:5])) == {row(n) for n in CITY_MANAGEMENT_ROWS}
    for hit in hits[:5]:
        text = TEXTS[hit.clause_id]
        # 城市管理委 is no dictionary word (市城市管理委 is): the query is 城市 + 管理 (委 alone is not indexed)
        assert [text[s:e] for s, e in hit.highlights] == ["城市", "管理"]
    # the Pinggu row, led by 区城市管理委, is found without the level filter
    assert f"{PINGGU}/t2.3.6/18" in ids(kw.search("城市管理委", k=10))


def test_phrase_of_a_longer_query_ranks_its_row_first(kw: KeywordIndex) -> None:
    assert ids(kw.search("轨道交通运营突发事件"))[0] == row(15)
    assert ids(kw.search("最迟不晚于接报后30分钟"))[0] == f"{MASTER}/4.1.5"


def test_one_character_queries_find_words_containing_it(kw: KeywordIndex) -> None:
    fire = set(ids(kw.search("火", k=20)))
    assert {row(3), row(13), f"{MASTER}/t8.3.1/5"} <= fire  # 森林火灾, 火灾事故, 森林火灾扑救
    assert f"{FIVE}/1.2/2" in fire  # 火源管控
    snow = set(ids(kw.search("雪", k=20)))
    assert snow == {f"{MASTER}/t8.3.1/7", f"{FIVE}/1.2/2"}  # 雪天道路, 冰雪
    assert kw.search("的") == []  # a stop character is not expanded
    assert kw.search("（一）") == []  # nor the numeral of a pasted heading


def test_filters(kw: KeywordIndex) -> None:
    pinggu = kw.search("突发事件信息", filters={"jurisdiction": "平谷区"})
    assert ids(pinggu)[0] == f"{PINGGU}/4.1.1"
    # the Pinggu table row matches only through its section title 突发事件处置分工
    assert ids(pinggu)[1:] == [f"{PINGGU}/t2.3.6/18"] and pinggu[1].highlights == ()
    both = kw.search(
        "突发事件信息", k=20, filters={"jurisdiction": ["平谷区", "北京市"], "kind": "paragraph"}
    )
    assert {f"{PINGGU}/4.1.1", f"{MASTER}/4.1.1", f"{MASTER}/4.1.4"} <= set(ids(both))
    assert all(TEXTS[cid] not in TABLE_236.values() for cid in ids(both))
    rows = kw.search("水灾 供水", k=50, filters={"kind": "table_row", "actors": "市水务局"})
    assert set(ids(rows)) == {row(1), row(23)}  # of the four 市水务局 rows (1, 2, 23, 24)
    rows = kw.search("水灾 供水", k=50, filters={"actors": ["市应急局", "市交通委"]})
    assert ids(rows) == [row(1)]  # 供水突发事件 is led by 市水务局 alone
    assert ids(kw.search("燃气事故", filters={"year": ["2022"]})) == [f"{PINGGU}/t2.3.6/18"]
    assert ids(kw.search("事故", filters={"incident": "燃气事故", "level": "municipal"})) == [row(20)]
    assert kw.search("燃气事故", filters={"jurisdiction": "通州区"}) == []
    with pytest.raises(InputError, match="cannot filter on 'colour'"):
        kw.search("燃气事故", filters={"colour": "red"})


@pytest.mark.parametrize(
    "query",
    [
        "AND OR (（",
        "（）：“”",
        '"',
        "*",
        "?",
        "text:燃气",
        "NOT 燃气事故)",
        "燃气事故 AND (",
        "~2 ^3 [a TO b]",
        "、。；",
    ],
)
def test_query_syntax_in_user_text_is_just_text(kw: KeywordIndex, query: str) -> None:
    hits = kw.search(query)
    assert isinstance(hits, list)
    if "燃气" in query:
        assert row(20) in ids(hits)


@pytest.mark.parametrize("query", ["", "   ", "\u3000\n"])
def test_blank_query_is_an_input_error(kw: KeywordIndex, query: str) -> None:
    with pytest.raises(InputError) as err:
        kw.search(query)
    assert str(err.value) == Errors.E040


def test_count_and_ids(kw: KeywordIndex) -> None:
    assert kw.count() == len(ITEMS) == 41
    assert kw.ids() == set(TEXTS)


# -- writing ------------------------------------------------------------------


def test_delete(fresh: KeywordIndex) -> None:
    assert fresh.delete([row(20), "no/such/clause"]) == 1
    assert fresh.count() == len(ITEMS) - 1
    assert row(20) not in fresh.ids()
    assert row(20) not in ids(fresh.search("燃气事故"))
    assert ids(fresh.search("燃气事故"))[0] == f"{PINGGU}/t2.3.6/18"


def test_add_replaces_by_clause_id(fresh: KeywordIndex) -> None:
    assert fresh.add([{**ITEMS[0], "text": "1\t水灾\t市水务局"}]) == 1
    assert fresh.count() == len(ITEMS)
    assert fresh.ids() == set(TEXTS)
    hit = fresh.search("水灾")[0]
    assert hit.clause_id == row(1)
    assert hit.highlights == ((2, 4),)  # "1\t水灾…": 水灾 is at 2..4
    assert row(1) not in ids(fresh.search("应急", k=50))  # the old text is gone


def test_invalid_items_write_nothing(fresh: KeywordIndex) -> None:
    new = {"clause_id": "x/1", "text": "燃气管线泄漏"}
    with pytest.raises(InputError, match="twice"):
        fresh.add([new, new])
    with pytest.raises(InputError, match="unknown field"):
        fresh.add([new, {"clause_id": "x/2", "text": "供热", "colour": "red"}])
    with pytest.raises(InputError, match="no text"):
        fresh.add([{"clause_id": "x/3"}])
    assert fresh.count() == len(ITEMS)
    assert "x/1" not in fresh.ids()


def test_persists_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "kw"
    with KeywordIndex.create(path) as ix:
        ix.add(ITEMS[:10])
        ix.add(ITEMS[10:])
    with KeywordIndex.open(path) as ix:
        assert ix.count() == len(ITEMS)
        assert ids(ix.search("燃气事故", filters={"level": "municipal"}))[0] == row(20)


def test_open_without_an_index(tmp_path: Path) -> None:
    with pytest.raises(NotBuiltError, match="run `plankb build` first"):
        KeywordIndex.open(tmp_path / "nothing")
    with pytest.raises(NotBuiltError):
        KeywordIndex.open(tmp_path)  # exists, but holds no index


def test_failed_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    path = tmp_path / "kw"
    KeywordIndex.build(path, ITEMS).close()

    def broken():
        yield from ITEMS[:5]
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError, match="went away"):
        KeywordIndex.build(path, broken())
    with pytest.raises(InputError):
        KeywordIndex.build(path, [ITEMS[0], {"clause_id": "bad"}])
    assert [p.name for p in tmp_path.iterdir()] == ["kw"]  # no temporary directory left
    with KeywordIndex.open(path) as ix:
        assert ix.count() == len(ITEMS)
        assert ids(ix.search("燃气事故", filters={"level": "municipal"}))[0] == row(20)

    with KeywordIndex.build(path, ITEMS[:3]) as ix:  # a successful rebuild replaces it
        assert ix.ids() == {item["clause_id"] for item in ITEMS[:3]}
    assert [p.name for p in tmp_path.iterdir()] == ["kw"]


def test_an_open_index_sees_a_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "kw"
    KeywordIndex.build(path, ITEMS).close()
    with KeywordIndex.open(path) as ix:
        assert row(13) in ids(ix.search("火", k=20))  # 火灾事故
        KeywordIndex.build(path, ITEMS[:3]).close()  # rows 1-3: only 森林火灾 has 火
        assert ix.count() == 3
        assert ids(ix.search("火", k=20)) == [row(3)]
