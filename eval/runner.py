"""Run a question set through every system in one process; write results.json, report.md and a chart."""
from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from eval.metrics import (Question, citation_metrics, first_relevant_rank, grade, percentile,
                          refusal_metrics, retrieval_metrics, row_matches)

SYSTEM_NAMES = {
    "langchain-rag": "(a) plain LangChain RAG",
    "bm25": "(b) BM25 only",
    "dense": "(c) dense only",
    "hybrid": "(d) hybrid",
    "bot": "(e) full bot",
}


def run_system(system, questions: list[Question]) -> list[dict]:
    results = []
    for q in questions:
        t0 = time.perf_counter()
        response = system(list(q.turns))
        latency = (time.perf_counter() - t0) * 1000
        failures = grade(q, response)
        rows = [c for c in response.get("citations", []) if c.get("kind") == "schedule"]
        precision = (sum(any(row_matches(g, c) for g in q.gold_rows) for c in rows) / len(rows)
                     if q.gold_rows and rows else None)
        results.append({"id": q.id, "category": q.category, "passed": not failures,
                        "failures": failures, "response": response, "latency_ms": round(latency, 2),
                        "row_precision": precision})
    return results


def summarize(questions: list[Question], results: list[dict]) -> dict:
    pairs = [(q, r["response"]) for q, r in zip(questions, results)]
    by_cat: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        by_cat[r["category"]].append(r["passed"])
    lat = [r["latency_ms"] for r in results]
    return {
        "questions": len(results),
        "passed": sum(r["passed"] for r in results),
        "pass_rate": sum(r["passed"] for r in results) / len(results) if results else None,
        "per_category": {c: sum(v) / len(v) for c, v in sorted(by_cat.items())},
        **citation_metrics(pairs), **refusal_metrics(pairs),
        "latency_ms_median": statistics.median(lat) if lat else None,
        "latency_ms_p95": percentile(lat, 95),
    }


def retrieval_eval(index, questions: list[Question], mode: str = "hybrid", k: int = 5) -> dict:
    """The retriever alone, on questions with a gold item or row: recall@1/3/5 and MRR."""
    ranks = []
    for q in questions:
        if not (q.gold_items or q.gold_rows):
            continue
        hits = [h.to_json() for h in index.search(q.turns[-1], k=k, mode=mode)]
        ranks.append(first_relevant_rank(q, hits))
    return {"questions": len(ranks), **retrieval_metrics(ranks)}


def _fmt(v) -> str:
    if v is None:
        return "–"
    return f"{v:.1%}" if isinstance(v, float) and v <= 1.0 else f"{v:.1f}"


