"""The page in a real headless browser (Debian chromium + chromedriver, driven by selenium).

Checks what a user sees: a typed question gets an answer and a 来源 block with the quote
highlighted, a 👍 lands in the feedback log, the 配档表 filter shows exactly the rows the notice's
schedule has for 6月 + 基教处 (computed from the parser, not hard-coded), a `<script>` question is
shown as text and never runs, and the page loads nothing from outside this machine.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image, ImageOps
from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException, NoAlertPresentException,
                                        StaleElementReferenceException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import app as app_module
from ingest.offices import OfficeTable
from ingest.parse import parse_file

ROOT = Path(__file__).resolve().parents[2]
NOTICE = ROOT / "corpus" / "jinan-edu-2024-work-plan.txt"
SCREENSHOT = ROOT / "docs" / "screenshot.png"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1280,1000", "--lang=zh-CN")
WAIT = 30  # seconds for anything the page should do

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    d = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    yield d
    d.quit()


@pytest.fixture
def page(driver, app_url):
    """The page, freshly loaded and ready for a question."""
    driver.get(app_url)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"))
    return driver


def wait(d, timeout: float = WAIT) -> WebDriverWait:
    # A table the page refreshes (文件库) may be replaced while it is read: read it again.
    return WebDriverWait(d, timeout, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))


def ask(d, question: str) -> None:
    box = d.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)


def no_alert(d) -> bool:
    try:
        d.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def distinct_colours(path: Path) -> tuple[int, float]:
    """(number of distinct colours, share of non-white pixels) of a screenshot."""
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 24) or []
        white = sum(n for n, c in colours if min(c) >= 245)
        return len(colours), 1 - white / (rgb.width * rgb.height)


def test_question_shows_answer_and_sources(page, app, tmp_path):
    d = page
    ask(d, "7月民继处有什么工作?")
    bot = wait(d).until(lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]")
                                   if "〔配档表·7月·民继处〕" in m.text])
    assert "校外培训机构设置标准" in bot[0].text
    assert d.find_element(By.CSS_SELECTOR, "#question textarea").get_attribute("value") == ""
    # The 来源 block arrives with the last chunk, closed; opening it shows the cited texts.
    title = wait(d).until(lambda d: [t for t in d.find_elements(By.CSS_SELECTOR, "#chatbot .thought-group .title")
                                     if t.text.startswith("来源")])[0]
    assert title.text == "来源 (2)"
    title.click()
    # Wait for the opened block to be visible (it slides open), not merely present.
    marks = wait(d).until(lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, "#chatbot .thought-group mark")
                                     if m.text])
    assert "出台《济南市校外培训机构设置标准》" in marks[0].text
    block = d.find_element(By.CSS_SELECTOR, "#chatbot .thought-group").text
    assert "第7条" in block and "责任单位:民继处" in block

    shot = tmp_path / "chat.png"
    time.sleep(0.5)  # let the opened block finish its transition before the picture
    assert d.save_screenshot(str(shot))
    colours, ink = distinct_colours(shot)
    assert colours > 50 and ink > 0.02, f"screenshot looks blank: {colours} colours, {ink:.1%} non-white"
    if os.environ.get("POLICYQA_UPDATE_SCREENSHOT"):  # refresh the README's picture on request only
        shutil.copyfile(shot, SCREENSHOT)

    # 👍 under the answer: one more line in the feedback log, about this answer.
    before = app.feedback.read_text(encoding="utf-8").splitlines() if app.feedback.exists() else []
    d.find_element(By.CSS_SELECTOR, "#chatbot button[aria-label=Like]").click()
    wait(d).until(lambda d: app.feedback.exists()
                  and len(app.feedback.read_text(encoding="utf-8").splitlines()) == len(before) + 1)
    logged = json.loads(app.feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert logged["vote"] == "up" and logged["question"] == "7月民继处有什么工作?"
    assert any(c["kind"] == "item" and c["item"] == 7 for c in logged["citations"])


def test_example_button_asks(page):
    d = page
    button = next(b for b in d.find_elements(By.CSS_SELECTOR, ".example-question")
                  if b.text == "普惠性幼儿园覆盖率目标是多少?")
    button.click()
    wait(d).until(lambda d: any("〔第8条〕" in m.text
                                for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]")))
    user = d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=user]")
    assert [u.text for u in user] == ["普惠性幼儿园覆盖率目标是多少?"]


def expected_rows(month: int, office: str) -> list[tuple[str, str, str]]:
    """The notice's schedule rows for `month` that name `office` (any spelling), from the parser."""
    table = OfficeTable.load()
    doc = parse_file(NOTICE, table)
    return [(f"{r.month}月", r.task, "、".join(r.offices)) for r in doc.schedule
            if r.month == month and any(table.canonical(o) == office for o in r.offices)]


