"""Content questions: the notice's outline and header, numbered items and sections, and topics
or figures found by evidence search, answered with the sentences that answer and their item."""
from __future__ import annotations

import re
from dataclasses import replace

from bot.answer import ASKS_SUPPORT, Answer, Citation, item_name, role_asked, say, section_name, unit_name, who_text
from bot.corpus import Corpus, Evidence
from bot.handlers.refusal import not_covered
from bot.handlers.schedule import row_lines, rows_with_items, scope_label
from bot.scope import english_readings, specific_readings, specific_term, topic_terms
from bot.text import JOINT, best_sentences, content_grams, grams, is_title, joined_quote, sentences
from bot.understand import WHO
from ingest.records import Record, has_body, paragraph_no
from ingest.parse import cn_to_int

HEADER_NAMES = {"addressees": ("主送单位", "addressed to"), "doc_no": ("发文字号", "document number"),
                "index_no": ("索引号", "index number"), "category": ("组配分类", "category"),
                "written_date": ("成文日期", "date written"), "published_date": ("发布日期", "date published"),
                "issuer": ("发布机构", "issuer"), "title": ("标题", "title")}


def _docs(q, corpus: Corpus) -> list[str]:
    """The documents a question was resolved to (all, newest first, if it names none)."""
    return list(q.docs) or list(corpus.documents)


def _heading(q, corpus: Corpus, doc_id: str, several: bool) -> list[str]:
    doc = corpus.documents.get(doc_id)
    return [f"**《{doc.title}》**"] if several and doc else []


def documents(q, corpus: Corpus) -> Answer:
    """The corpus: each document's title, number, date and what it holds."""
    lines, cites = [], []
    for doc in corpus.documents.values():
        meta = next((r for r in corpus.meta if r.doc_id == doc.doc_id), None)
        fields_ = dict(meta.meta) if meta else {}
        n_items = sum(r.doc_id == doc.doc_id for r in corpus.items.values())
        n_rows = sum(r.doc_id == doc.doc_id for r in corpus.schedule)
        extra = "、".join(v for v in (fields_.get("doc_no"), fields_.get("written_date") or fields_.get("published_date")) if v)
        label = corpus.cite(meta).label if meta else ""
        lines.append(f"- 《{doc.title}》" + (f"({extra})" if extra else "") + f":{n_items} 条,配档表 {n_rows} 项{label}")
        if meta:
            cites.append(corpus.cite(meta, doc.title))
    head = say(q, f"已收录 {len(lines)} 份文件(按年份从新到旧):", f"{len(lines)} document(s) held, newest first:")
    return Answer("\n".join([head, *lines]), bool(lines), tuple(cites), q)


def outline(q, corpus: Corpus) -> Answer:
    """How each selected notice is organised: sections and their item ranges."""
    parts, cites, total = [], [], 0
    docs = _docs(q, corpus)
    for doc_id in docs:
        parts += _heading(q, corpus, doc_id, len(docs) > 1)
        n_sections, n_items = 0, 0
        for no, title in corpus.sections_of(doc_id).items():
            items = [r for r in corpus.items.values() if r.section == no and r.doc_id == doc_id]
            sec = corpus.section_record(doc_id, no)
            if not items and sec is not None and (has_body(sec) or corpus.parts_with_text(doc_id, no)):
                # A section with paragraphs (its own, or its (一) parts'), no items.
                c = corpus.cite(sec, title)
                parts.append(f"{no}、{title}{c.label}")
                cites.append(c)
                n_sections += 1
            if items:
                nos = [r.item for r in items]
                c = corpus.cite(sec, title)
                span = f"第{min(nos)}条" if min(nos) == max(nos) else f"第{min(nos)}–{max(nos)}条"
                parts.append(f"{no}、{title}({span}){c.label}")
                cites.append(c)
                n_sections, n_items = n_sections + 1, n_items + len(items)
        total += n_items or n_sections
        summary = say(q, f"通知共 {n_items} 条,分 {n_sections} 个部分:", f"The notice has {n_items} items in {n_sections} sections:") \
            if n_items else say(q, f"通知分 {n_sections} 个部分:", f"The notice has {n_sections} sections:")
        if len(docs) == 1:
            parts.insert(0, summary)
        else:   # under the notice's title, before its sections
            parts.insert(len(parts) - n_sections, summary)
    return Answer("\n".join(parts), bool(total), tuple(cites), q)


