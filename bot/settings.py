"""Every tunable number of the bot, in one place, each with what raising or lowering it trades.

Values here are defaults chosen by reasoning, not by looking at the report; the few that are
fitted (the not-found model) come from the calibration file that `python -m eval calibrate` writes
from the fit part of the question set only (`eval/split.json`), never from the held-out part.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env_int(var: str, default: int) -> int:
    """A positive integer from the environment variable `var`, else `default`."""
    raw = (os.environ.get(var) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{var} must be a positive integer, got {raw!r}; unset it to use the default {default}")
    return int(raw)


@dataclass(frozen=True)
class Settings:
    # Retrieval -----------------------------------------------------------------------------------
    dense_weight: float = 2.0
    """Weight of the dense ranking against BM25 (1.0) in reciprocal-rank fusion. Higher favours
    paraphrases that share no words with the notice; lower favours exact names and figures."""
    rrf_k: int = 60
    """RRF's rank offset; larger flattens the difference between first and tenth place."""
    evidence_pool: int = 60
    """Sentence and item records ranked before they are grouped by item. Larger finds a right item
    ranked low by one ranker; smaller keeps noise out of the fusion."""
    min_evidence_chars: int = 10
    """A record (item, sentence) shorter than this is never evidence by itself: a fragment (抓党建。)
    says too little for its similarity to mean anything. Set on the fit part: at 10 or less it
    passes 219 of 252, at 16 three fewer, since short sentences that answer (做好第40个教师节系列
    庆祝活动。, 15) could not. Larger demotes terse items and sentences; smaller lets fragments in."""
    runner_up_ratio: float = 0.97
    """A second item is quoted when its fused score is within this ratio of the best: the question
    fits both and the reader decides. Lower shows more second items (recall over precision)."""
    naming_pool: int = 5
    """When neither of the best two items names the question's most specific term, the best of this
    many that does answers instead. Larger reaches further down the ranking for the term."""
    sentence_keep_ratio: float = 0.6
    """A second sentence of the same item is quoted when it shares at least this share of the best
    sentence's word overlap with the question. Lower quotes more context."""
    row_match_ratio: float = 0.75
    """Rows kept for "when / who" questions: word overlap at least this ratio of the best row's.
    Lower lists more rows (recall), higher fewer (precision)."""
    max_rows_when: int = 3
    """At most this many rows answer a "when / who" question about one task."""
    link_min_bigram_share: float = 0.5
    """A schedule row that shares too few 4-character runs with any item is still linked to the one
    sentence holding at least this share of its character pairs. Lower links more reworded rows,
    and more wrongly."""
    link_dense_margin: float = 0.02
    """A row that may carry out several items (each shares a phrase with it) links to the one
    nearest in meaning, and also to the next when that is within this similarity of the first and
    shares nearly as many words (…党建和全面从严治党工作会议: both the 党建 and the 从严治党 item).
    e5's similarities sit in a narrow band (~0.85-0.97), where gaps under ~0.01 are noise; twice
    that, as for English rows. Higher links more rows to two items, lower to one."""
    english_row_margin: float = 0.02
    """An English schedule question naming a topic (the campus food safety campaign in January)
    keeps only the period's row nearest in meaning when it is at least this much nearer than the
    next; otherwise every row of the period is listed. Twice the ~0.01 noise of e5's narrow band.
    Lower narrows more lists (precision), higher fewer (recall)."""
    english_loose_max: int = 2
    """An English word no whole sense of CC-CEDICT renders (bullying: 欺凌 is "to bully and humiliate")
    is searched by the notices' words whose longer senses name it when there are at most this many:
    one or two such words are what the word means there; more are the many senses of a common word
    (take, part). Higher searches by more of them (recall), lower by fewer (less noise)."""
    common_share: float = 0.25
    """A word at least this share of the items write names no one item: an English question is not
    searched by a word one of whose readings is that common (school → 学校, reform → 改革), since
    BM25 would rank items by how often they say them; nor is a Chinese word that common a question's
    most specific term, however rare in general Chinese (中小学 in an education notice), which would
    pick the item to quote. A quarter: on two sets of English questions written by reviewers
    (never the held-out part), half kept seven of those words that pulled answers to the wrong item.
    Lower keeps fewer, more specific words (precision), higher more (recall)."""
    absent_thing_rarity: float = 14.0
    """A noun of the question the notices never write is a thing of its own they do not cover
    (加班费 15.4, 慰问金 16.9, 保育费 19.1), not an everyday word for what they do cover (名字 11.2,
    比例 11.1, 牌子 13.2), when at least this rare in general Chinese, -ln(frequency) in jieba's
    dictionary: then the evidence naming the question's other subject (课后服务) does not settle
    that it is answered, and the fitted model decides. Set between the two groups on the fit part.
    Lower refuses more (precision of answers), higher answers more (recall)."""
    topic_min_rarity: float = 12.0
    """A word of a schedule question names a topic (近视, 足球, 体质: the rows listed must speak of
    it) when it is at least this rare in general Chinese, -ln(frequency) in jieba's dictionary;
    commoner words (重点 10.3, 完成 10.0, 考试 10.8) describe work in general and filter nothing.
    Lower filters rows by more words (precision), higher by fewer (recall)."""
    # Understanding -------------------------------------------------------------------------------
    fuzzy_min_len: int = 4
    """Near-miss terms (one character off) are corrected only for vocabulary terms at least this
    long; shorter terms are corrected only when they sound the same (双剪 → 双减)."""
    short_form_min_rarity: float = 14.0
    """A two-character word the notices never write is read as the short form of one of their words
    (统战 → 统一战线, 15.6) only when at least this rare in general Chinese, -ln(frequency) in
    jieba's dictionary: everyday words that happen to be a word's initials (五一 12.0, 中文 12.3,
    大小 11.1) are meant as themselves. Lower expands more shorthand, and more everyday words."""
    history_turns: int = 6
    """Earlier user turns replayed to know what a follow-up refers to. More remembers further back
    at the cost of work per question."""
    max_question_chars: int = _env_int("POLICYQA_MAX_QUESTION_CHARS", 2000)
    """Longer questions are refused with a message saying so (setting POLICYQA_MAX_QUESTION_CHARS).
    Raising it lets one question cost more work (understanding is linear in its length)."""


SETTINGS = Settings()


def calibration_path() -> Path:
    """Where the fitted not-found model lives (`POLICYQA_CALIBRATION` overrides)."""
    return Path(os.environ.get("POLICYQA_CALIBRATION") or ROOT / "eval" / "calibration.json")
