"""A whoosh analyzer for Chinese built on jieba, with true character offsets.

jieba ships ``jieba.analyse.ChineseAnalyzer`` for whoosh, but it stores the
character offset as the token *position* (so phrase queries and proximity are
meaningless) and appends an English Porter stemmer.  This module replaces it.

Tokens
    Each whole word of jieba's default segmentation gets the next position
    (a word ordinal: 0, 1, 2 …).  Inside a word of three or more characters
    every shorter dictionary word is emitted too, at the *same* position, like
    a synonym.  That is a superset of ``jieba.tokenize(text, mode="search")``,
    which emits only the 2- and 3-character dictionary words: with user words
    it also yields ``城市管理委`` inside ``市城市管理委``.  We cannot read the
    positions off jieba's search-mode stream itself because it does not say
    which token is the whole word (``城市`` + ``管理`` could be two words or
    two grams of ``城市管理``); the default-mode segmentation does.
    ``startchar``/``endchar`` are offsets into the text as given, so
    ``text[t.startchar:t.endchar]`` is the token (modulo lowercasing and
    full-width folding, which keep the length).

Dropped tokens (they do not consume a position)
    whitespace, punctuation and symbols (no alphanumeric character), and
    single CJK characters.  Single characters are mostly function words
    (的, 在, 由, 对, 市, 局 …); indexing them would double the postings and
    let one-character noise match everything.  A one-character *query* such as
    ``雪`` or ``火`` is handled at query time instead: :mod:`kb.keyword` expands
    it to the indexed words that contain it (暴雪, 雨雪, 雪灾; 火灾, 森林火灾,
    防火).  What is lost: a character that jieba leaves on its own in the text,
    as 雪 in ``雨、雪、冰冻``, cannot be found.

Stop words
    The multi-character ones (以及, 或者 …) are removed after positions are
    assigned and leave a gap, the same in documents and queries.

jieba is imported lazily (importing it and loading its dictionary costs about
a second), logs quietly, and keeps its dictionary cache in a private per-user
directory instead of the world-writable ``/tmp/jieba.cache``.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, StopFilter, Token, Tokenizer

from plankb.extract import config

# Multi-character function words and the one-character ones: the latter never
# reach the index, but kb.keyword consults this list before expanding a
# one-character query.
STOP_WORDS: frozenset[str] = frozenset(
    {
        *("的", "了", "和", "与", "及", "等", "或", "之", "其", "并", "而", "在", "是"),
        *("为", "对", "由", "向", "将", "把", "被", "从", "以", "于", "按"),
        *("以及", "或者", "并且", "及其", "等等", "之一", "其中"),
    }
)

# The frequency given to user words: above any entry of jieba's dictionary
# (the largest, 的, is about 3.2 million), so a user word always wins the
# segmentation of its characters.
USER_WORD_FREQ = 10_000_000

# A CJK unified ideograph (basic block, as jieba's own ``re_han_default``);
# e.g. matches 雪.
CJK_CHAR = re.compile(r"[\u4e00-\u9fd5]")

# Full-width ASCII (！ … ～) and the ideographic space fold to their ASCII
# forms one character for one, so offsets are unchanged; jieba otherwise cuts
# ``ＰＭ２.５`` into single characters.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_lock = threading.Lock()
_user_words: dict[str, int] = {}  # every word given to add_user_words, in order
_applied: set[str] = set()  # the subset already handed to jieba
_ready = False


def cache_dir() -> Path:
    """The private directory for jieba's dictionary cache.

    ``<cache_dir>/jieba``, the cache root given to extract by the settings.
    """
    return config.current().cache_dir / "jieba"


def _jieba() -> Any:
    """jieba's default tokenizer, initialised once, quietly, with our user words."""
    global _ready
    import jieba  # lazy: ~1 s on first use

    if _ready and len(_applied) == len(_user_words):
        return jieba.dt
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.dt.tmp_dir = str(_private_dir())
            jieba.dt.initialize()
            _ready = True
        for word, freq in _user_words.items():
            if word not in _applied:
                jieba.dt.add_word(word, freq)
                _applied.add(word)
    return jieba.dt


