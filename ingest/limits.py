"""Named input limits, read from environment variables, so one huge or runaway file cannot stall
indexing for every other notice.

Each limit says what raising it trades. The defaults leave ample room for real notices: the 2024
work plan is 36 KB of text and 117 records.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields

from ingest.errors import IngestError

ENV = {
    "max_file_bytes": "POLICYQA_MAX_FILE_BYTES",
    "max_records_per_doc": "POLICYQA_MAX_RECORDS_PER_DOC",
    "max_records": "POLICYQA_MAX_RECORDS",
}


@dataclass(frozen=True)
class Limits:
    # Bytes of one file on disk. Raising it admits larger PDFs / DOCX (images count too) at the
    # cost of reading time and memory during ingest.
    max_file_bytes: int = 20 * 1024 * 1024
    # Records (items + schedule rows + sections + …) of one document. A file over it is almost
    # always a mis-parse or not a notice; raising it lets such a file cost index build time.
    max_records_per_doc: int = 2000
    # Records of the whole corpus. Index build time and memory grow linearly with it (embedding
    # dominates: tens of ms per record on 2 cores). 1,000 notices like the 2024 one hold ~117,000
    # records, and were measured to build, load and answer within the scale targets
    # (benchmarks/bench_scale.py); 20,000 refused such a corpus.
    max_records: int = 250_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or value <= 0:
                raise IngestError(f"{ENV[f.name]} must be a positive integer, got {value!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Limits":
        """Defaults overridden by any `POLICYQA_MAX_*` variable that is set."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, var in ENV.items():
            raw = env.get(var)
            if raw is None or not raw.strip():
                continue
            try:
                values[name] = int(raw.strip().replace("_", ""))
            except ValueError:
                raise IngestError(f"{var} must be a positive integer, got {raw!r}; "
                                  f"unset it to use the default") from None
        return cls(**values)


def over_limit_message(what: str, value: int, field_name: str, limit: int) -> str:
    """`<what>: <value> is over the limit of <limit> (VAR); raise it with VAR=<n> …`."""
    var = ENV[field_name]
    return (f"{what}: {value:,} is over the limit of {limit:,} ({var}); raise it with "
            f"{var}={max(value, limit * 2)} if this is intended")
