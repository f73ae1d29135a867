"""`plankb quiz`: filters, the max_quiz cap, the written file and one-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import plankb.cmd_quiz  # noqa: F401  (registers the command until cli.py imports it)
from plankb.cli import main


@pytest.fixture()
def run(kb_settings, built_kb):
    def invoke(*args: str):
        return CliRunner().invoke(main, ["quiz", *args, "--data-dir", str(kb_settings.data_dir)], catch_exceptions=False)

    return invoke


def test_quiz_writes_the_file_and_reports_json(run, tmp_path):
    out = tmp_path / "q.json"
    res = run("--n", "12", "--types", "mcq,tf,cloze", "--topic", "信息报送", "--doc", "gaz2021-2", "--doc", "pg-3",
              "--seed", "3", "--format", "json", "-o", str(out), "--json")
    assert res.exit_code == 0, res.stderr
    summary = json.loads(res.stdout)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert summary["count"] == data["count"] == len(data["questions"]) > 0
    assert {q["type"] for q in data["questions"]} <= {"mcq", "tf", "cloze"}
    assert {q["topic"] for q in data["questions"]} == {"信息报送"}
    assert {q["doc_id"] for q in data["questions"]} <= {"gaz2021-2", "pg-3"}


def test_quiz_caps_n_at_max_quiz(run, tmp_path, kb_settings):
    out = tmp_path / "q.gift.txt"
    res = run("--n", str(kb_settings.max_quiz + 50), "--format", "gift", "-o", str(out), "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["requested"] == kb_settings.max_quiz
    assert "more than the limit" in res.stderr
    assert out.read_text(encoding="utf-8").startswith("// ")


def test_quiz_errors_are_one_line(run, tmp_path):
    for args in (("--topic", "天气"), ("--types", "essay"), ("--doc", "nope-1")):
        res = run(*args, "--format", "json", "-o", str(tmp_path / "x.json"))
        assert res.exit_code == 1 and res.stdout == ""
        assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ")
    res = run("--format", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert res.exit_code == 2  # a usage error: click lists the formats


def test_quiz_aiken_says_what_it_left_out(run, tmp_path):
    out = tmp_path / "q.aiken.txt"
    res = run("--n", "15", "--seed", "7", "--format", "aiken", "-o", str(out), "--json")
    assert res.exit_code == 0, res.stderr
    summary = json.loads(res.stdout)
    by_type = summary["by_type"]
    assert summary["left_out"] == {t: by_type[t] for t in ("multi", "cloze") if by_type.get(t)}
    left = sum(summary["left_out"].values())
    assert left > 0 and f"Aiken left out {left} of {summary['count']} questions" in res.stderr
    blocks = out.read_text(encoding="utf-8").strip().split("\n\n")
    # mcq and tf one block each, matching one block per pair
    assert len(blocks) >= by_type.get("mcq", 0) + by_type.get("tf", 0) + 3 * by_type.get("matching", 0)


def test_quiz_docx_with_title(run, tmp_path):
    import docx

    out = tmp_path / "paper.docx"
    res = run("--n", "8", "--format", "docx", "--title", "值班员岗前测验", "-o", str(out), "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["title"] == "值班员岗前测验"
    d = docx.Document(str(out))
    assert d.paragraphs[0].text == "值班员岗前测验"
    assert any(p.text == "值班员岗前测验 · 答案与解析" for p in d.paragraphs)
