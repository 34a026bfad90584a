"""Read a notice in any supported format into the normalised text lines the one parser reads.

Every format ends as what a scraped `.txt` notice already is: one line per paragraph, header rows
as `label: value` lines, and a table as its cells one per line, row by row (month, task, offices:
the shape `parse._parse_schedule` reads). So `.html`, `.docx` and `.pdf` reach the same `Document`
as the `.txt` of the same notice through `parse.parse_text`, and format-specific code lives here
only, on well-kept libraries: BeautifulSoup + lxml, python-docx, pdfplumber.

All text is NFKC-normalised: PDFs printed by Chromium (and many government PDFs) carry
Kangxi-radical code points (⼯ U+2F2F for 工) that match nothing otherwise, and full-width ASCII
becomes half-width, so copies of one notice in different formats or encodings read the same.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ingest.columns import head_kind
from ingest.errors import IngestError
from ingest.when import months_label, read_when

# suffix -> format name. Order matters: on a doc_id clash the earlier format keeps the plain stem.
FORMATS: dict[str, str] = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html",
                           ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class Text:
    """A file read into normalised lines, with how it was read."""

    text: str
    format: str
    encoding: str | None           # None for formats that carry their own (docx, pdf)
    warnings: tuple[str, ...] = ()


_RADICALS_FILE = Path(__file__).resolve().parent / "data" / "EquivalentUnifiedIdeograph.txt"


def _radical_table() -> dict[int, int]:
    """CJK radicals and strokes → their equivalent unified ideograph (⺠ → 民, ⻔ → 门).

    NFKC maps the Kangxi radicals but not the CJK Radicals Supplement, which Chromium-printed PDFs
    also use for simplified forms. The mapping is Unicode's own data file (UCD, shipped beside
    this module; `ucd-line: first[..last] ; target # name`).
    """
    table: dict[int, int] = {}
    for line in _RADICALS_FILE.read_text(encoding="utf-8").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target = (f.strip() for f in data.split(";"))
        first, _, last = source.partition("..")
        for cp in range(int(first, 16), int(last or first, 16) + 1):
            table[cp] = int(target, 16)
    return table


_RADICALS = _radical_table()
# GBK's A1AA dash decodes to U+2015 in cp936 and to U+2014 in GB18030, and CJK fonts share one
# glyph for both, so PDFs return either: one code point for one dash.
_RADICALS[0x2015] = 0x2014


# ① … ⑳ opening a line number an item where the notice numbers items no other way; NFKC would
# make them a bare 1 that opens nothing. (Beside 1. items or （一） entries they are points within
# them; ①号教学楼 is a name.)
_CIRCLED = re.compile(r"^(\s*)([\u2460-\u2473])(?!\s*号)", re.MULTILINE)
_OTHER_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.．、](?!\d)|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])", re.MULTILINE)


def number_circled(text: str) -> str:
    """`text` with ① … ⑳ opening its lines written 1. … 20., when they are its only item numbers."""
    if not _CIRCLED.search(text) or _OTHER_NUMBERING.search(text):
        return text
    return _CIRCLED.sub(lambda m: f"{m.group(1)}{ord(m.group(2)) - 0x245F}.", text)


def normalise(text: str) -> str:
    """NFKC, radicals → ideographs, one dash; newline-separated lines, no blank lines. A line
    opening with ① … ⑳ opens with 1. … 20. instead."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", number_circled(text))
    text = text.translate(_RADICALS)
    return "\n".join(ln for ln in text.split("\n") if ln.strip())


