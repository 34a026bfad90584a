"""The Gradio chat page: wires the UI to `bot/` (no retrieval logic here).

Tabs: 政策问答 (streamed, cited answers with a collapsible 来源 block, 👍/👎 feedback; under a
schedule answer its print view and its cited rows as files; when the bot asks back, its choices as
buttons), 配档表 (the schedule, filterable by month and office through `Bot.filter_rows`, with
exports, a print view and calendar addresses), 全文 (the notice's items by section, so any citation
can be checked in context) and 文件库 (the notices held, upload and delete: `app_library.py`).
Plain HTTP routes beside the page (print views, calendar feeds, one answer's rows) are in
`app_routes.py`.

The chat is also an API: `Client(url).predict(message, history, api_name="/ask")` returns only the
new messages (question, answer, and a "来源 (N)" block when anything is cited); the answer message
carries the server's answer id in `metadata.answer_id`. Only the user turns of `history` are read,
and only the last few the bot replays. `predict(answer_id, "up" | "down", comment, should_cite,
api_name="/feedback")` logs a vote; the log holds the server's own copy of the question, the earlier
turns, the answer and its citations, never what a client sends. The page keeps each conversation
on the server (gr.State), so a vote from the page names the answer the server produced too.

The index never makes the page wait: a corpus that changed since the last build is served from the
last good index while `python -m index build` runs in a background thread; the new bot replaces the
old one in one assignment once it is loaded. A failed rebuild keeps the old index and says why.

Run: `python app.py [--host 127.0.0.1] [--port 7860] [--allow-open]`. Login is on when POLICYQA_USER
and POLICYQA_PASSWORD are both set; another host than this machine without a login needs
--allow-open. Votes go to var/feedback.jsonl (POLICYQA_FEEDBACK overrides), rotated by size.
"""
from __future__ import annotations

import os

# Gradio phones home (version check, telemetry) unless told not to; this app makes no outside calls.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from app_startup import Preload, name_matplotlib_backend, skip_gradio_stub_writing  # noqa: E402

name_matplotlib_backend()    # the first question waits 0.3 s for matplotlib instead of 0.8 s

skip_gradio_stub_writing()   # before gradio is imported: ~2.4 s of its import (app_startup.py)
PRELOAD = Preload()          # the bot loads and warms up while gradio is imported

import argparse  # noqa: E402
import atexit  # noqa: E402
import asyncio  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import OrderedDict  # noqa: E402
from collections.abc import AsyncIterator, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import anyio.to_thread  # noqa: E402
import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

import app_library  # noqa: E402
from app_routes import (answer_path, calendar_path, filter_text, print_url, routes,  # noqa: E402
                        schedule_offices)
from bot.answer import item_name, who_text  # noqa: E402
from bot.core import Answer, Bot, Citation, sentences  # noqa: E402
from bot.export import FORMATS, export  # noqa: E402
from bot.llm import maybe_rewrite  # noqa: E402
from bot.settings import SETTINGS  # noqa: E402
from ingest import IngestError, corpus_dir  # noqa: E402
from ingest import Limits as IngestLimits  # noqa: E402
from ingest.records import has_body, paragraph_no  # noqa: E402
from index.store import CorpusChanges, IndexError_, corpus_files, corpus_hash, index_dir  # noqa: E402

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


# --- limits ------------------------------------------------------------------------------------------

def _env_int(var: str, default: int) -> int:
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        sys.exit(f"error: {var} must be a positive integer, got {raw!r}; unset it to use the default {default}")
    return value


@dataclass(frozen=True)
class Limits:
    """The app's input limits, each a named setting (environment variable)."""
    max_question_chars: int = SETTINGS.max_question_chars   # POLICYQA_MAX_QUESTION_CHARS (bot/settings.py)
    max_history_turns: int = 50      # user turns one /ask request may carry
    keep_turns: int = 20             # turns (question + answer) a page conversation keeps
    max_request_bytes: int = 256 * 1024
    max_comment_chars: int = 2000    # a vote's comment and its should_cite text, each
    feedback_max_bytes: int = 10 * 1024 * 1024   # the log rotates to feedback.jsonl.1, .2 … past it
    answers_kept: int = 10000        # answers a vote may still name
    login_free_failures: int = 3
    login_backoff_seconds: int = 2   # wait after the first failure past the free ones; doubles, ≤ 5 min
    watch_seconds: int = 10          # how often the corpus folder is checked for changes

    ENV = {"max_history_turns": "POLICYQA_MAX_HISTORY_TURNS", "keep_turns": "POLICYQA_KEEP_TURNS",
           "max_request_bytes": "POLICYQA_MAX_REQUEST_BYTES", "max_comment_chars": "POLICYQA_MAX_COMMENT_CHARS",
           "feedback_max_bytes": "POLICYQA_FEEDBACK_MAX_BYTES", "answers_kept": "POLICYQA_ANSWERS_KEPT",
           "login_free_failures": "POLICYQA_LOGIN_FREE_FAILURES",
           "login_backoff_seconds": "POLICYQA_LOGIN_BACKOFF_SECONDS", "watch_seconds": "POLICYQA_WATCH_SECONDS"}

    @classmethod
    def from_env(cls) -> "Limits":
        defaults = cls()
        return cls(**{name: _env_int(var, getattr(defaults, name)) for name, var in cls.ENV.items()})


