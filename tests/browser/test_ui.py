"""The UI in a real browser (Debian chromium via Playwright): the four acceptance
scenarios, keyboard and no-JavaScript use, and screenshots of every page at
desktop and phone width (artifacts/screenshots/, looked at by a person).

The server is waitress on 127.0.0.1 and a free port; the browser is never
downloaded: Playwright drives /usr/bin/chromium (``apt-get install chromium``).
Without it, or without the playwright package, these tests are skipped with
the reason.  (The fixtures live here, not in a conftest.py, because a second
module named ``conftest`` would shadow tests/conftest.py for the modules that
import its constants.)
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# PLANKB_SHOTS puts them elsewhere (outside the checkout, for a look without touching the repo).
SHOTS = Path(os.environ.get("PLANKB_SHOTS") or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots")
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="session")
def live_server(kb_settings, built_kb) -> Iterator[str]:
    import waitress

    from plankb.kb.search import Searcher
    from plankb.web import create_app

    settings = dataclasses.replace(kb_settings, max_upload_bytes=2_000_000)
    app = create_app(settings, searcher=Searcher(built_kb))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.task_dispatcher.shutdown(timeout=10)  # workers first: they write to the pipe close() shuts
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):  # noqa: ANN201
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.fixture()
def snap(shots: Path):  # noqa: ANN201
    """snap(page, name, full=False): screenshots at desktop and phone width, then back to desktop."""

    def take(page, name: str, *, full: bool = False) -> None:  # noqa: ANN001
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900 if label == "desktop" else 844})
            # A resize keeps the scroll offset, not the element the URL points at: go back to it.
            page.evaluate("() => { const t = location.hash && document.getElementById(location.hash.slice(1)); if (t) t.scrollIntoView(); }")
            page.wait_for_timeout(100)
            page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=full)
            if label == "phone":
                # Nothing may overflow the phone screen sideways (wide tables scroll in their own box).
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 1, f"{name}: the page is {overflow}px wider than the phone screen"
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    return take



pytestmark = pytest.mark.browser

# A district draft we wrote, with one timeline conflict: the master plan (4.1.4, corpus l.605) wants
# detailed information "最迟不得晚于事件发生后 2 小时报送"; the draft allows 4 hours.
DRAFT = """北京市怀柔区突发事件总体应急预案（征求意见稿）

