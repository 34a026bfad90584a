"""The app through its API (gradio_client against the real server) and its feedback log."""
from __future__ import annotations

import http.cookiejar
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client

import app as app_module
from app import FeedbackLog, chunks, message_text, show_user, typed
from tests.app.conftest import running_app
from tests.conftest import NOTICE as ROOT_NOTICE

SOURCES = "来源"


@pytest.fixture(scope="module")
def client(app_url) -> Client:
    return Client(app_url, verbose=False)


def answer_of(history: list[dict]) -> str:
    """The text of the last answer (the last assistant message that is not the 来源 block)."""
    for m in reversed(history):
        if m["role"] == "assistant" and not ((m.get("metadata") or {}).get("title") or "").startswith(SOURCES):
            return message_text(m)
    raise AssertionError(f"no answer in {history!r}")


def answer_id_of(messages: list[dict]) -> str:
    """The server's id of the answer among the messages /ask returned."""
    for m in messages:
        if m["role"] == "assistant" and (m.get("metadata") or {}).get("answer_id"):
            return m["metadata"]["answer_id"]
    raise AssertionError(f"no answer id in {messages!r}")


def sources_of(history: list[dict]) -> tuple[str, str]:
    """(title, text) of the 来源 block that closes the history."""
    last = history[-1]
    title = (last.get("metadata") or {}).get("title") or ""
    assert last["role"] == "assistant" and title.startswith(SOURCES), f"no 来源 block at the end: {last!r}"
    return title, message_text(last)


@pytest.mark.slow
def test_question_gets_cited_answer(client):
    history = client.predict("7月民继处有什么工作?", [], api_name="/ask")
    assert [m["role"] for m in history] == ["user", "assistant", "assistant"]
    answer = answer_of(history)
    assert "校外培训机构设置标准" in answer
    assert "〔配档表·7月·民继处〕" in answer
    # The page shows what the bot answers (no LLM rewrite is configured in tests), and every citation.
    expected = app_module.SERVICE.bot.ask("7月民继处有什么工作?", [])
    assert answer == expected.answer
    title, sources = sources_of(history)
    assert title == f"来源 ({len(expected.citations)})"
    for c in expected.citations:
        assert c.label in sources
        if c.kind == "schedule":
            assert f"配档表 · {c.month}月" in sources and f"责任单位:{'、'.join(c.offices)}" in sources
        if c.kind == "item":
            item = app_module.SERVICE.bot.items[c.record_id]
            # The item's number, section and full text, with the quoted sentence highlighted.
            assert f"第{c.item}条" in sources and f"{item.section}、{item.section_title}" in sources
            assert item.text.split("。")[0] in sources
            assert f"<mark>{c.quote.split('。')[0]}" in sources
    assert any(c.kind == "item" and c.item == 7 for c in expected.citations)
    assert "<mark>强化校外培训机构治理" in sources


@pytest.mark.slow
def test_answer_is_streamed(client):
    job = client.submit("普惠性幼儿园覆盖率目标是多少?", [], api_name="/ask")
    final = job.result(timeout=60)
    answers = [answer_of(h) for h in job.outputs() if any(m["role"] == "assistant" for m in h)]
    assert len(answers) >= 3, "the answer should arrive in several growing chunks"
    assert all(b.startswith(a) for a, b in zip(answers, answers[1:]))
    assert answers[-1] == answer_of(final)
    assert "95%" in answer_of(final) and "〔第8条〕" in answer_of(final)


@pytest.mark.slow
def test_follow_up_keeps_context(client):
    first = client.predict("6月份基教处有什么工作?", [], api_name="/ask")
    assert "〔配档表·6月·基教处〕" in answer_of(first)
    second = client.predict("那7月呢?", first, api_name="/ask")
    # Only the new messages come back, never the history the client sent.
    assert second[0]["role"] == "user" and typed(message_text(second[0])) == "那7月呢?"
    assert [m["role"] for m in second][:2] == ["user", "assistant"] and len(second) <= 3
    answer = answer_of(second)
    # Understood as "7月 · 基教处": the office has no July task, and the answer says when it has some.
    assert "基教处" in answer and "7月" in answer and "没有" in answer
    assert answer == app_module.SERVICE.bot.ask("那7月呢?", ["6月份基教处有什么工作?"]).answer


@pytest.mark.slow
def test_bad_input_gets_a_polite_message(client):
    assert "请输入一个问题" in answer_of(client.predict("", [], api_name="/ask"))
    too_long = answer_of(client.predict("问" * 3000, [], api_name="/ask"))
    # Which limit, the value, and how to raise it.
    assert "3,000" in too_long and "2,000" in too_long and "POLICYQA_MAX_QUESTION_CHARS=" in too_long


