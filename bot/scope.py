"""Answerability: does the corpus answer this question? Decided from the evidence, not the route.

- Rules that need no model: a year, place or authority the corpus does not hold (refused with
  what it does hold); a quoted name the corpus never mentions; markup and code.
- For questions answered by retrieval: answered when the question's most specific key term is in
  the best item; otherwise a small logistic model over evidence signals (how well the
  best sentence matches, how much the question stands out against the whole corpus, whether the
  question's key terms occur in the corpus and in the evidence, how rare the missing ones are),
  fitted by `python -m eval calibrate` on the fit part of the question set only.
"""
from __future__ import annotations

import functools
import itertools
import json
import math
import re
import sys
import weakref
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot import glossary
from bot.corpus import Corpus, Evidence
from bot.settings import calibration_path
from bot.text import ASKING_WORD, FUNCTION_CHARS, QUESTION_WORDS, content_grams, grams, key_terms, mentions
from bot.understand import WHEN, WHERE
from index.jieba_table import words_tagged
from index.text import STOPWORDS

# The classifier's inputs, in order; the calibration file must list the same.
FEATURES = ["dense_top", "dense_zscore", "sentence_top", "log_bm25_top", "bigram_overlap",
            "terms_in_corpus", "terms_in_evidence", "absent_rarity"]


class CalibrationError(RuntimeError):
    """The calibration file does not fit the features the bot computes."""


def load_calibration(path: Path | None = None) -> dict:
    path = path or calibration_path()
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise CalibrationError(f"{path} is not valid JSON ({e}): run `python -m eval calibrate`") from e


# --- rules -----------------------------------------------------------------------------------------

_ORG = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:省|市|区|县)[\u4e00-\u9fff]{0,6}?(?:厅|局|委员会|教委|政府)")
_QUOTED = re.compile(r"“([^”]{2,30})”|\"([^\"]{2,30})\"|《([^》]{2,60})》|「([^」]{2,30})」")


@functools.lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Words jieba's own dictionary tags as place names (ns), of two characters or more."""
    names = [w for w in words_tagged("ns") if len(w) >= 2]
    # People drop the 市 / 省 / 县 (烟台 for 烟台市): the bare name is a place too.
    stems = [w[:-1] for w in names if len(w) >= 3 and w[-1] in "省市县"]
    return frozenset(names + stems)


def foreign(q, corpus: Corpus, words: list[str] | None) -> str | None:
    """The year, place or authority the question names that the corpus does not hold, if any."""
    # A year names a document (2021年…, 2025的工作要点); a bare number (覆盖2000所) does not.
    # English writes years bare (the 2025 budget).
    year_pattern = (r"(?<![\d.])(20\d\d)(?![\d.%])" if q.english
                    else r"(?<!\d)(20\d\d)(?!\d)\s*(?=年|的?(?:工作)?要点|的?计划|的?通知)")
    for year in re.findall(year_pattern, q.text):
        if corpus.doc_years and year not in corpus.doc_years:
            # A year the notices mention only in passing (2025届…) is fine if the question is
            # about that very phrase.
            # The year's own characters (2023年) are not what the question shares with such a phrase.
            rest = content_grams(re.sub(year + r"\s*年?", " ", q.text))
            if not any(year in r.text and len(rest & grams(r.text)) >= 6 for r in corpus.records):
                return f"{year}年"
    function = function_words()
    for org in _ORG.findall(q.text):
        # The match has no left boundary (谁负责组建市…委员会): held if any tail of it is. A name
        # begins with no function word: 就是市局 is 就是 + 市局 (the city's bureau), no 就是市.
        head = re.match(r"[\u4e00-\u9fff]*?(?=[省市区县])", org).group(0)
        if head in function or any(head[:n] in function for n in range(2, len(head))):
            continue
        if not any(org[i:] in corpus.text for i in range(max(1, len(org) - 2))):
            return org
    # A place the question is scoped to (青岛市…, 青岛今年…, 青岛教育局), not one it mentions as a
    # topic (对口支援西藏, 和重庆合办的班): the notice may well speak of the latter.
    for w in words or ():
        if w in place_words():
            place = re.sub(r"(省|市|区|县)$", "", w) or w
            scoped = w != place or re.search(re.escape(place) + r"\s*(省|市|区|县|今年|去年|明年|20\d\d|教育局|教育厅)", q.text)
            if scoped and place not in corpus.text:
                return w
    return None


