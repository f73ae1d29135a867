"""Commands of the fact, search, checker, quiz and web layers."""

from __future__ import annotations

from typing import Any

import click

from .cli_base import common, emit, main, open_kb


@main.command()
@click.argument("doc_id", required=False)
@click.option("--kind", type=click.Choice(["actor", "deadline", "threshold", "level", "incident"]), help="Only facts of this kind.")
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


def _batch(path: str) -> list[dict[str, str]]:
    """Questions of a --batch file: one per line, or JSON lines with id and query."""
    import json

    from plankb.extract.errors import Errors, InputError
    from plankb.extract.loaders import read_text
    from plankb.extract.textguard import require_unicode

    out = []
    lines = read_text(path).splitlines()  # decoded as ingest decodes (GB18030 too)
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(Errors.E143.format(path=path, line=n, why=exc.msg)) from exc
            out.append(require_unicode({"id": str(obj.get("id", n)), "query": str(obj.get("query", ""))}, f"{path}:{n}"))
        else:
            out.append({"id": str(n), "query": line})
    return out


def _run(settings: Any, question: str | None, batch: str | None, fn: Any, render: Any, as_json: bool) -> None:
    """One question, or a batch with the model loaded once (JSON lines out)."""
    import json

    from plankb.extract.errors import Errors, InputError, PlankbError
    from plankb.extract.model import to_dict
    from plankb.kb.search import Searcher

    if not question and not batch:
        raise InputError(Errors.E144)
    searcher = Searcher(open_kb(settings))
    if batch:
        for item in _batch(batch):
            try:
                result: Any = {"id": item["id"], **to_dict(fn(searcher, item["query"]))}
            except PlankbError as exc:
                result = {"id": item["id"], "query": item["query"], "error": str(exc)}
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    result = fn(searcher, question)
    if as_json:
        emit(result)
    else:
        render(result)


@main.command()
@click.argument("query", required=False)
@click.option("-k", "k", default=10, show_default=True, help="Number of hits.")
@click.option("--doc", "document", help="Only this document id.")
@click.option("--jurisdiction", help="Only documents of this jurisdiction, e.g. 平谷区.")
@click.option("--level", type=click.Choice(["municipal", "district", "street", "national"]))
@click.option("--kind", type=click.Choice(["heading", "paragraph", "item", "table_row"]), help="Clause kind.")
@click.option("--category", help="Incident category, e.g. 事故灾难类.")
@click.option("--actor", help="Clauses naming this organisation.")
@click.option("--year", help="Clauses of documents or text of this year.")
@click.option("--mode", type=click.Choice(["hybrid", "keyword", "vector"]), default="hybrid", show_default=True)
@click.option("--batch", type=click.Path(exists=True, dir_okay=False), help="One query per line (or JSON lines with id, query).")
@common
def search(settings: Any, as_json: bool, query: str | None, k: int, batch: str | None, mode: str, **filters: Any) -> None:
    """Search clauses (keyword + semantic).

    Example: plankb search "地铁停运" --jurisdiction 北京市 -k 5 --json
    """
    k = max(1, min(k, settings.max_k))

    def fn(s: Any, q: str) -> Any:
        return {"query": q, "hits": s.search(q, k=k, filters=filters, mode=mode)}

    def render(res: Any) -> None:
        for h in res["hits"]:
            click.echo(f"{h.score:7.2f}  {h.clause_id:<26} {h.doc_title[:20]}  {h.text[:60]}")

    _run(settings, query, batch, fn, render, as_json)


@main.command("who-leads")
@click.argument("question", required=False)
@click.option("--jurisdiction", help="District, e.g. 平谷区 (default: from the question, else the jurisdiction setting, else 北京市).")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False), help="One question per line (or JSON lines).")
@common
def who_leads(settings: Any, as_json: bool, question: str | None, jurisdiction: str | None, batch: str | None) -> None:
    """Who leads the response to an incident, with citations.

    Example: plankb who-leads "楼里一股煤气味归谁管" --jurisdiction 平谷区
    """
    from plankb.kb.wholeads import WhoLeadsResolver

    cache: dict[int, Any] = {}

    def fn(s: Any, q: str) -> Any:
        r = cache.setdefault(id(s), WhoLeadsResolver(s))
        return r.answer(q, jurisdiction or settings.jurisdiction or None)

    def render(a: Any) -> None:
        if not a.confident:  # JSON says confident: false; a person needs the words
            click.echo("不确定：问题不像在问某类突发事件由谁牵头处置；最接近的是")
        click.echo(f"{a.incident_type}（{a.jurisdiction}）: {'、'.join(a.leads)}")
        if a.municipal_leads:
            click.echo(f"  市级: {'、'.join(a.municipal_leads)}")
        if a.special_plan:
            click.echo(f"  专项预案: {a.special_plan['name']}（牵头编制: {a.special_plan['lead']}）")
        for c in a.citations:
            click.echo(f"  [{c.clause_id}] {c.doc_title} {c.section}")
        if a.note:
            click.echo(f"  注: {a.note}")

    _run(settings, question, batch, fn, render, as_json)


@main.command()
@click.argument("question", required=False)
@click.option("--jurisdiction", help="Your own district, e.g. 平谷区: questions that name none are answered for it first "
              "(default: the jurisdiction setting, PLANKB_JURISDICTION).")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False), help="One question per line (or JSON lines).")
@common
def ask(settings: Any, as_json: bool, question: str | None, jurisdiction: str | None, batch: str | None) -> None:
    """Short answers (who / how many / which ones / how long / how often / by when / document
    fields / figures) bound to the question's subject, or 「不确定」 with the nearest clauses.
    With --json the field "status" is "answered" or "unsure".

    Example: plankb ask "红色预警由谁批准" --json
    """
    from plankb.kb.ask import Asker

    cache: dict[int, Any] = {}

    def fn(s: Any, q: str) -> Any:
        return cache.setdefault(id(s), Asker(s, settings.jurisdiction)).ask(q, jurisdiction=jurisdiction)

    def render(a: Any) -> None:
        if a.status == "answered":
            where = f"[{a.clause['clause_id']}] " if a.clause and a.clause.get("clause_id") else ""
            click.echo(f"{a.answer}  {where}{a.clause['doc_title'] if a.clause else ''} {a.clause['section'] if a.clause else ''}")
        else:
            click.echo(f"不确定：{a.message}")
            for h in a.alternatives:
                click.echo(f"  [{h['clause_id']}] {h['text'][:60]}")

    _run(settings, question, batch, fn, render, as_json)
