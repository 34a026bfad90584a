"""LangChain's own standard retriever tests (`langchain-tests`) against the real index.

`HybridRetriever` is the seam a larger deployment would move the store behind, so it must pass
what LangChain expects of every retriever: `k` in the constructor and per call, sync and async
invoke returning `Document`s. The index is the real one (real model, real FAISS) built from the
real corpus.
"""
from __future__ import annotations

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from index.retriever import HybridRetriever


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _index(self, built_index):
        # The base class builds retrievers from properties, not fixtures: keep the index here.
        self._built_index = built_index

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"index": self._built_index}

    @property
    def retriever_query_example(self) -> str:
        return "校外培训机构设置标准"
