"""Schedule questions, answered by exact filtering over the 配档表 rows: lists, counts,
comparisons, and "when / who" for a task named in the question or referred to by a follow-up.
Every matching row is listed, and only matching rows, in month order."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from bot.answer import Answer, Citation, item_name, role_asked, say, time_of, who_text, who_text_en
from bot.corpus import Corpus
from bot.glossary import has_chinese
from bot.scope import (chinese_terms, english_readings, english_search_words, english_topic, rarity, specific_readings,
                       specific_term, topic_terms)
from bot.text import JOINT, OFFICE_WORD, content_grams, grams, sentences
from bot.understand import DEADLINE, WHEN, WHO, named_periods, parse_months
from ingest.records import Record


def row_lines(q, corpus: Corpus, rows: list[Record]) -> tuple[list[str], list[Citation]]:
    lines, cites, seen = [], [], set()
    for n, r in enumerate(rows, 1):
        c = corpus.cite(r)
        cites.append(c)
        extra = ""
        for item, sent in corpus.links[r.id]:
            ic = corpus.cite(item, sent)
            extra += ic.label
            if item.id not in seen:
                seen.add(item.id)
                cites.append(ic)
        offices = say(q, who_text(r, q.text), who_text_en(r))
        lines.append(f"{n}. {time_of(r)} · {r.text}({offices})"
                     f"{c.label}{extra}")
    return lines, cites


def rows_with_items(q, corpus: Corpus, rows: list[Record]) -> Answer:
    lines, cites = row_lines(q, corpus, rows)
    head = say(q, "配档表中的安排:", "From the 配档表:")
    # Each item's sentence once, however many of the rows carry it out.
    for item, sent in dict.fromkeys(link for r in rows for link in corpus.links[r.id]):
        label = corpus.cite(item).label
        lines.append(say(q, f"对应{item_name(item)}:“{sent}”{label}", f"Carries out item {item.item}: “{sent}”{label}"))
    return Answer("\n".join([head, *lines]), True, tuple(cites), q)


def scope_label(q) -> str:
    parts = []
    if q.months:
        parts.append(q.month_label or "、".join(f"{m}月" for m in q.months))
    if q.offices:
        parts.append("、".join(q.offices))
    return " · ".join(parts)


def empty(q, corpus: Corpus, scope: str) -> Answer:
    role = role_asked(q.text)
    if role and q.offices:
        rows = due_by(q, corpus.filter_rows(q.months, q.offices, q.docs))
        kept = in_role(q, corpus, rows)
        others = [r for r in rows if r not in kept]
    else:
        others = []
    if others:
        # 财务科牵头几项, of an office that only supports: none, and the ones it has in the other role.
        other = "配合" if role == "牵头" else "牵头"
        lines, cites = row_lines(replace(q, text=q.text.replace(role, "")), corpus, others)
        head = say(q, f"配档表中没有由{scope}{role}的工作;作为{other}单位的工作共 {len(others)} 项:",
                   f"The 配档表 has no task {scope} holds as {'lead' if role == '牵头' else 'support'}; "
                   f"{len(others)} in the other role:")
        return Answer("\n".join([head, *lines]), True, tuple(cites), q)
    text = say(q, f"配档表中没有{scope}的工作安排。", f"The 配档表 has no task for {scope}.")
    if q.offices:
        other = sorted({m for r in corpus.filter_rows((), q.offices, q.docs) for m in r.months})
        if other:
            text += say(q, f"{'、'.join(q.offices)}的工作安排在:{'、'.join(f'{m}月' for m in other)}。",
                        f" {'、'.join(q.offices)} has tasks in: {', '.join(f'{m}月' for m in other)}.")
    return Answer(text, False, (), q)


def _phrase(text: str, terms: list[str]) -> str:
    """The terms as the question writes them: 近视防控 for 近视 + 防控 when adjacent there."""
    joined = "".join(terms)
    if joined in text:
        return joined
    # Overlapping pairs (校外培训, 培训机构, 机构设置): the stretch of the question they cover.
    spans = sorted((text.find(t), text.find(t) + len(t)) for t in terms)
    if spans and spans[0][0] >= 0 and all(a <= end for (_, end), (a, _) in zip(spans, spans[1:])):
        return text[spans[0][0]:max(e for _, e in spans)]
    return "、".join(terms)


def not_in_rows(q, corpus: Corpus, scope: str, topics: list[str]) -> str:
    """No row of the scope asked speaks of the topic: said so, naming the items that do, if any."""
    phrase = _phrase(q.text, topics)
    text = say(q, f"配档表中{scope}的工作没有直接提到“{phrase}”", f"No 配档表 task for {scope} names “{phrase}”")
    # Rows of other months or offices may name it (是不是8月份出台…设置标准: it is 7月, 民继处).
    elsewhere = corpus.speaking_of(corpus.filter_rows(docs=q.docs), topics)
    if elsewhere:
        text += say(q, "(配档表中提到它的是:", " (the 配档表 names it in: ") + "、".join(
            f"{time_of(r)} · {'、'.join(r.offices)}" + corpus.cite(r).label for r in elsewhere) + ")"
    else:
        items = corpus.speaking_of([r for r in corpus.items.values() if not q.docs or r.doc_id in q.docs], topics)
        if items:
            text += say(q, "(通知中提到它的:", " (the notice mentions it in: ") + "".join(
                corpus.cite(r).label for r in items) + say(q, ",未写责任处室和月份)", ", with no office or month)")
    return text + say(q, ";以下是全部工作。", "; all its tasks follow.")


def narrowed(q, corpus: Corpus, rows: list[Record], scope: str) -> tuple[list[Record], str, str]:
    """The rows of a period / office that the question's topic picks (体卫艺处…体质健康抽查: rows
    about 体质), the scope's label saying so; when none does, all rows, with a note saying that (the
    rows may say it otherwise: 中考 / 初中学业水平考试). A short follow-up keeps the earlier turn's
    topic (体卫艺处的体质健康抽查在几月 → 那9月呢)."""
    topics = topic_terms(q, corpus)
    if not topics and q.context:
        topics = topic_terms(replace(q, text=q.context, month_label=None), corpus)
    if not topics and q.english and len(rows) > 1:
        # The rows that write a reading of the most of its topic words, at least half (off-campus
        # training institution standards: 校外, 培训, 机构, 标准), the nearest in meaning of them when
        # clearly nearest; else, for a topic of two words or more, the row nearest in meaning.
        # Two words at least, or one as rare as a Chinese topic word (`topic_terms`): investment
        # promotion → 招商; not conferences → 会议, which would drop the 现场推进会 and 汇报会 rows.
        # Whether to narrow at all is asked of the words that are not the notices' everyday
        # vocabulary (school safety tasks: safety alone, as common as 安全, narrows nothing); the
        # rows are then told apart by all its words (中职学校办学质量年度考核 writes school too).
        # (A word is as common as its commonest reading: conferences → 会议, though also 座谈会.)
        read = english_readings(q, corpus)
        telling = specific_readings(read, corpus)
        specific = len(telling) >= 2 or any(min(rarity(h, corpus) for h in heads) >= corpus.settings.topic_min_rarity
                                            for heads in telling.values())
        about = _writing_most(rows, read) if specific else []
        if about and len(about) < len(rows):
            about = _nearest_clearly(q, corpus, about) if len(about) > 1 else about
            # Every row writing its most specific word stays, when that is as rare as a topic word
            # (the new classroom project: 8月's 启动第二期“新课堂”项目 writes both words, 12月's
            # “新课堂”实践探索系列丛书 the rarer).
            rare = {w: min(rarity(h, corpus) for h in read[w]) for w in read}
            rarest = max(rare, key=rare.get)
            if rare[rarest] >= corpus.settings.topic_min_rarity:
                about += [r for r in rows if r not in about and any(h in r.text for h in read[rarest])]
            return sorted(about, key=rows.index), scope, ""
        if len(english_topic(q, corpus)) >= 2:
            return _nearest_clearly(q, corpus, rows), scope, ""
    if not topics:
        return rows, scope, ""
    about = corpus.speaking_of(rows, topics)
    if about:
        return about, f"{scope} · {_phrase(q.text if all(t in q.text for t in topics) else q.context, topics)}", ""
    return rows, scope, not_in_rows(q, corpus, scope, topics)


def _nearest_clearly(q, corpus: Corpus, rows: list[Record]) -> list[Record]:
    """An English question's topic (two words or more: food safety campaign) cannot be matched by
    words against Chinese rows: the row nearest in meaning, when it is clearly nearer than the next
    (`english_row_margin`); else all of them."""
    scores = corpus.row_scores(q.text, rows)
    if scores is None:
        return rows
    order = sorted(range(len(rows)), key=lambda i: -scores[i])
    best, second = scores[order[0]], scores[order[1]]
    return [rows[order[0]]] if best - second >= corpus.settings.english_row_margin else rows


def excluded(q, corpus: Corpus, rows: list[Record]) -> tuple[list[Record], str]:
    """The rows without those the question leaves out (`Query.excluding`): of the offices it names
    only (a row another office shares stays: that office has the task), speaking of the topic it
    names (除了党建方面的), or due in the months it names; with the scope's note, "" when it
    names none of these."""
    if not q.excluding:
        return rows, ""
    canon = corpus.offices.canonical
    gone = set(q.without_offices)
    months = set(parse_months(q.excluding)[0])
    # The words of what is left out name it, however common (除了招生, 除了开会以外).
    rest = re.sub(r"\d*月份?|方面|相关|有关|工作|任务|的", " ", corpus.offices.without(q.excluding))
    parts = [p for p in re.split(r"以及|[和及与、,，\s]+", rest) if p]
    # Each part as written must be the notices' (党建, 招生): a name they lack (除了泉优计划)
    # leaves nothing out, not every row with 计划 in it.
    topics = parts if all(corpus.says(corpus.text, p) for p in parts) else []
    if not (gone or topics or months):
        return rows, say(q, f"(未能按“{q.excluding}”排除:通知中没有它)",
                         f" (could not leave out “{q.excluding}”: the notice does not name it)")
    kept = [r for r in rows if not (gone and r.offices and {canon(o) or o for o in r.offices} <= gone)
            and not (topics and corpus.speaking_of([r], topics)) and not months & set(r.months)]
    return kept, say(q, f"(除{q.excluding}外)", f" (except {q.excluding})")


def extreme(q, rows: list[Record]) -> tuple[list[Record], str]:
    """The earliest or latest of `rows` by month when the question asks for the first or last
    (`Query.extreme`), with the scope's note; rows with no month (全年, 每月) are neither."""
    dated = [r for r in rows if r.months]
    if not q.extreme or not dated:
        return rows, ""
    first = q.extreme == "first"
    when = (min if first else max)(min(r.months) if first else max(r.months) for r in dated)
    return [r for r in dated if when in r.months], say(q, " · 最早" if first else " · 最晚",
                                                         " · earliest" if first else " · latest")


