"""Grading and metrics for the evaluation set. Pure functions, unit-tested with hand-computed values.

A question's `expect` is graded on the bot's JSON object for the last turn:
- every listed item and schedule row must be cited (a row matches a cited schedule citation with
  the same month whose task contains `task_contains`);
- every `answer_contains` string must appear in the answer;
- `not_found: true` means `found` must be false;
- a question with gold rows fails if the answer cites any other schedule row (row precision).
Strings are compared after NFKC normalisation with all whitespace removed.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

EXPECT_KEYS = {"items", "schedule", "answer_contains", "not_found"}


class QuestionFileError(ValueError):
    pass


def norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    turns: tuple[str, ...]
    expect: dict

    @property
    def gold_items(self) -> list[int]:
        return list(self.expect.get("items", []))

    @property
    def gold_rows(self) -> list[dict]:
        return list(self.expect.get("schedule", []))


def load_questions(path: Path) -> list[Question]:
    out, seen = [], set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise QuestionFileError(f"{path}:{n}: not valid JSON ({e.msg})") from e
        missing = {"id", "category", "turns", "expect"} - set(d)
        if missing:
            raise QuestionFileError(f"{path}:{n}: missing keys {sorted(missing)}")
        if not isinstance(d["turns"], list) or not d["turns"] or not all(isinstance(t, str) for t in d["turns"]):
            raise QuestionFileError(f"{path}:{n}: 'turns' must be a non-empty list of strings")
        unknown = set(d["expect"]) - EXPECT_KEYS
        if unknown:
            raise QuestionFileError(f"{path}:{n}: unknown expect keys {sorted(unknown)}; "
                                    f"allowed: {sorted(EXPECT_KEYS)}")
        if d["id"] in seen:
            raise QuestionFileError(f"{path}:{n}: duplicate id {d['id']!r}")
        seen.add(d["id"])
        out.append(Question(d["id"], d["category"], tuple(d["turns"]), d["expect"]))
    return out


def row_matches(gold: dict, cite: dict) -> bool:
    return (cite.get("kind") == "schedule" and cite.get("month") == gold["month"]
            and norm(gold["task_contains"]) in norm(cite.get("task") or ""))


def grade(q: Question, response: dict) -> list[str]:
    """Failure messages; empty when the response meets every expectation."""
    failures = []
    cites = response.get("citations", [])
    cited_items = {c.get("item") for c in cites if c.get("kind") == "item"}
    for item in q.gold_items:
        if item not in cited_items:
            failures.append(f"item {item} not cited")
    for row in q.gold_rows:
        if not any(row_matches(row, c) for c in cites):
            failures.append(f"schedule row {row['month']}月 '{row['task_contains']}' not cited")
    if q.gold_rows:   # row precision: a schedule answer cites the rows asked for, no others
        extra = [c for c in cites if c.get("kind") == "schedule" and not any(row_matches(g, c) for g in q.gold_rows)]
        if extra:
            failures.append(f"cites {len(extra)} row(s) not asked for, e.g. {extra[0].get('month')}月 "
                            f"'{(extra[0].get('task') or '')[:20]}'")
    answer = norm(response.get("answer", ""))
    for s in q.expect.get("answer_contains", []):
        if norm(s) not in answer:
            failures.append(f"answer lacks '{s}'")
    if q.expect.get("not_found") and response.get("found"):
        failures.append("answered, but the notice does not cover this")
    # A question the notice answers is not answered by a refusal, even one naming the right item.
    if (q.expect.get("not_found") is False or q.gold_items or q.gold_rows) and not q.expect.get("not_found") \
            and not response.get("found"):
        failures.append("said not found, but the notice covers this")
    return failures


def citation_counts(q: Question, response: dict) -> dict[str, tuple[int, int, int]]:
    """Per kind: (gold cited, gold total, citations made of that kind). A refusal's citations
    (与这个话题相关的条目:〔第6条〕) point the reader on; they answer nothing and count as none."""
    cites = response.get("citations", []) if response.get("found", True) else []
    item_cites = [c for c in cites if c.get("kind") == "item"]
    row_cites = [c for c in cites if c.get("kind") == "schedule"]
    cited_items = {c.get("item") for c in item_cites}
    items_hit = sum(1 for i in q.gold_items if i in cited_items)
    rows_hit = sum(1 for g in q.gold_rows if any(row_matches(g, c) for c in row_cites))
    relevant_rows = sum(1 for c in row_cites if any(row_matches(g, c) for g in q.gold_rows))
    relevant_items = sum(1 for i in cited_items if i in set(q.gold_items))
    return {"items": (items_hit, len(q.gold_items), len(cited_items), relevant_items),
            "schedule": (rows_hit, len(q.gold_rows), len(row_cites), relevant_rows)}


def ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def citation_metrics(pairs: list[tuple[Question, dict]]) -> dict[str, float | None]:
    """Micro-averaged recall and precision of item and schedule citations.

    Precision counts only questions that have gold citations of that kind, so a refusal question's
    (absent) citations do not count either way.
    """
    out = {}
    for kind in ("items", "schedule"):
        hit = total = made = relevant = 0
        for q, resp in pairs:
            h, t, m, r = citation_counts(q, resp)[kind]
            if t:
                hit, total, made, relevant = hit + h, total + t, made + m, relevant + r
        out[f"{kind}_recall"] = ratio(hit, total)
        out[f"{kind}_precision"] = ratio(relevant, made)
    return out


def refusal_metrics(pairs: list[tuple[Question, dict]]) -> dict[str, float | None]:
    """Positive class: the bot says the notice does not cover it (found = false)."""
    tp = sum(1 for q, r in pairs if q.expect.get("not_found") and not r.get("found"))
    fp = sum(1 for q, r in pairs if not q.expect.get("not_found") and not r.get("found"))
    fn = sum(1 for q, r in pairs if q.expect.get("not_found") and r.get("found"))
    return {"refusal_precision": ratio(tp, tp + fp), "refusal_recall": ratio(tp, tp + fn)}


def first_relevant_rank(q: Question, ranked: list[dict]) -> int | None:
    """1-based rank of the first hit that is a gold item or gold schedule row."""
    for n, hit in enumerate(ranked, 1):
        if hit.get("kind") == "item" and hit.get("item") in q.gold_items:
            return n
        if hit.get("kind") == "schedule" and any(
                row_matches(g, {"kind": "schedule", "month": hit.get("month"), "task": hit.get("text")})
                for g in q.gold_rows):
            return n
    return None


def retrieval_metrics(ranks: list[int | None], ks: tuple[int, ...] = (1, 3, 5)) -> dict[str, float | None]:
    n = len(ranks)
    out: dict[str, float | None] = {f"recall@{k}": ratio(sum(1 for r in ranks if r and r <= k), n) for k in ks}
    out["mrr"] = ratio(sum(1 / r for r in ranks if r), n)
    return out


def percentile(values: list[float], p: float) -> float | None:
    """Linear-interpolated percentile (numpy's default method); p in [0, 100]."""
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)
