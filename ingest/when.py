"""Time cells of a 配档表 and the months they cover.

A schedule's time column is not always one month: 6月底前, 上半年, 全年, 3—4月, 第二季度, 3月、9月.
`read_when` maps such a cell to the months it covers, so a row can be found under every month it is
underway in, while the cell itself is kept as written for the citation. A deadline (6月底前, 年底前)
is the month it is due in: the notice says when the work must be done, not when it starts, so a row
due 9月底前 is not March's work (nor the first quarter's), and 3月底前要完成什么 lists what is due
by then (the question's own deadline, read by `bot.understand`, covers every month up to it).
"""
from __future__ import annotations

import re

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
       "十一": 11, "十二": 12, "元": 1}
_M = r"(\d{1,2}|十[一二]?|[一二三四五六七八九元])"          # one month numeral
_DASH = r"\s*(?:[—–\-~～至到]+|－)\s*"
_PART = r"(?:上中旬|中下旬|上旬|中旬|下旬|初|中|底|末|份|\d{1,2}\s*[日号])?"
_BEFORE = r"(?:前|之前|以前|前后|内)?"

_ONE = re.compile(rf"^{_M}\s*月{_PART}{_BEFORE}$")
_RANGE = re.compile(rf"^{_M}\s*(?:月{_PART})?{_DASH}(次年|翌年|下一?年)?{_M}\s*月{_PART}{_BEFORE}$")
_FROM = re.compile(rf"^{_M}\s*月{_PART}(?:起|开始|以后|之后)$")
_DEADLINE = re.compile(rf"^{_M}\s*月(?:底|末|中旬|下旬|上旬|份|\d{{1,2}}\s*[日号])?\s*(?:前|之前|以前)$")
_QUARTER = re.compile(r"^(?:第\s*)?([一二三四1-4])\s*季度(末|底)?(前|之前)?$")
_QUARTERS = re.compile(r"^(?:第\s*)?([一二三四1-4](?:\s*[、,，和及至到—-]\s*(?:第\s*)?[一二三四1-4])+)\s*季度$")
_SPANS: dict[str, tuple[int, int]] = {
    "上半年": (1, 6), "下半年": (7, 12), "全年": (1, 12), "全年度": (1, 12), "年内": (1, 12),
    "全年持续": (1, 12), "持续推进": (1, 12), "常态化": (1, 12), "长期": (1, 12),
    "年底前": (12, 12), "年底": (12, 12), "年末": (12, 12), "年初": (1, 1),
    "春季": (3, 5), "秋季": (9, 11), "暑假": (7, 8), "寒假": (1, 2), "暑期": (7, 8),
    "每月": (1, 12), "每个月": (1, 12), "按月": (1, 12), "每季度": (1, 12), "每学期": (1, 12), "长期坚持": (1, 12),
    "春季开学前": (2, 2), "秋季开学前": (8, 8), "春季学期": (2, 6), "秋季学期": (9, 12),
    "持续开展": (1, 12), "常年": (1, 12), "持续": (1, 12), "全年常态化": (1, 12), "每月底前": (1, 12),
    "暑期前": (6, 6), "暑假前": (6, 6), "每学期末": (1, 12), "每月底": (1, 12),
    "每月末": (1, 12), "每周": (1, 12), "每两周": (1, 12), "每半月": (1, 12), "每日": (1, 12), "每天": (1, 12),
    "每月上旬": (1, 12), "每月中旬": (1, 12), "每月下旬": (1, 12),
}
# Cells that name several spans in one word, read as their list.
_SAME = {"寒暑假": "寒假、暑假"}


def _month(token: str) -> int | None:
    value = int(token) if token.isdigit() else _CN.get(token)
    return value if value is not None and 1 <= value <= 12 else None


