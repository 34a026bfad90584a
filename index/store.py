"""The persisted search index: plain files plus a checked manifest. No pickle anywhere.

Folder layout (positional contract: row i of records.jsonl = FAISS vector i = BM25 document i):
  manifest.json   schema version, model + fingerprint, dimension, FAISS type, corpus hash,
                  record count, tokenizer dictionary hash, size + sha256 of every other file,
                  what embedded the documents and the ONNX query model's fingerprint
  records.jsonl   the ingest records, one per line
  tokens.jsonl    BM25 tokens per record (BM25 statistics are recomputed from them on load)
  terms.txt       the jieba user dictionary the tokens were made with
  dense.faiss     the FAISS index (faiss.write_index)

Built in a temporary sibling folder and renamed into place, so a crash mid-build leaves the old
index usable (the old folder is renamed aside first; if a crash falls between the two renames, the
next load restores it). On load, every file is checked against the manifest and the corpus against its hash.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest import CORPUS, load_corpus
from ingest.offices import OfficeTable
from ingest.records import Record, read_jsonl, write_jsonl
from index.children import with_children
from index.rank import Bm25, SearchMode, rrf
from index.text import TOKENIZER_VERSION, Tokenizer, index_text, user_terms

SCHEMA_VERSION = 3  # 2: sentence children indexed beside their items; 3: query encoder recorded
DEFAULT_INDEX = Path(__file__).resolve().parent.parent / "var" / "index"
DATA_FILES = ("records.jsonl", "tokens.jsonl", "terms.txt", "dense.faiss")


class IndexError_(Exception):
    """Base class; named with a trailing underscore so it does not shadow the builtin."""


class IndexMissing(IndexError_):
    pass


class IndexMismatch(IndexError_):
    """The index on disk does not match the corpus, the model or its own manifest."""

    def __init__(self, problems: list[str], path: Path):
        self.problems = problems
        super().__init__(f"index at {path} is out of date or damaged:\n  - " + "\n  - ".join(problems)
                         + "\nrebuild it: python -m index build")


def index_dir() -> Path:
    return Path(os.environ.get("POLICYQA_INDEX", DEFAULT_INDEX)).expanduser()


def faiss_type() -> str:
    """FAISS index factory string (setting POLICYQA_FAISS): Flat is exact; HNSW32 / IVF… for big corpora."""
    return os.environ.get("POLICYQA_FAISS", "Flat")


def corpus_hash(corpus: Path = CORPUS) -> str:
    """sha256 over every file in the corpus folder (notices and the office table), by name."""
    h = hashlib.sha256()
    for p in sorted(q for q in corpus.iterdir() if q.is_file()):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def records_hash(records: list[Record]) -> str:
    return hashlib.sha256("\n".join(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True)
                                     for r in records).encode()).hexdigest()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
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
        thread = threading.Thread(target=lambda: self.onnx, name="onnx-warm-up", daemon=True)
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
    """Records + BM25 + FAISS, searchable by `bm25`, `dense` or `hybrid`."""

    def __init__(self, path: Path, records: list[Record], tokens: list[list[str]],
                 tokenizer: Tokenizer, faiss_index, manifest: dict, embedder: Embedder | None = None):
        if not len(records) == len(tokens) == faiss_index.ntotal:
            raise IndexMismatch([f"row counts differ: {len(records)} records, {len(tokens)} token "
                                 f"rows, {faiss_index.ntotal} vectors"], path)
        self.path, self.records, self.tokenizer = path, records, tokenizer
        self.faiss, self.manifest = faiss_index, manifest
        self.bm25 = Bm25(tokens)
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(self.manifest.get("model_setting"))
        return self._embedder

    # --- search --------------------------------------------------------------------------------

    def rank_bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.bm25.scores(self.tokenizer.tokenize(query))
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]

    def rank_dense(self, query: str, k: int) -> list[tuple[int, float]]:
        # Vectors are L2-normalised, so inner product = cosine similarity.
        scores, ids = self.faiss.search(self.embedder.query(query), min(k, len(self.records)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search(self, query: str, k: int = 5, mode: SearchMode | str = SearchMode.HYBRID,
               kinds: tuple[str, ...] | None = None, dense_weight: float = 1.0) -> list[Hit]:
        """Top-k records; `kinds` restricts the record kinds, `dense_weight` weighs the dense
        ranking against BM25 (weight 1) in hybrid fusion."""
        if k <= 0:
            raise ValueError(f"k must be > 0, got {k}")
        mode = SearchMode.from_str(mode) if isinstance(mode, str) else mode
        pool = len(self.records) if kinds else max(k * 4, 20)

        def keep(ranking: list[tuple[int, float]]) -> list[tuple[int, float]]:
            # Restrict before fusing, so ranks are positions among the wanted kinds.
            return [(i, s) for i, s in ranking if not kinds or self.records[i].kind in kinds]

        if mode is SearchMode.BM25:
            ranked = keep(self.rank_bm25(query, pool))
        elif mode is SearchMode.DENSE:
            ranked = keep(self.rank_dense(query, pool))
        else:
            lexical = keep(self.rank_bm25(query, pool))  # first: jieba loads while the encoder warms up
            dense = keep(self.rank_dense(query, pool))
            ranked = rrf([[i for i, _ in dense], [i for i, _ in lexical]], weights=[dense_weight, 1.0])
        return [Hit(rank=n, score=s, record=self.records[i]) for n, (i, s) in enumerate(ranked[:k], 1)]

    # --- persistence ---------------------------------------------------------------------------

    @classmethod
    def build(cls, records: list[Record], path: Path | None = None, offices: OfficeTable | None = None,
              model_setting: str | None = None, corpus: Path = CORPUS, progress: bool = False,
              embedder: Embedder | None = None) -> "Index":
        import faiss

        path = Path(path) if path else index_dir()
        records = with_children(records)   # sentence-level evidence, each pointing to its item
        offices = offices or OfficeTable.load()
        embedder = embedder or Embedder(model_setting)
        tokenizer = Tokenizer(user_terms(records, offices))
        texts = [index_text(r, offices) for r in records]
        tokens = [tokenizer.tokenize(t) for t in texts]
        vectors = embedder.documents(texts, progress=progress)
        spec = faiss_type()
        index = faiss.index_factory(vectors.shape[1], spec, faiss.METRIC_INNER_PRODUCT)
        if not index.is_trained:
            index.train(vectors)
        index.add(vectors)

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        write_jsonl(records, tmp / "records.jsonl")
        with open(tmp / "tokens.jsonl", "w", encoding="utf-8") as f:
            for t in tokens:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")
        (tmp / "terms.txt").write_text("\n".join(tokenizer.terms) + "\n", encoding="utf-8")
        faiss.write_index(index, str(tmp / "dense.faiss"))
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "model": embedder.name, "model_setting": model_setting,
            "model_fingerprint": embedder.vectors_fingerprint, "dimension": int(vectors.shape[1]),
            "normalized": True, "faiss_index": spec, "corpus_hash": corpus_hash(corpus),
            "record_count": len(records), "records_hash": records_hash(records), "tokenizer": TOKENIZER_VERSION,
            "dictionary_hash": tokenizer.dictionary_hash, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **embedder.describe(),
            "files": {name: {"size": (tmp / name).stat().st_size, "sha256": _sha256(tmp / name)}
                      for name in DATA_FILES},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        old = path.parent / f".{path.name}.old-{os.getpid()}"
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
        return cls(path, records, tokens, tokenizer, index, manifest, embedder)

    @staticmethod
    def check(path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None,
              check_model: bool = True, check_corpus: bool = True) -> dict:
        """Validate the index folder against its manifest, the corpus and the model; return the manifest."""
        path = Path(path) if path else index_dir()
        mf = path / "manifest.json"
        if not mf.is_file() and not path.exists():
            # A build that crashed between its two renames left the previous index aside: restore it.
            aside = sorted(path.parent.glob(f".{path.name}.old-*"), key=lambda p: p.stat().st_mtime)
            if aside and (aside[-1] / "manifest.json").is_file():
                os.replace(aside[-1], path)
        if not mf.is_file():
            raise IndexMissing(f"no index at {path}: build it with `python -m index build`")
        try:
            manifest = json.loads(mf.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise IndexMismatch([f"manifest.json is not valid JSON ({e})"], path) from e
        problems = []
        if manifest.get("schema_version") != SCHEMA_VERSION:
            problems.append(f"schema version {manifest.get('schema_version')} != {SCHEMA_VERSION}")
        if manifest.get("tokenizer") != TOKENIZER_VERSION:
            problems.append(f"BM25 tokens were made by tokenizer {manifest.get('tokenizer')!r}, "
                            f"this code tokenizes as {TOKENIZER_VERSION!r}")
        for name in DATA_FILES:
            f, want = path / name, manifest.get("files", {}).get(name)
            if want is None or not f.is_file():
                problems.append(f"{name} is missing")
            elif f.stat().st_size != want["size"]:
                problems.append(f"{name} is truncated or changed: {f.stat().st_size} bytes, "
                                f"manifest says {want['size']}")
            elif _sha256(f) != want["sha256"]:
                problems.append(f"{name} is corrupted: checksum differs from the manifest")
        if not check_corpus:
            pass
        elif manifest.get("corpus_hash") != corpus_hash(corpus):
            problems.append(f"the corpus in {corpus} changed since the index was built")
        elif manifest.get("records_hash") != records_hash(with_children(corpus_records(corpus))):
            problems.append("the parser now reads the corpus differently (ingest code changed)")
        if check_model and not problems:
            from index.embedder import model_fingerprint, resolve_model_path

            model_path = resolve_model_path(model_setting)
            recorded = str(manifest.get("model_fingerprint"))
            if model_fingerprint(model_path) != recorded.removesuffix("-int8") or \
                    (model_setting or None) != manifest.get("model_setting"):
                problems.append(f"index was built with model {manifest.get('model')!r} "
                                f"({manifest.get('model_setting') or 'default'}), "
                                f"configured now: {model_path.name!r} ({model_setting or 'default'})")
            else:
                problems += _query_encoder_problems(manifest, model_path)
        if problems:
            raise IndexMismatch(problems, path)
        return manifest

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
        records = read_jsonl(path / "records.jsonl")
        with open(path / "tokens.jsonl", encoding="utf-8") as f:
            tokens = [json.loads(line) for line in f]
        terms = (path / "terms.txt").read_text(encoding="utf-8").split("\n")
        tokenizer = Tokenizer([t for t in terms if t])
        if tokenizer.dictionary_hash != manifest["dictionary_hash"]:
            raise IndexMismatch(["terms.txt does not match the manifest's dictionary hash"], path)
        return cls(path, records, tokens, tokenizer, faiss.read_index(str(path / "dense.faiss")), manifest,
                   embedder)


def _query_encoder_problems(manifest: dict, model_path: Path) -> list[str]:
    """Can questions be embedded the configured way (POLICYQA_QUERY_RUNTIME) against this index?

    The documents must come from the model the questions use: sentence-transformers documents
    serve `onnx` and `torch` questions alike (cosine >= 0.9999 between them), int8 documents only
    int8 questions. An ONNX export that differs from the one the index recorded means the model
    or the exporter changed. A missing export is no problem for fp32 (it is made again on first
    use); for int8 the documents came from it, so the index is rebuilt.
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
    if recorded.get("int8") != int8 or export_fingerprint(folder, int8) != recorded.get("fingerprint"):
        return [f"the ONNX query model in {folder} is not the one the index was built with "
                f"(fingerprint {export_fingerprint(folder, int8)}, manifest {recorded.get('fingerprint')})"]
    return []


def corpus_records(corpus: Path = CORPUS, offices: OfficeTable | None = None) -> list[Record]:
    docs, errors = load_corpus([corpus], offices or OfficeTable.for_corpus(corpus))
    for e in errors:
        print(f"warning: skipped {e}", file=sys.stderr)
    return [r for d in docs for r in d.records()]


def ensure_index(path: Path | None = None, corpus: Path = CORPUS, model_setting: str | None = None,
                 progress: bool = True) -> Index:
    """Load the index, or (re)build it when missing or out of date. What the app and bot use."""
    try:
        return Index.load(path, corpus, model_setting)
    except IndexError_ as e:
        print(f"{e}\nbuilding the index now …", file=sys.stderr)
    offices = OfficeTable.for_corpus(corpus)
    return Index.build(corpus_records(corpus, offices), path, offices, model_setting, corpus, progress)


