"""jieba's dictionary, read a piece at a time.

`jieba.Tokenizer.initialize` unmarshals its whole prefix dictionary (~580,000 entries) before the
first cut: ~0.9 s of every cold start, while a question looks up a few dozen entries. `FreqTable`
holds the same entries split by first character, each piece marshalled on its own in one cache
file, and unmarshals a piece the first time a lookup needs it. Segmentation is unchanged: jieba
reads its table only through `in`, `[]`, `get` and (adding user words) `[]=`, which is all
`FreqTable` offers, so any other use fails loudly instead of silently differing.

The cache file is made from jieba's own table the first time it is needed (~1.5 s, once per jieba
version), in the model cache (setting POLICYQA_CACHE, default ~/.cache/policyqa) under jieba/; a
damaged one is made again.
Where it cannot be written, jieba's table is used whole, as before, with a warning.
"""
from __future__ import annotations

import functools
import logging
import marshal
import os
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 1   # bump when the file's layout changes


def cache_dir() -> Path:
    from index.embedder import default_cache_dir

    return default_cache_dir() / "jieba"


def _jieba_key() -> str:
    """jieba's version and the size of the dictionary it ships: the table is theirs."""
    import jieba

    dictionary = Path(jieba.__file__).parent / "dict.txt"
    return f"{jieba.__version__}-{dictionary.stat().st_size}"


class FreqTable:
    """jieba's FREQ (word or word prefix → frequency), unmarshalled one first character at a time."""

    def __init__(self, pieces: dict[str, bytes]):
        self._pieces = pieces
        self._loaded: dict[str, dict[str, int]] = {}

    def _piece(self, key: str) -> dict[str, int]:
        first = key[:1]
        piece = self._loaded.get(first)
        if piece is None:
            blob = self._pieces.get(first)
            piece = self._loaded[first] = marshal.loads(blob) if blob else {}
        return piece

    def __contains__(self, key: str) -> bool:
        return key in self._piece(key)

    def __getitem__(self, key: str) -> int:
        return self._piece(key)[key]

    def get(self, key: str, default=None):
        return self._piece(key).get(key, default)

    def __setitem__(self, key: str, value: int) -> None:
        self._piece(key)[key] = value

    @property
    def pieces_loaded(self) -> int:
        return len(self._loaded)


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a reader never sees half a file); OSError if it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write(path: Path, key: str) -> tuple[dict[str, bytes], int]:
    """Split jieba's own table by first character and store it at `path`."""
    import jieba

    full = jieba.Tokenizer()
    full.initialize()
    by_first: dict[str, dict[str, int]] = {}
    for word, freq in full.FREQ.items():
        by_first.setdefault(word[:1], {})[word] = freq
    pieces = {first: marshal.dumps(words) for first, words in by_first.items()}
    replace_file(path, marshal.dumps((FORMAT, key, full.total, pieces)))
    return pieces, full.total


@functools.lru_cache(maxsize=1)
def _load() -> tuple[dict[str, bytes], int] | None:
    key = _jieba_key()
    path = cache_dir() / f"jieba-freq-{key}.bin"
    try:
        fmt, stored, total, pieces = marshal.loads(path.read_bytes())
        if fmt == FORMAT and stored == key:
            return pieces, total
        log.warning("%s is of another format or jieba; making it again", path)
    except OSError:   # not there (yet), or not readable: made below
        pass
    except (ValueError, EOFError, TypeError) as e:
        log.warning("%s is damaged (%s); making it again", path, e)
    try:
        return _write(path, key)
    except OSError as e:
        log.warning("cannot write jieba's split dictionary to %s (%s): every process loads jieba's whole "
                    "dictionary (~1 s) instead; set POLICYQA_CACHE to a writable folder", path, e)
        return None


def lazy_tokenizer():
    """A `jieba.Tokenizer` whose table loads piece by piece (whole, if the cache is unusable)."""
    import jieba

    cutter = jieba.Tokenizer()
    loaded = _load()
    if loaded is not None:
        pieces, total = loaded
        cutter.FREQ, cutter.total, cutter.initialized = FreqTable(pieces), total, True
    return cutter


@functools.lru_cache(maxsize=None)
def words_tagged(*tags: str) -> frozenset[str]:
    """Words jieba's dictionary gives one of the part-of-speech `tags` (ns: place names; r, m, d…:
    pronouns, numerals, adverbs…), cached as a file: reading the 350,000-line dictionary takes
    ~0.4 s, the cached list a few milliseconds."""
    import jieba

    wanted = sorted(set(tags))
    path = cache_dir() / f"jieba-{'-'.join(wanted)}-{_jieba_key()}.txt"
    try:
        return frozenset(path.read_text(encoding="utf-8").split("\n")) - {""}
    except OSError:   # not there (yet), or not readable: made below
        pass
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        words = sorted(w for w, _, t in (line.split() for line in f) if t in wanted)
    try:
        replace_file(path, ("\n".join(words) + "\n").encode("utf-8"))
    except OSError as e:
        log.warning("cannot cache jieba's %s words in %s (%s)", "/".join(wanted), path, e)
    return frozenset(words)
