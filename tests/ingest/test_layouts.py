"""Hand-made notices of the layouts other years, districts and cities use (issue 10, part 3).

Each test writes its own small notice; none of them is the real 2024 notice, and the parser is
never told which layout it is reading.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.offices import OfficeTable
from ingest.parse import parse_file, parse_text, read_date
from ingest.records import Record, plan_year, read_jsonl, write_jsonl
from ingest.when import read_when


def parse(text: str, doc_id: str = "t"):
    return parse_text(text, doc_id, offices=OfficeTable.load())


# A 2023 notice in the bureau's own layout: cover letter, sign-off, a public-release remark in
# brackets, then the real title and a 配档表.
JINAN_2023 = """\
索引号: 11370100004188661G/2023-00011 组配分类: 部门计划及总结
成文日期: 2023-03-01 发布日期: 2023-03-02
发布机构: 济南市教育局
发文字号: 济教工委办〔2023〕2号
中共济南市委教育工作委员会办公室 济南市教育局办公室关于印发《中共济南市委教育工委 济南市教育局2023年工作要点》的通知
各区县教体局,直属各学校:
《中共济南市委教育工委 济南市教育局2023年工作要点》已经研究通过,现印发给你们,请认真贯彻执行。
中共济南市委教育工作委员会办公室 济南市教育局办公室
2023年3月1日
(此件公开发布)
中共济南市委教育工委 济南市教育局2023年工作要点
2023年全市教育工作的总体思路是:稳中求进。
一、加强党的建设
1.坚持政治引领。深入学习。
2.加强基层党建。推进标准化建设。
二、推进教育公平
3.发展学前教育。新增学位1万个。
附件
2023年重点工作配档表
时间
重点工作
责任单位
1月
召开全市教育工作会议
办公室
3月
启动学前教育行动计划
学前处
"""


def test_title_is_the_title_line_never_a_bracketed_remark():
    doc = parse(JINAN_2023, "jinan-2023")
    assert doc.title == "中共济南市委教育工委 济南市教育局2023年工作要点"
    assert doc.date == "2023年3月1日"
    assert doc.signature == "中共济南市委教育工作委员会办公室 济南市教育局办公室"
    # The dated cover letter above the title is part of the opening, after the notice's own; the
    # remark after its date is not.
    assert doc.preamble.split("\n") == ["2023年全市教育工作的总体思路是:稳中求进。",
                                         "《中共济南市委教育工委 济南市教育局2023年工作要点》已经研究通过,现印发给你们,请认真贯彻执行。"]
    assert "此件公开发布" not in doc.preamble
    assert [r.id for r in doc.records() if r.kind == "item"] == [
        "jinan-2023:item:1", "jinan-2023:item:2", "jinan-2023:item:3"]
    assert [(r.month, r.when, r.offices) for r in doc.schedule] == [
        (1, "1月", ("办公室",)), (3, "3月", ("学前处",))]


def test_title_without_cover_letter_skips_remark_and_document_number():
    doc = parse("(此件主动公开)\n某发〔2022〕5号\n某市教育局2022年工作要点\n一、抓党建\n1.加强党建。\n")
    assert doc.title == "某市教育局2022年工作要点"


# A district bureau: three levels, numbering of 1. restarting in every subsection, no 配档表,
# offices on 责任科室 / 牵头单位 lines or after the item's last sentence, sign-off written 2024327.
DISTRICT = """\
某区教育和体育局2024年工作要点
2024年,全区教育工作的总体要求是:提质增效。
一、强化党建引领
(一)加强政治建设
1.深化理论武装。开展专题学习。
责任科室:组织人事科
2.落实意识形态责任制。定期研判。责任科室:办公室、宣传科
(二)加强队伍建设
1.锻造干部队伍
开展干部轮训,全年不少于2次。
牵头单位:组织人事科;配合单位:教师发展中心
二、推进优质均衡
(一)扩充学位供给
1.新建学校3所。(责任科室:规划建设科)
某区教育和体育局
2024327
"""


def test_three_levels_with_numbering_restarting_per_subsection():
    doc = parse(DISTRICT, "district-2024")
    assert [(s.key, s.title) for s in doc.sections] == [
        ("一", "强化党建引领"), ("一(一)", "加强政治建设"), ("一(二)", "加强队伍建设"),
        ("二", "推进优质均衡"), ("二(一)", "扩充学位供给")]
    assert [(i.section, i.subsection, i.no, i.ref) for i in doc.items] == [
        ("一", "一", 1, "1.1.1"), ("一", "一", 2, "1.1.2"), ("一", "二", 1, "1.2.1"),
        ("二", "一", 1, "2.1.1")]
    assert doc.schedule == ()
    recs = doc.records()
    ids = [r.id for r in recs]
    assert len(ids) == len(set(ids))
    items = [r for r in recs if r.kind == "item"]
    assert [r.id for r in items] == ["district-2024:item:1.1.1", "district-2024:item:1.1.2",
                                     "district-2024:item:1.2.1", "district-2024:item:2.1.1"]
    assert all(isinstance(r.item, int) for r in items)
    assert (items[2].section_title, items[2].subsection_title) == ("强化党建引领", "加强队伍建设")
    sub = next(r for r in recs if r.id == "district-2024:section:一(二)")
    assert (sub.kind, sub.section, sub.subsection, sub.title) == ("section", "一", "二", "加强队伍建设")


def test_offices_on_lines_after_sentences_and_in_brackets():
    doc = parse(DISTRICT)
    assert [i.offices for i in doc.items] == [
        ("组织人事科",), ("办公室", "宣传科"), ("组织人事科", "教师发展中心"), ("规划建设科",)]
    assert doc.items[1].text == "落实意识形态责任制。定期研判。"
    assert doc.items[3].text == "新建学校3所。"
    # A heading line then its text: the title is the heading, the text keeps both lines.
    assert doc.items[2].title == "锻造干部队伍"
    assert doc.items[2].text == "锻造干部队伍\n开展干部轮训,全年不少于2次。"
    assert not any("责任科室" in i.text or "牵头单位" in i.text for i in doc.items)


def test_compact_sign_off_date():
    doc = parse(DISTRICT)
    assert (doc.signature, doc.date) == ("某区教育和体育局", "2024年3月27日")
    assert doc.items[-1].text == "新建学校3所。"   # the signature does not stay in the last item
    assert ("date", "2024年3月27日") in next(r for r in doc.records() if r.kind == "meta").meta


@pytest.mark.parametrize("line, date", [
    ("2024327", "2024年3月27日"), ("20241105", "2024年11月5日"), ("2024.3.27", "2024年3月27日"),
    ("2024-03-27", "2024年3月27日"), ("2024年3月27日", "2024年3月27日"), ("2024105", "2024年10月5日"),
    ("2024111", None),      # 1月11日 or 11月1日: not guessed
    ("2024", None), ("2024999", None),
])
def test_read_date(line, date):
    assert read_date(line)[0] == date


def test_ambiguous_compact_date_is_a_warning_not_a_date():
    doc = parse("某局工作要点\n一、甲\n1.乙。\n某局\n2024111\n")
    assert doc.date is None
    assert any("2024111" in w and "2024年3月27日" in w for w in doc.warnings)


def test_only_two_levels_cites_the_bracketed_entries():
    doc = parse("某县教育局2023年工作要点\n一、党建\n(一)加强党建。落实责任。\n(二)从严治党。\n"
                "二、教学\n(一)提高质量。\n")
    assert [(i.section, i.no, i.ref, i.title) for i in doc.items] == [
        ("一", 1, "1.1", "加强党建"), ("一", 2, "1.2", "从严治党"), ("二", 1, "2.1", "提高质量")]
    assert [s.key for s in doc.sections] == ["一", "二"]


# Another city: items numbered 01 / 02 on their own line, title on the next, and a table whose
# time cells are not single months.
ZIBO = """\
某市教育局2025年工作要点
2025年全市教育工作要坚持稳中求进。
一、党的建设
01
抓好政治建设
坚持理论学习。
02
落实全面从严治党
压实主体责任。(责任单位:机关党委)
二、教育质量
03
办好人民满意教育
推进优质均衡。
附件:配档表
2025年重点工作配档表
时间
工作任务
责任单位
上半年
完成学位建设
规划处
6月底前
出台课后服务办法
基教处
3—4月
组织春季运动会
体卫艺处
第二季度
开展安全检查
安全处
全年
推进优质均衡
基教处、督导室
9月
召开教师节表彰会
教师处
"""


def test_items_numbered_on_their_own_line():
    doc = parse(ZIBO, "zibo-2025")
    assert [(i.no, i.section, i.title) for i in doc.items] == [
        (1, "一", "抓好政治建设"), (2, "一", "落实全面从严治党"), (3, "二", "办好人民满意教育")]
    assert doc.items[0].text == "抓好政治建设\n坚持理论学习。"
    assert doc.items[1].offices == ("机关党委",)
    assert [r.id for r in doc.records() if r.kind == "item"] == [
        "zibo-2025:item:1", "zibo-2025:item:2", "zibo-2025:item:3"]


def test_time_cells_kept_as_written_and_mapped_to_months():
    doc = parse(ZIBO, "zibo-2025")
    assert [(r.when, r.months, r.month, r.task) for r in doc.schedule] == [
        ("上半年", (1, 2, 3, 4, 5, 6), 6, "完成学位建设"),
        ("6月底前", (6,), 6, "出台课后服务办法"),
        ("3—4月", (3, 4), 4, "组织春季运动会"),
        ("第二季度", (4, 5, 6), 6, "开展安全检查"),
        ("全年", tuple(range(1, 13)), 12, "推进优质均衡"),
        ("9月", (9,), 9, "召开教师节表彰会"),
    ]
    rows = [r for r in doc.records() if r.kind == "schedule"]
    ids = [r.id for r in rows]
    assert len(set(ids)) == len(ids) and ids[0] == "zibo-2025:schedule:06-01"
    # A filter on one month finds every row underway in it, not one due later (6月底前: its start
    # is not written); `month` is when the row is due.
    assert [r.text for r in rows if 4 in r.months] == [
        "完成学位建设", "组织春季运动会", "开展安全检查", "推进优质均衡"]
    assert [r.text for r in rows if r.month == 6] == ["完成学位建设", "出台课后服务办法", "开展安全检查"]
    assert rows[2].when == "3—4月" and rows[4].offices == ("基教处", "督导室")


def test_time_column_after_the_task():
    doc = parse("某局2025年工作要点\n一、甲\n1.乙。\n任务分工表\n序号\n工作任务\n责任单位\n完成时限\n"
                "1\n修订章程\n办公室\n6月底前\n2\n召开表彰会\n教师处\n9月\n")
    assert [(r.task, r.offices, r.when, r.month) for r in doc.schedule] == [
        ("修订章程", ("办公室",), "6月底前", 6), ("召开表彰会", ("教师处",), "9月", 9)]


def test_a_time_cell_saying_what_happens_then_is_no_task():
    """常态化推进 or 3月启动,11月底前完成 in the time column had been read as a task, glued to the
    next row's, which took the months of the row above."""
    doc = parse("某局2025年工作要点\n一、甲\n1.乙。\n任务分解表\n序号\n工作任务\n责任单位\n完成时限\n"
                "1\n修订章程\n办公室\n常态化推进\n2\n开展教师全员培训\n教师处\n3月启动,11月底前完成\n"
                "3\n召开表彰会\n教师处\n9月\n")
    assert [(r.task, r.when, r.months) for r in doc.schedule] == [
        ("修订章程", "常态化推进", tuple(range(1, 13))), ("开展教师全员培训", "3月启动,11月底前完成", tuple(range(3, 12))),
        ("召开表彰会", "9月", (9,))]


