"""Bot benchmark (prints figures; asserts nothing): warm answer latency median / p95 over a fixed
question list, and `python -m bot ask` from process start with the index cached, against the bare
interpreter start measured in the same run.

    .venv/bin/python -m benchmarks.bench_bot
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = ["6月份基教处要完成哪些工作?", "What is due in June from 基教处?", "督导室上半年有哪些工作?",
            "基教处一共几项?", "哪个月工作最多?", "第18条讲什么?", "发文字号是多少?", "基教处2月份有什么工作?"]
RETRIEVAL = ["校外培训机构设置标准什么时候出台?", "普惠性幼儿园覆盖率目标是多少?", "孩子近视的问题有什么安排?",
             "谁负责制定寄宿制培训机构管理办法?", "今天天气怎么样?", "新增学位多少个?"]


def run(args: list[str], repeat: int = 3) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    from bot.core import Bot

    bot = Bot.load()
    questions = SCHEDULE + RETRIEVAL
    for q in questions:  # warm: model loaded, caches filled
        bot.ask(q)
    lat = []
    for _ in range(20):
        for q in questions:
            if bot.corpus.index_loaded:
                bot.index.embedder.clear_cache()  # measure real work, not the per-text cache
            t0 = time.perf_counter()
            bot.ask(q)
            lat.append((time.perf_counter() - t0) * 1000)
    print(f"warm answer latency over {len(questions)} questions x 20: median {statistics.median(lat):.2f} ms, "
          f"p95 {np.percentile(lat, 95):.2f} ms")
    for name, qs in (("schedule", SCHEDULE), ("retrieval", RETRIEVAL)):
        sub = [t for i, t in enumerate(lat) if questions[i % len(questions)] in qs]
        print(f"  {name:9s}: median {statistics.median(sub):.2f} ms, p95 {np.percentile(sub, 95):.2f} ms")

    py = [sys.executable]
    base = run(py + ["-c", "pass"])
    sched = run(py + ["-m", "bot", "ask", "7月民继处有什么工作?"])
    retr = run(py + ["-m", "bot", "ask", "普惠性幼儿园覆盖率目标是多少?"])
    print("\nfrom process start to printed answer (index cached), median of 3:")
    print(f"  baseline `python -c pass`: {statistics.median(base):.2f} s")
    print(f"  schedule question:         {statistics.median(sched):.2f} s")
    print(f"  retrieval question:        {statistics.median(retr):.2f} s")


if __name__ == "__main__":
    main()
