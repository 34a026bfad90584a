"""Several notices in one corpus: every citation names its document, and questions choose theirs.

The corpus is our notice plus two small hand-made ones of other years, places and layouts
(tests/bot/data/), indexed for real with the real model.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest

from tests.conftest import NOTICE, ROOT

pytestmark = pytest.mark.slow
DATA = ROOT / "tests" / "bot" / "data"


def _bot_over(tmp_path_factory, built_index, *notices):
    """A bot over our notice, the office table and `notices`, indexed for real (the real model)."""
    from bot.core import Bot
    from index.store import Index, corpus_records
    from ingest.offices import OfficeTable

    corpus = tmp_path_factory.mktemp("corpus")
    for f in (NOTICE, ROOT / "corpus" / "offices.tsv", *notices):
        shutil.copy(f, corpus / f.name)
    offices = OfficeTable.for_corpus(corpus)
    idx = Index.build(corpus_records(corpus, offices), tmp_path_factory.mktemp("index") / "index", offices,
                      corpus=corpus, embedder=built_index.embedder)
    return Bot(idx.records, offices, index=idx)


@pytest.fixture(scope="module")
def multi(tmp_path_factory, built_index):
    return _bot_over(tmp_path_factory, built_index, DATA / "jinan-2023.txt", DATA / "zibo-2024.txt")


def test_a_question_about_one_notice_is_checked_against_that_notice_s_words(multi):
    """泉悦读 is the Jinan notice's: asked of Zibo's, it is a term that notice lacks (the check had
    searched every notice of the corpus)."""
    from bot.scope import absent_terms

    zibo = next(d for d in multi.corpus.documents if d.startswith("zibo"))
    assert "泉悦读" in multi.corpus.text and "泉悦读" not in multi.corpus.text_of((zibo,))
    q = replace(multi.understand("淄博的泉悦读工程有什么安排"), docs=(zibo,))
    assert "泉悦读" in absent_terms(q, multi.corpus)
    assert multi.corpus.text_of(()) is multi.corpus.text


def labels(a):
    return [c.label for c in a.citations]


def test_every_document_gets_a_unique_short_label(multi):
    docs = multi.corpus.documents
    assert len(docs) == 3 and len({d.label for d in docs.values()}) == 3
    assert {d.label for d in docs.values()} == {"济南2024工作要点", "淄博2024工作要点", "济南2023工作要点"}


def test_a_year_selects_its_document_and_labels_name_it(multi):
    a = multi.ask("2023年工作要点第1条讲什么?")
    assert a.found and labels(a) == ["〔济南2023工作要点·第1条〕"] and "强化理论武装" in a.answer


def test_no_document_named_goes_to_the_newest_and_says_which(multi):
    a = multi.ask("第1条讲什么?")
    assert a.found and len(a.citations) == 1 and "按《" in a.answer
    assert a.citations[0].doc_id in {d.doc_id for d in multi.corpus.documents.values() if d.year == 2024}


def test_last_year_is_relative_to_the_newest_document(multi):
    a = multi.ask("去年3月有什么工作?")
    assert a.found and all(c.doc_id == "jinan-2023" for c in a.citations)
    assert "〔济南2023工作要点·配档表·3月·办公室〕" in a.answer


def test_a_place_selects_its_document(multi):
    a = multi.ask("淄博5月有什么工作?")
    # The row (召开集团化办学推进会) and the item it carries out (1.推进集团化办学), both Zibo's.
    assert a.found and labels(a) == ["〔淄博2024工作要点·配档表·5月·基教处〕", "〔淄博2024工作要点·第1条〕"]


def test_both_years_are_compared_each_side_cited(multi):
    a = multi.ask("两年的第1条有什么不同?")
    docs = {c.doc_id for c in a.citations}
    assert len(docs) >= 2 and all(re.match(r"〔.+·第1条〕", lab) for lab in labels(a))


def test_header_answers_for_the_selected_document(multi):
    a = multi.ask("2023年工作要点的文号是什么?")
    assert "济教工委办〔2023〕2号" in a.answer and "〔2024〕" not in a.answer


def test_documents_are_listed(multi):
    a = multi.ask("有哪些文件?")
    assert a.found and a.answer.count("《") == 3 and "淄教发〔2024〕3号" in a.answer


def test_a_document_not_held_is_refused_with_the_list(multi):
    a = multi.ask("2021年工作要点讲了什么?")
    assert not a.found and "已收录" in a.answer and "2023年工作要点" in a.answer


def test_single_document_labels_stay_short(bot):
    a = bot.ask("第7条讲什么?")
    assert labels(a) == ["〔第7条〕"]


def test_rows_over_several_months_filter_by_every_month_and_cite_their_time(tmp_path, built_index):
    """A 配档表 cell such as 上半年 or 3—4月 covers several months: a question about any of them
    finds the row, and its label keeps the time as written."""
    from bot.core import Bot
    from ingest.offices import OfficeTable
    from ingest.records import Record

    rows = [Record(id="d:schedule:04-01", doc_id="d", kind="schedule", text="完成甲项工作", month=4,
                   months=(3, 4), when="3—4月", offices=("基教处",)),
            Record(id="d:schedule:06-01", doc_id="d", kind="schedule", text="完成乙项工作", month=6,
                   months=(1, 2, 3, 4, 5, 6), when="上半年", offices=("督导室",))]
    rows.append(Record(id="d:schedule:00-01", doc_id="d", kind="schedule", text="丙项工作常态推进",
                       month=None, when="全年", offices=("基教处",)))
    b = Bot(rows, OfficeTable.load(), index=built_index)
    count = b.ask("基教处一共几项工作?")        # a row with no single month is counted, not a crash
    assert count.found and "共 2 项" in count.answer
    a = b.ask("3月有什么工作?")
    assert [c.task for c in a.citations] == ["完成甲项工作", "完成乙项工作"]
    assert "〔配档表·3—4月·基教处〕" in a.answer and "〔配档表·上半年·督导室〕" in a.answer


@pytest.mark.parametrize("question", ["集团化办学有什么安排", "学生资助", "What about school safety?"])
def test_evidence_from_one_notice_of_several_ranks_its_rows_alone(multi, monkeypatch, question):
    """With several notices, evidence for one is ranked over that notice's rows only (a mask over
    the index), and lists what widening a pool over every notice lists."""
    c = multi.corpus
    for doc in c.documents:
        masked = c.evidence(question, docs=(doc,))
        assert any(v is not None for v in c._masks.values()) and all(e.record.doc_id == doc for e in masked)
        with monkeypatch.context() as m:
            m.setattr(type(c), "_eligible", lambda self, *a: None)
            widened = c.evidence(question, docs=(doc,))
        assert [e.record.id for e in masked] == [e.record.id for e in widened]


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory, built_index):
    """Our notice and a newer one of another city, whose table is titled 安排表 and whose offices
    (教师工作科, 学前教育科) the alias table does not list."""
    return _bot_over(tmp_path_factory, built_index, DATA / "yantai-2025.txt")


def test_a_place_and_this_year_mean_that_places_newest_notice(two_cities):
    """济南今年… is the newest 济南 notice (2024), though another city's (2025) is newer."""
    for q in ("济南今年普惠性幼儿园覆盖率目标是多少?", "济南今年6月基教处有什么工作?"):
        a = two_cities.ask(q)
        assert a.found and {c.doc_id for c in a.citations} == {"jinan-edu-2024-work-plan"}, q


def test_an_office_the_alias_table_does_not_list_is_still_an_office(two_cities):
    a = two_cities.ask("教师工作科全年有什么任务")
    rows = [(c.month, c.offices) for c in a.citations if c.kind == "schedule"]
    assert a.found and rows == [(7, ("教师工作科",)), (12, ("教师工作科",))]


