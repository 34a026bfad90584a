"""`python -m eval run [--questions FILE] [--out results.json] [--report report.md]` and
`python -m eval calibrate`: the not-found model, fitted on the fit part of the question set and
written to eval/calibration.json (`POLICYQA_CALIBRATION`); `python -m eval split`: assign new
questions to the fit or held-out part (eval/split.json); `python -m eval feedback` and
`feedback-append`: 👎 votes in the app's feedback log as candidate questions, and a reviewed file
appended to the set (eval/feedback.py)."""
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
    sp = sub.add_parser("split", help="assign questions not yet in eval/split.json to a part")
    sp.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    from eval import feedback

    feedback.add_parsers(sub, DEFAULT_QUESTIONS)
    args = ap.parse_args(argv)
    if args.cmd in ("feedback", "feedback-append"):
        return feedback.run(args)

    try:
        questions = load_questions(args.questions)
    except (OSError, QuestionFileError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.cmd == "split":
        from eval.split import SPLIT, extend_split

        parts = extend_split(questions)
        print(f"{SPLIT}: {sum(v == 'fit' for v in parts.values())} fit, "
              f"{sum(v == 'heldout' for v in parts.values())} held out")
        return 0
    from bot.core import Bot

    bot = Bot.load(rebuild=True)   # figures on a stale index would mislead
    if args.cmd == "calibrate":
        from bot.scope import FEATURES, Answerability
        from eval.calibrate import calibrate, save
        from eval.split import part

        if bot.scope.calibration.get("features") != FEATURES:
            # A model fitted on other features cannot decide the earlier turns of a multi-turn
            # question while this one is fitted: those are answered by the rules alone.
            bot.scope = Answerability({})

        result = calibrate(bot, part(questions, "fit"), part(questions, "heldout"))
        path = save(result, args.questions)
        print(json.dumps({k: v for k, v in result.items() if k != "logistic"}, ensure_ascii=False, indent=1))
        print(f"wrote {path}")
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
