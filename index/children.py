"""Sentence children of items and the preamble: small evidence, big citation.

A whole item embeds many topics at once, and a title-only item (维护教育系统政治安全。) embeds
nothing but its title, so whole-item similarity often ranks the wrong item first. Each sentence
of an item is therefore indexed as a record of its own (kind "sentence") whose `parent` names the
item it came from, the parent-document pattern of LangChain's `ParentDocumentRetriever`: retrieve
the sentence, cite the parent. The child carries its parent's id and its own text, nothing else
of the parent's, except the numbering needed to filter without a lookup (doc_id, item, section).
"""
from __future__ import annotations

import re

from ingest.records import Record, has_body
_SPLIT = re.compile(r"(?<=[。；;!！?？])")


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。；！？ (or their ASCII forms); the last may lack the mark."""
    return [s.strip() for s in _SPLIT.split(text) if s.strip()]


def sentence_children(parent: Record) -> list[Record]:
    """One record per sentence of `parent`; ids `<parent id>:s<n>` (1-based), stable for the text."""
    return [Record(id=f"{parent.id}:s{n}", doc_id=parent.doc_id, kind="sentence", text=s,
                   section=parent.section, item=parent.item, parent=parent.id)
            for n, s in enumerate(split_sentences(parent.text), 1)]


def with_children(records: list[Record]) -> list[Record]:
    """`records` followed by the sentence children of each record with a body (`has_body`: items, the
    preamble, sections with paragraphs of their own) (idempotent)."""
    if any(r.kind == "sentence" for r in records):
        return list(records)
    return list(records) + [c for r in records if has_body(r) for c in sentence_children(r)]
