"""Limits on ZIP containers (DOCX, OFD) before anything is unpacked.

A ZIP's central directory states each member's uncompressed size; a "zip
bomb" states (or hides) gigabytes behind a few kilobytes.  :func:`zip_problem`
checks the stated sizes and the overall compression ratio, and
:func:`read_member` reads one member with a hard cap, so a member whose
header lies still cannot unpack past the limit.  Callers turn the returned
reason into their own catalogue message (E007 for DOCX, E073 for OFD).

Decision: limits are on the whole archive, not per member (a plan's OFD has
one Content.xml per page, each small; a bomb is one huge member or very many).
XML text compresses ~10x (the 2-page OFD test fixture of table 2.3.6: 8.6x); 200x
is far above any real document and far below a bomb (~1000x).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_members: int = 20_000
    max_total: int = 300_000_000  # uncompressed bytes of all members
    max_ratio: float = 200.0  # uncompressed / compressed, over the whole archive
    # Per member over 1 MB, when set: a bomb can hide behind a large incompressible
    # member (15 MB of JPEG beside 35 MB of XML at 1000x passes the whole-archive ratio).
    max_member_ratio: float | None = None


DEFAULT_LIMITS = ZipLimits()


def zip_problem(zf: zipfile.ZipFile, limits: ZipLimits = DEFAULT_LIMITS) -> str | None:
    """Why ``zf`` must not be unpacked (a clause for a message), or None."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        return f"it holds {len(infos)} files, more than the limit of {limits.max_members}"
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.max_total:
        return f"it unpacks to {total} bytes, more than the limit of {limits.max_total}"
    if total > 1_000_000 and total > limits.max_ratio * max(packed, 1):
        return f"it unpacks {total / max(packed, 1):.0f} times its packed size (limit {limits.max_ratio:.0f}x)"
    if limits.max_member_ratio is not None:
        for i in infos:
            if i.file_size > 1_000_000 and i.file_size > limits.max_member_ratio * max(i.compress_size, 1):
                ratio = i.file_size / max(i.compress_size, 1)
                return f"its part {i.filename} unpacks {ratio:.0f} times its packed size (limit {limits.max_member_ratio:.0f}x)"
    return None


def read_member(zf: zipfile.ZipFile, name: str, limits: ZipLimits = DEFAULT_LIMITS) -> bytes:
    """One member's bytes; raises ValueError past ``limits.max_total`` whatever its header says."""
    with zf.open(name) as fh:
        data = fh.read(limits.max_total + 1)
    if len(data) > limits.max_total:
        raise ValueError(f"{name} unpacks to more than {limits.max_total} bytes")
    return data
