"""The bot: routes an understood question to its handler. `Bot.ask` is the one function the CLI,
the app and the eval runner call.

The pipeline: `understand` (text → Query, with normalisation and corrections) → `dialogue`
(what a follow-up refers to) → `scope` (rules that refuse at once) → a handler from `ROUTES`
(schedule questions by exact filtering, content questions by evidence search and the fitted
answerability decision) → the Answer, noting any correction it made ("按“双减”理解").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from bot import dialogue, documents
from bot.answer import ASKS_SUPPORT, Answer, Citation, item_name, say, who_text
from bot.corpus import Corpus
from bot.handlers import content, schedule
from bot.handlers.refusal import not_covered
from bot.scope import (ASKS_A_COUNT, Answerability, absent_name, absent_terms, chinese_key_terms, chinese_terms,
                       counted_missing, counts_something, english_absent, foreign, function_words, holdings, rarity,
                       rows_naming, specific_term, topic_terms, with_bridges)
from bot.settings import SETTINGS, Settings
from bot.text import ASKING_WORD, content_grams, grams, mentions, sentences
from index.jieba_table import words_tagged
from bot.understand import (ASKS_DAY, FIGURE, RELATIVE, WHEN, WHERE, WHO, WHOLE_YEAR, Query, has_content, is_english, parse,
                             parse_months, today)
from ingest import corpus_dir
from ingest.offices import OfficeTable
from ingest.parse import cn_to_int
from ingest.records import Record, read_jsonl

__all__ = ["Answer", "Bot", "Citation", "sentences"]

# Questions answered without retrieval: intent → handler(q, corpus).
ROUTES = {
    "schedule": schedule.schedule, "count": schedule.count, "compare": schedule.compare,
    "outline": content.outline, "header": content.header, "item": content.item,
    "section": content.section, "office": content.office, "duties": content.duties,
    "mentions": content.mentions,
}
# Asked of several notices at once (两年, 分别, 济南和烟台), these are answered per notice.
EACH = ("topic", "figure", "schedule", "count", "compare")
# Questions answered from evidence search, after the answerability decision.
RETRIEVAL = ("topic", "figure", "when_who", "advice")


class Bot:
    """Loads the records (cheap) at start; the search index and model only when a question needs them."""

    def __init__(self, records: list[Record], offices: OfficeTable, index=None, index_loader=None,
                 calibration: dict | None = None, settings: Settings = SETTINGS, vectors_loader=None):
        self.corpus = Corpus(records, offices, index=index, index_loader=index_loader, settings=settings,
                             vectors_loader=vectors_loader)
        self.scope = Answerability(calibration)
        self.settings = settings

    @classmethod
    def load(cls, corpus: Path | None = None, index_path: Path | None = None, rebuild: bool = False) -> "Bot":
        """From the persisted index (default `index_dir()`) of the notices in `corpus` (default
        `corpus_dir()`). One missing or unusable is built first; one that only lags the corpus is
        the last good index and is served as it is (a one-line warning on stderr, the reason in
        `index_state.stale`) unless `rebuild`, which waits for a fresh build."""
        import sys

        from index.store import Index, IndexState, ensure_index, index_dir, last_good, stored_vectors

        corpus, path = corpus or corpus_dir(), index_path or index_dir()
        state = last_good(path, corpus)
        if state is None or (rebuild and state.stale):
            idx = ensure_index(path, corpus)
            bot = cls(idx.records, OfficeTable.for_corpus(corpus), index=idx)
            bot.index_state = IndexState(idx.path, idx.manifest)
            return bot
        if state.warning:
            print(state.warning, file=sys.stderr)
        bot = cls(read_jsonl(path / "records.jsonl"), OfficeTable.for_corpus(corpus),
                  index_loader=lambda: Index.load(path, corpus, check_corpus=False),
                  vectors_loader=lambda: stored_vectors(path))
        bot.index_state = state
        return bot

    # What the app and the eval read.
    records = property(lambda self: self.corpus.own)
    items = property(lambda self: self.corpus.items)
    schedule = property(lambda self: self.corpus.schedule)
    sections = property(lambda self: self.corpus.sections)
    offices = property(lambda self: self.corpus.offices)
    index = property(lambda self: self.corpus.index)
    record = property(lambda self: self.corpus.by_id.get)

    def filter_rows(self, months: tuple[int, ...] = (), offices: tuple[str, ...] = (),
                    docs: tuple[str, ...] = ()) -> list[Record]:
        return self.corpus.filter_rows(months, offices, docs)

    # --- the pipeline ----------------------------------------------------------------------------

    def ask(self, question: str, history: list[str] | tuple[str, ...] | None = None,
            office: str | None = None) -> Answer:
        """Answer `question`; `history` holds the earlier user turns of the same conversation;
        `office` is the asker's own office (what 我们处 / 本处室 means), if they picked one."""
        problem = validate(question, self.settings.max_question_chars)
        if problem:
            return Answer(problem, False)
        mine = self.corpus.offices.canonical(office) if office else None
        if office and mine is None:
            return Answer(f"不认识处室“{office}”,请从处室列表中选择(corpus/offices.tsv)。", False)
        prev_q, prev_a = self._replay(history or (), mine)
        return self.answer(self._understand(question, prev_q, prev_a, mine))

    def understand(self, question: str, history: list[str] | tuple[str, ...] = ()) -> Query:
        """The question as understood after the earlier user turns."""
        return self._understand(question, *self._replay(history))

    def _replay(self, history, office: str | None = None) -> tuple[Query | None, Answer | None]:
        """The last query and answer of the earlier turns (the most recent `history_turns`)."""
        prev_q = prev_a = None
        for turn in list(history)[-self.settings.history_turns:]:
            if validate(turn, self.settings.max_question_chars) is None:
                prev_q = self._understand(turn, prev_q, prev_a, office)
                prev_a = self.answer(prev_q)
        return prev_q, prev_a

    def _understand(self, text: str, prev_q: Query | None, prev_a: Answer | None,
                    office: str | None = None) -> Query:
        c = self.corpus
        new = dialogue.fresh(text)
        if new is not None:   # 换个话题,网络安全有什么要求: the question, with nothing carried over
            text, afresh = new
            prev_q, prev_a = (None, None) if afresh else (prev_q, prev_a)
        elif dialogue.NEW_TOPIC.fullmatch(text) or (
                dialogue.asks_more(text) and not (prev_a and prev_a.found)):
            # 换个话题 alone, or 还有别的吗 with nothing before it: ready for the next question.
            return Query(text=text, intent="refuse", refuse_reason="chitchat", english=is_english(text))
        q = parse(text, c.offices, c.sections, c.vocabulary, c.text, lambda w: c.tokenizer.known(w),
                  c.expand_short_forms, c.respell)
        if q.my_office and office:
            q = replace(q, offices=(office,))
        # A pointer to the last answer (第几条? / 它谁负责?) is read before the last question's scope
        # is inherited: inheriting 6月/基教处 first would make 第几条? a schedule question again.
        q = dialogue.resolve(q, prev_a, self._speak_of)
        if q.intent != "focus":
            # 那济南呢: the last question, of another notice; else the usual inheritance.
            moved = dialogue.other_document(q, prev_q, c.places, c.doc_years) if len(c.documents) > 1 else q
            q = moved if moved is not q else documents.carried(q.inherit(prev_q), prev_q, c)
        if q.intent in ("topic", "figure", "when_who") and not (q.items or q.months or q.offices or q.sections
                                                                or q.context or has_content(q.text)):
            q = replace(q, intent="refuse", refuse_reason="empty")   # hello / ??? / 123
        return q

    def answer(self, q: Query) -> Answer:
        if q.my_office and not q.offices:
            return self._which_office(q)
        a = self._route(q)
        notes = []
        if q.my_office and q.offices:
            notes.append(say(q, f"按您的处室“{q.offices[0]}”", f"as {q.offices[0]}"))
        if q.months and RELATIVE.search(q.text):
            now = today()
            if str(now.year) not in self.corpus.doc_years and self.corpus.doc_years:
                year = max(self.corpus.doc_years)
                notes.append(say(q, f"今天是{now.year}年{now.month}月{now.day}日,按{year}年工作要点的"
                                    f"{'、'.join(f'{m}月' for m in q.months)}",
                                 f"today is {now.isoformat()}; read as {'/'.join(map(str, q.months))}月 of the {year} plan"))
        if a.found and ASKS_DAY.search(q.text) and any(x.kind == "schedule" for x in a.citations) \
                and not any(DAY.search(t + self._heading(x)) for x, t in zip(a.citations, self._cited_texts(a))):
            # 全市教育工作会议是几号, answered by its 配档表 row: the month is what the notice gives.
            notes.append(say(q, "通知只写到月份,没有写具体日期", "the notice gives the month, not the day"))
        if notes:
            a = replace(a, answer=say(q, "(" + ";".join(notes) + ")", "(" + "; ".join(notes) + ") ") + a.answer)
        if q.corrections and a.found:
            note = say(q, "(按" + "、".join(f"“{m}”" for _, m in q.corrections) + "理解)",
                       "(read as " + ", ".join(m for _, m in q.corrections) + ") ")
            a = replace(a, answer=note + a.answer)
        return a

    def _route(self, q: Query) -> Answer:
        c = self.corpus
        if q.intent == "refuse":
            reason = (q.refuse_reason or "").split(":", 1)
            return not_covered(q, reason[0], reason[1] if len(reason) > 1 else "")
        words = c.index.tokenizer.words(q.text) if (q.intent in RETRIEVAL + ("outline", "section", "header")
                                                   or re.search(r"[市省区县]", q.text)) else None
        place = foreign(q, c, words)
        if place:
            return not_covered(q, "foreign", place, holdings(c))
        if q.intent == "documents":
            return content.documents(q, c)
        if q.intent == "focus":
            return self._focus(q)
        chosen = documents.select(q, c)
        if not chosen.docs:
            return not_covered(q, "foreign", chosen.missing or say(q, "所问的文件", "the document asked about"),
                               holdings(c))
        q = replace(q, docs=chosen.docs)
        if q.intent in RETRIEVAL + ("schedule", "count"):   # 烟台…职称工作: 烟台 chose the notice, 职称 is the topic
            q = replace(q, text=documents.without_selectors(q.text, c) or q.text,
                        context=documents.without_selectors(q.context, c))
        if chosen.candidates and q.intent in RETRIEVAL and not q.items:
            # Several notices could answer and the question names none: the one whose text answers
            # it best (济南中考招生什么时候启动: the work plan, not a newer safety notice).
            _, evidence = self.evidence(replace(q, docs=chosen.candidates))
            best = evidence[0].record.doc_id if evidence else None
            if q.intent == "when_who":
                # 职业技能大赛谁牵头: when the notice nearest in meaning has a 配档表 without the task
                # (济南's 职业教育 item), one whose rows name it: the one chosen if it is one, else the
                # newest. (A nearest notice with no 配档表 answers from its text: 陪餐…谁负责.)
                listing = [d for d in chosen.candidates
                           for one in [replace(q, docs=(d,))] if rows_naming(one, c, schedule.matching_rows(one, c))]
                if listing and best not in listing and (best is None or c.has_schedule((best,))):
                    best = chosen.docs[0] if chosen.docs[0] in listing else listing[0]
            if best and best != chosen.docs[0]:
                doc = c.documents[best]
                q = replace(q, docs=(doc.doc_id,))
                chosen = replace(chosen, docs=q.docs,
                                 note=documents.note(doc, [c.documents[d] for d in chosen.candidates]))
        if q.intent in RETRIEVAL and len(q.docs) == 1 and not q.items:
            q = replace(q, text=self._without_subject(q))
        if q.intent in documents.SCHEDULE_INTENTS and not c.has_schedule(q.docs):
            # A notice without a 配档表: an office's or a month's work from its items (人事科负责哪些
            # 工作, 9月有什么工作); anything else from its text, which says when, if anything.
            q = replace(q, intent="duties" if q.intent in ("schedule", "count") and (q.offices or q.months) else "topic")
        if len(chosen.docs) > 1 and q.intent in EACH and not q.items:
            # 两年的…分别是多少: one answer per notice, each from its own rows or evidence.
            return self._each(q, answering=chosen.answering)
        a = self._handle(q)
        topics = topic_terms(q, c) if q.intent == "duties" and not a.found and not q.offices else []
        if topics:
            # 寒假期间可以补课吗, of a notice without a 配档表: no part dates work 1–2月, but its text
            # may speak of the topic (严禁…有偿补课); if it never names it (食堂), that is the answer.
            missing = [t for t in topics if not c.says(c.text_of(q.docs), t)]
            a = not_covered(q, "absent", "、".join(missing)) if missing else self._handle(replace(q, intent="topic"))
        if a.found and q.intent == "when_who" and WHERE.search(q.text) and not self._places(a):
            # 全市教育工作会议在哪里办: the notice gives the task (its row, its item) but no place;
            # asked when as well (什么时候在哪里开), the month answers and the place is said to be missing.
            if not WHEN.search(q.text):
                return not_covered(q, "unplaced", related=a.citations)
            a = replace(a, answer=a.answer + say(q, "\n(通知没有写明地点。)", "\n(The notice does not say where.)"))
        if chosen.note and a.found:
            a = replace(a, answer=f"({chosen.note})" + a.answer)
        return a

    def _handle(self, q: Query) -> Answer:
        c = self.corpus
        if q.intent in ("topic", "schedule") and not (q.months or q.items) and ASKS_TASKS.search(q.text):
            # 哪些任务是长期坚持的: the rows whose time cell is the one written (长期坚持, 每季度).
            cells = self._time_cells(q)
            rows = [r for r in c.filter_rows(offices=q.offices, docs=q.docs) if r.when in cells] if cells else []
            if rows:
                return schedule.rows_with_items(q, c, rows)
        # (Cut into words only when one may be there: most schedule questions name none.)
        asked = next((w for w in c.tokenizer.dictionary_words(q.text) if w in OFFICE_VALUE
                      and not _reads_on(q.text, w, c.tokenizer.known)), None) \
            if q.intent == "schedule" and any(w in q.text for w in OFFICE_VALUE) else None
        if asked and not mentions(c.text, asked):
            # 基教处处长叫什么名字, 基教处3月的负责人是谁: a person or contact of the office the
            # notices never name, not its list of tasks.
            return not_covered(q, "absent", asked)
        if q.intent == "schedule" and not q.months and (FIGURE.search(q.text) or "谁" in q.text):
            # 基教处的电话是多少, 体卫艺处处长是谁: a value of the office the notices never name.
            missing = absent_terms(q, c)
            if missing:
                return not_covered(q, "absent", "、".join(missing))
        if q.intent == "schedule" and not (q.months or q.offices):
            name = absent_name(q, c)   # 配档表里提到泉优计划了吗: a name the notices lack
            if name:
                return not_covered(q, "absent", name)
        if q.intent in ROUTES:
            a = ROUTES[q.intent](q, c)
            if q.intent == "schedule" and q.offices and not q.months and not q.excluding:
                if a.found:   # 教科院负责哪些工作: its rows, and the items naming it that no row carries out
                    return content.with_named_items(q, c, a)
                # 职成教科负责什么: no 配档表 row names it, but items of the notice's text do.
                named = content.duties(q, c)
                return named if named.found else a
            return a
        if q.intent == "when_who" and q.items:   # 第18条 → 谁负责?: the rows that carry it out
            rows = c.rows_of_items({r.id for r in c.find_items(q.items, q.docs, q.sections)})
            # 第7条里提到的寄宿制培训机构管理办法谁来定: of its rows, those about what is named.
            topics = topic_terms(q, c)
            rows = c.speaking_of(rows, topics) or rows
            if rows:
                return schedule.rows_with_items(q, c, rows)
            # No row carries it out: for who, the offices its own text names, if any.
            named = content.item(q, c) if WHO.search(q.text) else Answer("", False)
            return named if named.found and any(c.by_id[x.record_id].offices for x in named.citations
                                                 if x.record_id in c.by_id) \
                else self._no_rows(q, c.find_items(q.items, q.docs, q.sections))
        if q.items:   # 第18条投资多少钱 / 它的经费是多少: the figure of that item, if it gives one
            if q.intent == "figure":
                a = content.figure(q, c, [])
                return self._checked_figure(q, a, lambda: tuple(x for x in a.citations if x.kind == "item"))
            return content.item(q, c)
        at = PARAGRAPH_NO.search(q.text)
        paragraphs = [r for r in c.own if r.kind == "paragraph" and (not q.docs or r.doc_id in q.docs)] if at else []
        if paragraphs:   # 第三段说了什么, of a notice numbering nothing: that paragraph
            return content.paragraph(q, c, paragraphs, cn_to_int(at.group(1)) or int(at.group(1)))
        name = absent_name(q, c)
        if name:
            return not_covered(q, "absent", name)
        if q.english and q.intent != "advice":
            missing = english_absent(q, c)   # How do I cook rice?: no topic word is the notices'
            if missing:
                return not_covered(q, "absent", ", ".join(missing))
        q, evidence = self.evidence(q)
        if q.intent == "advice":
            return content.advice(q, c, evidence)
        rows = rows_naming(q, c, schedule.matching_rows(q, c)) if q.intent == "when_who" else []
        if q.intent == "topic":
            named = _rows_naming_what_no_item_does(q, c, evidence)
            if named:   # 今年还搞泉城最美教师评选吗: a task only the 配档表 names
                return schedule.rows_with_items(q, c, named)
        if not self.scope.answerable(q, c, evidence, tuple(r.text for r in rows)):
            # Too weak to answer from, but the reader may find what they want nearby: the notice may
            # say it in its own words (学校医务室的大夫 → 第6条's 校医), if it speaks of any of the
            # question's subjects at all (not of 今天天气).
            missing = absent_terms(q, c)
            near = not missing or _speaks_of_a_subject(q, c, missing)
            return not_covered(q, "absent" if missing else None, "、".join(missing),
                               related=content.related(c, evidence) if near else ())
        if q.intent == "when_who" and (rows or c.has_schedule(q.docs)):
            return schedule.rows_with_items(q, c, rows) if rows else schedule.no_row_for_task(q, c, evidence)
        # A notice with no 配档表 says when and who in its text, if anywhere (每天上午8:30至11:30).
        if q.intent == "figure":
            return self._checked_figure(q, content.figure(q, c, evidence, schedule.matching_rows(q, c)),
                                        lambda: content.related(c, evidence))
        a = content.topic(q, c, evidence)
        if a.found and q.intent == "topic" and ASKS_PLAN.search(q.text):
            # 教育评价改革有哪些安排: the quoted item's 配档表 rows about what is asked follow it.
            cited = {x.record_id for x in a.citations if x.kind == "item"}
            topics = topic_terms(q, c)
            rows = c.speaking_of(c.rows_of_items(cited), topics) if topics else []
            if rows:
                lines, cites = schedule.row_lines(q, c, rows)
                a = replace(a, answer=a.answer + "\n" + say(q, "配档表中的安排:", "From the 配档表:") + "\n"
                            + "\n".join(lines), citations=a.citations + tuple(x for x in cites if x.record_id not in cited))
        if a.found and q.intent == "when_who" and WHEN.search(q.text) and not WHO.search(q.text) \
                and not any(schedule.DATED.search(x.quote + self._heading(x)) for x in a.citations):
            # 一键报警系统升级什么时候完成, in a notice with no 配档表, whose sentence on it gives no
            # time: not answered (its item named), not quoted as if it said when. (A time in the item's
            # heading counts: （二）集中检查阶段（7月21日至8月20日）.)
            return not_covered(q, "undated", related=tuple(x for x in a.citations if x.kind == "item"))
        if (q.intent == "when_who" and WHO.search(q.text)) or ASKS_SUPPORT.search(q.text):
            # 招聘教师谁负责, in a notice with no 配档表: the offices its text names for what it quotes.
            named = [(c.by_id[x.record_id], x.label) for x in a.citations
                     if x.record_id in c.by_id and c.by_id[x.record_id].offices]
            if named:
                a = replace(a, answer=a.answer + "\n" + "\n".join(
                    f"{who_text(r, q.text)}{label}" for r, label in named))
        return a

    def _speak_of(self, text: str, record_ids: tuple[str, ...]) -> bool:
        """The records `record_ids` speak of every subject of `text` (its key terms, or the notices'
        words for them), words that ask or name nothing aside."""
        c = self.corpus
        held = " ".join(c.by_id[i].text for i in record_ids if i in c.by_id)
        function = function_words()
        return all(c.says(held, t) for t in chinese_key_terms(c.tokenizer.dictionary_words(text))
                   if t not in function and not ASKING_WORD.search(t))

    def _checked_figure(self, q: Query, a: Answer, related) -> Answer:
        """A figure answer `a`, unless what it quotes does not give what is asked: the thing counted
        (新建多少个校园食堂, quoted from an item about 书香校园), a length (开几天), or any count at
        all (第40个教师节 counts no teachers). Then not found, pointing to `related()`."""
        c = self.corpus
        # What the answer shows: the quoted sentence (a row's own text), not its whole item.
        quoted = "".join(self._cited_texts(a))
        # The thing counted may be named by the quoted sentence's item heading (学前教育, 县管校聘);
        # not by its section's title, which speaks of many items (聚焦关键环节).
        headings = " ".join(filter(None, (h for x in a.citations if x.record_id in c.by_id
                                          for r in [c.by_id[x.record_id]]
                                          for h in (r.title, r.subsection_title))))
        thing = counted_missing(q, quoted + " " + headings, c.index.tokenizer.dictionary_words, c.bridges) \
            if a.found and not q.english else None
        duration = DURATION.search(q.text)
        if a.found and duration and not re.search(rf"(?:\d|[一二两三四五六七八九十百半])\s*个?\s*{duration.group(1)}", quoted):
            # 全市教育工作会议开几天, 锻炼时间是多少分钟: what is quoted gives no such length.
            return not_covered(q, related=tuple(x for x in a.citations if x.kind == "schedule") or related())
        asked = ASKS_A_COUNT.search(q.text)
        if a.found and not thing and asked and not counts_something(quoted, asked.group(0)[-1]):
            # 今年招多少老师, answered by 做好第40个教师节…: an ordinal or a year counts nothing.
            return not_covered(q, related=related())
        if not thing:
            return a
        # The notice may speak of the thing (课后服务) without the figure asked (its fee): then
        # it is not "not mentioned", only not answered; the nearest items are named instead.
        return not_covered(q, related=related()) if mentions(c.text, thing) else not_covered(q, "absent", thing)

    def _cited_texts(self, a: Answer) -> list[str]:
        """What answer `a` quotes, or the whole text of each record it cites without a quote."""
        return [x.quote or (self.corpus.by_id[x.record_id].text if x.record_id in self.corpus.by_id else "")
                for x in a.citations]

    def _without_subject(self, q: Query) -> str:
        """The question without the words of its notice's title that name a topic (游泳场所专项检查的
        联系人是谁 → 的联系人是谁, in a notice on 游泳场所安全专项检查): every part of the notice speaks
        of its subject, so those words tell no item apart and pull the search towards the parts that
        repeat them. Unchanged when nothing else would be left."""
        c = self.corpus
        title = c.without_agencies(c.documents[q.docs[0]].title or "")
        subject = [w for w in c.tokenizer.dictionary_words(title) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)
                   and rarity(w, c) >= c.settings.topic_min_rarity]
        # And the kind of notice it is (食堂管理办法 of a 办法: every article says 本办法).
        subject += re.findall(r"(?:管理|实施|工作)?(?:办法|方案|要点|细则|规定|意见)$", title)
        rest = q.text
        for w in sorted(subject, key=len, reverse=True):
            rest = rest.replace(w, " ")
        return rest if rest != q.text and has_content(rest) else q.text

    def _time_cells(self, q: Query) -> set[str]:
        """The time cells of the notices asked about that the question writes and that name no month
        or period the question would read as months (长期坚持, 每季度, 常态化; not 3月 or 全年)."""
        cells = {r.when for r in self.corpus.filter_rows(docs=q.docs) if r.when}
        return {w for w in cells if len(w) >= 2 and w in q.text and not parse_months(w)[0]
                and not WHOLE_YEAR.fullmatch(w)}

    def _heading(self, x: Citation) -> str:
        """The heading of the record `x` cites ("" if none)."""
        r = self.corpus.by_id.get(x.record_id)
        return (r.title or "") if r else ""

    def _places(self, a: Answer) -> bool:
        """What answer `a` quotes or lists says where (在市体育中心举行, 地点:…)."""
        return any(GIVES_PLACE.search(t) for t in self._cited_texts(a))

    def evidence(self, q: Query) -> tuple[Query, list]:
        """The question with the notices' words for its own (`with_bridges`), and the items that
        answer it, best first. The not-found model is fitted on exactly this (`eval calibrate`)."""
        q = with_bridges(q, self.corpus)
        return q, self.corpus.evidence(q.search_text, docs=q.docs, also=q.bridges)

    def _each(self, q: Query, answering: bool = False) -> Answer:
        """A question asked of several notices: each answered (or refused) from its own rows or
        evidence, under its title. `answering`: the question did not ask for several (人事科负责
        哪些工作, held by two districts' notices): only the notices that answer are shown."""
        parts = [(d, self._handle(replace(q, docs=(d,)))) for d in q.docs]
        if answering and any(a.found for _, a in parts):
            parts = [(d, a) for d, a in parts if a.found]
        text = "\n\n".join(f"**《{self.corpus.documents[d].title}》**\n{a.answer}" for d, a in parts)
        return Answer(text, any(a.found for _, a in parts),
                      tuple(c for _, a in parts for c in a.citations), q)

    def _which_office(self, q: Query) -> Answer:
        """我们处 with no office picked: ask which, offering the offices that have schedule rows."""
        used = {self.corpus.offices.canonical(o) for r in self.corpus.schedule for o in r.offices}
        choices = tuple(o.short for o in self.corpus.offices.offices if o.short in used)
        return Answer(say(q, "请问您是哪个处室?在页面上选择您的处室后再问,或直接写处室名,例如“基教处这个月有什么任务?”。"
                             f"可选:{'、'.join(choices)}。",
                          f"Which office are you? Pick yours on the page, or name it, e.g. \"基教处 this month\". "
                          f"Offices: {', '.join(choices)}."), False, (), q, choices)

    def _focus(self, q: Query) -> Answer:
        """A follow-up about what the previous answer was about."""
        c = self.corpus
        rows = [c.by_id[r] for r in q.focus_rows if r in c.by_id]
        items = [c.by_id[i] for i in q.focus_items if i in c.by_id]
        if q.refers == "beyond":
            return Answer(say(q, f"上一个回答只列了 {len(rows)} 项工作,请说明是哪一项。",
                              f"The last answer listed {len(rows)} task(s) only; which one do you mean?"), False, (), q)
        if q.refers == "more":
            return self._more(q, rows, items)
        if q.refers == "item":
            return content.item_numbers(q, c, items or c.items_of_rows(q.focus_rows), rows)
        if q.refers == "content":
            target = items or c.items_of_rows(q.focus_rows)
            return self._quoted(q, target) if target else schedule.rows_of_focus(q, c, rows)
        if rows or not items:
            return schedule.rows_of_focus(q, c, _named_by(q, rows))
        rows = c.rows_of_items(q.focus_items)      # 第18条讲什么? → 什么时候?: the rows carrying it out
        if q.months or q.offices:                  # → 其中下半年的?: those of the months / offices asked
            wanted = {r.id for r in c.filter_rows(q.months, q.offices)}
            rows = [r for r in rows if r.id in wanted]
            if not rows:
                named = "、".join(item_name(r) for r in items)
                return Answer(say(q, f"配档表中没有{named}在{schedule.scope_label(q)}的工作安排。",
                                  f"The 配档表 has no task of {named} for {schedule.scope_label(q)}."), False, (), q)
        named = [i for i in items if i.offices]
        if not rows and q.refers == "who" and named:
            # 芝罘区今年新增学位多少个 → 谁牵头?: no 配档表 row carries it out, but the item names its
            # own offices (（牵头科室：规划财务科；配合科室：…）).
            cites = [c.cite(i, i.title or "") for i in named]
            return Answer("\n".join(f"{item_name(i)}“{i.title}”:{who_text(i, q.text)}{x.label}"
                                    for i, x in zip(named, cites)), True, tuple(cites), q)
        if not rows:
            return self._no_rows(q, items)
        # 科学教育有什么安排 → 什么时候?: of item 15's rows, those about 科学教育 when any are (the
        # item's other rows carry out its other sentences); else all of them.
        topics = topic_terms(replace(q, text=q.context, month_label=None), c) if q.context else []
        about = c.speaking_of(rows, topics)
        rows = _named_by(q, about or rows)
        a = schedule.rows_of_focus(q, c, rows)
        cites = tuple(c.cite(i, i.title or "") for i in items)
        # 第7条讲什么 → 课后服务呢 → 那谁负责: no row of the item writes 课后服务; its rows follow, said so.
        head = say(q, f"配档表中没有写到“{'、'.join(topics)}”的安排;{'、'.join(item_name(i) for i in items)}的安排如下:\n",
                   f"No 配档表 row writes “{', '.join(topics)}”; the rows of the item(s) are:\n") if topics and not about else ""
        return replace(a, answer=head + a.answer + say(q, "\n(落实", "\n(carrying out ") + "".join(x.label for x in cites) + ")",
                       citations=a.citations + cites)


    def _no_rows(self, q: Query, items: list) -> Answer:
        """No 配档表 row carries out `items`: what their text says of when (`schedule.no_rows_for_items`);
        of a notice with no 配档表 at all, the items themselves (第8条 → 它要求谁陪餐: its text says
        who), never "the 配档表 has no row"."""
        a = schedule.no_rows_for_items(q, self.corpus, items)
        if a.found or not items or self.corpus.has_schedule(tuple({i.doc_id for i in items})):
            return a
        return self._quoted(q, items)

    def _quoted(self, q: Query, items: list) -> Answer:
        """`items` (records of items the conversation is on) quoted whole, as 第N条 asks them."""
        return content.item(replace(q, items=tuple(i.item for i in items), docs=tuple({i.doc_id for i in items})),
                            self.corpus)

    def _more(self, q: Query, rows: list, items: list) -> Answer:
        """还有别的吗 after an answer: an office's other rows (of the other months, after one month's),
        the other rows carrying out the same items (after a task's), or the whole of the items
        quoted (after a quote); said plainly when the last answer listed everything asked."""
        c = self.corpus
        shown = set(q.focus_rows)
        if q.mention:   # 哪几条提到了“清单” → 还有吗: every place was listed
            return Answer(say(q, f"通知中写到“{q.mention}”的地方上面已全部列出。",
                              f"Every place the notice writes “{q.mention}” is listed above."), True, (), q)
        if rows and q.offices:
            more = [r for r in c.filter_rows((), q.offices, q.docs) if r.id not in shown]
        elif rows and not q.months:
            more = [r for r in c.rows_of_items({i.id for i in c.items_of_rows(q.focus_rows)}) if r.id not in shown]
        elif rows:
            more = []
        else:
            return self._quoted(q, items)
        if not more:
            scope = schedule.scope_label(q) or say(q, "这项工作", "this task")
            return Answer(say(q, f"配档表中{scope}的安排共 {len(rows)} 项,上面已全部列出。",
                              f"The 配档表 has {len(rows)} task(s) for {scope}; all are listed above."),
                          True, tuple(c.cite(r) for r in rows), q)
        a = schedule.rows_with_items(q, c, more)
        head = say(q, f"除上面列出的,{'、'.join(q.offices)}全年还有 {len(more)} 项:" if q.offices else
                      f"除上面列出的,同一条目还有 {len(more)} 项:",
                   f"Besides those listed, {len(more)} more task(s):")
        return replace(a, answer=head + "\n" + a.answer.split("\n", 1)[1])


