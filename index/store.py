"""The persisted search index: plain files plus a checked manifest. No pickle anywhere.

Folder layout (positional contract: row i of records.jsonl = row i of records.offsets.npy and
kinds.npy = FAISS vector i = BM25 document i, checked on load):
  manifest.json         schema version, model + fingerprint, dimension, FAISS type, corpus hash,
                        record count, tokenizer dictionary hash, BM25 format, size + sha256 of every
                        other file, what embedded the documents and the ONNX query model's fingerprint
  records.jsonl         the ingest records, one per line (the bot reads it whole at start)
  records.offsets.npy   int64, n + 1 byte offsets of its lines: a query parses only its hits
  kinds.npy             uint8, each record's kind (its position in ingest.records.KINDS)
  terms.txt             the jieba user dictionary the BM25 tokens were made with
  bm25/                 the BM25 weights, precomputed at build (bm25s: sparse matrix as .npy + JSON),
                        memory-mapped on load (index/lexical.py)
  dense.faiss           the FAISS index (faiss.write_index)

Loading reads no record and rebuilds nothing: it checks the files, then maps them. Vectors are
cached outside the folder by (model fingerprint, text hash) (index/cache.py, `<index>-embeddings`
beside it), so a rebuild embeds only the texts it has not seen and a stopped build resumes.

Built in a temporary sibling folder and renamed into place, so a crash mid-build leaves the old
index usable (the old folder is renamed aside first; if a crash falls between the two renames, the
next load restores it). One build at a time per index folder (a lock file beside it), across
processes: the app's background rebuild and `python -m index build` wait for each other.

On load, the manifest is validated against a schema (`Manifest`: anything else, `[]`, `null`, a
missing key, is treated as no index and rebuilt) and every file against the manifest. Problems come
in two kinds: the index is *unusable* (missing, damaged, unreadable, another model or schema) or
only *stale* (the corpus or the parser changed since it was built). A stale index is still the last
good one: `last_good` returns it with the reason, so callers can keep serving it while a rebuild runs.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingest import CORPUS, IngestError, load_corpus
from ingest.offices import OfficeTable
from ingest.records import Record, write_jsonl
from index.cache import EmbeddingCache, embed_missing
from index.children import with_children
from index.lexical import BM25_FORMAT, Bm25Builder, Bm25Matrix
from index.lexical import FILES as BM25_FILES
from index.progress import Progress
from index.rank import SearchMode, rrf_arrays, top_rows
from index.rows import RecordRows, kind_codes, write_records
from index.text import TOKENIZER_VERSION, Tokenizer, index_text, user_terms
from ingest.records import KINDS

# 2: sentence children indexed beside their items; 3: query encoder recorded; 4: BM25 precomputed
# (bm25/) instead of tokens.jsonl, records read on demand (records.offsets.npy, kinds.npy).
SCHEMA_VERSION = 4
DEFAULT_INDEX = Path(__file__).resolve().parent.parent / "var" / "index"
DATA_FILES = ("records.jsonl", "records.offsets.npy", "kinds.npy", "terms.txt", "dense.faiss",
              *(f"bm25/{name}" for name in BM25_FILES))


class IndexError_(Exception):
    """Base class; named with a trailing underscore so it does not shadow the builtin."""


class IndexMissing(IndexError_):
    pass


class IndexUnreadable(IndexError_):
    """A file of the index exists but this process may not read it."""

    def __init__(self, file: Path, error: OSError):
        self.file = file
        super().__init__(f"cannot read {file}: {error.strerror or error}. Make it readable by this user "
                         f"(`chmod u+r {file}`, or check its owner), or delete {file.parent} and run "
                         "`python -m index build`")


# --- the manifest's schema --------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class FileEntry(_Strict):
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class OnnxInfo(_Strict):
    folder: str
    int8: bool
    fingerprint: str


class Manifest(_Strict):
    """What `manifest.json` must hold; anything else is treated as no index (and rebuilt)."""
    schema_version: int
    model: str
    model_setting: str | None
    model_fingerprint: str
    dimension: int = Field(gt=0)
    normalized: bool
    faiss_index: str
    corpus_hash: str
    record_count: int = Field(ge=0)
    records_hash: str
    tokenizer: str
    dictionary_hash: str
    bm25: str
    built_at: str
    documents_by: str
    query_runtime: str
    onnx_model: OnnxInfo | None
    files: dict[str, FileEntry]
    corpus_files: dict[str, str] | None = None   # file name → sha256, to say what changed

    @model_validator(mode="after")
    def _lists_every_file(self) -> "Manifest":
        missing = [n for n in DATA_FILES if n not in self.files]
        if missing:
            raise ValueError(f"files lacks {', '.join(missing)}")
        return self


def _read_text(file: Path) -> str:
    """A file's text; an unreadable file raises `IndexUnreadable` naming it and the fix."""
    try:
        with open(file, encoding="utf-8") as f:
            return f.read()
    except (PermissionError, IsADirectoryError) as e:
        raise IndexUnreadable(file, e) from None


