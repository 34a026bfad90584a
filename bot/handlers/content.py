"""Content questions: the notice's outline and header, numbered items and sections, and topics
or figures found by evidence search, answered with the sentences that answer and their item."""
from __future__ import annotations

import re

from bot.answer import Answer, Citation, say
from bot.corpus import Corpus, Evidence
from bot.handlers.refusal import not_covered
from bot.handlers.schedule import rows_with_items
from bot.text import best_sentences, content_grams, grams, sentences

HEADER_NAMES = {"addressees": ("主送单位", "addressed to"), "doc_no": ("发文字号", "document number"),
                "index_no": ("索引号", "index number"), "category": ("组配分类", "category"),
                "written_date": ("成文日期", "date written"), "published_date": ("发布日期", "date published"),
                "issuer": ("发布机构", "issuer"), "title": ("标题", "title")}


def outline(q, corpus: Corpus) -> Answer:
    """How the notice is organised: sections and their item ranges."""
    parts, cites = [], []
    for no, title in corpus.sections.items():
        items = [r for r in corpus.items.values() if r.section == no]
        if items:
            nos = [r.item for r in items]
            parts.append(f"{no}、{title}(第{min(nos)}–{max(nos)}条)〔第{no}部分〕")
            sec = next(r for r in corpus.records if r.kind == "section" and r.section == no)
            cites.append(Citation.of(sec, title))
    total = len(corpus.items)
    head = say(q, f"通知共 {total} 条,分 {len(parts)} 个部分:", f"The notice has {total} items in {len(parts)} sections:")
    return Answer("\n".join([head, *parts]), bool(total), tuple(cites), q)


def header(q, corpus: Corpus) -> Answer:
    lines, cites = [], []
    for m in corpus.meta:
        fields_ = dict(m.meta)
        value = m.title if q.header == "title" else fields_.get(q.header)
        if q.header == "written_date" and not value:
            value = fields_.get("published_date")
        if value:
            zh, en = HEADER_NAMES[q.header]
            lines.append(f"{say(q, zh, en)}:{value}〔文件信息〕")
            cites.append(Citation.of(m, f"{zh}: {value}"))
    if not lines:
        return not_covered(q)
    return Answer("\n".join(lines), True, tuple(cites), q)


def item(q, corpus: Corpus) -> Answer:
    found = corpus.find_items(q.items)
    if not found:
        top = max((no for _, no in corpus.items), default=0)
        return Answer(say(q, f"通知中没有第{'、'.join(map(str, q.items))}条(共 {top} 条)。",
                          f"The notice has no item {', '.join(map(str, q.items))} (it has {top})."), False, (), q)
    parts, cites = [], []
    for r in found:
        c = Citation.of(r)
        sect = f"({r.section}、{r.section_title})" if r.section_title else ""
        parts.append(f"**第{r.item}条 {r.title}**{sect}{c.label}\n{r.text}")
        cites.append(c)
    return Answer("\n\n".join(parts), True, tuple(cites), q)


def item_numbers(q, corpus: Corpus, items: list) -> Answer:
    """Which item(s) the conversation's subject belongs to."""
    if not items:
        return Answer(say(q, "上一个回答涉及的工作在通知正文中没有直接对应的条目。",
                          "The task discussed has no directly matching item in the notice."), False, (), q)
    lines = [say(q, f"属于第{r.item}条“{r.title}”{Citation.of(r).label}", f"Item {r.item}, “{r.title}”{Citation.of(r).label}")
             for r in items]
    return Answer("\n".join(lines), True, tuple(Citation.of(r, r.title or "") for r in items), q)


def section(q, corpus: Corpus) -> Answer:
    parts, cites = [], []
    for no in q.sections:
        items = [r for r in corpus.items.values() if r.section == no]
        title = corpus.sections.get(no, "")
        parts.append(say(q, f"**{no}、{title}**〔第{no}部分〕共 {len(items)} 条:",
                         f"**Section {no}、{title}**〔第{no}部分〕has {len(items)} items:"))
        parts.extend(f"- 第{r.item}条 {r.title}〔第{r.item}条〕" for r in items)
        sec = next((r for r in corpus.records if r.kind == "section" and r.section == no), None)
        if sec is not None:
            cites.append(Citation.of(sec, title))
        cites.extend(Citation.of(r, r.title or "") for r in items)
    return Answer("\n".join(parts), bool(cites), tuple(cites), q)