def test_a_figure_asked_of_both_notices_is_answered_from_each(two_cities):
    a = two_cities.ask("两年的普惠性幼儿园覆盖率目标分别是多少")
    assert a.found and "92%" in a.answer and "95%" in a.answer
    assert [c.doc_id for c in a.citations if c.kind == "item"] == ["yantai-2025", "jinan-edu-2024-work-plan"]


@pytest.mark.parametrize("question", ["烟台3月和济南3月分别有什么工作", "2024年和2025年分别有多少项工作"])
def test_a_schedule_question_of_both_notices_is_answered_under_each_title(two_cities, question):
    a = two_cities.ask(question)
    titles = re.findall(r"\*\*《([^》]+)》\*\*", a.answer)
    assert a.found and titles == [d.title for d in two_cities.corpus.documents.values()]
    # each notice's part cites only its own rows
    first, second = a.answer.split(f"**《{titles[1]}》**")
    assert "2024工作要点" not in first and "2025工作要点" not in second


@pytest.mark.parametrize("turns,doc,needle", [
    (["烟台5月有什么工作", "那济南呢"], "jinan-edu-2024-work-plan", "5月"),
    (["济南普惠性幼儿园覆盖率目标是多少", "烟台的呢"], "yantai-2025", "92%"),
    (["2024年6月基教处有什么工作", "2025年的呢"], "yantai-2025", "6月"),
])
def test_a_follow_up_naming_only_another_notice_asks_the_same_of_it(two_cities, turns, doc, needle):
    a = two_cities.ask(turns[-1], turns[:-1])
    assert a.found and {c.doc_id for c in a.citations} == {doc} and needle in a.answer


def test_which_notice_is_newest_lists_the_notices_newest_first(two_cities):
    for q in ("最新的工作要点是哪一份", "哪份文件最新"):
        a = two_cities.ask(q)
        assert a.found and a.answer.index("烟台市教育局2025年工作要点") < a.answer.index("2024年工作要点"), q


def test_how_many_items_each_notice_has(two_cities):
    a = two_cities.ask("济南和烟台分别有多少条")
    assert a.found and "通知共 8 条,分 3 个部分" in a.answer and "通知共 20 条,分 5 个部分" in a.answer


def test_an_office_written_right_is_not_corrected_into_a_nearby_term(two_cities):
    """烟台教师工作科: 烟台教师 is one character off 烟台名师, but 教师工作科 is an office of the notice."""
    a = two_cities.ask("烟台教师工作科的职称工作几月")
    assert "按“" not in a.answer and a.rows
    assert all("教师工作科" in two_cities.corpus.by_id[r].offices for r in a.rows)


@pytest.mark.parametrize("question", ["烟台教师工作科的职称工作几月", "烟台2025年教师工作科的职称工作有哪些"])
def test_the_place_that_chose_the_notice_is_not_a_topic_of_its_rows(two_cities, question):
    a = two_cities.ask(question)
    assert a.found and a.rows and "烟台" not in a.answer.split("以下是")[0]


@pytest.mark.parametrize("turns,doc", [
    (["济南6月份有什么工作", "那7月呢"], "jinan-edu-2024-work-plan"),   # the newest (烟台 2025) has 7月 rows too
    (["烟台3月有什么工作", "那6月呢"], "yantai-2025"),
    (["济南2024年3月份的工作", "那下半年呢"], "jinan-edu-2024-work-plan"),
])
def test_a_follow_up_stays_with_the_notice_of_the_turn_before(two_cities, turns, doc):
    a = two_cities.ask(turns[-1], turns[:-1])
    assert a.found and a.rows and {c.doc_id for c in a.citations} == {doc}
    # the place that chose the notice is no topic of the follow-up's rows
    assert "没有直接提到" not in a.answer


@pytest.mark.parametrize("question", ["民继处有什么任务?", "7月份民继处有什么任务?"])
def test_a_schedule_question_naming_no_notice_goes_to_the_newest_with_rows_for_it(two_cities, question):
    """The newest notice (烟台 2025) has no 民继处: the rows come from the one that has (济南 2024),
    and the answer says which notice it used."""
    a = two_cities.ask(question)
    assert a.found and a.rows and {c.doc_id for c in a.citations} == {"jinan-edu-2024-work-plan"}
    assert "按《" in a.answer


@pytest.fixture(scope="module")
def restarting(tmp_path_factory, built_index):
    """Our notice, one that numbers its items afresh in each section (一、1 … 二、1 …) and one, a
    saved web page, afresh in each (一) part, its rows' offices written 安全管理科, 学前教育科."""
    return _bot_over(tmp_path_factory, built_index, DATA / "qingdao-2025.txt", DATA / "zibo-2023.html")


def _items_numbered(bot, doc, no):
    return [r for r in bot.corpus.items.values() if r.doc_id == doc and r.item == no]


def test_items_numbered_afresh_in_each_section_are_all_kept(restarting):
    items = [r for r in restarting.corpus.items.values() if r.doc_id == "qingdao-2025"]
    assert len(items) == len({r.id for r in items}) > len({r.item for r in items})


def test_an_item_number_of_several_sections_answers_with_each_labelled_by_its_section(restarting):
    a = restarting.ask("青岛的第3条讲什么?")
    expected = _items_numbered(restarting, "qingdao-2025", 3)
    assert len(expected) > 1 and a.found
    assert [c.record_id for c in a.citations] == [r.id for r in expected]
    assert [c.label for c in a.citations] == [f"〔青岛2025工作要点·{r.section}·第3条〕" for r in expected]


def test_a_section_and_an_item_number_name_one_item(restarting):
    a = restarting.ask("青岛工作要点第二部分第2条是什么?")
    (item,) = [r for r in _items_numbered(restarting, "qingdao-2025", 2) if r.section == "二"]
    assert a.found and [c.record_id for c in a.citations] == [item.id] and item.title in a.answer


@pytest.mark.parametrize("question", ["青岛二·第2条是什么?", "青岛工作要点二（二）讲的是什么", "青岛 二、（二）的内容"])
def test_a_section_and_an_item_named_as_the_answers_label_it_name_one_item(restarting, question):
    """二·第2条 is how answers label the item; 二（二） how a notice numbering (一)(二) in each part
    would cite it."""
    (item,) = [r for r in _items_numbered(restarting, "qingdao-2025", 2) if r.section == "二"]
    a = restarting.ask(question)
    assert a.found and [c.record_id for c in a.citations] == [item.id]


def test_who_carries_out_an_item_named_with_its_section_lists_only_that_item_s_rows(restarting):
    (item,) = [r for r in _items_numbered(restarting, "qingdao-2025", 2) if r.section == "二"]
    a = restarting.ask("青岛二·第2条谁负责?")
    linked = {r.id for r in restarting.corpus.rows_of_items({item.id})}
    assert set(a.rows) == linked
    assert not any(c.kind == "item" and c.record_id != item.id for c in a.citations)


def test_a_notice_numbered_straight_through_keeps_its_plain_labels(restarting):
    a = restarting.ask("济南2024年第7条讲什么?")
    (c,) = a.citations
    assert a.found and c.doc_id == "jinan-edu-2024-work-plan" and c.part == ""
    assert c.label == f"〔{restarting.corpus.documents[c.doc_id].label}·第7条〕"


@pytest.mark.parametrize("issuer,title,place", [
    ("烟台市莱山区教育和体育局", "", "莱山"),           # a district: the most specific place
    ("山东省济南市教育局", "", "济南"), ("中共济南市委教育工作委员会", "", "济南"),
    ("", "石家庄市教育局2025年工作要点", "石家庄"), ("", "2025年全市教育工作要点", ""),
])
def test_a_notice_s_place_is_the_most_specific_its_issuer_names(issuer, title, place):
    from bot.corpus import _place

    assert _place(title, issuer) == place


@pytest.fixture(scope="module")
def no_table(tmp_path_factory, built_index):
    """Our notice and a newer one of the same city with no 配档表, its items numbered (一)(二)…"""
    return _bot_over(tmp_path_factory, built_index, DATA / "jinan-summer-safety-2025.txt")


