"""jieba tokenisation with the corpus' own user dictionary."""
from __future__ import annotations

from index.text import Tokenizer, index_text, user_terms
from ingest.offices import OfficeTable


def test_names_stay_whole(notice):
    offices = OfficeTable.load()
    tok = Tokenizer(user_terms(notice.records(), offices))
    assert "泉引桥" in tok.tokenize("深化基础教育全学段衔接“泉引桥”工程")
    assert "基教处" in tok.tokenize("6月份基教处要完成哪些工作")
    tokens = tok.tokenize("出台《济南市校外培训机构设置标准》")
    assert "《济南市校外培训机构设置标准》" in tokens
    assert "培训" in tokens or "培训机构" in tokens     # parts still match
    assert "的" not in tok.tokenize("学前教育的普惠")   # stopword


def test_plain_jieba_would_split_them():
    bare = Tokenizer([])
    assert "泉引桥" not in bare.tokenize("“泉引桥”工程")


def test_index_text_makes_numbering_searchable(notice):
    offices = OfficeTable.load()
    recs = {r.id: r for r in notice.records()}
    item7 = index_text(recs["jinan-edu-2024-work-plan:item:7"], offices)
    assert item7.startswith("第7条 二、坚持立德树人")
    row = index_text(recs["jinan-edu-2024-work-plan:schedule:07-05"], offices)
    assert row.startswith("7月 出台《济南市校外培训机构设置标准》") and "民继处(民办教育与继续教育处)" in row


def test_a_text_is_cut_once_however_often_its_words_are_asked_for():
    tok = Tokenizer(["泉引桥"])
    cutter = tok._cutter()
    calls = []
    real = cutter.lcut
    cutter.lcut = lambda text, *a, **k: (calls.append(text), real(text, *a, **k))[1]
    first = tok.words("泉引桥工程什么时候开现场会")
    first.append("改了")                       # a caller's list is its own
    assert tok.words("泉引桥工程什么时候开现场会") == first[:-1]
    assert "泉引桥" in first and calls == ["泉引桥工程什么时候开现场会"]
    tok.words("另一个问题")
    assert len(calls) == 2
