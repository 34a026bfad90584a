"""Metric functions, checked against values computed by hand in the comments."""
from __future__ import annotations

import json

import pytest

from eval.metrics import (Question, QuestionFileError, citation_metrics, first_relevant_rank, grade,
                          load_questions, percentile, refusal_metrics, retrieval_metrics)

Q_ROW = Question("a", "schedule", ("7月民继处?",),
                 {"schedule": [{"month": 7, "task_contains": "校外培训机构设置标准"}], "items": [7],
                  "answer_contains": ["民继处"]})
Q_OOS = Question("b", "out_of_scope", ("天气?",), {"not_found": True})
ROW7 = {"kind": "schedule", "month": 7, "task": "出台《济南市校外培训机构设置标准》", "offices": ["民继处"]}


def test_grade_passes_and_fails():
    good = {"answer": "7月 民 继 处", "found": True, "citations": [ROW7, {"kind": "item", "item": 7}]}
    assert grade(Q_ROW, good) == []                           # spaces removed before comparing
    bad = {"answer": "无", "found": True, "citations": [{**ROW7, "month": 8}]}
    assert grade(Q_ROW, bad) == ["item 7 not cited", "schedule row 7月 '校外培训机构设置标准' not cited",
                                 "cites 1 row(s) not asked for, e.g. 8月 '出台《济南市校外培训机构设置标准》'",
                                 "answer lacks '民继处'"]
    assert grade(Q_OOS, {"answer": "x", "found": True, "citations": []}) == [
        "answered, but the notice does not cover this"]
    assert grade(Q_OOS, {"answer": "x", "found": False, "citations": []}) == []


def test_nfkc_comparison():
    q = Question("c", "x", ("?",), {"answer_contains": ["95%"]})
    assert grade(q, {"answer": "覆盖率９５％", "found": True, "citations": []}) == []


def test_citation_metrics_hand_computed():
    # Q_ROW: gold items {7}, gold rows 1.
    # response 1 cites items {7, 8} and rows [ROW7, 8月 row] → items hit 1/1, made 2, relevant 1;
    #                                                          rows hit 1/1, made 2, relevant 1.
    r1 = {"citations": [{"kind": "item", "item": 7}, {"kind": "item", "item": 8}, ROW7,
                        {"kind": "schedule", "month": 8, "task": "别的"}]}
    # response 2 (same question) cites nothing → hit 0/1 for both.
    r2 = {"citations": []}
    m = citation_metrics([(Q_ROW, r1), (Q_ROW, r2)])
    assert m["items_recall"] == pytest.approx(1 / 2)       # 1 hit of 2 gold
    assert m["items_precision"] == pytest.approx(1 / 2)    # 1 relevant of 2 made
    assert m["schedule_recall"] == pytest.approx(1 / 2)
    assert m["schedule_precision"] == pytest.approx(1 / 2)


def test_a_refusals_pointers_are_no_citations():
    """与这个话题相关的条目:〔第7条〕 under a refusal points the reader on; it does not answer, so it
    counts neither as a hit nor as a citation made."""
    refused = {"found": False, "citations": [{"kind": "item", "item": 7}, {"kind": "item", "item": 8}]}
    answered = {"found": True, "citations": [{"kind": "item", "item": 7}]}
    m = citation_metrics([(Q_ROW, refused), (Q_ROW, answered)])
    assert m["items_recall"] == pytest.approx(1 / 2) and m["items_precision"] == pytest.approx(1.0)


def test_refusal_metrics_hand_computed():
    # tp: OOS refused (1); fp: in-scope refused (1); fn: OOS answered (1)
    pairs = [(Q_OOS, {"found": False}), (Q_ROW, {"found": False}), (Q_OOS, {"found": True}),
             (Q_ROW, {"found": True})]
    assert refusal_metrics(pairs) == {"refusal_precision": 0.5, "refusal_recall": 0.5}


def test_retrieval_metrics_hand_computed():
    # ranks 1, 3, None, 2: recall@1 = 1/4, recall@3 = 3/4, recall@5 = 3/4,
    # MRR = (1 + 1/3 + 0 + 1/2) / 4 = 0.458333
    m = retrieval_metrics([1, 3, None, 2])
    assert m["recall@1"] == 0.25 and m["recall@3"] == 0.75 and m["recall@5"] == 0.75
    assert m["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 2) / 4)


def test_first_relevant_rank():
    hits = [{"kind": "item", "item": 3}, {"kind": "schedule", "month": 7, "text": "出台《济南市校外培训机构设置标准》"}]
    assert first_relevant_rank(Q_ROW, hits) == 2


def test_percentile_linear():
    # sorted 1,2,3,4: p95 position = 3·0.95 = 2.85 → 3 + 0.85·(4−3) = 3.85
    assert percentile([4, 1, 3, 2], 95) == pytest.approx(3.85)
    assert percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)
    assert percentile([], 50) is None


def test_question_file_errors(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text('{"id": "x", "category": "c", "turns": ["q"], "expect": {"itemz": [1]}}\n', encoding="utf-8")
    with pytest.raises(QuestionFileError, match="unknown expect keys"):
        load_questions(p)
    p.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match=":1: not valid JSON"):
        load_questions(p)


def test_gold_set_is_well_formed():
    from tests.conftest import ROOT

    qs = load_questions(ROOT / "eval" / "questions.jsonl")
    assert len(qs) >= 150
    cats = {q.category for q in qs}
    assert sum(q.category == "out_of_scope" for q in qs) >= 20
    assert {"schedule_month", "schedule_office", "when_who", "figure", "multi_turn", "header",
            "count_compare", "english_mixed", "empty_combo", "out_of_scope"} <= cats
    json.dumps([q.expect for q in qs])
