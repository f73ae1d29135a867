"""Checker tests on the real corpus (master plan, Pinggu plan) and the evaluation drafts.

Expected values come from reading the texts: the Pinggu plan reports within
1 hour and 10 minutes (003 L1294-1302) where the master says 2 hours and 30
minutes (000 4.1.4-4.1.5); the drafts' labels files say what each statement
should give and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from plankb.checker import RULES, CheckReport, MasterPlan, check_bytes, check_parsed, check_path, check_text
from plankb.checker.render import to_html, to_json, to_markdown
from plankb.checker.report import TYPES
from plankb.checker.rules import _functions
from plankb.checker.run import detect_level
from plankb.extract.errors import InputError
from plankb.extract.model import ClauseKind, Level
from plankb.extract.pipeline import parse_text

REPO = Path(__file__).resolve().parents[1]
DRAFTS = REPO / "bench" / "eval" / "drafts"
HELDOUT = REPO / "bench" / "eval" / "heldout"
PINGGU_FILE = "pinggu-district-documents-2021-2022.txt"


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def mplan(master) -> MasterPlan:
    return MasterPlan.from_parsed(master)


@pytest.fixture(scope="module")
def pg_report(pinggu, mplan, raw_texts) -> CheckReport:
    return check_parsed(pinggu, mplan, raw_texts[PINGGU_FILE], name=PINGGU_FILE)


@pytest.fixture(scope="module")
def reports(mplan) -> dict[str, CheckReport]:
    return {p.name: check_path(p, mplan) for p in sorted(DRAFTS.iterdir()) if p.suffix in (".txt", ".md", ".docx")}


def find(report: CheckReport, rule: str, text: str):
    """Findings of ``rule`` whose quote (whitespace removed) contains ``text``."""
    return [f for f in report.findings if f.rule_id == rule and text in flat(f.sub_quote)]


def spans_ok(report: CheckReport) -> None:
    for f in report.findings:
        if f.sub_span is not None:
            assert report.input_text[f.sub_span.start : f.sub_span.end] == f.sub_quote


# -- the Pinggu district master plan ---------------------------------------------
def test_pinggu_is_read_as_a_district_master_plan(pg_report):
    d = pg_report.document
    assert (d["level"], d["jurisdiction"], d["doc_type"]) == ("district", "平谷区", "预案")
    spans_ok(pg_report)


def test_pinggu_stricter_reporting_limits_are_consistent(pg_report):
    one_hour = find(pg_report, "timeline.deadline", "事件发生后1小时报送")
    ten_min = find(pg_report, "timeline.deadline", "接报后10分钟")
    follow = find(pg_report, "timeline.interval", "每30分钟续报")
    assert [str(f.verdict) for f in one_hour + ten_min + follow] == ["consistent"] * 3
    assert "2小时" in one_hour[0].master_quote and "30分钟" in ten_min[0].master_quote
    assert not [f for f in pg_report.findings if f.type == "timeline" and str(f.verdict) == "conflict"]


def test_pinggu_conflicts_and_reviews(pg_report):
    # The one conflict: Pinggu 5.2.3 has 应急管理部门 lead donations, the master's 5.2.3 民政部门 (issue 10:
    # duties outside table 2.3.6 are compared through the obligation model).
    conflicts = [f for f in pg_report.findings if str(f.verdict) == "conflict"]
    assert [(f.rule_id, f.master_section.split()[0]) for f in conflicts] == [("duty.task_owner", "5.2")]
    assert "应急管理部门" in conflicts[0].sub_quote and "民政部门" in conflicts[0].master_quote
    reviews = {(f.rule_id, f.master_clause_id.split(":")[1]) for f in pg_report.findings if str(f.verdict) == "review"}
    # 金融突发事件 led by 区财政局 (a stand-in for 市金融局); no rows for 矿山事故, 轨道交通运营突发事件,
    # 辐射事故; no 5-hour first-release limit in 4.8.1.
    assert reviews == {
        ("duty.lead_counterpart", "2.3.6/47"),
        ("coverage.incident_type", "2.3.6/11"),
        ("coverage.incident_type", "2.3.6/15"),
        ("coverage.incident_type", "2.3.6/29"),
        ("coverage.missing_limit", "4.7.1#2"),
    }


def test_pinggu_counterpart_leads_are_consistent(pg_report):
    for row in ("粮食供给事件区商务局", "道路突发事件区公路分局", "药品安全事件区市场监管局", "火灾事故区消防救援支队"):
        (f,) = find(pg_report, "duty.lead_counterpart", row)
        assert str(f.verdict) == "consistent", row
    (nuclear,) = [f for f in pg_report.findings if f.master_clause_id.endswith(":2.3.6/32")]
    assert str(nuclear.verdict) == "consistent"  # 核事件: 市国防科工办 has no district counterpart


def test_pinggu_three_response_levels_compared_by_grade(pg_report):
    (scheme,) = [f for f in pg_report.findings if f.rule_id == "level.response_scheme"]
    assert str(scheme.verdict) == "consistent" and "按事件等级对照" in scheme.explanation
    assert all(str(f.verdict) == "consistent" for f in pg_report.findings if f.rule_id.startswith("level."))


def test_master_checked_against_itself_is_clean(master, mplan, raw_texts):
    r = check_parsed(master, mplan, raw_texts["beijing-gazette-2021-31-master-plan.txt"])
    assert r.summary["by_verdict"]["conflict"] == 0 and r.summary["by_verdict"]["review"] == 0


def test_public_health_plan_one_hour_report_is_a_conflict(corpus_parsed, mplan, raw_texts):
    # 003 L3514-3516: 接到报告后区卫生健康委…在1小时内尽快向区应急办、区委区政府…报告 (master 4.1.5: 30 minutes);
    # L3532: 每 30 分钟持续报告 (same as the master).
    (ph,) = [p for p in corpus_parsed[PINGGU_FILE] if p.document.doc_number == "京平政发〔2022〕3号"]
    r = check_parsed(ph, mplan, raw_texts[PINGGU_FILE])
    (late,) = find(r, "timeline.deadline", "在1小时内尽快向区应急办")
    assert str(late.verdict) == "conflict" and late.master_clause_id.endswith("4.1.5")
    assert not find(r, "duty.warning_approval", "提出发布橙色、红色预警")  # a proposal, not an approval


def test_a_programme_gets_reviews_not_conflicts(corpus_parsed, mplan, raw_texts):
    (tz,) = corpus_parsed["tongzhou-15th-five-year-emergency-plan.txt"]
    r = check_parsed(tz, mplan, raw_texts["tongzhou-15th-five-year-emergency-plan.txt"])
    assert r.summary["by_verdict"]["conflict"] == 0 and any("不是应急预案" in n for n in r.notes)


# -- drafts: timelines ---------------------------------------------------------------
def test_longer_limits_are_conflicts_with_both_quotes(reports):
    r = reports["d4_broken_pdf.txt"]  # PDF-like: hard wraps inside "4 小" / "时"
    spans_ok(r)
    (detail,) = find(r, "timeline.deadline", "事件发生后4小时报送")
    assert str(detail.verdict) == "conflict" and "2小时" in detail.master_quote
    assert "\n" in detail.sub_quote  # the quote is the text as read, wraps included
    (follow,) = find(r, "timeline.interval", "每1小时续报")
    assert str(follow.verdict) == "conflict" and "每30分钟" in flat(follow.master_quote)
    (money,) = find(r, "timeline.deadline", "3个工作日")
    assert str(money.verdict) == "conflict" and money.master_clause_id.endswith("6.8.3")


def test_stricter_and_equal_limits_are_consistent(reports):
    r = reports["d2_flood_sectoral.txt"]
    for text in ("应在3小时内通过区融媒体中心", "应在1小时内报送详细信息", "接报后应在30分钟内"):
        (f,) = [f for f in r.findings if f.type == "timeline" and text in flat(f.sub_quote)]
        assert str(f.verdict) == "consistent", text
    (bad,) = find(r, "timeline.interval", "每2小时续报")
    assert str(bad.verdict) == "conflict"


def test_missing_limit_is_a_coverage_review(reports):
    r = reports["d5_gas_department.docx"]
    (gap,) = [f for f in r.findings if f.rule_id == "coverage.missing_limit"]
    assert str(gap.verdict) == "review" and "续报" in gap.sub_quote and gap.master_clause_id.endswith("4.1.5")


# -- drafts: duties, levels, coverage --------------------------------------------------
def test_lead_counterparts_in_a_district_table(reports):
    r = reports["d1_district_master.txt"]
    verdicts = {row: str(find(r, "duty.lead_counterpart", row)[0].verdict) for row in (
        "燃气事故区住房城乡建设委", "特种设备事故区应急管理局", "金融突发事件区财政局", "森林火灾区园林绿化局",
        "粮食供给事件区商务局", "道路交通事故区公安分局交通支队")}
    assert verdicts == {
        "燃气事故区住房城乡建设委": "conflict",  # master: 市城市管理委
        "特种设备事故区应急管理局": "conflict",  # master: 市市场监管局
        "金融突发事件区财政局": "review",  # stand-in for 市金融局
        "森林火灾区园林绿化局": "review",  # co-lead 区应急管理局 missing
        "粮食供给事件区商务局": "consistent",
        "道路交通事故区公安分局交通支队": "consistent",
    }


def test_reserved_powers(reports):
    d1, d3 = reports["d1_district_master.txt"], reports["d3_street.md"]
    assert str(find(d1, "duty.reserved_command", "具体指挥本区相关重大、较大突发事件")[0].verdict) == "conflict"
    assert str(find(d1, "duty.reserved_command", "统一指挥处置一般、较大自然灾害")[0].verdict) == "consistent"
    assert str(find(d1, "duty.warning_approval", "红色预警由区应急办报分管区领导批准")[0].verdict) == "conflict"
    assert str(find(d1, "duty.warning_approval", "橙色预警由区应急办报分管区领导批准")[0].verdict) == "consistent"
    assert str(find(d1, "duty.mobilisation", "全区范围内的突发事件社会动员")[0].verdict) == "conflict"
    assert str(find(d1, "duty.emergency_state", "进入紧急状态")[0].verdict) == "conflict"
    assert d3.document["level"] == "street"
    assert str(find(d3, "duty.reserved_command", "由街道应急委统一指挥处置")[0].verdict) == "conflict"
    assert str(find(d3, "duty.warning_approval", "发布橙色、红色预警")[0].verdict) == "conflict"


def test_level_rules(reports):
    d2, d4, d5 = reports["d2_flood_sectoral.txt"], reports["d4_broken_pdf.txt"], reports["d5_gas_department.docx"]
    (order,) = [f for f in d4.findings if f.rule_id == "level.response_order"]
    assert str(order.verdict) == "conflict" and "由低到高分为一级" in flat(order.sub_quote)  # reversed levels
    (warn,) = [f for f in d4.findings if f.rule_id == "level.warning_scheme"]
    assert str(warn.verdict) == "conflict" and "3级" in warn.explanation
    assert all(str(f.verdict) == "consistent" for f in d2.findings if f.rule_id in ("level.response_order", "level.warning_scheme"))
    assert str(find(d2, "level.response_authority", "由区防指总指挥决定启动Ⅱ级响应")[0].verdict) == "conflict"
    assert str(find(d2, "level.response_authority", "报请市防指启动")[0].verdict) == "consistent"
    assert str(find(d5, "level.grade_scheme", "分为重大、较大和一般三级")[0].verdict) == "conflict"


def test_city_in_a_district_name_is_not_the_city(mplan):
    text = ("北京市延庆区燃气突发事件应急预案\n4 应急响应\n4.2 二级响应：发生重大燃气突发事件时，由区城市管理委启动二级响应。\n"
            "4.3 一级响应：发生特别重大燃气突发事件时，报请市城市管理委启动一级响应。\n")
    r = check_text(text, "x.txt", mplan)
    assert str(find(r, "level.response_authority", "由区城市管理委启动二级响应")[0].verdict) == "conflict"
    assert str(find(r, "level.response_authority", "报请市城市管理委启动")[0].verdict) == "consistent"


def test_coverage_of_incident_types_and_provisions(reports):
    r = reports["d1_district_master.txt"]
    cov = {f.master_clause_id.split(":")[1]: str(f.verdict) for f in r.findings if f.rule_id == "coverage.incident_type"}
    assert cov == {"2.3.6/15": "review", "2.3.6/29": "review", "2.3.6/32": "consistent"}
    (funding,) = [f for f in r.findings if f.rule_id == "coverage.provision"]
    assert funding.sub_span is None and funding.master_section.startswith("6.8")
    # Sectoral plans are not held to the master plan's list.
    assert not [f for f in reports["d2_flood_sectoral.txt"].findings if f.rule_id.startswith("coverage.")]


def test_street_plan_against_pinggu_as_master(pinggu):
    r = check_path(HELDOUT / "h3_township_vs_pinggu.txt", MasterPlan.from_parsed(pinggu))
    assert (r.document["level"], r.master["level"]) == ("street", "district")
    assert str(find(r, "timeline.deadline", "应在20分钟内")[0].verdict) == "conflict"  # Pinggu: 10 minutes
    assert str(find(r, "timeline.deadline", "应在5分钟内")[0].verdict) == "consistent"
    assert str(find(r, "duty.mobilisation", "全镇范围内的社会动员")[0].verdict) == "consistent"


# -- inputs, rendering, catalogue ------------------------------------------------------
def test_docx_bytes_and_markdown_tables(mplan, reports):
    data = (DRAFTS / "d5_gas_department.docx").read_bytes()
    r = check_bytes(data, "upload.docx", mplan)
    spans_ok(r)
    assert r.summary == reports["d5_gas_department.docx"].summary
    # A Markdown table is read by extract into table rows (extract/tables.py), as for ingest and search.
    text = "# 某街道突发事件应急预案\n\n## 2.3 处置分工\n\n| 序号 | 突发事件 | 区级处置主责部门 |\n|---|---|---|\n| 1 | 水灾 | 区应急管理局 |\n"
    (p,) = parse_text(text, "draft.md")
    assert [c.cells for c in p.clauses if c.kind is ClauseKind.TABLE_ROW] == [("1", "水灾", "区应急管理局")]


def test_bad_input_raises_input_error(mplan):
    with pytest.raises(InputError):
        check_bytes(b"", "empty.txt", mplan)
    with pytest.raises(InputError):
        check_bytes("预案".encode() * 100, "big.txt", mplan, max_bytes=10)


def test_retriever_aligns_free_text(mplan, master):
    wanted = next(c.id for c in master.clauses if c.id.endswith(":1.1.3"))
    calls = []

    def retriever(query: str, k: int) -> list[str]:
        calls.append(query)
        return ["no-such-clause", wanted]

    text = "北京市延庆区突发事件总体应急预案\n1 总则\n制定本预案，对于提升本区突发事件应急处置水平具有重大意义。\n"
    r = check_text(text, "x.txt", mplan, retriever=retriever)
    assert calls and any(a["how"] == "retriever" and a["master_clause"] == wanted for a in r.alignment)


def test_html_is_standalone_and_escaped(mplan):
    text = (DRAFTS / "d3_street.md").read_text(encoding="utf-8")
    text = text.replace("## 六、社会动员", "## 六、社会动员\n\n附注：<script>alert('x')</script> & 其他")
    r = check_text(text, "d3.md", mplan)
    page = to_html(r)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert page.count('<mark class="conflict"') >= 5 and "http" not in page.split("<body>")[0]
    assert '上级预案 4.6 社会动员' in page  # master clause beside the subordinate quote
    md = to_markdown(r)
    assert "## 冲突（6）" in md and "全街道范围内的社会动员" in md
    assert json.loads(to_json(r))["summary"]["by_verdict"]["conflict"] == 6


def test_catalogue_and_findings_agree(reports):
    assert set(RULES) == set(_functions())
    assert all(RULES[k][0] in TYPES and RULES[k][1] for k in RULES)
    for r in reports.values():
        for f in r.findings:
            assert f.rule_id in RULES and f.type == RULES[f.rule_id][0] and f.explanation


def test_level_detection():
    assert detect_level("北京市平谷区兴谷街道突发事件总体应急预案", "", None, None)[:2] == (Level.STREET, "平谷区兴谷街道")
    assert detect_level("北京市密云区防汛应急预案", "", None, None)[:2] == (Level.DISTRICT, "密云区")
    assert detect_level("突发事件应急预案", "本区…全区…区委…区政府", None, None)[0] is Level.DISTRICT
    assert detect_level("x", "", "street", "某街道")[:2] == (Level.STREET, "某街道")


# -- CLI ---------------------------------------------------------------------------------
def test_cli_check_exit_codes_and_json(built_kb, kb_settings, tmp_path, monkeypatch):
    import plankb.cmd_check  # noqa: F401 - registers `check` (until cli.py imports it)
    from plankb.cli import main

    monkeypatch.setenv("PLANKB_EMBEDDER", "hash")
    runner = CliRunner()
    base = ["--data-dir", str(kb_settings.data_dir)]
    draft = str(DRAFTS / "d2_flood_sectoral.txt")
    res = runner.invoke(main, ["check", draft, "--fail-on", "conflict", *base])
    assert res.exit_code == 3, res.output
    out = tmp_path / "r.html"
    res = runner.invoke(main, ["check", draft, "--format", "html", "-o", str(out), "--no-retrieval", *base])
    assert res.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    clean = tmp_path / "ok.txt"
    clean.write_text("北京市密云区防汛应急预案\n五、信息报送\n区防汛办接报后应在20分钟内向区委总值班室和区应急办报告。\n", encoding="utf-8")
    res = runner.invoke(main, ["check", str(clean), "--fail-on", "conflict", "--json", *base])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) == {"document", "findings", "summary"} and data["summary"]["by_verdict"]["conflict"] == 0
    # 20 minutes is stricter than 30; the missing 2-hour and 30-minute limits are gaps (review).
    assert data["summary"]["by_verdict"]["review"] == 2
    assert runner.invoke(main, ["check", str(clean), "--fail-on", "review", *base]).exit_code == 3
    res = runner.invoke(main, ["check", str(tmp_path / "missing.txt"), *base])
    assert res.exit_code == 1 and "not found" in res.output