# A paragraph by its number (第三段, 第3段).
PARAGRAPH_NO = re.compile(r"第\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*段")
# A question asking which tasks (哪些任务, 什么工作, 有啥活), not a figure or the content of one.
ASKS_TASKS = re.compile(r"(?:哪些|什么|啥)\s*(?:任务|工作|事|活)|(?:任务|工作|事|活儿?)\s*(?:有|是)?\s*(?:哪些|什么|啥)")
# A length of time asked (开几天, 多少分钟, 几个月): its unit.
DURATION = re.compile(r"(?:多少|几|多长)\s*个?\s*(分钟|小时|天|周|星期|月)(?!份)")
# A question about the plan for a piece of work (有哪些安排, 时间表), which the 配档表 lays out.
ASKS_PLAN = re.compile(r"安排|时间表|日程|进度|schedule|timeline", re.IGNORECASE)
# Text that gives a day (7月21日, 15号).
DAY = re.compile(r"\d\s*[日号]|[一二三四五六七八九十]+[日号]|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}")
# Text that says where something takes place.
GIVES_PLACE = re.compile(r"在[\u4e00-\u9fff]{2,15}?(?:举办|举行|召开)|地点|会场|地址")


# A person or a contact of an office (处长, 负责人, 电话), which a list of its tasks does not answer
# (as words: 负责人事 is 负责 + 人事).
OFFICE_VALUE = frozenset("处长 科长 局长 主任 负责人 联系人 电话 手机 邮箱 联系方式 地址 姓名 名字".split())


