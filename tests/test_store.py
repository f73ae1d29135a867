"""The SQLite store and ingest: transactions, idempotence, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS, MASTER_FILE, PINGGU_FILE
from plankb.extract.errors import InputError, NotFoundError, PlankbError
from plankb.extract.model import ClauseKind
from plankb.kb.base import KnowledgeBase
from plankb.kb.settings import Settings


@pytest.fixture()
def kb(tmp_path: Path):
    k = KnowledgeBase(Settings(data_dir=tmp_path / "kb", embedder="hash"))
    yield k
    k.close()


def snapshot(kb: KnowledgeBase) -> tuple:
    return (kb.store.counts(), [f["sha256"] for f in kb.store.files()])


def test_ingest_then_reingest_is_a_noop(kb, tmp_path):
    f = tmp_path / "pg.txt"
    f.write_text((CORPUS / PINGGU_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    first = kb.ingest_path(f)
    assert first.status == "added" and len(first.documents) == 7
    before = snapshot(kb)
    again = kb.ingest_path(f)
    assert again.status == "unchanged"
    assert snapshot(kb) == before


def test_changed_file_replaces_its_documents(kb, tmp_path):
    f = tmp_path / "draft.txt"
    f.write_text("4.1 信息报送\n4.1.4 详细信息最迟不得晚于事件发生后 2 小时报送。\n", encoding="utf-8")
    kb.ingest_path(f)
    f.write_text("4.1 信息报送\n4.1.4 详细信息最迟不得晚于事件发生后 4 小时报送。\n", encoding="utf-8")
    res = kb.ingest_path(f)
    assert res.status == "updated"
    texts = [c.text for c in kb.clauses()]
    assert any("4 小时" in t or "4小时" in t for t in texts)
    assert not any("2小时" in t for t in texts)


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    from fixtures_make import make_scanned_pdf

    out = {}
    (tmp_path / "empty.txt").write_bytes(b"")
    out["empty"] = tmp_path / "empty.txt"
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    out["binary"] = tmp_path / "image.txt"
    out["scanned"] = make_scanned_pdf(tmp_path / "scan.pdf")
    import docx

    d = docx.Document()
    d.add_paragraph("4.1.5 对于暂时无法判明等级的突发事件，应迅速核实。")
    d.save(str(tmp_path / "full.docx"))
    data = (tmp_path / "full.docx").read_bytes()
    (tmp_path / "truncated.docx").write_bytes(data[: len(data) // 2])
    out["truncated_docx"] = tmp_path / "truncated.docx"
    out["missing"] = tmp_path / "nope.txt"
    return out


@pytest.mark.parametrize("case", ["empty", "binary", "scanned", "truncated_docx", "missing"])
def test_bad_input_gives_clear_error_and_leaves_store_unchanged(kb, tmp_path, case):
    kb.ingest_path(CORPUS / MASTER_FILE)
    before = snapshot(kb)
    path = _bad_inputs(tmp_path)[case]
    with pytest.raises(PlankbError) as err:
        kb.ingest_path(path)
    msg = str(err.value)
    assert path.name in msg and msg.endswith((".", "?"))
    if case == "scanned":
        assert "no text layer" in msg
    assert snapshot(kb) == before


def test_gbk_text_is_ingested_correctly(kb, tmp_path):
    text = "4.1 信息报送\n4.1.5 对于暂时无法判明等级的突发事件，应迅速核实，最迟不晚于接报后30分钟向市委总值班室和市应急办报告。\n"
    f = tmp_path / "gbk.txt"
    f.write_bytes(text.encode("gbk"))
    res = kb.ingest_path(f)
    assert res.status == "added"
    assert any("接报后30分钟" in c.text for c in kb.clauses())


def test_failure_in_the_middle_of_a_file_rolls_back(kb, monkeypatch):
    kb.ingest_path(CORPUS / MASTER_FILE)
    before = snapshot(kb)
    import plankb.kb.store as store_mod

    real = store_mod.json.dumps
    calls = {"n": 0}

    def flaky(obj, **kw):  # fails while clauses are being written
        calls["n"] += 1
        if calls["n"] == 50:
            raise RuntimeError("disk full")
        return real(obj, **kw)

    monkeypatch.setattr(store_mod.json, "dumps", flaky)
    with pytest.raises(RuntimeError):
        kb.ingest_path(CORPUS / PINGGU_FILE)
    monkeypatch.setattr(store_mod.json, "dumps", real)
    assert snapshot(kb) == before


def test_store_round_trip_keeps_documents_and_clauses(built_kb):
    doc = built_kb.document(built_kb.master_doc_id())
    assert doc.title == "北京市突发事件总体应急预案（2021年修订）"
    assert doc.offsets is not None
    clause = built_kb.clause("gaz2021-2:4.1.5")
    assert clause.kind is ClauseKind.ITEM
    first, last = built_kb.source_lines(doc, clause)
    raw_lines = (CORPUS / MASTER_FILE).read_text(encoding="utf-8").splitlines()
    assert raw_lines[first - 1].startswith("4.1.5 对于暂时无法判明等级的突发事件")
    with pytest.raises(NotFoundError):
        built_kb.clause("gaz2021-2:9.9.9")


def test_unknown_file_type_is_refused(kb, tmp_path):
    f = tmp_path / "a.zip"
    import zipfile

    with zipfile.ZipFile(f, "w") as z:
        z.writestr("x.txt", "hello")
    with pytest.raises(InputError):
        kb.ingest_path(f)