def write_report(summary: dict, path: Path, chart: Path | None) -> None:
    systems = summary["systems"]
    cols = [("pass_rate", "pass rate"), ("items_recall", "item cit. recall"),
            ("items_precision", "item cit. precision"), ("schedule_recall", "row cit. recall"),
            ("schedule_precision", "row cit. precision"), ("refusal_precision", "refusal precision"),
            ("refusal_recall", "refusal recall")]
    lines = [
        "# Evaluation report", "",
        f"Questions: {summary['questions']} from `{summary['question_file']}`; run {summary['run_at']}. "
        f"Tables are on the **held-out part** ({summary.get('heldout_questions', 0)} questions, `eval/split.json`), "
        "which no threshold or weight was fitted on.",
        "A question passes when every gold item and 配档表 row is cited, every expected string is in the "
        "answer, and out-of-scope questions are refused. All systems answer the same questions in the "
        "same process.", "",
        "| system | " + " | ".join(c[1] for c in cols) + " | latency median (ms) | p95 (ms) |",
        "|---" * (len(cols) + 3) + "|",
    ]
    for key, s in systems.items():
        lines.append(f"| {SYSTEM_NAMES.get(key, key)} | " + " | ".join(_fmt(s.get(c)) for c, _ in cols)
                     + f" | {s['latency_ms_median']:.1f} | {s['latency_ms_p95']:.1f} |")
    lines += ["", "## Retriever alone (gold item / row among the top hits)", "",
              "| mode | questions | recall@1 | recall@3 | recall@5 | MRR |", "|---|---|---|---|---|---|"]
    for mode, r in summary["retrieval"].items():
        lines.append(f"| {mode} | {r['questions']} | {_fmt(r['recall@1'])} | {_fmt(r['recall@3'])} | "
                     f"{_fmt(r['recall@5'])} | {r['mrr']:.3f} |")
    cats = sorted(next(iter(systems.values()))["per_category"])
    lines += ["", "## Pass rate per category", "",
              "| category | " + " | ".join(SYSTEM_NAMES.get(k, k) for k in systems) + " |",
              "|---" * (len(systems) + 1) + "|"]
    for c in cats:
        lines.append(f"| {c} | " + " | ".join(_fmt(s["per_category"].get(c)) for s in systems.values()) + " |")
    if chart:
        lines += ["", f"![pass rate per category]({chart.name})"]
    if summary.get("failures"):
        lines += ["", "## Questions the full bot still fails", ""]
        lines += [f"- `{f['id']}` ({f['category']}, {f.get('part', 'fit')}): {'; '.join(f['failures'])}"
                  for f in summary["failures"]]
    if summary.get("fit_systems"):
        lines += ["", "## Fit part (what the numbers were fitted on; optimistic)", "",
                  "| system | pass rate | refusal precision | refusal recall |", "|---|---|---|---|"]
        for key, s in summary["fit_systems"].items():
            lines.append(f"| {SYSTEM_NAMES.get(key, key)} | {_fmt(s['pass_rate'])} | "
                         f"{_fmt(s.get('refusal_precision'))} | {_fmt(s.get('refusal_recall'))} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_chart(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    systems = summary["systems"]
    cats = sorted(next(iter(systems.values()))["per_category"])
    x = np.arange(len(cats))
    width = 0.8 / len(systems)
    fig, ax = plt.subplots(figsize=(max(10, len(cats) * 0.9), 4.8))
    for n, (key, s) in enumerate(systems.items()):
        ax.bar(x + n * width, [s["per_category"].get(c, 0) for c in cats], width, label=SYSTEM_NAMES.get(key, key))
    ax.set_xticks(x + width * (len(systems) - 1) / 2, cats, rotation=35, ha="right")
    ax.set_ylabel("pass rate")
    ax.set_ylim(0, 1.05)
    ax.set_title("Pass rate per question category and system")
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(questions: list[Question], systems: dict, index, question_file: str) -> tuple[dict, dict]:
    """All systems on all questions; the summary's `systems` are on the held-out part (the
    figures to report), `fit_systems` on the fit part the bot's numbers were fitted on."""
    from eval.split import load_split

    parts = load_split()
    held = [n for n, q in enumerate(questions) if parts.get(q.id) == "heldout"]
    fit = [n for n, q in enumerate(questions) if parts.get(q.id) != "heldout"]
    all_results, summaries, fit_summaries = {}, {}, {}
    for key, system in systems.items():
        all_results[key] = run_system(system, questions)
        for target, idx in ((summaries, held or fit), (fit_summaries, fit)):
            if idx:
                target[key] = summarize([questions[n] for n in idx], [all_results[key][n] for n in idx])
    summary = {
        "questions": len(questions), "question_file": question_file,
        "heldout_questions": len(held), "fit_systems": fit_summaries,
        "run_at": time.strftime("%Y-%m-%d %H:%M"),
        "systems": summaries,
        "retrieval": {m: retrieval_eval(index, questions, m) for m in ("bm25", "dense", "hybrid")},
        "failures": [{"id": r["id"], "category": r["category"], "failures": r["failures"],
                      "part": parts.get(r["id"], "fit")} for r in all_results.get("bot", []) if not r["passed"]],
    }
    return summary, all_results


def save(summary: dict, all_results: dict, out: Path, report: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    report.parent.mkdir(parents=True, exist_ok=True)
    payload = {"summary": summary, "results": all_results.get("bot", []),
               "baselines": {k: v for k, v in all_results.items() if k != "bot"}}
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    chart = report.with_suffix(".png")
    write_chart(summary, chart)
    write_report(summary, report, chart)
