"""The ``plankb`` command: thin shells over library calls.

Each command parses its options, calls one library function and renders the
result: JSON on stdout with ``--json``, a short human summary otherwise.
Progress and messages go to stderr.  A :class:`PlankbError` becomes one line
on stderr and exit code 1; usage errors exit 2 (click); ``check --fail-on``
exits 3 when it matched.

The group and the shared options live in the leaf ``plankb/cli_base.py``; the
command modules register themselves on it and this module imports them all,
so ``plankb.cli:main`` is the whole command.  Nothing imports this module.
"""

from __future__ import annotations

# Importing a command module registers its commands on the group.
from plankb import cmd_check, cmd_kb, cmd_quiz, cmd_serve, commands  # noqa: F401
from plankb.cli_base import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