# Words that make what comes before them the name of a programme, project or body.
_NAME_HEADS = frozenset("计划 工程 行动 项目 工作室 联盟 品牌 基地 共同体 平台 专项".split())


def absent_name(q, corpus: Corpus) -> str | None:
    """A name the corpus never mentions: quoted (“齐鲁名师”, 《…办法》), or a coined programme
    name, a word jieba's dictionary does not know right before a programme word (泉优计划,
    强师工程). A coined name is one the notices would have to contain to answer; a common word
    before the same head (阅读推广工程) is left to retrieval, since it may paraphrase one."""
    for m in _QUOTED.finditer(q.text):
        name = next(g for g in m.groups() if g)
        if name not in corpus.text:
            return name
    if q.english:
        return None
    tok = corpus.index.tokenizer
    words = tok.words(q.text)
    for i, head in enumerate(words):
        if head not in _NAME_HEADS or not i:
            continue
        # The modifier: a word the dictionary does not know (泉优), or a run of single characters
        # jieba could not join into a word (泉 芯, 岱 青).
        if len(words[i - 1]) >= 2:
            name = words[i - 1] if not tok.known(words[i - 1]) else ""
        else:
            run = list(itertools.takewhile(lambda w: len(w) == 1 and w not in STOPWORDS, reversed(words[:i])))
            name = "".join(reversed(run[:4]))
        if len(name) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", name) and not mentions(corpus.text, name):
            return name + head
    return None


def holdings(corpus: Corpus) -> str:
    """What the corpus holds, for a refusal: its documents' titles."""
    return "、".join(f"《{d.title}》" for d in corpus.documents.values()) or "(空)"


# --- evidence signals --------------------------------------------------------------------------------

def chinese_terms(q, corpus: Corpus, dictionary_only: bool = False) -> list[str]:
    """The question's key terms that can occur in the notices: the Chinese ones. `dictionary_only`:
    without the words jieba's HMM guesses (校要), which name nothing (the fitted features keep them,
    as they were fitted with them)."""
    tok = corpus.tokenizer
    return chinese_key_terms(tok.dictionary_words(q.text) if dictionary_only else tok.words(q.text))


def chinese_key_terms(words: list[str]) -> list[str]:
    """The Chinese key terms of `words` (`key_terms` that hold a Chinese character)."""
    return [t for t in key_terms(words) if re.search(r"[\u4e00-\u9fff]", t)]


# Parts of speech that name nothing, as jieba's dictionary tags them: pronouns (这期, 那个),
# numerals and classifiers (几个, 几所), prepositions, conjunctions, particles, modal words,
# interjections and adverbs (大概). A refusal never says the notice lacks one of these.
FUNCTION_TAGS = ("r", "rr", "rz", "m", "mq", "q", "p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv",
                 "y", "e", "o", "d", "ad", "df")


@functools.lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The words jieba's dictionary tags with one of FUNCTION_TAGS."""
    return words_tagged(*FUNCTION_TAGS)


# Parts of speech that name things, as jieba's dictionary tags them.
NOUN_TAGS = ("n", "nz", "nt", "nr", "ns", "vn", "an")


def absent_terms(q, corpus: Corpus) -> list[str]:
    """Key terms of the question that occur nowhere in the corpus, not even as a synonym (Chinese
    only: the notices are), function words left out: the subjects a refusal can name."""
    function = function_words()
    # Offices are named in the rows' office cells, not their text: never "not mentioned".
    q = replace(q, text=corpus.without_agencies(corpus.offices.without(q.text)))
    # Nor are words of place around the question (最近, 区里, 里面) its subject.
    around = words_tagged("f", "s")
    # Nor are words that ask when or where (哪几天, 在哪, 场馆 of 在哪个场馆办).
    where = " ".join(m.group(0) for m in WHERE.finditer(q.text))
    return [t for t in chinese_terms(q, corpus, dictionary_only=True)
            if not corpus.says(corpus.text_of(q.docs), t) and t not in function and t not in around
            and not WHEN.fullmatch(t) and t not in where and not ASKING_WORD.search(t)]


