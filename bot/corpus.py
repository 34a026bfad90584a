"""The records as the bot sees them: by id, items, schedule rows by month and office, the
row → item links, the corpus vocabulary, and evidence search over sentences and items.

Loading is cheap (the records only); the search index and its model load on the first question
that needs them, so schedule questions are answered at once after a start.
"""
from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from bot.answer import Citation
from bot.settings import SETTINGS, Settings
from bot.text import FUNCTION_CHARS, grams, in_order, is_title, mentions, normalize, sentences
from ingest.offices import OfficeTable
from ingest.parse import cn_to_int
from ingest.records import Record, has_body, plan_year, without_year_spans


@dataclass(frozen=True)
class Document:
    """One notice as the bot names it: `label` is its short name in citations (empty when the
    corpus holds one document, so labels stay 〔第7条〕), unique within the corpus."""
    doc_id: str
    title: str
    year: int | None
    issuer: str
    place: str = ""         # the city or district its issuer (or title) names: 济南, 淄博, 莱山
    label: str = ""
    within: str = ""        # the city a district's notice is of (烟台 for 烟台市莱山区…)


def _place(title: str, issuer: str) -> str:
    """The most specific place the issuer (or title) names: 莱山 of 烟台市莱山区教育和体育局, 济南 of
    济南市教育局; never words like 全市 or 各区 (2025年全市… is no place 年全)."""
    places = _places(title, issuer)
    return places[-1] if places else ""


def _places(title: str, issuer: str) -> list[str]:
    """Every place the issuer (or title) names, the widest first (烟台, 莱山)."""
    text = issuer or title
    # Two characters before 市 / 区 / 县 (济南, 莱山); three where the name starts the text or follows
    # 省 (石家庄市…, 河北省石家庄市), so 中共济南市委 is 济南, not 共济南.
    # (Not the 市 of 市场, nor the 区 / 县 of 区域 / 县域: 姑苏区市场监督管理局 names no 苏区.)
    # Before 市直 / 市民 / 市属, only where the name opens the text (济南市直…, 广州市民政局; not 做好 of
    # 关于做好市直机关…).
    unit = r"(?:市(?!场)|区(?!域)|县(?!域))"
    inner = r"(?:市(?![场直民属])|区(?!域)|县(?!域))"
    found = [(m.start(1), m.group(1)) for pattern in (rf"(?:^|(?<=省))([\u4e00-\u9fff]{{2,3}}?){unit}",
                                                      rf"(?=([\u4e00-\u9fff]{{2}}){inner})")
             for m in re.finditer(pattern, text) if not re.search(r"[全各本该年度我省]", m.group(1))]
    by_end: dict[int, tuple[int, str]] = {}
    for start, name in found:   # one name per 市 / 区 / 县: the longer (石家庄 over 家庄)
        end = start + len(name)
        if end not in by_end or len(name) > len(by_end[end][1]):
            by_end[end] = (start, name)
    return [name for _, (_, name) in sorted(by_end.items())]


def _bare_title(r: Record) -> bool:
    """An item whose text is only its title (维护教育系统政治安全。)."""
    return r.kind == "item" and is_title(r.text, r.title)


def _names(asked: set[str], heading: str) -> bool:
    """The question names the heading: it holds most of its character pairs (教育系统政治安全 of
    维护教育系统政治安全。), not one word of it (安全)."""
    pairs = grams(heading)
    return bool(pairs) and len(pairs & asked) >= 0.6 * len(pairs)


