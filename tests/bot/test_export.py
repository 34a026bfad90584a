"""Export of 配档表 rows: the files are read back with the libraries a user's tools rely on
(openpyxl, the csv module, icalendar) and compared with the rows taken from the corpus."""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from bot import export as E
from bot.corpus import Corpus
from ingest.offices import OfficeTable
from index.store import corpus_records

STAMP = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(corpus_records(), OfficeTable.load())


@pytest.fixture(scope="module")
def july(corpus):
    rows = corpus.filter_rows((7,), ("民继处",))
    assert rows, "the notice has 7月 民继处 rows"
    return rows


def events(data: bytes):
    return Calendar.from_ical(data).walk("VEVENT")


def test_document_year_is_read_from_the_notice(corpus):
    doc = corpus.schedule[0].doc_id
    title = E.document_title(corpus, doc)
    year = E.document_year(corpus, doc)
    assert f"{year}年" in title        # the title names the year it plans for
    written = dict(next(r for r in corpus.meta if r.doc_id == doc).meta)["written_date"]
    assert written.startswith(str(year))


def test_document_year_falls_back_to_written_date_and_else_says_how_to_fix():
    from ingest.records import Record

    meta = Record("d:meta", "d", "meta", "", title="关于做好有关工作的通知",
                  meta=(("written_date", "2031-12-20"),))
    row = Record("d:schedule:03-01", "d", "schedule", "开展专项检查", month=3, offices=("基教处",))
    c = Corpus([meta, row], OfficeTable.load())
    assert E.document_year(c, "d") == 2031
    c2 = Corpus([replace(meta, meta=()), row], OfficeTable.load())
    with pytest.raises(E.ExportError, match="cannot tell the year of document 'd'.*成文日期"):
        E.rows_to_ics([row], c2)


