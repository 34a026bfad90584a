"""From 👎 votes to eval questions: `python -m eval feedback` and `python -m eval feedback-append`.

The app appends one JSON object per vote to its feedback log (app.py `FeedbackLog`; keys `time`,
`vote` up / down / cleared, `question`, `history` (the earlier user turns), `answer`, `citations`,
and, when the user gave them with a 👎, `comment` and `should_cite`). A rotated log keeps its older
lines in siblings such as `feedback.jsonl.1`; all are read.

`feedback` turns each conversation whose latest vote is 👎 into a *candidate* in the question
format of eval/questions.jsonl, with everything the evaluator needs under a `review` key (the bot's
answer and citations, the users' comments and what they say should have been cited). The evaluator
writes the `expect`, fixes the category and deletes `review`; `feedback-append` then checks the
file and appends it to the question set and to the fit / held-out split.

Candidate ids are a hash of the turns, so running `feedback` again yields the same ids, and a
conversation already in the question set is not proposed again.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from eval.metrics import EXPECT_KEYS, Question, QuestionFileError, load_questions, norm

CATEGORY = "feedback"
# Keys the app may use for "what the answer should have cited" (the first present wins).
SHOULD_CITE_KEYS = ("should_cite", "should_have_cited")
REVIEW_TODO = ("write `expect` (items / schedule / answer_contains / not_found) from the notice, "
               "set `category` to an existing one if it fits, then delete this `review` key")
_ROTATED = re.compile(r"\.(\d+)$")
_ROOT = Path(__file__).resolve().parent.parent


class FeedbackError(ValueError):
    """A feedback log or reviewed file that cannot be used; the message names the line and the fix."""


@dataclass(frozen=True)
class Vote:
    time: datetime
    vote: str
    turns: tuple[str, ...]          # earlier user turns + the question voted on
    answer: str
    citations: tuple[dict, ...]
    comment: str = ""
    should_cite: str = ""
    source: str = ""                # file:line, for messages


@dataclass
class ReadResult:
    votes: list[Vote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- reading the log ------------------------------------------------------------------------------

def log_files(log: Path) -> list[Path]:
    """The log and its numbered rotated siblings, oldest first (`.3`, `.2`, `.1`, then the log)."""
    rotated = [(int(m.group(1)), p) for p in log.parent.glob(log.name + ".*")
               if (m := _ROTATED.search(p.name)) and p.name == f"{log.name}.{m.group(1)}" and p.is_file()]
    files = [p for _, p in sorted(rotated, reverse=True)]
    return files + ([log] if log.is_file() else [])


def _parse_time(value, where: str) -> datetime:
    if not isinstance(value, str):
        raise FeedbackError(f"{where}: 'time' must be an ISO timestamp string, got {value!r}")
    try:
        t = datetime.fromisoformat(value)
    except ValueError as e:
        raise FeedbackError(f"{where}: 'time' {value!r} is not an ISO timestamp ({e})") from e
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _vote(d: dict, where: str) -> Vote:
    missing = {"time", "vote", "question"} - set(d)
    if missing:
        raise FeedbackError(f"{where}: missing keys {sorted(missing)}")
    history = d.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, str) for t in history):
        raise FeedbackError(f"{where}: 'history' must be a list of strings, got {history!r}")
    should = next((str(d[k]) for k in SHOULD_CITE_KEYS if d.get(k)), "")
    return Vote(_parse_time(d["time"], where), str(d["vote"]), tuple(history) + (str(d["question"]),),
                str(d.get("answer") or ""), tuple(d.get("citations") or ()),
                str(d.get("comment") or "").strip(), should.strip(), where)


def read_log(log: Path) -> ReadResult:
    """Every vote in the log and its rotated siblings. A line that is not a vote (the broken tail a
    crash can leave, see `FeedbackLog._open`) is skipped with a warning naming it, never fatal."""
    files = log_files(log)
    if not files:
        raise FeedbackError(f"no feedback log at {log}: vote in the app first, or pass --log PATH "
                            "(the app writes to $POLICYQA_FEEDBACK, default var/feedback.jsonl)")
    out = ReadResult()
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                d = json.loads(line)
                if not isinstance(d, dict):
                    raise FeedbackError(f"{where}: a vote is a JSON object, got {type(d).__name__}")
                out.votes.append(_vote(d, where))
            except json.JSONDecodeError as e:
                out.warnings.append(f"{where}: skipped, not JSON ({e.msg}); a crash mid-write leaves this")
            except FeedbackError as e:
                out.warnings.append(f"skipped {e}")
    out.votes.sort(key=lambda v: v.time)     # stable: file order within one timestamp
    return out


# --- candidates -----------------------------------------------------------------------------------

def question_id(turns: tuple[str, ...]) -> str:
    return "fb-" + hashlib.sha256(json.dumps(list(turns), ensure_ascii=False).encode()).hexdigest()[:10]


def _label(c: dict) -> str:
    if c.get("kind") == "item":
        return f"〔第{c.get('item')}条〕"
    if c.get("kind") == "schedule":
        return f"〔配档表·{c.get('month')}月·{'、'.join(c.get('offices') or [])}〕{c.get('task') or ''}"
    return f"〔{c.get('kind')}〕"


def suggested_expect(should_cite: str) -> dict:
    """Items a user named as “第7条” / “〔第7条〕”: a starting point the evaluator checks."""
    items = sorted({int(n) for n in re.findall(r"第\s*(\d+)\s*条", should_cite)})
    return {"items": items} if items else {}


def candidates(votes: list[Vote], since: date | None = None,
               known: list[Question] = ()) -> tuple[list[dict], list[str]]:
    """One candidate per conversation whose latest vote is 👎 (a 👎 later cleared or turned into a 👍
    is dropped), newest first. Returns (candidates, ids of questions already in `known`)."""
    by_turns: dict[tuple[str, ...], list[Vote]] = {}
    for v in votes:
        by_turns.setdefault(tuple(norm(t) for t in v.turns), []).append(v)
    known_turns = {tuple(norm(t) for t in q.turns): q.id for q in known}
    out, already = [], []
    for key, vs in by_turns.items():
        last = vs[-1]
        if last.vote != "down" or (since and last.time.astimezone(timezone.utc).date() < since):
            continue
        if key in known_turns:
            already.append(known_turns[key])
            continue
        downs = [v for v in vs if v.vote == "down"]
        comments = list(dict.fromkeys(v.comment for v in downs if v.comment))
        should = list(dict.fromkeys(v.should_cite for v in downs if v.should_cite))
        out.append({
            "id": question_id(last.turns),
            "category": CATEGORY,
            "turns": list(last.turns),
            "expect": suggested_expect(" ".join(should)),
            "review": {
                "todo": REVIEW_TODO,
                "answer": last.answer,
                "cited": [_label(c) for c in last.citations],
                "comments": comments,
                "should_cite": should,
                "downvotes": len(downs),
                "last_vote": last.time.isoformat(timespec="seconds"),
                "log": last.source,
            },
        })
    out.sort(key=lambda c: c["review"]["last_vote"], reverse=True)
    return out, already


def write_candidates(cands: list[dict], out: Path, force: bool = False) -> None:
    if out.exists() and not force:
        raise FeedbackError(f"{out} already exists (it may hold review work): pass --force to overwrite "
                            "or choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cands), encoding="utf-8")


# --- appending a reviewed file --------------------------------------------------------------------

def _check_expect(expect: dict, where: str, items: set[int] | None, rows: list[tuple[int, str]] | None) -> None:
    """Types and values of one reviewed `expect`; `items` / `rows` (the notice's) when known."""
    if not expect:
        raise FeedbackError(f"{where}: 'expect' is empty, so the question would always pass; add at least "
                            f"one of {sorted(EXPECT_KEYS)}")
    got = expect.get("items", [])
    if not isinstance(got, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in got):
        raise FeedbackError(f"{where}: expect.items must be a list of item numbers such as [7], got {got!r}")
    if items is not None and (bad := [i for i in got if i not in items]):
        raise FeedbackError(f"{where}: expect.items {bad} are not items of the notice "
                            f"(it has {min(items)}–{max(items)}); use the number of a 第N条")
    for row in expect.get("schedule", []):
        if (not isinstance(row, dict) or set(row) != {"month", "task_contains"}
                or not isinstance(row["month"], int) or not 1 <= row["month"] <= 12
                or not isinstance(row["task_contains"], str) or not row["task_contains"].strip()):
            raise FeedbackError(f"{where}: each expect.schedule entry is "
                                f'{{"month": 1–12, "task_contains": "words of the task"}}, got {row!r}')
        if rows is not None and not any(m == row["month"] and norm(row["task_contains"]) in t for m, t in rows):
            raise FeedbackError(f"{where}: no {row['month']}月 row of the 配档表 contains "
                                f"{row['task_contains']!r}; copy words from the row's task")
    for key, typ, example in (("answer_contains", list, '["2025年"]'), ("not_found", bool, "true")):
        if key in expect and not isinstance(expect[key], typ):
            raise FeedbackError(f"{where}: expect.{key} must be like {example}, got {expect[key]!r}")
    if not all(isinstance(s, str) and s for s in expect.get("answer_contains", [])):
        raise FeedbackError(f"{where}: expect.answer_contains must hold non-empty strings")


def check_reviewed(path: Path, questions: list[Question], records=None) -> list[Question]:
    """The reviewed questions of `path`, or a FeedbackError naming the first bad line and the fix.
    `records` (the corpus records) lets items and rows be checked against the notice."""
    try:
        new = load_questions(path)         # JSON, keys, turns, expect keys, duplicate ids
    except QuestionFileError as e:
        raise FeedbackError(str(e)) from e
    if not new:
        raise FeedbackError(f"{path}: no questions in it; nothing to append")
    items = rows = None
    if records is not None:
        items = {r.item for r in records if r.kind == "item" and r.item is not None}
        rows = [(r.month, norm(r.text)) for r in records if r.kind == "schedule"]
    have_ids = {q.id for q in questions}
    have_turns = {tuple(norm(t) for t in q.turns): q.id for q in questions}
    lines = [(n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    for (n, line), q in zip(lines, new):
        where = f"{path}:{n} ({q.id})"
        d = json.loads(line)
        if "review" in d:
            raise FeedbackError(f"{where}: still has a 'review' key; check the expectation against the "
                                "notice, then delete the key (or delete the line to drop the question)")
        if not isinstance(q.expect, dict):
            raise FeedbackError(f"{where}: 'expect' must be an object")
        _check_expect(q.expect, where, items, rows)
        if q.id in have_ids:
            raise FeedbackError(f"{where}: id {q.id!r} is already in the question set; give it a new id")
        if (t := tuple(norm(x) for x in q.turns)) in have_turns:
            raise FeedbackError(f"{where}: the same turns are already question {have_turns[t]!r}; "
                                "delete this line or edit that question")
    counts = Counter(q.category for q in questions + new)
    thin = sorted(c for c in {q.category for q in new} if counts[c] < 2)
    if thin:
        raise FeedbackError(f"{path}: categor{'y' if len(thin) == 1 else 'ies'} {thin} would hold one "
                            "question, and the split puts every category in both parts; use an existing "
                            f"category ({', '.join(sorted({q.category for q in questions}))}) or add a second")
    return new


def append_reviewed(path: Path, questions_path: Path, split_path: Path, records=None) -> list[Question]:
    """Check `path`, append it to `questions_path` (replaced atomically) and assign the new ids to
    the fit / held-out split in `split_path`. Returns the appended questions."""
    from eval.split import extend_split

    questions = load_questions(questions_path)
    new = check_reviewed(path, questions, records)
    text = questions_path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(json.dumps({"id": q.id, "category": q.category, "turns": list(q.turns),
                                "expect": q.expect}, ensure_ascii=False) + "\n" for q in new)
    fd, tmp = tempfile.mkstemp(prefix=questions_path.name + ".", dir=questions_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        all_questions = load_questions(Path(tmp))      # the whole file still loads
        os.replace(tmp, questions_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    extend_split(all_questions, split_path)
    return new


# --- command line ---------------------------------------------------------------------------------

def since_date(value: str) -> date:
    """argparse type for --since."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        import argparse
        raise argparse.ArgumentTypeError(f"--since wants a date as YYYY-MM-DD, got {value!r}") from None


def add_parsers(sub, default_questions: Path) -> None:
    from eval.split import SPLIT

    f = sub.add_parser("feedback", help="turn 👎 votes in the feedback log into candidate questions")
    f.add_argument("--log", type=Path, default=None,
                   help="feedback log (default: $POLICYQA_FEEDBACK or var/feedback.jsonl); rotated "
                        "siblings LOG.1, LOG.2 … are read too")
    f.add_argument("--since", type=since_date, default=None,
                   help="only conversations last voted on this UTC date or later (YYYY-MM-DD)")
    f.add_argument("--out", type=Path, default=_ROOT / "var" / "feedback-candidates.jsonl",
                   help="candidates to review (default var/feedback-candidates.jsonl, not tracked by git)")
    f.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    f.add_argument("--questions", type=Path, default=default_questions)
    a = sub.add_parser("feedback-append", help="check a reviewed candidates file and add it to the question set")
    a.add_argument("reviewed", type=Path)
    a.add_argument("--questions", type=Path, default=default_questions)
    a.add_argument("--split", type=Path, default=SPLIT)


def default_log() -> Path:
    return Path(os.environ.get("POLICYQA_FEEDBACK", _ROOT / "var" / "feedback.jsonl")).expanduser()


def run(args) -> int:
    """`python -m eval feedback` / `feedback-append`; exit 2 with the reason on bad input."""
    try:
        if args.cmd == "feedback":
            log = args.log or default_log()
            result = read_log(log)
            for w in result.warnings:
                print(f"warning: {w}", file=sys.stderr)
            cands, already = candidates(result.votes, args.since, load_questions(args.questions))
            write_candidates(cands, args.out, args.force)
            if already:
                print(f"{len(already)} 👎 conversation(s) are already questions: {', '.join(sorted(already))}",
                      file=sys.stderr)
            print(f"{len(result.votes)} votes in {len(log_files(log))} file(s); wrote {len(cands)} "
                  f"candidate(s) to {args.out}: review each, then `python -m eval feedback-append {args.out}`")
            return 0
        from index.store import corpus_records

        new = append_reviewed(args.reviewed, args.questions, args.split, corpus_records())
        print(f"appended {len(new)} question(s) to {args.questions} and assigned them in {args.split}")
        return 0
    except (OSError, FeedbackError, QuestionFileError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