def read_manifest(path: Path) -> dict:
    """The validated manifest of the index at `path`, as a dict."""
    mf = path / "manifest.json"
    text = _read_text(mf)
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexMismatch([f"manifest.json is not valid JSON ({e}); treated as missing"], path) from None
    # The format version first: an index written by an older version of this code has other files,
    # and saying so beats listing the files it lacks.
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if isinstance(version, int) and version != SCHEMA_VERSION:
        raise IndexMismatch([f"schema version {version} != {SCHEMA_VERSION}: the index was written in "
                             f"format {version}, this code reads format {SCHEMA_VERSION}"], path)
    try:
        return Manifest.model_validate(raw).model_dump()
    except ValidationError as e:
        where = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'top level'}: {err['msg']}"
                          for err in e.errors()[:3])
        raise IndexMismatch([f"manifest.json does not match the manifest schema ({where}); "
                             "treated as missing"], path) from None

class IndexMismatch(IndexError_):
    """The index on disk does not match the corpus, the model or its own manifest."""

    def __init__(self, problems: list[str], path: Path):
        self.problems = problems
        super().__init__(f"index at {path} is out of date or damaged:\n  - " + "\n  - ".join(problems)
                         + "\nrebuild it: python -m index build")


def index_dir() -> Path:
    return Path(os.environ.get("POLICYQA_INDEX", DEFAULT_INDEX)).expanduser()


# Rankings longer than this are computed with numpy over a flat index's vectors (see _dense_ranking).
FULL_RANKING_K = 1024


def search_threads() -> int:
    """OpenMP threads FAISS may use for a query (setting POLICYQA_FAISS_THREADS, default 1).

    FAISS splits one query's flat scan across its threads; on 2 cores shared with the app and the
    encoder, their spin-waits cost more than they bring: 1 thread searched 25,000 vectors in
    1.6 ms median against 11.4 ms with 2, and 250,000 in 43 ms against 96 ms (loaded machine).
    FAISS and torch share one OpenMP runtime here (setting one sets the other, checked), so this
    also caps torch in a process that loaded an index (the app's background rebuild): under load
    that embedded faster (bench_index build 10 s against 31 s); on an idle machine set 2."""
    value = os.environ.get("POLICYQA_FAISS_THREADS", "1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"POLICYQA_FAISS_THREADS must be a whole number >= 1, got {value!r}")
    return int(value)


def embedding_cache_dir(path: Path) -> Path:
    """Where the build of the index at `path` keeps its embedding cache: `<path>-embeddings`."""
    return path.parent / f"{path.name}-embeddings"


# Up to this many rows (vectors) `auto` keeps an exact flat index; above it, SQ8 codes + refinement.
FLAT_MAX_ROWS = 50_000
REFINE_FACTOR = 4   # SQ8 picks k x this many candidates, rescored with the full-precision vectors


def faiss_type(rows: int = 0) -> str:
    """FAISS index factory string (setting POLICYQA_FAISS, default `auto`).

    `auto`: `Flat` (exact) up to FLAT_MAX_ROWS rows (the real notice has ~280), else `SQ8,RFlat`:
    the scan reads 1-byte codes (a quarter of the memory traffic: 20 ms instead of 62 ms median
    for 254,000 vectors on one loaded core) and the top k x REFINE_FACTOR are rescored exactly from
    the stored float vectors, so scores are exact and the top 40 equalled Flat's on 30 of 30
    probes. Any other factory string (`HNSW32`, `IVF1024,Flat`) is used as given."""
    spec = os.environ.get("POLICYQA_FAISS", "auto")
    if spec == "auto":
        return "Flat" if rows <= FLAT_MAX_ROWS else "SQ8,RFlat"
    return spec


def _corpus_bytes(p: Path) -> bytes:
    # An unreadable notice still counts (by its error): ingest reports it, the hash must not crash.
    try:
        return p.read_bytes()
    except OSError as e:
        return f"<unreadable: {e.strerror}>".encode()


def corpus_hash(corpus: Path = CORPUS) -> str:
    """sha256 over every file in the corpus folder (notices and the office table), by name."""
    h = hashlib.sha256()
    for p in sorted(q for q in corpus.iterdir() if q.is_file()):
        h.update(p.name.encode() + b"\0" + _corpus_bytes(p) + b"\0")
    return h.hexdigest()


def corpus_files(corpus: Path = CORPUS) -> dict[str, str]:
    """File name → sha256 of every file in the corpus folder (what `changes` compares)."""
    return {p.name: hashlib.sha256(_corpus_bytes(p)).hexdigest()
            for p in sorted(q for q in corpus.iterdir() if q.is_file())}


@dataclass(frozen=True)
class CorpusChanges:
    """Files added, removed and changed in the corpus since an index was built."""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    known: bool = True   # False: the index predates per-file hashes, so only "something changed"

    @classmethod
    def between(cls, before: dict[str, str] | None, after: dict[str, str]) -> "CorpusChanges":
        if before is None:
            return cls(known=False)
        return cls(tuple(sorted(set(after) - set(before))), tuple(sorted(set(before) - set(after))),
                   tuple(sorted(n for n in set(before) & set(after) if before[n] != after[n])))

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed) or not self.known

    def describe(self, chinese: bool = False) -> str:
        if not self.known:
            return "语料已改动" if chinese else "the corpus changed"
        words = (("新增", "删除", "修改") if chinese else ("added", "removed", "changed"))
        parts = [f"{w} {'、'.join(names) if chinese else ', '.join(names)}"
                 for w, names in zip(words, (self.added, self.removed, self.changed)) if names]
        return ("；" if chinese else "; ").join(parts) or ("无文件改动" if chinese else "no file changed")


