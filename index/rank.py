"""Ranking primitives: BM25 scoring (the reference implementation: the index uses the precomputed
matrix of index/lexical.py, tested against this), top-k selection and reciprocal rank fusion.
Pure, numpy-only, no I/O."""
from __future__ import annotations

import enum
import math
from collections import Counter

import numpy as np


class SearchMode(str, enum.Enum):
    BM25 = "bm25"
    DENSE = "dense"
    HYBRID = "hybrid"

    @classmethod
    def from_str(cls, value: str) -> "SearchMode":
        try:
            return cls(value.lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown search mode {value!r}; valid modes: {valid}") from None


class Bm25:
    """Okapi BM25 over pre-tokenised documents (document i = record i)."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
        if k1 <= 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 > 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = np.array([len(d) for d in docs], dtype=np.float32)
        self.avgdl = float(self.lengths.mean()) if self.n and self.lengths.sum() else 1.0
        self.tf: dict[str, dict[int, int]] = {}
        for i, doc in enumerate(docs):
            for term, count in Counter(doc).items():
                self.tf.setdefault(term, {})[i] = count
        # idf with the +1 inside the log (Lucene's form): never negative.
        self.idf = {t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.tf.items()}

    def scores(self, query: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.avgdl)
        for term in set(query):
            postings = self.tf.get(term)
            if not postings:
                continue
            idx = np.fromiter(postings.keys(), dtype=np.int64)
            tf = np.fromiter(postings.values(), dtype=np.float32)
            out[idx] += self.idf[term] * tf * (self.k1 + 1) / (tf + norm[idx])
        return out


def rrf(rankings: list[list[int]], k: int = 60, weights: list[float] | None = None) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks starting at 1.

    Returns (doc, score) best first; ties keep the order of first appearance.
    """
    if k <= 0:
        raise ValueError(f"rrf k must be > 0, got {k}")
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"got {len(weights)} weights for {len(rankings)} rankings")
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, doc in enumerate(ranking, 1):
            scores[doc] = scores.get(doc, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def top_rows(scores: np.ndarray, k: int, keep: np.ndarray | None = None,
             rows: np.ndarray | None = None) -> np.ndarray:
    """Row ids of the `k` highest scores among `rows` (default: where `keep` is true, else all),
    best first; equal scores keep the order of `rows` (row order by default: exactly what
    `np.argsort(-scores, kind="stable")[:k]` lists). A partition finds the k-th score, so only
    the rows above it are sorted."""
    if rows is None:
        rows = np.flatnonzero(keep) if keep is not None else np.arange(len(scores))
    if k <= 0:
        return rows[:0]
    values = scores[rows]
    if k < len(rows):
        kth = np.partition(values, len(values) - k)[len(values) - k]   # the k-th highest score
        chosen = values > kth
        chosen[np.flatnonzero(values == kth)[:k - int(chosen.sum())]] = True
        rows, values = rows[chosen], values[chosen]
    return rows[np.argsort(-values, kind="stable")]


def rrf_arrays(rankings: list[np.ndarray], n: int, k: int = 60, weights: list[float] | None = None,
               limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`rrf` over arrays of row ids in 0..n-1 (each ranking lists a row at most once).

    Returns (the best `limit` row ids (all when None), best first; the fused score of every row).
    The same scores and order as `rrf`: contributions are added in ranking order and ties keep
    the order of first appearance.
    """
    if k <= 0:
        raise ValueError(f"rrf k must be > 0, got {k}")
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"got {len(weights)} weights for {len(rankings)} rankings")
    fused = np.zeros(n, dtype=np.float64)
    never = np.iinfo(np.int64).max
    first = np.full(n, never, dtype=np.int64)
    seen = 0
    for ranking, w in zip(rankings, weights):
        ranking = np.asarray(ranking, dtype=np.int64)
        positions = np.arange(len(ranking), dtype=np.int64)
        fused[ranking] += w / (k + positions + 1)
        first[ranking] = np.minimum(first[ranking], seen + positions)
        seen += len(ranking)
    # The rows in order of first appearance, without a sort: first positions are distinct.
    slots = np.full(seen, -1, dtype=np.int64)
    listed = np.flatnonzero(first != never)
    slots[first[listed]] = listed
    by_first = slots[slots >= 0]
    return top_rows(fused, len(by_first) if limit is None else limit, rows=by_first), fused
