"""Parse a notice's text lines into a `Document`.

Every format arrives here as the lines of a scraped page (`ingest.formats` makes HTML, DOCX and
PDF look like one), which are line-oriented: a header block of `label: value` pairs, the covering notice,
the document title, an opening paragraph, numbered sections (一、…) holding numbered items (1.…, or
01 alone on a line with the title on the next), optionally under subsections ((一)…; a notice
numbered only 一、/(一) cites its (一) entries as items), and an appendix table flattened one cell
per line (time cell, then task / offices pairs; or task, offices, time when the header says so).
The parser works line by line with a small state machine; it knows labels and shapes, never the
wording or the counts of any particular notice.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.errors import IngestError
from ingest.columns import head_kind
from ingest.formats import FORMATS, decode, number_circled, read_text  # decode: re-exported for eval and tests
from ingest.offices import OFFICE_SUFFIX, OfficeTable, office_shaped
from ingest.records import META_KEYS, Document, Item, ScheduleRow, Section, arabic_years, plan_year
from ingest.when import read_when


# --- text normalisation -------------------------------------------------------------------------

_SPACES = re.compile(r"[\u00a0\u3000\u2002\u2003\u2009\u200b\t ]+")


def clean_line(line: str) -> str:
    """Collapse non-breaking, full-width and ASCII space runs; strip ends and bullet marks; a date
    written in Chinese numerals (二〇二五年二月十日, as 公文 sign them) in digits."""
    line = _SPACES.sub(" ", line).strip().lstrip("•·●▪◆■").strip()
    m = _CN_DATE.match(arabic_years(line)) if "年" in line else None
    if m:
        line = f"{m.group(1)}年{cn_to_int(m.group(2))}月{cn_to_int(m.group(3))}日"
    return line


_CN_DATE = re.compile(r"^(\d{4})\s*年\s*(十[一二]?|[一二三四五六七八九])\s*月"
                      r"\s*(三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])\s*日$")


# --- Chinese numerals -----------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 九十九 → 99; None if `s` is not such a numeral."""
    if not s or any(ch not in _DIGITS and ch not in "十百" for ch in s):
        return None
    total, current = 0, 0
    for ch in s:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _DIGITS[ch] if current else _DIGITS[ch]
    return total + current


# --- line shapes ------------------------------------------------------------------------------------

LABELS: dict[str, str] = {
    "索引号": "index_no", "组配分类": "category", "主题分类": "category", "分类": "category",
    "成文日期": "written_date", "发文日期": "written_date", "印发日期": "written_date",
    "发布日期": "published_date", "公开日期": "published_date", "发布时间": "published_date",
    "生成日期": "published_date",
    "发布机构": "issuer", "发文机关": "issuer", "发文单位": "issuer", "发布单位": "issuer",
    "标题": "title", "名称": "title", "发文字号": "doc_no", "文号": "doc_no", "信息分类": "category",
    # Labels read only so that their values do not run into the label before them.
    "有效性": "", "时效性": "", "生效日期": "", "废止日期": "", "主题词": "", "统一编号": "",
    # A web page's own line under the title (发布时间：… 来源：… 浏览次数：): its date, no addressees.
    "来源": "", "信息来源": "", "浏览次数": "", "点击数": "",
}
# A label may be spaced out to line up with longer ones: 索 引 号：, 文　　号：.
_LABEL_RE = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(r"\s*".join(map(re.escape, label)) for label in sorted(LABELS, key=len, reverse=True))
    + r")\s*[:：]")

_CLUTTER = re.compile(
    r"^(信息来源|浏览次数|字体\s*[:：]|分享\s*[:：到]|上一篇|下一篇|Produced\s+By|当前位置|您的位置|"
    r"您现在的位置|首页\s*[>›»]|【?\s*字号|【?\s*打印|打印本页|关闭窗口|【?\s*关闭|扫一扫|收藏本页|"
    r"主办单位|承办单位|网站标识码|版权所有|Copyright)",
    re.IGNORECASE)
# Print furniture a text copied from a PDF keeps: page numbers (— 2 —, - 3 -, 第2页 共5页) and the
# 版记 line (XX办公室 2024年2月29日印发).
# How the name of an issuing body ends (…办公室, …局, …委员会): its 版记 line names it.
_BODY_END = r"(?:办公室|办|厅|局|委员会|委|部|院|政府|中心)"
_FURNITURE = re.compile(r"[—\-－–]{1,2}\s*\d{1,3}\s*[—\-－–]{1,2}|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|"
                        r"[(（]?(?:\D{0,30}" + _BODY_END + r")?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发[)）]?|"
                        # A browser's print footer: file:///…/notice.html 1/3, https://… 2/5.
                        r"(?:file|https?)://\S+\s+\d{1,3}/\d{1,3}")
# A browser's print header before the page's title: 11/30/26, 1:33 PM.
_PRINT_STAMP = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?\s+")
_SECTION = re.compile(r"^([一二三四五六七八九十百]+)\s*[、.．]\s*(\S.*)$")
_SUBSECTION = re.compile(r"^[(（]\s*([一二三四五六七八九十百]+)\s*[)）]\s*[、.．]?\s*(\S.*)$")
_ITEM = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(\S.*)$")
# Headings and items numbered the less usual ways (`_usual_numbering`): 第一部分 / 第一篇 for 一、,
# and (1) for 1. in a notice with no 1. items.
_PART = re.compile(r"^第\s*([一二三四五六七八九十百]+)\s*(?:部分|篇)\s*[、.．:：]?\s*(\S.*)$")
_PAREN_ITEM = re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*[、.．]?\s*(\S.*)$")
_ARTICLE = re.compile(r"^第\s*([一二三四五六七八九十百]+)\s*条\s*[、.．:：]?\s*(\S.*)$")
_CHAPTER = re.compile(r"^第\s*([一二三四五六七八九十百]+)\s*章\s*[、.．:：]?\s*(\S.*)$")
_CHAPTER_PART = re.compile(r"^第\s*([一二三四五六七八九十百]+)\s*节\s*[、.．:：]?\s*(\S.*)$")
# An item number alone on its line (01 / 02 …, 1. …); the item's title is the next line.
_BARE_ITEM = re.compile(r"^(\d{1,3})\s*[.．、]?$")
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
# A sign-off date without 年月日: 2024327, 20240327, 2024.3.27, 2024-03-27, 2024/3/27.
_COMPACT_DATE = re.compile(r"^((?:19|20)\d{2})(\d{3,4})$")
_SEPARATED_DATE = re.compile(r"^((?:19|20)\d{2})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})$")
# A remark in brackets on its own line, (此件公开发布) / (此件主动公开): never a title.
_REMARK = re.compile(r"^[(（【\[][^()（）【】\[\]]*[)）】\]]$")
TITLE_LIKE = re.compile(r"《.+》|^关于.+的(?:通知|意见|决定|报告|批复|函)$|"
                         r"(?:要点|计划|方案|意见|通知|办法|规划|安排|细则|措施|决定|纲要|清单)$")
