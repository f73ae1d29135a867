"""Chinese messages on web pages: one per catalogue code, filled with the error's values.

The English catalogues (extract ``Errors``, quiz ``QuizErrors``, web ``WebErrors``)
stay what the CLI and the JSON ``error`` field print; pages show the Chinese side.
"""

from __future__ import annotations

import dataclasses
import io
import re
import string
from html.parser import HTMLParser

import pytest

from plankb.web.messages import english_templates, fields, read_message, zh_catalogue, zh_message

# Three or more ASCII words in a row: an English sentence or a command-line hint.
ENGLISH_RE = re.compile(r"[A-Za-z]{2,}(?:[ ,'`]+[A-Za-z][A-Za-z'`]*){2,}")


def test_every_code_has_a_chinese_message_with_the_same_placeholders():
    zh = zh_catalogue()["errors"]
    en = english_templates()
    assert len(en) >= 60
    assert not set(en) - set(zh), f"no Chinese message for {sorted(set(en) - set(zh))}"
    for code, tpl in ((c, zh[c]) for c in en):
        assert re.search(r"[\u4e00-\u9fff]", tpl), code
        assert fields(tpl) <= fields(en[code]), code
        assert "plankb" not in tpl and "`" not in tpl, code  # pages do not give command-line hints


def _sample(tpl: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for i, (_, name, spec, _) in enumerate(string.Formatter().parse(tpl)):
        if name:
            out[name] = 3.0 if spec and spec[-1] in "gf" else f"值{i}x"
    return out


def test_every_english_message_reads_back_to_its_code_and_values():
    for code, tpl in english_templates().items():
        values = _sample(tpl)
        reading = read_message(tpl.format(**values))
        assert reading is not None and reading.code == code, (code, reading)
        if "}{" in tpl:  # two placeholders side by side ('{folder}{source}') split anywhere
            continue
        for _, name, spec, conv in string.Formatter().parse(tpl):
            if name:  # the value as the template wrote it ('{value!r}' -> "'值2x'", '{seconds:g}' -> '3')
                shown = format(string.Formatter().convert_field(values[name], conv), spec or "")
                assert reading.params[name] == shown, (code, name)


def test_zh_message_fills_values_and_never_shows_unknown_english():
    from plankb.extract.errors import Errors, InputError

    msg = zh_message(InputError(Errors.E008.format(path="草案.xlsx", suffix=".xlsx")))
    assert msg == "不支持「.xlsx」类型的文件「草案.xlsx」；请上传 .txt、.md、.pdf 或 .docx 文件，或直接粘贴正文。"
    assert zh_message(InputError("something nobody catalogued went wrong"), 400) == zh_catalogue()["status"][400]


class _Visible(HTMLParser):
    """The text a reader sees: no scripts, styles or attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(page: str) -> str:
    p = _Visible()
    p.feed(page)
    return " ".join(" ".join(p.parts).split())


@pytest.fixture(scope="module")
def client(kb_settings, built_kb):
    from plankb.kb.search import Searcher
    from plankb.web import create_app

    app = create_app(dataclasses.replace(kb_settings, max_upload_bytes=2_000_000, max_quiz=30),
                     searcher=Searcher(built_kb))
    return app.test_client()


def _post_check(client, **data):
    page = client.get("/check").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/check", data={"csrf_token": token, **data}, content_type="multipart/form-data")


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


UPLOADS = [
    ({}, "没有收到草案"),
    ({"file": (io.BytesIO(_xlsx()), "草案.xlsx")}, "不支持「.xlsx」类型的文件"),
    ({"file": (io.BytesIO(b"abc\x00\x00\x00def" * 30), "草案.txt")}, "看起来是二进制文件"),
    ({"file": (io.BytesIO(b"%PDF-1.4\n% broken"), "草案.pdf")}, "无法打开"),
    ({"text": "   "}, "没有收到草案"),
]


@pytest.mark.parametrize("data, expected", UPLOADS)
def test_bad_upload_shows_one_chinese_sentence(client, data, expected):
    r = _post_check(client, **data)
    assert r.status_code in (400, 413)
    text = visible(r.get_data(as_text=True))
    assert expected in text
    assert not ENGLISH_RE.search(text), ENGLISH_RE.search(text).group(0)


PAGES = [
    ("/clauses/nope-1:99", 404, "没有找到条款「nope-1:99」"),
    ("/documents/nope-1", 404, "没有找到文件「nope-1」"),
    ("/quiz?go=1&n=999", 400, "「题数」必须在 1 到 30 之间，现在是 999。"),
    ("/quiz?go=1&types=essay", 400, "不认识的题型「essay」"),
    ("/quiz/download?n=3&fmt=pdf", 400, "不支持测验格式「pdf」"),
    ("/search?q=火灾&jurisdiction=火星", 200, "不认识的辖区「火星」"),
    ("/no/such/page", 404, "没有这个页面"),
    ("/check/r/expired-token", 404, "这份报告不存在或已过期"),
]


@pytest.mark.parametrize("url, status, expected", PAGES)
def test_error_pages_are_chinese_and_speak_of_the_web(client, url, status, expected):
    r = client.get(url)
    assert r.status_code == status
    page = r.get_data(as_text=True)
    text = visible(page)
    assert expected in text
    assert "plankb show" not in page and "plankb docs" not in page
    assert not ENGLISH_RE.search(text), ENGLISH_RE.search(text).group(0)


def test_api_keeps_english_and_adds_chinese(client):
    r = client.get("/api/quiz", query_string={"n": 999})
    body = r.get_json()
    assert r.status_code == 400 and "between 1 and 30" in body["error"]
    assert body["code"] == "W006" and body["message"] == "「题数」必须在 1 到 30 之间，现在是 999。"
