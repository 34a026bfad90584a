"""Fixtures shared by the index tests: the converted default model, loaded once per session."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.embedder import ensure_default_model, load_embedder


@pytest.fixture(scope="session")
def default_model_dir() -> Path:
    """The converted default model (and its ONNX export); converted here only on the machine's first run."""
    return ensure_default_model()


@pytest.fixture(scope="session")
def model(default_model_dir: Path):
    """load_embedder() on the default model (ignoring a POLICYQA_MODEL the caller may have set)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("POLICYQA_MODEL", raising=False)
        loaded = load_embedder()
    return loaded


def copy_with_manifest(index: Path, dest: Path, edit) -> Path:
    """A copy of the index folder `index` at `dest`, its manifest changed in place by `edit(dict)`."""
    shutil.copytree(index, dest)
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    edit(manifest)
    (dest / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return dest
