"""Chinese-aware tokenisation for BM25, and the text each record is indexed under.

jieba alone splits names the notices use as units (泉引桥, 基教处, 《济南市校外培训机构设置标准》);
a user dictionary built from the records themselves keeps them whole, and `cut_for_search` also
emits their known sub-words, so both the whole name and a part of it match.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata

from ingest.offices import OfficeTable
from ingest.records import Record

# Function words and question words that carry no topic. Kept short on purpose: BM25's idf already
# discounts common words; these are the ones that dominate short questions.
STOPWORDS = frozenset("""
的 了 和 与 及 等 是 在 有 要 吗 呢 啊 吧 么 哪些 什么 怎么 怎样 如何 哪个 多少 几 请问 一下 我 我们 你 你们 他们
这 那 其中 关于 进行 相关 工作 方面 以及 或 对 对于 把 被 将 为 也 都 就 还 又 中 上 下 个 项 条 月份 是否 能 会
the a an of to in on for and or is are what which who when how due from by with about
""".split())

# Bump when `Tokenizer.tokenize` changes: the index manifest records it, and a mismatch rebuilds.
TOKENIZER_VERSION = "jieba-cut_for_search-2"

_QUOTED = re.compile(r"“([^”]{2,30})”|《([^》]{2,60})》|\"([^\"]{2,30})\"")
_WORDLIKE = re.compile(r"[\w\u4e00-\u9fff%.]+")


def user_terms(records: list[Record], offices: OfficeTable) -> list[str]:
    """Terms to keep whole: office spellings, “programme names” and 《titles》 from the records."""
    terms: dict[str, None] = dict.fromkeys(offices.spellings)
    for r in records:
        for m in _QUOTED.finditer(r.text):
            term = next(g for g in m.groups() if g)
            terms[term] = None
            if m.group(2):
                terms[f"《{term}》"] = None
    return sorted(terms)


class Tokenizer:
    """jieba with the corpus' own user dictionary; deterministic given the same terms."""

    def __init__(self, terms: list[str]):
        self.terms = sorted(set(terms))
        self.term_set = frozenset(self.terms)
        self.dictionary_hash = hashlib.sha256("\n".join(self.terms).encode()).hexdigest()[:16]
        self._jieba = None
        # One question is cut many times over (understanding, key terms, scope, rows); each text
        # is cut once (a plain dict, emptied when full: no cycle back to self, still picklable).
        self._cuts: dict[str, tuple[str, ...]] = {}

    def _cutter(self):
        # Built on first use (a schedule question answered by exact filtering never tokenises
        # anything), over jieba's table read piece by piece (index/jieba_table.py).
        if self._jieba is None:
            import jieba

            from index.jieba_table import lazy_tokenizer

            jieba.setLogLevel(logging.WARNING)
            cutter = lazy_tokenizer()
            for term in self.terms:
                if not term.startswith("《"):
                    cutter.add_word(term, freq=2_000_000)
            self._jieba = cutter
        return self._jieba

    def words(self, text: str) -> list[str]:
        """Plain jieba words (with the user dictionary), no filtering: for callers that need words."""
        text = unicodedata.normalize("NFKC", text)
        cut = self._cuts.get(text)
        if cut is None:
            if len(self._cuts) >= 4096:
                self._cuts.clear()
            cut = self._cuts[text] = tuple(self._cutter().lcut(text))
        return list(cut)

    def dictionary_words(self, text: str) -> list[str]:
        """`words`, with each word jieba's HMM guessed from characters its dictionaries do not know
        cut again into dictionary words and single characters (实验校要遴选: 校要 → 校, 要)."""
        cutter, out = self._cutter(), []
        for w in self.words(text):
            out += [w] if len(w) < 2 or self.known(w) else cutter.lcut(w, HMM=False)
        return out

    def known(self, word: str) -> bool:
        """`word` is in jieba's dictionary or the user dictionary, not a guess of jieba's HMM."""
        return bool(self._cutter().FREQ.get(word))

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        tokens: list[str] = []
        # A 《title》 is one token, then its inside is cut as usual so parts of it match too.
        for m in re.finditer(r"《([^》]{2,60})》", text):
            tokens.append(f"《{m.group(1)}》")
        # Numbering stays whole (第7条, 6月): a bare 7 or 15 would match every text numbered 7 or 15.
        tokens += [m.group(0).replace(" ", "") for m in re.finditer(r"第\s*\d{1,3}\s*条|\d{1,2}\s*月", text)]
        for tok in self._cutter().cut_for_search(text):
            tok = tok.strip()
            if tok and tok not in STOPWORDS and _WORDLIKE.fullmatch(tok) and not re.fullmatch(r"\d{1,2}", tok):
                tokens.append(tok)
        return tokens


def index_text(record: Record, offices: OfficeTable) -> str:
    """The text a record is embedded and BM25-indexed under (its numbering made searchable)."""
    if record.kind == "item":
        head = f"第{record.item}条"
        if record.section_title:
            head += f" {record.section}、{record.section_title}"
        return f"{head}\n{record.text}"
    if record.kind == "schedule":
        names = "、".join(
            o if offices.full_name(offices.canonical(o) or o) == o
            else f"{o}({offices.full_name(offices.canonical(o) or o)})"
            for o in record.offices)
        return f"{record.month}月 {record.text} 责任单位:{names}"
    if record.kind == "section":
        head = f"第{record.section}部分 {record.section}、{record.title or record.text}"
        return head if record.text == record.title else f"{head}\n{record.text}"
    if record.kind == "preamble":
        return f"{record.title}\n总体思路 总体要求\n{record.text}"
    return record.text
