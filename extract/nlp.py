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

from . import config
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
    """Organisations and incident types in ``text``, with character spans."""
    doc = pipeline()(text)
    return [
        Entity(e.text, e.label_, Span(e.start_char, e.end_char), e.ent_id_ or e.text)
        for e in doc.ents
        if e.label_ in labels
    ]


def incident_types(text: str) -> list[str]:
    """Master-table rows of the incident types a text speaks of, in order, once each."""
    return list(dict.fromkeys(e.key for e in entities(text, ("INCIDENT",))))