# A question asking whether there is any (有没有…任务, 有…吗, are there any): answered yes or no first.
YES_NO = re.compile(r"有没有|有无|是否有|有[^,，。?？]{0,16}吗[?？]?$|\b(?:is|are) there any\b|\bany tasks?\b", re.IGNORECASE)


# Asks for the fewest (哪个月的任务比较少, 最闲); 多少 asks a number.
FEWEST = re.compile(r"最少|最闲|(?<!多)少(?!于)|fewest|least", re.IGNORECASE)


def due_by(q, rows: list[Record]) -> list[Record]:
    """With a deadline asked (3月底前要完成什么), the rows due by then, not those underway then and due
    later (全年, 9月底前); else all of them."""
    return [r for r in rows if r.month in q.months] if q.months and DEADLINE.search(q.text) else rows


def in_role(q, corpus: Corpus, rows: list[Record]) -> list[Record]:
    """Of the rows of the offices asked, those in which one of them holds the role asked (`role_asked`):
    the lead (not among the row's 配合单位) or a supporting office; all of them when no role is asked
    or the notice's 配档表 gives no roles (every office 责任单位)."""
    role = role_asked(q.text)
    if not role or not q.offices or not any(r.support for r in corpus.filter_rows(docs=q.docs)):
        return rows
    canon = corpus.offices.canonical
    return [r for r in rows if any((o in r.support) == (role == "配合")
                                   for o in r.offices if (canon(o) or o) in q.offices)]


