"""The typed records that flow ingest -> index -> bot.

A notice becomes one `Document` (what the parser understood) and, from it, a flat list of
`Record`s: one per citable unit (header, preamble, section, item, schedule row, loose paragraph).
Records are frozen; stages that add scores or links make new objects instead of mutating them.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Literal

# paragraph: the body of a notice that numbers nothing (cited 第N段); note: a line left over around
# a numbered notice's items (备注：…, 抄送：…), kept so nothing is lost, never quoted as evidence.
Kind = Literal["meta", "preamble", "section", "item", "schedule", "paragraph", "note", "sentence"]
KINDS: tuple[str, ...] = ("meta", "preamble", "section", "item", "schedule", "paragraph", "note", "sentence")

# Header fields, in the order the --json contract lists them.
META_KEYS: tuple[str, ...] = (
    "index_no", "category", "written_date", "published_date", "issuer", "doc_no",
)


@dataclass(frozen=True)
class Record:
    """One citable unit of a notice.

    `id` is stable across runs: it is built from the document id and the unit's own numbering
    (item number, section numeral, month and position within the month), never from a counter
    over the whole file.
    """

    id: str
    doc_id: str
    kind: Kind
    text: str
    section: str | None = None        # section numeral (一, 二, …) of an item or section
    section_title: str | None = None
    item: int | None = None           # item number (第N条)
    title: str | None = None          # item title sentence / section title / document title
    month: int | None = None          # schedule rows: 1–12
    offices: tuple[str, ...] = ()     # as written in the notice
    meta: tuple[tuple[str, str], ...] = ()  # header records: (label, value) pairs
    parent: str | None = None         # sentence records: the id of the item / preamble they belong to
    # Three-level notices (一、 / (一) / 1.): the middle numeral of an item or subsection heading.
    subsection: str | None = None
    subsection_title: str | None = None
    # Schedule rows: the time cell as written (3月, 上半年, 6月底前, 3—4月, 全年) and every month it
    # covers. `month` is the last of them (when the row is due), so filters on `month` keep
    # working; `months` defaults to (month,).
    when: str | None = None
    months: tuple[int, ...] = ()
    # Those of `offices` the notice names as supporting (配合单位：…), not leading; () when it names
    # no roles (every office then leads).
    support: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"record kind must be one of {KINDS}, got {self.kind!r}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"record {self.id}: month must be 1–12, got {self.month}")
        if not self.months and self.month is not None:
            object.__setattr__(self, "months", (self.month,))   # frozen: set once, at creation
        if any(not 1 <= m <= 12 for m in self.months) or (
                self.month is not None and self.month not in self.months):
            raise ValueError(f"record {self.id}: months must be 1–12 and hold month {self.month}, "
                             f"got {self.months}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["offices"] = list(self.offices)
        d["meta"] = [list(p) for p in self.meta]
        d["months"] = list(self.months)
        d["support"] = list(self.support)
        if not self.support:   # (most notices name no roles: their records read as before)
            del d["support"]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Record":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown record keys {sorted(unknown)}; expected a subset of {sorted(known)}")
        d = dict(d)
        d["offices"] = tuple(d.get("offices", ()))
        d["meta"] = tuple(tuple(p) for p in d.get("meta", ()))
        d["months"] = tuple(d.get("months", ()))
        d["support"] = tuple(d.get("support", ()))
        return cls(**d)

    def __repr__(self) -> str:
        short = self.text[:24] + ("…" if len(self.text) > 24 else "")
        return f"Record({self.id!r}, {short!r})"


@dataclass(frozen=True)
class Section:
    """A heading: 一、… (`parent` None) or a subsection (一)… under section `parent`."""

    no: str
    title: str
    parent: str | None = None
    is_subsection: bool = False
    # The section's own paragraphs, in a notice whose sections hold text and no numbered items
    # (一、加强党的领导 ⏎ 一是…二是…): then the section is what is cited. Empty otherwise.
    text: str = ""
    offices: tuple[str, ...] = ()   # named under its heading (牵头单位：…), for the whole part
    support: tuple[str, ...] = ()   # those of `offices` named as supporting (配合单位：…)

    @property
    def key(self) -> str:
        """一 for a section; 一(二) for subsection (二) of section 一, (二) when it has none."""
        return f"{self.parent or ''}({self.no})" if self.is_subsection else self.no


@dataclass(frozen=True)
class Item:
    no: int
    section: str | None
    title: str
    text: str
    offices: tuple[str, ...] = ()
    subsection: str | None = None
    support: tuple[str, ...] = ()       # those of `offices` named as supporting (配合单位：…)
    # The item's number qualified by its headings ("1.2.3" = 一、(二) 3.), set only when plain
    # numbers repeat in the document (numbering restarts per section): ids then use it.
    ref: str | None = None


@dataclass(frozen=True)
class ScheduleRow:
    month: int | None                   # the last month the time cell covers; None: no time cell
    task: str
    offices: tuple[str, ...]
    when: str | None = None             # the time cell as written
    months: tuple[int, ...] = ()        # every month it covers; () means (month,)
    support: tuple[str, ...] = ()       # those of `offices` named as supporting (a 配合单位 column)


@dataclass(frozen=True)
class Document:
    """Everything the parser understood about one file."""

    doc_id: str
    path: str
    encoding: str | None   # of a text file (utf-8, gb18030, utf-16 …); None for docx / pdf
    title: str
    meta: dict[str, str | None]
    meta_title: str | None = None
    preamble: str = ""
    addressees: str | None = None
    signature: str | None = None
    date: str | None = None
    sections: tuple[Section, ...] = ()
    items: tuple[Item, ...] = ()
    schedule: tuple[ScheduleRow, ...] = ()
    paragraphs: tuple[str, ...] = ()   # text kept when the file has no numbered items
    warnings: tuple[str, ...] = field(default=())
    format: str = "txt"                # txt, md, html, docx, pdf (`ingest.formats.FORMATS`)

    @property
    def offices(self) -> list[str]:
        """Every office named in the schedule or in items, in first-seen order."""
        seen: dict[str, None] = {}
        for row in self.schedule:
            seen.update(dict.fromkeys(row.offices))
        for item in self.items:
            seen.update(dict.fromkeys(item.offices))
        return list(seen)

    def summary_json(self) -> dict:
        """The `python -m ingest --json` contract: exactly these keys, absent values null."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "meta": {k: self.meta.get(k) for k in META_KEYS},
            "preamble": self.preamble,
            "sections": [{"no": s.key, "title": s.title, **({"text": s.text} if s.text else {})}
                         for s in self.sections],
            "items": [
                {"no": i.no, "section": i.section, "subsection": i.subsection, "ref": i.ref,
                 "title": i.title, "text": i.text, "offices": list(i.offices),
                 **({"support": list(i.support)} if i.support else {})}
                for i in self.items
            ],
            "schedule": [
                {"month": r.month, "months": list(r.months or ((r.month,) if r.month else ())), "when": r.when,
                 "task": r.task, "offices": list(r.offices), **({"support": list(r.support)} if r.support else {})}
                for r in self.schedule
            ],
        }

    def records(self) -> list[Record]:
        """Flatten into citable records, in document order."""
        out: list[Record] = []
        meta_pairs = tuple((k, v) for k, v in self.meta.items() if v is not None)
        meta_pairs += tuple((k, v) for k, v in (("addressees", self.addressees),
                                                ("signature", self.signature), ("date", self.date)) if v)
        if meta_pairs or self.meta_title:
            lines = [f"{k}: {v}" for k, v in meta_pairs]
            if self.meta_title:
                lines.insert(0, f"title: {self.meta_title}")
            out.append(Record(id=f"{self.doc_id}:meta", doc_id=self.doc_id, kind="meta",
                              text="\n".join(lines), title=self.meta_title or self.title,
                              meta=meta_pairs))
        if self.preamble:
            out.append(Record(id=f"{self.doc_id}:preamble", doc_id=self.doc_id, kind="preamble",
                              text=self.preamble, title=self.title))
        titles = {s.no: s.title for s in self.sections if not s.is_subsection}
        sub_titles = {(s.parent, s.no): s.title for s in self.sections if s.is_subsection}
        for s in self.sections:
            section = s.parent if s.is_subsection else s.no
            out.append(Record(id=f"{self.doc_id}:section:{s.key}", doc_id=self.doc_id,
                              kind="section", text=s.text or s.title, section=section, offices=s.offices,
                              support=s.support,
                              section_title=titles.get(section or ""),
                              subsection=s.no if s.is_subsection else None,
                              subsection_title=s.title if s.is_subsection else None,
                              title=s.title))
        for it in self.items:
            out.append(Record(id=f"{self.doc_id}:item:{it.ref or it.no}", doc_id=self.doc_id,
                              kind="item", text=it.text, section=it.section,
                              section_title=titles.get(it.section or ""), item=it.no,
                              title=it.title, offices=it.offices, subsection=it.subsection, support=it.support,
                              subsection_title=sub_titles.get((it.section, it.subsection))))
        per_month: dict[int, int] = {}
        for row in self.schedule:
            per_month[row.month] = per_month.get(row.month, 0) + 1
            # A row whose table gave it no time cell is numbered under month 00.
            out.append(Record(id=f"{self.doc_id}:schedule:{row.month or 0:02d}-{per_month[row.month]:02d}",
                              doc_id=self.doc_id, kind="schedule", text=row.task,
                              month=row.month, offices=row.offices, when=row.when, support=row.support,
                              months=row.months or ((row.month,) if row.month else ())))
        # A notice numbering nothing is its paragraphs; a numbered one's are lines left over.
        kind = "note" if self.items or any(s.text for s in self.sections) else "paragraph"
        for n, para in enumerate(self.paragraphs, 1):
            out.append(Record(id=f"{self.doc_id}:{kind}:{n}", doc_id=self.doc_id, kind=kind, text=para))
        return out