def read_text(path: Path) -> Text:
    """Read one notice file by its suffix. Raises `IngestError` saying why and what to do."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise IngestError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; save the "
                          f"notice as one of {', '.join(FORMATS)}")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{path}: cannot be read ({e.strerror}); check its permissions") from e
    if fmt == "html":
        out = _read_html(raw)
    elif fmt == "docx":
        out = _read_docx(raw, path)
    elif fmt == "pdf":
        out = _read_pdf(raw, path)
    else:
        text, encoding = decode(raw, str(path))
        text = text.replace("\r\n", "\n").replace("\r", "\n")   # Windows' and old Macs' line ends
        out = Text(_plain_markdown(text) if fmt == "md" else _tab_tables(text), fmt, encoding)
    return Text(normalise(out.text), out.format, out.encoding, out.warnings)


# --- markdown ---------------------------------------------------------------------------------------

_MD_RULES = ((re.compile(r"^\s{0,3}(?:#{1,6}|>)\s*"), ""),          # ## 一、… / > 发布机构:…
             (re.compile(r"^\s*[-*+]\s+"), ""),                       # - bullet
             (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),                 # **bold**
             (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"))             # [text](url)
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _plain_markdown(text: str) -> str:
    """A notice written in Markdown as the lines of a scraped one: heading marks, quote marks and
    emphasis dropped, each table cell on its own line (as tables read from .html and .docx are)."""
    def plain(line: str) -> str:
        for pattern, repl in _MD_RULES:
            line = pattern.sub(repl, line)
        return line

    def row(line: str) -> list[str] | None:
        return [cell.strip() for cell in line.strip().strip("|").split("|")] if line.strip().startswith("|") else None

    return _with_tables([ln for ln in _grid_rows(text.split("\n")) if not _MD_TABLE_RULE.match(ln)], row, plain)


_GRID_RULE = re.compile(r"\+(?:[-=:]+\+)+")


def _grid_rows(lines: list[str]) -> list[str]:
    """A grid table (pandoc's: rows between +----+ rules, a cell's text wrapped over several | lines)
    as a pipe table of one line per row, each cell's lines joined."""
    out: list[str] = []
    block: list[list[str]] = []
    inside = False

    def flush() -> None:
        if block:
            width = max(map(len, block))
            cells = [_join_paragraphs([ln[i] if i < len(ln) else "" for ln in block]) for i in range(width)]
            out.append("| " + " | ".join(cells) + " |")
            block.clear()

    for line in lines:
        if _GRID_RULE.fullmatch(line.strip()):
            flush()
            inside = True
            continue
        if inside and line.strip().startswith("|"):
            block.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush()
        inside = False
        out.append(line)
    flush()
    return out


def _join_paragraphs(parts: list[str]) -> str:
    """A grid cell's lines: wrapped lines joined, paragraphs (apart by a blank line) kept apart by a
    line break, as a Word or HTML cell's paragraphs are (体卫艺科⏎⏎基教科: two offices), unless together
    they read as one header or one time (责任⏎⏎科室, 3月⏎⏎上旬)."""
    paragraphs, current = [], []
    for part in parts + [""]:
        if part:
            current.append(part)
        elif current:
            paragraphs.append(_join_wrapped(current))
            current = []
    whole = _join_wrapped(paragraphs)
    return whole if len(paragraphs) > 1 and (head_kind(whole) or read_when(whole)) else "\n".join(paragraphs)


def _join_wrapped(parts: list[str]) -> str:
    """A cell's wrapped lines as one: joined directly, with a space only between Latin words."""
    text = ""
    for part in filter(None, parts):
        text += (" " if text and text[-1].isascii() and text[-1].isalnum() and part[0].isascii()
                 and part[0].isalnum() else "") + part
    return text


def _with_tables(lines: list[str], row, plain=lambda line: line) -> str:
    """`lines` with each run of table rows (`row(line)`: its cells, None for a line that is no
    row) read by `table_lines`, and every other line through `plain`."""
    out: list[str] = []
    table: list[list[str]] = []
    for line in lines:
        cells = row(line)
        if cells is not None:
            table.append(cells)
            continue
        out.extend(table_lines(table))
        table = []
        out.append(plain(line))
    return "\n".join(out + table_lines(table))


# --- plain text -------------------------------------------------------------------------------------

# Cells apart by a run of spaces (ASCII or ideographic) in a table copied as text from a web page.
_GAP = re.compile(r" {2,}|\u3000+")


def _spaced_tables(text: str) -> str:
    """A schedule copied as text with its cells apart by runs of spaces, made tab-separated: from a
    line of three or more cells whose headers name a time, a task and an office column (序号  工作任务
    完成时间  责任科室), every line of two or more cells, up to the first line of one or a 备注; blank
    lines within are left out. Lines that already hold tabs are left as they are. (An empty cell
    cannot be told from padding that aligns the columns: such a row's later cells move left.)"""
    out, inside, columns = [], False, []
    lines = text.split("\n")
    for n, line in enumerate(lines):
        cells = [c for c in _GAP.split(line.strip()) if c] if "\t" not in line else []
        if not inside:
            inside = len(cells) >= 3 and {"time", "task", "office"} <= {head_kind(c) for c in cells}
            columns = _starts(line, cells) if inside else []
        elif len(cells) == 1 and out and "\t" in out[-1] and _row_follows(lines[n + 1:]):
            # A cell wrapped onto a line of its own (组建城乡学校共同体,实现 ⏎ 乡镇全覆盖): the rest
            # of the cell above it in the row before, by where it starts.
            row = out[-1].split("\t")
            at = min(range(len(columns)), key=lambda k: abs(columns[k] - _starts(line, cells)[0])) if columns else 0
            row[min(at, len(row) - 1)] += cells[0]
            out[-1] = "\t".join(row)
            continue
        elif line.strip() and (len(cells) < 2 or re.match(r"(?:备注|注)\s*[:：]", line.strip())):
            inside = False
        if inside and not line.strip():
            continue
        out.append("\t".join(cells) if inside else line)
    return "\n".join(out)