# The second line of a title wrapped after its issuer: 2023年工作要点, 的通知, 工作要点.
_TITLE_TAIL = re.compile(r"^(?:(?:19|20)\d{2}\s*年|的|工作要点|》)")
_DOC_NO = re.compile(r"〔\d{4}〕\s*\d+\s*号$|\[\d{4}\]\s*\d+\s*号$")
# A line that is only a document number (临兰教体发〔2026〕3号), not one citing another's.
_DOC_NO_LINE = re.compile(r"[\u4e00-\u9fff]{1,12}\s*(?:〔\d{4}〕|\[\d{4}\])\s*\d+\s*号")
_APPENDIX_REF = re.compile(r"^附件\s*\d*\s*[:：]?")
_NEXT_APPENDIX = re.compile(r"^附件\s*\d+")   # 附件2…: another attachment begins
# A numbered attachment name in the list after 附件：(2.游泳场所专项检查情况汇总表): short, no sentence,
# the name of a document (…表, …办法, …回执), not a task (2.强化督促检查).
_ATTACHMENT_NAME = re.compile(r"^\d{1,2}\s*[.．、]\s*[^。；;，,]{1,40}(?:表|单|册|台账|明细|汇编|材料|办法|方案|细则|目录|说明|通知|意见|"
                              r"标准|指南|模板|格式|汇编|报告|书|函|回执|[)）》])$")
_TABLE_TITLE = re.compile(r"(配档表|任务分工|责任分工|工作分工|任务清单|任务分解|工作安排表|推进表|进度表|台账)")
_PLACEHOLDER = re.compile(r"[/／\\—–\-－─]+|无|暂无")
_MONTH = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?$")
# Who does an item: 责任处室 / 责任单位 / 责任科室 / 牵头单位 / 配合单位 …, in brackets at the end
# of the item, after its last sentence, or on a line of its own.
_OFFICE_LABEL = r"(?:责任|牵头|配合|协办|主责|协同|参与)(?:处室|单位|部门|科室|股室|处|科)"
# An office list, each name allowed one bracketed part of its own: 学生工作部（处）, 党委组织部（党校）.
_NAMES = r"((?:[^()（）]|[(（][^()（）]{1,8}[)）])+?)"
_INLINE_OFFICES = re.compile(
    r"[(（]\s*" + _OFFICE_LABEL + r"\s*[:：]\s*" + _NAMES + r"\s*[)）]\s*[。.]?$")
_TRAILING_OFFICES = re.compile(r"(?<=[。;；])\s*" + _OFFICE_LABEL + r"\s*[:：]\s*(.+?)\s*[。.]?$")
_OFFICES_LINE = re.compile(r"^" + _OFFICE_LABEL + r"\s*[:：]\s*(.+)$")
# A line that is only a bracket naming offices: （牵头单位：电教中心；配合单位：各学校）.
_OFFICES_ONLY = re.compile(r"^[(（]\s*" + _OFFICE_LABEL + r"\s*[:：][^()（）]*[)）]$")
_LABEL_IN_OFFICES = re.compile(r"[;；,，]?\s*" + _OFFICE_LABEL + r"\s*[:：]\s*")
_SENTENCE_END = re.compile(r"[。!！?？;；]")
# A heading's first sentence (its title) and the text after it on the same line.
_INLINE_TEXT = re.compile(r"^([^。!！?？;；]{2,40})[。!！?？;；]\s*(\S.*)$")


_ROLE_LABEL = re.compile(_OFFICE_LABEL + r"\s*[:：]")


def supporting(text: str) -> list[str]:
    """The offices `text` names as supporting, not leading: after 配合单位： / 协办单位： (up to the
    next label), or marked so (区文化馆（配合）)."""
    labels = list(_ROLE_LABEL.finditer(text))
    out = []
    for m, nxt in zip(labels, labels[1:] + [None]):
        if re.match(r"配合|协办|协同|参与", m.group(0)):
            names = text[m.end(): nxt.start() if nxt else len(text)].strip(" ；;，,。")
            while names[-1:] in ")）" and names and len(re.findall(r"[)）]", names)) > len(re.findall(r"[(（]", names)):
                names = names[:-1].rstrip(" ；;，,。")   # the bracket around the list closes here
            out += split_offices(names)
    out += [n.strip() for n in re.findall(r"([^、,，;；:：（()）\s]+)\s*[(（](?:配合|协办|参与)[)）]", text)]
    return list(dict.fromkeys(out))


def _roles_among(support, offices) -> tuple[str, ...]:
    """The supporting offices read for a unit, once each and only those among its offices."""
    return tuple(o for o in dict.fromkeys(support) if o in offices)


def split_offices(text: str) -> list[str]:
    text = _NOT_OFFICES.split(text, 1)[0]   # …；完成时限：2025年12月: no office
    text = _LABEL_IN_OFFICES.sub("、", text)   # 牵头单位：甲；配合单位：乙 → 甲、乙
    text = re.sub(r"[(（](?:牵头|配合|协办|主责|负责|参与)[)）]", "", text)   # 办公室（牵头）: a role, no name
    # (Not at a separator inside brackets: 各县（市、区）教育局 is one name.)
    return [p.strip() for p in re.split(r"[、,，;；/ ]+(?![^(（)）]*[)）])", text.rstrip("。.")) if p.strip()]


# Verbs a task opens with, never an office's name (not 组织 of 组织人事处, 创建 of 创建办, 建设 …).
_TASK_VERB = re.compile(r"(?:设立|开展|推进|完成|召开|举办|举行|制定|出台|建立|实施|启动|落实|加强|印发|发布|"
                        r"成立|组建|打造|培育|推动|深化|提升|做好|抓好|强化|健全|完善|新建|改扩建|研制|评选|遴选|开通|争创)")


def is_office_list(line: str, table: OfficeTable) -> bool:
    """True when every part of the line names an office (known, or shaped like one: 基础教育科,
    各学校)."""
    if len(line) > 80 or "《" in line or line.endswith("。"):
        return False
    parts = split_offices(line)

    def office(k: int, p: str) -> bool:
        # 各学校, 各中小学、幼儿园: the units of a kind, named with 各 (which reaches on to a short
        # name after it). A name opening with a verb of work (设立医保服务工作站) is a task's words.
        every = p.startswith("各") or (len(p) <= 6 and any(x.startswith("各") for x in parts[:k]))
        return table.canonical(p) is not None or (len(p) <= 16 and (office_shaped(p) or every)
                                                  and not _TASK_VERB.match(p))
    return bool(parts) and all(office(k, p) for k, p in enumerate(parts))


# A lead-in to numbered points (具体要求如下：（一）…): its colon ends the first sentence.
_LEAD_IN_COLON = re.compile(r"[:：](?=\s*[(（]\s*一\s*[)）])")


