"""The distribution installs one top-level name, ``plankb``, and works from a wheel (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: hatchling comes with the dev extra, so this needs no index.
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (whl,) = out.glob("plankb-*.whl")
    return whl


def test_wheel_has_one_top_level_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"plankb", f"{wheel.name.split('-py')[0]}.dist-info"}
    # package data and the corpus are inside the namespace
    for needed in ("plankb/extract/data/orgs.yaml", "plankb/web/templates/base.html",
                   "plankb/web/static/style.css", "plankb/corpus/manifest.toml", "plankb/kb/search.py"):
        assert needed in names


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_builds_and_answers(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies come from the project's venv (a path entry only: its .pth files,
    # among them the editable install of this checkout, are not processed).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(wheel)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    env = {**os.environ, "PLANKB_EMBEDDER": "hash", "PLANKB_HOME": str(tmp_path / "kb")}
    env.pop("PLANKB_CORPUS", None)
    where = subprocess.run([py, "-c", "import plankb.kb.search as m; print(m.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, env=env, check=True).stdout
    assert where.startswith(str(site)), where  # the wheel's copy, not the checkout
    plankb = venv / "bin" / "plankb"
    build = subprocess.run([plankb, "build", "--json"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert build.returncode == 0, build.stderr
    ans = subprocess.run([plankb, "who-leads", "燃气泄漏", "--json"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert ans.returncode == 0, ans.stderr
    assert "市城市管理委" in json.dumps(json.loads(ans.stdout), ensure_ascii=False)