def _starts(line: str, cells: list[str]) -> list[int]:
    """Where each of `cells` begins in `line`, in characters."""
    out, at = [], 0
    for c in cells:
        at = line.find(c, at)
        out.append(at)
        at += len(c)
    return out


def _row_follows(rest: list[str]) -> bool:
    """The next line that is not blank is a row of two or more cells."""
    nxt = next((ln for ln in rest if ln.strip()), "")
    return len([c for c in _GAP.split(nxt.strip()) if c]) >= 2


def _tab_tables(text: str) -> str:
    """A table pasted from Word or Excel into a .txt (one row per line, cells between tabs, or
    between runs of spaces: `_spaced_tables`) as the lines of a scraped one: each cell on its own
    line."""
    text = _spaced_tables(text)
    if "\t" not in text:
        return text
    return _with_tables(text.split("\n"),
                        lambda line: line.split("\t") if sum(1 for c in line.split("\t") if c.strip()) >= 2 else None)


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Leading bytes of formats people save under a .txt name by mistake.
_SIGNATURES = ((b"%PDF-", "a PDF file", "name it .pdf"),
               (b"PK\x03\x04", "a ZIP archive (a .docx is one)", "name it .docx if it is one"),
               (b"\xd0\xcf\x11\xe0", "an old Office file (.doc)", "save it as .docx"),
               (b"{\\rtf", "an RTF file", "save it as .docx or .txt"),
               (b"\x89PNG", "a PNG image", "the notice's text is needed"),
               (b"\xff\xd8\xff", "a JPEG image", "the notice's text is needed"),
               (b"GIF8", "a GIF image", "the notice's text is needed"))


