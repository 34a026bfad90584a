"""Read a whole corpus: unique doc_ids, duplicates read once, named limits, a report per file.

One bad, huge or duplicated file never stops the others: each file gets a `FileReport` saying how
it was read (format, encoding, counts, warnings) or exactly why it was not, and only when not one
document is readable does `load_corpus` raise (`NoDocumentsError`).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from ingest.errors import IngestError, LimitError, NoDocumentsError
from ingest.formats import FORMATS
from ingest.limits import Limits, over_limit_message
from ingest.offices import OfficeTable
from ingest.parse import TITLE_LIKE, discover, doc_id_for, parse_file
from ingest.records import Document

Status = Literal["read", "duplicate", "skipped"]


@dataclass(frozen=True)
class FileReport:
    """What reading one file found: shown by `python -m ingest` and the app's document library."""

    path: str
    status: Status                    # read; duplicate (same content as another file); skipped
    format: str | None = None         # txt, md, html, docx, pdf
    encoding: str | None = None       # text files only
    doc_id: str | None = None
    title: str | None = None
    sections: int = 0
    items: int = 0
    rows: int = 0                     # schedule rows
    records: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None          # why the file was skipped, with the fix
    duplicate_of: str | None = None   # the file whose reading was kept

    def to_dict(self) -> dict:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        return d


@dataclass(frozen=True)
class CorpusReport:
    """Every file's report, and the documents that were read (in file order)."""

    files: tuple[FileReport, ...]
    documents: tuple[Document, ...] = field(repr=False)

    @property
    def skipped(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def duplicates(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "duplicate"]


def by_format(paths: list[Path]) -> list[Path]:
    """Files in `FORMATS` order, then by path: a .txt is read (and keeps its id) before an .md,
    .html, .docx or .pdf of the same notice."""
    order = list(FORMATS)
    return sorted(paths, key=lambda p: (order.index(p.suffix.lower()) if p.suffix.lower() in order
                                        else len(order), str(p)))


def assign_doc_ids(paths: list[Path]) -> dict[Path, str]:
    """doc_ids unique across files: on a clash (notice.md beside notice.txt) the file whose format
    comes first in `FORMATS` keeps the plain stem and the others get `-<suffix>`; clashes left
    after that (same name in two folders) get `-2`, `-3`."""
    taken: set[str] = set()
    out: dict[Path, str] = {}
    for p in by_format(paths):
        base = doc_id_for(p)
        doc_id = base if base not in taken else f"{base}-{p.suffix.lstrip('.').lower() or 'file'}"
        n = 2
        while doc_id in taken:
            doc_id, n = f"{base}-{n}", n + 1
        taken.add(doc_id)
        out[p] = doc_id
    return out


def content_key(doc: Document) -> str:
    """sha256 of everything the document says, its doc_id and file aside: two files with the same
    normalised text (a GBK copy of a UTF-8 notice, the .html of a .txt) share it."""
    body = [{k: v for k, v in r.to_dict().items() if k not in ("id", "doc_id")} for r in doc.records()]
    body.append({"title": doc.title, "meta_title": doc.meta_title})
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def read_corpus(paths: list[Path] | None = None, offices: OfficeTable | None = None,
                limits: Limits | None = None) -> CorpusReport:
    """Read every notice under `paths` (default: `corpus_dir()`) into documents and per-file reports."""
    from ingest import corpus_dir

    limits = limits or Limits.from_env()
    roots = [Path(p) for p in paths] if paths else [corpus_dir()]
    # The folder's own office table, as the index and the bot read it, when all is in one folder.
    folders = {p if p.is_dir() else p.parent for p in roots}
    table = offices or (OfficeTable.for_corpus(folders.pop()) if len(folders) == 1 else OfficeTable.load())
    files = by_format(discover(roots))
    ids = assign_doc_ids(files)
    reports: list[FileReport] = []
    docs: list[Document] = []
    seen: dict[str, Document] = {}
    total = 0
    for path in files:
        try:
            doc = _read_one(path, ids[path], table, limits)
            n = len(doc.records())
            if total + n > limits.max_records:
                raise LimitError(over_limit_message(f"{path}: corpus records with this file",
                                                    total + n, "max_records", limits.max_records),
                                 "max_records", total + n, limits.max_records)
        except IngestError as e:
            reports.append(FileReport(str(path), "skipped", format=FORMATS.get(path.suffix.lower()),
                                      error=str(e)))
            continue
        key = content_key(doc)
        if key in seen:
            first = seen[key]
            note = (f"{path}: same content as {first.path}; read once, as doc_id {first.doc_id!r} "
                    "(remove one of the two files)")
            reports.append(_report(doc, "duplicate", (*doc.warnings, note), duplicate_of=first.path))
            continue
        seen[key] = doc
        docs.append(doc)
        total += n
        reports.append(_report(doc, "read", doc.warnings))
    return CorpusReport(tuple(reports), tuple(docs))


def _read_one(path: Path, doc_id: str, table: OfficeTable, limits: Limits) -> Document:
    if path.is_file():
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise LimitError(over_limit_message(f"{path}: file size in bytes", size,
                                                "max_file_bytes", limits.max_file_bytes),
                             "max_file_bytes", size, limits.max_file_bytes)
    doc = parse_file(path, table, doc_id=doc_id)
    # A notice may number nothing (a short 通知 of a few paragraphs), but it has a notice's title
    # (关于…的通知) or sign-off date, and paragraphs in Chinese.
    if not doc.items and not doc.schedule and not any(s.text for s in doc.sections) and not (
            (doc.date or TITLE_LIKE.search(doc.title)) and any(re.search(r"[\u4e00-\u9fff]", p) for p in doc.paragraphs)):
        kind = {"pdf": "PDF", "docx": "document", "html": "page"}.get(doc.format, "file")
        raise IngestError(f"{path}: no numbered items (1. …), sections (一、…), schedule rows, or title or date "
                          f"of a notice above paragraphs found in this {kind}, so there is nothing to cite and "
                          "it is not indexed; check that it is a notice (a scanned PDF needs OCR first)")
    n = len(doc.records())
    if n > limits.max_records_per_doc:
        raise LimitError(over_limit_message(f"{path}: records in this document", n,
                                            "max_records_per_doc", limits.max_records_per_doc),
                         "max_records_per_doc", n, limits.max_records_per_doc)
    return doc


def _report(doc: Document, status: Status, warnings: tuple[str, ...],
            duplicate_of: str | None = None) -> FileReport:
    return FileReport(doc.path, status, format=doc.format, encoding=doc.encoding, doc_id=doc.doc_id,
                      title=doc.title, sections=len(doc.sections), items=len(doc.items),
                      rows=len(doc.schedule), records=len(doc.records()), warnings=warnings,
                      duplicate_of=duplicate_of)


def require_documents(report: CorpusReport, paths: list[Path] | None = None) -> None:
    """Raise `NoDocumentsError` naming every file and why, when no document was read."""
    if report.documents:
        return
    where = ", ".join(map(str, paths)) if paths else "corpus/"
    if not report.files:
        raise NoDocumentsError(f"no notice files in {where}: add a notice as one of "
                               f"{', '.join(FORMATS)}", report)
    reasons = "; ".join(f.error or f.status for f in report.files)
    raise NoDocumentsError(f"no readable document in {where} ({len(report.files)} file(s)): "
                           f"{reasons}", report)
