"""Messages of the web app: its own English templates (codes W…) and the Chinese side
of every catalogue, for pages.

The library raises typed errors whose English message is a catalogue template
(``Errors.E009.format(...)`` in extract, ``QuizErrors`` in quiz, :class:`WebErrors`
here).  The CLI prints that English message; a web page shows the Chinese
template of the same code from ``messages_zh.yaml``, filled with the same values.

The code and values come from the exception when it carries them (``exc.code``
and ``exc.params``), else by reading the English message back against the
templates: each template compiles to a regular expression whose placeholders
are named groups.  Reading back needs nothing from the code that raised the
error, so every raise site in every package gets its Chinese message without
change; a message that matches no template gets the Chinese sentence for its
HTTP status, never its English text.

Decision (measured on the 59 templates of this catalogue): reading back is
unambiguous for all of them: a test formats each English template with
sample values and reads back the same code and values.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from plankb.extract.errors import ErrorsWithCodes, templates

ZH_FILE = Path(__file__).with_name("messages_zh.yaml")
# The code a catalogue puts in front of its messages: "[E001] ".
_TAG_RE = re.compile(r"\[([A-Z]\d{3})\] ")


class WebErrors(metaclass=ErrorsWithCodes):
    """English templates of the messages the web app raises itself."""

    W001 = "the request body is not valid JSON ({why})."
    W002 = "the request body must be a JSON object."
    W003 = "'{name}' must be a string."
    W004 = "'{name}' is {length} characters long; the limit is {limit}."
    W005 = "'{name}' must be a whole number, not '{value}'."
    W006 = "'{name}' must be between {lo} and {hi}, not {n}."
    W007 = "unknown {name} '{value}'; choose one of: {shown}."
    W008 = "'year' must be a four-digit year, not '{value}'."
    W010 = "no draft given: choose a file (txt, md, pdf, docx) or paste the text."
    W011 = "the draft is empty; upload a file or paste its text."
    W012 = "unknown report format '{fmt}'; choose html, md or json."
    W013 = "this report does not exist or has expired; check the draft again."
    W014 = "unknown mode '{mode}'; choose hybrid, keyword or vector."
    W015 = "no draft given: send a 'file' part or a 'text' field."
    W016 = "send the draft as multipart 'file', or JSON {{\"text\": \"...\", \"name\": \"draft.txt\"}}."
    W017 = "unknown format '{fmt}'; choose json, md or html."
    W018 = "unknown quiz format '{fmt}'; choose one of: {formats}."
    W019 = "no question matches these options; choose other topics, types or documents."
    W020 = "the upload is larger than the limit of {limit} bytes ({mb} MB)."
    W021 = "internal error; the server log has the details."


def catalogues() -> list[type]:
    from plankb.extract.errors import Errors
    from plankb.quiz.model import QuizErrors

    return [Errors, QuizErrors, WebErrors]


def english_templates() -> dict[str, str]:
    """Every code of every catalogue and its English template."""
    out: dict[str, str] = {}
    for cat in catalogues():
        out.update(templates(cat))
    return out


@functools.cache
def zh_catalogue() -> dict[str, Any]:
    data = yaml.safe_load(ZH_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("errors"), dict):
        raise ValueError(f"{ZH_FILE}: needs a mapping 'errors' of code to Chinese template")
    return data


def fields(template: str) -> set[str]:
    """Placeholder names of a template: '{path}: … {size} … {seconds:g}' -> {'path', 'size', 'seconds'}."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@dataclass(frozen=True)
class Reading:
    code: str
    params: dict[str, str]


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """A regex per template, the longest literal text first (most specific wins)."""
    out = []
    for code, tpl in english_templates().items():
        parts, literal = [], 0
        for text, name, _spec, _conv in string.Formatter().parse(tpl):
            parts.append(re.escape(text))
            literal += len(text)
            if name:
                group = re.sub(r"\W", "_", name)
                parts.append(f"(?P<{group}>.+?)" if f"(?P<{group}>" not in "".join(parts) else f"(?P={group})")
        out.append((literal, code, re.compile("".join(parts), re.S)))
    out.sort(key=lambda t: -t[0])
    return [(code, rx) for _, code, rx in out]


def read_message(message: str) -> Reading | None:
    """The code and values of an English catalogue message, or None.

    A message from a catalogue starts with its code (``[E001] a.txt: file not
    found.``, extract/errors.py); the template of that code is tried first.
    """
    tagged = _TAG_RE.match(message)
    if tagged:
        message = message[tagged.end():]
        for code, rx in _patterns():
            m = rx.fullmatch(message) if code == tagged.group(1) else None
            if m:
                return Reading(code, m.groupdict())
    for code, rx in _patterns():
        m = rx.fullmatch(message)
        if m:
            return Reading(code, m.groupdict())
    return None


def _field(name: str) -> str:
    return str(zh_catalogue().get("fields", {}).get(name, name))


def zh_text(code: str, params: dict[str, Any]) -> str | None:
    tpl = zh_catalogue()["errors"].get(code)
    if tpl is None:
        return None
    values = {k: (_field(str(v)) if k == "name" else v) for k, v in params.items()}
    if not fields(tpl) <= set(values):  # values that could not be read back are left out
        tpl = re.sub(r"[「“]?\{\w+(?:[:!][^}]*)?\}[」”]?", "", tpl)
    try:
        return tpl.format(**values)
    except (KeyError, ValueError, IndexError):
        # A numeric format ('{seconds:g}') read back as text: drop the format spec.
        return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", tpl).format(**values)


def status_text(status: int) -> str:
    table = zh_catalogue().get("status", {})
    return str(table.get(status) or table.get(500))


def zh_message(exc: BaseException | str, status: int = 400) -> str:
    """The Chinese message a web page shows for an error (or an English catalogue message)."""
    code = getattr(exc, "code", None)
    params = getattr(exc, "params", None)
    if isinstance(code, str) and isinstance(params, dict):
        text = zh_text(code, params)
        if text:
            return text
    reading = read_message(str(exc))
    if reading is not None:
        text = zh_text(reading.code, reading.params)
        if text:
            return text
    return status_text(status)


def code_of(exc: BaseException | str) -> str | None:
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        return code
    reading = read_message(str(exc))
    return reading.code if reading else None
