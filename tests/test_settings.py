"""Settings: every PLANKB_* variable is a field with a parser; defaults < TOML < environment < CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from plankb.cli import main
from plankb.extract import config
from plankb.extract.errors import InputError
from plankb.kb.settings import FIELDS, Settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No PLANKB_* variable from the outside; data and caches in tmp_path."""
    for f in FIELDS.values():
        monkeypatch.delenv(f.metadata["env"], raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield monkeypatch
    config.configure(gazetteer=(), cache_dir=config.default_cache_dir())


def test_every_field_has_an_env_var_a_parser_and_help():
    envs = [f.metadata["env"] for f in FIELDS.values()]
    assert len(set(envs)) == len(envs) and all(e.startswith("PLANKB_") for e in envs)
    assert {"PLANKB_GAZETTEER", "PLANKB_CACHE_DIR", "PLANKB_MODEL_CACHE", "PLANKB_EMBED_MODEL"} <= set(envs)
    assert all(callable(f.metadata["parse"]) and f.metadata["help"] for f in FIELDS.values())


def test_no_module_reads_a_plankb_variable_except_the_settings():
    """The environment is parsed in one place; everything else gets values from Settings."""
    read = re.compile(r"environ(?:\.get)?\(?\[?\s*[\"']PLANKB_|getenv\(\s*[\"']PLANKB_")
    offenders = [
        str(path.relative_to(REPO))
        for package in ("extract", "kb", "checker", "quiz", "web", "plankb")
        for path in (REPO / package).rglob("*.py")
        if path.name != "settings.py" and read.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_one_cache_root(clean_env, tmp_path):
    s = Settings.load()
    assert s.cache_dir == tmp_path / "cache" / "plankb"
    assert s.model_cache == s.cache_dir / "models"
    clean_env.setenv("PLANKB_CACHE_DIR", str(tmp_path / "c"))
    s = Settings.load()
    assert (s.cache_dir, s.model_cache) == (tmp_path / "c", tmp_path / "c" / "models")
    s.apply()
    from plankb.extract.tokenizer import cache_dir

    assert cache_dir() == tmp_path / "c" / "jieba"
    clean_env.setenv("PLANKB_MODEL_CACHE", str(tmp_path / "m"))
    assert Settings.load().model_cache == tmp_path / "m"


def test_precedence_defaults_toml_env_options(clean_env, tmp_path):
    home = tmp_path / "kb"
    home.mkdir()
    assert Settings.load(data_dir=home).max_k == 100
    (home / "plankb.toml").write_text('max_k = 7\nmax_quiz = 9\nembedder = "hash"\ngazetteer = ["more.yaml"]\n', "utf-8")
    s = Settings.load(data_dir=home)
    assert (s.max_k, s.max_quiz, s.embedder, s.config_file) == (7, 9, "hash", home / "plankb.toml")
    assert s.gazetteer == (home / "more.yaml",)  # relative to the file
    clean_env.setenv("PLANKB_MAX_K", "8")
    assert Settings.load(data_dir=home).max_k == 8
    assert Settings.load(data_dir=home, max_k=5).max_k == 5
    clean_env.setenv("PLANKB_HOME", str(home))  # the TOML file follows the data directory from the environment
    assert Settings.load().max_quiz == 9
    other = tmp_path / "other.toml"
    other.write_text("max_quiz = 3\n", "utf-8")
    clean_env.setenv("PLANKB_CONFIG", str(other))
    assert Settings.load().max_quiz == 3


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("PLANKB_MAX_UPLOAD_BYTES", "20MB", "[E026] environment: PLANKB_MAX_UPLOAD_BYTES='20MB' is not valid: not a whole number"),
        ("PLANKB_MAX_K", "0", "PLANKB_MAX_K='0' is not valid: must be greater than 0"),
        ("PLANKB_HOME", " ", "PLANKB_HOME=' ' is not valid: an empty path"),
        ("PLANKB_EMBEDDER", "", "PLANKB_EMBEDDER='' is not valid: empty"),
        ("PLANKB_CONFIG", "/nonexistent/plankb.toml", "[E001] /nonexistent/plankb.toml: file not found"),
    ],
)
def test_a_bad_value_is_an_input_error(clean_env, var, value, message):
    clean_env.setenv(var, value)
    with pytest.raises(InputError) as err:
        Settings.load()
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("max_k = \n", "not a valid TOML settings file"),
        ("max_results = 3\n", "unknown setting 'max_results'; the settings are: data_dir, corpus_dir"),
        ('max_upload_bytes = "20MB"\n', "max_upload_bytes='20MB' is not valid"),
        ("[web]\nport = 1\n", "unknown setting 'web'"),
        ("max_k = {a = 1}\n", "max_k={'a': 1} is not valid: not a single value or list"),
    ],
)
def test_a_bad_toml_file_is_an_input_error(clean_env, tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        Settings.load(config_file=path)


def test_cli_reports_a_bad_value_in_one_line(clean_env, tmp_path):
    clean_env.setenv("PLANKB_MAX_UPLOAD_BYTES", "20MB")
    result = CliRunner().invoke(main, ["docs", "--data-dir", str(tmp_path / "kb")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: [E026] environment: PLANKB_MAX_UPLOAD_BYTES='20MB' is not valid: "
        "not a whole number (write 20000000, not 20MB)."
    ]
    # The installed command, as a user runs it: stderr one line, no traceback.
    env = {**os.environ, "PLANKB_MAX_UPLOAD_BYTES": "20MB"}
    out = subprocess.run([sys.executable, "-m", "plankb", "docs", "--json"], capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.strip().startswith("error: [E026] ") and len(out.stderr.strip().splitlines()) == 1


def test_cli_options_win_over_the_environment(clean_env, tmp_path):
    clean_env.setenv("PLANKB_HOME", str(tmp_path / "env-kb"))
    (tmp_path / "opt.toml").write_text("max_k = 2\n", "utf-8")
    result = CliRunner().invoke(main, ["docs", "--data-dir", str(tmp_path / "opt-kb"), "--config", str(tmp_path / "opt.toml")])
    assert result.exit_code == 1
    assert "opt-kb" in result.output and "env-kb" not in result.output  # "not built in <dir>"


def test_gazetteer_setting_reaches_extract(clean_env, tmp_path):
    extra = tmp_path / "more.yaml"
    clean_env.setenv("PLANKB_GAZETTEER", os.pathsep.join([str(extra), str(tmp_path / "b.yaml")]))
    Settings.load().apply()
    assert config.current().gazetteer == (extra, tmp_path / "b.yaml")
