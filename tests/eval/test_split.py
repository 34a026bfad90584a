"""The fit / held-out split: every question in exactly one part, every category in both."""
from __future__ import annotations

import json
from collections import Counter

from eval.metrics import Question, grade, load_questions
from eval.split import SPLIT, extend_split, load_split
from tests.conftest import ROOT


def test_every_question_is_in_one_part_and_every_category_in_both():
    questions = load_questions(ROOT / "eval" / "questions.jsonl")
    parts = load_split()
    assert {q.id for q in questions} == set(parts)
    data = json.loads(SPLIT.read_text(encoding="utf-8"))
    assert not set(data["fit"]) & set(data["heldout"])
    for cat, n in Counter(q.category for q in questions).items():
        held = sum(parts[q.id] == "heldout" for q in questions if q.category == cat)
        assert 0 < held < n and abs(2 * held - n) <= 1, cat


def test_extending_keeps_assigned_questions_in_their_part(tmp_path):
    path = tmp_path / "split.json"
    qs = [Question(f"x-{i}", "c", ("?",), {}) for i in range(6)]
    first = extend_split(qs[:4], path)
    second = extend_split(qs, path)
    assert all(second[k] == v for k, v in first.items())
    assert Counter(second.values()) == {"fit": 3, "heldout": 3}


def test_extra_rows_fail_a_schedule_question():
    q = Question("r", "schedule_month", ("6月?",), {"schedule": [{"month": 6, "task_contains": "甲"}]})
    ok = {"found": True, "citations": [{"kind": "schedule", "month": 6, "task": "甲任务"}]}
    extra = {"found": True, "citations": ok["citations"] + [{"kind": "schedule", "month": 6, "task": "乙"}]}
    assert grade(q, ok) == [] and any("not asked for" in f for f in grade(q, extra))
