"""The real app, started once per test session as `python app.py --port <free port>`.

Votes go to a feedback log in a temporary folder (POLICYQA_FEEDBACK); the index is the default
`var/index`, brought up to date here first: the app would otherwise serve a stale one while it
rebuilds in the background, and the tests compare its answers with `app.SERVICE.bot` in this process.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180  # seconds; a first run converts the embedding model and builds the index
LOOPBACK = "127.0.0.1,localhost"

def _fresh_default_index() -> None:
    from index.store import Index, IndexError_, rebuild

    try:
        Index.check()
    except IndexError_:
        rebuild(force=False)


_fresh_default_index()   # before any test module imports app.py

# Test traffic is loopback only: never route it through a proxy from the environment.
for _var in ("NO_PROXY", "no_proxy"):
    os.environ[_var] = ",".join(filter(None, [os.environ.get(_var), LOOPBACK]))


@dataclass(frozen=True)
class RunningApp:
    url: str
    port: int
    feedback: Path   # the app's POLICYQA_FEEDBACK log
    log: Path        # the app's stdout + stderr
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def running_app(tmp: Path, env_extra: dict[str, str] | None = None,
                args: tuple[str, ...] = ()) -> Iterator[RunningApp]:
    """Start `python app.py --port <free port>`, wait until it serves its page, stop it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    feedback, log = tmp / "feedback.jsonl", tmp / "app.log"
    env = {**os.environ, "POLICYQA_FEEDBACK": str(feedback), "PYTHONUNBUFFERED": "1",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    for var in ("POLICYQA_USER", "POLICYQA_PASSWORD"):  # login only when a test asks for it
        env.pop(var, None)
    env.update(env_extra or {})
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), *args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited with code {proc.returncode} before serving:\n{_tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not answer {url} within {START_TIMEOUT} s:\n{_tail(log)}")
            time.sleep(0.5)
        yield RunningApp(url, port, feedback, log, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[RunningApp]:
    with running_app(tmp_path_factory.mktemp("app")) as running:
        yield running


@pytest.fixture(scope="session")
def app_url(app: RunningApp) -> str:
    return app.url