def _private_dir() -> Path:
    """A directory only this user can write, for jieba's cache.

    jieba writes its cache with ``mkstemp`` + rename inside this directory,
    which is atomic; the danger of the default is the shared, predictable
    ``/tmp/jieba.cache`` name.  If the cache directory cannot be created we
    fall back to a fresh ``mkdtemp`` (private, but no reuse across runs).
    """
    path = cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = tempfile.NamedTemporaryFile(dir=path)  # noqa: SIM115 - probe only
        probe.close()
        return path
    except OSError:
        return Path(tempfile.mkdtemp(prefix="plankb-jieba-"))


def add_user_words(words: Iterable[str], freq: int = USER_WORD_FREQ) -> None:
    """Make domain terms (organisation names, incident types) single words.

    After ``add_user_words(["市城市管理委"])`` jieba's default mode keeps
    ``市城市管理委`` whole; the analyzer still emits ``城市`` and ``管理`` inside
    it for recall.  The words are remembered by every :class:`JiebaTokenizer`
    created afterwards and travel with it in a whoosh schema, so a process that
    opens an index segments text as the process that built it did.
    """
    with _lock:
        for word in words:
            word = word.strip()
            if len(word) >= 2 and word not in _user_words:
                _user_words[word] = freq
    _jieba()  # apply now: code may call jieba directly after this


def user_words() -> tuple[str, ...]:
    """The user words added so far, in the order they were added."""
    return tuple(_user_words)


class JiebaTokenizer(Tokenizer):
    """Whole jieba words plus the dictionary words inside them (see module doc).

    ``words`` are extra user words this tokenizer needs (default: those added
    with :func:`add_user_words` so far).  The tokenizer is pickled into the
    whoosh schema, so it must hold only plain data.
    """

    def __init__(self, words: Iterable[str] | None = None) -> None:
        self.words: tuple[str, ...] = tuple(words) if words is not None else user_words()

    def __getstate__(self) -> dict[str, Any]:
        return {"words": self.words}  # not the _synced flag: re-sync after unpickling

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.words = tuple(state.get("words", ()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer) and self.words == other.words

    def __hash__(self) -> int:
        return hash(self.words)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        if not self.__dict__.get("_synced"):
            add_user_words(self.words)
            self._synced = True
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # whoosh passes pre-tokenized values this way
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        pos = start_pos
        for word, start, _end in segment(value):
            for a, b in ((0, len(word)), *_inner_words(word)):
                t.original = t.text = word[a:b]  # folded: ＰＭ２.５ is indexed as pm2.5
                t.boost = 1.0
                t.stopped = False
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + start + a
                    t.endchar = start_char + start + b
                yield t
            pos += 1


def segment(text: str) -> Iterator[tuple[str, int, int]]:
    """jieba's default-mode words of ``text`` worth indexing, with offsets.

    Yields ``(word, start, end)`` with ``text[start:end] == word`` up to
    full-width folding; whitespace, punctuation and single CJK characters are
    left out.
    """
    dt = _jieba()
    for word, start, end in dt.tokenize(text.translate(_FULLWIDTH)):
        if not any(c.isalnum() for c in word):
            continue
        if end - start == 1 and CJK_CHAR.match(word):
            continue
        yield word, start, end


def _inner_words(word: str) -> list[tuple[int, int]]:
    """Offsets (relative to ``word``'s start) of dictionary words inside it.

    Every entry of jieba's word graph of length >= 2 other than the word itself:
    the 2- and 3-grams jieba's search mode emits, plus longer user words.
    """
    if len(word) < 3 or not CJK_CHAR.match(word):
        return []
    dag = _jieba().get_DAG(word)
    return [
        (i, j + 1) for i, ends in sorted(dag.items()) for j in ends if j > i and (i, j + 1) != (0, len(word))
    ]


def chinese_analyzer() -> CompositeAnalyzer:
    """Tokenizer, lowercasing of ASCII, and the small Chinese stop list."""
    # renumber=False: a removed stop word keeps its position as a gap, the same
    # in documents and queries, so phrase slop stays comparable.
    return JiebaTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=False)
