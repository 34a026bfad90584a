"""Issue #10 part 4 (scale): what the load, the query path and the build do, asserted as behaviour.

Real notice, real model, real FAISS. Loading maps precomputed files (it neither rebuilds BM25 nor
parses records); a rebuild after a notice is added embeds only that notice's texts and answers as
a from-scratch build does; a search restricted by kind equals the reference fusion over full
rankings; an index written in an older format asks for a rebuild.
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import index.lexical
from index.rank import rrf
from index.store import Embedder, Index, IndexMismatch, corpus_records, embedding_cache_dir
from index.text import index_text
from ingest.offices import OfficeTable
from ingest.records import Record
from tests.conftest import NOTICE, ROOT
from tests.index.conftest import copy_with_manifest

pytestmark = pytest.mark.slow

QUERIES = ["校外培训机构设置标准", "学前教育普惠", "6月份基教处要完成哪些工作", "泉引桥", "防止学生被欺负有什么措施"]


class CountingEmbedder(Embedder):
    """The real embedder; `documents` records every text it is asked to embed."""

    def __init__(self, real: Embedder):
        self.__dict__.update(real.__dict__)
        self.embedded: list[str] = []

    def documents(self, texts, progress=False):
        self.embedded += texts
        return super().documents(texts, progress)


def _copy_corpus(tmp_path, *extra):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in (NOTICE, ROOT / "corpus" / "offices.tsv", *extra):
        shutil.copy(f, folder / f.name)
    return folder


def _answers(idx: Index) -> tuple[list, np.ndarray]:
    """The ids of each query's hits in each mode, and their scores."""
    hits = [idx.search(q, k=5, mode=mode) for q in QUERIES for mode in ("bm25", "dense", "hybrid")]
    return [[h.record.id for h in hs] for hs in hits], np.array([h.score for hs in hits for h in hs])


def test_rebuild_after_adding_a_notice_embeds_only_its_texts(tmp_path, built_index):
    embedder = CountingEmbedder(built_index.embedder)
    corpus = _copy_corpus(tmp_path)
    path = tmp_path / "idx"
    offices = OfficeTable.for_corpus(corpus)
    first = Index.build(corpus_records(corpus, offices), path, offices, corpus=corpus, embedder=embedder)
    assert len(embedder.embedded) == len(set(embedder.embedded)) > 100   # each distinct text once
    old_texts = set(embedder.embedded)
    assert (embedding_cache_dir(path)).is_dir()

    added = ROOT / "tests" / "bot" / "data" / "zibo-2024.txt"
    shutil.copy(added, corpus / added.name)
    offices = OfficeTable.for_corpus(corpus)
    embedder.embedded = []
    again = Index.build(corpus_records(corpus, offices), path, offices, corpus=corpus, embedder=embedder)
    new_doc = {r.doc_id for r in again.records} - {r.doc_id for r in first.records}
    assert len(new_doc) == 1
    expected = {index_text(r, offices) for r in again.records if r.doc_id in new_doc} - old_texts
    assert expected and set(embedder.embedded) == expected and len(embedder.embedded) == len(expected)
    assert again.embedded.new == len(expected)

    # The same corpus from scratch (an empty cache elsewhere) answers the same.
    embedder.embedded = []
    scratch = Index.build(corpus_records(corpus, offices), tmp_path / "scratch", offices, corpus=corpus,
                          embedder=embedder, cache_dir=tmp_path / "empty-cache")
    assert len(embedder.embedded) == len({index_text(r, offices) for r in scratch.records})
    assert [r.id for r in scratch.records] == [r.id for r in again.records]
    ids, scores = _answers(Index.load(path, corpus))
    scratch_ids, scratch_scores = _answers(scratch)
    # Vectors made in other batches differ by float rounding (~1e-6), not in ranking.
    assert ids == scratch_ids
    np.testing.assert_allclose(scores, scratch_scores, atol=1e-4)


def test_a_stopped_build_resumes_from_the_cache(tmp_path, built_index, monkeypatch):
    """The embedder fails after two chunks; the next build embeds only what the first did not."""
    import index.cache

    monkeypatch.setattr(index.cache, "CHUNK_TEXTS", 32)
    embedder = CountingEmbedder(built_index.embedder)
    real_documents = CountingEmbedder.documents
    calls = []

    def failing(self, texts, progress=False):
        calls.append(len(texts))
        if len(calls) == 3:
            raise KeyboardInterrupt   # what a user's Ctrl-C raises mid-build
        return real_documents(self, texts, progress)

    monkeypatch.setattr(CountingEmbedder, "documents", failing)
    records = corpus_records()
    with pytest.raises(KeyboardInterrupt):
        Index.build(records, tmp_path / "idx", embedder=embedder)
    assert not (tmp_path / "idx").exists()
    done = list(embedder.embedded)
    assert len(done) == 64
    monkeypatch.setattr(CountingEmbedder, "documents", real_documents)
    embedder.embedded = []
    idx = Index.build(records, tmp_path / "idx", embedder=embedder)
    assert not set(done) & set(embedder.embedded)
    texts = {index_text(r, OfficeTable.load()) for r in idx.records}
    assert set(done) | set(embedder.embedded) == texts and idx.embedded.new == len(embedder.embedded)


