"""Named points in the write path where the fault suite can stop or break a run.

``PLANKB_FAULT="index:vector=kill"`` makes the process kill itself with
SIGKILL when it reaches the point ``index:vector``; ``=pause`` writes one
line to stderr and sleeps (a test then sends SIGKILL from outside);
``=enospc`` / ``=eacces`` raise the OSError a full disk or a denied
permission would.  Several points are separated by commas.  Unset (always,
outside tests) a point costs one dictionary lookup.

The points, in the order an ingest passes them: ``ingest:parsed`` (file
parsed, nothing written), ``store:written`` (rows written, not committed),
``index:keyword`` (keyword index of the new generation written),
``index:vector`` (vector index written), ``index:ready`` (new generation
renamed into place, store not committed), ``commit:done`` (committed, old
generations not swept yet).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import time

ENV = "PLANKB_FAULT"
POINTS = ("ingest:parsed", "store:written", "index:keyword", "index:vector", "index:ready", "commit:done")


def point(name: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    for item in spec.split(","):
        where, _, action = item.strip().partition("=")
        if where != name:
            continue
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "pause":
            sys.stderr.write(f"plankb fault: paused at {name}\n")
            sys.stderr.flush()
            time.sleep(3600)
        elif action == "enospc":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        elif action == "eacces":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
