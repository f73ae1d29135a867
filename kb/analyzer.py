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

Segmentation is the shared tokenizer of :mod:`plankb.extract.tokenizer`
(one jieba dictionary: gazetteer names and incident-type terms), the same
that spaCy and ask use; it is built on first use (about a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, StopFilter, Token, Tokenizer

from plankb.extract.tokenizer import tokenizer

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

# A CJK unified ideograph (basic block, as jieba's own ``re_han_default``);
# e.g. matches 雪.
CJK_CHAR = re.compile(r"[\u4e00-\u9fd5]")

# Full-width ASCII (！ … ～) and the ideographic space fold to their ASCII
# forms one character for one, so offsets are unchanged; jieba otherwise cuts
# ``ＰＭ２.５`` into single characters.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

class JiebaTokenizer(Tokenizer):
    """Whole jieba words plus the dictionary words inside them (see module doc).

    The tokenizer is pickled into the whoosh schema, so it holds no state: the
    words come from the shared tokenizer, built from the gazetteer and the
    taxonomy, the same in the process that builds an index and in those that
    open it.
    """

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass  # indexes built before issue 15 pickled their user words here; the dictionary is shared now

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer)

    def __hash__(self) -> int:
        return hash(JiebaTokenizer)

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
    dt = tokenizer()
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
    dag = tokenizer().get_DAG(word)
    return [
        (i, j + 1) for i, ends in sorted(dag.items()) for j in ends if j > i and (i, j + 1) != (0, len(word))
    ]


def chinese_analyzer() -> CompositeAnalyzer:
    """Tokenizer, lowercasing of ASCII, and the small Chinese stop list."""
    # renumber=False: a removed stop word keeps its position as a gap, the same
    # in documents and queries, so phrase slop stays comparable.
    return JiebaTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=False)
