"""app_startup: gradio's import-time stub writer is skipped, and nothing else about gradio changes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _fresh(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def test_gradio_defines_its_components_without_writing_stubs():
    code = (
        "import app_startup, sys\n"
        "print(app_startup.skip_gradio_stub_writing())\n"
        "import gradio as gr, gradio.component_meta as meta\n"
        "print(meta.create_or_modify_pyi is app_startup._no_stubs)\n"
        "print(type(gr.Textbox(label='x')).__name__, len(gr.Chatbot().EVENTS) > 0)\n"
        "print(any(isinstance(f, app_startup._SkipStubs) for f in sys.meta_path))\n"   # one shot
    )
    assert _fresh(code) == ["True", "True", "Textbox", "True", "False"]


def test_the_function_it_replaces_is_still_gradios():
    """If a Gradio release renames or drops the stub writer, the hook silently does nothing: this
    test says so instead."""
    code = "import gradio.component_meta as m, inspect\nprint(callable(m.create_or_modify_pyi), " \
           "'pyi' in inspect.getsource(m.create_or_modify_pyi))"
    assert _fresh(code) == ["True", "True"]


def test_too_late_once_gradio_is_imported():
    assert _fresh("import gradio, app_startup\nprint(app_startup.skip_gradio_stub_writing())") == ["False"]


def test_preload_hands_over_a_warm_bot(built_index):
    """The bot the page will use is loaded, and its query encoder warm, by the time gradio is."""
    code = (
        "import os, sys\n"
        f"os.environ['POLICYQA_INDEX'] = {str(built_index.path)!r}\n"
        "from app_startup import Preload\n"
        "bot = Preload().bot()\n"
        "print(type(bot).__name__, bot.index._embedder._onnx is not None, 'gradio' in sys.modules)\n"
    )
    assert _fresh(code) == ["Bot", "True", "False"]


def test_preload_hands_over_the_failure(tmp_path):
    (tmp_path / "corpus").mkdir()
    code = (
        "import os\n"
        f"os.environ['POLICYQA_INDEX'] = {str(tmp_path / 'index')!r}\n"
        f"os.environ['POLICYQA_CORPUS'] = {str(tmp_path / 'corpus')!r}\n"
        "from app_startup import Preload\n"
        "from ingest import IngestError\n"
        "from index.store import IndexError_\n"
        "try:\n"
        "    Preload().bot()\n"
        "except (IngestError, IndexError_) as e:\n"
        "    print('raised', type(e).__name__)\n"
    )
    assert _fresh(code)[0] == "raised"
