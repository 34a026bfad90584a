"""app_startup: gradio's import-time stub writer is skipped, and nothing else about gradio changes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _fresh(code: str, env: dict | None = None) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env=env)
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


def _first_event_imports(name_backend: bool) -> list[str]:
    """What gradio's per-event matplotlib switch imports, in a fresh process with no MPLBACKEND."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    code = ("import app_startup, sys\n"
            + ("app_startup.name_matplotlib_backend()\n" if name_backend else "")
            + "from gradio.utils import MatplotlibBackendMananger\n"
              "with MatplotlibBackendMananger():\n    pass\n"
              "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    return _fresh(code, env)


def test_the_first_question_does_not_import_pyplot():
    assert _first_event_imports(name_backend=True) == ["True", "False"]


def test_without_a_named_backend_gradio_s_switch_imports_pyplot():
    """The cost `name_matplotlib_backend` avoids; if a Gradio or matplotlib release stops paying it,
    this says the setting can go."""
    assert _first_event_imports(name_backend=False) == ["True", "True"]
