"""Questions embedded by ONNX Runtime: the one-time export of the embedding model, and the encoder.

Why
---
A retrieval answer costs one query embedding. Through sentence-transformers on torch that is
~14-20 ms warm, and a fresh process first spends ~6 s importing sentence-transformers and ~2.6 s
loading the model. ONNX Runtime + the `tokenizers` tokenizer do the same query in a few ms and
import in ~0.13 s, so the query path (the bot, the app, `python -m index search`) uses this module
and never imports torch or sentence-transformers. The index build keeps sentence-transformers for
passages: for padded batches torch is as fast or faster.

What is exported, and where
---------------------------
The sentence-transformers folder (see `index.embedder`) is exported once with `torch.onnx` into
`$POLICYQA_CACHE/onnx/<model folder name>-<model fingerprint>/` (beside the converted model in the
cache; keyed by the model's fingerprint, so a changed model gets a new export):

  encoder.onnx         the transformer from `inputs_embeds` + `attention_mask` to `last_hidden_state`
                       (opset 17, dynamic batch and sequence axes), fp32. Traced with the eager
                       attention (not torch's SDPA, whose exported mask arithmetic no fusion
                       recognises) and fused by ONNX Runtime's transformer optimizer into its
                       Attention, SkipLayerNormalization and BiasGelu ops: a third of the nodes, and
                       ~10% less time per question here (median of 400 interleaved queries,
                       11.1 vs 12.3 ms). The fused graph is kept only if it matches the plain one
  word_embeddings.npy  the word-embedding matrix (250k x 384 for e5-small). It is kept out of the
                       graph and memory-mapped: a query reads ~20 rows of it, and an ONNX session
                       over a graph without it starts in ~0.5 s instead of ~2 s
  tokenizer.json       the tokenizer sentence-transformers itself uses (its backend tokenizer)
  tokenizer.common.*   the same unigram tokenizer keeping only the 100k of its 250k pieces made of
                       ASCII, CJK and common punctuation (+ an id map to the full vocabulary).
                       `tokenizers` holds the GIL for the whole load: 0.66 s instead of 2.9 s here.
                       Exact for any text whose normalised characters are all in that set (a piece
                       with another character cannot match such a text, and the lowest piece score,
                       which prices unknown characters, is kept); other texts use the full one,
                       loaded when first needed
  tokenizer.cjk.*      the same again without the Latin letters other than the prompts' (~21k
                       pieces; loads in about a fifth of the time): what loads at start, exact for
                       a question in Chinese; a question with other letters loads the common one
  encoder.int8.onnx    only when int8 is asked for: `quantize_dynamic` of encoder.onnx
  policyqa_onnx.json   written last: exporter version, source fingerprint, prompts, pooling,
                       normalisation, max sequence length, dimension

Everything sentence-transformers does around the network is repeated here, exactly: the prompt
is prepended to the text ("query: " for e5), the text is tokenised with truncation to the model's
max_seq_length, token vectors are mean-pooled over the attention mask (or the first token is taken
for CLS pooling), then L2-normalised. The export is checked against the torch model on sample
texts before it is installed (cosine >= 0.9999), so a bad export never reaches the query path.

Known limits: only models made of Transformer -> Pooling (mean or cls, prompt included) ->
optional Normalize can be exported; others are refused with the fix (POLICYQA_QUERY_RUNTIME=torch).
"""
from __future__ import annotations

import enum
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy as np

#: Bump when the export's output changes; older exports are then redone.
#: 2: eager attention, fused by ONNX Runtime's transformer optimizer (~10% faster per question).
EXPORTER_VERSION = 2
#: ONNX opset of the exported graph.
OPSET = 17
#: Environment variable choosing how questions are embedded (see QueryRuntime).
RUNTIME_ENV = "POLICYQA_QUERY_RUNTIME"
MARKER_FILENAME = "policyqa_onnx.json"
ENCODER_FILE = "encoder.onnx"
ENCODER_INT8_FILE = "encoder.int8.onnx"
EMBEDDINGS_FILE = "word_embeddings.npy"
TOKENIZER_FILE = "tokenizer.json"
COMMON_TOKENIZER_FILE = "tokenizer.common.json"
COMMON_MAP_FILE = "tokenizer.common.npz"
CJK_TOKENIZER_FILE = "tokenizer.cjk.json"
CJK_MAP_FILE = "tokenizer.cjk.npz"
#: Characters the trimmed ("common") tokenizer covers, after normalisation: ASCII, general and
#: CJK punctuation, arrows and maths signs, circled numbers, box and geometric shapes, the
#: SentencePiece metaspace, CJK ideographs, full-width forms.
COMMON_CHARS = ("\u0020-\u007e\u00b7\u00d7\u2000-\u206f\u2190-\u22ff\u2460-\u24ff\u2500-\u25ff"
                "\u2581\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef")
