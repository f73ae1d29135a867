"""The question words of ``words.yaml``, loaded and checked once."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from plankb.extract.errors import InputError

from .types import MetaField

DATA_FILE = Path(__file__).parent / "words.yaml"


@dataclass(frozen=True)
class QuestionWords:
    shorthands: dict[str, str]
    function_words: frozenset[str]
    posts: tuple[str, ...]  # longest first
    metadata_fields: dict[MetaField, tuple[str, ...]]


@functools.lru_cache(maxsize=1)
def question_words(path: Path = DATA_FILE) -> QuestionWords:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the question words ({exc}); restore kb/answer/words.yaml.") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: the question words must be a mapping.")
    for key, kind in (("shorthands", dict), ("function_words", list), ("posts", list), ("metadata_fields", dict)):
        if not isinstance(data.get(key), kind):
            raise InputError(f"{path}: '{key}' must be a {kind.__name__}; fix kb/answer/words.yaml.")
    try:
        fields = {MetaField(k): tuple(v) for k, v in data["metadata_fields"].items()}
    except ValueError as exc:
        raise InputError(f"{path}: {exc}; metadata fields are {', '.join(m.value for m in MetaField)}.") from exc
    return QuestionWords(
        shorthands={str(k): str(v) for k, v in data["shorthands"].items()},
        function_words=frozenset(map(str, data["function_words"])),
        posts=tuple(sorted(map(str, data["posts"]), key=len, reverse=True)),
        metadata_fields=fields,
    )