def read_when(cell: str, year: int | None = None) -> tuple[int, ...] | None:
    """The months a time cell covers, in order; None when the cell is not a time. `year`: the year
    the plan is for, which decides which part of a span over two years is its own.

    >>> read_when("3—4月"), read_when("第二季度"), read_when("6月底前"), read_when("2025年3月31日前")
    ((3, 4), (4, 5, 6), (6,), (3,))
    >>> read_when("2024年11月—2025年1月"), read_when("2024年3月—2024年5月")
    ((11, 12), (3, 4, 5))
    >>> read_when("2024年9月—2025年6月", year=2025)
    (1, 2, 3, 4, 5, 6)
    """
    cell = re.sub(r"\s+", "", cell).rstrip("。.")
    if re.fullmatch(r"(?:(?:19|20)\d{2})?年度", cell):
        return tuple(range(1, 13))
    m = re.fullmatch(r"(?:19|20)\d{2}[.．/](\d{1,2})", cell)   # 2025.6
    if m:
        return (_month(m.group(1)),) if _month(m.group(1)) else None
    m = _START_END.match(cell)
    if m:   # 3月启动,11月底前完成: from the one to the other
        a, b = read_when(m.group(1), year), read_when(m.group(2), year)
        return tuple(range(a[0], b[-1] + 1)) if a and b and a[0] <= b[-1] else None
    # A span with both years written (2024年11月—2025年1月): the second year is 次年 (this year's
    # part is read), or the same year (dropped). In the second year's plan, its part is read: from
    # January to the span's end.
    m = re.match(rf"^((?:19|20)\d{{2}})年(.+?{_DASH})((?:19|20)\d{{2}})年(.+)$", cell)
    if m and int(m.group(3)) - int(m.group(1)) == 1 and year == int(m.group(3)):
        end = read_when(m.group(4))
        return tuple(range(1, end[-1] + 1)) if end else None
    if m and int(m.group(3)) - int(m.group(1)) in (0, 1):
        cell = m.group(2) + ("次年" if m.group(3) != m.group(1) else "") + m.group(4)
    # The year, when written (2025年8月31日前, 2024年8月底): the months are read after it; 2024年底前
    # is 年底前.
    cell = re.sub(r"^(?:19|20)\d{2}(?:(?=年[底末初内])|年(?=.))", "", cell)
    cell = _SAME.get(cell, cell)
    if cell in ("每季度末", "每季末"):   # the quarters' last months
        return (3, 6, 9, 12)
    # 每月10日前, 每月15日: every month. A remark in brackets after the time (7—8月（暑期）) is read
    # without it.
    if re.fullmatch(r"每月\d{1,2}[日号](?:前|之前)?", cell):
        return tuple(range(1, 13))
    bare = re.sub(r"[(（][^()（）]{1,8}[)）]$", "", cell)
    if bare != cell and bare:
        return read_when(bare)
    if cell in _SPANS:
        a, b = _SPANS[cell]
        return tuple(range(a, b + 1))
    m = _DEADLINE.match(cell)
    if m:
        last = _month(m.group(1))
        return (last,) if last else None
    m = _ONE.match(cell)
    if m:
        one = _month(m.group(1))
        return (one,) if one else None
    m = _RANGE.match(cell)
    if m:
        a, b = _month(m.group(1)), _month(m.group(3))
        if a and b and m.group(2):   # 9月—次年1月: this year's part of it
            return tuple(range(a, 13))
        if a and b and a <= b:
            return tuple(range(a, b + 1))
        return None
    m = _FROM.match(cell)
    if m:   # 9月起: from then to the year's end
        a = _month(m.group(1))
        return tuple(range(a, 13)) if a else None
    parts = re.split(r"[、,，和及]", cell)
    if len(parts) > 1 and parts[-1].endswith("月") and all(re.fullmatch(_M, p) for p in parts[:-1]):
        parts = [p + "月" for p in parts[:-1]] + parts[-1:]   # 7、8月: 7月、8月
    if len(parts) > 1 and all(parts) and "季度" not in cell:   # 3月、9月; 寒假、暑假; 2—3月、8—9月: all
        got = [read_when(part) for part in parts]
        if all(got):
            return tuple(sorted({m for months in got for m in months}))   # type: ignore[union-attr]
    m = _QUARTERS.match(cell)
    if m:   # 第二、三季度; 第二至三季度 covers the quarters between too
        qs = [int(t) if t.isdigit() else _CN[t] for t in re.findall(r"[一二三四1-4]", m.group(1))]
        if re.search(r"[至到—-]", m.group(1)):
            qs = list(range(min(qs), max(qs) + 1))
        return tuple(mo for q in sorted(set(qs)) for mo in range(3 * q - 2, 3 * q + 1))
    m = _QUARTER.match(cell)
    if m:
        q = int(m.group(1)) if m.group(1).isdigit() else _CN[m.group(1)]
        return (3 * q,) if m.group(2) or m.group(3) else tuple(range(3 * q - 2, 3 * q + 1))
    # A cell that says what happens then (6月启动, 11月底前完成, 常态化推进, 寒假期间, 每年9月):
    # its time.
    for said in _SAID:
        shorter = said.sub("", cell)
        if shorter != cell and shorter:
            return read_when(shorter, year)
    return None


_START_END = re.compile(r"^(.+?)(?:启动|开始|起)[,，;；](.+?)完成$")
_SAID = [re.compile(p) for p in (r"(?:完成|启动|开展|实施|推进|进行|落实|举办|召开|组织)$", r"期间$", r"^每年",
                                 r"^全年(?=持续|常态化)")]


def months_label(months, dash: str = "—") -> str:
    """Months written as their runs: 2月, 3—4月, 4月、10月, 1—2月、7—8月."""
    runs: list[list[int]] = []
    for m in sorted(set(months)):
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return "、".join(f"{r[0]}月" if len(r) == 1 else f"{r[0]}{dash}{r[-1]}月" for r in runs)