def header(q, corpus: Corpus) -> Answer:
    lines, cites = [], []
    docs = _docs(q, corpus)
    for m in corpus.meta:
        if m.doc_id not in docs:
            continue
        fields_ = dict(m.meta)
        value = m.title if q.header == "title" else fields_.get(q.header)
        if q.header == "written_date" and not value:
            value = fields_.get("published_date")
        if value:
            zh, en = HEADER_NAMES[q.header]
            c = corpus.cite(m, f"{zh}: {value}")
            lines.append(f"{say(q, zh, en)}:{value}{c.label}")
            cites.append(c)
    if not lines:
        return not_covered(q)
    return Answer("\n".join(lines), True, tuple(cites), q)


def item(q, corpus: Corpus) -> Answer:
    # 一（二） names a (二) part where the notice has one; 第一部分第2条 names an item.
    bracketed = re.search(r"[(（]\s*([一二三四五六七八九十]+)\s*[)）]", q.text)
    found = []
    if q.sections and bracketed and re.search(r"第\s*[\d一二三四五六七八九十]{1,3}\s*[条项]", q.text):
        # 二（二）第2条: item 2 of that part, in a notice numbering its items afresh in each part.
        part = cn_to_int(bracketed.group(1))
        found = [r for r in corpus.items.values() if r.doc_id in _docs(q, corpus) and r.section in q.sections
                 and r.subsection and cn_to_int(r.subsection) == part and r.item in q.items]
    named = corpus.parts_numbered(_docs(q, corpus), q.sections, q.items) if q.sections and bracketed and not found else []
    if named:
        return _parts(q, corpus, named)
    found = found or corpus.find_items(q.items, tuple(_docs(q, corpus)), q.sections)
    if not found:
        top = sum(r.doc_id in _docs(q, corpus) for r in corpus.items.values())
        return Answer(say(q, f"通知中没有第{'、'.join(map(str, q.items))}条(共 {top} 条)。",
                          f"The notice has no item {', '.join(map(str, q.items))} (it has {top})."), False, (), q)
    parts, cites = [], []
    for r in found:
        c = corpus.cite(r)
        sect = f"({r.section}、{r.section_title})" if r.section_title else ""
        parts.append(f"**{item_name(r)} {r.title}**{sect}{c.label}\n{r.text}" + _who(q, r))
        cites.append(c)
    return Answer("\n\n".join(parts), True, tuple(cites), q)


def _who(q, r) -> str:
    """The offices the notice names for `r`, as a line of its own, when the question asks who
    (谁负责, 哪个科牵头, 配合单位有哪些)."""
    return f"\n{who_text(r, q.text)}" if r.offices and (WHO.search(q.text) or ASKS_SUPPORT.search(q.text)) else ""


def _parts(q, corpus: Corpus, parts: list) -> Answer:
    """(二) parts of a section, named as 一（二）: each one's text and the items under it."""
    lines, cites = [], []
    for p in parts:
        items = [r for r in corpus.items.values() if r.doc_id == p.doc_id and r.section == p.section
                 and r.subsection == p.subsection]
        c = corpus.cite(p) if has_body(p) else corpus.cite(p, p.title)
        lines.append(f"**{section_name(p)} {p.title}**{c.label}" + (f"\n{p.text}" if has_body(p) else "") + _who(q, p))
        lines.extend(f"- {item_name(r)} {r.title}{corpus.cite(r).label}" for r in items)
        cites += [c, *(corpus.cite(r, r.title or "") for r in items)]
    return Answer("\n".join(lines), True, tuple(cites), q)


