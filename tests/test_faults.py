"""Fault suite (issue 17): what a careless or hostile user did to plankb, reproduced.

Each test names the numbered failure of the issue it reproduces.  Writers
are real ``plankb`` processes; faults are real where the machine allows it
(a read-only bind mount, a full tmpfs when running as root) and otherwise
injected at a named point of the write path through ``PLANKB_FAULT``
(kb/faults.py).  The longer run is ``bench/faults.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS, MASTER_FILE

MASTER_TITLE = "北京市突发事件总体应急预案（2021年修订）"
DRAFT = "4.1 信息报送\n4.1.4 详细信息最迟不得晚于事件发生后 {n} 小时报送。\n4.1.5 较大突发事件由区应急委负责处置。\n"


# -- helpers -----------------------------------------------------------------------


def cli(data: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``plankb ARGS --data-dir DATA`` in its own process (hash embedder)."""
    full = {**os.environ, "PLANKB_EMBEDDER": "hash", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "plankb", *args, "--data-dir", str(data)],
        capture_output=True, text=True, env=full, timeout=timeout,
    )


def run(data: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """The same command in this process (click's runner): for the commands that
    follow a fault, which need no process of their own."""
    from click.testing import CliRunner

    from plankb.cli import main

    res = CliRunner().invoke(main, [*args, "--data-dir", str(data)], env={"PLANKB_EMBEDDER": "hash", **(env or {})})
    res.returncode = res.exit_code
    return res


def one_line_error(res: Any) -> str:
    """The run failed with exactly one line on stderr and no traceback."""
    assert res.returncode == 1, (res.returncode, res.stderr[-2000:])
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, res.stderr
    return lines[0]


def temp_files(data: Path) -> list[str]:
    """Temporary builds of either layout left in a data directory."""
    found = [p for p in data.rglob("*") if p.name.startswith((".build-", ".keyword.build-", ".keyword.old-", ".vectors-"))]
    return sorted(str(p.relative_to(data)) for p in found)


def state(data: Path) -> dict:
    """Documents, generations and whether search works, read in this process."""
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.indexes import check_consistency
    from plankb.kb.settings import Settings

    kb = KnowledgeBase(Settings(data_dir=data, embedder="hash"))
    try:
        check_consistency(kb)
        return {
            "docs": sorted(d.id for d in kb.documents()),
            "files": sorted(f["name"] for f in kb.store.files()),
            "generation": kb.store.generation(),
            "index_generation": int(kb.store.value("index_generation", "0")),
        }
    finally:
        kb.close()


def search_ids(data: Path, query: str) -> list[str]:
    res = run(data, "search", query, "-k", "5", "--json")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Traceback" not in res.stderr
    return [h["clause_id"] for h in json.loads(res.stdout)["hits"]]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The master-plan file alone, with its manifest entry (ids gaz2021-1..3)."""
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(CORPUS / MASTER_FILE, corpus / MASTER_FILE)
    (corpus / "manifest.toml").write_text(
        f'[[file]]\npath = "{MASTER_FILE}"\nkey = "gaz2021"\njurisdiction = "北京市"\nlevel = "municipal"\n'
        f'master = "{MASTER_TITLE}"\n',
        encoding="utf-8",
    )
    return corpus


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory, small_corpus: Path) -> Path:
    from plankb.kb.build import build_all
    from plankb.kb.settings import Settings

    data = tmp_path_factory.mktemp("small") / "kb"
    build_all(Settings(data_dir=data, corpus_dir=small_corpus, embedder="hash"))
    return data


@pytest.fixture()
def data(small_kb: Path, tmp_path: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the small knowledge base; the CLI's corpus is the small one."""
    monkeypatch.setenv("PLANKB_CORPUS", str(small_corpus))
    target = tmp_path / "kb"
    shutil.copytree(small_kb, target)
    return target


# -- 1, 2: identity and id collisions ------------------------------------------------


def test_same_named_file_from_elsewhere_is_stored_beside_the_corpus_file(data, tmp_path):
    """Issue 17.1: a draft named like the master-plan file no longer replaces it."""
    draft = tmp_path / "sub" / MASTER_FILE
    draft.parent.mkdir()
    draft.write_text((CORPUS / MASTER_FILE).read_text(encoding="utf-8").replace("市城市管理委", "市燃气办"), encoding="utf-8")
    res = run(data, "ingest", str(draft))
    assert res.returncode == 0, res.stderr
    assert "--replace" in res.stderr and "stored separately" in res.stderr
    after = state(data)
    assert {"gaz2021-1", "gaz2021-2", "gaz2021-3"} <= set(after["docs"])
    assert len(after["files"]) == 2 and MASTER_FILE in after["files"]
    who = run(data, "who-leads", "燃气泄漏", "--json")
    assert who.returncode == 0 and json.loads(who.stdout)["leads"] == ["市城市管理委"], who.stderr


def test_replace_says_what_it_replaces_and_keeps_the_ids(data, tmp_path):
    draft = tmp_path / "sub" / MASTER_FILE
    draft.parent.mkdir()
    draft.write_text((CORPUS / MASTER_FILE).read_text(encoding="utf-8").replace("市城市管理委", "市燃气办"), encoding="utf-8")
    res = run(data, "ingest", "--replace", str(draft))
    assert res.returncode == 0, res.stderr
    assert f"replacing '{MASTER_FILE}' (gaz2021-1, gaz2021-2, gaz2021-3)" in res.stderr
    after = state(data)
    assert after["files"] == [MASTER_FILE] and "gaz2021-2" in after["docs"]
    who = run(data, "who-leads", "燃气泄漏", "--json")
    assert who.returncode == 0 and json.loads(who.stdout)["leads"] == ["市燃气办"], who.stderr
    missing = run(data, "ingest", "--replace", str(tmp_path / "nothing.txt"))
    assert "failed" in missing.stderr or missing.returncode == 1


def test_colliding_document_ids_get_a_suffix_not_a_traceback(data, tmp_path):
    """Issue 17.2: draft.txt and draft.md both want the ids draft-1…; both are stored."""
    for name, n in (("draft.txt", 2), ("draft.md", 4)):
        (tmp_path / name).write_text(DRAFT.format(n=n), encoding="utf-8")
    res = run(data, "ingest", str(tmp_path / "draft.txt"), str(tmp_path / "draft.md"), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert [r["status"] for r in out] == ["added", "added"]
    ids = [d for r in out for d in r["documents"]]
    assert len(set(ids)) == len(ids) == 2 and "draft-1" in ids
    after = state(data)
    assert set(ids) <= set(after["docs"]) and after["index_generation"] == after["generation"]
    assert set(search_ids(data, "详细信息最迟不得晚于事件发生后")) >= {f"{d}:4.1.4" for d in ids}


def test_same_content_under_another_path_is_not_stored_twice(data, tmp_path):
    copy = tmp_path / "copy-of-master.txt"
    shutil.copy(CORPUS / MASTER_FILE, copy)
    res = run(data, "ingest", str(copy), "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)[0]["status"] == "duplicate"
    assert state(data)["files"] == [MASTER_FILE]


# -- 3: one unit of change; kill -9 ----------------------------------------------------


# bench/faults.py kills at every point of kb/faults.POINTS, and at random times.
@pytest.mark.parametrize("point", ["store:written", "index:ready", "commit:done"])
def test_kill_9_during_ingest_leaves_a_working_kb(data, tmp_path, point):
    """Issue 17.3: killed at any point, the next ordinary command finds search
    working, no temporary build left, and re-running the ingest completes it."""
    before = state(data)
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT.format(n=3), encoding="utf-8")
    res = cli(data, "ingest", str(draft), env={"PLANKB_FAULT": f"{point}=kill"})
    assert res.returncode == -signal.SIGKILL
    hits = search_ids(data, "详细信息最迟不得晚于事件发生后")
    assert temp_files(data) == []
    now = state(data)
    committed = point == "commit:done"
    assert ("draft-1" in now["docs"]) is committed
    if not committed:
        assert now == before
    assert ("draft-1:4.1.4" in hits) is committed
    again = run(data, "ingest", str(draft), "--json")
    assert json.loads(again.stdout)[0]["status"] == ("unchanged" if committed else "added"), again.stderr
    assert "draft-1:4.1.4" in search_ids(data, "详细信息最迟不得晚于事件发生后")
    final = state(data)
    assert final["index_generation"] == final["generation"]


def test_kill_9_from_outside_while_paused_in_the_index_build(data, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT.format(n=5), encoding="utf-8")
    env = {**os.environ, "PLANKB_EMBEDDER": "hash", "PLANKB_FAULT": "index:keyword=pause"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "plankb", "ingest", str(draft), "--data-dir", str(data)],
        stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = ""
        while "paused at index:keyword" not in line:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "the ingest ended before the pause point"
        assert any(p.name.startswith(".build-") for p in (data / "indexes").iterdir())
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert search_ids(data, "燃气事故")
    assert temp_files(data) == []
    assert "draft-1" not in state(data)["docs"]


def test_indexes_behind_the_store_are_brought_forward_by_the_next_command(data, tmp_path):
    """A store-only write through the library (or a store from before generations)
    is caught up incrementally by the next reading command, which says so."""
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.settings import Settings

    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT.format(n=6), encoding="utf-8")
    kb = KnowledgeBase(Settings(data_dir=data, embedder="hash"))
    kb.ingest_path(draft)  # store only: the journal names draft-1
    kb.close()
    res = run(data, "search", "详细信息最迟不得晚于事件发生后", "--json")
    assert res.returncode == 0, res.stderr
    assert "behind the store" in res.stderr and "bringing them forward" in res.stderr
    assert "draft-1:4.1.4" in [h["clause_id"] for h in json.loads(res.stdout)["hits"]]
    now = state(data)
    assert now["index_generation"] == now["generation"]


def test_a_running_reader_keeps_its_generation_through_later_writes(data, tmp_path):
    """A server opened on generation N keeps answering from it while two ingests
    publish N+1 and N+2; the sweep removes N only once the reader has closed."""
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.indexes import paths
    from plankb.kb.search import Searcher
    from plankb.kb.settings import Settings

    kb = KnowledgeBase(Settings(data_dir=data, embedder="hash"))
    searcher = Searcher(kb)
    held = paths(kb)["keyword"].parent
    for n in (1, 2):
        draft = tmp_path / f"later{n}.txt"
        draft.write_text(DRAFT.format(n=20 + n), encoding="utf-8")
        assert cli(data, "ingest", str(draft)).returncode == 0
    assert held.is_dir()
    assert [h.clause_id for h in searcher.search("燃气事故", k=3)]
    assert not any(h.doc_id.startswith("later") for h in searcher.search("详细信息最迟不得晚于事件发生后", k=10))
    searcher.close()
    kb.close()
    assert run(data, "ingest", str(tmp_path / "later1.txt")).returncode == 0  # unchanged, but a write: it sweeps
    assert not held.exists()


def test_temporary_builds_of_the_old_layout_are_swept(data):
    (data / ".keyword.build-x1y2").mkdir()
    (data / ".keyword.build-x1y2" / "_MAIN_1.toc").write_bytes(b"junk")
    (data / "indexes" / ".build-g000009-abc").mkdir()
    vec = data / "vector"
    vec.mkdir()
    (vec / ".vectors-123.npz.tmp").write_bytes(b"junk")
    assert len(temp_files(data)) == 3
    res = run(data, "docs")
    assert res.returncode == 0
    assert temp_files(data) == [] and not vec.exists()


# -- 4: one writer at a time ---------------------------------------------------------------


def test_two_concurrent_ingests_end_consistent(data, tmp_path):
    """Issue 17.4: the second writer waits for the first; both files end up stored and indexed."""
    files = []
    for i in (1, 2):
        f = tmp_path / f"plan{i}.txt"
        f.write_text(DRAFT.format(n=10 + i), encoding="utf-8")
        files.append(f)
    env = {**os.environ, "PLANKB_EMBEDDER": "hash"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "plankb", "ingest", str(f), "--data-dir", str(data), "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for f in files
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert json.loads(out)[0]["status"] == "added"
    now = state(data)
    assert {"plan1-1", "plan2-1"} <= set(now["docs"])
    assert now["index_generation"] == now["generation"]
    assert {"plan1-1:4.1.4", "plan2-1:4.1.4"} <= set(search_ids(data, "详细信息最迟不得晚于事件发生后"))


def test_a_writer_that_cannot_wait_says_another_is_running(data, tmp_path):
    from plankb.kb.lock import writer_lock

    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT.format(n=7), encoding="utf-8")
    with writer_lock(data, 0):
        res = cli(data, "ingest", str(draft), env={"PLANKB_LOCK_TIMEOUT": "0.2"})
        line = one_line_error(res)
        assert "另一个写入进程正在运行" in line
        assert search_ids(data, "燃气事故")  # readers are not blocked by the writer
    assert "draft-1" not in state(data)["docs"]


# -- 5: a read-only data directory ----------------------------------------------------------


@pytest.fixture()
def readonly(data: Path, tmp_path: Path):
    """``data`` seen through a read-only view: a bind mount as root (chmod does not
    stop root), else the permission bits."""
    if os.geteuid() == 0:
        view = tmp_path / "ro"
        view.mkdir()
        res = subprocess.run(["mount", "--bind", "-o", "ro", str(data), str(view)], capture_output=True)
        if res.returncode != 0:
            pytest.skip(f"cannot bind-mount read-only: {res.stderr.decode()[:200]}")
        try:
            yield view
        finally:  # lazy: in-process commands may still hold an open SQLite file
            subprocess.run(["umount", "-l", str(view)], check=True)
    else:
        modes = {p: p.stat().st_mode for p in [data, *data.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield data
        finally:
            for p, m in modes.items():
                p.chmod(m)


def test_read_only_directory_serves_every_reading_command(readonly):
    """Issue 17.5: docs, show, search, who-leads, facts and ask work; writing is refused in one line."""
    for args in (["docs"], ["show", "gaz2021-2:4.1.5"], ["facts", "gaz2021-2", "--kind", "deadline"],
                 ["ask", "无法判明等级的突发事件多久内报告"]):
        res = run(readonly, *args)
        assert res.returncode == 0 and res.stdout.strip(), (args, res.stderr[-1500:])
    assert "gaz2021-2:2.3.6/20" in search_ids(readonly, "燃气事故")
    res = run(readonly, "who-leads", "燃气泄漏", "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["leads"] == ["市城市管理委"], res.stderr
    assert "writing is disabled" in res.stderr
    draft = readonly.parent / "x.txt"
    draft.write_text(DRAFT.format(n=1), encoding="utf-8")
    assert "read-only" in one_line_error(run(readonly, "ingest", str(draft)))


def test_read_only_directory_serves_the_web_app(readonly):
    from plankb.kb.settings import Settings
    from plankb.web import create_app

    client = create_app(Settings(data_dir=readonly, embedder="hash")).test_client()
    assert client.get("/documents").status_code == 200
    r = client.get("/api/search", query_string={"q": "燃气事故", "k": 3})
    assert r.status_code == 200 and r.get_json()["hits"]
    r = client.get("/api/who-leads", query_string={"q": "燃气泄漏"})
    assert r.status_code == 200 and r.get_json()["leads"] == ["市城市管理委"]


# -- 6: disk full and permission denied ----------------------------------------------------


@pytest.mark.parametrize(("point", "fault", "words"), [
    ("store:written", "enospc", "the disk is full"),
    ("index:keyword", "enospc", "the disk is full"),
    ("index:vector", "eacces", "permission denied"),
])
def test_injected_write_errors_give_one_line_and_change_nothing(data, tmp_path, point, fault, words):
    before = state(data)
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT.format(n=8), encoding="utf-8")
    line = one_line_error(run(data, "ingest", str(draft), env={"PLANKB_FAULT": f"{point}={fault}"}))
    assert words in line and "nothing was changed" in line
    assert state(data) == before and temp_files(data) == []


@pytest.fixture(params=[1_500_000, 300_000], ids=["spare-1.5MB", "spare-300kB"])
def tiny_disk(request: pytest.FixtureRequest, data: Path, tmp_path: Path):
    """``data`` copied onto a tmpfs with little to spare (root only): with 1.5 MB
    the index build runs out, with 300 kB SQLite's own writes do."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the injected-fault test covers ENOSPC")
    used = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    mnt = tmp_path / "disk"
    mnt.mkdir()
    size = used + request.param
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {res.stderr.decode()[:200]}")
    try:
        shutil.copytree(data, mnt / "kb")
        yield mnt / "kb"
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_a_real_full_disk_gives_one_line_and_changes_nothing(tiny_disk, tmp_path):
    """Issue 17.6: a file too big for the space left (the Pinggu documents, 7 plans)."""
    from conftest import PINGGU_FILE

    before = state(tiny_disk)
    line = one_line_error(cli(tiny_disk, "ingest", str(CORPUS / PINGGU_FILE)))
    assert "disk is full" in line and "cannot rollback" not in line
    assert state(tiny_disk) == before and temp_files(tiny_disk) == []
    assert search_ids(tiny_disk, "燃气事故")


# -- 7, 8: resource limits --------------------------------------------------------------------


# A small launcher between the test and the command: Linux keeps the peak RSS of
# the memory a process had before exec (subprocess forks with vfork), so a
# command started straight from pytest would report pytest's own peak.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024)\n"
)


def measured(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, int]:
    """Run a ``plankb`` command; (exit code, stderr, peak RSS in MB of that process)."""
    full = {**os.environ, "PLANKB_EMBEDDER": "hash", **(env or {})}
    res = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-m", "plankb", *args],
                         capture_output=True, text=True, env=full, timeout=600)
    code, rss = res.stdout.split()
    return int(code), res.stderr, int(rss)


@pytest.mark.parametrize("bomb", ["xml", "media", "hidden"])
def test_docx_bombs_are_refused_before_unpacking(data, tmp_path, bomb):
    """Issue 17.8: 100 MB of XML in 374 KB, a 1 GiB zero-filled media part (4 GiB in
    bench/faults.py), 30 MB of XML hidden behind 15 MB of random media."""
    from fixtures_make import make_media_bomb_docx, make_xml_bomb_docx

    path = tmp_path / f"{bomb}.docx"
    if bomb == "xml":
        make_xml_bomb_docx(path)
    elif bomb == "media":
        make_media_bomb_docx(path, 1 << 30)
    else:
        make_xml_bomb_docx(path, 30_000_000, padding=15_000_000)
    code, err, rss = measured(["ingest", str(path), "--data-dir", str(data)])
    assert code == 1 and "Traceback" not in err
    assert "[E060]" in err and "decompression bomb" in err
    assert rss < 500, f"{rss} MB"


def test_docx_bomb_posted_to_the_check_api_is_refused(data):
    from fixtures_make import make_xml_bomb_docx
    from plankb.kb.settings import Settings
    from plankb.web import create_app

    bomb = make_xml_bomb_docx(data.parent / "bomb.docx", 40_000_000)
    client = create_app(Settings(data_dir=data, embedder="hash")).test_client()
    r = client.post("/api/check", data={"file": (bomb.open("rb"), "draft.docx")}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["code"] == "E060"


def test_the_web_check_has_a_time_budget(data):
    """Issue 17.8: a check that outlives its budget answers 503 (E064) instead of holding a worker."""
    from plankb.kb.settings import Settings
    from plankb.web import create_app

    draft = (CORPUS / MASTER_FILE).read_text(encoding="utf-8")[:60_000]
    tight = create_app(Settings(data_dir=data, embedder="hash", check_seconds=0.001)).test_client()
    r = tight.post("/api/check", json={"text": draft})
    assert r.status_code == 503 and r.get_json()["code"] == "E064", r.get_data(as_text=True)[:300]
    roomy = create_app(Settings(data_dir=data, embedder="hash", check_seconds=600)).test_client()
    assert roomy.post("/api/check", json={"text": draft[:3000]}).status_code == 200


def test_a_paragraph_over_a_million_characters_is_read_in_pieces():
    """Issue 17.7: spaCy once failed with E088 on a 10 MB single-line file."""
    from plankb.extract.nlp import chunks, entities

    line = "燃气泄漏由市城市管理委负责处置。" * 70_000  # 1.12 M characters, no line break
    found = entities(line, ("INCIDENT",))
    assert len(found) == 70_000
    assert all(line[e.span.start : e.span.end] == e.text for e in found[::997])
    pieces = chunks(line, 100_000)
    assert "".join(p for _, p in pieces) == line and all(len(p) <= 100_000 and p.endswith("。") for _, p in pieces)


def test_binary_sniff_sees_the_whole_file(tmp_path):
    """Issue 17.7: a NUL byte after the first MiB used to pass."""
    from plankb.extract.errors import InputError
    from plankb.extract.loaders import load_path

    f = tmp_path / "late-nul.txt"
    f.write_bytes("应急预案。\n".encode() * 200_000 + b"\x00\x01\x02" + "结束。\n".encode())
    assert f.stat().st_size > 1 << 20
    with pytest.raises(InputError, match="NUL bytes"):
        load_path(f)


def test_the_upload_limit_setting_lowers_the_ingest_limit_too(data, tmp_path):
    """Issue 17.11: PLANKB_MAX_UPLOAD_BYTES could not lower the 50 MB ingest floor."""
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT.format(n=2) * 20, encoding="utf-8")
    res = run(data, "ingest", str(draft), env={"PLANKB_MAX_UPLOAD_BYTES": "1000"})
    assert res.returncode == 1 and "more than the limit of 1000 bytes" in res.stderr


# -- 10, 11: edge inputs ---------------------------------------------------------------------


def test_lone_surrogates_and_deep_json_are_400_on_the_web(data):
    from plankb.kb.settings import Settings
    from plankb.web import create_app

    client = create_app(Settings(data_dir=data, embedder="hash")).test_client()
    for url in ("/api/search", "/api/who-leads", "/api/ask"):
        r = client.post(url, data='{"q": "\\ud800燃气"}', content_type="application/json")
        assert r.status_code == 400 and r.get_json()["code"] == "E062", (url, r.get_data(as_text=True)[:200])
    deep = '{"q": ' + "[" * 100_000 + "]" * 100_000 + "}"
    r = client.post("/api/search", data=deep, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["code"] == "E063"
    r = client.post("/api/search", data='{"q": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}', content_type="application/json")
    assert r.status_code == 400


def test_invalid_bytes_on_the_command_line_are_one_line(data):
    res = cli(data, "search", os.fsdecode(b"\xff\xfe"))
    assert "not valid Unicode" in one_line_error(res)


def test_batch_files_are_decoded_as_ingest_decodes(data, tmp_path):
    """Issue 17.10: a GB18030 --batch file used to end in a UnicodeDecodeError."""
    batch = tmp_path / "questions.txt"
    batch.write_bytes("燃气泄漏谁管\n{\"id\": \"b\", \"query\": \"森林着火\"}\n".encode("gb18030"))
    res = run(data, "who-leads", "--batch", str(batch))
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["1", "b"] and lines[0]["incident_type"] == "燃气事故"


def test_who_leads_hedges_when_not_confident(data):
    """Issue 17.11: 「今天天气怎么样」 was answered as if sure."""
    res = run(data, "who-leads", "今天天气怎么样", "--json")
    assert json.loads(res.stdout)["confident"] is False
    plain = run(data, "who-leads", "今天天气怎么样")
    assert plain.returncode == 0 and plain.stdout.startswith("不确定")
    sure = run(data, "who-leads", "燃气泄漏")
    assert not sure.stdout.startswith("不确定")


def test_report_downloads_send_one_charset(data):
    from plankb.kb.settings import Settings
    from plankb.web import create_app

    client = create_app(Settings(data_dir=data, embedder="hash")).test_client()
    draft = (CORPUS / MASTER_FILE).read_text(encoding="utf-8")[:3000]
    for fmt in ("html", "md"):
        r = client.post(f"/api/check?format={fmt}", json={"text": draft})
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        assert r.headers["Content-Type"].count("charset") == 1, r.headers["Content-Type"]


def _raw(port: int, request: bytes) -> str:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode("latin-1")


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_reads_a_read_only_directory_and_its_own_errors_carry_the_headers(readonly, workers):
    """Issue 17.5 and 17.11: ``plankb serve`` (waitress with 1 worker, gunicorn with 2)
    serves a read-only directory; the server layer's plain 400/431 answers carry the
    security headers every page has."""
    import re
    import urllib.request

    if workers > 1:
        pytest.importorskip("gunicorn")
    env = {**os.environ, "PLANKB_EMBEDDER": "hash"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "plankb", "serve", "--port", "0", "--workers", str(workers), "--data-dir", str(readonly)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )
    try:
        line = ""
        while "plankb web app:" not in line:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "the server stopped before it was ready"
        port = int(re.search(r":(\d+)/", line).group(1))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E7%87%83%E6%B0%94%E4%BA%8B%E6%95%85&k=3") as r:
            assert r.status == 200 and json.loads(r.read())["hits"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/who-leads?q=%E7%87%83%E6%B0%94%E6%B3%84%E6%BC%8F") as r:
            assert json.loads(r.read())["leads"] == ["市城市管理委"]
        bad = _raw(port, b"GARBAGE\x01 / HTTP/1.1\r\n\r\n")
        huge = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n")
        for answer in (bad, huge):
            status = answer.split("\r\n", 1)[0]
            assert re.match(r"HTTP/1\.[01] (400|431)", status), answer[:300]
            assert "Content-Security-Policy: default-src 'self'" in answer and "X-Content-Type-Options: nosniff" in answer, answer[:600]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
