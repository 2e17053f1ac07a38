"""Chinese word segmentation for search: the same function prepares indexed text and queries.

Indexed text becomes the jieba `cut_for_search` words plus every single CJK character (so a
one-character query such as 吵 finds 吵架), joined with spaces, lower-cased. SQLite FTS5's
`unicode61` tokenizer and PostgreSQL's `simple` parser then see one token per word on both
databases, so both find the same documents.

Segmentation uses a dedicated `jieba.Tokenizer` (other users of jieba keep the general
dictionary) with the project's domain dictionary (`dictionary.txt`: 网格员, 独居老人, 高空抛物 …)
and every word of the shipped synonym groups (`synonyms.txt`) added, so each of them is one word
in cases and queries alike. When either file changes, `dictionary_fingerprint()` changes and
`services.ranking_index_ensure` rebuilds the index (docs/rules.md §10).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)
_init_lock = threading.Lock()
_initialised = False
_tokenizer = jieba.Tokenizer()

DICTIONARY_PATH = Path(__file__).with_name("dictionary.txt")
SYNONYMS_PATH = Path(__file__).with_name("synonyms.txt")
# Bump when the way text is segmented changes in code (not in the files): the index is rebuilt.
SEGMENTATION_VERSION = "2"

# A token is kept only when it is made of letters/digits (no punctuation, no FTS operators).
_WORD = re.compile(r"^\w+$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Question and function words: they never count as search words (docs/rules.md §10). A query made
# only of them searches nothing and the page suggests the reader's most-read cases instead.
STOPWORDS = frozenset(
    "的 地 得 了 着 过 是 在 和 与 及 或 也 都 就 而 被 把 给 对 从 向 跟 让 我 你 他 她 它 我们 你们 他们 咱们 "
    "这 那 这个 那个 这种 那种 这样 那样 这些 那些 怎么 怎么办 怎么样 怎样 如何 什么 啥 哪 哪些 哪里 哪儿 哪个 "
    "为什么 为啥 干什么 干嘛 吗 呢 吧 啊 呀 嘛 哦 哈 一个 一些 有 有没有 没有 没 要 会 能 能不能 可以 可不可以 "
    "应该 应当 该 该怎么 是不是 是否 请问 请 问 问下 问一下 想问 时 中 找谁 找 谁 去 办 咋 咋办 咋整 "
    "怎么处理 怎样处理 如何处理 怎么解决 如何解决 怎么弄 怎么做 如何做 需要 需不需要 "
    "该怎么办 该怎么处理 该如何处理 应该怎么办 应该怎么处理 应该如何处理 要怎么处理 该找谁 应该找谁".split()
)
# Question phrases cut out of a query before segmenting, longest first: jieba would split some of
# them (怎么处理 → 怎么 处理) and leave a real-looking word (处理) that matches half the library.
QUESTION_PHRASES = sorted(
    (w for w in STOPWORDS if len(w) >= 3 or w in {"怎么", "怎样", "如何", "请问", "找谁", "咋办"}),
    key=len,
    reverse=True,
)
_QUESTION_PHRASE = re.compile("|".join(map(re.escape, QUESTION_PHRASES)))
# Queries longer than this are refused (answered with nothing) instead of building a huge OR query.
MAX_QUERY_LENGTH = 200
# At most this many distinct words of a query are searched for.
MAX_QUERY_TERMS = 24


def shipped_synonym_lines() -> list[str]:
    """Lines of `synonyms.txt` that are groups (no comments, no blanks)."""
    lines = []
    for line in SYNONYMS_PATH.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def split_words(text: str) -> list[str]:
    """The words of a synonym group as written (spaces, commas, 、 ; / | separate), lower-cased."""
    seen: list[str] = []
    for word in re.split(r"[\s,，、;；/|]+", text or ""):
        word = word.strip().lower()
        if word and word not in seen:
            seen.append(word)
    return seen


def _ensure_initialised() -> None:
    global _initialised
    if not _initialised:
        with _init_lock:
            if not _initialised:
                _tokenizer.initialize()
                _tokenizer.load_userdict(str(DICTIONARY_PATH))
                for line in shipped_synonym_lines():
                    for word in split_words(line):
                        if len(word) > 1 and _tokenizer.lcut(word) != [word]:
                            # the smallest frequency that cuts the word out whole
                            _tokenizer.suggest_freq(word, tune=True)
                _initialised = True


def dictionary_fingerprint() -> str:
    """sha256 of what decides segmentation: both word files and SEGMENTATION_VERSION."""
    digest = hashlib.sha256(SEGMENTATION_VERSION.encode())
    for path in (DICTIONARY_PATH, SYNONYMS_PATH):
        digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()


def cut(text: str) -> list[str]:
    """Plain (not for-search) segmentation with the project's tokenizer — for tests and tools."""
    _ensure_initialised()
    return list(_tokenizer.cut(text))


