"""jieba's dictionary read a piece at a time (index/jieba_table.py): the same segmentation as jieba's
whole table, without unmarshalling the whole table; a damaged or unwritable cache is not fatal."""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from index import jieba_table
from index.jieba_table import FreqTable, lazy_tokenizer, words_tagged
from index.text import Tokenizer, user_terms
from ingest.offices import OfficeTable

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ["6月份基教处要完成哪些工作?", "穷人家的娃读书国家给钱吗", "督導室五月份有什麼任務?",
             "双剪政策今年有什么措施", "What is due in June from 基教处?", "齐鲁名师培养计划今年选多少人",
             "烟台今年的工作要点", "", "ＡＢＣ１２３", "幼儿园"]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    jieba_table._load.cache_clear()
    jieba_table.words_tagged.cache_clear()
    yield tmp_path / "cache" / "jieba"
    jieba_table._load.cache_clear()
    jieba_table.words_tagged.cache_clear()


def _whole_jieba(terms: list[str]) -> jieba.Tokenizer:
    cutter = jieba.Tokenizer()
    for term in terms:
        if not term.startswith("《"):
            cutter.add_word(term, freq=2_000_000)
    return cutter


def test_segmentation_equals_jiebas_whole_table(notice):
    """Every record and question cuts the same way, both cuts, with the notice's own user words."""
    terms = user_terms(notice.records(), OfficeTable.load())
    ours, whole = Tokenizer(terms)._cutter(), _whole_jieba(Tokenizer(terms).terms)
    assert isinstance(ours.FREQ, FreqTable) and ours.total == whole.total
    texts = [r.text for r in notice.records()] + QUESTIONS
    for text in texts:
        assert ours.lcut(text) == whole.lcut(text), text
        assert list(ours.cut_for_search(text)) == list(whole.cut_for_search(text)), text
    # and the table holds what jieba's does, for every word these texts contain
    for word in {w for t in texts for w in whole.lcut(t)}:
        assert ours.FREQ.get(word) == whole.FREQ.get(word), word


def test_a_question_unmarshals_a_few_pieces_and_never_the_whole_table(monkeypatch):
    lazy_tokenizer()   # the cache exists from here on

    def whole(*args, **kwargs):
        raise AssertionError("jieba unmarshalled its whole table")

    monkeypatch.setattr(jieba.Tokenizer, "initialize", whole)
    cutter = lazy_tokenizer()
    assert cutter.lcut("普惠性幼儿园覆盖率目标是多少?")[:2] == ["普惠性", "幼儿园"]
    assert 0 < cutter.FREQ.pieces_loaded < 30


def test_a_damaged_cache_is_made_again(fresh_cache, caplog):
    lazy_tokenizer()
    (table,) = fresh_cache.glob("jieba-freq-*.bin")
    table.write_bytes(b"\x00not marshal")
    jieba_table._load.cache_clear()
    with caplog.at_level(logging.WARNING, logger="index.jieba_table"):
        cutter = lazy_tokenizer()
    assert "damaged" in caplog.text and "making it again" in caplog.text
    assert cutter.lcut("学前教育普惠") == jieba.Tokenizer().lcut("学前教育普惠")
    assert table.stat().st_size > 1_000_000


def test_an_unwritable_cache_falls_back_to_the_whole_table(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("POLICYQA_CACHE", str(blocker))   # jieba/ cannot be made under a file
    jieba_table._load.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="index.jieba_table"):
            cutter = lazy_tokenizer()
        assert "cannot write" in caplog.text and "POLICYQA_CACHE" in caplog.text
        assert isinstance(cutter.FREQ, dict)   # jieba's own table, loaded whole on first use
        assert cutter.lcut("学前教育普惠") == jieba.Tokenizer().lcut("学前教育普惠")
    finally:
        jieba_table._load.cache_clear()


def test_place_names_from_the_dictionary(fresh_cache):
    places = words_tagged("ns")
    assert {"烟台市", "青岛", "济南"} <= places and "教育" not in places
    assert list(fresh_cache.glob("jieba-ns-*.txt"))
    words_tagged.cache_clear()
    assert words_tagged("ns") == places   # read back from the file


def test_a_fresh_bot_answers_without_loading_jiebas_whole_table(built_index):
    """In a fresh process, once the cache exists: a retrieval question is answered (BM25 and key
    terms need jieba) and jieba's own `initialize` never ran."""
    lazy_tokenizer()
    code = (
        "import jieba\n"
        "def whole(*a, **k): raise AssertionError('jieba loaded its whole table')\n"
        "jieba.Tokenizer.initialize = whole\n"
        "from bot.core import Bot\n"
        f"bot = Bot.load(index_path=__import__('pathlib').Path({str(built_index.path)!r}))\n"
        "answer = bot.ask('穷人家的孩子上学有补助吗')\n"
        "print(bool(answer.citations))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True"]
