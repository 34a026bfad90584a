"""`python -m bot ask [--json] [--rebuild] QUESTION [FOLLOW-UP ...]`: the arguments are the turns of one
conversation. A corpus changed since the index was built is answered from the last good index with a
one-line warning; `--rebuild` waits for a fresh index first."""
from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("ask", help="ask one conversation's turns")
    a.add_argument("turns", nargs="+", metavar="QUESTION")
    a.add_argument("--json", action="store_true", help="one JSON object per turn")
    a.add_argument("--rebuild", action="store_true",
                   help="rebuild the index first if the corpus changed (waits for it)")
    args = ap.parse_args(argv)

    from bot.core import Bot
    from bot.llm import maybe_rewrite
    from ingest import IngestError
    from index.store import IndexError_

    try:
        bot = Bot.load(rebuild=args.rebuild)
    except (IngestError, IndexError_) as e:   # no readable notice and no last good index, …
        print(f"error: {e}", file=sys.stderr)
        return 2
    for n, question in enumerate(args.turns):
        answer = maybe_rewrite(bot.ask(question, args.turns[:n]))
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"问:{question}\n答:{answer.answer}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