def first_sentence(text: str) -> str:
    m = min((m for m in (_SENTENCE_END.search(text), _LEAD_IN_COLON.search(text)) if m),
            key=lambda m: m.start(), default=None)
    return (text[: m.start()] if m else text).strip()


def read_date(line: str) -> tuple[str | None, str | None]:
    """A sign-off date line → (date as 2024年3月27日, warning); (None, None) if not a date.

    2024327 and 2024.3.27 are written 2024年3月27日 so every notice's date reads the same; a
    7-digit date that splits two ways (2024111: 1月11日 or 11月1日) is not read as a date.
    """
    if _DATE.match(line):
        return line, None
    m = _SEPARATED_DATE.match(line)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        ok = 1 <= mo <= 12 and 1 <= d <= 31
        return (f"{y}年{mo}月{d}日", None) if ok else (None, None)
    m = _COMPACT_DATE.match(line)
    if not m:
        return None, None
    y, rest = int(m.group(1)), m.group(2)
    splits = [(rest[:2], rest[2:])] if len(rest) == 4 else [(rest[:1], rest[1:]), (rest[:2], rest[2:])]
    # In a 7-digit date a day written 05 would mean the month was padded too: not this shape.
    valid = [(int(a), int(b)) for a, b in splits
             if 1 <= int(a) <= 12 and 1 <= int(b) <= 31 and not (len(rest) == 3 and b.startswith("0"))]
    if len(valid) != 1:
        return None, (f"line {line!r} looks like a date but reads as {len(valid)} dates; "
                      "write it as 2024年3月27日 to have it read as the sign-off date")
    mo, d = valid[0]
    return f"{y}年{mo}月{d}日", None


def parse_header(line: str) -> dict[str, str] | None:
    """`索引号: X 组配分类: Y` → {"index_no": "X", "category": "Y"}; None if not a header line."""
    matches = list(_LABEL_RE.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    out: dict[str, str] = {}
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = line[m.end(): nxt.start() if nxt else len(line)].strip()
        key = LABELS[re.sub(r"\s+", "", m.group(1))]
        if key:
            out.setdefault(key, value)
    return out


# --- the parser -----------------------------------------------------------------------------------

@dataclass
class _State:
    meta: dict[str, str | None] = field(default_factory=lambda: {k: None for k in META_KEYS})
    meta_title: str | None = None
    front: list[str] = field(default_factory=list)      # lines before the first section / item
    sections: list[Section] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    schedule: list[dict] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)       # notes after the schedule
    # The lines under each section heading (一 → lines) before any item: the citable text of a
    # notice whose sections hold paragraphs (一是…二是…) and no numbered items.
    prose: dict[str, list[str]] = field(default_factory=dict)
    signed_off: bool = False   # the sign-off date after those paragraphs was read: no more of them
    # A section heading was read and no item after it yet: its lines are the section's own text, not
    # the previous section's last item's.
    heading_open: bool = False
    part_offices: dict[str, list[str]] = field(default_factory=dict)   # 一(二) → offices named under it
    part_support: dict[str, list[str]] = field(default_factory=dict)   # 一(二) → those named as supporting
    warnings: list[str] = field(default_factory=list)
    date: str | None = None
    date_line: str | None = None           # the sign-off date as written (2024327)
    signature: str | None = None
    last_continuation: str | None = None   # the last line appended to an item (a signature, maybe)