#: The smaller trimmed ("cjk") tokenizer: the common characters without Latin letters, but with
#: the letters of the model's prompts ("query: "), ~21k pieces. It loads in a fifth of the common
#: one's time and is exact for any question written in Chinese; one with other Latin letters
#: loads the common tokenizer then.
CJK_CHARS = COMMON_CHARS.replace("\u0020-\u007e", "\u0020-\u0040\u005b-\u0060\u007b-\u007e")


def cjk_chars(prompts: dict) -> str:
    letters = sorted({ch for p in prompts.values() for ch in p if ch.isascii() and ch.isalpha()})
    return CJK_CHARS + "".join(letters)


#: The export must match the torch model at least this well on its sample texts.
MIN_EXPORT_COSINE = 0.9999
_SAMPLE_TEXTS = (
    "穷人家的孩子上学有补助吗",
    "普惠性幼儿园覆盖率稳定在95%左右，公办园在园幼儿占比达到55%。",
    "What is due in June from 基教处?",
    "  ＡＢＣ全角字符  and   multiple\tspaces ",
)


class OnnxModelError(RuntimeError):
    """The ONNX export of the embedding model is missing, refused or failed its check."""


class QueryRuntime(enum.Enum):
    """How questions are embedded (setting POLICYQA_QUERY_RUNTIME).

    ONNX (default): ONNX Runtime, fp32; documents stay embedded by sentence-transformers (the
    two agree at cosine >= 0.9999). ONNX_INT8: ONNX Runtime on the dynamically quantised graph,
    faster but only ~0.99 cosine to fp32, so documents are then embedded by the same int8 graph
    (the index records which). TORCH: sentence-transformers for questions too (the old path).
    """

    ONNX = "onnx"
    ONNX_INT8 = "onnx-int8"
    TORCH = "torch"

    @classmethod
    def from_str(cls, value: str) -> "QueryRuntime":
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ValueError(f"{RUNTIME_ENV} must be one of {valid}; got {value!r}") from None

    @classmethod
    def from_setting(cls, value: "QueryRuntime | str | None" = None) -> "QueryRuntime":
        """`value`, else $POLICYQA_QUERY_RUNTIME, else ONNX."""
        if isinstance(value, QueryRuntime):
            return value
        if value is None:
            value = os.environ.get(RUNTIME_ENV, "").strip() or cls.ONNX.value
        return cls.from_str(value)

    @property
    def documents_by(self) -> str:
        """What must have embedded the index's documents for questions embedded this way."""
        return "onnx-int8" if self is QueryRuntime.ONNX_INT8 else "sentence-transformers"


def onnx_dir(model_path: Path, fingerprint: str, cache_dir: Path | None = None) -> Path:
    """Where the export of the model folder `model_path` (with that fingerprint) lives."""
    from index.embedder import default_cache_dir

    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return root / "onnx" / f"{Path(model_path).name}-{fingerprint}"


def read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(folder) / MARKER_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_complete(folder: Path, int8: bool = False) -> bool:
    marker = read_marker(folder)
    if marker is None or marker.get("exporter_version") != EXPORTER_VERSION:
        return False
    files = [ENCODER_FILE, EMBEDDINGS_FILE, TOKENIZER_FILE] + ([ENCODER_INT8_FILE] if int8 else [])
    return all((Path(folder) / f).is_file() for f in files)


def export_fingerprint(folder: Path, int8: bool = False) -> str:
    """16 hex chars identifying the graph a query runs through (fp32 or int8) and its inputs."""
    from index.embedder import files_fingerprint

    graph = ENCODER_INT8_FILE if int8 else ENCODER_FILE
    return files_fingerprint(Path(folder), [MARKER_FILENAME, graph, EMBEDDINGS_FILE, TOKENIZER_FILE])


