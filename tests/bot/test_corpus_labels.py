"""Document labels, read from records alone (no index, no model)."""
from __future__ import annotations

from bot.corpus import _documents
from ingest.records import Record


def _doc(doc_id: str, title: str, date: str) -> list[Record]:
    return [Record(id=f"{doc_id}:meta", doc_id=doc_id, kind="meta", text="", title=title,
                   meta=(("written_date", date),)),
            Record(id=f"{doc_id}:preamble", doc_id=doc_id, kind="preamble", text="总体要求。", title=title)]


def test_labels_name_the_plans_own_year_and_kind():
    """The span of years a title names is neither the year nor the kind (〔2025—2035年〕 and
    〔2026-202行动计划〕 had been labels); a year in Chinese numerals is read."""
    docs = _documents(_doc("a", "落实《规划纲要（2024—2035年）》2025年工作要点", "2025年2月1日")
                      + _doc("b", "2024-2026年行动计划", "2024年3月1日")
                      + _doc("c", "二〇二六年教育工作要点", "2025年12月28日")
                      + _doc("d", "某局2027年工作要点（2026年12月修订）", "2026年12月28日")
                      + _doc("e", "2028年工作要点暨2027年工作总结", "2028年1月8日"))
    assert {d: (docs[d].year, docs[d].label) for d in docs} == {
        "a": (2025, "2025工作要点"), "b": (2024, "2024行动计划"), "c": (2026, "2026教育工作要点"),
        "d": (2027, "2027工作要点"), "e": (2028, "2028工作要点工作总结")}