def test_when_a_notice_without_a_schedule_says_something_happens_is_answered_from_its_text(no_table):
    a = no_table.ask("暑期托管时间是几点到几点?")
    assert a.found and "8:30" in a.answer
    assert {c.doc_id for c in a.citations} == {"jinan-summer-safety-2025"} and not a.rows


def test_labels_of_one_place_s_notices_stay_short_and_mangle_no_word(no_table):
    labels_ = {d.doc_id: d.label for d in no_table.corpus.documents.values()}
    assert labels_ == {"jinan-summer-safety-2025": "2025暑期学生工作通知",
                       "jinan-edu-2024-work-plan": "2024工作要点"}


@pytest.mark.parametrize("question,doc,office", [
    ("青岛市教育局6月份有什么任务?", "qingdao-2025", None),   # its issuer names the notice: no topic
    ("淄博安全管理科负责哪些工作?", "zibo-2023", "安全管理科"),   # a word of an office's name: no topic
])
def test_words_that_choose_the_notice_or_the_office_are_no_topic_of_its_rows(restarting, question, doc, office):
    a = restarting.ask(question)
    q = a.query
    expected = restarting.corpus.filter_rows(q.months, q.offices, (doc,))
    assert a.found and expected and "没有直接提到" not in a.answer
    assert set(a.rows) == {r.id for r in expected}
    assert office is None or all(office in r.offices for r in expected)


def test_a_district_s_notice_is_chosen_by_its_city_too(restarting):
    from bot.corpus import _places

    assert _places("", "烟台市莱山区教育和体育局") == ["烟台", "莱山"]


def test_a_question_naming_no_notice_is_answered_from_the_notice_whose_text_answers_it(no_table):
    """The newest notice (a summer-safety notice) says nothing of 中考招生; the 2024 work plan does."""
    a = no_table.ask("中考招生什么时候启动?")
    assert a.found and {c.doc_id for c in a.citations} == {"jinan-edu-2024-work-plan"} and "按《" in a.answer
    b = no_table.ask("暑期托管时间是几点到几点?")
    assert b.found and {c.doc_id for c in b.citations} == {"jinan-summer-safety-2025"}


def test_a_follow_up_about_a_row_gives_its_time_as_the_table_writes_it(restarting):
    """A row dated 全年 is due 全年 (its month is kept as 12 only to sort it), not 12月."""
    office = restarting.corpus.offices.canonical("学前教育处")
    rows_ = [r for r in restarting.corpus.filter_rows((), (office,), ("qingdao-2025",)) if r.when == "全年"]
    assert rows_
    a = restarting.ask("这个谁负责", ["青岛学前教育处有哪些工作"])
    assert a.found and "(全年)" in a.answer and "12月" not in a.answer


def test_a_specific_word_of_one_notice_s_title_chooses_it(no_table):
    """济南 names both notices; 暑期 only the summer-safety one's title. It has no 配档表, so its text
    says what happens in 7月."""
    a = no_table.ask("济南暑期安全工作7月份有什么安排?")
    assert a.found and {c.doc_id for c in a.citations} == {"jinan-summer-safety-2025"} and "7月5日前" in a.answer


def test_a_place_and_year_not_held_together_are_refused_naming_both(restarting):
    a = restarting.ask("淄博2025年工作要点有哪些重点任务?")   # 淄博 is held (2023), 2025 is held (青岛)
    assert not a.found and "“淄博2025年”" in a.answer


@pytest.fixture(scope="module")
def districts(tmp_path_factory, built_index):
    """Our notice, 青岛's, and two of 2025 read from Word: 德州 and 吴江 (whose title word 吴江 is
    also its place)."""
    ingest_data = ROOT / "tests" / "ingest" / "data"
    return _bot_over(tmp_path_factory, built_index, DATA / "qingdao-2025.txt",
                     ingest_data / "dezhou-edu-2025.docx", ingest_data / "wujiang-edu-2025.docx")


@pytest.mark.parametrize("question", ["How many new school places will Qingdao add in 2025?",
                                      "How many new school places will Qing Dao add in 2025?"])
def test_a_place_written_in_pinyin_selects_its_notice(districts, question):
    a = districts.ask(question)
    assert a.found and {c.doc_id for c in a.citations} == {"qingdao-2025"} and "3.2万" in a.answer


def test_a_word_that_spells_a_place_in_lower_case_is_no_place(districts):
    from bot.documents import _names
    assert _names("Qingdao's plan", "青岛", True) and not _names("the qingdao plan", "青岛", True)


@pytest.mark.parametrize("question,docs", [
    ("吴江和德州交流轮岗的教师分别是多少", {"wujiang-edu-2025", "dezhou-edu-2025"})])
def test_two_places_named_are_each_answered(districts, question, docs):
    """A title word of one (吴江) does not drop the other."""
    a = districts.ask(question)
    assert a.found and {c.doc_id for c in a.citations} == docs


def test_a_notice_assumed_names_the_others_that_could_answer(multi):
    """A question naming none of three notices: answered from one, the other two named to ask."""
    a = multi.ask("新增学位目标是多少?")
    used = {c.doc_id for c in a.citations}
    others = [d for d in multi.corpus.documents.values() if d.doc_id not in used]
    assert len(used) == 1 and "另有" in a.answer and all(f"《{d.title}》" in a.answer for d in others)


@pytest.fixture(scope="module")
def duties_in_text(tmp_path_factory, built_index):
    """Our notice and one with no 配档表 whose items name their offices (（牵头科室：人事科）) and
    dates (6月底前完成…) in their text."""
    return _bot_over(tmp_path_factory, built_index, ROOT / "tests" / "ingest" / "data" / "xinwu-edu-2026.md")


@pytest.mark.parametrize("question,items", [
    ("新吴区人事科负责哪些工作", [7, 8]), ("新吴区安全管理科负责什么", [9, 10]),
    ("新吴区9月有什么工作", [1, 8]), ("新吴区6月底前要完成哪些工作", [2, 3, 7, 10]),
    ("新吴区基础教育科9月有什么任务", [1]),
])
def test_a_notice_without_a_schedule_answers_an_office_s_or_a_month_s_work_from_its_items(
        duties_in_text, question, items):
    a = duties_in_text.ask(question)
    assert a.found and "没有配档表" in a.answer
    assert [duties_in_text.corpus.by_id[c.record_id].item for c in a.citations] == items
    assert {c.doc_id for c in a.citations} == {"xinwu-edu-2026"} and not a.rows


def test_a_notice_without_a_schedule_says_plainly_when_no_item_names_the_office(duties_in_text):
    a = duties_in_text.ask("新吴区民继处负责哪些工作")
    assert not a.found and "没有写明" in a.answer and not a.citations


@pytest.fixture(scope="module")
def bureaus(tmp_path_factory, built_index):
    return _bot_over(tmp_path_factory, built_index, DATA / "gongshu-rsj-2024.txt", DATA / "gusu-scjgj-2025.txt")


@pytest.mark.parametrize("question,label,month", [
    ("人社局12月有哪些工作", "拱墅2024工作计划", 12), ("拱墅区人社局12月有哪些工作", "拱墅2024工作计划", 12),
    ("市场监管局6月有哪些任务", "姑苏2025工作要点", 6), ("济南市教育局6月有哪些工作", "济南2024工作要点", 6),
])
def test_an_issuing_body_named_as_staff_name_it_chooses_its_notice(bureaus, question, label, month):
    """人社局 for 人力资源和社会保障局, 市场监管局 for 市场监督管理局: the notice that body issued, its
    rows not filtered by the body's name as a topic (it had been refused, or answered from the newest
    notice)."""
    a = bureaus.ask(question)
    cited = {c.doc_label for c in a.citations}
    assert a.found and cited == {label} and all(c.month == month for c in a.citations if c.kind == "schedule")
    assert "没有直接提到" not in a.answer


