"""Checking a draft through the page and /api/check (skipped until the checker exists).

The draft is ours: a district plan whose detailed-information limit (4 小时)
is longer than the master plan's "最迟不得晚于事件发生后 2 小时报送"
(master plan 4.1.4, corpus l.605), and whose first-report limit (20 分钟) is
stricter than the master's 30 分钟 (4.1.5, l.609) and so consistent.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest

checker = pytest.importorskip("checker")
if not hasattr(checker, "check_bytes"):
    pytest.skip("the checker package is not built yet (no checker.check_bytes)", allow_module_level=True)

DRAFT = """北京市怀柔区突发事件总体应急预案（征求意见稿）

4 应急处置与救援
4.1 信息报送
4.1.1 对于能够判定为较大及以上突发事件等级的，事发地街道（乡镇）和区相关部门要立即报告区委值班室和区应急办，详细信息最迟不得晚于事件发生后4小时报送。
4.1.2 对于暂时无法判明等级的突发事件，应迅速核实，最迟不晚于接报后20分钟向区委值班室和区应急办报告。
"""


@pytest.fixture(scope="module")
def client(kb_settings, built_kb):
    from plankb.kb.search import Searcher
    from plankb.web import create_app

    app = create_app(dataclasses.replace(kb_settings, max_upload_bytes=2_000_000), searcher=Searcher(built_kb))
    return app.test_client()


def _timeline_conflict(findings: list[dict]) -> dict:
    return next(f for f in findings if f["type"] == "timeline" and f["verdict"] == "conflict")


def test_api_check_json_text(client):
    r = client.post("/api/check", json={"text": DRAFT, "name": "draft.txt"})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    data = r.get_json()
    f = _timeline_conflict(data["findings"])
    span = f["sub_span"]
    assert "4小时" in data["input_text"][span["start"] : span["end"]]
    assert f["master_clause_id"] == "gaz2021-2:4.1.4"
    # the stricter 20-minute limit is not a conflict
    assert not any(f["verdict"] == "conflict" and "20分钟" in f["sub_quote"] and f["type"] == "timeline" for f in data["findings"])


def test_api_check_docx_upload_is_sniffed_by_content(client):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in DRAFT.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    # named .txt on purpose: the type comes from the bytes (a ZIP with word/document.xml)
    r = client.post("/api/check", data={"file": (io.BytesIO(buf.getvalue()), "draft.txt")}, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert _timeline_conflict(r.get_json()["findings"])["master_clause_id"] == "gaz2021-2:4.1.4"


@pytest.mark.parametrize(
    "payload, name, fragment",
    [
        # a PNG signature is sniffed as a page image (OCR input); with no image behind it, it is damaged
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "draft.docx", "PNG image cannot be opened (not a readable image)"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "draft.pdf", "binary"),
        (b"%PDF-1.4\n% broken and truncated", "draft.pdf", "PDF"),
        (b"PK\x03\x04 not really a zip", "draft.docx", "DOCX"),
    ],
)
def test_api_check_wrong_file_type_is_400(client, payload, name, fragment):
    r = client.post("/api/check", data={"file": (io.BytesIO(payload), name)}, content_type="multipart/form-data")
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert fragment in r.get_json()["error"]
    assert client.get("/api/health").status_code == 200


def test_api_check_formats_and_master(client):
    r = client.post("/api/check?format=md", json={"text": DRAFT})
    assert r.status_code == 200 and r.mimetype == "text/markdown" and "4小时" in r.get_data(as_text=True)
    r = client.post("/api/check", json={"text": DRAFT, "format": "html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    r = client.post("/api/check", json={"text": DRAFT, "format": "pdf"})
    assert r.status_code == 400
    r = client.post("/api/check", json={"text": DRAFT, "master": "pg-3"})
    assert r.status_code == 200 and r.get_json()["master"]["id"] == "pg-3"
    r = client.post("/api/check", json={"text": DRAFT, "master": "fyp14-2"})  # a programme, not a master plan
    assert r.status_code == 404


def test_check_page_flow_highlights_conflict_and_downloads(client, built_kb, kb_settings):
    before = built_kb.store.counts()
    files_before = sorted(p.name for p in kb_settings.data_dir.rglob("*"))
    page = client.get("/check").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/check", data={"csrf_token": token, "text": DRAFT, "master": "gaz2021-2"})
    assert r.status_code == 303
    report_url = r.headers["Location"]
    assert re.fullmatch(r"/check/r/[\w-]{24}", report_url)
    page = client.get(report_url).get_data(as_text=True)
    marks = re.findall(r'<mark class="([^"]*)"[^>]*>([^<]*)</mark>', page)
    assert any("v-conflict" in cls and "4小时" in text for cls, text in marks)
    assert "<svg class=\"chart\"" in page and "2小时" in page
    for fmt, mimetype in (("html", "text/html"), ("md", "text/markdown"), ("json", "application/json")):
        d = client.get(f"{report_url}/download/{fmt}")
        assert d.status_code == 200 and d.mimetype == mimetype
        assert d.headers["Content-Disposition"] == f"attachment; filename=plankb-check-report.{fmt}"
        assert "4小时" in d.get_data(as_text=True)
    assert client.get(f"{report_url}/download/exe").status_code == 400
    assert client.get("/check/r/AAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/check/r/..%2F..%2Fetc").status_code == 404
    # the draft never reached the knowledge base or the disk
    assert built_kb.store.counts() == before
    assert sorted(p.name for p in kb_settings.data_dir.rglob("*")) == files_before


def test_check_page_wrong_type_keeps_the_form_with_a_message(client):
    page = client.get("/check").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post(
        "/check",
        data={"csrf_token": token, "file": (io.BytesIO(b"\x7fELF\x02\x01\x01" + b"\x00" * 100), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    assert "看起来是二进制文件" in text and 'id="check-form"' in text


def test_report_cache_is_bounded():
    from plankb.web.checkrun import ReportCache

    class R:
        input_text = "x" * 10

    cache = ReportCache(max_items=3, max_chars=25)
    tokens = [cache.put(R(), "d.txt") for _ in range(4)]
    with pytest.raises(Exception, match="expired"):
        cache.get(tokens[0])  # evicted by count and size
    assert cache.get(tokens[-1]).name == "d.txt"


def test_markdown_report_keeps_clause_numbers_apart_and_counts_like_json(client):
    r = client.post("/api/check", json={"text": DRAFT, "name": "draft.txt", "format": "json"})
    data = r.get_json()
    md = client.post("/api/check", json={"text": DRAFT, "name": "draft.txt", "format": "md"}).get_data(as_text=True)
    assert not re.search(r"\d+\.\d+(?:\.\d+)*[\u4e00-\u9fff]", md), re.search(r".{10}\d+\.\d+\.\d+[\u4e00-\u9fff].{5}", md)
    assert re.search(r"\d+\.\d+\.\d+ [\u4e00-\u9fff]", md)  # '4.1.1 对于…' quoted with its number
    by = data["summary"]["by_verdict"]
    assert f"冲突 {by['conflict']} 项，需复核 {by['review']} 项，一致 {by['consistent']} 项" in md