def item_numbers(q, corpus: Corpus, items: list, rows: list = ()) -> Answer:
    """Which item(s) the conversation's subject belongs to. A 配档表 task no item speaks of is
    named, with its row: the conversation stays on it (第二个是第几条里的 → 它谁负责)."""
    if not items and rows:
        cites = tuple(corpus.cite(r) for r in rows)
        tasks = "、".join(f"“{r.text}”{c.label}" for r, c in zip(rows, cites))
        return Answer(say(q, f"配档表中的{tasks}在通知正文中没有直接对应的条目。",
                          f"The 配档表 task {tasks} has no matching item in the notice's text."), True, cites, q)
    if not items:
        return Answer(say(q, "上一个回答涉及的工作在通知正文中没有直接对应的条目。",
                          "The task discussed has no directly matching item in the notice."), False, (), q)
    lines = [say(q, f"属于{item_name(r)}“{r.title}”{corpus.cite(r).label}", f"Item {r.item}, “{r.title}”{corpus.cite(r).label}")
             for r in items]
    return Answer("\n".join(lines), True, tuple(corpus.cite(r, r.title or "") for r in items), q)


def section(q, corpus: Corpus) -> Answer:
    parts, cites = [], []
    doc = _docs(q, corpus)[0]
    held = corpus.sections_of(doc)
    missing = [no for no in q.sections if no not in held]
    if missing:
        return Answer(say(q, f"通知中没有第{missing[0]}部分(共 {len(held)} 个部分:{'、'.join(held)})。",
                          f"The notice has no section {missing[0]} (it has {len(held)}: {', '.join(held)})."),
                      False, (), q)
    for no in q.sections:
        items = [r for r in corpus.items.values() if r.section == no and r.doc_id == doc]
        title = held.get(no, "")
        sec = corpus.section_record(doc, no)
        label = corpus.cite(sec).label if sec else f"〔第{no}部分〕"
        subs = corpus.parts_with_text(doc, no)
        if not items and sec is not None and (has_body(sec) or subs):   # paragraphs, its own or its parts'
            parts.append(f"**{no}、{title}**{label}" + (f"\n{sec.text}" if has_body(sec) else ""))
            cites.append(corpus.cite(sec) if has_body(sec) else corpus.cite(sec, title))
            for sub in subs:
                c = corpus.cite(sub)
                parts.append(f"({sub.subsection}){sub.title}{c.label}\n{sub.text}")
                cites.append(c)
            continue
        parts.append(say(q, f"**{no}、{title}**{label}共 {len(items)} 条:",
                         f"**Section {no}、{title}**{label}has {len(items)} items:"))
        if sec is not None and has_body(sec):   # the part's opening lines, before its items
            parts.append(sec.text)
        parts.extend(f"- {item_name(r)} {r.title}{corpus.cite(r).label}" for r in items)
        if sec is not None:
            cites.append(corpus.cite(sec, sec.text if has_body(sec) else title))
        cites.extend(corpus.cite(r, r.title or "") for r in items)
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


def quote(q, corpus: Corpus, quotes: list[tuple]) -> Answer:
    lines, cites = [], []
    for rec, text in quotes:
        c = corpus.cite(rec, text)
        name = unit_name(rec)
        where = f"{name} {rec.title}" if name \
            else "" if rec.kind == "paragraph" else say(q, "开头", "opening")   # (its label says 第N段)
        lines.append(say(q, f"据通知{where}:“{text}”{c.label}",
                         f"Per the notice ({where}): “{text}”{c.label}" if where else f"Per the notice: “{text}”{c.label}"))
        cites.append(c)
    return Answer("\n".join(lines), True, tuple(cites), q)


def _sentences_for(q, ev: Evidence, keep_ratio: float) -> str:
    """The best retrieved sentences of the item, or those sharing most words with the question.
    The item's title sentence (巩固扩大“双减”成果。) may have found the item, but says nothing of
    what is done: the item's other sentences are quoted instead, when it has any."""
    order = sentences(ev.record.text)
    said = [s for s in order if not is_title(s, ev.record.title)] or order
    lexical = best_sentences("".join(said), q.text, keep_ratio=keep_ratio)
    retrieved = [s for s in ev.sentences if s in said]
    if retrieved or ev.sentences:
        first = retrieved[0] if retrieved else lexical[0]
        return joined_quote([first] + [s for s in lexical if s != first][:1], order)
    return joined_quote(lexical, order)