def choose(d, dropdown_id: str, option: str) -> None:
    """Pick `option` in a multi-select gr.Dropdown by typing it and clicking the match."""
    box = d.find_element(By.CSS_SELECTOR, f"#{dropdown_id} input")
    box.click()
    box.send_keys(option)
    item = wait(d).until(lambda d: [li for li in d.find_elements(By.CSS_SELECTOR, f"#{dropdown_id} li")
                                    if li.text.strip() == option])[0]
    item.click()
    box.send_keys(Keys.ESCAPE)


def shown_rows(d) -> list[tuple[str, ...]]:
    rows = d.find_elements(By.CSS_SELECTOR, "#schedule-table [role=row].virtual-row")
    return [tuple(c.text.strip() for c in r.find_elements(By.CSS_SELECTOR, "[role=gridcell]")) for r in rows]


def test_schedule_tab_filters_rows(page, tmp_path):
    d = page
    expected = expected_rows(6, "基教处")
    assert expected, "the notice has 6月 work for 基教处"
    next(t for t in d.find_elements(By.CSS_SELECTOR, "button[role=tab]") if t.text == "配档表").click()
    count = wait(d).until(lambda d: d.find_element(By.ID, "row-count"))
    total = len(parse_file(NOTICE, OfficeTable.load()).schedule)
    wait(d).until(lambda d: count.text == f"共 {total} 项")

    choose(d, "filter-months", "6月")
    choose(d, "filter-offices", "基教处")
    wait(d).until(lambda d: count.text == f"共 {len(expected)} 项")
    wait(d).until(lambda d: shown_rows(d) == expected)
    grid = d.find_element(By.CSS_SELECTOR, "#schedule-table [role=grid]")
    assert grid.get_attribute("aria-rowcount") == str(len(expected) + 1)  # + the header row

    shot = tmp_path / "schedule.png"
    assert d.save_screenshot(str(shot))
    colours, ink = distinct_colours(shot)
    assert colours > 50 and ink > 0.02


def test_full_text_tab_lists_every_item(page):
    d = page
    next(t for t in d.find_elements(By.CSS_SELECTOR, "button[role=tab]") if t.text == "全文").click()
    text = wait(d).until(lambda d: d.find_element(By.ID, "full-text").text)
    doc = parse_file(NOTICE)
    for item in doc.items:
        assert f"〔第{item.no}条〕" in text
    for section in doc.sections:
        assert f"{section.no}、{section.title}" in text