def test_a_district_followed_by_a_market_bureau_is_named_by_the_district(bureaus):
    """姑苏区市场监督管理局: 姑苏, not 苏区 (the 区 before the 市 of 市场)."""
    assert any(d.label.startswith("姑苏") for d in bureaus.corpus.documents.values())


@pytest.mark.parametrize("question", ["请问市局今年有哪些重点工作", "要顾全大局做好哪些工作"])
def test_a_word_ending_in_ju_is_no_issuing_body(bureaus, question):
    """市局 (two characters) and 大局 (a word) name no body: nothing is read as one."""
    assert "按“" not in bureaus.ask(question).answer


def test_two_bodies_named_choose_no_notice_by_body(bureaus):
    """医保局联合卫健委…: a partner named beside the issuer; no body chooses (both notices' items
    were quoted)."""
    a = bureaus.ask("人社局联合市场监管局开展什么专项行动")
    assert len({c.doc_label for c in a.citations}) <= 1


@pytest.mark.parametrize("issuer,place", [("广州市民政局", "广州"), ("济南市直机关工委", "济南"), ("苏州市姑苏区市场监督管理局", "姑苏")])
def test_places_of_issuers_whose_name_follows_shi(issuer, place):
    from bot.corpus import _place

    assert _place("", issuer) == place


def test_who_does_a_task_no_row_lists_is_answered_by_the_offices_its_item_names(bureaus):
    """质量强区 is in no 配档表 row, but its item ends （责任科室：质量发展科）: that office."""
    a = bureaus.ask("姑苏品牌认证企业培育由谁负责")
    assert a.found and "质量发展科" in a.answer and [c.item for c in a.citations] == [3]


def test_a_title_s_verb_before_shi_zhi_is_no_place():
    from bot.corpus import _places

    assert _places("关于做好市直机关2025年工作的通知", "") == [] and _places("", "济南市直机关工委") == ["济南"]


@pytest.fixture(scope="module")
def sections_only(tmp_path_factory, built_index):
    """Our notice, one numbered only 一、二、, its sections holding paragraphs (一是…二是…), and one
    whose parts open with text before their items, or hold text and no items."""
    return _bot_over(tmp_path_factory, built_index, DATA / "rongcheng-edu-2025.txt", DATA / "huaiyin-edu-2025.txt",
                     DATA / "dongying-edu-2025.txt", DATA / "lanling-edu-2025.txt", DATA / "lingcheng-edu-2025.txt",
                     DATA / "luozhuang-edu-2025.txt", DATA / "wendeng-edu-2025.txt")


@pytest.mark.parametrize("question,part,says", [
    ("荣成新增义务教育学位多少个", "二", "3200个"),
    ("荣成的普惠性幼儿园覆盖率要达到多少", "二", "95%"),
    ("荣成骨干教师培养工程遴选多少人", "四", "150名"),
    ("荣成学校食堂明厨亮灶有什么要求", "五", "明厨亮灶"),
    ("荣成乡村教师周转宿舍今年建多少套", "四", "120套"),
])
def test_a_notice_numbered_only_by_sections_is_answered_from_them(sections_only, question, part, says):
    """Its sections' paragraphs are the evidence, cited by the notice's own numbering (第二部分):
    such a notice had been rejected at ingest as having nothing to cite."""
    a = sections_only.ask(question)
    assert a.found and says in a.answer, a.answer
    [c] = a.citations
    assert c.kind == "section" and c.section == part and f"第{part}部分" in c.label


def test_a_section_named_by_topic_is_read_against_titles_not_paragraphs(sections_only):
    """Questions about a part (…方面有什么要求) are matched to section titles: a section's paragraphs
    had taken its title's place, and sent this question to a part of another notice."""
    a = sections_only.ask("济南在全面从严治党方面有什么要求")
    assert a.found and [c.item for c in a.citations if c.kind == "item"] == [3], a.answer


def test_the_sections_of_such_a_notice_are_its_outline_and_their_text(sections_only):
    a = sections_only.ask("荣成的工作要点分几个部分")
    assert a.found and "5 个部分" in a.answer and "推动体育事业发展" in a.answer
    a = sections_only.ask("荣成的工作要点第三部分讲什么")
    assert a.found and "社区健身中心10处" in a.answer
    assert [(c.kind, c.section) for c in a.citations] == [("section", "三")]


def test_a_part_without_items_is_cited_as_the_part_not_the_last_item(sections_only):
    """三、抓安全 holds text and no item: its text had been glued to 第2条 and cited as it."""
    a = sections_only.ask("淮阴全年开展几次校园安全检查")
    assert a.found and "4次" in a.answer
    assert [(c.kind, c.section) for c in a.citations] == [("section", "三")]
    a = sections_only.ask("淮阴的组建教育集团几个")
    assert a.found and "6个" in a.answer and "安全检查" not in a.answer
    assert [(c.kind, c.item) for c in a.citations] == [("item", 2)]


@pytest.mark.parametrize("question,says", [("东营职业教育有什么安排", "高水平专业群3个"),
                                           ("东营的普惠性幼儿园覆盖率达到多少", "92%")])
def test_the_opening_of_a_part_of_a_section_is_cited_as_that_part(sections_only, question, says):
    """（二）职业教育 ⏎ 推进中职学校…: the lines under a (二) part, before its items, are its own
    text, cited 〔第一部分(二)〕 (they had been merged into the section's, or the last item's)."""
    a = sections_only.ask(question)
    assert a.found and says in a.answer
    [c] = a.citations
    assert c.kind == "section" and c.label.endswith("第一部分(" + ("二" if "职业" in question else "一") + ")〕")


def test_a_section_whose_text_is_in_its_parts_shows_them(sections_only):
    """一、 whose (一) and (二) parts hold the text: 第一部分讲什么 shows each part, and the outline
    counts the section (it had shown 共 0 条 and left the section out)."""
    a = sections_only.ask("兰陵的工作要点第一部分讲什么")
    assert a.found and "1500个" in a.answer and "实训基地5个" in a.answer
    assert {c.label.split("·")[-1] for c in a.citations} >= {"第一部分(一)〕", "第一部分(二)〕"}
    a = sections_only.ask("兰陵的工作要点有哪些部分")
    assert a.found and "分 4 个部分" in a.answer


def test_offices_named_under_a_part_answer_who_questions(sections_only):
    """责任处室：人事科 under (一)教师招聘, a part with no items: 人事科's work is that part."""
    a = sections_only.ask("兰陵人事科负责什么")
    assert a.found and [c.label.split("·")[-1] for c in a.citations] == ["第二部分(一)〕"]


@pytest.mark.parametrize("question,part", [("兰陵职成教科负责什么", "第一部分(二)〕"),
                                           ("兰陵的学前教育科有哪些工作", "第一部分(一)〕")])
def test_an_office_only_a_part_names_is_an_office_staff_can_ask_about(sections_only, question, part):
    """（牵头单位：职成教科…） under a part: the office is known to the question reader, not cut
    into 职成 + 教科 and refused as "通知中没有提到“教科”"."""
    a = sections_only.ask(question)
    assert a.found, a.answer
    assert [c.label.split("·")[-1] for c in a.citations] == [part], a.answer


@pytest.mark.parametrize("question,part,says", [("兰陵一（二）讲的是什么", "第一部分(二)〕", "实训基地5个"),
                                                ("兰陵第二部分（一）讲什么", "第二部分(一)〕", "教师300名")])
def test_a_part_named_as_its_answers_cite_it_is_that_part(sections_only, question, part, says):
    """Answers cite 〔第一部分(二)〕; asked back as 一（二）, that part's text (it had answered with
    item 2 of other sections, 三·第2条 and 四·第2条)."""
    a = sections_only.ask(question)
    assert a.found and says in a.answer, a.answer
    assert [c.label.split("·")[-1] for c in a.citations] == [part]