def _documents(records: list[Record]) -> dict[str, Document]:
    """The corpus's documents, newest first, each with a short unique label derived from its
    year and kind (2024工作要点), its place when the corpus holds several places' notices
    (济南2024工作要点), then its id."""
    raw = []
    by_doc: dict[str, list[Record]] = {}
    for r in records:
        by_doc.setdefault(r.doc_id, []).append(r)
    for doc_id, recs in by_doc.items():
        title = next((r.title for r in recs if r.kind == "preamble" and r.title),
                     next((r.title for r in recs if r.kind == "meta" and r.title), doc_id))
        inner = re.fullmatch(r"关于印发《(.+)》的通知", title or "")
        title = inner.group(1) if inner else title      # the notice's own name, not the cover letter's
        meta = dict(next((r.meta for r in recs if r.kind == "meta"), ()))
        issuer = meta.get("issuer") or ""
        places = _places(title, issuer)
        raw.append((doc_id, title, plan_year(title, meta.get("written_date")), issuer, places[-1] if places else "",
                    places[-2] if len(places) > 1 else ""))
    raw.sort(key=lambda d: -(d[2] or 0))
    if len(raw) <= 1:
        return {d[0]: Document(*d[:5], within=d[5]) for d in raw}

    def kind(title: str, year: int | None, places: tuple[str, ...] = ()) -> str:
        """What follows the plan's year (《规划纲要（2024—2035年）》2025年工作要点 → 工作要点), without
        a bracket that dates the text (（2024年12月修订）)."""
        title = re.sub(r"[（(][^（）()]*\d{4}[^（）()]*[）)]", "", without_year_spans(title))
        inner = [t for t in re.findall(r"《([^》]+)》", title) if year and str(year) in t]
        base = inner[-1] if inner else title
        at = base.find(str(year)) if year else -1
        name = re.sub(r"^\s*年?度?", "", base[at + 4:]) if at >= 0 else base
        name = re.sub(r"[\s《》〔〕()()]|的|^(?:关于)?(?:做好|印发|开展|加强)?", "", name) or title
        # Not its place again (潍坊市中小学校食堂管理办法: the label names the place already).
        for place in filter(None, places):
            name = re.sub(rf"^{re.escape(place)}(?:省|市|区|县)?(?=[\u4e00-\u9fff]{{4}})", "", name)
        # Its start and its end (暑期学生安全工作的通知 → 暑期学生工作通知), not a cut through a word.
        return name if len(name) <= 8 else name[:4] + name[-4:]

    labels = {d[0]: f"{d[2] or ''}{kind(d[1], d[2], (d[5], d[4]))}" for d in raw}
    if len({d[4] for d in raw if d[4]}) > 1:   # notices of several places: each label names its place
        labels = {d[0]: d[4] + labels[d[0]] for d in raw}
    for step in (lambda d: d[4] + labels[d[0]], lambda d: f"{labels[d[0]]}({d[0]})"):
        counts: dict[str, int] = {}
        for v in labels.values():
            counts[v] = counts.get(v, 0) + 1
        labels = {d[0]: step(d) if counts[labels[d[0]]] > 1 else labels[d[0]] for d in raw}
    return {d[0]: Document(*d[:5], label=labels[d[0]], within=d[5]) for d in raw}


# Endings that make a word the measure of a thing (覆盖率, 覆盖面, 满意度, 参与率): staff asking
# for one mean whichever the notice gives.
_MEASURES = "率面度"
# Words for a share of a whole: staff asking one (普惠园的比例) mean whichever the notice writes
# (占比, 比重).
_SHARES = ("比例", "占比", "比重", "百分比", "比率")

# The ending of an issuing body a short form's last character stands for (委 for 委员会).
_AGENCY_ENDINGS = {"局": re.compile(r"局$"), "委": re.compile(r"委(?:员会)?$"), "厅": re.compile(r"厅$")}


def top_members(rank, text: str, keep, n: int) -> list[int]:
    """The first `n` record positions of `rank(text, k)` that `keep` accepts. Asks for a few times
    `n` and widens only when filtering left too few, so a question never ranks the whole corpus
    (120k records at 1,000 notices) just to keep the best sixty."""
    k = n * 4
    while True:
        ranked = rank(text, k)
        kept = [i for i, _ in ranked if keep(i)]
        if len(kept) >= n or len(ranked) < k:
            return kept[:n]
        k *= 4


class _Links(Mapping):
    """Schedule row id → [(item, matching sentence)], each row linked when first asked for."""

    def __init__(self, rows: dict[str, Record], link):
        self._rows, self._link, self._done = rows, link, {}
        self._lock = threading.Lock()

    def __getitem__(self, row_id: str) -> list[tuple[Record, str]]:
        found = self._done.get(row_id)
        if found is None:
            row = self._rows[row_id]          # KeyError for an id that is not a schedule row
            with self._lock:
                found = self._done[row_id] = self._link(row)
        return found

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True)
class Evidence:
    """An item (or the preamble) with the sentences of it that best match a question."""
    record: Record
    sentences: tuple[str, ...]
    score: float          # fused rank score; only comparable within one search
    rows: tuple[int, ...] = ()   # the index rows of `sentences`, in the same order


