"""The embedding cache (index/cache.py): plain files keyed by (model fingerprint, text hash).

A narrow fake embedder here (counts and returns fixed vectors); the real model's use of the cache
is tested in test_scale.py."""
from __future__ import annotations

import numpy as np
import pytest

import index.cache
from index.cache import EmbeddingCache, embed_missing, text_key
from index.progress import Progress


class FakeEmbedder:
    def __init__(self):
        self.seen: list[str] = []

    def documents(self, texts, progress=False):
        self.seen += texts
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_only_unseen_texts_are_embedded_and_each_once(tmp_path, monkeypatch):
    monkeypatch.setattr(index.cache, "CHUNK_TEXTS", 2)
    fake = FakeEmbedder()
    cache = EmbeddingCache(tmp_path, "model-a")
    done = embed_missing(fake, ["甲", "乙乙", "甲", "丙丙丙"], cache, Progress(False))
    assert fake.seen == ["甲", "乙乙", "丙丙丙"] and done.new == 3 and done.cached == 0
    assert len(list((tmp_path / "model-a").glob("*.keys.npy"))) == 2     # chunks of 2 texts
    fake.seen = []
    reopened = EmbeddingCache(tmp_path, "model-a")
    done = embed_missing(fake, ["丙丙丙", "丁", "甲"], reopened, Progress(False))
    assert fake.seen == ["丁"] and done.new == 1 and done.cached == 2
    np.testing.assert_array_equal(reopened.vectors([text_key("丙丙丙"), text_key("甲")]),
                                  [[3, 1, 0], [1, 1, 0]])


def test_another_model_does_not_share_vectors(tmp_path):
    EmbeddingCache(tmp_path, "model-a").add([text_key("甲")], np.ones((1, 3), np.float32))
    assert text_key("甲") not in EmbeddingCache(tmp_path, "model-b")
    assert text_key("甲") in EmbeddingCache(tmp_path, "model-a")


def test_a_chunk_without_its_keys_is_an_interrupted_write_and_ignored(tmp_path):
    cache = EmbeddingCache(tmp_path, "m")
    cache.add([text_key("甲"), text_key("乙")], np.ones((2, 3), np.float32))
    keys = next((tmp_path / "m").glob("*.keys.npy"))
    keys.unlink()
    assert len(EmbeddingCache(tmp_path, "m")) == 0


def test_a_damaged_chunk_is_reported_and_skipped(tmp_path, capsys):
    cache = EmbeddingCache(tmp_path, "m")
    cache.add([text_key("甲")], np.ones((1, 3), np.float32))
    next((tmp_path / "m").glob("*.vectors.npy")).write_bytes(b"not numpy")
    assert len(EmbeddingCache(tmp_path, "m")) == 0
    assert "is unreadable" in capsys.readouterr().err


def test_prune_keeps_the_texts_in_use_once_the_cache_holds_twice_as_many(tmp_path):
    cache = EmbeddingCache(tmp_path, "m")
    keys = [text_key(str(i)) for i in range(10)]
    cache.add(keys, np.arange(30, dtype=np.float32).reshape(10, 3))
    cache.prune(set(keys[:6]))             # 10 <= 2 * 6: kept as it is
    assert len(EmbeddingCache(tmp_path, "m")) == 10
    cache.prune(set(keys[:4]))             # 10 > 2 * 4: only the 4 in use are kept, in one chunk
    again = EmbeddingCache(tmp_path, "m")
    assert len(again) == 4 and len(list((tmp_path / "m").glob("*.npy"))) == 2
    np.testing.assert_array_equal(again.vectors(keys[:4]), np.arange(12, dtype=np.float32).reshape(4, 3))


def test_wrong_shapes_are_refused(tmp_path):
    cache = EmbeddingCache(tmp_path, "m")
    with pytest.raises(ValueError, match="2 keys for 1 vectors"):
        cache.add([text_key("a"), text_key("b")], np.ones((1, 3), np.float32))
    cache.add([text_key("a")], np.ones((1, 3), np.float32))
    with pytest.raises(ValueError, match="dimension 4 for a cache of dimension 3"):
        cache.add([text_key("b")], np.ones((1, 4), np.float32))
