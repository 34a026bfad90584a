"""Ingest: raw notices in `corpus/` (.txt, .md, .html, .docx, .pdf) become typed, citable records.

`read_corpus` gives a `CorpusReport` (one `FileReport` per file plus the documents read);
`load_corpus` is the short form the index uses.
"""
from __future__ import annotations

import os
from pathlib import Path

from ingest.corpus import CorpusReport, FileReport, read_corpus, require_documents
from ingest.errors import IngestError, LimitError, NoDocumentsError
from ingest.limits import Limits
from ingest.offices import OfficeTable
from ingest.records import Document, Record

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def corpus_dir() -> Path:
    """The notices folder every command and the app read: POLICYQA_CORPUS, else corpus/."""
    return Path(os.environ.get("POLICYQA_CORPUS") or CORPUS).expanduser()


def load_corpus(paths: list[Path] | None = None, offices: OfficeTable | None = None,
                limits: Limits | None = None) -> tuple[list[Document], list[IngestError]]:
    """Parse every notice under `paths` (default: corpus/). Bad, over-limit and duplicate files
    come back as errors (each names the file and the fix); the rest are still read. Raises
    `NoDocumentsError` when not one document is readable."""
    report = read_corpus(paths, offices, limits)
    require_documents(report, paths)
    errors = [IngestError(f.error) for f in report.skipped]
    errors += [IngestError(f.warnings[-1]) for f in report.duplicates]
    return list(report.documents), errors


__all__ = ["CORPUS", "corpus_dir", "CorpusReport", "Document", "FileReport", "IngestError", "LimitError",
           "Limits", "NoDocumentsError", "OfficeTable", "Record", "load_corpus", "read_corpus"]
