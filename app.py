"""The Gradio chat page: wires the UI to `bot/` (no retrieval logic here).

Tabs: 政策问答 (streamed, cited answers with a collapsible 来源 block, 👍/👎 feedback), 配档表 (the
schedule, filterable by month and office through `Bot.filter_rows`) and 全文 (the notice's items by
section, so any citation can be checked in context).

The chat is also an API: `Client(url).predict(message, history, api_name="/ask")` returns the updated
chatbot history, whose last assistant message (metadata title "来源 (N)") lists the citations;
`predict(history, index, vote, api_name="/feedback")` logs a vote as the 👍/👎 buttons do.

Run: `python app.py [--host 127.0.0.1] [--port 7860]`. Login is on when POLICYQA_USER and
POLICYQA_PASSWORD are both set. Votes go to var/feedback.jsonl (POLICYQA_FEEDBACK overrides).
"""
from __future__ import annotations

import os

# Gradio phones home (version check, telemetry) unless told not to; this app makes no outside calls.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import AsyncIterator, Iterator  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import anyio.to_thread  # noqa: E402
import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

from bot.core import Answer, Bot, Citation, sentences  # noqa: E402
from bot.llm import maybe_rewrite  # noqa: E402

ROOT = Path(__file__).resolve().parent
DEFAULT_FEEDBACK = ROOT / "var" / "feedback.jsonl"
SOURCES_TITLE = "来源"
SCHEDULE_COLUMNS = ["月份", "重点工作", "责任单位"]
EXAMPLES = (
    "6月份基教处要完成哪些工作?",
    "What is due in June from 基教处?",
    "校外培训机构设置标准什么时候出台?",
    "普惠性幼儿园覆盖率目标是多少?",
    "第18条讲什么?",
)
# Two cores: at most two questions are being computed at a time (the search embeds the query on the
# CPU). Streaming an answer that is already computed costs no CPU, so more answers may be streaming
# at once; the rest wait in Gradio's queue.
CONCURRENCY = 2
STREAMS = 20
STREAM_STEPS = 3          # an answer appears in at most this many growing chunks
STREAM_PAUSE = 0.02       # seconds between chunks (total added latency <= 0.06 s)


# --- feedback log ----------------------------------------------------------------------------------

class FeedbackLog:
    """Append-only JSON Lines log of votes, safe for concurrent users and restarts.

    Invariant: each record reaches the file as ONE `os.write` of a complete line on an O_APPEND
    descriptor, under a process-wide lock, followed by fsync. O_APPEND makes the kernel place every
    write at the current end of file, so lines from threads (and from other processes sharing the
    file) never overwrite or interleave; fsync makes an acknowledged vote survive a crash. If an
    earlier process died mid-line, a newline is written first so the broken tail cannot swallow the
    next record.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._fd: int | None = None

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        size = os.fstat(fd).st_size
        if size:
            with open(self.path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    os.write(fd, b"\n")
        return fd

    def append(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            if self._fd is None:
                self._fd = self._open()
            written = os.write(self._fd, line)
            if written != len(line):
                # Only on a full disk or a quota; a second write could interleave, so stop here.
                raise OSError(f"feedback log {self.path}: wrote {written} of {len(line)} bytes "
                              "(disk full?); free space and vote again")
            os.fsync(self._fd)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def feedback_path() -> Path:
    return Path(os.environ.get("POLICYQA_FEEDBACK", DEFAULT_FEEDBACK)).expanduser()


# --- chat history helpers --------------------------------------------------------------------------

def message_text(message: dict) -> str:
    """The text of a chat message, whether its content is a string or Gradio's list of parts."""
    content = message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text")
    return ""


def _role(message) -> str:
    return message.get("role", "") if isinstance(message, dict) else getattr(message, "role", "")


def _title(message) -> str:
    meta = message.get("metadata") if isinstance(message, dict) else getattr(message, "metadata", None)
    return (meta or {}).get("title") or ""


def is_sources(message) -> bool:
    return _role(message) == "assistant" and _title(message).startswith(SOURCES_TITLE)