def test_load_neither_rebuilds_bm25_nor_parses_records(built_index, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("Index.load rebuilt BM25 from tokens")

    monkeypatch.setattr(index.lexical.Bm25Builder, "add", forbidden)
    monkeypatch.setattr(index.lexical.Bm25Builder, "build", forbidden)
    parsed = []
    real = Record.from_dict.__func__
    monkeypatch.setattr(Record, "from_dict", classmethod(lambda cls, d: parsed.append(d["id"]) or real(cls, d)))
    loaded = Index.load(built_index.path)
    assert parsed == []
    hits = loaded.search("学前教育普惠", k=3)
    assert len(parsed) == 3 and parsed == [h.record.id for h in hits]   # only the hits are parsed
    assert isinstance(loaded.bm25.scores(["学前教育"]), np.ndarray)
    assert loaded.bm25._data.__class__ is np.memmap   # mapped, not read


def test_loaded_index_rows_line_up(built_index):
    loaded = Index.load(built_index.path)
    assert len(loaded.records) == len(built_index.records) == loaded.faiss.ntotal == loaded.bm25.n
    assert [r.to_dict() for r in loaded.records] == [r.to_dict() for r in built_index.records]
    assert list(loaded.kinds) == list(built_index.kinds)
    # BM25 document i is record i: the precomputed scores equal the reference scorer's.
    from index.rank import Bm25

    tokens = [built_index.tokenizer.tokenize(index_text(r, OfficeTable.load())) for r in built_index.records]
    reference = Bm25(tokens)
    for q in QUERIES:
        t = built_index.tokenizer.tokenize(q)
        np.testing.assert_allclose(loaded.bm25.scores(t), reference.scores(t), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kinds", [("schedule",), ("item", "preamble"), ("sentence",)])
def test_search_by_kind_equals_fusion_of_full_rankings(built_index, kinds):
    """The reference: every row of the kinds ranked by FAISS and by BM25, fused by `rrf`."""
    idx = built_index
    for q in QUERIES:
        n = len(idx.records)
        scores, ids = idx.faiss.search(idx.embedder.query(q), n)
        dense = [int(i) for i in ids[0] if idx.records[i].kind in kinds]
        bm25 = idx.bm25_scores(q)
        lexical = [int(i) for i in np.argsort(-bm25, kind="stable") if bm25[i] > 0 and idx.records[i].kind in kinds]
        want = [i for i, _ in rrf([dense, lexical])[:5]]
        got = [idx.records.index(h.record) for h in idx.search(q, k=5, kinds=kinds)]
        assert got == want, q


def test_hybrid_search_equals_reference_fusion(built_index):
    """Without kinds: each ranker's top max(8k, 40), sentence children dropped, fused by `rrf`."""
    idx = built_index
    for q in QUERIES:
        _, ids = idx.faiss.search(idx.embedder.query(q), 40)
        dense = [int(i) for i in ids[0] if idx.records[i].kind != "sentence"]
        lexical = [i for i, _ in idx.rank_bm25(q, 40) if idx.records[i].kind != "sentence"]
        want = [(i, s) for i, s in rrf([dense, lexical])[:5]]
        got = [(idx.records.index(h.record), h.score) for h in idx.search(q, k=5)]
        assert got == want, q


def test_long_dense_ranking_equals_faiss(built_index):
    idx = built_index
    n = len(idx.records)
    for q in QUERIES:
        scores, ids = idx.faiss.search(idx.embedder.query(q), n)
        got = idx.rank_dense(q, n)
        assert [i for i, _ in got] == [int(i) for i in ids[0]]
        np.testing.assert_allclose([s for _, s in got], scores[0], atol=1e-5)


def test_index_in_an_older_format_asks_for_a_rebuild(built_index, tmp_path):
    def as_format_3(manifest):
        manifest["schema_version"] = 3
        manifest["files"].pop("kinds.npy")   # a format-3 index lacks the new files: the version is named first

    copy = copy_with_manifest(built_index.path, tmp_path / "idx", as_format_3)
    with pytest.raises(IndexMismatch, match="schema version 3 != 4") as e:
        Index.load(copy)
    assert "python -m index build" in str(e.value)


def test_other_bm25_format_asks_for_a_rebuild(built_index, tmp_path):
    copy = copy_with_manifest(built_index.path, tmp_path / "idx",
                              lambda m: m.update(bm25="bm25s-0.2 eager CSC, robertson"))
    with pytest.raises(IndexMismatch, match="BM25 weights were stored as") as e:
        Index.check(copy)
    assert "python -m index build" in str(e.value)


def test_faiss_threads_setting_is_checked(built_index, monkeypatch):
    import faiss

    monkeypatch.setenv("POLICYQA_FAISS_THREADS", "two")
    with pytest.raises(ValueError, match="POLICYQA_FAISS_THREADS must be a whole number >= 1, got 'two'"):
        Index.load(built_index.path)
    monkeypatch.delenv("POLICYQA_FAISS_THREADS")
    Index.load(built_index.path)
    assert faiss.omp_get_max_threads() == 1


def test_large_corpora_get_sq8_with_exact_refinement_and_answer_as_flat(built_index, tmp_path, monkeypatch):
    """`auto` switches to SQ8 codes + exact rescoring above FLAT_MAX_ROWS (lowered here to 10)."""
    import index.store

    monkeypatch.setattr(index.store, "FLAT_MAX_ROWS", 10)
    embedder = CountingEmbedder(built_index.embedder)
    big = Index.build(corpus_records(), tmp_path / "idx", embedder=embedder,
                      cache_dir=embedding_cache_dir(built_index.path))
    assert embedder.embedded == []   # every vector from the flat build's cache
    assert big.manifest["faiss_index"] == "SQ8,RFlat"
    loaded = Index.load(big.path)
    for idx in (big, loaded):
        ids, scores = _answers(idx)
        flat_ids, flat_scores = _answers(built_index)
        assert ids == flat_ids
        np.testing.assert_allclose(scores, flat_scores, atol=1e-6)
        for kinds in (("schedule",), ("sentence",)):
            assert [h.record.id for h in idx.search("基教处 6月", k=5, kinds=kinds)] == \
                [h.record.id for h in built_index.search("基教处 6月", k=5, kinds=kinds)]
