"""A time budget for one piece of work (a draft check in the web app), checked cooperatively.

``with deadline(60): ...`` sets a deadline for the code it runs, in this
thread or task only (a context variable); :func:`check` raises
:class:`TimeLimitError` (E064) once it has passed.  Extraction calls
:func:`check` for every document it cuts, every clause whose facts it reads
and every piece of text spaCy reads; the web app's retriever calls it for
every clause the checker aligns.  Without a deadline a check costs one
context-variable read.

Decision: cooperative, not a worker process with a kill.  A process would
need the master plan, the knowledge base's clauses and the query model
(seconds and up to 1.3 GB to load) or a fork of a threaded server that holds
torch; a thread cannot be stopped at all.  The price is overshoot: the budget
is noticed between steps, so one step runs to its end.  The longest step
measured is one huge clause: a 900 kB single-line file (300,000 characters,
one clause) took 14 s to extract on a loaded two-core machine, 27 s before
the actors fix; the upload limit bounds it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import Errors, TimeLimitError

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("plankb_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop the work inside after ``seconds`` (0 or less: no budget)."""
    if seconds <= 0:
        yield
        return
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise :class:`TimeLimitError` if the current deadline has passed."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise TimeLimitError(Errors.E064.format(seconds=current[1]))
