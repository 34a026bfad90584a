"""Load benchmark for the chat page: concurrent API clients, latency, and time to first answer.

    python -m benchmarks.load                  # start app.py on a free port, measure, stop it
    python -m benchmarks.load --url http://127.0.0.1:7860/   # load an already running app

Without --url it first measures the time from starting `python app.py` to the first answered
question with the index already cached (if the index is missing, one start builds it first and is
not counted). Then N clients (default 20) each ask M questions (default 10) through
`gradio_client` at the same time, mixing schedule questions (exact filtering) with retrieval
questions (hybrid search). Every reply must hold an answer; anything else counts as an error.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["NO_PROXY"] = ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1,localhost"]))

from gradio_client import Client  # noqa: E402

QUESTIONS = (
    # schedule: exact filtering over the 配档表
    "6月份基教处要完成哪些工作?",
    "7月民继处有什么工作?",
    "What is due in June from 基教处?",
    "3月份有哪些工作?",
    "市招考院全年有几项工作?",
    # retrieval: hybrid search + quoted sentence
    "校外培训机构设置标准什么时候出台?",
    "普惠性幼儿园覆盖率目标是多少?",
    "第18条讲什么?",
    "如何加强教师队伍建设?",
    "预防校园欺凌有什么安排?",
)
PROBE = "普惠性幼儿园覆盖率目标是多少?"          # retrieval: needs the embedding model
SCHEDULE_PROBE = "7月民继处有什么工作?"          # exact filtering: answered as soon as the page is up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answer_text(history: list[dict]) -> str:
    for m in reversed(history or []):
        title = ((m.get("metadata") or {}).get("title") or "")
        if m.get("role") == "assistant" and not title.startswith("来源"):
            content = m.get("content") or []
            if isinstance(content, str):  # the app now sends plain strings
                return content
            return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def index_cached() -> bool:
    sys.path.insert(0, str(ROOT))
    from ingest import CORPUS
    from index.store import Index, IndexError_, index_dir

    try:
        Index.check(index_dir(), CORPUS)
        return True
    except IndexError_:
        return False


def start_app(port: int, feedback: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "POLICYQA_FEEDBACK": str(feedback), "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONUNBUFFERED": "1"}
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def first_answer(url: str, proc: subprocess.Popen, timeout: float, probe: str = PROBE) -> None:
    """Block until `url` answers `probe` through the API."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited with code {proc.returncode}; see its log")
        try:
            history = Client(url, verbose=False).predict(probe, [], api_name="/ask")
            if answer_text(history):
                return
        except Exception:  # not listening yet: connection refused, config not served, …
            time.sleep(0.1)
    raise SystemExit(f"no answer from {url} within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_load(url: str, clients: int, per_client: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients)

    def user(n: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as e:  # report, don't hide: a client that cannot connect is an error
            with lock:
                errors.append(f"client {n}: connect: {e!r}")
            ready.abort()
            return
        ready.wait()
        for k in range(per_client):
            q = QUESTIONS[(n + k) % len(QUESTIONS)]
            t0 = time.perf_counter()
            try:
                history = client.predict(q, [], api_name="/ask")
                dt = time.perf_counter() - t0
                ok = bool(answer_text(history))
            except Exception as e:
                dt, ok = time.perf_counter() - t0, False
                history = repr(e)
            with lock:
                latencies.append(dt)
                if not ok:
                    errors.append(f"client {n} question {q!r}: {str(history)[:200]}")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(latencies)
    return {"requests": len(lat), "errors": errors, "wall": wall,
            "median": statistics.median(lat) if lat else float("nan"),
            "p95": lat[max(0, int(round(0.95 * len(lat))) - 1)] if lat else float("nan"),
            "max": lat[-1] if lat else float("nan")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="an already running app (default: start app.py here)")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--questions", type=int, default=10, help="questions per client")
    p.add_argument("--timeout", type=float, default=240, help="seconds to wait for app.py to answer")
    args = p.parse_args(argv)

    proc = None
    tmp = Path(tempfile.mkdtemp(prefix="policyqa-bench-"))
    url = args.url
    try:
        if url is None:
            if not index_cached():
                print("index not cached: one start to build it (not measured) …", flush=True)
                port = free_port()
                proc = start_app(port, tmp / "feedback.jsonl", tmp / "app.log")
                first_answer(f"http://127.0.0.1:{port}/", proc, args.timeout)
                stop(proc)
            port = free_port()
            url = f"http://127.0.0.1:{port}/"
            t0 = time.perf_counter()
            proc = start_app(port, tmp / "feedback.jsonl", tmp / "app.log")
            first_answer(url, proc, args.timeout, SCHEDULE_PROBE)
            print(f"start → first answered schedule question (index cached): {time.perf_counter() - t0:.1f} s")
            first_answer(url, proc, args.timeout)
            print(f"start → first answered retrieval question (model warming meanwhile): "
                  f"{time.perf_counter() - t0:.1f} s")
        r = run_load(url, args.clients, args.questions)
    finally:
        if proc is not None:
            stop(proc)
    print(f"load: {args.clients} clients × {args.questions} questions = {r['requests']} requests "
          f"in {r['wall']:.1f} s ({r['requests'] / r['wall']:.1f} req/s)")
    print(f"latency per question: median {r['median'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, "
          f"max {r['max'] * 1000:.0f} ms")
    print(f"errors: {len(r['errors'])}")
    for e in r["errors"][:20]:
        print("  ", e)
    return 1 if r["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
