"""The spaCy pipeline: a blank Chinese pipeline, jieba segmenter, rule matchers.

spaCy gives the project one place where organisations (``ORG``, from the
gazetteer) and incident types (``INCIDENT``, from the taxonomy and its
synonyms) are recognised as entities with character offsets, so callers get
``Doc.ents`` instead of hand-rolled matching.  Patterns are generated from
the YAML data.  spaCy segments with the shared jieba tokenizer of
:mod:`plankb.extract.tokenizer`, whose dictionary holds the same names, so a
name in running text is cut into the same tokens as the pattern.

spaCy and jieba are imported lazily (spaCy's own ``zh`` module does the
same): ``import extract`` stays fast, and a missing package gives a clear
install hint instead of an ImportError deep in a call.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from . import budget, config
from .errors import DependencyError, Errors
from .model import Span
from .tokenizer import tokenizer


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str  # ORG | INCIDENT
    span: Span
    key: str  # canonical organisation name, or the master-table row of the incident type


def pipeline() -> Any:
    """``spacy.blank("zh")`` with the shared jieba tokenizer and an EntityRuler."""
    return _pipeline(config.current())


@functools.lru_cache(maxsize=2)
def _pipeline(cfg: config.ExtractConfig) -> Any:  # the configuration names the gazetteer files
    try:
        import spacy
        from spacy.lang.zh import Segmenter
    except ImportError as exc:  # pragma: no cover - a dependency
        raise DependencyError(Errors.E030.format(package="spacy", pip_name="spacy")) from exc
    from .gazetteer import load_gazetteer
    from .taxonomy import load_taxonomy

    patterns: list[dict[str, Any]] = []
    gaz = load_gazetteer()
    for name in gaz.words():
        org = gaz.resolve(name)
        if org is not None and len(name) >= 3:
            patterns.append({"label": "ORG", "pattern": name, "id": org.canonical})
    for t in load_taxonomy():
        for term in {t.row, t.name, *t.synonyms}:
            if len(term) >= 2:
                patterns.append({"label": "INCIDENT", "pattern": term, "id": t.row})
    # Built with the default "char" segmenter and switched: asking spaCy for "jieba" would
    # make it initialise jieba's global tokenizer (and its /tmp cache) instead of ours.
    nlp = spacy.blank("zh")
    nlp.tokenizer.jieba_seg = tokenizer()
    nlp.tokenizer.segmenter = Segmenter.jieba.value
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns)
    return nlp


def entities(text: str, labels: tuple[str, ...] = ("ORG", "INCIDENT")) -> list[Entity]:
    """Organisations and incident types in ``text``, with character spans.

    A text longer than ``max_paragraph_chars`` (a 10 MB file on one line) is
    read in pieces cut after a sentence end: spaCy refuses texts over its
    ``max_length`` (E088) and its memory grows with the length of one text.
    """
    nlp = pipeline()
    out = []
    for start, piece in chunks(text, config.current().max_paragraph_chars):
        budget.check()
        out += [
            Entity(e.text, e.label_, Span(start + e.start_char, start + e.end_char), e.ent_id_ or e.text)
            for e in nlp(piece).ents
            if e.label_ in labels
        ]
    return out


# Where a long text may be cut: after a sentence end or a line break, e.g. "…报告。" | "下一句".
_CUT_AFTER = "。；！？;!?\n"


def chunks(text: str, size: int) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, pieces of at most ``size``
    characters, each cut after the last sentence end of its second half (or
    hard at ``size`` when there is none)."""
    if len(text) <= size:
        return [(0, text)]
    out = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind(c, start + size // 2, end) for c in _CUT_AFTER)
            if cut >= 0:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def incident_types(text: str) -> list[str]:
    """Master-table rows of the incident types a text speaks of, in order, once each."""
    return list(dict.fromkeys(e.key for e in entities(text, ("INCIDENT",))))
