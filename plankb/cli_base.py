"""The leaf of the command line: the click group and what every command shares.

``main`` (the group), ``common`` (``--json``, ``--data-dir`` and the error
handling that turns a :class:`PlankbError` into one line on stderr and exit
code 1), ``emit`` (JSON on stdout), ``say`` (messages on stderr) and
``open_kb``.  Command modules (``plankb/cmd_*.py``, ``plankb/commands.py``)
import from here and register themselves on ``main``; ``plankb/cli.py``
imports them all.  This module imports no command module, so no import order
can make a cycle.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from plankb.extract.errors import PlankbError
from plankb.extract.model import to_dict

F = TypeVar("F", bound=Callable[..., Any])


def emit(data: Any) -> None:
    click.echo(json.dumps(to_dict(data), ensure_ascii=False, indent=2))


def say(msg: str) -> None:
    click.echo(msg, err=True)


def common(func: F) -> F:
    """--json, --data-dir and --config on every command; settings and typed errors become one line."""

    @click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")
    @click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Knowledge-base directory (env PLANKB_HOME; default ~/.local/share/plankb).",
    )
    @click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="TOML settings file (env PLANKB_CONFIG; default <data-dir>/plankb.toml when it exists).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, data_dir: Path | None = None, config_file: Path | None = None, **kwargs: Any) -> Any:
        from plankb.extract.textguard import require_unicode
        from plankb.kb.settings import Settings

        try:
            # Built here, inside the handler: a bad PLANKB_* value is one line, not a traceback.
            settings = Settings.load(data_dir=data_dir, config_file=config_file).apply()
            # A byte that is not UTF-8 in an argument arrives as a lone surrogate
            # ($'\xff' -> '\udcff'): one line here, not a UnicodeEncodeError in jieba.
            require_unicode([v for v in kwargs.values() if isinstance(v, str)], "the command line")
            return func(*args, settings=settings, **kwargs)
        except PlankbError as exc:
            say(f"error: {exc}")
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def open_kb(settings: Any, *, require: bool = True) -> Any:
    """The knowledge base for a reading command: indexes brought forward if they
    are behind (and said so), a read-only directory read as it is (and said so)."""
    from plankb.kb.base import KnowledgeBase
    from plankb.kb.indexes import ensure_indexes

    kb = KnowledgeBase(settings, notify=say)
    if require:
        kb.require_built()
        if kb.readonly:
            from plankb.extract.errors import Errors

            say(f"note: {Errors.E051.format(path=settings.data_dir)}")
        ensure_indexes(kb)
    return kb


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plankb")
def main() -> None:
    """plankb: a knowledge base of emergency plans (应急预案).

    \b
    plankb build                     build the knowledge base from corpus/
    plankb docs                      list documents
    plankb show gaz2021-2:4.1.4      a clause with its source lines
    """
