"""The whole gold set through the real bot and the plain LangChain RAG baseline, in one process."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eval.metrics import load_questions
from eval.runner import run_system, summarize
from eval.split import part
from eval.systems import bot_system, langchain_rag_system
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# Floors on the held-out part of the split (eval/split.json), a little below what `make eval`
# measured there on 2026-11-30 10:08 (see README, Evaluation: pass 84.6%, row precision 97.1%,
# refusal precision 69.0%, recall 89.1%, on 246 questions); nothing was fitted on these questions.
# The held-out part grew that day by 50 paraphrases and unanswerable questions written to be hard
# (on its first 196 questions the same run passes 92.3%). The not-found model is fitted
# class-balanced: it refuses too many paraphrases, so recall has the high floor, precision the low.
FLOORS = {"pass_rate": 0.84, "schedule_recall": 1.0, "schedule_precision": 0.96,
          "refusal_precision": 0.68, "refusal_recall": 0.88}


def test_heldout_meets_floors_and_beats_baseline(bot):
    questions = part(load_questions(ROOT / "eval" / "questions.jsonl"), "heldout")
    ours = summarize(questions, run_system(bot_system(bot), questions))
    baseline_system = langchain_rag_system(bot.records, str(bot.index.embedder.path))
    baseline = summarize(questions, run_system(baseline_system, questions))
    for key, floor in FLOORS.items():
        assert ours[key] >= floor, (key, ours)
    assert ours["pass_rate"] > baseline["pass_rate"] + 0.4
    assert baseline["refusal_recall"] == 0.0


def test_cli_run_writes_results_report_and_chart(bot, tmp_path):
    questions = tmp_path / "q.jsonl"
    lines = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:6]
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {"POLICYQA_INDEX": str(bot.index.path), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    out, report = tmp_path / "results.json", tmp_path / "report.md"
    subprocess.run([sys.executable, "-m", "eval", "run", "--questions", str(questions), "--out", str(out),
                    "--report", str(report), "--systems", "bm25,bot"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"summary", "results"} and len(data["results"]) == 6
    assert set(data["results"][0]) == {"id", "category", "passed", "failures", "response", "latency_ms", "row_precision"}
    text = report.read_text(encoding="utf-8")
    assert "(e) full bot" in text and "(b) BM25 only" in text and "recall@1" in text
    assert (tmp_path / "report.png").stat().st_size > 5000


def test_cli_bad_question_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nope\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "eval", "run", "--questions", str(bad)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "bad.jsonl:1" in proc.stderr
