"""`python -m bot ask [--json] QUESTION [FOLLOW-UP ...]`: the arguments are the turns of one conversation."""
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
    args = ap.parse_args(argv)

    from bot.core import Bot
    from bot.llm import maybe_rewrite

    bot = Bot.load()
    for n, question in enumerate(args.turns):
        answer = maybe_rewrite(bot.ask(question, args.turns[:n]))
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"问:{question}\n答:{answer.answer}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