def topic(q, corpus: Corpus, evidence: list[Evidence]) -> Answer:
    """The best item's answering sentences; a close runner-up item too (the reader decides)."""
    if q.items:
        return item(q, corpus)
    if not evidence:
        return not_covered(q)
    s = corpus.settings
    chosen = [e for e in evidence[:2] if e.score >= evidence[0].score * s.runner_up_ratio]
    # The question's most specific term the notices use (近视 in 孩子近视了学校管不管, 双减 in
    # 双减的成果怎么巩固): of two close items, the one naming it answers; if neither does, the best
    # of the next few that does.
    rarest = specific_term(q, corpus)
    if rarest:
        naming = [e for e in evidence[:s.naming_pool] if corpus.says(e.record.text, rarest)]
        in_chosen = [e for e in chosen if e in naming]
        chosen = in_chosen if len(in_chosen) == 1 else chosen if in_chosen else naming[:1] or chosen
    return quote(q, corpus, [(e.record, _sentences_for(q, e, s.sentence_keep_ratio)) for e in chosen])


def figure(q, corpus: Corpus, evidence: list[Evidence], rows=()) -> Answer:
    """The sentence holding the figure: among the best items' sentences and the best matching
    schedule rows (15个区县 may stand in a row only), the one with a number that shares most
    with the question (earlier-ranked wins ties)."""
    candidates = [(e.record, sentences(e.record.text)) for e in evidence[:3]] + [(r, [r.text]) for r in rows]
    if q.items:
        candidates = [(r, sentences(r.text)) for r in corpus.find_items(q.items, tuple(_docs(q, corpus)), q.sections)]
    elif q.english:
        # Character pairs shared with an English question are only its digits (2024 picks any
        # sentence dated 2024): of the best items' retrieved sentences holding a number, the one
        # that writes readings of most of the question's words (new school places: 新增学位4万个,
        # not 新增5所…学校), then the one most similar in meaning to the question (the share of
        # kids in public kindergartens: 公办园在园幼儿占比达61%, not the first item's sentence
        # that happens to hold a digit).
        held = [(n, e.record, sent, row) for n, e in enumerate(evidence[:3])
                for sent, row in zip(e.sentences, e.rows) if re.search(r"\d", sent)]
        if held:
            # (Words most items write, 建设 or 发展 for build or expand, tell no sentence apart.)
            read = specific_readings(english_readings(q, corpus), corpus).values()
            similar = corpus.index.scores_of(q.search_text, [row for *_, row in held])
            best = min(range(len(held)), key=lambda j: (
                -sum(any(h in held[j][2] for h in heads) for heads in read), -float(similar[j]), held[j][0]))
            return quote(q, corpus, [held[best][1:3]])
    qg = content_grams(q.text)
    # A figure in Chinese numerals counts when it counts the very thing asked: 几个关键环节 by 两个
    # 关键环节, 分几个阶段 by 分四个阶段 (not 多少老师 by 五位一体, 几个触点 by 两个关键环节, 几期
    # by 第一期).
    unit = re.search(r"几\s*([个项所名人家件类种位场回节次批届轮期])\s*([\u4e00-\u9fff]{0,2})", q.text)
    spelled = re.compile(rf"(?<!第)[一二两三四五六七八九十百千]+\s*{unit.group(1)}{unit.group(2)}") if unit else None
    # …of what the question says it is of (应急事件处置有几个关键环节: not 食品安全…两个关键环节).
    of = content_grams(q.text[:unit.start()]) if unit else set()
    best = None
    for rec, sents in candidates:
        # A sentence is read under its item's heading (学前教育目标: 推进学前教育优质普惠发展 ⏎
        # 普惠性幼儿园覆盖率稳定在95%左右, not another item's 评价指标…2+N).
        heading = grams(rec.title or "") if rec.kind != "schedule" else set()
        for sent in sents:
            shared = len(qg & (grams(sent) | heading))
            numeral = spelled and spelled.search(sent) and (not of or of & grams(sent))
            if (re.search(r"\d", sent) or numeral) and (best is None or shared > best[0]):
                best = (shared, rec, sent)
    if best is None:
        return topic(q, corpus, evidence)
    _, rec, sent = best
    if rec.kind == "schedule":
        return rows_with_items(q, corpus, [rec])
    # (With the clause finishing it when it ends in ；: …及以下的,至少配备3名; ⏎ …以上的,每增加…)
    a = quote(q, corpus, [(rec, joined_quote([sent], sentences(rec.text)))])
    checked = verdict(q, sent)
    return replace(a, answer=checked + a.answer) if checked else a


