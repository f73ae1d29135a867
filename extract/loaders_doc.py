"""Read a legacy Word (.doc, Word 97-2003) file with Debian's ``antiword``.

Decision (issue 13): antiword (GPL-2, run as a separate program, so no code
is linked into plankb) over catdoc: on the committed fixture
tests/data/master-4.1.doc both keep every character of section 4.1, but
only antiword keeps table cells apart (its text mode writes a row as cells
between ``|``), which become TSV here.  UTF-8 output with ``-m UTF-8.txt``.

The committed fixture was made once (no converter that writes .doc is a
test dependency): tests/fixtures_make.make_docx of master plan section 4.1
with rows 1-5 of table 2.3.6, then LibreOffice 7.4 (Debian
libreoffice-writer-nogui) ``soffice --headless --convert-to doc:"MS Word 97"``.  ``scripts/setup.sh`` installs
it with apt-get; when it is missing the load stops with one sentence (E076).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from .errors import DependencyError, Errors, InputError
from .loaders import Source

_TIMEOUT = 120  # seconds: a 300-page .doc converts in ~1 s
# antiword's table rows: "|序号 |突发事件 |市级处置主责部门 |".
_ROW_RE = re.compile(r"^\|(.*)\|\s*$")
# antiword marks pictures it cannot show: "[pic]".
_PIC_RE = re.compile(r"\[pic\]")


def antiword() -> str | None:
    return shutil.which("antiword")


def load_doc(data: bytes, *, label: str, name: str) -> Source:
    exe = antiword()
    if exe is None:
        raise DependencyError(Errors.E076.format(path=label))
    # antiword reads a file, not stdin; a private temp file keeps names out of argv.
    fd, tmp = tempfile.mkstemp(suffix=".doc", prefix="plankb-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            run = subprocess.run(
                [exe, "-m", "UTF-8.txt", "-w", "0", tmp],
                capture_output=True, timeout=_TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(Errors.E072.format(path=label, why=f"antiword took more than {_TIMEOUT} s")) from exc
    finally:
        os.unlink(tmp)
    err = run.stderr.decode("utf-8", "replace").strip().replace(tmp, name)
    if run.returncode != 0:
        why = err.splitlines()[-1] if err else f"antiword exit code {run.returncode}"
        raise InputError(Errors.E072.format(path=label, why=why.rstrip(".")))
    text = run.stdout.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    body = _PIC_RE.sub("", "\n".join(_tables_to_tsv(text.split("\n"))))
    if not body.strip():
        raise InputError(Errors.E013.format(path=label, kind=".doc"))
    return Source(name=name, text=body, kind="doc")


def _tables_to_tsv(lines: list[str]) -> list[str]:
    """antiword's ``|cell|cell|`` rows as TSV, one line per table row.

    antiword wraps long cells onto extra rows whose first cell is empty
    ("|        |等)      |        |"): those are glued to the row above.  A
    merged cell ("|自然灾害类            |") is padded to the table's width,
    its text in the first column, as the DOCX loader writes it.
    """
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        width = max((len(r) for r in table), default=0)
        out.extend("\t".join(r + [""] * (width - len(r))) for r in table)
        table.clear()

    for line in lines:
        m = _ROW_RE.match(line)
        if not m:
            flush()
            out.append(line)
            continue
        cells = [cell.strip() for cell in m.group(1).split("|")]
        if table and not cells[0] and any(cells) and len(cells) == len(table[-1]):
            table[-1] = [a + b for a, b in zip(table[-1], cells)]
        else:
            table.append(cells)
    flush()
    return out
