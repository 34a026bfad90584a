"""Ingest: raw notices in `corpus/` become typed, citable records (see `ingest.records`)."""
from __future__ import annotations

from pathlib import Path

from ingest.offices import OfficeTable
from ingest.parse import IngestError, discover, parse_file
from ingest.records import Document, Record

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def load_corpus(paths: list[Path] | None = None,
                offices: OfficeTable | None = None) -> tuple[list[Document], list[IngestError]]:
    """Parse every notice under `paths` (default: corpus/). Bad files are reported, not fatal."""
    table = offices or OfficeTable.load()
    docs: list[Document] = []
    errors: list[IngestError] = []
    for path in discover(paths or [CORPUS]):
        try:
            docs.append(parse_file(path, table))
        except IngestError as e:
            errors.append(e)
    return docs, errors


__all__ = ["CORPUS", "Document", "IngestError", "OfficeTable", "Record", "load_corpus"]
