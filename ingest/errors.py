"""The ingest exception family. Every message names the file (or setting), the value, and the fix."""
from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and how to fix it."""


class LimitError(IngestError):
    """A file or corpus over one of the named limits in `ingest.limits.Limits`."""

    def __init__(self, message: str, setting: str, value: int, limit: int):
        super().__init__(message)
        self.setting, self.value, self.limit = setting, value, limit


class NoDocumentsError(IngestError):
    """Not one readable document among the files given; `report` says why for each file."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report
