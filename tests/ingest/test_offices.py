"""The office alias table finding offices in free text."""
from __future__ import annotations

import pytest

from ingest.offices import OfficeTable


@pytest.fixture(scope="module")
def table():
    return OfficeTable.load()


@pytest.mark.parametrize("text", ["领导小组办公室设在哪", "安委会办公室负责什么", "防汛指挥部办公室在哪个科",
                                  "联席会议办公室由谁牵头", "关工委办公室负责哪些工作", "招考委办公室在哪",
                                  "区委办公室的通知"])
def test_an_office_named_after_a_body_is_not_the_bureau_s(table, text):
    """领导小组办公室 is the leading group's office: it had been read as the bureau's 办公室 and the
    question answered with 配档表中没有办公室的工作安排."""
    assert table.find_all(text) == []


@pytest.mark.parametrize("text,office", [("办公室3月有什么工作", "办公室"), ("局办公室负责什么", "办公室"),
                                         ("基教处和办公室的任务", "办公室"), ("教育工委办公室负责什么", "办公室"),
                                         ("市教委办公室3月的工作", "办公室")])
def test_the_bureau_s_office_is_still_found(table, text, office):
    assert office in table.find_all(text)


@pytest.mark.parametrize("text,office", [("职教那边下半年有哪些活", "职高教处"), ("思政这块10月干嘛", "思政处"),
                                         ("民继那边有什么任务", "民继处")])
def test_a_coined_short_form_without_its_suffix_names_the_office_when_spoken_of_as_a_side(table, text, office):
    """职教那边 is 职教处's side of the bureau: the question had lost its office and listed every row."""
    assert table.find_all(text) == [office] and "职教处" not in table.without(text) and office[:2] not in table.without(text)


@pytest.mark.parametrize("text", ["安全这块有啥工作", "教师这块有什么安排", "职教有哪些工作"])
def test_words_of_an_office_s_full_name_or_a_bare_stem_name_no_office(table, text):
    """安全 and 教师 are words of 学校安全管理处 / 教师工作处's full names, topics in their own right."""
    assert table.find_all(text) == []