def _reads_on(text: str, word: str, known) -> bool:
    """`word`'s last character makes a word with the next one in `text` (负责人事: 人事), so it is
    read as two words, not as `word`."""
    at = text.find(word) + len(word)
    return 0 < at < len(text) and known(word[-1] + text[at])


def _speaks_of_a_subject(q: Query, c: Corpus, missing: list[str]) -> bool:
    """The notices write one of the question's words (not through a synonym: 明天 is no 未来), one
    that names a subject of some of their items rather than of most (学校), and no time or place
    (今天, 济南): only then are the items nearest the question worth naming under a refusal."""
    around = words_tagged("t", "f", "s", "ns")
    return any(t not in missing and t not in around and mentions(c.text, t) and 0 < c.item_share(t) <= 0.5
               for t in chinese_terms(q, c, True))


def _rows_naming_what_no_item_does(q: Query, c: Corpus, evidence: list) -> list:
    """The 配档表 rows that name the question's most specific term (`specific_term`) when no item
    does, at most `max_rows_when` of them, if the notices name all its key terms; else none."""
    rarest = specific_term(q, c)
    if not rarest or absent_terms(q, c):   # 教书的老师待遇怎么样: 待遇 is named nowhere
        return []
    if any(c.says(r.text, rarest) for r in c.items.values() if not q.docs or r.doc_id in q.docs):
        return []
    rows = [r for r in c.filter_rows(docs=q.docs) if c.says(r.text, rarest)]
    return rows if len(rows) <= c.settings.max_rows_when else []


