"""Typed short answers: question parse, per-type extraction, subject binding (see kb/ask.py)."""
