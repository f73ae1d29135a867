"""One writer at a time per data directory: an advisory ``flock`` on ``.plankb.lock``.

Every write (``build``, ``ingest``, bringing the indexes forward, sweeping
leftovers) holds the lock from its first store write to its last rename.
Readers never take it: they read a committed SQLite snapshot and the index
generation it names, so a writer never blocks them.

Why ``fcntl.flock`` and not the ``filelock`` package: the kernel drops the
lock when its holder dies (kill -9 included), nothing is left to clean up,
and the lock file itself stays (deleting it would let two processes lock two
different files).  filelock 4 adds soft-lock fallbacks and lock-file deletion
policies we would have to switch off; it is only a transitive dependency here.
POSIX only, as plankb is (Debian/Ubuntu).

A second writer waits up to ``timeout`` seconds, then gets E050
(另一个写入进程正在运行).  ``timeout=0`` fails at once.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from plankb.extract.errors import Errors, WriteError

LOCK_NAME = ".plankb.lock"
POLL_SECONDS = 0.1


def _open(data_dir: Path) -> int:
    from .store import write_error

    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        return os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_error(data_dir, exc) from exc


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


@contextmanager
def writer_lock(data_dir: Path, timeout: float, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the data directory's writer lock; wait up to ``timeout`` s for it."""
    fd = _open(data_dir)
    try:
        if not _try(fd):
            if timeout > 0 and notify is not None:
                notify(f"another writer is at work in {data_dir}; waiting up to {timeout:g} s ...")
            deadline = time.monotonic() + timeout
            while not _try(fd):
                if time.monotonic() >= deadline:
                    raise WriteError(Errors.E050.format(path=data_dir, seconds=timeout))
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def lock_is_free(data_dir: Path) -> bool:
    """Whether no writer holds the lock now (False when it cannot be checked)."""
    try:
        fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return False
    try:
        return _try(fd)
    finally:
        os.close(fd)


# -- readers of an index generation ---------------------------------------------------------------
# A process that opens a generation holds a shared flock on its ".readers" file;
# sweep (kb/indexes.py) deletes an old generation only when it can take that lock
# exclusively, so a long-running server keeps the generation it loaded.
READERS = ".readers"


def hold_generation(folder: Path) -> int | None:
    """A shared lock on ``folder``'s readers file (a descriptor to keep open), or None."""
    try:
        fd = os.open(folder / READERS, os.O_RDONLY)
    except OSError:
        return None  # the layout before generations, or a folder from before readers files
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def release_generation(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def generation_in_use(folder: Path) -> bool:
    """Whether a reader holds ``folder`` (checked by taking the exclusive lock for a moment)."""
    try:
        fd = os.open(folder / READERS, os.O_RDONLY)
    except OSError:
        return False
    try:
        return not _try(fd)
    finally:
        os.close(fd)