def _named_by(q: Query, rows: list) -> list:
    """Of the rows a follow-up points at, those its own words name best (新课堂 → 它第二期什么时候
    启动: 启动第二期“新课堂”项目, not the 新课堂 book series), when they share at least two
    character pairs with it and not every row does equally; else all of them."""
    words = content_grams(q.text)
    scored = [(len(words & grams(r.text)), r) for r in rows]
    best = max((n for n, _ in scored), default=0)
    named = [r for n, r in scored if n == best]
    return named if best >= 2 and len(named) < len(rows) else rows


def validate(question: object, max_chars: int = SETTINGS.max_question_chars) -> str | None:
    """A polite message for input that is not a question; None when it is fine."""
    if not isinstance(question, str) or not question.strip():
        return "请输入一个问题,例如“6月份基教处要完成哪些工作?”。"
    if len(question) > max_chars:
        return (f"问题太长了({len(question)} 个字符),请控制在 {max_chars} 个字符以内"
                "(上限可用环境变量 POLICYQA_MAX_QUESTION_CHARS 调整)。")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t\r" for ch in question):
        return "问题中含有控制字符,请删除后重新输入。"
    if any(unicodedata.category(ch) == "So" and ord(ch) > 0x2FFF and not "\u3000" <= ch <= "\u9fff"
           for ch in question):
        return "问题中含有表情符号,请用文字提问,例如“7月民继处有什么工作?”。"
    return None