def with_bridges(q, corpus: Corpus):
    """The question, searched with the notices' own words for the terms it uses and they do not
    (学校医务室的大夫 → also 医生; `Corpus.bridges`), or for an English question's topic words
    (school places → 学位; `english_readings`)."""
    if q.english:
        found = list(english_search_words(q, corpus))
    else:
        # (Not for words that name nothing, FUNCTION_TAGS: adverbs, pronouns, numerals…; 越来越 →
        # 进一步 would pull in every item that says 进一步.)
        function = function_words()
        found = [b for t in chinese_terms(q, corpus, dictionary_only=True) if t not in function
                 for b in corpus.bridges(t)]
    return replace(q, bridges=tuple(dict.fromkeys(found))) if found else q


def _used_by(corpus: Corpus, docs: tuple[str, ...]):
    """Whether a Chinese word is one the search knows (so it can be searched) and the notices
    `docs` write."""
    vocab, text = corpus.index.bm25.vocab, corpus.text_of(docs)
    return lambda word: word in vocab and word in text


def english_topic(q, corpus: Corpus) -> list[str]:
    """An English question's topic words (`glossary.topic_words`), without those naming an office
    it names in English (What does the safety management office do?: none; safety and management
    name 安管处, not a topic of its rows)."""
    named = {w for _, words in glossary.office_names(q.text, corpus.offices) for w in words}
    return [w for w in glossary.topic_words(q.text, q.month_label or "") if w not in named]


def _everyday(heads, corpus: Corpus) -> bool:
    """One of `heads` is a word of the notices' everyday vocabulary: a quarter or more of the items
    write it (school → 学校; `common_share`)."""
    return any(corpus.item_share(h) > corpus.settings.common_share for h in heads)