def _naming(q, corpus: Corpus, doc_id: str) -> list[tuple[Record, str, Citation]]:
    """The items (and parts with text of their own and no items) of notice `doc_id` that name the
    office asked among their own, or the month asked in their text: each with its line and
    citation."""
    canon = corpus.offices.canonical
    typed = {was for was, _ in q.corrections}   # the offices as the question wrote them (人事科)
    months = set(q.months)
    doc = corpus.documents.get(doc_id)
    # Items, and the parts holding text of their own that have no items (牵头单位：… under a
    # heading: a part with items has passed its offices to them).
    mine = [*corpus.sections_in(doc_id), *(r for r in corpus.items.values() if r.doc_id == doc_id)]
    with_items = {k for r in mine if r.kind == "item" for k in ((r.section, r.subsection), (r.section, None))}
    units = sorted((r for r in mine if r.kind == "item" or (has_body(r) and (r.section, r.subsection) not in with_items)),
                   key=lambda r: (cn_to_int(r.section or "") or 0, r.item or 0))
    units += [r for r in corpus.own if r.kind == "paragraph" and r.doc_id == doc_id]   # a notice numbering nothing
    # The role asked, if any: 人事科牵头哪些工作 (lead), 人事科配合什么工作 (supporting); and the
    # topic (人事科负责的教师培训工作: the items speaking of it).
    role = role_asked(q.text)
    topics = topic_terms(q, corpus)
    # 基础教育科和督导室一起负责什么: the units naming all of the offices asked.
    joint = len(q.offices) >= 2 and JOINT.search(q.text)
    out = []
    for r in units:
        if topics and not corpus.speaking_of([r], topics):
            continue
        # The office as the table resolves it, or as the notice writes it (人事科, which the table
        # of another city may read as its 组织人事处), in the role asked.
        mine = [o for o in r.offices if (canon(o) or o) in q.offices or o in typed]
        if q.offices and not any(role is None or (o in r.support) == (role == "配合") for o in mine):
            continue
        if joint and len({canon(o) or o for o in mine}) < len(q.offices):
            continue
        said = [sent for sent in sentences(r.text) if months & _months_said(sent, doc.year if doc else None)] \
            if months else []
        if months and not said:
            continue
        c = corpus.cite(r, "".join(said) or r.title or "")
        who = f"({who_text(r, q.text)})" if r.offices else ""
        name = unit_name(r)
        quoted = f"“{''.join(said) or r.text}”"
        line = f"- {name} {r.title}{who}" + (f":{quoted}" if said else "") if name \
            else f"- {quoted}"   # a paragraph: its label says 第N段
        out.append((r, line + c.label, c))
    return out


def _as_written(q, corpus: Corpus, records) -> list[str]:
    """The offices asked, as `records` write them (嘉善's 基础教育科, which the office table reads as
    Jinan's 基教处), else as the table names them."""
    canon = corpus.offices.canonical
    return [next((o for r in records for o in r.offices if (canon(o) or o) == asked), asked)
            for asked in q.offices]


def with_named_items(q, corpus: Corpus, a: Answer) -> Answer:
    """An office's 配档表 rows (`a`), followed by the items of the notice's text that name the office
    among their own and that no row listed carries out (教科院负责哪些工作: its 7-8月 row, and 第5条,
    第11条 whose offices include it)."""
    cited = {c.record_id for c in a.citations}
    extra = [(line, c) for doc_id in _docs(q, corpus) for r, line, c in _naming(q, corpus, doc_id)
             if r.id not in cited]
    if not extra:
        return a
    duty = role_asked(q.text) or "负责"
    who = _as_written(q, corpus, [corpus.by_id[c.record_id] for _, c in extra if c.record_id in corpus.by_id])
    head = say(q, f"正文中还写明由{'、'.join(who)}{duty}的:", f"Items of the text naming {', '.join(who)}:")
    return replace(a, answer="\n".join([a.answer, head, *(line for line, _ in extra)]),
                   citations=a.citations + tuple(c for _, c in extra))