4 应急处置与救援
4.1 信息报送
4.1.1 对于能够判定为较大及以上突发事件等级的，事发地街道（乡镇）和区相关部门要立即报告区委值班室和区应急办，详细信息最迟不得晚于事件发生后4小时报送。
4.1.2 对于暂时无法判明等级的突发事件，应迅速核实，最迟不晚于接报后20分钟向区委值班室和区应急办报告。
"""


def test_search_and_open_a_clause(page, live_server, snap):
    page.goto(f"{live_server}/search")
    page.get_by_label("关键词或问题").fill("燃气事故")
    page.get_by_label("辖区").select_option("北京市")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(re.compile(r"/search\?"))
    first = page.locator("ol.hits li.hit").first
    assert first.locator("mark.hl").first.inner_text() == "燃气事故"
    snap(page, "search")
    first.locator("a.hit-title").click()
    page.wait_for_url(re.compile(r"/documents/[^/#]+#c\d+$"))
    target = page.locator(":target")
    assert target.count() == 1 and "燃气事故" in target.inner_text()
    assert target.is_visible()
    snap(page, "document-at-clause")
    page.goto(f"{live_server}/clauses/gaz2021-2:4.1.5")
    assert "原文第 609–609 行" in page.content()
    snap(page, "clause")
    page.get_by_role("link", name=re.compile("原文第 609")).click()
    page.wait_for_url(re.compile(r"/source\?from=609&to=609#L609$"))
    assert page.locator("#L609").get_attribute("class").endswith("hl-line")
    snap(page, "source")


def test_ask_who_leads_gas_accident(page, live_server, snap):
    page.goto(live_server)
    box = page.get_by_label("输入问题或关键词")
    box.fill("燃气事故谁负责")
    box.press("Enter")
    card = page.locator("section.kind-who_leads")
    card.wait_for()
    assert card.locator(".card-answer").inner_text() == "市城市管理委"
    assert "2.3.6 突发事件处置分工" in card.inner_text()
    snap(page, "home-who-leads", full=True)
    page.goto(f"{live_server}/?q=无法判明等级的突发事件多久内报告")
    assert page.locator("section.kind-answer .card-answer").inner_text() == "接报后30分钟"  # the limit with its anchor
    snap(page, "home-ask")


def test_upload_a_draft_and_see_a_conflict_highlighted(page, live_server, snap):
    checker = pytest.importorskip("checker")
    if not hasattr(checker, "check_bytes"):
        pytest.skip("the checker package is not built yet (no checker.check_bytes)")
    page.goto(f"{live_server}/check")
    snap(page, "check-form")
    page.get_by_label("选择文件").set_input_files({"name": "draft.txt", "mimeType": "text/plain", "buffer": DRAFT.encode("utf-8")})
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_url(re.compile(r"/check/r/[\w-]+$"), timeout=60_000)
    mark = page.locator(".draft-text mark.v-conflict", has_text="4小时")
    mark.wait_for()
    assert mark.count() == 1
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    # the chart sets the draft's 4 hours beside the master's 2 hours
    chart = page.locator("svg.chart")
    assert chart.count() == 1 and "4小时" in chart.text_content() and "2小时" in chart.text_content()
    # the finding beside the text cites the master clause 4.1.4
    finding = page.locator("li.finding.v-conflict", has_text="4小时")
    assert "最迟不得晚于事件发生后2小时报送" in finding.inner_text()
    snap(page, "check-report", full=True)
    with page.expect_download() as dl:
        page.get_by_role("link", name="Markdown").click()
    assert "4小时" in Path(dl.value.path()).read_text(encoding="utf-8")


def test_build_and_download_a_gift_quiz(page, live_server, snap):
    quiz = pytest.importorskip("quiz")
    if not hasattr(quiz, "generate"):
        pytest.skip("the quiz package is not built yet (no quiz.generate)")
    page.goto(f"{live_server}/quiz")
    snap(page, "quiz-form")
    page.get_by_label("信息报送").check()
    page.get_by_label("单项选择题").check()
    page.get_by_label("判断题").check()
    page.get_by_label(re.compile("题数")).fill("5")
    page.get_by_role("button", name="生成预览").click()
    page.wait_for_url(re.compile(r"/quiz\?"))
    assert page.locator("li.question").count() == 5
    snap(page, "quiz-preview")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Moodle GIFT").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename.startswith("plankb-quiz.")
    assert len(re.findall(r"^::q\w+ [^:]+::", text, re.M)) == 5  # five GIFT questions with titles


def test_other_pages_screenshots(page, live_server, snap):
    for name, path in [
        ("home", "/"), ("documents", "/documents"), ("document", "/documents/gaz2021-2"),
        ("document-pinggu", "/documents/pg-3"), ("incidents", "/incidents"), ("matrix", "/matrix"),
        ("matrix-pinggu", "/matrix?jurisdiction=平谷区"), ("not-found", "/documents/nope"),
    ]:
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1, name
        snap(page, name)


def test_keyboard_skip_link_and_focus(page, live_server):
    page.goto(f"{live_server}/documents")  # the home page autofocuses its search box instead
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # the search box is labelled and reachable; focus is visible (outline drawn)
    page.goto(live_server)
    page.get_by_label("输入问题或关键词").focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/?q=地铁停运谁牵头")
        assert page.locator("section.kind-who_leads .card-answer").inner_text() == "市交通委"
        page.locator("ol.hits a.hit-title").first.click()
        page.wait_for_url(re.compile(r"/documents/"))
        page.goto(f"{live_server}/check")
        page.get_by_label("或粘贴文本").fill("")
        page.get_by_role("button", name="开始检查").click()
        # without JS the form posts normally, with its CSRF token: the answer is the form with a message
        assert "没有收到草案" in page.content()
    finally:
        context.close()


# -- issue 12: what a user saw -----------------------------------------------------------
ENGLISH_RE = re.compile(r"[A-Za-z]{2,}(?:[ ,'`]+[A-Za-z][A-Za-z'`]*){2,}")


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def _docx_draft() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("1 总则", level=1)
    d.add_paragraph("1.1 本预案适用于本区突发事件的应对工作。")
    d.add_heading("4 应急处置与救援", level=1)
    d.add_paragraph("4.1.1 事发地街道要立即报告区委值班室和区应急办，详细信息最迟不得晚于事件发生后4小时报送。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _upload(page, live_server, name: str, mime: str, data: bytes) -> None:  # noqa: ANN001
    page.goto(f"{live_server}/check")
    page.get_by_label("选择文件").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="开始检查").click()


def test_progress_bar_hidden_at_rest_and_bad_upload_message_in_chinese(page, live_server, snap):
    page.goto(f"{live_server}/check")
    bar = page.locator("#check-progress")
    assert bar.count() == 1 and not bar.is_visible()  # hidden at rest, though .progress is a flex box
    _upload(page, live_server, "草案.xlsx", "application/octet-stream", _xlsx())
    error = page.locator("#main .error")
    error.wait_for()
    text = error.inner_text()
    assert "不支持「.xlsx」类型的文件「草案.xlsx」" in text and not ENGLISH_RE.search(text), text
    assert not page.locator("#check-progress").is_visible()  # and hidden again after the error
    snap(page, "check-error")


def test_docx_draft_pane_has_no_markdown_markers(page, live_server):
    _upload(page, live_server, "草案.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _docx_draft())
    page.wait_for_url(re.compile(r"/check/r/[\w-]+$"), timeout=60_000)
    pane = page.locator(".draft-text").inner_text()
    assert "1 总则" in pane and "4 应急处置与救援" in pane
    assert not re.search(r"(?m)^#+ ", pane), pane[:200]


def test_report_page_is_consistent(page, live_server, snap):
    _upload(page, live_server, "draft.txt", "text/plain", DRAFT.encode("utf-8"))
    page.wait_for_url(re.compile(r"/check/r/[\w-]+$"), timeout=60_000)
    token = page.url.rsplit("/", 1)[1]
    # the summary counts what the JSON and Markdown reports count
    data = page.request.get(f"{live_server}/check/r/{token}/download/json").json()
    md = page.request.get(f"{live_server}/check/r/{token}/download/md").text()
    by = data["summary"]["by_verdict"]
    for verdict, label in (("conflict", "冲突"), ("review", "需复核"), ("consistent", "一致")):
        badge = page.locator(f'.summary [data-count="{verdict}"]').inner_text()
        assert badge.startswith(f"{label} {by[verdict]}"), (badge, by)
        assert f"{label} {by[verdict]} 项" in md
    # a summary badge has the colour of the items it counts
    review_items = page.locator("li.finding.v-review .badge-review")
    if review_items.count():
        colour = "e => getComputedStyle(e).backgroundColor"
        assert page.locator('.summary [data-count="review"]').evaluate(colour) == review_items.first.evaluate(colour)
    # rule titles in Chinese, ids as hover titles
    rule = page.locator("li.finding .rule").first
    assert re.search(r"[\u4e00-\u9fff]", rule.inner_text()) and "." in (rule.get_attribute("title") or "")
    # the legend shows the red of conflicting bars, and explains overlapping marks
    assert page.locator(".legend .swatch.bar-conflict").count() == 1
    assert "叠加显示" in page.locator(".draft-legend").inner_text()
    # chart labels stay readable on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    sizes = page.evaluate("""() => [...document.querySelectorAll('svg.chart text')].map(t => {
        const svg = t.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(getComputedStyle(t).fontSize) * scale; })""")
    assert sizes and min(sizes) >= 12, sizes
    page.set_viewport_size({"width": 1280, "height": 900})
    snap(page, "check-report-issue12", full=True)


def test_document_page_badges_addressee_and_toc(page, live_server):
    page.goto(f"{live_server}/documents/gaz2021-2")
    legend = page.locator(".doc-body .legend").inner_text()
    assert re.search(r"数值 \d+", legend) and re.search(r"时限 \d+", legend), legend
    addressee = page.locator("dl.meta div", has_text="主送").locator("dd").inner_text()
    assert addressee and not addressee.endswith((":", "：")), addressee
    toc = page.locator("aside.outline").inner_text()
    assert "3.1.5 市紧急报警服务中心(110)和市市民热线服务中心" not in toc.split("\n")
    page.goto(f"{live_server}/clauses/gaz2021-2:4.1.5")
    body = page.locator("#main").inner_text()
    assert "30分钟" in body and "PT30M" not in body
    assert page.locator('[title="PT30M"]').count() >= 1  # the ISO value stays as a hover title


def test_quiz_page_title_word_paper_and_aiken_note(page, live_server):
    import docx

    page.goto(f"{live_server}/quiz")
    page.get_by_label("试卷标题").fill("值班员测验")
    page.get_by_label(re.compile("题数")).fill("12")
    page.get_by_role("button", name="生成预览").click()
    page.wait_for_url(re.compile(r"/quiz\?"))
    assert "Aiken 格式只能保存单选题" in page.locator("#aiken-note").inner_text()
    with page.expect_download() as dl:
        page.get_by_role("link", name="Word 试卷 (.docx)").click()
    paper = docx.Document(dl.value.path())
    assert paper.paragraphs[0].text == "值班员测验"
    page.goto(f"{live_server}/quiz?go=1&n=999")
    text = page.locator("#main .error").inner_text()
    assert "「题数」必须在 1 到" in text and not ENGLISH_RE.search(text)
    page.goto(f"{live_server}/clauses/nope-1:9")
    text = page.locator("#main").inner_text()
    assert "没有找到条款" in text and "plankb" not in text


def test_home_says_unsure_instead_of_guessing(page, live_server, snap):
    """Issue 11: a question the corpus cannot answer gets 「不确定」, never a confident answer."""
    page.goto(live_server)
    box = page.get_by_label("输入问题或关键词")
    box.fill("市应急委第一副主任由谁担任")
    box.press("Enter")
    card = page.locator("section.kind-unsure")
    card.wait_for()
    assert card.locator(".card-kicker").inner_text() == "不确定"
    assert page.locator("section.kind-answer").count() == 0
    snap(page, "home-unsure", full=True)


def test_home_default_jurisdiction_is_remembered(page, live_server, snap):
    """Issue 11: a district duty officer picks a district once; later questions without one use it."""
    page.goto(live_server)
    page.get_by_label("我的辖区").select_option("平谷区")
    page.get_by_role("button", name="设为默认").click()
    page.wait_for_url(re.compile(r"jurisdiction="))
    box = page.get_by_label("输入问题或关键词")
    box.fill("小区燃气泄漏谁牵头")
    box.press("Enter")
    card = page.locator("section.kind-who_leads")
    card.wait_for()
    assert card.locator(".card-answer").inner_text() == "区城市管理委"
    assert "（平谷区）" in card.locator("#card-title").inner_text()
    assert "市级：市城市管理委" in card.inner_text()
    assert page.get_by_label("我的辖区").input_value() == "平谷区"
    snap(page, "home-jurisdiction", full=True)
    page.get_by_label("我的辖区").select_option("")
    page.get_by_role("button", name="设为默认").click()
    page.wait_for_url(re.compile(r"jurisdiction="))
    box = page.get_by_label("输入问题或关键词")
    box.fill("小区燃气泄漏谁牵头")
    box.press("Enter")
    page.locator("section.kind-who_leads").wait_for()
    assert page.locator(".card-answer").inner_text() == "市城市管理委"
