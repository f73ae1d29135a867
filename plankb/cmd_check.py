"""``plankb check``: compare a subordinate plan with the master plan.

A thin shell: it builds the :class:`checker.MasterPlan` from the knowledge
base (the manifest's master plan, or ``--master DOC_ID``), gives the checker
a retriever over the vector index when the index is there, and renders the
report.  Exit code 0, or 3 when ``--fail-on`` matched; errors exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .cli_base import common, emit, main, open_kb, say

FAIL_EXIT = 3


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--master", "master_id", metavar="DOC_ID", help="Reference plan (default: the knowledge base's master plan).")
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="md", show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.option("--fail-on", type=click.Choice(["conflict", "review"]), help="Exit with code 3 when a finding of this verdict (or worse) is found.")
@click.option("--jurisdiction", help="Jurisdiction of the plan, e.g. 平谷区 (default: read from the plan).")
@click.option("--level", type=click.Choice(["municipal", "district", "street"]), help="Level of the plan (default: read from the plan).")
@click.option("--retrieval/--no-retrieval", default=True, show_default=True,
              help="Align free-text clauses with the vector index (when built); off = wording only.")
@click.option("--ocr", is_flag=True, help="OCR every PDF page, not only pages without a text layer (needs plankb[ocr]).")
@common
def check(
    settings: Any,
    as_json: bool,
    file: Path,
    master_id: str | None,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    jurisdiction: str | None,
    level: str | None,
    retrieval: bool,
    ocr: bool,
) -> None:
    """Check a plan or draft (txt, md, pdf, docx, doc, html, ofd, scans) against the master plan.

    \b
    Example: plankb check draft.docx --format html -o report.html --fail-on conflict
    """
    from plankb.checker import MasterPlan, check_path
    from plankb.checker.render import render

    kb = open_kb(settings)
    mid = master_id or kb.master_doc_id()
    master = MasterPlan(kb.document(mid), tuple(kb.clauses(mid)))
    retriever = _retriever(kb, mid) if retrieval else None
    report = check_path(file, master, jurisdiction=jurisdiction, level=level, retriever=retriever,
                        max_bytes=settings.max_upload_bytes, ocr=ocr)
    if as_json:
        d = report.to_dict()
        emit({k: d[k] for k in ("document", "findings", "summary")})
    else:
        text = render(report, fmt)
        if output is not None:
            output.write_text(text, encoding="utf-8")
            v = report.summary["by_verdict"]
            say(f"{file.name}: {v['conflict']} conflict, {v['review']} review, {v['consistent']} consistent -> {output}")
        else:
            click.echo(text, nl=False)
    if fail_on and report.matched(fail_on):
        sys.exit(FAIL_EXIT)


def _retriever(kb: Any, master_id: str) -> Any:
    """query -> master clause ids from the vector index, or None when it is not built."""
    from plankb.extract.errors import PlankbError

    try:
        from plankb.kb.search import Searcher

        searcher = Searcher(kb)
    except (PlankbError, ImportError, OSError) as exc:
        say(f"note: aligning by wording only ({exc})")
        return None

    def retrieve(query: str, k: int) -> list[str]:
        return [h.clause_id for h in searcher.search(query, k=k, filters={"document": master_id}, mode="vector")]

    return retrieve