def test_a_part_s_number_written_as_an_item_names_the_item(sections_only):
    """东营's 一 has (一)(二) parts and items 1. 2. numbered through: 第一部分第2条 is item 2, and
    一（二） the part (the part had answered both)."""
    a = sections_only.ask("东营的工作要点第一部分第2条是什么")
    assert a.found and [(c.kind, c.item) for c in a.citations] == [("item", 2)], a.answer
    a = sections_only.ask("东营的工作要点一（二）讲什么")
    assert a.found and a.citations[0].label.endswith("第一部分(二)〕"), a.answer


def test_a_notice_whose_top_level_is_bracketed_answers_by_its_parts(sections_only):
    """（一）/（二） with no 一、 above them: 牵头单位 under （二） is the office of items 3 and 4 (it had
    gone to item 2), and 第二部分 is （二）."""
    a = sections_only.ask("文登教研室负责什么")
    assert a.found and [c.item for c in a.citations] == [3, 4], a.answer
    a = sections_only.ask("文登的工作要点第二部分讲什么")
    assert a.found and "提升教育质量" in a.answer and [c.item for c in a.citations if c.kind == "item"] == [3, 4]


@pytest.mark.parametrize("question,item", [("陵城校长陪餐制度怎么安排", 1), ("陵城县管校聘改革有什么安排", 2),
                                           ("陵城阅读推广有什么计划", 5)])
def test_in_a_notice_of_one_line_items_each_line_is_content(sections_only, question, item):
    """Items of one clause each (1.全面推行校长陪餐制度。) are the notice's content, not headings
    with nothing under them: each answers its own question (all had gone to 第4条, the one with a
    figure)."""
    a = sections_only.ask(question)
    assert a.found and a.citations[0].item == item


@pytest.mark.parametrize("question,item,says", [("罗庄招聘多少教师", 5, "300名"), ("罗庄新增多少学位", 3, "6000个")])
def test_a_one_sentence_item_with_a_figure_is_content(sections_only, question, item, says):
    """5.招聘中小学教师300名。 among items that say more is one sentence and its own title, but a
    figure is content, not a heading: it answers (it had been passed over for 第6条's figure)."""
    a = sections_only.ask(question)
    assert a.found and a.citations[0].item == item and says in a.answer


@pytest.mark.parametrize("question,office", [("兰陵招聘教师谁负责", "人事科"), ("兰陵校企合作实训基地谁负责", "职成教科")])
def test_who_in_a_notice_without_a_schedule_names_the_offices_its_text_names(sections_only, question, office):
    """A notice with no 配档表 says who in its text (责任处室：人事科 under the part): a who-question
    quoting that part names them (it had quoted the part only)."""
    a = sections_only.ask(question)
    assert a.found and re.search(f"(?:责任|牵头)单位:{office}", a.answer), a.answer


@pytest.fixture(scope="module")
def counties(tmp_path_factory, built_index):
    """Three county notices laid out as they come: （一）… items ending in their offices (嘉善), 1. items
    restarting per section with 牵头单位 / 配合单位 lines (南海), a web page with a 配档表 (夷陵)."""
    return _bot_over(tmp_path_factory, built_index, DATA / "jiashan-edu-2025.txt", DATA / "nanhai-wglt-2025.txt",
                     DATA / "yiling-edu-2025.html")


def test_a_count_asked_in_everyday_words_is_checked_in_the_notice_s_words(counties):
    """招多少个老师: the search looks for 教师, and so does the check that the quote counts what is
    asked (it had refused: 通知中没有提到“老师”)."""
    a = counties.ask("夷陵招多少个老师")
    assert a.found and "120名" in a.answer, a.answer


@pytest.mark.parametrize("question", ["南海的马拉松由哪个部门负责", "南海马拉松是哪个科负责", "嘉善学校食堂由哪个部门负责"])
def test_who_asked_in_other_words_names_the_offices_the_notice_gives(counties, question):
    """哪个部门 / 哪个科 ask who as 谁 does: the answer names the item's offices (only 谁 had)."""
    a = counties.ask(question)
    [c] = [c for c in a.citations if c.kind == "item"]
    record = counties.corpus.by_id[c.record_id]
    assert a.found and record.offices and all(o in a.answer for o in record.offices), a.answer


def test_who_leads_and_who_supports_as_the_notice_assigns_them(counties):
    """牵头单位 / 配合单位 lines under 南海's items: 谁牵头 names the lead office only, 配合单位有哪些 the
    supporting ones, 谁负责 both with their roles (they had been one list)."""
    item = next(r for r in counties.corpus.items.values() if "马拉松" in r.text)
    lead = [o for o in item.offices if o not in item.support]
    assert lead and item.support
    a = counties.ask("南海马拉松谁牵头")
    assert a.found and all(o in a.answer for o in lead) and not any(o in a.answer for o in item.support), a.answer
    a = counties.ask("南海马拉松的配合单位有哪些")
    assert a.found and all(o in a.answer for o in item.support) and not any(o in a.answer for o in lead), a.answer
    a = counties.ask("南海马拉松谁负责")
    assert a.found and "牵头单位:" + "、".join(lead) in a.answer and "配合单位:" + "、".join(item.support) in a.answer


def test_an_office_no_schedule_row_names_is_answered_from_the_items_that_do(counties):
    """夷陵's 配档表 has no row for 职成教科, but an item of its text names it: that item (the answer
    had stopped at 配档表中没有职成教科的工作安排)."""
    doc = next(d for d in counties.corpus.documents if d.startswith("yiling"))
    named = [r for r in counties.corpus.items.values() if r.doc_id == doc and "职成教科" in r.offices]
    assert named and not counties.corpus.filter_rows((), ("职成教科",), (doc,))
    a = counties.ask("夷陵职成教科负责什么")
    assert a.found and [c.record_id for c in a.citations] == [r.id for r in named], a.answer
    assert "配档表中没有职成教科的工作安排" in a.answer


@pytest.mark.parametrize("question", ["夷陵第2条配合科室有哪些", "兰陵一（二）的配合单位有哪些"])
def test_the_supporting_offices_of_a_numbered_item_or_part(counties, sections_only, question):
    """配合单位 of 第2条 / 一（二）: that item's or part's supporting offices (the question had been sent
    to the 配档表 and refused)."""
    b = counties if question.startswith("夷陵") else sections_only
    a = b.ask(question)
    record = b.corpus.by_id[a.citations[0].record_id]
    assert a.found and record.support and all(o in a.answer for o in record.support), a.answer


def test_when_of_an_item_no_row_carries_out_is_not_its_offices(counties):
    """第N条什么时候完成, with no 配档表 row for the item: said so, not answered with the item's text (the
    fallback to the item's own offices is for who-questions)."""
    doc = next(d for d in counties.corpus.documents if d.startswith("yiling"))
    item = next(r for r in counties.corpus.items.values() if r.doc_id == doc and r.offices
                and not counties.corpus.rows_of_items({r.id}))
    a = counties.ask(f"夷陵第{item.item}条什么时候完成")
    assert not a.found and "配档表中没有" in a.answer, a.answer


def test_an_office_s_work_is_its_rows_and_the_items_naming_it_that_no_row_carries_out(counties):
    """夷陵's 计划财务科 leads 第5条 (乡村学校…生活补助), which no row of its 月度安排表 carries out: it had
    been left out, only the 7-8月 row listed."""
    a = counties.ask("夷陵计划财务科负责哪些工作")
    cited = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and cited and all("计划财务科" in c.offices for c in cited)
    assert 5 in [c.item for c in a.citations if c.kind == "item"] and "正文中还写明由计划财务科负责" in a.answer
    # A month asked keeps to its rows.
    b = counties.ask("夷陵计划财务科7月负责哪些工作")
    assert b.found and 5 not in [c.item for c in b.citations if c.kind == "item"]


