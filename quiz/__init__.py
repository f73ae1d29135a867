"""Quiz generation: cited exam questions from the clauses and facts of the knowledge base.

``generate(clauses, facts, documents, options)`` builds the questions;
:mod:`quiz.export` writes them as GIFT, Moodle XML, Aiken, CSV, XLSX, Anki,
JSON or a printable HTML paper.  This package never imports ``kb``: callers
pass the clauses, facts and documents in.
"""

from __future__ import annotations

from .generate import generate
from .model import CATEGORIES, TOPICS, TYPES, Question, QuizOptions, answer_text, fact_keys

__all__ = ["CATEGORIES", "TOPICS", "TYPES", "Question", "QuizOptions", "answer_text", "fact_keys", "generate"]
