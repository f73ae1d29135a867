"""Reports as JSON, Markdown and a standalone HTML page.

The HTML page is what a plan author sends to a colleague: the subordinate
text on the left with every finding highlighted at its exact characters, the
findings on the right with the master clause quoted beside the subordinate
quote.  All document text is escaped; the page loads nothing from outside.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from plankb.extract.model import Finding

from .report import TYPE_LABELS, VERDICT_LABELS, CheckReport
from .rules import RULES

_ORDER = ("conflict", "review", "consistent")
_LEVEL_LABELS = {"municipal": "市级", "district": "区级", "street": "街道（乡镇）级", "national": "国家级", "unknown": "未知"}


def to_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


# A clause number at the start of a quote keeps one space before its text: '4.1.4 对于…'.
_LEAD_NUMBER_RE = re.compile(r"^\s*(\d+(?:\.\d+)*)\s+")


def _flat(text: str) -> str:
    """A quote on one line: hard wraps and page-break spaces of the input removed,
    except the space after a leading clause number ('4.1.4 对于…', not '4.1.4对于…')."""
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        return " ".join(text.split())
    m = _LEAD_NUMBER_RE.match(text)
    head, text = (m.group(1) + " ", text[m.end():]) if m else ("", text)
    return head + "".join(text.split())


def _line(report: CheckReport, f: Finding) -> str:
    if f.sub_span is None:
        return "（全文未见）"
    a = report.input_text.count("\n", 0, f.sub_span.start) + 1
    b = report.input_text.count("\n", 0, max(f.sub_span.start, f.sub_span.end - 1)) + 1
    return f"第{a}行" if a == b else f"第{a}–{b}行"


def _counts(report: CheckReport) -> dict[str, int]:
    return report.summary.get("by_verdict", {})


# ---------------------------------------------------------------------------
def to_markdown(report: CheckReport) -> str:
    d, m = report.document, report.master
    c = _counts(report)
    out = [
        f"# 预案一致性检查报告：{d.get('title') or d.get('name')}",
        "",
        f"- 下级预案：{d.get('title')}（{_LEVEL_LABELS.get(d.get('level', ''), d.get('level'))}"
        f"{('，' + d['jurisdiction']) if d.get('jurisdiction') else ''}），文件 {d.get('name')}",
        f"- 上级预案：{m.get('title')}{(' ' + m['doc_number']) if m.get('doc_number') else ''}",
        f"- 结果：冲突 {c.get('conflict', 0)} 项，需复核 {c.get('review', 0)} 项，一致 {c.get('consistent', 0)} 项",
        "",
        "| 类型 | 冲突 | 需复核 | 一致 |",
        "|---|---|---|---|",
    ]
    for t, row in report.summary.get("by_type", {}).items():
        out.append(f"| {TYPE_LABELS.get(t, t)} | {row.get('conflict', 0)} | {row.get('review', 0)} | {row.get('consistent', 0)} |")
    for v in _ORDER:
        group = [f for f in report.findings if str(f.verdict) == v]
        if not group:
            continue
        out += ["", f"## {VERDICT_LABELS[v]}（{len(group)}）", ""]
        if v == "consistent":
            out += ["| 规则 | 下级预案 | 上级预案 | 说明 |", "|---|---|---|---|"]
            for f in group:
                out.append(f"| {RULES[f.rule_id][1]} | {_md_cell(_flat(f.sub_quote))[:60]} | {f.master_section} | {_md_cell(f.explanation)} |")
            continue
        for n, f in enumerate(group, 1):
            out.append(f"{n}. **[{TYPE_LABELS.get(f.type, f.type)}] {RULES[f.rule_id][1]}**（`{f.rule_id}`）：{f.explanation}")
            if f.sub_span is not None:
                out.append(f"   - 下级预案（{_line(report, f)}，字符 {f.sub_span.start}–{f.sub_span.end}）：{_flat(f.sub_quote)}")
            else:
                out.append("   - 下级预案：未见相应内容")
            if f.master_clause_id:
                out.append(f"   - 上级预案 {f.master_section}（{f.master_clause_id}）：{_flat(f.master_quote)}")
            if f.suggestion:
                out.append(f"   - 建议：{f.suggestion}")
    if report.alignment:
        out += ["", f"## 条款对照（{len(report.alignment)}）", "", "| 下级条款 | 上级条款 | 主题 | 方式 |", "|---|---|---|---|"]
        for a in report.alignment:
            out.append(f"| {a['sub_clause']} | {a['master_clause']} {a['master_section']} | {a['topic']} | {a['how']} |")
    if report.notes:
        out += ["", "## 说明", ""] + [f"- {n}" for n in report.notes]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------------
_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:16px 24px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:0 0 8px}h3{font-size:13px;margin:0 0 4px;color:#555}
.meta{margin:2px 0;color:#444;font-size:14px}
.counts span{display:inline-block;margin-right:12px;padding:2px 8px;border-radius:4px;font-size:14px}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;padding:16px 24px}
.doc pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #ddd;padding:12px;
 font-family:inherit;font-size:14px;line-height:1.7;max-height:85vh;overflow:auto;margin:0}
.findings{max-height:90vh;overflow:auto}
.finding{background:#fff;border:1px solid #ddd;border-left:5px solid #999;padding:10px 12px;margin-bottom:10px}
.finding.conflict{border-left-color:#c62828}.finding.review{border-left-color:#ef8f00}.finding.consistent{border-left-color:#2e7d32}
.badge{font-size:12px;padding:1px 6px;border-radius:3px;color:#fff;margin-right:6px}
.badge.conflict,.n-conflict{background:#c62828;color:#fff}.badge.review,.n-review{background:#ef8f00;color:#fff}
.badge.consistent,.n-consistent{background:#2e7d32;color:#fff}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:8px 0}
blockquote{margin:0;padding:6px 8px;background:#f5f5f5;font-size:13px;line-height:1.6;white-space:pre-wrap;word-break:break-all}
.why{margin:4px 0;font-size:14px}.fix{margin:4px 0;font-size:13px;color:#1b5e20}
code{font-size:12px;color:#666}
mark{padding:0 1px;border-radius:2px}mark.conflict{background:#ffcdd2}mark.review{background:#ffe0b2}mark.consistent{background:#dcedc8}
table{border-collapse:collapse;font-size:13px;background:#fff}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
section.extra{padding:0 24px 24px}details{margin-bottom:10px}
"""


