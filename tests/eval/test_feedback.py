"""👎 votes → candidate questions → reviewed → appended to the question set and the split.

The log is written by the test in the app's format (app.py `record_vote`: time, vote, question,
history, answer, citations; comment / should_cite with a 👎), including a rotated sibling and the
broken tail a crash can leave. The real question set and split are copied, never written."""
from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from eval.__main__ import main
from eval.feedback import (CATEGORY, FeedbackError, append_reviewed, candidates, check_reviewed,
                           question_id, read_log)
from eval.metrics import load_questions
from eval.split import load_split
from index.store import corpus_records
from tests.conftest import ROOT

QUESTIONS = ROOT / "eval" / "questions.jsonl"
SPLIT = ROOT / "eval" / "split.json"
ROW = {"kind": "schedule", "doc_id": "d", "record_id": "d:schedule:07-05", "item": None, "section": None,
       "month": 7, "task": "某项任务", "offices": ["民继处"], "quote": "某项任务"}


def vote(time, verdict, question, history=(), answer="答案", **extra):
    return {"time": time, "vote": verdict, "question": question, "history": list(history),
            "answer": answer, "citations": [ROW], **extra}


@pytest.fixture()
def log(tmp_path):
    """Three conversations voted down (one in the rotated file), one 👎 taken back, one 👍."""
    path = tmp_path / "feedback.jsonl"
    older = [vote("2026-10-01T09:00:00.000+00:00", "down", "校外培训机构标准哪个月出台?",
                  comment="月份不对", should_cite="〔第7条〕")]
    newer = [
        vote("2026-11-02T09:00:00.000+00:00", "down", "它由谁负责?", history=["7月有什么工作?"],
             comment="没说处室", should_cite="配档表7月 民继处"),
        vote("2026-11-03T09:00:00.000+00:00", "down", "随便问问"),
        vote("2026-11-03T09:05:00.000+00:00", "cleared", "随便问问"),
        vote("2026-11-04T09:00:00.000+00:00", "up", "一切都好"),
        vote("2026-11-05T09:00:00.000+00:00", "down", "校外培训机构标准哪个月出台?", comment="还是不对"),
    ]
    (tmp_path / "feedback.jsonl.1").write_text(
        "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in older), encoding="utf-8")
    path.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in newer)
                    + '{"time": "2026-11-06T09:00', encoding="utf-8")      # a crash mid-line
    return path


@pytest.fixture()
def qset(tmp_path):
    q, s = tmp_path / "questions.jsonl", tmp_path / "split.json"
    shutil.copy(QUESTIONS, q)
    shutil.copy(SPLIT, s)
    return q, s


def test_log_and_rotated_sibling_are_read_and_a_broken_tail_is_a_warning(log):
    result = read_log(log)
    assert len(result.votes) == 6
    assert result.votes[0].comment == "月份不对"           # from feedback.jsonl.1, oldest first
    assert len(result.warnings) == 1 and "feedback.jsonl:6" in result.warnings[0]


def test_candidates_keep_latest_down_votes_in_question_format(log):
    cands, already = candidates(read_log(log).votes)
    assert already == []
    by_q = {c["turns"][-1]: c for c in cands}
    assert set(by_q) == {"校外培训机构标准哪个月出台?", "它由谁负责?"}   # cleared and 👍 dropped
    c = by_q["校外培训机构标准哪个月出台?"]
    assert set(c) == {"id", "category", "turns", "expect", "review"}
    assert c["category"] == CATEGORY and c["id"] == question_id(tuple(c["turns"]))
    assert c["review"]["comments"] == ["月份不对", "还是不对"] and c["review"]["downvotes"] == 2
    assert c["review"]["should_cite"] == ["〔第7条〕"] and c["expect"] == {"items": [7]}
    assert c["review"]["answer"] == "答案" and c["review"]["cited"] == ["〔配档表·7月·民继处〕某项任务"]
    follow = by_q["它由谁负责?"]
    assert follow["turns"] == ["7月有什么工作?", "它由谁负责?"] and follow["expect"] == {}


def test_since_and_known_questions_filter(log):
    votes = read_log(log).votes
    cands, _ = candidates(votes, since=date(2026, 11, 5))
    assert [c["turns"][-1] for c in cands] == ["校外培训机构标准哪个月出台?"]
    known = load_questions(QUESTIONS)
    asked = vote("2026-11-07T09:00:00+00:00", "down", known[0].turns[-1], history=known[0].turns[:-1])
    (log.parent / "more.jsonl").write_text(json.dumps(asked, ensure_ascii=False) + "\n", encoding="utf-8")
    cands, already = candidates(votes + read_log(log.parent / "more.jsonl").votes, known=known)
    assert already == [known[0].id] and len(cands) == 2


