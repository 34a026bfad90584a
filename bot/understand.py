"""Understanding a question: text → `Query` (months, offices, item / section references, header
fields, intent), after normalising what people type (traditional characters, full-width digits,
near-miss spellings of the corpus's own terms).

Pure functions over text plus the office table, the section titles and the vocabulary of the
loaded notices; no retrieval here. A follow-up that leaves out its scope is completed from the
previous turn's `Query` by `Query.inherit` ("那7月呢?" keeps the office); what a pointer
(它 / 这项 / 这个会) refers to is `bot.dialogue`'s business.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, replace
from datetime import date

from bot.settings import SETTINGS
from bot.text import JOINT, OFFICE_WORD, in_order, normalize
from ingest.offices import OfficeTable
from ingest.parse import cn_to_int
from ingest.when import months_label

CN_NUM = "零〇一二三四五六七八九十两"
_NUMERAL = rf"(?:\d{{1,2}}|[{CN_NUM}]{{1,3}})"   # a month's or a count's number, 6 or 六
_NUM = rf"({_NUMERAL})"

EN_MONTHS = {m: i for i, ms in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")], 1) for m in ms}

_WHILE = (r"(?=期间|里|中(?!小学|学|职|考|高)|的时候|时|都|有|要|该|忙|干|做|会|的(?:工作|任务|安排|事|活)|"
          r"那?两个月|[,，。!！?？]|$)")
# (Not when asking when the holiday itself is: 什么时候放暑假, 寒假几号开始.)
_NOT_WHEN = r"(?<!时候放)(?<!何时放)(?<!几号放)(?<!哪天放)(?!.{0,3}(?:什么时候|几号|哪天|何时)(?:放|开始|结束))"
# The school holidays, as the notices' own time cells read them (ingest.when: 暑假 7–8月).
HOLIDAYS = [(r"寒暑假|寒假[和及与、,，]?暑假", (1, 2, 7, 8)), (r"(?<!寒)(?:暑假|暑期)", (7, 8)), (r"寒假", (1, 2))]
_EN_HOLIDAYS = {(7, 8): "|summer (?:vacation|holidays?|break)", (1, 2): "|winter (?:vacation|holidays?|break)"}
# Named periods → months. The answer always states which months a period was read as.
PERIODS: list[tuple[str, tuple[int, ...]]] = [
    (r"上半年|first half|(?<![a-z0-9])h1(?![a-z0-9])", tuple(range(1, 7))),
    (r"下半年|second half|(?<![a-z0-9])h2(?![a-z0-9])", tuple(range(7, 13))),
    (r"第[一1]个季度|第?[一1]季度|(?<![a-z0-9])q1(?![a-z0-9])|first quarter", (1, 2, 3)),
    (r"第[二2]个季度|第?[二2]季度|(?<![a-z0-9])q2(?![a-z0-9])|second quarter", (4, 5, 6)),
    (r"第[三3]个季度|第?[三3]季度|(?<![a-z0-9])q3(?![a-z0-9])|third quarter", (7, 8, 9)),
    (r"第[四4]个季度|第?[四4]季度|(?<![a-z0-9])q4(?![a-z0-9])|fourth quarter", (10, 11, 12)),
    (r"年初|beginning of the year|start of the year", (1, 2)),
    # (Not 一年中 / 今年中职… / 2024年中高考, nor 年中考核: only 年中 said as a time.)
    (r"(?<![\d一全今本明去前往当])年中(?=的|时|左右|期间|那|要|有|会|需|[,，?？\s]|$)|middle of the year|mid-?year", (6, 7)),
    # A deadline at the year's end (年底前要完成的) is due by then: every month, as 6月底前 is
    # every month up to June.
    # (Not 年底前后, 年底前夕, 年底前两个月: around or before the year's end.)
    (r"(?:年底|年末)(?:以前|之前|前)(?![后夕一二两三四几最])|by the end of the year", tuple(range(1, 13))),
    (r"(?:年底|年末)(?!(?:以前|之前|前)(?![后夕一二两三四几最]))|(?<!by )the end of the year|year[- ]end", (11, 12)),
] + [
    # The school holidays when they say when (暑假期间, 暑假里, 暑假有…): 暑期托管, 寒假作业 are
    # topics, 暑假前 a deadline. (Said of an office, 暑假招考院, they are when too: `_parse`.)
    (rf"{_NOT_WHEN}(?:{pattern}){_WHILE}{_EN_HOLIDAYS.get(months, '')}", months) for pattern, months in HOLIDAYS
]


def named_periods(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Every period of PERIODS the text names, as written, in the text's order (上半年和下半年)."""
    low = text.lower()
    found = [(m.start(), m.group(0), months) for pattern, months in PERIODS for m in [re.search(pattern, low)] if m]
    return [(word, months) for _, word, months in sorted(found)]


HEADER_FIELDS: list[tuple[str, str]] = [
    (r"发文字号|文号|字号|document number|doc(ument)? no", "doc_no"),
    (r"索引号|index number", "index_no"),
    (r"组配分类|分类|category", "category"),
    (r"发布机构|发文机关|发布单位|哪个单位发|哪个机构|谁发布|谁印发|谁签发|谁发的|issuer|issued by|who issued",
     "issuer"),
    (r"发布日期|发布时间|哪天发布|什么时候发布|published", "published_date"),
    (r"成文日期|成文|印发|发文日期|签发|哪天发的|什么时候发的|written|issued on|date of issue", "written_date"),
    (r"发给|主送|下发给|印发给|发送给|addressed to|sent to", "addressees"),
    (r"标题|题目|文件名|文件名称|title", "title"),
]
# The whole year: no month filter, and a follow-up saying it drops the months the last turn had
# (体卫艺处3月有啥 → 4月呢 → 那全年一共几项). Not a range of 1–12: rows dated 全年 have no month.
WHOLE_YEAR = re.compile(r"全年|整年|一整年|全年度|all year|whole year|full year|entire year", re.IGNORECASE)

# A header question is about the document itself: it names it, or has nothing left but header words.
DOC_REF = re.compile(r"通知|文件|本文|公文|这份|该文|工作要点|notice|document", re.IGNORECASE)
FILLER = re.compile(r"怎么回事|咋回事|什么意思|啥意思|这个|这份|该|本|的|是|什么|哪天|哪个|哪些|哪|多少|几|谁|呢|吗|请问|一下|由|在|有|要|会|"
                    r"那么|那|其中|里面|这条|该条|它|分别|具体|负责|处室|单位|部门|时候|时间|月份|"
                    r"完成|开展|进行|安排|落实|工作|任务|内容|情况|"
                    # Asking to lay the last answer out again (按月份排一下, 列个清单) says no topic.
                    r"按|排序|排列|排|列出|列个|列|清单|汇总|整理|归纳|[?？!！,，。.、\s]")
