"""The domain vocabulary (extract/vocab.py): its tables, and that nothing else keeps a copy."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from plankb.extract.errors import InputError
from plankb.extract.vocab import (
    COLOUR_RANK,
    COLOURS,
    DISTRICTS,
    GRADE_RANK,
    GRADES,
    RANK_GRADE,
    iso_duration,
    load_vocab,
    rank_of,
    say_duration,
    seconds,
    split_list,
)

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("extract", "kb", "checker", "quiz", "web", "plankb")
OWNER = REPO / "extract" / "vocab.py"


def test_tables_follow_the_master_plan() -> None:
    # master 1.4.2 (grades), 3.2.2 (一级 红色 … 四级 蓝色), 4.3.1 (four response levels)
    assert GRADES == ("特别重大", "重大", "较大", "一般")
    assert [GRADE_RANK[g] for g in GRADES] == [1, 2, 3, 4] and RANK_GRADE[1] == "特别重大"
    assert COLOURS == ("红色", "橙色", "黄色", "蓝色") and COLOUR_RANK["橙"] == 2
    assert len(DISTRICTS) == 16 and "平谷" in DISTRICTS
    assert [rank_of(w) for w in ("Ⅱ级", "三级", "蓝色", "较大", "IV", "1")] == [2, 3, 4, 3, 4, 1]
    assert rank_of("其他") is None


@pytest.mark.parametrize(("text", "want"), [
    ("区交通局、公路分局和区应急管理局等部门", ("区交通局", "区公路分局", "区应急管理局")),
    ("市应急局、市气象局、市园林绿化局等部门", ("市应急局", "市气象局", "市园林绿化局")),
    ("区住房和城乡建设委及区应急管理局", ("区住房和城乡建设委", "区应急管理局")),
    ("区卫生健康委，各街道办事处", ("区卫生健康委", "各街道办事处")),
    ("区委宣传部以及区委网信办", ("区委宣传部", "区委网信办")),
])
def test_split_list(text: str, want: tuple[str, ...]) -> None:
    assert split_list(text) == want


def test_durations_in_chinese() -> None:
    assert say_duration("PT2H") == "2小时"
    assert say_duration("R/PT30M") == "每30分钟"
    assert say_duration("P1D", working_days=True) == "1个工作日"
    assert say_duration("R/P1Y") == "每年"
    assert seconds("PT1H30M") == 5400 and seconds("R/P2Y") == 2 * 365 * 86400 and seconds("xx") is None
    assert iso_duration(2, "小时") == "PT2H" and iso_duration(1, "季度", recurrence=True) == "R/P3M"


def test_bad_vocabulary_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "vocab.yaml"
    bad.write_text("grades:\n  - {name: 特别重大, rank: 2, roman: Ⅰ, ordinal: 一级}\ncolours: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="vocab.yaml"):
        load_vocab.__wrapped__(bad)


# -- one place ---------------------------------------------------------------------
def _count(words: tuple[str, ...], values: list[str]) -> int:
    return sum(1 for w in words if any(v == w or v == w.removesuffix("色") for v in values))


def _copies(tree: ast.AST) -> list[str]:
    """Tables or alternations of colours, grades or districts in one module."""
    out = []
    grade_words = GRADES
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            elts = list(node.keys) + list(node.values) if isinstance(node, ast.Dict) else node.elts
            strs = [e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if _count(COLOURS, strs) >= 3 or _count(grade_words, strs) >= 3 or _count(DISTRICTS, strs) >= 3:
                out.append(f"line {node.lineno}: a table {strs[:5]}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            alts = re.split(r"[|()?:<!\[\]]+", node.value)
            if "|" in node.value and (_count(COLOURS, alts) >= 3 or _count(DISTRICTS, alts) >= 3
                                      or _count(grade_words, alts) >= 3):
                out.append(f"line {node.lineno}: an alternation {node.value[:40]!r}")
    return out


def test_vocabulary_is_defined_once() -> None:
    found = []
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            if path == OWNER:
                continue
            found += [f"{path.relative_to(REPO)} {c}" for c in _copies(ast.parse(path.read_text(encoding="utf-8")))]
    for path in sorted((REPO / "extract" / "data").glob("*.yaml")):
        if path.name == "vocab.yaml":
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.lstrip().startswith("#") and _count(DISTRICTS, re.split(r"[\s,\[\]:]+", line)) >= 3:
                found.append(f"{path.relative_to(REPO)} line {i}: a district list")
    assert not found, "import these from plankb.extract.vocab instead:\n" + "\n".join(found)


def test_the_scan_catches_a_copy() -> None:
    assert _copies(ast.parse('X = ("红色", "橙色", "黄色", "蓝色")'))
    assert _copies(ast.parse('R = r"(?:红色|橙色|黄色)预警"'))
    assert _copies(ast.parse('G = {"特别重大": 1, "重大": 2, "较大": 3}'))
    assert _copies(ast.parse('D = r"(平谷|通州|朝阳)区"'))
    assert not _copies(ast.parse('M = "一级红色、二级橙色、三级黄色和四级蓝色"'))
