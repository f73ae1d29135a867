"""Every export read back with a real parser and compared with the JSON export.

GIFT has no maintained parser on PyPI that installs and runs here
(pygiftparser 1.1 needs pkg_resources and an old Markdown), so
:func:`parse_gift` below is a strict one written from Moodle's GIFT import
(question/format/gift/format.php): blank lines separate questions, ``//``
lines are comments, ``\\`` escapes ``\\ ~ = # { } :``, ``::name::``, a
``[format]`` marker, one ``{…}`` answer block with ``####`` general feedback,
and the question type told by the block's content.  It is stricter than
Moodle: any other escape, a stray brace or colon, or text after the block fails.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from plankb.extract.errors import InputError
from plankb.quiz import Question, QuizOptions, generate
from plankb.quiz.anki import MODEL_NAME, stable_id
from plankb.quiz.export import FORMATS, export

NASTY = 'a~b=c#d{e}f:g\\h <b>&"x"'


@pytest.fixture(scope="module")
def questions(built_kb):
    docs = {d.id: d for d in built_kb.documents()}
    qs = generate(built_kb.clauses(), built_kb.store.facts(), docs, QuizOptions(n=40, seed=5))
    special = [
        Question("qx1", "mcq", f"题干 {NASTY}？", ("=SUM(A1)", f"选项{NASTY}", "-1", "丙"), 1, f"解析 {NASTY}", "c:1", "d",
                 "1.1 节", "引文", "预警", "北京市", 2, "k:1"),
        Question("qx2", "cloze", f"填空 {NASTY} ____。", (), "a{b}=c", "解析", "c:2", "d", "s", "q", "预警", "北京市", 2,
                 "k:2", accept=("a{b}＝c",)),
        Question("qx3", "matching", "配对：", ("右:1", "右#2", "右=3"), (("左~1", "右=3"), ("左{2}", "右:1"), ("左\\3", "右#2")),
                 "解析", "c:3", "d", "s", "q", "预警", "北京市", 2, "k:3"),
        Question("qx4", "multi", "多选 {x}", ("甲", "乙~", "丙", "丁"), (0, 2), "解析#", "c:4", "d", "s", "q", "预警",
                 "北京市", 2, "k:4"),
        Question("qx5", "tf", "判断：a=b", (), False, "解析 {}", "c:5", "d", "s", "q", "预警", "北京市", 1, "k:5"),
    ]
    assert {q.type for q in qs} == {"mcq", "multi", "tf", "cloze", "matching"}
    return qs + special


@pytest.fixture(scope="module")
def as_json(questions):
    content, mime, ext = export(questions, "json", title="测验")
    assert (mime, ext) == ("application/json", "json")
    data = json.loads(content)
    assert data["count"] == len(questions) and data["title"] == "测验"
    return data["questions"]


# -- a strict GIFT parser -----------------------------------------------------------
_SPECIALS = "\\~=#{}:"


def _protect(s: str) -> str:
    """Escaped characters to private-use placeholders; anything else after a backslash is an error."""
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\":
            nxt = s[i + 1 : i + 2]
            if nxt == "n":
                out.append("\n")
            elif nxt and nxt in _SPECIALS:
                out.append(chr(0xE000 + _SPECIALS.index(nxt)))
            else:
                raise ValueError(f"bad escape \\{nxt!r}")
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def _restore(s: str, fmt: str = "plain") -> str:
    for k, c in enumerate(_SPECIALS):
        s = s.replace(chr(0xE000 + k), c)
    s = s.strip()
    return html.unescape(s) if fmt == "html" else s


def _choices(body: str, fmt: str) -> list[dict]:
    out = []
    for tok in re.findall(r"[~=][^~=]*", body):
        sign, rest = tok[0], tok[1:].strip()
        weight = 100.0 if sign == "=" else 0.0
        m = re.match(r"%(-?\d{1,2}(?:\.\d+)?)%", rest)
        if m:
            weight, rest = float(m.group(1)), rest[m.end() :]
        text, _, feedback = rest.partition("#")
        out.append({"text": _restore(text, fmt), "weight": weight, "feedback": _restore(feedback, fmt)})
    return out


def parse_gift(text: str) -> tuple[str | None, list[dict]]:
    category, out = None, []
    for block in re.split(r"\n[ \t]*\n", text):
        src = "\n".join(ln for ln in block.split("\n") if not ln.strip().startswith("//")).strip()
        if not src:
            continue
        if src.startswith("$CATEGORY:"):
            category = src[len("$CATEGORY:") :].strip()
            continue
        s = _protect(src)
        name = None
        if s.startswith("::"):
            end = s.index("::", 2)
            name, s = _restore(s[2:end]), s[end + 2 :].strip()
        if s.count("{") != 1 or s.count("}") != 1 or s.index("{") > s.index("}"):
            raise ValueError(f"unbalanced or unescaped braces in {name}")
        head, rest = s.split("{")
        body, tail = rest.split("}")
        if tail.strip() or ":" in head or ":" in body:
            raise ValueError(f"stray text or unescaped colon in {name}")
        fmt = "moodle"
        m = re.match(r"\[(html|moodle|plain|markdown)\]", head)
        if m:
            fmt, head = m.group(1), head[m.end() :]
        body, _, general = body.strip().rpartition("####") if "####" in body else (body.strip(), "", "")
        body = body.strip()
        q = {"name": name, "text": _restore(head, fmt), "general": _restore(general, fmt)}
        if "~" in body:
            q.update(type="multichoice", single="=" in body, answers=_choices(body, fmt))
        elif "=" in body and "->" in body:
            pairs = [p.strip() for p in body.split("=") if p.strip()]
            q.update(type="match", pairs=[(_restore(a, fmt), _restore(b)) for a, b in (p.split("->", 1) for p in pairs)])
        elif body.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
            q.update(type="truefalse", answer=body.split("#")[0].strip().startswith("T"))
        elif body.startswith("="):
            q.update(type="shortanswer", answers=[_restore(a) for a in body.split("=") if a.strip()])
        else:
            raise ValueError(f"unknown answer block in {name}: {body[:30]}")
        out.append(q)
    return category, out


def test_gift_parses_strictly_and_matches_the_json(questions, as_json):
    content, mime, ext = export(questions, "gift", title="测验")
    assert mime.startswith("text/plain") and ext == "gift.txt"
    category, parsed = parse_gift(content.decode("utf-8"))
    assert category == "$course$/top/测验"
    assert len(parsed) == len(as_json)
    for g, j in zip(parsed, as_json):
        assert g["name"].split()[0] == j["id"]
        assert g["text"] == j["stem"] and g["general"] == j["explanation"]
        if j["type"] == "mcq":
            assert g["type"] == "multichoice" and g["single"]
            assert [a["text"] for a in g["answers"]] == j["options"]
            assert [a["weight"] for a in g["answers"]].index(100.0) == j["answer"]
        elif j["type"] == "multi":
            assert g["type"] == "multichoice" and not g["single"]
            assert [a["text"] for a in g["answers"]] == j["options"]
            assert [i for i, a in enumerate(g["answers"]) if a["weight"] > 0] == j["answer"]
            assert sum(a["weight"] for a in g["answers"] if a["weight"] > 0) == pytest.approx(100, abs=0.01)
        elif j["type"] == "tf":
            assert g["type"] == "truefalse" and g["answer"] is j["answer"]
        elif j["type"] == "cloze":
            assert g["type"] == "shortanswer" and g["answers"] == [j["answer"], *j["accept"]]
        else:
            assert g["type"] == "match" and [list(p) for p in g["pairs"]] == j["answer"]


def test_gift_parser_is_strict():
    for bad in ("::a::x{=1 ~2", "::a::x{=1}{~2}", "::a::x \\q {=1 ~2}", "::a::x: {=1 ~2}", "::a::x{=1 ~2} tail"):
        with pytest.raises(ValueError):
            parse_gift(bad)


def test_moodle_xml_parses_and_round_trips(questions, as_json):
    import xml.etree.ElementTree as ET

    content, mime, ext = export(questions, "moodle-xml")
    assert (mime, ext) == ("application/xml", "xml") and content.startswith(b"<?xml")
    root = ET.fromstring(content)
    assert root.tag == "quiz"
    cat, *qs = root.findall("question")
    assert cat.get("type") == "category" and cat.findtext("category/text") == "$course$/top/应急预案测验"
    assert len(qs) == len(as_json)
    kinds = {"mcq": "multichoice", "multi": "multichoice", "tf": "truefalse", "cloze": "shortanswer", "matching": "matching"}
    for el, j in zip(qs, as_json):
        assert el.get("type") == kinds[j["type"]] and el.findtext("idnumber") == j["id"]
        assert html.unescape(el.findtext("questiontext/text")) == j["stem"]
        assert html.unescape(el.findtext("generalfeedback/text")) == j["explanation"]
        answers = [(html.unescape(a.findtext("text") or ""), float(a.get("fraction"))) for a in el.findall("answer")]
        if j["type"] in ("mcq", "multi"):
            assert [t for t, _ in answers] == j["options"]
            right = [j["answer"]] if j["type"] == "mcq" else j["answer"]
            assert [i for i, (_, f) in enumerate(answers) if f > 0] == right
            assert el.findtext("single") == ("true" if j["type"] == "mcq" else "false")
        elif j["type"] == "tf":
            assert dict(answers)["true" if j["answer"] else "false"] == 100
        elif j["type"] == "cloze":
            assert [t for t, _ in answers] == [j["answer"], *j["accept"]]
        else:
            subs = [(html.unescape(s.findtext("text")), s.findtext("answer/text")) for s in el.findall("subquestion")]
            assert [list(p) for p in subs] == j["answer"]
        assert j["topic"] in [t.text for t in el.findall("tags/tag/text")]


def test_aiken_holds_single_answer_questions_and_counts_the_rest(questions, as_json):
    from plankb.quiz.export import aiken_left_out, left_out_note

    content, _, ext = export(questions, "aiken")
    assert ext == "aiken.txt"
    blocks = [b.split("\n") for b in content.decode("utf-8").strip().split("\n\n")]
    expected = []  # (stem, options, right index) as Aiken must hold them
    for j in as_json:
        if j["type"] == "mcq":
            expected.append((j["stem"], j["options"], j["answer"]))
        elif j["type"] == "tf":
            expected.append((j["stem"], ["正确", "错误"], 0 if j["answer"] else 1))
        elif j["type"] == "matching":  # one single-choice question per pair, over the right-hand column
            expected += [(None, j["options"], j["options"].index(b)) for _, b in j["answer"]]
    assert len(blocks) == len(expected)
    for lines, (stem, options, right) in zip(blocks, expected):
        head, *opts, ans = lines
        assert re.fullmatch(r"ANSWER: [A-Z]", ans) and all(re.match(r"[A-Z]\. ", o) for o in opts)
        assert [o[3:] for o in opts] == options and "ABCDEFGH".index(ans[-1]) == right
        assert head == stem if stem is not None else head.endswith("是（　）。")
    pair = next(b for b in blocks if b[0].endswith("是（　）。") and "配对" not in b[0])
    assert "“" in pair[0]
    left = aiken_left_out(questions)
    assert left == {t: sum(q.type == t for q in questions) for t in ("multi", "cloze")} and all(left.values())
    assert f"left out {sum(left.values())} of {len(questions)}" in left_out_note(left, len(questions))
    cloze_only = [q for q in questions if q.type == "cloze"]
    with pytest.raises(InputError):
        export(cloze_only, "aiken")


def test_csv_reads_back_with_bom_chinese_headers_and_no_formulas(questions, as_json):
    from plankb.quiz.export import read_rows

    content, mime, ext = export(questions, "csv")
    assert content.startswith(b"\xef\xbb\xbf") and ext == "csv" and mime.startswith("text/csv")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    head = table[0]
    for zh in ("题型", "主题", "题干", "选项A", "答案", "解析", "出处文件", "原文"):
        assert zh in head
    assert "option_A" not in head and "stem" not in head  # people's columns are Chinese
    rows = [dict(zip(head, r)) for r in table[1:]]
    assert len(rows) == len(as_json)
    for r, j in zip(rows, as_json):
        assert (r["id"], r["type"], r["题干"], r["clause_id"], r["原文"]) == (j["id"], j["type"], j["stem"], j["clause_id"], j["quote"])
        assert json.loads(r["answer_json"]) == j["answer"]
    special = next(r for r in rows if r["id"] == "qx1")
    assert special["选项A"] == "'=SUM(A1)" and special["选项C"] == "'-1" and special["答案"] == f"B. 选项{NASTY}"
    assert read_rows(table) == questions  # the machine columns re-import every field


def test_xlsx_has_a_chinese_sheet_and_a_machine_sheet(questions, as_json, tmp_path: Path):
    from plankb.quiz.export import read_rows

    content, mime, ext = export(questions, "xlsx", title="第一期培训")
    assert ext == "xlsx" and "spreadsheetml" in mime
    path = tmp_path / "q.xlsx"
    path.write_bytes(content)
    wb = load_workbook(path)
    assert wb.sheetnames == ["试题", "data"] and wb.properties.title == "第一期培训"
    people = list(wb["试题"].iter_rows(values_only=True))
    head = people[0]
    assert head[:6] == ("题型", "主题", "事件类别", "辖区", "难度", "题干")
    assert not any(h and re.fullmatch(r"[a-z_]+", h) for h in head)
    assert len(people) == len(as_json) + 1
    for r, j in zip(people[1:], as_json):
        rec = dict(zip(head, r))
        assert (rec["题干"], rec["解析"]) == (j["stem"], j["explanation"])
    special = dict(zip(head, next(r for r in people if r[5] and r[5].startswith("题干 a~b"))))
    assert special["选项A"] == "=SUM(A1)"  # stored as text, not a formula
    machine = list(wb["data"].iter_rows(values_only=True))
    assert read_rows(machine) == questions
    wb.close()


def test_anki_package_opens_as_sqlite_with_the_notes(questions, tmp_path: Path):
    import genanki

    content, mime, ext = export(questions, "anki", title="测验")
    again, _, _ = export(questions, "anki", title="测验")
    assert ext == "apkg"
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert "collection.anki2" in z.namelist()
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    try:
        notes = db.execute("SELECT guid, mid, flds, tags FROM notes").fetchall()
        models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
        decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    finally:
        db.close()
    assert len(notes) == len(questions)
    assert {g for g, *_ in notes} == {genanki.guid_for(q.id) for q in questions}
    assert {m for _, m, *_ in notes} == {stable_id(MODEL_NAME)} and str(stable_id(MODEL_NAME)) in models
    assert any(d["name"] == "测验" and int(d["id"]) == stable_id("plankb deck 测验") for d in decks.values())
    stems = {html.unescape(f.split("\x1f")[0]) for _, _, f, _ in notes}
    assert stems == {q.stem for q in questions}
    with zipfile.ZipFile(io.BytesIO(again)) as z:
        assert "collection.anki2" in z.namelist()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.text.append("\n")

    def handle_data(self, data):
        self.text.append(data)


def _key_letters(key_line: str) -> list[str]:
    return re.findall(r"\d+—([A-Z])", key_line)


def test_html_paper_with_separate_answer_key(questions):
    content, mime, ext = export(questions, "html", title="测验 <1>")
    assert ext == "html" and mime.startswith("text/html")
    page = content.decode("utf-8")
    p = _Text()
    p.feed(page)
    text = "".join(p.text)
    assert "b" not in p.tags and "script" not in p.tags  # '<b>' in a stem stays text
    for q in questions:
        assert q.stem in text
    key = page.index('class="key"')
    assert key > max(page.index(html.escape(q.stem, quote=True)) for q in questions)
    assert page.count('class="q"') == len(questions)
    assert "测验 &lt;1&gt; · 答案与解析" in page and "break-before:page" in page
    assert "姓名：" in text and "单位：" in text and "得分：" in text


def test_paper_matching_key_is_shuffled_per_seed(questions):
    """The printed right-hand column is not the answer order: a key '1—A；2—B；3—C' gives it away."""
    from plankb.quiz.paper import matching_key, right_column

    matching = [q for q in questions if q.type == "matching"]
    assert len(matching) >= 2
    identity = [letter for letter in "ABCDEFGH"]
    for q in matching:
        for seed in (5, 6):
            letters = _key_letters(matching_key(q, seed))
            assert letters != identity[: len(q.answer)], (q.id, seed)
            assert sorted(right_column(q, seed)) == sorted(b for _, b in q.answer)
        assert matching_key(q, 5) == matching_key(q, 5)  # deterministic
    assert any(matching_key(q, 5) != matching_key(q, 6) for q in matching)  # and depends on the seed
    page = export(questions, "html", seed=5)[0].decode("utf-8")
    for q in matching:  # the key in the paper is the one of the printed column
        assert html.escape(matching_key(q, 5)) in page
        column = right_column(q, 5)
        assert f"A. {html.escape(column[0])}" in page


def test_docx_paper_reads_back_with_python_docx(questions, tmp_path: Path):
    import docx

    from plankb.quiz.paper import matching_key

    content, mime, ext = export(questions, "docx", title="2025年第一期值班培训", seed=5)
    assert ext == "docx" and "wordprocessingml" in mime
    path = tmp_path / "paper.docx"
    path.write_bytes(content)
    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs]
    assert paras[0] == "2025年第一期值班培训" and d.core_properties.title == "2025年第一期值班培训"
    assert "姓名：" in paras[1] and "单位：" in paras[1] and "得分：" in paras[1]
    # the key starts after a page break, and every question comes before it
    brk = next(i for i, p in enumerate(d.paragraphs) if 'w:type="page"' in p._p.xml)
    key_head = paras.index("2025年第一期值班培训 · 答案与解析")
    assert brk < key_head
    body, key = "\n".join(paras[:brk]), "\n".join(paras[key_head:])
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    for q in questions:
        assert q.stem in body
        assert q.explanation in key
    for q in (q for q in questions if q.type == "matching"):
        assert matching_key(q, 5) in key
        assert all(any(a in c for c in cells) for a, _ in q.answer)
    assert sum(p.startswith("答案：", p.find(". ") + 2) for p in paras[key_head:]) == len(questions)


def test_every_text_export_uses_the_title(questions):
    for fmt in ("gift", "moodle-xml", "json", "html"):
        content = export(questions, fmt, title="值班员测验")[0].decode("utf-8")
        assert "值班员测验" in content, fmt


def test_unknown_format_is_an_input_error(questions):
    assert set(FORMATS) == {"gift", "moodle-xml", "aiken", "csv", "xlsx", "anki", "json", "html", "docx"}
    with pytest.raises(InputError):
        export(questions, "pdf")