def test_script_question_shown_as_text_and_not_run(page):
    d = page
    question = "<script>alert(1)</script><img src=x onerror=alert(2)>第18条讲什么?"
    ask(d, question)
    user = wait(d).until(lambda d: [u for u in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=user]")
                                    if "第18条" in u.text])[0]
    assert user.text == question  # every character visible, as typed
    wait(d).until(lambda d: any("〔第18条〕" in m.text
                                for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]")))
    assert no_alert(d)
    assert not d.find_elements(By.CSS_SELECTOR, "#chatbot script, #chatbot img[src=x]")


def test_page_loads_nothing_from_outside(page):
    urls = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    hosts = {urlparse(u).hostname for u in urls if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= {"127.0.0.1", "localhost"}, f"outside requests: {sorted(hosts)}"


def test_markdown_image_and_link_in_question_are_text(page):
    d = page
    question = "![](http://127.0.0.1:9/x.png)[点我](http://127.0.0.1:9/)第18条讲什么?"
    ask(d, question)
    user = wait(d).until(lambda d: [u for u in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=user]")
                                    if "第18条" in u.text])[0]
    assert user.text == question   # shown as typed: no image, no link
    assert not user.find_elements(By.CSS_SELECTOR, "img, a")
    wait(d).until(lambda d: any("〔第18条〕" in m.text
                                for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]")))
    urls = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [u for u in urls if ":9/" in u]   # the browser fetched nothing the question named


def test_index_status_is_shown(page):
    status = wait(page).until(lambda d: d.find_element(By.ID, "index-status").text)
    assert "索引建于" in status


def test_comment_on_the_last_answer_lands_in_the_log(page, app):
    d = page
    ask(d, "7月民继处有什么工作?")
    wait(d).until(lambda d: any("〔配档表·7月·民继处〕" in m.text
                                for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]")))
    before = app.feedback.read_text(encoding="utf-8").splitlines() if app.feedback.exists() else []
    next(b for b in d.find_elements(By.CSS_SELECTOR, "#comment-box button") if "有意见" in b.text).click()
    box = wait(d).until(lambda d: [t for t in d.find_elements(By.CSS_SELECTOR, "#comment textarea")
                                   if t.is_displayed()])[0]
    box.send_keys("<b>月份不对</b>")
    d.find_element(By.CSS_SELECTOR, "#should-cite textarea").send_keys("第7条")
    d.find_element(By.ID, "comment-send").click()
    wait(d).until(lambda d: app.feedback.exists()
                  and len(app.feedback.read_text(encoding="utf-8").splitlines()) == len(before) + 1)
    logged = json.loads(app.feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert logged["vote"] == "down" and logged["question"] == "7月民继处有什么工作?"
    assert logged["comment"] == "<b>月份不对</b>" and logged["should_cite"] == "第7条"
    assert "〔配档表·7月·民继处〕" in logged["answer"]


def pick(d, dropdown_id: str, option: str) -> None:
    """Pick `option` in a single-select gr.Dropdown: clear what it shows, type, click the match."""
    box = d.find_element(By.CSS_SELECTOR, f"#{dropdown_id} input")

    def clicked(_) -> bool:   # a loading overlay may cover the box for a moment after page load
        try:
            box.click()
            return True
        except ElementClickInterceptedException:
            return False

    wait(d).until(clicked)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(option)
    item = wait(d).until(lambda d: [li for li in d.find_elements(By.CSS_SELECTOR, f"#{dropdown_id} li")
                                    if li.text.strip() == option])[0]
    item.click()


def test_my_office_is_used_and_kept_in_this_browser(page):
    d = page
    pick(d, "my-office", "基教处")
    ask(d, "我们处上半年有什么工作?")
    wait(d).until(lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]")
                             if "按您的处室“基教处”" in m.text])
    d.refresh()   # the choice lives in local storage: a new page load restores it
    wait(d).until(lambda d: d.find_element(By.CSS_SELECTOR, "#my-office input").get_attribute("value") == "基教处")
    d.find_element(By.ID, "office-reset").click()
    wait(d).until(lambda d: d.find_element(By.CSS_SELECTOR, "#my-office input").get_attribute("value")
                  in ("", "(未选择)"))
    d.refresh()
    wait(d).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#my-office input"))
    assert d.find_element(By.CSS_SELECTOR, "#my-office input").get_attribute("value") in ("", "(未选择)")


def test_export_menu_follows_the_filter(page, tmp_path):
    d = page
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    next(t for t in d.find_elements(By.CSS_SELECTOR, "button[role=tab]") if t.text == "配档表").click()
    choose(d, "filter-months", "7月")
    choose(d, "filter-offices", "民继处")
    wait(d).until(lambda d: d.find_element(By.ID, "row-count").text == f"共 {len(expected_rows(7, '民继处'))} 项")
    for fmt in ("xlsx", "csv", "ics"):
        button = wait(d).until(lambda d: d.find_element(By.CSS_SELECTOR, f"#export-{fmt}"))
        assert button.is_displayed() and f".{fmt}" in button.text
    menu = d.find_element(By.ID, "export-menu")
    # Downloading gives the file for the filter: its name says which, its rows are the shown ones.
    wait(d).until(lambda d: d.find_element(By.CSS_SELECTOR, "#export-csv").is_enabled())
    d.find_element(By.CSS_SELECTOR, "#export-csv").click()
    got = wait(d).until(lambda d: [p for p in tmp_path.glob("*.csv") if "民继处-7月" in p.name])[0]
    lines = got.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + len(expected_rows(7, "民继处"))
    # The README's picture of the menu is refreshed on request only, like the chat page's.
    shot = ROOT / "docs" / "export-menu.png" if os.environ.get("POLICYQA_UPDATE_SCREENSHOT") else \
        tmp_path / "export-menu.png"
    assert menu.screenshot(str(shot))


# --- print view, calendar address, one answer's rows, choices as buttons -----------------------------

PRINT_SHOT = ROOT / "docs" / "print-view.png"


def test_print_view_and_calendar_address_follow_the_filter(page, app_url, tmp_path):
    d = page
    expected = expected_rows(3, "基教处")   # several rows, with their items: the README picture
    next(t for t in d.find_elements(By.CSS_SELECTOR, "button[role=tab]") if t.text == "配档表").click()
    choose(d, "filter-months", "3月")
    choose(d, "filter-offices", "基教处")
    link = wait(d).until(lambda d: [a for a in d.find_elements(By.ID, "print-link")
                                    if "months=3" in (a.get_attribute("href") or "")])[0]
    feed = d.find_element(By.CSS_SELECTOR, "#schedule-links .subscribe-url").text
    assert feed == f"{app_url}calendar/%E5%9F%BA%E6%95%99%E5%A4%84.ics"   # absolute: for a calendar client
    d.get(link.get_attribute("href"))
    rows = wait(d).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tbody tr"))
    cells = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    assert [(c[0], c[1], c[2]) for c in cells] == expected
    assert all(c[4].startswith("〔配档表·3月·") and "基教处" in c[4] for c in cells)   # citations kept
    assert d.find_element(By.ID, "filter").text.startswith("筛选:月份:3月;责任单位:基教处")
    assert "2024年工作要点" in d.find_element(By.CSS_SELECTOR, "h1.doc-title").text
    assert not d.find_elements(By.CSS_SELECTOR, "gradio-app, script, button, textarea, input")   # no app chrome
    shot = tmp_path / "print-view.png"
    assert d.save_screenshot(str(shot))
    colours, ink = distinct_colours(shot)
    assert colours > 20 and ink > 0.01
    if os.environ.get("POLICYQA_UPDATE_SCREENSHOT"):   # the README's picture, cut to the printed part
        with Image.open(shot) as im:
            box = ImageOps.invert(im.convert("RGB")).getbbox()
            im.crop((0, 0, im.width, min(im.height, box[3] + 24))).save(PRINT_SHOT)


def test_choices_are_buttons_and_a_schedule_answer_offers_its_rows(page, tmp_path):
    d = page
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    question = "我们处上半年有什么工作?"
    asked = app_module.SERVICE.bot.ask(question)
    assert asked.choices and "基教处" in asked.choices
    ask(d, question)
    button = wait(d).until(lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "#answer-choices button")
                                      if b.text.strip() == "基教处"])[0]
    assert len(d.find_elements(By.CSS_SELECTOR, "#answer-choices button")) >= len(asked.choices)
    button.click()
    wait(d).until(lambda d: [u.text for u in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=user]")]
                  == [question, "基教处"])                     # the choice is sent as the next message
    answer = app_module.SERVICE.bot.ask("基教处", [question])
    rows = list(dict.fromkeys(c.record_id for c in answer.citations if c.kind == "schedule"))
    assert rows
    tools = wait(d).until(lambda d: [t for t in d.find_elements(By.ID, "answer-rows")
                                     if f"引用配档表 {len(rows)} 项" in t.text])[0]
    assert not [c for c in d.find_elements(By.ID, "answer-choices") if c.is_displayed()]   # answered: no more choices
    assert any("·基教处〕" in m.text for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]"))
    tools.find_element(By.ID, "answer-csv").click()
    got = wait(d).until(lambda d: list(tmp_path.glob("*.csv")))[0]
    import csv
    import io

    # (Records, not lines: a row carrying out two items lists them one a line in its cell.)
    lines = list(csv.reader(io.StringIO(got.read_text(encoding="utf-8-sig"))))
    assert len(lines) == 1 + len(rows)                       # exactly the rows the answer cited
    assert "/print" in tools.find_element(By.ID, "answer-print").get_attribute("href")


