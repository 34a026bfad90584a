"""The bot: grounded answers that cite 第N条 and 配档表 rows, or say plainly that the notice does not
cover the question.

Schedule questions are answered by exact filtering over the schedule records (every matching row,
only matching rows, in month order); counts and comparisons are computed from those rows; content,
figure and topic questions use hybrid retrieval and quote the sentence that answers. `Bot.ask` is
the one function the CLI, the app and the eval runner call.
"""
from __future__ import annotations

import functools
import json
import math
import re
import sys
import threading
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from ingest import CORPUS
from ingest.offices import OfficeTable
from ingest.records import Record, read_jsonl
from bot.query import Query, has_content, normalize, parse

MAX_CHARS = 2000
# The not-found classifier's inputs, in order (see Bot.scope_features); the calibration file must match.
SCOPE_FEATURES = ["dense_top", "dense_margin", "log_bm25_top", "bigram_overlap", "vocab_coverage",
                  "item_dense_top", "item_dense_margin", "item_top_minus_mean", "dense_top_zscore"]


class CalibrationError(RuntimeError):
    """bot/calibration.json does not fit the features the bot computes."""
CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
_SENT_SPLIT = re.compile(r"(?<=[。；;!！?？])")


@dataclass(frozen=True)
class Citation:
    kind: str
    doc_id: str
    item: int | None = None
    section: str | None = None
    month: int | None = None
    task: str | None = None
    offices: tuple[str, ...] = ()
    quote: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["offices"] = list(self.offices)
        return d

    @property
    def label(self) -> str:
        if self.kind == "item":
            return f"〔第{self.item}条〕"
        if self.kind == "schedule":
            return f"〔配档表·{self.month}月·{'、'.join(self.offices)}〕"
        if self.kind == "section":
            return f"〔第{self.section}部分〕"
        return {"meta": "〔文件信息〕", "preamble": "〔总体思路〕"}.get(self.kind, "〔正文〕")


@dataclass(frozen=True)
class Answer:
    answer: str
    found: bool
    citations: tuple[Citation, ...] = ()
    query: Query | None = field(default=None, compare=False)

    def to_dict(self) -> dict:
        """The `python -m bot ask --json` object."""
        return {"answer": self.answer, "found": self.found,
                "citations": [c.to_dict() for c in self.citations]}


def _t(q: Query, zh: str, en: str) -> str:
    return en if q.english else zh


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if s.strip()]


def _grams(s: str, n: int = 2) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fffa-z0-9%.]", "", unicodedata.normalize("NFKC", s).lower())
    return {s[i:i + n] for i in range(len(s) - n + 1)}


_QUESTION_GRAMS = _grams("多少是什么哪些怎么如何目标要求第条里面提到的是多少有没有情况安排请问一下呢吗")


def best_sentences(text: str, question: str, limit: int = 2) -> list[str]:
    """The sentence(s) of `text` sharing most words with `question` (figures: `_answer_figure`)."""
    q = _grams(question) - _QUESTION_GRAMS
    cands = sentences(text)
    scored = sorted(((len(q & _grams(s)), -i, s) for i, s in enumerate(cands)), reverse=True)
    if not scored:
        return []
    top = scored[0][0]
    keep = [s for score, _, s in scored[:limit] if score > 0 and score >= top * 0.6] or [scored[0][2]]
    return sorted(keep, key=cands.index)


