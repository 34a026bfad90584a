"""The precomputed BM25 matrix against the reference scorer (`index.rank.Bm25`), and its files."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from index.lexical import FILES, Bm25Matrix
from index.rank import Bm25


def _docs(seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"词{i}" for i in range(200)]
    return [[rng.choice(words[:rng.randint(3, 200)]) for _ in range(rng.randint(0, 30))] for _ in range(500)]


def test_scores_equal_the_reference_scorer():
    docs = _docs()
    matrix, reference = Bm25Matrix.build(docs), Bm25(docs)
    rng = random.Random(1)
    for _ in range(30):
        query = [f"词{rng.randrange(220)}" for _ in range(4)] + ["不在语料里"]
        np.testing.assert_allclose(matrix.scores(query), reference.scores(query), rtol=1e-5, atol=1e-6)


def test_a_repeated_query_term_counts_once():
    matrix = Bm25Matrix.build([["学前", "教育"], ["教育"], ["普惠"]])
    np.testing.assert_array_equal(matrix.scores(["教育", "教育"]), matrix.scores(["教育"]))


def test_save_load_roundtrip_is_memory_mapped(tmp_path):
    docs = _docs(2)
    built = Bm25Matrix.build(docs)
    built.save(tmp_path / "bm25")
    assert sorted(p.name for p in (tmp_path / "bm25").iterdir()) == sorted(FILES)
    loaded = Bm25Matrix.load(tmp_path / "bm25", len(docs))
    assert isinstance(loaded._data, np.memmap) and isinstance(loaded._indices, np.memmap)
    for query in (["词1", "词7"], ["词150"], []):
        np.testing.assert_array_equal(loaded.scores(query), built.scores(query))


def test_loaded_scores_are_bm25s_own_to_the_bit(tmp_path):
    """`scores` sums the saved columns itself (importing bm25s costs ~0.4 s of a cold start): it
    must give exactly what bm25s' own scoring of the same ids gives."""
    import bm25s

    docs = _docs(3)
    Bm25Matrix.build(docs).save(tmp_path)
    ours = Bm25Matrix.load(tmp_path, len(docs))
    theirs = bm25s.BM25.load(str(tmp_path), mmap=True, allow_pickle=False, show_progress=False)
    rng = random.Random(4)
    for _ in range(30):
        query = [f"词{rng.randrange(220)}" for _ in range(rng.randint(1, 6))]
        ids = sorted({theirs.vocab_dict[t] for t in query if t in theirs.vocab_dict})
        if ids:
            np.testing.assert_array_equal(ours.scores(query), theirs.get_scores_from_ids(ids))


def test_loading_and_scoring_never_import_bm25s(tmp_path):
    import subprocess
    import sys

    Bm25Matrix.build(_docs(5)).save(tmp_path)
    code = ("import sys; from index.lexical import Bm25Matrix; "
            f"m = Bm25Matrix.load(__import__('pathlib').Path({str(tmp_path)!r}), 500); "
            "assert m.scores(['词1', '词2']).any(); print(sorted(k for k in sys.modules if k.split('.')[0] in ('bm25s', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


def test_a_loaded_matrix_is_not_saved_again(tmp_path):
    Bm25Matrix.build([["a"]]).save(tmp_path / "one")
    loaded = Bm25Matrix.load(tmp_path / "one", 1)
    try:
        loaded.save(tmp_path / "two")
    except RuntimeError as e:
        assert "already on disk" in str(e)
    else:
        raise AssertionError("a loaded matrix was saved")


def test_load_checks_the_document_count(tmp_path):
    Bm25Matrix.build([["a"], ["b"]]).save(tmp_path)
    try:
        Bm25Matrix.load(tmp_path, 3)
    except ValueError as e:
        assert "holds 2 documents, the index 3 records" in str(e)
    else:
        raise AssertionError("a matrix of 2 documents loaded for 3 records")


def test_corpora_without_terms_score_zero():
    # Arithmetic: no document holds a term, so every score is 0; an empty corpus has no scores.
    assert Bm25Matrix.build([]).scores(["x"]).shape == (0,)
    np.testing.assert_array_equal(Bm25Matrix.build([[], []]).scores(["x"]), [0.0, 0.0])