def parse_text(text: str, doc_id: str, path: str = "", encoding: str | None = "utf-8",
               offices: OfficeTable | None = None) -> Document:
    table = offices or OfficeTable.load()
    st = _State()
    lines = [clean_line(raw) for raw in number_circled(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")]
    lines = _usual_numbering(_closed_brackets(_without_furniture(
        [ln for ln in lines if ln and not _CLUTTER.match(ln)])))

    # 1. Header block: the first run of `label: value` lines before any section or item. On a
    #    saved or printed web page the lines above it are site chrome (logo, navigation) and are
    #    dropped. An empty value stays empty.
    first_body = next((k for k, ln in enumerate(lines) if _SECTION.match(ln) or _ITEM.match(ln)),
                      len(lines))
    i = start = next((k for k in range(first_body) if parse_header(lines[k])), 0)   # (not 主题词: alone)
    while i < len(lines):
        fields_ = parse_header(lines[i])
        if fields_ is None:
            break
        for key, value in fields_.items():
            if key == "title":
                st.meta_title = value or None
            else:
                st.meta[key] = value
        i += 1
    # Above the header, a line shaped like a title (# 泰安市教育局2024年工作要点 of a Markdown file) is
    # the title, not site chrome.
    body = [ln for ln in lines[:start] if TITLE_LIKE.search(ln)][-1:] + lines[i:]

    # 2. Split off the appendix table: it starts after the last table-title line or, when the
    # table is titled otherwise (2025年重点工作安排表, 附件:…), at its header row.
    table_at, header = None, _table_header_at(body)
    for j, ln in enumerate(body):
        if header is not None and j >= header[1]:
            break   # a cell of the table (长期失业青年帮扶台账), not its title
        if _TABLE_TITLE.search(ln) and not _ITEM.match(ln) and not _SECTION.match(ln) \
                and not _APPENDIX_REF.match(ln) and len(ln) <= 40:
            table_at = j
    span = (table_at, table_at + 1) if table_at is not None else header
    if span is not None:
        _parse_schedule(body[span[1]:], table, st)
        body = body[:span[0]]

    # 3. Body: front matter, sections, items.
    _parse_body(body, table, st)

    title, preamble, addressees, signature, cover_paragraphs = _front_matter(st)
    _own_part_of_spans(st, title)
    # Without a metadata table, the cover letter says the number, the issuer and the date.
    found = {"doc_no": next((ln.strip() for ln in st.front if _DOC_NO_LINE.fullmatch(ln.strip())), None),
             "issuer": signature, "written_date": st.date}
    st.meta.update({k: v for k, v in found.items() if v and not st.meta.get(k)})
    for d in st.items:   # an item naming no offices has its part's (牵头单位：… under the heading)
        own = _prose_key(d["section"], d["subsection"])
        key = own if st.part_offices.get(own) else d["section"] or ""
        if not d["offices"]:
            d["offices"] = list(st.part_offices.get(key) or [])
            d["support"] = list(st.part_support.get(key) or [])
        elif set(d["offices"]) <= set(d["support"]):
            # Only its 配合单位 named (（配合单位：…）): the part's lead leads it.
            lead = [o for o in st.part_offices.get(key) or [] if o not in (st.part_support.get(key) or [])]
            d["offices"] = lead + d["offices"]
    refs = _item_refs(st)
    items = tuple(Item(no=d["no"], section=d["section"], subsection=d["subsection"], ref=ref,
                       title=d["title"] or first_sentence(d["text"]) or d["text"],
                       text=d["text"], offices=tuple(d["offices"]),
                       support=_roles_among(d["support"], d["offices"]))
             for d, ref in zip(st.items, refs))
    titles: dict[str, str] = {}
    for sec in st.sections if not items else ():
        # 一、加强党的建设。一是…: a heading line that goes on after its first sentence holds text.
        m = _INLINE_TEXT.match(sec.title)
        if m and not sec.is_subsection:
            titles[sec.no] = m.group(1)
            st.prose.setdefault(sec.no, []).insert(0, m.group(2).strip())
    parted = {(i.section, i.subsection) for i in items}
    for sec in st.sections if items else ():
        # 三、保障措施 ⏎ （二）强化经费保障。区财政每年安排…: a part with no items of its own, in a
        # notice with items, holds its text on its heading line.
        m = _INLINE_TEXT.match(sec.title)
        if m and sec.is_subsection and (sec.parent, sec.no) not in parted:
            titles[sec.key] = m.group(1)
            st.prose.setdefault(sec.key, []).insert(0, m.group(2).strip())
    # Sections holding paragraphs of their own (all of a notice's text, or a part without items, or a
    # part's opening lines) are cited as the part (第二部分); offices named under a heading are the part's.
    sections = tuple(replace(s, title=titles.get(s.key, s.title), text="\n".join(st.prose.get(s.key, ())),
                             offices=tuple(st.part_offices.get(s.key, ())),
                             support=_roles_among(st.part_support.get(s.key, ()), st.part_offices.get(s.key, ())))
                     for s in st.sections)
    if items or st.prose:
        held = {ln for lines_ in st.prose.values() for ln in lines_}
        paragraphs = tuple(p for p in st.tail if p not in held)
    else:
        paragraphs = tuple(p for p in [*cover_paragraphs, *st.tail] if p)
        st.warnings.append(f"no numbered items found; ingested {len(paragraphs)} paragraph(s) "
                           "so nothing is dropped")
    return Document(
        doc_id=doc_id, path=path, encoding=encoding,
        title=title or st.meta_title or doc_id, meta=st.meta, meta_title=st.meta_title,
        preamble=preamble, addressees=addressees, signature=signature, date=st.date,
        sections=sections, items=items,
        schedule=tuple(ScheduleRow(r["month"], r["task"], tuple(r["offices"]), r["when"], r["months"],
                                   support=_roles_among(r["support"], r["offices"]))
                       for r in st.schedule),
        paragraphs=paragraphs, warnings=tuple(st.warnings),
    )


def _without_furniture(lines: list[str]) -> list[str]:
    """`lines` without print furniture (`_FURNITURE`); a 版记 split over two lines (XX局办公室⏎
    2024年2月29日印发) loses its issuer line too."""
    out: list[str] = []
    for ln in lines:
        ln = _PRINT_STAMP.sub("", ln)
        if _FURNITURE.fullmatch(ln):
            if re.match(r"\d{4}", ln) and out and _ISSUER_LINE.fullmatch(out[-1]):
                out.pop()
            continue
        out.append(ln)
    return out


_ISSUER_LINE = re.compile(r"\D{2,30}" + _BODY_END)


def _closed_brackets(lines: list[str]) -> list[str]:
    """A line that ends inside a bracket the next line closes is joined to it: a hard line break
    (a text copied from a PDF) split （牵头科室：⏎待遇保障科）, whose offices are read per line."""
    out: list[str] = []
    for ln in lines:
        if out:
            prev = out[-1]
            opened = max(prev.rfind("（"), prev.rfind("("))
            close = re.search(r"[)）]", ln)
            if opened >= 0 and not re.search(r"[)）]", prev[opened:]) and close \
                    and not re.search(r"[(（]", ln[:close.start()]) and len(prev) - opened + close.end() <= 40 \
                    and not (_SECTION.match(ln) or _SUBSECTION.match(ln) or _ITEM.match(ln)
                             or re.match(r"\d{1,2}\s*[)）]", ln)):
                out[-1] = prev + ln
                continue
        out.append(ln)
    return out


def _item_refs(st: _State) -> list[str | None]:
    """Ids use the plain item number while it is unique in the document; when numbering restarts
    (per section or subsection) every item is qualified by its headings, 1.2.3 for 一、(二) 3."""
    nos = [d["no"] for d in st.items]
    if len(set(nos)) == len(nos):
        return [None] * len(nos)
    refs = []
    for d in st.items:
        path = [cn_to_int(d["section"]) if d["section"] else None,
                cn_to_int(d["subsection"]) if d["subsection"] else None, d["no"]]
        refs.append(".".join(str(n) for n in path if n is not None))
    seen: dict[str, int] = {}
    for k, ref in enumerate(refs):
        seen[ref] = seen.get(ref, 0) + 1
        if seen[ref] > 1:   # the same number twice under one heading: keep both, in order
            refs[k] = f"{ref}-{seen[ref]}"
    if any(seen[r] > 1 for r in seen):
        st.warnings.append("item numbers repeat under the same heading; the later ones get ids "
                           "ending -2, -3 … (check the numbering in the notice)")
    return refs


def _new_item(st: _State, no: int, section: str | None, subsection: str | None, line: str) -> None:
    st.last_continuation = None
    st.heading_open = False
    text, offices, support = _strip_inline_offices(line)
    # A short line with no punctuation is a heading: the item's title, its text on later lines.
    title = text if text and len(text) <= 30 and not re.search(r"[。，,；;:：!！?？]", text) else None
    st.items.append({"no": no, "section": section, "subsection": subsection, "text": text,
                     "offices": offices, "title": title, "support": support})


def _starts_item(no: int, next_line: str, st: _State) -> bool:
    """A number alone on its line opens an item (01 / 02, title on the next line) only when it
    follows the previous item's number (or restarts at 1) and a short heading comes next; a page
    number left in a PDF's text is neither."""
    last = st.items[-1]["no"] if st.items else 0
    heading = bool(next_line) and len(next_line) <= 40 and not _SENTENCE_END.search(next_line) \
        and not (_SECTION.match(next_line) or _SUBSECTION.match(next_line) or _ITEM.match(next_line)
                 or _BARE_ITEM.match(next_line))
    return no in (last + 1, 1) and heading


def _usual_numbering(lines: list[str]) -> list[str]:
    """`lines` with 第一部分 X read as 一、X, and, when no line is a 1. item, 第一条 X or else (1) X
    as 1. X (where there are 1. items, (1) numbers points within one)."""
    lines = [_PART.sub(r"\1、\2", ln) for ln in lines]
    if any(_ITEM.match(ln) for ln in lines):
        return lines
    if any(_ARTICLE.match(ln) for ln in lines):
        return _articles(lines)
    return [_PAREN_ITEM.sub(r"\1. \2", ln) for ln in lines]


def _articles(lines: list[str]) -> list[str]:
    """A 办法's articles as items (第一条 X → 1. X, numbered on through its chapters), its chapters
    as its parts (第二章 职责分工 → 二、职责分工) and their 节 as (一) parts of them, and an
    article's points ((一)每餐次…) as the article's own text: in a 办法 they are never headings."""
    out: list[str] = []
    in_article = False
    for ln in lines:
        if m := _ARTICLE.match(ln):
            out.append(f"{cn_to_int(m.group(1)) or m.group(1)}. {m.group(2)}")
            in_article = True
        elif m := _CHAPTER.match(ln):
            out.append(m.group(1) + "、" + re.sub(r"\s+", "", m.group(2)))   # 总　则 → 总则
            in_article = False
        elif m := _CHAPTER_PART.match(ln):   # 第一节 学分构成: a part of its chapter, (一)
            out.append("(" + m.group(1) + ")" + re.sub(r"\s+", "", m.group(2)))
            in_article = False
        elif in_article and _SUBSECTION.match(ln):
            out[-1] += ln
        else:
            out.append(ln)
    return out


def _numbered_table_after(body: list[str], k: int) -> bool:
    """After the 附件 line at k, past its title lines (short, no sentence, date, item or section), a
    table header numbering its rows: 序号 or 编号."""
    for later in body[k + 1:k + 9]:
        if head_kind(later) == "no" or re.fullmatch(r"(?:序|编)\s*号", later):
            return True
        if len(later) > 40 or _SENTENCE_END.search(later) or read_date(later)[0] \
                or _ITEM.match(later) or _SECTION.match(later) or _BARE_ITEM.match(later):
            return False
    return False


def _parse_body(body: list[str], table: OfficeTable, st: _State) -> None:
    # The citable unit is the 1. item when the notice has any; a notice numbered only
    # 一、/(一) cites its (一) entries instead, and (一) is then an item, not a heading.
    arabic = any(_ITEM.match(ln) or _BARE_ITEM.match(ln) for ln in body)
    # Unless the (一) entries hold the text themselves ((一)加强思政课建设。建设…) and outnumber the
    # 1. lines: those are then points within an entry (1.开展…专题教育), not the items.
    entries = [m.group(2) for m in map(_SUBSECTION.match, body) if m]
    points = sum(bool(_ITEM.match(ln)) for ln in body)
    if arabic and len(entries) > points \
            and sum(len(t) > 40 or bool(re.search(r"[。；;]", t.rstrip("。；;"))) for t in entries) * 3 >= 2 * len(entries):
        arabic = False
    # No 一、 heading at all, (一) headings over numbered items: the (一) parts are the notice's top
    # level, unless their (一) lines mostly come right under an item (1. ⏎ （一）… ⏎ （二）…): points
    # within it.
    # (Under: an item line within the two lines above, 1.强化安全责任落实 ⏎ 重点做好以下工作： ⏎ （一）….)
    ones = [k for k, ln in enumerate(body) if (m := _SUBSECTION.match(ln)) and cn_to_int(m.group(1)) == 1]
    under_items = sum(any(_ITEM.match(ln) for ln in body[max(0, k - 2):k]) for k in ones)
    top_parts = arabic and not (ones and under_items * 2 > len(ones)) \
        and not any((m := _SECTION.match(ln)) and cn_to_int(m.group(1)) for ln in body)
    section: str | None = None
    subsection: str | None = None
    title_next = False   # an item number stood alone on its line: this line is the item's title
    attachments = False  # within a list of attachments (附件：1.… ⏎ 2.…)
    for k, ln in enumerate(body):
        # The list of attachments after 附件：1.自查表: its numbered names (2.汇总表) are no items
        # nor points of the last one.
        ref = bool(_APPENDIX_REF.match(ln))
        attachments = ref or (attachments and bool(_ATTACHMENT_NAME.match(ln)))
        if attachments and not ref:
            continue
        if st.items and ref and len(ln) <= 40 and _numbered_table_after(body, k):
            # An attachment after the items whose table is no schedule (附件2 主要指标 | 序号 | 指标名称
            # …): kept as text; its 序号 cells would open items. (An 附件 line before the sign-off,
            # between items or before the plan itself opens with no 序号 header.)
            st.tail.extend(body[k:])
            return
        if title_next:
            title_next = False
            if not (_SECTION.match(ln) or _SUBSECTION.match(ln) or _ITEM.match(ln)):
                item = st.items[-1]
                item["text"], item["offices"], item["support"] = _strip_inline_offices(ln)
                item["title"] = first_sentence(item["text"]) or item["text"]
                continue
        m_sec = _SECTION.match(ln)
        m_sub = _SUBSECTION.match(ln)
        if top_parts and m_sub and not _month_line(m_sub.group(2)):
            m_sec, m_sub = m_sub, None
        m_item = _ITEM.match(ln)
        m_bare = _BARE_ITEM.match(ln)
        if m_sec and cn_to_int(m_sec.group(1)):
            section, subsection = m_sec.group(1), None
            st.sections.append(Section(no=section, title=m_sec.group(2).strip()))
            st.heading_open = True
            continue
        if m_sub and cn_to_int(m_sub.group(1)) and _month_line(m_sub.group(2)) \
                and (cn_to_int(m_sub.group(1)) == 1 or st.schedule):   # a run of its own, from （一）
            # （一）3月：启动…（责任单位：党建办）；…: a schedule written as numbered paragraphs.
            _add_month_rows(st, body, k, _month_line(m_sub.group(2)))
            continue
        if m_sub and cn_to_int(m_sub.group(1)):
            if arabic:
                subsection = m_sub.group(1)
                st.sections.append(Section(no=subsection, title=m_sub.group(2).strip(),
                                           parent=section, is_subsection=True))
                st.heading_open = section is not None   # its lines are its section's, not the last item's
            else:
                _new_item(st, cn_to_int(m_sub.group(1)), section, None, m_sub.group(2).strip())
            continue
        if m_item and not arabic and st.items:
            st.items[-1]["text"] += "\n" + ln     # a point within the (一) entry
            st.last_continuation = ln
            continue
        if m_item:
            _new_item(st, int(m_item.group(1)), section, subsection, m_item.group(2).strip())
            continue
        if m_bare and _starts_item(int(m_bare.group(1)), body[k + 1] if k + 1 < len(body) else "", st):
            _new_item(st, int(m_bare.group(1)), section, subsection, "")
            title_next = True
            continue
        date, problem = read_date(ln)
        if problem:
            st.warnings.append(problem)
        lines_ = st.prose.get(_prose_key(section, subsection))
        if date and lines_ and (st.heading_open or not st.items) and (st.date is None or _DATE.match(ln)):
            # A sign-off after a section's paragraphs (the cover letter may have been dated too): the
            # issuer above the date is no paragraph, nor is what follows (（此件主动公开）, 抄送：…).
            if st.date is None:
                st.date, st.date_line = date, ln
            st.signed_off = True
            if len(lines_[-1]) <= 40 and _ISSUER_LINE.fullmatch(lines_[-1]):
                st.signature = st.signature or lines_[-1]
                st.tail.remove(lines_.pop())
            continue
        if date and st.date is None:
            st.date, st.date_line = date, ln
            if not st.items:
                st.front.append(ln)
            elif st.last_continuation and len(st.last_continuation) <= 40 \
                    and not _SENTENCE_END.search(st.last_continuation):
                # A signature and date after the last item: the signature is not part of that item.
                item = st.items[-1]
                item["text"] = item["text"][: len(item["text"]) - len(st.last_continuation)].rstrip("\n")
                st.signature = st.last_continuation
            continue
        if _APPENDIX_REF.match(ln) or head_kind(ln):
            continue
        rows = _month_line(ln)
        if rows:
            _add_month_rows(st, body, k, rows)
            continue
        m_off = _OFFICES_LINE.match(ln)
        if st.heading_open and section and (m_off or _OFFICES_ONLY.match(ln)):
            # 二、深化体教融合 ⏎ 牵头单位：体卫艺科 (or （牵头单位：…；配合单位：…）): the offices of the
            # whole part, its items' when they name none; no text, and no office of the last item.
            named = split_offices(m_off.group(1)) if m_off else _strip_inline_offices(ln)[1]
            st.part_offices.setdefault(_prose_key(section, subsection), []).extend(named)
            st.part_support.setdefault(_prose_key(section, subsection), []).extend(supporting(ln))
            continue
        if m_off and st.items:
            st.items[-1]["offices"].extend(split_offices(m_off.group(1)))
            st.items[-1]["support"].extend(supporting(ln))
            continue
        if st.items and not st.heading_open:
            # A wrapped or continued paragraph of the current item; after a title line, a new line.
            item = st.items[-1]
            text, offices, support = _strip_inline_offices(ln)
            sep = "\n" if item["title"] is not None and item["text"] == item["title"] else ""
            item["text"] += sep + text if item["text"] else text
            item["offices"].extend(offices)
            item["support"].extend(support)
            st.last_continuation = text
        elif st.sections:
            st.tail.append(ln)  # text between a section heading and its first item: the section's
            if section and not st.signed_off:
                # …一是…二是…。（责任股室：人事股、计划财务股）: the paragraph's offices are the part's.
                text, named, support = _strip_inline_offices(ln)
                if named and text:
                    st.part_offices.setdefault(_prose_key(section, subsection), []).extend(named)
                    st.part_support.setdefault(_prose_key(section, subsection), []).extend(support)
                    st.tail[-1] = text
                st.prose.setdefault(_prose_key(section, subsection), []).append(text if named and text else ln)
        else:
            st.front.append(ln)


_TIME_LINE = re.compile(r"^([^:：]{2,16}?)\s*[:：]\s*(.+)$")


def _add_month_rows(st: _State, body: list[str], k: int, rows) -> None:
    """The rows of the schedule line `body[k]`; the line before the first is the schedule's title
    (二〇二六年重点工作月度安排), not part of the last item."""
    if not st.schedule and st.items and st.last_continuation == body[k - 1] \
            and len(body[k - 1]) <= 40 and not _SENTENCE_END.search(body[k - 1]):
        item = st.items[-1]
        item["text"] = item["text"][: len(item["text"]) - len(body[k - 1])].rstrip("\n")
        st.tail.append(body[k - 1])
    for when, task, offices in rows:
        _add_row(st, when, task, offices)


def _month_line(line: str) -> list[tuple[tuple[int, str, tuple[int, ...]], str, list[str]]]:
    """A schedule written as lines, not a table: 1月：召开…会议（责任单位：办公室）；开展…（责任单位：
    安全股、各学校）. Its rows as (when, task, offices); none for any other line."""
    m = _TIME_LINE.match(line)
    if not m or not re.search(_OFFICE_LABEL, m.group(2)):
        return []
    months = read_when(m.group(1))
    if not months:
        return []
    when = (months[-1], m.group(1).strip(), months)
    rows = []
    for part in re.split(r"[；;](?![^（(]*[）)])", m.group(2)):   # not inside (责任单位：甲；乙)
        task, offices, _ = _strip_inline_offices(part.strip())
        if task.strip("。. "):
            rows.append((when, task.strip().rstrip("。."), offices))
    return rows


# A label after the offices that is no office's: 完成时限：2025年10月底, 时间：全年.
_NOT_OFFICES = re.compile(r"(?:[;；,，]|\s)\s*(?:(?:完成|截止)?(?:时限|时间|期限|日期)|时间节点)\s*[:：]")


def _strip_inline_offices(text: str) -> tuple[str, list[str], list[str]]:
    """`text` without the offices closing it (（责任单位：…）, or …。牵头单位：…), those offices, and
    those of them named as supporting (`supporting`)."""
    m = _INLINE_OFFICES.search(text) or _TRAILING_OFFICES.search(text)
    if not m:
        return text, [], []
    names, support = m.group(1), supporting(m.group(0))
    rest = _NOT_OFFICES.search(names)
    if rest:   # …责任单位：电教站；完成时限：2025年12月: the deadline stays text
        return (text[: m.start()].rstrip() + names[rest.start() + 1:].strip().rstrip(")）")).strip(), \
            split_offices(names[: rest.start()]), support
    return text[: m.start()].rstrip(), split_offices(names), support


def _table_header_at(body: list[str]) -> tuple[int, int] | None:
    """An untitled (or otherwise titled) schedule table, found by its header row, which names a
    time column and a task column (时间 / 重点工作 / 责任科室), one cell per line: (where the body
    ends, where the table's lines begin). Title lines just before the header (…安排表, 附件:…)
    are in neither, so they never join the last item; the header cells `_parse_schedule` skips."""
    for j in range(len(body) - 1, -1, -1):
        kinds = [head_kind(ln) for ln in itertools.takewhile(lambda ln: head_kind(ln), body[j:j + 6])]
        if len(kinds) >= 2 and "time" in kinds and "task" in kinds \
                and (j == 0 or head_kind(body[j - 1]) is None):
            # A header repeated on each page of a PDF: the table starts at its first copy, above
            # which no section heading stands between.
            head = body[j:j + len(kinds)]
            for k in range(j - 1, -1, -1):
                if _SECTION.match(body[k]):
                    break
                if body[k:k + len(head)] == head:
                    j = k
            end = j
            while end > 0 and len(body[end - 1]) <= 40 and not _ITEM.match(body[end - 1]) \
                    and not _SECTION.match(body[end - 1]) \
                    and (_APPENDIX_REF.match(body[end - 1]) or body[end - 1].endswith("表")):
                end -= 1
            return end, j
    return None


def _only_sign_off_after(rest: list[str], table: OfficeTable) -> bool:
    """No row follows: no time cell, and no list of offices but the issuer of a sign-off (issuer,
    date) at the end."""
    offices_at = rest[:-2] if rest and _DATE.match(rest[-1]) else rest
    return not any(read_when(x) and not _DATE.match(x) for x in rest) \
        and not any(is_office_list(x, table) for x in offices_at)


def _parse_schedule(lines: list[str], table: OfficeTable, st: _State) -> None:
    """Rows of a table flattened one cell per line. The time column comes first (one cell may
    cover several rows: 1月, task, offices, task, offices …) or, when the header names it after
    the task column, last in each row (task, offices, time)."""
    header = [(ln, kind) for ln in lines[:12] if (kind := head_kind(ln))]
    heads = [kind for _, kind in header]
    time_at = next((k for k, h in enumerate(heads) if h == "time"), None)
    task_at = next((k for k, h in enumerate(heads) if h == "task"), None)
    time_last = time_at is not None and task_at is not None and time_at > task_at
    # After a row's offices, a line naming only offices is more of them (a second office column,
    # 牵头单位 + 配合单位, or a cell of several lines, 体卫艺处⏎市学生发展中心) unless the next line
    # names offices too.
    after_offices = second_cell = False
    # 牵头单位 and 配合单位: a row has two office cells; the second's offices join the first's.
    # …and when the header calls the second one 配合单位 (协办, 协同, 参与), its offices support. A
    # header of two rows (责任单位 spanning 牵头单位 | 配合单位) names them in its second row.
    office_heads = [ln for ln, kind in header if kind == "office"]
    roles = [ln for ln in office_heads if re.match(r"(?:主要)?(?:牵头|主责|负责|配合|协办|协同|参与)", ln)]
    office_heads = roles if len(roles) >= 2 else office_heads
    office_cells = len(office_heads)
    second_supports = len(office_heads) >= 2 and bool(re.match(r"(?:主要)?(?:配合|协办|协同|参与)", office_heads[1]))
    when: tuple[int | None, str | None, tuple[int, ...]] = (None, None, ())
    held = when   # time-last tables: a time cell read before its row's offices
    pending_task: str | None = None
    continues = False  # last office list ended with 、: the next line carries on
    lines = _office_fragments_joined(lines, table)
    for k, ln in enumerate(lines):
        if head_kind(ln) or re.fullmatch(r"\d{1,3}", ln) or _PLACEHOLDER.fullmatch(ln):
            continue   # header cells, 序号 cells, an empty cell's mark (/, —, 无)
        if pending_task is None and (_SECTION.match(ln) or _SUBSECTION.match(ln)) and not _month_line(ln):
            # A row naming a group of the rows below (一、党建工作: one cell spanning the table): no
            # task of the month above. Kept as a note.
            st.tail.append(ln)
            after_offices = continues = second_cell = False
            continue
        if _DATE.match(ln) and k >= len(lines) - 2:
            # Signed and dated after the table (…教育和体育局 / 2024年2月28日): no row, but the
            # notice's issuer and date.
            if st.date is None:
                st.date = st.date_line = ln
            if pending_task is not None and len(pending_task) <= 30:
                st.signature = st.signature or pending_task
                pending_task = None
            break
        if ln.endswith("。") and _only_sign_off_after(lines[k + 1:], table):
            # Closing prose after the table's last row (请各校高度重视……。), then the sign-off.
            if pending_task is not None:
                _add_row(st, held if time_last else when, pending_task, [])
                pending_task = None
            rest = lines[k:]
            if _DATE.match(rest[-1]):
                st.date = st.date or rest[-1]
                st.date_line = st.date_line or rest[-1]
                if len(rest) >= 3 and len(rest[-2]) <= 40 and not _SENTENCE_END.search(rest[-2]):
                    st.signature = st.signature or rest[-2]
                    rest = rest[:-1]
                rest = rest[:-1]
            st.tail.extend(rest)
            break
        if ln.startswith("备注") or ln.startswith("注:") or ln.startswith("注："):
            st.tail.append(ln)
            continue
        if _NEXT_APPENDIX.match(ln) and st.schedule:
            # The next attachment (附件2 主要发展指标): its table is no schedule; kept as text.
            if pending_task is not None:
                _add_row(st, held if time_last else when, pending_task, [])
            st.tail.extend(lines[k:])
            return
        months = read_when(ln)
        if months is None and _MONTH.match(ln):
            st.warnings.append(f"schedule: month {ln!r} is not 1–12; rows under it are kept "
                               "under the previous month")
        if months is not None or _MONTH.match(ln):
            if time_last and months is not None:
                if pending_task is not None:       # 任务 | 时间 | 责任单位: held for the row
                    held = (months[-1], ln, months)
                elif st.schedule and st.schedule[-1]["when"] is None:   # 任务 | 责任单位 | 时间
                    st.schedule[-1].update(month=months[-1], when=ln, months=months)
                    after_offices = second_cell = False   # the time cell closes the row
                continues = False
                continue
            if pending_task is not None:
                st.warnings.append(f"schedule: task {pending_task!r} has no offices")
                _add_row(st, when, pending_task, [])
                pending_task = None
            if months is not None:
                when = (months[-1], ln, months)
            continues = after_offices = second_cell = False   # a time cell opens a new row
            continue
        if when[0] is None and not time_last:
            st.warnings.append(f"schedule: line before any month kept as a note: {ln!r}")
            st.tail.append(ln)
            continue
        # (A task may be shaped like an office: 成立…智作中心 is one, for the office line follows it.)
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        # (Nor is the issuer signing off above the date: 某区教育局⏎2025年2月28日.)
        more = continues or second_cell or (after_offices and not is_office_list(nxt, table)
                                            and not _DATE.match(nxt))
        if more and pending_task is None and st.schedule and is_office_list(ln, table):
            st.schedule[-1]["offices"].extend(split_offices(ln))
            if second_cell and second_supports:
                st.schedule[-1]["support"].extend(split_offices(ln))
            continues, second_cell = ln.endswith(("、", ",", "，")), False
            continue
        after_offices = second_cell = False
        if pending_task is not None and is_office_list(ln, table):
            _add_row(st, held if time_last else when, pending_task, split_offices(ln))
            pending_task, held = None, (None, None, ())
            continues = ln.endswith(("、", ",", "，"))
            after_offices, second_cell = True, office_cells >= 2
            continue
        if pending_task is not None:
            pending_task += ln  # a task cell wrapped onto the next line
            continue
        pending_task = ln
        continues = False
    if pending_task is not None and (when[0] is not None or time_last):
        st.warnings.append(f"schedule: task {pending_task!r} has no offices (text ends)")
        _add_row(st, held if time_last else when, pending_task, [])
    undated = [r["task"] for r in st.schedule if r["month"] is None]
    if undated:
        st.warnings.append(f"schedule: {len(undated)} row(s) have no time cell and are kept "
                           f"without a month, first {undated[0]!r}")


def _office_fragments_joined(lines: list[str], table: OfficeTable) -> list[str]:
    """An office cell wrapped in a table copied as text leaves its last character or two on a line
    of their own (医药服务管理⏎科, 办公室、待遇保⏎障科): joined to the line before, when that makes an
    office list and the line before is none."""
    out: list[str] = []
    for ln in lines:
        if out and len(ln) <= 2 and OFFICE_SUFFIX.search(ln) and not table.canonical(ln) \
                and not is_office_list(out[-1], table) and is_office_list(out[-1] + ln, table):
            out[-1] += ln
            continue
        out.append(ln)
    return out


def _prose_key(section: str | None, subsection: str | None) -> str:
    """Where lines under a heading go: the section (一), or its (二) part (一(二), `Section.key`)."""
    return f"{section}({subsection})" if subsection else section or ""


_TWO_YEARS = re.compile(r"((?:19|20)\d{2})\s*年.*?((?:19|20)\d{2})\s*年")


def _own_part_of_spans(st: _State, title: str | None) -> None:
    """A time cell over two years (2024年9月—2025年6月) covers, in the second year's plan, its
    months of that year (1—6月), not the first year's: read again once the plan's year is known
    (its title's year, else its date's)."""
    spans = [r for r in st.schedule if r["when"] and _TWO_YEARS.search(r["when"])]
    if not spans:
        return
    year = plan_year(" ".join(filter(None, (title, st.meta_title))), st.date, st.meta.get("written_date"))
    for r in spans:
        months = read_when(r["when"], year)
        if months:
            r.update(months=months, month=months[-1])


def _add_row(st: _State, when: tuple[int | None, str | None, tuple[int, ...]], task: str,
             offices: list[str]) -> None:
    month, cell, months = when
    st.schedule.append({"month": month, "task": task, "offices": offices, "when": cell,
                        "months": months, "support": []})


# What leads into the text below it (现将重点工作安排如下:, 根据…, 为进一步…): the opening
# paragraph's end, not a list of the bodies addressed (各区县教体局,直属各学校:).
_LEAD_IN = re.compile(r"如下\s*[:：]$|现将|特制定|根据|为了|为进一步|[。；;]")


def _addresses(line: str) -> bool:
    """`line` is the list of bodies a notice is addressed to: short, ending in a colon."""
    return line.endswith((":", "：")) and len(line) <= 80 and not _LEAD_IN.search(line)


def _front_matter(st: _State) -> tuple[str | None, str, str | None, str | None, list[str]]:
    """From the lines before the first item: title, preamble, addressees, signature.

    Returns the paragraphs too, so a file without items keeps all its text.
    """
    front = st.front
    addressees = next((ln for ln in front if _addresses(ln)), None)
    signature = st.signature
    start, end, signed = 0, len(front), False
    if st.date_line is not None:
        d = front.index(st.date_line) if st.date_line in front else -1
        signed = d > 0 and not _SENTENCE_END.search(front[d - 1]) and len(front[d - 1]) <= 60
        if signed:
            signature = front[d - 1]
        if not st.items and not st.prose and any(_SENTENCE_END.search(ln) for ln in front[:d]):
            end = d - signed   # a notice numbering nothing, signed off under its text: the text is above
        else:
            start = d + 1 if d >= 0 else 0
    # A dated cover letter above the title (现将《…办法》印发给你们…联系电话：…): its text is the
    # notice's opening too.
    cover = [ln for ln in front[:start] if _SENTENCE_END.search(ln) and not _addresses(ln)]
    rest = front[start:end]

    def candidate(ln: str) -> bool:
        # A remark such as (此件公开发布), a document number or a date is never the title.
        return (len(ln) <= 60 and not _SENTENCE_END.search(ln) and ln != addressees
                and not _REMARK.match(ln) and not _DOC_NO.search(ln) and read_date(ln)[0] is None)

    # The title is among the lines before the first sentence; one shaped like a title
    # (《…工作要点》, 关于…的通知, …要点) wins over a plain short line (an issuer, say).
    first_sentence_at = next((k for k, ln in enumerate(rest) if _SENTENCE_END.search(ln)), len(rest))
    heads = [k for k in range(first_sentence_at) if candidate(rest[k])]
    title_at = next((k for k in heads if TITLE_LIKE.search(rest[k])), heads[0] if heads else None)
    if title_at is None:
        title_at = next((k for k, ln in enumerate(rest) if candidate(ln)), None)
    title = rest[title_at] if title_at is not None else None
    if title_at and title_at - 1 in heads and _TITLE_TAIL.match(rest[title_at]) \
            and not TITLE_LIKE.search(rest[title_at - 1]):
        title = rest[title_at - 1] + rest[title_at]   # a title wrapped over two lines
    after = []
    for ln in rest[title_at + 1:] if title_at is not None else rest:
        # A page's line under its title (发布时间：… 来源：… 打印本页) is metadata, not the opening.
        fields_ = parse_header(ln)
        if fields_ is None:
            after.append(ln)
        else:
            st.meta.update({k: v for k, v in fields_.items() if k != "title" and v and not st.meta.get(k)})
    if not st.items and end < len(front):   # its paragraphs are the text: no opening of their own
        return title, "", addressees, signature, [ln for ln in after if not _addresses(ln)] + front[end + 1 + signed:]
    # (The notice's own opening first: the cover letter wraps it.)
    preamble = "\n".join([*(ln for ln in after if not _addresses(ln)), *cover])
    if not st.items:
        return title, preamble, addressees, signature, front
    return title, preamble, addressees, signature, after


# --- files ----------------------------------------------------------------------------------------

DOC_SUFFIXES = tuple(FORMATS)


def doc_id_for(path: Path) -> str:
    """The file's stem made safe for ids; `ingest.corpus` adds the format when two files clash."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_-]+", "-", path.stem).strip("-") or "doc"


def discover(paths: list[Path]) -> list[Path]:
    """Expand folders to their notice files (every supported format, sorted); files are returned
    as given."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir()
                              if q.is_file() and q.suffix.lower() in DOC_SUFFIXES))
        else:
            out.append(p)
    return out


def parse_file(path: Path, offices: OfficeTable | None = None, doc_id: str | None = None) -> Document:
    """Read a notice of any supported format (`ingest.formats`) and parse it."""
    path = Path(path)
    if not path.exists():
        raise IngestError(f"{path}: no such file; check the path (default corpus folder: corpus/)")
    if not path.is_file():
        raise IngestError(f"{path}: not a regular file")
    text = read_text(path)
    doc = parse_text(text.text, doc_id or doc_id_for(path), str(path), text.encoding, offices)
    return replace(doc, format=text.format, warnings=text.warnings + doc.warnings)
