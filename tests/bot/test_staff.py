"""Staff workflow in the bot: relative time against today's date, and the asker's own office."""
from __future__ import annotations

from datetime import date

import pytest

from bot.understand import relative_months, today

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("text,now,months", [
    ("本月基教处有什么任务", date(2024, 6, 15), (6,)), ("这个月", date(2024, 6, 1), (6,)),
    ("下个月有什么", date(2024, 6, 15), (7,)), ("下个月", date(2024, 12, 2), (1,)),
    ("上个月", date(2024, 1, 9), (12,)), ("本季度", date(2024, 5, 1), (4, 5, 6)),
    ("下季度", date(2024, 11, 1), (1, 2, 3)), ("上季度", date(2024, 2, 1), (10, 11, 12)),
    ("今年剩下的工作", date(2024, 10, 3), (10, 11, 12)),
    ("接下来三个月", date(2024, 6, 15), (6, 7, 8)), ("未来2个月", date(2024, 12, 1), (12, 1)),
    ("what is due next month", date(2024, 3, 3), (4,)),
])
def test_relative_months(text, now, months):
    got, label = relative_months(text, now)
    assert got == months and all(f"{m}月" in label for m in months)


def test_today_setting_is_checked(monkeypatch):
    monkeypatch.setenv("POLICYQA_TODAY", "2024-06-15")
    assert today() == date(2024, 6, 15)
    monkeypatch.setenv("POLICYQA_TODAY", "15/06/2024")
    with pytest.raises(ValueError, match="POLICYQA_TODAY"):
        today()


def _rows(a):
    return [(c.month, c.offices) for c in a.citations if c.kind == "schedule"]


def test_this_month_resolves_against_today_and_says_which_month(bot, monkeypatch):
    monkeypatch.setenv("POLICYQA_TODAY", "2024-07-03")
    a = bot.ask("这个月民继处有什么任务?")
    expected = [(r.month, r.offices) for r in bot.filter_rows((7,), ("民继处",))]
    assert a.found and _rows(a) == expected and "7月" in a.answer


def test_another_year_is_mapped_onto_the_documents_year_and_said(bot, monkeypatch):
    monkeypatch.setenv("POLICYQA_TODAY", "2031-06-15")
    a = bot.ask("下个月有哪些工作?")
    year = max(bot.corpus.doc_years)
    assert {m for m, _ in _rows(a)} == {7} and f"按{year}年工作要点的7月" in a.answer


def test_my_office_uses_the_picked_office_and_names_it(bot, monkeypatch):
    monkeypatch.setenv("POLICYQA_TODAY", "2024-06-15")
    a = bot.ask("我这个月有什么任务?", office="基础教育处")   # any spelling the office table knows
    assert _rows(a) == [(r.month, r.offices) for r in bot.filter_rows((6,), ("基教处",))]
    assert "按您的处室“基教处”" in a.answer


def test_my_office_without_a_choice_asks_which_with_choices(bot):
    a = bot.ask("我们处下半年有什么工作?")
    assert not a.found and "哪个处室" in a.answer and "基教处" in a.choices
    assert a.to_dict()["choices"] == list(a.choices)


def test_unknown_office_argument_is_a_clear_message(bot):
    a = bot.ask("我们处有什么工作?", office="火星处")
    assert not a.found and "火星处" in a.answer
