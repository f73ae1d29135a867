"""The one jieba tokenizer of plankb: one dictionary, one instance, one cache file.

spaCy's segmenter (:mod:`plankb.extract.nlp`), the taxonomy matcher
(:mod:`plankb.extract.taxonomy`), the whoosh analyzer (``kb/analyzer.py``) and
ask (``kb/ask.py``) all segment with :func:`tokenizer`.  It is a private
``jieba.Tokenizer``, never jieba's process-global default (``jieba.dt``), so
no library that calls ``jieba.cut`` can change how plankb segments, and how
plankb segments does not depend on which module ran first.

Decision record (issue 15).  Before, ``extract/nlp.py`` and ``kb/analyzer.py``
both added words to ``jieba.dt`` at different frequencies (2 000 000 and
10 000 000) and the taxonomy kept a third, private tokenizer with default
frequencies; whichever ran first set ``jieba.dt``'s cache directory, so the
analyzer's private cache was ignored after spaCy had initialised it.  Now:

- the user dictionary is :func:`user_dictionary`: every gazetteer name and role
  noun (``Gazetteer.words``) and every incident type's name, synonyms and
  examples of 2-8 characters (the rows themselves carry brackets and
  punctuation, which jieba never joins into one word);
- every user word gets :data:`USER_WORD_FREQ`, above any entry of jieba's own
  dictionary (the largest, 的, is about 3.2 million), so a user word always
  wins the segmentation of its characters: ``市城市管理委`` stays one word;
- jieba's dictionary cache (``jieba.cache``, ~1 s saved per process) lives in
  ``<cache_dir>/jieba`` (:mod:`plankb.extract.config`, fed by the
  ``PLANKB_CACHE_DIR`` setting), a directory only this user can write, instead
  of jieba's default, the shared and predictable ``/tmp/jieba.cache``.

The instance is rebuilt only when the configuration (extra gazetteer files,
cache root) changes.  jieba is imported on the first call (about a second with
its dictionary): ``import plankb.extract`` stays cheap.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

from . import config
from .errors import DependencyError, Errors

USER_WORD_FREQ = 10_000_000
# Part of speech of every user word for jieba.posseg: "nz", a proper noun (organisations and
# incident types are nouns; untagged, posseg would call them "x", unknown).
USER_WORD_TAG = "nz"

_lock = threading.Lock()
_built: tuple[config.ExtractConfig, Any] | None = None
_pos: tuple[Any, Any] | None = None  # (tokenizer, its POSTokenizer)


def cache_dir() -> Path:
    """Where jieba's dictionary cache lives: ``<cache_dir>/jieba``."""
    return config.current().cache_dir / "jieba"


def user_dictionary() -> tuple[str, ...]:
    """The user words: gazetteer names and incident-type terms, sorted (see module doc)."""
    from .gazetteer import fold, load_gazetteer
    from .taxonomy import load_taxonomy

    words = set(load_gazetteer().words())
    for t in load_taxonomy():
        words.update(w for w in (fold(s) for s in (t.name, *t.synonyms, *t.examples)) if 2 <= len(w) <= 8)
    return tuple(sorted(w for w in words if len(w) >= 2))


def tokenizer() -> Any:
    """The shared ``jieba.Tokenizer`` with the user dictionary (built on first use)."""
    global _built
    cfg = config.current()
    built = _built
    if built is not None and built[0] == cfg:
        return built[1]
    with _lock:
        if _built is None or _built[0] != cfg:
            _built = (cfg, _build())
        return _built[1]


def pos_tokenizer() -> Any:
    """jieba's part-of-speech tagger over the shared tokenizer (same words, same dictionary)."""
    global _pos
    tok = tokenizer()
    pos = _pos
    if pos is None or pos[0] is not tok:
        import jieba.posseg

        pos = _pos = (tok, jieba.posseg.POSTokenizer(tok))
    return pos[1]


def _build() -> Any:
    try:
        import jieba
    except ImportError as exc:  # pragma: no cover - a dependency
        raise DependencyError(Errors.E030.format(package="jieba", pip_name="jieba")) from exc
    jieba.setLogLevel(logging.WARNING)  # its start-up chatter is not for users
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(_private_dir(cache_dir()))
    tok.initialize()
    for word in user_dictionary():
        tok.add_word(word, USER_WORD_FREQ, tag=USER_WORD_TAG)
    return tok


def _private_dir(path: Path) -> Path:
    """``path`` created for this user only, or a fresh ``mkdtemp`` when it cannot be written.

    jieba writes its cache with ``mkstemp`` + rename inside this directory,
    which is atomic; the danger of the default is the shared, predictable
    ``/tmp/jieba.cache`` name.  The fallback is private too, but not reused.
    """
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = tempfile.NamedTemporaryFile(dir=path)  # noqa: SIM115 - probe only
        probe.close()
        return path
    except OSError:
        return Path(tempfile.mkdtemp(prefix="plankb-jieba-"))
