"""The office alias table: short names, full names and other spellings of responsible offices.

Kept as data (`corpus/offices.tsv`) so staff can add an office without touching code. Every
spelling resolves to the short name the notices use, so 基础教育处 finds rows that say 基教处.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "corpus" / "offices.tsv"


class OfficeTableError(ValueError):
    """The alias table file is malformed."""


OFFICE_SUFFIX = re.compile(r"(处|室|院|馆|中心|办|委|局|科|股|部|党委|处室|组|站|委员会|学会|协会|研究会|队|所|"
                           r"妇联|残联|侨联|文联|工商联|(?<![建立])工会|科协)$")   # 机关工会; not 组建工会 / 成立工会


# The end of a body's name that an office may belong to: a leading group, committee, headquarters,
# joint meeting or task force (…领导小组 / 安委会 / 指挥部 / 联席会议 / 工作专班), or a committee
# by its short name (关工委, 招考委, 市委, 党委). Not 教育工委 or 教委: the education working
# committee and the education commission are the bureau itself (市委教育工委 济南市教育局), and
# their 办公室 is the table's.
_OF_A_BODY = re.compile(r"(?:小组|委员会|[安教体]委会|指挥部|联席会议|工作组|专班|(?<!教育工)(?<!教)委)$")


# The last character of an office's name that says it is an office (基教处, 人事科, 督导室, 督导办).
_SUFFIXES = "处科室办股"


def office_shaped(name: str) -> bool:
    """`name` reads as an office by itself: ends like one (基础教育科, 办公室) or names every unit of a
    kind (各学校). 幼儿园 after 各中小学、 is one of a list, not an office to ask about alone."""
    return bool(OFFICE_SUFFIX.search(bracket_free(name))) or name.startswith("各")


def bracket_free(name: str) -> str:
    """`name` without a bracketed part at its end: 学生工作部 of 学生工作部（处）, 党委组织部 of
    党委组织部（党校）."""
    return re.sub(r"[(（][^()（）]{1,8}[)）]$", "", name) or name


@dataclass(frozen=True)
class Office:
    short: str
    full: str
    aliases: tuple[str, ...]

    @property
    def spellings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.short, self.full, *self.aliases)))


class OfficeTable:
    """Resolves any spelling of an office to its short name; finds offices named in free text."""

    def __init__(self, offices: list[Office]):
        self.offices = offices
        self._by_spelling: dict[str, str] = {}
        for office in offices:
            for spelling in office.spellings:
                self._by_spelling.setdefault(spelling, office.short)
        # Longest spelling first so 政策法规处 wins over a shorter overlapping name.
        ordered = sorted(self._by_spelling, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        # Staff speak of an office by its name without 处 / 科 / 室 when they say "that side of the
        # bureau" (职教那边, 思政这块): such a stem of one office only, before those words, if it is
        # a coined short form (职教, 思政), not words of the office's full name (安全, 教师: topics).
        full = {o.short: o.full for o in offices}
        stems: dict[str, set[str]] = {}
        for spelling, short in self._by_spelling.items():
            if len(spelling) >= 3 and spelling[-1] in _SUFFIXES and spelling[:-1] not in full[short]:
                stems.setdefault(spelling[:-1], set()).add(short)
        self._by_stem = {s: next(iter(o)) for s, o in stems.items() if len(o) == 1 and s not in self._by_spelling}
        self._stem_pattern = (re.compile("(" + "|".join(map(re.escape, sorted(self._by_stem, key=len, reverse=True)))
                                         + r")(?=那边|这边|那块|这块|那头|口(?![罩号径]))") if self._by_stem else None)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_TABLE) -> "OfficeTable":
        path = Path(path)
        if not path.is_file():
            raise OfficeTableError(f"office alias table not found: {path} (create it: one office per "
                                   "line, 'short<TAB>full<TAB>alias、alias')")
        offices = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
                raise OfficeTableError(f"{path}:{n}: expected 'short<TAB>full<TAB>aliases', got {line!r}")
            aliases = tuple(a.strip() for a in (cols[2] if len(cols) > 2 else "").split("、") if a.strip())
            offices.append(Office(cols[0].strip(), cols[1].strip(), aliases))
        return cls(offices)

    @classmethod
    def for_corpus(cls, corpus: Path) -> "OfficeTable":
        """The corpus folder's own table if it has one, else the project's."""
        own = Path(corpus) / DEFAULT_TABLE.name
        return cls.load(own if own.is_file() else DEFAULT_TABLE)

    def with_names(self, names) -> "OfficeTable":
        """This table plus an office of its own for each name it does not know (a notice's
        责任科室 that the alias table does not list): staff can then ask about it by that name.
        Only names shaped like an office (`office_shaped`): 幼儿园 of 各中小学、幼儿园 is none."""
        extra = [Office(n, n, ()) for n in dict.fromkeys(n.strip() for n in names)
                 if n and self.canonical(n) is None and office_shaped(n)]
        return OfficeTable(self.offices + extra) if extra else self

    def canonical(self, name: str) -> str | None:
        """The short name for any spelling, or None if the table does not know it."""
        return self._by_spelling.get(name.strip())

    def full_name(self, short: str) -> str:
        for office in self.offices:
            if office.short == short:
                return office.full
        return short

    def find_all(self, text: str, stems: bool = True) -> list[str]:
        """Short names of all offices mentioned in `text`, in order of first mention. An office
        named after a body (领导小组办公室, 安委会办公室, 防汛指挥部办公室) is that body's, not one of the
        table's (办公室). `stems`: also offices named by a coined stem before 那边 / 这块 (职教那边)."""
        if self._pattern is None:
            return []
        found = [(m.start(), self._by_spelling[m.group(0)]) for m in self._pattern.finditer(text)]
        if stems and self._stem_pattern is not None:
            found += [(m.start(), self._by_stem[m.group(1)]) for m in self._stem_pattern.finditer(text)]
        return list(dict.fromkeys(short for at, short in sorted(found) if not _OF_A_BODY.search(text[:at])))

    def without(self, text: str) -> str:
        """`text` with every office it names blanked out (安全管理科 whole, not its 管理科)."""
        if self._pattern is None:
            return text
        text = self._pattern.sub(" ", text)
        return self._stem_pattern.sub(" ", text) if self._stem_pattern is not None else text

    @property
    def spellings(self) -> list[str]:
        return list(self._by_spelling)
