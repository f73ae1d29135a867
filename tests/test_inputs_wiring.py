"""What a file states reaches every entry point (issue 13 point 5).

A government web page built from corpus text (tests/fixtures_formats.py)
states its 文号 and date only in its 信息公开 block: ``plankb extract``,
``plankb ingest``, ``plankb check`` and the web check see them.  OCR
confidences reach the web document view as a 「OCR置信度低」 badge; the OCR
runs themselves are in tests/test_loaders_ocr.py and tests/test_ocr_check.py
(slow).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_formats import make_gov_html, master_plan_body

from plankb.cli import main
from plankb.extract.pipeline import FileMeta, Parsed
from plankb.kb.readmodels import file_extraction

DOC_NUMBER = "京政发〔2021〕19号"  # in the page's 信息公开 block, not in the plan text


@pytest.fixture(scope="module")
def gov_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gov_html(tmp_path_factory.mktemp("wiring") / "page.html", master_plan_body())


def test_file_extraction_uses_the_page_metadata(gov_page: Path) -> None:
    assert DOC_NUMBER not in gov_page.read_text(encoding="utf-8").split('class="article"')[1]
    view = file_extraction(gov_page, gov_page.name, with_facts=False)
    assert view["source"]["kind"] == "html" and view["source"]["ocr"] is False
    (plan,) = [d for d in view["documents"] if d["title"] == "北京市突发事件总体应急预案"]
    assert plan["doc_number"] == DOC_NUMBER
    assert plan["issuer"] == "北京市人民政府"
    assert "ocr_confidence" not in plan["clauses"][0]


def test_cli_extract_and_ingest_use_the_page_metadata(gov_page: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    home = ["--data-dir", str(tmp_path / "kb")]
    out = runner.invoke(main, ["extract", str(gov_page), "--json", "--no-facts", *home], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    docs = json.loads(out.stdout)["documents"]
    assert DOC_NUMBER in {d["doc_number"] for d in docs}
    out = runner.invoke(main, ["ingest", str(gov_page), "--json", *home], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    out = runner.invoke(main, ["docs", "--json", *home], catch_exceptions=False)
    assert DOC_NUMBER in {d["doc_number"] for d in json.loads(out.stdout)}
    for cmd in ("ingest", "extract", "check"):
        assert "--ocr" in runner.invoke(main, [cmd, "--help"]).output


def test_check_reads_the_page_metadata(gov_page: Path, master: Parsed) -> None:
    from plankb.checker import MasterPlan, check_bytes, check_path

    plan = MasterPlan(master.document, master.clauses)
    report = check_path(gov_page, plan, retriever=None)
    assert report.document["doc_number"] == DOC_NUMBER
    # A web upload goes through check_bytes (web/checkrun.py): the same document fields.
    report = check_bytes(gov_page.read_bytes(), "upload.htm", plan, retriever=None)
    assert report.document["doc_number"] == DOC_NUMBER


def test_document_view_marks_low_confidence_clauses(tmp_path: Path) -> None:
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.settings import Settings
    from plankb.web import create_app

    settings = Settings(data_dir=tmp_path / "kb", embedder="hash", secret_key="test")
    raw = "北京市某区突发事件总体应急预案\n1 总则\n1.1 编制目的\n为了做好应急工作。\n1.2 适用范围\n本预案适用于本区。"
    # Line confidences as the OCR loader gives them: line 4 is a poor read.
    conf = tuple(0.62 if n == 3 else 0.99 for n in range(raw.count("\n") + 1))
    kb = KnowledgeBase(settings)
    with kb.writing():
        res = kb.ingest_text(raw, "scan.pdf", FileMeta(line_confidence=conf, page_starts=(0,)))
        kb.store.set_value("master_doc", res.documents[0])  # the web app needs a master plan
    kb.close()
    page = create_app(settings).test_client().get(f"/documents/{res.documents[0]}").get_data(as_text=True)
    assert page.count("OCR置信度低") == 1
    at = page.index("OCR置信度低")
    assert 'title="OCR置信度 0.62' in page[at - 120 : at]
    assert page.rindex("为了做好应急工作", 0, at) > page.rindex("1.1 编制目的", 0, at)
