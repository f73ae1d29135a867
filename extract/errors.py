"""One base exception and the catalogue of user-facing messages.

Messages are full sentences that name the value at fault and the next step.
Code raises ``InputError(Errors.E001.format(path=...))`` so that every
message a user can see lives here and can be documented and tested.
"""

from __future__ import annotations


class PlankbError(Exception):
    """Base of every error plankb raises on purpose."""


class InputError(PlankbError):
    """An input file or text cannot be read or makes no sense."""


class NotBuiltError(PlankbError):
    """The knowledge base (or one of its indexes) is missing or inconsistent."""


class DependencyError(PlankbError):
    """An optional dependency is not installed."""


class NotFoundError(PlankbError):
    """A document, clause or incident type asked for does not exist."""


class WriteError(PlankbError):
    """The knowledge base cannot be written now (another writer, read-only, disk full);
    nothing was changed."""


class Errors:
    """Catalogue of message templates (spaCy's ``Errors`` is the model)."""

    E001 = "{path}: file not found."
    E002 = "{path}: the file is empty; nothing to ingest."
    E003 = "{path}: looks like a binary file ({what}), not a text, Markdown, PDF or DOCX document."
    E004 = "{path}: cannot decode the text (tried UTF-8, GB18030 and a detector); save it as UTF-8."
    E005 = (
        "{path}: scanned PDF, no text layer: none of its {pages} page(s) has extractable text. "
        "Run OCR on it first (e.g. ocrmypdf) and ingest the result."
    )
    E006 = "{path}: the PDF cannot be opened ({why})."
    E007 = "{path}: the DOCX cannot be opened ({why}); is it truncated or a renamed file?"
    E008 = "{path}: unsupported file type '{suffix}'; use .txt, .md, .pdf or .docx."
    E009 = "{path}: the file is {size} bytes, more than the limit of {limit} bytes."
    E010 = "{path}: no readable text after cleaning; nothing to ingest."
    E011 = "{path}: is a directory, not a file; pass a .txt, .md, .pdf or .docx file."
    E012 = "{path}: cannot be read ({why})."
    E013 = "{path}: the {kind} document contains no text; nothing to ingest."
    E020 = "knowledge base not built in {path}: run `plankb build` first."
    E021 = "document '{doc_id}' not found; `plankb docs` lists the documents."
    E022 = "clause '{clause_id}' not found; `plankb show DOC_ID` lists a document's clauses."
    E023 = (
        "the indexes disagree with the store in {path} ({detail}); "
        "run `plankb build --rebuild`."
    )
    E030 = "{package} is not installed; install it with `pip install {pip_name}`."
    E024 = "corpus manifest {path} is invalid: {why}."
    E025 = "no master plan found: {why}; pass --master DOC_ID (see `plankb docs`)."
    E040 = "the query is empty; type a question or keywords."
    E041 = "unknown incident type or question '{query}'."
    # Writing the knowledge base (kb/store.py, kb/lock.py, kb/indexes.py).
    E050 = (
        "another writing process is running in {path} (另一个写入进程正在运行); "
        "waited {seconds:g} s; run the command again when it has finished."
    )
    E051 = "{path} is read-only, so writing is disabled; reading commands still work."
    E052 = "cannot write to {path}: the disk is full; free some space and run the command again (nothing was changed)."
    E053 = "cannot write to {path}: permission denied; check its owner and mode (nothing was changed)."
    E054 = "cannot write to {path}: {why} (nothing was changed)."
    E055 = (
        "{path}: a different file named '{name}' is stored already ({documents}); this one was stored "
        "separately as '{file_id}'. To replace the stored one, run `plankb ingest --replace {path}`."
    )
    E056 = "{path}: --replace found no stored file named '{name}'; `plankb docs` lists what is stored."
    E057 = "{path}: --replace matches {count} stored files ({names}); name the one to replace with --id."
    E058 = "the indexes in {path} are behind the store and cannot be brought forward now ({why}); {hint}"
    E059 = "{path}: the same content is stored already as '{other}'; nothing was added."
    E065 = "--id '{file_id}' is not a usable file id; use a name such as drafts/pinggu-2024."
    E066 = "--id names one file, but {count} files were given."
    # Web pages, legacy Word, page images and OCR, OFD (extract/loaders_*.py, issue 13).
    E070 = "{path}: the web page cannot be parsed ({why})."
    E071 = "{path}: the {what} cannot be opened ({why}); is it truncated or a renamed file?"
    E072 = "{path}: the legacy Word (.doc) file cannot be read ({why}); is it damaged, password-protected or a renamed file?"
    E073 = "{path}: the OFD cannot be opened ({why}); is it truncated or a renamed file?"
    E074 = (
        "{path}: scanned PDF, no text layer, and OCR found no text on its {pages} page(s); "
        "is it a blank or photo-only scan?"
    )
    E075 = (
        "{path}: {what} can only be read with OCR, which is not installed; "
        "install it with `pip install 'plankb[ocr]'` (scripts/setup.sh --dev does)."
    )
    E076 = (
        "{path}: reading a legacy Word (.doc) file needs the `antiword` program, which is not installed; "
        "run `apt-get install antiword` (scripts/setup.sh does) or save the file as .docx."
    )
    E077 = "{path}: OCR found no text in the {what}; is it a photo without text, or too small to read?"
    E078 = "{path}: the image is {pixels} pixels, more than the limit of {limit}; scan it at a lower resolution."
    E026 = "{source}: {name}={value!r} is not valid: {why}."
    E027 = "{path}: not a valid TOML settings file ({why})."
    E028 = "{path}: unknown setting '{key}'; the settings are: {names}."