def decode(raw: bytes, path: str) -> tuple[str, str]:
    """Decode text by its BOM (UTF-8/16/32), else UTF-8, else GB18030/GBK; return (text, encoding)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as e:
                raise IngestError(f"{path}: starts with a {encoding} byte-order mark but is not "
                                  f"valid {encoding} (byte {e.start}); re-save it as UTF-8") from e
            text = text.lstrip("\ufeff")
            if not text.strip():
                raise IngestError(f"{path}: the file is empty; put the notice's text in it or remove it")
            return text, encoding
    if not raw.strip():
        raise IngestError(f"{path}: the file is empty; put the notice's text in it or remove it")
    for signature, what, fix in _SIGNATURES:
        if raw.startswith(signature):
            raise IngestError(f"{path}: this is {what} (binary), not text; {fix}")
    if b"\x00" in raw[:8192]:
        raise IngestError(f"{path}: looks like a binary file (NUL bytes); save the notice as "
                          "plain text (UTF-8, GBK, or UTF-16 with a byte-order mark)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as e:
        raise IngestError(f"{path}: neither UTF-8 nor GBK/GB18030 text (byte {e.start}); "
                          "re-save it as UTF-8") from e
    # GB18030 decodes almost any byte string; reject binary that happens to decode.
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    if controls > len(text) // 100 + 2:
        raise IngestError(f"{path}: looks like a binary file ({controls} control characters); "
                          "save the notice as plain text")
    return text, "gb18030"


# --- tables (all formats) ---------------------------------------------------------------------------

def table_lines(rows: Iterable[Sequence[str | None]], spans_down: bool = False) -> list[str]:
    """Table rows → lines in the shape of a scraped notice.

    A header row of label/value cells (`索引号：` | `X` | `组配分类：` | `Y`) becomes one
    `label: value …` line; any other row gives its non-empty cells one per line, a cell's own
    lines kept apart. Empty cells are dropped. `spans_down`: a None cell is one the cell above spans
    (`_html_grid`, `_docx_rows`; not a PDF's, whose None may span across), written again in its row.
    A schedule's rows (after a header naming a time and a task column) are read as `_Schedule` lays
    them out: time, task, offices.
    """
    out: list[str] = []
    layout = None
    above: list[str | None] = []
    for row in rows:
        if layout is None:
            layout = _Schedule.of(row)
        if layout:
            row = layout.arrange(list(row))
        elif spans_down:
            # A cell spanning rows (检查时间 of two groups) is each row's: written in each.
            row = [above[k] if c is None and k < len(above) else c for k, c in enumerate(row)]
            above = list(row)
        cells = [c.strip() for c in row if c and c.strip()]
        if len(cells) > 1 and cells[0].endswith((":", "：")):
            out.append(" ".join(" ".join(c.split()) for c in cells))
            continue
        for cell in cells:
            out.extend(ln.strip() for ln in cell.split("\n") if ln.strip())
    return out


def _month_head(cell: str) -> int | None:
    """The month a header cell names (3月, 3月份, 三月), else None."""
    if not re.fullmatch(r"\S{1,3}月份?", cell):
        return None
    months = read_when(cell)
    return months[0] if months and len(months) == 1 else None


# What a month column's cell holds when the task does not run that month.
_UNMARKED = frozenset("× ✗ ✘ / ／ - — － 无 否 0".split())


def _marked(cell: str | None) -> bool:
    return bool(cell and cell.strip() and cell.strip() not in _UNMARKED)


class _Schedule:
    """A schedule table's columns, from its header row, and each row laid out as the parser reads
    it: the time cell first, then the task, then the offices, whatever the table's order (责任单位 |
    工作任务 | 完成时间 grouped by office). A cell a merge above covers (None) is the cell above; so
    is a blank cell of a grouping first column (time or office).
    Columns of no known kind (完成标志, 备注) go into the task: 组建教共体(完成标志:公布名单).
    A table whose time is a column per month (1月 … 12月, the months a task runs marked ✓ or √),
    in the header row or in a row under a spanning 时间安排 cell, gets its time cell from the
    marked columns: 4月、10月, 4—11月."""

    def __init__(self, heads: list[str], kinds: list[str | None]):
        self.heads, self.kinds, self.width = heads, kinds, len(heads)
        self.months: dict[int, int] = {}    # column → the month it stands for
        self.fill: int | None = None        # the time column the marked months write
        self.virtual = False                # … one added for them (no column of its own)
        self.task = kinds.index("task")
        self._lay_out()
        self.above: list[str | None] | None = None

    def _lay_out(self) -> None:
        kinds, heads = self.kinds, self.heads
        self.order = ([i for i, k in enumerate(kinds) if k == "time"] + [self.task]
                      + [i for i, k in enumerate(kinds) if k == "office"])
        # Columns of no known kind, and a second task column (工作任务 | 具体措施): kept with the task.
        self.extra = [i for i, (h, k) in enumerate(zip(heads, kinds))
                      if h and (k is None or (k == "task" and i != self.task))]

    def _use_months(self, months: dict[int, int]) -> None:
        """The marked month columns write the row's time: into its own time column where that is
        blank (完成时限 | 1月 …: a time written wins), or, when the months are all the time there is
        (a 时间安排 cell spanning them), into one more, last, column."""
        self.months = months
        written = [i for i, k in enumerate(self.kinds) if k == "time" and i not in months]
        self.kinds = ["month" if i in months else k for i, k in enumerate(self.kinds)]
        if written:
            self.fill = written[0]
        else:
            self.kinds = [("time-span" if k == "time" else k) for k in self.kinds] + ["time"]
            self.heads = self.heads + ["时间"]
            self.width, self.fill, self.virtual = len(self.heads), len(self.heads) - 1, True
        self._lay_out()

    @classmethod
    def of(cls, row: Sequence[str | None]) -> "_Schedule | None":
        heads = [" ".join((c or "").split()) for c in row]
        kinds = [head_kind(h) for h in heads]
        for i in range(1, len(kinds)):      # the blank slots of a header cell spanning columns
            if not heads[i] and kinds[i - 1] == "office":
                heads[i], kinds[i] = heads[i - 1], "office"
        months = {i: m for i, h in enumerate(heads) if (m := _month_head(h))}
        kinds = ["month" if i in months else k for i, k in enumerate(kinds)]
        # A 季度 column is the time when no column gives a finer one; beside 完成时限 it says
        # nothing more, and is left out.
        if "time" not in kinds and len(months) < 2:
            kinds = ["time" if k == "period" else k for k in kinds]
        if "task" not in kinds or ("time" not in kinds and len(months) < 2):
            return None
        schedule = cls(heads, kinds)
        if len(months) >= 2:
            schedule._use_months(months)
        return schedule

    def arrange(self, row: list[str | None]) -> list[str | None]:
        if self.above is None:              # the header itself
            self.above = [None] * self.width
            return [self.heads[i] for i in self.order]
        if not self.months:                 # months in a row under the header's 时间安排 cell
            months = {i: m for i, c in enumerate(row) if c and (m := _month_head(" ".join(c.split())))}
            spanned = set()   # the time column and the blank header slots after it (its colspan)
            for i, k in enumerate(self.kinds):
                if k == "time" or (i - 1 in spanned and not self.heads[i]):
                    spanned.add(i)
            if len(months) >= 2 and set(months) <= spanned and \
                    all(not (c or "").strip() for i, c in enumerate(row) if i not in months):
                self._use_months(months)
                self.above = [None] * self.width
                return []
        if len(row) < self.width:           # trailing empty cells left out
            row = row + [""] * (self.width - len(row))
        if len(row) != self.width:          # not this table's shape: as it is
            return row
        row = [self.above[i] if c is None else c for i, c in enumerate(row)]
        if self.months and (self.virtual or not (row[self.fill] or "").strip()):
            row[self.fill] = months_label(m for i, m in self.months.items() if _marked(row[i]))
        if not (row[0] or "").strip() and self.kinds[0] in ("time", "office"):
            row[0] = self.above[0]
        # A blank time cell in a later column (序号 | 完成时间 | …) groups the row under the time
        # above, as a merged one does: the row still opens with a time cell.
        if (row[self.task] or "").strip():
            row = [self.above[i] if k == "time" and not (c or "").strip() and not (self.virtual and i == self.fill)
                   else c for i, (k, c) in enumerate(zip(self.kinds, row))]
        self.above = row
        notes = "".join(f"({self.heads[i]}:{' '.join(row[i].split())})" for i in self.extra
                        if row[i] and row[i].strip())
        task = (row[self.task] or "").strip()
        return [row[i] if i != self.task else (task + notes if task else task) for i in self.order]


# --- HTML -------------------------------------------------------------------------------------------

_HTML_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "aside", "form", "iframe",
                   "button", "select", "input", "textarea", "svg", "object", "embed")
# Site chrome by class or id: navigation, breadcrumbs, share / print / font-size bars, footers.
_HTML_CHROME = re.compile(r"nav|menu|breadcrumb|crumb|share|footer|toolbar|fontsize|font-size|"
                          r"sidebar|copyright|pager|printbar", re.IGNORECASE)
_HTML_BLOCKS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                "section", "article", "main", "header", "footer", "blockquote", "pre", "address",
                "figure", "figcaption", "caption", "center", "tr", "td", "th", "table", "hr")


# Text that starts with its own list number: 1. / 1、 / （一） / 一、 / (1).
_NUMBERED = re.compile(r"(?:\d{1,3}\s*[.．、]|[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)")


def _ol_number(ol, n: int) -> str:
    """The number a browser draws before an <ol>'s n-th item: 一、 for a Chinese list style, a. /
    A. / i. for those types, (1) inside another list's item (a point of an item), else 1."""
    style = (ol.get("style") or "").lower()
    kind = ol.get("type") or ""
    if re.search(r"cjk-ideographic|chinese", style):
        return _NUM_FORMATS["chineseCounting"](n) + "、"
    if kind in ("a", "A", "i", "I"):
        fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}[kind]
        return _NUM_FORMATS[fmt](n) + "."
    return f"({n})" if ol.find_parent("li") is not None else f"{n}."


