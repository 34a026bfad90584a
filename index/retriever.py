"""The index exposed to LangChain as a `BaseRetriever`, so LangChain chains can use it.

This is the seam a larger deployment would move the store behind (Elasticsearch / OpenSearch,
Milvus): it behaves as LangChain's standard retriever tests expect (`langchain-tests`,
`RetrieversIntegrationTests`, run in tests/index/test_retriever_standard.py). The constructor's
`k`, `mode` and `filter` are defaults; `invoke(query, k=..., mode=..., filter=...)` overrides them
for one call.

A filter is a mapping of `doc_id`, `year` and `kind`, each one value or a collection of values
(`{"year": 2023, "kind": ["item", "schedule"]}`); a record is kept when it matches every key given.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import PrivateAttr, field_validator, model_validator

from index.rank import SearchMode
from ingest.records import KINDS, Record, document_years

FILTER_KEYS: tuple[str, ...] = ("doc_id", "year", "kind")


@dataclass(frozen=True)
class RecordFilter:
    """Which records a search may return; an empty field allows every value."""

    doc_ids: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()

    @classmethod
    def from_value(cls, value: "RecordFilter | Mapping[str, Any] | None") -> "RecordFilter":
        if value is None:
            return cls()
        if isinstance(value, RecordFilter):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"filter must be a mapping with keys {FILTER_KEYS}, got "
                            f"{type(value).__name__} {value!r}")
        unknown = sorted(set(value) - set(FILTER_KEYS))
        if unknown:
            raise ValueError(f"unknown filter keys {unknown}; valid keys: {', '.join(FILTER_KEYS)}")
        doc_ids = _as_set(value.get("doc_id"), str, "doc_id")
        years = _as_set(value.get("year"), int, "year")
        kinds = _as_set(value.get("kind"), str, "kind")
        bad = sorted(kinds - set(KINDS))
        if bad:
            raise ValueError(f"unknown record kind(s) {bad} in filter; valid kinds: {', '.join(KINDS)}")
        return cls(frozenset(doc_ids), frozenset(years), frozenset(kinds))

    def __bool__(self) -> bool:
        return bool(self.doc_ids or self.years or self.kinds)

    def keeps(self, record: Record, years: Mapping[str, int | None]) -> bool:
        return ((not self.doc_ids or record.doc_id in self.doc_ids)
                and (not self.kinds or record.kind in self.kinds)
                and (not self.years or years.get(record.doc_id) in self.years))


def _as_set(value: Any, type_: type, key: str) -> set:
    if value is None:
        return set()
    values = [value] if isinstance(value, (str, int)) or not isinstance(value, Collection) else list(value)
    for v in values:
        # bool is an int in Python; a year of True is a mistake, not 1.
        if not isinstance(v, type_) or isinstance(v, bool):
            raise ValueError(f"filter {key!r} takes {type_.__name__} values, got {v!r}")
    return set(values)


def _check_k(k: Any) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
        raise ValueError(f"k must be an int > 0, got {k!r}")
    return k


class HybridRetriever(BaseRetriever):
    """Hybrid (or bm25 / dense) search; each Document carries its record in `metadata`.

    `metadata` holds every `Record` field (`id`, `doc_id`, `kind`, `item`, `month`, …) plus
    `score` and `rank` (1-based, among the documents returned).
    """

    index: Any
    k: int = 5
    mode: str = SearchMode.HYBRID.value
    filter: Any = None
    _years: dict[str, int | None] | None = PrivateAttr(default=None)

    @field_validator("k")
    @classmethod
    def _valid_k(cls, k: int) -> int:
        return _check_k(k)

    @field_validator("mode")
    @classmethod
    def _valid_mode(cls, mode: str) -> str:
        return SearchMode.from_str(mode).value

    @model_validator(mode="after")
    def _valid_filter(self) -> "HybridRetriever":
        RecordFilter.from_value(self.filter)
        return self

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, mode: str | None = None,
                                filter: RecordFilter | Mapping[str, Any] | None = None) -> list[Document]:
        k = self.k if k is None else _check_k(k)
        mode_ = SearchMode.from_str(mode or self.mode)
        wanted = RecordFilter.from_value(self.filter if filter is None else filter)
        hits = self._search(query, k, mode_, wanted)
        return [Document(page_content=h.record.text, id=h.record.id,
                         metadata={**h.record.to_dict(), "score": h.score, "rank": n})
                for n, h in enumerate(hits, 1)]

    def _search(self, query: str, k: int, mode: SearchMode, wanted: RecordFilter) -> list:
        kinds = tuple(sorted(wanted.kinds)) or None
        if not (wanted.doc_ids or wanted.years):
            return self.index.search(query, k=k, mode=mode, kinds=kinds)
        # The index restricts kinds before fusing; documents and years are kept after it, so the
        # pool grows until k hits survive or every record has been ranked.
        if wanted.years and self._years is None:
            self._years = document_years(self.index.records)
        years = self._years or {}
        total = len(self.index.records)
        pool = min(max(k * 4, 20), total)
        while True:
            hits = [h for h in self.index.search(query, k=pool, mode=mode, kinds=kinds)
                    if wanted.keeps(h.record, years)]
            if len(hits) >= k or pool >= total:
                return hits[:k]
            pool = min(pool * 4, total)
