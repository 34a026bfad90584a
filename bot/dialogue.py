"""What a follow-up refers to.

The conversation's focus is what the previous answer was about: the schedule rows and items it
cited. A follow-up that points back (它 / 这项 / 这个会 / 该项工作 / 上面那个) or says nothing of its
own (谁负责? / 第几条?) asks about that focus: its offices, its item, its month, or its content.
A follow-up that names its own months, offices or items, or a new topic, starts fresh.
"""
from __future__ import annotations

import re
from dataclasses import replace

from bot.answer import Answer
from bot.understand import WHEN, WHO, Query, cn_to_int, has_content
from ingest.when import months_label

# A turn that says it starts afresh (换个话题, 网络安全有什么要求): what follows it is a new question.
NEW_TOPIC = re.compile(r"^\s*(?:好的?|ok|嗯)?\s*[,，]?\s*(?:那么?|那就)?\s*(?:换个话题|换一个话题|换个问题|换一个问题|另外问一下|另外问个问题|"
                       r"(?:先)?不(?:说|聊|谈|问)(?:这个|这|那个)了?|"
                       r"再问一个(?:问题)?|再问个问题|问个别的|问点别的|说点别的|新问题|new topic|another question)"
                       r"\s*(?:吧|啊|呀)?\s*[,，:：。;；!！]?\s*", re.IGNORECASE)


def fresh(text: str) -> tuple[str, bool] | None:
    """The question after a `NEW_TOPIC` opening, if the turn has one and more than it, and whether it
    starts afresh: not when it points back (另外问一下,刚才那几项属于哪一条; 换个问题:它由谁负责)."""
    m = NEW_TOPIC.match(text)
    rest = text[m.end():] if m else ""
    return (rest, not POINTER.search(rest)) if rest.strip() else None


POINTER = re.compile(r"它|这项|这个|这一?条|该条|这[两俩二三四几]\s*[个项条件]|那(?:项|场|次|件)|那个(?!\s*[\d一二三四五六七八九十]{1,2}\s*月)|这些|这几[个项条]?|这次|这场|这件|此项|该项|该工作|该会|这一?工作|上面那|上述|刚才|前面那|"
                     r"\bit\b|\bthis\b|\bthat\b|\bthose\b|\bthese\b", re.IGNORECASE)
ASK_ITEM = re.compile(r"第几条|哪[一几]?条|哪个条目|哪部分|出自|which item|what item", re.IGNORECASE)
ASK_CONTENT = re.compile(r"具体内容|具体是|具体要求|具体要|具体(?:说说|讲讲|介绍)|详细(说说|讲讲|介绍)?|展开(说说|讲讲)?|讲了?什么|说了?什么|内容是|怎么做|details?|what does it say",
                         re.IGNORECASE)


# Who else takes part (还有别的处参与吗): asked of a task already named, so only as a follow-up.
ASK_WHO = re.compile(r"归哪个?(?:处室?|科室?|部门|单位)?管|归谁管?|谁来?管|" + WHO.pattern +
                     r"|别的处|其他处室?|其他单位|其他部门|还有哪些?处|还有谁|参与|参加|配合|协办", re.IGNORECASE)
# Which months (配档表里对应哪几个月): a follow-up's way to ask when.
ASK_WHEN = re.compile(WHEN.pattern + r"|哪几个月|哪些月份?|几个月份", re.IGNORECASE)
# Which 配档表 rows carry it out (配档表里对应的有哪些, 对应哪些工作): its rows, listed.
ASK_ROWS = re.compile(r"(配档表|附表|安排表)(里|中)?.{0,4}(对应|安排|哪些|什么|有没有)|对应(的|哪些|哪几)", re.IGNORECASE)
ASKING = re.compile("|".join(p.pattern for p in (ASK_ITEM, ASK_WHO, ASK_WHEN, ASK_ROWS, ASK_CONTENT)),
                    re.IGNORECASE)
# Where in the notice a thing is written (配档表里对应哪几个月, 要求写在第几条): no topic of its own.
WHERE = re.compile(r"配档表|附件|附表|安排表|通知|文件|原文|对应|写在|放在|列在|出现在|属于|里面?|中|哪几个")
# One task of the last list by its place in it (第一个是哪条里的, 最后一项谁负责, the second one).
ORDINAL = re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*[个项件](?!月|季度|周|星期|学期|年)|最后一[个项件](?!月|季度|周|星期|学期|年)|"
                     r"\b(first|second|third|last) (one|task|item)\b", re.IGNORECASE)
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3}