def test_an_opening_paragraph_ending_in_a_colon_is_no_list_of_addressees():
    """现将重点工作安排如下: ends the opening paragraph; a short one had been stored as the
    addressees, and no record held the opening."""
    doc = parse("某市教育局2025年工作要点\n各区县教体局,直属各学校:\n2025年,全市教育工作落实立德树人根本任务。"
                "现将重点工作安排如下:\n一、加强党建\n1.深化理论武装。全年学习12次。\n")
    assert doc.addressees == "各区县教体局,直属各学校:"
    assert doc.preamble == "2025年,全市教育工作落实立德树人根本任务。现将重点工作安排如下:"


def test_a_header_of_two_rows_names_the_supporting_offices_in_its_second():
    """责任单位 spanning 牵头单位 | 配合单位: the spanned copy of 责任单位 had been taken for the
    second office column, so no office was read as supporting."""
    doc = parse("某区教育局2025年工作要点\n一、甲\n1.乙。\n附件:重点任务清单\n完成时限\n重点任务\n责任单位\n责任单位\n"
                "牵头单位\n配合单位\n2月\n召开全区教育工作会议\n办公室\n组织人事科\n6月底前\n开展校外培训机构年检\n"
                "校外培训监管科\n区市场监管局\n")
    assert [(r.offices, r.support) for r in doc.schedule] == [
        (("办公室", "组织人事科"), ("组织人事科",)), (("校外培训监管科", "区市场监管局"), ("区市场监管局",))]


@pytest.mark.parametrize("mark", ["/", "—", "无"])
def test_an_empty_cell_s_mark_is_no_row(mark):
    """A 配合单位 cell left as / had been read as a task of its own."""
    doc = parse("某局2025年工作要点\n一、甲\n1.乙。\n任务清单\n序号\n重点任务\n牵头单位\n配合单位\n完成时限\n"
                f"1\n召开全区教育工作会议\n办公室\n{mark}\n2月\n2\n开展校外培训机构年检\n校外培训监管科\n区市场监管局\n6月底前\n")
    assert [(r.task, r.offices, r.month) for r in doc.schedule] == [
        ("召开全区教育工作会议", ("办公室",), 2), ("开展校外培训机构年检", ("校外培训监管科", "区市场监管局"), 6)]


@pytest.mark.parametrize("cell, months", [
    ("3月", (3,)), ("三月", (3,)), ("十二月", (12,)), ("3月份", (3,)), ("6月底", (6,)),
    # A deadline is the month the work is due in, not every month from January.
    ("6月底前", (6,)), ("3月前", (3,)), ("3—4月", (3, 4)), ("3-5月", (3, 4, 5)),
    ("3月至5月", (3, 4, 5)), ("3月、9月", (3, 9)), ("上半年", (1, 2, 3, 4, 5, 6)),
    ("下半年", (7, 8, 9, 10, 11, 12)), ("全年", tuple(range(1, 13))), ("第二季度", (4, 5, 6)),
    ("四季度", (10, 11, 12)), ("年底前", (12,)), ("第二季度末前", (6,)),
    # the year and the day written too, and cells for every month
    ("2025年8月31日前", (8,)), ("2024年8月底", (8,)), ("7月5日前", (7,)),
    ("每月", tuple(range(1, 13))), ("长期坚持", tuple(range(1, 13))), ("2024年", None),
    ("13月", None), ("5—3月", None), ("全年重点工作", None), ("召开会议", None),
    # what happens then, said with the time; years, days and quarters written otherwise
    ("常态化推进", tuple(range(1, 13))), ("全年持续推进", tuple(range(1, 13))), ("持续实施", tuple(range(1, 13))),
    ("年内完成", tuple(range(1, 13))), ("2025年度", tuple(range(1, 13))), ("7、8月", (7, 8)), ("6月启动", (6,)),
    ("11月底前完成", (11,)), ("2025年3月启动，11月底前完成", tuple(range(3, 12))), ("寒假期间", (1, 2)),
    ("每年9月", (9,)), ("2025.6", (6,)), ("第三季度末", (9,)), ("每月底前", tuple(range(1, 13))),
    ("组织开展", None), ("推进", None),
])
def test_read_when(cell, months):
    assert read_when(cell) == months


def test_record_months_default_and_round_trip(tmp_path):
    plain = Record(id="d:schedule:03-01", doc_id="d", kind="schedule", text="x", month=3)
    assert plain.months == (3,) and plain.when is None
    span = Record(id="d:schedule:06-01", doc_id="d", kind="schedule", text="y", month=6,
                  when="上半年", months=(1, 2, 3, 4, 5, 6))
    write_jsonl([plain, span], tmp_path / "r.jsonl")
    assert read_jsonl(tmp_path / "r.jsonl") == [plain, span]
    # A records file written before `months` existed still reads.
    (tmp_path / "old.jsonl").write_text(
        '{"id": "d:schedule:03-01", "doc_id": "d", "kind": "schedule", "text": "x", "month": 3}\n',
        encoding="utf-8")
    assert read_jsonl(tmp_path / "old.jsonl") == [plain]
    with pytest.raises(ValueError, match="months must be 1–12 and hold month 6"):
        Record(id="d:schedule:06-02", doc_id="d", kind="schedule", text="z", month=6, months=(3, 4))


