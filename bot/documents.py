"""Which documents a question is about.

A year (2023年), a year relative to the newest document (今年 / 去年 / 前年), or a place or issuer
named in a document's title (济南, 淄博) selects documents. A question that names none goes to the
newest document, and when the corpus holds several the answer says which one it used. A question
that names two years, or asks about both / each (两年, 两份, 分别, 都), gets every selected document,
each labelled. An office's work asked with no place named, in the notices of several places that
give that office work (人事科 of two districts), is answered for each place: they are different
offices. Years and places the corpus does not hold are refused by `bot.scope.foreign`.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, replace

from bot.corpus import Corpus
from bot.scope import rarity

RELATIVE_YEARS = {"今年": 0, "本年度": 0, "去年": 1, "上一年": 1, "前年": 2, "this year": 0, "last year": 1}
# (Not 每年: a 办法 says 每年 of every duty, 每年培训学分不少于72学分, within the one notice.)
BOTH = re.compile(r"两年|两份|几份|各年|历年|分别|都提到|都有|相比|对比|比较|比一比|比一下|有什么不同|区别|变化|"
                  r"两个?(?:城市|市|区|县)(?![\u4e00-\u9fff]{0,2}学生)|两[个份](?:文件|通知)|both|each|compare",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Selection:
    docs: tuple[str, ...]
    note: str = ""          # which document was assumed, when several could answer
    missing: str = ""       # what the question named that no document is (2023年)
    candidates: tuple[str, ...] = ()   # when one was assumed: all that could answer, newest first
    answering: bool = False  # several chosen though the question did not ask for several: of their
                             # answers, only those that answer are shown


def select(q, corpus: Corpus) -> Selection:
    docs = list(corpus.documents.values())
    # A place first: 济南今年… is the newest 济南 notice, even when another city's is newer.
    latin = bool(re.search(r"[A-Za-z]{4,}", q.text))
    named = [d for d in docs if _names(q.text, d.place, latin)] if len(docs) > 1 else []
    # 烟台… with no notice of 烟台's own: its districts' (烟台市莱山区…).
    named = named or ([d for d in docs if _names(q.text, d.within, latin)] if len(docs) > 1 else [])
    # An issuing body (人力资源和社会保障局, as `expand_short_forms` writes 人社局) chooses its notices,
    # among those of the place named if any.
    issued = set(corpus.agency_docs(q.text)) if len(docs) > 1 else set()
    if issued and len({a for a in corpus.agencies if a in q.text}) == 1:   # not 医保局联合卫健委…
        named = [d for d in (named or docs) if d.doc_id in issued] or named
    places = {d.place for d in named}
    pool = named or docs
    newest_year = max((d.year for d in pool if d.year), default=None)
    years = set()
    for word, back in RELATIVE_YEARS.items():
        if word in q.text.lower() and newest_year:
            years.add(newest_year - back)
    if len(docs) > 1:   # with one document, explicit years are `scope.foreign`'s (2025届… is a phrase)
        years |= {int(y) for y in re.findall(r"(?<!\d)(20\d\d)\s*年", q.text)}
    chosen = [d for d in pool if d.year in years] if years else pool
    if years and not chosen:   # 淄博2025年…: no 淄博 notice of 2025, though others may be of 2025
        return Selection((), missing="、".join(sorted(places)) + "、".join(f"{y}年" for y in sorted(years)))
    if len(docs) <= 1:
        return Selection(tuple(d.doc_id for d in docs))
    # (Two places named are a comparison: a title word of one does not drop the other.)
    titled = [d for d in chosen if d.title and d.title in q.text] or \
        (_by_title_words(q, corpus, chosen) if len(places) <= 1 else [])
    chosen = titled or chosen
    if not chosen:
        return Selection(())
    if q.docs and not (places or years or titled):
        # A follow-up stays with the notices of the turn before.
        return Selection(q.docs, answering=len(q.docs) > 1)
    if len(chosen) > 1 and not (BOTH.search(q.text) or len(years) > 1 or len(places) > 1):
        # Documents are ordered newest first. A schedule question goes to the newest that has rows
        # for what it asks (民继处有什么任务: not a newer notice without a 配档表 or without 民继处).
        if q.offices and not q.months and q.intent == "schedule":
            # 人事科负责哪些工作 in the notices of two districts: each district's 人事科 is its own
            # office, so each answers (the newest of each place whose rows or items name it).
            holding = _as_typed(q, corpus, [d for d in chosen if _names_office(corpus, d.doc_id, q.offices)])
            each = list({d.place: d for d in reversed(holding)}.values())[::-1]
            if len(each) > 1:
                return Selection(tuple(d.doc_id for d in each), answering=True)
            if each:   # one place's notices name it (关工委办公室): the newest of those
                return Selection((each[0].doc_id,), note(each[0]))
        if q.intent in SCHEDULE_INTENTS or (q.intent == "when_who" and (q.months or q.offices)):
            chosen = _as_typed(q, corpus, [d for d in chosen if corpus.filter_rows(q.months, q.offices, (d.doc_id,))]) \
                or chosen
        if q.items:   # 第18条讲什么: the newest notice that has an item 18 (not one of 8 items)
            chosen = [d for d in chosen if {r.item for r in corpus.find_items(q.items, (d.doc_id,), q.sections)}
                      >= set(q.items)] or chosen
        newest = chosen[0]
        return Selection((newest.doc_id,), note(newest, chosen[1:]), candidates=tuple(d.doc_id for d in chosen))
    return Selection(tuple(d.doc_id for d in chosen))


def _as_typed(q, corpus: Corpus, docs: list) -> list:
    """Of `docs`, those writing an office asked as the question types it (基教处: 济南's, not 烟台's
    基础教育科, which the office table reads as the same office), when any does; else all of them."""
    canon = corpus.offices.canonical

    def written(doc_id: str) -> set[str]:
        records = [*corpus.filter_rows(docs=(doc_id,)), *(r for r in corpus.items.values() if r.doc_id == doc_id)]
        return {o for r in records for o in r.offices if (canon(o) or o) in q.offices and o in q.text}

    return [d for d in docs if written(d.doc_id)] or docs


def _names_office(corpus: Corpus, doc_id: str, offices: tuple[str, ...]) -> bool:
    """Notice `doc_id` gives one of `offices` work: in a 配档表 row or among an item's offices."""
    if corpus.filter_rows((), offices, (doc_id,)):
        return True
    canon = corpus.offices.canonical
    return any(r.doc_id == doc_id and any((canon(o) or o) in offices for o in r.offices)
               for r in corpus.items.values())