def test_the_items_added_to_an_office_s_rows_keep_to_the_topic_and_the_role_asked(counties):
    """德育安全科…安全方面的工作 had added 第1条 思政课 and 第2条 家校社; 人事科牵头哪些工作 had added 第5条,
    where 人事科 only supports 计划财务科."""
    a = counties.ask("夷陵德育安全科负责哪些安全方面的工作")
    assert 11 in [c.item for c in a.citations if c.kind == "item"]
    assert not {1, 2} & {c.item for c in a.citations if c.kind == "item"}
    lead = counties.ask("夷陵人事科牵头哪些工作")
    assert 5 not in [c.item for c in lead.citations if c.kind == "item"]
    support = counties.ask("夷陵人事科配合什么工作")
    assert 5 in [c.item for c in support.citations if c.kind == "item"] and "由人事科配合的" in support.answer


def test_an_office_two_places_have_is_answered_for_each_when_no_place_is_named(counties):
    """人事科 is 夷陵's (配档表 rows and items) and 南海's (五·第1条): each district's is its own office,
    so both answer; the answer had been 夷陵's alone. A month asked keeps to the notice with rows."""
    a = counties.ask("人事科负责哪些工作")
    docs = {c.doc_id for c in a.citations}
    assert a.found and any("nanhai" in d for d in docs) and any("yiling" in d for d in docs)
    b = counties.ask("人事科上半年有哪些工作")
    assert b.found and all("yiling" in c.doc_id for c in b.citations)


@pytest.mark.parametrize("question,shown,left_out", [
    ("人事科配合哪些工作", "yiling", "nanhai"),      # 南海's 人事科 supports nothing
    ("机关党委牵头哪些工作", "jiashan", "nanhai"),    # 南海's 机关党委 only supports
])
def test_of_several_places_only_those_whose_office_answers_are_shown(counties, question, shown, left_out):
    """The per-place answer had added the other district with 配档表中没有… or a false 正文中也没有写明."""
    a = counties.ask(question)
    assert a.found and any(shown in c.doc_id for c in a.citations)
    other = next(d.title for d in counties.corpus.documents.values() if left_out in d.doc_id)
    assert left_out not in "".join(c.doc_id for c in a.citations) and other not in a.answer


def test_offices_asked_together_in_a_notice_without_a_schedule_name_the_items_of_both(counties):
    """嘉善基础教育科和督导室一起负责什么: 第5条 names both; the items of either (第6、7、10条…) had been listed."""
    a = counties.ask("嘉善基础教育科和督导室一起负责什么")
    assert a.found and [c.item for c in a.citations if c.kind == "item"] == [5]


def test_an_office_of_another_notice_is_named_as_that_notice_writes_it(counties):
    """嘉善's 基础教育科 had been headed 基教处, the name the office table (济南's) gives it."""
    a = counties.ask("嘉善基础教育科负责什么")
    assert a.found and "写明基础教育科的工作" in a.answer and "基教处" not in a.answer


@pytest.fixture(scope="module")
def deadlines(tmp_path_factory, built_index):
    """Our notice and a city bureau's whose table gives each task a time limit (完成时限: 2025年3月底前,
    第一季度, 全年, 12月底前…)."""
    return _bot_over(tmp_path_factory, built_index, ROOT / "tests" / "bot" / "data" / "zibo-hrss-2025.html")


@pytest.mark.parametrize("question,listed,not_listed", [
    # (and not the 全年 rows: underway then, but not due by then)
    ("淄博人社局3月底前要完成什么", ["就业创业扶持政策实施细则", "春风行动"],
     ["工伤保险省级统筹数据清查", "行风建设年度考核", "调解仲裁", "创业担保贷款扩面"]),
    ("淄博第三季度有什么任务", ["职业技能大赛", "工伤保险省级统筹数据清查"], ["行风建设年度考核"]),
    ("淄博市人社局6月份有啥工作", ["养老金调整发放"], ["工伤保险省级统筹数据清查", "行风建设年度考核"]),
])
def test_a_row_due_by_a_deadline_is_listed_when_it_is_due_not_in_every_month_before(deadlines, question, listed,
                                                                                   not_listed):
    """9月底前 had been read as every month from January to September, so the row was March's work too."""
    a = deadlines.ask(question)
    tasks = [c.task for c in a.citations if c.kind == "schedule"]
    assert a.found and {c.doc_id for c in a.citations} == {"zibo-hrss-2025"}
    assert all(any(w in t for t in tasks) for w in listed)
    assert not any(w in t for w in not_listed for t in tasks)


def test_an_item_number_asked_of_no_notice_goes_to_a_notice_that_has_it(deadlines):
    """第18条讲什么 had gone to the newest notice, which has 8 items: 通知中没有第18条."""
    a = deadlines.ask("第18条讲什么")
    assert a.found and [(c.doc_id, c.item) for c in a.citations] == [("jinan-edu-2024-work-plan", 18)]


@pytest.mark.parametrize("question", ["职业技能大赛谁牵头", "技能大赛谁负责"])
def test_a_when_who_question_of_no_notice_goes_to_the_one_whose_row_names_the_task(deadlines, question):
    """济南's 职业教育 item is nearer in meaning than 淄博's 技能淄博 item, but only 淄博's 配档表 has
    the 职业技能大赛 row: the answer had been 配档表中没有列出这项工作."""
    a = deadlines.ask(question)
    rows = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and rows and all(c.doc_id == "zibo-hrss-2025" and "职业技能大赛" in c.task for c in rows)
    assert "职业能力建设科" in a.answer


def test_an_english_answer_says_which_office_leads_and_which_supports(deadlines):
    """The English row had printed offices:职业能力建设科、技工院校管理科, losing who leads."""
    a = deadlines.ask("When is Zibo's vocational skills competition held and which office leads it?")
    assert a.found and "lead:职业能力建设科; supporting:技工院校管理科" in a.answer


@pytest.fixture(scope="module")
def own_lines(tmp_path_factory, built_index):
    """Our notice and a district's with no 配档表, items numbered afresh in each section, each ending
    with its own （牵头科室：…；配合科室：…） line."""
    return _bot_over(tmp_path_factory, built_index, ROOT / "tests" / "bot" / "data" / "zhifu-edu-2025.txt")


def test_a_follow_up_asking_who_of_an_item_without_rows_gets_the_item_s_own_offices(own_lines):
    """谁牵头? had been answered 配档表中没有与第1条直接对应的安排 (found false), though the item names
    its offices, and the notice has no 配档表 at all."""
    history = ["芝罘区今年新增学位多少个"]
    a = own_lines.ask("谁牵头？", history)
    assert a.found and "规划财务科" in a.answer and "基础教育科" not in a.answer
    assert [(c.doc_id, c.part, c.item) for c in a.citations] == [("zhifu-edu-2025", "二", 1)]
    assert "配合单位:基础教育科、安全科" in own_lines.ask("配合的是谁", history + ["谁牵头？"]).answer


def test_a_follow_up_asking_when_of_an_item_without_rows_quotes_the_time_its_text_gives(own_lines):
    a = own_lines.ask("什么时候完成", ["芝罘区今年新增学位多少个"])
    assert a.found and "9月投入使用" in a.answer and "配档表中没有与" not in a.answer


def test_a_question_asking_both_roles_gets_both(own_lines):
    a = own_lines.ask("芝罘区心理健康教育由哪个科室牵头，配合的是谁")
    assert a.found and "牵头单位:德育科" in a.answer and "配合单位:体卫艺科" in a.answer


@pytest.mark.parametrize("question,parts", [("芝罘区安全科牵头几项工作", [("四", 1), ("四", 2)]),
                                            ("芝罘区人事科有几项任务", [("一", 2), ("一", 3)])])
