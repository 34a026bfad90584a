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
