"""Embedding cache: document vectors keyed by (model fingerprint, sha256 of the text embedded).

A rebuild after one notice was added (`python -m index build`, the app's document library) then
embeds only the texts it has not seen: on 2 cores a 1,000-notice corpus takes most of an hour to
embed, one notice a few seconds. The cache is also what makes a long build resumable: vectors are
written in chunks while embedding runs, so a build that is stopped goes on where it stopped.

Layout (plain files, no pickle), one folder per model fingerprint:
  <root>/<fingerprint>/<name>.vectors.npy   float32, one L2-normalised vector per row
  <root>/<fingerprint>/<name>.keys.npy      uint8 (rows, 32): sha256 of each row's text
A chunk's keys file is written last (both by rename from a temporary name), so a chunk without
its keys file is an interrupted write and is ignored; two builds writing at once write different
chunks. The cache is only ever an optimisation: an unreadable chunk is reported and skipped,
and its texts are embedded again. It grows by the texts that changed; `prune` keeps only the
texts a build used once the cache holds more than twice as many.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_CHUNKS = 64   # more chunks than this are merged into one after a build (fewer files to open)
# Texts per embedding call, and so per chunk written: what a stopped build loses at most
# (~20 s of embedding on 2 cores). Smaller writes more files; larger loses more on a stop.
CHUNK_TEXTS = 512


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    """Vectors of one model (`fingerprint`) under `root`."""

    def __init__(self, root: Path, fingerprint: str):
        safe = re.sub(r"[^0-9A-Za-z._-]", "_", fingerprint)
        if not safe.strip("._"):
            raise ValueError(f"an embedding cache needs a model fingerprint, got {fingerprint!r}")
        self.folder = Path(root) / safe
        self._rows: dict[bytes, tuple[int, int]] = {}   # key -> (chunk number, row)
        self._chunks: list[tuple[Path, np.ndarray]] = []  # (keys file, memory-mapped vectors)
        self._read()

    # --- reading ---------------------------------------------------------------------------------

    def _read(self) -> None:
        if not self.folder.is_dir():
            return
        for keys_file in sorted(self.folder.glob("*.keys.npy")):
            vectors_file = keys_file.with_name(keys_file.name.removesuffix(".keys.npy") + ".vectors.npy")
            try:
                keys = np.load(keys_file, allow_pickle=False)
                vectors = np.load(vectors_file, allow_pickle=False, mmap_mode="r")
            except (OSError, ValueError) as e:
                print(f"warning: embedding cache chunk {keys_file} is unreadable ({e}); its texts "
                      "are embedded again", file=sys.stderr)
                continue
            if keys.ndim != 2 or keys.shape[1] != 32 or vectors.ndim != 2 or len(keys) != len(vectors) \
                    or vectors.dtype != np.float32:
                print(f"warning: embedding cache chunk {keys_file} does not match its vectors "
                      f"(keys {keys.shape}, vectors {vectors.shape} {vectors.dtype}); ignored", file=sys.stderr)
                continue
            if self._chunks and vectors.shape[1] != self.dimension:
                print(f"warning: embedding cache chunk {vectors_file} has dimension {vectors.shape[1]}, "
                      f"the others {self.dimension}; ignored", file=sys.stderr)
                continue
            c = len(self._chunks)
            self._chunks.append((keys_file, vectors))
            for row, key in enumerate(keys):
                self._rows[key.tobytes()] = (c, row)

    @property
    def dimension(self) -> int | None:
        return self._chunks[0][1].shape[1] if self._chunks else None

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: bytes) -> bool:
        return key in self._rows

    def get(self, key: bytes) -> np.ndarray:
        c, row = self._rows[key]
        return self._chunks[c][1][row]

    def vectors(self, keys: list[bytes]) -> np.ndarray:
        """The cached vectors of `keys`, in order (float32, rows x dimension); every key must be cached."""
        out = np.empty((len(keys), self.dimension or 0), dtype=np.float32)
        for i, key in enumerate(keys):
            c, row = self._rows[key]
            out[i] = self._chunks[c][1][row]
        return out

    # --- writing ---------------------------------------------------------------------------------

    def add(self, keys: list[bytes], vectors: np.ndarray) -> None:
        """Store one chunk (atomically: a reader sees all of it or none)."""
        if len(keys) != len(vectors):
            raise ValueError(f"{len(keys)} keys for {len(vectors)} vectors")
        if not keys:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.dimension is not None and vectors.shape[1] != self.dimension:
            raise ValueError(f"vectors of dimension {vectors.shape[1]} for a cache of dimension "
                             f"{self.dimension} (same model fingerprint): the embedder is inconsistent")
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        keys_file = self.folder / f"{name}.keys.npy"
        vectors_file = self.folder / f"{name}.vectors.npy"
        for file, array in ((vectors_file, vectors),
                            (keys_file, np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, 32))):
            tmp = file.with_name(f".{file.name}.tmp")
            with open(tmp, "wb") as f:
                np.save(f, array, allow_pickle=False)
            os.replace(tmp, file)
        c = len(self._chunks)
        self._chunks.append((keys_file, np.load(vectors_file, allow_pickle=False, mmap_mode="r")))
        for row, key in enumerate(keys):
            self._rows[key] = (c, row)

    def prune(self, used: set[bytes]) -> None:
        """Merge the chunks into one when there are many, or keep only `used` when the cache holds
        more than twice as many texts (the notices that were edited or removed)."""
        if len(self._chunks) <= MAX_CHUNKS and len(self._rows) <= 2 * max(len(used), 1):
            return
        keep = [k for k in self._rows if k in used] if len(self._rows) > 2 * max(len(used), 1) \
            else list(self._rows)
        old = [f for f, _ in self._chunks]
        vectors = np.stack([self.get(k) for k in keep]) if keep else np.zeros((0, self.dimension or 0),
                                                                               np.float32)
        self._rows, self._chunks = {}, []
        self.add(keep, vectors)
        for keys_file in old:
            keys_file.unlink(missing_ok=True)   # the commit marker first: never a keys file without vectors
            keys_file.with_name(keys_file.name.removesuffix(".keys.npy") + ".vectors.npy").unlink(missing_ok=True)


@dataclass(frozen=True)
class Embedded:
    """What a build's embedding step did: `keys` (row i's text hash), `new` texts embedded now,
    `cached` rows whose vector the cache already held (a text shared by rows is embedded once)."""
    keys: tuple[bytes, ...]
    new: int
    cached: int


def embed_missing(embedder, texts: list[str], cache: EmbeddingCache, progress) -> Embedded:
    """Embed the texts `cache` lacks with `embedder.documents`, storing each chunk as it is made.

    `progress` is the build's `index.progress.Progress` (stage lines and the ETA bar)."""
    keys = [text_key(t) for t in texts]
    todo: dict[bytes, str] = {}
    for key, text in zip(keys, texts):
        if key not in cache and key not in todo:
            todo[key] = text
    cached = sum(k in cache for k in keys)
    progress(f"embedding: {len(texts):,} records, {cached:,} vectors cached, {len(todo):,} texts to embed "
             f"(cache {cache.folder})")
    items = list(todo.items())
    with progress.counter(len(items), "embedding") as bar:
        for start in range(0, len(items), CHUNK_TEXTS):
            part = items[start:start + CHUNK_TEXTS]
            vectors = embedder.documents([t for _, t in part])
            if vectors.ndim != 2 or len(vectors) != len(part):
                raise ValueError(f"the embedder returned an array of shape {vectors.shape} for "
                                 f"{len(part)} texts; expected ({len(part)}, dimension)")
            cache.add([k for k, _ in part], vectors)
            bar.update(len(part))
    return Embedded(tuple(keys), len(items), cached)