@pytest.mark.slow
def test_script_question_is_kept_as_text(client):
    history = client.predict("<script>alert(1)</script>第18条讲什么?", [], api_name="/ask")
    shown = message_text(history[0])
    # Escaped, so the chat renders the characters instead of dropping or running a tag.
    assert shown.startswith("&lt;script&gt;alert\\(1\\)&lt;\\/script&gt;第18条")
    assert typed(shown) == "<script>alert(1)</script>第18条讲什么?"
    assert "<script" not in json.dumps(history, ensure_ascii=False)
    assert "〔第18条〕" in answer_of(history)


@pytest.mark.slow
def test_vote_lands_in_feedback_log(client, app):
    history = client.predict("7月民继处有什么工作?", [], api_name="/ask")
    before = app.feedback.read_text(encoding="utf-8").splitlines() if app.feedback.exists() else []
    record = client.predict(answer_id_of(history), "down", "月份不对", "〔第7条〕", api_name="/feedback")
    lines = app.feedback.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before) + 1
    logged = json.loads(lines[-1])
    assert logged == record
    assert logged["vote"] == "down" and logged["answer_id"] == answer_id_of(history)
    assert logged["comment"] == "月份不对" and logged["should_cite"] == "〔第7条〕"
    assert logged["question"] == "7月民继处有什么工作?"
    assert logged["answer"] == answer_of(history)
    assert "〔配档表·7月·民继处〕" in logged["answer"]
    assert {(c["kind"], c["month"], c["item"]) for c in logged["citations"]} == {
        ("schedule", 7, None), ("item", None, 7)}
    assert logged["time"].endswith("+00:00")


@pytest.mark.slow
def test_vote_on_a_follow_up_records_its_context(client, app):
    first = client.predict("6月份基教处有什么工作?", [], api_name="/ask")
    second = client.predict("那7月呢?", first, api_name="/ask")
    record = client.predict(answer_id_of(second), "up", api_name="/feedback")
    assert record["vote"] == "up" and record["question"] == "那7月呢?"
    assert record["history"] == ["6月份基教处有什么工作?"]
    assert json.loads(app.feedback.read_text(encoding="utf-8").splitlines()[-1]) == record


@pytest.mark.slow
def test_schedule_filter_api_matches_bot(client):
    table, count = client.predict([6], ["基教处"], api_name="/schedule")
    expected = app_module.SERVICE.bot.filter_rows((6,), ("基教处",))
    assert table["headers"] == ["月份", "重点工作", "责任单位"]
    assert [tuple(r) for r in table["data"]] == [(f"{r.month}月", r.text, "、".join(r.offices)) for r in expected]
    assert count == f"共 {len(expected)} 项"


def test_feedback_log_concurrent_appends(tmp_path):
    """20 threads × 20 appends: 400 complete JSON lines, none lost, none torn."""
    path = tmp_path / "sub" / "feedback.jsonl"
    log = FeedbackLog(path)
    start = threading.Barrier(20)

    def worker(t: int) -> None:
        start.wait()
        for n in range(20):
            # Long, non-ASCII payloads make a torn or interleaved write show up as bad JSON.
            log.append({"thread": t, "n": n, "answer": "配档表〔第7条〕" * 200})

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    log.close()
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""  # the file ends with a newline
    records = [json.loads(line) for line in lines[:-1]]
    assert len(records) == 400
    assert {(r["thread"], r["n"]) for r in records} == {(t, n) for t in range(20) for n in range(20)}


def test_feedback_log_survives_restart_after_torn_line(tmp_path):
    path = tmp_path / "feedback.jsonl"
    first = FeedbackLog(path)
    first.append({"n": 1})
    first.close()
    with open(path, "ab") as f:  # a process that died in the middle of a line
        f.write(b'{"n": 2, "answ')
    second = FeedbackLog(path)   # the restarted app
    second.append({"n": 3})
    second.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"n": 1}
    assert lines[1] == '{"n": 2, "answ'
    assert json.loads(lines[2]) == {"n": 3}


def test_show_user_round_trips_to_the_typed_text():
    for text in ("![](http://host/x.png) 第7条", "<b>a & b</b> \\(x\\)", "a*b_c`d[e](f)", "普惠 95%?"):
        assert typed(show_user(text)) == text


def test_chunks_grow_to_the_whole_text():
    text = "配档表中共 1 项工作:出台《济南市校外培训机构设置标准》"
    parts = list(chunks(text, 8))
    assert parts[-1] == text
    assert len(parts) <= 8
    assert all(b.startswith(a) and len(b) > len(a) for a, b in zip(parts, parts[1:]))
    assert list(chunks("", 8)) == [""]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from the kernel's table (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(addr)
    return found