def show_user(text: str) -> str:
    """A question as it appears in the chat: plain text, so `<script>` shows as characters."""
    return html.escape(text, quote=False)


def user_turns(history: list) -> list[str]:
    """The earlier user questions of the conversation, as typed (the bot's `history`)."""
    return [html.unescape(message_text(m)) for m in history or [] if _role(m) == "user"]


# --- rendering answers -----------------------------------------------------------------------------

def _mark(text: str, quote: str) -> str:
    """`text` HTML-escaped, with the quoted sentence(s) wrapped in <mark>."""
    out = html.escape(text, quote=False)
    if not quote or quote.strip() == text.strip():
        return out
    for part in sentences(quote) or [quote]:
        esc = html.escape(part, quote=False)
        if esc and esc in out:
            out = out.replace(esc, f"<mark>{esc}</mark>", 1)
    return out


def _quote_block(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines() if line.strip())


def render_citation(bot: Bot, c: Citation) -> str:
    """One entry of the 来源 block: the label and the full text of the record the citation names."""
    rec = bot.record(c.record_id)
    if rec is None:
        return f"**{c.label}**\n\n{_quote_block(html.escape(c.quote, quote=False))}"
    if rec.kind == "item":
        section = f" · {rec.section}、{rec.section_title}" if rec.section_title else ""
        return (f"**{c.label} 第{rec.item}条 {html.escape(rec.title or '', quote=False)}**{section}\n\n"
                f"{_quote_block(_mark(rec.text, c.quote))}")
    if rec.kind == "schedule":
        return (f"**{c.label} 配档表 · {rec.month}月**:{html.escape(rec.text, quote=False)}"
                f"(责任单位:{'、'.join(rec.offices)})")
    if rec.kind == "section":
        return f"**{c.label}** {rec.section}、{html.escape(rec.text, quote=False)}"
    if rec.kind == "preamble":
        return f"**{c.label}**\n\n{_quote_block(_mark(rec.text, c.quote))}"
    return f"**{c.label}**\n\n{_quote_block(html.escape(c.quote, quote=False))}"


def sources_message(bot: Bot, answer: Answer) -> dict | None:
    if not answer.citations:
        return None
    body = "\n\n".join(render_citation(bot, c) for c in answer.citations)
    return {"role": "assistant", "content": body,
            "metadata": {"title": f"{SOURCES_TITLE} ({len(answer.citations)})", "status": "done"}}


