"""Fit the not-found decision on data, never by guess, and on the fit part of the split only.

For each fit-part question the bot answers from evidence (topic, figure, when/who without an
item reference, once the rules have not refused it), take the answerability features
(`bot.scope.FEATURES`), except those the rarest-term rule already answers
(`bot.scope.rarest_in_evidence`). Questions the notice answers are positives, `not_found` questions
negatives. A small L2-regularised, class-balanced logistic regression is fitted (numpy,
deterministic); accuracies are balanced (the mean recall of the two classes). It is
written to the calibration file (`bot.settings.calibration_path()`), with its accuracy on the
fit part, its leave-one-out accuracy there, and its accuracy on the held-out part.
e5 similarities alone sit in a narrow band (~0.8–0.95) and do not separate the classes.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from bot.scope import FEATURES, absent_name, features, foreign, rarest_in_evidence
from bot.settings import calibration_path
from eval.metrics import Question

RETRIEVAL_INTENTS = ("topic", "figure", "when_who")


def points(bot, questions: list[Question]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    xs, ys, ids = [], [], []
    c = bot.corpus
    for q in questions:
        parsed = bot.understand(q.turns[-1], q.turns[:-1])
        if parsed.intent not in RETRIEVAL_INTENTS or parsed.items:
            continue
        if foreign(parsed, c, c.index.tokenizer.words(parsed.text)) or absent_name(parsed, c):
            continue
        covered = bool(q.gold_items or q.gold_rows or q.expect.get("answer_contains"))
        if not q.expect.get("not_found") and not covered:
            continue
        parsed, evidence = bot.evidence(parsed)
        if rarest_in_evidence(parsed, c, evidence):
            continue     # answered by that rule: the model decides only the rest
        xs.append(features(parsed, c, evidence))
        ys.append(0.0 if q.expect.get("not_found") else 1.0)
        ids.append(q.id)
    return np.array(xs, dtype=np.float64), np.array(ys), ids


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 3000,
                 lr: float = 0.5) -> dict:
    """Gradient descent on the class-balanced mean log-loss + l2/2·|w|², features standardised
    first. Balanced: the set holds about four answerable questions per unanswerable one, and an
    unweighted fit learns "always answer"; a wrong refusal and a wrong answer cost the same."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    pos = max(float(y.sum()), 1.0)
    neg = max(float(len(y) - y.sum()), 1.0)
    weight = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - y) * weight
        w -= lr * (z.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return {"weights": w.tolist(), "bias": float(b), "mean": mean.tolist(), "std": std.tolist()}


def balanced_accuracy(predicted: np.ndarray, y: np.ndarray) -> float:
    """Mean of the answerable and the unanswerable questions' recall."""
    truth = y == 1
    return float(np.mean([(predicted[truth] == 1).mean(), (predicted[~truth] == 0).mean()]))


def predict(model: dict, x: np.ndarray) -> np.ndarray:
    z = (x - np.array(model["mean"])) / np.array(model["std"])
    return z @ np.array(model["weights"]) + model["bias"] >= 0


def calibrate(bot, fit: list[Question], heldout: list[Question]) -> dict:
    x, y, ids = points(bot, fit)
    if len(set(y.tolist())) < 2:
        raise ValueError(f"the fit part has {len(y)} retrieval questions of one class only: "
                         "add not_found and answerable questions to eval/questions.jsonl")
    model = fit_logistic(x, y)
    fit_acc = balanced_accuracy(predict(model, x), y)
    loo, wrong = [], []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        loo.append(bool(predict(fit_logistic(x[keep], y[keep]), x[i:i + 1])[0]))
        if loo[-1] != (y[i] == 1):
            wrong.append(ids[i])
    hx, hy, _ = points(bot, heldout)
    held_acc = balanced_accuracy(predict(model, hx), hy) if len(hy) else None
    return {"logistic": model, "features": FEATURES, "covered_n": int(y.sum()),
            "not_covered_n": int(len(y) - y.sum()), "accuracy_on_fit": round(fit_acc, 4),
            "accuracy_leave_one_out": round(balanced_accuracy(np.array(loo), y), 4),
            "accuracy": "balanced: the mean of the recall of each class", "loo_misclassified": wrong,
            "accuracy_heldout": None if held_acc is None else round(held_acc, 4), "heldout_n": int(len(hy)),
            "model_fingerprint": bot.index.manifest["model_fingerprint"]}


def save(result: dict, question_file: Path, path: Path | None = None) -> Path:
    path = path or calibration_path()
    result = {**result, "fitted_on": f"{Path(question_file).name} (fit part of eval/split.json)",
              "fitted_at": time.strftime("%Y-%m-%d")}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
