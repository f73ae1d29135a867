"""The plankb command: JSON on stdout, messages on stderr, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import CORPUS, PINGGU_FILE
from plankb.cli import main


@pytest.fixture()
def run(kb_settings, built_kb):
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(main, [*args, "--data-dir", str(kb_settings.data_dir)], input=input, catch_exceptions=False)

    return invoke


def test_docs_json_lists_22_documents(run):
    res = run("docs", "--json")
    assert res.exit_code == 0
    docs = json.loads(res.stdout)
    assert len(docs) == 22
    assert {"id": "gaz2021-2", "doc_number": "京政发〔2021〕19号"}.items() <= next(d for d in docs if d["id"] == "gaz2021-2").items()


def test_show_clause_gives_source_lines(run):
    res = run("show", "gaz2021-2:4.1.5", "--json")
    assert res.exit_code == 0
    view = json.loads(res.stdout)
    assert view["source"]["first_line"] == 609  # 000 line 609 holds 4.1.5
    assert view["source"]["text"].startswith("4.1.5 对于暂时无法判明等级")
    kinds = {f["fact"] for f in view["facts"]}
    assert {"deadline", "actor"} <= kinds


def test_show_document_outline(run):
    res = run("show", "pg-3", "--json")
    outline = json.loads(res.stdout)["outline"]
    assert outline[0]["text"] == "1 总则"
    assert any(h["text"] == "4.1 信息报送" for h in outline)


def test_unknown_id_is_one_line_on_stderr_and_exit_1(run):
    res = run("show", "nope-1")
    assert res.exit_code == 1
    assert res.stdout == ""
    assert res.stderr.count("\n") == 1 and "plankb docs" in res.stderr


def test_extract_from_stdin_without_storing(run, kb_settings):
    before = run("docs", "--json").stdout
    text = (CORPUS / PINGGU_FILE).read_text(encoding="utf-8")
    res = run("extract", "-", "--json", input=text.encode("utf-8"))
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert len(out["documents"]) == 7
    assert run("docs", "--json").stdout == before


def test_extract_reports_bad_input(run, tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("")
    res = run("extract", str(f), "--json")
    assert res.exit_code == 1 and "empty" in res.stderr and res.stdout == ""


def test_not_built_knowledge_base_says_how_to_build(tmp_path):
    res = CliRunner().invoke(main, ["docs", "--data-dir", str(tmp_path / "none")])
    assert res.exit_code == 1 and "plankb build" in res.stderr


def test_build_is_idempotent_and_reports_json(run):
    res = run("build", "--json")
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    assert {f["status"] for f in report["files"]} == {"unchanged"}
    assert report["counts"]["documents"] == 22


def test_facts_json_by_kind(run):
    res = run("facts", "gaz2021-2", "--kind", "deadline", "--json")
    rows = json.loads(res.stdout)
    assert any(r["value"] == "PT2H" and r["clause_id"] == "gaz2021-2:4.1.4" for r in rows)
    assert all(r["fact"] == "deadline" for r in rows)