def schedule(q, corpus: Corpus) -> Answer:
    rows = in_role(q, corpus, due_by(q, corpus.filter_rows(q.months, q.offices, q.docs)))
    scope = scope_label(q) or say(q, "全年", "the whole year")
    canon = corpus.offices.canonical
    if len(q.offices) >= 2 and JOINT.search(q.text):
        rows = [r for r in rows if set(q.offices) <= {canon(o) or o for o in r.offices}]
        scope = say(q, f"{scope}(共同负责)", f"{scope} (together)")
    elif not q.offices and JOINT.search(q.text) and OFFICE_WORD.search(q.text):
        # 哪些工作是两个处室一起负责的: the rows of two offices or more (各处室 counts as one).
        rows = [r for r in rows if len({canon(o) or o for o in r.offices}) >= 2]
        scope = say(q, f"{scope}(多个处室共同负责)", f"{scope} (several offices together)")
    rows, left_out = excluded(q, corpus, rows)
    scope += left_out
    if not rows:
        return empty(q, corpus, scope)
    rows, scope, note = narrowed(q, corpus, rows, scope)
    rows, end = extreme(q, rows)
    scope += end
    lines, cites = row_lines(q, corpus, rows)
    head = say(q, f"**{scope}**:配档表中共 {len(rows)} 项工作:", f"**{scope}**: {len(rows)} task(s) in the 配档表:")
    if not note and YES_NO.search(q.text):   # 12月有没有督导室的任务?: yes, first
        head = say(q, "有。", "Yes. ") + head
    return Answer("\n".join([note, head, *lines]).lstrip("\n"), True, tuple(cites), q)