def _words(text: str) -> list[str]:
    _ensure_initialised()
    out = []
    for word in _tokenizer.cut_for_search(text):
        word = word.strip().lower()
        if word and _WORD.match(word) and "_" not in word:
            out.append(word)
    return out


def segment_for_index(text: str) -> str:
    """Indexed form of `text`: segmented words, then each CJK character on its own."""
    if not text:
        return ""
    words = _words(text)
    chars = [ch for ch in _CJK.findall(text)]
    return " ".join(words + chars)


def _query_words(query: str) -> list[str]:
    if not query or len(query) > MAX_QUERY_LENGTH:
        return []
    seen: list[str] = []
    for word in _words(_QUESTION_PHRASE.sub(" ", query.lower())):
        if word not in seen:
            seen.append(word)
    return seen


def is_question_only(query: str) -> bool:
    """True when the query has words but all of them are question/function words (怎么办, 请问 …)."""
    if not query or len(query) > MAX_QUERY_LENGTH:
        return False
    if _QUESTION_PHRASE.search(query.lower()):
        return not any(w not in STOPWORDS for w in _query_words(query))
    words = _words(query)
    return bool(words) and all(w in STOPWORDS for w in words)


def query_terms(query: str) -> list[str]:
    """Distinct search words of a query, in order; [] for punctuation-only, over-long or
    question-words-only queries (docs/rules.md §10)."""
    terms = [w for w in _query_words(query) if w not in STOPWORDS]
    # In a sentence, jieba's leftover single characters (家, 找 …) would match the single-character
    # index entries of nearly every case; with two or more real words they are dropped. A query of
    # one or two characters keeps them — that is how 吵 finds 吵架.
    if sum(len(t) > 1 for t in terms) >= 2:
        terms = [t for t in terms if len(t) > 1]
    return terms[:MAX_QUERY_TERMS]


@lru_cache(maxsize=20000)
def term_weight(term: str) -> float:
    """Rarity of a word: log(total / frequency) from jieba's dictionary (unknown words are rarest).

    It does not depend on the database, so rankings are the same on SQLite and PostgreSQL.
    """
    _ensure_initialised()
    freq = _tokenizer.FREQ.get(term, 0) or 0
    total = _tokenizer.total or 1
    return math.log((total + 1) / (freq + 1))


# A word found in the title counts this many times a single occurrence in the body.
TITLE_WEIGHT = 4.0


def term_impact(term: str, title: str, body: str) -> float:
    """What `term` adds to a document's score: rarity × (TITLE_WEIGHT if in the title, plus
    1 + ln(occurrences) if in the body). Both texts lower-cased, as indexed words are."""
    in_title = term in title
    count = body.count(term)
    if not (in_title or count):
        return 0.0
    return term_weight(term) * ((TITLE_WEIGHT if in_title else 0.0) + (1.0 + math.log(count) if count else 0.0))
