"""``plankb build``, ``ingest``, ``docs``, ``show`` and ``extract``: the store's commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from plankb.extract.model import to_dict

from .cli_base import common, emit, main, open_kb, say

OCR_HELP = "OCR every PDF page, not only pages without a text layer (needs plankb[ocr])."


@main.command()
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Corpus folder (default: the shipped corpus/).")
@click.option("--rebuild", is_flag=True, help="Re-ingest every file even if unchanged.")
@common
def build(settings: Any, as_json: bool, corpus: Path | None, rebuild: bool) -> None:
    """Build (or update) the knowledge base from the corpus manifest.

    Example: plankb build --rebuild
    """
    from plankb.kb.build import build_all

    report = build_all(settings, corpus_dir=corpus, rebuild=rebuild, progress=not as_json, notify=say)
    if as_json:
        emit(report)
    else:
        for r in report["files"]:
            tail = f"  ({r['error']})" if r["error"] else ""
            say(f"{r['status']:>9}  {r['file']}: {len(r['documents'])} documents, {r['clauses']} clauses, {r['facts']} facts{tail}")
        c = report["counts"]
        click.echo(f"{c['documents']} documents, {c['clauses']} clauses, {c['facts']} facts in {settings.data_dir}")
    if any(r["status"] == "failed" for r in report["files"]):
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--jurisdiction", help="Jurisdiction of the documents, e.g. 平谷区.")
@click.option("--level", type=click.Choice(["national", "municipal", "district", "street"]), help="Administrative level.")
@click.option("--title", help="Title for a file that has none.")
@click.option("--id", "file_id", help="Store the file under this id instead of its path (one file only).")
@click.option("--replace", is_flag=True, help="Replace the stored file with the same id or base name (keeps its document ids).")
@click.option("--ocr", is_flag=True, help=OCR_HELP)
@common
def ingest(
    settings: Any, as_json: bool, files: tuple[Path, ...], jurisdiction: str | None, level: str | None,
    title: str | None, file_id: str | None, replace: bool, ocr: bool,
) -> None:
    """Add files (txt, md, pdf, docx, doc, html, ofd, page images) to the knowledge base.

    A file is stored under its path (relative to the corpus folder, else
    absolute) or --id; a same-named file from another folder is stored beside
    the stored one, never over it, unless --replace is given.

    Example: plankb ingest draft.docx --jurisdiction 平谷区 --level district
    """
    from plankb.extract.pipeline import FileMeta
    from plankb.kb.build import ingest_files

    meta = FileMeta(jurisdiction=jurisdiction or "", level=level or "", title=title or "")
    results = ingest_files(settings, list(files), meta, file_id=file_id, replace=replace, notify=say, ocr=ocr)
    if as_json:
        emit(results)
    else:
        for r in results:
            was = f"  (replaced {', '.join(r.replaced)})" if r.replaced else ""
            say(f"{r.status:>9}  {r.file}: {', '.join(r.documents) or r.error}{was}")
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@main.command()
@common
def docs(settings: Any, as_json: bool) -> None:
    """List the documents of the knowledge base."""
    kb = open_kb(settings)
    documents = kb.documents()
    if as_json:
        emit([{k: v for k, v in to_dict(d).items() if k != "text"} for d in documents])
        return
    for d in documents:
        click.echo(f"{d.id:<12} {d.doc_type.value:<4} {d.jurisdiction:<6} {d.doc_number or '-':<18} {d.date or '-':<10} {d.title}")


@main.command()
@click.argument("ident")
@common
def show(settings: Any, as_json: bool, ident: str) -> None:
    """Show a document's outline (DOC_ID) or a clause with its source lines (CLAUSE_ID).

    Example: plankb show gaz2021-2:4.1.4
    """
    from plankb.kb.readmodels import clause_detail, document_outline

    kb = open_kb(settings)
    view = clause_detail(kb, ident) if ":" in ident else document_outline(kb, ident)
    if as_json:
        emit(view)
    elif "clause" in view:
        c = view["clause"]
        click.echo(f"{c['id']}  [{view['document']['title']}] {c['section']}")
        click.echo(f"{view['source']['file']} lines {view['source']['first_line']}-{view['source']['last_line']}")
        click.echo(c["text"])
        for f in view.get("facts", []):
            click.echo(f"  - {f['fact']}: {f.get('text') or f.get('name')}  {f.get('value', '')}")
    else:
        d = view["document"]
        click.echo(f"{d['id']}  {d['title']}  {d['doc_number']}  {d['date']}")
        for h in view["outline"]:
            click.echo("  " * h["depth"] + f"{h['text']}  ({h['id']})")


@main.command("extract")
@click.argument("source", type=click.Path(allow_dash=True, path_type=Path))
@click.option("--facts/--no-facts", default=True, help="Include extracted facts.")
@click.option("--ocr", is_flag=True, help=OCR_HELP)
@common
def extract_cmd(settings: Any, as_json: bool, source: Path, facts: bool, ocr: bool) -> None:
    """Segment a file (or - for stdin) into documents and clauses without storing it.

    OCR'd clauses carry ocr_confidence and ocr_low in --json (marked "[OCR?]" in text output).

    Example: cat draft.txt | plankb extract - --json
    """
    from plankb.kb.readmodels import file_extraction

    limit = settings.max_upload_bytes
    if str(source) == "-":
        view = file_extraction(sys.stdin.buffer.read(), "stdin.txt", with_facts=facts, max_bytes=limit, ocr=ocr)
    else:
        view = file_extraction(source, source.name, with_facts=facts, max_bytes=limit, ocr=ocr)
    if as_json:
        emit(view)
        return
    for d in view["documents"]:
        click.echo(f"# {d['title']}  ({d['doc_number'] or '-'}, {len(d['clauses'])} clauses)")
        for c in d["clauses"]:
            low = f"  [OCR? {c['ocr_confidence']:.2f}]" if c.get("ocr_low") else ""
            click.echo(f"  {c['id']}  {c['text'][:70]}{low}")