POINTER = re.compile(r"其中|里面|这条|该条|这一条|上述|上面|它|这项|in it\b|this item|of them\b", re.IGNORECASE)
OFFICE_NAME = re.compile(r"全称|全名|完整名称|full name|stand for", re.IGNORECASE)

INJECTION = re.compile(
    r"(忽略|无视|不要管)(掉)?(之前|以上|前面|上面|所有|全部|你的|一切)?.{0,4}(指令|规则|提示|设定|要求|限制)|"
    r"系统提示|提示词|system prompt|ignore (all|the|previous|your)|"
    r"disregard|jailbreak|越狱|扮演|pretend|假装|编造|make up|虚构|developer mode|开发者模式",
    re.IGNORECASE)
# A follow-up: starts from the last answer (那…, 其中…), points at it (这几个, 上述), or is an elliptical
# "X的有哪些" whose head noun is the last answer's (第四季度的有哪些? = 其中第四季度的工作).
FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|其中|里面|这条|该条|它|这项|这个|这些|这几|上述|and\b|what about|how about)"
                       r"|呢[?？]?$|其中|里面|这条|该条|这一条|这几[个项条]|这些|上面|上述|它的|in it\b|of them\b|"
                       r"^[^的]{1,12}的(有哪些|是哪些|有什么|是什么)[?？]?$",
                       re.IGNORECASE)
# The schedule table itself (配档表里一共多少条 counts rows, not the notice's items).
_TABLE_NAMES = r"配档表|附表|安排表"
SCHEDULE_TABLE = re.compile(_TABLE_NAMES + r"|schedule table", re.IGNORECASE)
TABLE_REF = re.compile(rf"(?:{_TABLE_NAMES})\s*(?:里|中|上|内)?")   # the table named, as a place in it
QUARTER_WORD = re.compile(r"季度|quarter", re.IGNORECASE)
# (时间 before a figure asked is a duration: 反应时间要求多少分钟.)
WHEN = re.compile(r"什么时候|何时|几月|哪个月|哪月|(?<!多长)(?<!多少)(?<![段这那])时间(?![^,，。?？]{0,8}(?:多少|多长|多久|[几\d]\s*(?:分钟|小时|天|日|周)))|"
                  r"啥时候|哪[一几]?天|几号|几日|哪一?年|日期|when\b|which month|what month", re.IGNORECASE)
# A day asked (哪天, 几号), which a 配档表 of months does not give.
ASKS_DAY = re.compile(r"哪[一几]?天|几号|几日|具体日期|what date|which day", re.IGNORECASE)
# Where an event takes place (在哪里办, 什么地方举行, 地点), not where in the notice something is written
# (在哪里提到), which region (哪个地方的学生) or where to hand something in.
WHERE = re.compile(r"(?:哪[里儿]?|什么地方|哪个(?:地方|场馆|场地|会场))(?=办|开(?![放展设发])|举行|举办|召开)|地点|"
                   r"\bwhere\s+(?:is|are|was|will|does|do)\b[^?]*\b(?:held|hosted|take place|takes place)\b",
                   re.IGNORECASE)
WHO = re.compile(r"谁|哪个处室?|哪个部门|哪个单位|哪些处室?|哪些部门|哪些单位|哪个科室?|责任单位|负责(?!制(?![定订]))|牵头|主办|承办|"
                 r"(?:配合|协办)(?:单位|处室|部门|科室)|"
                 r"who\b|"
                 r"which office|responsible", re.IGNORECASE)
# How the notice is organised: 一共多少条, 分几个部分, 有哪几部分, 结构/框架/目录, how many sections.
# Where a word is written: 哪几条提到了“清单”, 哪些条目涉及大赛, 列出所有带“工程”的项目, “泉优”出现在
# 哪一条, which items mention "双减". (Not 哪些工作涉及安全: a question of the 配档表's rows.)
_PLACES = r"(?:哪几条|哪[一几]?些?条(?:目|款)?|哪几个条目|哪些?地方|哪几处|哪些部分|哪[一个]?部分|哪里|哪儿)"
_WORD = r"[“\"「]([^”\"」]{1,16})[”\"」]|([\u4e00-\u9fffA-Za-z0-9+]{1,12}?)"
_QUOTED_WORD = r"[“\"「]([^”\"」]{1,16})[”\"」]"
# The groups of MENTIONS that hold a word in quotes (see `mentioned`).
_QUOTED_GROUPS = (1, 3, 4, 5)
MENTIONS = re.compile(
    _PLACES + r"(?:里|中)?都?(?:提到|提及|涉及|讲到|说到|写到|出现|包含|含有)(?:了|过)?(?:关于)?\s*(?:" + _WORD +
    r")(?:这个词|一词|字样|的(?:内容|条目|地方|工作|任务|事))?\s*(?:呢|吗|啊|呀)?\s*[?？。]?$|"
    + _PLACES + r"(?:里|中)?都?有\s*" + _QUOTED_WORD + "|"
    r"(?:所有|全部|哪些|哪几项|哪几个)(?:工作|任务|项目|安排|条目)?(?:里|中)?都?"
    r"(?:带|带有|含有?|包含|提到|提及|涉及|讲到|写到|写有|出现)(?:了|过)?\s*" + _QUOTED_WORD + "|"
    r"^" + _QUOTED_WORD + r"(?:这个词|一词|字样|二字)?都?(?:出现在|在)" + _PLACES + r"|"
    r"^([\u4e00-\u9fffA-Za-z0-9+]{1,12}?)(?:这个词|一词|字样|二字)?都?(?:出现在|在)" + _PLACES + r"(?:出现|提到)过?\s*[?？。]?$|"
    r"which (?:items?|parts?|sections?|tasks?|rows?) (?:mentions?|say|says|contains?|refers? to) [\"“']?([^\"”'?]{1,40})[\"”']?\s*\??$",
    re.IGNORECASE)