def paragraph_no(r: Record) -> str:
    """The number of a paragraph record (`<doc>:paragraph:3` → "3"): its place in its notice."""
    return r.id.rsplit(":", 1)[1]


def has_body(r: Record) -> bool:
    """`r` holds text to quote as evidence: an item, the preamble, a section with paragraphs of its
    own (`Section.text`), not a bare heading, or a paragraph of a notice that numbers nothing."""
    return r.kind in ("item", "preamble", "paragraph") or (r.kind == "section" and r.text != r.title)


def write_jsonl(records: list[Record], path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")


def read_jsonl(path) -> list[Record]:
    with open(path, encoding="utf-8") as f:
        return [Record.from_dict(json.loads(line)) for line in f if line.strip()]


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_IN_DATE = re.compile(r"^\s*((?:19|20)\d{2})")
# A span of years a title names (《规划纲要（2024—2035年）》2025年工作要点): not the plan's own year.
_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—–\-~～至到]\s*(?:19|20)\d{2}\s*年")


_CN_DIGITS = str.maketrans("〇○Ｏ零一二三四五六七八九", "0000123456789")
_CN_YEAR = re.compile(r"[一二][〇○Ｏ0零一二三四五六七八九]{3}(?=\s*年)")
# A year followed by the kind of plan it is (2025年工作要点, 2025年度工作计划), not by a month
# (2024年12月修订) nor by what else the title covers (2024年工作总结).
_PLAN_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)[^0-9年]{0,12}?(?:要点|计划|安排|方案|任务|重点)")
_NOT_A_DATE = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")


