"""English questions read through CC-CEDICT into the notice's own words: the dictionary table, and
the real bot answering (and refusing) English questions by those words."""
from __future__ import annotations

import pytest

from bot import glossary


def notice_words(*words):
    return lambda head: head in words


# --- the table ----------------------------------------------------------------------------------------

def test_a_word_reads_as_a_headword_whose_whole_sense_is_in_the_question():
    words = glossary.content_words("How many new school places will be added?")
    read = glossary.readings(words, notice_words("学位", "学校", "新增", "场地"))
    assert "学位" in read["places"] and "学位" in read["school"]   # 学位: "place in school"
    assert "学位" not in glossary.readings(["places"], notice_words("学位")).get("places", ())
    # Hyphens join words a sense writes apart: off-campus is "off campus" (校外).
    assert glossary.readings(glossary.content_words("off-campus"), notice_words("校外")) == {
        "off": ("校外",), "campus": ("校外",)}


def test_a_word_named_in_a_longer_sense_is_glossed_by_it_and_an_unknown_word_by_nothing():
    assert glossary.glossed("bullying", notice_words("欺凌")) == ("欺凌",)   # "to bully and humiliate"
    assert glossary.glossed("rice", notice_words("欺凌")) == ()
    assert glossary.glossed("qwzx", notice_words("欺凌")) is None


def test_topic_words_leave_out_the_asking_and_the_period():
    assert glossary.topic_words("Does the plan mention myopia?") == ["myopia"]
    assert glossary.topic_words("How many tasks does 基教处 have in July?") == []


# --- the real bot ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("question,named", [
    ("How do I cook rice?", ["cook", "rice"]),
    ("What is the weather in Jinan tomorrow?", ["weather"]),
    ("Where can I buy a cheap laptop?", ["laptop"]),
    # The notice's everyday words (school → 学校, written by most items) tell nothing of the topic.
    ("How much are school uniforms?", ["uniforms"]),
    ("Are there swimming pools in schools?", ["swimming", "pools"]),
    ("Anything about school fees?", ["fees"]),
])
def test_an_english_question_none_of_whose_words_the_notice_writes_is_refused(bot, question, named):
    """These were answered from the nearest item: nothing in an English question could be looked up."""
    a = bot.ask(question)
    assert not a.found and not a.citations
    assert all(w in a.answer for w in named)


@pytest.mark.slow
@pytest.mark.parametrize("question,item", [
    ("What's planned for school food safety?", 20),
    ("Is there anything about bullying prevention in schools?", 20),
    ("What will be done about school bullying?", 20),
    ("Which item talks about vocational education?", 10),
    ("What is planned for kindergartens?", 8),       # one specific word, which the notice writes
])
def test_an_english_question_on_a_topic_of_the_notice_is_answered_from_its_item(bot, question, item):
    a = bot.ask(question)
    assert a.found and [c.item for c in a.citations if c.kind == "item"][0] == item


@pytest.mark.slow
def test_an_english_figure_question_quotes_the_sentence_with_most_of_its_words(bot):
    """新增学位4万个 renders new, school and places; 遴选新增5所“类海外”学校, quoted before, only two."""
    a = bot.ask("How many new school places will be added in 2024?")
    assert a.found and "4万" in a.answer and "类海外" not in a.answer


@pytest.mark.slow
def test_an_english_topic_in_a_month_keeps_the_rows_that_write_each_of_its_words(bot):
    a = bot.ask("Which office is responsible for the off-campus training institution standards in July?")
    cited = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and len(cited) == 1 and "校外培训机构设置标准" in cited[0].task and cited[0].month == 7


@pytest.mark.slow
@pytest.mark.parametrize("question", ["What are the items in section 五?", "What does part 五 cover?"])
def test_an_english_question_names_a_section_by_its_chinese_number(bot, question):
    a = bot.ask(question)
    assert a.found and [c.item for c in a.citations if c.kind == "item"] == [18, 19, 20]


@pytest.mark.slow
@pytest.mark.parametrize("question,month,task", [
    ("When is the city education work conference held?", 3, "全市教育工作会议"),
    ("When will the standards for off-campus training institutions be issued?", 7, "校外培训机构设置标准"),
    ("Which office handles the school food safety campaign?", 1, "食品安全专项整治"),
    ("When is the 校园心理剧 event?", 9, "校园心理剧"),   # Chinese words of its own are matched as written
    ("When is the teachers' professional title review?", 12, "职称评审"),   # half its words: 教师, 职称
])
def test_an_english_when_or_who_question_finds_the_row_writing_its_words(bot, question, month, task):
    """The city education work conference had been answered with 6月's 产教融合 meeting (nearest in
    meaning), the off-campus standards refused."""
    a = bot.ask(question)
    cited = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and len(cited) == 1 and cited[0].month == month and task in cited[0].task


def test_a_word_is_looked_up_also_by_the_word_it_is_made_from_and_irregular_plurals_by_their_singular():
    assert glossary.stem("nearsighted") in glossary.keys("nearsightedness")
    assert glossary.readings(["nearsightedness"], notice_words("近视")) == {"nearsightedness": ("近视",)}
    assert "儿童" in glossary.readings(["children"], notice_words("儿童")).get("children", ())


@pytest.mark.parametrize("british,american", [("licence", "license"), ("programme", "program"), ("centre", "center"),
                                              ("behaviour", "behavior"), ("organise", "organize")])
def test_a_british_spelling_is_looked_up_by_the_american_one_the_dictionary_writes(british, american):
    """What licence must a swimming venue hold? had found no sense of licence (CC-CEDICT writes license)."""
    assert glossary.stem(american) in glossary.keys(british)
    assert glossary.american("hour") == "hour" and glossary.american("science") == "science"