def mentioned(m: re.Match | None, known: str = "", offices: OfficeTable | None = None) -> str:
    """The word a where-is-it-written question asks after (`MENTIONS`), "" if it asks none. A word
    in quotes is asked as written, whether or not the notices write it (then they are said not
    to); one without is asked only if the notices (`known`) write it as asked, less the words
    around it (涉及到招生 → 招生; 招生的安排 → 招生), and it names one thing (not 招生和考试): else
    the question is searched as any other. Never an office or a month, which scope the 配档表
    (哪几条提到了基教处 asks its rows). `m`: the question's match of MENTIONS, if any."""
    if not m:
        return ""
    quoted = any(m.group(i) for i in _QUOTED_GROUPS) or bool(m.group(7) and re.search(r"[\"“']", m.group(0)))
    word = next((g.strip() for g in m.groups() if g and g.strip()), "")
    if not quoted:
        word = re.sub(r"^(?:到|了|过|关于)+", "", word)
        word = re.sub(r"的?(?:安排|方面|工作|内容|问题|事情?|情况|要求|事项)$", "", word)
        if word.lower() not in known.lower():   # 学生的身心健康, as the notice writes it: 学生身心健康
            word = word.replace("的", "")
        if len(word) < 2 or re.search(r"[和及与或、,，]", word) or word.lower() not in known.lower():
            return ""
    if (offices is not None and offices.find_all(word)) or parse_months(word)[0]:
        return ""
    return word


OUTLINE = re.compile(r"(?:一共|总共|共|多少|(?<!第)几)\s*条|how many items|"
                     r"(?:一共|总共|共|多少|(?<!第)几|哪几|哪些)\s*(?:个|大)?\s*(?:部分|板块|章)|"
                     r"(?:通知|文件|要点)的?(?:结构|框架|目录|大纲|提纲)|"
                     r"how many (?:sections|parts)|\b(?:outline|structure) of the", re.IGNORECASE)
COUNT = re.compile(r"几项|多少项|几个任务|多少个任务|多少件|几件|一共|总共|共有|共多少|共几|how many tasks|"
                   r"number of tasks", re.IGNORECASE)
MOST = re.compile(r"最多|最忙|最少|最闲|(谁|哪个|哪一?[个处月])[^,，。?？]{0,4}?(更|比较)?(多(?!少)|(?<!多)少(?!于))|most (tasks|work)|"
                  r"fewest|least (tasks|work)|busiest|more tasks", re.IGNORECASE)
LIST_SCHEDULE = re.compile(r"配档表|工作|任务|安排|要做|完成|做什么|干什么|事情|schedule|due|task|plan",
                           re.IGNORECASE)
# What a list question leaves out: 除了基教处,5月还有… / 12月除了组织人事处和教师处以外… /
# 1月份除了党建方面的,还有… (the part ends at 以外 / 之外, a comma, 还 or 其他).
EXCEPT = re.compile(r"(?:除了|除去|不包括|不含|\bexcept(?: for)?\b|\bother than\b|\bapart from\b|\bbesides\b)"
                    r"\s*(.{1,30}?)\s*(?:以外的?|之外的?|外的?(?=[,，还其别])|(?=[,，。;；?？!！]|还|其[他它余]|别的|$))",
                    re.IGNORECASE)
# Rows of offices other than one: 不是基教处牵头的 / 不归产业处管的 (only when it names an office).
NOT_OFFICE = re.compile(r"(?:不是|不归|不属于|不由|并非|非)\s*(.{2,20}?)\s*(?:牵头|负责|主管|管|承担|主办)的?")
# The first or last of the rows asked about, by month: 最早的任务 / 最后一项工作 / 第一个任务.
# (Not of a period or a distance: 第一个季度, 最后一个月, 最后一公里.)
_NOT_TASK = r"(?![一两俩二三四五六几]?个?(?:月|季度|学期|年|周|公里))"
FIRST = re.compile(rf"最早|最先|第一(?:个|项|件){_NOT_TASK}|首个{_NOT_TASK}|头一(?:个|项)|\bearliest\b|"
                   r"\bfirst (?:task|one|thing)", re.IGNORECASE)
LAST = re.compile(rf"最晚|最迟|最后{_NOT_TASK}|\blatest\b|\blast (?:task|one|thing)", re.IGNORECASE)
FIGURE = re.compile(r"多少|(?<!第)几[届轮期批次个项所名人家件类种位场回节]|(?<![哪第])几(?:分钟|小时|天|周)|多长|多久|数量|目标|比例|覆盖率|占比|金额|规模|达到|how many|how much|"
                    r"percentage|rate|target|amount|number|share of|proportion|ratio", re.IGNORECASE)
# The asker's own office: resolved from the office the user picked (the app's setting, the API's
# `office` argument), or asked for.
MY_OFFICE = re.compile(r"我们?处室?|本处室?|我们?科室|我们?部门|本部门|我们单位|本单位|我(这个?月|今年|下个?月|本季度|有什么|有啥|的任务|要做|要干)|"
                       r"\bmy office\b|\bour office\b|\bwe\b.*\bdue\b", re.IGNORECASE)
# Advice, opinions and predictions: the notice states plans, it does not advise or foresee.
# The personal part of ADVICE (我…该, 要不要): advice only when nothing else is asked beside it.
PERSONAL = re.compile(r"(我|孩子|我家|我们家|家长).{0,12}(该|应该|要不要|还是)|要不要|"
                      r"我(想|要|打算|准备).{0,20}(怎么办|咋办|怎么弄|可以吗|行吗)|"
                      r"(我家|我们家|我的?)(孩子|儿子|女儿|娃).{0,8}(能上|能进|可以上|能报)")
ADVICE = re.compile(PERSONAL.pattern + r"|该不该|建议|推荐|值不值|值得吗|(?:该|要)怎么写|怎么写(?:比较|才|更)?好|"
                    r"好还是.{1,10}好|(有没有|有什么|有啥)(用|效果|意义)[?？吗啊]*$|有用吗|"
                    r"你(个人)?(觉得|认为|怎么看|的看法)|个人(觉得|认为|看法)|怎么看|预测|明年|后年|将来|未来几年|以后会|会不会.{0,6}(取消|调整|变|涨|降)|"
                    r"\bshould (i|we)\b|\brecommend|\bpredict|next year|in the future", re.IGNORECASE)
# Markup and code: text, not a question, unless words remain around it.
MARKUP = re.compile(r"<[a-z/!][^>]*>|\b(select|insert|update|delete|drop|union)\b.{0,40}\b(from|into|table|set|select)\b|"
                    r";\s*--|\$\{[^}]*\}?|\{\{.*?(\}\}|$)|\{%.*?(%\}|$)|\b(javascript|jndi|ldap|file|data):\S*",
                    re.IGNORECASE)
