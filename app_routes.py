"""Plain HTTP pages and files beside the Gradio page: print views, calendar feeds, answer exports.

- `GET /print?months=6&offices=基教处` (each repeatable, or comma-separated): the 配档表 rows of
  that filter as a clean printable page (no app chrome, no script): the documents' titles, the
  filter in words, and each row with its citation (〔配档表·6月·基教处〕〔第N条〕).
- `GET /answer/<answer_id>/print`: the same page for the rows one chat answer cited, with the
  question and the answer above them.
- `GET /answer/<answer_id>/rows.<xlsx|csv|ics>`: exactly the rows that answer cited, as a file.
- `GET /calendar/<office>.ics` (the office's name URL-encoded, any spelling the office table
  knows) and `/calendar/all.ics`: a calendar a client can subscribe to. The URL never changes and
  each event's UID is the row's (`bot.export.row_uid`), so a client updates its events on refresh
  instead of duplicating them; an unknown office is a 404 naming the valid ones.

The routes read the bot the app is serving at the moment of the request (`Service.bot`), so they
follow an index swap. When the page has a login, they need it too (the page's session cookie).
Known limit: a calendar client cannot log in, so with a login on, subscriptions are refused (401).
"""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute

from bot.core import Bot
from bot.export import (COLUMNS, FORMATS, MEDIA_TYPES, ExportError, cited_rows, citation_label,
                        document_label, file_name, render, table)
from bot.answer import Citation
from ingest.records import Record

ALL = "all"   # /calendar/all.ics: every office


class RouteError(Exception):
    """A request the routes refuse: an HTTP status and a message saying what and how to fix it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def schedule_offices(bot: Bot) -> list[str]:
    """Short names of the offices that have schedule rows, in the office table's order."""
    used = {bot.offices.canonical(o) for r in bot.schedule for o in r.offices}
    return [o.short for o in bot.offices.offices if o.short in used]


# --- reading the request -----------------------------------------------------------------------------

def _values(request: Request, name: str) -> list[str]:
    return [v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",") if v.strip()]


def parse_months(values: Sequence[str]) -> tuple[int, ...]:
    out = []
    for v in values:
        m = v.removesuffix("月")
        if not m.isdigit() or not 1 <= int(m) <= 12:
            raise RouteError(400, f"months must be month numbers 1–12, got {v!r}; e.g. ?months=6 or ?months=6,7")
        out.append(int(m))
    return tuple(dict.fromkeys(out))


def parse_offices(bot: Bot, values: Sequence[str]) -> tuple[str, ...]:
    """The offices' short names; an office the table does not know, or that has no rows, is a 404."""
    valid = schedule_offices(bot)
    out = []
    for v in values:
        short = bot.offices.canonical(v)
        if short not in valid:
            raise RouteError(404, f"unknown office {v!r} (不认识处室“{v}”); valid offices: {'、'.join(valid)}")
        out.append(short)
    return tuple(dict.fromkeys(out))


# --- the print page ------------------------------------------------------------------------------