def test_a_count_of_an_office_s_work_in_a_notice_without_a_schedule_counts_its_items(own_lines, question, parts):
    """These had been answered with the item nearest in meaning: a count question was not an office's
    work to find in the items, and 芝罘区, left in, was taken for a topic."""
    a = own_lines.ask(question)
    assert a.found and f"共 {len(parts)} 条" in a.answer
    assert [(c.part, c.item) for c in a.citations] == parts


@pytest.mark.parametrize("question,part,item", [("芝罘区一键报警系统升级什么时候完成", "四", 1),
                                                ("芝罘区教师招聘什么时候报名", "一", 2)])
def test_a_when_question_whose_item_gives_no_time_is_not_answered_from_it(own_lines, question, part, item):
    """In a notice with no 配档表, these were answered by quoting the item, which says nothing of when."""
    a = own_lines.ask(question)
    assert not a.found and "没有写明时间" in a.answer
    assert [(c.part, c.item) for c in a.citations] == [(part, item)]


def test_a_when_question_whose_item_gives_the_time_is_answered(own_lines):
    a = own_lines.ask("芝罘区实验小学新校区什么时候投入使用")
    assert a.found and "9月投入使用" in a.answer


@pytest.mark.parametrize("question,count", [("淄博就业促进科牵头几项", 2), ("淄博就业促进科配合几项", 1),
                                            ("淄博就业促进科有几项工作", 3)])
def test_an_office_s_rows_are_counted_in_the_role_asked(deadlines, question, count):
    """The count had ignored 牵头 / 配合: 就业促进科 leads two rows and supports one (春风行动)."""
    a = deadlines.ask(question)
    assert a.found and f"共 {count} 项" in a.answer and len([c for c in a.citations if c.kind == "schedule"]) == count


def test_an_office_that_only_supports_leads_no_row_and_its_supporting_rows_are_listed(deadlines):
    a = deadlines.ask("淄博财务科牵头几项")
    assert a.found and "没有由财务科牵头的工作" in a.answer and "作为配合单位的工作共 3 项" in a.answer


def test_both_roles_asked_with_which_offices_support_gets_both(deadlines):
    a = deadlines.ask("就业创业扶持政策实施细则谁牵头，哪些单位配合")
    assert a.found and "牵头单位:就业促进科" in a.answer and "配合单位:政策法规科、财务科" in a.answer


@pytest.mark.parametrize("question", ["第二季度基教处要干什么", "基教处第二季度有啥工作"])
def test_an_office_typed_as_one_notice_writes_it_goes_to_that_notice(two_cities, question):
    """基教处 is 济南's name; the office table (济南's) also reads 烟台's 基础教育科 as it, and the newer
    烟台 notice had answered with its one row."""
    a = two_cities.ask(question)
    assert a.found and {c.doc_id for c in a.citations if c.kind == "schedule"} == {"jinan-edu-2024-work-plan"}
    assert "共 4 项" in a.answer


def test_a_who_question_nearest_to_an_item_of_a_notice_without_a_schedule_is_answered_from_it(tmp_path_factory,
                                                                                              built_index):
    """陪餐…专项检查谁负责 is 芝罘区's item 四·2, and 芝罘区 has no 配档表: it had gone to 淄博's 配档表 row
    on a 专项行动, the newest notice whose rows seemed to name the task."""
    b = _bot_over(tmp_path_factory, built_index, DATA / "zibo-hrss-2025.html", DATA / "zhifu-edu-2025.txt")
    a = b.ask("陪餐制度落实情况专项检查谁负责")
    assert a.found and {c.doc_id for c in a.citations} == {"zhifu-edu-2025"} and "安全科" in a.answer


@pytest.fixture(scope="module")
def campaign(tmp_path_factory, built_index):
    """Our notice and a district's one-campaign 通知 as its web page: a 信息公开 table of two label /
    value pairs per row, a line under the title with 打印本页, phases dated in their headings, a
    table of inspection groups with a time cell spanning two rows, and a list of attachments."""
    return _bot_over(tmp_path_factory, built_index, DATA / "wujin-wtl-2025.html")


def test_a_campaign_page_s_metadata_opening_and_attachments_are_read_apart(campaign):
    c = campaign.corpus
    doc = c.documents["wujin-wtl-2025"]
    meta = next(r for r in c.records if r.doc_id == doc.doc_id and r.kind == "meta")
    opening = next(r for r in c.records if r.doc_id == doc.doc_id and r.kind == "preamble")
    items = [r for r in c.items.values() if r.doc_id == doc.doc_id]
    assert "生成日期" not in meta.text and "2025-07-04" in meta.text
    assert opening.text.startswith("暑期是游泳场所客流高峰期") and "打印本页" not in opening.text
    assert not any("汇总表" in r.text for r in items)
    assert "第二组 文化市场综合执法大队 湟里镇、嘉泽镇、前黄镇、礼嘉镇 7月21日至8月5日" in " ".join(
        r.text.replace("\n", " ") for r in c.records if r.doc_id == doc.doc_id)


def test_a_time_in_an_item_s_heading_answers_when(campaign):
    """（二）集中检查阶段（7月21日至8月20日）: the time is in the heading, not in the quoted sentence;
    the answer had been 通知讲到这项工作,但没有写明时间."""
    a = campaign.ask("游泳场所集中检查阶段是什么时候")
    assert a.found and "7月21日至8月20日" in a.answer
    # Whether 哪几天 is answered is the fitted model's call; a refusal does not call it missing.
    assert "没有提到“哪几天”" not in campaign.ask("游泳场所集中检查阶段是哪几天").answer


def test_the_words_of_a_notice_s_own_subject_do_not_drown_the_detail_asked(campaign):
    """Every part of the campaign notice speaks of 游泳场所 and 专项检查: asked with them, 联系人 had
    been answered with the 检查范围 paragraph."""
    a = campaign.ask("游泳场所专项检查的联系人是谁")
    assert a.found and "王磊" in a.answer


def test_a_british_spelling_finds_the_item_the_american_one_does(campaign):
    a = campaign.ask("What licence must a swimming venue in Wujin hold?")
    assert a.found and "许可证" in a.answer


def test_a_clause_ending_in_a_semicolon_is_quoted_with_the_clause_that_finishes_it(campaign):
    a = campaign.ask("武进水面面积500平方米的游泳池至少要配几名救生员")
    assert a.found and "至少配备3名救生员" in a.answer and "每增加250平方米至少增加1名" in a.answer


@pytest.fixture(scope="module")
def checklist(tmp_path_factory, built_index):
    """Our notice and a county health bureau's whose 重点任务清单 gives time cells that are no months
    (长期坚持, 每季度) beside deadlines and quarters."""
    return _bot_over(tmp_path_factory, built_index, DATA / "changxing-wjj-2025.txt")


@pytest.mark.parametrize("question,cell,count", [("长兴卫健局哪些任务是长期坚持的", "长期坚持", 2),
                                                 ("长兴每季度要做的工作有哪些", "每季度", 1)])
def test_the_tasks_of_a_time_cell_written_in_the_question_are_its_rows(checklist, question, cell, count):
    """哪些任务是长期坚持的 had quoted the notice's opening paragraph."""
    a = checklist.ask(question)
    rows = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and len(rows) == count and all(cell in c.label for c in rows)


def test_a_time_cell_in_a_figure_question_is_no_list_of_tasks(checklist):
    a = checklist.ask("长兴应急演练每季度几次")
    assert a.found and not [c for c in a.citations if c.kind == "schedule"] and "4次" in a.answer


@pytest.mark.parametrize("question", ["公办园在园幼儿占比两个城市比一下", "济南和烟台的学前教育目标比一下"])
def test_a_comparison_asked_in_other_words_answers_from_each_notice(two_cities, question):
    """比一下 / 两个城市 ask for each notice, as 分别 and 比较 do: one had been answered alone."""
    a = two_cities.ask(question)
    cited = {c.doc_id for c in a.citations if c.kind == "item"}
    assert a.found and cited == {"yantai-2025", "jinan-edu-2024-work-plan"} and "95%" in a.answer