def test_a_word_read_within_a_longer_sense_is_read_by_it_alone():
    """school places: 学位 ("place in school") for both words, not also 学校 and 场地."""
    read = glossary.readings(["school", "places"], notice_words("学位", "学校", "场地"))
    assert read == {"school": ("学位",), "places": ("学位",)}


@pytest.mark.slow
def test_an_english_question_on_a_word_the_notice_writes_otherwise_is_not_said_to_be_missing(bot):
    """nearsightedness had been refused as a word the notice does not mention (it writes 近视)."""
    a = bot.ask("Is anything planned about children's eyesight and nearsightedness?")
    assert a.found and "does not mention" not in a.answer


@pytest.mark.slow
def test_one_common_english_topic_word_keeps_every_row_of_the_month_and_a_rare_one_narrows(bot):
    """conferences → 会议 would drop March's 现场推进会 and 汇报会 rows; investment promotion → 招商
    names one task."""
    a = bot.ask("What conferences are held in March?")
    assert len([c for c in a.citations if c.kind == "schedule"]) == len(bot.filter_rows((3,), ()))
    b = bot.ask("What investment promotion is done in October?")
    cited = [c for c in b.citations if c.kind == "schedule"]
    assert b.found and len(cited) == 1 and "招商" in cited[0].task


@pytest.mark.parametrize("question,office", [
    ("What is due from the teachers office in July?", ["教师处"]),
    ("Tasks of the safety management office", ["安管处"]),
    ("What does the teaching research institute do?", ["市教研院"]),
    ("What does the vocational and higher education division do?", ["职高教处"]),
    ("What does the finance and audit division do?", ["财审处"]),           # the name after "and"
    ("What do the basic education and preschool education divisions do?", ["学前处"]),   # basic: no reading
    ("What does the education office do?", []),          # several offices write 教育: none guessed
    ("Which office handles the sports meeting?", []),     # no name before the unit word
    ("What is the Party building office doing?", []),     # party reads as nothing in 规划建设处
])
def test_an_office_named_in_english_is_the_one_office_whose_name_renders_every_word(question, office):
    from ingest.offices import OfficeTable
    from ingest import CORPUS

    assert glossary.english_offices(question, OfficeTable.for_corpus(CORPUS)) == office


@pytest.mark.slow
def test_an_office_named_in_english_lists_its_rows(bot):
    """The teachers office in July had listed every July row."""
    a = bot.ask("What is due from the teachers office in July?")
    cited = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and cited and all("教师处" in c.offices and c.month == 7 for c in cited)
    assert len(cited) == len(bot.filter_rows((7,), ("教师处",)))


@pytest.mark.slow
def test_rows_writing_as_many_words_of_an_english_task_come_nearest_in_meaning_first(bot):
    """The third batch of the young cadres project: 4月's 第三批 and 3月's 第二批 write as many of its
    words; they had been listed by month, the wrong one first."""
    a = bot.ask("When does the third batch of the outstanding young cadres training project start?")
    cited = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and cited[0].month == 4 and "第三批" in cited[0].task


@pytest.mark.slow
def test_an_english_task_in_a_month_keeps_the_row_writing_most_of_its_words(bot):
    """中职学校办学质量年度考核 writes school, quality and assessment, not vocational (中职): every
    December row had been listed, as none wrote a reading of every word."""
    a = bot.ask("Who is responsible for the vocational school quality assessment in December?")
    cited = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and len(cited) == 1 and cited[0].month == 12 and "中职学校办学质量" in cited[0].task


@pytest.mark.slow
@pytest.mark.parametrize("question,office,months", [
    ("What does the safety management office do?", "安管处", ()),
    ("What does the teacher work division do in the second half of the year?", "教师处", (7, 8, 9, 10, 11, 12)),
])
def test_the_words_naming_an_office_in_english_filter_none_of_its_rows(bot, question, office, months):
    """safety, management named 安管处 and had also been taken as its topic: its 6月 欺凌 row, which
    writes no 安全, was dropped."""
    a = bot.ask(question)
    assert len([c for c in a.citations if c.kind == "schedule"]) == len(bot.filter_rows(months, (office,)))


@pytest.mark.slow
def test_an_everyday_english_word_alone_narrows_no_month(bot):
    """school safety: 学校 is in a quarter of the items and 安全 as common as a word gets; narrowing by
    学校 had kept two June rows and dropped 安管处's."""
    a = bot.ask("What are the school safety tasks in June?")
    assert len([c for c in a.citations if c.kind == "schedule"]) == len(bot.filter_rows((6,), ()))


@pytest.mark.slow
def test_an_office_name_joining_two_fields_lists_all_its_rows(bot):
    """The vocational and higher education division: vocational had been left out of the name and
    taken as a topic, keeping 2 of its 7 rows."""
    a = bot.ask("What does the vocational and higher education division do?")
    assert len([c for c in a.citations if c.kind == "schedule"]) == len(bot.filter_rows((), ("职高教处",)))


@pytest.mark.slow
def test_an_office_s_rows_on_an_english_topic_keep_every_row_writing_its_rarest_word(bot):
    """The new classroom project: 12月's “新课堂”实践探索系列丛书 writes 新课堂 but not 项目, and had been
    dropped for 8月's 启动第二期“新课堂”项目, which writes both."""
    a = bot.ask("What is the teaching research institute doing about the new classroom project?")
    assert sorted(c.month for c in a.citations if c.kind == "schedule") == [8, 12]
