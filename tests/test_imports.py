"""Every plankb module imports on its own, first, in a fresh interpreter: no cycle hides behind statement order.

A cycle such as ``cli`` importing ``cmd_check`` which imports ``main`` back from ``cli`` works only when ``cli`` is
imported first.  So each module is imported with every plankb module purged from ``sys.modules`` beforehand (third-party
modules stay loaded: they cannot take part in our cycles), in two orders, in a subprocess.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("extract", "kb", "checker", "quiz", "web", "plankb")

SCRIPT = r"""
import importlib, json, sys, traceback
failed = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m == "plankb" or m.startswith("plankb.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:  # report every failing module, not only the first
        failed[name] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
print(json.dumps(failed))
"""


def modules() -> list[str]:
    out = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            if parts[-1] == "__main__":
                continue  # runs the command line
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join(parts if parts[0] == "plankb" else ("plankb", *parts))
            out.append(name)
    return out


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_every_module_imports_first_in_isolation(order):
    names = modules()
    assert "plankb.cmd_check" in names and "plankb.kb.search" in names
    if order == "backward":
        names.reverse()
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(names)], capture_output=True, text=True, cwd=REPO,
                         check=True)
    failed = json.loads(out.stdout.strip().splitlines()[-1])
    assert failed == {}


def test_nothing_imports_the_cli_module():
    """Command modules import the leaf ``plankb.cli_base``; only ``__main__`` imports ``plankb.cli``."""
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if path.name == "__main__.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom):
                    names = [f"{node.module}"] if node.level == 0 else [f".{node.module or ''}"]
                    names += [f"{node.module}.{a.name}" for a in node.names] if node.level == 0 else []
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                assert not {"plankb.cli", ".cli"} & set(names), f"{path.relative_to(REPO)} imports the CLI module"