DOCUMENTS = re.compile(r"^(现在|目前|一共|总共)?(有|收录了?)(哪些|几份|什么)文件|收录了?哪些|文件列表|which documents|what documents|"
                       r"(最新|最近|最早)的?(一份)?(文件|通知|工作要点|要点)?(是)?哪一?份|哪一?份(文件|通知)?(是)?(最新|最近|最早)|"
                       r"list (of )?(the )?documents|(newest|latest) (document|notice)", re.IGNORECASE)
SECTION_WORD = re.compile(r"部分|大项|大块|板块|方面|章节|(?:第[一二三四五六七八九十\d]{1,3}|这一?|哪一?|本|该|那一?)章|"
                          r"chapter|section|part\b", re.IGNORECASE)   # (not 党章, 奖章, 规章)


# Questions complete in themselves even as follow-ups (那基教处的全称呢 after a schedule answer).
SELF_CONTAINED = ("refuse", "office", "header", "documents", "advice", "mentions")
# Greetings, thanks and laughter: said, not asked.
CHITCHAT = re.compile(r"你好|您好|嗨|哈+|呵+|嘿+|谢谢|多谢|感谢|再见|拜拜|早上好|晚上好|在吗|辛苦了|"
                      r"\b(hi|hello|hey|thanks|thank you|bye|lol)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    text: str
    months: tuple[int, ...] = ()
    month_label: str | None = None      # how a named period was read, e.g. 上半年(1–6月)
    offices: tuple[str, ...] = ()       # canonical short names
    items: tuple[int, ...] = ()
    sections: tuple[str, ...] = ()
    header: str | None = None
    intent: str = "topic"               # schedule | when_who | count | compare | item | section |
                                        # figure | topic | header | refuse
    english: bool = False
    follow_up: bool = False
    refuse_reason: str | None = None
    context: str = ""                   # the previous turn's text, for follow-ups that name no topic
    corrections: tuple[tuple[str, str], ...] = ()  # (as typed, as understood): 双剪 → 双减
    refers: str | None = None           # a pointer follow-up asks the focus's: who | when | item | content,
    #                                     or names a place beyond the last list (beyond)
    focus_rows: tuple[str, ...] = ()    # record ids of the rows the conversation is on
    focus_items: tuple[str, ...] = ()   # record ids of the items the conversation is on
    my_office: bool = False             # 我们处 / 本处室: the asker's own office (filled in by the bot)
    docs: tuple[str, ...] = ()          # the documents the question is about (filled in by the bot)
    bridges: tuple[str, ...] = ()       # the notices' words for terms they never use (大夫 → 医生; by the bot)
    excluding: str = ""                 # what a list leaves out, as written (除了基教处 → 基教处)
    without_offices: tuple[str, ...] = ()  # the offices it names
    extreme: str | None = None          # "first" | "last": only the earliest / latest rows asked about
    mention: str = ""                   # a word asked after as written: 哪几条提到了“清单” → 清单

    @property
    def search_text(self) -> str:
        return f"{self.context} {self.text}".strip()

    def inherit(self, prev: "Query | None") -> "Query":
        """Fill what a follow-up leaves out from the previous turn."""
        if prev is None or not self.follow_up or self.intent in SELF_CONTAINED or prev.intent == "refuse":
            return self
        q = self
        own_scope = bool(q.months or q.offices)
        bare = not has_content(q.text)               # nothing left but pointers and question words
        pointer = bool(POINTER.search(q.text))
        if prev.intent in ("schedule", "count", "compare"):
            whole_year = not q.months and bool(WHOLE_YEAR.search(q.text))
            own_scope = own_scope or whole_year
            merged = dict(months=q.months or (() if whole_year else prev.months),
                          month_label=q.month_label if q.months or whole_year else prev.month_label,
                          offices=q.offices or tuple(o for o in prev.offices if o not in q.without_offices))
            if q.intent in ("count", "compare"):
                return replace(q, **merged)
            if q.intent == "when_who" and not own_scope:       # 民继处有什么任务? → 分别在几月?
                return replace(prev, text=q.text, follow_up=True, intent="schedule")
            if own_scope or bare:                              # 那7月呢? / 其中基教处负责的呢?
                # A short one keeps the earlier turn's topic (…科学教育的工作 → 那下半年呢: still
                # 科学教育, if the new period has rows about it).
                short = bare or len(q.text) <= 8
                return replace(q, **merged, intent="count" if prev.intent == "count" else "schedule",
                               context=prev.search_text if short else "")
            return q
        if prev.items and not (own_scope or q.items or q.sections) and (pointer or bare):
            if q.intent == "when_who":                         # 第18条 → 谁负责? / 什么时候?
                return replace(q, items=prev.items)
            return replace(q, items=prev.items, intent="figure" if FIGURE.search(q.text) else "item")
        if prev.sections and not (own_scope or q.items or q.sections) and (pointer or bare):
            return replace(q, sections=prev.sections, intent="section")
        asked_when_who = prev.intent == "when_who" or (prev.intent == "focus" and prev.refers in ("who", "when"))
        if asked_when_who and q.intent == "topic" and not own_scope:
            return replace(q, intent="when_who")              # …什么时候出台? → 那寄宿制…办法呢?
        if q.intent in ("when_who", "topic", "figure") and bare:
            return replace(q, context=prev.search_text)       # …什么时候出台? → 由哪个处负责?
        if q.intent == "when_who" and prev.intent in ("topic", "figure") and not own_scope and len(q.text) <= 8:
            # 市校融合项目支持多少个 → 什么时候申报: the 申报 of that, not every row that says 申报.
            return replace(q, context=prev.search_text)
        return q


def has_content(text: str) -> bool:
    """Whether `text` says anything beyond pointers, question words and punctuation."""
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in FILLER.sub("", text))
    words = [w for w in re.findall(r"[a-zA-Z]{3,}", text) if w.lower() not in EN_FILLER]
    return han >= 2 or len(words) >= 2


EN_FILLER = frozenset("what which who when where how does did the and are this that with about from "
                      "for its there any tell please".split())


def is_english(text: str) -> bool:
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return letters >= 8 and letters > 2 * han


def _num(s: str) -> int | None:
    return int(s) if s.isdigit() else cn_to_int(s)


def _month_values(numeral: str) -> list[int]:
    """6 → [6]; 十二 → [12]; 七八 → [7, 8] (a run of single digits names several months)."""
    if numeral.isdigit():
        return [int(numeral)]
    if len(numeral) > 1 and "十" not in numeral:
        return [v for ch in numeral if (v := cn_to_int(ch))]
    v = cn_to_int(numeral)
    return [v] if v else []