# The month(s) of the task just discussed (同一个月基教处还有别的吗, 当月还有什么, 那个月呢).
SAME_MONTH = re.compile(r"同一?个?月份?|当月|那个?月份?(?![底末初中])|该月|the same month|that month", re.IGNORECASE)

# Among what the last answer was about (其中哪些放在下半年, 这些里基教处的).
AMONG = re.compile(r"其中|这些|里面|上述|这几[个项条]?|among them|of these", re.IGNORECASE)


# What else (还有别的吗, 其他的呢, anything else?): more of what the last answer was about.
MORE = re.compile(r"(?:那|那么)?\s*(?:(?:还有(?:没有)?|还有啥|还有什么)\s*(?:别的|其他|其它|其余|更多)?|"
                  r"有没有\s*(?:别的|其他|其它|其余|更多))的?\s*"
                  r"(?:工作|任务|安排|内容|要求|事情?|目标)?\s*(?:吗|呢|么|没有?|不|啊)?|"
                  r"(?:别的|其他|其它|其余)的?\s*(?:呢|吗)|anything else|what else|any others?|any more", re.IGNORECASE)


def asks_more(text: str) -> bool:
    """The turn only asks what else (`MORE`), whatever its closing punctuation."""
    return bool(MORE.fullmatch(text.strip(" ?？。.!！")))


def aspect(text: str) -> str | None:
    """What a follow-up asks of the focus: item, who, when, rows (its 配档表 rows, listed) or content."""
    if ASK_ITEM.search(text):
        return "item"
    if ASK_WHO.search(text):
        return "who"
    if ASK_WHEN.search(text):
        return "when"
    if ASK_ROWS.search(text):
        return "rows"
    if ASK_CONTENT.search(text):
        return "content"
    return None


def resolve(q: Query, prev: Answer | None, holds=None) -> Query:
    """`q` with the focus it refers to, when it points back to the previous answer. `holds(text,
    record_ids)`: whether those items speak of every subject of `text` (a follow-up pointing back
    with words of its own asks within them only then: 它的报名方式 is not in the item)."""
    if prev is None or not prev.found or q.intent in ("refuse", "advice", "office", "header"):
        return q
    months = sorted({c.month for c in prev.citations if c.kind == "schedule" and c.month})
    if months and SAME_MONTH.search(q.text) and not q.items and not re.search(r"几月|哪个?月|什么月", q.text):
        # Its month, not today's (当月 alone reads as this month) nor a topic 同月 the notice lacks.
        word = SAME_MONTH.search(q.text).group(0)
        return replace(q, months=tuple(months), month_label=f"{word}({months_label(months, '、')})",
                       text=SAME_MONTH.sub(" ", q.text), intent="schedule")
    items = tuple(dict.fromkeys(c.record_id for c in prev.citations if c.kind == "item"))
    if len(q.items) == 1 and AMONG.search(q.text) and len(items) > 1 and not prev.rows:
        # 第二部分讲什么 → 其中第一条呢: the first of the items just listed, not item 1.
        listed = [c.item for c in prev.citations if c.kind == "item"]
        n = q.items[0]
        return replace(q, items=(listed[n - 1],)) if 1 <= n <= len(listed) else q
    if q.items or q.sections:
        return q
    if q.months or q.offices:
        # 职业教育有什么安排 → 其中哪些放在下半年: the rows carrying out the items just quoted, in
        # those months or of those offices (a schedule answer's own rows are narrowed by `inherit`).
        if items and not prev.rows and AMONG.search(q.text):
            return replace(q, intent="focus", refers="when", focus_items=items, context=_asked(prev))
        return q
    if asks_more(q.text) and (prev.rows or items):
        # 职高教处3月做什么 → 还有别的吗: the rest of the office's year; after a quote, the rest of its item
        # (after every place a word is written, nothing: `mention` says so).
        was = prev.query
        return replace(q, intent="focus", refers="more", focus_rows=prev.rows, focus_items=items,
                       offices=getattr(was, "offices", ()), months=getattr(was, "months", ()),
                       month_label=getattr(was, "month_label", None), docs=getattr(was, "docs", ()),
                       context=_asked(prev), mention=getattr(was, "mention", ""))
    asked = aspect(q.text)
    picked = _ordinal(q.text, prev.rows)
    if picked == "" and not has_content(WHERE.sub("", ASKING.sub("", POINTER.sub("", ORDINAL.sub("", q.text))))):
        # 第二个是第几条里的, after a list of one: no such task (not a search for the words).
        return replace(q, intent="focus", refers="beyond", focus_rows=prev.rows, focus_items=(), context=_asked(prev))
    if picked and asked is None and not has_content(ORDINAL.sub("", q.text)):
        asked = "rows"   # 最后一项是什么: that row itself
    if picked and asked:
        return replace(q, intent="focus", refers=asked, focus_rows=(picked,), focus_items=(), context=_asked(prev))
    pointer = bool(POINTER.search(q.text))
    bare = not has_content(WHERE.sub("", ASKING.sub("", POINTER.sub("", q.text))))   # 第几条? / 具体内容是什么?
    if asked is None and THAT_ONE.search(q.text) and has_content(ASKING.sub("", q.text)):
        return _within_items(q, prev, holds)
    if asked is None or not (pointer or bare) or not (prev.rows or prev.items):
        return q
    return replace(q, intent="focus", refers=asked, focus_rows=prev.rows, focus_items=items, context=_asked(prev))