def specific_readings(read: dict[str, tuple[str, ...]], corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """The readings `read` (`english_readings`) without the words of the notices' everyday
    vocabulary (`_everyday`), which tell no row or sentence apart."""
    return {w: heads for w, heads in read.items() if not _everyday(heads, corpus)}


def _known(q, corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """An English question's topic words that the dictionary knows, each with the notices' words
    that a sense of it names (`glossary.glossed`; empty when the notices write none)."""
    used = _used_by(corpus, q.docs)
    known = {w: glossary.glossed(w, used) for w in dict.fromkeys(english_topic(q, corpus))}
    return {w: heads for w, heads in known.items() if heads is not None}


def english_readings(q, corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """An English question's topic words (`glossary.topic_words`) → the words of the notices asked
    about they read as (`glossary.readings`): off-campus training institution standards → 校外,
    培训, 机构, 标准."""
    return glossary.readings(english_topic(q, corpus), _used_by(corpus, q.docs))


def english_search_words(q, corpus: Corpus) -> tuple[str, ...]:
    """The notices' words to search an English question by: its readings (`english_readings`), or,
    for a word no whole sense renders, the words whose longer senses name it, if at most
    `english_loose_max` (bullying → 欺凌, of "to bully and humiliate"). A word one of whose readings
    most items write (school → 学校; `common_share`) is the notices' everyday vocabulary and
    is not searched by, nor by its rarer readings (学院): it would rank items by how often they say it."""
    read = dict(english_readings(q, corpus))
    for word, heads in _known(q, corpus).items():
        if word not in read:
            read[word] = heads if len(heads) <= corpus.settings.english_loose_max else ()
    return tuple(dict.fromkeys(h for heads in specific_readings(read, corpus).values() for h in heads))


def english_absent(q, corpus: Corpus) -> list[str]:
    """An English question's topic words the dictionary knows, when the notices asked about write
    none of their senses (How do I cook rice?: cook, rice) but their everyday words (`_everyday`:
    How much are school uniforms?: uniforms): the subjects a refusal names. Empty when any other
    topic word is in the notices, or no word is in the dictionary (names, typos)."""
    if glossary.has_chinese(q.text):
        return []
    known = _known(q, corpus)
    # A word all of whose readings are the notices' everyday vocabulary (school → 学校) says
    # nothing of what is asked (How much are school uniforms?: uniforms, which they never write).
    absent = [w for w, heads in known.items() if not heads]
    return [] if not absent or any(heads and not _everyday(heads, corpus) for heads in known.values()) else absent


def rarity(term: str, corpus: Corpus) -> float:
    """-log of the term's relative frequency in jieba's general dictionary; unknown words are rarest,
    and so are the notices' own names (泉悦读, offices: the user dictionary gives them a huge
    frequency only to keep them whole)."""
    tok = corpus.tokenizer
    cutter = tok._cutter()
    if term in tok.term_set:
        return math.log(cutter.total)
    freq = cutter.FREQ.get(term) or 0
    return math.log(cutter.total / freq) if freq > 0 else math.log(cutter.total)


def specific_term(q, corpus: Corpus) -> str | None:
    """The question's most specific term the notices use (双减, 近视, 最美教师): its rarest key term
    they mention, if at least `topic_min_rarity` rare (系统 or 教育 is no one thing) and not written
    by `common_share` of the items (中小学 in an education notice); else None."""
    # (Not the issuing body: 教育局今年管不管 asks the bureau, whose name one row happens to write.)
    q = replace(q, text=corpus.without_agencies(q.text))
    terms = [t for t in chinese_terms(q, corpus, dictionary_only=True) if mentions(corpus.text, t)
             and corpus.item_share(t) < corpus.settings.common_share]
    rarest = rarest_term(terms, corpus) if terms else None
    return rarest if rarest and rarity(rarest, corpus) >= corpus.settings.topic_min_rarity else None


def rarest_term(terms: list[str], corpus: Corpus) -> str:
    """The most specific of the question's terms: the rarest (`rarity`), the first on a tie."""
    return max(terms, key=lambda t: rarity(t, corpus))


_MOMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _spread(idx, text: str) -> tuple[float, float]:
    """Mean and standard deviation of the question's similarity to every record, from the
    vectors' mean and second moment (computed once per index): q·μ and √(qᵀMq − (q·μ)²), the
    same figures as scoring every record, at the cost of one 384×384 product."""
    moments = _MOMENTS.get(idx)
    if moments is None:
        # In float64, a block of rows at a time: a float64 copy of 254k vectors would be 0.8 GB.
        n, d = idx.faiss.ntotal, idx.faiss.d
        total, second = np.zeros(d), np.zeros((d, d))
        for start in range(0, n, 16384):
            block = idx.faiss.reconstruct_n(start, min(16384, n - start)).astype(np.float64)
            total += block.sum(axis=0)
            second += block.T @ block
        moments = _MOMENTS[idx] = (total / n, second / n)
    qv = np.asarray(idx.embedder.query(text), dtype=np.float64).reshape(-1)
    mean = float(qv @ moments[0])
    return mean, math.sqrt(max(float(qv @ moments[1] @ qv) - mean * mean, 0.0))


def features(q, corpus: Corpus, evidence: list[Evidence]) -> list[float]:
    idx = corpus.index
    text = q.search_text
    dense = idx.rank_dense(text, corpus.settings.evidence_pool)
    top = dense[0][1] if dense else 0.0
    mean, std = _spread(idx, text)
    z = float((top - mean) / (std + 1e-9))
    sent = max((s for i, s in dense if idx.records[i].kind == "sentence"), default=0.0)
    # (An English question's readings are left out: the model was fitted on its BM25 score without them.)
    lexical = idx.rank_bm25(" ".join((text, *(() if q.english else q.bridges))), 1)
    bm25 = math.log1p(lexical[0][1]) if lexical else 0.0
    best = evidence[0] if evidence else None
    ev_text = " ".join(best.sentences) if best and best.sentences else (best.record.text if best else "")
    qg = content_grams(q.text)
    overlap = len(qg & grams(ev_text)) / len(qg) if qg else 0.0
    terms = chinese_terms(q, corpus)
    held = [corpus.says(corpus.text_of(q.docs), t) for t in terms]   # one search of the notices asked about per term
    in_corpus = sum(held) / len(terms) if terms else 0.5
    item_text = best.record.text if best else ""
    in_ev = sum(corpus.says(item_text, t) for t in terms) / len(terms) if terms else 0.5
    absent = [t for t, h in zip(terms, held) if not h]
    absent_rarity = max((rarity(t, corpus) for t in absent), default=0.0)
    return [top, z, float(sent), bm25, overlap, in_corpus, in_ev, absent_rarity]


def rows_naming(q, corpus: Corpus, rows: list) -> list:
    """Of the 配档表 rows matched to a when / who question, those that name its most specific
    term (泉悦读 in 泉悦读读书工程归哪个处管), when the notice uses that term: a row sharing only
    工程 with the question is another task. None, when no matched row names it."""
    # Of the terms the notices use: a word they never write (时间段) names no row.
    terms = [t for t in chinese_terms(q, corpus, dictionary_only=True) if mentions(corpus.text, t)]
    if not terms or not rows:
        return rows
    rarest = rarest_term(terms, corpus)
    # A thing the notices never name, rarer than every word they do (校车 in 校车安全谁负责), is the
    # task asked about: no row sharing only the commoner word (安全) lists it.
    unnamed = [t for t in absent_terms(q, corpus) if t in words_tagged(*NOUN_TAGS)]
    if unnamed and rarity(rarest_term(unnamed, corpus), corpus) > rarity(rarest, corpus):
        return []
    # A longer name the notices write (空天信息大学, cut by jieba into words commoner than 招生) names
    # the task when the rarest word is not part of it: 空天信息大学什么时候开始招生 is not the
    # 中考招生 row's task.
    # So does it when the rarest word is a common one (建设 of 师德师风建设谁负责, cut 师德师 + 风
    # + 建设): a row sharing only that word is another task.
    name = _written_run(q.text, corpus.text_of(q.docs))
    common = rarity(rarest, corpus) < corpus.settings.topic_min_rarity
    if name and (rarest not in name or common) and not any(name in r.text for r in rows):
        return []
    return [r for r in rows if mentions(r.text, rarest)]


def _written_run(text: str, notices: str, shortest: int = 5) -> str | None:
    """The longest run of at least `shortest` Chinese characters of `text` that `notices` write."""
    for run in sorted(re.findall(r"[\u4e00-\u9fff]{%d,}" % shortest, text), key=len, reverse=True):
        for size in range(len(run), shortest - 1, -1):
            found = next((run[i:i + size] for i in range(len(run) - size + 1) if run[i:i + size] in notices), None)
            if found:
                return found
    return None


def topic_terms(q, corpus: Corpus) -> list[str]:
    """The words of a schedule question that name a topic rather than work in general (体卫艺处负责
    近视防控吗: 近视, 防控; not 重点 or 完成): key terms at least `topic_min_rarity` rare, other than
    office names and the period asked (上半年)."""
    label = q.month_label or ""
    # An office named is the scope, not a topic, nor is any word of its name (安全管理科: 管理科).
    cut = corpus.tokenizer.dictionary_words(corpus.without_agencies(corpus.offices.without(q.text)))   # cut once
    terms = chinese_key_terms(cut)
    # Two common words the notices write as one name (科学 + 教育 → 科学教育) name a topic together.
    pairs = [a + b for a, b in zip(terms, terms[1:]) if a + b in q.text and a + b in corpus.text]
    # A word and the one character after it the notices write as one name (推进 + 会 → 推进会,
    # 现场 + 会 → 现场会): that name, not the word alone.
    # The character must end the phrase (推进会? / 现场会的), not begin the next word (资源智作中心).
    cut = cut + [""]
    pairs += [t + ch for t, ch, after in zip(cut, cut[1:], cut[2:]) if t in terms and len(ch) == 1
              and "\u4e00" <= ch <= "\u9fff" and ch not in FUNCTION_CHARS and t + ch in corpus.text
              and (not re.match(r"[\u4e00-\u9fff]", after) or after in FUNCTION_CHARS or after in QUESTION_WORDS)]
    parts = {w for p in pairs for w in terms if w in p}
    # A word the notices never write counts only if jieba's dictionary calls it a noun (校车): a
    # colloquial verb or a typo (干嘛) is no topic.
    nouns = words_tagged(*NOUN_TAGS)
    # A word the question frames as its topic (关于安全的, 跟考试有关的) is one however common.
    framed = " ".join(m.group(m.lastindex) for m in TOPIC_FRAME.finditer(q.text))
    # Cheap tests first: searching the notices' text costs most with many notices.
    return pairs + [t for t in terms if t not in parts and t not in label and not re.search(r"月|季度|半年|全年", t)
                    and (t in framed or rarity(t, corpus) >= corpus.settings.topic_min_rarity)
                    and not corpus.offices.canonical(t) and (t in nouns or mentions(corpus.text, t))]


# What frames a word as the topic asked about: 关于安全的任务, 有关招生的, 跟考试有关的, 安全方面的.
TOPIC_FRAME = re.compile(r"(?:关于|有关(?!于)|涉及|针对)([\u4e00-\u9fff]{2,8}?)(?:的|方面|工作|问题)|"
                         r"(?:跟|和|与)([\u4e00-\u9fff]{2,8}?)(?:有关|相关)|"
                         r"([\u4e00-\u9fff]{2,4})(?:方面|相关|类)的")


def rarest_in_evidence(q, corpus: Corpus, evidence: list[Evidence], also: tuple[str, ...] = ()) -> bool:
    """The question's most specific key term (the rarest in general Chinese: 近视 in 孩子近视的问题)
    is in the best item: the evidence speaks of the very subject asked about, whatever the
    similarity scores say. On the fit part 31 of the 32 such questions are answerable; the
    logistic model, linear in its signals, cannot express this. `also`: other texts that answer
    (the 配档表 rows a when / who question matched)."""
    texts = ([evidence[0].record.text] if evidence else []) + list(also)
    # (Not a word that asks what the evidence gives: 谁定, 哪一条, 多少钱 of an item with a sum in 元.)
    given = " ".join(texts)
    terms = [t for t in chinese_terms(q, corpus) if not (ASKING_WORD.search(t) and _gives(t, given))]
    if not terms or not texts:
        return False
    rarest = rarest_term(terms, corpus)
    if not any(corpus.says(text, rarest) for text in texts):
        return False
    # 课后服务的老师有没有加班费: the evidence speaks of 课后服务, but 加班费, a thing of its own
    # (a noun rare in general Chinese), is named nowhere in the notices: not this rule's to answer.
    nouns = words_tagged(*NOUN_TAGS)
    return not any(t in nouns and rarity(t, corpus) >= corpus.settings.absent_thing_rarity
                   for t in absent_terms(q, corpus))


def english_in_evidence(q, corpus: Corpus, evidence: list[Evidence], also: tuple[str, ...] = ()) -> bool:
    """The English counterpart of `rarest_in_evidence`: every topic word of an English question that
    the dictionary knows reads as words of the notices (`english_readings`), and its most specific
    one (whose commonest reading is rarest) has a reading in the best item or in a text of `also`
    (teacher day commendation: 教师节 in the row that carries it out). A word the notices never
    write (uniforms) leaves the decision to the model."""
    if not q.english or glossary.has_chinese(q.text):
        return False
    known = list(_known(q, corpus))
    read = english_readings(q, corpus)
    if not known or any(w not in read for w in known):
        return False
    rarest = max(known, key=lambda w: min(rarity(h, corpus) for h in read[w]))
    texts = ([evidence[0].record.text] if evidence else []) + list(also)
    return any(h in text for text in texts for h in read[rarest])


_COUNTED = re.compile(r"(?:多少|几)\s*(个|所|名|人|项|家|万|亿|台|间|座|批|次|场|支|套)?\s*([\u4e00-\u9fff]{2,12})")


_ASKED = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:是|有|为|能|要)?(?:达到|到)?(?:多少|几)")


# A count asked (多少, 几所, 几批; not 第几届, which asks an ordinal).
ASKS_A_COUNT = re.compile(r"多少|(?<!第)几\s*[届轮期批次个项所名人家件类种位场回节万亿]|how many|how much", re.IGNORECASE)
# Numbers that count nothing: years, dates, ordinals (第40个教师节), numbered editions.
_NOT_A_COUNT = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{0,2}\s*日?|每个?月\s*\d{1,2}\s*[日号]|"
                          r"第\s*[\d一二三四五六七八九十百]+")


# Measure words a Chinese numeral counts with (两小时, 三十天, 七十二学时; not 二十大, 十四五, 五育).
_MEASURE = (r"(?:[个所名项家批次期类种位场届轮人间座台套支条件部本节门队组户元篇份张处辆岁米亩倍成册吨%]|"
            r"小时|分钟|学时|课时|天|年|周|月|万|亿)")


def counts_something(text: str, unit: str | None = None) -> bool:
    """`text` holds a count (60所, 4万个, 95%, 两小时, 七十二学时): a number that is no year, date or
    ordinal. An ordinal of the very `unit` asked (几届 → 第三届; not 个, which counts anything) counts it too."""
    if unit and unit != "个" and re.search(rf"第\s*[\d一二两三四五六七八九十百]+\s*{re.escape(unit)}", text):
        return True
    rest = _NOT_A_COUNT.sub(" ", text)
    # A Chinese numeral before a measure word: two or more numerals (三十天), or one other than 一
    # (两小时; 一 is in too many words: 统一, 进一步, 一体化).
    return bool(re.search(r"\d|(?:[一二两三四五六七八九十百千万]{2,}|[二两三四五六七八九十百千万])\s*" + _MEASURE, rest))


def counted_missing(q, text: str, words, bridges=lambda term: ()) -> str | None:
    """For "how many X" / "X是多少" questions: the X whose words the cited evidence `text` does
    not contain (新建多少个校园食堂 answered from an item about 书香校园; 高考分数线), or None.
    `words` should cut dictionary words only: a word jieba's HMM guesses across a boundary
    (实验校要遴选 → 校要) is in no evidence and would refuse every such question. `bridges`: the
    notices' words for a term (老师 → 教师, `Corpus.bridges`), which count as the term."""
    counted = _COUNTED.search(q.text)
    m = counted or _ASKED.search(q.text)
    if not m:
        return None
    # 多少所学校 answered by 新建…中小学、幼儿园60所: a figure in the very classifier asked (所, 名,
    # 项 …) counts the thing asked, named otherwise (…项目每年遴选培育多少项 by 不少于20项, too).
    # 个 counts anything, so it proves nothing.
    unit = counted.group(1) if counted else None
    after = None if counted else re.search(r"(?:多少|几)\s*([所名人项家台间座批次场支套])", q.text)
    unit = unit or (after.group(1) if after else None)
    if unit and unit != "个" and re.search(rf"\d\s*[万亿]?\s*{unit}", text):
        return None
    g = m.lastindex
    start, end = _whole_words(q.text, m.start(g), m.end(g), words)
    thing = re.sub(r"^(年|月|的|个)", "", re.sub(r"(吗|呢|啊|呀|了)$", "", q.text[start:end]))
    # The bound asked (盈余率不能超过多少, 不少于多少): the thing is before it; the notice may say
    # the bound in its own words (不得超过).
    thing = _BOUND.sub("", thing) or thing
    parts = words(thing)
    function = function_words()
    # Adverbs, numerals, conjunctions… (分别, 两年) are never what is missing. Pronouns may be:
    # jieba's dictionary tags some nouns as pronouns (本科), so they are still checked.
    nameless = words_tagged(*(t for t in FUNCTION_TAGS if not t.startswith("r")))
    missing = [t for t in key_terms(parts) if not mentions(text, t) and t not in nameless and not REFERRING.fullmatch(t)
               and (_unit_missing(t, text) if ASKING_WORD.search(t) else not any(mentions(text, b) for b in bridges(t)))]
    sum_given = bool(A_SUM.search(text))
    if MONEY.search(q.text) and not sum_given:
        missing.append("钱")   # 校服多少钱: a sum of money asked, and no sum in the evidence
    if sum_given:   # 投资金额是多少, answered by 投资2.88亿元: the sum is the amount asked
        missing = [t for t in missing if not _SUM.fullmatch(t)]
    if not missing:
        return None
    # Named without the words around it that name nothing (今年, 每月, 大概, 选): 班主任津贴每月 →
    # 班主任津贴, 齐鲁名师培养计划今年选 → 齐鲁名师培养计划.
    idle = lambda w: len(w) < 2 or w in function or w in QUESTION_WORDS   # noqa: E731
    while parts and idle(parts[-1]):
        parts.pop()
    while parts and idle(parts[0]):
        parts.pop(0)
    return "".join(parts) or thing


_BOUND = re.compile(r"(?:最多|最少|至少|最高|最低)?(?:不能|不得|不可|不应|不准|不要|能|可以|应当?|要)?"
                    r"(?:超过|高于|低于|少于|多于|不少于|不低于|不超过|达到|控制在|保持在|稳定在)$")


# Words that point back to what was said (其中新增学位多少个), naming nothing themselves.
REFERRING = re.compile(r"其中|这些|那些|上述|上面|里面|当中")


def _whole_words(text: str, start: int, end: int, words) -> tuple[int, int]:
    """[start, end) without the word of `text` (as `words` cuts it) it begins inside: a span of at
    most 12 characters had made 学前教育的普惠园覆盖率目标 into 前教育的…, whose 前教育 no
    evidence writes."""
    at = 0
    for w in words(text):
        stop = at + len(w)
        if at < start < stop:
            start = min(stop, end)
        at = stop
    return start, end


def _gives(word: str, text: str) -> bool:
    """`text` gives what an asking word asks: who (谁定, 谁抓: a 配档表 row or item names its
    offices), which part of the notice (哪一条, 哪部分), or a count in the unit asked (多少名 by
    300名, 多少钱 by a sum in 元). Not where to sign up (哪报名) or whom to call (找谁)."""
    if re.fullmatch(r"谁.|哪[一几]?(?:条|项|部分?|款|个处|个科)", word):
        return True
    if MONEY.search(word):
        return bool(A_SUM.search(text))
    return bool(re.fullmatch(r"(?:多少|几)(.{1,2})", word)) and not _unit_missing(word, text)


def _unit_missing(word: str, text: str) -> bool:
    """A word that asks (多少分, 几岁, 谁定) is missing from `text` only when it asks a count in a
    unit `text` gives no figure in: 中考满分多少分 answered by a sentence with no score. (A sum of
    money is `MONEY`'s.)"""
    m = re.fullmatch(r"(?:多少|几)(.{1,2})", word)
    if not m or m.group(1) == "钱":
        return False
    return not re.search(rf"[\d一二两三四五六七八九十百千万]\s*{re.escape(m.group(1))}", text)


# A sum of money (2.88亿元, 860万元), and the words that ask for one, which it gives.
A_SUM = re.compile(r"\d\s*[万亿]?\s*元")
_SUM = re.compile(r"金额|数额|钱数|款项|资金|经费|费用|投入|投资额")
# A sum of money asked (多少钱, 多少经费): only a figure in 元 answers it.
MONEY = re.compile(r"多少钱|几块钱|多少元|多少经费|多少资金|多少费用|how much money", re.IGNORECASE)


class Answerability:
    """The fitted not-found decision; without a calibration for this model every retrieval
    question is answered (the rules still apply) and a warning says how to fit one."""

    def __init__(self, calibration: dict | None = None):
        self.calibration = load_calibration() if calibration is None else calibration
        self._warned = False

    def answerable(self, q, corpus: Corpus, evidence: list[Evidence], also: tuple[str, ...] = ()) -> bool:
        model = self.calibration.get("logistic")
        if not model:
            return bool(evidence)
        if self.calibration.get("features") != FEATURES or len(model["weights"]) != len(FEATURES):
            raise CalibrationError(f"{calibration_path()} was fitted on features "
                                   f"{self.calibration.get('features')}, the bot computes {FEATURES}: "
                                   "run `python -m eval calibrate`")
        if self.calibration.get("model_fingerprint") != corpus.index.manifest.get("model_fingerprint"):
            if not self._warned:
                print(f"warning: {calibration_path()} was fitted with another embedding model; the "
                      "not-found decision uses rules only. Refit it: python -m eval calibrate", file=sys.stderr)
                self._warned = True
            return bool(evidence)
        if rarest_in_evidence(q, corpus, evidence, also) or english_in_evidence(q, corpus, evidence, also):
            return True
        x = features(q, corpus, evidence)
        z = model["bias"] + sum(w * (v - m) / sd for w, v, m, sd in
                                zip(model["weights"], x, model["mean"], model["std"]))
        return z >= 0