def to_html(report: CheckReport) -> str:
    """A standalone page; every piece of document text goes through ``html.escape``."""
    e = html.escape
    d, m = report.document, report.master
    c = _counts(report)
    ordered = [f for v in _ORDER for f in report.findings if str(f.verdict) == v]
    ids = {id(f): n for n, f in enumerate(ordered, 1)}
    cards = []
    for v in _ORDER:
        group = [f for f in ordered if str(f.verdict) == v]
        if not group:
            continue
        body = "".join(_card(report, f, ids[id(f)]) for f in group)
        if v == "consistent":
            cards.append(f"<details><summary>一致（{len(group)}）</summary>{body}</details>")
        else:
            cards.append(f"<h2>{VERDICT_LABELS[v]}（{len(group)}）</h2>{body}")
    align_rows = "".join(
        f"<tr><td>{e(a['sub_clause'])}</td><td>{e(str(a['sub_section']))}</td><td>{e(a['master_clause'])}</td>"
        f"<td>{e(str(a['master_section']))}</td><td>{e(str(a['topic']))}</td><td>{e(a['how'])}</td></tr>"
        for a in report.alignment
    )
    notes = "".join(f"<li>{e(n)}</li>" for n in report.notes)
    level = _LEVEL_LABELS.get(d.get("level", ""), d.get("level", ""))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>预案一致性检查报告：{e(str(d.get('title') or d.get('name')))}</title>
