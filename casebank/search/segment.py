"""Chinese word segmentation for search: the same function prepares indexed text and queries.

Indexed text becomes the jieba `cut_for_search` words plus every single CJK character (so a
one-character query such as 吵 finds 吵架), joined with spaces, lower-cased. SQLite FTS5's
`unicode61` tokenizer and PostgreSQL's `simple` parser then see one token per word on both
databases, so both find the same documents.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)
_init_lock = threading.Lock()
_initialised = False

# A token is kept only when it is made of letters/digits (no punctuation, no FTS operators).
_WORD = re.compile(r"^\w+$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Query words that carry no meaning on their own; dropped when the query has other words.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 也 都 就 而 被 把 给 对 从 向 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 "
    "怎么 怎么办 怎样 如何 什么 哪些 为什么 吗 呢 吧 啊 一个 一些 有 没有 要 会 能 可以 应该 请问 时 中".split()
)
# Queries longer than this are refused (answered with nothing) instead of building a huge OR query.
MAX_QUERY_LENGTH = 200
# At most this many distinct words of a query are searched for.
MAX_QUERY_TERMS = 24


def _ensure_initialised() -> None:
    global _initialised
    if not _initialised:
        with _init_lock:
            if not _initialised:
                jieba.initialize()
                _initialised = True


def _words(text: str) -> list[str]:
    _ensure_initialised()
    out = []
    for word in jieba.cut_for_search(text):
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


def query_terms(query: str) -> list[str]:
    """Distinct search words of a query, in order; [] for punctuation-only or over-long queries."""
    if not query or len(query) > MAX_QUERY_LENGTH:
        return []
    words = _words(query)
    seen: list[str] = []
    for word in words:
        if word not in seen:
            seen.append(word)
    meaningful = [w for w in seen if w not in STOPWORDS]
    terms = meaningful or seen
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
    freq = jieba.dt.FREQ.get(term, 0) or 0
    total = jieba.dt.total or 1
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