PRINT_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       margin: 2em; color: #111; background: #fff; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
.filter, .meta { margin: .2em 0; }
.answer { white-space: pre-wrap; border-left: 3px solid #999; padding-left: .8em; margin: .8em 0; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { border: 1px solid #555; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; white-space: nowrap; }
td.month { white-space: nowrap; }
.cite { color: #333; white-space: nowrap; }
.items { white-space: pre-line; }
footer { margin-top: 1em; font-size: .85em; color: #555; }
@media print { body { margin: 0; } @page { size: A4 landscape; margin: 12mm; } }
"""


def filter_text(months: Sequence[int], offices: Sequence[str]) -> str:
    """The filter in words: 月份:6月;责任单位:基教处 (or 全部)."""
    return (f"月份:{'、'.join(f'{m}月' for m in months) if months else '全部'};"
            f"责任单位:{'、'.join(offices) if offices else '全部'}")


def print_page(bot: Bot, rows: Sequence[Record], heading: str, built_at: str | None = None,
               question: str = "", answer: str = "") -> str:
    """A self-contained printable HTML page of `rows`: no script, no outside resource."""
    esc = lambda s: html.escape(str(s), quote=True)   # noqa: E731
    corpus = bot.corpus
    docs = list(dict.fromkeys(r.doc_id for r in rows)) or list(corpus.documents)
    titles = "".join(f"<h1 class='doc-title'>{esc(document_label(corpus, d))}</h1>" for d in docs)
    cells = table(rows, corpus)
    body = "\n".join(
        f"<tr><td class='month'>{esc(Citation.of(r).when or c[0])}</td><td>{esc(c[1])}</td><td>{esc(c[2])}</td>"
        f"<td class='items'>{esc(c[3])}</td><td class='cite'>{esc(citation_label(corpus, r))}</td></tr>"
        for r, c in zip(rows, cells))
    head = "".join(f"<th>{esc(h)}</th>" for h in (*COLUMNS[:4], "出处"))
    asked = (f"<p class='meta question'>问题:{esc(question)}</p><div class='answer'>{esc(answer)}</div>"
             if question else "")
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{esc(heading)} · 配档表</title><style>{PRINT_CSS}</style></head><body>"
            f"{titles}<p class='filter' id='filter'>{esc(heading)} · 共 {len(rows)} 项</p>{asked}"
            f"<table id='rows'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<footer>打印于 {stamp}{f';索引建于 {esc(built_at)}' if built_at else ''}</footer>"
            f"</body></html>")


def print_url(months: Sequence[int] = (), offices: Sequence[str] = ()) -> str:
    """The print view's address relative to the page (works behind a path prefix too)."""
    query = urlencode([("months", ",".join(map(str, months)))] * bool(months)
                      + [("offices", ",".join(offices))] * bool(offices))
    return "print" + (f"?{query}" if query else "")


def calendar_path(office: str | None) -> str:
    return f"calendar/{quote(office or ALL, safe='')}.ics"


def answer_path(answer_id: str, what: str) -> str:
    """`answer/<id>/print` or `answer/<id>/rows.<fmt>`, relative to the page."""
    return f"answer/{quote(answer_id, safe='')}/{what}"


# --- the routes ----------------------------------------------------------------------------------

def _logged_in(request: Request) -> bool:
    """The page's own login rule: no login configured, or a valid session cookie of it."""
    app = request.app
    if getattr(app, "auth", None) is None and getattr(app, "auth_dependency", None) is None:
        return True
    cookie = getattr(app, "cookie_id", "")
    token = (request.cookies.get(f"access-token-{cookie}")
             or request.cookies.get(f"access-token-unsecure-{cookie}"))
    return getattr(app, "tokens", {}).get(token) is not None


def _file(data: bytes, fmt: str, name: str) -> Response:
    return Response(data, media_type=MEDIA_TYPES[fmt],
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}",
                             "cache-control": "no-cache"})


def _guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        if not _logged_in(request):
            return JSONResponse({"detail": "login required: open the page and log in first"}, 401)
        try:
            return handler(request)
        except RouteError as e:
            return JSONResponse({"detail": str(e), "error": str(e)}, e.status)
        except ExportError as e:
            return JSONResponse({"detail": str(e), "error": str(e)}, 422)
    endpoint.__name__ = handler.__name__
    return endpoint


def routes(service, answers) -> list[APIRoute]:
    """The routes, for `FastAPI(routes=...)` (app.py passes them through `launch(app_kwargs=...)`).
    `service` holds the bot being served; `answers` is the app's store of answers it produced."""

    def served(answer_id: str):
        s = answers.get(answer_id)
        if s is None:
            raise RouteError(404, f"no answer with id {answer_id[:40]!r} (没有这个回答;只保留最近的回答): "
                                  "ask the question again and use the new link")
        rows = cited_rows([Citation(**{**c, "offices": tuple(c["offices"])}) for c in s.citations],
                          service.bot.corpus)
        if not rows:
            raise RouteError(404, f"answer {answer_id!r} cites no 配档表 rows; only schedule answers have a print "
                                  "view and a row export")
        return s, rows

    def print_filter(request: Request) -> Response:
        bot = service.bot
        months = parse_months(_values(request, "months"))
        offices = parse_offices(bot, _values(request, "offices"))
        rows = bot.filter_rows(months, offices)
        return HTMLResponse(print_page(bot, rows, "筛选:" + filter_text(months, offices), service.manifest.get("built_at")))

    def print_answer(request: Request) -> Response:
        s, rows = served(request.path_params["answer_id"])
        return HTMLResponse(print_page(service.bot, rows, "本回答引用的配档表", service.manifest.get("built_at"),
                                       s.question, s.answer))

    def answer_rows(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            raise RouteError(404, f"unknown format {fmt!r}; valid: {', '.join(FORMATS)} (e.g. rows.xlsx)")
        s, rows = served(request.path_params["answer_id"])
        return _file(render(rows, service.bot.corpus, fmt), fmt, file_name(fmt, stem="配档表-回答"))

    def calendar(request: Request) -> Response:
        bot = service.bot
        name = request.path_params["office"]
        offices = () if name == ALL else parse_offices(bot, [name])
        rows = bot.filter_rows((), offices)
        return _file(render(rows, bot.corpus, "ics", offices), "ics", file_name("ics", offices or ("全部处室",)))

    return [APIRoute("/print", _guarded(print_filter), methods=["GET"], include_in_schema=False),
            APIRoute("/answer/{answer_id}/print", _guarded(print_answer), methods=["GET"], include_in_schema=False),
            APIRoute("/answer/{answer_id}/rows.{fmt}", _guarded(answer_rows), methods=["GET"],
                     include_in_schema=False),
            APIRoute("/calendar/{office}.ics", _guarded(calendar), methods=["GET"], include_in_schema=False)]
