"""The web app and its JSON API on the real corpus (hash embedder: fast).

Expected values come from the source texts: the master plan's table 2.3.6
(corpus/beijing-gazette-2021-31-master-plan.txt l.447 "20 燃气事故 市城市管理委"),
its clause 4.1.5 at l.609 ("最迟不晚于接报后 30 分钟…报告"), the Pinggu table
(corpus/pinggu-district-documents-2021-2022.txt l.890 "18 燃气事故 区城市管理委").
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import threading

import pytest

MASTER = "gaz2021-2"
GAS_ROW = "gaz2021-2:2.3.6/20"


@pytest.fixture(scope="module")
def searcher(built_kb):
    from plankb.kb.search import Searcher

    return Searcher(built_kb)


@pytest.fixture(scope="module")
def app(kb_settings, searcher):
    from plankb.web import create_app

    app = create_app(dataclasses.replace(kb_settings, max_upload_bytes=2_000_000, secret_key="test"), searcher=searcher)
    app.config["TESTING"] = True
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


def html(resp) -> str:
    return resp.get_data(as_text=True)


def csrf(client) -> str:
    page = html(client.get("/check"))
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


# -- pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, text",
    [
        ("/", "问预案"),
        ("/search", "检索条款"),
        ("/documents", "北京市突发事件总体应急预案（2021年修订）"),
        (f"/documents/{MASTER}", "京政发〔2021〕19号"),
        (f"/documents/{MASTER}/source", "beijing-gazette-2021-31-master-plan.txt"),
        ("/clauses/gaz2021-2:4.1.5", "原文第 609–609 行"),
        ("/incidents", "突发事件目录"),
        ("/matrix", "责任矩阵"),
        ("/matrix?jurisdiction=平谷区", "区城市管理委"),
        ("/check", "草案检查"),
    ],
)
def test_pages_render(client, url, text):
    resp = client.get(url)
    assert resp.status_code == 200, html(resp)[:300]
    assert text in html(resp)
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert 'lang="zh-CN"' in html(resp)


def test_home_answers_who_leads_with_citation(client):
    page = html(client.get("/", query_string={"q": "燃气事故谁负责"}))
    card = page[page.index('class="card kind-who_leads"') : page.index("相关条款")]
    assert "市城市管理委" in card
    assert f"/clauses/{GAS_ROW}" in card  # cites the table row
    assert "北京市燃气突发事件应急预案" in card  # and the governing special plan (8.3 catalogue)


def test_home_answers_short_question(client):
    page = html(client.get("/", query_string={"q": "无法判明等级的突发事件多久内报告"}))
    card = page[page.index('class="card kind-answer"') : page.index("相关条款")]
    assert "30分钟" in card
    assert "/clauses/gaz2021-2:4.1.5" in card


def test_home_keywords_only_search(client):
    page = html(client.get("/", query_string={"q": "应急演练"}))
    assert 'class="card' not in page
    assert 'class="hit"' in page


def test_route_decides_from_the_question():
    from plankb.web.answer import route

    assert route("楼里一股煤气味归谁管") == "who_leads"
    assert route("地铁停运谁牵头") == "who_leads"
    assert route("红色预警由谁批准") == "ask"  # asks who, but names no incident type
    assert route("无法判明等级的突发事件多久内报告") == "ask"
    assert route("应急演练") == "search"


def test_search_filters_and_highlights(client):
    page = html(client.get("/search", query_string={"q": "燃气事故", "jurisdiction": "平谷区", "kind": "table_row"}))
    hrefs = re.findall(r'class="hit-title" href="([^"]+)"', page)
    assert hrefs and all(h.startswith("/documents/pg-") for h in hrefs)
    assert '<mark class="hl">燃气事故</mark>' in page
    # each hit links to the clause inside its document
    assert all(re.fullmatch(r"/documents/pg-\d+#c\d+", h) for h in hrefs)


def test_search_bad_filter_is_a_message_not_a_crash(client):
    resp = client.get("/search", query_string={"q": "燃气", "level": "galactic"})
    assert resp.status_code == 200
    assert "不认识的层级「galactic」" in html(resp)


def test_document_view_marks_facts_and_links_source_lines(client, built_kb):
    page = html(client.get(f"/documents/{MASTER}"))
    for text in ("京政发〔2021〕19号", "北京市人民政府", "2021-07-09"):
        assert text in page
    ordinal = built_kb.clause("gaz2021-2:4.1.5").ordinal
    para = re.search(rf'<p class="clause" id="c{ordinal}">(.*?)</p>', page, re.S).group(1)
    assert re.search(r'<mark class="f-deadline"[^>]*>30分钟</mark>', para)
    assert re.search(r'<mark class="f-actor"[^>]*>市应急办</mark>', para)
    assert "from=609&amp;to=609#L609" in para
    assert 'href="#c' in page  # outline links into the page


def test_line_index_agrees_with_kb_source_lines(built_kb):
    from plankb.web.textseg import LineIndex

    doc = built_kb.document(MASTER)
    lines = LineIndex(built_kb.store.raw_text(doc.source))
    for c in built_kb.clauses(MASTER):
        assert lines.clause_lines(doc, c) == built_kb.source_lines(doc, c), c.id


def test_document_text_is_escaped(client):
    # The master file's table group rows are written "<b>自然灾害类</b>" (l.424).
    page = html(client.get(f"/documents/{MASTER}/source", query_string={"from": 424, "to": 424}))
    assert "&lt;b&gt;自然灾害类&lt;/b&gt;" in page
    assert "<b>自然灾害类</b>" not in page
    page = html(client.get("/", query_string={"q": '<script>alert("x")</script>'}))
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_segments_split_overlapping_marks():
    from plankb.web.textseg import Mark, segments

    segs = segments("接报后30分钟报告", [Mark(3, 7, "f-deadline"), Mark(5, 9, "hl")])
    assert [(s.text, s.classes) for s in segs] == [
        ("接报后", ()), ("30", ("f-deadline",)), ("分钟", ("f-deadline", "hl")), ("报告", ("hl",)),
    ]


def test_time_limit_chart_pairs_draft_and_master_limits():
    from plankb.web.checkrun import iso_seconds
    from plankb.web.reportview import limit_pairs

    assert iso_seconds("PT2H") == 7200 and iso_seconds("R/PT30M") == 1800 and iso_seconds("P1D") == 86400
    assert iso_seconds("2022-11-30") is None and iso_seconds("P") is None
    findings = [{
        "type": "timeline", "verdict": "conflict", "explanation": "详细信息报送时限：本预案为4小时，长于上级预案规定的2小时。",
        "sub_quote": "详细信息最迟不得晚于事件发生后4小时报送。",
        "master_quote": "…要立即报告市委总值班室和市应急办,…详细信息最迟不得晚于事件发生后2小时报送。",
    }, {
        # master 4.1.5 states a first-report limit and a follow-up interval: a recurrence pairs with the recurrence
        "type": "timeline", "verdict": "conflict", "explanation": "续报间隔：每2小时",
        "sub_quote": "每2小时续报一次处置进展。", "master_quote": "最迟不晚于接报后30分钟报告。每30分钟续报人员伤亡。",
    }]
    pairs = limit_pairs(findings)
    assert [(p.label, p.draft_seconds, p.master_seconds) for p in pairs] == [
        ("详细信息报送时限", 14400, 7200), ("续报间隔", 7200, 1800),
    ]


def test_incident_directory_lists_52_types_with_leads_and_plans(client):
    page = html(client.get("/incidents"))
    rows = re.findall(r'<tr id="t(\d+)">', page)
    assert len(rows) == 52
    gas = re.search(r'<tr id="t20">(.*?)</tr>', page, re.S).group(1)
    assert "燃气事故" in gas and "市城市管理委" in gas and "区城市管理委" in gas
    assert "北京市燃气突发事件应急预案" in gas
    assert f"/clauses/{GAS_ROW}" in gas


def test_matrix_cells_link_to_their_clause(client):
    page = html(client.get("/matrix"))
    row = re.search(r'<th scope="row" class="type">燃气事故.*?</tr>', page, re.S).group(0)
    assert f'href="/clauses/{GAS_ROW}" title="市城市管理委：燃气事故处置主责部门' in row
    page = html(client.get("/matrix", query_string={"jurisdiction": "平谷区"}))
    row = re.search(r'<th scope="row" class="type">燃气事故.*?</tr>', page, re.S).group(0)
    assert 'title="区城市管理委：燃气事故处置主责部门' in row
    assert client.get("/matrix", query_string={"jurisdiction": "火星区"}).status_code == 400


def test_not_found_pages(client):
    assert client.get("/documents/nope").status_code == 404
    assert client.get("/clauses/gaz2021-2:9.9.9").status_code == 404
    assert client.get("/no/such/page").status_code == 404


def test_static_files_served(client):
    for name in ("style.css", "app.js"):
        with client.get(f"/static/{name}") as r:
            assert r.status_code == 200


# -- JSON API -------------------------------------------------------------------


def test_api_search(client):
    r = client.get("/api/search", query_string={"q": "燃气事故", "k": 5, "jurisdiction": "北京市"})
    assert r.status_code == 200
    data = r.get_json()
    assert len(data["hits"]) == 5
    assert GAS_ROW in [h["clause_id"] for h in data["hits"]]
    hit = data["hits"][0]
    assert {"clause_id", "doc_id", "doc_title", "section", "text", "score", "span", "highlights", "url"} <= set(hit)
    assert all(h["jurisdiction"] == "北京市" for h in data["hits"])
    r = client.post("/api/search", json={"q": "燃气事故", "k": 3})
    assert r.status_code == 200 and len(r.get_json()["hits"]) == 3


def test_api_who_leads(client):
    data = client.get("/api/who-leads", query_string={"q": "燃气事故谁负责"}).get_json()
    assert data["incident_type"] == "燃气事故"
    assert data["leads"] == ["市城市管理委"]
    assert GAS_ROW in [c["clause_id"] for c in data["citations"]]
    data = client.post("/api/who-leads", json={"q": "燃气事故谁负责", "jurisdiction": "平谷区"}).get_json()
    assert data["leads"] == ["区城市管理委"]


def test_api_ask(client):
    data = client.get("/api/ask", query_string={"q": "无法判明等级的突发事件多久内报告"}).get_json()
    assert "30分钟" in data["answer"] and data["status"] == "answered"
    assert data["clause"]["clause_id"] == "gaz2021-2:4.1.5"
    data = client.get("/api/ask", query_string={"q": "火星基地着火了谁来管"}).get_json()
    assert data["status"] == "unsure" and data["answer"] is None


def test_home_shows_unsure_instead_of_a_guess(client):
    page = html(client.get("/", query_string={"q": "火星基地着火了谁来管"}))
    card = page[page.index('class="card kind-unsure"') : page.index("相关条款")]
    assert "不确定" in card and "火星" in card


def test_home_default_jurisdiction_cookie(client):
    resp = client.get("/", query_string={"q": "小区燃气泄漏谁牵头", "jurisdiction": "平谷区"})
    assert "plankb_jurisdiction=" in resp.headers.get("Set-Cookie", "")
    card = html(resp)
    card = card[card.index('class="card kind-who_leads"') : card.index("相关条款")]
    assert "区城市管理委" in card and "市级：市城市管理委" in card
    # The cookie is kept: the next question without a district is answered for Pinggu too.
    page = html(client.get("/", query_string={"q": "燃气事故谁负责"}))
    assert "燃气事故（平谷区）" in page
    resp = client.get("/", query_string={"q": "燃气事故谁负责", "jurisdiction": ""})
    assert "燃气事故（北京市）" in html(resp)


def test_api_documents_and_clauses(client):
    data = client.get("/api/documents").get_json()
    assert data["master"] == MASTER
    master = next(d for d in data["documents"] if d["id"] == MASTER)
    assert master["doc_number"] == "京政发〔2021〕19号" and master["date"] == "2021-07-09"
    data = client.get(f"/api/documents/{MASTER}").get_json()
    assert data["document"]["title"] == "北京市突发事件总体应急预案（2021年修订）"
    assert any(h["text"] == "4.1 信息报送" for h in data["outline"])
    assert any(c["id"] == "gaz2021-2:4.1.5" for c in data["clauses"])
    data = client.get("/api/clauses/gaz2021-2:4.1.5").get_json()
    assert data["source"]["first_line"] == 609
    assert any(f["fact"] == "deadline" and f["value"] == "PT30M" for f in data["facts"])
    data = client.get(f"/api/clauses/{GAS_ROW}").get_json()  # ids with '/'
    assert data["clause"]["cells"] == ["20", "燃气事故", "市城市管理委"]


def test_api_openapi_describes_every_endpoint(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/search", "/api/who-leads", "/api/ask", "/api/documents", "/api/documents/{doc_id}",
                 "/api/clauses/{clause_id}", "/api/check", "/api/quiz"):
        assert path in spec["paths"], path


@pytest.mark.parametrize(
    "method, url, kwargs, status, fragment",
    [
        ("get", "/api/search", {"query_string": {"q": ""}}, 400, "empty"),
        ("get", "/api/search", {"query_string": {"q": "   "}}, 400, "empty"),
        ("get", "/api/search", {"query_string": {"q": "燃气", "k": 100000}}, 400, "between 1 and 100"),
        ("get", "/api/search", {"query_string": {"q": "燃气", "k": "many"}}, 400, "whole number"),
        ("get", "/api/search", {"query_string": {"q": "燃气", "kind": "poem"}}, 400, "unknown clause kind"),
        ("get", "/api/search", {"query_string": {"q": "燃气", "document": "../../etc/passwd"}}, 400, "unknown document"),
        ("get", "/api/search", {"query_string": {"q": "燃" * 501}}, 400, "limit is 500"),
        ("post", "/api/search", {"data": "{not json", "content_type": "application/json"}, 400, "not valid JSON"),
        ("post", "/api/search", {"data": "[1, 2]", "content_type": "application/json"}, 400, "JSON object"),
        ("get", "/api/who-leads", {}, 400, "empty"),
        ("get", "/api/ask", {"query_string": {"q": ""}}, 400, "empty"),
        ("get", "/api/documents/nope", {}, 404, "not found"),
        ("get", "/api/clauses/gaz2021-2:9.9.9", {}, 404, "not found"),
        ("get", "/api/no-such-endpoint", {}, 404, "not found"),
        ("delete", "/api/search", {}, 405, "not allowed"),
        ("post", "/api/check", {"data": "{oops", "content_type": "application/json"}, 400, "not valid JSON"),
        ("post", "/api/check", {"json": {"name": "x.txt"}}, 400, "draft"),
    ],
)
def test_api_bad_input_is_json_4xx_and_server_keeps_serving(client, method, url, kwargs, status, fragment):
    r = getattr(client, method)(url, **kwargs)
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/json"
    assert fragment.lower() in r.get_json()["error"].lower()
    assert client.get("/api/search", query_string={"q": "燃气"}).status_code == 200


@pytest.fixture(scope="module")
def small_client(kb_settings, searcher):
    """An app with a 100 kB upload limit: oversized bodies stay small enough that
    werkzeug's test client builds them in memory (it spools larger ones to a temp file)."""
    from plankb.web import create_app

    return create_app(dataclasses.replace(kb_settings, max_upload_bytes=100_000), searcher=searcher).test_client()