@dataclass(frozen=True)
class IndexState:
    """A usable index on disk and, when it lags the corpus, why (`stale`) and which files changed."""
    path: Path
    manifest: dict
    stale: tuple[str, ...] = ()
    changes: CorpusChanges = CorpusChanges()

    @property
    def warning(self) -> str | None:
        """One line for a CLI, or None when the index is up to date."""
        if not self.stale:
            return None
        return (f"warning: answering from the last good index (built {self.manifest.get('built_at')}): "
                f"{'; '.join(self.stale)}; update it with --rebuild or `python -m index build`")


def records_hash(records: list[Record]) -> str:
    return hashlib.sha256("\n".join(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True)
                                     for r in records).encode()).hexdigest()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except PermissionError as e:
        raise IndexUnreadable(path, e) from None
    return h.hexdigest()


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    record: Record

    def to_json(self) -> dict:
        """The `python -m index search --json` line."""
        r = self.record
        return {"rank": self.rank, "score": round(float(self.score), 6), "kind": r.kind,
                "item": r.item, "month": r.month, "task": r.text if r.kind == "schedule" else None,
                "offices": list(r.offices), "text": r.text}


class Embedder:
    """Embeds documents (sentence-transformers, at build) and questions (ONNX Runtime by default).

    `runtime` (else POLICYQA_QUERY_RUNTIME, see `index.onnx_model.QueryRuntime`) decides how
    questions are embedded. With `onnx` (default) the query path imports neither torch nor
    sentence-transformers; `warm_up()` loads the ONNX encoder in a background thread so that its
    ~1 s load overlaps other start-up work. With `onnx-int8` documents are embedded by the same
    int8 graph (their vectors must come from the model the questions use).
    """

    def __init__(self, setting: str | None = None, runtime=None):
        from index.embedder import model_fingerprint, resolve_model_path
        from index.onnx_model import QueryRuntime

        self.path = resolve_model_path(setting)
        self.name = self.path.name
        self.fingerprint = model_fingerprint(self.path)
        self.runtime = QueryRuntime.from_setting(runtime)
        self._model = None
        self._onnx = None
        self._onnx_lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    @property
    def model(self):
        """The sentence-transformers model (imports torch: build and `torch` runtime only)."""
        if self._model is None:
            from index.embedder import load_embedder

            self._model = load_embedder(str(self.path))
        return self._model

    @property
    def vectors_fingerprint(self) -> str:
        """The model fingerprint, marked `-int8` when the int8 graph made the vectors: whatever was
        fitted on the vectors (the bot's not-found calibration) then no longer matches."""
        return f"{self.fingerprint}-int8" if self.int8 else self.fingerprint

    @property
    def uses_onnx(self) -> bool:
        return self.runtime.value != "torch"

    @property
    def int8(self) -> bool:
        return self.runtime.value == "onnx-int8"

    def onnx_folder(self) -> Path:
        """The ONNX export of the model, made once (importing torch) if it is missing."""
        from index.onnx_model import ensure_onnx_model

        return ensure_onnx_model(self.path, self.fingerprint, int8=self.int8)

    @property
    def onnx(self):
        """The ONNX Runtime encoder, loaded once (thread-safe: the app warms it up in a thread)."""
        if self._onnx is None:
            with self._onnx_lock:
                if self._onnx is None:
                    from index.onnx_model import OnnxEncoder

                    self._onnx = OnnxEncoder(self.onnx_folder(), int8=self.int8)
        return self._onnx

    def warm_up(self) -> threading.Thread | None:
        """Start loading the query encoder in a daemon thread; a query waits for it via the lock."""
        if not self.uses_onnx or self._onnx is not None:
            return None
        # Not a daemon: a short process (a BM25-only `index search`) that exits while onnxruntime is
        # still initialising in a daemon thread can abort at interpreter shutdown (SIGABRT, seen once
        # in a fresh-clone test run); a normal thread is waited for, ~1 s at most.
        thread = threading.Thread(target=lambda: self.onnx, name="onnx-warm-up")
        thread.start()
        return thread

    def describe(self) -> dict:
        """The manifest's record of what embedded the documents and what the questions run through."""
        from index.onnx_model import export_fingerprint

        info = {"documents_by": self.runtime.documents_by, "query_runtime": self.runtime.value,
                "onnx_model": None}
        if self.uses_onnx:
            folder = self.onnx_folder()
            info["onnx_model"] = {"folder": folder.name, "int8": self.int8,
                                  "fingerprint": export_fingerprint(folder, self.int8)}
        return info

    def documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if self.int8:  # the int8 graph embeds documents too: both sides from one model
            vecs = self.onnx.encode(texts, "document")
        else:
            vecs = self.model.encode_document(texts, normalize_embeddings=True, batch_size=16,
                                              show_progress_bar=progress, convert_to_numpy=True)
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def clear_cache(self) -> None:
        self._queries.clear()

    def query(self, text: str) -> np.ndarray:
        # One question is embedded once even when several steps (scope check, retrieval) need it.
        vec = self._queries.get(text)
        if vec is None:
            if self.uses_onnx:
                vec = self.onnx.encode([text], "query")
            else:
                vec = self.model.encode_query([text], normalize_embeddings=True, convert_to_numpy=True)
            vec = np.ascontiguousarray(vec, dtype=np.float32)
            if len(self._queries) >= 1024:
                self._queries.clear()
            self._queries[text] = vec
        return vec


