"""Text helpers the whole bot shares: normalisation, sentences, character n-grams, key terms.

One implementation and one stop-word list, so understanding, retrieval and answerability agree on
what a question's words are.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from index.children import split_sentences

sentences = split_sentences

# Words that ask rather than say: removed before comparing a question with the notice's text.
QUESTION_WORDS = (
    "多少 是什么 什么 哪些 哪个 哪里 哪 怎么 怎样 如何 咋 啥 吗 呢 吧 嘛 啊 呀 么 请问 一下 有没有 是否 能否 "
    "目标 要求 第 条 里面 提到 的 是 情况 安排 措施 有 还 会 要 今年 今年度 国家 政府 我们 我 你 你们 他们 "
    "继续 一共 具体 内容 讲 说 关于 方面 相关 进行 工作 任务 东西 事情 事 干 做 搞 问题 这种 那种 怎么办 哪儿 几月 哪月 几号 时候 什么时候 啥时候 时间 "
    "几月份 哪个月份 哪月份 月份 "
    "谁 归谁 谁管 由谁 哪个处 负责 牵头 主办 承办 处室 部门 单位 科室 责任单位 责任处室 "
    "清单 一览 汇总 整理 归纳 排序 排列 列出 列个 按月 干嘛 干啥 忙啥 忙些 要干 咋弄 咋办 咋整 啥事 都有啥 活儿 差事 事儿 事项 "
    "工作要点 要点 通知 文件 原文 文中 当中 "
    "怎么回事 咋回事 回事 什么意思 啥意思 意思 局里 处里 科里 咱们 咱"
).split()
_QUESTION_GRAMS_TEXT = "多少是什么哪些怎么如何目标要求第条里面提到的是多少有没有情况安排请问一下呢吗"


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# A day written month.day before a deadline word (6.30前, 9.1以前): 6月30日前.
_DOTTED_DAY = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\.([12]\d|3[01]|0?[1-9])(?![\d.%])\s*[号日]?(?=\s*(?:前|之前|以前))")


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters → half-width), traditional → simplified, a day written
    6.30前 as 6月30日前, trimmed."""
    text = unicodedata.normalize("NFKC", text).strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        text = _DOTTED_DAY.sub(r"\1月\2日", _t2s().convert(text))
    return text


def grams(s: str, n: int = 2) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fffa-z0-9%.]", "", unicodedata.normalize("NFKC", s).lower())
    return {s[i:i + n] for i in range(len(s) - n + 1)}


QUESTION_GRAMS = frozenset(grams(_QUESTION_GRAMS_TEXT))


def content_grams(question: str) -> set[str]:
    """The question's character bigrams, without those of question words."""
    return grams(question) - QUESTION_GRAMS


def best_sentences(text: str, question: str, limit: int = 2, keep_ratio: float = 0.6) -> list[str]:
    """The sentence(s) of `text` sharing most bigrams with `question`, in text order."""
    q = content_grams(question)
    cands = sentences(text)
    scored = sorted(((len(q & grams(s)), -i, s) for i, s in enumerate(cands)), reverse=True)
    if not scored:
        return []
    top = scored[0][0]
    keep = [s for score, _, s in scored[:limit] if score > 0 and score >= top * keep_ratio] or [scored[0][2]]
    return sorted(keep, key=cands.index)


def joined_quote(picked: list[str], order: list[str]) -> str:
    """Sentences of one text, quoted in its order; two that are not next to each other in it are
    joined by …… so that no left-out sentence's place reads as quoted."""
    pos = {s: i for i, s in enumerate(order)}
    # A clause ending in ； is part of a sentence whose next clause may finish what it says (…250平方米
    # 及以下的,至少配备3名; ⏎ 250平方米以上的,每增加250平方米至少增加1名): the next one or two follow it.
    whole = []
    for s in picked:
        whole.append(s)
        i = pos.get(s)
        for _ in range(2):
            if i is None or i + 1 >= len(order) or not order[i].endswith(("；", ";")):
                break
            i += 1
            whole.append(order[i])
    picked = sorted(dict.fromkeys(whole), key=lambda s: pos.get(s, 0))
    out = picked[:1]
    for before, s in zip(picked, picked[1:]):
        out.append(s if s in pos and before in pos and pos[s] == pos[before] + 1 else "……" + s)
    return "".join(out)


