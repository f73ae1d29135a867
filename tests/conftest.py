"""Shared fixtures: the real corpus, parsed once per session, and a built KB."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest

from plankb.extract.pipeline import Parsed, parse_text
from plankb.kb.corpus import load_manifest

# CLI commands under test read the embedder from the environment: the session
# knowledge base is built with the fast deterministic one, so they must use it
# too (tests of the real model pass embedder="e5" explicitly).
os.environ.setdefault("PLANKB_EMBEDDER", "hash")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
MASTER_FILE = "beijing-gazette-2021-31-master-plan.txt"
FYP14_FILE = "beijing-14th-five-year-emergency-plans-2021.txt"
FYP13_FILE = "beijing-13th-five-year-emergency-system-plan-2016.txt"
PINGGU_FILE = "pinggu-district-documents-2021-2022.txt"
TONGZHOU_FILE = "tongzhou-15th-five-year-emergency-plan.txt"


@pytest.fixture(scope="session")
def raw_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}


@pytest.fixture(scope="session")
def corpus_parsed(raw_texts: dict[str, str]) -> dict[str, list[Parsed]]:
    return {cf.path.name: parse_text(raw_texts[cf.path.name], cf.path.name, cf.meta) for cf in load_manifest(CORPUS)}


@pytest.fixture(scope="session")
def master(corpus_parsed: dict[str, list[Parsed]]) -> Parsed:
    (doc,) = [p for p in corpus_parsed[MASTER_FILE] if p.document.title == "北京市突发事件总体应急预案（2021年修订）"]
    return doc


@pytest.fixture(scope="session")
def pinggu(corpus_parsed: dict[str, list[Parsed]]) -> Parsed:
    (doc,) = [p for p in corpus_parsed[PINGGU_FILE] if p.document.doc_number == "京平政发〔2022〕2号"]
    return doc


@pytest.fixture(scope="session")
def kb_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings for a knowledge base built from the real corpus (hash embedder)."""
    from plankb.kb.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("kb"), corpus_dir=CORPUS, embedder="hash")


@pytest.fixture(scope="session")
def built_kb(kb_settings):
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.build import build_all

    build_all(kb_settings)
    kb = KnowledgeBase(kb_settings)
    yield kb
    kb.close()


@functools.cache
def corpus_compact() -> str:
    """All corpus files without whitespace, Word bookmarks or page numbers:
    golden tests check that their inputs are real corpus text against it."""
    parts = []
    for p in sorted(CORPUS.glob("*.txt")):
        t = re.sub(r"\[bookmark: [^\]]*\]", "", p.read_text(encoding="utf-8"))
        t = re.sub(r"(?m)^\s*[—-]\s*\S+\s*[—-]\s*$", "", t)
        parts.append(re.sub(r"\s+", "", t))
    return "\n".join(parts)


def pinggu_table_rows(first: int = 835, last: int = 974) -> list[tuple[int, str, str]]:
    """003's 2.3.6 table read straight from the file (lines ``first``-``last``):
    'N event dept' on one line, or cells wrapped over several.  A wrapped
    department cell starts with 区 once the event's brackets are closed.
    Tests compare the parser and the YAML data against this independent reading."""
    raw = (CORPUS / PINGGU_FILE).read_text(encoding="utf-8").splitlines()[first - 1 : last]
    rows: list[list] = []
    for ln in raw:
        s = ln.strip()
        if not s or s.startswith("序号") or s.endswith("类") or re.fullmatch(r"[—-]\s*\d+\s*[—-]", s):
            continue
        m = re.match(r"^(\d+)(?:\s+(\S+))?(?:\s+(\S+))?$", s)
        if m:
            rows.append([int(m.group(1)), m.group(2) or "", m.group(3) or ""])
            continue
        row = rows[-1]
        dept_starts = s.startswith("区") and row[1] and row[1].count("（") == row[1].count("）")
        row[1 if not row[2] and not dept_starts else 2] += s
    return [(n, t, d) for n, t, d in rows]