def today() -> date:
    """Today, or the date `POLICYQA_TODAY` names (YYYY-MM-DD), for tests and demos."""
    value = os.environ.get("POLICYQA_TODAY")
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"POLICYQA_TODAY must be a date like 2024-06-15, got {value!r}: "
                         "fix or unset it") from None


_CN_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "一": 1}
RELATIVE = re.compile(r"本月|这个月|这月|当月|this month|下个?月|next month|上个?月|last month|"
                      r"本季度?|这个?季度|this quarter|下个?季度|next quarter|上个?季度|last quarter|"
                      r"今年剩下|今年剩余|年内剩下|剩下的?几个月|rest of the year|"
                      r"(?:接下来|未来|今后|近)\s*([0-9一二两三四五六])\s*个月|next\s+([0-9])\s+months", re.IGNORECASE)


def relative_months(text: str, now: date) -> tuple[tuple[int, ...], str] | None:
    """本月 / 下个月 / 上个月 / 本季度 / 下季度 / 今年剩下的 / 接下来三个月, against `now`:
    the months and how they were read (the answer states them). Months past December wrap."""
    m = RELATIVE.search(text)
    if not m:
        return None
    word, cur = m.group(0), now.month
    low = word.lower()
    if m.group(1) or m.group(2):
        n = int(m.group(2) or (m.group(1) if m.group(1).isdigit() else _CN_COUNT[m.group(1)]))
        months = [(cur - 1 + k) % 12 + 1 for k in range(max(1, min(n, 12)))]
    elif "季" in word or "quarter" in low:
        q = (cur - 1) // 3 + (1 if ("下" in word or "next" in low) else -1 if ("上" in word or "last" in low) else 0)
        months = [(q % 4) * 3 + k for k in (1, 2, 3)]
    elif "剩" in word or "rest" in low:
        months = list(range(cur, 13))
    elif "下" in word or "next" in low:
        months = [cur % 12 + 1]
    elif "上" in word or "last" in low:
        months = [(cur - 2) % 12 + 1]
    else:
        months = [cur]
    label = f"{word}({'、'.join(f'{x}月' for x in months)})"
    return tuple(months), label


def _counted(text: str, at: int) -> bool:
    """The number at `at` follows a count (两个 / 几个): it counts months, it names none. 那个8月
    and 这个8月 name 8月."""
    return bool(re.search(rf"[\d{CN_NUM}两几]\s*个$", text[max(0, at - 3):at]))


# A deadline asked (6月底前必须完成的, 7月以前): what is due by then (`parse_months` reads every
# month up to it).
DEADLINE = re.compile(rf"{_NUM}\s*月(?:份|底|末|中旬|下旬|上旬|\s*\d{{1,2}}\s*[日号])?\s*(?:以前|之前|前)(?!后)")


def parse_months(text: str) -> tuple[tuple[int, ...], str | None]:
    low = text.lower()
    rel = relative_months(text, today())
    if rel:
        return rel
    for pattern, months in PERIODS:
        m = re.search(pattern, low)
        if m:
            # A month named right after the period (年底12月, 下半年的9月) is the one asked; one
            # bounding it (上半年到6月底) is not.
            within = re.match(rf"\s*的?\s*((?:{_NUMERAL}\s*月?份?\s*[、,，和及与]\s*)*{_NUMERAL}\s*月份?)"
                              r"(?!\s*(?:底|末|前|以前|之前))",
                              text[m.end():])
            named = _named_months(within.group(1), "") if within else ()
            if named and set(named) <= set(months):
                return named, None
            # (As typed: low only finds it; Q3, not q3.)
            return months, f"{text[m.start():m.end()]}({months_label(months, '–')})"
    m = re.search(rf"{_NUM}\s*月?\s*(?:到|至|-|—|–|~|～)\s*{_NUM}\s*月", text)
    en = "|".join(sorted(EN_MONTHS, key=len, reverse=True))
    m_en = re.search(rf"\b({en})\b\.?\s*(?:to|through|until|till|-|–)\s*\b({en})\b", low)
    if m or m_en:
        a, b = ((_num(m.group(1)), _num(m.group(2))) if m else
                (EN_MONTHS[m_en.group(1)], EN_MONTHS[m_en.group(2)]))
        if a and b and 1 <= a <= b <= 12:
            return tuple(range(a, b + 1)), f"{a}–{b}月"
        if a and b and 1 <= b < a <= 12:      # 11月到2月: across the turn of the year
            return tuple(range(a, 13)) + tuple(range(1, b + 1)), f"{a}–{b}月"
    # A deadline (6月底前必须完成的, 7月以前): every month up to it.
    m = DEADLINE.search(text)
    if m and _num(m.group(1)) and 1 <= _num(m.group(1)) <= 12 and not _counted(text, m.start()):
        last = _num(m.group(1))
        return tuple(range(1, last + 1)), f"{m.group(0)}(1–{last}月)"
    return _named_months(text, low), None


def _named_months(text: str, low: str) -> tuple[int, ...]:
    """The months `text` names one by one (6月, 六月, 七八月, 7、8月, 6月15日, June), sorted."""
    found: list[int] = []
    for m in re.finditer(rf"((?:{_NUMERAL}\s*[、,，和及与]\s*)*)({_NUMERAL})\s*月", text):
        if _counted(text, m.start()):
            continue
        listed = re.findall(rf"\d{{1,2}}|[{CN_NUM}]{{1,3}}", m.group(1)) + [m.group(2)]
        found += [v for n in listed for v in _month_values(n) if 1 <= v <= 12]
    for m in re.finditer(r"[a-z]+", low):
        if m.group(0) in EN_MONTHS and (m.group(0) != "may" or re.search(r"\bin may\b|\bmay\b\s*(\?|$)", low)):
            found.append(EN_MONTHS[m.group(0)])
    return tuple(sorted(set(found)))


# A part's numeral (or 第二部分) right before its item's (二（一）), not a school class (初三（二）班, 高一（3）班).
_PART_NO = rf"(?:(?<![初高][{CN_NUM}])(?<=[{CN_NUM}])|(?<=部分))\s*、?\s*"
_NOT_CLASS = r"(?!\s*(?:班|中队|小队))"


