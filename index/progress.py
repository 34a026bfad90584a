"""Progress of a long build on stderr: one line per stage, and a bar with an ETA (tqdm) while
tokenising and embedding. Silent unless asked (`python -m index build` asks; `--json` does not)."""
from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterable, Iterator


class Progress:
    def __init__(self, on: bool):
        self.on = on
        self._t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.on:
            print(f"[index, {time.perf_counter() - self._t0:.0f} s] {message}", file=sys.stderr, flush=True)

    def bar(self, items: list, desc: str) -> Iterable:
        """`items`, with a bar (count, rate, ETA) when on."""
        if not self.on:
            return items
        from tqdm import tqdm

        return tqdm(items, desc=desc, unit="rec", file=sys.stderr, mininterval=2, smoothing=0.05)

    @contextlib.contextmanager
    def counter(self, total: int, desc: str) -> Iterator:
        """A bar advanced by `.update(n)`; a no-op object when off or when there is nothing to do."""
        if not self.on or not total:
            yield _Silent()
            return
        from tqdm import tqdm

        with tqdm(total=total, desc=desc, unit="text", file=sys.stderr, mininterval=2, smoothing=0.05) as bar:
            yield bar


class _Silent:
    def update(self, n: int) -> None:
        pass