def _names(text: str, place: str, latin: bool) -> bool:
    """`text` names `place`: as written, or (`latin`: the question has Latin words) in pinyin,
    Qingdao for 青岛."""
    if not place:
        return False
    if place in text:
        return True
    if not latin:
        return False
    # Qingdao, Qing Dao, Xi'an; capitalised as a name is (dean is a word, Dean a place).
    return any(m.group(0)[0].isupper() for m in re.finditer(rf"\b{_spelled(place)}\b", text, re.IGNORECASE))


@functools.lru_cache(maxsize=1024)
def _spelled(place: str) -> str:
    """A pattern of `place` in pinyin, its syllables run together or apart: qing['’ -]?dao."""
    from pypinyin import lazy_pinyin

    return r"['’\s-]?".join(map(re.escape, lazy_pinyin(place)))


def _by_title_words(q, corpus: Corpus, docs: list) -> list:
    """The one of `docs` whose title has a specific word (rarer than `topic_min_rarity`) that no
    other's title has and the question uses (济南暑期安全工作7月份…: 暑期 of the summer-safety
    notice); else none."""
    if len(docs) < 2:
        return []
    words = corpus.title_words
    shared = Counter(w for d in docs for w in words[d.doc_id])
    hits = [d for d in docs if any(shared[w] == 1 and w in q.text and rarity(w, corpus) >= corpus.settings.topic_min_rarity
                                   for w in words[d.doc_id])]
    return hits if len(hits) == 1 else []


SCHEDULE_INTENTS = ("schedule", "count", "compare")


def note(doc, others=()) -> str:
    """Which notice an answer assumed, when the question named none of several, and the others
    that could answer (at most three named), so the reader can ask one of them instead."""
    text = f"按《{doc.title}》回答"
    others = [o for o in others if o.doc_id != doc.doc_id]
    if others:
        more = f"等{len(others)}份" if len(others) > 3 else ""
        text += ";另有" + "".join(f"《{o.title}》" for o in others[:3]) + more + "可问"
    return text


def carried(q, prev, corpus: Corpus):
    """A follow-up (那8月呢) about the notice the turn before was about, unless it names another:
    `q` with `docs` set to that notice (`select` keeps them when the follow-up names none)."""
    if prev is None or not q.follow_up or q.docs or len(corpus.documents) <= 1:
        return q
    docs = prev.docs or select(prev, corpus).docs
    return replace(q, docs=docs) if docs else q


def without_selectors(text: str, corpus: Corpus) -> str:
    """`text` without what chose its document (济南的, 2024年的, 烟台市): once the notice is chosen,
    its place and year say nothing about which item answers, and 济南, written in most of a
    济南 notice's items, would pull the search towards the items that repeat it."""
    places = corpus.places
    years = corpus.doc_years
    # The issuer, after its place (青岛市教育局 → 教育局, 教育和体育局): it names the notice, too.
    issuers = {re.sub(r"^.*?[市区县]", "", d.issuer) for d in corpus.documents.values() if d.issuer}
    for word in sorted(i for i in issuers if len(i) >= 2):
        text = re.sub(r"(?<=[市区县])" + re.escape(word) + r"(?:的)?", "", text)
    for word in sorted(places, key=len, reverse=True):
        text = re.sub(re.escape(word) + r"(?:市|区|县)?(?:的)?", "", text)
        if re.search(r"[A-Za-z]{4,}", text):   # Qingdao / Qing Dao's
            text = re.sub(rf"\b{_spelled(word)}(?:'s)?\b", "", text, flags=re.IGNORECASE)
    for year in years:
        text = re.sub(year + r"\s*年?(?:度)?(?:的)?", "", text)
    return text.strip()
