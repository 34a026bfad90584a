"""What the bot returns: an `Answer` with the `Citation`s it rests on.

A citation names the record it points to (`record_id`), so a UI renders the source from the
record itself; the other fields are the citation as a reader sees it (〔第7条〕, 〔配档表·7月·民继处〕).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ingest.records import Record, paragraph_no


def item_part(r: Record) -> str:
    """The section an item's number belongs to (一, 二(一)) when its notice numbers items afresh in
    each section (its id is then <doc>:item:1.3, ingest's section.item), else ""."""
    if "." not in r.id.rsplit(":", 1)[-1]:
        return ""
    return (r.section or "") + (f"({r.subsection})" if r.subsection else "")


# A question about the supporting offices (配合单位有哪些, 谁协办; not a topic such as 协同育人).
ASKS_SUPPORT = re.compile(r"(?:配合|协办|协同|参与)(?:单位|处室|部门|科室|股室)|谁(?:来)?(?:配合|协办)|"
                          r"(?:配合|协办)的?(?:是|有)?(?:谁|哪)|(?:哪些|哪个|什么)(?:单位|处室|部门|科室|股室)?(?:来)?(?:配合|协办)")


def role_asked(text: str) -> str | None:
    """The role a question asks an office's work in: 牵头 (the lead), 配合 (supporting: 配合, 协办,
    协同), or None (any)."""
    return "牵头" if "牵头" in text else "配合" if re.search(r"配合|协办|协同", text) else None


def who_text(r: Record, asked: str = "") -> str:
    """The offices of `r` as the notice assigns them: 责任单位:甲、乙, or 牵头单位:甲;配合单位:乙 when it
    names roles, and only the lead or the supporting ones when the question `asked` is about those."""
    if not r.support:
        return f"责任单位:{'、'.join(r.offices)}"
    leads = _leads(r)
    support = f"配合单位:{'、'.join(r.support)}"
    supporting, leading = bool(ASKS_SUPPORT.search(asked)), "牵头" in asked
    if not leads or (supporting and not leading):
        return support
    lead = f"牵头单位:{'、'.join(leads)}"
    return lead if leading and not supporting else f"{lead};{support}"


def who_text_en(r: Record) -> str:
    """`who_text` for an English answer: offices:甲、乙, or lead:甲; supporting:乙 when the notice
    names roles."""
    if not r.support:
        return f"offices:{'、'.join(r.offices)}"
    leads = _leads(r)
    return "; ".join(([f"lead:{'、'.join(leads)}"] if leads else []) + [f"supporting:{'、'.join(r.support)}"])


def _leads(r: Record) -> list[str]:
    """The offices of `r` that lead it: those not named as supporting."""
    return [o for o in r.offices if o not in r.support]


def item_name(r: Record) -> str:
    """第3条, or 二·第3条 when item numbers start again in each section."""
    part = item_part(r)
    return f"{part}·第{r.item}条" if part else f"第{r.item}条"


def section_name(r: Record) -> str:
    """第二部分, or 第一部分(二) for the (二) part of section 一."""
    return f"第{r.section}部分" + (f"({r.subsection})" if r.subsection else "")


def unit_name(r: Record) -> str:
    """`item_name` of an item, `section_name` of a part, "" of anything else (a paragraph's label
    names it: 第3段)."""
    return item_name(r) if r.kind == "item" else section_name(r) if r.kind == "section" else ""


@dataclass(frozen=True)
class Citation:
    kind: str
    doc_id: str
    record_id: str = ""
    item: int | None = None
    section: str | None = None
    month: int | None = None
    task: str | None = None
    offices: tuple[str, ...] = ()
    quote: str = ""
    doc_label: str = ""     # the document's short name, set when the corpus holds several
    when: str = ""          # a schedule row's time cell as written (上半年, 6月底前), if not one month
    part: str = ""          # an item's section (二, 二(一)) when its notice numbers items afresh in each;
    #                         a section's (二) part: 一(二)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["offices"] = list(self.offices)
        return d

    @property
    def label(self) -> str:
        if self.kind == "item":
            inner = f"{self.part}·第{self.item}条" if self.part else f"第{self.item}条"
        elif self.kind == "schedule":
            inner = f"配档表·{time_text(self.when, self.month)}·{'、'.join(self.offices)}"
        elif self.kind == "section":   # a (二) part of a section: 第一部分(二)
            inner = f"第{self.section}部分" + (self.part[len(self.section or ""):] if self.part else "")
        elif self.kind == "paragraph":   # a notice numbering nothing: its paragraphs, counted
            inner = f"第{self.part}段"
        else:
            inner = {"meta": "文件信息", "preamble": "开头"}.get(self.kind, "正文")
        return f"〔{self.doc_label}·{inner}〕" if self.doc_label else f"〔{inner}〕"

    @classmethod
    def of(cls, r: Record, quote: str | None = None, doc_label: str = "") -> "Citation":
        """The citation of record `r`, quoting `quote` (default: its whole text)."""
        quote = r.text if quote is None else quote
        if r.kind == "schedule":
            return cls("schedule", r.doc_id, r.id, month=r.month, task=r.text, offices=r.offices, quote=quote,
                       doc_label=doc_label, when=when_label(r))
        if r.kind == "item":
            return cls("item", r.doc_id, r.id, item=r.item, section=r.section, quote=quote, doc_label=doc_label,
                       part=item_part(r))
        if r.kind == "section":
            return cls("section", r.doc_id, r.id, section=r.section, quote=quote, doc_label=doc_label,
                       part=f"{r.section}({r.subsection})" if r.subsection else "")
        if r.kind == "paragraph":
            return cls("paragraph", r.doc_id, r.id, quote=quote, doc_label=doc_label, part=paragraph_no(r))
        return cls(r.kind, r.doc_id, r.id, quote=quote, doc_label=doc_label)


@dataclass(frozen=True)
class Answer:
    answer: str
    found: bool
    citations: tuple[Citation, ...] = ()
    query: object | None = field(default=None, compare=False)   # the understood Query
    choices: tuple[str, ...] = ()      # when the bot asks back (which office?): the options to offer

    def to_dict(self) -> dict:
        """The `python -m bot ask --json` object (`choices` only when the bot asks back)."""
        d = {"answer": self.answer, "found": self.found, "citations": [c.to_dict() for c in self.citations]}
        if self.choices:
            d["choices"] = list(self.choices)
        return d

    @property
    def rows(self) -> tuple[str, ...]:
        return tuple(c.record_id for c in self.citations if c.kind == "schedule")

    @property
    def items(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(c.item for c in self.citations if c.kind == "item"))


def when_label(r: Record) -> str:
    """A row's time as written when it is not simply its month (上半年, 6月底前); else ""."""
    return r.when if r.when and r.when != f"{r.month}月" else ""


def time_text(when: str, month: int | None) -> str:
    """A time for an answer: the cell as written (全年, 6月底前), else the month, else 未注明时间."""
    return when or (f"{month}月" if month else "未注明时间")


def time_of(r: Record) -> str:
    """A row's time for an answer (`time_text`)."""
    return time_text(when_label(r), r.month)


def say(q, zh: str, en: str) -> str:
    """The Chinese or English wording, by the language of the question."""
    return en if q is not None and getattr(q, "english", False) else zh