def test_layouts_from_files_and_across_a_corpus(tmp_path):
    from ingest import load_corpus

    for name, text in (("jinan-2023.txt", JINAN_2023), ("district-2024.txt", DISTRICT),
                       ("zibo-2025.txt", ZIBO)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert parse_file(tmp_path / "zibo-2025.txt").items[0].title == "抓好政治建设"
    docs, errors = load_corpus([tmp_path], OfficeTable.load())
    assert errors == []
    ids = [r.id for d in docs for r in d.records()]
    assert len(ids) == len(set(ids))
    assert {d.doc_id: d.title for d in docs} == {
        "district-2024": "某区教育和体育局2024年工作要点",
        "jinan-2023": "中共济南市委教育工委 济南市教育局2023年工作要点",
        "zibo-2025": "某市教育局2025年工作要点"}


def test_page_number_inside_an_item_is_not_an_item():
    doc = parse("某局工作要点\n一、甲\n01\n抓党建\n推进标准化建设,开展\n7\n专题培训。\n02\n抓教学\n提高质量。\n")
    assert [(i.no, i.title) for i in doc.items] == [(1, "抓党建"), (2, "抓教学")]
    assert doc.items[0].text.startswith("抓党建\n推进标准化建设,开展")   # the 7 stays text, as before


TABLE = [("序号", "工作任务", "责任单位", "完成时限"), ("1", "修订学校章程", "办公室", "6月底前"),
         ("2", "组织春季运动会", "体卫艺处", "3—4月"), ("3", "推进优质均衡", "基教处、督导室", "全年")]
EXPECTED_ROWS = [("修订学校章程", ("办公室",), "6月底前", (6,)),
                 ("组织春季运动会", ("体卫艺处",), "3—4月", (3, 4)),
                 ("推进优质均衡", ("基教处", "督导室"), "全年", tuple(range(1, 13)))]
BODY = ["某市教育局2025年工作要点", "2025年全市教育工作要坚持稳中求进。", "一、党的建设", "01", "抓好政治建设",
        "坚持理论学习。", "02", "落实全面从严治党", "压实主体责任。", "附件", "2025年重点工作任务分工表"]


def _rows(doc):
    return [(r.task, r.offices, r.when, r.months) for r in doc.schedule]


@pytest.mark.parametrize("fmt", ["txt", "docx", "html"])
def test_time_last_table_reads_the_same_in_every_format(tmp_path, fmt):
    path = tmp_path / f"zibo.{fmt}"
    if fmt == "txt":
        path.write_text("\n".join(BODY + [c for row in TABLE for c in row]) + "\n", encoding="utf-8")
    elif fmt == "docx":
        import docx

        d = docx.Document()
        for ln in BODY:
            d.add_paragraph(ln)
        t = d.add_table(rows=len(TABLE), cols=len(TABLE[0]))
        for r, row in enumerate(TABLE):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
        d.save(str(path))
    else:
        cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
        path.write_text("<html><body>" + "".join(f"<p>{ln}</p>" for ln in BODY)
                        + f"<table>{cells}</table></body></html>", encoding="utf-8")
    doc = parse_file(path, OfficeTable.load())
    assert _rows(doc) == EXPECTED_ROWS
    assert [(i.no, i.title) for i in doc.items] == [(1, "抓好政治建设"), (2, "落实全面从严治党")]


def test_title_wrapped_over_two_lines():
    doc = parse("某市教育局\n2023年3月1日\n(此件公开发布)\n中共某市委教育工委 某市教育局\n2023年工作要点\n"
                "2023年的总体思路是:稳中求进。\n一、甲\n1.乙。\n")
    assert doc.title == "中共某市委教育工委 某市教育局2023年工作要点"
    assert doc.preamble == "2023年的总体思路是:稳中求进。"


def test_row_without_a_time_cell_is_kept_with_a_warning():
    doc = parse("某局2025年工作要点\n一、甲\n1.乙。\n任务分工表\n序号\n工作任务\n责任单位\n完成时限\n"
                "1\n修订章程\n办公室\n2\n召开表彰会\n教师处\n9月\n", "d")
    assert [(r.month, r.task) for r in doc.schedule] == [(None, "修订章程"), (9, "召开表彰会")]
    assert any("no time cell" in w and "修订章程" in w for w in doc.warnings)
    rows = [r for r in doc.records() if r.kind == "schedule"]
    assert [(r.id, r.month, r.months) for r in rows] == [
        ("d:schedule:00-01", None, ()), ("d:schedule:09-01", 9, (9,))]
    assert doc.summary_json()["schedule"][0]["months"] == []


_BODY = """\
烟台市教育局2025年工作要点
2025年全市教育工作的总体要求是:推动教育高质量发展。
一、加强党的建设
1.深化理论武装。全年组织集中学习不少于12次。
二、办好人民满意的教育
2.扩大学前教育资源。新建改扩建公办幼儿园15所。
"""
_TABLE = """\
时间
重点工作
责任科室
3月
召开全市教育工作会议
办公室
5月
公布新建改扩建公办幼儿园项目名单
学前教育科
"""


@pytest.mark.parametrize("title", ["附件:2025年重点工作安排表\n", "附件\n2025年重点任务推进表\n", ""])
def test_a_table_titled_otherwise_or_untitled_is_found_by_its_header(title):
    """The table's title is not always 配档表 (安排表, 推进表, none at all): its header row, a time
    column and a task column, says where it starts; its title never joins the last item."""
    doc = parse(_BODY + title + _TABLE)
    assert [(r.month, r.task, r.offices) for r in doc.schedule] == [
        (3, "召开全市教育工作会议", ("办公室",)), (5, "公布新建改扩建公办幼儿园项目名单", ("学前教育科",))]
    assert [i.text for i in doc.items][-1] == "扩大学前教育资源。新建改扩建公办幼儿园15所。"


_PAGE_TWO = """\
时间
重点工作
责任科室
9月
开展教师节系列活动
人事科
"""


@pytest.mark.parametrize("title", ["附件\n2025年重点任务分解表\n", "附件:2025年重点工作安排表\n", ""])
def test_a_header_repeated_on_the_next_page_does_not_restart_the_table(title):
    """A PDF repeats the header row on each page: the table starts at its first copy. Only the
    rows after the last copy had been read, the others glued to the last item."""
    doc = parse(_BODY + title + _TABLE + _PAGE_TWO)
    assert [r.month for r in doc.schedule] == [3, 5, 9]
    assert [i.text for i in doc.items][-1] == "扩大学前教育资源。新建改扩建公办幼儿园15所。"


def test_a_lone_header_word_in_the_body_is_not_a_table():
    """A table header names both a time and a task column; one such word alone is text."""
    doc = parse(_BODY + "任务\n3.完善考核办法。按时间节点推进。\n")
    assert len(doc.items) == 3 and not doc.schedule and doc.items[-1].text == "完善考核办法。按时间节点推进。"


def test_parts_headed_di_yi_bu_fen_are_sections():
    doc = parse("某区教育局2025年工作要点\n2025年要稳中求进。\n第一部分 党的建设\n1. 深化理论学习。\n"
                "第二部分:教育质量\n2. 提高课后服务水平。\n")
    assert [(s.key, s.title) for s in doc.sections] == [("一", "党的建设"), ("二", "教育质量")]
    assert [(i.section, i.no) for i in doc.items] == [("一", 1), ("二", 2)]
    assert doc.preamble == "2025年要稳中求进。"


def test_items_numbered_in_brackets_are_items_unless_the_notice_has_1_dot_items():
    doc = parse("某区教体局2024年工作要点\n一、硬件建设\n(1)新建学校2所。\n（2）改造运动场。\n二、队伍\n(1)培训教师。\n")
    assert [(i.section, i.no, i.text) for i in doc.items] == [
        ("一", 1, "新建学校2所。"), ("一", 2, "改造运动场。"), ("二", 1, "培训教师。")]
    # Beside 1. items, (1) numbers points within one.
    doc = parse("某局2024年工作要点\n一、甲\n1.建设学校。\n(1)新建2所。\n(2)改扩建3所。\n")
    assert [i.no for i in doc.items] == [1] and "(1)新建2所" in doc.items[0].text


def test_office_cells_naming_every_unit_of_a_kind_and_a_sign_off_after_the_table():
    doc = parse("某区教育局2025年工作要点\n一、甲\n1.乙。\n任务分工表\n序号\n工作任务\n完成时限\n责任科室\n"
                "1\n开展校园安全隐患排查\n每月\n安全稳定科、各学校\n2\n推行明厨亮灶\n全年\n各中小学、幼儿园\n"
                "某区教育局\n2025年2月28日\n")
    assert [(r.task, r.offices, r.when) for r in doc.schedule] == [
        ("开展校园安全隐患排查", ("安全稳定科", "各学校"), "每月"), ("推行明厨亮灶", ("各中小学", "幼儿园"), "全年")]


def test_only_office_shaped_names_of_a_row_become_offices_to_ask_about():
    """幼儿园 of 各中小学、幼儿园 is one of a list: never an office of its own (else every question
    naming 幼儿园 would become a schedule question)."""
    table = OfficeTable.load().with_names(["安全稳定科", "各中小学", "幼儿园"])
    assert table.canonical("安全稳定科") and table.canonical("各中小学") and table.canonical("幼儿园") is None


def test_articles_numbered_di_yi_tiao_are_items():
    doc = parse("某县教育和体育局2023年工作要点\n2023年要稳中求进。\n第一条 加强党建。压实责任。\n"
                "第二条:扩大学位供给。新增学位800个。\n第十二条 保障安全。\n")
    assert [(i.no, i.text) for i in doc.items] == [
        (1, "加强党建。压实责任。"), (2, "扩大学位供给。新增学位800个。"), (12, "保障安全。")]


def test_a_table_with_lead_and_supporting_office_columns_keeps_both_on_the_row():
    doc = parse("某县教育和体育局2025年工作要点\n一、甲\n1.乙。\n重点工作任务分工表\n序号\n工作任务\n牵头单位\n配合单位\n完成时间\n"
                "1\n召开全县教育工作会议\n办公室\n各股室\n2月—3月\n2\n启动公办幼儿园新建项目\n学前教育股\n计划财务股、基建办\n"
                "3月中旬\n3\n组织应急疏散演练\n安全股\n每学期\n")
    assert [(r.task, r.offices, r.when, r.months) for r in doc.schedule] == [
        ("召开全县教育工作会议", ("办公室", "各股室"), "2月—3月", (2, 3)),
        ("启动公办幼儿园新建项目", ("学前教育股", "计划财务股", "基建办"), "3月中旬", (3,)),
        ("组织应急疏散演练", ("安全股",), "每学期", tuple(range(1, 13)))]
    # The 配合单位 column's offices are kept apart as supporting.
    assert [r.support for r in doc.schedule] == [("各股室",), ("计划财务股", "基建办"), ()]


def test_a_markdown_notice_reads_like_a_scraped_one(tmp_path):
    md = tmp_path / "taian.md"
    md.write_text("# 泰安市教育局2024年工作要点\n\n> 发布机构:泰安市教育局  发布日期:2024-03-05\n\n"
                  "2024年,全市教育工作要稳中求进。\n\n## 一、扩容提质\n\n1. **推进学校建设**。新增学位1.5万个。\n"
                  "2. **发展普惠学前教育**。新建公办幼儿园10所。\n\n## 二、育人质量\n\n1. **加强劳动教育**。认定基地20个。\n\n"
                  "附件:2024年重点工作配档表\n\n| 序号 | 工作任务 | 责任科室 | 完成时限 |\n| --- | --- | --- | --- |\n"
                  "| 1 | 召开全市教育工作会议 | 办公室 | 2月—3月 |\n| 2 | 启动名师评选 | 教师工作科 | 5月 |\n", encoding="utf-8")
    doc = parse_file(md, OfficeTable.load())
    assert doc.title == "泰安市教育局2024年工作要点" and doc.meta["issuer"] == "泰安市教育局"
    assert [(s.key, s.title) for s in doc.sections] == [("一", "扩容提质"), ("二", "育人质量")]
    assert [(i.section, i.no, i.title) for i in doc.items] == [
        ("一", 1, "推进学校建设"), ("一", 2, "发展普惠学前教育"), ("二", 1, "加强劳动教育")]
    assert [(r.task, r.offices, r.when) for r in doc.schedule] == [
        ("召开全市教育工作会议", ("办公室",), "2月—3月"), ("启动名师评选", ("教师工作科",), "5月")]


# --- three more layouts (files in tests/ingest/data) ------------------------------------------------

DATA = __import__("pathlib").Path(__file__).parent / "data"


def rows_of(name: str) -> dict[str, object]:
    doc = parse_file(DATA / name, OfficeTable.load())
    return {r.task: r for r in doc.schedule}


def test_a_word_table_with_the_time_last_and_two_line_office_cells():
    """德州 .docx: 序号|重点任务|牵头处室|完成时间; 重点任务 is a task column however it is worded, and
    a cell of two lines (体卫艺处⏎市学生发展中心) is one row's offices, not the next row's task."""
    rows = rows_of("dezhou-edu-2025.docx")
    assert rows["开展学生心理健康测评"].offices == ("体育卫生与艺术教育处", "市学生发展中心")
    assert rows["开展学生心理健康测评"].months == (6, 9)
    assert rows["组织教师交流轮岗"].when == "7月1日—8月31日"
    assert rows["建设市级劳动教育实践基地"].months == (9, 10, 11, 12)   # 9月—次年1月
    assert rows["齐河县、乐陵市迎接国家优质均衡督导评估"].offices == ("教育督导室", "基础教育处")
    assert all(r.offices and r.when for r in rows.values()) and len(rows) == 12


def test_an_html_table_with_offices_in_paragraphs_and_unusual_time_cells():
    rows = rows_of("jinshui-edu-2024.html")
    assert rows["新建改扩建中小学、幼儿园"].offices == ("计财科", "基建办")
    assert rows["新建改扩建中小学、幼儿园"].when == "全年"
    assert rows["文化路第三小学、实验中学东校区投用"].when == "9月1日前"
    assert rows["建设智慧校园示范校"].months == (9, 10, 11, 12)        # 秋季学期
    assert rows["义务教育招生入学"].months == (6,)                      # 6月中下旬
    assert all(r.offices and r.when for r in rows.values())


def test_a_schedule_written_as_month_lines():
    """兰山 .txt: 1月：任务（责任单位：…）；任务（…） lines after the items, under a title line that
    joins no item."""
    doc = parse_file(DATA / "lanshan-edu-2026.txt", OfficeTable.load())
    rows = {r.task: r for r in doc.schedule}
    assert len(rows) == 14 and all(r.offices for r in rows.values())
    assert rows["开展寒假安全教育"].offices == ("安全股", "各学校") and rows["开展寒假安全教育"].months == (1,)
    assert rows["举办全区中小学生田径运动会"].months == (4, 5)
    assert not any("月度安排" in i.text or "责任单位" in i.text for i in doc.items)


@pytest.mark.parametrize("cell,months", [
    ("第二、三季度", (4, 5, 6, 7, 8, 9)), ("第三至四季度", tuple(range(7, 13))), ("6月中下旬", (6,)),
    ("9月—次年1月", (9, 10, 11, 12)), ("秋季学期", (9, 10, 11, 12)), ("9月起", (9, 10, 11, 12)),
])
def test_more_time_cells(cell, months):
    assert read_when(cell) == months


def test_numbers_word_draws_for_its_lists_are_read():
    """吴江 .docx: 一、 and 1. come from Word's list numbering (w:numPr), not the text; each
    section's list restarts at 1 (w:startOverride), as Word shows it."""
    doc = parse_file(DATA / "wujiang-edu-2025.docx", OfficeTable.load())
    assert [s.no for s in doc.sections] == ["一", "二", "三", "四", "五"]
    assert [(i.section, i.no) for i in doc.items] == [
        ("一", 1), ("一", 2), ("二", 1), ("二", 2), ("二", 3), ("三", 1), ("三", 2), ("四", 1), ("五", 1), ("五", 2)]
    assert doc.items[0].title == "推进学校建设工程" and "9600个" in doc.items[0].text


def test_a_list_level_that_never_restarts_numbers_items_through_the_sections():
    """寒亭 .docx (a reviewer's): the item level says w:lvlRestart 0, so Word draws 1…12 through
    the five sections; every section had restarted at 1, and 第5条 was not found."""
    doc = parse_file(DATA / "hanting-edu-2025.docx", OfficeTable.load())
    assert [i.no for i in doc.items] == list(range(1, 13))
    assert [i.section for i in doc.items][:3] == ["一", "一", "二"] and doc.items[4].title == "推进学前教育普惠发展"


def test_an_html_ordered_list_spanning_header_and_remarks_column():
    """武侯 .html: items in <ol><li> (numbers drawn by the browser); the schedule has 责任单位 over
    牵头 | 配合 (colspan), months merged down (rowspan) and a 备注 column, kept with the task."""
    doc = parse_file(DATA / "wuhou-edu-2025.html", OfficeTable.load())
    assert len(doc.items) == 9 and "5400个" in doc.items[0].text
    rows = {r.task: r for r in doc.schedule}
    assert rows["启动公开招聘教师(备注:360名)"].offices == ("人事科",)
    assert rows["启动公开招聘教师(备注:360名)"].months == (3,)
    assert rows["义务教育阳光招生(备注:含随迁子女)"].offices == ("基础教育科", "督导室")
    assert all(r.offices and r.when for r in rows.values()) and len(rows) == 12


def test_a_tab_separated_schedule_grouped_by_office():
    """雁塔 .txt (GB18030): 责任单位 | 工作任务 | 完成时间 rows pasted with tabs, each office named on
    its group's first row only."""
    rows = rows_of("yanta-edu-2023.txt")
    assert len(rows) == 12
    assert rows["新建学校投入使用"].offices == ("规划建设科",) and rows["新建学校投入使用"].when == "8月底前"
    assert rows["规范办学行为专项检查"].offices == ("民办教育科",)
    assert rows["校外培训机构专项检查"].offices == ("校外培训监管科",)
    assert rows["校外培训机构专项检查"].months == (1, 2, 7, 8)   # 寒假、暑假


def test_an_extra_column_joins_the_task_and_a_second_attachment_is_no_schedule():
    """鄞州 .md: a 完成标志 column, then 附件2's table of indicators (kept as text, not rows)."""
    doc = parse_file(DATA / "yinzhou-edu-2026.md", OfficeTable.load())
    rows = {r.task: r for r in doc.schedule}
    assert len(rows) == 8 and all(r.offices for r in rows.values())
    assert rows["组建城乡教共体(完成标志:公布教共体名单)"].months == (4, 5, 6)
    assert rows["建成未成年人心理健康辅导中心(完成标志:中心投入运行)"].offices == ("德育科", "区教育学会")
    assert not any("指标" in r.task for r in doc.schedule) and any("指标" in p for p in doc.paragraphs)


def _html(tmp_path, body: str):
    path = tmp_path / "n.html"
    path.write_text(f"<html><body><p>某区教育局2025年工作要点</p>{body}</body></html>", encoding="utf-8")
    return parse_file(path, OfficeTable.load())


def test_html_table_cells_merged_down_any_column_or_left_out_at_the_end(tmp_path):
    doc = _html(tmp_path, "<p>一、甲</p><p>1.乙。</p><p>附件:重点工作配档表</p><table>"
                "<tr><th>时间</th><th>工作任务</th><th>责任单位</th><th>备注</th></tr>"
                "<tr><td>3月</td><td>召开教育工作会议</td><td rowspan='2'>办公室</td></tr>"
                "<tr><td>4月</td><td>开展春季安全检查</td><td>全覆盖</td></tr></table>")
    assert [(r.when, r.task, r.offices) for r in doc.schedule] == [
        ("3月", "召开教育工作会议", ("办公室",)), ("4月", "开展春季安全检查(备注:全覆盖)", ("办公室",))]


def test_an_html_list_keeps_numbers_it_writes_and_numbers_points_inside_items_apart(tmp_path):
    doc = _html(tmp_path, "<p>一、党的建设</p><ol style='list-style:none'><li>1.加强党建工作。</li>"
                "<li>2.加强纪律建设。</li></ol><p>二、教育发展</p><ol><li>新建学校。<ol><li>甲校。</li>"
                "<li>乙校。</li></ol></li><li>扩大学位。</li></ol>")
    assert [(i.section, i.no, i.title) for i in doc.items] == [
        ("一", 1, "加强党建工作"), ("一", 2, "加强纪律建设"), ("二", 1, "新建学校"), ("二", 2, "扩大学位")]


def test_a_second_task_column_and_a_spanning_duty_header_are_kept():
    lines = __import__("ingest.formats", fromlist=["table_lines"]).table_lines(
        [["时间", "工作任务", "具体措施", "责任分工", ""], [None, None, None, "牵头", "配合"],
         ["3月", "召开会议", "部署全年工作", "办公室", "人事科"]])
    doc = parse("某区教育局2025年工作要点\n一、甲\n1.乙。\n附件:重点工作配档表\n" + "\n".join(lines))
    assert [(r.task, r.offices) for r in doc.schedule] == [("召开会议(具体措施:部署全年工作)", ("办公室", "人事科"))]


def test_a_notice_without_a_metadata_table_takes_its_number_issuer_and_date_from_the_cover_letter():
    doc = parse_file(DATA / "lanshan-edu-2026.txt", OfficeTable.load())
    assert doc.meta["doc_no"] == "临兰教体发〔2026〕3号"
    assert doc.meta["issuer"] == "临沂市兰山区教育和体育局" and doc.meta["written_date"] == "2026年2月10日"


def test_a_time_cell_listing_spans_covers_them_all():
    assert read_when("寒假、暑假") == (1, 2, 7, 8) and read_when("寒假、开学") is None


def test_a_schedule_copied_with_its_cells_apart_by_runs_of_spaces(tmp_path):
    """柯桥 .txt: each row on one line, its cells apart by four spaces (copied from a web page),
    the paragraphs indented with ideographic spaces (no cells)."""
    doc = parse_file(DATA / "keqiao-edu-2025.txt", OfficeTable.load())
    rows = {r.task: r for r in doc.schedule}
    assert len(doc.items) == 12 and len(rows) == 14
    assert rows["完成中小学校舍安全鉴定"].when == "2025年3月底前" and rows["完成中小学校舍安全鉴定"].months == (3,)
    assert rows["开展应急疏散演练"].offices == ("安全管理科", "各学校")
    # Two ideographic spaces apart work the same.
    spaced = tmp_path / "keqiao.txt"
    spaced.write_text((DATA / "keqiao-edu-2025.txt").read_text(encoding="utf-8").replace("    ", "\u3000\u3000"),
                      encoding="utf-8")
    assert len(parse_file(spaced, OfficeTable.load()).schedule) == 14


def test_a_quarter_column_beside_a_finer_time_and_a_cell_of_two_spans():
    """芗城 .html: 季度 (merged down) | 序号 | 工作任务 | 完成时限 | 责任科室: the quarter says nothing
    the 完成时限 does not, and is left out; 2—3月、8—9月 covers both spans."""
    doc = parse_file(DATA / "xiangcheng-edu-2025.html", OfficeTable.load())
    rows = {r.task: r for r in doc.schedule}
    assert len(rows) == 13 and not any("季度" in t for t in rows)
    assert rows["开展春秋季开学安全检查"].months == (2, 3, 8, 9)
    assert rows["组织教师公开招聘"].when == "3—5月"


def test_a_deadline_with_its_year_and_outside_bodies_among_the_offices():
    """芦淞 .docx: 2024年底前 is 年底前; 区教育工会 is a body a row can name."""
    doc = parse_file(DATA / "lusong-edu-2024.docx", OfficeTable.load())
    rows = {r.task: r for r in doc.schedule}
    assert len(rows) == 12
    assert rows["完成民办学校年检"].when == "2024年底前" and rows["完成民办学校年检"].month == 12
    assert rows["开展教师节表彰活动"].offices == ("人事股", "区教育工会")


def test_an_attachment_of_indicators_after_the_items_is_text_not_items():
    """新吴 .md: no 配档表; after the ten items, 附件's table of indicators (序号 1, 2, 3) opens no items."""
    doc = parse_file(DATA / "xinwu-edu-2026.md", OfficeTable.load())
    assert [i.no for i in doc.items] == list(range(1, 11))
    assert "指标" not in doc.items[-1].text and any("指标" in p for p in doc.paragraphs)


@pytest.mark.parametrize("time_head,office_head", [("计划完成时间", "主要责任单位"), ("时间进度", "责任主体"),
                                                   ("进度要求", "协同单位"), ("完成时限", "责任处（科）室")])
def test_more_header_words_of_a_schedule(time_head, office_head):
    lines = __import__("ingest.formats", fromlist=["table_lines"]).table_lines(
        [["序号", "工作任务", time_head, office_head], ["1", "召开会议", "3月", "办公室、区妇联"]])
    doc = parse("某区教育局2025年工作要点\n一、甲\n1.乙。\n附件:重点工作配档表\n" + "\n".join(lines))
    assert [(r.task, r.when, r.offices) for r in doc.schedule] == [("召开会议", "3月", ("办公室", "区妇联"))]


@pytest.mark.parametrize("cell,months", [
    ("2025年底前", (12,)), ("5—6月、9—10月", (5, 6, 9, 10)), ("暑期前", (6,)),
    ("寒暑假", (1, 2, 7, 8)), ("每月底", tuple(range(1, 13))),
])
def test_time_cells_with_a_year_or_several_spans(cell, months):
    assert read_when(cell) == months


def test_points_numbered_1_within_bracketed_entries_that_hold_the_text():
    """(一) entries with sentences of their own are the items; 1. / 2. under one of them are its
    points. (A notice whose (一) lines are short headings over 1. items keeps 1. as the items.)"""
    entries = "".join(f"({n})工作{n}。落实第{n}项任务,达到要求。\n" for n in "一二三")
    doc = parse("某区教育局2025年工作要点\n一、甲\n" + entries + "1.开展专题教育。\n2.建立通报制度。\n"
                "二、乙\n(一)工作四。推进第四项任务。\n(二)工作五。推进第五项任务。\n")
    assert [(i.section, i.no) for i in doc.items] == [("一", 1), ("一", 2), ("一", 3), ("二", 1), ("二", 2)]
    assert "建立通报制度" in doc.items[2].text
    headed = parse("某区教育局2025年工作要点\n一、甲\n(一)党的建设\n1.加强党建。\n2.加强纪律。\n"
                   "(二)教育发展\n1.新建学校。\n")
    assert [(i.section, i.no, i.title) for i in headed.items] == [
        ("一", 1, "加强党建"), ("一", 2, "加强纪律"), ("一", 1, "新建学校")]


MISREADS = DATA / "misreads"


@pytest.mark.parametrize("name,items,rows", [
    ("a1.txt", 4, 0),     # 附件：… before the issuer and date: the sign-off is still read
    ("a2.txt", 4, 0),     # an 附件 line between items 2 and 3: the items go on
    ("a3.txt", 7, 0),     # a cover letter's 1. 2., then 附件, then the plan itself
    ("s1.txt", 4, 0),     # a training agenda (时间  内容  主讲人) in spaced text: no schedule
    ("t1.html", 3, 0),    # 项目 | 时间 | 地点 of an event: no schedule
    ("o1.html", 1, 3),    # a task ending in 工会 (指导学校组建工会) is no office
    ("p1.html", 2, 3),    # a 阶段 column beside 时间 is kept with the task
])
def test_tables_and_attachments_that_are_not_what_they_look_like(name, items, rows):
    """Notices a reviewer wrote to break the rules for spaced tables, header words, outside bodies
    and attachments: none of them loses items, its sign-off or a row's task."""
    doc = parse_file(MISREADS / name, OfficeTable.load())
    assert (len(doc.items), len(doc.schedule)) == (items, rows)
    if name in ("a1.txt", "a2.txt", "a3.txt", "s1.txt", "t1.html"):
        assert doc.meta["written_date"]
    assert all(r.task and not r.task.endswith(("科", "室")) for r in doc.schedule)
    if name == "o1.html":
        assert [r.task for r in doc.schedule][1] == "指导学校组建工会"
    if name == "p1.html":
        assert all("(阶段:" in r.task for r in doc.schedule)


@pytest.mark.parametrize("name,items,rows", [
    ("n01-aligned.txt", 4, 5),          # columns padded to line up: wide gaps are no empty cells
    ("n08-midsent.txt", 4, 5),          # a task cell holding a full stop does not end the table
    ("n14-bianhao.md", 4, 0),           # an attachment's table numbered by 编号: no items from it
    ("n17-jiguangonghui.html", 2, 5),   # 机关工会 is an office
])
def test_a_second_review_s_notices(name, items, rows):
    doc = parse_file(MISREADS / name, OfficeTable.load())
    assert (len(doc.items), len(doc.schedule)) == (items, rows)
    assert sum(bool(r.offices) for r in doc.schedule) >= rows - 1


@pytest.mark.parametrize("name,rows", [("n19-closing.txt", 3), ("n20-closing.html", 2), ("n10-close.txt", 4)])
def test_closing_prose_after_the_table_is_no_row_and_the_sign_off_is_read(name, rows):
    """请各校高度重视……。 after the last row, then the issuer and date: the prose is text, not a row
    (it had become one, with the issuer as its office), and the sign-off gives issuer and date."""
    doc = parse_file(MISREADS / name, OfficeTable.load())
    assert len(doc.schedule) == rows and not any("。" in r.task for r in doc.schedule)
    assert all(not o.endswith("局") and "落实" not in o for r in doc.schedule for o in r.offices)
    assert doc.meta["written_date"] and doc.meta["issuer"]


@pytest.mark.parametrize("name,rows", [
    ("n13-grouped.md", {"成立区家长学校指导中心": ("3月", ("德育科",)), "组建区青少年足球队": ("3月", ("体卫艺科", "各学校"))}),
    ("n21-timelast.html", {"成立区家庭教育指导中心": ("6月底前", ("德育科", "区妇联", "区关工委")),
                           "组建区青少年足球队": ("6月底前", ("体卫艺科",))}),
])
def test_a_blank_time_cell_in_a_later_column_groups_the_row_under_the_time_above(name, rows):
    """序号 | 完成时间 (blank under 3月) | 工作任务 | 牵头单位 | 配合单位: the row is 3月's, and its
    offices are its own, not the row above's."""
    got = {r.task: (r.when, r.offices) for r in parse_file(MISREADS / name, OfficeTable.load()).schedule}
    assert {t: got.get(t) for t in rows} == rows


def test_a_time_last_table_scraped_as_text_keeps_each_row_s_offices():
    """任务 | 牵头单位 | 配合单位 | 时间, one cell per line: the time closes the row, so the next task is
    a task, not one more office."""
    rows = [(r.task, r.when, r.offices) for r in parse_file(MISREADS / "n11-timelast.txt", OfficeTable.load()).schedule]
    assert rows == [("召开全区教育工作会议", "2月", ("办公室",)), ("成立区家庭教育指导中心", "6月底前", ("德育科", "区妇联")),
                    ("新建中小学校3所", "年底前", ("计划财务科", "基础教育科"))]


MONTH_HEAD = ["序号", "重点任务", "牵头处室"] + [f"{m}月" for m in range(1, 13)]
MONTH_ROWS = [("1", "召开全市卫生健康工作会议", "办公室", {2}), ("2", "开展春季、秋季爱国卫生运动", "疾病预防控制处", {4, 10}),
              ("3", "开展改善就医感受主题活动", "医政处", set(range(4, 12)))]
MONTH_EXPECTED = [("召开全市卫生健康工作会议", ("办公室",), "2月", (2,)),
                  ("开展春季、秋季爱国卫生运动", ("疾病预防控制处",), "4月、10月", (4, 10)),
                  ("开展改善就医感受主题活动", ("医政处",), "4—11月", tuple(range(4, 12)))]


def _month_table_html(merged: bool, mark: str) -> str:
    def cells(row):
        return "".join(f"<td>{c}</td>" for c in row)
    if merged:   # 序号 | 重点任务 | 牵头处室 | 时间安排 (spanning), the months in the row under it
        head = ('<tr><td rowspan="2">序号</td><td rowspan="2">重点任务</td><td rowspan="2">牵头处室</td>'
                '<td colspan="12">时间安排</td></tr><tr>' + cells(MONTH_HEAD[3:]) + "</tr>")
    else:
        head = "<tr>" + cells(MONTH_HEAD) + "</tr>"
    body = "".join("<tr>" + cells([no, task, office] + [mark if m in months else "" for m in range(1, 13)]) + "</tr>"
                   for no, task, office, months in MONTH_ROWS)
    return ("<html><body>" + "".join(f"<p>{ln}</p>" for ln in BODY[:-1])
            + f"<p>2025年重点工作推进计划表</p><table>{head}{body}</table></body></html>")


@pytest.mark.parametrize("merged,mark", [(False, "✓"), (True, "√"), (True, "●")])
def test_a_table_with_a_column_per_month_reads_the_marked_months(tmp_path, merged, mark):
    """1月 … 12月 as columns, the months a task runs marked: the row's time is the marked months
    (every row had read 1月, the first month header, or the table no rows at all)."""
    path = tmp_path / "taizhou.html"
    path.write_text(_month_table_html(merged, mark), encoding="utf-8")
    assert _rows(parse_file(path, OfficeTable.load())) == MONTH_EXPECTED


def test_a_word_table_with_a_column_per_month(tmp_path):
    import docx

    d = docx.Document()
    for ln in BODY:
        d.add_paragraph(ln)
    rows = [MONTH_HEAD] + [[no, task, office] + ["✓" if m in months else "" for m in range(1, 13)]
                           for no, task, office, months in MONTH_ROWS]
    t = d.add_table(rows=len(rows), cols=len(MONTH_HEAD))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            t.cell(r, c).text = cell
    d.save(str(tmp_path / "taizhou.docx"))
    assert _rows(parse_file(tmp_path / "taizhou.docx", OfficeTable.load())) == MONTH_EXPECTED


@pytest.mark.parametrize("cell,months", [
    ("2024年11月—2025年1月", (11, 12)), ("2024年11月-2025年1月底前", (11, 12)), ("2024年3月—2024年5月", (3, 4, 5)),
])
def test_a_span_with_both_years_written(cell, months):
    assert read_when(cell) == months


@pytest.mark.parametrize("title,months", [("某区教育局2025年工作要点", (1, 2, 3, 4, 5, 6)),
                                          ("某区教育局2024年工作要点", (9, 10, 11, 12)),
                                          # a span of years the title names is not the plan's year
                                          ("落实《规划纲要（2024—2035年）》2025年工作要点", (1, 2, 3, 4, 5, 6))])
def test_a_span_over_two_years_is_read_as_the_plans_own_year(title, months):
    """2024年9月—2025年6月 (a school year): in the 2025 plan its 2025 months, January to June (it
    had always been read as the first year's September to December)."""
    doc = parse(f"{title}\n一、深化改革\n1.推进课堂改革。\n附件\n重点工作配档表\n时间\n重点工作\n责任科室\n"
                "2024年9月—2025年6月\n开展新课堂达标活动\n基教科\n")
    [row] = doc.schedule
    assert row.months == months and row.month == months[-1] and row.when == "2024年9月—2025年6月"
    assert read_when("2024年9月—2025年6月", year=2025) == (1, 2, 3, 4, 5, 6)
    assert plan_year(doc.title) == (2025 if months[0] == 1 else 2024)


def test_print_furniture_of_a_text_copied_from_a_pdf():
    """A page number between two halves of a sentence, an office bracket broken over two lines and
    the 版记 line: the sentence is whole, the offices read, the 版记 no row."""
    doc = parse("某市医疗保障局2024年工作要点\n一、深化改革\n"
                "1．常态化开展集中带量采购。落实国家、省组织药品\n— 2 —\n和医用耗材集中带量采购结果。（牵头科室：\n"
                "医药服务管理科）\n- 3 -\n2．完善门诊共济保障机制。年内纳入药店不少于200家。（牵头科室：待遇保障科）\n"
                "附件\n2024年重点工作配档表\n时间\n重点工作\n责任科室\n12月\n完成定点医药机构现场检查全覆盖\n基金监管科\n"
                "第 3 页 共 3 页\n某市医疗保障局办公室                  2024年2月29日印发\n")
    first = doc.items[0]
    assert "药品\n和医用耗材" in first.text or "药品和医用耗材" in first.text
    assert "—" not in first.text and first.offices == ("医药服务管理科",)
    assert [(r.task, r.offices) for r in doc.schedule] == [("完成定点医药机构现场检查全覆盖", ("基金监管科",))]


def test_a_markdown_grid_table_with_cells_wrapped_over_lines(tmp_path):
    """pandoc's grid table: a row's lines between +----+ rules are one row, each cell's lines joined
    (each line had been a row: cut tasks, the rules glued to them)."""
    path = tmp_path / "xindu.md"
    path.write_text("# 某区住房和城乡建设局2025年工作要点\n\n## 一、推进城市更新\n\n"
                    "1. 实施老旧小区改造。启动改造项目45个。\n\n附件：2025年重点工作配档表\n\n"
                    "+--------+--------------------------------+--------------+\n"
                    "| 时间   | 重点任务                       | 责任科室     |\n"
                    "+========+================================+==============+\n"
                    "| 2月    | 制定2025年城镇老旧小区改       | 城市更新科   |\n"
                    "|        | 造实施计划                     |              |\n"
                    "+--------+--------------------------------+--------------+\n"
                    "| 3月    | 举办春季房交会（Spring         | 房地产市场科 |\n"
                    "|        | Fair）                         |              |\n"
                    "+--------+--------------------------------+--------------+\n", encoding="utf-8")
    doc = parse_file(path, OfficeTable.load())
    assert _rows(doc) == [("制定2025年城镇老旧小区改造实施计划", ("城市更新科",), "2月", (2,)),
                          ("举办春季房交会(Spring Fair)", ("房地产市场科",), "3月", (3,))]
    assert doc.items[0].text.endswith("45个。")


def _table_doc(rows):
    from ingest.formats import table_lines

    return parse("某区教育局2024年工作要点\n一、党建\n1.抓党建。\n附件\n2024年重点工作配档表\n" + "\n".join(table_lines(rows)))


def test_month_columns_beside_a_written_time_leave_the_written_time():
    """完成时限 | 1月 … : the time is the one written (2月底前, 年底前), not the ticked months."""
    head = ["完成时限", "工作任务", "责任科室"] + [f"{m}月" for m in range(1, 4)]
    doc = _table_doc([head, ["2月底前", "修订学校章程", "办公室", "", "√", ""], ["年底前", "建设智慧校园", "电教馆", "", "", ""]])
    assert [(r.task, r.when) for r in doc.schedule] == [("修订学校章程", "2月底前"), ("建设智慧校园", "年底前")]


def test_crosses_and_slashes_in_month_columns_mark_nothing():
    head = ["重点任务", "牵头科室"] + [f"{m}月" for m in range(1, 4)]
    doc = _table_doc([head, ["修订学校章程", "办公室", "×", "√", "/"]])
    assert [(r.task, r.when) for r in doc.schedule] == [("修订学校章程", "2月")]


def test_an_office_header_spanning_two_columns_keeps_every_office_of_the_row():
    """责任单位 over 牵头 | 配合, the second cell holding two offices: one row with all three."""
    doc = _table_doc([["时间", "工作任务", "责任单位", ""], ["3月", "召开全区教育工作会议", "办公室", "德育科\n体卫艺科"]])
    assert [(r.task, r.offices) for r in doc.schedule] == [("召开全区教育工作会议", ("办公室", "德育科", "体卫艺科"))]


def test_a_blank_header_column_after_the_time_is_no_time():
    doc = _table_doc([["完成时间", "", "工作任务", "责任科室"], ["3月", "新增", "召开全区教育工作会议", "办公室"],
                      ["4月", "", "开展春季运动会", "体卫艺科"]])
    assert [(r.when, r.task) for r in doc.schedule][1] == ("4月", "开展春季运动会")


def test_an_item_ending_in_a_date_and_yinfa_is_kept():
    doc = parse("某区教育局2024年工作要点\n一、党建\n1.开展教师培训。\n2.开展主题教育，2024年3月1日印发\n")
    assert [i.no for i in doc.items] == [1, 2]


def test_a_grid_cell_s_paragraphs_stay_apart(tmp_path):
    path = tmp_path / "grid.md"
    path.write_text("# 某区教育局2024年工作要点\n\n## 一、党建\n\n1. 抓党建。\n\n附件：2024年重点工作配档表\n\n"
                    "+------+----------------+----------+\n| 时间 | 工作任务       | 责任科室 |\n"
                    "+======+================+==========+\n| 4月  | 开展春季运动会 | 体卫艺科 |\n"
                    "|      |                |          |\n|      |                | 基教科   |\n"
                    "+------+----------------+----------+\n", encoding="utf-8")
    assert _rows(parse_file(path, OfficeTable.load())) == [("开展春季运动会", ("体卫艺科", "基教科"), "4月", (4,))]


def test_wrapped_cells_of_a_table_copied_as_text():
    """One cell per line, cells wrapped: an office's last character on a line of its own
    (医药服务管理⏎科) joins the line before; a task's second line that ends like an office but opens
    with a verb of work (设立医保服务工作站) is the task's, not an office."""
    doc = parse("某市医疗保障局2024年工作要点\n一、深化改革\n1．落实集采结果。\n附件\n2024年重点工作配档表\n"
                "时间\n重点工作\n责任科室\n3月\n在乡镇（街道）便民服务中心\n设立医保服务工作站\n市医保事务中心\n"
                "4月\n落实国家第九批药品集采中选结果\n医药服务管理\n科\n6月\n开展上半年医保基金运行分析\n"
                "规划财务和法\n规科\n")
    assert [(r.task, r.offices) for r in doc.schedule] == [
        ("在乡镇（街道）便民服务中心设立医保服务工作站", ("市医保事务中心",)),
        ("落实国家第九批药品集采中选结果", ("医药服务管理科",)),
        ("开展上半年医保基金运行分析", ("规划财务和法规科",))]


def test_month_columns_fill_a_written_time_column_left_blank():
    head = ["完成时间", "工作任务", "责任科室"] + [f"{m}月" for m in range(1, 7)]
    doc = _table_doc([head, ["3月底前", "修订学校章程", "办公室", "", "", "", "", "", ""],
                      ["", "开展春季运动会", "体卫艺科", "", "", "", "", "√", "√"]])
    assert [(r.task, r.when) for r in doc.schedule] == [("修订学校章程", "3月底前"), ("开展春季运动会", "5—6月")]


def test_circles_mark_months():
    head = ["重点任务", "牵头科室"] + [f"{m}月" for m in range(1, 4)]
    assert [r.when for r in _table_doc([head, ["修订学校章程", "办公室", "〇", "〇", ""]]).schedule] == ["1—2月"]


def test_a_ban_ji_line_split_from_its_issuer_is_dropped_with_it():
    doc = parse("某市医疗保障局2024年工作要点\n一、深化改革\n1．落实集采结果。\n附件\n2024年重点工作配档表\n时间\n重点工作\n"
                "责任科室\n12月\n完成定点医药机构现场检查全覆盖\n基金监管科\n某市医疗保障局办公室\n2024年2月29日印发\n")
    assert [(r.task, r.offices) for r in doc.schedule] == [("完成定点医药机构现场检查全覆盖", ("基金监管科",))]


def test_a_grid_cell_whose_paragraphs_read_as_one_header_or_time_is_one(tmp_path):
    path = tmp_path / "grid.md"
    path.write_text("# 某区教育局2024年工作要点\n\n## 一、党建\n\n1. 抓党建。\n\n附件：2024年重点工作配档表\n\n"
                    "+------+----------------+------+\n| 时间 | 工作任务       | 责任 |\n|      |                |      |\n"
                    "|      |                | 科室 |\n+======+================+======+\n| 3月  | 开展教师培训   | 教师科 |\n"
                    "|      |                |      |\n| 上旬 |                |      |\n"
                    "+------+----------------+------+\n", encoding="utf-8")
    assert _rows(parse_file(path, OfficeTable.load())) == [("开展教师培训", ("教师科",), "3月上旬", (3,))]


def test_a_schedule_written_as_numbered_paragraphs():
    """（一）3月：task（责任单位：…）；task（…）。 after the items is the schedule, not more （一）
    entries (the whole schedule had become items, and every item's numbering per section)."""
    doc = parse("某县教育体育局2025年工作要点\n一、党建\n1.抓党建。（责任股室：党建办）\n2.抓德育。（责任股室：德育股）\n"
                "2025年重点工作月度安排\n（一）3月：启动党建品牌创建（责任单位：党建办）；开展学雷锋活动（责任单位：德育股）。\n"
                "（二）4—5月：组织春季运动会（责任单位：体卫艺股）。\n")
    assert [(i.no, i.text) for i in doc.items] == [(1, "抓党建。"), (2, "抓德育。")]
    assert [(r.when, r.task, r.offices) for r in doc.schedule] == [
        ("3月", "启动党建品牌创建", ("党建办",)), ("3月", "开展学雷锋活动", ("德育股",)),
        ("4—5月", "组织春季运动会", ("体卫艺股",))]


def test_items_numbered_with_circled_digits():
    doc = parse("某市文化广电和旅游局2025年工作要点\n一、公共服务\n①推进城市书房建设。新建城市书房8家。（责任处室：公共服务处）\n"
                "②开展送戏下乡。全年送戏600场。（责任处室：艺术处）\n")
    assert [(i.no, i.offices) for i in doc.items] == [(1, ("公共服务处",)), (2, ("艺术处",))]


def test_office_names_ending_in_a_bracket():
    doc = parse("某学院党委2025年工作要点\n一、党建\n1.加强理论学习。（牵头单位：党委组织部（党校））\n"
                "2.加强学生管理。（牵头单位：学生工作部（处）；协同单位：保卫处（武装部））\n")
    assert [i.offices for i in doc.items] == [("党委组织部（党校）",), ("学生工作部（处）", "保卫处（武装部）")]


@pytest.mark.parametrize("cell,months", [("每周", tuple(range(1, 13))), ("每月10日前", tuple(range(1, 13))),
                                         ("7—8月（暑期）", (7, 8)), ("每季度末", (3, 6, 9, 12))])
def test_recurring_and_remarked_time_cells(cell, months):
    assert read_when(cell) == months


def test_a_browser_s_print_header_and_footer_and_a_bracketed_ban_ji_are_dropped():
    doc = parse("11/30/26, 1:33 PM 某市生态环境局2025年工作要点\n一、蓝天\n1.改善空气质量。\n附件\n2025年重点工作配档表\n"
                "时间\n重点工作\n责任科室\n3月\n开展扬尘治理\n大气环境科\n（党委办公室　2025年2月28日印发）\n"
                "file:///tmp/notice.html 1/1\n")
    assert doc.title == "某市生态环境局2025年工作要点"
    assert [(r.task, r.offices) for r in doc.schedule] == [("开展扬尘治理", ("大气环境科",))]


def test_metadata_labels_spaced_out_or_unknown_keep_their_values_apart():
    from ingest.parse import parse_header

    assert parse_header("索 引 号：11320800MB1A23456X/2025-00031 信息分类：部门文件") == {
        "index_no": "11320800MB1A23456X/2025-00031", "category": "部门文件"}
    assert parse_header("文　　号：淮文旅发〔2025〕6号 有效性：有效") == {"doc_no": "淮文旅发〔2025〕6号"}
    # Two label / value pairs in a row of a 信息公开 table, and a page's 信息来源 after its date.
    assert parse_header("发布机构: 常州市武进区文化体育和旅游局 生成日期: 2025-07-04") == {
        "issuer": "常州市武进区文化体育和旅游局", "published_date": "2025-07-04"}
    assert parse_header("发布日期：2025-03-14 09:32 信息来源：长兴县卫生健康局") == {"published_date": "2025-03-14 09:32"}


def test_circled_digits_beside_other_numbering_are_points_or_names():
    doc = parse("某局2025年工作要点\n一、改革\n1.加强党建。\n2.推进教育改革。具体包括：\n① 推进课程改革；\n② 推进评价改革。\n"
                "3.做好安全工作。\n①号教学楼改造工程年内完工。\n")
    assert [i.no for i in doc.items] == [1, 2, 3]
    assert "推进评价改革" in doc.items[1].text and "号教学楼改造工程" in doc.items[2].text


@pytest.mark.parametrize("cell,offices", [("各县（市、区）教育局", ("各县（市、区）教育局",)),
                                           ("办公室（牵头）、财务科", ("办公室", "财务科"))])
def test_an_office_list_keeps_brackets_inside_names_and_drops_roles(cell, offices):
    from ingest.parse import split_offices

    assert tuple(split_offices(cell)) == offices


def test_month_entries_continuing_the_item_numbering_stay_items():
    doc = parse("某局关于开展校园安全专项整治行动的通知\n一、任务\n（一）排查整治隐患。全面排查。（责任科室：安全科）\n"
                "（二）完善制度建设。健全制度。（责任科室：办公室）\n（三）3月：动员部署。各学校制定方案。（责任科室：安全科）\n"
                "（四）4—10月：集中整治。开展排查。（责任科室：安全科、基教科）\n")
    assert [i.no for i in doc.items] == [1, 2, 3, 4] and not doc.schedule


def test_a_label_line_at_the_end_of_a_notice_without_items_opens_no_header():
    doc = parse("关于做好2025年春季开学工作的通知\n各学校：\n现将有关事项通知如下。\n请认真落实开学准备。\n做好校园安全排查。\n"
                "某区教育局\n2025年2月10日\n主题词：教育 开学 通知\n抄送：区政府办公室\n")
    assert any("开学准备" in p for p in doc.paragraphs)


GROUPED_HTML = """<html><head><meta charset="utf-8"><style>td,th{border:1px solid #000;padding:4px}
table{border-collapse:collapse}</style></head><body><h1>某区教育局2024年工作要点</h1>
<p>一、加强党建</p><p>1.加强政治建设。全年开展主题党日活动12次。</p><p>附件</p><p>2024年重点工作配档表</p>
<table><tr><th>时间</th><th>重点工作</th><th>责任科室</th></tr>
<tr><td colspan="3">一、党建工作</td></tr>
<tr><td>3月</td><td>召开全区教育工作会议</td><td>办公室</td></tr>
<tr><td>4月</td><td>开展党建工作督查</td><td>组织科</td></tr>
<tr><td colspan="3">二、改革发展</td></tr>
<tr><td>5月</td><td>组建教育集团</td><td>基教科</td></tr>
</table></body></html>"""


def _grouped_docx(path):
    import docx

    d = docx.Document()
    for line in ("某区教育局2024年工作要点", "一、加强党建", "1.加强政治建设。全年开展主题党日活动12次。", "附件",
                 "2024年重点工作配档表"):
        d.add_paragraph(line)
    rows = [["时间", "重点工作", "责任科室"], ["一、党建工作"], ["3月", "召开全区教育工作会议", "办公室"],
            ["4月", "开展党建工作督查", "组织科"], ["二、改革发展"], ["5月", "组建教育集团", "基教科"]]
    t = d.add_table(rows=len(rows), cols=3)
    for i, row in enumerate(rows):
        if len(row) == 1:
            t.cell(i, 0).merge(t.cell(i, 2)).text = row[0]
        else:
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    d.save(str(path))
    return path


@pytest.mark.parametrize("kind", ["html", "pdf", "docx"])
def test_a_row_naming_a_group_of_rows_is_no_task(tmp_path, kind):
    """一、党建工作 in a cell spanning the table groups the rows below: it had become a task of the
    month above (4月 · 二、改革发展), in a page, the PDF printed from it, and a .docx."""
    from tests.ingest.fixtures import print_pdf

    page = tmp_path / "grouped.html"
    page.write_text(GROUPED_HTML, encoding="utf-8")
    path = {"html": lambda: page, "pdf": lambda: print_pdf(page, tmp_path / "grouped.pdf"),
            "docx": lambda: _grouped_docx(tmp_path / "grouped.docx")}[kind]()
    doc = parse_file(path, OfficeTable.load())
    assert [(r.when, r.task, r.offices) for r in doc.schedule] == [
        ("3月", "召开全区教育工作会议", ("办公室",)), ("4月", "开展党建工作督查", ("组织科",)),
        ("5月", "组建教育集团", ("基教科",))]
    assert "二、改革发展" in doc.paragraphs


@pytest.mark.parametrize("title,year", [
    ("落实《规划纲要（2024—2035年）》2025年工作要点", 2025), ("2024-2026年行动计划", 2024),
    ("2024年-2026年行动计划", 2024), ("二〇二六年教育工作要点", 2026), ("教育工作要点", 2025),
    ("面向2035年的教育强市2025年工作要点", 2025), ("2024年工作总结和2025年工作计划", 2025),
    ("某局2025年工作要点（2024年12月修订）", 2025), ("2025年工作要点暨2024年工作总结", 2025),
    ("二○二五年度工作要点", 2025)])
def test_the_year_a_notice_is_about(title, year):
    """A year standing alone in the title, in digits or Chinese numerals, else a span's first year,
    else the date's (here a plan signed in December 2025)."""
    assert plan_year(title, "2025年12月28日") == year


def test_a_page_s_line_under_its_title_and_a_list_of_attachments_are_no_text():
    """发布时间：… 来源：… 打印本页 关闭窗口 under the title had opened the preamble, and the second
    attachment's name (2.汇总表) had been glued to the last item, then quoted as an answer."""
    doc = parse("索引号：014116549/2025-00218 主题分类：体育\n某区文体旅局关于开展游泳场所安全检查的通知\n发布时间：2025-07-04 16:20 来源：区文体旅局 打印本页 关闭窗口\n"
                "各镇人民政府：\n为加强游泳场所安全管理,决定开展专项检查。\n一、检查内容\n（一）证照情况。是否取得许可证。\n"
                "（二）人员配备。救生员是否持证上岗。\n附件：1.游泳场所安全自查表\n2.游泳场所专项检查情况汇总表\n"
                "某区文体旅局\n2025年7月4日\n")
    assert doc.preamble.startswith("为加强") and doc.meta["published_date"] == "2025-07-04 16:20"
    assert [i.no for i in doc.items] == [1, 2] and "汇总表" not in doc.items[-1].text


def test_an_item_after_a_line_naming_an_attachment_is_still_an_item():
    """A task after 附件… is no attachment name: 2.强化督促检查 had vanished into item 1."""
    doc = parse("某局2025年工作要点\n一、重点工作\n1.开展安全检查。检查表见附件\n附件：安全检查表\n2.强化督促检查\n"
                "3.做好总结。\n")
    assert [i.no for i in doc.items] == [1, 2, 3]


def test_a_banfa_s_chapters_are_its_parts_its_articles_its_items_and_its_cover_letter_opens_it():
    """A 印发 notice of a 办法 (第一章 … 第二十条, an article's own (一)(二)(三)) had its chapters glued
    to the articles before them, the points of 第十二条 read as headings of no part (第十二条 kept
    only its lead-in), and its cover letter (with the contact phone) dropped."""
    doc = parse_file(Path(__file__).parent / "data" / "weifang-canteen-2025.html")
    assert [(s.no, s.title) for s in doc.sections] == [
        ("一", "总则"), ("二", "职责分工"), ("三", "食品安全管理"), ("四", "监督检查"), ("五", "附则")]
    assert [i.no for i in doc.items] == list(range(1, 21))
    assert [sum(i.section == s.no for i in doc.items) for s in doc.sections] == [4, 4, 6, 4, 2]
    assert not any("章" in i.text for i in doc.items)
    twelve = doc.items[11]
    assert twelve.title == "学校食堂应当严格执行食品留样制度,具体要求如下"
    assert "(一)" in twelve.text and "(三)" in twelve.text and "48小时" in twelve.text
    assert "印发给你们" in doc.preamble and "0536-8786215" in doc.preamble
    assert doc.title == "潍坊市中小学校食堂管理办法" and doc.meta["doc_no"] == "潍教字〔2025〕9号"


def test_a_part_with_no_items_holds_the_text_of_its_heading_line_in_a_notice_with_items():
    """三、保障措施 ⏎ （二）强化经费保障。区财政每年安排…300万元: the part had been a heading only (its
    whole line its title), so its text was no evidence."""
    doc = parse_file(Path(__file__).parent / "data" / "lanshan-qiangke-2025.docx")
    parts = {s.key: s for s in doc.sections}
    assert (parts["三(二)"].title, parts["三(二)"].text[:6]) == ("强化经费保障", "区财政每年安")
    assert "0539-8221637" in parts["三(一)"].text
    assert all(not parts[f"二({n})"].text for n in "一二三")   # parts with items keep their text in them


def test_a_table_title_word_in_a_task_cell_does_not_restart_the_table():
    """A 任务分工表 whose last task is 长期失业青年帮扶台账 (台账 titles tables) had been read from that
    cell on: no row at all, every cell a note."""
    doc = parse_file(Path(__file__).parent / "data" / "zhangdian-jobs-2025.txt")
    assert len(doc.schedule) == 8 and doc.schedule[-1].task == "长期失业青年帮扶台账"
    assert doc.schedule[2].offices == ("区就业和人才服务中心", "区工商联") and doc.schedule[2].support == ("区工商联",)


def test_a_list_of_attachments_opens_no_item_of_a_notice_numbering_nothing():
    """附件：1.防溺水专项检查自查表 ⏎ 2.危险水域隐患台账: the 2. had opened item 2, and the whole body
    became the opening."""
    doc = parse_file(Path(__file__).parent / "data" / "laishan-drowning-2025.html")
    assert doc.items == () and len(doc.paragraphs) == 7
    assert "一票否决" in doc.paragraphs[5] and doc.paragraphs[6].startswith("联系人")
    assert not any("台账" == p[-2:] for p in doc.paragraphs)


def test_a_banfa_s_jie_are_parts_of_its_chapter():
    """第一节 / 第二节 inside 第二章 had been glued to the articles before them."""
    doc = parse_file(Path(__file__).parent / "data" / "shinan-credit-2025.docx")
    parts = {s.key: s.title for s in doc.sections}
    assert parts["二(一)"] == "学分构成" and parts["二(二)"] == "学分认定"
    assert [i.no for i in doc.items] == list(range(1, 18)) and not any("节" in i.text[-6:] for i in doc.items)
    assert [i.no for i in doc.items if i.subsection == "二"] == [8, 9, 10, 11]
    assert "0532-82861573" in doc.preamble