def _span(cell, attr: str = "colspan") -> int:
    """How many columns (or rows) an HTML table cell spans; 1 when absent or unreadable."""
    value = str(cell.get(attr, "1")).strip()
    return min(int(value), 50) if value.isdigit() and int(value) > 0 else 1


def _html_grid(table) -> list[list[str | None]]:
    """The table's rows with every column in place, as `_docx_rows` reads a Word table: a cell
    spanning columns (责任单位 over 牵头 | 配合) fills them with blanks after it, and a slot a cell
    above covers (rowspan, in any column) is None, the cell above continuing."""
    grid: list[list[str | None]] = []
    covered: dict[int, int] = {}   # column → rows still covered by a cell above
    for tr in table.find_all("tr"):
        row: list[str | None] = []

        def skip_covered() -> None:
            while covered.get(len(row), 0) > 0:
                covered[len(row)] -= 1
                row.append(None)

        for cell in tr.find_all(("td", "th")):
            skip_covered()
            down = _span(cell, "rowspan") - 1
            for k in range(_span(cell)):
                if down:
                    covered[len(row)] = down
                row.append(cell.get_text("") if k == 0 else "")
        skip_covered()
        grid.append(row)
    return grid


def _read_html(raw: bytes) -> Text:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "lxml")   # encoding from BOM / <meta charset> / detection
    warnings: list[str] = []
    for tag in soup.find_all(_HTML_DROP_TAGS):
        tag.decompose()
    # <header>/<footer> of the page (not of an article) are site chrome.
    for tag in soup.find_all(("header", "footer")):
        if tag.find_parent(("article", "main")) is None:
            tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        marks = " ".join([*tag.get("class", []), tag.get("id") or ""])
        if marks.strip() and _HTML_CHROME.search(marks):
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    # An <ol>'s numbers are drawn by the browser, not written: written here (1. 2. …).
    for ol in soup.find_all("ol"):
        if re.search(r"list-style(?:-type)?\s*:\s*none", ol.get("style", "")):
            continue   # numbers not drawn: any are in the text
        start = int(ol.get("start", "1")) if str(ol.get("start", "1")).isdigit() else 1
        for n, li in enumerate(ol.find_all("li", recursive=False), start):
            if not _NUMBERED.match(li.get_text("").lstrip()):   # numbers typed as well: kept once
                li.insert(0, _ol_number(ol, n))
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    # Data tables (no table inside) become lines; layout tables around them stay blocks.
    for n, table in enumerate(soup.find_all("table"), 1):
        if table.find("table") is not None:
            continue
        lines = table_lines(_html_grid(table), spans_down=True)
        if not lines:
            warnings.append(f"table {n} has no readable cells; it was skipped")
        table.replace_with("\n" + "\n".join(lines) + "\n")
    body = soup.body or soup
    encoding = soup.original_encoding or "utf-8"
    return Text(body.get_text(""), "html", encoding, tuple(warnings))


