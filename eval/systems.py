"""The systems compared side by side: a plain LangChain RAG baseline, retrieval-only ablations,
and the full bot. Each is a callable `turns -> response dict` in the bot's JSON shape.

(a) langchain-rag: what a user builds in an afternoon from the same packages:
    RecursiveCharacterTextSplitter chunks of the raw notice, HuggingFaceEmbeddings with the same
    model, FAISS, the top-4 chunks as the answer, citations from the item a chunk lies in (and the
    schedule rows whose task appears in it). It never refuses.
(b–d) bm25 / dense / hybrid: the project's own index, top-4 records as the answer and citations.
(e) bot: `Bot.ask`, the function the app uses.
"""
from __future__ import annotations

from typing import Callable

from ingest import CORPUS
from ingest.parse import discover
from ingest.records import Record

System = Callable[[list[str]], dict]


def _record_citation(r: Record) -> dict:
    return {"kind": r.kind, "doc_id": r.doc_id, "item": r.item, "section": r.section, "month": r.month,
            "task": r.text if r.kind == "schedule" else None, "offices": list(r.offices), "quote": r.text}


def retrieval_system(index, mode: str, k: int = 4) -> System:
    def run(turns: list[str]) -> dict:
        index.embedder.clear_cache()  # latency of real work: systems share one embedder
        hits = index.search(turns[-1], k=k, mode=mode)
        return {"answer": "\n".join(h.record.text for h in hits), "found": bool(hits),
                "citations": [_record_citation(h.record) for h in hits]}
    return run


def bot_system(bot) -> System:
    def run(turns: list[str]) -> dict:
        if bot.corpus.index_loaded:
            bot.index.embedder.clear_cache()
        return bot.ask(turns[-1], turns[:-1]).to_dict()
    return run


def langchain_rag_system(records: list[Record], model_path: str, k: int = 4) -> System:
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.formats import read_text

    splitter = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=50,
                                              separators=["\n\n", "\n", "。", ",", ""])
    docs = []
    for path in discover([CORPUS]):
        text = read_text(path).text
        docs.extend(splitter.create_documents([text], metadatas=[{"source": path.name}]))
    embeddings = HuggingFaceEmbeddings(
        model_name=model_path, model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "prompt_name": "document"},
        query_encode_kwargs={"normalize_embeddings": True, "prompt_name": "query"})
    store = FAISS.from_documents(docs, embeddings)
    items = [r for r in records if r.kind == "item"]
    rows = [r for r in records if r.kind == "schedule"]

    def cite(chunk: str) -> list[dict]:
        out = []
        # The item a chunk lies in: the item whose text shares the chunk's longest run.
        body = chunk.replace("\n", "")
        for r in items:
            if any(part and part in r.text for part in body.split("。") if len(part) >= 8):
                out.append(_record_citation(r))
        out += [_record_citation(r) for r in rows if r.text in chunk]
        return out

    def run(turns: list[str]) -> dict:
        hits = store.similarity_search(turns[-1], k=k)
        cites: list[dict] = []
        for d in hits:
            cites += [c for c in cite(d.page_content) if c not in cites]
        return {"answer": "\n---\n".join(d.page_content for d in hits), "found": True, "citations": cites}
    return run