def test_a_system_of_responsibility_is_no_who_question(two_cities):
    """校长负责制 holds 负责 but asks no one's duty: both notices are asked whether they mention it."""
    a = two_cities.ask("济南和烟台都提到校长负责制了吗")
    assert "yantai-2025" in {c.doc_id for c in a.citations}
    assert any(c.item == 2 and c.doc_id == "jinan-edu-2024-work-plan" for c in a.citations)


@pytest.fixture(scope="module")
def laoshan(tmp_path_factory, built_index):
    """Our notice and a district's school-safety campaign notice a reviewer wrote (stages with
    dates, a monthly report, a budget, no 配档表)."""
    return _bot_over(tmp_path_factory, built_index, DATA / "laoshan-safety-2025.txt")


@pytest.mark.parametrize("question,needle", [("隐患排查情况每个月几号之前报", "每月25日前"),
                                             ("隐患排查整改情况什么时候报", "每月25日前")])
def test_a_day_of_every_month_is_a_time_the_notice_gives(laoshan, question, needle):
    """每月25日前 had not counted as a time: the answer said the notice gives none."""
    a = laoshan.ask(question)
    assert a.found and needle in a.answer


def test_how_to_write_a_report_is_advice(laoshan):
    a = laoshan.ask("安全整治总结怎么写比较好")
    assert not a.found and "建议" in a.answer


def test_two_places_named_as_a_topic_ask_no_comparison(laoshan):
    """鲁港澳两地学生 names two places the students come from, not two notices to compare."""
    a = laoshan.ask("鲁港澳两地学生参加什么研学活动")
    assert a.found and {c.doc_id for c in a.citations} == {"jinan-edu-2024-work-plan"}


@pytest.fixture(scope="module")
def plain_notice(tmp_path_factory, built_index):
    """Our notice and a district's short 通知 that numbers nothing: a title, addressees, six
    paragraphs (dates, a 1-hour report, homework limits, a contact line), a signature and a date.
    It had been skipped as having nothing to cite."""
    return _bot_over(tmp_path_factory, built_index, DATA / "licheng-holiday-2025.txt")


@pytest.mark.parametrize("question,needle,label", [
    ("历城寒假放多少天", "共30天", "第2段"),
    ("历城寒假作业有什么要求", "不超过20小时", "第5段"),
    ("历城区寒假的联系电话是多少", "0531-88161234", "第6段"),
])
def test_a_notice_numbering_nothing_is_answered_from_its_paragraphs(plain_notice, question, needle, label):
    a = plain_notice.ask(question)
    assert a.found and needle in a.answer
    assert [c.label for c in a.citations] == [f"〔历城2025寒假放假安排通知·{label}〕"]


def test_its_months_are_read_from_its_paragraphs(plain_notice):
    a = plain_notice.ask("历城2月有什么安排")
    assert a.found and "2月17日正式上课" in a.answer and "〔历城2025寒假放假安排通知·第2段〕" in a.answer


@pytest.mark.parametrize("question,found,needle", [
    ("历城区寒假期间可以补课吗", True, "有偿补课"),   # no part dates 1–2月 work, its text speaks of 补课
    ("历城寒假期间食堂怎么管", False, "食堂"),         # it never names 食堂
])
def test_a_period_with_a_topic_asks_the_text_of_a_notice_without_a_schedule(plain_notice, question, found, needle):
    """寒假期间可以补课吗 had been answered 'no work dated 寒假' though a paragraph forbids 补课."""
    a = plain_notice.ask(question)
    assert a.found is found and needle in a.answer


@pytest.fixture(scope="module")
def banfa(tmp_path_factory, built_index):
    """Our notice and a city's 办法 as its 印发 web page: a cover letter with a contact phone, five
    chapters, twenty articles, one of them with its own (一)(二)(三), and no 配档表."""
    return _bot_over(tmp_path_factory, built_index, DATA.parent.parent / "ingest" / "data" / "weifang-canteen-2025.html")


@pytest.mark.parametrize("question,item,needle", [
    ("潍坊的第十二条是怎么规定的", 12, "48小时"),
    ("潍坊学校食堂留样食品要保存多长时间", 12, "48小时"),       # had quoted 第14条's 30天
    ("潍坊学校食堂盈余率不能超过多少", 3, "3%"),                # the notice writes 不得超过
])
def test_a_banfa_s_articles_answer_with_their_own_numbers(banfa, question, item, needle):
    a = banfa.ask(question)
    assert a.found and needle in a.answer and [c.item for c in a.citations if c.kind == "item"][:1] == [item]


@pytest.mark.parametrize("question,first,last", [("潍坊食堂管理办法第二章讲的是什么", 5, 8),
                                                  ("潍坊食堂管理办法监督检查这一章有哪几条", 15, 18)])
def test_a_banfa_s_chapters_are_its_parts(banfa, question, first, last):
    a = banfa.ask(question)
    assert a.found and all(f"第{n}条" in a.answer for n in range(first, last + 1))
    assert f"第{last + 1}条" not in a.answer


def test_a_banfa_s_cover_letter_gives_its_contact(banfa):
    a = banfa.ask("潍坊食堂管理办法有问题找哪个科室,电话多少")
    assert a.found and "0536-8786215" in a.answer


def test_who_of_an_article_of_a_notice_without_a_schedule_is_its_text(banfa):
    """它要求谁陪餐 had been answered "配档表中没有与第8条直接对应的安排" of a notice with no 配档表."""
    a = banfa.ask("它要求谁陪餐?", ["潍坊的陪餐制度是哪一条"])
    assert a.found and "学校相关负责人" in a.answer and "配档表" not in a.answer


@pytest.fixture(scope="module")
def fangan(tmp_path_factory, built_index):
    """Our notice and a district's 实施方案 as .docx: 一、 parts, 二 with (一)(二)(三) parts numbering
    their items afresh, 三、保障措施 whose (一)(二)(三) hold their text on their heading line, and a
    任务分工 table whose time cells are 长期坚持, 2025年9月—12月."""
    return _bot_over(tmp_path_factory, built_index, DATA.parent.parent / "ingest" / "data" / "lanshan-qiangke-2025.docx")


def test_a_part_s_own_text_answers(fangan):
    a = fangan.ask("兰山的强课提质专项经费每年多少钱")
    assert a.found and "300万元" in a.answer and "〔兰山2025" in a.answer and "第三部分(二)〕" in a.answer


def test_an_item_of_a_numbered_part_is_that_item_not_the_part(fangan):
    """二（二）第2条 had listed the whole of 二(二)."""
    a = fangan.ask("兰山强课提质方案二（二）第2条是什么")
    assert [c.label.split("·", 1)[1] for c in a.citations] == ["二(二)·第2条〕"] and "蹲点" in a.answer


def test_a_part_asked_by_its_whole_title_is_that_part(fangan):
    a = fangan.ask("保障措施有哪些")   # (only the 方案 has a part of that title)
    assert a.found and all(f"第三部分({n})" in a.answer for n in "一二三")


def test_every_year_asks_one_notice(banfa):
    """每年 had asked every notice held (两年 / 历年 do): a 办法 says 每年 of its duties."""
    a = banfa.ask("食堂从业人员每年要做什么检查")
    assert a.found and "健康检查" in a.answer and {c.doc_id for c in a.citations} == {"weifang-canteen-2025"}


def test_a_paragraph_by_its_number(plain_notice):
    """第三段说了什么 had been refused: paragraphs had no number a question could name."""
    third = next(r for r in plain_notice.corpus.own if r.id == "licheng-holiday-2025:paragraph:3")
    a = plain_notice.ask("历城寒假通知第三段说了什么")
    assert a.found and a.answer.startswith(third.text) and [c.record_id for c in a.citations] == [third.id]
    assert "没有第9段" in plain_notice.ask("历城寒假通知第9段说了什么").answer
