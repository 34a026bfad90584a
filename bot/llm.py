"""Optional LLM rewrite of a grounded answer, through langchain-openai.

Off unless POLICYQA_LLM_BASE_URL and POLICYQA_LLM_MODEL are set (POLICYQA_LLM_API_KEY optional).
The model sees only the grounded answer and its cited evidence. Its output is accepted only if
every citation label it contains is one the grounded answer had, and it keeps at least one; any
other output falls back to the grounded answer, so the LLM can reword but never add a source.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace

from bot.core import Answer

_LABEL = re.compile(r"〔[^〔〕]{1,60}〕")

PROMPT = (
    "你是政策文件问答助手。请把下面的“原答案”改写得更通顺、简洁,只能使用“证据”中的内容,"
    "不得添加证据以外的任何事实;必须原样保留答案中的引用标记(形如〔第7条〕、〔配档表·7月·民继处〕)。\n\n"
    "问题:{question}\n\n原答案:\n{answer}\n\n证据:\n{evidence}"
)


def chat_model_from_env():
    base, model = os.environ.get("POLICYQA_LLM_BASE_URL"), os.environ.get("POLICYQA_LLM_MODEL")
    if not (base and model):
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=base, model=model, api_key=os.environ.get("POLICYQA_LLM_API_KEY", "none"),
                      temperature=0, timeout=30, max_retries=1)


def verified(rewritten: str, grounded: Answer) -> bool:
    allowed = set(_LABEL.findall(grounded.answer))
    used = set(_LABEL.findall(rewritten))
    return bool(used) and used <= allowed


def rewrite(answer: Answer, question: str, chat_model) -> Answer:
    """Rewrite with `chat_model`; the grounded answer comes back unchanged if the output fails checks."""
    if not answer.found or not answer.citations:
        return answer
    evidence = "\n".join(f"- {c.quote}" for c in answer.citations)
    msg = chat_model.invoke(PROMPT.format(question=question, answer=answer.answer, evidence=evidence))
    text = msg.content if isinstance(msg.content, str) else str(msg.content)
    return replace(answer, answer=text.strip()) if verified(text, answer) else answer


def maybe_rewrite(answer: Answer, chat_model=None) -> Answer:
    chat_model = chat_model or chat_model_from_env()
    if chat_model is None or answer.query is None:
        return answer
    return rewrite(answer, answer.query.text, chat_model)
