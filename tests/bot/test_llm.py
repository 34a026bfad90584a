"""The optional LLM rewrite, with LangChain's fake chat model (no endpoint needed)."""
from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.core import Answer, Citation
from bot.llm import chat_model_from_env, maybe_rewrite, rewrite
from bot.understand import Query

GROUNDED = Answer("出台《济南市校外培训机构设置标准》安排在7月〔配档表·7月·民继处〕", True,
                  (Citation("schedule", "d", month=7, task="出台《济南市校外培训机构设置标准》",
                            offices=("民继处",), quote="出台《济南市校外培训机构设置标准》"),),
                  Query(text="什么时候出台设置标准"))


def test_rewrite_with_verified_citations_is_used():
    llm = FakeListChatModel(responses=["设置标准计划7月出台,由民继处负责。〔配档表·7月·民继处〕"])
    out = rewrite(GROUNDED, "什么时候出台设置标准", llm)
    assert out.answer.startswith("设置标准计划7月出台") and out.citations == GROUNDED.citations


def test_rewrite_with_invented_citation_falls_back():
    llm = FakeListChatModel(responses=["8月出台〔配档表·8月·基教处〕"])
    assert rewrite(GROUNDED, "q", llm) is GROUNDED


def test_rewrite_without_citation_falls_back():
    llm = FakeListChatModel(responses=["7月出台。"])
    assert rewrite(GROUNDED, "q", llm) is GROUNDED


def test_not_found_answers_are_never_rewritten():
    refused = Answer("通知中没有涉及这个问题", False, (), Query(text="天气"))
    llm = FakeListChatModel(responses=["今天晴"])
    assert maybe_rewrite(refused, llm) is refused


def test_off_by_default(monkeypatch):
    monkeypatch.delenv("POLICYQA_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("POLICYQA_LLM_MODEL", raising=False)
    assert chat_model_from_env() is None
    assert maybe_rewrite(GROUNDED) is GROUNDED
