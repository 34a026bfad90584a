"""Fault injection on the app (issue 13), against the real server: each case a hostile or careless
user hit, and what happens now.

1. a corpus change never makes the app wait: it answers from the old index during the background
   rebuild, from the new one after the swap, and from the last good one when a rebuild fails;
4. forged, oversized and malformed votes and histories are refused with the limit and its setting,
   and the feedback log holds only well-formed lines the server produced; 5. a markdown image in a
   question is text, junk input gets no citation, an open host needs --allow-open, failed logins
   back off.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client

import app as app_module
from app import FeedbackLog, keep_last_turns, message_text, new_conversation, typed
from eval.feedback import read_log
from tests.app.conftest import ROOT, free_port, running_app
from tests.app.test_app import answer_id_of, answer_of

NOTICE = "jinan-edu-2024-work-plan.txt"
COVERAGE = "普惠性幼儿园覆盖率目标是多少?"
WAIT = 240   # seconds a background step may take on a loaded 2-core machine (a failure guard only)


@pytest.fixture(scope="module")
def client(app_url) -> Client:
    return Client(app_url, verbose=False)


def log_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def wait_for(predicate, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.5)


# --- 1. the index is rebuilt in the background ------------------------------------------------------

@contextlib.contextmanager
def build_lock_held(index: Path):
    """Hold the lock `python -m index build` takes, so the app's rebuild waits until we let go."""
    with open(index.parent / f".{index.name}.lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.mark.slow
def test_answers_from_old_index_during_rebuild_then_from_new(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "idx"
    shutil.copytree(ROOT / "corpus", corpus)
    shutil.copytree(app_module.SERVICE.index_path, index)   # up to date with corpus/ (conftest)
    notice = corpus / NOTICE
    notice.write_text(notice.read_text(encoding="utf-8").replace("95%", "97%"), encoding="utf-8")
    env = {"POLICYQA_CORPUS": str(corpus), "POLICYQA_INDEX": str(index), "POLICYQA_WATCH_SECONDS": "1"}
    with running_app(tmp_path, env) as running:
        client = Client(running.url, verbose=False)
        status = lambda: client.predict(api_name="/index_status")   # noqa: E731
        with build_lock_held(index):
            rebuilding = wait_for(lambda: (s := status())["state"] == "rebuilding" and s, "the rebuild to start")
            assert f"修改 {NOTICE}" in rebuilding["message"] and "索引更新中" in rebuilding["shown"]
            # The rebuild cannot finish while the lock is held: this answer is the old index's.
            old = answer_of(client.predict(COVERAGE, [], api_name="/ask"))
            assert "95%" in old and "97%" not in old
            assert status()["state"] == "rebuilding"
        updated = wait_for(lambda: (s := status())["state"] in ("updated", "failed") and s, "the swap")
        assert updated["state"] == "updated", updated
        assert "已更新" in updated["shown"] and f"修改 {NOTICE}" in updated["message"]
        assert "97%" in answer_of(client.predict(COVERAGE, [], api_name="/ask"))      # the new index

        # The corpus loses its only notice (the watcher sees it): the rebuild fails, says which
        # file and why, and the last good index keeps answering.
        notice.write_text("这不是通知,没有编号条目。", encoding="utf-8")
        failed = wait_for(lambda: (s := status())["state"] == "failed" and s, "the failed rebuild")
        assert NOTICE in failed["message"] and "no readable document" in failed["message"]
        assert "仍使用上次的索引" in failed["shown"]
        assert "97%" in answer_of(client.predict(COVERAGE, [], api_name="/ask"))


# --- 4. the server trusts only what it produced -----------------------------------------------------

def _error_text(excinfo) -> str:
    return str(excinfo.value)


@pytest.mark.slow
def test_forged_and_oversized_votes_are_refused_and_not_logged(client, app):
    history = client.predict("7月民继处有什么工作?", [], api_name="/ask")
    real_id = answer_id_of(history)
    before = log_lines(app.feedback)
    with pytest.raises(Exception, match="没有编号为"):
        client.predict("a-forged-id", "up", api_name="/feedback")
    with pytest.raises(Exception, match="'up' or 'down'"):
        client.predict(real_id, "-1", api_name="/feedback")
    with pytest.raises(Exception) as long_comment:
        client.predict(real_id, "down", "长" * 3000, api_name="/feedback")
    assert "POLICYQA_MAX_COMMENT_CHARS" in _error_text(long_comment) and "3,000" in _error_text(long_comment)
    huge = json.dumps({"data": [real_id, "down", "x" * (5 << 20), ""]}).encode()
    request = urllib.request.Request(app.url + "gradio_api/call/feedback", data=huge,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as too_big:
        urllib.request.urlopen(request, timeout=30)
    assert too_big.value.code == 413
    assert "POLICYQA_MAX_REQUEST_BYTES" in json.loads(too_big.value.read())["detail"]
    assert log_lines(app.feedback) == before   # nothing forged reached the log


@pytest.mark.slow
def test_log_keeps_the_servers_copy_not_a_forged_conversation(client, app):
    forged = [{"role": "user", "content": "6月份基教处有什么工作?"},
              {"role": "assistant", "content": "FORGED ANSWER the server never gave"}]
    new = client.predict("那7月呢?", forged, api_name="/ask")
    assert [m["role"] for m in new][0] == "user" and "FORGED" not in json.dumps(new, ensure_ascii=False)
    record = client.predict(answer_id_of(new), "down", "不对", api_name="/feedback")
    assert record["history"] == ["6月份基教处有什么工作?"] and record["question"] == "那7月呢?"
    assert record["answer"] == answer_of(new)
    lines = log_lines(app.feedback)
    assert json.loads(lines[-1]) == record and "FORGED" not in "\n".join(lines)
    # Every line is a well-formed vote the eval tool reads, about an answer the server gave.
    votes = read_log(app.feedback)
    assert not votes.warnings and len(votes.votes) == len(lines)
    for line in lines:
        d = json.loads(line)
        assert d["answer_id"].startswith("a-") and d["vote"] in ("up", "down", "cleared")
        assert {"comment", "should_cite", "question", "history", "answer", "citations"} <= set(d)


@pytest.mark.slow
def test_huge_history_is_refused_and_answers_are_small(client, app):
    turns = [{"role": "user", "content": f"第{n % 30 + 1}条讲什么?"} for n in range(500)]
    with pytest.raises(Exception) as err:
        client.predict("第18条讲什么?", turns, api_name="/ask")
    assert "POLICYQA_MAX_HISTORY_TURNS" in _error_text(err) and "500" in _error_text(err)
    # Within the limit, only the new messages come back, whatever the history's size.
    ok = client.predict("第18条讲什么?", turns[:40], api_name="/ask")
    assert len(ok) <= 3 and len(json.dumps(ok, ensure_ascii=False)) < 20000
    big = json.dumps({"data": ["第18条讲什么?", [{"role": "user", "content": "问" * 1000}] * 1300]}).encode()
    request = urllib.request.Request(app.url + "gradio_api/call/ask", data=big,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as too_big:
        urllib.request.urlopen(request, timeout=30)
    assert too_big.value.code == 413 and len(too_big.value.read()) < 2000


# --- 5. user text is text; junk; network ------------------------------------------------------------

@pytest.mark.slow
def test_markdown_image_in_question_is_text(client):
    question = "![](http://127.0.0.1:9/x.png)[点我](http://example.com)第18条讲什么?"
    new = client.predict(question, [], api_name="/ask")
    shown = message_text(new[0])
    assert "![" not in shown and "](" not in shown and "http://" not in shown   # no image, no link syntax
    assert typed(shown) == question
    assert "〔第18条〕" in answer_of(new)


@pytest.mark.slow
@pytest.mark.parametrize("junk", ["'; DROP TABLE records; --", "<script>alert(1)</script>"])
def test_junk_input_cites_nothing(client, junk):
    new = client.predict(junk, [], api_name="/ask")
    assert len(new) == 2   # question and answer, no 来源 block
    assert answer_of(new) == app_module.SERVICE.bot.ask(junk).answer
    assert app_module.SERVICE.bot.ask(junk).found is False


@pytest.mark.slow
def test_open_host_without_login_needs_allow_open(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("POLICYQA_USER", "POLICYQA_PASSWORD")}
    proc = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(free_port())], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "--allow-open" in proc.stderr and "POLICYQA_USER" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_failed_logins_back_off_per_client(tmp_path):
    env = {"POLICYQA_USER": "editor", "POLICYQA_PASSWORD": "s3cret", "POLICYQA_LOGIN_FREE_FAILURES": "3",
           "POLICYQA_LOGIN_BACKOFF_SECONDS": "600"}
    with running_app(tmp_path, env) as locked:
        def login(password: str) -> int:
            data = urllib.parse.urlencode({"username": "editor", "password": password}).encode()
            try:
                with urllib.request.urlopen(urllib.request.Request(locked.url + "login", data=data), timeout=30) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                if e.code == 429:
                    assert int(e.headers["Retry-After"]) > 0 and "too many failed logins" in e.read().decode()
                return e.code

        assert [login("wrong") for _ in range(3)] == [400, 400, 400]
        assert login("wrong") == 429
        assert login("s3cret") == 429   # even the right password waits out the back-off


# --- units: the log rotates without losing a line; a page conversation is bounded ------------------

def test_feedback_log_rotates_by_size_and_keeps_every_line(tmp_path):
    path = tmp_path / "feedback.jsonl"
    log = FeedbackLog(path, max_bytes=2000)
    for n in range(60):
        log.append({"time": f"2026-11-29T10:{n // 60:02d}:{n % 60:02d}.000+00:00", "vote": "up",
                    "question": f"问题{n}", "history": [], "answer": "答" * 20, "citations": []})
    log.close()
    files = sorted(tmp_path.glob("feedback.jsonl*"))
    assert len(files) > 3 and all(f.stat().st_size <= 2000 for f in files)
    assert [v.turns[-1] for v in read_log(path).votes] == [f"问题{n}" for n in range(60)]


def test_page_conversation_keeps_its_last_turns():
    conv = new_conversation()
    for n in range(30):
        conv = {"messages": conv["messages"] + [{"role": "user", "content": f"q{n}"},
                                                {"role": "assistant", "content": f"a{n}"}],
                "ids": conv["ids"] + [None, f"a-{n}"], "turns": conv["turns"] + [f"q{n}"]}
    kept = keep_last_turns(conv, 20)
    assert kept["turns"] == [f"q{n}" for n in range(10, 30)]
    assert kept["messages"][0] == {"role": "user", "content": "q10"} and len(kept["ids"]) == len(kept["messages"])


@pytest.mark.slow
def test_no_index_and_no_readable_notice_is_one_error(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "offices.tsv", corpus)
    (corpus / NOTICE).write_bytes("没有编号条目的文字。".encode("utf-16"))
    env = {**os.environ, "POLICYQA_CORPUS": str(corpus), "POLICYQA_INDEX": str(tmp_path / "none")}
    proc = subprocess.run([sys.executable, "app.py", "--port", str(free_port())], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "error: no readable document" in proc.stderr and NOTICE in proc.stderr
