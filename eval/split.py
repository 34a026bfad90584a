"""The fixed fit / held-out split of the question set, stratified by category.

Every threshold, weight and the not-found model are fitted on the fit part only; figures are
reported on the held-out part. The split is written down in `eval/split.json` and only extended:
a question already assigned keeps its part, and a new question goes to the part of its category
that is further below half, ties by a hash of its id (deterministic, no peeking at results).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from eval.metrics import Question

SPLIT = Path(__file__).resolve().parent / "split.json"


def load_split(path: Path = SPLIT) -> dict[str, str]:
    """Question id → "fit" | "heldout"."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {qid: part for part in ("fit", "heldout") for qid in data.get(part, [])}


def extend_split(questions: list[Question], path: Path = SPLIT) -> dict[str, str]:
    parts = load_split(path)
    for q in sorted(questions, key=lambda q: hashlib.sha256(q.id.encode()).hexdigest()):
        if q.id in parts:
            continue
        same = [parts[o.id] for o in questions if o.category == q.category and o.id in parts]
        fit, held = same.count("fit"), same.count("heldout")
        parts[q.id] = "heldout" if held < fit else "fit"
    data = {p: sorted(i for i, v in parts.items() if v == p) for p in ("fit", "heldout")}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return parts


def part(questions: list[Question], name: str, path: Path = SPLIT) -> list[Question]:
    parts = load_split(path)
    missing = [q.id for q in questions if q.id not in parts]
    if missing:
        raise ValueError(f"{len(missing)} questions are in no part of {path} (e.g. {missing[:3]}): "
                         "run `python -m eval split` to assign them")
    return [q for q in questions if parts[q.id] == name]
