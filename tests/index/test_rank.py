"""Pure ranking functions, checked against hand-computed values."""
from __future__ import annotations

import math

import numpy as np

import pytest

from index.rank import Bm25, SearchMode, rrf, rrf_arrays, top_rows


def test_rrf_hand_computed():
    # doc 1: 1/(60+1) + 1/(60+2) = 0.016393 + 0.016129 = 0.032522
    # doc 2: 1/(60+2) + 1/(60+1) = same as doc 1 → tie keeps first appearance (1 before 2)
    # doc 3: 1/(60+3)            = 0.015873
    fused = rrf([[1, 2, 3], [2, 1]])
    assert [d for d, _ in fused] == [1, 2, 3]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2][1] == pytest.approx(1 / 63)


def test_rrf_weights_and_k():
    # k=1: doc 7 = 2·1/(1+1) = 1.0 ; doc 8 = 1/(1+1) + 2·1/(1+2) = 0.5 + 0.6667 = 1.1667
    fused = dict(rrf([[7, 8], [8]], k=1, weights=[2.0, 1.0]))
    assert fused[7] == pytest.approx(1.0)
    assert fused[8] == pytest.approx(0.5 + 2 / 3)
    with pytest.raises(ValueError, match="k must be > 0"):
        rrf([[1]], k=0)
    with pytest.raises(ValueError, match="2 weights for 1 rankings"):
        rrf([[1]], weights=[1.0, 2.0])


def test_bm25_hand_computed():
    docs = [["a", "b"], ["a"], ["c", "c", "c", "d"]]
    bm = Bm25(docs, k1=1.5, b=0.75)
    # idf(b) = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(1 + 5/3) = 0.980829
    # doc 0: tf=1, len=2, avgdl=7/3 → norm = 1.5·(0.25 + 0.75·2/(7/3)) = 1.5·0.892857 = 1.339286
    # score = 0.980829 · 1 · 2.5 / (1 + 1.339286) = 1.048231
    idf_b = math.log(1 + 2.5 / 1.5)
    norm = 1.5 * (0.25 + 0.75 * 2 / (7 / 3))
    assert bm.scores(["b"])[0] == pytest.approx(idf_b * 2.5 / (1 + norm), rel=1e-5)
    assert list(bm.scores(["b"])[1:]) == [0, 0]
    assert bm.scores(["zzz"]).sum() == 0


def test_mode_from_str_lists_valid_values():
    assert SearchMode.from_str("HYBRID") is SearchMode.HYBRID
    with pytest.raises(ValueError, match="bm25, dense, hybrid"):
        SearchMode.from_str("fuzzy")


def test_top_rows_equals_a_stable_full_sort():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 200))
        scores = rng.integers(0, 4, n).astype(np.float32)    # many ties
        keep = rng.random(n) < 0.5
        k = int(rng.integers(1, 250))
        rows = np.flatnonzero(keep)
        assert top_rows(scores, k, keep).tolist() == rows[np.argsort(-scores[rows], kind="stable")][:k].tolist()


def test_rrf_arrays_equals_rrf():
    rng = np.random.default_rng(1)
    for _ in range(200):
        n = int(rng.integers(1, 100))
        a, b = rng.permutation(n)[:rng.integers(0, n + 1)], rng.permutation(n)[:rng.integers(0, n + 1)]
        weights = [float(rng.integers(1, 3)), 1.0]          # integer weights: ties happen
        want = rrf([a.tolist(), b.tolist()], weights=weights)
        ids, fused = rrf_arrays([a, b], n, weights=weights, limit=7)
        assert ids.tolist() == [d for d, _ in want][:7]
        assert [fused[d] for d, _ in want] == [s for _, s in want]
