"""Word tables that packages ship as data (同义词词林, CC-CEDICT), read once and kept in the model
cache in the form the bot looks words up in: parsing a package's file takes about a second, loading
the cached table about a tenth of that."""
from __future__ import annotations

import importlib.util
import logging
import marshal
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)


class TableError(RuntimeError):
    """A package's word table is missing or unreadable."""


def package_file(package: str, relative: str) -> Path:
    """The file `relative` to the folder that holds `package`'s folder (its data may sit beside it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise TableError(f"the `{package}` package (a word table) is not installed. "
                         "Fix: pip install -r requirements.txt")
    return Path(spec.origin).resolve().parent.parent / relative


def cached_table(folder: str, name: str, source: Path, build: Callable[[Path], object]):
    """`build(source)`, kept as `<model cache>/<folder>/<name>-<size of source>.bin` (setting
    POLICYQA_CACHE) and read from there after the first time; a damaged copy is made again, and
    where none can be written each process builds the table itself, with a warning."""
    from index.embedder import default_cache_dir
    from index.jieba_table import replace_file

    try:
        size = source.stat().st_size
    except OSError as e:
        raise TableError(f"cannot read the word table {source}: {e}. "
                         "Fix: pip install --force-reinstall -r requirements.txt") from e
    cached = default_cache_dir() / folder / f"{name}-{size}.bin"
    try:
        return marshal.loads(cached.read_bytes())
    except OSError:   # not there (yet), or not readable: made below
        pass
    except (ValueError, EOFError, TypeError) as e:
        log.warning("%s is damaged (%s); making it again", cached, e)
    table = build(source)
    try:
        replace_file(cached, marshal.dumps(table))
    except OSError as e:
        log.warning("cannot cache the word table %s in %s (%s): each process reads it again (about a "
                    "second) the first time it is needed", source.name, cached, e)
    return table