# A pointer that makes a follow-up with words of its own ask within what was just quoted (该项工作有
# 什么要求, 那个研学活动去哪些地方); not 这个学期 or 那个月, which name a time.
THAT_ONE = re.compile(r"它|该(?:项|条|工作)|这项|此项|上面|上述|刚才|前面|(?:这|那)个(?!\s*(?:月|学期|季度|星期|周|年|[\d一二三四五六七八九十]))")


def _within_items(q: Query, prev: Answer, holds=None) -> Query:
    """`q` asked of the item the previous answer cited (its rows' item), when it cited one, numbered
    once through its notice, that speaks of what `q` names (`holds`)."""
    # (One item: of several, the whole of each would be quoted, not the sentence asked about.)
    cited = {c.record_id: c for c in prev.citations if c.kind == "item" and c.item}
    if len(cited) != 1:
        return q
    (one,) = cited.values()
    if one.part or (holds is not None and not holds(THAT_ONE.sub(" ", q.text), (one.record_id,))):
        return q
    return replace(q, items=(one.item,), docs=(one.doc_id,))


def _ordinal(text: str, rows: tuple[str, ...]) -> str | None:
    """The row a 第N个 / 最后一个 of the question names in the last answer's list; "" when the
    list is shorter than that; None when the question names no place in a list."""
    m = ORDINAL.search(text)
    if not m or not rows:
        return None
    word = (m.group(1) or m.group(2) or "").lower()
    if "最后" in m.group(0) or word == "last":
        return rows[-1]
    n = _EN_ORDINALS.get(word) or (int(word) if word.isdigit() else cn_to_int(word))
    return rows[n - 1] if n and 1 <= n <= len(rows) else "" if n else None


def _asked(prev: Answer) -> str:
    """What the previous question said: its topic (校园足球) narrows the rows of the items it got."""
    return getattr(prev.query, "text", "") or ""


def other_document(q: Query, prev: Query | None, places: set[str], years: set[str]) -> Query:
    """那济南呢 / 2024年的呢 after a question about one notice: the same question of the notice the
    follow-up names (by its place or year), when it says nothing else."""
    if prev is None or prev.intent in ("refuse", "advice", "focus", "documents") or q.items or q.sections:
        return q
    selectors = sorted(places | {f"{y}年" for y in years} | years, key=len, reverse=True)   # 2024年 before 2024
    named = [w for w in selectors if w in q.text]
    if not named or q.months or q.offices or has_content(_without(q.text, named)):
        return q
    return replace(prev, text=f"{''.join(named)} {_without(prev.text, selectors)}".strip(), follow_up=True)


def _without(text: str, words: list[str]) -> str:
    for w in words:
        text = text.replace(w, "")
    return text