def office(q, corpus: Corpus) -> Answer:
    """Full names come from the office table (corpus/offices.tsv), not from the notice."""
    lines = []
    for short in q.offices:
        o = next(o for o in corpus.offices.offices if o.short == short)
        others = "、".join(o.aliases)
        lines.append(say(q, f"{short}的全称是“{o.full}”" + (f"(也写作{others})" if others else "") + "。",
                         f"{short} stands for “{o.full}”."))
    lines.append(say(q, "(来自处室简称表 corpus/offices.tsv,通知原文不含全称。)",
                     "(From the office table corpus/offices.tsv; the notice itself uses short names.)"))
    return Answer("\n".join(lines), True, (), q)


def quote(q, quotes: list[tuple]) -> Answer:
    lines, cites = [], []
    for rec, text in quotes:
        c = Citation.of(rec, text)
        where = f"第{rec.item}条 {rec.title}" if rec.kind == "item" else say(q, "总体思路", "overall approach")
        lines.append(say(q, f"据通知{where}:“{text}”{c.label}", f"Per the notice ({where}): “{text}”{c.label}"))
        cites.append(c)
    return Answer("\n".join(lines), True, tuple(cites), q)


def _sentences_for(q, ev: Evidence, keep_ratio: float) -> str:
    """The best retrieved sentences of the item, or those sharing most words with the question."""
    lexical = best_sentences(ev.record.text, q.text, keep_ratio=keep_ratio)
    if ev.sentences:
        first = ev.sentences[0]
        picked = [first] + [s for s in lexical if s != first][:1]
        order = sentences(ev.record.text)
        return "".join(sorted(dict.fromkeys(picked), key=lambda s: order.index(s) if s in order else 0))
    return "".join(lexical)


def topic(q, corpus: Corpus, evidence: list[Evidence]) -> Answer:
    """The best item's answering sentences; a close runner-up item too (the reader decides)."""
    if q.items:
        return item(q, corpus)
    if not evidence:
        return not_covered(q)
    s = corpus.settings
    chosen = [e for e in evidence[:2] if e.score >= evidence[0].score * s.runner_up_ratio]
    return quote(q, [(e.record, _sentences_for(q, e, s.sentence_keep_ratio)) for e in chosen])


def figure(q, corpus: Corpus, evidence: list[Evidence], rows=()) -> Answer:
    """The sentence holding the figure: among the best items' sentences and the best matching
    schedule rows (15个区县 may stand in a row only), the one with a number that shares most
    with the question (earlier-ranked wins ties)."""
    candidates = [(e.record, sentences(e.record.text)) for e in evidence[:3]] + [(r, [r.text]) for r in rows]
    if q.items:
        candidates = [(r, sentences(r.text)) for r in corpus.find_items(q.items)]
    qg = content_grams(q.text)
    best = None
    for rec, sents in candidates:
        for sent in sents:
            if re.search(r"\d", sent) and (best is None or len(qg & grams(sent)) > best[0]):
                best = (len(qg & grams(sent)), rec, sent)
    if best is None:
        return topic(q, corpus, evidence)
    _, rec, sent = best
    if rec.kind == "schedule":
        return rows_with_items(q, corpus, [rec])
    return quote(q, [(rec, sent)])


def advice(q, corpus: Corpus, evidence: list[Evidence]) -> Answer:
    """Advice, opinions and predictions are declined, pointing to the items on the topic."""
    related = tuple(Citation.of(e.record, e.record.title or "") for e in evidence[:2] if e.record.kind == "item")
    return not_covered(q, "advice", related=related)


def rows_answer(q, corpus: Corpus, rows) -> Answer:
    return rows_with_items(q, corpus, rows)
