"""Index benchmark (prints figures; asserts nothing): build time (with an empty embedding cache, and
again with the cache filled: a rebuild where nothing changed), size on disk, peak memory of a
search process, and query latency median / p95 for bm25, dense and hybrid over a fixed query list,
with brute-force numpy dense search as the same-run baseline.

    .venv/bin/python -m benchmarks.bench_index
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

QUERIES = ["校外培训机构设置标准", "学前教育普惠", "6月份基教处要完成哪些工作", "孩子近视的问题有什么安排",
           "What is due in June from 基教处?", "教师节系列活动", "普惠性幼儿园覆盖率目标是多少",
           "泉引桥", "数字教研联盟", "防止学生被欺负有什么措施", "市招考院", "新增学位多少个"]
ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main() -> None:
    from index.store import Embedder, Index, corpus_records

    records = corpus_records()
    embedder = Embedder()
    embedder.documents(["预热"])  # load the model once: the build figure is "model cached and loaded"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index"
        builds = []
        for run in range(3):   # each with an empty embedding cache: every text embedded
            t0 = time.perf_counter()
            index = Index.build(records, path, embedder=embedder, cache_dir=Path(tmp) / f"cache-{run}")
            builds.append(time.perf_counter() - t0)
        rebuilds = []
        for _ in range(3):     # the cache of the last run kept: nothing to embed
            t0 = time.perf_counter()
            index = Index.build(records, path, embedder=embedder, cache_dir=Path(tmp) / "cache-2")
            rebuilds.append(time.perf_counter() - t0)
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        print(f"records: {len(records)} ({len(index.records)} with sentence children)")
        print(f"build (model loaded, empty embedding cache, 3 runs): median {statistics.median(builds):.2f} s "
              f"(min {min(builds):.2f}, max {max(builds):.2f})")
        print(f"rebuild, nothing changed (embedding cache filled, 3 runs): median "
              f"{statistics.median(rebuilds):.2f} s, {index.embedded.new} texts embedded")
        print(f"size on disk: {size / 1024:.0f} KiB")

        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "index", "build"], cwd=ROOT, capture_output=True,
                              text=True, env={"POLICYQA_INDEX": str(Path(tmp) / "cli"), "PATH": "/usr/bin:/bin"})
        print(f"`python -m index build` from process start (model cached): {time.perf_counter() - t0:.2f} s"
              f" (exit {proc.returncode})")

        vectors = index.faiss.reconstruct_n(0, index.faiss.ntotal)
        for q in QUERIES:  # warm every path once
            index.search(q, k=5, mode="hybrid")
        print("\nquery latency over", len(QUERIES), "queries x 20 (ms):")
        print(f"{'mode':24s} {'median':>8s} {'p95':>8s}")
        def uncached(fn):
            # Every call embeds its query afresh: the per-text cache would hide the real cost.
            def run() -> None:
                index.embedder.clear_cache()
                fn()
            return run

        for mode in ("bm25", "dense", "hybrid"):
            lat = [t for q in QUERIES for t in timed(uncached(lambda: index.search(q, k=5, mode=mode)), 20)]
            print(f"{mode:24s} {statistics.median(lat):8.2f} {p95(lat):8.2f}")

        def brute(q: str) -> None:
            qv = index.embedder.query(q)
            np.argsort(-(vectors @ qv[0]))[:5]
        lat = [t for q in QUERIES for t in timed(uncached(lambda: brute(q)), 20)]
        print(f"{'baseline: numpy dense':24s} {statistics.median(lat):8.2f} {p95(lat):8.2f}")
        lat = [t for q in QUERIES for t in timed(uncached(lambda: index.embedder.query(q)), 20)]
        print(f"{'(query embedding alone)':24s} {statistics.median(lat):8.2f} {p95(lat):8.2f}")

        code = ("import resource, sys; from index.store import Index; ix = Index.load(sys.argv[1]); "
                "[ix.search(q, k=5, mode='hybrid') for q in ['校外培训机构设置标准', '学前教育普惠']]; "
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        proc = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True)
        if proc.returncode:
            raise SystemExit(f"search process failed:\n{proc.stderr}")
        rss = proc.stdout.strip().splitlines()[-1]
        print(f"\npeak memory of a search process (load + 2 hybrid searches): {int(rss) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
