"""The real index: real e5 model, real FAISS, real notice."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from index.store import Index, IndexMismatch, IndexMissing
from tests.conftest import ROOT
from tests.index.conftest import copy_with_manifest

pytestmark = pytest.mark.slow


def _labels(hits):
    return [(h.record.kind, h.record.item or h.record.month) for h in hits]


def test_named_task_finds_row_and_item(built_index):
    hits = built_index.search("校外培训机构设置标准", k=3)
    found = _labels(hits)
    assert ("schedule", 7) in found and ("item", 7) in found
    row = next(h.record for h in hits if h.record.kind == "schedule")
    assert row.offices == ("民继处",)


def test_topic_puts_item_first(built_index):
    assert _labels(built_index.search("学前教育普惠", k=1)) == [("item", 8)]


def test_paraphrase_with_few_shared_words(built_index):
    # "防止学生被欺负" shares almost no words with item 20's 预防校园欺凌.
    hits = built_index.search("防止学生被别人欺负有什么办法", k=5, mode="dense")
    assert ("item", 20) in _labels(hits) or ("schedule", 6) in _labels(hits)


def test_dense_equals_bruteforce_oracle(built_index):
    import faiss

    n = built_index.faiss.ntotal
    vectors = built_index.faiss.reconstruct_n(0, n)
    for query in ("校外培训机构设置标准", "What is due in June?", "教师节"):
        q = built_index.embedder.query(query)
        oracle = np.argsort(-(vectors @ q[0]), kind="stable")[:10]
        got = [i for i, _ in built_index.rank_dense(query, 10)]
        assert got == list(oracle)
    assert built_index.faiss.metric_type == faiss.METRIC_INNER_PRODUCT


def test_scores_of_a_few_rows_are_their_dense_scores(built_index):
    rows = [0, 7, len(built_index.records) - 1, 7]
    got = built_index.scores_of("What share of children should be in quality kindergartens?", rows)
    want = built_index.dense_scores("What share of children should be in quality kindergartens?")[rows]
    assert got.shape == (4,) and np.allclose(got, want, atol=1e-6)


def test_save_load_roundtrip(built_index):
    loaded = Index.load(built_index.path)
    for mode in ("bm25", "dense", "hybrid"):
        a = [(h.record.id, round(h.score, 5)) for h in built_index.search("基教处 6月", k=5, mode=mode)]
        b = [(h.record.id, round(h.score, 5)) for h in loaded.search("基教处 6月", k=5, mode=mode)]
        assert a == b
    files = sorted(p.relative_to(built_index.path).as_posix() for p in built_index.path.rglob("*") if p.is_file())
    assert files == ["bm25/data.csc.index.npy", "bm25/indices.csc.index.npy", "bm25/indptr.csc.index.npy",
                     "bm25/params.index.json", "bm25/vocab.index.json", "dense.faiss", "kinds.npy",
                     "manifest.json", "records.jsonl", "records.offsets.npy", "terms.txt"]
    manifest = json.loads((built_index.path / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(set(files) - {"manifest.json"})   # every file checked
    assert manifest["record_count"] == len(built_index.records) == built_index.faiss.ntotal
    assert manifest["dimension"] == 384 and manifest["faiss_index"] == "Flat"
    assert not list(built_index.path.parent.glob(".*tmp*"))  # no temp folder left behind


def test_truncated_faiss_file_is_detected(built_index, tmp_path):
    copy = tmp_path / "idx"
    shutil.copytree(built_index.path, copy)
    data = (copy / "dense.faiss").read_bytes()
    (copy / "dense.faiss").write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexMismatch, match="dense.faiss is truncated") as e:
        Index.load(copy)
    assert "python -m index build" in str(e.value)


def test_changed_corpus_is_detected(built_index, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    notice = corpus / "jinan-edu-2024-work-plan.txt"
    notice.write_text(notice.read_text(encoding="utf-8").replace("95%", "96%"), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="corpus .* changed"):
        Index.check(built_index.path, corpus)


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissing, match="python -m index build"):
        Index.check(tmp_path / "nothing")


def test_langchain_retriever(built_index):
    from index.retriever import HybridRetriever

    docs = HybridRetriever(index=built_index, k=3).invoke("校外培训机构设置标准")
    assert len(docs) == 3
    assert any(d.metadata["kind"] == "schedule" and d.metadata["month"] == 7 for d in docs)
    assert all("id" in d.metadata and "score" in d.metadata for d in docs)


def test_cli_search_json(built_index):
    env = {"POLICYQA_INDEX": str(built_index.path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "index", "search", "校外培训机构设置标准", "--k", "2",
                          "--json", "--mode", "bm25"], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    hits = [json.loads(line) for line in out]
    assert [h["rank"] for h in hits] == [1, 2]
    assert set(hits[0]) == {"rank", "score", "kind", "item", "month", "task", "offices", "text"}
    assert hits[0]["month"] == 7 and hits[0]["offices"] == ["民继处"]


def test_cli_search_reports_stale_index(tmp_path):
    env = {"POLICYQA_INDEX": str(tmp_path / "none"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "index", "search", "x"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "python -m index build" in proc.stderr


def test_tokenizer_change_is_detected(built_index, tmp_path):
    copy = copy_with_manifest(built_index.path, tmp_path / "idx",
                              lambda m: m.update(tokenizer="jieba-cut_for_search-0"))
    with pytest.raises(IndexMismatch, match="tokenizer"):
        Index.check(copy)


def test_index_set_aside_by_a_crashed_build_is_restored(built_index, tmp_path):
    aside = tmp_path / ".idx.old-123"
    shutil.copytree(built_index.path, aside)
    assert Index.check(tmp_path / "idx", check_model=False)["record_count"] == len(built_index.records)
    assert (tmp_path / "idx" / "manifest.json").is_file() and not aside.exists()
