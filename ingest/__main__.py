"""`python -m ingest [PATH ...] [--json]`: parse notices and print a summary per document."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest import CORPUS, load_corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    ap.add_argument("paths", nargs="*", type=Path, help=f"files or folders (default: {CORPUS})")
    ap.add_argument("--json", action="store_true", help="one JSON object per document per line")
    args = ap.parse_args(argv)
    docs, errors = load_corpus(args.paths or None)
    for doc in docs:
        if args.json:
            print(json.dumps(doc.summary_json(), ensure_ascii=False))
            continue
        print(f"{doc.doc_id}: {doc.title}")
        print(f"  file: {doc.path} ({doc.encoding})")
        print(f"  sections: {len(doc.sections)}  items: {len(doc.items)}  "
              f"schedule rows: {len(doc.schedule)}  offices: {len(doc.offices)}")
        for w in doc.warnings:
            print(f"  warning: {w}")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
