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
