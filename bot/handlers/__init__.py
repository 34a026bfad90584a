"""Handlers: functions of (query, corpus[, answerability]) → Answer, one per kind of question.

They know nothing of the dialogue or the UI and never import `bot.core`, which routes to them.
"""
