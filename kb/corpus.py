"""The corpus manifest: which files the default knowledge base holds."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from plankb.extract.errors import Errors, InputError
from plankb.extract.pipeline import FileMeta

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class CorpusFile:
    path: Path
    meta: FileMeta
    master_title: str = ""
    description: str = ""


def load_manifest(corpus_dir: Path) -> list[CorpusFile]:
    """Files listed in ``corpus_dir/manifest.toml``, or every .txt/.md/.pdf/.docx."""
    manifest = corpus_dir / "manifest.toml"
    if not manifest.exists():
        files = sorted(p for p in corpus_dir.iterdir() if p.suffix.lower() in (".txt", ".md", ".pdf", ".docx"))
        return [CorpusFile(p, FileMeta()) for p in files]
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(Errors.E024.format(path=manifest, why=exc)) from exc
    out = []
    for entry in data.get("file", []):
        if "path" not in entry:
            raise InputError(Errors.E024.format(path=manifest, why="a [[file]] entry has no path"))
        master = entry.get("master", "")
        meta = FileMeta(
            key=entry.get("key", ""),
            title=entry.get("title", ""),
            issuer=entry.get("issuer", ""),
            date=entry.get("date", ""),
            doc_type=entry.get("doc_type", ""),
            jurisdiction=entry.get("jurisdiction", ""),
            level=entry.get("level", ""),
            separate_attachments=entry.get("attachments", "") == "separate",
            master=bool(master),
        )
        out.append(CorpusFile(corpus_dir / entry["path"], meta, master if isinstance(master, str) else "", entry.get("description", "")))
    return out
