"""Shared fixtures. The real notice and the real office table are used wherever possible."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTICE = ROOT / "corpus" / "jinan-edu-2024-work-plan.txt"


@pytest.fixture(scope="session")
def notice():
    from ingest.parse import parse_file
    return parse_file(NOTICE)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """The real index (real e5 model, real FAISS) built from the real corpus into a temp folder."""
    from index.store import Index, corpus_records

    path = tmp_path_factory.mktemp("index") / "index"
    return Index.build(corpus_records(), path)


@pytest.fixture(scope="session")
def bot(built_index):
    from bot.core import Bot
    from ingest.offices import OfficeTable

    return Bot(built_index.records, OfficeTable.load(), index=built_index)