class Corpus:
    def __init__(self, records: list[Record], offices: OfficeTable, index=None, index_loader=None,
                 settings: Settings = SETTINGS, vectors_loader=None):
        self.records = records
        # Offices as the notices write them (a row's cell, an item's or a part's 牵头单位 line), whether
        # or not the alias table lists them.
        self.offices = offices.with_names(o for r in records for o in r.offices)
        self.settings = settings
        self._index, self._index_loader = index, index_loader
        self._lock = threading.Lock()
        self.by_id = {r.id: r for r in records}
        self.items = {r.id: r for r in records if r.kind == "item"}
        self.schedule = [r for r in records if r.kind == "schedule"]
        self._rows_by_doc: dict[str, list[Record]] = {}
        for r in self.schedule:
            self._rows_by_doc.setdefault(r.doc_id, []).append(r)
        # The notices' own records; sentence children exist only for the search.
        self.own = [r for r in records if r.kind != "sentence"]
        self.documents = _documents(self.own)
        self.newest = next(iter(self.documents), "")
        # Section titles a question's 第三部分 is read against: every document's, the newest's
        # title where numbers coincide (the handler then answers from the document asked about).
        order = {d: i for i, d in enumerate(self.documents)}
        self.sections: dict[str, str] = {}
        self._sections_by_doc: dict[str, list[Record]] = {}   # each document's sections and (二) parts
        for r in sorted((r for r in records if r.kind == "section"), key=lambda r: order.get(r.doc_id, 0)):
            self.sections.setdefault(r.section, r.title or r.text)   # a section's title, not its paragraphs
            self._sections_by_doc.setdefault(r.doc_id, []).append(r)
        self.meta = [r for r in records if r.kind == "meta"]
        self.text = self._text_of(self.own)
        self._texts: dict[tuple[str, ...], str] = {}   # docs → their text (`text_of`)
        self.doc_years = {str(d.year) for d in self.documents.values() if d.year}
        # Every place that chooses a notice: its own, and the city a district's notice is of.
        self.places = frozenset(p for d in self.documents.values() for p in (d.place, d.within) if p)
        # Per document, its items' sentences with their 4-grams and bigrams (`_grams_of`): a row is
        # compared with the items of its own document only, each sentence grammed once.
        self._masks: dict = {}     # (kinds, docs) → rows that may be evidence (`_eligible`)
        self._item_grams: dict[str, list[tuple[Record, list[tuple[str, set[str], set[str]]]]]] = {}
        # Row → items, computed on first use per row: linking every row of 1,000 notices up front
        # would cost a minute at start.
        self.links = _Links({r.id: r for r in self.schedule}, self._link)
        self._bridges: dict[str, tuple[str, ...]] = {}
        self._bare_share: dict[str, float] = {}   # doc_id → share of its items that are only a title
        self._item_share: dict[str, float] = {}
        self._full_forms: dict[str, str | None] = {}   # short form → full word (`full_form`)
        self._own_tokenizer = None
        # The index's vectors (row i = records[i]), read when a row link first compares meanings.
        self._vectors_loader = vectors_loader
        self._vectors = None   # then the vectors, or False: none to compare
        self._position: dict[str, int] = {}
        self._children: dict[str, list[int]] = {}   # item id → its sentences' positions
        self._index_rows: dict[str, int] | None = None   # record id → its row in the index
        self._agencies: frozenset[str] | None = None
        self._agencies_longest_first: list[str] | None = None   # for `without_agencies`

    @staticmethod
    def _text_of(records) -> str:
        # (A section with text of its own keeps its title in `title`: its words are the notice's too.)
        return normalize("\n".join(f"{r.title}\n{r.text}" if r.kind == "section" and has_body(r) else r.text
                                    for r in records))

    def text_of(self, docs: tuple[str, ...]) -> str:
        """The text of the notices `docs` (all of them if none): what a question about one notice
        may find there, not in another notice of the corpus (补助 in 临洮's, asked of 温江's)."""
        if not docs or set(docs) >= set(self.documents):
            return self.text
        key = tuple(sorted(docs))
        if key not in self._texts:
            self._texts[key] = self._text_of(r for r in self.own if r.doc_id in docs)
        return self._texts[key]

    def bridges(self, term: str) -> tuple[str, ...]:
        """The notices' own words for a term they never use: its synonyms (`bot.thesaurus`) that
        are words of the notices, as the search cuts them (大夫 → 医生; not 学学 of 大学学科), and
        the same measure of the same thing (覆盖面 → 覆盖率: `_MEASURES`; 比例 → 占比: `_SHARES`). Empty for a term they use."""
        out = self._bridges.get(term)
        if out is None:
            from bot.thesaurus import bridges

            vocab = self.index.bm25.vocab
            measured = [term[:-1] + m for m in _MEASURES if len(term) >= 3 and term[-1] in _MEASURES and m != term[-1]]
            # (A share word is a bridge even where the search cuts it apart: 占|比达61%.)
            shares = [w for w in _SHARES if term in _SHARES and w != term and w in self.text]
            out = () if mentions(self.text, term) else tuple(dict.fromkeys(
                (*(b for b in (*bridges(term, self.text), *(m for m in measured if m in self.text)) if b in vocab),
                 *shares)))
            self._bridges[term] = out
        return out

    def _heading_only(self, r: Record) -> bool:
        """An item that is only its heading in a notice whose items mostly say more
        (维护教育系统政治安全。 among items with text): evidence only for a question that names it
        (`_names`), since it would beat real content on any question sharing one of its words. In a
        notice of one-line items, that line is the content."""
        # One clause and no figure: 招聘中小学教师300名。 is content however short.
        if not _bare_title(r) or re.search(r"[，,、；;：:\d]", r.text):
            return False
        share = self._bare_share.get(r.doc_id)
        if share is None:
            mine = [x for x in self.items.values() if x.doc_id == r.doc_id]
            share = self._bare_share[r.doc_id] = sum(map(_bare_title, mine)) / max(len(mine), 1)
        return share < 0.5

    def item_share(self, term: str) -> float:
        """The share of the corpus's items that name `term` (`mentions`)."""
        share = self._item_share.get(term)
        if share is None:
            items = self.items.values()
            share = self._item_share[term] = sum(mentions(r.text, term) for r in items) / max(len(items), 1)
        return share

    def says(self, text: str, term: str) -> bool:
        """`text` speaks of `term`: names it (`mentions`) or one of its `bridges`."""
        return mentions(text, term) or any(b in text for b in self.bridges(term))

    def speaking_of(self, records: list[Record], terms: list[str]) -> list[Record]:
        """Those of `records` that speak of every one of `terms` (`says`)."""
        return [r for r in records if all(self.says(r.text, t) for t in terms)]

    @property
    def index(self):
        if self._index is None:
            with self._lock:   # the app warms up in a thread while requests may arrive
                if self._index is None:
                    self._index = self._index_loader()
        return self._index

    @property
    def index_loaded(self) -> bool:
        return self._index is not None

    @property
    def tokenizer(self):
        """The index's word cutter; before the index is loaded (a schedule question), one made from
        the same user terms, so that cutting words never loads the embedding model."""
        if self._index is not None:
            return self._index.tokenizer
        if self._own_tokenizer is None:
            from index.text import Tokenizer, user_terms

            self._own_tokenizer = Tokenizer(user_terms(self.own, self.offices))
        return self._own_tokenizer

    # --- schedule --------------------------------------------------------------------------------

    def cite(self, r: Record, quote: str | None = None) -> Citation:
        """The citation of `r`, naming its document when the corpus holds several."""
        doc = self.documents.get(r.doc_id)
        return Citation.of(r, quote, doc.label if doc else "")

    def sections_in(self, doc_id: str) -> list[Record]:
        """The document's section records, its (二) parts among them, in its order."""
        return self._sections_by_doc.get(doc_id, [])

    def sections_of(self, doc_id: str) -> dict[str, str]:
        """The document's sections (一, 二 …: not their (一) parts), number → title."""
        return {r.section: r.title or r.text for r in self.sections_in(doc_id) if not r.subsection}

    def section_record(self, doc_id: str, no: str) -> Record | None:
        """Section `no` (一, 二 …; not a (一) part) of the document, as a record."""
        return next((r for r in self.sections_in(doc_id) if r.section == no and not r.subsection), None)

    def parts_numbered(self, docs, sections: tuple[str, ...], nos) -> list[Record]:
        """The (二) parts (`nos` as numbers) of `sections` in `docs`: 一（二） names the part, not an
        item, in a notice whose items are 1. 2. under such parts."""
        return [r for d in docs for r in self.sections_in(d)
                if r.subsection and r.section in sections and cn_to_int(r.subsection) in nos]

    def parts_with_text(self, doc_id: str, no: str) -> list[Record]:
        """The (一), (二) … parts of section `no` that hold text of their own."""
        return [r for r in self.sections_in(doc_id) if r.section == no and r.subsection and has_body(r)]

    def has_schedule(self, docs: tuple[str, ...]) -> bool:
        """Any of `docs` (every document, if none) has 配档表 rows."""
        return any(self._rows_by_doc.get(d) for d in docs) if docs else bool(self.schedule)

    def filter_rows(self, months: tuple[int, ...] = (), offices: tuple[str, ...] = (),
                    docs: tuple[str, ...] = ()) -> list[Record]:
        if len(docs) == 1:      # the usual case: one notice's rows, not a scan of every notice's
            pool = self._rows_by_doc.get(docs[0], [])
        else:
            pool = [r for r in self.schedule if not docs or r.doc_id in docs]
        rows = [r for r in pool
                if (not months or any(m in months for m in r.months))
                and (not offices or any(self.offices.canonical(o) in offices for o in r.offices))]
        return sorted(rows, key=lambda r: r.month or 0)  # stable: keeps table order within a month

    def _grams_of(self, doc_id: str) -> list[tuple[Record, list[tuple[str, set[str], set[str]]]]]:
        """The document's items with each sentence's 4-grams and bigrams (made on first use)."""
        found = self._item_grams.get(doc_id)
        if found is None:
            found = self._item_grams[doc_id] = [
                (item, [(sent, grams(sent, 4), grams(sent)) for sent in sentences(item.text)])
                for item in self.items.values() if item.doc_id == doc_id]
        return found

    def _link(self, row: Record) -> list[tuple[Record, str]]:
        """Items a schedule row carries out, with the matching sentence.

        Shared 4-character runs decide whether a row links (some item shares at least 3) and which
        items may be its (those sharing a phrase, 2 runs). Counting runs alone rewards long generic
        phrases: 启动中考招生工作，制定初中学业水平考试实施意见 shares 学业水平考试 (3 runs) with item
        10's 中职学校学业水平考试试点 and only 中考招生 (2) with item 9's 完善中考招生制度. So when several
        items may be the row's, they are ranked by meaning (the row's stored vector against each
        item's sentences'), and a second is kept only when its words match nearly as well and its
        meaning is within `link_dense_margin` of the first."""
        task = {g for g in grams(row.text, 4) if not re.search(r"\d", g)}
        scored = []
        for item, sents in self._grams_of(row.doc_id):
            best = max(((len(task & g), s) for s, g, _ in sents), default=(0, ""))
            if best[0] >= 2:
                scored.append((best[0], item, best[1]))
        top = max((n for n, _, _ in scored), default=0)
        if top < 3:
            return self._link_loosely(row)
        scored.sort(key=lambda x: -x[0])
        meaning = self._meaning(row, [item for _, item, _ in scored]) if len(scored) > 1 else None
        if meaning is None:  # one candidate, or no index to rank by: by shared runs alone
            return [(item, sent) for n, item, sent in scored if n >= top * 0.8][:2]
        ranked = sorted(scored, key=lambda x: -meaning[x[1].id])
        first = ranked[0]
        out = [(first[1], first[2])]
        for n, item, sent in ranked[1:2]:
            if n >= top * 0.8 and meaning[first[1].id] - meaning[item.id] <= self.settings.link_dense_margin:
                out.append((item, sent))
        return out

    def row_scores(self, text: str, rows: list[Record]) -> list[float] | None:
        """Each row's similarity to `text` asked as a question (loads the index); None when the
        rows are not the index's."""
        idx = self.index
        if self._index_rows is None:
            self._index_rows = {r.id: i for i, r in enumerate(idx.records)}
        at = [self._index_rows.get(r.id) for r in rows]
        if any(i is None for i in at):
            return None
        return idx.scores_of(text, at).tolist()

    def _meaning(self, row: Record, items: list[Record]) -> dict[str, float] | None:
        """Each item's best sentence similarity to `row`, from the vectors the index stores (no
        model is loaded); None when there are none to compare (no index, an approximate one)."""
        if self._vectors is None:
            if self._index is not None:
                vectors = self._index._flat_vectors()
            else:
                vectors = self._vectors_loader() if self._vectors_loader else None
            if vectors is None or len(vectors) != len(self.records):
                self._vectors = False
            else:
                self._vectors = vectors
                self._position = {r.id: i for i, r in enumerate(self.records)}
                self._children = {}
                for i, r in enumerate(self.records):
                    if r.kind == "sentence" and r.parent:
                        self._children.setdefault(r.parent, []).append(i)
        if self._vectors is False:
            return None
        rows = [self._children.get(item.id) for item in items]
        if not all(rows):
            return None
        v = self._vectors
        mine = v[self._position[row.id]]
        return {item.id: float((v[r] @ mine).max()) for item, r in zip(items, rows)}

    def _link_loosely(self, row: Record) -> list[tuple[Record, str]]:
        """A short task reworded from its item (举行庆祝教师节系列活动 for 做好第40个教师节系列庆祝
        活动) shares too few 4-character runs: link it to the one sentence holding most of its
        bigrams, if that is at least `link_min_bigram_share` of them and no other item ties."""
        task = {g for g in grams(row.text) if not re.search(r"\d", g)}
        if not task:
            return []
        scored = sorted(((len(task & pairs) / len(task), item, sent)
                         for item, sents in self._grams_of(row.doc_id) for sent, _, pairs in sents),
                        key=lambda x: -x[0])
        if not scored or scored[0][0] < self.settings.link_min_bigram_share:
            return []
        if len(scored) > 1 and scored[1][1].id != scored[0][1].id and scored[1][0] == scored[0][0]:
            return []
        return [(scored[0][1], scored[0][2])]

    def items_of_rows(self, row_ids) -> list[Record]:
        out = {}
        for rid in row_ids:
            for item, _ in self.links.get(rid, []):
                out[item.id] = item
        return list(out.values())

    def rows_of_items(self, item_ids) -> list[Record]:
        """The schedule rows that carry out the items with these record ids."""
        docs = {self.by_id[i].doc_id for i in item_ids if i in self.by_id}
        return [r for r in self.schedule
                if r.doc_id in docs and any(i.id in item_ids for i, _ in self.links[r.id])]

    def find_items(self, nos, docs: tuple[str, ...] = (), sections: tuple[str, ...] = ()) -> list[Record]:
        """The items numbered `nos` in `docs` (all documents if none), documents newest first, each
        in its own order. A notice that numbers items afresh in each section has several of one
        number: all of them, or those of `sections` (第二部分第2条) when it names any; the n-th of a
        section's items when none of it has that number."""
        order = {d: i for i, d in enumerate(self.documents)}
        found = [r for r in self.items.values() if r.item in nos and (not docs or r.doc_id in docs)]
        if sections:
            # 二（三） in a notice numbering its items throughout (5. 6. 7. under 二): the third of
            # that part's items, not item 3 of another part.
            parts: dict[tuple[str, str | None], list[Record]] = {}
            for r in self.items.values():
                if r.section in sections and (not docs or r.doc_id in docs):
                    parts.setdefault((r.doc_id, r.section), []).append(r)
            nth = [r for part in parts.values() for n, r in enumerate(sorted(part, key=lambda r: r.item), 1) if n in nos]
            found = [r for r in found if r.section in sections] or nth or found
        return sorted(found, key=lambda r: order.get(r.doc_id, 0))   # stable: record order within each

    # --- vocabulary ------------------------------------------------------------------------------

    @functools.cached_property
    def title_words(self) -> dict[str, frozenset[str]]:
        """Each document's title cut into words, without years (years choose a notice by year)."""
        cut = self.tokenizer.dictionary_words
        return {d.doc_id: frozenset(w for w in cut(d.title) if len(w) >= 2 and not re.search(r"\d", w))
                for d in self.documents.values()}

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Terms the corpus itself names: office spellings, “programme names” and 《titles》 (the
        index tokenizer's user dictionary), which near-miss spellings are corrected to."""
        from index.text import user_terms

        terms = user_terms(self.own, self.offices)
        return frozenset(t.strip("《》") for t in terms if len(t.strip("《》")) >= 2)

    def full_form(self, short: str) -> str | None:
        """The notices' four-character word that `short`, two characters they never write, is the
        short form of: the first characters of its two halves, each a dictionary word (统战 → 统一战线,
        普高 → 普通高中). None when no word or several have it, or `short` is part of an office's name
        (基教 of 基教处)."""
        if short not in self._full_forms:
            known = self.tokenizer.known
            words = {w for w in re.findall(f"{re.escape(short[0])}.{re.escape(short[1])}.", self.text)
                     if re.fullmatch(r"[\u4e00-\u9fff]{4}", w) and known(w) and known(w[:2]) and known(w[2:])}
            office = any(short in s for s in self.offices.spellings)
            self._full_forms[short] = words.pop() if len(words) == 1 and not office else None
        return self._full_forms[short]

    def expand_short_forms(self, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """`text` with each word of it that is a short form (`full_form`) written in full, and the
        (typed, understood) pairs: 统战方面有啥要求 → 统一战线方面有啥要求."""
        from bot.scope import rarity

        tok = self.tokenizer
        pairs = tuple(dict.fromkeys((w, self.full_form(w)) for w in tok.words(text)
                                    if len(w) == 2 and tok.known(w) and w not in self.text
                                    and rarity(w, self) >= self.settings.short_form_min_rarity and self.full_form(w)))
        pairs += self._agency_forms(text)
        for short, full in pairs:
            text = text.replace(short, full)
        return text, pairs

    def respell(self, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """`text` with its slips of the notices' ordinary words (`_slips`) written right, and the
        (typed, understood) pairs. Run after the corpus's own names are corrected (校园天言 is
        校园天眼 as a whole, not 天言 → 天眼)."""
        pairs = self._slips(text)
        for typed, meant in pairs:
            text = text.replace(typed, meant)
        return text, pairs

    def _slips(self, text: str) -> tuple[tuple[str, str], ...]:
        """Words of `text` that neither jieba nor the notices know (jieba guessed them from single
        characters) and that are one word the notices write with one character typed as another of
        the same sound: 陪训 → 培训, 薄若 → 薄弱, an input-method slip. When several words fit,
        none is guessed."""
        tok = self.tokenizer
        # (A word jieba glued from a function character and another, 能 + 立, is no slip; nor is part
        # of an office's name, 职成 of 职成教科, which sounds like 职称.)
        spellings = self.offices.spellings
        # Nor is a word whose first character a number binds (第5条里: 条 + 里, not 条例).
        counted = re.compile(r"[\d一二两三四五六七八九十百几第]")
        typed = [w for w in dict.fromkeys(tok.words(text)) if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w)
                 and not tok.known(w) and w not in self.text and not {w[0], w[-1]} & FUNCTION_CHARS
                 and not any(w in s for s in spellings)
                 and not any(m.start() and counted.match(text[m.start() - 1]) for m in re.finditer(w, text))]
        if not typed:
            return ()
        from pypinyin import Style, pinyin

        def sounds(ch: str) -> set[str]:
            return set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])

        out = []
        for w in typed:
            alike = {t for i in range(len(w)) for t in self._one_off.get(w[:i] + "?" + w[i + 1:], ())
                     if t[i] != w[i] and sounds(t[i]) & sounds(w[i])}
            if len(alike) == 1:
                out.append((w, alike.pop()))
        return tuple(out)

    @functools.cached_property
    def _one_off(self) -> dict[str, set[str]]:
        """The dictionary words of two to four characters the notices write, by each form of them
        with one character masked (培训 under ?训 and 培?)."""
        tok, out = self.tokenizer, {}
        for w in self.index.bm25.vocab:
            if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w) and tok.known(w):
                for i in range(len(w)):
                    out.setdefault(w[:i] + "?" + w[i + 1:], set()).add(w)
        return out

    @property
    def agencies(self) -> frozenset[str]:
        """The issuing bodies the notices name, without their place: 人力资源和社会保障局 of
        杭州市拱墅区人力资源和社会保障局, 卫生健康委员会, 教育局."""
        if self._agencies is None:
            found = set()
            for d in self.documents.values():
                for name in (d.issuer, d.title):
                    # The places it opens with (成都市新都区…) off, then the body up to its ending.
                    for place in _places(d.title, d.issuer):
                        name = re.sub(rf"^(?:中共)?{re.escape(place)}(?:省|市|区|县)?", "", name)
                    m = re.match(r"([\u4e00-\u9fff]{2,12}?(?:局|委员会|厅|办公室))", name)
                    if m:
                        found.add(m.group(1))
            self._agencies = frozenset(found)
        return self._agencies

    def agency_docs(self, text: str) -> list[str]:
        """The documents whose issuing body `text` names (in full: run `expand_short_forms` first)."""
        return [d.doc_id for d in self.documents.values()
                if any(a in text and a in f"{d.title} {d.issuer}" for a in self.agencies)]

    def without_agencies(self, text: str) -> str:
        """`text` with the issuing bodies it names blanked out: they choose a notice, and are no
        topic of its rows, nor a subject it must mention."""
        if self._agencies_longest_first is None:
            self._agencies_longest_first = sorted(self.agencies, key=len, reverse=True)
        for a in self._agencies_longest_first:
            text = text.replace(a, " ")
        return text

    def _agency_forms(self, text: str) -> tuple[tuple[str, str], ...]:
        """Issuing bodies named as staff name them (人社局, 医保局, 市场监管局, 卫健委): a run ending in
        局 / 委 / 厅 that is none of the notices' `agencies` but whose characters, the first one first,
        come in order in exactly one of them with the same ending (委 for 委员会)."""
        pairs = []
        known = self.tokenizer.known
        for m in re.finditer(r"[\u4e00-\u9fff]{2,6}?(?:局|委|厅)", text):
            run, after = m.group(0), text[m.end():m.end() + 2]
            if after and known(run[-1] + after[:1]) or len(after) == 2 and known(run[-1] + after):
                continue   # 局面, 局势, 委托, 厅堂: the ending begins a word
            for start in range(len(run) - 3, -1, -1):   # shortest first (三字+): 拱墅区人社局 → 人社局
                typed = run[start:]
                if typed in self.agencies:
                    break   # (two characters, 市局 / 大局, name no body: three at least)
                stem, ending = typed[:-1], _AGENCY_ENDINGS[typed[-1]]
                owners = [a for a in self.agencies if a[0] == stem[0] and (m := ending.search(a))
                          and in_order(stem, a[:m.start()])]
                if len(owners) == 1:
                    pairs.append((typed, owners[0]))
                    break
        return tuple(dict.fromkeys(pairs))

    # --- evidence search -------------------------------------------------------------------------

    def _eligible(self, member, kinds: set[str], docs: tuple[str, ...]):
        """A boolean mask over the index's rows that may be evidence for `docs`, made once per
        (kinds, docs) from this corpus's own records; None when those are not the index's rows
        (same length and the same ids at sampled positions), so rows cannot be told apart here."""
        import numpy as np

        idx = self.index
        key = (tuple(sorted(kinds)), tuple(sorted(docs)))
        if key not in self._masks:
            n = len(self.records)
            aligned = n == len(idx.records) and all(
                self.records[i].id == idx.records[i].id for i in {0, n // 3, n // 2, 2 * n // 3, n - 1} if n)
            self._masks[key] = np.fromiter((member(r) is not None for r in self.records), bool, n) \
                if aligned else None
        return self._masks[key]

    def evidence(self, text: str, kinds: tuple[str, ...] = ("item", "preamble", "section", "paragraph"),
                 docs: tuple[str, ...] = (), also: tuple[str, ...] = ()) -> list[Evidence]:
        """Items (and the preamble, and sections with paragraphs of their own: `has_body`) ranked by
        their best matching sentences and their own text.

        Sentences and whole records are ranked together by dense similarity and by BM25, fused by
        RRF, then grouped by the item they belong to: an item scores by its best-ranked member, so
        one precise sentence wins over a long item that mentions everything once. A record shorter
        than `min_evidence_chars` (a title-only item) is not ranked by itself."""
        from index.rank import rrf

        s, idx = self.settings, self.index
        wanted = set(kinds)

        def member(r: Record) -> str | None:
            if docs and r.doc_id not in docs:
                return None
            if r.kind == "sentence":
                parent = self.by_id.get(r.parent or "")
                ok = parent is not None and parent.kind in wanted and len(r.text) >= s.min_evidence_chars
                return parent.id if ok else None
            # (A section's text is read under its title: 学前教育 ⏎ 新增学位800个。)
            size = len(r.text) + (len(r.title or "") if r.kind == "section" else 0)
            if r.kind in wanted and has_body(r) and size >= s.min_evidence_chars:
                return r.id
            return None

        # BM25 can only match the notices' own (Chinese) words: an English question's own words
        # are noise there (2024 picks any sentence dated 2024), only its readings (`also`) count.
        # `also` (the notices' words for the question's own) is matched by words, by BM25: the
        # dense side already places synonyms near each other, and noisy ones would pull it away.
        words = " ".join((text, *also)) if re.search(r"[\u4e00-\u9fff]", text) else " ".join(also)
        mask = self._eligible(member, wanted, docs) if docs and len(self.documents) > 1 else None
        if mask is not None:
            # One notice of many: rank only its rows (a mask over every row), rather than widen a
            # pool over all notices until enough of its rows are in it.
            from index.rank import top_rows

            row = self.records.__getitem__
            dense = top_rows(idx.dense_scores(text), s.evidence_pool, mask).tolist()
            bm25 = idx.bm25_scores(words) if words else None
            lexical = [] if bm25 is None else top_rows(bm25, s.evidence_pool, mask & (bm25 > 0)).tolist()
        else:
            row = idx.records.__getitem__
            keep = lambda i: member(idx.records[i]) is not None   # noqa: E731
            dense = top_members(idx.rank_dense, text, keep, s.evidence_pool)
            lexical = top_members(idx.rank_bm25, words, keep, s.evidence_pool) if words else []
        fused = rrf([dense, lexical], k=s.rrf_k, weights=[s.dense_weight, 1.0])
        best: dict[str, tuple[float, list[str], list[int]]] = {}
        for i, score in fused:
            r = row(i)
            pid = member(r)
            score_, sents, rows = best.get(pid, (0.0, [], []))
            if r.kind == "sentence":
                sents, rows = sents + [r.text], rows + [int(i)]
            best[pid] = (max(score_, score), sents, rows)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        asked = grams(text)
        return [Evidence(self.by_id[pid], tuple(sents), score, tuple(rows))
                for pid, (score, sents, rows) in ranked
                if not self._heading_only(self.by_id[pid]) or _names(asked, self.by_id[pid].text)]
