"""The index exposed to LangChain as a `BaseRetriever`, so LangChain chains can use it."""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from index.rank import SearchMode


class HybridRetriever(BaseRetriever):
    """Hybrid (or bm25 / dense) search; each Document carries its record in `metadata`."""

    index: Any
    k: int = 5
    mode: str = SearchMode.HYBRID.value

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.index.search(query, k=self.k, mode=self.mode)
        return [Document(page_content=h.record.text,
                         metadata={**h.record.to_dict(), "score": h.score, "rank": h.rank})
                for h in hits]
