"""Build HTML, OFD and OCR fixtures from corpus text, at test time.

Like tests/fixtures_make.py (PDF, DOCX) nothing binary is committed for
these formats: every file is written into a tmp dir from the corpus lines,
so the expected answers come from the same text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from fixtures_make import master_plan_lines

# The master plan inside the gazette file: from its title to the next document.
_PLAN_START = "# 北京市突发事件总体应急预案"
_PLAN_END = "# 中共北京市委办公厅 北京市人民政府办公厅"
_MD_HEAD_RE = re.compile(r"^(#{1,6})\s+(.*)$")


def master_plan_body() -> list[str]:
    """Non-empty lines of the master plan (its TOC included), as the corpus holds them."""
    lines = master_plan_lines()
    start = lines.index(_PLAN_START)
    end = lines.index(_PLAN_END, start)
    return [line for line in lines[start:end] if line.strip()]


def html_body(lines: list[str]) -> str:
    """Corpus lines as HTML: ``#`` headings as <hN>, runs of TSV lines as one <table>."""
    out: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        ncols = max(len(r) for r in rows)
        out.append('<table border="1" cellspacing="0">')
        for r in rows:
            if r[0] == "序号" and len(out) > 1 and "<tr>" in out[-1]:
                continue  # the PDF repeated the header on each page; a web table has one
            if len(r) < ncols or not all(r[1:]):  # a category row spans the table
                out.append(f'<tr><td colspan="{ncols}"><b>{html.escape(r[0])}</b></td></tr>')
            else:
                out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>")
        out.append("</table>")
        rows.clear()

    for line in lines:
        if "\t" in line:
            rows.append(re.sub(r"</?b>", "", line).split("\t"))
            continue
        flush()
        m = _MD_HEAD_RE.match(line)
        if m:
            level = min(len(m.group(1)) + 1, 6)
            out.append(f"<h{level}>{html.escape(m.group(2))}</h{level}>")
        else:
            out.append(f"<p>{html.escape(line)}</p>")
    flush()
    return "\n".join(out)


