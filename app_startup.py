"""What the app does before importing Gradio, to start in seconds rather than twice that.

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
import sys

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
