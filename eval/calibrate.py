"""Fit the not-found threshold on data, never by guess.

For each question the bot would answer by retrieval (topic, figure, when/who without an item
reference), take the best dense similarity in the index. Questions the notice answers are
positives, `not_found` questions negatives; the threshold is the midpoint of the best-accuracy
split. e5 similarities sit in a narrow band, so the split is reported with its accuracy.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from bot.core import CALIBRATION
from eval.metrics import Question

RETRIEVAL_INTENTS = ("topic", "figure", "when_who")


def scores(bot, questions: list[Question]) -> list[tuple[float, bool, str]]:
    out = []
    for q in questions:
        prev = None
        for turn in q.turns[:-1]:
            prev = bot.understand(turn, prev)
        parsed = bot.understand(q.turns[-1], prev)
        if parsed.intent not in RETRIEVAL_INTENTS or parsed.items or bot.out_of_scope(parsed):
            continue
        top = bot.index.rank_dense(parsed.text, 1)
        covered = not q.expect.get("not_found") and bool(q.gold_items or q.gold_rows
                                                         or q.expect.get("answer_contains"))
        if covered or q.expect.get("not_found"):
            out.append((top[0][1] if top else 0.0, covered, q.id))
    return out


def best_threshold(points: list[tuple[float, bool, str]]) -> tuple[float, float]:
    """(threshold, accuracy): midpoint between adjacent scores maximising accuracy; ties → lower."""
    values = sorted({s for s, _, _ in points})
    candidates = [values[0] - 1e-6] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1e-6]
    best = (candidates[0], -1.0)
    for t in candidates:
        acc = sum((s >= t) == covered for s, covered, _ in points) / len(points)
        if acc > best[1]:
            best = (t, acc)
    return best


def calibrate(bot, questions: list[Question]) -> dict:
    points = scores(bot, questions)
    threshold, acc = best_threshold(points)
    pos = sorted(s for s, c, _ in points if c)
    neg = sorted(s for s, c, _ in points if not c)
    return {"dense_min": round(threshold, 6), "accuracy_on_fit": round(acc, 4),
            "covered_n": len(pos), "not_covered_n": len(neg),
            "covered_min": pos[0] if pos else None, "not_covered_max": neg[-1] if neg else None,
            "model_fingerprint": bot.index.manifest["model_fingerprint"]}


def save(result: dict, question_file: Path, path: Path = CALIBRATION) -> None:
    result = {**result, "fitted_on": Path(question_file).name, "fitted_at": time.strftime("%Y-%m-%d")}
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
