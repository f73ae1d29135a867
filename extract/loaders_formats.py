"""Sniff the formats of issue 13 from their bytes and hand them to their loader.

:func:`load_other` is called by ``loaders._load`` after the PDF check: it
returns a :class:`Source` for a legacy Word file (OLE2 with a Word stream) or
a page image (PNG, JPEG, TIFF) or an OFD (a ZIP with OFD.xml at its root),
and None for everything else, which then goes on to the DOCX and text
loaders (and their "binary file" messages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .loaders import Source

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream name of a Word 97-2003 document inside its OLE2 container, as
# UTF-16LE in the directory: "WordDocument".  Excel has "Workbook", PowerPoint
# "PowerPoint Document": those stay unsupported.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
)


def load_other(data: bytes, *, label: str, name: str, max_bytes: int) -> Source | None:
    if data.startswith(OLE2_MAGIC) and _WORD_STREAM in data:
        from .loaders_doc import load_doc

        return load_doc(data, label=label, name=name)
    if data.startswith(b"PK\x03\x04"):
        from .loaders_ofd import is_ofd, load_ofd

        if is_ofd(data):
            return load_ofd(data, label=label, name=name)
    for magic, what in IMAGE_MAGIC:
        if data.startswith(magic):
            from .loaders_ocr import load_image

            return load_image(data, label=label, name=name, what=what)
    return None