# A figure a yes / no question proposes (是不是超过90%, 能达到95%吗, 有没有100所): how it compares.
_PROPOSED = re.compile(r"(超过|高于|多于|大于|不低于|不少于|至少|低于|少于|不到|不足|小于)?\s*(\d+(?:\.\d+)?)\s*(%|万|个|所|名|人|项|家|节|场|批|支)")
_ABOVE, _AT_LEAST, _BELOW = ("超过", "高于", "多于", "大于"), ("不低于", "不少于", "至少"), ("低于", "少于", "不到", "不足", "小于")


def verdict(q, sent: str) -> str:
    """For a yes / no question proposing a figure: yes or no, and the figure the notice writes in
    `sent` in the same unit ("不是。通知写的是85%。"); "" for any other question, or when the sentence
    has no figure in that unit."""
    m = _PROPOSED.search(q.text)
    if not m or not re.search(r"(.)[不没]\1|吗[?？]?$|么[?？]?$", q.text):
        return ""
    how, value, unit = m.group(1), float(m.group(2)), m.group(3)
    # The clause of the sentence about what is asked: 公办园在园幼儿占比达61%, not 覆盖率…95%.
    qg = content_grams(q.text)
    clauses = [c for c in re.split(r"[,，;；、。]", sent) if re.search(rf"\d\s*{re.escape(unit)}", c)]
    if not clauses:
        return ""
    clause = max(clauses, key=lambda c: len(qg & grams(c)))   # the first on a tie
    said = re.search(rf"(\d+(?:\.\d+)?)\s*{re.escape(unit)}", clause)
    n = float(said.group(1))
    yes = n > value if how in _ABOVE else n >= value if how in _AT_LEAST else n < value if how in _BELOW else n == value
    figure = said.group(1) + unit
    return say(q, f"{'是' if yes else '不是'}。通知写的是{figure}:", f"{'Yes' if yes else 'No'}: the notice says {figure}. ")


def related(corpus: Corpus, evidence: list[Evidence], n: int = 2) -> tuple[Citation, ...]:
    """The items nearest a question the notice does not answer, named (not quoted) in a refusal."""
    return tuple(corpus.cite(e.record, e.record.title or "") for e in evidence[:n] if e.record.kind in ("item", "section"))


def advice(q, corpus: Corpus, evidence: list[Evidence]) -> Answer:
    """Advice, opinions and predictions are declined, pointing to the items on the topic."""
    return not_covered(q, "advice", related=related(corpus, evidence))


# A month the text names (9月1日前, 6月底前, 11月举办), or a span of months (3—5月), with the year
# it may be written under (2024年9月以来): not a count of months (3个月).
_MONTH_SAID = re.compile(r"(?:((?:19|20)\d{2})\s*年\s*)?(?<![\d.个])(?<!次年)(?<!翌年)(\d{1,2})"
                         r"(?:\s*(?:月(?:\s*\d{1,2}\s*[日号])?)?\s*[—–\-~～至到]\s*(\d{1,2}))?\s*月(?!份?\s*[以之]?内)")


def _months_said(text: str, year: int | None) -> set[int]:
    """The months `text` names, those under another year than `year` left out."""
    out: set[int] = set()
    for written, first, last in _MONTH_SAID.findall(text):
        if written and year and int(written) != year:
            continue
        a, b = int(first), int(last or first)
        if 1 <= a <= b <= 12:
            out.update(range(a, b + 1))
    return out


