"""The question words of ``words.yaml``, loaded and checked once."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from plankb.extract.errors import Errors, InputError
from plankb.extract.vocab import COLOUR_ENGLISH

from .types import MetaField

DATA_FILE = Path(__file__).parent / "words.yaml"


@dataclass(frozen=True)
class QuestionWords:
    shorthands: dict[str, str]
    function_words: frozenset[str]
    posts: tuple[str, ...]  # longest first
    metadata_fields: dict[MetaField, tuple[str, ...]]
    english: dict[str, str]  # English question words -> the plans' Chinese
    role_verbs: tuple[str, ...]  # verbs that say a who question's role (批准, 启动…)


@functools.lru_cache(maxsize=1)
def question_words(path: Path = DATA_FILE) -> QuestionWords:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(Errors.E148.format(path=path, why=exc)) from exc
    if not isinstance(data, dict):
        raise InputError(Errors.E149.format(path=path))
    for key, kind in (("shorthands", dict), ("function_words", list), ("posts", list), ("metadata_fields", dict)):
        if not isinstance(data.get(key), kind):
            raise InputError(Errors.E150.format(path=path, key=key, type=kind.__name__))
    try:
        fields = {MetaField(k): tuple(v) for k, v in data["metadata_fields"].items()}
    except ValueError as exc:
        raise InputError(Errors.E151.format(path=path, why=exc, fields=', '.join(m.value for m in MetaField))) from exc
    return QuestionWords(
        shorthands={str(k): str(v) for k, v in data["shorthands"].items()},
        function_words=frozenset(map(str, data["function_words"])),
        posts=tuple(sorted(map(str, data["posts"]), key=len, reverse=True)),
        metadata_fields=fields,
        role_verbs=tuple(map(str, data.get("role_verbs") or ())),
        english={**COLOUR_ENGLISH, **{str(k).lower(): str(v) for k, v in (data.get("english") or {}).items()}},
    )