def test_xlsx_headers_frozen_pane_widths_and_cells(corpus, july):
    wb = load_workbook(io.BytesIO(E.rows_to_xlsx(july, corpus)))
    ws = wb.active
    assert [c.value for c in ws[1]] == list(E.COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1 + len(july)
    row, cells = july[0], [c.value for c in ws[2]]
    assert cells[0] == "7月" and cells[1] == row.text and cells[2] == "、".join(row.offices)
    items = [i for i, _ in corpus.links[row.id]]
    for item in items:
        assert f"〔第{item.item}条〕" in cells[3]
    assert E.document_title(corpus, row.doc_id) in cells[4]
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert all(4 <= widths[col] <= 60 for col in "ABCDE")
    assert widths["B"] > widths["A"]   # the task column is wider than the month column


def test_xlsx_whole_schedule_matches_rows_cell_by_cell(corpus):
    rows = corpus.filter_rows()
    ws = load_workbook(io.BytesIO(E.rows_to_xlsx(rows, corpus))).active
    got = [tuple(c.value or "" for c in r) for r in ws.iter_rows(min_row=2)]
    assert got == E.table(rows, corpus)
    assert [g[1] for g in got] == [r.text for r in rows]


def test_csv_has_bom_and_reads_back_to_the_same_rows(corpus):
    rows = corpus.filter_rows((6, 7))
    data = E.rows_to_csv(rows, corpus)
    assert data.startswith(b"\xef\xbb\xbf")
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert back[0] == list(E.COLUMNS)
    assert [tuple(r) for r in back[1:]] == E.table(rows, corpus)


def test_text_that_looks_like_a_formula_stays_text(corpus, july):
    row = replace(july[0], text="=HYPERLINK(\"x\")开展工作")
    ws = load_workbook(io.BytesIO(E.rows_to_xlsx([row], corpus))).active
    assert ws["B2"].value == row.text and ws["B2"].data_type == "s"
    back = list(csv.reader(io.StringIO(E.rows_to_csv([row], corpus).decode("utf-8-sig"))))
    assert back[1][1] == "'" + row.text


def test_ics_one_all_day_weekday_event_per_row_in_the_document_year(corpus):
    rows = corpus.filter_rows()
    year = E.document_year(corpus, rows[0].doc_id)
    evs = events(E.rows_to_ics(rows, corpus, stamp=STAMP))
    assert len(evs) == len(rows)
    for ev, row in zip(evs, rows):
        start = ev.decoded("dtstart")
        assert type(start) is date       # all-day: a date, not a datetime
        assert (start.year, start.month) == (year, row.month)
        assert start.weekday() < 5
        assert ev.decoded("dtend") - start == date(2000, 1, 2) - date(2000, 1, 1)
        assert str(ev["summary"]) == row.text
        desc = str(ev["description"])
        assert f"〔配档表·{row.month}月·{'、'.join(row.offices)}〕" in desc
        for item, _ in corpus.links[row.id]:
            assert f"〔第{item.item}条〕" in desc


def test_ics_description_names_offices_item_and_citation(corpus, july):
    ev = events(E.rows_to_ics(july, corpus))[0]
    desc = str(ev["description"])
    assert "民继处" in desc
    assert E.citation_label(corpus, july[0]) in desc
    assert E.citation_label(corpus, july[0]).startswith("〔配档表·7月·民继处〕")


def test_ics_uids_are_stable_across_exports_and_unique_per_row(corpus, july):
    rows = corpus.filter_rows()
    first = [str(e["uid"]) for e in events(E.rows_to_ics(rows, corpus))]
    again = [str(e["uid"]) for e in events(E.rows_to_ics(list(reversed(rows)), corpus))]
    assert len(set(first)) == len(rows)
    assert sorted(first) == sorted(again)
    # A narrower export (one office, one month) reuses the UIDs of the full one.
    narrow = [str(e["uid"]) for e in events(E.rows_to_ics(july, corpus))]
    assert set(narrow) <= set(first)


def test_ics_calendar_name_names_document_and_filter(corpus, july):
    name = E.calendar_name(corpus, [july[0].doc_id], ("民继处",), (7,))
    cal = Calendar.from_ical(E.rows_to_ics(july, corpus, name))
    assert str(cal["x-wr-calname"]) == name
    assert E.document_title(corpus, july[0].doc_id) in name and "民继处" in name and "7月" in name


def test_first_working_day_and_a_day_the_row_names(july):
    assert E.first_working_day(2024, 6) == date(2024, 6, 3)    # 1 Jun 2024 is a Saturday
    assert E.first_working_day(2024, 10) == date(2024, 10, 8)  # past the National Day holiday
    row = replace(july[0], text="6月15日前完成校外培训机构年检", month=6, months=(6,), when="6月")
    assert E.row_date(row, 2024) == date(2024, 6, 15)
    other_month = replace(row, text="落实7月15日会议要求")       # names a day of another month
    assert E.row_date(other_month, 2024) == date(2024, 6, 3)
    impossible = replace(row, text="6月31日前完成")
    assert E.row_date(impossible, 2024) == date(2024, 6, 3)


def test_non_schedule_records_are_refused_with_the_fix(corpus):
    item = next(iter(corpus.items.values()))
    with pytest.raises(E.ExportError, match="only 配档表 rows.*filter_rows"):
        E.rows_to_xlsx([item], corpus)


def test_export_writes_a_named_file_per_format(corpus, july, tmp_path):
    for fmt in E.FORMATS:
        path = E.export(july, corpus, fmt, tmp_path, ("民继处",), (7,))
        assert path.name == f"配档表-民继处-7月.{fmt}" and path.stat().st_size > 0
    cal = Calendar.from_ical((tmp_path / "配档表-民继处-7月.ics").read_bytes())
    assert "民继处" in str(cal["x-wr-calname"])
    with pytest.raises(E.ExportError, match="unknown export format 'pdf'; valid: xlsx, csv, ics"):
        E.export(july, corpus, "pdf", tmp_path)


def test_render_gives_the_bytes_export_writes(corpus, july, tmp_path):
    for fmt in E.FORMATS:
        path = E.export(july, corpus, fmt, tmp_path, ("民继处",), (7,))
        assert path.name == E.file_name(fmt, ("民继处",), (7,)) == f"配档表-民继处-7月.{fmt}"
        data = E.render(july, corpus, fmt, ("民继处",), (7,))
        if fmt == "ics":   # DTSTAMP is the time of export: compare the events, not the bytes
            assert [e["uid"] for e in events(data)] == [e["uid"] for e in events(path.read_bytes())]
        elif fmt == "xlsx":   # the zip entries carry the time they were written: compare the cells
            def cells(blob):
                return [list(r) for ws in load_workbook(io.BytesIO(blob)).worksheets for r in ws.iter_rows(values_only=True)]
            assert cells(data) == cells(path.read_bytes()) and len(cells(data)) > 1
        else:
            assert data == path.read_bytes()
    with pytest.raises(E.ExportError, match="unknown export format 'pdf'; valid: xlsx, csv, ics"):
        E.render(july, corpus, "pdf")
    assert E.file_name("csv", stem="配档表-回答") == "配档表-回答.csv"
    assert E.file_name("csv", ("a/b c",)) == "配档表-a_b_c.csv"   # no path separator or space in a name


def test_cited_rows_are_exactly_the_schedule_citations_once_each(corpus, july):
    from bot.answer import Citation

    item = next(iter(corpus.items.values()))
    a, b = corpus.schedule[5], corpus.schedule[2]
    cites = [Citation.of(a), Citation.of(item), Citation.of(b), Citation.of(a)]
    assert E.cited_rows(cites, corpus) == [a, b]     # in the order cited, once each, items left out
    assert E.cited_rows([Citation.of(item)], corpus) == []
    gone = replace(Citation.of(july[0]), record_id="removed-doc:schedule:07-01")
    with pytest.raises(E.ExportError, match=r"no longer in the corpus \(\['removed-doc:schedule:07-01'\]\).*ask the question again"):
        E.cited_rows([gone], corpus)
