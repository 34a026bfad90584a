"""The index's records, read from records.jsonl on demand instead of all at load.

Parsing 250,000 JSON records into `Record`s takes seconds; a query needs five of them. The file is
memory-mapped and the byte offset of every line is stored at build (`records.offsets.npy`), so
`rows[i]` parses line i only, once (then kept). Iterating parses everything, as a list would:
that is for callers that want every record (the bot's start), not for the search path, which
filters on `kinds` (a uint8 code per row, `kinds.npy`) without parsing anything.
"""
from __future__ import annotations

import json
import mmap
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from ingest.records import KINDS, Record


def kind_codes(records: Sequence[Record]) -> np.ndarray:
    """Row i's kind as its position in `ingest.records.KINDS`."""
    code = {k: n for n, k in enumerate(KINDS)}
    return np.fromiter((code[r.kind] for r in records), dtype=np.uint8, count=len(records))


def write_records(records: Sequence[Record], file: Path) -> np.ndarray:
    """records.jsonl (one `Record.to_dict` per line); returns the n + 1 byte offsets of its lines."""
    offsets = np.empty(len(records) + 1, dtype=np.int64)
    pos = 0
    with open(file, "wb") as f:
        for i, r in enumerate(records):
            offsets[i] = pos
            line = (json.dumps(r.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
            f.write(line)
            pos += len(line)
    offsets[len(records)] = pos
    return offsets


class BadRow(ValueError):
    """Line `line` (1-based) of records.jsonl is not a record."""

    def __init__(self, line: int, reason: str):
        self.line = line
        super().__init__(f"records.jsonl line {line} is not a record ({reason}); "
                         "rebuild the index: python -m index build")


class RecordRows(Sequence[Record]):
    """Read-only sequence of the records in records.jsonl, parsed on first access."""

    def __init__(self, file: Path, offsets: np.ndarray):
        self._offsets = offsets
        self._n = len(offsets) - 1
        with open(file, "rb") as f:
            # mmap cannot map an empty file; an index of zero records has nothing to read anyway.
            self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if self._n else b""
        self._parsed: list[Record | None] = [None] * self._n

    def __len__(self) -> int:
        return self._n

    def _row(self, i: int) -> Record:
        r = self._parsed[i]
        if r is None:
            line = self._data[int(self._offsets[i]):int(self._offsets[i + 1])]
            try:
                d = json.loads(line)
                if not isinstance(d, dict):
                    raise TypeError(f"a record is a JSON object, got {type(d).__name__}")
                r = Record.from_dict(d)
            except (ValueError, TypeError, KeyError) as e:
                raise BadRow(i + 1, str(e)) from None
            self._parsed[i] = r
        return r

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(self._n))]
        i = int(i)   # numpy integers too
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(f"record row {i} out of range (the index holds {self._n} records)")
        return self._row(i)

    def __iter__(self) -> Iterator[Record]:
        for i in range(self._n):
            yield self._row(i)

    def __repr__(self) -> str:
        parsed = sum(r is not None for r in self._parsed)
        return f"RecordRows({self._n} records, {parsed} parsed)"
