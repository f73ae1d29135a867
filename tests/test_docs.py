"""README.md documents every CLI command (datasette's test_docs is the model)."""

from __future__ import annotations

from pathlib import Path

from plankb.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    missing = [name for name in main.commands if f"plankb {name}" not in README]
    assert not missing


def test_every_setting_is_in_the_readme_table():
    from plankb.kb.settings import FIELDS

    rows = [line for line in README.splitlines() if line.startswith("| `")]
    missing = [name for name, f in FIELDS.items()
               if not any(f"`{name}`" in r and f"`{f.metadata['env']}`" in r for r in rows)]
    assert not missing


def test_readme_gives_the_two_setup_commands_and_ci_uses_the_test_one():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/setup.sh && .venv/bin/plankb serve" in README
    assert "bash scripts/setup.sh --dev && .venv/bin/python -m pytest -q" in README
    assert "bash scripts/setup.sh --dev" in ci and ".venv/bin/python -m pytest -q" in ci