def parse_items(text: str) -> tuple[int, ...]:
    found: list[int] = []
    for m in re.finditer(r"第\s*(\d{1,3})\s*(?:到|至|-|—|–|~)\s*第?\s*(\d{1,3})\s*条", text):
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        if b <= a + 30:
            found += range(a, b + 1)
    text = re.sub(r"第\s*\d{1,3}\s*(?:到|至|-|—|–|~)\s*第?\s*\d{1,3}\s*条", " ", text)
    for m in re.finditer(rf"第\s*(\d{{1,3}}|[{CN_NUM}百]{{1,4}})\s*条|(?<![\d.])(\d{{1,3}})\s*条(?!件)|"
                         r"\bitem\s*#?(\d{1,3})\b|\bno\.?\s*(\d{1,3})\b|"
                         # 二（一）: a part's (一) entry, as a notice numbering its items so cites it.
                         rf"{_PART_NO}[(（]([{CN_NUM}]{{1,3}})[)）]{_NOT_CLASS}", text, re.IGNORECASE):
        v = _num(next(g for g in m.groups() if g))
        if v is not None:
            found.append(v)
    return tuple(dict.fromkeys(found))


def parse_sections(text: str, section_titles: dict[str, str], guess: bool = True) -> tuple[str, ...]:
    found = []
    for m in re.finditer(rf"第\s*([{CN_NUM}]{{1,3}}|\d{{1,2}})\s*(?:部分|大项|大点|大块|方面|板块|章)|"
                         # English names a section by its number as the notice writes it too (section 五).
                         rf"\b(?:section|part)\s*(\d{{1,2}}\b|[{CN_NUM}]{{1,3}})|"
                         # 二·第1条 (the answers' own labels) and 二（一）: the part, then its item.
                         rf"(?<![{CN_NUM}第初高])([{CN_NUM}]{{1,3}})(?=\s*[·・.]\s*第\s*\d|\s*、?\s*[(（][{CN_NUM}]{{1,3}}[)）]{_NOT_CLASS})",
                         text, re.IGNORECASE):
        v = _num(next(g for g in m.groups() if g))
        # A number the notice has no section for (第九部分 of five) is kept as asked: the section
        # handler says the notice has no such part rather than searching for the words.
        found.append(next((no for no in section_titles if cn_to_int(no) == v), m.group(1) or m.group(2) or m.group(3)))
    if not found and guess and SECTION_WORD.search(text):
        best = _best_section(text, section_titles)
        if best:
            found.append(best)
    if not found and guess:
        # 保障措施有哪些: a part's whole title, and nothing else but asking.
        found = [no for no, title in section_titles.items() if len(title) >= 4 and title in text
                 and not has_content(text.replace(title, " "))][:1]
    return tuple(dict.fromkeys(found))


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fffa-z0-9]", "", s.lower())
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _best_section(text: str, titles: dict[str, str]) -> str | None:
    q = _bigrams(text) - _bigrams("哪些部分方面包括内容关于哪几条什么")
    scored = sorted(((len(q & _bigrams(t)), no) for no, t in titles.items()), reverse=True)
    return scored[0][1] if scored and scored[0][0] >= 2 else None


@functools.lru_cache(maxsize=4)
def _sound_index(vocabulary: frozenset[str]) -> dict[str, str]:
    """Toneless pinyin → term, for the corpus's Chinese terms."""
    from pypinyin import lazy_pinyin

    out: dict[str, str] = {}
    for t in sorted(vocabulary):
        if re.fullmatch(r"[\u4e00-\u9fff]{2,12}", t):
            out.setdefault(" ".join(lazy_pinyin(t)), t)
    return out


def _edge_slip_of_known(window: str, term: str, known: str, is_word=None) -> bool:
    """The window differs from the term only in its first or last character, and the rest of it
    occurs in the corpus other than within the term: it is more likely ordinary words than a slip
    of the term (哪个处室 is not 哪各处室; but 校园天言 is a slip of 校园天眼: 校园天 occurs only
    inside it). A rest of two characters that is a word (`is_word`: 处室, not 泉引 of 泉引桥) counts
    wherever it occurs."""
    diff = [i for i, (x, y) in enumerate(zip(window, term)) if x != y]
    if diff == [0]:
        rest = window[1:]
    elif diff == [len(window) - 1]:
        rest = window[:-1]
    else:
        return False
    if len(rest) < 3 and (is_word is None or is_word(rest)):
        return rest in known   # a word of two characters (处室 of 个处室 / 各处室) is ordinary wherever it occurs
    return known.count(rest) > known.count(term)


def one_off(a: str, b: str) -> bool:
    """Same length, exactly one character different."""
    return sum(x != y for x, y in zip(a, b)) == 1


@functools.lru_cache(maxsize=4)
def _shapes(vocabulary: frozenset[str]) -> tuple[dict[int, list[str]], set[tuple[int, int, str]]]:
    """Vocabulary terms by length, and the (length, position, character) triples they have."""
    by_len: dict[int, list[str]] = {}
    for t in vocabulary:
        if re.fullmatch(r"[\u4e00-\u9fff]{2,12}", t):
            by_len.setdefault(len(t), []).append(t)
    return by_len, {(len(t), i, ch) for ts in by_len.values() for t in ts for i, ch in enumerate(t)}


_PINYIN = re.compile(r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|"
                     r"uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)|hng|hm|ng|m|n)+")


