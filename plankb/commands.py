"""Commands of the fact, search, checker, quiz and web layers."""

from __future__ import annotations

from typing import Any

import click

from .cli import common, emit, main, open_kb


@main.command()
@click.argument("doc_id", required=False)
@click.option("--kind", type=click.Choice(["actor", "deadline", "threshold", "level"]), help="Only facts of this kind.")
@common
def facts(settings: Any, as_json: bool, doc_id: str | None, kind: str | None) -> None:
    """List extracted facts, optionally of one document and one kind.

    Example: plankb facts gaz2021-2 --kind deadline --json
    """
    kb = open_kb(settings)
    if doc_id:
        kb.document(doc_id)  # a clear error for an unknown id
    rows = kb.store.facts(doc_id=doc_id, kind=kind)
    if as_json:
        emit(rows)
        return
    for f in rows:
        click.echo(f"{f['clause_id']:<28} {f['fact']:<9} {f.get('text') or f.get('name')}  {f.get('value', '') or f.get('role', '')}")