def test_oversized_upload_is_413_json(small_client):
    big = io.BytesIO(b"a" * 300_000)
    r = small_client.post("/api/check", data={"file": (big, "big.txt")}, content_type="multipart/form-data")
    assert r.status_code == 413
    assert "limit of 100000 bytes" in r.get_json()["error"]
    r = small_client.post("/api/check", data=json.dumps({"text": "x" * 300_000}), content_type="application/json")
    assert r.status_code == 413
    assert small_client.get("/api/health").get_json()["status"] == "ok"


def test_upload_just_over_the_file_limit_is_413_even_inside_the_envelope(small_client):
    r = small_client.post("/api/check", data={"file": (io.BytesIO(b"a" * 100_001), "big.txt")}, content_type="multipart/form-data")
    assert r.status_code == 413 and "limit of 100000 bytes" in r.get_json()["error"]


def test_oversized_form_upload_is_a_413_page(small_client):
    r = small_client.post("/check", data={"file": (io.BytesIO(b"a" * 300_000), "big.txt")}, content_type="multipart/form-data")
    assert r.status_code == 413
    assert "文件太大" in r.get_data(as_text=True)


def test_form_post_without_csrf_token_is_refused(client):
    r = client.post("/check", data={"text": "草案"})
    assert r.status_code == 400
    assert "CSRF" in html(r)
    r = client.post("/check", data={"text": "草案", "csrf_token": "forged"})
    assert r.status_code == 400