@pytest.mark.slow
def test_binds_loopback_only_by_default(app):
    if not Path("/proc/net/tcp").exists():
        pytest.fail("this test reads Linux's /proc/net/tcp; run it on Linux")
    # 0100007F is 127.0.0.1 in the kernel's little-endian hex; 0.0.0.0 would be 00000000.
    assert listening_addresses(app.port) == {"0100007F"}


@pytest.mark.slow
def test_login_when_user_and_password_set(tmp_path):
    creds = {"POLICYQA_USER": "editor", "POLICYQA_PASSWORD": "s3cret-教育"}
    with running_app(tmp_path, creds) as locked:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(locked.url + "config", timeout=10)
        assert err.value.code == 401
        with pytest.raises(Exception):
            Client(locked.url, verbose=False).predict("第18条讲什么?", [], api_name="/ask")
        with pytest.raises(Exception):
            Client(locked.url, auth=("editor", "wrong"), verbose=False)
        history = Client(locked.url, auth=("editor", "s3cret-教育"), verbose=False).predict(
            "第18条讲什么?", [], api_name="/ask")
        assert "〔第18条〕" in answer_of(history)
        # The plain routes (print view, calendars) need the same login: the page's session cookie.
        for path in ("print?months=6", "calendar/all.ics"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(locked.url + path, timeout=10)
            assert err.value.code == 401
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = urllib.parse.urlencode({"username": "editor", "password": "s3cret-教育"}).encode()
        browser.open(locked.url + "login", data=form, timeout=10)
        with browser.open(locked.url + "calendar/all.ics", timeout=10) as r:
            assert r.status == 200 and r.headers["content-type"].startswith("text/calendar")


def test_office_argument_is_what_our_office_means(client):
    from ingest.offices import OfficeTable
    from ingest.parse import parse_file

    mine = answer_of(client.predict("我们处上半年有什么工作?", [], "基教处", api_name="/ask"))
    rows = [r for r in parse_file(ROOT_NOTICE, OfficeTable.load()).records()
            if r.kind == "schedule" and r.month <= 6 and "基教处" in r.offices]
    assert "按您的处室“基教处”" in mine and f"共 {len(rows)} 项" in mine
    asked = answer_of(client.predict("我们处上半年有什么工作?", [], api_name="/ask"))
    assert "哪个处室" in asked and "基教处" in asked


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "ics"])
def test_schedule_export_api_gives_the_filtered_rows(client, fmt):
    import csv
    import io

    import openpyxl
    from icalendar import Calendar

    path = Path(client.predict([7], ["民继处"], fmt, api_name="/schedule_export"))
    table, _ = client.predict([7], ["民继处"], api_name="/schedule")
    tasks = [row[1] for row in table["data"]]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path).active
        got = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    elif fmt == "csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        got = [row[1] for row in list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[1:]]
    else:
        got = [str(e.get("SUMMARY")) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    assert got == tasks and tasks


def test_full_text_of_a_notice_numbered_only_by_sections_shows_their_titles_and_text():
    """Each section's heading is its title, its paragraphs under it; the count is of its parts."""
    from types import SimpleNamespace

    from ingest.offices import OfficeTable
    from ingest.parse import parse_text

    doc = parse_text("某区教育局2025年工作要点\n一、加强党的建设\n一是深化理论武装。\n二、扩大教育资源\n"
                     "一是新建公办幼儿园8所。\n", "t", offices=OfficeTable.load())
    text = app_module.full_text(SimpleNamespace(records=doc.records()))
    assert "### 一、加强党的建设\n\n一是深化理论武装。" in text
    assert "### 二、扩大教育资源\n\n一是新建公办幼儿园8所。" in text
    assert "共 2 个部分" in text


def test_the_download_folder_is_made_on_first_use_and_removed_at_exit(tmp_path):
    """Importing the app made a policyqa-export-* folder, and nothing removed it: one more in the
    temporary folder for every test process and server start."""
    import os
    import subprocess
    import sys

    code = "import app; print(app._exports())"
    env = {**os.environ, "TMPDIR": str(tmp_path), "POLICYQA_INDEX": str(tmp_path / "no-index")}
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(app_module.__file__).parent, env=env,
                         capture_output=True, text=True, timeout=300)
    made = Path(out.stdout.strip().splitlines()[-1])
    assert made.parent == tmp_path and made.name.startswith("policyqa-export-")
    assert not made.exists() and not list(tmp_path.glob("policyqa-export-*"))
