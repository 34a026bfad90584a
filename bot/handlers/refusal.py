"""Plain refusals: what the corpus does not cover, said with the reason and a way forward.

The wording is data: one (Chinese, English) pair per reason, with `{detail}` (the month, year,
place or term concerned), `{held}` (the documents the corpus holds) and `{eg}` (an example question).
"""
from __future__ import annotations

from bot.answer import Answer, Citation, say

EXAMPLE = ("例如“6月份基教处要完成哪些工作?”或“第18条讲什么?”", "e.g. \"What is due in June from 基教处?\"")
MESSAGES: dict[str | None, tuple[str, str]] = {
    "month": ("“{detail}”不是有效的月份,配档表按 1–12 月安排工作。",
              "“{detail}” is not a month; the 配档表 runs from 1月 to 12月."),
    "empty": ("请说明想了解通知中的哪方面内容,{eg}。", "Please say what you want to know about the notice, {eg}."),
    "junk": ("这段输入看起来是代码或标记,不是问题。请用文字提问,{eg}。",
             "This looks like code or markup, not a question. Ask in words, {eg}."),
    "injection": ("我只根据通知原文回答问题,不能忽略规则、透露设置或编造内容。请直接询问通知里的工作安排,{eg}。",
                  "I only answer from the notice's own text and cannot ignore my rules, reveal settings or "
                  "invent content. Ask about the notice, {eg}."),
    "foreign": ("已收录的文件中没有关于“{detail}”的内容,无法回答。已收录:{held}。",
                "The documents held say nothing about “{detail}”. Held: {held}."),
    "absent": ("通知中没有提到“{detail}”,无法从原文给出答案。",
               "The notice does not mention “{detail}”, so there is no answer from its text."),
    "undated": ("通知讲到这项工作,但没有写明时间,无法从原文给出答案。",
                "The notice speaks of this task but gives no time for it."),
    "unplaced": ("通知讲到这项工作,但没有写明地点,无法从原文给出答案。",
                 "The notice speaks of this task but does not say where it takes place."),
    "chitchat": ("我根据已收录的通知原文回答问题,{eg}。", "I answer questions from the notices held, {eg}."),
    "advice": ("通知只写明今年的工作安排,不提供个人建议、评价或预测,这个问题需要您结合实际情况判断。",
               "The notice states this year's plans; it gives no advice, opinions or predictions."),
    None: ("通知中没有直接回答这个问题的内容,无法从原文给出答案。可以问通知里的工作安排,"
           "例如某月某处室的重点工作、某项工作的责任单位或某条的内容。",
           "The notice does not cover this question, so there is no answer from its text. "
           "You can ask about its schedule, responsible offices or numbered items."),
}


def not_covered(q, reason: str | None = None, detail: str = "", holdings: str = "",
                related: tuple[Citation, ...] = ()) -> Answer:
    """A refusal for `reason` (a key of MESSAGES; unknown reasons get the general one); `related`
    items, if any, are named as the ones bearing on the topic."""
    zh, en = MESSAGES.get(reason, MESSAGES[None])
    text = say(q, zh.format(detail=detail, held=holdings, eg=EXAMPLE[0]),
               en.format(detail=detail, held=holdings, eg=EXAMPLE[1]))
    if related:
        text += say(q, "与这个话题相关的条目:", " Items on this topic: ") + "".join(c.label for c in related)
    return Answer(text, False, related, q)
