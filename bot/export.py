"""Schedule rows (配档表) as files staff take elsewhere: Excel, CSV and an iCalendar feed.

Pure functions of (rows, corpus) that return bytes; no UI. Every format has the same five columns
(`COLUMNS`): month, task, offices as written, the items the row carries out (`Corpus.links`) and the
document. The year of a calendar event comes from the document itself (the "2024年" of its title,
else its written date), never from the clock: a 2024 work plan stays in 2024 when exported in 2026.

Invariants:
- the UID of a row's event is derived from the record id only, so exporting again (another filter,
  another day) and re-importing updates the same events instead of duplicating them;
- cell text is never altered in the .xlsx (strings are stored as strings, never as formulas); the
  .csv prefixes a `'` to a cell that Excel would run as a formula (=, +, -, @), as OWASP advises.
Known limit: the "first working day" of a month is Monday–Friday outside the fixed national holidays
(1 Jan, 1–5 May, 1–7 Oct); the State Council's yearly shifted days (调休) are not modelled.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bot.answer import Citation
from bot.corpus import Corpus
from ingest.records import Record

COLUMNS: tuple[str, ...] = ("月份", "工作任务", "责任单位", "对应条目", "文件")
FORMATS: tuple[str, ...] = ("xlsx", "csv", "ics")
# Fixed-date days off in mainland China as practised (元旦, 劳动节 and 国庆 holidays): an event on
# the "first working day" of January, May or October is moved past them.
HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    [(1, 1)] + [(5, d) for d in range(1, 6)] + [(10, d) for d in range(1, 8)])
UID_DOMAIN = "policyqa"
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_FORMULA_START = ("=", "+", "-", "@")
_MAX_WIDTH = 60           # characters of a column in Excel; longer cells wrap


class ExportError(ValueError):
    """Rows that cannot be exported as asked (not schedule rows, no year in the document …)."""


# --- what each column says ------------------------------------------------------------------------

def _check_rows(rows: Sequence[Record]) -> None:
    bad = [r.id for r in rows if r.kind != "schedule" or r.month is None]
    if bad:
        raise ExportError(f"only 配档表 rows (kind 'schedule' with a month) can be exported, got {bad[:3]}; "
                          "pass rows from Corpus.schedule or Corpus.filter_rows")


def document_title(corpus: Corpus, doc_id: str) -> str:
    """The document's own title (the preamble's, e.g. 《…2024年工作要点》), else its notice title."""
    for kind in ("preamble", "meta"):
        for r in corpus.records:
            if r.doc_id == doc_id and r.kind == kind and r.title:
                return r.title
    return doc_id


def document_label(corpus: Corpus, doc_id: str) -> str:
    """《title》 with the document number when the header gives one: 《…工作要点》(济教工委办〔2024〕1号)."""
    doc_no = next((v for r in corpus.meta if r.doc_id == doc_id for k, v in r.meta if k == "doc_no"), None)
    title = f"《{document_title(corpus, doc_id)}》"
    return f"{title}({doc_no})" if doc_no else title


def document_year(corpus: Corpus, doc_id: str) -> int:
    """The year the document plans for: the first year in its title (preamble, then the notice's
    title), else the year of its written or signed date."""
    titles = [r.title for kind in ("preamble", "meta") for r in corpus.records
              if r.doc_id == doc_id and r.kind == kind and r.title]
    dates = [v for r in corpus.meta if r.doc_id == doc_id for k, v in r.meta
             if k in ("written_date", "date", "published_date")]
    for text in titles + dates:
        m = _YEAR.search(text) or re.match(r"((?:19|20)\d\d)-\d\d-\d\d", text)
        if m:
            return int(m.group(1))
    raise ExportError(f"cannot tell the year of document {doc_id!r}: neither its title ({titles[:1]}) nor "
                      f"its dates ({dates}) name one; give the notice a title such as “2024年工作要点” "
                      "or a 成文日期 in its header")


def linked_items(corpus: Corpus, row: Record) -> list[Record]:
    return [item for item, _ in corpus.links.get(row.id, [])]


def items_text(corpus: Corpus, row: Record) -> str:
    """The linked items, one a line: 〔第7条〕巩固扩大“双减”成果."""
    return "\n".join(f"{Citation.of(i).label}{i.title or ''}" for i in linked_items(corpus, row))


def citation_label(corpus: Corpus, row: Record) -> str:
    """The row's citation followed by its items': 〔配档表·7月·民继处〕〔第7条〕."""
    return "".join([Citation.of(row).label] + [Citation.of(i).label for i in linked_items(corpus, row)])


def table(rows: Sequence[Record], corpus: Corpus) -> list[tuple[str, ...]]:
    """The rows as `COLUMNS` cells, in the order given (header not included)."""
    _check_rows(rows)
    return [(f"{r.month}月", r.text, "、".join(r.offices), items_text(corpus, r),
             document_label(corpus, r.doc_id)) for r in rows]


# --- Excel and CSV --------------------------------------------------------------------------------

def _display_width(text: str) -> int:
    """Width of the longest line in Excel character units: a CJK (wide) character counts two."""
    return max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                for line in text.split("\n")), default=0)


def rows_to_xlsx(rows: Sequence[Record], corpus: Corpus, sheet_title: str = "配档表") -> bytes:
    """One sheet: a bold, frozen header row with an autofilter, then one row per schedule row.
    Columns are as wide as their longest line up to `_MAX_WIDTH`; longer cells wrap."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    cells = table(rows, corpus)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]           # Excel's limit on sheet names
    ws.append(COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, values in enumerate(cells, 2):
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=n, column=col)
            cell.value = value
            cell.data_type = "s"          # openpyxl would store a leading '=' as a formula
            cell.alignment = wrap
    for col, name in enumerate(COLUMNS, 1):
        width = max([_display_width(name)] + [_display_width(v[col - 1]) for v in cells])
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = min(width + 2, _MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def rows_to_csv(rows: Sequence[Record], corpus: Corpus) -> bytes:
    """UTF-8 with a byte-order mark and CRLF line ends: Excel on Windows opens it as UTF-8."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    w.writerows([_csv_safe(v) for v in values] for values in table(rows, corpus))
    return buf.getvalue().encode("utf-8-sig")


# --- calendar -------------------------------------------------------------------------------------

def first_working_day(year: int, month: int) -> date:
    d = date(year, month, 1)
    while d.weekday() >= 5 or (d.month, d.day) in HOLIDAYS:
        d += timedelta(days=1)
    return d


def row_date(row: Record, year: int) -> date:
    """The day the row names for its own month (“6月15日前完成”), else its month's first working day."""
    _check_rows([row])
    for m in _DAY.finditer(row.text):
        month, day = int(m.group(1)), int(m.group(2))
        if month == row.month:
            try:
                return date(year, month, day)
            except ValueError:         # 6月31日: not a day; fall back to the month
                break
    return first_working_day(year, row.month)


def row_uid(row: Record) -> str:
    """Stable per row: the record id (itself stable across ingest runs), made URI-safe."""
    return re.sub(r"[^A-Za-z0-9._-]", ".", row.id) + "@" + UID_DOMAIN


def calendar_name(corpus: Corpus, doc_ids: Sequence[str], offices: Sequence[str] = (),
                  months: Sequence[int] = ()) -> str:
    """e.g. “…2024年工作要点 · 民继处 · 6月、7月”; without a filter, “… · 全部处室”."""
    titles = "、".join(document_title(corpus, d) for d in dict.fromkeys(doc_ids)) or "配档表"
    parts = [titles, "、".join(offices) if offices else "全部处室"]
    if months:
        parts.append("、".join(f"{m}月" for m in months))
    return " · ".join(parts)


def rows_to_ics(rows: Sequence[Record], corpus: Corpus, name: str | None = None,
                stamp: datetime | None = None) -> bytes:
    """One all-day event per row (see `row_date`); SUMMARY the task; DESCRIPTION the offices, the
    linked items with their matching sentence, the citation and the document. `name` is the
    calendar's name (default: `calendar_name` of the rows' documents); `stamp` the DTSTAMP of every
    event (default: now, UTC)."""
    from icalendar import Calendar, Event

    _check_rows(rows)
    stamp = stamp or datetime.now(timezone.utc).replace(microsecond=0)
    name = name or calendar_name(corpus, [r.doc_id for r in rows])
    cal = Calendar()
    cal.add("prodid", "-//policyqa//配档表//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    years = {d: document_year(corpus, d) for d in {r.doc_id for r in rows}}
    for r in rows:
        day = row_date(r, years[r.doc_id])
        lines = [f"责任单位:{'、'.join(r.offices) or '未注明'}"]
        for item, sentence in corpus.links.get(r.id, []):
            lines.append(f"对应条目:{Citation.of(item).label}{item.title or ''}")
            if sentence:
                lines.append(f"  {sentence}")
        lines += [f"出处:{citation_label(corpus, r)}", f"文件:{document_label(corpus, r.doc_id)}"]
        ev = Event()
        ev.add("uid", row_uid(r))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)                       # a date, not a datetime: an all-day event
        ev.add("dtend", day + timedelta(days=1))     # DTEND is exclusive
        ev.add("summary", r.text)
        ev.add("description", "\n".join(lines))
        ev.add("categories", ["配档表", *r.offices])
        ev.add("transp", "TRANSPARENT")              # a deadline, not a meeting: shows as free
        cal.add_component(ev)
    return cal.to_ical()


# --- files ----------------------------------------------------------------------------------------

MEDIA_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


def render(rows: Sequence[Record], corpus: Corpus, fmt: str, offices: Sequence[str] = (),
           months: Sequence[int] = (), name: str | None = None) -> bytes:
    """The rows as the bytes of a `fmt` file (one of `FORMATS`); an .ics is named `name`
    (default: `calendar_name` of the rows' documents and the filter)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; valid: {', '.join(FORMATS)}")
    if fmt == "xlsx":
        return rows_to_xlsx(rows, corpus)
    if fmt == "csv":
        return rows_to_csv(rows, corpus)
    return rows_to_ics(rows, corpus, name or calendar_name(corpus, [r.doc_id for r in rows], offices, months))


def file_name(fmt: str, offices: Sequence[str] = (), months: Sequence[int] = (), stem: str = "配档表") -> str:
    """A readable file name that says what the file holds: `配档表-民继处-7月.xlsx`."""
    parts = "-".join([stem, *offices, *(f"{m}月" for m in months)])
    return re.sub(r'[\\/:*?"<>|\s]+', "_", parts)[:80] + f".{fmt}"


def export(rows: Sequence[Record], corpus: Corpus, fmt: str, folder: Path | str,
           offices: Sequence[str] = (), months: Sequence[int] = ()) -> Path:
    """Write the rows as `fmt` (one of `FORMATS`) into `folder` under a readable name such as
    `配档表-民继处-7月.xlsx`, and return the path (what a download button serves)."""
    data = render(rows, corpus, fmt, offices, months)
    path = Path(folder) / file_name(fmt, offices, months)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def cited_rows(citations: Sequence[Citation], corpus: Corpus) -> list[Record]:
    """The schedule rows an answer cited, once each, in the order cited (what "export this answer"
    gives: exactly those rows). A row the corpus no longer holds (its notice was removed since the
    answer was given) raises ExportError."""
    ids = list(dict.fromkeys(c.record_id for c in citations if c.kind == "schedule" and c.record_id))
    missing = [i for i in ids if i not in corpus.by_id]
    if missing:
        raise ExportError(f"the answer cited rows no longer in the corpus ({missing[:3]}): its notice was "
                          "removed or changed since; ask the question again")
    return [corpus.by_id[i] for i in ids]
