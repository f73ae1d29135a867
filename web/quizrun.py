"""Quiz options from a request, generation over the knowledge base, exports.

Generation is deterministic for a seed, so a preview and its downloads
need no stored state: the download links repeat the same options.
"""

from __future__ import annotations

from typing import Any

from plankb.extract.errors import DependencyError, Errors, InputError

from .messages import WebErrors
from .params import choice, int_param, list_param, text_param

DEFAULT_N = 10
FORMAT_LABELS = {
    "gift": "Moodle GIFT", "moodle-xml": "Moodle XML", "aiken": "Aiken", "csv": "CSV", "xlsx": "Excel (XLSX)",
    "anki": "Anki (.apkg)", "json": "JSON", "html": "打印版 HTML", "docx": "Word 试卷 (.docx)",
}
TITLE_LIMIT = 80
TYPE_LABELS = {"mcq": "单项选择题", "multi": "多项选择题", "tf": "判断题", "cloze": "填空题", "matching": "匹配题"}


def quiz_api() -> Any:
    try:
        from plankb import quiz
        from plankb.quiz import QuizOptions, generate  # noqa: F401
        from plankb.quiz import export as _export  # noqa: F401
    except ImportError as exc:
        raise DependencyError(Errors.E031.format(what='the quiz builder (package `quiz`)')) from exc
    return quiz


def known_types(quiz: Any) -> list[str]:
    for name in ("TYPES", "QUESTION_TYPES"):
        val = getattr(quiz, name, None)
        if val:
            return list(val)
    return list(TYPE_LABELS)


def topics(quiz: Any) -> list[str]:
    return list(getattr(quiz, "TOPICS", ()))


def options(data: dict[str, Any], services: Any, quiz: Any) -> Any:
    """QuizOptions from request fields; InputError names the field at fault."""
    n = int_param(data, "n", DEFAULT_N, 1, services.settings.max_quiz)
    seed = int_param(data, "seed", 7, 0, 2**31 - 1)
    tps = list_param(data, "topics") or list_param(data, "topic")
    for t in tps:
        choice(t, topics(quiz), "topic")
    types = list_param(data, "types") or list_param(data, "type")
    for t in types:
        choice(t, known_types(quiz), "question type")
    doc_ids = list_param(data, "doc_ids") or list_param(data, "doc")
    for d in doc_ids:
        choice(d, list(services.doc_index), "document")
    jurisdiction = text_param(data, "jurisdiction", required=False, limit=40)
    choice(jurisdiction, services.jurisdictions, "jurisdiction")
    return quiz.QuizOptions(
        n=n, topics=tuple(tps), types=tuple(types) or tuple(known_types(quiz)), doc_ids=tuple(doc_ids),
        jurisdiction=jurisdiction or None, seed=seed,
    )


def preview(q: Any) -> dict[str, Any]:
    """A question as a dict, with the answer in words and the right options marked."""
    from plankb.extract.model import to_dict

    d = to_dict(q)
    try:
        from plankb.quiz.model import answer_text

        d["answer_text"] = answer_text(q)
    except (ImportError, ValueError, IndexError, TypeError):
        d["answer_text"] = str(q.answer)
    if q.type == "mcq" and isinstance(q.answer, int):
        d["correct"] = [q.answer]
    elif q.type == "multi":
        d["correct"] = list(q.answer)
    else:
        d["correct"] = []
    d["type_label"] = TYPE_LABELS.get(q.type, q.type)
    return d


def generate(services: Any, opts: Any) -> list[Any]:
    quiz = quiz_api()
    return list(quiz.generate(services.clauses, services.all_facts, services.doc_index, opts))


def title(data: dict[str, Any]) -> str:
    """The quiz title field ('' when not given: the export's default title)."""
    return text_param(data, "title", required=False, limit=TITLE_LIMIT)


def aiken_note(questions: list[Any]) -> str:
    """What an Aiken download leaves out, in Chinese ('' when it holds every question)."""
    from plankb.quiz.export import aiken_left_out

    left = aiken_left_out(questions)
    if not left:
        return ""
    kinds = "、".join(f"{TYPE_LABELS.get(t, t)} {n} 道" for t, n in left.items())
    return (f"Aiken 格式只能保存单选题：本套 {len(questions)} 题中，{kinds}不会写入 Aiken 文件"
            "（共 " + str(sum(left.values())) + " 道）；判断题写成“正确/错误”单选，匹配题每一对写成一道单选题。")


def export(questions: list[Any], fmt: str, title: str = "", seed: int = 0) -> tuple[bytes, str, str]:
    quiz = quiz_api()
    from plankb.quiz import export as qexport

    if fmt not in qexport.FORMATS:
        raise InputError(WebErrors.W018.format(fmt=fmt[:20], formats=", ".join(qexport.FORMATS)))
    if not questions:
        raise InputError(WebErrors.W019)
    del quiz
    return qexport.export(questions, fmt, title=title or qexport.DEFAULT_TITLE, seed=seed)


def formats() -> list[str]:
    quiz_api()
    from plankb.quiz import export as qexport

    return list(qexport.FORMATS)