def make_gov_html(path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    """A government web page around ``lines``: navigation, 信息公开 block, share buttons, footer."""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="{encoding}">
<title>北京市人民政府关于印发《北京市突发事件总体应急预案（2021年修订）》的通知_政策文件_首都之窗_北京市人民政府门户网站</title>
<meta name="SiteName" content="首都之窗">
<meta name="ArticleTitle" content="北京市人民政府关于印发《北京市突发事件总体应急预案（2021年修订）》的通知">
<meta name="PubDate" content="2021-09-09 10:00">
<meta name="ContentSource" content="北京市人民政府">
<meta name="keywords" content="应急预案,突发事件">
</head><body>
<div class="header"><a href="/">首页</a> | <a href="/zhengce/">政策文件</a> | <a href="/hudong/">政民互动</a>
<a href="/fuwu/">办事服务</a> | <a href="/search">搜索</a> <a href="/en">English</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zhengce">政务公开</a></li>
<li><a href="/zhengce/zhengcefagui">政策文件</a></li><li>当前位置：首页 &gt; 政务公开 &gt; 政策文件</li></ul></div>
<div class="xxgk"><table class="xxgk-head">
<tr><td>索 引 号：</td><td>000014349/2021-00053</td><td>主题分类：</td><td>公共安全</td></tr>
<tr><td>发文机关：</td><td>北京市人民政府</td><td>成文日期：</td><td>2021年07月09日</td></tr>
<tr><td>标　　题：</td><td colspan="3">北京市人民政府关于印发《北京市突发事件总体应急预案（2021年修订）》的通知</td></tr>
<tr><td>发文字号：</td><td>京政发〔2021〕19号</td><td>发布日期：</td><td>2021年09月09日</td></tr>
</table></div>
<div class="article"><div class="view TRS_UEDITOR trs_paper_default">
{html_body(lines)}
</div></div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a> <a href="javascript:window.print()">【打印本页】</a> <a href="#">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a">北京市人民政府关于印发《北京市“十四五”时期应急管理事业发展规划》的通知</a></li>
<li><a href="/b">北京市突发事件应急委员会关于印发本市各专项应急预案的通知</a></li></ul></div>
<div class="footer"><p>主办：北京市人民政府办公厅 承办：北京市政务服务和数据管理局</p>
<p>版权所有：北京市人民政府门户网站 网站标识码：1100000088 京ICP备05060933号 京公网安备 11010502039216号</p></div>
</body></html>
"""
    path.write_bytes(page.encode(encoding))
    return path


def master_section_blocks(start: str, end: str) -> list:
    """Blocks for :func:`fixtures_make.make_pdf` of master-plan lines from heading ``start`` to ``end``.

    Runs of TSV lines become one ruled table (category rows span it); the
    header the PDF repeated on each page is kept only once.
    """
    from fixtures_make import Heading, Table

    lines = master_plan_body()
    i, j = lines.index(start), lines.index(end)
    blocks: list = []
    rows: list[tuple[str, ...]] = []
    for line in lines[i:j]:
        if "\t" in line:
            cells = tuple(re.sub(r"</?b>", "", line).split("\t"))
            if cells[0] == "序号" and rows:
                continue
            rows.append(cells if all(cells[1:]) else (cells[0],))
            continue
        if rows:
            blocks.append(Table(tuple(rows)))
            rows = []
        m = _MD_HEAD_RE.match(line)
        blocks.append(Heading(m.group(2)) if m else line)
    if rows:
        blocks.append(Table(tuple(rows)))
    return blocks


def render_pages(pdf_path: Path, *, dpi: int = 200) -> list:
    """Each page of a PDF as a PIL image (pypdfium2), as a scanner would deliver it."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def make_image_pdf(path: Path, images: list, *, dpi: int = 200) -> Path:
    """An image-only PDF (no text layer): one page per image, A4 at ``dpi``."""
    import io

    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    for image in images:
        w, h = image.width * 72 / dpi, image.height * 72 / dpi
        pdf.add_page(format=(w, h))
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        pdf.image(buf, x=0, y=0, w=w, h=h)
    path.write_bytes(bytes(pdf.output()))
    return path


# -- OFD ----------------------------------------------------------------------

OFD_NS = "http://www.ofdspec.org/2016"
_PAGE_W, _PAGE_H, _MARGIN, _SIZE, _LEADING = 210.0, 297.0, 25.0, 3.5, 6.0
# Table columns of 2.3.6 (x of each column's left edge, width in mm): 序号, 突发事件, 主责部门.
_OFD_COLS = ((_MARGIN, 14.0), (_MARGIN + 15.0, 69.0), (_MARGIN + 85.0, 75.0))


def _wrap(text: str, width: float) -> list[str]:
    per = max(1, int(width // _SIZE))
    return [text[i : i + per] for i in range(0, len(text), per)] or [""]


def _ofd_pages(blocks: list) -> list[list[tuple[float, float, str]]]:
    """(x, baseline y, text) of every run, page by page, laid out as a typesetter would (A4, 3.5 mm type)."""
    from fixtures_make import Heading, Table

    pages: list[list[tuple[float, float, str]]] = [[]]
    y = _MARGIN

    def advance(lines: int = 1) -> float:
        nonlocal y
        if y + lines * _LEADING > _PAGE_H - _MARGIN:
            pages.append([])
            y = _MARGIN
        y += lines * _LEADING
        return y

    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                # A cell keeps about one character of padding; a one-cell row spans the table.
                widths = [w - _SIZE for _, w in _OFD_COLS] if len(row) > 1 else [_PAGE_W - 2 * _MARGIN]
                cells = [_wrap(c, w) for c, w in zip(row, widths)]
                height = max(len(c) for c in cells)
                top = advance(height) - height * _LEADING
                for cell, (x, _) in zip(cells, _OFD_COLS):
                    for k, part in enumerate(cell):
                        pages[-1].append((x, top + (k + 1) * _LEADING, part))
            continue
        text = block.text if isinstance(block, Heading) else str(block)
        indent = 0.0 if isinstance(block, Heading) else 2 * _SIZE
        for k, part in enumerate(_wrap(text, _PAGE_W - 2 * _MARGIN - indent)):
            pages[-1].append((_MARGIN + (indent if k == 0 else 0.0), advance(), part))
    return pages


def make_ofd(path: Path, blocks: list, *, title: str = "", date: str = "", seed: int = 13) -> Path:
    """An OFD (GB/T 33190) of ``blocks``: OFD.xml, Doc_0/Document.xml, Doc_0/Pages/Page_N/Content.xml.

    Each run is a TextObject whose Boundary holds it and whose TextCode gives
    X/Y (baseline) relative to the Boundary and DeltaX in the compressed
    ``g N d`` form; some lines are split into two TextObjects, and the objects
    of a page are written in shuffled order, as real producers do (the
    reading order must come from the positions).
    """
    import random
    import zipfile
    from xml.sax.saxutils import escape

    rng = random.Random(seed)
    pages = _ofd_pages(blocks)
    info = f"<ofd:Title>{escape(title)}</ofd:Title>" if title else ""
    info += f"<ofd:CreationDate>{date}</ofd:CreationDate>" if date else ""
    ofd_xml = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
               f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>plankb-test</ofd:DocID>{info}</ofd:DocInfo>"
               "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    page_refs = "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
    document_xml = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
                    f"<ofd:MaxUnitID>{10 * sum(map(len, pages)) + 10}</ofd:MaxUnitID><ofd:PageArea>"
                    f"<ofd:PhysicalBox>0 0 {_PAGE_W:g} {_PAGE_H:g}</ofd:PhysicalBox></ofd:PageArea>"
                    f"</ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>")
    uid = 100
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", ofd_xml)
        zf.writestr("Doc_0/Document.xml", document_xml)
        for n, runs in enumerate(pages):
            pieces = []
            for x, y, text in runs:
                cut = rng.randrange(1, len(text)) if len(text) > 6 and rng.random() < 0.3 else len(text)
                for part, px in ((text[:cut], x), (text[cut:], x + cut * _SIZE)):
                    if part:
                        pieces.append((px, y, part))
            rng.shuffle(pieces)
            objects = []
            for px, y, part in pieces:
                uid += 1
                w = len(part) * _SIZE
                delta = f' DeltaX="g {len(part) - 1} {_SIZE:g}"' if len(part) > 1 else ""
                # Boundary 1 mm left of and above the run; TextCode X/Y relative to it (Y = baseline).
                objects.append(f'<ofd:TextObject ID="{uid}" Boundary="{px - 1:.2f} {y - _SIZE - 1:.2f} {w + 2:.2f} {_SIZE + 2:.2f}"'
                               f' Font="1" Size="{_SIZE:g}"><ofd:FillColor Value="0 0 0"/>'
                               f'<ofd:TextCode X="1" Y="{_SIZE + 1:g}"{delta}>{escape(part)}</ofd:TextCode></ofd:TextObject>')
            zf.writestr(f"Doc_0/Pages/Page_{n}/Content.xml",
                        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
                        f'<ofd:Layer ID="{n + 1}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
    return path
