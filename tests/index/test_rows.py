"""Records read on demand from records.jsonl (index/rows.py)."""
from __future__ import annotations

import pytest

from index.rows import BadRow, RecordRows, kind_codes, write_records
from ingest.records import KINDS, Record


def _records(n: int) -> list[Record]:
    return [Record(id=f"d:item:{i}", doc_id="d", kind="item", text=f"第{i}条 内容", item=i) for i in range(1, n + 1)]


def test_rows_parse_on_access_and_match_what_was_written(tmp_path):
    records = _records(5)
    offsets = write_records(records, tmp_path / "records.jsonl")
    assert offsets[0] == 0 and offsets[-1] == (tmp_path / "records.jsonl").stat().st_size
    rows = RecordRows(tmp_path / "records.jsonl", offsets)
    assert repr(rows) == "RecordRows(5 records, 0 parsed)"
    assert rows[3] == records[3] and rows[-1] == records[-1] and rows[1:3] == records[1:3]
    assert repr(rows) == "RecordRows(5 records, 4 parsed)"
    assert list(rows) == records and len(rows) == 5
    with pytest.raises(IndexError, match="row 5 out of range"):
        rows[5]


def test_a_bad_line_names_itself(tmp_path):
    offsets = write_records(_records(2), tmp_path / "records.jsonl")
    data = (tmp_path / "records.jsonl").read_bytes()
    (tmp_path / "records.jsonl").write_bytes(data[:int(offsets[1])] + b"[" + data[int(offsets[1]) + 1:])
    rows = RecordRows(tmp_path / "records.jsonl", offsets)
    assert rows[0].id == "d:item:1"
    with pytest.raises(BadRow, match="records.jsonl line 2 is not a record"):
        rows[1]


def test_empty_index_has_no_rows(tmp_path):
    offsets = write_records([], tmp_path / "records.jsonl")
    assert len(RecordRows(tmp_path / "records.jsonl", offsets)) == 0


def test_kind_codes_are_positions_in_kinds():
    r = [Record(id="a", doc_id="d", kind="schedule", text="x", month=1), *_records(1)]
    assert kind_codes(r).tolist() == [KINDS.index("schedule"), KINDS.index("item")]
