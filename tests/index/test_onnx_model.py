"""Questions embedded by ONNX Runtime (index.onnx_model): parity with sentence-transformers, and a
query path that never imports torch.

The oracle is the sentence-transformers model itself (`encode_query` / `encode_document`), on the
real questions of the evaluation set. Everything is real: the converted model and its export in
the default cache, the real index built from the real notice.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedder import model_fingerprint
from index.onnx_model import (
    ENCODER_INT8_FILE,
    RUNTIME_ENV,
    OnnxEncoder,
    QueryRuntime,
    ensure_onnx_model,
    export_fingerprint,
    is_complete,
    onnx_dir,
)
from index.store import Embedder, Index, IndexMismatch
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

QUESTIONS = ROOT / "eval" / "questions.jsonl"
RETRIEVAL_QUESTION = "穷人家的孩子上学有补助吗"


def _questions() -> list[str]:
    turns = []
    with open(QUESTIONS, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                turns += json.loads(line)["turns"]
    return list(dict.fromkeys(turns))  # unique, in file order


@pytest.fixture(scope="module")
def onnx_folder(default_model_dir: Path) -> Path:
    return ensure_onnx_model(default_model_dir)


@pytest.fixture(scope="module")
def encoder(onnx_folder: Path) -> OnnxEncoder:
    return OnnxEncoder(onnx_folder)


# ------------------------------------------------------------------------------------- parity


def test_query_vectors_match_sentence_transformers_on_real_questions(model, encoder) -> None:
    questions = _questions()
    assert len(questions) >= 50, f"{QUESTIONS} has only {len(questions)} distinct turns"
    want = model.encode_query(questions, normalize_embeddings=True, convert_to_numpy=True)
    got = np.vstack([encoder.encode([q], "query") for q in questions])  # one at a time, as the bot asks
    cosines = (want * got).sum(axis=1)
    low = {q: round(float(c), 6) for q, c in zip(questions, cosines) if c < 0.9999}
    assert not low, f"ONNX query vectors differ from encode_query for {low}"
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_padded_batches_and_documents_match(model, encoder) -> None:
    # Batches pad shorter texts; a text past 512 tokens is truncated as sentence-transformers does.
    texts = _questions()[:20] + ["  前后有空格  ", "教育" * 700, "What is due in June from 基教处?",
                                 "Ελληνικά café 学校"]  # the last through the full tokenizer
    for name, oracle in (("query", model.encode_query), ("document", model.encode_document)):
        want = oracle(texts, normalize_embeddings=True, convert_to_numpy=True)
        got = encoder.encode(texts, name, batch_size=8)
        assert float((want * got).sum(axis=1).min()) >= 0.9999, name


def test_trimmed_tokenizers_give_the_full_tokenizers_ids(encoder) -> None:
    # The trimmed tokenizers (CJK + the prompts' letters; + all of ASCII) must give exactly the
    # full tokenizer's ids on every eval question and every line of the notice. Other scripts fall
    # back to the full tokenizer, loaded then.
    notice = (ROOT / "corpus" / "jinan-edu-2024-work-plan.txt").read_text(encoding="utf-8").splitlines()
    texts = [p + t for t in _questions() + [line for line in notice if line.strip()]
             for p in ("query: ", "passage: ")]
    cjk, common = encoder._tiers
    normal = [cjk.tokenizer.normalizer.normalize_str(t) for t in texts]
    in_cjk = [t for t, n in zip(texts, normal) if cjk.covered.fullmatch(n)]
    latin = [t for t in texts if re.search(r"[A-Za-z]", t.split(": ", 1)[1])]
    assert len(in_cjk) == len(texts) - len(latin) and latin   # only texts with other letters need more
    assert all(common.covered.fullmatch(n) for n in normal)    # nothing in this corpus needs the full one
    full = encoder.tokenizer
    assert [encoder.token_ids(t) for t in texts] == [full.encode(t).ids for t in texts]
    for other in ("query: Ελληνικά café", "query: Привет 你好", "query: 😀 emoji"):
        n = cjk.tokenizer.normalizer.normalize_str(other)
        assert not cjk.covered.fullmatch(n) and not common.covered.fullmatch(n)
        assert encoder.token_ids(other) == full.encode(other).ids


def test_a_chinese_question_loads_only_the_smallest_tokenizer(onnx_folder: Path) -> None:
    encoder = OnnxEncoder(onnx_folder)
    cjk, common = encoder._tiers
    assert cjk.loaded and not common.loaded and encoder._full is None
    encoder.encode(["穷人家的孩子上学有补助吗", "6月份基教处要完成哪些工作?"], "query")
    assert not common.loaded and encoder._full is None
    encoder.encode(["What is due in June from 基教处?"], "query")
    assert common.loaded and encoder._full is None


def test_prompt_name_is_checked(encoder) -> None:
    with pytest.raises(ValueError, match="prompt_name must be 'query', 'document' or None, got 'passage'"):
        encoder.encode(["x"], "passage")


# --------------------------------------------------------------------------------- the export


def test_export_sits_beside_the_model_and_is_reused(default_model_dir: Path, onnx_folder: Path) -> None:
    assert onnx_folder == onnx_dir(default_model_dir, model_fingerprint(default_model_dir))
    assert onnx_folder.parent.parent == default_model_dir.parent  # the same cache root
    marker = json.loads((onnx_folder / "policyqa_onnx.json").read_text(encoding="utf-8"))
    assert marker["opset"] == 17 and marker["pooling"] == "mean" and marker["normalize"] is True
    assert marker["prompts"] == {"query": "query: ", "document": "passage: "}
    assert marker["source_fingerprint"] == model_fingerprint(default_model_dir)
    # A second call in a fresh process finds it: no export, no torch.
    before = (onnx_folder / "encoder.onnx").stat().st_mtime_ns
    code = ("import sys; from pathlib import Path; from index.onnx_model import ensure_onnx_model; "
            f"print(ensure_onnx_model(Path({str(default_model_dir)!r})), 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(onnx_folder), "False"]
    assert "exporting" not in out.stderr
    assert (onnx_folder / "encoder.onnx").stat().st_mtime_ns == before


def test_export_runs_fused_attention(onnx_folder: Path) -> None:
    # The graph questions run through is ONNX Runtime's fusion (one Attention op per layer), which
    # the parity tests above hold to sentence-transformers.
    import onnx

    marker = json.loads((onnx_folder / "policyqa_onnx.json").read_text(encoding="utf-8"))
    ops = [n.op_type for n in onnx.load(str(onnx_folder / "encoder.onnx"), load_external_data=False).graph.node]
    assert ops.count("Attention") == 12 == marker["fused"]["Attention"]  # e5-small: 12 layers
    assert ops.count("SkipLayerNormalization") == marker["fused"]["SkipLayerNormalization"] > 0
    assert "Softmax" not in ops  # no unfused attention left


def test_runtime_setting_lists_valid_values(monkeypatch: pytest.MonkeyPatch) -> None:
    assert QueryRuntime.from_setting() is QueryRuntime.ONNX
    monkeypatch.setenv(RUNTIME_ENV, "ONNX-int8")
    assert QueryRuntime.from_setting() is QueryRuntime.ONNX_INT8
    monkeypatch.setenv(RUNTIME_ENV, "gpu")
    with pytest.raises(ValueError, match=r"POLICYQA_QUERY_RUNTIME must be one of onnx, onnx-int8, torch; got 'gpu'"):
        QueryRuntime.from_setting()


# ------------------------------------------------------------------------- the index manifest


def test_manifest_records_the_query_model(built_index, onnx_folder: Path) -> None:
    manifest = built_index.manifest
    assert manifest["documents_by"] == "sentence-transformers" and manifest["query_runtime"] == "onnx"
    assert manifest["onnx_model"] == {"folder": onnx_folder.name, "int8": False,
                                      "fingerprint": export_fingerprint(onnx_folder)}


def test_int8_questions_refuse_an_index_of_fp32_documents(built_index, monkeypatch, tmp_path) -> None:
    copy = tmp_path / "idx"
    shutil.copytree(built_index.path, copy)
    monkeypatch.setenv(RUNTIME_ENV, "onnx-int8")
    with pytest.raises(IndexMismatch, match="documents were embedded by 'sentence-transformers'; "
                                            "POLICYQA_QUERY_RUNTIME=onnx-int8 needs documents embedded by "
                                            "'onnx-int8'") as e:
        Index.check(copy, check_corpus=False)
    assert "python -m index build" in str(e.value)
    monkeypatch.setenv(RUNTIME_ENV, "torch")  # torch questions and ST documents agree: no rebuild
    Index.check(copy, check_corpus=False)


def test_remade_fp32_export_keeps_the_index(built_index, monkeypatch, tmp_path) -> None:
    """An fp32 export differing from the recorded one (re-made on a fresh machine) serves the same
    questions: documents came from sentence-transformers, and every export is checked against it."""
    copy = tmp_path / "idx"
    shutil.copytree(built_index.path, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["onnx_model"]["fingerprint"] = "0" * 16
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert Index.check(copy, check_corpus=False)["onnx_model"]["fingerprint"] == "0" * 16
    manifest["onnx_model"]["int8"] = True       # documents from the int8 graph: a rebuild is needed
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="not the one the index was built with"):
        Index.check(copy, check_corpus=False)


def test_int8_embeds_documents_and_questions_with_one_graph(default_model_dir, onnx_folder, encoder) -> None:
    embedder = Embedder(runtime="onnx-int8")
    texts = _questions()[:8]
    docs, fp32 = embedder.documents(texts), encoder.encode(texts, "document")
    assert embedder._model is None  # sentence-transformers never loaded for int8 documents
    assert (onnx_folder / ENCODER_INT8_FILE).is_file() and is_complete(onnx_folder, int8=True)
    cosines = (docs * fp32).sum(axis=1)
    assert 0.95 <= float(cosines.min()) and float(cosines.max()) < 0.99999  # close to fp32, not equal
    assert embedder.vectors_fingerprint == model_fingerprint(default_model_dir) + "-int8"


# ------------------------------------------------------------------- the query path, no torch


def _fresh(code: str, index_path: Path) -> list[str]:
    env = {**os.environ, "POLICYQA_INDEX": str(index_path)}
    env.pop(RUNTIME_ENV, None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()


def test_bot_answers_a_retrieval_question_without_torch(built_index) -> None:
    # `python -m bot ask` in a fresh process, then what it imported.
    code = (
        "import io, json, runpy, sys, contextlib\n"
        f"sys.argv = ['bot', 'ask', '--json', {RETRIEVAL_QUESTION!r}]\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        "        runpy.run_module('bot', run_name='__main__')\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, e.code\n"
        "print(buf.getvalue().strip().splitlines()[-1])\n"
        "print(*(m in sys.modules for m in ('torch', 'sentence_transformers', 'transformers', 'onnxruntime')))\n"
    )
    answer, modules = _fresh(code, built_index.path)
    assert json.loads(answer)["citations"], answer  # it was answered from the notice
    assert modules.split() == ["False", "False", "False", "True"]  # the question went through ONNX Runtime


def test_index_search_dense_without_torch(built_index) -> None:
    code = (
        "import sys\n"
        "from index.__main__ import main\n"
        f"main(['search', {RETRIEVAL_QUESTION!r}, '--mode', 'dense', '--json'])\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    lines = _fresh(code, built_index.path)
    assert lines[-1].split() == ["False", "False"]
    assert len(lines) == 6 and json.loads(lines[0])["rank"] == 1
