"""The not-found model's fit: class-balanced, so a rare class is not simply outvoted."""
from __future__ import annotations

import numpy as np

from eval.calibrate import balanced_accuracy, fit_logistic, predict


def test_a_rare_but_separable_class_is_learned():
    rng = np.random.default_rng(0)
    answerable = rng.normal(1.0, 1.0, size=(90, 2))
    unanswerable = rng.normal(-1.0, 1.0, size=(10, 2))
    x = np.vstack([answerable, unanswerable])
    y = np.array([1.0] * 90 + [0.0] * 10)
    model = fit_logistic(x, y)
    refused = ~predict(model, unanswerable)
    assert refused.mean() >= 0.8                      # most unanswerable ones are refused
    assert predict(model, answerable).mean() >= 0.8   # without refusing most answerable ones


def test_balanced_accuracy_is_the_mean_recall_of_both_classes():
    y = np.array([1, 1, 1, 0])
    assert balanced_accuracy(np.array([1, 1, 1, 1]), y) == 0.5      # always answering
    assert balanced_accuracy(np.array([1, 1, 0, 0]), y) == (2 / 3 + 1) / 2