def test_round_trip_through_the_command_line(log, qset, tmp_path, capsys):
    questions, split = qset
    out = tmp_path / "candidates.jsonl"
    assert main(["feedback", "--log", str(log), "--out", str(out), "--questions", str(questions)]) == 0
    assert "wrote 2 candidate(s)" in capsys.readouterr().out
    assert main(["feedback", "--log", str(log), "--out", str(out)]) == 2     # never overwrites review work
    assert "--force" in capsys.readouterr().err

    # The evaluator's review: expectations from the notice, review key deleted.
    records = corpus_records()
    row = next(r for r in records if r.kind == "schedule" and r.month == 7 and "民继处" in r.offices)
    reviewed = []
    for c in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
        del c["review"]
        c["category"] = "multi_turn" if len(c["turns"]) > 1 else "when_who"
        c["expect"] = ({"schedule": [{"month": 7, "task_contains": row.text[:8]}]} if len(c["turns"]) > 1
                       else {"items": [7]})
        reviewed.append(c)
    done = tmp_path / "reviewed.jsonl"
    done.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in reviewed), encoding="utf-8")
    before = load_questions(questions)
    assert main(["feedback-append", str(done), "--questions", str(questions), "--split", str(split)]) == 0
    after = load_questions(questions)
    assert [q.id for q in after] == [q.id for q in before] + [c["id"] for c in reviewed]
    parts = load_split(split)
    assert all(parts[c["id"]] in ("fit", "heldout") for c in reviewed)
    assert {q.id: parts[q.id] for q in before} == load_split(SPLIT)          # assigned ones never move
    # Appending the same file again is refused: the ids are in the set now.
    assert main(["feedback-append", str(done), "--questions", str(questions), "--split", str(split)]) == 2
    assert "already in the question set" in capsys.readouterr().err


def reviewed_file(tmp_path, **overrides):
    q = {"id": "fb-test", "category": "when_who", "turns": ["请再讲讲第7条的要求(测试)"], "expect": {"items": [7]}}
    q.update(overrides)
    path = tmp_path / "reviewed.jsonl"
    path.write_text("\n" + json.dumps(q, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("overrides, message", [
    ({"review": {"todo": "…"}}, r"reviewed.jsonl:2 \(fb-test\): still has a 'review' key.*delete the key"),
    ({"expect": {}}, r":2 .*'expect' is empty.*add at least one"),
    ({"expect": {"item": [7]}}, r":2: unknown expect keys \['item'\]; allowed"),
    ({"expect": {"items": ["7"]}}, r":2 .*expect.items must be a list of item numbers"),
    ({"expect": {"items": [999]}}, r":2 .*expect.items \[999\] are not items of the notice"),
    ({"expect": {"schedule": [{"month": 13, "task_contains": "x"}]}}, r"each expect.schedule entry is"),
    ({"expect": {"schedule": [{"month": 7, "task_contains": "不存在的任务名称"}]}}, r"no 7月 row .*contains"),
    ({"expect": {"not_found": "yes"}}, r"expect.not_found must be like true"),
    ({"id": "sm-01"}, r"id 'sm-01' is already in the question set"),
    ({"category": "brand_new"}, r"\['brand_new'\] would hold one question.*use an existing category"),
])
def test_bad_reviewed_files_name_the_line_and_the_fix(tmp_path, overrides, message):
    with pytest.raises(FeedbackError, match=message):
        check_reviewed(reviewed_file(tmp_path, **overrides), load_questions(QUESTIONS), corpus_records())


def test_same_turns_as_an_existing_question_are_refused(tmp_path):
    known = load_questions(QUESTIONS)
    path = reviewed_file(tmp_path, turns=list(known[0].turns))
    with pytest.raises(FeedbackError, match=f"already question '{known[0].id}'"):
        check_reviewed(path, known)


def test_a_failed_append_leaves_the_question_set_untouched(tmp_path, qset):
    questions, split = qset
    text = questions.read_text(encoding="utf-8")
    with pytest.raises(FeedbackError):
        append_reviewed(reviewed_file(tmp_path, review={}), questions, split)
    assert questions.read_text(encoding="utf-8") == text and split.read_bytes() == SPLIT.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["questions.jsonl", "reviewed.jsonl", "split.json"]


def test_a_missing_log_says_where_the_app_writes(tmp_path):
    with pytest.raises(FeedbackError, match="no feedback log at .*POLICYQA_FEEDBACK"):
        read_log(tmp_path / "none.jsonl")
