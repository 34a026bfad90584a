"""HybridRetriever beyond the standard tests: per-call k, mode and document filters, and the
errors for bad arguments. Uses the real index built from the real corpus."""
from __future__ import annotations

import pytest

from index.retriever import HybridRetriever, RecordFilter
from ingest.records import Record, document_years

QUERY = "校外培训机构设置标准"


@pytest.fixture(scope="module")
def retriever(built_index):
    return HybridRetriever(index=built_index, k=3)


def test_per_call_k_overrides_the_default(retriever):
    assert len(retriever.invoke(QUERY)) == 3
    docs = retriever.invoke(QUERY, k=1)
    assert len(docs) == 1 and docs[0].metadata["rank"] == 1
    assert docs[0].id == docs[0].metadata["id"]


def test_per_call_mode(retriever):
    docs = retriever.invoke(QUERY, k=2, mode="bm25")
    assert len(docs) == 2
    with pytest.raises(ValueError, match="valid modes: bm25, dense, hybrid"):
        retriever.invoke(QUERY, mode="sparse")


def test_filter_by_kind_doc_and_year(retriever, built_index):
    doc_id = built_index.records[0].doc_id
    year = document_years(built_index.records)[doc_id]
    assert year == 2024   # 《…2024年工作要点》
    docs = retriever.invoke(QUERY, k=4, filter={"kind": "item"})
    assert len(docs) == 4 and {d.metadata["kind"] for d in docs} == {"item"}
    assert [d.metadata["rank"] for d in docs] == [1, 2, 3, 4]
    docs = retriever.invoke(QUERY, k=2, filter={"doc_id": [doc_id], "year": year,
                                                "kind": ("schedule",)})
    assert len(docs) == 2 and all(d.metadata["doc_id"] == doc_id for d in docs)
    assert retriever.invoke(QUERY, filter={"year": 1999}) == []
    assert retriever.invoke(QUERY, filter={"doc_id": "not-held"}) == []


def test_default_filter_in_constructor_and_per_call_override(built_index):
    r = HybridRetriever(index=built_index, k=2, filter={"kind": "schedule"})
    assert {d.metadata["kind"] for d in r.invoke(QUERY)} == {"schedule"}
    assert {d.metadata["kind"] for d in r.invoke(QUERY, filter={"kind": "item"})} == {"item"}


def test_filter_keeps_documents_of_several_years():
    recs = [Record(id="a:meta", doc_id="a", kind="meta", text="t", title="某局2023年工作要点"),
            Record(id="b:meta", doc_id="b", kind="meta", text="t",
                   meta=(("written_date", "2022-12-30"),)),
            Record(id="c:item:1", doc_id="c", kind="item", text="x", item=1)]
    years = document_years(recs)
    assert years == {"a": 2023, "b": 2022, "c": None}
    f = RecordFilter.from_value({"year": [2022, 2023]})
    assert [r.doc_id for r in recs if f.keeps(r, years)] == ["a", "b"]


@pytest.mark.parametrize("kwargs, message", [
    ({"k": 0}, r"k must be an int > 0, got 0"),
    ({"mode": "fuzzy"}, r"unknown search mode 'fuzzy'"),
    ({"filter": {"section": "一"}}, r"unknown filter keys \['section'\]; valid keys: doc_id, year, kind"),
    ({"filter": {"kind": "row"}}, r"unknown record kind\(s\) \['row'\]"),
    ({"filter": {"year": "2023"}}, r"filter 'year' takes int values, got '2023'"),
])
def test_bad_arguments_say_what_and_how(built_index, kwargs, message):
    with pytest.raises(ValueError, match=message):
        HybridRetriever(index=built_index, **kwargs)


def test_bad_per_call_k(retriever):
    with pytest.raises(ValueError, match="k must be an int > 0, got -1"):
        retriever.invoke(QUERY, k=-1)


class _ListIndex:
    """A stand-in index over hand-made records of three documents: ranks them in list order,
    so the filter is checked apart from any scoring."""

    def __init__(self, records):
        self.records = records
        self.pools: list[int] = []

    def search(self, query, k=5, mode=None, kinds=None):
        from index.store import Hit

        self.pools.append(k)
        kept = [r for r in self.records if not kinds or r.kind in kinds]
        return [Hit(rank=n, score=1.0 / n, record=r) for n, r in enumerate(kept[:k], 1)]


def _three_documents():
    recs = []
    for doc, year in (("a", 2022), ("b", 2023), ("c", 2024)):
        recs.append(Record(id=f"{doc}:meta", doc_id=doc, kind="meta", text="t",
                           title=f"某局{year}年工作要点"))
        recs += [Record(id=f"{doc}:item:{n}", doc_id=doc, kind="item", text=f"{doc}{n}", item=n)
                 for n in range(1, 31)]
    return recs


def test_filter_across_documents_grows_the_pool_until_k_survive():
    index = _ListIndex(_three_documents())
    r = HybridRetriever(index=index, k=3)
    docs = r.invoke("x", filter={"year": 2024, "kind": "item"})
    assert [d.id for d in docs] == ["c:item:1", "c:item:2", "c:item:3"]
    # c's items rank 61st to 90th among items: a pool of 20 (4 × k, at least 20) keeps none of
    # them, a pool of 80 keeps 20, so the search stops there.
    assert index.pools == [20, 80]
    docs = r.invoke("x", k=2, filter={"doc_id": ["a", "b"], "year": [2023]})
    assert [d.id for d in docs] == ["b:meta", "b:item:1"]
