"""OFD (GB/T 33190) through extract.loaders (issue 13 point 4).

The fixture is written at test time from master plan section 2.3.6
(tests/fixtures_formats.make_ofd): OFD.xml, Doc_0/Document.xml and one
Content.xml per page, each line a TextObject with Boundary and TextCode
(X/Y, DeltaX), some lines split in two objects, the objects of a page in
shuffled order, the 52-row table laid out in columns with wrapped cells and
running onto the second page.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fixtures_formats import make_ofd, master_section_blocks

from fixtures_make import Heading, Table
from plankb.extract.errors import InputError
from plankb.extract.loaders import load_bytes, load_path
from plankb.extract.model import ClauseKind
from plankb.extract.pipeline import parse_text, source_meta
from plankb.kb.readmodels import file_extraction

TITLE = "北京市突发事件总体应急预案"


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def blocks() -> list:
    return master_section_blocks("### 2.3.6 突发事件处置分工", "#### 2.4 区、重点地区应急机构")


@pytest.fixture(scope="module")
def ofd(tmp_path_factory: pytest.TempPathFactory, blocks: list) -> Path:
    return make_ofd(tmp_path_factory.mktemp("ofd") / "plan.ofd", blocks, title=TITLE, date="2021-07-09T10:00:00")


def test_text_comes_back_in_reading_order(ofd: Path, blocks: list) -> None:
    src = load_path(ofd)
    assert src.kind == "ofd" and src.pages == 2 and len(src.page_starts) == 2
    expected = "".join(
        "".join("".join(row) for row in b.rows) if isinstance(b, Table) else (b.text if isinstance(b, Heading) else b)
        for b in blocks
    )
    assert compact(src.text) == compact(expected)
    assert dict(src.meta) == {"title": TITLE, "date": "2021-07-09"}


def test_table_2_3_6_has_52_rows_with_leads(ofd: Path) -> None:
    src = load_path(ofd)
    (parsed,) = parse_text(src.text, ofd.name, source_meta(src))
    table = [c for c in parsed.clauses if c.kind is ClauseKind.TABLE_ROW]
    assert [r.cells[0] for r in table] == [str(i) for i in range(1, 53)]
    by_no = {r.cells[0]: r for r in table}
    # Row 5's event wraps inside its cell; row 32/33 sit on either side of the page break.
    assert by_no["5"].cells[1:] == ("突发地质灾害(崩塌、滑坡、泥石流、地面塌陷等)", "市应急局、市规划自然资源委")
    assert by_no["14"].cells[2] == "市公安局公安交通管理局"
    assert by_no["33"].cells[1:] == ("民用航空器空难事件", "市消防救援总队")
    assert by_no["52"].cells[1:] == ("旅游突发事件", "市文化和旅游局")
    assert {r.group for r in table} == {"自然灾害类", "事故灾难类", "公共卫生类", "社会安全类"}
    assert parsed.document.date == "2021-07-09"  # from OFD.xml DocInfo


def test_sniffed_from_content_and_read_by_extract(ofd: Path) -> None:
    src = load_bytes(ofd.read_bytes(), "plan.docx")  # an OFD named .docx is still an OFD
    assert src.kind == "ofd"
    view = file_extraction(ofd.read_bytes(), "upload.bin", with_facts=False)
    rows = [c for d in view["documents"] for c in d["clauses"] if c["kind"] == "table_row"]
    assert len(rows) == 52


def _rezip(ofd: Path, change: dict[str, bytes | None]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(ofd) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename not in change:
                out.writestr(info.filename, src.read(info.filename))
        for name, data in change.items():
            if data is not None:
                out.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("truncated", "the ZIP container is damaged"),
        ("no-docroot", "OFD.xml has no DocBody/DocRoot"),
        ("missing-page", "KeyError"),
        ("bad-xml", "XMLSyntaxError"),
        ("bomb", "times its packed size"),
    ],
)
def test_damage_is_one_sentence(ofd: Path, case: str, why: str) -> None:
    data = ofd.read_bytes()
    if case == "truncated":
        data = data[: len(data) // 2]
    elif case == "no-docroot":
        data = _rezip(ofd, {"OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody/></ofd:OFD>'})
    elif case == "missing-page":
        data = _rezip(ofd, {"Doc_0/Pages/Page_1/Content.xml": None})
    elif case == "bad-xml":
        data = _rezip(ofd, {"Doc_0/Document.xml": b"<ofd:Document"})
    else:
        data = _rezip(ofd, {"Doc_0/Res/padding.xml": b"\0" * 50_000_000})
    with pytest.raises(InputError) as exc:
        load_bytes(data, "plan.ofd")
    msg = str(exc.value)
    assert "plan.ofd: the OFD cannot be opened (" in msg and why in msg and "\n" not in msg