def arabic_years(text: str) -> str:
    """`text` with years written in Chinese numerals in digits: 二〇二六年 → 2026年."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def plan_year(title: str | None, *dates: str | None) -> int | None:
    """The year a notice is about: its title's (the year of …2024年工作要点, 二〇二六年…), else the first year
    of a span it names (2024—2026年行动计划), else the first date's that has one. The title wins,
    since a plan for 2024 may be signed in December 2023."""
    title = arabic_years(title or "")
    # The year the plan's kind follows (面向2035年的…2025年工作要点, 2024年工作总结和2025年工作
    # 计划, 2025年工作要点（2024年12月修订）), else the first standing alone that is no date.
    alone = _YEAR_SPAN.sub(" ", title)
    m = _PLAN_YEAR.search(alone) or _NOT_A_DATE.search(alone)
    if m:
        return int(m.group(1))
    m = _YEAR_SPAN.search(title)
    if m:
        return int(m.group(0)[:4])
    return next((int(m.group(1)) for d in dates for m in [_YEAR_IN_DATE.match(d or "")] if m), None)


def without_year_spans(title: str) -> str:
    """`title` without the spans of years it names (规划纲要（2024—2035年）), years in digits."""
    return _YEAR_SPAN.sub("", arabic_years(title))


def document_years(records: list[Record]) -> dict[str, int | None]:
    """doc_id → the year a document is about, read from its records alone.

    The year in the title (《…2024年工作要点》) wins, since a plan for 2024 may be signed in
    December 2023; then the written, published and sign-off dates. None when no record says.
    """
    titles: dict[str, list[str]] = {}
    dates: dict[str, list[str]] = {}
    for r in records:
        titles.setdefault(r.doc_id, [])
        dates.setdefault(r.doc_id, [])
        if r.kind in ("meta", "preamble") and r.title:
            titles[r.doc_id].append(r.title)
        if r.kind == "meta":
            pairs = dict(r.meta)
            dates[r.doc_id] += [pairs[k] for k in ("written_date", "published_date", "date")
                                if pairs.get(k)]
    return {doc_id: next((y for t in titles[doc_id] for y in [plan_year(t)] if y), None)
            or plan_year(None, *dates[doc_id]) for doc_id in titles}
