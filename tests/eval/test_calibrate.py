"""The not-found model's fit: each question weighs what getting it wrong costs."""
from __future__ import annotations

import numpy as np
import pytest

from eval.calibrate import balanced_accuracy, fit_logistic, predict


def _classes(n_answerable: int, n_unanswerable: int, gap: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    answerable = rng.normal(gap / 2, 1.0, size=(n_answerable, 2))
    unanswerable = rng.normal(-gap / 2, 1.0, size=(n_unanswerable, 2))
    return answerable, unanswerable


def _fit(answerable, unanswerable, **kw):
    x = np.vstack([answerable, unanswerable])
    y = np.array([1.0] * len(answerable) + [0.0] * len(unanswerable))
    return fit_logistic(x, y, **kw)


def test_a_separable_class_is_learned():
    answerable, unanswerable = _classes(60, 30, gap=4.0)
    model = _fit(answerable, unanswerable)
    assert (~predict(model, unanswerable)).mean() >= 0.9   # the unanswerable ones are refused
    assert predict(model, answerable).mean() >= 0.9        # the answerable ones answered


def test_by_default_a_wrong_refusal_costs_as_much_as_a_wrong_answer():
    # Overlapping classes, two answerable questions per unanswerable one (as in the fit part):
    # per-question weights make fewer mistakes in all than weighting the classes equally.
    answerable, unanswerable = _classes(400, 200, gap=1.0)
    def mistakes(model):
        return int((~predict(model, answerable)).sum() + predict(model, unanswerable).sum())
    assert mistakes(_fit(answerable, unanswerable)) < mistakes(_fit(answerable, unanswerable, wrong_answer_cost=2.0))


def test_a_dearer_wrong_answer_refuses_more():
    answerable, unanswerable = _classes(400, 200, gap=1.0)
    cheap, dear = _fit(answerable, unanswerable), _fit(answerable, unanswerable, wrong_answer_cost=3.0)
    assert (~predict(dear, unanswerable)).mean() > (~predict(cheap, unanswerable)).mean()
    assert (~predict(dear, answerable)).mean() > (~predict(cheap, answerable)).mean()


@pytest.mark.parametrize("cost", [0.0, -1.0, float("nan")])
def test_a_cost_that_is_not_positive_is_refused(cost):
    answerable, unanswerable = _classes(10, 5, gap=2.0)
    with pytest.raises(ValueError, match="wrong_answer_cost"):
        _fit(answerable, unanswerable, wrong_answer_cost=cost)


def test_balanced_accuracy_is_the_mean_recall_of_both_classes():
    y = np.array([1, 1, 1, 0])
    assert balanced_accuracy(np.array([1, 1, 1, 1]), y) == 0.5      # always answering
    assert balanced_accuracy(np.array([1, 1, 0, 0]), y) == (2 / 3 + 1) / 2