def over_limit(what: str, value: int, var: str, limit: int) -> str:
    """The message for an input over a limit: which limit, the value, and how to raise it."""
    return (f"{what}:{value:,} 超过上限 {limit:,}({var})。如确有需要,请管理员设置环境变量 "
            f"{var}={max(value, limit * 2)} 后重启应用。")


LIMITS = Limits.from_env()


# --- feedback log ----------------------------------------------------------------------------------

class FeedbackLog:
    """Append-only JSON Lines log of votes, safe for concurrent users and restarts, rotated by size.

    Invariant: each record reaches the file as ONE `os.write` of a complete line on an O_APPEND
    descriptor, under a process-wide lock, followed by fsync. O_APPEND makes the kernel place every
    write at the current end of file, so lines from threads never overwrite or interleave; fsync
    makes an acknowledged vote survive a crash. If an earlier process died mid-line, a newline is
    written first so the broken tail cannot swallow the next record.

    Rotation never drops a line: when the next line would take the log past `max_bytes`, every
    `feedback.jsonl.N` is renamed to `.N+1` (highest first), the log to `.1`, and a new log begun;
    nothing is deleted (eval/feedback.py reads them all, oldest first). One app process per log.
    """

    def __init__(self, path: Path | str, max_bytes: int | None = None):
        self.path = Path(path)
        self.max_bytes = max_bytes
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

    def _rotate(self) -> None:
        os.close(self._fd)
        self._fd = None
        pattern = re.compile(re.escape(self.path.name) + r"\.(\d+)$")
        numbers = sorted((int(m.group(1)) for q in self.path.parent.iterdir() if (m := pattern.match(q.name))),
                         reverse=True)
        for n in numbers:
            os.replace(self.path.with_name(f"{self.path.name}.{n}"), self.path.with_name(f"{self.path.name}.{n + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))

    def append(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            if self._fd is None:
                self._fd = self._open()
            size = os.fstat(self._fd).st_size
            if self.max_bytes and size and size + len(line) > self.max_bytes:
                self._rotate()
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


# --- answers the server produced ------------------------------------------------------------------

@dataclass(frozen=True)
class Served:
    """One answer as the server produced it: what a vote on its id logs."""
    id: str
    question: str
    history: tuple[str, ...]      # the earlier user turns the bot replayed
    answer: str
    citations: tuple[dict, ...]
    index_built_at: str | None
    choices: tuple[str, ...] = ()   # what the bot offered when it asked back (which office?)

    @property
    def rows(self) -> tuple[str, ...]:
        """The ids of the 配档表 rows the answer cited, once each."""
        return tuple(dict.fromkeys(c["record_id"] for c in self.citations if c["kind"] == "schedule"))


class AnswerStore:
    """The last `capacity` answers by their server-side id (random: a client cannot guess another's)."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._items: OrderedDict[str, Served] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, question: str, history: list[str], answer: Answer, built_at: str | None) -> Served:
        served = Served("a-" + secrets.token_urlsafe(12), question, tuple(history), answer.answer,
                        tuple(c.to_dict() for c in answer.citations), built_at, tuple(answer.choices))
        with self._lock:
            self._items[served.id] = served
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return served

    def get(self, answer_id: object) -> Served | None:
        if not isinstance(answer_id, str):
            return None
        with self._lock:
            return self._items.get(answer_id)


# --- the bot being served, and its background rebuild ---------------------------------------------

def _signature(corpus: Path) -> tuple:
    """Cheap change detector: names, sizes and mtimes of the corpus files."""
    try:
        return tuple(sorted((p.name, st.st_size, st.st_mtime_ns) for p in corpus.iterdir()
                            if p.is_file() and (st := p.stat())))
    except OSError as e:
        return (("<unreadable>", str(e)),)


class Service:
    """Holds the bot the app answers with. A rebuild runs `python -m index build` in a background
    thread; the new bot is loaded completely (its index too) before `self.bot` is replaced in one
    assignment, so every question is answered by one whole bot, old or new, never a mix."""

    def __init__(self, bot: Bot, corpus: Path, index_path: Path):
        self.bot, self.corpus, self.index_path = bot, corpus, index_path
        state = getattr(bot, "index_state", None)
        self.status = ("ready", "")
        if state is not None and state.stale:
            self.status = ("stale", f"索引与语料不一致:{state.changes.describe(chinese=True)}。")
        self._lock = threading.Lock()
        self._running = False
        self._again = False
        self._failed_hash: str | None = None
        self._child: subprocess.Popen | None = None

    @property
    def manifest(self) -> dict:
        state = getattr(self.bot, "index_state", None)
        return state.manifest if state is not None else {}

    @property
    def stale(self) -> bool:
        state = getattr(self.bot, "index_state", None)
        return bool(state is not None and state.stale)

    def status_dict(self) -> dict:
        state, message = self.status
        return {"state": state, "message": message, "shown": self.status_markdown(),
                "built_at": self.manifest.get("built_at"), "records": self.manifest.get("record_count")}

    def status_markdown(self) -> str:
        state, message = self.status
        built = self.manifest.get("built_at") or "?"
        head = {"ready": "", "stale": "⚠️ ", "rebuilding": "⏳ 索引更新中:", "updated": "✅ 索引已更新:",
                "failed": "❌ 索引更新失败,仍使用上次的索引:"}[state]
        return f"{head}{message}(当前索引建于 {built})" if state != "ready" else f"索引建于 {built}"

    def changes(self) -> CorpusChanges:
        return CorpusChanges.between(self.manifest.get("corpus_files"), corpus_files(self.corpus))

    def rebuild(self) -> None:
        """Start a background rebuild (or, when one is running, another one after it)."""
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        threading.Thread(target=self._rebuild_loop, name="index-rebuild", daemon=True).start()

    def _rebuild_loop(self) -> None:
        try:
            while True:
                self._rebuild_once()
                with self._lock:
                    if not self._again:
                        self._running = False
                        return
                    self._again = False
        except BaseException:
            with self._lock:
                self._running = False
            raise

    def _rebuild_once(self) -> None:
        if corpus_hash(self.corpus) == self.manifest.get("corpus_hash"):
            # A second trigger for one change (the library starts a rebuild at once and the watcher
            # sees the same change later), or a change undone: the served index is already current.
            if self.status[0] in ("rebuilding", "failed", "stale"):
                self.status = ("ready", "")
            return
        old = self.bot
        try:
            old.index   # the old index in memory before its files are replaced (a lazy load would read the new)
        except IndexError_ as e:
            self.status = ("failed", f"上次的索引无法加载,未更新:{e}")
            return
        changes, target = self.changes(), corpus_hash(self.corpus)
        what = changes.describe(chinese=True)
        self.status = ("rebuilding", f"{what};在更新完成前,回答来自上次的索引")
        print(f"corpus changed ({changes.describe()}): rebuilding the index in the background", file=sys.stderr)
        cmd = [sys.executable, "-m", "index", "build", "--json", "--corpus", str(self.corpus)]
        if shutil.which("nice"):
            cmd = ["nice", "-n", "10"] + cmd   # answering questions comes first
        env = {**os.environ, "POLICYQA_INDEX": str(self.index_path)}
        self._child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
        out, err = self._child.communicate()
        self._child = None
        result = {}
        for line in reversed(out.splitlines()):
            try:
                result = json.loads(line)
                break
            except json.JSONDecodeError:
                continue
        skipped = [line.removeprefix("warning: skipped ") for line in err.splitlines()
                   if line.startswith("warning: skipped ")]
        if not result.get("ok"):
            reason = result.get("error") or (err.strip().splitlines() or ["index build exited without a result"])[-1]
            self._failed_hash = target
            self.status = ("failed", f"{what}。原因:{reason}")
            print(f"index rebuild failed, still serving the last good index: {reason}", file=sys.stderr)
            return
        try:
            new = Bot.load(self.corpus, self.index_path)
            new.index   # loaded completely before it serves
        except (IndexError_, IngestError, OSError) as e:
            self.status = ("failed", f"{what}。新索引无法加载:{e}")
            return
        before = old.index.manifest.get("record_count")
        self.bot = new   # the swap: one reference assignment
        note = f";未收录:{';'.join(skipped)}" if skipped else ""
        self.status = ("updated", f"{what};记录 {before} → {result.get('records')}{note}")
        print(f"index updated ({changes.describe()}); now serving {result.get('records')} records", file=sys.stderr)

    def watch(self, every: float) -> None:
        """Check the corpus folder every `every` seconds; rebuild when its content changed."""
        def loop() -> None:
            seen = _signature(self.corpus)
            while True:
                time.sleep(every)
                now = _signature(self.corpus)
                if now == seen:
                    continue
                seen = now
                h = corpus_hash(self.corpus)
                if h != self.manifest.get("corpus_hash") and h != self._failed_hash:
                    self.rebuild()

        threading.Thread(target=loop, name="corpus-watch", daemon=True).start()

    def stop(self) -> None:
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()


# --- network guard: request size and login back-off -------------------------------------------------

class LoginBackoff:
    """Per client address: after `free` failed logins, each next attempt must wait `base` seconds,
    doubling per further failure (at most 5 minutes); a success forgets the client."""

    def __init__(self, free: int, base: float, cap: float = 300.0):
        self.free, self.base, self.cap = free, base, cap
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        with self._lock:
            n, last = self._failures.get(client, (0, 0.0))
        if n < self.free:
            return 0.0
        delay = min(self.cap, self.base * 2 ** (n - self.free))
        return max(0.0, last + delay - time.monotonic())

    def failed(self, client: str) -> None:
        with self._lock:
            n, _ = self._failures.get(client, (0, 0.0))
            self._failures[client] = (n + 1, time.monotonic())

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


class Guard:
    """ASGI middleware: refuses request bodies over the size limit (413) and slows failed logins (429)."""

    def __init__(self, app, max_bytes: int, backoff: LoginBackoff, upload_bytes: int | None = None):
        self.app, self.max_bytes, self.backoff = app, max_bytes, backoff
        # A notice upload (Gradio's /upload) may be as large as ingest reads (POLICYQA_MAX_FILE_BYTES)
        # plus the multipart wrapping; the library then checks the file's own size exactly.
        self.upload_bytes = upload_bytes or max_bytes

    @staticmethod
    async def _reply(send, status: int, message: str, headers: list | None = None) -> None:
        body = json.dumps({"detail": message, "error": message}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())] + (headers or [])})
        await send({"type": "http.response.body", "body": body})

    async def _drain(self, receive, length: int) -> None:
        """Read and drop a refused body (up to 64 MiB), so the client, still sending, gets the 413
        and its message instead of a reset connection."""
        if length > max(16 * self.max_bytes, 64 << 20):
            return
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            more = message.get("more_body", False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown",))[0]
        login = scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/login")
        if login:
            wait = self.backoff.wait(client)
            if wait > 0:
                return await self._reply(send, 429, f"登录失败次数过多,请 {wait:.0f} 秒后再试"
                                         f"(too many failed logins from {client}; retry in {wait:.0f} s)",
                                         [(b"retry-after", str(int(wait) + 1).encode())])
        upload = scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/upload")
        limit = self.upload_bytes if upload else self.max_bytes

        def too_big(size: int) -> str:
            if upload:
                return over_limit("上传文件大小(字节)", size, "POLICYQA_MAX_FILE_BYTES", self.upload_bytes)
            return over_limit("请求大小(字节)", size, "POLICYQA_MAX_REQUEST_BYTES", self.max_bytes)

        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._drain(receive, int(length))
            return await self._reply(send, 413, too_big(int(length)))
        if length is None and scope["method"] in ("POST", "PUT", "PATCH"):
            # No length given (chunked): read at most the limit, then replay what was read.
            chunks, total, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                total += len(chunks[-1])
                more = message.get("more_body", False)
                if total > limit:
                    if more:
                        await self._drain(receive, 0)
                    return await self._reply(send, 413, too_big(total))
            body, sent = b"".join(chunks), False

            async def replay():
                nonlocal sent
                if sent:
                    return await receive()
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            receive = replay
        if not login:
            return await self.app(scope, receive, send)
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)
        await self.app(scope, receive, watch)
        if status.get("code", 500) >= 400:
            self.backoff.failed(client)
        else:
            self.backoff.succeeded(client)


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


_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def show_user(text: str) -> str:
    """A question as it appears in the chat: plain text. Every ASCII punctuation mark is
    backslash-escaped (Markdown then shows it as typed, so `![](http://x/y.png)` is no image and a
    URL no link) and `<`, `>`, `&` are HTML entities (`<script>` shows as characters)."""
    escaped = _PUNCT.sub(r"\\\1", text)
    return escaped.replace("\\&", "&amp;").replace("\\<", "&lt;").replace("\\>", "&gt;")


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def typed(shown: str) -> str:
    """The question as typed, from its `show_user` form (the inverse)."""
    return html.unescape(_ESCAPED.sub(r"\1", shown))


def user_turns(history: list) -> list[str]:
    """The user questions of an API client's `history`, as typed (the bot's `history`)."""
    return [typed(message_text(m)) for m in history or [] if _role(m) == "user"]


# --- rendering answers -----------------------------------------------------------------------------

def _mark(text: str, quote: str) -> str:
    """`text` HTML-escaped, with the quoted sentence(s) wrapped in <mark>."""
    out = html.escape(text, quote=False)
    if not quote or quote.strip() == text.strip():
        return out
    for part in sentences(quote) or [quote]:
        esc = html.escape(part.lstrip("…"), quote=False)   # (…… joins sentences apart in the text)
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
        return (f"**{c.label} {item_name(rec)} {html.escape(rec.title or '', quote=False)}**{section}\n\n"
                f"{_quote_block(_mark(rec.text, c.quote))}")
    if rec.kind == "schedule":
        return (f"**{c.label} 配档表 · {rec.month}月**:{html.escape(rec.text, quote=False)}"
                f"({who_text(rec)})")
    if rec.kind == "section" and has_body(rec):   # a section (or its (二) part) with paragraphs of its own
        head = f"({rec.subsection})" if rec.subsection else f"{rec.section}、"
        return (f"**{c.label} {head}{html.escape(rec.title or '', quote=False)}**\n\n"
                f"{_quote_block(_mark(rec.text, c.quote))}")
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


_EXPORTS: list[Path] = []


def _exports() -> Path:
    """The folder downloads are written to: made on the first export (importing the app, as every
    test process does, made one and left it behind), and removed when the process exits."""
    if not _EXPORTS:
        _EXPORTS.append(Path(tempfile.mkdtemp(prefix="policyqa-export-")))
        atexit.register(shutil.rmtree, _EXPORTS[0], True)   # (ignore_errors: a file still open)
    return _EXPORTS[0]


def export_file(bot: Bot, months=(), offices=(), fmt: str = "xlsx") -> str:
    """The filtered 配档表 rows written as `fmt` (`bot.export`); the path a download button serves."""
    ms, os_ = tuple(int(m) for m in months or ()), tuple(offices or ())
    rows = bot.filter_rows(ms, os_)
    folder = _exports() / secrets.token_hex(4)    # one folder per export: concurrent users never clash
    folder.mkdir(parents=True, exist_ok=True)
    return str(export(rows, bot.corpus, fmt, folder, os_, ms))


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
                parts.append(f"**〔开头〕** {esc}")
            elif r.kind == "section":
                head = f"#### ({r.subsection})" if r.subsection else f"### {r.section}、"
                parts.append(f"{head}{html.escape(r.title or r.text, quote=False)}")
                if has_body(r):   # a section with paragraphs of its own, no items
                    parts.append(esc)
            elif r.kind == "item":
                rest = r.text[len(r.title):] if r.title and r.text.startswith(r.title) else r.text
                head = html.escape(r.title or "", quote=False)
                parts.append(f"**〔{item_name(r)}〕{head}**{html.escape(rest, quote=False)}")
            elif r.kind == "paragraph":   # a notice numbering nothing
                parts.append(f"**〔第{paragraph_no(r)}段〕** {esc}")
            elif r.kind == "note":
                parts.append(esc)
        n_items = sum(r.kind == "item" for r in recs)
        n_parts = sum(r.kind == "section" and has_body(r) for r in recs)
        parts.append("共 {};配档表 {} 项见“配档表”页。".format(
            f"{n_items} 条" if n_items or not n_parts else f"{n_parts} 个部分", sum(r.kind == "schedule" for r in recs)))
    return "\n\n".join(parts)


def new_conversation() -> dict:
    """A page conversation as the server keeps it: the shown messages, the answer id of each
    message (None for questions), and the questions as typed."""
    return {"messages": [], "ids": [], "turns": []}


def keep_last_turns(conv: dict, keep: int) -> dict:
    """The conversation cut to its last `keep` turns (each turn starts at a user message)."""
    starts = [i for i, m in enumerate(conv["messages"]) if m["role"] == "user"]
    if len(starts) <= keep:
        return conv
    cut = starts[-keep]
    return {"messages": conv["messages"][cut:], "ids": conv["ids"][cut:], "turns": conv["turns"][-keep:]}


def header_markdown(bot: Bot) -> str:
    titles = [r.title for r in bot.records if r.kind == "preamble" and r.title] or ["通知"]
    return (f"# 政策问答助手\n根据《{'》《'.join(titles)}》原文回答,每个回答都标注出处"
            "(〔第N条〕、〔配档表·月份·处室〕);通知未涉及的问题会直接说明。")


def answer_tools_html(served: Served | None) -> str:
    """Under a schedule answer: its print view and its rows as files (exactly the rows it cited)."""
    if served is None or not served.rows:
        return ""
    links = " · ".join(f"<a href='{answer_path(served.id, f'rows.{fmt}')}' download id='answer-{fmt}'>.{fmt}</a>"
                       for fmt in FORMATS)
    return (f"<div id='answer-rows'>本回答引用配档表 {len(served.rows)} 项:"
            f"<a href='{answer_path(served.id, 'print')}' target='_blank' id='answer-print'>打印视图</a>"
            f" · 下载 {links}</div>")


def schedule_links_html(months=(), offices=(), base: str = "") -> str:
    """The 配档表 tab's print link and calendar subscription address(es) for the filter."""
    ms, os_ = tuple(int(m) for m in months or ()), tuple(offices or ())
    feeds = "".join(f"<li><code class='subscribe-url'>{html.escape(base + calendar_path(o))}</code></li>"
                    for o in (os_ or (None,)))
    who = "、".join(os_) if os_ else "全部处室"
    return (f"<div id='schedule-links'><a id='print-link' href='{html.escape(print_url(ms, os_))}' "
            f"target='_blank'>打印视图</a>({html.escape(filter_text(ms, os_))})"
            f"<div>订阅日历({html.escape(who)},日历软件中“通过网址订阅”,内容随通知更新):<ul>{feeds}</ul></div></div>")


def page_base(request: gr.Request | None) -> str:
    """The page's own address (scheme://host/), for addresses given to other programs (a calendar
    client). Known limit: a path prefix added by a reverse proxy is not included."""
    if request is None:
        return ""
    headers = request.headers
    host = headers.get("x-forwarded-host") or headers.get("host") or ""
    scheme = headers.get("x-forwarded-proto") or getattr(getattr(request, "url", None), "scheme", "") or "http"
    return f"{scheme}://{host}/" if host else ""


def vote_direction(liked) -> str:
    if liked is True or liked in ("Like", "up", "👍"):
        return "up"
    if liked is False or liked in ("Dislike", "down", "👎"):
        return "down"
    if liked is None or liked == "":
        return "cleared"     # the user clicked the same thumb again to take the vote back
    raise gr.Error(f"vote must be 'up' or 'down', got {str(liked)[:40]!r}")


def build_demo(service: Service, log: FeedbackLog, limits: Limits = LIMITS,
               answers: AnswerStore | None = None) -> gr.Blocks:
    cpu = threading.BoundedSemaphore(CONCURRENCY)
    answers = answers or AnswerStore(limits.answers_kept)

    def question_problem(question: str) -> str | None:
        if len(question) > limits.max_question_chars:
            return over_limit("问题长度(字符)", len(question), "POLICYQA_MAX_QUESTION_CHARS",
                              limits.max_question_chars)
        return None

    def compute(question: str, earlier: list[str], office: str | None = None) -> tuple[Bot, Answer, Served]:
        bot = service.bot     # one whole bot per question, even if a swap happens meanwhile
        problem = question_problem(question)
        if problem:
            answer = Answer(problem, False)
        else:
            with cpu:
                answer = bot.ask(question, earlier, office=office or None)
            answer = maybe_rewrite(answer)  # a remote LLM call, if configured: outside the CPU slot
        built = (getattr(bot, "index_state", None) or None)
        served = answers.add(question, earlier, answer, built.manifest.get("built_at") if built else None)
        return bot, answer, served

    def answer_messages(bot: Bot, answer: Answer, served: Served) -> list[dict]:
        out = [{"role": "assistant", "content": answer.answer, "metadata": {"answer_id": served.id}}]
        src = sources_message(bot, answer)
        if src:
            out.append(src)
        return out

    async def respond(message: str, conv: dict, office: str | None = None) -> AsyncIterator[tuple[list, dict]]:
        """The page's chat: the conversation lives on the server (`conv`), never read back from the client.
        Yields (chat messages, conversation)."""
        conv = conv or new_conversation()
        question = message if isinstance(message, str) else ""
        earlier = conv["turns"][-SETTINGS.history_turns:]   # only the turns the bot replays
        shown = conv["messages"] + [{"role": "user", "content": show_user(question)}]
        yield shown, conv
        bot, answer, served = await anyio.to_thread.run_sync(compute, question, earlier, office)
        for part in chunks(answer.answer):
            yield shown + [{"role": "assistant", "content": part}], conv
            await asyncio.sleep(STREAM_PAUSE)
        new = answer_messages(bot, answer, served)
        conv = keep_last_turns({"messages": shown + [{k: v for k, v in m.items() if k != "metadata"}
                                                     if m["role"] == "assistant" and not is_sources(m) else m
                                                     for m in new],
                                "ids": conv["ids"] + [None] + [served.id] * len(new),
                                "turns": conv["turns"] + [question]}, limits.keep_turns)
        yield conv["messages"], conv

    async def ask(message: str, history: list[dict], office: str | None = None) -> AsyncIterator[list[dict]]:
        """Answer `message` after the user turns of `history`; yields only the new messages as the
        answer grows: the question, the answer (`metadata.answer_id`: the id to vote on) and, when
        anything is cited, a message titled "来源 (N)" listing each cited item / schedule row.
        `office` (optional) is the asker's own office: what 我们处 / 本处室 means."""
        if history is not None and not isinstance(history, list):
            raise gr.Error(f"history must be a list of chat messages, got {type(history).__name__}")
        turns = user_turns(history or [])
        if len(turns) > limits.max_history_turns:
            raise gr.Error(over_limit("对话历史轮数", len(turns), "POLICYQA_MAX_HISTORY_TURNS",
                                      limits.max_history_turns))
        question = message if isinstance(message, str) else ""
        earlier = turns[-SETTINGS.history_turns:]
        user = {"role": "user", "content": show_user(question)}
        yield [user]
        bot, answer, served = await anyio.to_thread.run_sync(compute, question, earlier, office)
        for part in chunks(answer.answer):
            yield [user, {"role": "assistant", "content": part}]
            await asyncio.sleep(STREAM_PAUSE)
        yield [user] + answer_messages(bot, answer, served)

    def record_vote(answer_id: str, vote: str, comment: str = "", should_cite: str = "") -> dict:
        served = answers.get(answer_id)
        if served is None:
            raise gr.Error(f"没有编号为 {str(answer_id)[:40]!r} 的回答(只保留最近 {limits.answers_kept} 个回答,"
                           "POLICYQA_ANSWERS_KEPT);请重新提问后再评价。")
        for what, text in (("意见", comment), ("应引用", should_cite)):
            if not isinstance(text, str):
                raise gr.Error(f"{what} must be text, got {type(text).__name__}")
            if len(text) > limits.max_comment_chars:
                raise gr.Error(over_limit(f"{what}长度(字符)", len(text), "POLICYQA_MAX_COMMENT_CHARS",
                                          limits.max_comment_chars))
        record = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                  "vote": vote, "answer_id": served.id, "question": served.question,
                  "history": list(served.history), "answer": served.answer,
                  "citations": list(served.citations), "index_built_at": served.index_built_at,
                  "comment": comment.strip(), "should_cite": should_cite.strip()}
        log.append(record)
        return record

    def on_like(conv: dict, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        ids = (conv or new_conversation())["ids"]
        if not isinstance(index, int) or not 0 <= index < len(ids) or ids[index] is None:
            raise gr.Error("只能评价机器人的回答。")
        record_vote(ids[index], vote_direction(data.liked))

    def feedback(answer_id: str, vote: str, comment: str = "", should_cite: str = "") -> dict:
        """Vote "up" or "down" on the answer `answer_id` (from /ask), with an optional comment and
        what it should have cited; returns the logged JSON record."""
        if vote not in ("up", "down"):
            raise gr.Error(f"vote must be 'up' or 'down', got {str(vote)[:40]!r}")
        return record_vote(answer_id, vote, comment or "", should_cite or "")

    def index_status() -> dict:
        """The index being served: {"state": ready | stale | rebuilding | updated | failed, "message",
        "shown" (the line on the page), "built_at", "records"}."""
        return service.status_dict()

    def answer_tools(conv: dict):
        ids = [i for i in (conv or new_conversation())["ids"] if i is not None]
        served = answers.get(ids[-1]) if ids else None
        choices = list(served.choices) if served is not None else []
        return answer_tools_html(served), gr.update(samples=[[c] for c in choices], visible=bool(choices))

    async def choose_offered(choice, conv: dict, office: str | None = None):
        value = choice[0] if isinstance(choice, (list, tuple)) and choice else choice
        async for shown, state in respond(value if isinstance(value, str) else "", conv, office):
            yield shown, state

    bot = service.bot
    frame, count = schedule_frame(bot)
    month_choices = [(f"{m}月", m) for m in range(1, 13)]

    titles = [r.title for r in bot.records if r.kind == "preamble" and r.title] or ["通知"]
    with gr.Blocks(title=f"{titles[0]} · 政策问答") as demo:
        header = gr.Markdown(header_markdown(bot), elem_id="page-header")
        status = gr.Markdown(service.status_markdown(), elem_id="index-status")
        conv = gr.State(new_conversation())
        with gr.Tabs():
            with gr.Tab("政策问答", id="chat"):
                with gr.Row():
                    my_office = gr.Dropdown([("(未选择)", "")] + [(o, o) for o in schedule_offices(bot)], value="",
                                            label="我的处室(“我们处 / 本处室 / 我这个月”按它理解,保存在本浏览器)",
                                            elem_id="my-office", scale=4)
                    office_reset = gr.Button("重置处室", size="sm", scale=1, elem_id="office-reset")
                # No "share" button: it would post the chat to Hugging Face.
                chatbot = gr.Chatbot(label="对话", height=520, elem_id="chatbot",
                                     feedback_options=("Like", "Dislike"), buttons=["copy", "copy_all"],
                                     placeholder="请提问,例如“6月份基教处要完成哪些工作?”")
                with gr.Row():
                    msg = gr.Textbox(placeholder="输入问题,回车发送", show_label=False, scale=6,
                                     elem_id="question", max_length=limits.max_question_chars)
                    send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                    clear = gr.Button("清空对话", scale=1, elem_id="clear")
                # Under the last answer: its print view and files (schedule answers), or the options
                # the bot offered when it asked back, each a button that sends it as the next message.
                tools = gr.HTML("", elem_id="answer-tools")
                offered = gr.Dataset(components=["textbox"], samples=[], label="请选择(点击即发送)",
                                     visible=False, elem_id="answer-choices", samples_per_page=50)
                with gr.Accordion("对上一个回答有意见?", open=False, elem_id="comment-box"):
                    comment = gr.Textbox(label="哪里不对(可选)", max_length=limits.max_comment_chars,
                                         elem_id="comment")
                    should = gr.Textbox(label="应该引用哪一条(可选,例如“第7条”或“配档表7月 民继处”)",
                                        max_length=limits.max_comment_chars, elem_id="should-cite")
                    comment_send = gr.Button("提交意见(记为 👎)", size="sm", elem_id="comment-send")
                    comment_done = gr.Markdown(elem_id="comment-done")
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
                with gr.Row(elem_id="export-menu"):
                    # Filled when the page loads (and on every filter change), not here: writing
                    # the three files imports openpyxl and icalendar, ~0.7 s of app start.
                    downloads = [gr.DownloadButton(f"导出 .{fmt}", value=None, size="sm",
                                                   elem_id=f"export-{fmt}") for fmt in FORMATS]
                links = gr.HTML(schedule_links_html(), elem_id="schedule-links-box")
                table = gr.Dataframe(frame, headers=SCHEDULE_COLUMNS, interactive=False, wrap=True,
                                     elem_id="schedule-table", column_widths=["10%", "65%", "25%"])
            with gr.Tab("全文", id="fulltext"):
                fulltext = gr.Markdown(full_text(bot), elem_id="full-text")
            with gr.Tab("文件库", id="library"):
                app_library.tab(service)

        async def respond_typed(message: str, conv: dict, office: str | None = None
                                ) -> AsyncIterator[tuple[list, dict, str]]:
            # The box is emptied by the first update of the answer itself, so always before it appears.
            async for shown, state in respond(message, conv, office):
                yield shown, state, ""

        # The page's chat (private); the API is /ask below. All ways of asking share one group.
        gr.on([msg.submit, send.click], respond_typed, [msg, conv, my_office], [chatbot, conv, msg],
              api_visibility="private", concurrency_id="ask", concurrency_limit=STREAMS
              ).then(answer_tools, conv, [tools, offered], queue=False, api_visibility="private")
        for b in buttons:
            b.click(respond, [b, conv, my_office], [chatbot, conv], concurrency_id="ask",
                    concurrency_limit=STREAMS, api_visibility="private"
                    ).then(answer_tools, conv, [tools, offered], queue=False, api_visibility="private")
        offered.click(choose_offered, [offered, conv, my_office], [chatbot, conv], concurrency_id="ask",
                      concurrency_limit=STREAMS, api_visibility="private"
                      ).then(answer_tools, conv, [tools, offered], queue=False, api_visibility="private")
        # The office is kept in the browser's local storage, so it is picked once per browser.
        saved_office = gr.BrowserState("", storage_key="policyqa-my-office")
        known = set(schedule_offices(bot))
        demo.load(lambda v: v if v in known else "", saved_office, my_office, queue=False,
                  api_visibility="private")
        # "none", not "": an empty value is not written to local storage, so a reset would not stick.
        my_office.change(lambda v: v or "none", my_office, saved_office, queue=False, api_visibility="private")
        office_reset.click(lambda: ("", "none"), None, [my_office, saved_office], queue=False,
                           api_visibility="private")
        clear.click(lambda: ("", [], new_conversation(), "", gr.update(samples=[], visible=False)), None,
                    [msg, chatbot, conv, tools, offered], queue=False, api_visibility="private")
        chatbot.like(on_like, conv, None, api_visibility="private")

        def comment_last(state: dict, text: str, cite: str) -> tuple[str, str, str]:
            ids = [i for i in (state or new_conversation())["ids"] if i is not None]
            if not ids:
                raise gr.Error("还没有可评价的回答。")
            if not (text or "").strip() and not (cite or "").strip():
                raise gr.Error("请写下哪里不对,或应该引用哪一条。")
            record_vote(ids[-1], "down", text or "", cite or "")
            return "", "", "已记录,谢谢。"

        comment_send.click(comment_last, [conv, comment, should], [comment, should, comment_done],
                           api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_id="ask", concurrency_limit=STREAMS)
        gr.api(feedback, api_name="feedback")
        gr.api(index_status, api_name="index_status", queue=False)
        gr.Timer(2).tick(service.status_markdown, None, status, queue=False, api_visibility="private")
        # A page opened after a swap (a notice added or removed) shows the new notices, schedule and
        # offices. Known limit: the 我的处室 list stays the one the app started with.
        first_offices = schedule_offices(bot)

        def current_page():
            now = service.bot
            names = schedule_offices(now)
            return (full_text(now), *schedule_frame(now), header_markdown(now),
                    gr.update(choices=names) if names != first_offices else gr.skip())

        demo.load(current_page, None, [fulltext, table, total, header, offices], queue=False,
                  api_visibility="private")

        def refilter(ms, os_):
            return schedule_frame(service.bot, ms, os_)

        def relink(ms, os_, request: gr.Request) -> str:
            return schedule_links_html(ms, os_, page_base(request))

        def refresh_downloads(ms, os_):
            return [export_file(service.bot, ms, os_, fmt) for fmt in FORMATS]

        def schedule_export(months: list[int] | None = None, offices: list[str] | None = None,
                            fmt: str = "xlsx") -> str:
            """The 配档表 rows for these months and offices as a file: fmt is xlsx, csv or ics."""
            if fmt not in FORMATS:
                raise gr.Error(f"fmt must be one of {', '.join(FORMATS)}, got {str(fmt)[:20]!r}")
            return export_file(service.bot, months or (), offices or (), fmt)

        gr.on([months.change, offices.change], refilter, [months, offices], [table, total],
              api_name="schedule")
        gr.on([months.change, offices.change], relink, [months, offices], links, queue=False,
              api_visibility="private")
        def initial_links(request: gr.Request) -> str:
            return schedule_links_html((), (), page_base(request))

        demo.load(initial_links, None, links, queue=False, api_visibility="private")
        demo.load(refresh_downloads, [months, offices], downloads, api_visibility="private")
        gr.on([months.change, offices.change], refresh_downloads, [months, offices], downloads,
              api_visibility="private")
        gr.api(schedule_export, api_name="schedule_export")

    return demo


def load_service(corpus: Path | None = None, path: Path | None = None) -> Service:
    """The bot on the last good index (built first only when there is none); a clear exit, not a
    traceback, when there is none and no notice is readable."""
    preloaded = corpus is None and path is None
    corpus, path = corpus or corpus_dir(), path or index_dir()
    try:
        return Service(PRELOAD.bot() if preloaded else Bot.load(corpus, path), corpus, path)
    except (IngestError, IndexError_) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)   # as `python -m index build` and `python -m bot ask`


SERVICE = load_service()
FEEDBACK = FeedbackLog(feedback_path(), LIMITS.feedback_max_bytes)
ANSWERS = AnswerStore(LIMITS.answers_kept)   # shared by the page, /ask and the answer routes
demo = build_demo(SERVICE, FEEDBACK, answers=ANSWERS)

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="政策问答 chat page")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--allow-open", action="store_true",
                   help="serve another host than this machine without a login (anyone who reaches it can use the API)")
    args = p.parse_args(argv)
    user, password = os.environ.get("POLICYQA_USER"), os.environ.get("POLICYQA_PASSWORD")
    if bool(user) != bool(password):
        sys.exit("set both POLICYQA_USER and POLICYQA_PASSWORD to turn login on, or neither")
    if args.host not in LOCAL_HOSTS and not user:
        warning = (f"serving on {args.host} without a login: anyone who can reach this machine can use the "
                   "page and its API. Set POLICYQA_USER and POLICYQA_PASSWORD to require a login")
        if not args.allow_open:
            print(f"error: {warning}, or pass --allow-open to do it anyway.", file=sys.stderr)
            sys.exit(2)
        print(f"warning: {warning}.", file=sys.stderr)
    # The index (records, checked manifest) is loaded at import, so schedule questions are answered
    # as soon as the page is up; the embedding model (~7 s to import and load) warms up meanwhile,
    # and a retrieval question asked before it is ready waits for it. A stale index is rebuilt after.
    def warm_up() -> None:
        t0 = time.perf_counter()
        SERVICE.bot.ask(EXAMPLES[3])
        print(f"model warm in {time.perf_counter() - t0:.1f} s; feedback log: {FEEDBACK.path}", file=sys.stderr)
        # The English–Chinese dictionary (~3 s to read the first time on a machine, ~0.03 s after):
        # read now, not on the first English question.
        from bot.glossary import senses

        senses()
        if SERVICE.stale:
            SERVICE.rebuild()
        SERVICE.watch(LIMITS.watch_seconds)

    def on_term(signum, frame) -> None:   # the rebuild child goes with the app, and the downloads
        SERVICE.stop()
        for folder in _EXPORTS:   # (re-raising the signal below skips atexit)
            shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, on_term)
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    from starlette.middleware import Middleware

    try:
        max_file = IngestLimits.from_env().max_file_bytes
    except IngestError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    guard = Middleware(Guard, max_bytes=LIMITS.max_request_bytes,
                       backoff=LoginBackoff(LIMITS.login_free_failures, LIMITS.login_backoff_seconds),
                       upload_bytes=max_file + (1 << 20))   # + room for the multipart wrapping
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    demo.launch(server_name=args.host, server_port=args.port, auth=(user, password) if user else None,
                share=False, show_error=True,
                app_kwargs={"middleware": [guard], "routes": routes(SERVICE, ANSWERS)})


if __name__ == "__main__":
    main()
