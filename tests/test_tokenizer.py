"""One jieba tokenizer (extract/tokenizer.py) for spaCy, the taxonomy, the whoosh analyzer and ask (issue 15)."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Real sentences: master plan 2.3.6 row 20, 4.1.4, and questions as users type them.
TEXTS = [
    "20\t燃气事故\t市城市管理委",
    "事发地区政府、市有关部门和单位要在2小时内向市委、市政府书面报告。",
    "楼里一股煤气味归谁管",
    "市应急局、市水务局、市交通委负责地铁停运后的客流疏导",
]

# Segment the texts with every user of jieba, after importing the modules in the given order.
SCRIPT = r"""
import importlib, json, sys
order, texts = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for name in order:
    importlib.import_module(name)
from plankb.extract.nlp import pipeline
from plankb.extract.taxonomy import load_taxonomy
from plankb.extract.tokenizer import tokenizer
from plankb.kb.analyzer import chinese_analyzer
import jieba
out = {
    "spacy": [[t.text for t in pipeline()(s)] for s in texts],
    "whoosh": [[(t.text, t.pos, t.startchar) for t in chinese_analyzer()(s, positions=True, chars=True)] for s in texts],
    "tokenizer": [tokenizer().lcut(s) for s in texts],
    "taxonomy": [t.row for s in texts for t, _ in load_taxonomy().match(s)[:1]],
    "global_jieba_untouched": not jieba.dt.initialized,
}
print(json.dumps(out, ensure_ascii=False))
"""

ORDERS = [
    ["plankb.extract.nlp", "plankb.kb.analyzer", "plankb.kb.keyword"],
    ["plankb.kb.keyword", "plankb.kb.analyzer", "plankb.extract.taxonomy", "plankb.extract.nlp"],
]


def _run(order: list[str], cache: Path, first: str) -> dict:
    """A fresh interpreter that imports ``order`` and uses ``first`` (spaCy or whoosh) before the rest."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    code = SCRIPT.replace("out = {", f"_ = {first}\nout = {{")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(order), json.dumps(TEXTS, ensure_ascii=False)],
                         capture_output=True, text=True, env=env, cwd=REPO, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_segmentation_does_not_depend_on_import_order(tmp_path):
    a = _run(ORDERS[0], tmp_path / "a", "pipeline()('地铁停运')")
    b = _run(ORDERS[1], tmp_path / "b", "list(chinese_analyzer()('地铁停运'))")
    assert a == b
    assert a["global_jieba_untouched"]  # nobody initialised jieba's process-global tokenizer
    assert a["tokenizer"][0] == ["20", "\t", "燃气事故", "\t", "市城市管理委"]
    assert "煤气味" in a["spacy"][2] and "市应急局" in a["tokenizer"][3]
    # the dictionary cache went to <cache root>/jieba, not to /tmp
    assert (tmp_path / "a" / "plankb" / "jieba" / "jieba.cache").is_file()


def test_spacy_and_whoosh_see_the_same_words():
    from plankb.extract.nlp import pipeline
    from plankb.extract.tokenizer import tokenizer
    from plankb.kb.analyzer import segment

    for text in TEXTS:
        words = tokenizer().lcut(text)
        assert [t.text for t in pipeline()(text) if t.text.strip()] == [w for w in words if w.strip()]
        kept = [w for w in words if any(c.isalnum() for c in w) and not re.fullmatch(r"[\u4e00-\u9fd5]", w)]
        assert [w for w, _, _ in segment(text)] == kept


def test_user_dictionary_is_the_gazetteer_and_the_taxonomy():
    from plankb.extract.gazetteer import load_gazetteer
    from plankb.extract.tokenizer import user_dictionary

    words = set(user_dictionary())
    assert set(load_gazetteer().words()) <= words
    assert {"燃气事故", "煤气味", "森林火灾"} <= words


@pytest.mark.parametrize("package", ["extract", "kb", "checker", "quiz", "web", "plankb"])
def test_nothing_uses_the_global_jieba_tokenizer(package):
    """jieba.cut / lcut / add_word / tokenize on the module are process-global: only the shared instance is used."""
    used = {"cut", "lcut", "cut_for_search", "lcut_for_search", "add_word", "del_word", "tokenize", "load_userdict",
            "suggest_freq", "dt", "initialize", "set_dictionary", "get_DAG", "posseg"}
    for path in (REPO / package).rglob("*.py"):
        if path == REPO / "extract" / "tokenizer.py":
            continue  # the owner of the one instance
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "jieba":
                assert node.attr not in used, f"{path.relative_to(REPO)}:{node.lineno} uses jieba.{node.attr}"


def test_part_of_speech_tagging_uses_the_shared_dictionary():
    from plankb.extract.tokenizer import USER_WORD_TAG, pos_tokenizer, tokenizer

    pairs = [(p.word, p.flag) for p in pos_tokenizer().lcut("楼里一股煤气味，市城市管理委负责")]
    assert [w for w, _ in pairs] == tokenizer().lcut("楼里一股煤气味，市城市管理委负责")
    assert ("煤气味", USER_WORD_TAG) in pairs and ("市城市管理委", USER_WORD_TAG) in pairs
