"""plankb: a knowledge base for Chinese government emergency plans (应急预案).

The stages are subpackages of this one namespace:

    plankb.extract   file → documents → clauses → facts (no other plankb package)
    plankb.kb        SQLite store, keyword and vector indexes, search, who-leads, ask
    plankb.checker   a subordinate plan compared with the master plan (clauses and facts in)
    plankb.quiz      cited quiz questions and their exports (clauses and facts in)
    plankb.web       the Flask app; plankb.cli the command line (thin shells)

The repository keeps the design's top-level folders (``extract/``, ``kb/``, …).
A wheel maps them inside ``plankb/`` (``pyproject.toml``, hatch ``sources``).
In a source checkout, which is what the editable install puts on ``sys.path``,
they sit beside this folder, so the package path is extended to the checkout
root here.  Nothing heavy is imported: ``import plankb.extract`` must stay cheap.
"""

from __future__ import annotations

from pathlib import Path as _Path

_checkout = _Path(__file__).resolve().parent.parent
if (_checkout / "pyproject.toml").is_file() and (_checkout / "extract" / "__init__.py").is_file():
    __path__.append(str(_checkout))  # noqa: F821 - the package's own __path__

__version__ = "0.1.0"
