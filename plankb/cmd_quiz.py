"""``plankb quiz``: generate a cited question set from the knowledge base and export it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import click

from plankb.quiz.export import FORMATS
from plankb.quiz.model import TOPICS, TYPES

from .cli_base import common, emit, main, open_kb, say


@main.command()
@click.option("--n", "n", default=20, show_default=True, type=int, help="Number of questions (capped at max_quiz).")
@click.option("--topic", "topics", multiple=True, help=f"Only this topic; repeat for several. One of: {' '.join(TOPICS)}.")
@click.option("--types", default=",".join(TYPES), show_default=True, help="Question types, comma-separated.")
@click.option("--doc", "doc_ids", multiple=True, help="Only this document id; repeat for several (see `plankb docs`).")
@click.option("--jurisdiction", help="Only documents of this jurisdiction, e.g. 平谷区.")
@click.option("--seed", default=7, show_default=True, type=int, help="Same seed, same questions.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--title", default="应急预案测验", show_default=True, help="Title of the paper, deck or category.")
@common
def quiz(
    settings: Any,
    as_json: bool,
    n: int,
    topics: tuple[str, ...],
    types: str,
    doc_ids: tuple[str, ...],
    jurisdiction: str | None,
    seed: int,
    fmt: str,
    output: Path,
    title: str,
) -> None:
    """Generate exam questions with their source clauses and export them.

    Example: plankb quiz --n 20 --topic 信息报送 --types mcq,tf,cloze --format gift -o quiz.gift.txt

    Formats: gift, moodle-xml, aiken (single-answer only: multi and cloze are left out and counted
    on stderr), csv, xlsx, anki, json, html and docx (printable papers with the key on its own page).
    """
    from plankb.extract.errors import Errors, InputError
    from plankb.quiz import QuizOptions, generate
    from plankb.quiz.export import aiken_left_out, export, left_out_note

    if n > settings.max_quiz:
        say(f"note: --n {n} is more than the limit; generating {settings.max_quiz}.")
        n = settings.max_quiz
    options = QuizOptions(
        n=n,
        topics=tuple(topics),
        types=tuple(t.strip() for t in types.split(",") if t.strip()),
        doc_ids=tuple(doc_ids),
        jurisdiction=jurisdiction or None,
        seed=seed,
    )
    kb = open_kb(settings)
    documents = {d.id: d for d in kb.documents()}
    questions = generate(kb.clauses(), kb.store.facts(), documents, options)
    content, mimetype, ext = export(questions, fmt, title=title, seed=seed)
    try:
        output.write_bytes(content)
    except OSError as exc:
        raise InputError(Errors.E145.format(path=output, why=exc.strerror)) from exc
    by_type = Counter(q.type for q in questions)
    summary = {
        "file": str(output),
        "format": fmt,
        "mimetype": mimetype,
        "extension": ext,
        "requested": n,
        "count": len(questions),
        "by_type": dict(by_type),
        "by_topic": dict(Counter(q.topic for q in questions)),
        "title": title,
        # Aiken holds single-answer questions only: what it could not hold, by type.
        "left_out": aiken_left_out(questions) if fmt == "aiken" else {},
        "questions": [{"id": q.id, "type": q.type, "topic": q.topic, "clause_id": q.clause_id} for q in questions],
    }
    if summary["left_out"]:
        say("note: " + left_out_note(summary["left_out"], len(questions)))
    if as_json:
        emit(summary)
        return
    if len(questions) < n:
        say(f"note: the filters leave facts for {len(questions)} questions, fewer than {n}.")
    kinds = ", ".join(f"{t} {by_type[t]}" for t in options.types if by_type[t])
    click.echo(f"{len(questions)} questions ({kinds}) written to {output}")
