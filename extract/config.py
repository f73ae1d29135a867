"""What extract takes from outside: extra gazetteer files and the cache root.

extract reads no ``PLANKB_*`` variable itself.  :class:`plankb.kb.settings.Settings`
parses them (with the TOML file and CLI options) and hands extract its part
with :func:`configure`; the knowledge base, the CLI and the web app do so.  A
program that uses extract alone gets the defaults or calls :func:`configure`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/plankb``, else ``~/.cache/plankb``: the one cache root convention."""
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser() / "plankb"


@dataclass(frozen=True, slots=True)
class ExtractConfig:
    gazetteer: tuple[Path, ...] = ()  # YAML files merged over extract/data/orgs.yaml, in order
    cache_dir: Path = field(default_factory=default_cache_dir)  # jieba's dictionary cache goes below
    # Resource limits (issue 17; README "Limits"): ZIP containers are checked before
    # inflating (extract/ziplimits.py); spaCy reads long texts in pieces (extract/nlp.py).
    docx_max_bytes: int = 50_000_000
    docx_max_ratio: int = 100
    max_paragraph_chars: int = 100_000


_lock = threading.Lock()
_current = ExtractConfig()


def current() -> ExtractConfig:
    return _current


def configure(**changes: Any) -> ExtractConfig:
    """Replace some fields (``gazetteer=``, ``cache_dir=``); returns the new configuration."""
    global _current
    with _lock:
        _current = replace(_current, **changes)
        return _current