def _pinyin_spelled(text: str, vocabulary: frozenset[str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A term of the corpus typed as toneless pinyin in a Chinese question (shuangjian 的成果 →
    双减), replaced; with the (typed, understood) pairs. English words match no term's pinyin."""
    # Only words that read as pinyin syllables (not target, policy) load pypinyin's index (0.7 s).
    words = [w for w in re.findall(r"[A-Za-z]{4,}", text) if _PINYIN.fullmatch(w.lower())]
    if not words:
        return text, ()
    joined = {k.replace(" ", ""): v for k, v in _sound_index(vocabulary).items()}
    fixes = tuple((w, joined[w.lower()]) for w in dict.fromkeys(words) if w.lower() in joined)
    for typed, meant in fixes:
        text = text.replace(typed, meant)
    return text, fixes


def correct(text: str, vocabulary: frozenset[str], known: str,
            is_word=None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Near-miss spellings of the corpus's own terms, corrected: a run of characters that does not
    occur in the corpus (`known`) but sounds like a vocabulary term (双剪 → 双减, an input-method
    slip), or, for terms of `fuzzy_min_len` or more characters, differs from one in one inner
    character. Longest terms first; returns the text and the (typed, understood) pairs."""
    if not vocabulary or not re.search(r"[\u4e00-\u9fff]{2}", text):
        return text, ()
    text, spelled = _pinyin_spelled(text, vocabulary)
    if spelled:
        fixed, more = correct(text, vocabulary, known, is_word)
        return fixed, spelled + more
    by_len, by_char = _shapes(vocabulary)
    # A slip keeps all but one character of the term in place (双剪 for 双减); without such a
    # window there is nothing to correct, and pypinyin (0.7 s to import) is never loaded. The
    # search of the whole corpus text (`known`, megabytes with many notices) comes last.
    if not any(window not in vocabulary and sum((size, i, ch) in by_char for i, ch in enumerate(window)) >= size - 1
               and any(one_off(window, t) for t in by_len[size]) and window not in known
               for run in re.findall(r"[\u4e00-\u9fff]{2,}", text)
               for size in by_len for start in range(len(run) - size + 1)
               for window in (run[start:start + size],)):
        return text, ()
    from pypinyin import lazy_pinyin
    from rapidfuzz.distance import Hamming

    sounds = _sound_index(vocabulary)
    fixes: list[tuple[str, str]] = []
    for run in re.findall(r"[\u4e00-\u9fff]{2,}", text):
        n = len(run)
        # The corpus's own terms written right are left whole: 烟台教师工作科 holds the office
        # 教师工作科, so 烟台教师 is not a slip of 烟台名师.
        taken = [False] * n
        for size in by_len:
            for start in range(n - size + 1):
                if run[start:start + size] in vocabulary:
                    taken[start:start + size] = [True] * size
        for size in range(min(n, 12), 1, -1):
            for start in range(n - size + 1):
                window = run[start:start + size]
                if any(taken[start:start + size]) or window in known or window in vocabulary:
                    continue
                term = sounds.get(" ".join(lazy_pinyin(window)))
                if term and size >= 3 and _edge_slip_of_known(window, term, known, is_word):
                    term = None   # 哪个处室 is not 哪各处室: the rest of the window is ordinary text
                if term is None and size >= SETTINGS.fuzzy_min_len:
                    term = next((t for t in by_len.get(size, ()) if Hamming.distance(window, t) == 1
                                 and window[0] == t[0] and window[-1] == t[-1]), None)
                if term and term != window:
                    fixes.append((window, term))
                    taken[start:start + size] = [True] * size
    for typed, meant in fixes:
        text = text.replace(typed, meant)
    return text, tuple(dict.fromkeys(fixes))


_UNIT = "处科室"
# Endings that name the same kind of unit at two levels (a city's 处 is a district's 科).
_SAME_UNIT = {"处": "处科", "科": "科处", "室": "室"}


def office_forms(text: str, offices: OfficeTable, known: str = "",
                 is_word=None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Office names the table does not list, read as the one office they shorten or re-suffix:
    民办处 for 民办教育处 (民继处), 基教科 for 基教处 (a district's 科 for the city's 处). A run ending
    in 处 / 科 / 室 that is no spelling of an office (nor written in the notices, `known`) is an office's
    when its characters, the first one first, come in order in exactly one office's spelling, which
    ends alike (处 or 科 for 处 and 科, 室 for 室). Not when its last character begins a word with what
    follows (`is_word`: 处理, 科技, 科目, 室外), nor when it is a word ending in 室 (工作室, 实验室; a
    word ending in 处 / 科 is a unit's name: 组织科). The longest such
    run wins; returns the text and the (typed, office) pairs."""
    spellings = [s for s in offices.spellings if len(s) >= 3 and s[-1] in _UNIT]
    fixes: list[tuple[str, str]] = []
    for m in re.finditer(rf"[\u4e00-\u9fff]{{2,6}}?[{_UNIT}]", text):
        run, after = m.group(0), text[m.end():m.end() + 2]
        if is_word and _word_across(run[-1], after, is_word):
            continue
        for start in range(max(0, len(run) - 6), len(run) - 2):
            typed = run[start:]
            if offices.canonical(typed) or typed in known or (is_word and typed[-1] == "室" and is_word(typed)):
                break
            stem = typed[:-1]
            owners = {offices.canonical(s) for s in spellings if s[0] == stem[0] and s[-1] in _SAME_UNIT[typed[-1]]
                      and in_order(stem, s[:-1])}
            if len(owners) == 1:
                fixes.append((typed, owners.pop()))
                break
    for typed, meant in fixes:
        text = text.replace(typed, meant)
    return text, tuple(dict.fromkeys(fixes))


# Characters that join words rather than begin one (处在, 处于, 科今年 …).
_JOINING = frozenset("在于的了和与及或是有要今明本每全各把被对向从到为以等也都还就能会将已这那哪几啥")


def _word_across(unit: str, after: str, is_word) -> bool:
    """The unit character begins a word with what follows (科技, 处理, 科目考试, 室外), rather than
    ending a name before a word of its own (基教科|目前, 体艺处|分管, 民办处|在, 基教科|室)."""
    if not after or after[0] in _JOINING or after[0] in "室" or (len(after) >= 2 and is_word(after)):
        return False
    return any(is_word(unit + after[:n]) for n in (1, 2) if len(after) >= n)


def without_hesitation(text: str) -> str:
    """`text` without its clauses of hesitation or of what to do (我也不确定该问谁, 我们学校要不要
    对接) when another clause asks something the notice can answer (…覆盖率目标是多少)."""
    clauses = [c for c in re.split(r"(?<=[,，。;；!！?？])", text) if c.strip()]
    kept = "".join(c for c in clauses if not PERSONAL.search(c))
    asks = FIGURE.search(kept) or WHEN.search(kept) or WHO.search(kept)
    return kept.strip() if kept and len(kept) < len(text) and asks and has_content(kept) else text


def parse(text: str, offices: OfficeTable, section_titles: dict[str, str],
          vocabulary: frozenset[str] = frozenset(), known: str = "", is_word=None, expand=None,
          respell=None) -> Query:
    """`expand`: text → (text, pairs), the corpus's short forms written in full (统战 → 统一战线);
    `respell`: the same, for slips of the corpus's ordinary words (陪训 → 培训), after its names are
    corrected."""
    text = without_hesitation(normalize(text))
    raw = text
    text = MARKUP.sub(" ", text).strip()
    text, expanded = expand(text) if expand else (text, ())
    text, corrections = correct(text, vocabulary, known, is_word)
    text, respelled = respell(text) if respell else (text, ())
    text, shortened = office_forms(text, offices, known, is_word)
    corrections = expanded + corrections + respelled + shortened
    text, excluding = _excluded(text, offices)
    # (`raw` tells what markup removal left: the part left out is no markup.)
    q = _parse(text, text if excluding else raw, offices, section_titles, corrections, known)
    if q.intent in ("schedule", "count", "compare"):
        # The table named (五月份配档表里…) is the scope, not a topic of its rows (表里).
        q = replace(q, text=TABLE_REF.sub(" ", q.text).strip() or q.text)
    if not excluding:
        return q
    without = tuple(o for o in offices.find_all(excluding) if o != "各处室")
    q = replace(q, excluding=excluding, without_offices=without)
    if q.intent in ("topic", "when_who", "figure") and (without or LIST_SCHEDULE.search(text)):
        q = replace(q, intent="schedule")   # 除了基教处还有哪些处室有任务: the rows of the others
    return q


def _excluded(text: str, offices: OfficeTable) -> tuple[str, str]:
    """`text` without the part a list question leaves out (`EXCEPT`, or an office followed by
    以外 / 之外: 基教处以外的处室), and that part ("" when none)."""
    m = EXCEPT.search(text)
    if m is None:
        m = next((m for m in NOT_OFFICE.finditer(text) if offices.find_all(m.group(1))), None)
    if m is None:
        m = next((m for s in offices.spellings if s in text
                  for m in [re.search(f"({re.escape(s)})(?:以外|之外)的?", text)] if m), None)
    if m is None or not m.group(1).strip():
        return text, ""
    left_out = re.sub(r"(?:的|呢|吗|啊|呀|吧)+$", "", m.group(1).strip(" 和及与、,，"))
    return (text[:m.start()] + " " + text[m.end():]).strip(), left_out


def _parse(text: str, raw: str, offices: OfficeTable, section_titles: dict[str, str],
           corrections: tuple[tuple[str, str], ...], known: str = "") -> Query:
    low = text.lower()
    months, label = parse_months(text)
    # (An office's stem before 那边 names it in a question about its work, 职教那边下半年有哪些活, not
    # in one about its field, 职教这边的学生能直接读大专吗.)
    stems = bool(months or LIST_SCHEDULE.search(text) or re.search(r"活|忙|干", text))
    found_offices = tuple(o for o in offices.find_all(text, stems=stems) if o != "各处室")
    if found_offices and not months:
        # 暑假招考院有什么工作: a school holiday said of an office is when (暑期托管 alone is a topic).
        months, label = next(((ms, f"{m.group(0)}({months_label(ms, '–')})") for pattern, ms in HOLIDAYS
                              for m in [re.search(pattern, text)] if m), ((), None))
    items = parse_items(text)
    # With an item, only a section named by number (第二部分第2条, where numbers restart in each).
    sections = parse_sections(text, section_titles, guess=not items)
    english = is_english(text)
    if english:   # the safety management office → 安管处
        from bot.glossary import english_offices

        found_offices += tuple(o for o in english_offices(text, offices) if o not in found_offices)
    follow = bool(FOLLOW_UP.search(text)) or (len(text) <= 8 and not items and not sections)
    mine = bool(MY_OFFICE.search(text)) and not found_offices
    extreme = "first" if FIRST.search(text) else "last" if LAST.search(text) else None
    base = Query(text=text, months=months, month_label=label, offices=found_offices, items=items,
                 sections=sections, english=english, follow_up=follow, corrections=corrections, my_office=mine,
                 extreme=extreme)

    if INJECTION.search(text):
        return replace(base, intent="refuse", refuse_reason="injection")
    if text != raw and not has_content(text):
        return replace(base, intent="refuse", refuse_reason="junk")
    if CHITCHAT.search(text) and not (months or found_offices or items or sections) \
            and not has_content(CHITCHAT.sub("", text)):
        return replace(base, intent="refuse", refuse_reason="chitchat")
    if ADVICE.search(text) and not (months or found_offices or items):
        return replace(base, intent="advice")
    bad_month = next((m.group(0) for m in re.finditer(r"(\d{1,3})\s*月", text)
                      if not 1 <= int(m.group(1)) <= 12 and text[max(0, m.start() - 1):m.start()] != "个"), None)
    if bad_month:
        return replace(base, intent="refuse", refuse_reason=f"month:{bad_month}")
    if found_offices and OFFICE_NAME.search(text):
        return replace(base, intent="office")
    if DOCUMENTS.search(text):
        return replace(base, intent="documents")
    header = next((f for pattern, f in HEADER_FIELDS if re.search(pattern, low)), None)
    if header and not (found_offices or items or sections):
        header_words = "|".join(p for p, _ in HEADER_FIELDS)
        if DOC_REF.search(text) or not has_content(re.sub(header_words, "", text, flags=re.IGNORECASE)):
            return replace(base, header=header, intent="header")
    where = MENTIONS.search(text)
    word = mentioned(where, known, offices) if not (items or sections) else ""
    if word:
        return replace(base, intent="mentions", mention=word)
    if items and (WHO.search(text) or WHEN.search(text)) and not re.search(r"讲什么|内容|什么意思|about|说了", text):
        return replace(base, intent="when_who")     # 第18条谁负责? / 第18条什么时候完成?
    if items:
        return replace(base, intent="figure" if FIGURE.search(text) and not re.search(
            r"讲什么|内容|什么意思|about|说了", text) else "item")
    if sections:
        return replace(base, intent="section")
    if MOST.search(text) and (months or found_offices or LIST_SCHEDULE.search(text) or "月" in text
                              or OFFICE_WORD.search(text) or QUARTER_WORD.search(text) or "month" in low):
        return replace(base, intent="compare")
    # (哪几条提到了教师培训, which the notices do not write as such, is searched: not the outline.)
    # (哪几条是基层卫生健康科牵头的: the office's, not the outline.)
    if OUTLINE.search(low) and not SCHEDULE_TABLE.search(text) and not where \
            and not found_offices:   # 配档表里一共多少条 counts its rows
        return replace(base, intent="outline")
    if COUNT.search(text) and (months or found_offices or re.search(r"配档表|全年|工作|任务|tasks", low)
                               or follow):
        return replace(base, intent="count")
    if JOINT.search(text) and OFFICE_WORD.search(text) and not found_offices and not items:
        return replace(base, intent="schedule")   # 哪些工作是两个处室一起负责的: rows of several offices
    if (WHEN.search(text) or WHO.search(text) or WHERE.search(text)) and not months and not found_offices:
        return replace(base, intent="when_who")
    if months or found_offices or mine or (WHOLE_YEAR.search(text) and not FIGURE.search(text)):
        return replace(base, intent="schedule")   # 全年有哪些会议: the whole 配档表
    if SCHEDULE_TABLE.search(text) and not FIGURE.search(text) and not POINTER.search(text):
        # 配档表里有没有关于语言文字的工作: the whole table (这条对应配档表里哪些任务 asks the last
        # answer's rows: the dialogue's).
        return replace(base, intent="schedule")
    if FIGURE.search(text):
        return replace(base, intent="figure")
    return base
