"""`python -m eval run [--questions FILE] [--out results.json] [--report report.md]` and
`python -m eval calibrate`: the not-found threshold, fitted on the question set and written to
bot/calibration.json (what it was fitted on is recorded beside it)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eval.metrics import QuestionFileError, load_questions

HERE = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = HERE / "questions.jsonl"


def build_systems(bot, only: list[str] | None = None) -> dict:
    from eval.systems import bot_system, langchain_rag_system, retrieval_system

    names = only or ["langchain-rag", "bm25", "dense", "hybrid", "bot"]
    systems = {}
    for name in names:
        if name == "langchain-rag":
            systems[name] = langchain_rag_system(bot.records, str(bot.index.embedder.path))
        elif name in ("bm25", "dense", "hybrid"):
            systems[name] = retrieval_system(bot.index, name)
        elif name == "bot":
            systems[name] = bot_system(bot)
        else:
            raise ValueError(f"unknown system {name!r}; valid: langchain-rag, bm25, dense, hybrid, bot")
    return systems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the question set through all systems")
    r.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    r.add_argument("--out", type=Path, default=Path("results.json"))
    r.add_argument("--report", type=Path, default=Path("report.md"))
    r.add_argument("--systems", default=None, help="comma-separated subset (default: all five)")
    c = sub.add_parser("calibrate", help="fit the not-found threshold on a question set")
    c.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    args = ap.parse_args(argv)

    try:
        questions = load_questions(args.questions)
    except (OSError, QuestionFileError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from bot.core import Bot

    bot = Bot.load()
    if args.cmd == "calibrate":
        from eval.calibrate import calibrate, save

        result = calibrate(bot, questions)
        save(result, args.questions)
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0

    from eval.runner import run, save

    systems = build_systems(bot, args.systems.split(",") if args.systems else None)
    summary, results = run(questions, systems, bot.index, str(args.questions))
    save(summary, results, args.out, args.report)
    for key, s in summary["systems"].items():
        print(f"{key:14s} pass {s['passed']}/{s['questions']} ({s['pass_rate']:.1%})  "
              f"median {s['latency_ms_median']:.1f} ms")
    print(f"wrote {args.out} and {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
