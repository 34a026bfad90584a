"""The real notice re-made in the test run as a saved government web page, a .docx and a PDF.

Built from corpus/jinan-edu-2024-work-plan.txt: the header, body paragraphs and notes are its own
lines; the 配档表 becomes a real table (month cells spanning their rows) from the rows the .txt
reading gives, so each format can be compared with the .txt record for record.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from ingest.parse import parse_file
from tests.conftest import NOTICE

CHROMIUM = "/usr/bin/chromium"
_PAIR = re.compile(r"(\S+?)\s*:\s*(\S*)")


@dataclass(frozen=True)
class Parts:
    header: list[list[tuple[str, str]]]   # rows of (label, value)
    cover_title: str
    body: list[str]                       # paragraphs from the addressees up to the table title
    table_title: str
    table_head: list[str]
    months: list[tuple[str, list[tuple[str, str]]]]   # ("1月", [(task, "office、office"), …])
    notes: list[str]


def notice_parts(path: Path = NOTICE) -> Parts:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    header_lines = [ln for ln in lines if ln.startswith("•") and ":" in ln and "上一篇" not in ln
                    and "下一篇" not in ln]
    header = []
    for ln in header_lines:
        text = ln.lstrip("• ")
        if text.startswith("标题"):
            header.append([("标题", text.split(":", 1)[1].strip())])
        else:
            header.append([(k, v) for k, v in _PAIR.findall(text)])
    rest = [ln for ln in lines if not ln.startswith("•")]
    cover_title = rest[0]
    head_at = rest.index("时间")
    body = [ln for ln in rest[1:head_at - 1] if not ln.startswith("信息来源")]
    doc = parse_file(path)
    months = [(f"{m}月", [(r.task, "、".join(r.offices)) for r in rows])
              for m, rows in groupby(doc.schedule, key=lambda r: r.month)]
    notes = [ln for ln in rest if ln.startswith("备注")]
    return Parts(header, cover_title, body, rest[head_at - 1], rest[head_at:head_at + 3], months, notes)


def notice_html(parts: Parts) -> str:
    """A page shaped like the bureau's: site chrome around a metadata table, article and 配档表."""
    e = html.escape
    meta_rows = []
    for row in parts.header:
        if len(row) == 1:
            label, value = row[0]
            meta_rows.append(f"<tr><td>{e(label)}：</td><td colspan=\"3\">{e(value)}</td></tr>")
        else:
            meta_rows.append("<tr>" + "".join(f"<td>{e(k)}：</td><td>{e(v)}</td>" for k, v in row)
                             + "</tr>")
    table_rows = []
    for month, rows in parts.months:
        for k, (task, offices) in enumerate(rows):
            first = f"<td rowspan=\"{len(rows)}\">{e(month)}</td>" if k == 0 else ""
            table_rows.append(f"<tr>{first}<td>{e(task)}</td><td>{e(offices)}</td></tr>")
    head = "".join(f"<th>{e(h)}</th>" for h in parts.table_head)
    body = "\n".join(f"<p>{e(p)}</p>" for p in parts.body)
    notes = "\n".join(f"<p>{e(p)}</p>" for p in parts.notes)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e(parts.cover_title)}_济南市教育局</title>
<style>
body {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 15px; line-height: 1.6; }}
p {{ margin: 0.8em 0; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #333; padding: 3px 6px; }}
tr {{ break-inside: avoid; }}
</style>
<script>var _hmt = _hmt || [];</script>
</head><body>
<header><div class="logo">济南市教育局</div>
<nav><a href="/">首页</a> <a href="/jgzn">机构职能</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a></nav>
</header>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 计划总结</div>
<table class="xxgk">
{chr(10).join(meta_rows)}
</table>
<h1>{e(parts.cover_title)}</h1>
<div>【字号：<a>大</a> <a>中</a> <a>小</a>】【<a>打印</a>】【<a>关闭</a>】</div>
<div class="bdsharebuttonbox">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="article-content">
{body}
<p>{e(parts.table_title)}</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(table_rows)}
</tbody>
</table>
{notes}
</div>
<div class="pager"><a>上一篇：关于做好寒假工作的通知</a> <a>下一篇：无</a></div>
<footer>主办单位：济南市教育局 网站标识码：3701000000 鲁ICP备00000000号</footer>
</body></html>
"""


def write_docx(parts: Parts, path: Path) -> Path:
    """The notice as an office would pass it around: header paragraphs (full-width colons and
    spaces), body paragraphs, and the 配档表 as a Word table with merged month cells."""
    import docx

    document = docx.Document()
    for row in parts.header:
        document.add_paragraph("\u3000".join(f"{k}：{v}" for k, v in row))
    document.add_heading(parts.cover_title, level=1)
    for p in parts.body:
        document.add_paragraph(p)
    document.add_paragraph(parts.table_title)
    n_rows = 1 + sum(len(rows) for _, rows in parts.months)
    table = document.add_table(rows=n_rows, cols=3)
    for cell, text in zip(table.rows[0].cells, parts.table_head):
        cell.text = text
    r = 1
    for month, rows in parts.months:
        merged = table.cell(r, 0).merge(table.cell(r + len(rows) - 1, 0))
        merged.text = month
        for task, offices in rows:
            table.cell(r, 1).text = task
            table.cell(r, 2).text = offices
            r += 1
    for p in parts.notes:
        document.add_paragraph(p)
    document.save(path)
    return path


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print a page to PDF with headless Debian chromium (`make sysdeps` installs it)."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        raise RuntimeError("chromium is not installed: run `make sysdeps` (apt-get install "
                           "chromium chromium-driver fonts-noto-cjk)")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", f"--user-data-dir={pdf_path.parent / 'chromium-profile'}",
                    f"--print-to-pdf={pdf_path}", html_path.as_uri()],
                   check=True, capture_output=True, timeout=120)
    if not pdf_path.exists():
        raise RuntimeError(f"chromium did not write {pdf_path}")
    return pdf_path
