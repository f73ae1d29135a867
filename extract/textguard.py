"""Text that cannot be encoded is refused at the door, in one sentence.

A lone surrogate (``"\\ud800"`` in a JSON body, or the ``\\udcff`` Python
makes of the byte 0xFF in a command-line argument) is a valid ``str`` until
something encodes it: jieba, SQLite or the JSON answer then fail deep inside
with a UnicodeEncodeError.  The web app and the CLI check every text value
they receive with :func:`require_unicode`, and the search layer checks its
query, so such input becomes E062 (HTTP 400, or one line and exit 1).
"""

from __future__ import annotations

from typing import Any

from .errors import Errors, InputError


def bad_char(text: str) -> tuple[int, str] | None:
    """``(position, character)`` of the first character UTF-8 cannot encode, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start, text[exc.start]
    return None


def require_unicode(value: Any, what: str) -> Any:
    """``value`` (a string, or lists and dicts of them) unchanged, or InputError E062."""
    if isinstance(value, str):
        found = bad_char(value)
        if found is not None:
            pos, ch = found
            detail = f"a lone surrogate U+{ord(ch):04X} at character {pos}"
            raise InputError(Errors.E062.format(what=what, detail=detail))
    elif isinstance(value, dict):
        for key, item in value.items():
            require_unicode(key, what)
            require_unicode(item, what)
    elif isinstance(value, (list, tuple)):
        for item in value:
            require_unicode(item, what)
    return value