def test_form_post_with_token_and_no_draft_explains(client):
    r = client.post("/check", data={"csrf_token": csrf(client), "text": "  "})
    assert r.status_code == 400
    assert "没有收到草案" in html(r)


def test_searcher_is_created_once_and_lazily(kb_settings, built_kb):
    from plankb.web import create_app

    app = create_app(kb_settings)
    services = app.extensions["plankb"]
    client = app.test_client()
    assert client.get(f"/documents/{MASTER}").status_code == 200
    assert client.get("/incidents").status_code == 200
    assert services._searcher is None  # reading needs no model
    seen = []
    barrier = threading.Barrier(6)

    def grab() -> None:
        barrier.wait()
        seen.append(services.searcher)

    threads = [threading.Thread(target=grab) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in seen}) == 1


def test_serve_command_registered_and_refuses_unbuilt_without_build(tmp_path):
    from click.testing import CliRunner

    import plankb.cmd_serve  # noqa: F401 - registers the command on the group
    from plankb.cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["serve", "--help"])
    assert res.exit_code == 0 and "--no-build" in res.output and "--port" in res.output
    res = runner.invoke(main, ["serve", "--no-build", "--data-dir", str(tmp_path / "empty")])
    assert res.exit_code == 1
    assert "plankb build" in res.output


def test_plankb_serve_starts_waitress_and_prints_the_url(kb_settings, built_kb):
    import os
    import subprocess
    import sys
    import urllib.request

    env = {**os.environ, "PLANKB_HOME": str(kb_settings.data_dir), "PLANKB_EMBEDDER": "hash"}
    code = "import plankb.cmd_serve; from plankb.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", code, "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert m, line + proc.stderr.read(2000) if proc.poll() is not None else line
        with urllib.request.urlopen(m.group(1) + "api/health", timeout=30) as r:
            assert json.loads(r.read())["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