def count(q, corpus: Corpus) -> Answer:
    periods = named_periods(q.text)
    if len(periods) >= 2:   # 督导室上半年和下半年分别几项
        return by_periods(q, corpus, periods)
    rows = in_role(q, corpus, due_by(q, corpus.filter_rows(q.months, q.offices, q.docs)))
    scope = scope_label(q) or say(q, "全年", "the whole year")
    rows, left_out = excluded(q, corpus, rows)
    scope += left_out
    if not rows:
        return empty(q, corpus, scope)
    rows, scope, note = narrowed(q, corpus, rows, scope)
    by_month = Counter(r.month for r in rows)
    detail = "、".join(f"{m}月{n}项" if m else f"未注明月份{n}项"
                      for m, n in sorted(by_month.items(), key=lambda kv: kv[0] or 13))
    lines, cites = row_lines(q, corpus, rows)
    head = say(q, f"**{scope}**:配档表中共 {len(rows)} 项工作({detail})。",
               f"**{scope}**: {len(rows)} tasks in the 配档表 ({detail}).")
    return Answer("\n".join([note, head, *lines]).lstrip("\n"), True, tuple(cites), q)


def by_periods(q, corpus: Corpus, periods: list[tuple[str, tuple[int, ...]]]) -> Answer:
    """上半年和下半年哪个任务多 / 分别几项: the rows due in each period named, counted side by side."""
    rows = corpus.filter_rows((), q.offices, q.docs)
    counts = [(word, [r for r in rows if r.month in months]) for word, months in periods]
    fewest = bool(FEWEST.search(q.text))
    best = (min if fewest else max)(len(rs) for _, rs in counts)
    scope = "、".join(q.offices)
    ranking = "、".join(f"{word}{len(rs)}项" for word, rs in counts)
    winners = "、".join(word for word, rs in counts if len(rs) == best)
    head = say(q, f"**{scope + ' · ' if scope else ''}{ranking}**(配档表按完成月份计)。", f"**{ranking}** (by the month due).")
    if q.intent == "compare":
        head += say(q, f"{'较少' if fewest else '较多'}的是 **{winners}**。", f" {'Fewer' if fewest else 'More'}: **{winners}**.")
    lines, cites = row_lines(q, corpus, [r for _, rs in counts for r in rs])
    return Answer("\n".join([head, *lines]), True, tuple(cites), q)