def is_title(sentence: str, title: str | None) -> bool:
    """`sentence` is the title `title` (巩固扩大“双减”成果。 of 巩固扩大“双减”成果), its end mark aside."""
    return sentence.rstrip("。.;；") == (title or "").rstrip("。.;；")


def mentions(text: str, term: str, gap: int = 3) -> bool:
    """`term` occurs in `text`, as written or as its abbreviation: a Chinese term of three or more
    characters whose characters occur in order with at most `gap` others between each (普惠园 in
    普惠性幼儿园, 市教研院 in 市教育科学研究院). Two-character terms must occur as written: with
    gaps they match almost anything."""
    if term in text:
        return True
    if len(term) < 3 or not all("\u4e00" <= ch <= "\u9fff" for ch in term):
        return False
    return _abbreviation(term, gap).search(text) is not None


def in_order(chars: str, word: str) -> bool:
    """Every character of `chars` occurs in `word`, in that order (民办 in 民办教育与继续教育)."""
    it = iter(word)
    return all(ch in it for ch in chars)


@functools.lru_cache(maxsize=4096)
def _abbreviation(term: str, gap: int) -> re.Pattern:
    return re.compile(f"[^\\s,。;;,]{{0,{gap}}}".join(map(re.escape, term)))


# A question asked as "A not A" (是不是, 要不要, 能不能, 有没有, 可不可以): asks, names nothing.
A_NOT_A = re.compile(r"(.)(.?)[不没]\1\2?")


# A number asked with its measure word (第几届, 几轮, 第几次): asks, names nothing.
ASKS_A_NUMBER = re.compile(r"第几[\u4e00-\u9fff]{0,2}|几[届轮期批次个项所名人条家件类种位场回节天周年号]")


# A word that begins or ends with an interrogative asks; it names nothing: 谁定, 哪一条, 多少钱, 找谁.
# (Left out of the subjects a rule looks for, not of `key_terms`: the fitted not-found model's
# features were computed with them.)
ASKING_WORD = re.compile(r"^(?:谁|哪|多少|什么|啥|咋|怎)|(?:谁|哪|多少|什么|啥|咋)$")


def key_terms(words: list[str]) -> list[str]:
    """The words that carry a question's content: Chinese words of two or more characters and
    English words of three or more letters, without question words and fillers."""
    out = []
    for w in words:
        w = w.strip().lower()
        if w in QUESTION_WORDS or w in EN_STOP or _of_question_words(w) or A_NOT_A.fullmatch(w) \
                or ASKS_A_NUMBER.fullmatch(w):
            continue
        if (len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w)) or re.fullmatch(r"[a-z]{3,}", w):
            out.append(w)
    return list(dict.fromkeys(out))


@functools.lru_cache(maxsize=4096)
def _of_question_words(word: str) -> bool:
    """`word` is made of question words of two characters or more alone (哪些方面 = 哪些 + 方面,
    情况如何; jieba keeps some such runs whole). Single-character ones (干, 事) would also make
    content words (干事)."""
    if not word:
        return True
    return any(word.startswith(q) and _of_question_words(word[len(q):]) for q in _LONG_QUESTION_WORDS)


_LONG_QUESTION_WORDS = frozenset(w for w in QUESTION_WORDS if len(w) >= 2)

# A question about offices as such (哪个处最多, 各处室, which office).
OFFICE_WORD = re.compile(r"[哪各每]一?个?处|处室|部门|单位|科室|office", re.IGNORECASE)
# Offices doing a task together (基教处跟市教研院一起负责的, 哪些工作是两个处室共同负责的).
JOINT = re.compile(r"一起|共同|联合|一同|合作|同时负责|都负责|都参与|jointly|together", re.IGNORECASE)

# Characters that join words rather than end a name (的 of 安全的, 和, 吗, 能 of 能立).
FUNCTION_CHARS = frozenset("的了和与及或是在有吗呢吧啊呀都也还就要能把被对向从到于为以之等")
EN_STOP = frozenset("what which who when where how does did the and are this that with about from for "
                    "its there any tell please will would should can could have has been year plan "
                    "notice item items task tasks due".split())