# --- 文件库: upload, ask, delete on a copy of the corpus (conftest `library_app`) -------------------

def library_rows(d) -> list[tuple[str, ...]]:
    rows = d.find_elements(By.CSS_SELECTOR, "#library-table [role=row].virtual-row")
    return [tuple(c.text.strip() for c in r.find_elements(By.CSS_SELECTOR, "[role=gridcell]")) for r in rows]


def open_tab(d, name: str) -> None:
    next(t for t in d.find_elements(By.CSS_SELECTOR, "button[role=tab]") if t.text == name).click()


def test_library_upload_ask_and_delete(driver, library_app, tmp_path):
    from tests.app.conftest import hand_made_notice
    from tests.app.test_library import REBUILD_WAIT

    d = driver
    notice = tmp_path / "qingdao-2031.txt"
    notice.write_text(hand_made_notice("青岛", 2031), encoding="utf-8")
    d.get(library_app.url)
    wait(d).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"))
    open_tab(d, "文件库")
    wait(d).until(lambda d: [r[0] for r in library_rows(d)] == ["jinan-edu-2024-work-plan.txt"])
    d.find_element(By.CSS_SELECTOR, "#library-upload input[type=file]").send_keys(str(notice))
    wait(d).until(lambda d: "已加入“qingdao-2031.txt”" in d.find_element(By.ID, "library-message").text)
    assert (library_app.corpus / notice.name).read_bytes() == notice.read_bytes()
    # The table's cells are redrawn one by one: wait for the whole row (status and title), not only
    # its status cell, or a row caught mid-redraw reads 已建索引 beside the pending row's "—".
    row = wait(d, REBUILD_WAIT).until(lambda d: [r for r in library_rows(d)
                                                 if r[0] == notice.name and r[-1] == "已建索引" and r[2] != "—"])[0]
    assert row[1:4] == ("txt", "青岛市教育局2031年工作要点", "2031") and row[5:7] == ("2", "2")
    label = row[4]

    open_tab(d, "政策问答")
    ask(d, "2031年4月有什么工作?")
    answer = wait(d, 60).until(lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, "#chatbot [data-testid=bot]")
                                          if f"〔{label}·配档表·4月·基教处〕" in m.text])[0]
    assert "启动海洋教育实践基地遴选" in answer.text

    open_tab(d, "文件库")
    pick(d, "library-delete-choice", notice.name)
    d.find_element(By.ID, "library-delete").click()
    confirm = wait(d).until(lambda d: [b for b in d.find_elements(By.ID, "library-confirm-yes") if b.is_displayed()])[0]
    assert f"确定将“{notice.name}”移到回收站" in d.find_element(By.ID, "library-confirm-text").text
    assert (library_app.corpus / notice.name).exists()      # nothing happens before the confirmation
    confirm.click()
    wait(d).until(lambda d: "已将“qingdao-2031.txt”移到回收站" in d.find_element(By.ID, "library-message").text)
    wait(d, REBUILD_WAIT).until(lambda d: [r[0] for r in library_rows(d)] == ["jinan-edu-2024-work-plan.txt"])
    trashed = list((library_app.corpus / ".trash").glob(f"*-{notice.name}"))
    assert len(trashed) == 1 and trashed[0].read_bytes() == notice.read_bytes()