# --- DOCX -------------------------------------------------------------------------------------------

def _read_docx(raw: bytes, path: Path) -> Text:
    import io
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise IngestError(f"{path}: not a readable .docx ({e}); open it in Word or WPS and "
                          "save it again as .docx") from e
    lines: list[str] = []
    warnings: list[str] = []
    tables = 0
    numbers = _ListNumbers(document)
    for block in _blocks(document.element.body, document):
        if isinstance(block, docx.table.Table):
            tables += 1
            got = table_lines(_docx_rows(block), spans_down=True)
            if not got:
                warnings.append(f"table {tables} has no readable cells; it was skipped")
            lines.extend(got)
        else:
            lines.append(numbers.label(block) + paragraph_text(block))
    return Text("\n".join(lines), "docx", None, tuple(warnings))


def _blocks(parent, document):
    """The paragraphs and tables of a .docx body in order, those inside content controls (w:sdt,
    which python-docx's `iter_inner_content` skips) too."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, document)


def paragraph_text(paragraph) -> str:
    """A .docx paragraph's text, with the runs python-docx's `Paragraph.text` leaves out: those
    inside a smart tag (a date Word marked: 2025年8月31日), a tracked insertion or an inline
    content control. Deleted text (w:delText) stays out."""
    from docx.oxml.ns import qn

    t, tab, br = qn("w:t"), qn("w:tab"), qn("w:br")
    return "".join(e.text or "" if e.tag == t else "\t" if e.tag == tab else "\n"
                   for e in paragraph._p.iter(t, tab, br))


_CN_DIGITS = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (list numbers stay below 100)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


# How Word writes a list number of each format (w:numFmt); a format not here is written as digits.
_NUM_FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"}),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "chineseCounting": _chinese, "chineseCountingThousand": _chinese, "ideographTraditional":
        lambda n: "甲乙丙丁戊己庚辛壬癸"[n - 1] if 1 <= n <= 10 else str(n),
    "taiwaneseCounting": _chinese, "japaneseCounting": _chinese,
    "upperLetter": lambda n: chr(64 + n) if 1 <= n <= 26 else str(n),
    "lowerLetter": lambda n: chr(96 + n) if 1 <= n <= 26 else str(n),
    "upperRoman": _roman, "lowerRoman": lambda n: _roman(n).lower(),
}


class _ListNumbers:
    """The numbers Word draws before list paragraphs (一、 1. （一）): kept in numbering.xml and
    the paragraph's (or its style's) w:numPr, not in its text, so a notice numbered by Word's
    lists would lose every section and item. `label` gives a paragraph's number as Word shows it."""

    def __init__(self, document):
        from docx.oxml.ns import qn

        self._qn = qn
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}   # (abstract id, level) → fmt, text, start
        # (abstract id, level) → the level after whose use it restarts (w:lvlRestart; 0: never).
        self.restart_after: dict[tuple[str, int], int] = {}
        self.abstract: dict[str, str] = {}                              # numId → abstract id
        self.counts: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):   # no numbering part: no lists
            return
        for a in numbering.findall(qn("w:abstractNum")):
            aid = a.get(qn("w:abstractNumId"))
            for lvl in a.findall(qn("w:lvl")):
                val = lambda tag, default: (lvl.find(qn(tag)).get(qn("w:val"))   # noqa: E731
                                            if lvl.find(qn(tag)) is not None else default)
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                self.levels[(aid, ilvl)] = (val("w:numFmt", "decimal"), val("w:lvlText", ""), int(val("w:start", "1")))
                if lvl.find(qn("w:lvlRestart")) is not None:
                    self.restart_after[(aid, ilvl)] = int(val("w:lvlRestart", "1"))
        self.restarts: dict[str, dict[int, int]] = {}   # numId → level → start it restarts at
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            num_id = num.get(qn("w:numId"))
            self.abstract[num_id] = ref.get(qn("w:val"))
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    self.restarts.setdefault(num_id, {})[int(override.get(qn("w:ilvl"), "0"))] = \
                        int(start.get(qn("w:val"), "1"))

    def _num_pr(self, paragraph) -> tuple[str | None, int | None]:
        """The paragraph's list (numId) and level, each from the paragraph or else its style (a
        list style, List Number, carries its numbering; a paragraph may set only the level)."""
        num_id = level = None
        prs = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            prs.append(style.element.pPr)
            style = style.base_style
        for ppr in prs:
            if ppr is None or ppr.numPr is None:
                continue
            if num_id is None and ppr.numPr.numId is not None:
                num_id = str(ppr.numPr.numId.val)
            if level is None and ppr.numPr.ilvl is not None:
                level = ppr.numPr.ilvl.val
        return num_id, level

    def label(self, paragraph) -> str:
        num_id, level = self._num_pr(paragraph) if self.levels else (None, None)
        aid = self.abstract.get(num_id) if num_id else None
        level = level or 0
        if aid is None or (aid, level) not in self.levels:
            return ""
        counts = self.counts.setdefault(aid, [0] * 9)
        fmt, text, start = self.levels[(aid, level)]
        restart = self.restarts.get(num_id, {}).pop(level, None)   # the list starts afresh here, once
        counts[level] = restart if restart is not None else counts[level] + 1 if counts[level] else start
        # Deeper levels start afresh, unless one says it restarts only after a higher one than
        # this (w:lvlRestart; 0: never, items numbered 1…12 through the sections).
        for k in range(level + 1, 9):
            after = self.restart_after.get((aid, k))
            if after is None or (after and level < after):
                counts[k] = 0
        if fmt in ("bullet", "none") or not paragraph.text.strip():   # an empty one is counted, not shown
            return ""

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            kfmt = self.levels.get((aid, k), (fmt,))[0]
            return _NUM_FORMATS.get(kfmt, str)(max(counts[k], 1))
        return re.sub(r"%([1-9])", number, text)


