"""The plain HTTP routes beside the page, fetched from the real server: calendar feeds per office,
the print view of a filter or of one answer, and one answer's cited rows as a file. Expected rows
come from the bot this process loads (`app.SERVICE.bot`), never from hard-coded counts."""
from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from gradio_client import Client
from icalendar import Calendar
from openpyxl import load_workbook

import app as app_module
from app_routes import parse_months, print_page, schedule_offices
from bot.export import COLUMNS, citation_label, row_uid

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def bot():
    return app_module.SERVICE.bot


def events(data: bytes):
    return Calendar.from_ical(data).walk("VEVENT")


@pytest.mark.parametrize("office", ["基教处", "民继处"])
def test_office_calendar_is_stable_and_has_the_offices_rows(app_url, office):
    rows = bot().filter_rows((), (office,))
    assert rows, f"the notice has rows for {office}"
    url = f"{app_url}calendar/{quote(office)}.ics"
    first, second = get(url), get(url)
    assert first[0] == second[0] == 200
    assert first[1]["content-type"].startswith("text/calendar")
    one, two = events(first[2]), events(second[2])
    assert len(one) == len(rows)
    uids = [str(e["uid"]) for e in one]
    assert uids == [str(e["uid"]) for e in two] == [row_uid(r) for r in rows]   # same URL, same events
    assert len(set(uids)) == len(uids)
    assert all(str(e["summary"]) in {r.text for r in rows} for e in one)
    assert office in str(Calendar.from_ical(first[2])["x-wr-calname"])


def test_all_offices_calendar_and_an_unknown_office(app_url):
    status, _, body = get(f"{app_url}calendar/all.ics")
    assert status == 200 and len(events(body)) == len(bot().schedule)
    status, headers, body = get(f"{app_url}calendar/{quote('宣传处')}.ics")
    assert status == 404 and headers["content-type"].startswith("application/json")
    detail = json.loads(body)["detail"]
    assert "unknown office '宣传处'" in detail
    assert "valid offices: " + "、".join(schedule_offices(bot())) in detail


def test_print_view_of_a_filter(app_url):
    rows = bot().filter_rows((6,), ("基教处",))
    status, headers, body = get(f"{app_url}print?months=6&offices={quote('基教处')}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode("utf-8")
    assert "筛选:月份:6月;责任单位:基教处 · 共 %d 项" % len(rows) in page
    for r in rows:
        assert r.text in page and citation_label(bot().corpus, r) in page
    assert "<script" not in page and "gradio" not in page.lower()     # no app chrome, nothing runs
    status, _, body = get(f"{app_url}print?months=13")
    assert status == 400 and "months must be month numbers 1–12, got '13'" in json.loads(body)["detail"]


def test_print_page_escapes_the_question_and_answer():
    rows = bot().filter_rows((7,), ("民继处",))
    page = print_page(bot(), rows, "本回答", question="<script>alert(1)</script>", answer="<b>x</b>")
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "&lt;b&gt;x" in page
    assert parse_months(["6", "7月", "6"]) == (6, 7)


def test_one_answer_exports_exactly_its_cited_rows(app_url):
    client = Client(app_url, verbose=False)
    messages = client.predict("7月民继处有什么工作?", [], api_name="/ask")
    answer_id = messages[1]["metadata"]["answer_id"]
    expected = bot().ask("7月民继处有什么工作?")
    cited = list(dict.fromkeys(c.record_id for c in expected.citations if c.kind == "schedule"))
    assert cited
    status, headers, body = get(f"{app_url}answer/{answer_id}/rows.csv")
    assert status == 200 and "attachment" in headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0] == list(COLUMNS)
    assert [line[1] for line in lines[1:]] == [bot().record(i).text for i in cited]
    status, _, body = get(f"{app_url}answer/{answer_id}/rows.xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [bot().record(i).text for i in cited]
    status, _, body = get(f"{app_url}answer/{answer_id}/rows.ics")
    assert [str(e["uid"]) for e in events(body)] == [row_uid(bot().record(i)) for i in cited]
    status, _, body = get(f"{app_url}answer/{answer_id}/print")
    page = body.decode("utf-8")
    assert status == 200 and "问题:7月民继处有什么工作?" in page
    assert all(bot().record(i).text in page for i in cited)

    # Not a schedule answer, a forged id, a wrong format: refused, saying why.
    item_id = client.predict("第18条讲什么?", [], api_name="/ask")[1]["metadata"]["answer_id"]
    status, _, body = get(f"{app_url}answer/{item_id}/rows.csv")
    assert status == 404 and "cites no 配档表 rows" in json.loads(body)["detail"]
    status, _, body = get(f"{app_url}answer/a-forged/rows.csv")
    assert status == 404 and "no answer with id 'a-forged'" in json.loads(body)["detail"]
    status, _, body = get(f"{app_url}answer/{answer_id}/rows.pdf")
    assert status == 404 and "valid: xlsx, csv, ics" in json.loads(body)["detail"]
