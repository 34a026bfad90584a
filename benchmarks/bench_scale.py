"""Scale benchmark (prints figures; asserts nothing): the index and the bot over synthetic corpora
of 1, 10, 100 and 1,000 notices recombined from the real notice's records.

    .venv/bin/python -m benchmarks.bench_scale [--sizes 1,10,100,1000] [--timeout 660]

Each synthetic notice has its own doc_id, title, issuer (one of 40 places) and year; its items are
the real items shuffled, some dropped and some repeated, renumbered and spread over the five
sections in a shuffled order; its 配档表 rows are the real rows, sampled the same way, some moved
to another month. Texts have the year replaced, so every notice differs, but every text is a real
one otherwise: the vocabulary stays the real notice's, which makes BM25 posting lists longer than
in a corpus of truly different notices (a pessimistic figure for BM25).

Embedding is NOT done for the synthetic records: 250k texts would take hours on 2 cores. The real
records (and their sentence children) are embedded once with the real model; each synthetic text
gets the vector of the real record it was made from (`CachedEmbedder`, passed to `Index.build`,
which calls nothing else on the embedder). The embedding time reported is that measured rate times
the texts embedded: what a real build of that corpus would spend embedding.

Per size, three child processes (so peak memory is per size and per role): `build` (makes the
corpus, `Index.build` with an empty embedding cache, then, into a second folder with the same
cache, the corpus plus one more notice: what adding a notice costs), `search` (`Index.load`,
queries through `Index.search`, a numpy brute-force dense search as the same-run baseline), `bot`
(`bot.core.Bot(records, offices, index=idx)` and `Bot.ask`). A child that exceeds its timeout
is reported as such with what it measured before.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PLACES = ["济南", "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安", "威海", "日照", "临沂", "德州",
          "聊城", "滨州", "菏泽", "历下", "市中", "槐荫", "天桥", "历城", "长清", "章丘", "济阳", "莱芜", "钢城",
          "平阴", "商河", "崂山", "黄岛", "城阳", "即墨", "胶州", "平度", "莱西", "张店", "淄川", "博山", "临淄",
          "周村"]
NUMERALS = "一二三四五六七八九十"
# Index-level questions (through `Index.search`, query embedding not cached).
TOPIC = ["校外培训机构设置标准", "学前教育普惠", "孩子近视的问题有什么安排", "教师节系列活动",
         "普惠性幼儿园覆盖率目标是多少", "泉引桥", "数字教研联盟", "防止学生被欺负有什么措施"]
SCHEDULE = ["7月民继处有什么工作", "6月份基教处要完成哪些工作", "督导室上半年有哪些工作", "3月份的工作"]
# The bot's own paths.
BOT_SCHEDULE = "7月民继处有什么工作?"
BOT_TOPIC = "普惠性幼儿园覆盖率目标是多少?"


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: Linux carries
    ru_maxrss over exec from the forking parent (here one that holds the torch model)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024   # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(**figures) -> None:
    """One result line for the parent (which keeps what arrived before a timeout)."""
    print("RESULT " + json.dumps(figures), flush=True)


def quantiles(values: list[float]) -> dict:
    return {"median": statistics.median(values), "p95": float(np.percentile(values, 95))}


# --- the synthetic corpus -------------------------------------------------------------------------

def real_records():
    from index.children import with_children
    from index.store import corpus_records

    return with_children(corpus_records())


def synthetic(n_docs: int, real: list) -> tuple[list, list[int]]:
    """`n_docs` notices made from the real records (children included, made here by the code's own
    `with_children`), and for each record the position in `real` of the record whose vector it gets."""
    from index.children import with_children

    pos = {r.id: i for i, r in enumerate(real)}
    base = [r for r in real if r.kind != "sentence"]
    items = [r for r in base if r.kind == "item"]
    rows = [r for r in base if r.kind == "schedule"]
    sections = [r for r in base if r.kind == "section"]
    records, source = [], []
    for k in range(n_docs):
        rng = random.Random(k)
        year = 2024 - k // len(PLACES)
        place = PLACES[k % len(PLACES)]
        doc = f"syn-{place}-{year}" if n_docs > 1 else real[0].doc_id
        title = f"{place}市教育局{year}年工作要点"

        def text(s: str, year: int = year, place: str = place) -> str:
            return s.replace("2024", str(year)).replace("济南", place)

        out: list[tuple] = []   # (record, source record)
        for r in base:
            if r.kind in ("meta", "preamble", "paragraph"):
                meta = tuple((key, text(v)) for key, v in r.meta)
                t = (f"{place}市教育局关于印发《{title}》的通知" if r.kind == "meta" else title) \
                    if r.title else None
                out.append((replace(r, id=f"{doc}:{r.kind}", doc_id=doc, text=text(r.text), title=t,
                                    meta=meta), r))
        order = rng.sample(sections, len(sections))
        for no, s in zip(NUMERALS, order):
            out.append((replace(s, id=f"{doc}:section:{no}", doc_id=doc, section=no), s))
        picked = rng.sample(items, rng.randint(len(items) - 3, len(items)))
        picked += rng.sample(items, rng.randint(0, 3))
        for n, it in enumerate(picked, 1):
            sec = order[(n - 1) * len(order) // len(picked)]
            no = NUMERALS[order.index(sec)]
            out.append((replace(it, id=f"{doc}:item:{n}", doc_id=doc, item=n, section=no,
                                section_title=sec.text, text=text(it.text)), it))
        chosen = rng.sample(rows, rng.randint(len(rows) - 15, len(rows)))
        chosen += rng.sample(rows, rng.randint(0, 15))
        moved = [(rng.randint(1, 12) if rng.random() < 0.3 else (row.month or 1), row) for row in chosen]
        per_month: dict[int, int] = {}
        for month, row in sorted(moved, key=lambda mr: mr[0]):
            per_month[month] = per_month.get(month, 0) + 1
            out.append((replace(row, id=f"{doc}:schedule:{month:02d}-{per_month[month]:02d}", doc_id=doc,
                                month=month, months=(month,), when=f"{month}月", text=text(row.text)), row))
        made = [r for r, _ in out]
        src = {r.id: s for r, s in out}
        for r in with_children(made):
            if r.kind == "sentence":   # sentence n of a record = sentence n of its source (same splits)
                parent_src, n = src[r.parent], r.id.rsplit(":s", 1)[1]
                source.append(pos[f"{parent_src.id}:s{n}"])
            else:
                source.append(pos[src[r.id].id])
            records.append(r)
    assert len(records) == len(source)
    return records, source


class CachedEmbedder:
    """The real `Embedder` (name, fingerprint, query encoder, manifest description), except that
    `documents` returns, for each text, the vector of the real record it was made from."""

    def __init__(self, vectors: dict[str, np.ndarray]):
        from index.store import Embedder

        self._real = Embedder()
        self._vectors = vectors
        self.texts = 0   # texts asked for, over all calls

    def documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        unknown = [t for t in texts if t not in self._vectors]
        if unknown:
            raise ValueError(f"{len(unknown)} texts were not made by the benchmark's corpus, e.g. "
                             f"{unknown[0][:40]!r}: index_text or with_children changed, fix "
                             "benchmarks/bench_scale.py")
        self.texts += len(texts)
        return np.stack([self._vectors[t] for t in texts])

    def __getattr__(self, name):
        return getattr(self._real, name)


def source_vectors(records: list, source: list[int], cache: np.ndarray, offices) -> dict[str, np.ndarray]:
    """The text each record is indexed under -> the vector of its source (the first, when two
    records share a text)."""
    from index.text import index_text

    out: dict[str, np.ndarray] = {}
    for r, s in zip(records, source):
        out.setdefault(index_text(r, offices), cache[s])
    return out


# --- the children ---------------------------------------------------------------------------------

def child_build(n: int, work: Path) -> None:
    from index.store import Index
    from ingest import CORPUS
    from ingest.offices import OfficeTable

    real = real_records()
    cache = np.load(work / "real_vectors.npy")
    offices = OfficeTable.for_corpus(CORPUS)
    t0 = time.perf_counter()
    records, source = synthetic(n, real)
    emit(generate_s=time.perf_counter() - t0, records=sum(r.kind != "sentence" for r in records),
         index_records=len(records))
    # The same notices and one more (from 1 to 2 the real notice becomes a synthetic one as well).
    more, more_source = synthetic(n + 1, real)
    embedder = CachedEmbedder(source_vectors(records + more, source + more_source, cache, offices))
    path = work / f"index-{n}"
    cache_dir = work / f"embeddings-{n}"
    t0 = time.perf_counter()
    idx = Index.build(records, path, offices, embedder=embedder, cache_dir=cache_dir)
    build = time.perf_counter() - t0
    assert len(idx.records) == len(records)
    emit(build_s=build, embedded_texts=embedder.texts,
         disk_bytes=sum(p.stat().st_size for p in path.rglob("*") if p.is_file()),
         cache_bytes=sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file()))
    del idx
    embedder.texts = 0
    t0 = time.perf_counter()
    Index.build(more, work / f"index-{n}-more", offices, embedder=embedder, cache_dir=cache_dir)
    emit(rebuild_more_s=time.perf_counter() - t0, rebuild_more_texts=embedder.texts,
         rebuild_more_records=len(more) - len(records), build_peak_mib=peak_mib())
    shutil.rmtree(work / f"index-{n}-more")
    shutil.rmtree(cache_dir)


def child_search(n: int, work: Path) -> None:
    import faiss

    from index.lexical import Bm25Matrix
    from index.store import Index, read_records

    path = work / f"index-{n}"
    t0 = time.perf_counter()
    idx = Index.load(path, check_corpus=False)
    emit(load_s=time.perf_counter() - t0)
    for q in TOPIC + SCHEDULE:   # warm: encoder loaded, jieba's dictionary loaded
        idx.search(q, k=5, mode="hybrid")

    reps = 5 if n >= 1000 else 10

    def lat(queries, **kw) -> dict:
        out = []
        for _ in range(reps):
            for q in queries:
                idx.embedder.clear_cache()   # measure the real work, not the per-text cache
                t0 = time.perf_counter()
                idx.search(q, k=5, **kw)
                out.append((time.perf_counter() - t0) * 1000)
        return quantiles(out)

    emit(q_schedule=lat(SCHEDULE, mode="hybrid", kinds=("schedule",)))
    for mode in ("bm25", "dense", "hybrid"):
        emit(**{f"q_{mode}": lat(TOPIC, mode=mode)})
    emit(search_peak_mib=peak_mib())
    # Same-run baselines, after the peak was taken (the copy of the vectors is the baseline's own):
    # the query embedding alone, and dense top-5 by a numpy product over every vector.
    out, base = [], []
    vectors = idx.faiss.reconstruct_n(0, idx.faiss.ntotal)
    for _ in range(reps):
        for q in TOPIC:
            idx.embedder.clear_cache()
            t0 = time.perf_counter()
            qv = idx.embedder.query(q)
            t1 = time.perf_counter()
            scores = vectors @ qv[0]
            np.argpartition(-scores, 5)[:5]
            t2 = time.perf_counter()
            out.append((t1 - t0) * 1000)
            base.append((t2 - t0) * 1000)
    emit(q_embed=quantiles(out), q_numpy_dense=quantiles(base))
    del vectors
    # Parts of the load, timed again on their own: the checksums of every file, opening the BM25
    # matrix, reading the FAISS file. After the peak memory was taken (reading dense.faiss again
    # holds a second copy) and after the warm-up (the encoder's loading thread holds the GIL).
    # Parsing every record is no longer part of the load (the bot's start does it, through
    # `idx.records`): timed last, as what the load used to spend on it.
    t0 = time.perf_counter()
    Index.check(path, check_corpus=False)
    check = time.perf_counter() - t0
    t0 = time.perf_counter()
    Bm25Matrix.load(path / "bm25", len(idx.records))
    bm25 = time.perf_counter() - t0
    t0 = time.perf_counter()
    faiss.read_index(str(path / "dense.faiss"))
    dense = time.perf_counter() - t0
    emit(load_check_s=check, load_bm25_s=bm25, load_faiss_s=dense)
    t0 = time.perf_counter()
    read_records(path)
    emit(parse_records_s=time.perf_counter() - t0)


def child_bot(n: int, work: Path) -> None:
    from bot.core import Bot
    from index.store import Index
    from ingest import CORPUS
    from ingest.offices import OfficeTable

    idx = Index.load(work / f"index-{n}", check_corpus=False)
    idx.search(BOT_TOPIC, k=5)   # the encoder loaded: bot start is the bot's own work
    t0 = time.perf_counter()
    bot = Bot(idx.records, OfficeTable.for_corpus(CORPUS), index=idx)
    emit(bot_start_s=time.perf_counter() - t0)
    for name, q in (("bot_schedule", BOT_SCHEDULE), ("bot_topic", BOT_TOPIC)):
        bot.ask(q)   # warm
        out = []
        for _ in range(3 if n >= 1000 else 5):
            idx.embedder.clear_cache()
            t0 = time.perf_counter()
            bot.ask(q)
            out.append((time.perf_counter() - t0) * 1000)
        emit(**{name: quantiles(out)})
    emit(bot_peak_mib=peak_mib())


# --- the parent -----------------------------------------------------------------------------------

def embed_real(work: Path) -> float:
    """Embed the real records once with the real model; return seconds per record."""
    from index.store import Embedder
    from index.text import index_text
    from ingest import CORPUS
    from ingest.offices import OfficeTable

    real = real_records()
    offices = OfficeTable.for_corpus(CORPUS)
    texts = [index_text(r, offices) for r in real]
    embedder = Embedder()
    embedder.documents(texts[:4])   # the model loaded: the rate is embedding alone
    t0 = time.perf_counter()
    vectors = embedder.documents(texts)
    rate = (time.perf_counter() - t0) / len(texts)
    np.save(work / "real_vectors.npy", vectors, allow_pickle=False)
    return rate


def run_child(role: str, n: int, work: Path, timeout: float) -> dict:
    cmd = ["nice", sys.executable, "-m", "benchmarks.bench_scale", "--child", role, "--size", str(n),
           "--work", str(work)]
    out: dict = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        out[f"{role}_timeout"] = timeout
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            out.update(json.loads(line[7:]))
            print(f"  [{n} notices, {role}, {time.perf_counter() - t0:.0f} s] {line[7:]}", file=sys.stderr)
    if proc.returncode and f"{role}_timeout" not in out:
        out[f"{role}_error"] = (stderr.strip().splitlines() or ["?"])[-1]
        print(stderr[-2000:], file=sys.stderr)
    return out


def table(results: dict[int, dict], rate: float) -> str:
    sizes = sorted(results)

    def cell(n: int, key: str, fmt) -> str:
        d = results[n]
        if key in d:
            return fmt(d[key])
        role = next(r for r, keys in KEYS_OF.items() if key in keys)
        if f"{role}_timeout" in d:   # the first figure the child did not print is where it stopped
            first = next(k for k in ORDER_OF[role] if k not in d)
            return f"did not finish in the {d[f'{role}_timeout']:.0f} s limit" if key == first else "not reached"
        if f"{role}_error" in d:
            return "error (see stderr)"
        return "–"

    ms = lambda q: f"{q['median']:.1f} / {q['p95']:.1f}"
    rows = [
        ("notices", None, None),
        ("records (index records, with sentence children)", "records",
         lambda v: f"{v:,}"),
        ("build, empty embedding cache, vectors supplied (s)", "build_s", lambda v: f"{v:.1f}"),
        ("build per 1,000 index records, vectors supplied (s)", "build_per_k", lambda v: f"{v:.2f}"),
        (f"embedding with the real model, projected ({rate * 1000:.0f} s per 1,000 texts)",
         "embed_s", lambda v: f"{v / 60:.1f} min" if v >= 120 else f"{v:.0f} s"),
        ("add one notice, rebuild with the cache: index records added / texts embedded",
         "rebuild_more", None),
        ("  that rebuild, vectors supplied (s) + its embedding, projected (s)", "rebuild_more_s", None),
        ("index size on disk / embedding cache", "disk_bytes",
         lambda v: f"{v / 2**20:.1f} MiB" if v >= 2**20 else f"{v / 1024:.0f} KiB"),
        ("load, `Index.load` (s)", "load_s", lambda v: f"{v:.2f}"),
        ("  parts, timed again alone: file checksums, manifest, model check (s)", "load_check_s", lambda v: f"{v:.2f}"),
        ("  parts: open the BM25 matrix (mmap) / read dense.faiss (s)", "load_parts", None),
        ("  not in the load: parse all of records.jsonl (s)", "parse_records_s", lambda v: f"{v:.2f}"),
        ("schedule query, hybrid with kinds=schedule, median / p95 (ms)", "q_schedule", ms),
        ("bm25 query, median / p95 (ms)", "q_bm25", ms),
        ("dense query, median / p95 (ms)", "q_dense", ms),
        ("hybrid query, median / p95 (ms)", "q_hybrid", ms),
        ("  baseline: query embedding alone, median / p95 (ms)", "q_embed", ms),
        ("  baseline: embedding + numpy brute-force dense top-5, median / p95 (ms)", "q_numpy_dense", ms),
        ("bot start, `Bot(records, offices, index=idx)` (s)", "bot_start_s", lambda v: f"{v:.2f}"),
        ("bot schedule answer, median / p95 (ms)", "bot_schedule", ms),
        ("bot topic answer, median / p95 (ms)", "bot_topic", ms),
        ("peak memory: build / search / bot process (MiB)", "peaks", None),
    ]
    results = {n: dict(d) for n, d in results.items()}   # the caller's figures stay as measured
    for n in sizes:
        d = results[n]
        if "build_s" in d:
            d["build_per_k"] = d["build_s"] / d["index_records"] * 1000
        if "embedded_texts" in d:
            d["embed_s"] = rate * d["embedded_texts"]
        if "index_records" in d:
            d["records"] = f"{d['records']:,} ({d['index_records']:,})"
    lines = ["| | " + " | ".join(f"{n:,}" for n in sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
    for label, key, fmt in rows[1:]:
        if key == "records":
            cells = [results[n].get("records", "–") for n in sizes]
        elif key == "rebuild_more":
            cells = [f"{results[n]['rebuild_more_records']:,} / {results[n]['rebuild_more_texts']:,}"
                     if "rebuild_more_texts" in results[n] else cell(n, "rebuild_more_s", str) for n in sizes]
        elif key == "rebuild_more_s":
            cells = [f"{results[n]['rebuild_more_s']:.1f} + {rate * results[n]['rebuild_more_texts']:.0f}"
                     if "rebuild_more_texts" in results[n] else cell(n, key, str) for n in sizes]
        elif key == "disk_bytes":
            cells = [" / ".join(fmt(results[n][k]) for k in ("disk_bytes", "cache_bytes"))
                     if "cache_bytes" in results[n] else cell(n, key, fmt) for n in sizes]
        elif key == "load_parts":
            cells = [f"{results[n]['load_bm25_s']:.2f} / {results[n]['load_faiss_s']:.2f}"
                     if "load_faiss_s" in results[n] else cell(n, "load_check_s", str) for n in sizes]
        elif key == "peaks":
            cells = [" / ".join(f"{results[n][k]:.0f}" if k in results[n] else "–"
                                for k in ("build_peak_mib", "search_peak_mib", "bot_peak_mib")) for n in sizes]
        else:
            cells = [cell(n, key, fmt) for n in sizes]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


KEYS_OF = {
    "build": {"records", "build_s", "build_per_k", "embed_s", "disk_bytes", "rebuild_more_s"},
    "search": {"load_s", "load_check_s", "load_parts", "parse_records_s", "q_schedule", "q_bm25", "q_dense",
               "q_hybrid", "q_embed", "q_numpy_dense"},
    "bot": {"bot_start_s", "bot_schedule", "bot_topic"},
}
ORDER_OF = {"build": ["records", "build_s", "rebuild_more_s"],
            "search": ["load_s", "load_check_s", "q_schedule", "q_bm25", "q_dense", "q_hybrid", "q_embed"],
            "bot": ["bot_start_s", "bot_schedule", "bot_topic"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100,1000", help="numbers of notices, comma-separated")
    ap.add_argument("--timeout", type=float, default=660, help="seconds each child process may take")
    ap.add_argument("--child", choices=("build", "search", "bot"), help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        {"build": child_build, "search": child_search, "bot": child_bot}[args.child](args.size, args.work)
        return
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        raise SystemExit(f"--sizes takes numbers separated by commas, got {args.sizes!r}") from None
    if not sizes or min(sizes) < 1:
        raise SystemExit(f"--sizes must be numbers >= 1, got {args.sizes!r}")
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench_scale-") as tmp:
        work = Path(tmp)
        rate = embed_real(work)
        print(f"real records embedded once with the real model: {rate * 1000:.1f} ms per record", file=sys.stderr)
        for n in sizes:
            results[n] = run_child("build", n, work, args.timeout)
            if "build_s" in results[n]:
                results[n].update(run_child("search", n, work, args.timeout))
                results[n].update(run_child("bot", n, work, args.timeout))
            shutil.rmtree(work / f"index-{n}", ignore_errors=True)   # 0.6 GB at 1,000 notices
    print(f"Synthetic corpora recombined from the real notice's records. Dense vectors are the real "
          f"records' vectors reused, not embedded: build times exclude embedding, whose projected cost "
          f"is the measured rate ({rate * 1000:.1f} ms per text) times the texts embedded.")
    print(table(results, rate))
    print(json.dumps(results, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main()
