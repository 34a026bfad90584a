"""Small hand-made notices for each variant other sites and years use."""
from __future__ import annotations

import pytest

from ingest.offices import OfficeTable
from ingest.parse import IngestError, cn_to_int, decode, parse_file, parse_text
from ingest.records import Record


def parse(text: str):
    return parse_text(text, "t", offices=OfficeTable.load())


FULLWIDTH = """\
• 索引号： X-1 组配分类： 计划
• 发文字号：
• 标题： 某局2023年工作要点
某局2023年工作要点

2023年的总体要求是：稳中求进。

一、抓党建

1．加强政治建设。学习。（责任处室：秘书处、党建工作处）

2．推进从严治党。
责任单位：机关党委

二、抓教育

3．办好学前教育。覆盖率达到90%。
"""


def test_fullwidth_punctuation_inline_offices_and_empty_doc_no():
    doc = parse(FULLWIDTH)
    assert doc.meta["doc_no"] == ""                 # empty label stays empty …
    assert doc.meta_title == "某局2023年工作要点"     # … and does not swallow the next line
    assert doc.meta["index_no"] == "X-1" and doc.meta["category"] == "计划"
    assert [s.title for s in doc.sections] == ["抓党建", "抓教育"]
    items = {i.no: i for i in doc.items}
    assert items[1].offices == ("秘书处", "党建工作处")
    assert "责任处室" not in items[1].text and items[1].text == "加强政治建设。学习。"
    assert items[2].offices == ("机关党委",) and "责任单位" not in items[2].text
    assert items[3].section == "二"
    assert doc.preamble == "2023年的总体要求是：稳中求进。"


def test_ascii_punctuation_crlf_and_other_labels():
    text = ("文号: 某发[2022]3号\r\n发文日期: 2022-03-01\r\n发文机关: 某局\r\n"
            "某局2022年工作要点\r\n一. 抓质量\r\n1. 提高质量. (责任处室: 基教处, 督导室)\r\n"
            "2. 加强督导.\r\n")
    doc = parse(text)
    assert doc.meta["doc_no"] == "某发[2022]3号"
    assert doc.meta["written_date"] == "2022-03-01" and doc.meta["issuer"] == "某局"
    assert doc.title == "某局2022年工作要点"
    assert doc.sections[0].title == "抓质量"
    assert doc.items[0].offices == ("基教处", "督导室")
    assert doc.items[1].text == "加强督导."


def test_no_header_single_newlines_and_sections_past_ten():
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    lines = ["某市教育工作要点"]
    for n, num in enumerate(numerals, 1):
        lines += [f"{num}、第{n}部分", f"{n}.第{n}项工作。内容{n}。"]
    doc = parse("\n".join(lines))
    assert all(v is None for v in doc.meta.values())
    assert [s.no for s in doc.sections] == numerals
    assert [i.section for i in doc.items][-2:] == ["十一", "十二"]
    assert [i.no for i in doc.items] == list(range(1, 13))
    assert cn_to_int("十二") == 12 and cn_to_int("二十") == 20 and cn_to_int("九十九") == 99


def test_truncated_notice_keeps_what_is_there():
    doc = parse("某要点\n一、抓党建\n1.加强政治建设。学习\n2.推进从严")
    assert [i.no for i in doc.items] == [1, 2]
    assert doc.items[1].text == "推进从严"


def test_no_items_becomes_paragraphs_with_warning():
    doc = parse("关于放假的通知\n各单位:\n根据安排,现将放假事项通知如下。\n请遵照执行。")
    assert doc.items == ()
    assert "根据安排,现将放假事项通知如下。" in doc.paragraphs
    assert any("no numbered items" in w for w in doc.warnings)


def test_schedule_split_office_list_and_spaces():
    text = ("某要点\n一、党建\n1.抓党建。\n附件:配档表\n附件\n2024年重点工作配档表\u00a0\n时间\n重点工作\n"
            "责任单位\n1月\n完成述职评议\n机关党委\n开展检查\n\u3000\u3000办公室、\n秘书处\n \n"
            "二月\n印发清单\n督导室\n备注:以通知为准。\n")
    doc = parse(text)
    assert [(r.month, r.task, r.offices) for r in doc.schedule] == [
        (1, "完成述职评议", ("机关党委",)),
        (1, "开展检查", ("办公室", "秘书处")),
        (2, "印发清单", ("督导室",)),
    ]
    assert doc.items[0].text == "抓党建。"   # 附件 lines do not leak into the last item
    assert "备注:以通知为准。" in doc.paragraphs


