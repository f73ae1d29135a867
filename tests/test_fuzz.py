"""Property-based fuzzing (issue 17): any bytes or text give a result or plankb's own error.

Loaders, cleaning, structure, fact extraction, the checker and the web API's
parameter parsing are fed arbitrary input by hypothesis: random bytes (bare,
or behind the magic numbers the loaders sniff), random Unicode text, and text
built from real corpus lines, numbering and table cells mixed with noise.
Each must return its result (whose spans stay inside their text) or raise
:class:`PlankbError`; any other exception, or an HTTP 500, is a failure.

Profiles: ``ci`` (the default: 50 examples a property, the file well under a
minute) and ``long`` (``HYPOTHESIS_PROFILE=long``, what ``bench/faults.py
--fuzz N`` runs).  No example database is written into the checkout.
"""

from __future__ import annotations

import contextlib
import json
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, MASTER_FILE
from plankb.extract.errors import PlankbError

settings.register_profile(
    "ci", max_examples=50, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.register_profile(
    "long", max_examples=int(os.environ.get("PLANKB_FUZZ_EXAMPLES", "2000")), deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

LINES = [ln for ln in (CORPUS / MASTER_FILE).read_text(encoding="utf-8").splitlines() if ln.strip()][:1200:7]
PIECES = [
    "1 总则", "1.1 编制目的", "4.1.5 ", "（一）", "(2)", "第一章", "第二条", "一、", "附件", "\t", "\n", "\n\n",
    "序号\t突发事件\t市级处置主责部门", "市应急局", "区政府", "30分钟内", "2小时", "红色预警", "特别重大", "Ⅰ级",
    "# ", "## ", "|", "| --- |", "<tr><td>", "\u3000", "\r\n", "\ufeff", "—1—", "。", "；", "京政发〔2021〕19号",
]
MAGIC = [b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x89PNG\r\n\x1a\n",
         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"<html><body>", b"\x1f\x8b"]

plan_text = st.lists(
    st.one_of(st.sampled_from(LINES), st.sampled_from(PIECES), st.text(max_size=40)), max_size=40
).map("".join)
any_text = st.one_of(st.text(max_size=400), plan_text)
any_bytes = st.one_of(
    st.binary(max_size=3000),
    st.tuples(st.sampled_from(MAGIC), st.binary(max_size=3000)).map(lambda t: t[0] + t[1]),
    any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    any_text.map(lambda t: t.encode("gb18030", "replace")),
)
names = st.sampled_from(["draft.txt", "draft.md", "draft.docx", "draft.pdf", "draft.doc", "draft", "a.html", "x.ofd"])


def _spans_inside(spans: list, length: int) -> None:
    for sp in spans:
        assert 0 <= sp.start <= sp.end <= length, (sp, length)


@given(data=any_bytes, name=names)
def test_loaders_take_any_bytes(data: bytes, name: str) -> None:
    from plankb.extract.loaders import load_bytes

    try:
        source = load_bytes(data, name, max_bytes=1_000_000)
    except PlankbError:
        return
    assert isinstance(source.text, str) and source.text.strip()


@given(text=any_text)
def test_cleaning_maps_every_kept_character(text: str) -> None:
    from plankb.extract.clean import clean

    cleaned = clean(text)
    assert len(cleaned.offsets) == len(cleaned.text) + 1
    for i in range(0, len(cleaned.text), max(1, len(cleaned.text) // 20)):
        assert 0 <= cleaned.offsets[i] <= len(text)


@given(text=any_text)
def test_structure_and_facts_take_any_text(text: str) -> None:
    from plankb.extract.facts.collect import extract_facts
    from plankb.extract.pipeline import parse_text

    try:
        parsed = parse_text(text, "fuzz.txt")
    except PlankbError:
        return
    for p in parsed:
        doc = p.document
        _spans_inside([c.span for c in p.clauses], len(doc.text))
        facts = extract_facts(doc, p.clauses)
        _spans_inside([f.span for f in facts], len(doc.text))


@pytest.fixture(scope="module")
def master_plan(master):
    from plankb.checker import MasterPlan

    return MasterPlan(master.document, list(master.clauses))


@settings(max_examples=max(5, settings().max_examples // 2))  # a check costs ~0.3 s
@given(text=plan_text)
def test_the_checker_takes_any_draft(master_plan, text: str) -> None:
    from plankb.checker import check_text

    try:
        report = check_text(text, "draft.txt", master_plan)
    except PlankbError:
        return
    _spans_inside([f.sub_span for f in report.findings if f.sub_span is not None], len(report.input_text))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
param_names = st.sampled_from(["q", "query", "k", "mode", "jurisdiction", "document", "level", "kind", "category", "year",
                               "format", "master", "text", "n", "types", "topic"])


@example(data={"k": []})  # found by this test: an IndexError, HTTP 500 on /api/search
@given(data=st.dictionaries(param_names, json_values, max_size=6))
def test_api_parameter_parsing_takes_any_values(data: dict) -> None:
    from plankb.web.params import int_param, list_param, text_param

    for fn in (lambda: text_param(data, "q", "query"), lambda: int_param(data, "k", 10, 1, 100),
               lambda: list_param(data, "types"), lambda: text_param(data, "mode", required=False, limit=10)):
        with contextlib.suppress(PlankbError):
            fn()


@pytest.fixture(scope="module")
def client(built_kb):
    from plankb.web import create_app

    return create_app(built_kb.settings).test_client()


@given(body=st.one_of(st.dictionaries(param_names, json_values, max_size=5).map(json.dumps), st.binary(max_size=300)),
       path=st.sampled_from(["/api/search", "/api/who-leads", "/api/ask"]))
def test_api_answers_any_body_without_a_500(client, body, path: str) -> None:
    r = client.post(path, data=body, content_type="application/json")
    assert r.status_code in (200, 400, 404, 413), (r.status_code, r.get_data(as_text=True)[:300])


@given(query=st.dictionaries(param_names, st.text(max_size=40), max_size=5),
       path=st.sampled_from(["/api/search", "/api/who-leads", "/api/ask", "/search", "/"]))
def test_api_answers_any_query_string_without_a_500(client, query: dict, path: str) -> None:
    r = client.get(path, query_string=query)
    assert r.status_code in (200, 400, 404), (r.status_code, r.get_data(as_text=True)[:300])
