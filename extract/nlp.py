"""The spaCy pipeline: a blank Chinese pipeline, jieba segmenter, rule matchers.

spaCy gives the project one place where organisations (``ORG``, from the
gazetteer) and incident types (``INCIDENT``, from the taxonomy and its
synonyms) are recognised as entities with character offsets, so callers get
``Doc.ents`` instead of hand-rolled matching.  Patterns are generated from
the YAML data; the names are added to jieba's dictionary first so that a
name in running text is cut into the same tokens as the pattern.

spaCy and jieba are imported lazily (spaCy's own ``zh`` module does the
same): ``import extract`` stays fast, and a missing package gives a clear
install hint instead of an ImportError deep in a call.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .errors import DependencyError, Errors
from .model import Span


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str  # ORG | INCIDENT
    span: Span
    key: str  # canonical organisation name, or the master-table row of the incident type


@functools.cache
def pipeline() -> Any:
    """``spacy.blank("zh")`` with the jieba segmenter and an EntityRuler."""
    try:
        import jieba
        import spacy
    except ImportError as exc:  # pragma: no cover - both are dependencies
        name = "spacy" if "spacy" in str(exc) else "jieba"
        raise DependencyError(Errors.E030.format(package=name, pip_name=name)) from exc
    from .gazetteer import load_gazetteer
    from .taxonomy import load_taxonomy

    jieba.setLogLevel(60)  # its start-up chatter is not for users
    patterns: list[dict[str, Any]] = []
    words: set[str] = set()
    gaz = load_gazetteer()
    for name in gaz.words():
        org = gaz.resolve(name)
        if org is not None and len(name) >= 3:
            patterns.append({"label": "ORG", "pattern": name, "id": org.canonical})
            words.add(name)
    for t in load_taxonomy():
        for term in {t.row, t.name, *t.synonyms}:
            if len(term) >= 2:
                patterns.append({"label": "INCIDENT", "pattern": term, "id": t.row})
                words.add(term)
    for w in sorted(words):
        jieba.add_word(w, freq=2_000_000)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
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