def chunks(text: str, steps: int = STREAM_STEPS) -> Iterator[str]:
    """Growing prefixes of `text`, ending with the whole of it."""
    size = max(1, -(-len(text) // steps))
    for end in range(size, len(text), size):
        yield text[:end]
    yield text


# --- the page ----------------------------------------------------------------------------------------

def schedule_frame(bot: Bot, months=(), offices=()) -> tuple[pd.DataFrame, str]:
    rows = bot.filter_rows(tuple(int(m) for m in months or ()), tuple(offices or ()))
    frame = pd.DataFrame([[f"{r.month}月", r.text, "、".join(r.offices)] for r in rows],
                         columns=SCHEDULE_COLUMNS)
    return frame, f"共 {len(rows)} 项"


def schedule_offices(bot: Bot) -> list[str]:
    """Short names of the offices that have schedule rows, in the office table's order."""
    used = {bot.offices.canonical(o) for r in bot.schedule for o in r.offices}
    return [o.short for o in bot.offices.offices if o.short in used]


def full_text(bot: Bot) -> str:
    """The notice(s) as Markdown: title, overall approach, then every item under its section."""
    parts = []
    docs = list(dict.fromkeys(r.doc_id for r in bot.records))
    for doc in docs:
        recs = [r for r in bot.records if r.doc_id == doc]
        title = next((r.title for r in recs if r.kind == "preamble" and r.title),
                     next((r.title for r in recs if r.kind == "meta"), doc))
        parts.append(f"## {html.escape(title or doc, quote=False)}")
        for r in recs:
            esc = html.escape(r.text, quote=False)
            if r.kind == "preamble":
                parts.append(f"**〔总体思路〕** {esc}")
            elif r.kind == "section":
                parts.append(f"### {r.section}、{esc}")
            elif r.kind == "item":
                rest = r.text[len(r.title):] if r.title and r.text.startswith(r.title) else r.text
                head = html.escape(r.title or "", quote=False)
                parts.append(f"**〔第{r.item}条〕{head}**{html.escape(rest, quote=False)}")
            elif r.kind == "paragraph":
                parts.append(esc)
        parts.append("共 {} 条;配档表 {} 项见“配档表”页。".format(
            sum(r.kind == "item" for r in recs), sum(r.kind == "schedule" for r in recs)))
    return "\n\n".join(parts)


def build_demo(bot: Bot, log: FeedbackLog) -> gr.Blocks:
    cpu = threading.BoundedSemaphore(CONCURRENCY)

    def compute(question: str, earlier: list[str]) -> Answer:
        with cpu:
            answer = bot.ask(question, earlier)
        return maybe_rewrite(answer)  # a remote LLM call, if configured: waits without holding the CPU slot

    async def respond(message: str, history: list) -> AsyncIterator[list]:
        """Answer `message` given the chat `history`; yields the history as the answer grows.

        The last yield is the full history: question, answer (Markdown with 〔…〕 labels) and, when
        anything is cited, a message titled "来源 (N)" listing each cited item / schedule row.
        """
        history = list(history or [])
        question = message if isinstance(message, str) else ""
        earlier = user_turns(history)
        history.append({"role": "user", "content": show_user(question)})
        yield history
        answer = await anyio.to_thread.run_sync(compute, question, earlier)
        for part in chunks(answer.answer):
            yield history + [{"role": "assistant", "content": part}]
            await asyncio.sleep(STREAM_PAUSE)
        history.append({"role": "assistant", "content": answer.answer})
        src = sources_message(bot, answer)
        if src:
            history.append(src)
        yield history

    def record_vote(history: list, index: int = -1, liked: bool | str | None = True) -> dict:
        """Log a vote on the answer at `index` of `history` (-1: the last answer); returns the record."""
        history = list(history or [])
        if not history:
            raise gr.Error("没有可评价的回答。")
        i = index if index >= 0 else len(history) + index
        if not 0 <= i < len(history):
            raise gr.Error(f"index {index} is outside the history (0…{len(history) - 1})")
        # The voted message may be the answer or its 来源 block; walk back to the answer text.
        while i > 0 and is_sources(history[i]):
            i -= 1
        if _role(history[i]) != "assistant" or is_sources(history[i]):
            raise gr.Error(f"message {index} is not an answer")
        q = i - 1
        while q >= 0 and _role(history[q]) != "user":
            q -= 1
        question = html.unescape(message_text(history[q])) if q >= 0 else ""
        earlier = user_turns(history[:max(q, 0)])
        # Answers are a pure function of (question, earlier turns): re-ask for the structured citations.
        with cpu:
            cited = bot.ask(question, earlier)
        if liked is True or liked in ("Like", "up", "👍"):
            verdict = "up"
        elif liked is False or liked in ("Dislike", "down", "👎"):
            verdict = "down"
        elif liked is None or liked == "":
            verdict = "cleared"     # the user clicked the same thumb again to take the vote back
        else:
            verdict = str(liked)
        record = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                  "vote": verdict, "question": question, "history": earlier,
                  "answer": message_text(history[i]),
                  "citations": [c.to_dict() for c in cited.citations]}
        log.append(record)
        return record

    def on_like(history: list, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        record_vote(history, int(index), data.liked)

    def feedback(history: list[dict], index: int = -1, vote: str = "up") -> dict:
        """Vote on an answer in `history` ("up" / "down"); returns the logged JSON record."""
        return record_vote(history, index, vote)

    frame, count = schedule_frame(bot)
    month_choices = [(f"{m}月", m) for m in range(1, 13)]

    titles = [r.title for r in bot.records if r.kind == "preamble" and r.title] or ["通知"]
    with gr.Blocks(title=f"{titles[0]} · 政策问答") as demo:
        gr.Markdown(f"# 政策问答助手\n根据《{'》《'.join(titles)}》原文回答,每个回答都标注出处"
                    "(〔第N条〕、〔配档表·月份·处室〕);通知未涉及的问题会直接说明。")
        with gr.Tabs():
            with gr.Tab("政策问答", id="chat"):
                # No "share" button: it would post the chat to Hugging Face.
                chatbot = gr.Chatbot(label="对话", height=520, elem_id="chatbot",
                                     feedback_options=("Like", "Dislike"), buttons=["copy", "copy_all"],
                                     placeholder="请提问,例如“6月份基教处要完成哪些工作?”")
                with gr.Row():
                    msg = gr.Textbox(placeholder="输入问题,回车发送", show_label=False, scale=6,
                                     elem_id="question", max_length=4000)
                    send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                    gr.ClearButton([msg, chatbot], value="清空对话", scale=1, elem_id="clear")
                gr.Markdown("**示例问题**(点击即问):")
                with gr.Row():
                    buttons = [gr.Button(q, size="sm", elem_classes=["example-question"]) for q in EXAMPLES]
            with gr.Tab("配档表", id="schedule"):
                with gr.Row():
                    months = gr.Dropdown(month_choices, multiselect=True, label="月份",
                                         elem_id="filter-months", scale=1)
                    offices = gr.Dropdown(schedule_offices(bot), multiselect=True, label="责任单位",
                                          elem_id="filter-offices", scale=1)
                total = gr.Markdown(count, elem_id="row-count")
                table = gr.Dataframe(frame, headers=SCHEDULE_COLUMNS, interactive=False, wrap=True,
                                     elem_id="schedule-table", column_widths=["10%", "65%", "25%"])
            with gr.Tab("全文", id="fulltext"):
                gr.Markdown(full_text(bot), elem_id="full-text")

        # The chat event is the API (/ask). All ways of asking share one concurrency group.
        gr.on([msg.submit, send.click], respond, [msg, chatbot], chatbot, api_name="ask",
              concurrency_id="ask", concurrency_limit=STREAMS)
        # Registered after /ask, so the question is read before the box is emptied.
        gr.on([msg.submit, send.click], lambda: "", None, msg, queue=False, api_visibility="private")
        for b in buttons:
            b.click(respond, [b, chatbot], chatbot, concurrency_id="ask", concurrency_limit=STREAMS,
                    api_visibility="private")
        chatbot.like(on_like, chatbot, None, api_visibility="private")
        gr.api(feedback, api_name="feedback")

        def refilter(ms, os_):
            return schedule_frame(bot, ms, os_)

        gr.on([months.change, offices.change], refilter, [months, offices], [table, total],
              api_name="schedule")
    return demo


BOT = Bot.load()  # records only (cheap) when the index is persisted; builds it first otherwise
FEEDBACK = FeedbackLog(feedback_path())
demo = build_demo(BOT, FEEDBACK)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="政策问答 chat page")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    args = p.parse_args(argv)
    user, password = os.environ.get("POLICYQA_USER"), os.environ.get("POLICYQA_PASSWORD")
    if bool(user) != bool(password):
        sys.exit("set both POLICYQA_USER and POLICYQA_PASSWORD to turn login on, or neither")
    # The index (records, checked manifest) is loaded at import, so schedule questions are answered
    # as soon as the page is up; the embedding model (~7 s to import and load) warms up meanwhile,
    # and a retrieval question asked before it is ready waits for it.
    def warm_up() -> None:
        t0 = time.perf_counter()
        BOT.ask(EXAMPLES[3])
        print(f"model warm in {time.perf_counter() - t0:.1f} s; feedback log: {FEEDBACK.path}", file=sys.stderr)

    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    demo.launch(server_name=args.host, server_port=args.port, auth=(user, password) if user else None,
                share=False, show_error=True)


if __name__ == "__main__":
    main()
