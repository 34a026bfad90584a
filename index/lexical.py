"""BM25 over the index's jieba tokens, precomputed at build and memory-mapped at load (bm25s).

bm25s scores eagerly: at build it computes the BM25 weight of every (document, term) pair and
stores them as a sparse CSC matrix (one column per term), saved as plain `.npy` arrays plus JSON
(vocabulary, parameters). Loading memory-maps the arrays, so opening the index costs the same at
120 records as at 250,000, and a query sums the columns of its terms.

The formula is the one `index.rank.Bm25` computes (Lucene's idf, never negative, times the
classic `tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))`): bm25s' `atire` term-frequency
part with its `lucene` idf. `rank.Bm25` stays as the independent oracle the tests compare against;
the bot's fitted not-found model reads these scores, so their scale must not drift.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75


def _bm25s_series() -> str:
    from importlib.metadata import version

    return ".".join(version("bm25s").split(".")[:2])


# Recorded in the manifest and compared on load: another formula, other parameters or another
# bm25s series (whose file layout may differ) means the index is rebuilt.
BM25_FORMAT = f"bm25s-{_bm25s_series()} eager CSC, atire tf, lucene idf, k1={K1}, b={B}"
# The files `Bm25Matrix.save` writes (bm25s' own names), relative to the folder given.
FILES = ("params.index.json", "vocab.index.json", "data.csc.index.npy", "indices.csc.index.npy",
         "indptr.csc.index.npy")


class Bm25Builder:
    """Collects documents as term ids (8 bytes a token, where lists of jieba's strings take ~60:
    at 250,000 records that is the difference between ~80 MB and ~700 MB during a build)."""

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.docs: list[list[int]] = []

    def add(self, tokens: list[str]) -> None:
        vocab = self.vocab
        self.docs.append([vocab.setdefault(t, len(vocab)) for t in tokens])

    def build(self, k1: float = K1, b: float = B) -> "Bm25Matrix":
        import bm25s

        if k1 <= 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 > 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        # bm25s needs at least one term; "" never occurs in a query (`scores` drops it).
        vocab = self.vocab or {"": 0}
        docs = self.docs or [[]]
        model = bm25s.BM25(k1=k1, b=b, method="atire", idf_method="lucene")
        # A corpus whose documents are all empty has average length 0: bm25s divides 0 by 0 for
        # documents that have no term to score, harmlessly.
        with np.errstate(invalid="ignore", divide="ignore"):
            model.index((docs, vocab), create_empty_token=False, show_progress=False)
        return Bm25Matrix._of(model, len(self.docs))


class Bm25Matrix:
    """BM25 scores of documents 0..n-1 (document i = record i of the index).

    Built by bm25s; read back without it. Importing bm25s costs ~0.4 s (it pulls in scipy.sparse
    and tqdm), a quarter of a cold `python -m bot ask`, while a query only sums a few columns of
    the saved matrix: `load` memory-maps bm25s' arrays and `scores` adds them up in float32, in
    the order bm25s' own numpy backend does, so both give the same bits (tests/index/test_lexical.py).
    """

    def __init__(self, vocab: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 n: int, model=None):
        self.vocab, self.n = vocab, n
        self._data, self._indices, self._indptr = data, indices, indptr
        self._bm25 = model   # the bm25s model that built it, for `save`; None once loaded

    @classmethod
    def _of(cls, model, n: int) -> "Bm25Matrix":
        s = model.scores
        return cls(model.vocab_dict, s["data"], s["indices"], s["indptr"], n, model)

    @classmethod
    def build(cls, docs: list[list[str]], k1: float = K1, b: float = B) -> "Bm25Matrix":
        builder = Bm25Builder()
        for doc in docs:
            builder.add(doc)
        return builder.build(k1, b)

    def save(self, folder: Path) -> None:
        if self._bm25 is None:
            raise RuntimeError("only a freshly built BM25 matrix is saved; a loaded one is already on disk")
        self._bm25.save(str(folder), show_progress=False, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, n: int) -> "Bm25Matrix":
        """Memory-mapped; `n` is the record count the index's manifest states (checked here)."""
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("num_docs") != n and n:
            raise ValueError(f"the BM25 matrix holds {params.get('num_docs')} documents, the index {n} records")
        # `atire` never stores a non-occurrence array; a file of one means another method wrote it.
        if (folder / "nonoccurrence_array.index.npy").exists() or params.get("dtype") != "float32":
            raise ValueError(f"{folder} holds BM25 weights of another kind ({params.get('method')}, "
                             f"{params.get('dtype')}): rebuild the index with `python -m index build`")
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        data, indices, indptr = (np.load(folder / f"{name}.csc.index.npy", mmap_mode="r", allow_pickle=False)
                                 for name in ("data", "indices", "indptr"))
        return cls(vocab, data, indices, indptr, n)

    @property
    def vocabulary_size(self) -> int:
        return len(self.vocab)

    def scores(self, query: list[str]) -> np.ndarray:
        """float32 score per document; each distinct query term counts once (as in `rank.Bm25`)."""
        ids = sorted({self.vocab[t] for t in query if t and t in self.vocab})
        scores = np.zeros(self.n, dtype=np.float32)
        if not ids or not self.n:
            return scores
        spans = [(int(self._indptr[i]), int(self._indptr[i + 1])) for i in ids]
        rows = np.concatenate([self._indices[a:b] for a, b in spans])
        weights = np.concatenate([self._data[a:b] for a, b in spans])
        np.add.at(scores, rows, weights)
        return scores