def ensure_onnx_model(model_path: Path, fingerprint: str | None = None, int8: bool = False,
                      cache_dir: Path | None = None) -> Path:
    """Return the export of `model_path`, exporting it once (and quantising it once if `int8`).

    A finished export is found by its marker and returned at once (no torch import). Otherwise
    torch + sentence-transformers are imported, the model is exported into a temporary sibling
    folder, checked against torch, and renamed into place (~20 s, once).
    """
    from index.embedder import model_fingerprint

    model_path = Path(model_path)
    fingerprint = fingerprint or model_fingerprint(model_path)
    target = onnx_dir(model_path, fingerprint, cache_dir)
    if not is_complete(target):
        print(f"exporting the embedding model {model_path} to ONNX at {target} (once, ~20 s)",
              file=sys.stderr, flush=True)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OnnxModelError(f"cannot create {target.parent} ({exc}). Fix: set POLICYQA_CACHE to a "
                                 "writable folder (it defaults to ~/.cache/policyqa).") from exc
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the export is a cache like the model folder
        try:
            _export(model_path, fingerprint, tmp)
            _install(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    _write_trimmed_tokenizers(target)
    if int8 and not (target / ENCODER_INT8_FILE).is_file():
        _quantize(target)
    return target


def _write_trimmed_tokenizers(folder: Path, prompts: dict | None = None) -> None:
    """Each trimmed tokenizer (see the module docstring) the folder does not hold yet; `prompts`
    default to the export's marker."""
    if not (folder / COMMON_MAP_FILE).is_file():
        _write_trimmed_tokenizer(folder, COMMON_TOKENIZER_FILE, COMMON_MAP_FILE, COMMON_CHARS)
    if not (folder / CJK_MAP_FILE).is_file():
        prompts = read_marker(folder)["prompts"] if prompts is None else prompts
        _write_trimmed_tokenizer(folder, CJK_TOKENIZER_FILE, CJK_MAP_FILE, cjk_chars(prompts))


def _write_trimmed_tokenizer(folder: Path, name: str, map_name: str, chars: str) -> None:
    """Write a trimmed tokenizer, `name` + its id map `map_name`, keeping the pieces made of `chars`
    (see the module docstring); unigram models only."""
    import numpy as np

    spec = json.loads((folder / TOKENIZER_FILE).read_text(encoding="utf-8"))
    model, post = spec.get("model") or {}, spec.get("post_processor") or {}
    if model.get("type") != "Unigram" or post.get("type") != "TemplateProcessing":
        return  # e.g. WordPiece (bge): loads fast enough, and its ids need no trimming
    vocab = model["vocab"]
    common = re.compile(f"[{chars}]+")
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    keep = sorted({t["id"] for t in spec.get("added_tokens", [])} | {lowest, model["unk_id"]}
                  | {i for i, (piece, _) in enumerate(vocab) if common.fullmatch(piece)})
    new_id = {old: new for new, old in enumerate(keep)}
    model["vocab"] = [vocab[i] for i in keep]
    model["unk_id"] = new_id[model["unk_id"]]
    for token in spec.get("added_tokens", []):
        token["id"] = new_id[token["id"]]
    for special in post["special_tokens"].values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    tmp = folder / f".{name}.tmp-{os.getpid()}"
    tmp_map = folder / f".{map_name}.tmp-{os.getpid()}.npz"
    try:
        tmp.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        np.savez(tmp_map, ids=np.array(keep, dtype=np.int64), chars=np.array(chars))
        os.replace(tmp, folder / name)
        os.replace(tmp_map, folder / map_name)  # last: its presence means both are there
    finally:
        tmp.unlink(missing_ok=True)
        tmp_map.unlink(missing_ok=True)


def _install(built: Path, target: Path) -> None:
    """Rename the finished export into place; a complete export another process made wins."""
    try:
        os.replace(built, target)
        return
    except OSError:
        if not target.exists():
            raise
    if is_complete(target):
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.replace(target, trash / "export")
    try:
        os.replace(built, target)
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def _quantize(folder: Path) -> None:
    """Write encoder.int8.onnx next to encoder.onnx (dynamic int8 quantisation of the MatMuls)."""
    import onnx
    from onnxruntime.quantization import quantize_dynamic

    print(f"quantising {folder / ENCODER_FILE} to int8 (once)", file=sys.stderr, flush=True)
    tmp = folder / f".{ENCODER_INT8_FILE}.tmp-{os.getpid()}"
    try:
        # The fused ops (com.microsoft domain) have no inferred output types; they are float32.
        quantize_dynamic(str(folder / ENCODER_FILE), str(tmp),
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        os.replace(tmp, folder / ENCODER_INT8_FILE)
    finally:
        tmp.unlink(missing_ok=True)


def _st_layout(st_model) -> dict[str, Any]:
    """Prompts, pooling and normalisation of a loaded SentenceTransformer; refuse what we cannot copy."""
    names = [type(m).__name__ for m in st_model]
    fix = f"Fix: set {RUNTIME_ENV}=torch to embed questions with sentence-transformers."
    if len(names) not in (2, 3) or names[0] != "Transformer" or names[1] != "Pooling" or \
            (len(names) == 3 and names[2] != "Normalize"):
        raise OnnxModelError(f"cannot export a model made of {names} to ONNX: only Transformer -> "
                             f"Pooling -> (Normalize) is supported. {fix}")
    pooling = st_model[1]
    mode = pooling.get_config_dict().get("pooling_mode")
    if mode not in ("mean", "cls"):
        raise OnnxModelError(f"cannot reproduce pooling mode {mode!r} outside torch (mean and cls are "
                             f"supported). {fix}")
    prompts = {k: v for k, v in (st_model.prompts or {}).items() if v}
    if prompts and not getattr(pooling, "include_prompt", True):
        raise OnnxModelError(f"pooling excludes the prompt tokens (include_prompt=false), which the "
                             f"ONNX encoder does not reproduce. {fix}")
    if st_model.default_prompt_name:
        raise OnnxModelError(f"the model has a default prompt {st_model.default_prompt_name!r}, which "
                             f"the ONNX encoder does not reproduce. {fix}")
    return {"prompts": prompts, "pooling": mode, "normalize": len(names) == 3,
            "max_seq_length": int(st_model.max_seq_length),
            "dimension": int(st_model.get_embedding_dimension())}


def _export(model_path: Path, fingerprint: str, out: Path) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import warnings

    import numpy as np
    import torch

    from index.embedder import load_embedder

    st_model = load_embedder(str(model_path))
    layout = _st_layout(st_model)
    bert = st_model[0].auto_model.eval()
    if hasattr(bert, "set_attn_implementation"):
        bert.set_attn_implementation("eager")  # a graph the optimizer can fuse (see the docstring)
    tokenizer = st_model[0].tokenizer.backend_tokenizer

    class Encoder(torch.nn.Module):
        # Keywords, not positions: BertModel's positional arguments changed in transformers 5.
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, inputs_embeds, attention_mask):
            return self.model(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    words = bert.get_input_embeddings().weight.detach().float().numpy()
    np.save(out / EMBEDDINGS_FILE, np.ascontiguousarray(words, dtype=np.float32))
    tokenizer.save(str(out / TOKENIZER_FILE))
    _write_trimmed_tokenizers(out, layout["prompts"])
    # Traced on a padded batch of two, so the attention-mask path is in the graph.
    long, short = (e.ids for e in tokenizer.encode_batch(["query: 穷人家的孩子上学有补助吗", "query: 补助"]))
    ids = np.zeros((2, len(long)), dtype=np.int64)
    ids[0], ids[1, :len(short)] = long, short
    mask = torch.tensor([[1] * len(long), [1] * len(short) + [0] * (len(long) - len(short))])
    axes = {0: "batch", 1: "sequence"}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer / legacy-exporter notices, not problems here
        torch.onnx.export(Encoder(bert), (torch.from_numpy(words[ids]), mask),
                          str(out / ENCODER_FILE), input_names=["inputs_embeds", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"inputs_embeds": axes, "attention_mask": axes,
                                        "last_hidden_state": axes})
    fused = _fuse(out / ENCODER_FILE, bert.config, words[ids], mask.numpy())
    marker = {"exporter_version": EXPORTER_VERSION, "opset": OPSET, "source": str(model_path),
              "source_fingerprint": fingerprint, "fused": fused, **layout}
    (out / MARKER_FILENAME).write_text(json.dumps(marker, ensure_ascii=False, indent=1), encoding="utf-8")

    encoder = OnnxEncoder(out)
    for name in ("query", "document"):
        prompt = layout["prompts"].get(name)
        want = st_model.encode(list(_SAMPLE_TEXTS), prompt=prompt, normalize_embeddings=True,
                               convert_to_numpy=True)
        got = encoder.encode(list(_SAMPLE_TEXTS), name)
        cos = (want * got).sum(axis=1)
        if float(cos.min()) < MIN_EXPORT_COSINE:
            raise OnnxModelError(f"the ONNX export of {model_path} differs from the torch model "
                                 f"({name} cosine {float(cos.min()):.6f} < {MIN_EXPORT_COSINE}); it was "
                                 f"not installed. Fix: set {RUNTIME_ENV}=torch and report this model.")


def _fuse(graph: Path, config, inputs_embeds, attention_mask) -> dict[str, int]:
    """Replace `graph` by ONNX Runtime's fusion of it (attention, layer norms, GELU) when that is
    the same function: the two must agree on the traced padded batch to 1e-4 per value. Return the
    fused operators counted (empty when the plain graph is kept, with the reason on stderr)."""
    import numpy as np
    import onnxruntime as ort
    from onnxruntime.transformers.optimizer import optimize_model

    heads, hidden = getattr(config, "num_attention_heads", 0), getattr(config, "hidden_size", 0)
    fused = graph.with_name(f".fused-{os.getpid()}.onnx")
    try:
        try:
            model = optimize_model(str(graph), model_type="bert", num_heads=heads, hidden_size=hidden,
                                   opt_level=0, use_gpu=False)
            model.save_model_to_file(str(fused))
        except Exception as exc:  # any model the optimizer cannot handle still gets its plain graph
            print(f"note: ONNX Runtime's optimizer could not fuse {graph} ({type(exc).__name__}: {exc}); "
                  "the plain graph is kept (questions are ~10% slower, answers the same)", file=sys.stderr)
            return {}
        counts = {k: v for k, v in model.get_fused_operator_statistics().items() if v}
        feed = {"inputs_embeds": inputs_embeds.astype(np.float32), "attention_mask": attention_mask}
        plain, new = (ort.InferenceSession(str(g), providers=["CPUExecutionProvider"]).run(None, feed)[0]
                      for g in (graph, fused))
        real = attention_mask.astype(bool)  # padding positions are masked out of pooling anyway
        gap = float(np.abs(plain[real] - new[real]).max())
        if gap > 1e-4:
            print(f"note: the fused ONNX graph differs from the plain one by {gap:.2g}; the plain "
                  "graph is kept (questions are ~10% slower, answers the same)", file=sys.stderr)
            return {}
        os.replace(fused, graph)
        return counts
    finally:
        fused.unlink(missing_ok=True)


#: The trimmed tokenizers, smallest first: (tokenizer file, id map file).
TRIMMED = ((CJK_TOKENIZER_FILE, CJK_MAP_FILE), (COMMON_TOKENIZER_FILE, COMMON_MAP_FILE))


class _Trimmed:
    """A trimmed tokenizer: exact for texts whose normalised characters all match `covered`; its
    ids are mapped back to the full vocabulary's by `ids`. The tokenizer itself loads on first use."""

    def __init__(self, path: Path, map_path: Path, load):
        import numpy as np

        with np.load(map_path, allow_pickle=False) as m:
            self.ids, chars = m["ids"], str(m["chars"])
        self.covered = re.compile(f"[{chars}]*")
        self._path, self._load, self._tokenizer = path, load, None
        self._lock = threading.Lock()

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._load(self._path)
        return self._tokenizer

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None


class OnnxEncoder:
    """Texts -> L2-normalised vectors through ONNX Runtime, as sentence-transformers computes them.

    Imports only numpy, onnxruntime and tokenizers. Thread-safe: ONNX Runtime sessions and
    `tokenizers` encoders may be called from several threads.
    """

    def __init__(self, folder: Path, int8: bool = False, threads: int | None = None):
        import numpy as np
        import onnxruntime as ort

        self.folder = Path(folder)
        marker = read_marker(self.folder)
        if marker is None or not is_complete(self.folder, int8):
            raise OnnxModelError(f"no complete ONNX export in {self.folder}"
                                 f"{' with its int8 graph' if int8 else ''}. Fix: delete the folder; "
                                 "the next query or `python -m index build` exports it again.")
        self.prompts: dict[str, str] = marker["prompts"]
        self.pooling: str = marker["pooling"]
        self.normalize: bool = marker["normalize"]
        self.dimension: int = marker["dimension"]
        self.int8 = int8
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # Idle worker threads sleep instead of spinning: on 2 shared cores spinning doubled the
        # median query time here (39 vs 22 ms under load) and starves the app's other threads.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        graph = self.folder / (ENCODER_INT8_FILE if int8 else ENCODER_FILE)
        self._max_length = int(marker["max_seq_length"])
        self._full = None
        self._full_lock = threading.Lock()
        # The trimmed tokenizers there are, smallest first; the first loads now, the others (and
        # the full one) when a text first needs them.
        self._tiers = [_Trimmed(self.folder / name, self.folder / map_name, self._load)
                       for name, map_name in TRIMMED if (self.folder / map_name).is_file()]
        # The session (releases the GIL) loads while the tokenizer (holds it) loads beside it.
        box: dict[str, Any] = {}

        def load_tokenizer() -> None:
            try:
                if self._tiers:
                    self._tiers[0].tokenizer
                else:
                    box["full"] = self._load(self.folder / TOKENIZER_FILE)
            except Exception as exc:  # re-raised in the calling thread below
                box["error"] = exc

        loader = threading.Thread(target=load_tokenizer, name="tokenizer-load", daemon=True)
        loader.start()
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.words = np.load(self.folder / EMBEDDINGS_FILE, mmap_mode="r")
        loader.join()
        if "error" in box:
            raise OnnxModelError(f"cannot load the tokenizer in {self.folder}: {box['error']}. Fix: delete "
                                 f"{self.folder}; it is exported again on next use.") from box["error"]
        self._full = box.get("full")

    def _load(self, path: Path):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.no_padding()  # padded here, per batch
        tokenizer.enable_truncation(max_length=self._max_length)
        return tokenizer

    @property
    def tokenizer(self):
        """The full tokenizer (loaded on first use when a trimmed one is there)."""
        if self._full is None:
            with self._full_lock:
                if self._full is None:
                    self._full = self._load(self.folder / TOKENIZER_FILE)
        return self._full

    def token_ids(self, text: str) -> list[int]:
        """Token ids of `text` (prompt included), as the full tokenizer gives them: from the
        smallest trimmed tokenizer whose characters cover the text (they all normalise alike)."""
        if self._tiers:
            normal = self._tiers[0].tokenizer.normalizer.normalize_str(text)
            for tier in self._tiers:
                if tier.covered.fullmatch(normal):
                    return tier.ids[tier.tokenizer.encode(text).ids].tolist()
        return self.tokenizer.encode(text).ids

    def encode(self, texts: list[str], prompt_name: str | None = "query", batch_size: int = 16) -> np.ndarray:
        """Vectors (n x dimension, float32) of `texts` with the model's prompt `prompt_name`."""
        import numpy as np

        if prompt_name is not None and prompt_name not in ("query", "document"):
            raise ValueError(f"prompt_name must be 'query', 'document' or None, got {prompt_name!r}")
        prefix = self.prompts.get(prompt_name, "") if prompt_name else ""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        encodings = [self.token_ids(prefix + t) for t in texts]
        # Similar lengths together: less padding per batch (the results do not depend on it).
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            width = max(len(encodings[i]) for i in rows)
            # Padding positions are masked out of attention and pooling, so their id does not matter.
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i])
                ids[r, :n] = encodings[i]
                mask[r, :n] = 1
            hidden = self.session.run(None, {"inputs_embeds": np.asarray(self.words[ids], dtype=np.float32),
                                             "attention_mask": mask})[0]
            if self.pooling == "cls":
                vecs = hidden[:, 0]
            else:  # mean over the real tokens, as sentence-transformers' Pooling does
                m = mask[:, :, None].astype(np.float32)
                vecs = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            if self.normalize:
                vecs = vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            out[rows] = vecs
        return out

