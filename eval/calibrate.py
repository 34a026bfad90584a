"""Fit the not-found decision on data, never by guess.

For each question the bot would answer by retrieval (topic, figure, when/who without an item
reference), take the bot's scope features (best dense similarity, its margin, BM25 top score,
lexical overlap). Questions the notice answers are positives, `not_found` questions negatives.
A small L2-regularised logistic regression is fitted (numpy, deterministic) and written to
bot/calibration.json with its accuracy on the fit and its leave-one-out accuracy, the honest figure.
e5 similarities alone sit in a narrow band (~0.8–0.95) and do not separate the classes.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from bot.core import CALIBRATION
from eval.metrics import Question

RETRIEVAL_INTENTS = ("topic", "figure", "when_who")
from bot.core import SCOPE_FEATURES as FEATURES  # noqa: E402  (one list, checked on load)


def points(bot, questions: list[Question]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    xs, ys, ids = [], [], []
    for q in questions:
        parsed = bot.understand(q.turns[-1], q.turns[:-1])
        if parsed.intent not in RETRIEVAL_INTENTS or parsed.items or bot.out_of_scope(parsed):
            continue
        covered = bool(q.gold_items or q.gold_rows or q.expect.get("answer_contains"))
        if not q.expect.get("not_found") and not covered:
            continue
        xs.append(bot.scope_features(parsed))
        ys.append(0.0 if q.expect.get("not_found") else 1.0)
        ids.append(q.id)
    return np.array(xs, dtype=np.float64), np.array(ys), ids


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.001, steps: int = 3000,
                 lr: float = 0.5) -> dict:
    """Gradient descent on the mean log-loss + l2/2·|w|², features standardised first."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    sw = np.ones_like(y)
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = sw * (p - y)
        w -= lr * (z.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return {"weights": w.tolist(), "bias": float(b), "mean": mean.tolist(), "std": std.tolist()}


def predict(model: dict, x: np.ndarray) -> np.ndarray:
    z = (x - np.array(model["mean"])) / np.array(model["std"])
    return z @ np.array(model["weights"]) + model["bias"] >= 0


def calibrate(bot, questions: list[Question]) -> dict:
    x, y, ids = points(bot, questions)
    model = fit_logistic(x, y)
    fit_acc = float((predict(model, x) == (y == 1)).mean())
    loo_correct, wrong = 0, []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        ok = bool(predict(fit_logistic(x[keep], y[keep]), x[i:i + 1])[0] == (y[i] == 1))
        loo_correct += ok
        if not ok:
            wrong.append(ids[i])
    return {"logistic": model, "features": FEATURES, "covered_n": int(y.sum()),
            "not_covered_n": int(len(y) - y.sum()), "accuracy_on_fit": round(fit_acc, 4),
            "accuracy_leave_one_out": round(loo_correct / len(y), 4), "loo_misclassified": wrong,
            "model_fingerprint": bot.index.manifest["model_fingerprint"]}


def save(result: dict, question_file: Path, path: Path = CALIBRATION) -> None:
    result = {**result, "fitted_on": Path(question_file).name, "fitted_at": time.strftime("%Y-%m-%d")}
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