def compare(q, corpus: Corpus) -> Answer:
    periods = named_periods(q.text)
    if len(periods) >= 2:
        return by_periods(q, corpus, periods)
    fewest = bool(FEWEST.search(q.text))
    by_office = len(q.offices) >= 2 or (bool(OFFICE_WORD.search(q.text)) and not q.offices)
    rows = corpus.filter_rows(q.months, q.offices, q.docs)
    canon = corpus.offices.canonical
    by_quarter = not by_office and bool(re.search(r"季度|quarter", q.text, re.IGNORECASE))
    # A row's month counted as itself or as its quarter.
    bucket = (lambda m: (m - 1) // 3 + 1) if by_quarter else (lambda m: m)   # noqa: E731
    if by_office:
        counts = Counter(canon(o) or o for r in rows for o in r.offices
                         if o != "各处室" and (not q.offices or canon(o) in q.offices))
    else:
        counts = Counter(bucket(r.month) for r in rows if r.month)
    if not counts:
        return empty(q, corpus, scope_label(q))
    name = (lambda k: str(k)) if by_office else (lambda k: f"第{k}季度") if by_quarter else (lambda k: f"{k}月")
    unit = "处室" if by_office else "季度" if by_quarter else "月"
    target = min(counts.values()) if fewest else max(counts.values())
    winners = sorted(k for k, v in counts.items() if v == target)
    label = "、".join(name(w) for w in winners)
    ranking = "、".join(f"{name(k)}{v}项" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    chosen = [r for r in rows if (any((canon(o) or o) in winners for o in r.offices) if by_office
                                  else r.month and bucket(r.month) in winners)]
    lines, cites = row_lines(q, corpus, chosen)
    head = say(q, f"{'最少' if fewest else '最多'}的是 **{label}**,共 {target} 项。各{unit}:{ranking}。",
               f"{'Fewest' if fewest else 'Most'}: **{label}**, {target} tasks. All: {ranking}.")
    return Answer("\n".join([head, *lines]), True, tuple(cites), q)


def matching_rows(q, corpus: Corpus) -> list[Record]:
    """The rows whose task the question names: among the best retrieved rows, those sharing most
    words with the question (the same task in two months keeps both)."""
    s = corpus.settings
    hits = [h.record for h in corpus.index.search(q.search_text, k=5 * max(1, len(corpus.documents)), mode="hybrid",
                                                  kinds=("schedule",)) if not q.docs or h.record.doc_id in q.docs][:5]
    if q.english and not has_chinese(q.text):
        return _rows_rendering(q, corpus, hits)
    if not hits:
        return []
    qg = content_grams(q.search_text)
    scored = [(len(qg & grams(r.text)), _common_run(q.search_text, r.text), r) for r in hits]
    top = max(sc for sc, _, _ in scored)
    if top == 0 and not q.english:
        return []   # a Chinese question sharing no word with any candidate row names no task in it
    # Both measures must be close to the best: shared words, and the longest run of the task's
    # wording the question repeats (全市教育工作会议 names one meeting, not every 工作会议).
    run = max(r for _, r, _ in scored)
    rows = [r for sc, ru, r in scored if sc >= max(top * s.row_match_ratio, 1) and ru >= run * s.row_match_ratio] \
        or [hits[0]]
    return sorted(rows, key=lambda r: r.month or 0)[:s.max_rows_when]


def _rows_rendering(q, corpus: Corpus, hits: list[Record]) -> list[Record]:
    """An English question's task: of the rows nearest in meaning and those the notices' words for
    it find (`english_search_words`: teacher day commendation → 教师节, 表彰), the ones writing a
    reading of most of its words; the nearest in meaning when none writes half of them."""
    words = " ".join(english_search_words(q, corpus))
    found = corpus.index.search(words, k=5, mode="bm25", kinds=("schedule",)) if words else []
    candidates = list(dict.fromkeys(hits + [h.record for h in found if not q.docs or h.record.doc_id in q.docs]))
    rows = _writing_most(candidates, english_readings(q, corpus))
    if not rows:
        return hits[:1]   # no row writes half of its words: the nearest in meaning
    # Rows writing as many of its words (校园食品安全专项整治行动 and 学校安全综合大检查 for the school
    # food safety campaign): the nearest in meaning, when clearly nearest; else all, nearest first
    # (the third batch of the young cadres project: 4月's 第三批, then 3月's 第二批).
    rows = _nearest_clearly(q, corpus, rows) if len(rows) > 1 else rows
    return sorted(rows, key=candidates.index)[:corpus.settings.max_rows_when]


def _writing_most(rows: list[Record], read: dict[str, tuple[str, ...]]) -> list[Record]:
    """Of `rows`, those writing a reading (`english_readings`) of the most of an English question's
    words, if that is at least half of them (the vocational school quality assessment: 中职学校办学
    质量年度考核 writes school, quality, assessment); none otherwise."""
    scored = [(sum(any(h in r.text for h in heads) for heads in read.values()), r) for r in rows]
    top = max((sc for sc, _ in scored), default=0)
    return [r for sc, r in scored if sc == top] if top and 2 * top >= len(read) else []


def _common_run(a: str, b: str) -> int:
    """Length of the longest run of characters `a` and `b` share."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


# A sentence handing a task to another body: 由区应急管理局牵头组织, 由市公安局负责.
_HANDED_ON = re.compile(r"由[^,，。;；]{2,20}(?:牵头|负责|组织|承办|主办)")


def no_row_for_task(q, corpus: Corpus, evidence) -> Answer:
    """A when / who question about a task an item speaks of but no 配档表 row lists: said so,
    naming the item (the notice gives no month or office for it), not answered."""
    # The item speaking of the most of the question's terms, first ranked on a tie: 近视防控 is in
    # item 6, while item 3's 廉政风险防控 may rank first on 防控 alone.
    terms = chinese_terms(q, corpus, dictionary_only=True)
    ranked = [e.record for e in evidence[:5] if e.record.kind == "item"]
    best = max(ranked, key=lambda r: sum(corpus.says(r.text, t) for t in terms), default=None)
    if best is None:
        return Answer(say(q, "配档表中没有找到这项工作的安排。", "No 配档表 row lists this task."), False, (), q)
    c = corpus.cite(best, best.title or "")
    named = specific_term(q, corpus)
    said = [sent for sent in sentences(best.text) if named and corpus.says(sent, named)]
    if best.offices and WHO.search(q.text) and said and not any(_HANDED_ON.search(sent) for sent in said):
        # No row lists it, but the item names its own offices (（责任科室：应对气候变化科）), and the
        # sentence saying the task hands it to no other body (由区应急管理局牵头): those offices.
        offices, asks_when = "、".join(best.offices), bool(WHEN.search(q.text))
        when = "配档表中没有列出这项工作,通知未写明时间" if asks_when else "配档表中没有列出这项工作"
        return Answer(say(q, f"据通知{item_name(best)}“{best.title}”,责任单位:**{offices}**{c.label}({when})。",
                          f"Per item {best.item} of the notice, “{best.title}”, responsible: **{offices}**{c.label} "
                          f"(no 配档表 row lists this task{'; the notice gives no time' if asks_when else ''})."),
                      True, (c,), q)
    # Said to speak of the task only when it names it (教师编制考试 is in no item: item 19 is only the
    # nearest).
    speaks = bool(named and corpus.says(best.text, named))
    where = say(q, f"通知中讲到它的是{item_name(best)}" if speaks else f"与它最相关的是{item_name(best)}",
                f"the notice speaks of it in item {best.item}" if speaks else f"the nearest item is {best.item}")
    if corpus.rows_of_items({best.id}) and not speaks:
        # The item has rows and does not name the task asked about (去外地拉投资 for 外出招商): which
        # task it is is unknown, so not "the 配档表 lists no time for it".
        return Answer(say(q, f"没有找到与问题直接对应的配档表安排;{where}“{best.title}”{c.label},"
                             f"可以问“{item_name(best)}什么时候、谁负责”查看它的全部安排。",
                          f"No 配档表 row matches the question; {where}, "
                          f"“{best.title}”{c.label}: ask when and who for item {best.item} to see all its rows."),
                      False, (c,), q)
    return Answer(say(q, f"配档表中没有列出这项工作的时间和责任单位;{where}“{best.title}”{c.label}。",
                      f"No 配档表 row lists this task's month or office; {where}, “{best.title}”{c.label}."),
                  False, (c,), q)


# A time its text gives (9月投入使用, 6月底前完成, 上半年, 年底前, 8:30), not an ordinal or a count of months.
DATED = re.compile(r"(?<![第\d])\d{1,2}\s*月(?!份?\s*(?:时间|内))|[上下]半年|年底|年内|[一二三四]季度|"
                   r"\d{1,2}\s*[:：]\s*\d{2}|每个?月\s*\d{1,2}\s*[日号]")


def no_rows_for_items(q, corpus: Corpus, items: list[Record]) -> Answer:
    """The answer when no 配档表 row carries out `items`: for when, the sentences of their own text that
    give a time (芝罘区…新校区9月投入使用), if any; else a plain answer naming them."""
    dated = [(r, sent) for r in items for sent in sentences(r.text) if DATED.search(sent)] \
        if WHEN.search(q.text) else []
    if dated:
        cites = [corpus.cite(r, sent) for r, sent in dated]
        head = say(q, "配档表中没有列出这项工作;通知正文写到:"
                   if corpus.has_schedule(tuple({r.doc_id for r in items})) else "通知正文写到:",
                   "No 配档表 row lists it; the notice's text says:")
        return Answer(head + "".join(f"\n{item_name(r)}:“{sent}”{c.label}" for (r, sent), c in zip(dated, cites)),
                      True, tuple(cites), q)
    names = "、".join(item_name(r) for r in items)
    return Answer(say(q, f"配档表中没有与{names}直接对应的安排。", f"No 配档表 row carries out {names}."),
                  False, (), q)


def rows_of_focus(q, corpus: Corpus, rows: list[Record]) -> Answer:
    """A follow-up about rows the conversation is on: their offices (谁负责), their months
    (什么时候), each with its citation; other questions get the rows with their items."""
    if not rows:
        return Answer(say(q, "上一个回答没有涉及配档表中的具体工作,请说明是哪项工作。",
                          "The previous answer named no 配档表 task; which task do you mean?"), False, (), q)
    if q.refers in ("who", "when"):
        lines, cites = [], []
        for r in rows:
            c = corpus.cite(r)
            cites.append(c)
            when = time_of(r)
            if q.refers == "who":
                by = f"由 **{'、'.join(r.offices)}** 负责" if not r.support else f":{who_text(r, q.text)}"
                lines.append(say(q, f"“{r.text}”{by}({when}){c.label}",
                                 f"“{r.text}”: **{'、'.join(r.offices)}** ({when}){c.label}"))
            else:
                lines.append(say(q, f"“{r.text}”安排在 **{when}**(责任单位:{'、'.join(r.offices)}){c.label}",
                                 f"“{r.text}” is scheduled for **{when}** ({'、'.join(r.offices)}){c.label}"))
        return Answer("\n".join(lines), True, tuple(cites), q)
    return rows_with_items(q, corpus, rows)
