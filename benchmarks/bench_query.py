"""Query-path benchmark (prints figures; asserts nothing): questions embedded by ONNX Runtime
(`POLICYQA_QUERY_RUNTIME=onnx`, the default) against the torch path (sentence-transformers,
`POLICYQA_QUERY_RUNTIME=torch`), both measured in the same run on the same index:

  1. the query embedding alone, and a warm retrieval answer (median / p95; the per-text embedding
     cache is cleared before every call, so each answer embeds its question afresh);
  2. `python -m bot ask` with a retrieval question, from process start to printed answer, index
     cached (median of --repeat runs), beside the bare `python -c pass`;
  3. the app: from starting `python app.py` to the first answered retrieval question (skip with
     --no-app).

    .venv/bin/python -m benchmarks.bench_query [--repeat 3] [--no-app]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RUNTIMES = ("onnx", "torch")
# Questions the bot answers by retrieval (each embeds its question once).
RETRIEVAL = ["穷人家的孩子上学有补助吗", "校外培训机构设置标准什么时候出台?", "普惠性幼儿园覆盖率目标是多少?",
             "孩子近视的问题有什么安排?", "如何加强教师队伍建设?", "预防校园欺凌有什么安排?", "新增学位多少个?",
             "今天天气怎么样?"]
CLI_QUESTION = "穷人家的孩子上学有补助吗"


def stats(ms: list[float]) -> str:
    return f"median {statistics.median(ms):6.2f} ms, p95 {float(np.percentile(ms, 95)):6.2f} ms"


def warm(repeat: int) -> None:
    from bot.core import Bot
    from index.store import Embedder

    bot = Bot.load()
    print(f"1. warm, in one process ({len(RETRIEVAL)} retrieval questions x 20):")
    for runtime in RUNTIMES:
        embedder = Embedder(bot.index.manifest.get("model_setting"), runtime=runtime)
        bot.index._embedder = embedder
        calls = []
        real_query = embedder.query
        embedder.query = lambda text: (calls.append(text), real_query(text))[1]
        for q in RETRIEVAL:  # load the model, fill jieba and the bot's own caches
            bot.ask(q)
        embedded = {q for q in RETRIEVAL if q in calls}
        embed, answer = [], []
        for _ in range(20):
            for q in RETRIEVAL:
                embedder.clear_cache()
                t0 = time.perf_counter()
                real_query(q)
                embed.append((time.perf_counter() - t0) * 1000)
                embedder.clear_cache()
                t0 = time.perf_counter()
                bot.ask(q)
                answer.append((time.perf_counter() - t0) * 1000)
        print(f"   {runtime:5s} query embedding {stats(embed)} | retrieval answer {stats(answer)}"
              f"   ({len(embedded)}/{len(RETRIEVAL)} questions embedded)")


def run(args: list[str], env: dict, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)
        out.append(time.perf_counter() - t0)
    return out


def cold(repeat: int) -> None:
    py = [sys.executable]
    print(f"\n2. `python -m bot ask {CLI_QUESTION!r}` from process start, index cached (median of {repeat}):")
    base = run(py + ["-c", "pass"], dict(os.environ), repeat)
    print(f"   baseline `python -c pass`: {statistics.median(base):.2f} s")
    for runtime in RUNTIMES:
        env = {**os.environ, "POLICYQA_QUERY_RUNTIME": runtime}
        t = run(py + ["-m", "bot", "ask", CLI_QUESTION], env, repeat)
        print(f"   {runtime:5s}: {statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f})")


def app() -> None:
    from benchmarks.load import PROBE, first_answer, free_port, start_app, stop

    print(f"\n3. app: `python app.py` start to the first answered retrieval question ({PROBE!r}):")
    for runtime in RUNTIMES:
        os.environ["POLICYQA_QUERY_RUNTIME"] = runtime
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            t0 = time.perf_counter()
            proc = start_app(port, Path(tmp) / "feedback.jsonl", Path(tmp) / "app.log")
            try:
                first_answer(f"http://127.0.0.1:{port}/", proc, timeout=180)
                print(f"   {runtime:5s}: {time.perf_counter() - t0:.2f} s")
            finally:
                stop(proc)
    os.environ.pop("POLICYQA_QUERY_RUNTIME", None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_query")
    ap.add_argument("--repeat", type=int, default=3, help="runs per cold-start figure (default 3)")
    ap.add_argument("--no-app", action="store_true", help="skip the app start figure")
    args = ap.parse_args(argv)
    if args.repeat <= 0:
        print(f"error: --repeat must be > 0, got {args.repeat}", file=sys.stderr)
        return 2
    warm(args.repeat)
    cold(args.repeat)
    if not args.no_app:
        app()
    return 0


if __name__ == "__main__":
    sys.exit(main())
