"""`python -m ingest [PATH ...] [--json | --report]`: read notices and say what was read.

Exit 0 when every file was read (duplicates are warnings), 2 when a file was skipped (the others
are still read and printed).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest import corpus_dir, read_corpus
from ingest.errors import IngestError
from ingest.offices import OfficeTableError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help=f"files or folders (default: POLICYQA_CORPUS, else {corpus_dir()})")
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object per document per line")
    out.add_argument("--report", action="store_true",
                     help="one JSON reading report per file (format, encoding, counts, warnings)")
    args = ap.parse_args(argv)
    try:
        report = read_corpus(args.paths or None)
    except (IngestError, OfficeTableError) as e:   # a bad setting (limits) or office table
        print(f"error: {e}", file=sys.stderr)
        return 2
    docs = {d.doc_id: d for d in report.documents}
    for f in report.files:
        if args.report:
            print(json.dumps(f.to_dict(), ensure_ascii=False))
        elif f.status == "skipped":
            print(f"error: {f.error}", file=sys.stderr)
        elif args.json:
            if f.status == "read":
                print(json.dumps(docs[f.doc_id].summary_json(), ensure_ascii=False))
            for w in f.warnings:
                print(f"warning: {w}", file=sys.stderr)
        else:
            label = f"{f.doc_id}: {f.title}" if f.status == "read" else f"(duplicate) {f.path}"
            print(label)
            print(f"  file: {f.path} ({f.format}{', ' + f.encoding if f.encoding else ''})")
            print(f"  sections: {f.sections}  items: {f.items}  schedule rows: {f.rows}  "
                  f"records: {f.records}"
                  + (f"  offices: {len(docs[f.doc_id].offices)}" if f.status == "read" else ""))
            for w in f.warnings:
                print(f"  warning: {w}")
    if not report.documents:
        where = ", ".join(map(str, args.paths)) if args.paths else str(corpus_dir())
        print(f"error: no readable document in {where}" if report.files else
              f"error: no notice files in {where}", file=sys.stderr)
        return 2
    return 2 if report.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