class Bot:
    """Loads the records (cheap) at start; the search index and model only when a question needs them."""

    def __init__(self, records: list[Record], offices: OfficeTable, index=None,
                 index_loader=None, calibration: dict | None = None):
        self.records = records
        self.offices = offices
        self._index = index
        self._index_loader = index_loader
        self._index_lock = threading.Lock()
        self._warned = False
        self.calibration = calibration if calibration is not None else load_calibration()
        self.items = {(r.doc_id, r.item): r for r in records if r.kind == "item"}
        self.schedule = [r for r in records if r.kind == "schedule"]
        self.sections = {r.section: r.text for r in records if r.kind == "section"}
        self.meta = [r for r in records if r.kind == "meta"]
        self.corpus_text = normalize("\n".join(r.text for r in records))
        self.doc_years = {y for r in records if r.kind in ("meta", "preamble")
                          for y in re.findall(r"(20\d\d)年", r.title or "")}
        self.links = {r.id: self._link(r) for r in self.schedule}

    @classmethod
    def load(cls, corpus: Path = CORPUS, index_path: Path | None = None) -> "Bot":
        """From the persisted index (built first if missing or stale)."""
        from index.store import Index, IndexError_, ensure_index, index_dir

        path = index_path or index_dir()
        try:
            Index.check(path, corpus)
        except IndexError_:
            idx = ensure_index(path, corpus)
            return cls(idx.records, OfficeTable.for_corpus(corpus), index=idx)
        return cls(read_jsonl(path / "records.jsonl"), OfficeTable.for_corpus(corpus),
                   index_loader=lambda: Index.load(path, corpus, check_corpus=False))

    @property
    def index(self):
        if self._index is None:
            with self._index_lock:  # the app warms up in a thread while requests may arrive
                if self._index is None:
                    self._index = self._index_loader()
        return self._index

    # --- schedule → item links -------------------------------------------------------------------

    def _link(self, row: Record) -> list[tuple[Record, str]]:
        """Items a schedule row carries out, by shared 4-character runs; with the matching sentence."""
        task = {g for g in _grams(row.text, 4) if not re.search(r"\d", g)}
        scored = []
        for item in self.items.values():
            if item.doc_id != row.doc_id:
                continue
            best = max(((len(task & _grams(s, 4)), s) for s in sentences(item.text)), default=(0, ""))
            if best[0] >= 3:
                scored.append((best[0], item, best[1]))
        if not scored:
            return []
        top = max(s for s, _, _ in scored)
        return [(item, sent) for s, item, sent in sorted(scored, key=lambda x: -x[0]) if s >= top * 0.8][:2]

    # --- citations -------------------------------------------------------------------------------

    @staticmethod
    def cite_row(r: Record) -> Citation:
        return Citation("schedule", r.doc_id, month=r.month, task=r.text, offices=r.offices, quote=r.text)

    @staticmethod
    def cite_item(r: Record, quote: str) -> Citation:
        return Citation("item", r.doc_id, item=r.item, section=r.section, quote=quote)

    def _row_lines(self, q: Query, rows: list[Record]) -> tuple[list[str], list[Citation]]:
        lines, cites, seen_items = [], [], set()
        for n, r in enumerate(rows, 1):
            c = self.cite_row(r)
            cites.append(c)
            extra = ""
            for item, sent in self.links[r.id]:
                ic = self.cite_item(item, sent)
                extra += ic.label
                if (item.doc_id, item.item) not in seen_items:
                    seen_items.add((item.doc_id, item.item))
                    cites.append(ic)
            offices = "、".join(r.offices)
            lines.append(f"{n}. {r.month}月 · {r.text}({_t(q, '责任单位', 'offices')}:{offices}){c.label}{extra}")
        return lines, cites

    # --- answering -------------------------------------------------------------------------------

    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        """Answer `question`; `history` holds the earlier user turns of the same conversation."""
        problem = validate(question)
        if problem:
            return Answer(problem, False)
        return self.answer(self.understand(question, history or []))

    def understand(self, question: str, history: list[str] | tuple[str, ...] = ()) -> Query:
        """The question as understood after the earlier user turns (invalid turns are skipped)."""
        prev = None
        for turn in history:
            if validate(turn) is None:
                prev = self._resolve(turn, prev)
        return self._resolve(question, prev)

    def _resolve(self, text: str, prev: Query | None) -> Query:
        q = parse(text, self.offices, self.sections).inherit(prev)
        if q.intent in ("topic", "figure", "when_who") and not (q.items or q.months or q.offices or q.sections
                                                                or q.context or has_content(q.text)):
            q = replace(q, intent="refuse", refuse_reason="empty")   # hello / ??? / 123
        return q

    def answer(self, q: Query) -> Answer:
        if q.intent == "refuse":
            return self.not_covered(q)
        if self.out_of_scope(q):
            return self.not_covered(q)
        handler = getattr(self, f"_answer_{q.intent}")
        return handler(q)

    def _answer_outline(self, q: Query) -> Answer:
        """How the notice is organised: sections and their item ranges."""
        parts, cites = [], []
        for no, title in self.sections.items():
            nos = [r.item for r in self.items.values() if r.section == no]
            if nos:
                doc = next(r.doc_id for r in self.items.values() if r.section == no)
                parts.append(f"{no}、{title}(第{min(nos)}–{max(nos)}条)〔第{no}部分〕")
                cites.append(Citation("section", doc, section=no, quote=title))
        total = len(self.items)
        head = _t(q, f"通知共 {total} 条,分 {len(parts)} 个部分:", f"The notice has {total} items in {len(parts)} sections:")
        return Answer("\n".join([head, *parts]), bool(total), tuple(cites), q)

    def out_of_scope(self, q: Query) -> bool:
        """Other years or places than the notices cover."""
        for year in re.findall(r"(20\d\d)\s*年?", q.text):
            if self.doc_years and year not in self.doc_years:
                # A year the notices mention only in passing (2025届…) is fine if the question is
                # about that very phrase.
                if not any(year in r.text and len(_grams(q.text) & _grams(r.text)) >= 6
                           for r in self.records):
                    return True
        # An organisation the notices never mention (山东省教育厅, 青岛市教育局): someone else's document.
        for org in re.findall(r"[\u4e00-\u9fff]{2,6}?(?:省|市|区|县)[\u4e00-\u9fff]{0,6}?(?:厅|局|委员会|教委|政府)",
                              q.text):
            if org not in self.corpus_text:
                return True
        if q.intent in ("topic", "figure", "when_who", "outline", "section", "header") \
                or re.search(r"[市省区县]", q.text):
            words = self.index.tokenizer.words(q.text)
            return any(place not in self.corpus_text for place in places(words))
        return False

    def not_covered(self, q: Query) -> Answer:
        if q.refuse_reason and q.refuse_reason.startswith("month:"):
            bad = q.refuse_reason.split(":", 1)[1]
            return Answer(_t(q, f"“{bad}”不是有效的月份,配档表按 1–12 月安排工作。",
                             f"“{bad}” is not a month; the 配档表 runs from 1月 to 12月."), False, query=q)
        if q.refuse_reason == "empty":
            return Answer(_t(q, "请说明想了解通知中的哪方面内容,例如“6月份基教处要完成哪些工作?”或“第18条讲什么?”。",
                             "Please say what you want to know about the notice, e.g. "
                             "\"What is due in June from 基教处?\""), False, query=q)
        if q.refuse_reason == "injection":
            return Answer(_t(q, "我只根据通知原文回答问题,不能忽略规则、透露设置或编造内容。"
                                "请直接询问通知里的工作安排,例如“6月份基教处要完成哪些工作?”。",
                             "I only answer from the notice's own text and cannot ignore my rules, reveal "
                             "settings or invent content. Ask about the notice, e.g. "
                             "\"What is due in June from 基教处?\""), False, query=q)
        return Answer(_t(q, "通知中没有涉及这个问题,无法从原文给出答案。可以问通知里的工作安排,"
                            "例如某月某处室的重点工作、某项工作的责任单位或某条的内容。",
                         "The notice does not cover this question, so there is no answer from its text. "
                         "You can ask about its schedule, responsible offices or numbered items."),
                      False, query=q)

    # schedule list ---------------------------------------------------------------------------------

    def filter_rows(self, months: tuple[int, ...], offices: tuple[str, ...]) -> list[Record]:
        rows = [r for r in self.schedule
                if (not months or r.month in months)
                and (not offices or any(self.offices.canonical(o) in offices for o in r.offices))]
        return sorted(rows, key=lambda r: r.month)  # stable: keeps table order within a month

    def _scope_label(self, q: Query) -> str:
        parts = []
        if q.months:
            parts.append(q.month_label or "、".join(f"{m}月" for m in q.months))
        if q.offices:
            parts.append("、".join(q.offices))
        return " · ".join(parts)

    def _answer_schedule(self, q: Query) -> Answer:
        rows = self.filter_rows(q.months, q.offices)
        scope = self._scope_label(q)
        if not rows:
            return self._empty(q, scope)
        lines, cites = self._row_lines(q, rows)
        head = _t(q, f"**{scope}**:配档表中共 {len(rows)} 项工作:",
                  f"**{scope}**: {len(rows)} task(s) in the 配档表:")
        return Answer("\n".join([head, *lines]), True, tuple(cites), q)

    def _empty(self, q: Query, scope: str) -> Answer:
        text = _t(q, f"配档表中没有{scope}的工作安排。", f"The 配档表 has no task for {scope}.")
        if q.offices:
            other = sorted({r.month for r in self.filter_rows((), q.offices)})
            if other:
                text += _t(q, f"{'、'.join(q.offices)}的工作安排在:{'、'.join(f'{m}月' for m in other)}。",
                           f" {'、'.join(q.offices)} has tasks in: {', '.join(f'{m}月' for m in other)}.")
        return Answer(text, False, (), q)

    # counts and comparisons ------------------------------------------------------------------------

    def _answer_count(self, q: Query) -> Answer:
        rows = self.filter_rows(q.months, q.offices)
        scope = self._scope_label(q) or _t(q, "全年", "the whole year")
        if not rows:
            return self._empty(q, scope)
        by_month = Counter(r.month for r in rows)
        detail = "、".join(f"{m}月{n}项" for m, n in sorted(by_month.items()))
        lines, cites = self._row_lines(q, rows)
        head = _t(q, f"**{scope}**:配档表中共 {len(rows)} 项工作({detail})。",
                  f"**{scope}**: {len(rows)} tasks in the 配档表 ({detail}).")
        return Answer("\n".join([head, *lines]), True, tuple(cites), q)

    def _answer_compare(self, q: Query) -> Answer:
        fewest = bool(re.search(r"最少|最闲|fewest|least", q.text, re.IGNORECASE))
        by_office = len(q.offices) >= 2 or (
            bool(re.search(r"处室|部门|单位|office", q.text, re.IGNORECASE)) and not q.offices)
        rows = self.filter_rows(q.months, q.offices)
        if by_office:
            counts = Counter(self.offices.canonical(o) or o for r in rows for o in r.offices
                             if o != "各处室" and (not q.offices or self.offices.canonical(o) in q.offices))
        else:
            counts = Counter(r.month for r in rows)
        if not counts:
            return self._empty(q, self._scope_label(q))
        target = min(counts.values()) if fewest else max(counts.values())
        winners = sorted(k for k, v in counts.items() if v == target)
        label = "、".join(str(w) if by_office else f"{w}月" for w in winners)
        ranking = "、".join(f"{k if by_office else f'{k}月'}{v}项"
                            for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        chosen = [r for r in rows if (any((self.offices.canonical(o) or o) in winners for o in r.offices)
                                      if by_office else r.month in winners)]
        lines, cites = self._row_lines(q, chosen)
        head = _t(q, f"{'最少' if fewest else '最多'}的是 **{label}**,共 {target} 项。各{'处室' if by_office else '月'}:{ranking}。",
                  f"{'Fewest' if fewest else 'Most'}: **{label}**, {target} tasks. All: {ranking}.")
        return Answer("\n".join([head, *lines]), True, tuple(cites), q)

    # header ----------------------------------------------------------------------------------------

    def _answer_header(self, q: Query) -> Answer:
        names = {"addressees": ("主送单位", "addressed to"), "doc_no": ("发文字号", "document number"), "index_no": ("索引号", "index number"),
                 "category": ("组配分类", "category"), "written_date": ("成文日期", "date written"),
                 "published_date": ("发布日期", "date published"), "issuer": ("发布机构", "issuer"),
                 "title": ("标题", "title")}
        lines, cites = [], []
        for m in self.meta:
            fields_ = dict(m.meta)
            value = m.title if q.header == "title" else fields_.get(q.header)
            if q.header == "written_date" and not value:
                value = fields_.get("published_date")
            if value:
                zh, en = names[q.header]
                lines.append(f"{_t(q, zh, en)}:{value}〔文件信息〕")
                cites.append(Citation("meta", m.doc_id, quote=f"{zh}: {value}"))
        if not lines:
            return self.not_covered(q)
        return Answer("\n".join(lines), True, tuple(cites), q)

    # items and sections ----------------------------------------------------------------------------

    def _find_items(self, nos: tuple[int, ...]) -> list[Record]:
        return [r for (doc, no), r in sorted(self.items.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
                if no in nos]

    def _answer_item(self, q: Query) -> Answer:
        found = self._find_items(q.items)
        if not found:
            top = max((no for _, no in self.items), default=0)
            return Answer(_t(q, f"通知中没有第{'、'.join(map(str, q.items))}条(共 {top} 条)。",
                             f"The notice has no item {', '.join(map(str, q.items))} (it has {top})."),
                          False, (), q)
        parts, cites = [], []
        for r in found:
            c = self.cite_item(r, r.text)
            sect = f"({r.section}、{r.section_title})" if r.section_title else ""
            parts.append(f"**第{r.item}条 {r.title}**{sect}{c.label}\n{r.text}")
            cites.append(c)
        return Answer("\n\n".join(parts), True, tuple(cites), q)

    def _answer_section(self, q: Query) -> Answer:
        parts, cites = [], []
        for no in q.sections:
            items = [r for r in self.items.values() if r.section == no]
            title = self.sections.get(no, "")
            lines = [f"- 第{r.item}条 {r.title}〔第{r.item}条〕" for r in items]
            parts.append(_t(q, f"**{no}、{title}**〔第{no}部分〕共 {len(items)} 条:",
                            f"**Section {no}、{title}**〔第{no}部分〕has {len(items)} items:"))
            parts.extend(lines)
            doc = items[0].doc_id if items else (self.meta[0].doc_id if self.meta else "")
            cites.append(Citation("section", doc, section=no, quote=title))
            cites.extend(self.cite_item(r, r.title or "") for r in items)
        return Answer("\n".join(parts), bool(cites), tuple(cites), q)

    # retrieval-based -------------------------------------------------------------------------------

    def retrieve(self, q: Query, kinds: tuple[str, ...], k: int = 3, dense_weight: float = 1.0) -> list[Record]:
        hits = self.index.search(q.search_text, k=k, mode="hybrid", kinds=kinds, dense_weight=dense_weight)
        return [h.record for h in hits]

    def scope_features(self, q: Query) -> list[float]:
        """Signals that the notice covers a retrieval question (the classifier's inputs, in the
        order of `eval.calibrate.FEATURES`): over all records, the best dense similarity, its margin
        over the next five, log BM25 top score, the share of the question's content bigrams in the
        best record, the share of its Chinese tokens found anywhere in the corpus; over items only,
        the best similarity, its margin, its distance from the mean; and the best similarity's
        z-score among all records (how much it stands out, whatever the model's band)."""
        text = q.search_text
        dense = self.index.rank_dense(text, len(self.index.records))
        scores = np.array([s for _, s in dense])
        top = float(scores[0]) if len(scores) else 0.0
        margin = top - float(scores[1:6].mean()) if len(scores) > 1 else 0.0
        lexical = self.index.rank_bm25(text, 1)
        bm25 = math.log1p(lexical[0][1]) if lexical else 0.0
        qg = _grams(q.text) - _QUESTION_GRAMS
        best = self.index.records[dense[0][0]].text if dense else ""
        overlap = len(qg & _grams(best)) / len(qg) if qg else 0.0
        # Chinese tokens only: English words never occur in these notices, whatever the question.
        tokens = {t for t in self.index.tokenizer.tokenize(q.text) if re.search(r"[\u4e00-\u9fff]", t)}
        coverage = sum(t in self.index.bm25.tf for t in tokens) / len(tokens) if tokens else 0.5
        items = np.array([s for i, s in dense if self.index.records[i].kind == "item"] or [0.0])
        item_margin = float(items[0] - items[1:6].mean()) if len(items) > 1 else 0.0
        z = float((top - scores.mean()) / (scores.std() + 1e-9)) if len(scores) else 0.0
        return [top, margin, bm25, overlap, coverage, float(items[0]), item_margin,
                float(items[0] - items.mean()), z]

    def in_scope(self, q: Query) -> bool:
        """Logistic classifier over `scope_features`, fitted on the eval set (`python -m eval
        calibrate`). Without a calibration for this model, every retrieval question is answered
        (the rule-based refusals still apply)."""
        model = self.calibration.get("logistic")
        if not model:
            return True
        if self.calibration.get("features") != SCOPE_FEATURES or len(model["weights"]) != len(SCOPE_FEATURES):
            raise CalibrationError(f"{CALIBRATION} was fitted on features {self.calibration.get('features')}, "
                                   f"the bot computes {SCOPE_FEATURES}: run `python -m eval calibrate`")
        if self.calibration.get("model_fingerprint") != self.index.manifest.get("model_fingerprint"):
            if not self._warned:
                print(f"warning: {CALIBRATION} was fitted with another embedding model; the not-found "
                      "decision uses rules only. Refit it: python -m eval calibrate", file=sys.stderr)
                self._warned = True
            return True
        x = self.scope_features(q)
        z = model["bias"] + sum(w * (v - m) / sd for w, v, m, sd in
                                zip(model["weights"], x, model["mean"], model["std"]))
        return z >= 0

    def _answer_figure(self, q: Query) -> Answer:
        """The sentence holding the figure: among the best items and rows, the sentence with a
        number that shares most with the question (earlier-ranked wins ties)."""
        if q.items:
            candidates = self._find_items(q.items)
        elif not self.in_scope(q):
            return self.not_covered(q)
        else:
            candidates = list(dict.fromkeys(self.retrieve(q, ("item",), k=2, dense_weight=2.0)
                                            + self.retrieve(q, ("item", "schedule"), k=4)))
        qg = _grams(q.text) - _QUESTION_GRAMS
        best: tuple[int, Record, str] | None = None
        for rec in candidates:
            for sent in sentences(rec.text):
                if re.search(r"\d", sent) and (best is None or len(qg & _grams(sent)) > best[0]):
                    best = (len(qg & _grams(sent)), rec, sent)
        if best is None:
            return self._answer_topic(q, candidates)
        _, rec, sent = best
        if rec.kind == "schedule":
            return self._rows_with_items(q, [rec])
        return self._quote(q, [(rec, sent)])

    def _answer_topic(self, q: Query, candidates: list[Record] | None = None) -> Answer:
        if candidates is None:
            if q.items:
                candidates = self._find_items(q.items)
            elif not self.in_scope(q):
                return self.not_covered(q)
            else:
                # A close runner-up is shown too: the question's words fit both, and the staff
                # member decides which applies (fused scores within 3%).
                hits = self.index.search(q.search_text, k=2, kinds=("item", "preamble"), dense_weight=3.0)
                candidates = [h.record for h in hits if h.score >= hits[0].score * 0.97]
        if not candidates:
            return self.not_covered(q)
        if candidates[0].kind == "schedule":
            return self._rows_with_items(q, [candidates[0]])
        return self._quote(q, [(r, "".join(best_sentences(r.text, q.text))) for r in candidates])

    def _quote(self, q: Query, quotes: list[tuple[Record, str]]) -> Answer:
        lines, cites = [], []
        for rec, quote in quotes:
            if rec.kind == "item":
                c = self.cite_item(rec, quote)
                where = f"第{rec.item}条 {rec.title}"
            else:
                c = Citation(rec.kind, rec.doc_id, quote=quote)
                where = _t(q, "总体思路", "overall approach")
            lines.append(_t(q, f"据通知{where}:“{quote}”{c.label}", f"Per the notice ({where}): “{quote}”{c.label}"))
            cites.append(c)
        return Answer("\n".join(lines), True, tuple(cites), q)

    def _answer_when_who(self, q: Query) -> Answer:
        if q.items:  # 第18条 → 什么时候? / 谁负责?: the schedule rows that carry out those items
            rows = [r for r in self.schedule if any(i.item in q.items for i, _ in self.links[r.id])]
            if not rows:
                return Answer(_t(q, f"配档表中没有与第{'、'.join(map(str, q.items))}条直接对应的安排。",
                                 f"No 配档表 row carries out item {', '.join(map(str, q.items))}."), False, (), q)
            return self._rows_with_items(q, rows)
        if not self.in_scope(q):
            return self.not_covered(q)
        hits = self.retrieve(q, ("schedule",), k=5)
        if not hits:
            return self.not_covered(q)
        # Rows whose task shares most words with the question; ties (same task in two months) kept.
        qg = _grams(q.search_text) - _QUESTION_GRAMS
        scored = [(len(qg & _grams(r.text)), r) for r in hits]
        top = max(s for s, _ in scored)
        if top == 0 and not q.english:
            # A Chinese question sharing no word with any candidate row names no task in the table.
            return self.not_covered(q)
        rows = [r for s, r in scored if s >= max(top * 0.75, 1)] or [hits[0]]
        return self._rows_with_items(q, sorted(rows, key=lambda r: r.month)[:3])

    def _answer_office(self, q: Query) -> Answer:
        """Full names come from the office table (corpus/offices.tsv), not from the notice."""
        lines = []
        for short in q.offices:
            office = next(o for o in self.offices.offices if o.short == short)
            others = "、".join(a for a in office.aliases)
            lines.append(_t(q, f"{short}的全称是“{office.full}”" + (f"(也写作{others})" if others else "") + "。",
                            f"{short} stands for “{office.full}”."))
        lines.append(_t(q, "(来自处室简称表 corpus/offices.tsv,通知原文不含全称。)",
                        "(From the office table corpus/offices.tsv; the notice itself uses short names.)"))
        return Answer("\n".join(lines), True, (), q)

    def _rows_with_items(self, q: Query, rows: list[Record]) -> Answer:
        lines, cites = self._row_lines(q, rows)
        head = _t(q, "配档表中的安排:", "From the 配档表:")
        for r in rows:
            for item, sent in self.links[r.id]:
                lines.append(_t(q, f"对应第{item.item}条:“{sent}”〔第{item.item}条〕",
                                f"Carries out item {item.item}: “{sent}”〔第{item.item}条〕"))
        return Answer("\n".join([head, *lines]), True, tuple(cites), q)


@functools.lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Words jieba's own dictionary tags as place names (ns). Read once, ~0.2 s; cheaper than
    jieba.posseg, which loads a second copy of the dictionary and an HMM."""
    import jieba

    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        return frozenset(w for w, _, tag in (line.split() for line in f) if tag == "ns" and len(w) >= 2)


def places(words: list[str]) -> list[str]:
    """Place names among `words`, without 省/市/区/县."""
    known = place_words()
    return [re.sub(r"(省|市|区|县)$", "", w) or w for w in words if w in known]


def validate(question: object) -> str | None:
    """A polite message for input that is not a question; None when it is fine."""
    if not isinstance(question, str) or not question.strip():
        return "请输入一个问题,例如“6月份基教处要完成哪些工作?”。"
    if len(question) > MAX_CHARS:
        return f"问题太长了({len(question)} 个字符),请控制在 {MAX_CHARS} 个字符以内。"
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t\r" for ch in question):
        return "问题中含有控制字符,请删除后重新输入。"
    if any(unicodedata.category(ch) == "So" and ord(ch) > 0x2FFF and not "\u3000" <= ch <= "\u9fff"
           for ch in question):
        return "问题中含有表情符号,请用文字提问,例如“7月民继处有什么工作?”。"
    return None


def load_calibration(path: Path = CALIBRATION) -> dict:
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