def _docx_rows(table) -> list[list[str | None]]:
    """Cell texts row by row; a merged cell is read once, where it starts."""
    seen: set = set()
    rows = []
    for row in table.rows:
        cells: list[str | None] = []
        here: set = set()
        for cell in row.cells:
            # python-docx repeats a merged cell's element in every grid slot it spans: across a row
            # (nothing more), or down from a row above (None: the cell above continues).
            if cell._tc in here:
                cells.append("")
                continue
            here.add(cell._tc)
            if cell._tc in seen:
                cells.append(None)
                continue
            seen.add(cell._tc)
            cells.append("\n".join(paragraph_text(p) for p in cell.paragraphs))
        rows.append(cells)
    return rows


# --- PDF --------------------------------------------------------------------------------------------

def _pdfium_text(raw: bytes, index: int) -> str:
    """Page `index`'s text as pdfium (pypdfium2, which pdfplumber installs) reads it; "" for a page
    of images."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(raw)
    try:
        page = pdf[index]
        return page.get_textpage().get_text_range().replace("\r\n", "\n").strip()
    finally:
        pdf.close()


def _read_pdf(raw: bytes, path: Path) -> Text:
    import io

    import logging

    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfminer logs a warning per glyph for fonts without a FontBBox (Chromium's subsets).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        pages = list(pdf.pages)
    except (PdfminerException, PDFSyntaxError, PSException) as e:
        raise IngestError(f"{path}: not a readable PDF ({e or type(e).__name__}); export it "
                          "from the original again, or save the notice as .docx or .txt") from e
    warnings: list[str] = []
    blocks: list[list[_Line] | str] = []   # runs of text lines (to join) and table lines
    empty: list[int] = []
    header: list | None = None   # the last schedule header row read
    with pdf:
        furniture = _page_furniture(pages)
        for n, page in enumerate(pages, 1):
            if not page.chars:
                # pdfminer reads no character of some embedded fonts (CFF CJK subsets, as fpdf2
                # writes them) that pdfium reads: the page's text from pdfium, without its tables.
                text = _pdfium_text(raw, n - 1)
                if text:
                    blocks.extend(ln.strip() for ln in text.splitlines() if ln.strip())
                    continue
                empty.append(n)
                continue
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            text_page = page.filter(lambda obj: obj.get("object_type") != "char"
                                    or not any(_inside(obj, b) for b in boxes))
            items: list[tuple[float, object]] = []
            for ln in text_page.extract_text_lines(return_chars=True, strip=True):
                if ln["text"] and _furniture_key(ln, page) not in furniture:
                    items.append((ln["top"], _Line.of(ln)))
            for k, t in enumerate(tables, 1):
                rows = [[_unwrap(c) if c else c for c in row] for row in t.extract()]
                # A schedule going on over a page break without its header again: read under the
                # header of the page before, when the columns are as many.
                if rows and _Schedule.of(rows[0]):
                    header = rows[0]
                elif rows and header and len(rows[0]) == len(header):
                    rows = [header, *rows]
                got = table_lines(rows)
                if not got:
                    warnings.append(f"page {n}: table {k} has no readable cells; it was skipped")
                items.append((t.bbox[1], got))
            for _, item in sorted(items, key=lambda p: p[0]):
                if isinstance(item, _Line):
                    if blocks and isinstance(blocks[-1], list):
                        blocks[-1].append(item)
                    else:
                        blocks.append([item])
                else:
                    blocks.extend(item)
            if blocks and isinstance(blocks[-1], list):
                blocks[-1].append(_PAGE_BREAK)
    if len(empty) == len(pages):
        raise IngestError(f"{path}: the PDF has no text layer ({len(pages)} page(s) of images, a "
                          "scan?); run OCR on it or get the notice as text, .docx or a text PDF")
    for n in empty:
        warnings.append(f"page {n} has no text layer (a scanned page?); its content is missing")
    lines: list[str] = []
    for block in blocks:
        lines.extend(_paragraphs(block) if isinstance(block, list) else [block])
    return Text("\n".join(lines), "pdf", None, tuple(warnings))


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float            # character height
    first_word: float      # width of the leading unbreakable run (an ASCII word or one char)

    @classmethod
    def of(cls, ln: dict) -> "_Line":
        chars = ln["chars"]
        size = max((c["size"] for c in chars), default=ln["bottom"] - ln["top"])
        first = chars[0]
        end = first["x1"]
        if first["text"].isascii() and first["text"].isalnum():
            for c in chars[1:]:
                if not (c["text"].isascii() and not c["text"].isspace()):
                    break
                end = c["x1"]
        return cls(ln["text"], ln["x0"], ln["x1"], ln["top"], ln["bottom"], size, end - first["x0"])


_PAGE_BREAK = _Line("", 0, 0, 0, 0, 0, 0)


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Join visual lines into paragraphs.

    A line break inside a paragraph happens only when the next word does not fit, so a line that
    ends short of the right edge by more than the next line's first word ends its paragraph; so
    does a larger vertical gap than line spacing, or an indented (or centred) next line. Across
    a page break only the short-line and indent rules apply.
    """
    real = [ln for ln in lines if ln is not _PAGE_BREAK]
    if not real:
        return []
    left = min(ln.x0 for ln in real)
    right = max(ln.x1 for ln in real)
    out: list[str] = []
    current = ""
    prev: _Line | None = None
    page_break = False
    for ln in lines:
        if ln is _PAGE_BREAK:
            page_break = True
            continue
        if prev is None:
            current = ln.text
        else:
            size = max(prev.size, ln.size)
            short = right - prev.x1 > ln.first_word + size
            indented = ln.x0 - left > size * 0.9
            gap = not page_break and ln.top - prev.bottom > size * 0.8
            if short or indented or gap:
                out.append(current)
                current = ln.text
            else:
                current = _join(current, ln.text)
        prev, page_break = ln, False
    out.append(current)
    return out


def _join(a: str, b: str) -> str:
    """Join a wrapped line: no space in CJK text, one space between two Latin words."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def _unwrap(cell: str) -> str:
    """A PDF table cell's visual lines are wraps of one text."""
    parts = [p.strip() for p in cell.split("\n")]
    text = ""
    for p in parts:
        text = _join(text, p) if text else p
    return text


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _furniture_key(ln: dict, page) -> tuple[str, int]:
    """Digits masked and position rounded, so `3/5` and `4/5` at the page foot compare equal."""
    zone = 0 if ln["top"] < page.height * 0.08 else 2 if ln["bottom"] > page.height * 0.92 else 1
    return re.sub(r"\d+", "#", ln["text"]), zone


def _page_furniture(pages) -> set[tuple[str, int]]:
    """Running headers / footers: lines in the top or bottom band repeated on most pages."""
    if len(pages) < 2:
        return set()
    counts: dict[tuple[str, int], int] = {}
    for page in pages:
        if not page.chars:
            continue
        keys = {_furniture_key(ln, page) for ln in page.extract_text_lines(strip=True)}
        for key in keys:
            if key[1] != 1:
                counts[key] = counts.get(key, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, c in counts.items() if c >= need}
