"""What the app does before importing Gradio, to start in seconds rather than twice that.

1. Skip gradio's stub writing (below). 2. `Preload`: load the bot and answer one question from
the notice in a thread started before gradio is imported, so the index, the query encoder (its
ONNX session loads without the GIL) and jieba's pieces are ready when the page is; measured
here, the bot is loaded and warm when `import gradio` returns, 0.5-0.8 s later than without the
thread, instead of ~1.3 s after it.

Gradio 6 rewrites the type stubs (`.pyi` files) of every component class it defines, on every
import: `gradio.component_meta.create_or_modify_pyi` reads each component's source, parses it with
`ast`, renders a template and compares it with the stub in site-packages (writing it when it
differs, into a folder that may be read-only). The stubs are for editors; nothing at run time
reads them. Measured here, `import gradio` takes ~4.9 s with it and ~2.5 s without it.

`skip_gradio_stub_writing()` installs a one-shot import hook that, as `gradio.component_meta` is
loaded, replaces that function with one that does nothing. It must run before anything imports
gradio; if gradio is already imported it changes nothing and says so. If a Gradio release renames
the function, the hook finds nothing to replace, the app starts as before, and
tests/app/test_startup.py fails so the pin can be looked at.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import threading
from pathlib import Path

MODULE, FUNCTION = "gradio.component_meta", "create_or_modify_pyi"


def _no_stubs(*args, **kwargs) -> None:
    """Stands in for gradio's stub writer: component classes are defined, no stub is touched."""


class _SkipStubs(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != MODULE:
            return None
        sys.meta_path.remove(self)   # one shot: the real finders locate the module
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module) -> None:
            load(module)
            if hasattr(module, FUNCTION):
                setattr(module, FUNCTION, _no_stubs)

        spec.loader.exec_module = exec_module
        return spec


def skip_gradio_stub_writing() -> bool:
    """Install the hook; False (and nothing done) when gradio's components are already defined."""
    if MODULE in sys.modules:
        return False
    if not any(isinstance(f, _SkipStubs) for f in sys.meta_path):
        sys.meta_path.insert(0, _SkipStubs())
    return True


def name_matplotlib_backend() -> None:
    """Gradio runs every event inside `gradio.utils.MatplotlibBackendMananger`, which imports
    matplotlib and asks for its backend. With none named, matplotlib imports pyplot to pick one:
    the first question waited ~0.8 s for it here, ~0.3 s with the backend named. A server draws no
    windows: "agg", unless the environment names another."""
    os.environ.setdefault("MPLBACKEND", "agg")


class Preload:
    """`Bot.load(corpus_dir(), index_dir())` and one warm-up answer, in a thread started now;
    `bot()` waits for it and returns the bot, or raises what loading raised."""

    def __init__(self):
        self._bot = self._error = None
        self._thread = threading.Thread(target=self._run, name="bot-preload", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from bot.core import Bot
        from index.store import index_dir
        from ingest import corpus_dir

        try:
            bot = Bot.load(corpus_dir(), index_dir())
        except Exception as e:   # handed to the caller of bot(), which reports it
            self._error = e
            return
        # A question from the notice itself (its first item's title): loads what a retrieval
        # answer needs. Its answer is not used.
        items = sorted(bot.corpus.items.values(), key=lambda r: (r.doc_id, r.item or 0))
        if items:
            bot.ask(items[0].title or items[0].text[:30])
        self._bot = bot

    def bot(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._bot
