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


def hand_made_notice(city: str, year: int) -> str:
    """A small notice in the scraped-page shape ingest reads: a header, two numbered items, and a
    配档表 of two rows (4月 基教处, 9月 体卫艺处). Different city / year → different content."""
    return f"""  • 成文日期: {year}-01-10
  • 发布机构: {city}市教育局
  • 标题: {city}市教育局{year}年工作要点
  • 发文字号: {city[0]}教发〔{year}〕2号
{city}市教育局{year}年工作要点

{year}年全市教育工作的总体要求是:面向海洋,提升学生综合素养。

一、发展海洋教育

1.建设海洋教育基地。全市建设海洋教育实践基地12处,每所中小学每学期组织一次海洋研学。

2.开设帆船课程。在30所中小学开设帆船体验课程,培养帆船运动教练员60名。

附件:{year}年重点工作配档表

{year}年重点工作配档表

时间

重点工作

责任单位

4月

启动海洋教育实践基地遴选

基教处

9月

举办全市中小学帆船联赛

体卫艺处
"""


@dataclass(frozen=True)
class LibraryApp:
    url: str
    corpus: Path      # the app's own copy of the corpus folder
    app: RunningApp


@pytest.fixture(scope="session")
def library_app(tmp_path_factory) -> Iterator[LibraryApp]:
    """A second app on a COPY of the corpus and its index (tests upload and delete notices there;
    the real corpus/ is never touched). The watcher is slow on purpose: an upload or delete must
    start the rebuild itself."""
    import shutil

    from index.store import index_dir

    tmp = tmp_path_factory.mktemp("library-app")
    corpus, index = tmp / "corpus", tmp / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    shutil.copytree(index_dir(), index)   # up to date with corpus/ (above)
    env = {"POLICYQA_CORPUS": str(corpus), "POLICYQA_INDEX": str(index), "POLICYQA_WATCH_SECONDS": "3600"}
    with running_app(tmp, env) as running:
        yield LibraryApp(running.url, corpus, running)