<style>{_CSS}</style></head>
<body>
<header>
<h1>预案一致性检查报告</h1>
<p class="meta">下级预案：{e(str(d.get('title')))}（{e(level)}{('，' + e(d['jurisdiction'])) if d.get('jurisdiction') else ''}）　文件：{e(str(d.get('name')))}</p>
<p class="meta">上级预案：{e(str(m.get('title')))} {e(str(m.get('doc_number', '')))}</p>
<p class="counts"><span class="n-conflict">冲突 {c.get('conflict', 0)}</span><span class="n-review">需复核 {c.get('review', 0)}</span><span class="n-consistent">一致 {c.get('consistent', 0)}</span></p>
</header>
<div class="grid">
<section class="doc"><h2>下级预案原文（高亮为检查结果）{_window_note(report)}</h2><pre>{_highlighted(report, ordered, ids)}</pre></section>
<section class="findings">{''.join(cards) or '<p>未发现需要对照的内容。</p>'}</section>
</div>
<section class="extra">
<details><summary>条款对照（{len(report.alignment)}）</summary>
<table><tr><th>下级条款</th><th>所在章节</th><th>上级条款</th><th>所在章节</th><th>主题</th><th>对照方式</th></tr>{align_rows}</table></details>
{('<h2>说明</h2><ul>' + notes + '</ul>') if notes else ''}
</section>
</body></html>
"""


def _window_note(report: CheckReport) -> str:
    w = report.document.get("span")
    if not w or (w["start"] == 0 and w["end"] >= len(report.input_text)):
        return ""
    a = report.input_text.count("\n", 0, w["start"]) + 1
    b = report.input_text.count("\n", 0, max(w["start"], w["end"] - 1)) + 1
    return f"<small>（文件第{a}–{b}行）</small>"


def _card(report: CheckReport, f: Finding, n: int) -> str:
    e = html.escape
    v = str(f.verdict)
    where = f'<a href="#m{n}">{e(_line(report, f))}</a>' if f.sub_span is not None else e(_line(report, f))
    sub = e(_flat(f.sub_quote)) if f.sub_span is not None else "（未见相应内容）"
    master = e(f.master_quote) if f.master_quote else "（无）"
    fix = f'<p class="fix">建议：{e(f.suggestion)}</p>' if f.suggestion else ""
    return (
        f'<article class="finding {v}" id="f{n}"><div><span class="badge {v}">{e(VERDICT_LABELS[v])}</span>'
        f"<b>{e(TYPE_LABELS.get(f.type, f.type))}·{e(RULES[f.rule_id][1])}</b> <code>{e(f.rule_id)}</code> {where}</div>"
        f'<div class="pair"><div><h3>下级预案</h3><blockquote>{sub}</blockquote></div>'
        f"<div><h3>上级预案 {e(f.master_section)}</h3><blockquote>{master}</blockquote></div></div>"
        f'<p class="why">{e(f.explanation)}</p>{fix}</article>'
    )


def _highlighted(report: CheckReport, ordered: list[Finding], ids: dict[int, int]) -> str:
    """The input text escaped, each stretch covered by findings wrapped in a <mark>
    of the most severe verdict covering it; a finding's first stretch carries its anchor."""
    text = report.input_text
    window = report.document.get("span") or {"start": 0, "end": len(text)}
    lo, hi = window["start"], window["end"]
    spans = [(max(f.sub_span.start, lo), min(f.sub_span.end, hi), f) for f in ordered
             if f.sub_span is not None and f.sub_span.end > f.sub_span.start and f.sub_span.start < hi and f.sub_span.end > lo]
    cuts = sorted({lo, hi, *(s for s, _e, _f in spans), *(e for _s, e, _f in spans)})
    out: list[str] = []
    anchored: set[int] = set()
    for a, b in zip(cuts, cuts[1:]):
        piece = html.escape(text[a:b])
        cover = [f for s, e, f in spans if s <= a and b <= e]
        if not cover:
            out.append(piece)
            continue
        worst = min(cover, key=lambda f: _ORDER.index(str(f.verdict)))
        anchors = "".join(f'<a id="m{ids[id(f)]}" href="#f{ids[id(f)]}"></a>' for f in cover if ids[id(f)] not in anchored)
        anchored.update(ids[id(f)] for f in cover)
        title = html.escape("；".join(f"{VERDICT_LABELS[str(f.verdict)]}：{f.explanation}" for f in cover), quote=True)
        out.append(f'{anchors}<mark class="{str(worst.verdict)}" title="{title}">{piece}</mark>')
    return "".join(out)


def render(report: CheckReport, fmt: str) -> str:
    """Render in ``fmt`` (json | md | html)."""
    fn: dict[str, Any] = {"json": to_json, "md": to_markdown, "markdown": to_markdown, "html": to_html}
    return fn[fmt](report)