def test_gbk_file_is_detected(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("某局工作要点\n一、党建\n1.加强党建。\n".encode("gbk"))
    doc = parse_file(p)
    assert doc.encoding == "gb18030"
    assert doc.items[0].title == "加强党建"


def test_lone_space_lines_and_blank_runs():
    doc = parse("某要点\n \n\n\n\u00a0\n一、甲\n\n\n \n1.乙。\n\n\n2.丙。\n")
    assert [i.text for i in doc.items] == ["乙。", "丙。"]


@pytest.mark.parametrize("raw,needle", [(b"", "empty"), (b"\x00\x01\x02abc", "binary")])
def test_decode_errors_name_the_file(raw, needle):
    with pytest.raises(IngestError, match=needle) as e:
        decode(raw, "some/file.txt")
    assert "some/file.txt" in str(e.value)


def test_signature_and_date_after_the_items():
    doc = parse("关于做好某某工作的通知\n各单位:\n为做好工作,现通知如下。\n1.加强领导。\n2.强化组织领导。\n"
                "济南市教育局\n2024年4月1日\n")
    assert doc.title == "关于做好某某工作的通知"
    assert doc.preamble == "为做好工作,现通知如下。"
    assert [i.text for i in doc.items] == ["加强领导。", "强化组织领导。"]
    assert (doc.signature, doc.date) == ("济南市教育局", "2024年4月1日")


def test_schedule_cells_wrapped_over_two_lines():
    doc = parse("某要点\n一、甲\n1.乙。\n配档表\n时间\n重点工作\n责任单位\n1月\n召开全市教育工作会议,部署\n"
                "全年重点工作\n办公室\n召开督导评估现场\n推进会\n督导室\n")
    assert [(r.task, r.offices) for r in doc.schedule] == [
        ("召开全市教育工作会议,部署全年重点工作", ("办公室",)), ("召开督导评估现场推进会", ("督导室",))]


SECTIONS_WITH_PARAGRAPHS = """\
某区教育局2025年工作要点
各学校：
现将工作要点印发给你们。
一、加强党的建设
一是深化理论武装，全年专题培训不少于6期。二是推进清廉学校建设。
二、扩大教育资源
一是新建公办幼儿园8所。
二是新增义务教育学位3200个。
某区教育局
2025年2月18日
"""


def test_sections_holding_paragraphs_are_what_is_cited():
    """A notice numbered only 一、二、 whose sections hold paragraphs (一是…二是…): each section
    keeps its own text (it had been rejected as having nothing to cite); the sign-off after the last
    section is the signature, not a paragraph of it."""
    from ingest.records import has_body

    doc = parse(SECTIONS_WITH_PARAGRAPHS)
    assert doc.items == () and [s.no for s in doc.sections] == ["一", "二"]
    assert doc.sections[0].text == "一是深化理论武装，全年专题培训不少于6期。二是推进清廉学校建设。"
    assert doc.sections[1].text == "一是新建公办幼儿园8所。\n二是新增义务教育学位3200个。"
    assert doc.signature == "某区教育局" and doc.date == "2025年2月18日"
    assert not any("no numbered items" in w for w in doc.warnings)
    sections = [r for r in doc.records() if r.kind == "section"]
    assert [r.title for r in sections] == ["加强党的建设", "扩大教育资源"] and all(map(has_body, sections))
    assert all(r.text not in doc.paragraphs for r in sections)


def test_bare_section_headings_are_no_evidence():
    """Where items carry the text, a section record is only its heading."""
    from ingest.records import has_body

    doc = parse("某要点\n一、抓党建\n1.加强政治建设。\n2.推进从严治党。")
    [section] = [r for r in doc.records() if r.kind == "section"]
    assert section.text == section.title == "抓党建" and not has_body(section)
    assert doc.sections[0].text == ""


def test_the_last_paragraph_of_a_section_is_no_sign_off_unless_it_names_a_body():
    """A short last paragraph without 。 before the date (no issuer line) stays the section's text;
    what follows the sign-off (（此件主动公开）) is no paragraph of the last section."""
    doc = parse("某区教育局2025年工作要点\n一、加强党的建设\n一是深化理论武装。\n二、扩大教育资源\n"
                "新建公办幼儿园8所\n2025年2月18日\n（此件主动公开）\n")
    assert [s.text for s in doc.sections] == ["一是深化理论武装。", "新建公办幼儿园8所"]
    assert doc.date == "2025年2月18日" and doc.signature != "新建公办幼儿园8所"
    assert "（此件主动公开）" in doc.paragraphs


def test_a_section_heading_that_goes_on_holds_the_sections_text():
    """一、加强党的建设。一是…: the title is the first sentence, the rest the section's text (the
    notice had been rejected as having nothing to cite)."""
    doc = parse("某区教育局2025年工作要点\n一、加强党的建设。一是深化理论武装。二是推进清廉学校建设。\n"
                "二、扩大教育资源。新建公办幼儿园8所。\n补充：新增学位3200个。\n")
    assert [(s.title, s.text) for s in doc.sections] == [
        ("加强党的建设", "一是深化理论武装。二是推进清廉学校建设。"),
        ("扩大教育资源", "新建公办幼儿园8所。\n补充：新增学位3200个。")]


def test_the_text_under_a_new_heading_is_not_the_last_items():
    """Lines after a section heading and before its first item (a part's opening, or a part with no
    items at all) are that section's text: they had been glued to the previous section's last item,
    and cited as it."""
    doc = parse("某要点\n一、抓党建\n1.加强政治建设。\n二、抓发展\n围绕发展大局，统筹推进各项工作。\n2.推进改革。\n"
                "三、抓安全\n守牢安全底线，全年开展安全检查4次。\n")
    assert [i.text for i in doc.items] == ["加强政治建设。", "推进改革。"]
    assert [s.text for s in doc.sections] == ["", "围绕发展大局，统筹推进各项工作。", "守牢安全底线，全年开展安全检查4次。"]


def test_a_parts_opening_lines_are_its_own_and_a_dated_cover_does_not_hide_the_sign_off():
    """（一）学前教育 ⏎ 全年新建…: that part's text (not the section's, not the last item's); the
    issuer and date after the last part are no text of it, though the cover letter was dated too."""
    doc = parse("某区教育局关于印发2025年工作要点的通知\n各学校：\n现印发给你们。\n某区教育局\n2025年2月1日\n"
                "某区教育局2025年工作要点\n一、办好教育\n（一）学前教育\n全年新建公办幼儿园5所。\n"
                "1.落实保育教育质量评估。\n（二）职业教育\n建设高水平专业群3个。\n2.深化产教融合。\n"
                "二、守牢安全底线\n开展校园安全隐患排查整治。\n某区教育局\n2025年2月1日\n（此件主动公开）\n")
    assert {s.key: s.text for s in doc.sections} == {
        "一": "", "一(一)": "全年新建公办幼儿园5所。", "一(二)": "建设高水平专业群3个。", "二": "开展校园安全隐患排查整治。"}
    assert [i.text for i in doc.items] == ["落实保育教育质量评估。", "深化产教融合。"]
    assert "（此件主动公开）" in doc.paragraphs


def test_offices_named_under_a_heading_are_the_parts_and_its_items():
    """二、深化体教融合 ⏎ 牵头单位：体卫艺科 (or a bracket of them) names the offices of the whole part:
    its items that name none have them, and the line is no text (it had gone to the previous part's
    last item, or into the part's quoted text)."""
    doc = parse("某区2025年工作要点\n一、推进教育数字化\n（牵头单位：电教中心；配合单位：各学校）\n"
                "加快智慧校园建设，全年建成智慧校园示范校10所。\n1.完善教育专网。\n2.开展数字化教学应用。\n"
                "二、深化体教融合\n牵头单位：体卫艺科\n3.开展体育联赛。\n4.加强学校卫生工作。（责任单位：卫生科）\n")
    assert [(i.no, i.offices) for i in doc.items] == [
        (1, ("电教中心", "各学校")), (2, ("电教中心", "各学校")), (3, ("体卫艺科",)), (4, ("卫生科",))]
    assert [(s.text, s.offices) for s in doc.sections] == [
        ("加快智慧校园建设，全年建成智慧校园示范校10所。", ("电教中心", "各学校")), ("", ("体卫艺科",))]


def test_a_notice_whose_top_level_is_bracketed_reads_its_parts_as_sections():
    """（一）加强党的建设 with no 一、 above it: the (一) parts are the notice's parts, their items
    theirs, and 牵头单位 under one is that part's (it had been a stray paragraph, and （二）'s offices
    had gone to the last item of （一）)."""
    doc = parse("某区教育局2025年工作要点\n（一）加强党的建设\n牵头单位：组织科\n全面落实从严治党主体责任。\n"
                "1.开展主题党日活动。全年开展12次。\n2.加强党风廉政建设。\n（二）提升教育质量\n"
                "（牵头单位：教研室；配合单位：各学校）\n3.推进教学改革。\n4.加强教研工作。（责任单位：教科所）\n")
    assert [(s.key, s.title, s.text, s.offices) for s in doc.sections] == [
        ("一", "加强党的建设", "全面落实从严治党主体责任。", ("组织科",)), ("二", "提升教育质量", "", ("教研室", "各学校"))]
    assert [(i.no, i.section, i.offices) for i in doc.items] == [
        (1, "一", ("组织科",)), (2, "一", ("组织科",)), (3, "二", ("教研室", "各学校")), (4, "二", ("教科所",))]
    assert not doc.paragraphs


def test_bracketed_points_starting_again_under_each_item_are_no_parts():
    """1. ⏎ （一）…（二）… ⏎ 2. ⏎ （一）…: the (一) points start again under each item; they are not the
    notice's top level (only (一) parts numbered once through it are)."""
    doc = parse("某县2025年工作要点\n1.加强党的建设。\n（一）开展主题党日活动。\n（二）加强廉政教育。\n"
                "2.提升教育质量。\n（一）推进课堂教学改革。\n")
    assert [i.no for i in doc.items] == [1, 2] and all(i.section is None for i in doc.items)
    assert not any(s.key in ("一", "二") for s in doc.sections)


def test_a_deadline_after_an_item_s_offices_stays_its_text():
    """（责任单位：电教站；完成时限：2025年12月）: 电教站 is the office; the deadline is text, not an office."""
    doc = parse("某区2025年工作计划\n一、信息化\n1.建设智慧校园。全年建成10所。（责任单位：电教站；完成时限：2025年12月）\n")
    assert doc.items[0].offices == ("电教站",) and doc.items[0].text.endswith("完成时限：2025年12月")


def test_bracketed_parts_under_sections_stay_parts():
    """一、 above: （一） is a part of that section, as before."""
    doc = parse("某区2025年工作要点\n一、加强党建\n（一）政治建设\n1.开展学习。\n（二）组织建设\n2.加强支部建设。\n")
    assert [(s.key, s.is_subsection) for s in doc.sections] == [("一", False), ("一(一)", True), ("一(二)", True)]
    assert [(i.section, i.subsection) for i in doc.items] == [("一", "一"), ("一", "二")]


def test_offices_closing_a_part_s_paragraph_are_the_part_s():
    """一是…二是…。（责任股室：人事股、计划财务股） closing a section's paragraph: its offices, not its
    text (it had kept the bracket in the quoted text, and the part no office)."""
    doc = parse("某县2025年工作计划\n一、补充教师\n一是做好教师招聘。补充教师150名。二是规范编制管理。（责任股室：人事股、计划财务股）\n"
                "二、落实待遇\n保障工资待遇。\n")
    assert [(s.text, s.offices) for s in doc.sections] == [
        ("一是做好教师招聘。补充教师150名。二是规范编制管理。", ("人事股", "计划财务股")), ("保障工资待遇。", ())]


def test_a_web_page_s_date_and_source_line_is_its_publication_date_not_addressees():
    """发布时间：… 来源：… 浏览次数： under a page's title: the date it was published (it had been taken
    for the addressees, the only line before the text that ends in ：)."""
    doc = parse("某区教育局2025年工作要点\n发布时间：2025-02-25　来源：某区教育局　浏览次数：\n"
                "一、加强党建\n1.开展学习。全年12次。\n")
    assert doc.meta["published_date"] == "2025-02-25" and doc.addressees is None
    assert doc.title == "某区教育局2025年工作要点" and [i.no for i in doc.items] == [1]


def test_lead_and_supporting_offices_keep_their_roles():
    """牵头单位 / 配合单位, on lines of their own, in a closing bracket or under a heading: every office
    is the item's, and those named 配合 are kept apart as supporting (they had been one list, so
    谁牵头 answered with the supporting units too)."""
    doc = parse("某区2025年工作计划\n一、文化\n1.加强非遗保护。建设工作站3个。\n牵头单位：文物科\n配合单位：区文化馆、各镇（街道）\n"
                "2.开展群众文化活动。（牵头单位：艺术科；配合单位：区图书馆）\n3.推进阅读。（责任单位：公共服务科）\n"
                "二、体育\n（牵头单位：体育科；协办单位：区体育中心）\n4.办好赛事。\n")
    assert [(i.offices, i.support) for i in doc.items] == [
        (("文物科", "区文化馆", "各镇（街道）"), ("区文化馆", "各镇（街道）")), (("艺术科", "区图书馆"), ("区图书馆",)),
        (("公共服务科",), ()), (("体育科", "区体育中心"), ("区体育中心",))]
    assert [(s.offices, s.support) for s in doc.sections][1] == (("体育科", "区体育中心"), ("区体育中心",))
    records = {r.id: r for r in doc.records()}
    assert records["t:item:1"].support == ("区文化馆", "各镇（街道）")
    assert "support" not in records["t:item:3"].to_dict()    # no roles: the record reads as before
    assert Record.from_dict(records["t:item:1"].to_dict()) == records["t:item:1"]
    items = doc.summary_json()["items"]     # `ingest --json`: support only where roles are named
    assert items[0]["support"] == ["区文化馆", "各镇（街道）"] and "support" not in items[2]


def test_roles_with_a_deadline_and_a_part_s_lead():
    """（配合单位：…） alone under a part whose heading names the lead: the part's lead leads the item
    (it had had a 牵头单位 of nothing); a deadline after a 配合 list is no office."""
    doc = parse("某区2025年工作计划\n一、体育\n牵头单位：体卫艺科\n1.办好运动会。（配合单位：各学校）\n"
                "2.建设智慧校园。（牵头单位：电教站；配合单位：计划财务股；完成时限：2025年12月）\n")
    assert [(i.offices, i.support) for i in doc.items] == [
        (("体卫艺科", "各学校"), ("各学校",)), (("电教站", "计划财务股"), ("计划财务股",))]


def test_a_participating_office_line_and_other_deadline_labels():
    """参与单位： names supporting offices (it had been no label: 参与单位:区体育中心 was taken for a
    name), and 时间节点 / 截止时间, or a deadline after a space only, are no offices."""
    doc = parse("某区2025年工作计划\n一、体育\n1.办好赛事。全年150场。\n牵头单位：竞技体育科\n参与单位：区体育中心、区公安分局\n"
                "2.干部培训。（责任单位：人事股；时间节点：6月底）\n3.督导评估。（责任单位：督导室 截止时间：10月）\n")
    assert [(i.offices, i.support) for i in doc.items] == [
        (("竞技体育科", "区体育中心", "区公安分局"), ("区体育中心", "区公安分局")), (("人事股",), ()), (("督导室",), ())]
    assert doc.items[1].text.endswith("时间节点：6月底") and doc.items[2].text.endswith("截止时间：10月")


def test_bracketed_points_after_an_item_s_lead_in_line_stay_points():
    """1.强化安全责任落实 ⏎ …重点做好以下工作： ⏎ （一）…: points of the item, though a line stands
    between (they had become the notice's parts, each （一） a section of the same id)."""
    doc = parse("某区2025年安全工作要点\n1.强化安全责任落实\n层层签订安全责任书。重点做好以下工作：\n（一）开展隐患排查。\n"
                "（二）开展应急演练。\n2.加强食品安全\n重点做好以下工作：\n（一）开展食堂检查。\n（二）开展从业人员培训。\n")
    assert [i.no for i in doc.items] == [1, 2] and all(i.section is None for i in doc.items)


def test_bracketed_parts_with_a_slip_in_their_numbering_are_still_the_top_level():
    """（一）（二）（二）（四）: a typo in the numbering, not points under items."""
    doc = parse("某县2025年工作要点\n（一）加强党建\n1.开展学习。\n（二）提升质量\n2.推进改革。\n（二）保障安全\n"
                "3.排查隐患。\n（四）智慧教育\n4.建设教室。\n")
    assert [i.section for i in doc.items] == ["一", "二", "二", "四"]


def test_a_sign_off_dated_in_chinese_numerals_is_read():
    """二〇二五年二月十日, as 公文 sign them: the date and the issuer above it, not the last item's text."""
    doc = parse("某区2025年工作要点\n一、加强管理\n1.全面推行校长陪餐制度。\n2.推进集团化办学。\n"
                "某区教育和体育局\n二〇二五年二月十日\n")
    assert doc.date == "2025年2月10日" and doc.signature == "某区教育和体育局"
    assert doc.items[-1].text == "推进集团化办学。"


def test_a_sign_off_dated_with_a_round_zero_is_read():
    """二○二五年 (○, as often typed) and 二0二五年 read like 二〇二五年."""
    for date in ("二○二五年二月十日", "二0二五年二月十日"):
        doc = parse(f"某区2025年工作要点\n一、加强管理\n1.全面推行校长陪餐制度。\n某区教育局\n{date}\n")
        assert doc.date == "2025年2月10日" and doc.items[-1].text == "全面推行校长陪餐制度。"