class Index:
    """Records + BM25 + FAISS, searchable by `bm25`, `dense` or `hybrid`.

    `records` is a sequence (a list after a build, `RecordRows` reading records.jsonl on demand
    after a load); `kinds` holds each row's kind code, so searches filter without parsing records.
    """

    def __init__(self, path: Path, records: Sequence[Record], bm25: Bm25Matrix, tokenizer: Tokenizer,
                 faiss_index, manifest: dict, embedder: Embedder | None = None,
                 kinds: np.ndarray | None = None):
        kinds = kind_codes(records) if kinds is None else kinds
        if not len(records) == len(kinds) == bm25.n == faiss_index.ntotal:
            raise IndexMismatch([f"row counts differ: {len(records)} records, {len(kinds)} kinds, "
                                 f"{bm25.n} BM25 documents, {faiss_index.ntotal} vectors"], path)
        self.path, self.records, self.tokenizer = path, records, tokenizer
        self.faiss, self.manifest, self.bm25 = faiss_index, manifest, bm25
        self.kinds = kinds
        import faiss

        faiss.omp_set_num_threads(search_threads())   # process-wide: FAISS has no per-call setting
        self._masks: dict[tuple[str, ...] | None, np.ndarray] = {}
        self._embedder = embedder
        self.embedded = None   # after a build: what it embedded (`index.cache.Embedded`)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(self.manifest.get("model_setting"))
        return self._embedder

    # --- search --------------------------------------------------------------------------------

    def _mask(self, kinds: tuple[str, ...] | None) -> np.ndarray:
        """Rows a search may return: of `kinds`, or (None) every kind but sentence children."""
        key = tuple(sorted(kinds)) if kinds else None
        mask = self._masks.get(key)
        if mask is None:
            unknown = sorted(set(key or ()) - set(KINDS))
            if unknown:
                raise ValueError(f"unknown record kind(s) {unknown}; valid kinds: {', '.join(KINDS)}")
            codes = [KINDS.index(k) for k in key] if key else \
                [n for n, k in enumerate(KINDS) if k != "sentence"]
            mask = self._masks[key] = np.isin(self.kinds, np.array(codes, dtype=np.uint8))
        return mask

    def bm25_scores(self, query: str) -> np.ndarray:
        """The BM25 score of every row for `query` (float32, row order)."""
        return self.bm25.scores(self.tokenizer.tokenize(query))

    def rank_bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.bm25_scores(query)
        return [(int(i), float(scores[i])) for i in top_rows(scores, k, scores > 0)]

    def rank_dense(self, query: str, k: int) -> list[tuple[int, float]]:
        # Vectors are L2-normalised, so inner product = cosine similarity.
        ids, scores = self._dense_ranking(query, k)
        return list(zip(ids.tolist(), scores.tolist()))

    def _flat_vectors(self) -> np.ndarray | None:
        return flat_vectors(self.faiss)

    def dense_scores(self, query: str) -> np.ndarray:
        """The similarity of every row to `query` (float32, row order; -inf where an approximate
        FAISS index gives none): for a caller that filters rows its own way before ranking."""
        return self._dense_scores(query)

    def scores_of(self, query: str, rows: list[int]) -> np.ndarray:
        """The similarity of the given rows to `query` (float32; -inf where an approximate FAISS
        index gives none): a few rows without scoring every row, when the vectors are at hand."""
        vectors = self._flat_vectors()
        if vectors is None:
            return self._dense_scores(query)[rows]
        return vectors[np.asarray(rows, dtype=np.int64)] @ self.embedder.query(query)[0]

    def _dense_scores(self, query: str) -> np.ndarray:
        """The similarity of every row (-inf where an approximate FAISS index returns no score)."""
        q = self.embedder.query(query)
        vectors = self._flat_vectors()
        if vectors is not None:
            return vectors @ q[0]
        out = np.full(len(self.records), -np.inf, dtype=np.float32)
        if len(self.records):
            scores, ids = self.faiss.search(q, len(self.records))
            found = ids[0] >= 0
            out[ids[0][found]] = scores[0][found]
        return out

    def _dense_ranking(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and similarities, best first, of the top `k` (all rows when k >= n)."""
        k = min(k, len(self.records))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if k > FULL_RANKING_K and self._flat_vectors() is not None:
            # A long ranking (the bot's evidence pools): FAISS would keep a heap of k entries
            # (~100 ms at 250,000 rows); one product and a partial sort take half that. Same inner
            # products, summed in another order (differences ~1e-7).
            scores = self._dense_scores(query)
            ids = top_rows(scores, k)
            return ids, scores[ids]
        scores, ids = self.faiss.search(self.embedder.query(query), k)
        found = ids[0] >= 0
        return ids[0][found], scores[0][found]

    def search(self, query: str, k: int = 5, mode: SearchMode | str = SearchMode.HYBRID,
               kinds: tuple[str, ...] | None = None, dense_weight: float = 1.0) -> list[Hit]:
        """Top-k records; `kinds` restricts the record kinds, `dense_weight` weighs the dense
        ranking against BM25 (weight 1) in hybrid fusion.

        Without `kinds`, each ranker's top `max(8k, 40)` rows are taken and the sentence children
        among them dropped; with `kinds`, each ranks every row of those kinds. Either way ranks are
        positions among the rows kept, and the work is numpy over row ids (no record is parsed
        but the k returned)."""
        if k <= 0:
            raise ValueError(f"k must be > 0, got {k}")
        mode = SearchMode.from_str(mode) if isinstance(mode, str) else mode
        n = len(self.records)
        pool = n if kinds else max(k * 8, 40)
        mask = self._mask(kinds)

        def lexical() -> tuple[np.ndarray, np.ndarray]:
            scores = self.bm25_scores(query)
            if kinds:
                ids = top_rows(scores, pool, (scores > 0) & mask)
                return ids, scores[ids]
            ids = top_rows(scores, pool, scores > 0)
            keep = mask[ids]
            return ids[keep], scores[ids[keep]]

        def dense() -> tuple[np.ndarray, np.ndarray]:
            if kinds:   # every row of those kinds, ranked: sort only them
                scores = self._dense_scores(query)
                ids = top_rows(scores, pool, mask & np.isfinite(scores))
                return ids, scores[ids]
            ids, scores = self._dense_ranking(query, pool)
            keep = mask[ids]
            return ids[keep], scores[keep]

        if mode is SearchMode.BM25:
            ids, scores = lexical()
        elif mode is SearchMode.DENSE:
            ids, scores = dense()
        else:
            lex, _ = lexical()   # first: jieba loads while the encoder warms up
            ids, fused = rrf_arrays([dense()[0], lex], n, weights=[dense_weight, 1.0], limit=k)
            scores = fused[ids]
        ranked = [(int(i), float(s)) for i, s in zip(ids[:k], scores[:k])]
        return [Hit(rank=r, score=s, record=self.records[i]) for r, (i, s) in enumerate(ranked, 1)]

    # --- persistence ---------------------------------------------------------------------------

    @classmethod
    def build(cls, records: list[Record], path: Path | None = None, offices: OfficeTable | None = None,
              model_setting: str | None = None, corpus: Path = CORPUS, progress: bool = False,
              embedder: Embedder | None = None, cache_dir: Path | None = None) -> "Index":
        """Build the index of `records` (and their sentence children) into `path`, atomically.

        Vectors come from the embedding cache at `cache_dir` (default: `<path>-embeddings` beside
        the index) where it has them: only texts it has not seen are embedded, and they are
        stored there as they are made. `progress` prints each stage, and a bar with an ETA while
        embedding, on stderr."""
        import faiss

        path = Path(path) if path else index_dir()
        say = Progress(progress)
        # Hashed before the slow part: a corpus edited during the build then shows as changed.
        hashed, files_now = corpus_hash(corpus), corpus_files(corpus)
        records = with_children(records)   # sentence-level evidence, each pointing to its item
        offices = offices or OfficeTable.load()
        embedder = embedder or Embedder(model_setting)
        tokenizer = Tokenizer(user_terms(records, offices))
        texts = [index_text(r, offices) for r in records]

        lexical = Bm25Builder()
        for text in say.bar(texts, "tokenising"):
            lexical.add(tokenizer.tokenize(text))
        bm25 = lexical.build()
        say(f"BM25: {len(records):,} documents, {bm25.vocabulary_size:,} terms")
        del lexical

        cache = EmbeddingCache(cache_dir or embedding_cache_dir(path), embedder.vectors_fingerprint)
        embedded = embed_missing(embedder, texts, cache, say)
        del texts
        dimension = cache.dimension or int(embedder.documents(["维度"]).shape[1])  # no records at all
        spec = faiss_type(len(records))
        index = faiss.index_factory(dimension, spec, faiss.METRIC_INNER_PRODUCT)
        if isinstance(index, faiss.IndexRefine):
            index.k_factor = REFINE_FACTOR
        if not index.is_trained:
            say(f"training FAISS {spec} …")
            sample = embedded.keys[:: max(1, len(embedded.keys) // 100_000)]   # k-means / ranges: a sample will do
            index.train(cache.vectors(list(sample)))
        # Added in slices straight from the cache: the vectors are never all in memory twice.
        for start in range(0, len(records), 16384):
            index.add(cache.vectors(list(embedded.keys[start:start + 16384])))

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        say("writing the index …")
        offsets = write_records(records, tmp / "records.jsonl")
        kinds = kind_codes(records)
        np.save(tmp / "records.offsets.npy", offsets, allow_pickle=False)
        np.save(tmp / "kinds.npy", kinds, allow_pickle=False)
        (tmp / "terms.txt").write_text("\n".join(tokenizer.terms) + "\n", encoding="utf-8")
        bm25.save(tmp / "bm25")
        faiss.write_index(index, str(tmp / "dense.faiss"))
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "model": embedder.name, "model_setting": model_setting,
            "model_fingerprint": embedder.vectors_fingerprint, "dimension": dimension,
            "normalized": True, "faiss_index": spec, "corpus_hash": hashed,
            "record_count": len(records), "records_hash": records_hash(records), "tokenizer": TOKENIZER_VERSION,
            "dictionary_hash": tokenizer.dictionary_hash, "bm25": BM25_FORMAT,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **embedder.describe(),
            "files": {name: {"size": (tmp / name).stat().st_size, "sha256": _sha256(tmp / name)}
                      for name in DATA_FILES},
            "corpus_files": files_now,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        old = path.parent / f".{path.name}.old-{os.getpid()}"
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
        cache.prune(set(embedded.keys))
        say(f"done: {len(records):,} records; {embedded.new:,} texts embedded now, "
            f"{embedded.cached:,} records' vectors from the cache")
        built = cls(path, records, bm25, tokenizer, index, manifest, embedder, kinds)
        built.embedded = embedded
        return built


    @staticmethod
    def check(path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None,
              check_model: bool = True, check_corpus: bool = True) -> dict:
        """Validate the index folder against its manifest, the corpus and the model; return the manifest."""
        path = Path(path) if path else index_dir()
        state = Index.inspect(path, corpus, model_setting, check_model, check_corpus)
        if state.stale:
            raise IndexMismatch(list(state.stale), path)
        return state.manifest

    @staticmethod
    def inspect(path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None,
                check_model: bool = True, check_corpus: bool = True) -> IndexState:
        """The index's state: raises `IndexError_` when it cannot be used at all (missing, damaged,
        unreadable, schema / tokenizer / model differ); returns it, with `stale` reasons, when it
        only lags the corpus or the parser (still the last good index)."""
        path = Path(path) if path else index_dir()
        mf = path / "manifest.json"
        if not mf.is_file() and not path.exists():
            # A build that crashed between its two renames left the previous index aside: restore it.
            aside = sorted(path.parent.glob(f".{path.name}.old-*"), key=lambda p: p.stat().st_mtime)
            if aside and (aside[-1] / "manifest.json").is_file():
                os.replace(aside[-1], path)
        if not mf.is_file():
            raise IndexMissing(f"no index at {path}: build it with `python -m index build`")
        manifest = read_manifest(path)
        problems = []
        if manifest["schema_version"] != SCHEMA_VERSION:
            problems.append(f"schema version {manifest['schema_version']} != {SCHEMA_VERSION}")
        if manifest["bm25"] != BM25_FORMAT:
            problems.append(f"BM25 weights were stored as {manifest['bm25']!r}, this code reads {BM25_FORMAT!r}")
        if manifest["tokenizer"] != TOKENIZER_VERSION:
            problems.append(f"BM25 tokens were made by tokenizer {manifest['tokenizer']!r}, "
                            f"this code tokenizes as {TOKENIZER_VERSION!r}")
        for name in DATA_FILES:
            f, want = path / name, manifest["files"][name]
            if not f.is_file():
                problems.append(f"{name} is missing")
            elif f.stat().st_size != want["size"]:
                problems.append(f"{name} is truncated or changed: {f.stat().st_size} bytes, "
                                f"manifest says {want['size']}")
            elif _sha256(f) != want["sha256"]:
                problems.append(f"{name} is corrupted: checksum differs from the manifest")
        if check_model and not problems:
            from index.embedder import model_fingerprint, resolve_model_path

            model_path = resolve_model_path(model_setting)
            recorded = str(manifest["model_fingerprint"])
            if model_fingerprint(model_path) != recorded.removesuffix("-int8") or \
                    (model_setting or None) != manifest["model_setting"]:
                problems.append(f"index was built with model {manifest['model']!r} "
                                f"({manifest['model_setting'] or 'default'}), "
                                f"configured now: {model_path.name!r} ({model_setting or 'default'})")
            else:
                problems += _query_encoder_problems(manifest, model_path)
        if problems:
            raise IndexMismatch(problems, path)
        stale: list[str] = []
        changes = CorpusChanges()
        if check_corpus:
            if manifest["corpus_hash"] != corpus_hash(corpus):
                changes = CorpusChanges.between(manifest.get("corpus_files"), corpus_files(corpus))
                stale.append(f"the corpus in {corpus} changed since the index was built ({changes.describe()})")
            else:
                try:
                    now = records_hash(with_children(corpus_records(corpus)))
                except IngestError as e:
                    now = f"unreadable: {e}"
                if manifest["records_hash"] != now:
                    stale.append("the parser now reads the corpus differently (ingest code changed)")
        return IndexState(path, manifest, tuple(stale), changes)

    @classmethod
    def load(cls, path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None,
             check_corpus: bool = True) -> "Index":
        """`check_corpus=False` for a caller that already checked the records against the corpus
        (the bot at start): a corpus edited since then must not break the running process."""
        import faiss

        path = Path(path) if path else index_dir()
        manifest = cls.check(path, corpus, model_setting, check_corpus=check_corpus)
        # The query encoder (~1 s to load) loads in the background while the rest is read and
        # jieba's dictionary loads on the first BM25 query.
        embedder = Embedder(manifest.get("model_setting"))
        embedder.warm_up()
        n = manifest["record_count"]
        offsets = _read_array(path, "records.offsets.npy", np.int64, (n + 1,))
        kinds = _read_array(path, "kinds.npy", np.uint8, (n,))
        size = (path / "records.jsonl").stat().st_size
        if n and (offsets[0] != 0 or offsets[-1] != size or np.any(np.diff(offsets) <= 0)):
            raise IndexMismatch([f"records.offsets.npy does not describe records.jsonl ({size} bytes)"], path)
        if n and kinds.max() >= len(KINDS):
            raise IndexMismatch([f"kinds.npy holds kind code {int(kinds.max())}; codes go up to {len(KINDS) - 1}"], path)
        records = RecordRows(path / "records.jsonl", offsets)
        terms = _read_text(path / "terms.txt").split("\n")
        tokenizer = Tokenizer([t for t in terms if t])
        if tokenizer.dictionary_hash != manifest["dictionary_hash"]:
            raise IndexMismatch(["terms.txt does not match the manifest's dictionary hash"], path)
        try:
            bm25 = Bm25Matrix.load(path / "bm25", n)
        except (ValueError, KeyError) as e:
            raise IndexMismatch([f"bm25/ cannot be read ({e})"], path) from None
        try:
            dense = faiss.read_index(str(path / "dense.faiss"))
        except RuntimeError as e:   # faiss raises RuntimeError for a file it cannot parse
            raise IndexMismatch([f"dense.faiss cannot be read by FAISS ({str(e).splitlines()[0]})"], path) from None
        return cls(path, records, bm25, tokenizer, dense, manifest, embedder, kinds)


def flat_vectors(index) -> np.ndarray | None:
    """The full-precision vectors of a FAISS index (a flat index, or the refinement stage of
    `…,RFlat`) as a numpy view (no copy), row i = record i; None for other FAISS types."""
    import faiss

    if isinstance(index, faiss.IndexRefine):
        index = faiss.downcast_index(index.refine_index)
    if not isinstance(index, faiss.IndexFlat) or not index.ntotal:
        return None
    n, d = index.ntotal, index.d
    return faiss.rev_swig_ptr(index.get_xb(), n * d).reshape(n, d)


def stored_vectors(path: Path) -> np.ndarray | None:
    """The documents' vectors of the index at `path`, memory-mapped, without loading the index or
    the model (what comparing two records needs); None when its FAISS type keeps no flat copy or
    the file cannot be read (the caller then does without)."""
    import faiss

    try:
        index = faiss.read_index(str(Path(path) / "dense.faiss"), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError as e:  # a damaged file: the index load reports it with the fix
        print(f"warning: {Path(path) / 'dense.faiss'} cannot be read ({str(e).splitlines()[0]})", file=sys.stderr)
        return None
    vectors = flat_vectors(index)
    return None if vectors is None else _Kept(vectors, index)


class _Kept(np.ndarray):
    """A view that keeps the FAISS index owning its memory alive."""

    def __new__(cls, array: np.ndarray, owner):
        out = array.view(cls)
        out._owner = owner
        return out

    def __array_finalize__(self, obj):
        self._owner = getattr(obj, "_owner", None)


def _read_array(path: Path, name: str, dtype, shape: tuple[int, ...]) -> np.ndarray:
    """A .npy file of the index, checked against the type and shape the manifest implies."""
    try:
        array = np.load(path / name, allow_pickle=False)
    except PermissionError as e:
        raise IndexUnreadable(path / name, e) from None
    except (OSError, ValueError) as e:
        raise IndexMismatch([f"{name} cannot be read ({e})"], path) from None
    if array.dtype != dtype or array.shape != shape:
        raise IndexMismatch([f"{name} holds {array.dtype} {array.shape}, expected {np.dtype(dtype)} {shape}"],
                            path)
    return array


def read_records(path: Path) -> list[Record]:
    """records.jsonl of the index at `path`; a line that is not a record makes the index unusable."""
    out = []
    for n, line in enumerate(_read_text(path / "records.jsonl").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if not isinstance(d, dict):
                raise TypeError(f"a record is a JSON object, got {type(d).__name__}")
            out.append(Record.from_dict(d))
        except (ValueError, TypeError, KeyError) as e:
            raise IndexMismatch([f"records.jsonl line {n} is not a record ({e})"], path) from None
    return out


def _query_encoder_problems(manifest: dict, model_path: Path) -> list[str]:
    """Can questions be embedded the configured way (POLICYQA_QUERY_RUNTIME) against this index?

    The documents must come from the model the questions use: sentence-transformers documents
    serve `onnx` and `torch` questions alike (cosine >= 0.9999 between them), int8 documents only
    int8 questions. An ONNX export that differs from the one the index recorded means the model
    or the exporter changed, which matters only for int8. A missing or re-made export is no problem
    for fp32 (it is made again on first use); for int8 the documents came from it, so the index is
    rebuilt.
    """
    from index.onnx_model import RUNTIME_ENV, QueryRuntime, export_fingerprint, is_complete, onnx_dir

    try:
        runtime = QueryRuntime.from_setting()
    except ValueError as e:
        return [str(e)]
    built_by = manifest.get("documents_by")
    if built_by != runtime.documents_by:
        return [f"documents were embedded by {built_by!r}; {RUNTIME_ENV}={runtime.value} needs documents "
                f"embedded by {runtime.documents_by!r} (or set {RUNTIME_ENV} back to "
                f"{manifest.get('query_runtime')!r})"]
    if runtime is QueryRuntime.TORCH:
        return []
    recorded = manifest.get("onnx_model") or {}
    folder = onnx_dir(model_path, str(manifest["model_fingerprint"]).removesuffix("-int8"))
    int8 = runtime is QueryRuntime.ONNX_INT8
    if not is_complete(folder, int8):
        return [f"the int8 ONNX model that embedded the documents is gone from {folder}"] if int8 else []
    if recorded.get("int8") != int8 or (int8 and export_fingerprint(folder, int8) != recorded.get("fingerprint")):
        return [f"the ONNX query model in {folder} is not the one the index was built with "
                f"(fingerprint {export_fingerprint(folder, int8)}, manifest {recorded.get('fingerprint')})"]
    # fp32: the documents came from sentence-transformers, and any export of the same source model
    # was checked against it when made (cosine >= 0.9999); a re-made export (torch.onnx is not
    # byte-deterministic, e.g. on a fresh machine where two processes export) is no reason to rebuild.
    return []


def corpus_records(corpus: Path = CORPUS, offices: OfficeTable | None = None) -> list[Record]:
    docs, errors = load_corpus([corpus], offices or OfficeTable.for_corpus(corpus))
    for e in errors:
        print(f"warning: skipped {e}", file=sys.stderr)
    return [r for d in docs for r in d.records()]


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """One build at a time for the index at `path`, across processes (flock on a file beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def rebuild(path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None,
            progress: bool = False, force: bool = True) -> Index:
    """Build the index from the corpus under the build lock. Without `force`, an index another
    process brought up to date while this one waited for the lock is loaded instead.

    Raises `ingest.NoDocumentsError` (no readable notice) or another `IngestError`; the index on
    disk is then untouched."""
    path = Path(path) if path else index_dir()
    with build_lock(path):
        if not force:
            try:
                return Index.load(path, corpus, model_setting)
            except IndexError_:
                pass
        offices = OfficeTable.for_corpus(corpus)
        return Index.build(corpus_records(corpus, offices), path, offices, model_setting, corpus, progress)


def last_good(path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None) -> IndexState | None:
    """The usable index at `path` (up to date, or stale with the reason), or None when there is
    none (missing, damaged, unreadable, built with another model): the reason is printed."""
    try:
        return Index.inspect(path, corpus, model_setting)
    except IndexError_ as e:
        print(f"{e}", file=sys.stderr)
        return None


def ensure_index(path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None,
                 progress: bool = True) -> Index:
    """Load the index, or (re)build it when missing or out of date (waits for the build)."""
    try:
        return Index.load(path, corpus, model_setting)
    except IndexError_ as e:
        print(f"{e}\nbuilding the index now …", file=sys.stderr)
    return rebuild(path, corpus, model_setting, progress, force=False)