def duties(q, corpus: Corpus) -> Answer:
    """A notice without a 配档表 (or whose 配档表 has no row for the office asked), asked for an
    office's or a month's work: the items that name the
    office among their own (（牵头科室:人事科）, as parsed) or the month in their text (6月底前完成…,
    3—5月), quoted, under each notice's title when there are several; said plainly when none does."""
    months = set(q.months)
    when = [q.month_label or "、".join(f"{m}月" for m in sorted(months))] if months else []
    parts, cites = [], []
    for doc_id in _docs(q, corpus):
        doc = corpus.documents.get(doc_id)
        named = _naming(q, corpus, doc_id)
        asked = "、".join([*_as_written(q, corpus, [r for r, _, _ in named]), *when])
        lines = [line for _, line, _ in named]
        cites += [c for _, _, c in named]
        name = f"《{doc.title}》" if doc else say(q, "这份通知", "This notice")
        table = corpus.has_schedule((doc_id,))   # (its 配档表 has no row for the office: its text may)
        head = say(q, f"{'配档表中没有' + asked + '的工作安排' if table else name + '没有配档表'};"
                      f"正文中写明{asked}的工作共 {len(lines)} 条:",
                   f"{name}'s 配档表 has no task for {asked}; {len(lines)} item(s) of its text name it:" if table else
                   f"{name} has no 配档表; {len(lines)} item(s) of its text name {asked}:") if lines else \
            say(q, f"{name}没有配档表,正文中也没有写明{asked}的工作。",
                f"{name} has no 配档表, and its text names no work for {asked}.")
        parts.append((bool(lines), "\n".join([head, *lines])))
    # Of several notices, those naming no such work are left out when another names some.
    shown = [text for named, text in parts if named] or [text for _, text in parts]
    return Answer("\n\n".join(shown), bool(cites), tuple(cites), q)


def mentions(q, corpus: Corpus) -> Answer:
    """Where the notice writes a word (哪几条提到了“清单”): every part of its text that writes it, with
    the sentences that do, and every 配档表 row (of the months and offices asked, if any); said
    plainly when it writes it nowhere. Written as asked, not searched by meaning: the reader can
    check each place."""
    word = q.mention
    docs = _docs(q, corpus)
    parts, cites, found = [], [], 0
    for doc_id in docs:
        # (A month or an office asked scopes the 配档表: the text's parts are dated by no row.)
        units = [] if q.months or q.offices else \
            [r for r in corpus.own if r.doc_id == doc_id and has_body(r) and word.lower() in r.text.lower()]
        rows = [r for r in corpus.filter_rows(q.months, q.offices, (doc_id,)) if word.lower() in r.text.lower()]
        if not units and not rows:
            continue
        found += len(units) + len(rows)
        lines = _heading(q, corpus, doc_id, len(docs) > 1)
        if units:
            lines.append(say(q, f"正文中写到“{word}”的有 {len(units)} 处:", f"{len(units)} part(s) of the text write “{word}”:"))
        elif not (q.months or q.offices):
            lines.append(say(q, f"正文中没有写到“{word}”。", f"The text does not write “{word}”."))
        for r in units:
            said = "……".join(s for s in sentences(r.text) if word.lower() in s.lower())
            c = corpus.cite(r, said)
            name = unit_name(r)
            lines.append(f"- {name + ' ' + (r.title or '') + ':' if name else ''}“{said}”{c.label}")
            cites.append(c)
        if rows:
            scope = scope_label(q)
            lines.append(say(q, f"配档表{'中' + scope if scope else ''}写到“{word}”的有 {len(rows)} 项:",
                             f"{len(rows)} row(s) of the 配档表{' (' + scope + ')' if scope else ''} write “{word}”:"))
            row_text, row_cites = row_lines(q, corpus, rows)
            lines += row_text
            cites += row_cites
        parts.append("\n".join(lines))
    if not found:
        return not_covered(q, "absent", word)
    return Answer("\n\n".join(parts), True, tuple(cites), q)


def paragraph(q, corpus: Corpus, paragraphs: list[Record], n: int) -> Answer:
    """Paragraph `n` of each notice numbering nothing (`paragraphs`, theirs), quoted whole; said
    plainly when a notice has fewer."""
    parts, cites = [], []
    for doc_id in dict.fromkeys(r.doc_id for r in paragraphs):
        mine = [r for r in paragraphs if r.doc_id == doc_id]
        r = next((r for r in mine if paragraph_no(r) == str(n)), None)
        if r is None:
            parts.append(say(q, f"通知正文没有第{n}段(共 {len(mine)} 段)。", f"The notice has no paragraph {n} (it has {len(mine)})."))
            continue
        c = corpus.cite(r)
        parts.append(f"{r.text}{c.label}")
        cites.append(c)
    return Answer("\n\n".join(parts), bool(cites), tuple(cites), q)
